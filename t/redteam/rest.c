/* rest: attacks on the rest of a pipe write a pass cut short (RT3).
 *
 * A wpass borrows a thread of the child with PTRACE_INTERRUPT; a pipe
 * write it cuts short is finished by the thread at the sealed vDSO
 * instruction (sys_pass.c write_rest).  The child's thread A writes
 * 1 MiB on its wfd 1 (a pipe the parent reads only when it says so);
 * its thread B obeys commands from rfd 0; results go to wfd 2.
 * `rest MODE [N] < rest`, MODE:
 *   redirect  B closes wfd 1 while A's write waits; then one wpass,
 *             which lands at number 1.  Linux goes on writing to the
 *             stream the write named: "passed pipe got 0".
 *   burst N   N wpasses into A's write, nobody reading until the end:
 *             every pass placed, the write whole.
 *   parallel N  four threads of the parent make N wpasses each at once
 *             into a child whose only thread is A: all placed, the
 *             highest number 3 + 4N - 1, the write whole.
 *   huge N    as burst, the write's count 1 GiB over a 1 MiB buffer
 *             that ends in a hole: Linux writes up to the hole, 1 MiB.
 *   kill N    N wpasses, then ckill mid-rest; then a second child does
 *             burst 3 (the supervisor is unharmed).
 *   unmap     one pass, then B unmaps the buffer's second half: the
 *             write ends with what was before it, 524288, as on Linux.
 *   jump      one pass, then B sends A SIGUSR1, whose handler
 *             siglongjmps out of the write; A then writes 100 bytes.
 *   eptime N  A waits in epoll_wait(100 ms) on an empty pipe; the parent
 *             makes wpasses for N ms: Linux's wait ends after 100 ms,
 *             whatever the passes.
 *   eptime2 N the same with epoll_pwait2 (a 100 ms timespec).
 *   epignt    A waits in epoll_wait(100 ms); B sends A SIGURG (ignored)
 *             every millisecond for 1.5 s: Linux's wait ends after 100 ms.
 *   epign     A waits in epoll_wait(-1); B sends A SIGURG (ignored by
 *             default) 20 times, then a byte: Linux gives no EINTR for an
 *             ignored signal.
 *   epclose   A waits in epoll_wait(-1); B closes the epoll instance's
 *             number (A's wait goes on with it, as on Linux); one wpass
 *             (it lands on that number); then a byte for A's wait:
 *             Linux's wait answers 1.
 *   rclosed   A reads its own pipe; B closes the pipe's number under
 *             the read; one rpass of a stream holding "secret" lands
 *             on it; then B writes "x" into A's pipe: Linux's read goes
 *             on with the pipe it named: "read = 1 'x'".
 *   ign       the same for A's 1 MiB write: SIGURG 20 times, then the
 *             parent reads: Linux's write is whole.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "rt.h"

#define BIG (1 << 20)
static char *big;
static volatile pid_t writer;
static volatile int usr1;
static sigjmp_buf jb;
static int eprfd = -1, epwfd = -1, epfd = -1;

static void on_usr1(int sig)
{
	(void)sig;
	usr1++;
	siglongjmp(jb, 1);
}

static void say2(const char *s)
{
	ssize_t unused = write(2, s, strlen(s));
	(void)unused;
}

/* Thread B: commands on rfd 0. */
static void *commander(void *arg)
{
	(void)arg;
	char c;
	while (read(0, &c, 1) == 1) {
		switch (c) {
		case 'c': /* close A's stream under its write */
			close(1);
			say2("k");
			break;
		case 'u': /* unmap the second half of A's buffer */
			munmap(big + BIG / 2, BIG / 2);
			say2("k");
			break;
		case 'x': /* close A's epoll instance under its wait */
			close(epfd);
			say2("k");
			break;
		case 'z': /* close the pipe A reads under its read */
			close(eprfd);
			say2("k");
			break;
		case 'y': { /* wake A's epoll */
			ssize_t unused = write(epwfd, "x", 1);
			(void)unused;
			break;
		}
		case 's':
			syscall(SYS_tgkill, getpid(), writer, SIGUSR1);
			break;
		case 'G': { /* ignored signals every ms for 1.5 s */
			struct timespec a, b, ms1 = { 0, 1000000 };
			clock_gettime(CLOCK_MONOTONIC, &a);
			for (int i = 0; i < 100000; i++) {
				syscall(SYS_tgkill, getpid(), writer, SIGURG);
				nanosleep(&ms1, NULL);
				clock_gettime(CLOCK_MONOTONIC, &b);
				if (rt_ms(&a, &b) >= 1500)
					break;
			}
			break;
		}
		case 'g': /* 20 ignored signals, then wake A's epoll */
			for (int i = 0; i < 20; i++)
				syscall(SYS_tgkill, getpid(), writer, SIGURG);
			if (epwfd >= 0) {
				ssize_t unused = write(epwfd, "x", 1);
				(void)unused;
			}
			break;
		}
	}
	return NULL;
}

