/* rodata: memory that stops counting once it is made read-only.
 *
 * --memory is RLIMIT_DATA, which counts what is writable now: memory
 * written and then mprotect'ed to PROT_READ keeps its pages (resident,
 * committed) but leaves the count.  `rodata ROUNDS MB`: ROUNDS times, map
 * MB MiB read-write, write every page, make it read-only; prints
 * "held R MiB in ROUNDS rounds" (or where mmap failed).  Expected under
 * --memory=64M with 16 rounds of 32 MiB: the mmap of some round fails
 * ENOMEM (SPEC 6: memory a container may commit). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 16;
	size_t mb = argc > 2 ? strtoul(argv[2], NULL, 0) : 32;
	size_t held = 0;
	for (int i = 0; i < rounds; i++) {
		unsigned char *p = mmap(NULL, mb << 20, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			printf("round %d: mmap: %s; held %zu MiB\n", i, strerror(errno), held);
			return 0;
		}
		for (size_t k = 0; k < mb << 20; k += 4096)
			p[k] = (unsigned char)(k >> 12) | 1;
		mprotect(p, mb << 20, PROT_READ);
		held += mb;
	}
	printf("held %zu MiB in %d rounds\n", held, rounds);
	return 0;
}
