/* seal9: red team 9's attacks on the first container's lazy vDSO seal
 * (sys_pass.c seal_then_carry, tracee.c tracee_seal_vdso) and on a Minos
 * pipe's injected close racing a checkpoint (loop.c pipe_fix).
 *
 * No thread here ever runs code of the vDSO (every clock read is a raw
 * clock_gettime call): natively, what the program does to its vDSO
 * changes nothing for it.
 *
 *   prot MS   thread A loops epoll_wait(100) on an empty pipe for MS ms;
 *             thread B flips the vDSO's pages between PROT_NONE and
 *             PROT_READ|PROT_EXEC (until an mprotect fails: sealed);
 *             thread C sends A SIGURG (ignored) every ms.  Linux: every
 *             wait is 0, nothing faults; "waits N, zeros N, other 0".
 *   lone N    the first container fills its table but for one number,
 *             then makes N Minos pipes (each EMFILE: the lone wfd is
 *             closed by the supervisor's injected close), checking after
 *             each that exactly one number is free; prints "ready" first,
 *             "lone N bad B" at the end (B: pipes whose outcome was not
 *             EMFILE with one number free after it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <stdbool.h>
#include "minos.h"

static volatile int done;
static volatile pid_t waiter;

static double now_ms(void)
{
	struct timespec t;
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void sleep_ms(int ms)
{
	struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000L };
	syscall(SYS_nanosleep, &t, NULL);
}

static void *pelter(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100000 && !done; i++) {
		syscall(SYS_tgkill, getpid(), waiter, SIGURG);
		sleep_ms(1);
	}
	return NULL;
}

static void *flipper(void *arg)
{
	(void)arg;
	uintptr_t base = getauxval(AT_SYSINFO_EHDR);
	size_t len = 0x2000; /* the x86-64 vDSO's text */
	if (!base)
		return NULL;
	for (long i = 0; i < 10000000 && !done; i++) {
		if (mprotect((void *)base, len, PROT_NONE) < 0)
			break;
		mprotect((void *)base, len, PROT_READ | PROT_EXEC);
	}
	return NULL;
}

static int vdso_race(int ms)
{
	int p[2];
	if (pipe(p) < 0)
		return 2;
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN };
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) < 0)
		return 2;
	signal(SIGURG, SIG_IGN);
	waiter = (pid_t)syscall(SYS_gettid);
	pthread_t b, c;
	pthread_create(&b, NULL, flipper, NULL);
	pthread_create(&c, NULL, pelter, NULL);
	double start = now_ms();
	int waits = 0, zeros = 0, other = 0;
	while (now_ms() - start < ms && waits < 10000) {
		struct epoll_event got;
		long r = syscall(SYS_epoll_wait, ep, &got, 1, 100);
		waits++;
		if (r == 0)
			zeros++;
		else
			other++;
	}
	done = 1;
	pthread_join(b, NULL);
	pthread_join(c, NULL);
	printf("waits %d, zeros %d, other %d\n", waits, zeros, other);
	return 0;
}

static int lone(int n)
{
	/* Fill the table but for one number (the lowest free one). */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur > 4096) {
		fprintf(stderr, "rlimit %ld\n", (long)rl.rlim_cur);
		return 2;
	}
	int hole = -1;
	for (int i = 0; i < 4096; i++) {
		int w, r;
		if (minos_pipe(&w, &r) < 0)
			break;
	}
	for (int i = 0; i < 4096; i++) {
		int fd = epoll_create1(0);
		if (fd < 0)
			break;
		hole = fd;
	}
	if (hole < 0) {
		fprintf(stderr, "no epoll: %s\n", strerror(errno));
		return 2;
	}
	close(hole);
	printf("ready\n");
	fflush(stdout);
	int bad = 0;
	for (int i = 0; i < n; i++) {
		int w = -1, r = -1;
		long rc = minos_pipe(&w, &r);
		int fd = epoll_create1(0), fd2 = fd >= 0 ? epoll_create1(0) : -1;
		bool ok = rc < 0 && fd == hole && fd2 < 0;
		if (!ok) {
			bad++;
			if (bad < 5)
				fprintf(stderr, "pipe %d: rc %ld w %d r %d dup %d %d\n",
					i, rc, w, r, fd, fd2);
		}
		/* Back to one number free, whatever happened. */
		if (rc >= 0) {
			minos_wclose(w);
			minos_rclose(r);
		}
		if (fd2 >= 0)
			close(fd2);
		if (fd >= 0)
			close(fd);
	}
	printf("lone %d bad %d\n", n, bad);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	int n = atoi(argv[2]);
	if (strcmp(argv[1], "prot") == 0)
		return vdso_race(n);
	if (strcmp(argv[1], "lone") == 0)
		return lone(n);
	return 2;
}
