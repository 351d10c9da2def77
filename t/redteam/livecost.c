/* livecost: what one wpass with a bad wfd costs when the child has many
 * threads.  `livecost T N < livecost`: starts a child with T threads
 * (all blocked in Minos reads), then times N calls wpass(999, cid)
 * (EBADF) and prints "T threads: N wpass(EBADF) in MS ms".  The
 * supervisor reads /proc/TID/status of each of the child's threads
 * (sys_live_child -> sys_dying) before it looks at the wfd. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "rt.h"

static void *sit(void *arg)
{
	(void)arg;
	int zero = 0;
	char c;
	minos_read(&zero, 1, &c, 1, NULL);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc == 0) {
		char mode[16] = { 0 };
		int zero = 0;
		minos_read(&zero, 1, mode, 15, NULL);
		int t = atoi(mode);
		pthread_t th;
		for (int i = 1; i < t; i++)
			pthread_create(&th, NULL, sit, NULL);
		rt_say(1, "threads: on\n");
		sit(NULL);
		return 0;
	}
	const char *t = argc > 1 ? argv[1] : "64";
	int n = argc > 2 ? atoi(argv[2]) : 1000;
	if (rt_read_self() < 0)
		return 2;
	int mw, mr, rw, rr;
	minos_pipe(&mw, &mr);
	minos_pipe(&rw, &rr);
	int fds[3] = { mr, -1, rw };
	long cid = rt_spawn_self(fds, 1, 2);
	char num[16];
	snprintf(num, sizeof(num), "%-15s", t);
	minos_write(mw, num, 15);
	char buf[32];
	minos_read(&rr, 1, buf, sizeof(buf), NULL);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	long bad = 0;
	for (int i = 0; i < n; i++)
		if (minos_wpass(999, (int)cid) != -9)
			bad++;
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%s threads: %d wpass(EBADF) in %.0f ms (%ld not EBADF)\n", t, n,
	       (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6, bad);
	minos_ckill((int)cid);
	return 0;
}
