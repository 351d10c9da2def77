/* A container whose first thread has left with SYS_exit goes on in its
 * other threads, descriptors and all: the supervisor must not depend on
 * the leader (its pidfd loses the descriptor table when it exits).  The
 * second thread waits for the leader's exit on the futex the kernel clears
 * and wakes then (set_tid_address): no timing involved. */
#define FUTEX_WAIT 0 /* <linux/futex.h> is not among musl's headers */
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "minos.h"

static volatile int leader = 1;

static void *after(void *arg)
{
	while (leader)
		syscall(SYS_futex, &leader, FUTEX_WAIT, 1, NULL, NULL, 0);
	int w, r;
	long p = minos_pipe(&w, &r);
	long wr = minos_write(w, "x", 1);
	long wc = minos_wclose(w);
	long rc = minos_rclose(r);
	char line[128];
	int n = snprintf(line, sizeof(line),
			 "after the leader left: pipe %ld %d, write %ld, wclose %ld, rclose %ld\n",
			 p, r, wr, wc, rc);
	minos_write(1, line, (size_t)n);
	return arg;
}

int main(void)
{
	pthread_t t;
	syscall(SYS_set_tid_address, &leader);
	if (pthread_create(&t, NULL, after, NULL) != 0)
		return 1;
	syscall(SYS_exit, 0); /* this thread only */
}
