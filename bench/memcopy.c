/* SPDX-License-Identifier: MIT */
/*
 * memcopy - the yardstick of bench/ckbench: copying MIB MiB within one
 * process.
 *
 *	memcopy MIB REPS
 *
 * Prints "memcopy HOT FRESH SHA": the median ns of REPS memcpy calls, HOT
 * between two buffers already touched, FRESH into a new anonymous mapping
 * each time (its page faults counted, as a restore must fault its pages
 * in), each from the same touched source; and SHA, the median ns of the
 * checkpoint file's own SHA-256 (supervisor/sha256.c, SHA-NI where the CPU
 * has it) over the same bytes, which every writer and reader of the
 * format must compute: a floor under checkpoint and restore times.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "sha256.h"

static long long now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

static void *map(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("memcopy: mmap");
		exit(1);
	}
	return p;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	size_t len = (size_t)strtoul(argv[1], NULL, 10) << 20;
	int reps = atoi(argv[2]);
	if (reps < 1 || reps > 100 || len == 0)
		return 2;
	uint64_t *src = map(len);
	char *dst = map(len);
	for (size_t i = 0; i < len / 8; i++)
		src[i] = (uint64_t)i * 0x9e3779b97f4a7c15ull | 1;
	memset(dst, 1, len);
	long long hot[100], fresh[100], sha[100];
	for (int r = 0; r < reps; r++) {
		long long t = now();
		memcpy(dst, src, len);
		hot[r] = now() - t;
		char *f = map(len);
		t = now();
		memcpy(f, src, len);
		fresh[r] = now() - t;
		if (f[len - 1] != dst[len - 1])
			return 1;
		munmap(f, len);
		struct sha256 h;
		unsigned char d[32];
		t = now();
		sha256_init(&h);
		sha256_update(&h, src, len);
		sha256_final(&h, d);
		sha[r] = now() - t;
	}
	qsort(hot, (size_t)reps, sizeof(hot[0]), cmp);
	qsort(fresh, (size_t)reps, sizeof(fresh[0]), cmp);
	qsort(sha, (size_t)reps, sizeof(sha[0]), cmp);
	printf("memcopy %lld %lld %lld\n", hot[reps / 2], fresh[reps / 2], sha[reps / 2]);
	return 0;
}
