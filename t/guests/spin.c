/* SPDX-License-Identifier: MIT */
/*
 * spin - never end by itself, for the time limits.
 *
 *	spin busy	loop on the CPU forever
 *	spin deaf	the same, ignoring SIGXCPU
 *	spin block	block forever in a Minos read of a pipe whose wfd it
 *			keeps open (no data, no end of stream, no CPU)
 *
 * It prints "spinning" first, so a test can see that it started.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <minos.h>

int main(int argc, char **argv)
{
	volatile unsigned long n = 0;
	int wfd, rfd;
	char c;

	if (argc != 2 || (strcmp(argv[1], "busy") && strcmp(argv[1], "block") &&
			  strcmp(argv[1], "deaf"))) {
		fprintf(stderr, "usage: spin busy|deaf|block\n");
		return 2;
	}
	if (strcmp(argv[1], "deaf") == 0)
		signal(SIGXCPU, SIG_IGN);
	printf("spinning\n");
	fflush(stdout);
	if (strcmp(argv[1], "block") == 0) {
		long r = minos_pipe(&wfd, &rfd);

		if (r < 0)
			return 3;
		r = minos_read(&rfd, 1, &c, 1, NULL);
		fprintf(stderr, "spin: the read returned %ld\n", r);
		return 4;
	}
	for (;;)
		n++;
}
