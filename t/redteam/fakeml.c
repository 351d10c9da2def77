/* fakeml: an mmap the memory limit has nothing to do with, refused ENOMEM.
 *
 * `fakeml huge`: asks for 2^47 bytes of PROT_NONE (an address-space
 * reservation: never counted against --memory, SPEC 6, and larger than
 * the whole user address space, so the kernel refuses it ENOMEM whatever
 * the limit), then exits 1.
 * `fakeml mremap`: maps 1 MiB, then grows it with mremap to 200 MiB
 * (writable private memory: over --memory=64M), which the limit refuses;
 * exits 1.
 * `fakeml mprotect`: reserves 200 MiB PROT_NONE (not counted), then makes
 * it writable with mprotect (over --memory=64M: refused); exits 1.
 * Each prints what the kernel answered. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "huge";
	if (strcmp(mode, "huge") == 0) {
		void *p = mmap(NULL, 1UL << 47, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		printf("mmap 2^47 PROT_NONE: %s\n", p == MAP_FAILED ? strerror(errno) : "ok");
	} else if (strcmp(mode, "mremap") == 0) {
		void *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		void *q = mremap(p, 1 << 20, 200 << 20, MREMAP_MAYMOVE);
		printf("mremap to 200 MiB: %s\n", q == MAP_FAILED ? strerror(errno) : "ok");
	} else {
		void *p = mmap(NULL, 200 << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		int r = mprotect(p, 200 << 20, PROT_READ | PROT_WRITE);
		printf("mprotect 200 MiB writable: %s\n", r ? strerror(errno) : "ok");
	}
	return 1;
}
