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
 *	ckcomp epoll		   an epoll set inside another (nested sets
 *				   cannot be saved), then as read
 *	ckcomp objects ROUNDS	   an epoll set watching a pipe and an
 *				   eventfd (count 5, semaphore, non-blocking),
 *				   a second pipe, and a 20 ms periodic timerfd;
 *				   each round waits for the timer, then prints
 *				   what epoll_wait reports (sorted), an eventfd
 *				   read (every third), a byte of a pipe and the timer's
 *				   interval; exit 0
 *	ckcomp expired		   a timerfd that expired unread and an epoll
 *				   set whose one-shot registration fired, then
 *				   as read, then what epoll_wait reports, what a
 *				   Minos write to the eventfd returns, and the
 *				   timer's expirations; exit 0
 *	ckcomp altstack		   a SIGSEGV handler on an alternate stack, then
 *				   as read, then a fault: the handler says
 *				   whether it ran on the alternate stack
 */
#include <pthread.h>
#include <signal.h>
#include <errno.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
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

static int nested(void)
{
	int a = epoll_create1(0), b = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN };
	if (a < 0 || b < 0 || epoll_ctl(b, EPOLL_CTL_ADD, a, &ev) < 0)
		return 95;
	return readone();
}

static int by_data(const void *x, const void *y)
{
	const struct epoll_event *a = x, *b = y;
	return (a->data.u64 > b->data.u64) - (a->data.u64 < b->data.u64);
}

static int objects(unsigned rounds)
{
	int pw, pr, qw, qr;
	if (minos_pipe(&pw, &pr) < 0 || minos_pipe(&qw, &qr) < 0 ||
	    minos_write(pw, "abcdefghijklmnop", 16) != 16 || minos_write(qw, "XYZ", 3) != 3)
		return 90;
	int ep = epoll_create1(EPOLL_CLOEXEC);
	int ev = eventfd(5, EFD_SEMAPHORE | EFD_NONBLOCK);
	int tf = timerfd_create(CLOCK_MONOTONIC, 0);
	struct itimerspec its = { { 0, 20000000 }, { 0, 20000000 } };
	struct epoll_event e1 = { .events = EPOLLIN, .data.u64 = 0x1111 };
	struct epoll_event e2 = { .events = EPOLLIN, .data.u64 = 0x2222 };
	if (ep < 0 || ev < 0 || tf < 0 || timerfd_settime(tf, 0, &its, NULL) < 0 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, pr, &e1) < 0 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e2) < 0)
		return 91;
	for (unsigned r = 0; r < rounds; r++) {
		uint64_t ticks, v;
		char c;
		if (read(tf, &ticks, 8) != 8 || ticks < 1)
			return 92;
		struct epoll_event out[4];
		int n = epoll_wait(ep, out, 4, 0);
		if (n < 0)
			return 93;
		qsort(out, (size_t)n, sizeof(out[0]), by_data);
		printf("round %u: ready", r);
		for (int i = 0; i < n; i++)
			printf(" %llx:%x", (unsigned long long)out[i].data.u64, out[i].events);
		ssize_t got = r % 3 ? 0 : read(ev, &v, 8);
		if (r % 3)
			;
		else if (got == 8)
			printf("; eventfd %llu", (unsigned long long)v);
		else
			printf("; eventfd %s", errno == EAGAIN ? "EAGAIN" : "error");
		if (r % 2 == 1 && minos_read(&pr, 1, &c, 1, NULL) == 1)
			printf("; pipe %c", c);
		if (r >= 10 && r < 13 && minos_read(&qr, 1, &c, 1, NULL) == 1)
			printf("; other %c", c);
		struct itimerspec cur;
		if (timerfd_gettime(tf, &cur) < 0)
			return 94;
		printf("; interval %ld.%09ld\n", (long)cur.it_interval.tv_sec,
		       cur.it_interval.tv_nsec);
		fflush(stdout);
	}
	return 0;
}

static int expired(void)
{
	int ev = eventfd(1, 0), ep = epoll_create1(0);
	int tf = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	int t2 = timerfd_create(CLOCK_MONOTONIC, 0);
	struct itimerspec one = { { 0, 0 }, { 0, 1000000 } };
	struct itimerspec two = { { 0, 0 }, { 0, 2000000 } };
	struct epoll_event e = { .events = EPOLLIN | EPOLLONESHOT, .data.u64 = 7 }, out[2];
	uint64_t n;
	if (ev < 0 || ep < 0 || tf < 0 || t2 < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e) < 0 ||
	    epoll_wait(ep, out, 2, 0) != 1 || timerfd_settime(tf, 0, &one, NULL) < 0 ||
	    timerfd_settime(t2, 0, &two, NULL) < 0 || read(t2, &n, 8) != 8)
		return 89;
	/* tf (1 ms) has expired too: nothing reads it before the checkpoint */
	int r = readone();
	if (r)
		return r;
	printf("epoll %d\n", epoll_wait(ep, out, 2, 0));
	n = 1;
	printf("minos write to the eventfd %ld\n", (long)minos_write(ev, &n, 8));
	if (read(tf, &n, 8) == 8)
		printf("timer %llu\n", (unsigned long long)n);
	else
		printf("timer %s\n", errno == EAGAIN ? "EAGAIN" : "error");
	return 0;
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
		return nested();
	if (argc == 2 && strcmp(argv[1], "expired") == 0)
		return expired();
	if (argc == 3 && strcmp(argv[1], "objects") == 0)
		return objects((unsigned)strtoul(argv[2], NULL, 10));
	if (argc == 4 && strcmp(argv[1], "threads") == 0)
		return threads((unsigned)strtoul(argv[2], NULL, 10),
			       (unsigned)strtoul(argv[3], NULL, 10));
	fprintf(stderr, "usage: ckcomp compute MIB ROUNDS | read | epoll | objects ROUNDS | altstack | threads N ROUNDS\n");
	return 2;
}
