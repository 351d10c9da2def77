/* passq: passes queued for ever (RT-3) cost the supervisor on every event:
 * every other container's calls slow down with their number.
 *
 * `passq K T ROUNDS < passq` (the first container, the victim): times
 * ROUNDS Minos reads over two rfds (one ready) alone; then starts K
 * children; each starts a grandchild whose only thread waits in a cnew
 * that never ends (as in t/redteam/parked.c), then makes T wpasses into it
 * from T threads (each waits for ever, queued in the supervisor); then
 * times the same ROUNDS again.  Prints
 *     "alone: A ms, beside K x T queued passes: B ms (xR)".
 * Expected: a ratio near 1 (the passes should not be queued at all, and
 * a queued one should cost nothing while nothing changes). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "rt.h"

static long gcid;

static void *passer(void *arg)
{
	(void)arg;
	int w, r;
	minos_pipe(&w, &r);
	minos_wpass(w, (int)gcid);
	return NULL;
}

static int grandchild(void)
{
	int w, r;
	minos_pipe(&w, &r);
	minos_cnew(r, NULL, 0, 0, MINOS_ARCH_X86_64_ELF);
	return 0;
}

static int child(void)
{
	char mode[16] = { 0 };
	int zero = 0;
	size_t got = 0;
	long n = 1;
	while (got < 1 && n > 0) /* the grandchild gets "0"; a child 15 bytes */
		got += (size_t)(n = minos_read(&zero, 1, mode, 1, NULL));
	if (mode[0] == '0')
		return grandchild();
	while (got < 15 && n > 0)
		got += (size_t)(n = minos_read(&zero, 1, mode + got, 15 - got, NULL));
	int t = atoi(mode);
	if (rt_read_self() < 0) /* the image follows the count */
		return 2;
	int mw, mr;
	minos_pipe(&mw, &mr);
	int fds[1] = { mr };
	gcid = rt_spawn_self(fds, 1, 0);
	minos_write(mw, "0", 1);
	minos_wclose(mw);
	/* One pass first: it waits for the grandchild's thread to park. */
	pthread_t th;
	for (int i = 0; i < t; i++)
		pthread_create(&th, NULL, passer, NULL);
	rt_say(1, "queued\n");
	minos_wclose(1);
	for (;;)
		passer(NULL);
}

int main(int argc, char **argv)
{
	if (argc == 0)
		return child();
	int k = argc > 1 ? atoi(argv[1]) : 4, t = argc > 2 ? atoi(argv[2]) : 60;
	int rounds = argc > 3 ? atoi(argv[3]) : 500;
	if (rt_read_self() < 0)
		return 2;
	double alone = rt_rounds_ms(rounds, NULL);
	for (int i = 0; i < k; i++) {
		int mw, mr, rw, rr;
		minos_pipe(&mw, &mr);
		minos_pipe(&rw, &rr);
		int fds[3] = { mr, -1, rw };
		long cid = rt_spawn_self(fds, 1, 2);
		if (cid < 0) {
			printf("cnew = %ld\n", cid);
			return 1;
		}
		char num[16];
		snprintf(num, sizeof(num), "%-15d", t); /* a fixed 15 bytes */
		minos_write(mw, num, 15);
		struct rt_feed f = { mw, rt_image, rt_image_len };
		rt_feeder(&f); /* the image, then the end of the stream */
		char buf[64];
		while (minos_read(&rr, 1, buf, sizeof(buf), NULL) > 0)
			;
		minos_rclose(rr);
	}
	double q = rt_rounds_ms(rounds, NULL);
	printf("alone: %.0f ms, beside %d x %d queued passes: %.0f ms (x%.0f)\n",
	       alone, k, t, q, alone > 0 ? q / alone : 0);
	return 0;
}
