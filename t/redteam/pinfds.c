/* pinfds: children that fill the supervisor's descriptor table with the
 * copies of a cnew that waits, so that another container's calls fail.
 *
 * `pinfds K ROUNDS < pinfds` (first container, the victim): starts K
 * children (copies of itself).  Each child makes Minos pipes until EMFILE,
 * then starts a cnew listing every end it holds, whose code stream (a pipe
 * of its own) never ends: the supervisor keeps a copy of each listed
 * descriptor while it waits.  A child whose cnew fails (the supervisor's
 * table is full) lists one descriptor fewer and tries again, so the last
 * child leaves the supervisor's table exactly full.  Then the victim, far
 * below its own limits, makes ROUNDS rounds of a Minos pipe, a Minos read
 * over two rfds (one ready) and a wclose, and prints how many failed and
 * with what: "victim: N rounds, F failed (first: CALL = -E...)".
 * The supervisor's copies are the children's own, and a full table must
 * only ever fail the caller that filled it (issue 9, "what to build": the
 * supervisor keeps a reserve for its own work); expected: 0 failed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "rt.h"

static int child(void)
{
	int list[512], r[256], w[256], n = 0, zero = 0;
	char mode[8] = { 0 };
	minos_read(&zero, 1, mode, sizeof(mode) - 1, NULL);
	minos_rclose(0);
	rt_say(1, "child: pinning\n");
	minos_wclose(1);
	while (n < 256 && minos_pipe(&w[n], &r[n]) >= 0)
		n++;
	if (n < 2)
		return 1;
	n--; /* the last pipe is the code stream */
	int cw = w[n], cr = r[n], nl = 0;
	for (int i = 0; i < n; i++)
		list[nl++] = r[i];
	for (int i = 0; i < n; i++)
		list[nl++] = w[i];
	for (int tries = 0; tries < 1000 && nl > 0; tries++) {
		/* rfds at slots 0..nr-1, wfds at slots nr..nl-1 */
		int fds[1024], nr = nl < n ? nl : n, nw = nl - nr, k = 0;
		for (int i = 0; i < nr; i++)
			fds[k++] = list[i];
		for (int i = 0; i < nr; i++)
			fds[k++] = -1;
		for (int i = 0; i < nw; i++)
			fds[k++] = list[nr + i];
		long rc = minos_cnew(cr, fds, (unsigned)nr, (unsigned)(nr + nw),
				     MINOS_ARCH_X86_64_ELF);
		if (rc != -EBADF && rc != -ENFILE && rc != -EMFILE)
			return 0;
		/* Full: one fewer, and a new code stream. */
		minos_wclose(cw);
		nl--;
		if (nl >= nr)
			minos_wclose(list[nl]);
		else
			minos_rclose(list[nl]);
		if (minos_pipe(&cw, &cr) < 0)
			return 4;
	}
	return 5;
}

int main(int argc, char **argv)
{
	if (argc == 0)
		return child();
	int k = argc > 1 ? atoi(argv[1]) : 4, rounds = argc > 2 ? atoi(argv[2]) : 200;
	if (rt_read_self() < 0)
		return 2;
	for (int i = 0; i < k; i++) {
		int mw, mr, rw, rr;
		minos_pipe(&mw, &mr);
		minos_pipe(&rw, &rr);
		int fds[3] = { mr, -1, rw };
		long cid = rt_spawn_self(fds, 1, 2);
		if (cid < 0) {
			printf("child %d: cnew = %ld\n", i, cid);
			return 1;
		}
		minos_write(mw, "pin", 3);
		minos_wclose(mw);
		char buf[64];
		while (minos_read(&rr, 1, buf, sizeof(buf), NULL) > 0)
			;
		minos_rclose(rr);
	}
	printf("%d children pinning\n", k);
	int failed = 0;
	char first[64] = "";
	for (int i = 0; i < rounds; i++) {
		int w1, r1, w2, r2;
		long e = minos_pipe(&w1, &r1);
		if (e < 0) {
			if (!failed++)
				snprintf(first, sizeof(first), "pipe = %ld", e);
			goto next;
		}
		minos_pipe(&w2, &r2);
		minos_write(w2, "x", 1);
		int both[2] = { r1, r2 };
		char c;
		e = minos_read(both, 2, &c, 1, NULL);
		if (e != 1 && !failed++)
			snprintf(first, sizeof(first), "read2 = %ld", e);
		e = minos_wclose(w1);
		if (e != 0 && !failed++)
			snprintf(first, sizeof(first), "wclose = %ld", e);
		minos_wclose(w1);
		minos_wclose(w2);
		minos_rclose(r1);
		minos_rclose(r2);
	next:;
		struct timespec ts = { 0, 5000000 };
		nanosleep(&ts, NULL);
	}
	printf("victim: %d rounds, %d failed%s%s%s\n", rounds, failed,
	       failed ? " (first: " : "", first, failed ? ")" : "");
	fflush(stdout);
	return 0;
}
