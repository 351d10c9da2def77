/* SPDX-License-Identifier: MIT */
/* tstack.c - stacks for the trampoline (tstack.h). */
#include <sys/mman.h>

#include "tstack.h"

#define TSTACK_SIZE (64 * 1024)
#define TSTACK_KEPT 8
#define GUARD 4096

static void *kept[TSTACK_KEPT];
static unsigned nkept;

void *tstack_get(size_t *len)
{
	if (*len <= TSTACK_SIZE) {
		*len = TSTACK_SIZE;
		if (nkept)
			return kept[--nkept];
	} else {
		*len = (*len + 4095) & ~(size_t)4095;
	}
	char *m = mmap(NULL, *len + GUARD, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	/* An overflow faults here, not in whatever is mapped below. */
	mprotect(m, GUARD, PROT_NONE);
	return m + GUARD;
}

void tstack_put(void *stack, size_t len)
{
	if (!stack)
		return;
	if (len == TSTACK_SIZE && nkept < TSTACK_KEPT) {
		kept[nkept++] = stack;
		return;
	}
	munmap((char *)stack - GUARD, len + GUARD);
}
