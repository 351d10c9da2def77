/* SPDX-License-Identifier: MIT */
/* greedy - a submission that keeps 1 MiB blocks until malloc fails, then
 * gives up with abort() (ML: the memory limit refused it). */
#include <stdlib.h>
#include <string.h>

int main(void)
{
	for (int i = 0; i < 1 << 20; i++) {
		char *p = malloc(1 << 20);
		if (!p)
			abort();
		memset(p, 1, 1 << 20);
	}
	return 0;
}
