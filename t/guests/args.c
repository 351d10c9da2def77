/* SPDX-License-Identifier: MIT */
/*
 * args - print argc, then each argument in brackets on a line of its own,
 * so that empty arguments and spaces show:
 *
 *	argc=3
 *	[t/guests/args]
 *	[a b]
 *	[]
 */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("[%s]\n", argv[i]);
	return argv[argc] == NULL ? 0 : 1;
}
