/* SPDX-License-Identifier: MIT */
/*
 * percall - what one call of the data path costs, timed from inside the
 * process: a static musl program that runs natively, natively under a
 * one-rule allow-all seccomp filter (the floor every seccomp sandbox
 * pays), and under minos-exec, where these calls are allowed in-kernel
 * without an argument test (the kernel's action cache answers them).
 *
 *	percall [--allow-all] [K] >/dev/null </dev/zero
 *
 * Times K of each, in batches of BATCH calls with clock_gettime (vDSO):
 *
 *	write       Linux write of 1 byte to fd 1 (/dev/null)
 *	read        Linux read of 1 byte from fd 0 (/dev/zero)
 *	poll        poll of fd 1 for POLLOUT, timeout 0
 *	epoll_wait  epoll_wait on an empty epoll set, timeout 0
 *
 * Prints one line on fd 2:  percall write NS read NS poll NS epoll_wait NS
 * (the median batch, per call).  Exits 1 if a call fails.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "syscall_arch.h"

/* From <linux/filter.h> and <linux/seccomp.h> (not in musl's headers). */
struct bpf_insn { unsigned short code; unsigned char jt, jf; unsigned k; };
struct bpf_prog { unsigned short len; struct bpf_insn *filter; };
#define BPF_RET_K 0x06
#define SECCOMP_SET_MODE_FILTER 1
#define SECCOMP_RET_ALLOW 0x7fff0000U

#define BATCH 1000
#define MAXB 1000

enum { WRITE, READ, POLL, EPOLL, NCALLS };
static const char *const names[NCALLS] = { "write", "read", "poll", "epoll_wait" };

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "percall: %s failed\n", what);

	minos_syscall3(SYS_write, 2, (long)line, n);
	exit(1);
}

static int by_value(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* One batch of call c; its time in ns. */
static long long batch(int c, int ep)
{
	struct pollfd pfd = { .fd = 1, .events = POLLOUT };
	struct epoll_event ev;
	char byte = 'x';
	long long t0 = now_ns();

	for (int i = 0; i < BATCH; i++) {
		long r;

		switch (c) {
		case WRITE:
			r = minos_syscall3(SYS_write, 1, (long)&byte, 1);
			break;
		case READ:
			r = minos_syscall3(SYS_read, 0, (long)&byte, 1);
			break;
		case POLL:
			r = minos_syscall3(SYS_poll, (long)&pfd, 1, 0);
			break;
		default:
			r = minos_syscall4(SYS_epoll_wait, ep, (long)&ev, 1, 0);
			r = r == 0 ? 1 : -1;
			break;
		}
		if (r != 1)
			die(names[c]);
	}
	return now_ns() - t0;
}

static void allow_all(void)
{
	struct bpf_insn one = { BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW };
	struct bpf_prog prog = { .len = 1, .filter = &one };

	if (minos_syscall5(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    minos_syscall3(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, (long)&prog) < 0)
		die("installing the allow-all filter");
}

int main(int argc, char **argv)
{
	static long long t[NCALLS][MAXB];
	long k = 200000;
	int i = 1, ep;
	char line[256];
	int off;

	if (i < argc && strcmp(argv[i], "--allow-all") == 0) {
		allow_all();
		i++;
	}
	if (i < argc)
		k = atol(argv[i]);
	long nb = k / BATCH;
	if (nb < 1)
		nb = 1;
	if (nb > MAXB)
		nb = MAXB;
	ep = (int)minos_syscall1(SYS_epoll_create1, EPOLL_CLOEXEC);
	if (ep < 0)
		die("epoll_create1");
	for (int c = 0; c < NCALLS; c++) /* warm up */
		batch(c, ep);
	for (long b = 0; b < nb; b++) /* interleaved */
		for (int c = 0; c < NCALLS; c++)
			t[c][b] = batch(c, ep);
	off = snprintf(line, sizeof(line), "percall");
	for (int c = 0; c < NCALLS; c++) {
		qsort(t[c], (size_t)nb, sizeof(t[c][0]), by_value);
		off += snprintf(line + off, sizeof(line) - (size_t)off, " %s %.1f",
				names[c], (double)t[c][nb / 2] / BATCH);
	}
	off += snprintf(line + off, sizeof(line) - (size_t)off, "\n");
	minos_syscall3(SYS_write, 2, (long)line, off);
	return 0;
}
