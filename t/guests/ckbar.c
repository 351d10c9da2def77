/* SPDX-License-Identifier: MIT */
/*
 * ckbar - a multi-threaded computation for checkpoint and restore
 * (t/990-ckpt.bats), built twice: t/guests/ckbar with musl (GUEST_CC) and
 * t/guests/ckbar-glibc with the host's static glibc.  Plain POSIX, no
 * libminos: the same source under both C libraries.
 *
 *	ckbar N ROUNDS	N threads (at most 16), ROUNDS rounds.  In each round
 *			every thread computes on its own slice, then adds its
 *			result to a shared sum under one mutex, held across a
 *			short sleep and more work; a barrier; the thread the
 *			barrier picks prints the round's sum; a second barrier.
 *			Then "total T" and exit status T % 100.
 *
 * The output does not depend on scheduling: additions commute, and only
 * one thread prints, between the two barriers.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define SLICE 4096

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t bar;
static uint64_t round_sum, total;
static unsigned nrounds;
static uint64_t slices[16][SLICE];

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

static void *worker(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;
	uint64_t *s = slices[id];
	for (unsigned i = 0; i < SLICE; i++)
		s[i] = mix(id * 1000003ull + i);
	for (unsigned r = 0; r < nrounds; r++) {
		uint64_t mine = 0;
		for (unsigned i = 1; i < SLICE; i++) {
			s[i] = mix(s[i] + s[i - 1] + r);
			mine += s[i] >> 8;
		}
		pthread_mutex_lock(&mu);
		uint64_t v = round_sum;
		struct timespec ts = { 0, 300000 }; /* 0.3 ms held */
		nanosleep(&ts, NULL);
		for (unsigned i = 0; i < 2000; i++) /* work while held */
			mine = mix(mine + i) >> 1;
		round_sum = v + mine;
		pthread_mutex_unlock(&mu);
		int b = pthread_barrier_wait(&bar);
		if (b == PTHREAD_BARRIER_SERIAL_THREAD) {
			printf("round %u: %016llx\n", r, (unsigned long long)round_sum);
			fflush(stdout);
			total += round_sum % 1000;
			round_sum = 0;
		} else if (b != 0) {
			abort();
		}
		pthread_barrier_wait(&bar);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: ckbar N ROUNDS\n");
		return 2;
	}
	unsigned n = (unsigned)strtoul(argv[1], NULL, 10);
	nrounds = (unsigned)strtoul(argv[2], NULL, 10);
	if (n < 1 || n > 16)
		return 2;
	if (pthread_barrier_init(&bar, NULL, n))
		return 96;
	pthread_t t[16];
	for (unsigned i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i))
			return 95;
	for (unsigned i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("total %llu\n", (unsigned long long)total);
	return (int)(total % 100);
}
