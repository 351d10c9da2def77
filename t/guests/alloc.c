/* SPDX-License-Identifier: MIT */
/*
 * alloc - malloc MIB mebibytes, touch every page, and say whether it
 * worked; exits 0 either way (a refused allocation is not a failure of
 * the program, it is what --memory promises).
 *
 *	alloc 16	prints "alloc 16 MiB: ok" or "alloc 16 MiB: ENOMEM"
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	unsigned long mib;
	char *p;

	if (argc != 2 || (mib = strtoul(argv[1], NULL, 10)) == 0) {
		fprintf(stderr, "usage: alloc MIB\n");
		return 2;
	}
	errno = 0;
	p = malloc(mib << 20);
	if (!p) {
		printf("alloc %lu MiB: %s\n", mib,
		       errno == ENOMEM ? "ENOMEM" : strerror(errno));
		return 0;
	}
	for (unsigned long i = 0; i < mib << 20; i += 4096)
		p[i] = 1;
	printf("alloc %lu MiB: ok\n", mib);
	return 0;
}
