/* SPDX-License-Identifier: MIT */
/*
 * epollpass - a container that watches its streams with epoll, then lets
 * them go (rpass, wpass, cnew), must no longer hear of them (SPEC 1);
 * and its private objects (eventfd, timerfd, epoll) cannot be passed to
 * a live child.
 *
 *	minos-exec t/probe/epollpass < t/probe/epollpass
 *
 * Its standard input is its own image: it reads it, and starts children
 * of itself with cnew (a child, argc 0, reads its rfd 0 to the end).
 * Prints one line per case:
 *	rpass: heard 1, after 0
 *	wpass: heard 1, after 0
 *	cnew: heard 1, after 0
 *	private: -EBADF ... (rpass and wpass of each private object)
 * "heard 1" is the control (the set works); "after 0" is the rule.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>

#include <minos.h>
#include "syscall_arch.h"

static void say(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (len > 0 && minos_write(1, line, (size_t)len) != len)
		exit(3);
}

static void fail(const char *what, long r)
{
	char line[128];
	int len = snprintf(line, sizeof(line), "epollpass: %s: %ld\n", what, r);

	minos_write(2, line, (size_t)len);
	exit(1);
}

static unsigned char *image;
static size_t image_len;

struct feed { int wfd; };

static void *feeder(void *p)
{
	int wfd = ((struct feed *)p)->wfd;

	for (size_t off = 0; off < image_len;) {
		long n = minos_write(wfd, image + off, image_len - off);

		if (n <= 0)
			break;
		off += (size_t)n;
	}
	minos_wclose(wfd);
	return NULL;
}

/* A child of this program holding fds[0..n) as its rfds (-1: empty). */
static long spawn(const int *fds, unsigned n)
{
	int w, r;
	pthread_t th;
	struct feed f;
	long cid;

	if (minos_pipe(&w, &r) < 0)
		fail("pipe", -1);
	f.wfd = w;
	if (pthread_create(&th, NULL, feeder, &f) != 0)
		fail("pthread_create", -1);
	cid = minos_cnew(r, fds, n, 0, MINOS_ARCH_X86_64_ELF);
	pthread_join(th, NULL);
	return cid;
}

static long ep_new(void)
{
	long ep = minos_syscall1(SYS_epoll_create1, 0);

	if (ep < 0)
		fail("epoll_create1", ep);
	return ep;
}

static void ep_add(long ep, int fd, unsigned events)
{
	struct epoll_event ev = { .events = events, .data.u64 = (unsigned)fd };
	long r = minos_syscall4(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, fd, (long)&ev);

	if (r < 0)
		fail("epoll_ctl", r);
}

static long ep_events(long ep)
{
	struct epoll_event ev[4];

	return minos_syscall4(SYS_epoll_wait, ep, (long)ev, 4, 0);
}

static int child(void)
{
	char buf[256];
	int in = 0;

	while (minos_read(&in, 1, buf, sizeof(buf), NULL) > 0)
		;
	return 0;
}

int main(int argc, char **argv)
{
	int ctl_w, ctl_r, w, r, in = 0;
	long cid, ep, n1, n2, res;

	(void)argv;
	if (argc == 0)
		return child();

	/* Our own image, from stdin. */
	size_t cap = 1 << 16;
	image = malloc(cap);
	for (;;) {
		if (image_len == cap && !(image = realloc(image, cap *= 2)))
			fail("realloc", 0);
		long n = minos_read(&in, 1, image + image_len, cap - image_len, NULL);
		if (n < 0)
			fail("read stdin", n);
		if (n == 0)
			break;
		image_len += (size_t)n;
	}

	/* A child that lives until ctl_w closes. */
	if (minos_pipe(&ctl_w, &ctl_r) < 0)
		fail("pipe", -1);
	cid = spawn(&ctl_r, 1);
	if (cid <= 0)
		fail("cnew", cid);

	/* rpass: an rfd with a byte waiting. */
	if (minos_pipe(&w, &r) < 0 || minos_write(w, "x", 1) != 1)
		fail("pipe", -1);
	ep = ep_new();
	ep_add(ep, r, EPOLLIN);
	n1 = ep_events(ep);
	res = minos_rpass(r, (int)cid);
	if (res < 0)
		fail("rpass", res);
	n2 = ep_events(ep);
	say("rpass: heard %ld, after %ld\n", n1, n2);
	minos_wclose(w);

	/* wpass: a wfd with room. */
	if (minos_pipe(&w, &r) < 0)
		fail("pipe", -1);
	ep_add(ep, w, EPOLLOUT);
	n1 = ep_events(ep);
	res = minos_wpass(w, (int)cid);
	if (res < 0)
		fail("wpass", res);
	n2 = ep_events(ep);
	say("wpass: heard %ld, after %ld\n", n1, n2);
	minos_rclose(r);

	/* cnew: an rfd with a byte waiting, listed for a new child. */
	if (minos_pipe(&w, &r) < 0 || minos_write(w, "x", 1) != 1)
		fail("pipe", -1);
	ep_add(ep, r, EPOLLIN);
	n1 = ep_events(ep);
	res = spawn(&r, 1);
	if (res <= 0)
		fail("cnew", res);
	n2 = ep_events(ep);
	say("cnew: heard %ld, after %ld\n", n1, n2);
	minos_wclose(w);

	/* Private objects cannot go to a live child. */
	long objs[3] = {
		minos_syscall2(SYS_eventfd2, 0, 0),
		minos_syscall2(SYS_timerfd_create, CLOCK_MONOTONIC, 0),
		ep,
	};
	char line[256];
	int off = snprintf(line, sizeof(line), "private:");
	for (int i = 0; i < 3; i++)
		off += snprintf(line + off, sizeof(line) - (size_t)off, " %ld %ld",
				minos_rpass((int)objs[i], (int)cid),
				minos_wpass((int)objs[i], (int)cid));
	say("%s\n", line);

	minos_wclose(ctl_w);
	return 0;
}