static int child(void)
{
	char mode;
	if (read(0, &mode, 1) != 1)
		return 1;
	writer = (pid_t)syscall(SYS_gettid);
	big = mmap(NULL, BIG + 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (big == MAP_FAILED)
		return 1;
	munmap(big + BIG, 4096); /* the buffer ends in a hole */
	memset(big, 'a', BIG);
	char line[128];
	long n0;
	if (mode == 'e' || mode == 'E' || mode == 'T' || mode == 'i' || mode == 'x' ||
	    mode == 'R') {
		int p[2];
		if (pipe(p) < 0)
			return 1;
		eprfd = p[0];
		epwfd = p[1];
	}
	pthread_t th;
	if (mode != 'p') /* parallel: A is the child's only thread */
		pthread_create(&th, NULL, commander, NULL);
	if (mode == 'R') { /* rclosed */
		char got[64];
		say2("w");
		n0 = read(eprfd, got, sizeof got - 1);
		got[n0 > 0 ? n0 : 0] = 0;
		snprintf(line, sizeof line, "child: read = %ld '%s'\n", n0, got);
		say2(line);
		return 0;
	}
	if (mode == 'e' || mode == 'E' || mode == 'T' || mode == 'i' || mode == 'x') {
		int ep = epoll_create1(0);
		epfd = ep;
		struct epoll_event ev = { .events = EPOLLIN }, out;
		epoll_ctl(ep, EPOLL_CTL_ADD, eprfd, &ev);
		struct timespec a, b;
		int eintr = 0, n;
		clock_gettime(CLOCK_MONOTONIC, &a);
		say2("w");
		for (;;) {
			static const struct timespec ms100 = { 0, 100000000 };
			n = mode == 'E' ? (int)syscall(SYS_epoll_pwait2, ep, &out, 1, &ms100, NULL, 8)
					: epoll_wait(ep, &out, 1, mode == 'e' || mode == 'T' ? 100 : -1);
			if (n < 0 && errno == EINTR && ++eintr < 1000)
				continue;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (mode == 'e' || mode == 'E' || mode == 'T')
			snprintf(line, sizeof line, "child: epoll_wait = %d after %s ms\n",
				 n, rt_ms(&a, &b) < 100 ? "< 100" :
				 rt_ms(&a, &b) < 1000 ? "100 to 1000" : ">= 1000");
		else
			snprintf(line, sizeof line, "child: epoll_wait = %d%s, EINTR %d\n",
				 n, n >= 0 ? "" : errno == EINVAL ? " EINVAL" :
				 errno == EBADF ? " EBADF" : " error", eintr);
		say2(line);
		return 0;
	}
	long n;
	if (mode == 'j') {
		struct sigaction sa = { .sa_handler = on_usr1 };
		sigaction(SIGUSR1, &sa, NULL);
		if (sigsetjmp(jb, 1)) {
			snprintf(line, sizeof line, "child: jumped, usr1 = %d", usr1);
			say2(line);
			n = write(1, big, 100);
			snprintf(line, sizeof line, ", then write = %ld\n", n);
			say2(line);
			return 0;
		}
	}
	/* huge: a count of 1 GiB past the buffer's end (the kernel
	 * takes at most MAX_RW_COUNT and stops at the hole) */
	n = write(1, big, mode == 'h' ? (size_t)1 << 30 : BIG); /* blocks */
	snprintf(line, sizeof line, "child: write = %ld%s\n", n,
		 n < 0 ? (errno == EFAULT ? " EFAULT" : " error") : "");
	say2(line);
	return 0;
}

/* The parent: read one byte of the child's wfd 2 (an acknowledgement). */
static void ack(int rr)
{
	char c;
	minos_read(&rr, 1, &c, 1, NULL);
}

static int passes(long cid, int n, int *placed, long *last)
{
	for (int i = 0; i < n; i++) {
		int w, r;
		minos_pipe(&w, &r);
		long got = minos_wpass(w, (int)cid);
		*placed += got >= 0;
		*last = got;
		minos_rclose(r);
	}
	return 0;
}

/* Read rfds until each is at its end; counts in got[]. */
static void drain(int *rfds, int n, long *got)
{
	static char buf[1 << 16];
	int live[4], nl = n, idx[4];
	for (int i = 0; i < n; i++) {
		live[i] = rfds[i];
		idx[i] = i;
		got[i] = 0;
	}
	while (nl > 0) {
		int from = -1;
		long r = minos_read(live, (unsigned)nl, buf, sizeof buf, &from);
		int k = 0;
		while (k < nl && live[k] != from)
			k++;
		if (r < 0 || k == nl)
			return;
		if (r == 0) {
			live[k] = live[nl - 1];
			idx[k] = idx[nl - 1];
			nl--;
			continue;
		}
		got[idx[k]] += r;
	}
}

static void report(int rr, char *line, size_t len)
{
	long n = minos_read(&rr, 1, line, len - 1, NULL);
	line[n > 0 ? n : 0] = 0;
}

struct par { long cid; int n, placed; long last; };

static void *passer(void *arg)
{
	struct par *q = arg;
	passes(q->cid, q->n, &q->placed, &q->last);
	return NULL;
}

static int run_child(const char *mode, int arg)
{
	int dw, dr, rw, rr, cw, cr;
	minos_pipe(&dw, &dr);
	minos_pipe(&rw, &rr);
	minos_pipe(&cw, &cr);
	int fds[4] = { cr, -1, dw, rw }; /* rfd 0 control; wfd 1 data, wfd 2 report */
	long cid = rt_spawn_self(fds, 1, 3);
	if (cid < 0) {
		printf("cnew = %ld\n", cid);
		return 1;
	}
	char line[160];
	int placed = 0;
	long last = 0, got[2];
	char m = strcmp(mode, "redirect") == 0 ? 'r' : strcmp(mode, "eptime") == 0 ? 'e' : strcmp(mode, "eptime2") == 0 ? 'E'
		 : strcmp(mode, "epign") == 0 ? 'i' : strcmp(mode, "epignt") == 0 ? 'T' : strcmp(mode, "epclose") == 0 ? 'x' : strcmp(mode, "rclosed") == 0 ? 'R' : strcmp(mode, "ign") == 0 ? 'g'
		 : mode[0];
	minos_write(cw, &m, 1);
	if (m == 'r') {
		char c;
		long first = minos_read(&dr, 1, &c, 1, NULL); /* A's write has begun */
		minos_write(cw, "c", 1);
		ack(rr);
		int w2, r2;
		minos_pipe(&w2, &r2);
		long num = minos_wpass(w2, (int)cid);
		if (num < 0) /* w2 is still ours: its reader would wait for us */
			minos_wclose(w2);
		minos_wclose(cw);
		int both[2] = { dr, r2 };
		drain(both, 2, got);
		report(rr, line, sizeof line);
		char want[64];
		snprintf(want, sizeof want, "child: write = %ld\n", got[0] + first);
		printf("wpass = %ld; passed pipe got %ld; the write's result is %s\n", num,
		       got[1], strcmp(line, want) == 0 ? "what the stream got" : line);
		return 0;
	}
	if (m == 'e' || m == 'E') {
		ack(rr); /* A is about to wait */
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		int i = 0;
		do {
			passes(cid, 1, &placed, &last);
			clock_gettime(CLOCK_MONOTONIC, &b);
		} while (rt_ms(&a, &b) < arg && ++i < 1000000);
		minos_wclose(cw);
		report(rr, line, sizeof line);
		printf("passes made for %d ms; %s", arg, line);
		return 0;
	}
	if (m == 'R') {
		ack(rr); /* A is about to read */
		minos_write(cw, "z", 1);
		ack(rr);
		int w2, r2;
		minos_pipe(&w2, &r2);
		long num = minos_rpass(r2, (int)cid);
		minos_write(w2, "secret", 6);
		minos_write(cw, "y", 1);
		minos_wclose(cw);
		report(rr, line, sizeof line);
		printf("rpass = %ld; %s", num, line);
		return 0;
	}
	if (m == 'x') {
		ack(rr); /* A is about to wait */
		minos_write(cw, "x", 1);
		ack(rr);
		passes(cid, 1, &placed, &last);
		minos_write(cw, "y", 1);
		minos_wclose(cw);
		report(rr, line, sizeof line);
		printf("wpass = %ld; %s", last, line);
		return 0;
	}
	if (m == 'T') {
		ack(rr); /* A is about to wait */
		minos_write(cw, "G", 1);
		minos_wclose(cw);
		report(rr, line, sizeof line);
		printf("%s", line);
		return 0;
	}
	if (m == 'i' || m == 'g') {
		char c;
		if (m == 'i')
			ack(rr); /* A is about to wait */
		else
			minos_read(&dr, 1, &c, 1, NULL); /* A's write has begun */
		minos_write(cw, "g", 1);
		minos_wclose(cw);
		if (m == 'i') {
			report(rr, line, sizeof line);
			printf("%s", line);
			return 0;
		}
		drain(&dr, 1, got);
		report(rr, line, sizeof line);
		printf("parent read %ld bytes; %s", got[0], line);
		return 0;
	}
	/* A's write has begun (and its handler is set): one byte of it. */
	char c;
	long first = minos_read(&dr, 1, &c, 1, NULL);
	if (m == 'p') { /* four threads pass at once */
		struct par q[4];
		pthread_t pt[4];
		for (int i = 0; i < 4; i++) {
			q[i] = (struct par){ cid, arg, 0, 0 };
			pthread_create(&pt[i], NULL, passer, &q[i]);
		}
		for (int i = 0; i < 4; i++) {
			pthread_join(pt[i], NULL);
			placed += q[i].placed;
			last = q[i].last > last ? q[i].last : last;
		}
	} else if (m == 'b' || m == 'k' || m == 'h') {
		passes(cid, arg, &placed, &last);
		if (m == 'k') {
			long k = minos_ckill((int)cid);
			minos_wclose(cw);
			drain(&dr, 1, got);
			minos_rclose(dr);
			minos_rclose(rr);
			printf("passes placed: %d of %d, last number %ld; ckill = %ld; ", placed,
			       arg, last, k);
			return run_child("burst", 3);
		}
	} else {
		passes(cid, 1, &placed, &last);
	}
	char jumped[64] = "";
	if (m == 'u' || m == 'j') {
		minos_write(cw, m == 'u' ? "u" : "s", 1);
		if (m == 'u')
			ack(rr);
		else /* A has jumped: the rest of its write is over */
			report(rr, jumped, sizeof jumped);
	}
	minos_wclose(cw);
	drain(&dr, 1, got);
	report(rr, line, sizeof line);
	printf("passes placed: %d, last number %ld; parent read %ld bytes; %s%s", placed,
	       last, got[0] + first, jumped, line);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 0 || (argc == 1 && argv[0] && argv[0][0] == '\0'))
		return child();
	if (rt_read_self() < 0)
		return 2;
	return run_child(argc > 1 ? argv[1] : "burst", argc > 2 ? atoi(argv[2]) : 5);
}
