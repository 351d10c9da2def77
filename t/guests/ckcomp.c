/* SPDX-License-Identifier: MIT */
/*
 * ckcomp - guests for checkpoint and restore (t/990-ckpt.bats).
 *
 *	ckcomp compute MIB ROUNDS  a deterministic computation over MIB MiB
 *				   (malloc'ed) plus a little brk heap; one line
 *				   per round, its checksum, exit status
 *				   checksum % 100
 *	ckcomp read		   a Minos pipe holding "inner\n", then a
 *				   blocking Minos read of stdin: prints what it
 *				   read, then what the pipe held; exit 0
 *	ckcomp threads N ROUNDS	   N threads add to one counter under a mutex
 *				   (held while they sleep a little); prints
 *				   the total; exit 0
 *	ckcomp epoll		   an epoll set (a private object a checkpoint
 *				   cannot save yet), then as read
 *	ckcomp altstack		   a SIGSEGV handler on an alternate stack, then
 *				   as read, then a fault: the handler says
 *				   whether it ran on the alternate stack
 */
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <minos.h>

static int compute(size_t mib, unsigned rounds)
{
	size_t n = mib * (1u << 20) / sizeof(uint64_t);
	uint64_t *x = malloc(n * sizeof(uint64_t));
	uint64_t *small[64];
	if (!x)
		return 99;
	for (int i = 0; i < 64; i++) { /* brk-sized pieces (musl: brk heap) */
		small[i] = malloc(64);
		small[i][0] = (uint64_t)i;
	}
	uint64_t s = 88172645463325252ull;
	for (size_t i = 0; i < n; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		x[i] = (i % 3) ? s : 0; /* some zero words */
	}
	uint64_t sum = 0;
	for (unsigned r = 0; r < rounds; r++) {
		for (size_t i = 1; i < n; i++)
			x[i] = x[i] * 6364136223846793005ull + x[i - 1] + small[i & 63][0];
		sum = 0;
		for (size_t i = 0; i < n; i += 7)
			sum += x[i];
		printf("round %u: %016llx\n", r, (unsigned long long)sum);
		fflush(stdout);
	}
	return (int)(sum % 100);
}

static int readone(void)
{
	int wfd, rfd, in = 0;
	char buf[256];
	if (minos_pipe(&wfd, &rfd) < 0 || minos_write(wfd, "inner\n", 6) != 6)
		return 98;
	printf("waiting\n");
	fflush(stdout);
	long n = minos_read(&in, 1, buf, sizeof(buf), NULL);
	if (n < 0)
		return 97;
	printf("read %ld: %.*s", n, (int)n, buf);
	n = minos_read(&rfd, 1, buf, sizeof(buf), NULL);
	printf("pipe %ld: %.*s", n, (int)(n > 0 ? n : 0), buf);
	fflush(stdout);
	return 0;
}

static char alt[1 << 16];

static void on_segv(int sig)
{
	char here;
	(void)sig;
	const char *m = &here >= alt && &here < alt + sizeof(alt) ?
			"caught on the alternate stack\n" : "caught elsewhere\n";
	write(1, m, strlen(m));
	_exit(7);
}

static int altstack(void)
{
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) };
	struct sigaction sa = { .sa_handler = on_segv, .sa_flags = SA_ONSTACK };
	if (sigaltstack(&ss, NULL) < 0 || sigaction(SIGSEGV, &sa, NULL) < 0)
		return 94;
	int r = readone();
	if (r)
		return r;
	int *volatile bad = (int *)16;
	*bad = 1; /* a real fault */
	return 93;
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned long total;
static unsigned rounds_each;

static void *worker(void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < rounds_each; i++) {
		pthread_mutex_lock(&mu);
		unsigned long v = total;
		struct timespec ts = { 0, 200000 }; /* 0.2 ms held */
		nanosleep(&ts, NULL);
		total = v + 1;
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static int threads(unsigned n, unsigned rounds)
{
	pthread_t t[16];
	rounds_each = rounds;
	if (n > 16)
		n = 16;
	for (unsigned i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, worker, NULL))
			return 96;
	for (unsigned i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("total %lu\n", total);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "compute") == 0)
		return compute(strtoul(argv[2], NULL, 10), (unsigned)strtoul(argv[3], NULL, 10));
	if (argc == 2 && strcmp(argv[1], "read") == 0)
		return readone();
	if (argc == 2 && strcmp(argv[1], "altstack") == 0)
		return altstack();
	if (argc == 2 && strcmp(argv[1], "epoll") == 0)
		return epoll_create1(0) < 0 ? 95 : readone();
	if (argc == 4 && strcmp(argv[1], "threads") == 0)
		return threads((unsigned)strtoul(argv[2], NULL, 10),
			       (unsigned)strtoul(argv[3], NULL, 10));
	fprintf(stderr, "usage: ckcomp compute MIB ROUNDS | read | epoll | altstack | threads N ROUNDS\n");
	return 2;
}
