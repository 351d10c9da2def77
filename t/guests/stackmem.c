/* SPDX-License-Identifier: MIT */
/*
 * stackmem - memory the kernel counts as stack rather than data, which
 * --memory (RLIMIT_DATA) would not see: each mode says what the kernel
 * answered and exits 0.
 *
 *	stackmem growsdown MIB	mmap MIB mebibytes MAP_GROWSDOWN
 *	stackmem stackremap MIB	mremap a page of the main stack to MIB
 *	stackmem heapremap MIB	mremap an ordinary 1 MiB mapping to MIB
 *	stackmem readonly MIB	8 rounds: map MIB, write it, make it read-only;
 *				prints "readonly: held N MiB, then ERR"
 * Each prints "MODE MIB MiB: ok" (every page touched) or the error's name.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "guest.h"

static void touch(char *p, size_t len)
{
	for (size_t i = 0; i < len; i += 4096)
		((volatile char *)p)[i] = 1;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: stackmem growsdown|stackremap|heapremap|readonly MIB\n");
		return 2;
	}
	size_t len = strtoul(argv[2], NULL, 10) << 20;
	void *p = MAP_FAILED;
	if (!strcmp(argv[1], "growsdown")) {
		/* the call itself: musl's mmap() turns EPERM into ENOMEM */
		long r = syscall(SYS_mmap, 0L, len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1L, 0L);
		p = (void *)r; /* -1 (MAP_FAILED) and errno on failure */
	} else if (!strcmp(argv[1], "stackremap")) {
		volatile char here = 0;
		uintptr_t pg = ((uintptr_t)&here & ~(uintptr_t)4095) - 4096;
		((volatile char *)pg)[0] = here; /* in the stack's mapping */
		p = mremap((void *)pg, 4096, len, MREMAP_MAYMOVE);
	} else if (!strcmp(argv[1], "readonly")) {
		size_t held = 0;
		char buf[32];
		for (int i = 0; i < 8; i++) {
			char *q = mmap(NULL, len, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (q == MAP_FAILED) {
				printf("readonly: held %zu MiB, then mmap %s\n", held >> 20,
				       guest_result(-errno, buf) + 1);
				return 0;
			}
			touch(q, len);
			if (mprotect(q, len, PROT_READ) < 0) {
				printf("readonly: held %zu MiB, then mprotect %s\n",
				       (held + len) >> 20, guest_result(-errno, buf) + 1);
				return 0;
			}
			held += len;
		}
		printf("readonly: held %zu MiB\n", held >> 20);
		return 0;
	} else if (!strcmp(argv[1], "heapremap")) {
		char *q = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (q != MAP_FAILED) {
			q[0] = 42;
			p = mremap(q, 1 << 20, len, MREMAP_MAYMOVE);
			if (p != MAP_FAILED && ((char *)p)[0] != 42) {
				printf("%s: contents lost\n", argv[1]);
				return 1;
			}
		}
	} else {
		fprintf(stderr, "stackmem: unknown mode %s\n", argv[1]);
		return 2;
	}
	if (p == MAP_FAILED) {
		char buf[32];
		printf("%s %s MiB: %s\n", argv[1], argv[2], guest_result(-errno, buf) + 1);
		return 0;
	}
	touch(p, len);
	printf("%s %s MiB: ok\n", argv[1], argv[2]);
	return 0;
}
