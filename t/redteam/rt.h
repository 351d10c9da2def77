/* SPDX-License-Identifier: MIT */
/*
 * rt.h - shared by the red-team guests (t/redteam): start copies of the
 * guest itself as children, whatever number of times, from its image read
 * once from rfd 0 (`guest ARGS < guest`).
 */
#ifndef RT_H
#define RT_H

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "minos.h"

static unsigned char *rt_image;
static size_t rt_image_len;

/* Read the whole of rfd 0 (the guest's own image). */
static inline int rt_read_self(void)
{
	size_t cap = 1 << 20;
	int zero = 0;
	rt_image = malloc(cap);
	if (!rt_image)
		return -1;
	for (;;) {
		if (rt_image_len == cap) {
			cap *= 2;
			unsigned char *b = realloc(rt_image, cap);
			if (!b)
				return -1;
			rt_image = b;
		}
		long n = minos_read(&zero, 1, rt_image + rt_image_len,
				    cap - rt_image_len, NULL);
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		rt_image_len += (size_t)n;
	}
}

struct rt_feed { int wfd; const unsigned char *p; size_t len; };

static inline void *rt_feeder(void *arg)
{
	struct rt_feed *f = arg;
	size_t off = 0;
	while (off < f->len) {
		long n = minos_write(f->wfd, f->p + off, f->len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	minos_wclose(f->wfd);
	return NULL;
}

/* cnew of bytes p[0..len) (arch), the code fed by a thread of ours. */
static inline long rt_cnew_bytes(const void *p, size_t len, const int *fds,
				 unsigned rc, unsigned wc, unsigned long arch)
{
	int w, r;
	long e = minos_pipe(&w, &r);
	if (e < 0)
		return e;
	struct rt_feed f = { w, p, len };
	pthread_t th;
	if (pthread_create(&th, NULL, rt_feeder, &f) != 0) {
		minos_wclose(w);
		minos_rclose(r);
		return -11;
	}
	long cid = minos_cnew(r, fds, rc, wc, arch);
	pthread_join(th, NULL);
	return cid;
}

/* A copy of this guest as a child. */
static inline long rt_spawn_self(const int *fds, unsigned rc, unsigned wc)
{
	return rt_cnew_bytes(rt_image, rt_image_len, fds, rc, wc,
			     MINOS_ARCH_X86_64_ELF);
}

/* A flat image that exits 0 at once: mov $60,%eax; xor %edi,%edi; syscall */
static const unsigned char rt_flat_exit0[] = {
	0xb8, 0x3c, 0x00, 0x00, 0x00, 0x31, 0xff, 0x0f, 0x05,
};

static inline void rt_say(int wfd, const char *s)
{
	minos_write(wfd, s, strlen(s));
}

static inline double rt_ms(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

/* A victim's probe of the supervisor's responsiveness: ROUNDS Minos reads
 * over two rfds of its own, one always ready; their time in ms, and the
 * slowest one's in *worst unless worst is NULL. */
static inline double rt_rounds_ms(int rounds, double *worst)
{
	int w1, r1, w2, r2;
	struct timespec a, b, c0, c1;
	minos_pipe(&w1, &r1);
	minos_pipe(&w2, &r2);
	minos_write(w1, "x", 1);
	int both[2] = { r2, r1 };
	if (worst)
		*worst = 0;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < rounds; i++) {
		char c;
		if (worst)
			clock_gettime(CLOCK_MONOTONIC, &c0);
		minos_read(both, 2, &c, 0, NULL);
		if (worst) {
			clock_gettime(CLOCK_MONOTONIC, &c1);
			if (rt_ms(&c0, &c1) > *worst)
				*worst = rt_ms(&c0, &c1);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	minos_wclose(w1);
	minos_wclose(w2);
	minos_rclose(r1);
	minos_rclose(r2);
	return rt_ms(&a, &b);
}

#endif /* RT_H */
