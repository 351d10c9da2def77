/* SPDX-License-Identifier: MIT */
/*
 * counter - N threads each add 1 to a shared counter M times under a mutex.
 *
 *	minos-exec examples/counter [N [M]]	(defaults: 4 threads, 100000)
 *
 * Prints the total and exits 0 iff it is N * M.  An ordinary pthreads
 * program with musl's stdio: it needs only the Linux subset (thread clone,
 * futex, mmap, write) that minos-exec allows.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_THREADS 1024

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long counter;
static unsigned long rounds;

static void *worker(void *arg)
{
	(void)arg;
	for (unsigned long i = 0; i < rounds; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static unsigned long number(const char *s, const char *what, unsigned long max)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || end == s || *end || n == 0 || n > max) {
		fprintf(stderr, "counter: %s '%s': want a number from 1 to %lu\n",
			what, s, max);
		exit(2);
	}
	return n;
}

int main(int argc, char **argv)
{
	static pthread_t tid[MAX_THREADS];
	unsigned long threads = 4;
	unsigned long i;
	int err;

	rounds = 100000;
	if (argc > 1)
		threads = number(argv[1], "thread count", MAX_THREADS);
	if (argc > 2)
		rounds = number(argv[2], "round count", 1000000000);

	for (i = 0; i < threads; i++) {
		err = pthread_create(&tid[i], NULL, worker, NULL);
		if (err) {
			fprintf(stderr, "counter: cannot start thread %lu: %s\n",
				i + 1, strerror(err));
			return 1;
		}
	}
	for (i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);

	printf("%lu\n", counter);
	return counter == threads * rounds ? 0 : 1;
}
