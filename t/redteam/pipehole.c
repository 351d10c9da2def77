/* pipehole: a Minos pipe while another thread's wclose frees a LOWER
 * number.
 *
 * sys_pipe foresees the two lowest free numbers (rdx = the second); the
 * install lets the kernel pick the lowest free number for each end; if
 * another thread closed a lower number in between, the ends land lower
 * than foreseen and rdx must be corrected before the caller runs (loop.c
 * install_pipe/pipe_fix: a PTRACE_INTERRUPT, rdx set at its stop).
 * Each round: pipe P1; a thread writes one byte into P1's wfd and closes
 * it (Minos write, wclose) while the main thread makes pipe P2, then
 * starts a thread (a traced clone) and checks P2: a byte written on its
 * wfd comes out of its rfd.  `pipehole N` prints "pipes N, wrong W
 * (first: ...)"; expected wrong 0. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include "minos.h"

static int w1;

static void *closer(void *arg)
{
	(void)arg;
	minos_write(w1, "c", 1);
	minos_wclose(w1);
	return NULL;
}

static void *nothing(void *arg)
{
	return arg;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2000, wrong = 0;
	char first[128] = "";
	for (int i = 0; i < n; i++) {
		int r1, w2, r2;
		minos_pipe(&w1, &r1);
		pthread_t th, t2;
		pthread_create(&th, NULL, closer, NULL);
		long e = minos_pipe(&w2, &r2);
		pthread_create(&t2, NULL, nothing, NULL);
		pthread_join(th, NULL);
		pthread_join(t2, NULL);
		minos_rclose(r1);
		if (e < 0)
			continue;
		char c = 0;
		long a = minos_write(w2, "p", 1), b = minos_read(&r2, 1, &c, 1, NULL);
		if ((a != 1 || b != 1 || c != 'p') && !wrong++)
			snprintf(first, sizeof(first),
				 " (first: round %d: wfd %d rfd %d: write %ld read %ld '%c')",
				 i, w2, r2, a, b, c ? c : '0');
		minos_wclose(w2);
		minos_rclose(r2);
	}
	printf("pipes %d, wrong %d%s\n", n, wrong, first);
	return 0;
}
