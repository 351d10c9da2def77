/* SPDX-License-Identifier: MIT */
/*
 * threads.c - a musl-static C program sizing a thread pool the usual way,
 * by sysconf(_SC_NPROCESSORS_ONLN) (sched_getaffinity in musl): one thread
 * per CPU, each summing its share, joined, and the total printed.  The
 * same bytes natively and in a container: the CPUs are the host's.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#define WORK 4000000L

struct job {
	long from, to, sum;
};

static void *run(void *p)
{
	struct job *j = p;
	for (long i = j->from; i < j->to; i++)
		j->sum += i % 7;
	return NULL;
}

int main(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1 || n > 1024)
		return 1;
	printf("CPUs: %ld\n", n);
	pthread_t tid[1024];
	static struct job jobs[1024];
	for (long i = 0; i < n; i++) {
		jobs[i].from = WORK * i / n;
		jobs[i].to = WORK * (i + 1) / n;
		if (pthread_create(&tid[i], NULL, run, &jobs[i]))
			return 1;
	}
	long total = 0;
	for (long i = 0; i < n; i++) {
		pthread_join(tid[i], NULL);
		total += jobs[i].sum;
	}
	printf("threads: %ld, total: %ld\n", n, total);
	return 0;
}
