/* fdpark - a container makes the supervisor hold nothing while it waits.
 *
 *   fdpark park CHILDREN THREADS < fdpark
 *	(its own image on stdin) starts CHILDREN children of itself; in each,
 *	THREADS threads wait in a Minos read of one rfd listed 64 times,
 *	which once cost the supervisor 64 descriptors each (and, on EBADF,
 *	fewer: the last ones fill its table exactly).  Then 50 cnews and a
 *	ckill of every child must work:
 *	    cnews 50/50, ckills CHILDREN/CHILDREN
 *   fdpark stale
 *	50 times: a thread waits in a read of {r1, r2}; another closes r1,
 *	makes a new stream whose rfd takes r1's number, writes to the old r1
 *	stream, then to r2.  The waiter must read r2 (or EBADF, if it came
 *	after the close), never wait on the new stream at r1's number, and
 *	the old stream, with no reader left, must then be EPIPE:
 *	    stale: ok
 *   fdpark wide
 *	a read of 64 distinct rfds under the default --fds:
 *	    wide: 1 byte from the 64th rfd
 *   fdpark flood
 *	a thread fills its wfd 2 (minos-exec's stderr, a pipe nobody reads)
 *	and blocks there; then children are ckilled: "flood: ckill 0", and
 *	the run ends
 *   fdpark refuse N
 *	N refused calls, each with a new number (for --report's table)
 *   fdpark signal
 *	a signal reaches a thread waiting in a read of two rfds: with
 *	SA_RESTART the read goes on, without it is EINTR
 * (A child, argc < 2: rfd 0 says how many threads; each says so on wfd 1,
 * then waits.)
 */
#define _GNU_SOURCE /* F_GETPIPE_SZ */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "guest.h"
#include "minos.h"

static int park_rfd;

static void *parker(void *arg)
{
	int rfds[MINOS_READ_MAX_RFDS], from;
	char c;
	for (int i = 0; i < MINOS_READ_MAX_RFDS; i++)
		rfds[i] = park_rfd;
	minos_write(1, "r", 1);
	/* Where each waiting read cost the supervisor a descriptor per
	 * entry, fewer entries fill its table to the last descriptor. */
	for (unsigned k = MINOS_READ_MAX_RFDS; k >= 2; k--)
		if (minos_read(rfds, k, &c, 1, &from) != -EBADF)
			break;
	return arg;
}

static int child(void)
{
	unsigned char n = 0;
	int from, w;
	if (minos_read((int[]){ 0 }, 1, &n, 1, &from) != 1)
		return 1;
	if (minos_pipe(&w, &park_rfd) < 0)
		return 1;
	for (unsigned i = 0; i < n; i++) {
		pthread_t t;
		pthread_attr_t a;
		pthread_attr_init(&a);
		pthread_attr_setstacksize(&a, 64 << 10);
		if (pthread_create(&t, &a, parker, NULL) != 0)
			minos_write(1, "x", 1);
	}
	char c;
	minos_read((int[]){ 0 }, 1, &c, 1, &from); /* until ckill */
	return 0;
}

struct feed {
	int wfd;
	const unsigned char *p;
	size_t len;
};

