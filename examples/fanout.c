/* SPDX-License-Identifier: MIT */
/*
 * fanout - one image started N times; the results gathered with one read.
 *
 *	minos-exec examples/fanout [N]		(N from 1 to 61, default 8)
 *
 * The worker is a flat image (MINOS_ARCH_X86_64_FLAT) of a few instructions,
 * written below in assembly: it writes "worker ", then copies its rfd 0 to
 * its wfd 1 until end of stream, then writes a newline and exits 0.  A child
 * made by cnew has no arguments, so each worker gets its number K as the
 * contents of its rfd 0, a Minos pipe fanout wrote K into and closed.  Each
 * worker's wfd 1 is another Minos pipe; fanout reads all N of them with one
 * Minos read over the N rfds, appending each chunk to its worker's line,
 * until each rfd has reported end of stream (its worker has ended).  Then
 * it prints the N lines sorted by K and "fanout: ok":
 *
 *	worker 1
 *	...
 *	worker 8
 *	fanout: ok
 *
 * N is bounded by the descriptors a container may hold (64 by default:
 * three standard ones, N result rfds and a few made while starting one).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <minos.h>

#define MAX_WORKERS 61

/* The worker, position-independent code for a flat image at 0x10000. */
__asm__(".pushsection .rodata\n"
	".globl fanout_worker\n"
	".hidden fanout_worker\n"
	"fanout_worker:\n"
	"	subq $64, %rsp\n"
	"	movl $1, %edi\n"
	"	leaq fw_prefix(%rip), %rsi\n"
	"	movl $7, %edx\n"
	"	movl $0x4405, %eax\n"	/* write(1, "worker ", 7) */
	"	syscall\n"
	"	testq %rax, %rax\n"
	"	js fw_fail\n"
	"fw_loop:\n"
	"	leaq fw_rfd0(%rip), %rdi\n"
	"	movl $1, %esi\n"
	"	movq %rsp, %rdx\n"
	"	movl $64, %r10d\n"
	"	movl $0x4404, %eax\n"	/* read({0}, 1, rsp, 64) */
	"	syscall\n"
	"	testq %rax, %rax\n"
	"	js fw_fail\n"
	"	jz fw_end\n"
	"	movq %rax, %rdx\n"
	"	movl $1, %edi\n"
	"	movq %rsp, %rsi\n"
	"	movl $0x4405, %eax\n"	/* write(1, rsp, n): <= 64 bytes */
	"	syscall\n"
	"	testq %rax, %rax\n"
	"	js fw_fail\n"
	"	jmp fw_loop\n"
	"fw_end:\n"
	"	movl $1, %edi\n"
	"	leaq fw_nl(%rip), %rsi\n"
	"	movl $1, %edx\n"
	"	movl $0x4405, %eax\n"	/* write(1, "\n", 1) */
	"	syscall\n"
	"	xorl %edi, %edi\n"
	"	movl $60, %eax\n"	/* exit(0) */
	"	syscall\n"
	"fw_fail:\n"
	"	movl $1, %edi\n"
	"	movl $60, %eax\n"	/* exit(1) */
	"	syscall\n"
	"fw_rfd0:\n"
	"	.long 0\n"
	"fw_prefix:\n"
	"	.ascii \"worker \"\n"
	"fw_nl:\n"
	"	.ascii \"\\n\"\n"
	".globl fanout_worker_end\n"
	".hidden fanout_worker_end\n"
	"fanout_worker_end:\n"
	".popsection\n");
extern const unsigned char fanout_worker[], fanout_worker_end[];

struct worker {
	int k, rfd, ended;
	char line[32];
	size_t len;
};

__attribute__((format(printf, 2, 3)))
static void say(int wfd, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (len >= (int)sizeof(line))
		len = sizeof(line) - 1;
	for (int done = 0; done < len;) {
		long n = minos_write(wfd, line + done, (size_t)(len - done));

		if (n <= 0)
			return;
		done += (int)n;
	}
}

