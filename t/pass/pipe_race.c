/* Minos pipe against other threads (t/930-pipe.bats).
 *   race N   4 threads make N pipes each, half Minos pipes, half Linux
 *            pipe2, and check each through itself (a byte of their own
 *            written and read back, then both ends closed): a descriptor
 *            another thread's pipe replaced shows as a wrong byte or EBADF.
 *   eintr N  a thread signals the main thread without pause while it makes
 *            N Minos pipes, each followed by the private call number
 *            itself (syscall(0x44ff)), which must always be ENOSYS.
 * Prints one summary line; no output depends on timing. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "minos.h"

#define PRIV 0x44ff
static int n;
static long bad, made;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
	unsigned char me = (unsigned char)(long)arg, got;
	long b = 0, m = 0;
	for (int i = 0; i < n; i++) {
		int w, r, p[2];
		if (i % 2 == 0) {
			if (minos_pipe(&w, &r) < 0) { b++; continue; }
		} else {
			if (pipe2(p, 0) < 0) { b++; continue; }
			r = p[0], w = p[1];
		}
		m++;
		got = 0;
		if (write(w, &me, 1) != 1 || read(r, &got, 1) != 1 || got != me)
			b++;
		if (close(w) < 0 || close(r) < 0)
			b++;
	}
	pthread_mutex_lock(&mu);
	bad += b;
	made += m;
	pthread_mutex_unlock(&mu);
	return NULL;
}

static pid_t main_tid;
static volatile int stop;
static void on_usr1(int s) { (void)s; }
static void *storm(void *arg)
{
	(void)arg;
	while (!stop)
		syscall(SYS_tgkill, getpid(), main_tid, SIGUSR1);
	return NULL;
}

int main(int argc, char **argv)
{
	n = argc > 2 ? atoi(argv[2]) : 1000;
	if (argc > 1 && strcmp(argv[1], "eintr") == 0) {
		struct sigaction sa = { .sa_handler = on_usr1 }; /* no SA_RESTART */
		sigaction(SIGUSR1, &sa, NULL);
		main_tid = (pid_t)syscall(SYS_gettid);
		pthread_t t;
		pthread_create(&t, NULL, storm, NULL);
		long pipes = 0, eintr = 0, forged = 0, other = 0;
		for (int i = 0; i < n; i++) {
			int w, r;
			long rc = minos_pipe(&w, &r);
			if (rc >= 0) {
				pipes++;
				minos_wclose(w);
				minos_rclose(r);
			} else if (rc == -EINTR) {
				eintr++;
			} else {
				other++;
			}
			long f = syscall(PRIV, 0, 0, 0, 0, 0, 0);
			if (f >= 0) {
				forged++;
				close((int)f);
			} else if (errno != ENOSYS && errno != EINTR) {
				other++;
			}
		}
		stop = 1;
		pthread_join(t, NULL);
		printf("pipes + EINTR = %ld, forged %ld, other %ld\n", pipes + eintr,
		       forged, other);
		return forged || other;
	}
	pthread_t t[4];
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, worker, (void *)(i + 1));
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("%ld pipes, %ld wrong\n", made, bad);
	return bad != 0;
}
