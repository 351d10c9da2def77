/* graveyard: every container ever made stays in the supervisor's list;
 * each event walks it.
 *
 * `graveyard N ROUNDS`: times ROUNDS Minos reads over two rfds (one
 * ready), makes N flat children one after the other (each exits at once:
 * never more than two alive), times the same ROUNDS again, prints
 *     "N children: reads before A ms, after B ms"
 * then "waiting" and waits for a byte on rfd 0 (so a test can look at the
 * supervisor's memory), then exits.  Expected: B close to A, and the
 * supervisor's memory independent of N (dead containers are forgotten,
 * or kept in O(1) each for --report only, and not walked per event). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "rt.h"

static double rounds_ms(int rounds)
{
	int w1, r1, w2, r2;
	struct timespec a, b;
	minos_pipe(&w1, &r1);
	minos_pipe(&w2, &r2);
	minos_write(w1, "x", 1);
	int both[2] = { r2, r1 };
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < rounds; i++) {
		char c;
		minos_read(both, 2, &c, 0, NULL);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	minos_wclose(w1);
	minos_wclose(w2);
	minos_rclose(r1);
	minos_rclose(r2);
	return (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000, rounds = argc > 2 ? atoi(argv[2]) : 2000;
	double before = rounds_ms(rounds);
	int failed = 0;
	for (int i = 0; i < n; i++)
		if (rt_cnew_bytes(rt_flat_exit0, sizeof(rt_flat_exit0), NULL, 0, 0,
				  MINOS_ARCH_X86_64_FLAT) < 0)
			failed++;
	double after = rounds_ms(rounds);
	printf("%d children (%d failed): reads before %.0f ms, after %.0f ms\n", n,
	       failed, before, after);
	printf("waiting\n");
	fflush(stdout);
	char c;
	int zero = 0;
	minos_read(&zero, 1, &c, 1, NULL);
	return 0;
}