static void *feeder(void *arg)
{
	struct feed *f = arg;
	for (size_t done = 0; done < f->len;) {
		long n = minos_write(f->wfd, f->p + done, f->len - done);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	minos_wclose(f->wfd);
	return NULL;
}

static long start_image(const unsigned char *img, size_t len, const int *fds,
			unsigned nr, unsigned nw, unsigned long arch)
{
	struct feed f;
	int r;
	pthread_t t;
	if (minos_pipe(&f.wfd, &r) < 0)
		return -1;
	f.p = img;
	f.len = len;
	pthread_create(&t, NULL, feeder, &f);
	long cid = minos_cnew(r, fds, nr, nw, arch);
	pthread_join(t, NULL);
	return cid;
}

static int park(int children, int threads)
{
	static unsigned char img[4 << 20];
	size_t len = 0;
	int from;
	for (;;) {
		long n = minos_read((int[]){ 0 }, 1, img + len, sizeof(img) - len, &from);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	long cids[64];
	int ctl[64], ready[64];
	for (int i = 0; i < children && i < 64; i++) {
		int cw, cr, rw, rr;
		minos_pipe(&cw, &cr);
		minos_pipe(&rw, &rr);
		int fds[3] = { cr, -1, rw };
		cids[i] = start_image(img, len, fds, 1, 2, MINOS_ARCH_X86_64_ELF);
		if (cids[i] < 0) {
			char b[32];
			printf("cnew of child %d: %s\n", i, guest_result(cids[i], b));
			return 1;
		}
		ctl[i] = cw;
		ready[i] = rr;
	}
	for (int i = 0; i < children && i < 64; i++) {
		unsigned char n = (unsigned char)threads;
		int rr = ready[i];
		minos_write(ctl[i], &n, 1);
		for (int got = 0; got < threads;) {
			char buf[64];
			long k = minos_read(&rr, 1, buf, sizeof(buf), &from);
			if (k <= 0 || memchr(buf, 'x', (size_t)k)) {
				printf("child %d could not start its threads\n", i);
				return 1;
			}
			got += (int)k;
		}
		minos_rclose(rr);
	}
	static const unsigned char jmp_self[] = { 0xeb, 0xfe };
	int ok = 0, killed = 0;
	for (int i = 0; i < 50; i++) {
		long cid = start_image(jmp_self, sizeof(jmp_self), NULL, 0, 0,
				       MINOS_ARCH_X86_64_FLAT);
		if (cid > 0 && minos_ckill((int)cid) == 0)
			ok++;
	}
	for (int i = 0; i < children && i < 64; i++) {
		if (minos_ckill((int)cids[i]) == 0)
			killed++;
		minos_wclose(ctl[i]);
	}
	printf("cnews %d/50, ckills %d/%d\n", ok, killed, children);
	return 0;
}

/* ---- stale ---------------------------------------------------------------- */

static int waiter_rfds[2], go_w;
static long waiter_got;
static int waiter_from;
static char waiter_buf[8];

static void *waiter(void *arg)
{
	minos_write(go_w, "g", 1);
	waiter_got = minos_read(waiter_rfds, 2, waiter_buf, sizeof(waiter_buf),
				&waiter_from);
	return arg;
}

static int stale(void)
{
	int bad = 0;
	for (int i = 0; i < 50; i++) {
		int wp, rp, w1, r1, w2, r2, gr, w3, r3, from;
		minos_pipe(&wp, &rp); /* a lower number to free: see below */
		minos_pipe(&w1, &r1);
		minos_pipe(&w2, &r2);
		minos_pipe(&go_w, &gr);
		waiter_rfds[0] = r1;
		waiter_rfds[1] = r2;
		pthread_t t;
		pthread_create(&t, NULL, waiter, NULL);
		char c;
		minos_read(&gr, 1, &c, 1, &from);
		minos_rclose(r1);
		minos_wclose(wp);
		minos_pipe(&w3, &r3); /* w3 at wp's number, r3 at r1's */
		long first = minos_write(w1, "one", 3);
		minos_write(w2, "two", 3);
		pthread_join(t, NULL);
		long after = minos_write(w1, "one", 3);
		bool read_r2 = waiter_got == 3 && waiter_from == r2 &&
			       memcmp(waiter_buf, "two", 3) == 0;
		if (r3 != r1 || !(read_r2 || waiter_got == -EBADF) ||
		    after != -EPIPE || (first != 3 && first != -EPIPE)) {
			char b1[32], b2[32];
			printf("attempt %d: r3 %d r1 %d; waiter %s from %d; "
			       "write after %s\n", i, r3, r1,
			       guest_result(waiter_got, b1), waiter_from,
			       guest_result(after, b2));
			bad++;
		}
		minos_wclose(w1);
		minos_wclose(w2);
		minos_rclose(r2);
		minos_wclose(w3);
		minos_rclose(r3);
		minos_rclose(rp);
		minos_wclose(go_w);
		minos_rclose(gr);
	}
	printf("stale: %s\n", bad ? "FAILED" : "ok");
	return bad != 0;
}

/* wide: a read over 64 distinct rfds, the last one ready, with the
 * default descriptor limit: "wide: 1 byte from the 64th rfd". */
static int wide(void)
{
	int w[MINOS_READ_MAX_RFDS], r[MINOS_READ_MAX_RFDS], from;
	char b[32], c;
	for (int i = 0; i < MINOS_READ_MAX_RFDS; i++) {
		long rc = minos_pipe(&w[i], &r[i]);
		if (rc < 0) {
			printf("wide: pipe %d: %s\n", i, guest_result(rc, b));
			return 1;
		}
	}
	minos_write(w[MINOS_READ_MAX_RFDS - 1], "x", 1);
	long n = minos_read(r, MINOS_READ_MAX_RFDS, &c, 1, &from);
	printf("wide: %s byte from the %s rfd\n", guest_result(n, b),
	       from == r[MINOS_READ_MAX_RFDS - 1] ? "64th" : "wrong");
	return 0;
}

/* flood: a thread fills wfd 2 (a pipe nobody reads) and blocks there;
 * when the pipe is full (FIONREAD = F_GETPIPE_SZ), children are started
 * and ckilled: the supervisor's messages about them must not stop it. */
static void *flooder(void *arg)
{
	static char junk[4096];
	memset(junk, 'j', sizeof(junk));
	while (minos_write(2, junk, sizeof(junk)) > 0)
		;
	return arg;
}

static int flood(void)
{
	static const unsigned char jmp_self[] = { 0xeb, 0xfe };
	long cid = start_image(jmp_self, sizeof(jmp_self), NULL, 0, 0,
			       MINOS_ARCH_X86_64_FLAT);
	int size = fcntl(2, F_GETPIPE_SZ), queued = 0;
	pthread_t t;
	if (cid <= 0 || size <= 0 || pthread_create(&t, NULL, flooder, NULL) != 0)
		return 1;
	for (long i = 0; i < 100000000L && queued < size; i++) {
		if (ioctl(2, FIONREAD, &queued) < 0)
			return 1;
		sched_yield();
	}
	if (queued < size)
		return 1;
	for (int i = 0; i < 20; i++) { /* twenty messages, each dropped */
		long c = start_image(jmp_self, sizeof(jmp_self), NULL, 0, 0,
				     MINOS_ARCH_X86_64_FLAT);
		minos_ckill((int)c);
	}
	printf("flood: ckill %ld\n", minos_ckill((int)cid));
	fflush(stdout);
	_exit(0); /* the flooder stays blocked: end every thread */
}

/* refuse N: N calls the sandbox refuses, each a new number (ENOSYS). */
static int refuse(long n)
{
	long bad = 0;
	for (long i = 0; i < n; i++)
		if (syscall(100000 + i) != -1 || errno != ENOSYS)
			bad++;
	printf("refuse: %ld not ENOSYS\n", bad);
	return 0;
}

/* signal: a thread waits in a read of two rfds (a one-byte buffer: its
 * poll array lies on its stack); SIGUSR1 with a handler reaches it.
 * With SA_RESTART the read goes on and reads what comes; without, EINTR. */
static volatile int handled;
static pthread_t sig_waiter;
static int sig_rfds[2];
static long sig_got;

static void on_usr1(int sig)
{
	handled = sig;
}

static void *sig_wait(void *arg)
{
	char c;
	int from;
	minos_write(go_w, "g", 1);
	sig_got = minos_read(sig_rfds, 2, &c, 1, &from);
	if (sig_got == 1 && from != sig_rfds[1])
		sig_got = -1000;
	return arg;
}

static int signal_mode(void)
{
	char b[32];
	for (int restart = 1; restart >= 0; restart--) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_usr1;
		sa.sa_flags = restart ? SA_RESTART : 0;
		sigaction(SIGUSR1, &sa, NULL);
		int w1, w2, gr, from;
		char c;
		minos_pipe(&w1, &sig_rfds[0]);
		minos_pipe(&w2, &sig_rfds[1]);
		minos_pipe(&go_w, &gr);
		handled = 0;
		pthread_create(&sig_waiter, NULL, sig_wait, NULL);
		minos_read(&gr, 1, &c, 1, &from);
		/* Until the handler ran (the waiter may not wait yet). */
		for (long i = 0; i < 100000000L && !handled; i++) {
			pthread_kill(sig_waiter, SIGUSR1);
			sched_yield();
		}
		if (restart)
			minos_write(w2, "y", 1);
		pthread_join(sig_waiter, NULL);
		printf("signal %s: handled %d, read %s\n",
		       restart ? "SA_RESTART" : "no restart", handled,
		       guest_result(sig_got, b));
		minos_wclose(w1);
		minos_wclose(w2);
		minos_rclose(sig_rfds[0]);
		minos_rclose(sig_rfds[1]);
		minos_wclose(go_w);
		minos_rclose(gr);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || !argv[1] || !argv[1][0])
		return child();
	if (strcmp(argv[1], "park") == 0 && argc == 4)
		return park(atoi(argv[2]), atoi(argv[3]));
	if (strcmp(argv[1], "stale") == 0)
		return stale();
	if (strcmp(argv[1], "wide") == 0)
		return wide();
	if (strcmp(argv[1], "flood") == 0)
		return flood();
	if (strcmp(argv[1], "signal") == 0)
		return signal_mode();
	if (strcmp(argv[1], "refuse") == 0 && argc == 3)
		return refuse(atol(argv[2]));
	printf("usage: fdpark park CHILDREN THREADS | stale | wide | flood | refuse N | signal\n");
	return 2;
}
