/* cksig: signals between threads while checkpoints freeze the container
 * (RT3: ckpt.c let_signals_in / ckpt_signalled).
 *
 * `cksig MODE`: four threads besides the main one, each in a loop, send
 * signals to their siblings without pause (tgkill), MODE:
 *   storm    SIGUSR1, SIGUSR2 and SIGRTMIN, all caught (handlers count)
 *   mask     the same, each thread blocking and unblocking them in a
 *            tight loop (a signal may be pending and blocked: a refusal
 *            is allowed, a hang or a wrong run is not)
 *   nodefer  SIGUSR1 caught with SA_NODEFER by a handler that re-raises
 *            it up to 16 deep (many rounds of delivery for one thread)
 *   exiter   SIGUSR2's handler ends its thread (SYS_exit); the main
 *            thread starts a new one whenever one ended
 *   suspend  no storm: see suspend() below
 *   selfkill as storm; on a line "k" on rfd 0 a thread SIGKILLs its own
 *            container (tgkill, the whole container dies: status 137)
 * Prints "ready", then waits for rfd 0 to end (checkpoints are taken
 * meanwhile), stops the threads and prints "alive"; exit 0.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "minos.h"

#define NT 4
static _Atomic pid_t tids[NT];
static atomic_long got, sent;
static atomic_int stop, ended;
static int mode_mask, mode_nodefer, mode_exiter;
static __thread int depth;

static void on_sig(int sig)
{
	atomic_fetch_add(&got, 1);
	if (mode_nodefer && sig == SIGUSR1 && depth < 16) {
		depth++;
		syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
		depth--;
	}
	if (mode_exiter && sig == SIGUSR2) {
		for (int i = 0; i < NT; i++) {
			pid_t me = (pid_t)syscall(SYS_gettid);
			pid_t expect = me;
			atomic_compare_exchange_strong(&tids[i], &expect, 0);
		}
		atomic_fetch_add(&ended, 1);
		syscall(SYS_exit, 0); /* this thread only */
	}
}

static void *worker(void *arg)
{
	int me = (int)(long)arg;
	unsigned r = (unsigned)me * 2654435761u + 1;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN);
	tids[me] = (pid_t)syscall(SYS_gettid);
	while (!atomic_load(&stop)) {
		r = r * 1103515245u + 12345u;
		pid_t to = tids[(r >> 8) % NT];
		int sig = (r >> 16) % 3 == 0 ? SIGUSR1 : (r >> 16) % 3 == 1 ? SIGUSR2 : SIGRTMIN;
		if (mode_nodefer)
			sig = SIGUSR1;
		if (mode_mask)
			pthread_sigmask(SIG_BLOCK, &set, NULL);
		if (to > 0 && syscall(SYS_tgkill, getpid(), to, sig) == 0)
			atomic_fetch_add(&sent, 1);
		if (mode_mask)
			pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	}
	return NULL;
}

/* exiter: a new thread for each one that ended. */
static void respawn(void)
{
	while (mode_exiter && atomic_load(&ended) > 0) {
		atomic_fetch_sub(&ended, 1);
		for (long i = 0; i < NT; i++)
			if (tids[i] == 0) {
				pthread_t x;
				if (pthread_create(&x, NULL, worker, (void *)i) == 0)
					pthread_detach(x);
				break;
			}
	}
}

static void *killer(void *arg)
{
	(void)arg;
	char c;
	int zero = 0;
	while (minos_read(&zero, 1, &c, 1, NULL) == 1)
		if (c == 'k')
			syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGKILL);
	return NULL;
}

static pid_t main_tid;

static void *waker(void *arg)
{
	(void)arg;
	char c;
	int zero = 0;
	while (minos_read(&zero, 1, &c, 1, NULL) == -4)
		;
	syscall(SYS_tgkill, getpid(), main_tid, SIGUSR1);
	return NULL;
}

/* suspend: SIGUSR1 blocked, the main thread waits in sigsuspend with it
 * unblocked; a line on rfd 0 makes a thread send it.  Its mask after
 * sigsuspend must be its own again (SIGUSR1 blocked). */
static int suspend(void)
{
	struct sigaction sa = { .sa_handler = on_sig };
	sigaction(SIGUSR1, &sa, NULL);
	sigset_t set, none, now;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &set, NULL);
	main_tid = (pid_t)syscall(SYS_gettid);
	pthread_t th;
	pthread_create(&th, NULL, waker, NULL);
	printf("ready\n");
	fflush(stdout);
	sigsuspend(&none);
	sigprocmask(SIG_BLOCK, NULL, &now);
	printf("after sigsuspend: got %ld, SIGUSR1 %s\n", atomic_load(&got),
	       sigismember(&now, SIGUSR1) ? "blocked" : "unblocked");
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "storm";
	if (strcmp(mode, "suspend") == 0)
		return suspend();
	mode_mask = strcmp(mode, "mask") == 0;
	mode_nodefer = strcmp(mode, "nodefer") == 0;
	mode_exiter = strcmp(mode, "exiter") == 0;
	struct sigaction sa = { .sa_handler = on_sig, .sa_flags = SA_RESTART };
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGRTMIN, &sa, NULL);
	if (mode_nodefer)
		sa.sa_flags |= SA_NODEFER;
	sigaction(SIGUSR1, &sa, NULL);
	pthread_t th[NT];
	for (long i = 0; i < NT; i++)
		pthread_create(&th[i], NULL, worker, (void *)i);
	while (atomic_load(&sent) < 1000)
		respawn();
	printf("ready\n");
	fflush(stdout);
	if (strcmp(mode, "selfkill") == 0) {
		pthread_t k;
		pthread_create(&k, NULL, killer, NULL);
		pthread_join(k, NULL);
	} else {
		char buf[16];
		int zero = 0;
		long n;
		for (;;) {
			respawn();
			do
				n = minos_read(&zero, 1, buf, sizeof(buf), NULL);
			while (n == -4);
			if (n <= 0)
				break;
		}
	}
	atomic_store(&stop, 1);
	if (!mode_exiter)
		for (int i = 0; i < NT; i++)
			pthread_join(th[i], NULL);
	printf("alive\n");
	return 0;
}
