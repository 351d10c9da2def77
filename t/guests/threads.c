/* SPDX-License-Identifier: MIT */
/*
 * threads - thread creation, thread exit and exit_group in a container.
 *
 *	threads create N	start N threads that wait at a gate, then
 *				print "created K of N" (and ": ERROR" if the
 *				(K+1)th pthread_create failed), open the gate
 *				and join them; exit 0
 *	threads serial N	start and join N threads, one at a time:
 *				"joined N one after another" (or the error)
 *	threads peer		three workers; one returns at once and is
 *				joined while the other two still wait; then
 *				they are let go and joined: "3 joined"
 *	threads mainexit	the main thread exits (SYS_exit) while a
 *				worker waits for it to be gone; the worker
 *				prints "main thread gone" and exits 5
 *	threads exitgroup N	a worker prints "worker exiting" and calls
 *				_exit(N) while main waits in pthread_join
 *	threads kill		pthread_kill(worker, SIGUSR1) runs the
 *				worker's handler: "pthread_kill = 0, handled"
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "guest.h"

#define FUTEX_WAIT 0 /* musl has no <linux/futex.h> */

#define MAX 256

static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;

static void *wait_at_gate(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&gate);
	pthread_mutex_unlock(&gate);
	return NULL;
}

static void *return_now(void *arg)
{
	(void)arg;
	return NULL;
}

static int create(int n)
{
	static pthread_t tid[MAX];
	char buf[32];
	int k, err = 0;

	pthread_mutex_lock(&gate);
	for (k = 0; k < n; k++) {
		err = pthread_create(&tid[k], NULL, wait_at_gate, NULL);
		if (err)
			break;
	}
	if (err)
		printf("created %d of %d: %s\n", k, n,
		       guest_result(-err, buf) + 1);
	else
		printf("created %d of %d\n", k, n);
	fflush(stdout);
	pthread_mutex_unlock(&gate);
	for (int i = 0; i < k; i++)
		pthread_join(tid[i], NULL);
	return 0;
}

static int serial(int n)
{
	char buf[32];
	pthread_t t;

	for (int k = 0; k < n; k++) {
		int err = pthread_create(&t, NULL, return_now, NULL);

		if (err) {
			printf("thread %d of %d: %s\n", k + 1, n,
			       guest_result(-err, buf) + 1);
			return 0;
		}
		pthread_join(t, NULL);
	}
	printf("joined %d one after another\n", n);
	return 0;
}

static int peer(void)
{
	pthread_t t[3];

	pthread_mutex_lock(&gate);
	if (pthread_create(&t[0], NULL, wait_at_gate, NULL) ||
	    pthread_create(&t[1], NULL, return_now, NULL) ||
	    pthread_create(&t[2], NULL, wait_at_gate, NULL)) {
		fprintf(stderr, "threads: pthread_create failed\n");
		return 1;
	}
	/* t[1] ends while t[0] and t[2] are still waiting at the gate. */
	pthread_join(t[1], NULL);
	pthread_mutex_unlock(&gate);
	pthread_join(t[0], NULL);
	pthread_join(t[2], NULL);
	printf("3 joined\n");
	return 0;
}

/* The kernel clears this word and wakes it when the main thread exits. */
static volatile int main_alive;

static void *wait_for_main(void *arg)
{
	int v;

	(void)arg;
	while ((v = main_alive) != 0)
		syscall(SYS_futex, &main_alive, FUTEX_WAIT, v, NULL, NULL, 0);
	printf("main thread gone\n");
	exit(5);
}

static int mainexit(void)
{
	pthread_t t;

	main_alive = (int)syscall(SYS_gettid);
	/* Before the worker runs, so it cannot miss the exit. */
	syscall(SYS_set_tid_address, &main_alive);
	if (pthread_create(&t, NULL, wait_for_main, NULL)) {
		fprintf(stderr, "threads: pthread_create failed\n");
		return 1;
	}
	/* End only this thread: not pthread_exit, whose bookkeeping for
	 * the last thread is musl's business. */
	for (;;)
		syscall(SYS_exit, 0);
}

static int exit_code;

static void *exit_group_now(void *arg)
{
	(void)arg;
	printf("worker exiting\n");
	fflush(stdout);
	_exit(exit_code);
}

static int exitgroup(int n)
{
	pthread_t t;

	exit_code = n;
	if (pthread_create(&t, NULL, exit_group_now, NULL)) {
		fprintf(stderr, "threads: pthread_create failed\n");
		return 1;
	}
	pthread_join(t, NULL);
	printf("threads: pthread_join returned\n");
	return 1;
}

static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled = 1;
}

static void *wait_for_signal(void *arg)
{
	(void)arg;
	while (!handled)
		sched_yield();
	return NULL;
}

static int kill_thread(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	pthread_t t;
	char buf[32];
	int err;

	if (sigaction(SIGUSR1, &sa, NULL) < 0 ||
	    pthread_create(&t, NULL, wait_for_signal, NULL)) {
		fprintf(stderr, "threads: setup failed\n");
		return 1;
	}
	err = pthread_kill(t, SIGUSR1);
	if (err) {
		printf("pthread_kill = %s\n", guest_result(-err, buf));
		return 0;
	}
	pthread_join(t, NULL);
	printf("pthread_kill = 0, %s\n", handled ? "handled" : "not handled");
	return 0;
}

static int number(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s == '\0' || *end || n < 0 || n > MAX) {
		fprintf(stderr, "threads: bad number '%s'\n", s);
		exit(2);
	}
	return (int)n;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "create") == 0)
		return create(number(argv[2]));
	if (argc == 3 && strcmp(argv[1], "serial") == 0)
		return serial(number(argv[2]));
	if (argc == 2 && strcmp(argv[1], "peer") == 0)
		return peer();
	if (argc == 2 && strcmp(argv[1], "mainexit") == 0)
		return mainexit();
	if (argc == 3 && strcmp(argv[1], "exitgroup") == 0)
		return exitgroup(number(argv[2]));
	if (argc == 2 && strcmp(argv[1], "kill") == 0)
		return kill_thread();
	fprintf(stderr, "usage: threads create N | serial N | peer | mainexit | exitgroup N | kill\n");
	return 2;
}
