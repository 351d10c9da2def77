/* SPDX-License-Identifier: MIT */
/*
 * ckmem - the guest of bench/ckbench (checkpoint and restore timing).
 *
 *	ckmem MIB	fills MIB MiB (one mmap) with non-zero, page-distinct
 *			data, prints "ready", blocks in a Minos read of
 *			stdin, then checks every word and prints "ok"
 *			(exit 0) or "bad" (exit 1).
 *
 * A checkpoint is taken while it waits (SIGUSR1 to minos-exec); the
 * restored run reads stdin, checks the memory and ends at once, so the
 * restore run's wall time is the restore plus one pass over the memory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <minos.h>

static uint64_t word(size_t i)
{
	return (uint64_t)i * 0x9e3779b97f4a7c15ull | 1;
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	size_t n = (size_t)strtoul(argv[1], NULL, 10) * (1u << 20) / sizeof(uint64_t);
	uint64_t *x = mmap(NULL, n * sizeof(uint64_t), PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (x == MAP_FAILED)
		return 3;
	for (size_t i = 0; i < n; i++)
		x[i] = word(i);
	printf("ready\n");
	fflush(stdout);
	int in = 0;
	char buf[16];
	if (minos_read(&in, 1, buf, sizeof(buf), NULL) < 0)
		return 4;
	for (size_t i = 0; i < n; i++)
		if (x[i] != word(i)) {
			printf("bad\n");
			return 1;
		}
	printf("ok\n");
	return 0;
}
