/* SPDX-License-Identifier: MIT */
/*
 * signals - a container's own signal handling.
 *
 *	signals catch	install a SIGSEGV handler, fault; the handler
 *			prints "caught SIGSEGV" and exits 7
 *	signals segv	fault with no handler (the container dies of SIGSEGV)
 *	signals abort	abort() (SIGABRT)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void on_segv(int sig)
{
	static const char msg[] = "caught SIGSEGV\n";

	(void)sig;
	write(1, msg, sizeof(msg) - 1);
	_exit(7);
}

/* An address that is never mapped; volatile so the store is made. */
static int *volatile nowhere = (int *)16;

static void fault(void)
{
	*nowhere = 1;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "catch") == 0) {
		struct sigaction sa = { .sa_handler = on_segv };

		if (sigaction(SIGSEGV, &sa, NULL) < 0) {
			perror("signals: sigaction");
			return 1;
		}
		fault();
		printf("signals: the fault did not fault\n");
		return 1;
	}
	if (argc == 2 && strcmp(argv[1], "segv") == 0) {
		fault();
		return 1;
	}
	if (argc == 2 && strcmp(argv[1], "abort") == 0) {
		abort();
	}
	fprintf(stderr, "usage: signals catch|segv|abort\n");
	return 2;
}
