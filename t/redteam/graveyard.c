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

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000, rounds = argc > 2 ? atoi(argv[2]) : 2000;
	double before = rt_rounds_ms(rounds, NULL);
	int failed = 0;
	for (int i = 0; i < n; i++)
		if (rt_cnew_bytes(rt_flat_exit0, sizeof(rt_flat_exit0), NULL, 0, 0,
				  MINOS_ARCH_X86_64_FLAT) < 0)
			failed++;
	double after = rt_rounds_ms(rounds, NULL);
	printf("%d children (%d failed): reads before %.0f ms, after %.0f ms\n", n,
	       failed, before, after);
	printf("waiting\n");
	fflush(stdout);
	char c;
	int zero = 0;
	minos_read(&zero, 1, &c, 1, NULL);
	return 0;
}
