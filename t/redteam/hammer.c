/* hammer: calls that cost the supervisor much and the caller little.
 *
 * A Minos read over 64 distinct rfds, one of them ready, costs the caller
 * one stop and the supervisor about 64 x (pidfd_getfd, fcntl, poll,
 * close); the caller's thread is stopped meanwhile, so its CPU time (what
 * --cpu-time counts) hardly grows.  `hammer ROUNDS T < hammer` (the first
 * container, the victim) times ROUNDS Minos reads over two rfds alone,
 * then starts a child whose T threads make such 64-rfd reads without
 * pause, times ROUNDS again and prints
 *     "alone: A ms, beside T hammering threads: B ms (xR); hammer CPU C ms"
 * (C: the child's own CPU time, getrusage, for the same period). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "rt.h"

static int rfds[64];

static void *hit(void *arg)
{
	(void)arg;
	char c;
	for (;;)
		minos_read(rfds, 64, &c, 0, NULL); /* size 0: stays ready */
	return NULL;
}

static int child(void)
{
	char mode[16] = { 0 };
	int zero = 0, w[64];
	minos_read(&zero, 1, mode, sizeof(mode) - 1, NULL);
	minos_rclose(0);
	int t = atoi(mode);
	for (int i = 0; i < 64; i++)
		minos_pipe(&w[i], &rfds[i]);
	minos_write(w[63], "x", 1); /* the last one listed is the ready one */
	pthread_t th;
	for (int i = 0; i < t; i++)
		pthread_create(&th, NULL, hit, NULL);
	rt_say(1, "hammer: on\n");
	/* Report our CPU time when asked (a byte on our rfd slot 2). */
	int ask = 2;
	char c;
	struct rusage ru0, ru1;
	getrusage(RUSAGE_SELF, &ru0);
	minos_read(&ask, 1, &c, 1, NULL);
	getrusage(RUSAGE_SELF, &ru1);
	char line[64];
	long ms = (ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec + ru1.ru_stime.tv_sec -
		   ru0.ru_stime.tv_sec) * 1000 + (ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec +
		   ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1000;
	snprintf(line, sizeof(line), "%ld\n", ms);
	rt_say(1, line);
	minos_wclose(1);
	hit(NULL);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 0)
		return child();
	int rounds = argc > 1 ? atoi(argv[1]) : 300;
	const char *t = argc > 2 ? argv[2] : "8";
	if (rt_read_self() < 0)
		return 2;
	double alone = rt_rounds_ms(rounds, NULL);
	int mw, mr, rw, rr, aw, ar;
	minos_pipe(&mw, &mr);
	minos_pipe(&rw, &rr);
	minos_pipe(&aw, &ar);
	int fds[6] = { mr, -1, ar, -1, rw, -1 }; /* rfds 0, 2; wfd 1 */
	long cid = rt_spawn_self(fds, 3, 3);
	if (cid < 0) {
		printf("cnew = %ld\n", cid);
		return 1;
	}
	minos_write(mw, t, strlen(t));
	minos_wclose(mw);
	char buf[64];
	long n = minos_read(&rr, 1, buf, sizeof(buf), NULL); /* "hammer: on" */
	double q = rt_rounds_ms(rounds, NULL);
	minos_write(aw, "?", 1);
	size_t got = 0;
	while (got < sizeof(buf) - 1 &&
	       (n = minos_read(&rr, 1, buf + got, sizeof(buf) - 1 - got, NULL)) > 0)
		got += (size_t)n;
	buf[got] = 0;
	printf("alone: %.0f ms, beside %s hammering threads: %.0f ms (x%.0f); hammer CPU %ld ms\n",
	       alone, t, q, alone > 0 ? q / alone : 0, atol(buf));
	minos_ckill((int)cid);
	return 0;
}
