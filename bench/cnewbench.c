/* SPDX-License-Identifier: MIT */
/*
 * cnewbench - what starting a child container costs, spawn to exit, timed
 * from inside a container (a static musl guest, run under minos-exec).
 *
 *	minos-exec bench/cnewbench [K]
 *
 * Carries the image of bench/true (.incbin, see bench/local.mk) and starts
 * it K + 1 times, one child at a time.  One spawn is:
 *
 *	minos_pipe (the code stream); minos_write of the whole image into it
 *	(it fits the stream's 64 KiB buffer, checked below, so no writer
 *	thread); minos_wclose; minos_pipe (the child's output);
 *	minos_cnew(code rfd, {-1, -1, out wfd}, 1, 2, ELF): the child gets
 *	the out wfd at slot 1; then minos_read of the out rfd until end of
 *	stream.  bench/true writes nothing, so end of stream comes when the
 *	child has ended (its descriptors close with it); minos_rclose.
 *
 * timed with clock_gettime (CLOCK_MONOTONIC) from before the first
 * minos_pipe to the end of stream.  The first spawn of a run reads and
 * checks the image (the supervisor's image cache is per run); the K after
 * it hit the cache.
 *
 * Prints (NS: median, mean, min, max of the K cached spawns):
 *	cnew_first ALL_NS CALL_NS  the first (uncached) spawn, and its cnew call
 *	cnew NS        spawn to exit, all of it
 *	cnew_setup NS  the part before cnew: two pipes, the image, the wclose
 *	cnew_call NS   the minos_cnew call alone
 *	cnew_wait NS   the part after it: reading until end of stream
 * Exits 1 (with a message on wfd 2) if anything fails, including a child
 * that writes something.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <minos.h>

#ifndef CHILD_PATH
#error "build with -DCHILD_PATH='\"/path/to/bench/true\"' (bench/local.mk)"
#endif

/* A Minos pipe is a Linux pipe: 64 KiB unless someone shrank it. */
#define PIPE_BUFFER 65536

__asm__(".pushsection .rodata\n"
	".balign 16\n"
	".globl cnewbench_child\n"
	".hidden cnewbench_child\n"
	"cnewbench_child:\n"
	".incbin \"" CHILD_PATH "\"\n"
	".globl cnewbench_child_end\n"
	".hidden cnewbench_child_end\n"
	"cnewbench_child_end:\n"
	".popsection\n");
extern const unsigned char cnewbench_child[], cnewbench_child_end[];

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

static int fail(const char *what, long err)
{
	say(2, "cnewbench: %s: %s\n", what, strerror((int)-err));
	return -1;
}

enum { ALL, SETUP, CALL, WAIT, NPARTS };
static const char *const names[NPARTS] = { "cnew", "cnew_setup", "cnew_call",
					   "cnew_wait" };

/* One spawn to exit: ns[ALL], ns[SETUP], ...; returns 0, or -1. */
static int spawn(int64_t ns[NPARTS])
{
	const unsigned char *p = cnewbench_child;
	size_t len = (size_t)(cnewbench_child_end - cnewbench_child);
	int code_w, code_r, out_w, out_r;
	int64_t t0, t1, t2, t3;
	char buf[64];
	long n, cid;

	t0 = now_ns();
	if ((n = minos_pipe(&code_w, &code_r)) < 0)
		return fail("minos_pipe", n);
	for (size_t done = 0; done < len; done += (size_t)n)
		if ((n = minos_write(code_w, p + done, len - done)) <= 0)
			return fail("writing the image", n < 0 ? n : -5);
	if ((n = minos_wclose(code_w)) < 0)
		return fail("minos_wclose", n);
	if ((n = minos_pipe(&out_w, &out_r)) < 0)
		return fail("minos_pipe", n);

	/* rfd part: slot 0 empty; wfd part: slot 0 empty, out_w at slot 1. */
	int fds[] = { -1, -1, out_w };

	t1 = now_ns();
	cid = minos_cnew(code_r, fds, 1, 2, MINOS_ARCH_X86_64_ELF);
	t2 = now_ns();
	if (cid < 0)
		return fail("minos_cnew", cid);
	while ((n = minos_read(&out_r, 1, buf, sizeof(buf), NULL)) > 0) {
		say(2, "cnewbench: the child wrote %ld bytes\n", n);
		return -1;
	}
	t3 = now_ns();
	if (n < 0)
		return fail("minos_read", n);
	if ((n = minos_rclose(out_r)) < 0)
		return fail("minos_rclose", n);
	ns[ALL] = t3 - t0;
	ns[SETUP] = t1 - t0;
	ns[CALL] = t2 - t1;
	ns[WAIT] = t3 - t2;
	return 0;
}

static void stats(const char *name, int64_t *ns, long k)
{
	int64_t sum = 0;

	for (long i = 0; i < k; i++)
		sum += ns[i];
	qsort(ns, (size_t)k, sizeof(int64_t), cmp64);
	say(1, "%s %lld %lld %lld %lld\n", name,
	    (long long)(k % 2 ? ns[k / 2] : (ns[k / 2 - 1] + ns[k / 2]) / 2),
	    (long long)(sum / k), (long long)ns[0], (long long)ns[k - 1]);
}

int main(int argc, char **argv)
{
	long k = argc > 1 ? strtol(argv[1], NULL, 10) : 200;
	size_t len = (size_t)(cnewbench_child_end - cnewbench_child);
	int64_t *ns[NPARTS], first[NPARTS], one[NPARTS];

	if (k < 1)
		return say(2, "usage: cnewbench [K]\n"), 2;
	if (len > PIPE_BUFFER) {
		say(2, "cnewbench: the child image (%s) is %zu bytes, more than "
		       "a pipe's %d: it would need a writer thread\n",
		    CHILD_PATH, len, PIPE_BUFFER);
		return 1;
	}
	for (int p = 0; p < NPARTS; p++)
		if (!(ns[p] = malloc((size_t)k * sizeof(int64_t))))
			return say(2, "cnewbench: out of memory\n"), 1;

	if (spawn(first) < 0)
		return 1;
	for (long i = 0; i < k; i++) {
		if (spawn(one) < 0)
			return 1;
		for (int p = 0; p < NPARTS; p++)
			ns[p][i] = one[p];
	}

	say(1, "cnew_first %lld %lld\n", (long long)first[ALL],
	    (long long)first[CALL]);
	for (int p = 0; p < NPARTS; p++)
		stats(names[p], ns[p], k);
	return 0;
}
