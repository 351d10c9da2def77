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
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "rt.h"

/* Read exactly n bytes of rfd 0. */
static int read_exact(void *p, size_t n)
{
	int zero = 0;
	size_t got = 0;
	while (got < n) {
		long r = minos_read(&zero, 1, (char *)p + got, n - got, NULL);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/* Start a copy of this guest whose rfd 0 says role (then, for B, the
 * image, so that it can start C); fds as for cnew. */
static long start(char role, const int *fds, unsigned rc, unsigned wc)
{
	int w, r;
	if (minos_pipe(&w, &r) < 0)
		return -1;
	bool image = role == 'B' || role == 'X';
	size_t len = image ? 1 + rt_image_len : 1;
	unsigned char *buf = malloc(len);
	if (!buf)
		return -1;
	buf[0] = (unsigned char)role;
	if (image)
		memcpy(buf + 1, rt_image, rt_image_len);
	struct rt_feed f = { w, buf, len };
	pthread_t th;
	pthread_create(&th, NULL, rt_feeder, &f);
	int all[8];
	memcpy(all, fds, (rc + wc) * sizeof(int));
	all[0] = r; /* slot 0 of the rfds: the order */
	long cid = rt_spawn_self(all, rc, wc);
	pthread_join(th, NULL);
	free(buf);
	return cid;
}

/* Flat children until one is not EAGAIN: then every container that
 * ended before no longer counts, and this cnew freed its record. */
static long cnew_until_room(void)
{
	long r = -11;
	unsigned tries = 0;
	while (r == -11 && tries++ < 1000000)
		r = rt_cnew_bytes(rt_flat_exit0, sizeof(rt_flat_exit0), NULL, 0, 0,
				  MINOS_ARCH_X86_64_FLAT);
	return r;
}

/* A child: X (0 order, 1 hold, 2 report, 3 X's report), B (0 order,
 * 1 hold, 2 report, 3 alive) or C (0 order, 1 hold, 2 report). */
static int child(void)
{
	char role;
	if (read_exact(&role, 1) < 0)
		return 2;
	if (role == 'X') {
		if (rt_read_self() < 0)
			return 2;
		int alive_w, alive_r;
		minos_pipe(&alive_w, &alive_r);
		int fds[8] = { -1, 1, -1, -1, /* wfds: */ -1, -1, 2, alive_w };
		if (start('B', fds, 4, 4) <= 0)
			return 3;
		char c, line[64];
		while (minos_read(&alive_r, 1, &c, 1, NULL) > 0)
			;
		snprintf(line, sizeof(line), "X: cnew after B's end = %ld\n",
			 cnew_until_room());
		rt_say(3, line);
		minos_wclose(3);
		int w, r;
		minos_pipe(&w, &r);
		minos_read(&r, 1, &c, 1, NULL); /* until ckilled */
		return 0;
	}
	if (role == 'B') {
		if (rt_read_self() < 0)
			return 2;
		int fds[6] = { -1, 1, -1, /* wfds: */ -1, -1, 2 };
		return start('C', fds, 3, 3) > 0 ? 0 : 3;
	}
	rt_say(2, "C: started\n");
	int hold = 1;
	char c;
	if (minos_read(&hold, 1, &c, 1, NULL) == 1)
		rt_say(2, "C: alive\n");
	return 0;
}

static int orphan(void)
{
	if (rt_read_self() < 0)
		return 2;
	int rep_w, rep_r, hold_w, hold_r, alive_w, alive_r;
	minos_pipe(&rep_w, &rep_r);
	minos_pipe(&hold_w, &hold_r);
	minos_pipe(&alive_w, &alive_r);
	int fds[8] = { -1, hold_r, -1, -1, /* wfds: */ -1, -1, rep_w, alive_w };
	long cid = start('B', fds, 4, 4);
	printf("cid of B = %ld\n", cid);
	/* B's end: its "alive" wfd closes. */
	char c;
	while (minos_read(&alive_r, 1, &c, 1, NULL) > 0)
		;
	/* Until the supervisor has seen it end (it no longer counts). */
	printf("cnew after B's end = %ld\n", cnew_until_room());
	printf("ckill(1) = %ld\n", minos_ckill(1));
	int w, rd;
	minos_pipe(&w, &rd);
	printf("wpass(1) = %ld\n", minos_wpass(w, 1));
	minos_write(hold_w, "x", 1);
	minos_wclose(hold_w);
	fflush(stdout);
	char buf[64];
	long n;
	while ((n = minos_read(&rep_r, 1, buf, sizeof(buf), NULL)) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	return 0;
}

/* P starts X, X starts B, B starts C and ends, X frees B's record: a
 * ckill of X must still end C (it hangs from X now). */
static int deep(void)
{
	if (rt_read_self() < 0)
		return 2;
	int rep_w, rep_r, hold_w, hold_r, x_w, x_r;
	minos_pipe(&rep_w, &rep_r);
	minos_pipe(&hold_w, &hold_r);
	minos_pipe(&x_w, &x_r);
	int fds[8] = { -1, hold_r, -1, -1, /* wfds: */ -1, -1, rep_w, x_w };
	long cid = start('X', fds, 4, 4);
	printf("cid of X = %ld\n", cid);
	char buf[64];
	long n;
	while ((n = minos_read(&x_r, 1, buf, sizeof(buf), NULL)) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	printf("ckill(X) = %ld\n", minos_ckill(1));
	/* C, if it still lived, would say so now. */
	minos_write(hold_w, "x", 1);
	minos_wclose(hold_w);
	fflush(stdout);
	while ((n = minos_read(&rep_r, 1, buf, sizeof(buf), NULL)) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	printf("report ended\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 0 || (argc == 1 && argv[0] && argv[0][0] == '\0'))
		return child();
	if (argc > 1 && strcmp(argv[1], "orphan") == 0)
		return orphan();
	if (argc > 1 && strcmp(argv[1], "deep") == 0)
		return deep();
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
