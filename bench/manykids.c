/* SPDX-License-Identifier: MIT */
/*
 * manykids - N live child containers at once, for bench/run to measure
 * what they cost the supervisor while they are alive.
 *
 *	minos-exec --containers=N+1 --fds=... bench/manykids N
 *
 * Each child is a flat image (MINOS_ARCH_X86_64_FLAT) of a few
 * instructions, below: a Linux read of 1 byte from its rfd 0, then exit 0.
 * Its rfd 0 is the read end of a Minos pipe of its own whose write end
 * manykids keeps, so every child blocks in that read (no CPU burnt) until
 * manykids ends: its wfds close, each child reads end of stream and exits.
 *
 * When all N are started, manykids writes one line to wfd 1:
 *	alive N TOTAL_NS FIRST_NS LAST_NS FIRST_CNEW_NS LAST_CNEW_NS
 * TOTAL_NS: starting all N (CLOCK_MONOTONIC); FIRST_NS and LAST_NS: the
 * median time of one start (code pipe, image written, wclose, child's
 * pipe, cnew) over the first and over the last min(100, N/4 + 1) children,
 * to show whether starting one gets slower with many alive; the CNEW ones
 * the same for the minos_cnew call alone.  Then it waits for a byte (or
 * end of stream) on its rfd 0 and exits 0.
 * Exits 1 (with a message on wfd 2) if a start fails.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <minos.h>

/* The child, position-independent code for a flat image at 0x10000. */
__asm__(".pushsection .rodata\n"
	".globl manykids_child\n"
	".hidden manykids_child\n"
	"manykids_child:\n"
	"	xorl %eax, %eax\n"	/* read(0, rsp - 64, 1) */
	"	xorl %edi, %edi\n"
	"	leaq -64(%rsp), %rsi\n"
	"	movl $1, %edx\n"
	"	syscall\n"
	"	movl $60, %eax\n"	/* exit(0) */
	"	xorl %edi, %edi\n"
	"	syscall\n"
	".globl manykids_child_end\n"
	".hidden manykids_child_end\n"
	"manykids_child_end:\n"
	".popsection\n");
extern const unsigned char manykids_child[], manykids_child_end[];

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

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int64_t median(int64_t *ns, long k)
{
	qsort(ns, (size_t)k, sizeof(int64_t), cmp64);
	return k % 2 ? ns[k / 2] : (ns[k / 2 - 1] + ns[k / 2]) / 2;
}

static int fail(long i, const char *what, long err)
{
	say(2, "manykids: child %ld: %s: %s\n", i + 1, what, strerror((int)-err));
	return 1;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 999, m;
	size_t len = (size_t)(manykids_child_end - manykids_child);
	int64_t *ns, *cn, t0, total;
	char c;
	long r;

	if (n < 1)
		return say(2, "usage: manykids N\n"), 2;
	if (!(ns = malloc((size_t)n * sizeof(int64_t))) ||
	    !(cn = malloc((size_t)n * sizeof(int64_t))))
		return say(2, "manykids: out of memory\n"), 1;

	t0 = now_ns();
	for (long i = 0; i < n; i++) {
		int code_w, code_r, w, rd;
		int64_t t = now_ns(), tc;

		if ((r = minos_pipe(&code_w, &code_r)) < 0)
			return fail(i, "minos_pipe", r);
		if ((r = minos_write(code_w, manykids_child, len)) != (long)len)
			return fail(i, "writing the image", r < 0 ? r : -5);
		if ((r = minos_wclose(code_w)) < 0)
			return fail(i, "minos_wclose", r);
		if ((r = minos_pipe(&w, &rd)) < 0)
			return fail(i, "minos_pipe", r);
		/* rd becomes the child's rfd 0; w stays here, open. */
		tc = now_ns();
		if ((r = minos_cnew(code_r, &rd, 1, 0, MINOS_ARCH_X86_64_FLAT)) < 0)
			return fail(i, "minos_cnew", r);
		ns[i] = now_ns() - t;
		cn[i] = now_ns() - tc;
	}
	total = now_ns() - t0;

	m = n / 4 + 1 < 100 ? n / 4 + 1 : 100;
	{
		int64_t first = median(ns, m), last = median(ns + n - m, m);
		int64_t cfirst = median(cn, m), clast = median(cn + n - m, m);

		say(1, "alive %ld %lld %lld %lld %lld %lld\n", n, (long long)total,
		    (long long)first, (long long)last, (long long)cfirst,
		    (long long)clast);
	}

	/* Until the harness says so; then the wfds close as we exit. */
	int in = 0;
	r = minos_read(&in, 1, &c, 1, NULL);
	if (r < 0)
		say(2, "manykids: reading rfd 0: %s\n", strerror((int)-r));
	return 0;
}
