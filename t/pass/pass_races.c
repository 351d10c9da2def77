/* wpass races (child: a spinning flat image).
 *   same: two threads pass the same wfd at once: exactly one gets a
 *         number, the other EBADF, and the wfd is gone from us;
 *   kill: one thread passes wfds in a loop while another ckills the child
 *         after the 10th pass: every pass gets a number (the wfd is then
 *         gone from us) or ESRCH (it is still ours), and none hangs. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "minos.h"

static long cid;
static int shared_w;
static long got[2];
static pthread_barrier_t go;
static volatile int passes;

static long spawn_spinner(void)
{
	static const unsigned char jmp_self[] = { 0xeb, 0xfe };
	int w, r;
	minos_pipe(&w, &r);
	minos_write(w, jmp_self, sizeof(jmp_self));
	minos_wclose(w);
	return minos_cnew(r, NULL, 0, 0, MINOS_ARCH_X86_64_FLAT);
}

static void *same(void *arg)
{
	long i = (long)arg;
	pthread_barrier_wait(&go);
	got[i] = minos_wpass(shared_w, (int)cid);
	return NULL;
}

static void *killer(void *arg)
{
	while (passes < 10)
		;
	printf("ckill = %ld\n", minos_ckill((int)cid));
	return arg;
}

int main(int argc, char **argv)
{
	cid = spawn_spinner();
	if (argc > 1 && strcmp(argv[1], "same") == 0) {
		int r;
		minos_pipe(&shared_w, &r);
		pthread_t t[2];
		pthread_barrier_init(&go, NULL, 2);
		for (long i = 0; i < 2; i++)
			pthread_create(&t[i], NULL, same, (void *)i);
		for (int i = 0; i < 2; i++)
			pthread_join(t[i], NULL);
		int ok = (got[0] >= 0) + (got[1] >= 0);
		int ebadf = (got[0] == -9) + (got[1] == -9);
		printf("one number, one EBADF: %s; our wfd now: %s\n",
		       ok == 1 && ebadf == 1 ? "yes" : "no",
		       minos_write(shared_w, "x", 1) == -9 ? "gone" : "still here");
		minos_ckill((int)cid);
		return 0;
	}
	pthread_t k;
	pthread_create(&k, NULL, killer, NULL);
	int moved = 0, kept = 0, wrong = 0;
	for (int i = 0; i < 200; i++) {
		int w, r;
		minos_pipe(&w, &r);
		long at = minos_wpass(w, (int)cid);
		long wr = minos_write(w, "x", 1);
		/* Ownership is the invariant: a number means the wfd is gone
		 * from us, a failure means it is still ours.  (Racing the
		 * ckill, the failure is ESRCH, rarely ENOSYS: a known bug.) */
		if (at >= 0 && wr == -9)
			moved++;
		else if (at < 0 && wr == 1)
			kept++;
		else {
			wrong++;
			printf("inconsistent: wpass %ld, then write %ld\n", at, wr);
		}
		minos_rclose(r);
		if (wr == 1)
			minos_wclose(w);
		passes++;
	}
	pthread_join(k, NULL);
	printf("moved %s, kept %s, inconsistent %d\n", moved >= 10 ? "10 or more" : "fewer than 10",
	       kept > 0 ? "some" : "none", wrong);
	return 0;
}
