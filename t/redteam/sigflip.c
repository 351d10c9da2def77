/* sigflip: a container that churns its own signal state, or has a timer
 * firing every millisecond, while it is checkpointed (t/952).
 *
 *   sigflip flip N   N rounds of: block SIGUSR1, send it to itself
 *                    (tgkill: it is pending), make its disposition a
 *                    handler (even rounds) or SIG_IGN (odd), unblock;
 *                    prints "flip N: caught C" (C = N/2 whatever was
 *                    checkpointed in the middle)
 *   sigflip timer N  a timerfd of 1 ms period in an epoll set, read until
 *                    N expirations were counted; prints "timer N: ok"
 * Exit 0; 1 if the timer cannot be made, 2 or 3 (with a line: the
 * epoll_wait or read that failed, errno) if a wait or read fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include "minos.h"

static volatile long caught;
static void on_usr1(int sig) { (void)sig; caught++; }

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[2]) : 1000;
	char line[64];
	if (argc > 1 && !strcmp(argv[1], "flip")) {
		pid_t tid = (pid_t)syscall(SYS_gettid), pid = getpid();
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIGUSR1);
		for (long i = 0; i < n; i++) {
			struct sigaction sa;
			memset(&sa, 0, sizeof(sa));
			sa.sa_handler = i % 2 ? SIG_IGN : on_usr1;
			sigprocmask(SIG_BLOCK, &s, NULL);
			syscall(SYS_tgkill, pid, tid, SIGUSR1);
			sigaction(SIGUSR1, &sa, NULL);
			sigprocmask(SIG_UNBLOCK, &s, NULL);
		}
		int k = snprintf(line, sizeof(line), "flip %ld: caught %ld\n", n, caught);
		minos_write(1, line, (size_t)k);
		return 0;
	}
	int tfd = timerfd_create(CLOCK_MONOTONIC, 0), ep = epoll_create1(0);
	struct itimerspec its = { { 0, 1000000 }, { 0, 1000000 } };
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 7 };
	if (tfd < 0 || ep < 0 || timerfd_settime(tfd, 0, &its, NULL) < 0 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev) < 0)
		return 1;
	uint64_t total = 0;
	while (total < (uint64_t)n) {
		struct epoll_event got;
		uint64_t t;
		int r = epoll_wait(ep, &got, 1, -1);
		if (r != 1 || got.data.u64 != 7) {
			int k = snprintf(line, sizeof(line), "epoll_wait %d errno %d data %llu\n",
					 r, r < 0 ? errno : 0, (unsigned long long)got.data.u64);
			minos_write(1, line, (size_t)k);
			return 2;
		}
		ssize_t rr = read(tfd, &t, sizeof(t));
		if (rr != sizeof(t)) {
			int k = snprintf(line, sizeof(line), "read %zd errno %d\n", rr, rr < 0 ? errno : 0);
			minos_write(1, line, (size_t)k);
			return 3;
		}
		total += t;
	}
	int k = snprintf(line, sizeof(line), "timer %ld: ok\n", n);
	minos_write(1, line, (size_t)k);
	return 0;
}
