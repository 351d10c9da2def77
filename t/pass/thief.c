/* A sender's other thread blocked on the descriptor it passes away
 * (t/936-pass-wait.bats; F4 of issue 9).
 *
 * `thief MODE < thief`: the parent starts itself as a child (cnew of rfd
 * 0) with a report wfd in slot 1, makes a pipe (w, r), and a second
 * thread B blocks reading r: with a Linux read (MODE linux) or a Minos
 * read (MODE minos).  The main thread then moves r into the child
 * (rpass) and writes "x" into w.  The byte is the child's: the child
 * reads its new rfd and reports what it got; B's read, which began on a
 * descriptor its container no longer holds, must not take it (the
 * supervisor interrupts it after the close: restarted, it finds the
 * number closed, EBADF).
 * MODE write: the stream is full and B blocks writing "y" into w; the
 * main thread moves w into the child (wpass), which closes it, then
 * drains r: the stream must end after the 64 KiB it wrote itself, B's
 * write EBADF, never a "y" that went into the stream after it moved.
 * MODE epoll: B waits in epoll_wait on an eventfd instead, which holds no
 * stream: it is left alone (an interrupt would make it EINTR), and wakes
 * with its one event when the main thread writes the eventfd.
 * Output: "B: EBADF" (or "B: got x" when the byte was stolen) and
 * "child: got x" (or "child: nothing").  Whether B was already blocked
 * when the pass came does not change the outcome. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "minos.h"

static int the_r, the_w;
static const char *mode;
static volatile int b_in;
static long b_res;
static char b_byte;

static int ep, ev;

static void *reader(void *arg)
{
	(void)arg;
	b_in = 1;
	if (strcmp(mode, "write") == 0) {
		/* Blocked: the stream is full. */
		b_res = syscall(SYS_write, the_w, "y", 1);
		if (b_res < 0)
			b_res = -errno;
		return NULL;
	}
	if (strcmp(mode, "epoll") == 0) {
		/* Not on the stream: no interrupt, so no EINTR for it. */
		struct epoll_event e;
		b_res = epoll_wait(ep, &e, 1, -1);
		if (b_res < 0)
			b_res = -errno;
		return NULL;
	}
	if (strcmp(mode, "minos") == 0) {
		b_res = minos_read(&the_r, 1, &b_byte, 1, NULL); /* -errno */
	} else {
		b_res = syscall(SYS_read, the_r, &b_byte, 1);
		if (b_res < 0)
			b_res = -errno;
	}
	return NULL;
}

static int child(void)
{
	/* The descriptor passed in arrives at the lowest free number, 0
	 * (slot 0 left empty): wait until it is there.  An rfd is read
	 * (one byte), a wfd closed at once. */
	char c = 0, line[64];
	long n = -1;
	int fl = -1;
	for (int i = 0; i < 1000000 && fl < 0; i++) {
		fl = fcntl(0, F_GETFL);
		if (fl < 0)
			sched_yield();
	}
	if ((fl & O_ACCMODE) == O_WRONLY) {
		minos_wclose(0);
		minos_write(1, "child: closed the wfd\n", 22);
		return 0;
	}
	int z = 0;
	n = minos_read(&z, 1, &c, 1, NULL);
	snprintf(line, sizeof(line), "child: %s\n", n == 1 && c == 'x' ? "got x" : "nothing");
	minos_write(1, line, strlen(line));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 0 || argv[0][0] == '\0')
		return child();
	mode = argc > 1 ? argv[1] : "linux";
	int rw, rr, w, r;
	minos_pipe(&rw, &rr);
	int fds[2] = { -1, rw }; /* wfd slot 1 */
	long cid = minos_cnew(0, fds, 0, 2, MINOS_ARCH_X86_64_ELF);
	if (cid < 0) {
		printf("cnew = %ld\n", cid);
		return 1;
	}
	minos_pipe(&w, &r);
	the_r = r;
	the_w = w;
	if (strcmp(mode, "write") == 0) {
		static char full[65536];
		memset(full, 'a', sizeof(full));
		if (minos_write(w, full, sizeof(full)) != (long)sizeof(full)) {
			printf("cannot fill the stream\n");
			return 1;
		}
	}
	ep = epoll_create1(0);
	ev = eventfd(0, 0);
	struct epoll_event e = { .events = EPOLLIN };
	epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e);
	pthread_t b;
	pthread_create(&b, NULL, reader, NULL);
	while (!b_in)
		sched_yield();
	for (int i = 0; i < 1000; i++) /* let B block (either way is right) */
		sched_yield();
	if (strcmp(mode, "write") == 0) {
		/* Move the wfd away while B waits to write into the full
		 * stream; the child closes it; then drain: after our 64 KiB
		 * the stream must end, with no 'y' from B. */
		long at = minos_wpass(w, (int)cid);
		char buf[4096];
		long n, total = 0, ys = 0;
		while ((n = minos_read(&r, 1, buf, sizeof(buf), NULL)) > 0) {
			total += n;
			for (long i = 0; i < n; i++)
				ys += buf[i] == 'y';
		}
		pthread_join(b, NULL);
		printf("wpass = %ld\ndrained %ld bytes, %ld from B\n", at, total, ys);
		printf("B: %s\n", b_res == -EBADF ? "EBADF" : b_res == 1 ? "wrote y" : "other");
		n = minos_read(&rr, 1, buf, sizeof(buf) - 1, NULL);
		buf[n > 0 ? n : 0] = 0;
		fputs(buf, stdout);
		return 0;
	}
	long at = minos_rpass(r, (int)cid);
	if (strcmp(mode, "epoll") == 0) {
		uint64_t one = 1;
		write(ev, &one, sizeof(one));
		pthread_join(b, NULL);
		printf("rpass = %ld\nB: epoll_wait = %ld\n", at, b_res);
		return 0;
	}
	minos_write(w, "x", 1);
	minos_wclose(w); /* B's read, if it is still on the stream, ends */
	pthread_join(b, NULL);
	printf("rpass = %ld\n", at);
	printf("B: %s\n", b_res == -EBADF ? "EBADF" : b_res == 1 ? "got x" :
	       b_res == 0 ? "end of stream" : "other");
	char buf[64];
	long n = minos_read(&rr, 1, buf, sizeof(buf) - 1, NULL);
	buf[n > 0 ? n : 0] = 0;
	fputs(buf, stdout);
	printf("ckill = %ld\n", minos_ckill((int)cid));
	return 0;
}
