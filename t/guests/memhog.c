/* SPDX-License-Identifier: MIT */
/*
 * memhog - the ways a program meets (or does not meet) the memory limit,
 * for the memory verdict (t/620-verdict.bats).
 *
 *	memhog huge MIB	one malloc of MIB mebibytes; refused: exit 1
 *	memhog steps	malloc and touch 1 MiB at a time until malloc
 *			fails, then abort()
 *	memhog small	malloc 64 KiB, then exit 1 for another reason
 *	memhog signal N	raise signal N (a number, e.g. 37)
 *	memhog stderr	write lines of "y" to standard error (1 GiB at most),
 *			for the output limit on stderr
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "huge") == 0) {
		char *p = malloc(strtoul(argv[2], NULL, 10) << 20);
		if (!p) {
			fprintf(stderr, "memhog: malloc failed\n");
			return 1;
		}
		printf("memhog: got it\n");
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "steps") == 0) {
		for (unsigned long n = 0; n < (1UL << 20); n++) {
			char *p = malloc(1 << 20);
			if (!p) {
				fprintf(stderr, "memhog: malloc failed after %lu MiB\n", n);
				abort();
			}
			memset(p, 1, 1 << 20);
		}
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "small") == 0) {
		char *p = malloc(64 << 10);
		if (p)
			memset(p, 1, 64 << 10);
		fprintf(stderr, "memhog: wrong answer\n");
		return 1;
	}
	if (argc == 3 && strcmp(argv[1], "signal") == 0) {
		signal(atoi(argv[2]), SIG_DFL);
		raise(atoi(argv[2]));
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "stderr") == 0) {
		for (unsigned long n = 0; n < (1UL << 29); n++)
			fputs("y\n", stderr);
		return 0;
	}
	fprintf(stderr, "usage: memhog huge MIB | steps | small | signal N | stderr\n");
	return 2;
}
