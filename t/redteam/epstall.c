/* epstall: each descriptor that leaves a container that has epoll
 * instances costs the supervisor a scan of the container's whole table,
 * a copy of every epoll instance and a clone, while every other container
 * waits.
 *
 * `epstall ROUNDS E < epstall` (the first container, the victim): times
 * ROUNDS Minos reads over two rfds (one ready) alone; starts a child that
 * makes E epoll instances, then without pause makes Minos pipes until its
 * table is full and cnews a flat child listing every end (each leaves the
 * child's table: one "leave the epoll sets" each); then times the same
 * ROUNDS again and prints the times and the slowest single call:
 * "alone: A ms (worst call W ms), beside the churn: B ms (worst call V ms)".
 * The control: E = 0 (the same cnews, no epoll instance). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include "rt.h"

static int child(void)
{
	char mode[16] = { 0 };
	int zero = 0, w[256], r[256], list[512];
	minos_read(&zero, 1, mode, sizeof(mode) - 1, NULL);
	minos_rclose(0);
	int e = atoi(mode);
	for (int i = 0; i < e; i++)
		epoll_create1(0);
	for (int round = 0;; round++) {
		if (round == 1) { /* one cnew done: the churn is on */
			rt_say(1, "churn: ready\n");
			minos_wclose(1);
		}
		int n = 0;
		while (n < 100 && minos_pipe(&w[n], &r[n]) >= 0)
			n++;
		if (n < 3)
			return 1;
		n -= 2; /* room for rt_cnew_bytes's own code pipe */
		minos_wclose(w[n]);
		minos_rclose(r[n]);
		minos_wclose(w[n + 1]);
		minos_rclose(r[n + 1]);
		for (int i = 0; i < n; i++) {
			list[i] = r[i];          /* rfd slots 0..n-1 */
			list[n + i] = -1;        /* wfd slots 0..n-1 empty */
			list[2 * n + i] = w[i];  /* wfd slots n..2n-1 */
		}
		long cid = rt_cnew_bytes(rt_flat_exit0, sizeof(rt_flat_exit0), list,
					 (unsigned)n, (unsigned)(2 * n),
					 MINOS_ARCH_X86_64_FLAT);
		if (cid < 0)
			for (int i = 0; i < n; i++) {
				minos_wclose(w[i]);
				minos_rclose(r[i]);
			}
	}
}

int main(int argc, char **argv)
{
	if (argc == 0)
		return child();
	int rounds = argc > 1 ? atoi(argv[1]) : 300;
	const char *e = argc > 2 ? argv[2] : "120";
	if (rt_read_self() < 0)
		return 2;
	double alone_worst, worst_ms;
	double alone = rt_rounds_ms(rounds, &alone_worst);
	int mw, mr, rw, rr;
	minos_pipe(&mw, &mr);
	minos_pipe(&rw, &rr);
	int fds[3] = { mr, -1, rw };
	long cid = rt_spawn_self(fds, 1, 2);
	if (cid < 0) {
		printf("cnew = %ld\n", cid);
		return 1;
	}
	minos_write(mw, e, strlen(e));
	minos_wclose(mw);
	char buf[64];
	while (minos_read(&rr, 1, buf, sizeof(buf), NULL) > 0)
		;
	double q = rt_rounds_ms(rounds, &worst_ms);
	printf("alone: %.0f ms (worst call %.1f ms), beside the churn: %.0f ms "
	       "(worst call %.1f ms)\n", alone, alone_worst, q, worst_ms);
	minos_ckill((int)cid);
	return 0;
}
