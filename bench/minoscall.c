/* SPDX-License-Identifier: MIT */
/*
 * minoscall - what one traced Minos call costs, timed from inside a
 * container (a static musl guest, run under minos-exec).
 *
 *	minos-exec bench/minoscall [K]
 *
 * Times K of each of these, one call at a time with clock_gettime
 * (CLOCK_MONOTONIC; the vDSO, or an allowed in-kernel call), in batches of
 * 100 interleaved so that the three see the same machine:
 *
 *	minos_pipe   minos_pipe (traced: seccomp stop, then the supervisor
 *	             installs both ends); the wclose + rclose that follow
 *	             are not timed
 *	minos_write  minos_write of 1 byte into a Minos pipe (traced: one
 *	             stop, rewritten to a Linux write); the Linux read that
 *	             drains it (in-kernel) is not timed
 *	linux_pipe2  Linux pipe2(fds, 0) (allowed in-kernel); the two
 *	             closes are not timed.  A raw syscall: musl's pipe2()
 *	             with flags 0 calls pipe(), i.e. SYS_pipe, which is not
 *	             in the Minos subset (ENOSYS)
 *
 * Prints one line per call:  NAME MEDIAN_NS MEAN_NS
 * Exits 1 (with a message on wfd 2) if any call fails.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <minos.h>

#define BATCH 100
#define WARMUP 100

enum { PIPE, WRITE, PIPE2, NCALLS };
static const char *const names[NCALLS] = { "minos_pipe", "minos_write",
					   "linux_pipe2" };

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
	say(2, "minoscall: %s: %s\n", what, strerror((int)-err));
	return 1;
}

/* One call of kind c, timed; returns ns, or -1 after saying why. */
static int64_t one(int c, int wfd, int rfd)
{
	int64_t t0, t1;
	long r;

	switch (c) {
	case PIPE: {
		int w, rd;

		t0 = now_ns();
		r = minos_pipe(&w, &rd);
		t1 = now_ns();
		if (r < 0)
			return fail("minos_pipe", r), -1;
		if ((r = minos_wclose(w)) < 0)
			return fail("minos_wclose", r), -1;
		if ((r = minos_rclose(rd)) < 0)
			return fail("minos_rclose", r), -1;
		return t1 - t0;
	}
	case WRITE: {
		char ch = 'x';

		t0 = now_ns();
		r = minos_write(wfd, &ch, 1);
		t1 = now_ns();
		if (r != 1)
			return fail("minos_write", r < 0 ? r : -5), -1;
		if (read(rfd, &ch, 1) != 1)
			return say(2, "minoscall: read of the byte failed\n"), -1;
		return t1 - t0;
	}
	default: {
		int fds[2];

		t0 = now_ns();
		r = syscall(SYS_pipe2, fds, 0);
		t1 = now_ns();
		if (r != 0)
			return say(2, "minoscall: pipe2 failed\n"), -1;
		close(fds[0]);
		close(fds[1]);
		return t1 - t0;
	}
	}
}

int main(int argc, char **argv)
{
	long k = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
	int64_t *ns[NCALLS];
	int wfd, rfd;
	long r;

	if (k < 1)
		return say(2, "usage: minoscall [K]\n"), 2;
	for (int c = 0; c < NCALLS; c++)
		if (!(ns[c] = malloc((size_t)k * sizeof(int64_t))))
			return say(2, "minoscall: out of memory\n"), 1;
	if ((r = minos_pipe(&wfd, &rfd)) < 0)
		return fail("minos_pipe", r);

	for (int c = 0; c < NCALLS; c++)
		for (int i = 0; i < WARMUP; i++)
			if (one(c, wfd, rfd) < 0)
				return 1;
	for (long b = 0; b < k; b += BATCH) {
		long end = b + BATCH < k ? b + BATCH : k;

		for (int c = 0; c < NCALLS; c++)
			for (long i = b; i < end; i++)
				if ((ns[c][i] = one(c, wfd, rfd)) < 0)
					return 1;
	}

	for (int c = 0; c < NCALLS; c++) {
		int64_t sum = 0;

		for (long i = 0; i < k; i++)
			sum += ns[c][i];
		qsort(ns[c], (size_t)k, sizeof(int64_t), cmp64);
		say(1, "%s %lld %lld\n", names[c],
		    (long long)(k % 2 ? ns[c][k / 2]
				      : (ns[c][k / 2 - 1] + ns[c][k / 2]) / 2),
		    (long long)(sum / k));
	}
	return 0;
}
