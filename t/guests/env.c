/* SPDX-License-Identifier: MIT */
/*
 * env - print the number of environment variables, then each one on a
 * line of its own, in order:
 *
 *	environ: 1
 *	A=1
 */
#include <stdio.h>

extern char **environ;

int main(void)
{
	int n = 0;

	while (environ[n])
		n++;
	printf("environ: %d\n", n);
	for (int i = 0; i < n; i++)
		printf("%s\n", environ[i]);
	return 0;
}