static int fail(const char *what, long err)
{
	say(2, "fanout: %s: %s\n", what, strerror((int)-err));
	return 1;
}

/* A Minos pipe holding len bytes (fewer than a pipe holds) and its end of
 * stream; returns its rfd or -errno. */
static long stream_of(const void *p, size_t len)
{
	int wfd, rfd;
	long n = minos_pipe(&wfd, &rfd);

	if (n < 0)
		return n;
	for (size_t done = 0; done < len; done += (size_t)n)
		if ((n = minos_write(wfd, (const char *)p + done, len - done)) < 0)
			break;
	minos_wclose(wfd);
	if (n < 0) {
		minos_rclose(rfd);
		return n;
	}
	return rfd;
}

static int by_k(const void *a, const void *b)
{
	int x = atoi(strchr(*(char *const *)a, ' ') + 1);
	int y = atoi(strchr(*(char *const *)b, ' ') + 1);

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	static struct worker w[MAX_WORKERS];
	int rfds[MAX_WORKERS], nlive = 0;
	char *lines[MAX_WORKERS];
	int n = argc > 1 ? atoi(argv[1]) : 8;
	char buf[16];
	long r;

	if (n < 1 || n > MAX_WORKERS) {
		say(2, "usage: fanout [N], N from 1 to %d\n", MAX_WORKERS);
		return 2;
	}

	for (int i = 0; i < n; i++) {
		int out_wfd, len;
		long code, in;

		w[i].k = i + 1;
		len = snprintf(buf, sizeof(buf), "%d", w[i].k);
		if ((code = stream_of(fanout_worker,
				      (size_t)(fanout_worker_end - fanout_worker))) < 0)
			return fail("code stream", code);
		if ((in = stream_of(buf, (size_t)len)) < 0)
			return fail("input stream", in);
		if ((r = minos_pipe(&out_wfd, &w[i].rfd)) < 0)
			return fail("minos_pipe", r);

		/* rfd 0 = in; wfd 0 empty, wfd 1 = out_wfd.  Both move. */
		int fds[] = { (int)in, -1, out_wfd };

		r = minos_cnew((int)code, fds, 1, 2, MINOS_ARCH_X86_64_FLAT);
		if (r < 0) {
			say(2, "fanout: cannot start worker %d: %s\n", w[i].k,
			    strerror((int)-r));
			return 1;
		}
		rfds[nlive++] = w[i].rfd;
	}

	/* One Minos read over every result rfd not yet at end of stream. */
	while (nlive > 0) {
		struct worker *from = NULL;
		int rfd = -1;
		char chunk[32];

		r = minos_read(rfds, (unsigned)nlive, chunk, sizeof(chunk), &rfd);
		if (r < 0)
			return fail("minos_read", r);
		for (int i = 0; i < n; i++)
			if (w[i].rfd == rfd && !w[i].ended)
				from = &w[i];
		if (!from) {
			say(2, "fanout: minos_read read rfd %d, not one of ours\n", rfd);
			return 1;
		}
		if (r == 0) {
			from->ended = 1;
			for (int i = 0; i < nlive; i++)
				if (rfds[i] == rfd)
					rfds[i] = rfds[--nlive];
			minos_rclose(rfd);
			continue;
		}
		if (from->len + (size_t)r >= sizeof(from->line)) {
			say(2, "fanout: worker %d says too much\n", from->k);
			return 1;
		}
		memcpy(from->line + from->len, chunk, (size_t)r);
		from->len += (size_t)r;
	}

	for (int i = 0; i < n; i++) {
		char want[32];

		snprintf(want, sizeof(want), "worker %d\n", w[i].k);
		if (strcmp(w[i].line, want) != 0) {
			say(2, "fanout: worker %d said \"%s\"\n", w[i].k, w[i].line);
			return 1;
		}
		lines[i] = w[i].line;
	}
	qsort(lines, (size_t)n, sizeof(lines[0]), by_k);
	for (int i = 0; i < n; i++)
		say(1, "%s", lines[i]);
	say(1, "fanout: ok\n");
	return 0;
}
