/* lonepipe: a container with one thread, against the lone Minos pipe
 * (sys_pipe_alone: the rfd put at the foreseen number with SETFD, no kcmp
 * unless a pass came in since the pipe's stop) and the restore's count of
 * the SIGXFSZs it queued again (xfsz_from_file).  t/953-redteam5.bats.
 *
 *   lonepipe pipes N     N rounds of: Minos pipe (wfd 3, rfd 4 expected:
 *                        0-2 are open), a byte through it, both closed
 *                        (Linux write, read, close: no stop but the pipe's).
 *                        "pipes N, wrong W (first: ...)"
 *   lonepipe priv        the private install number (0x44ff) called
 *                        directly, rdx at a free number, at stdin's,
 *                        far out: "priv: E1 E2 E3, open: ..." (the errors
 *                        and which of 0-7 are open afterwards)
 *   lonepipe pass N < lonepipe
 *                        a child whose one thread makes lone pipes in a
 *                        loop while the parent wpasses N wfds into it; the
 *                        child writes 'k' into each one it finds and
 *                        closes it, the parent reads 'k' then end of stream
 *                        from each rfd.  "pass N: passed P, lost L, extra
 *                        X; child: ..." (expected lost 0, extra 0, bad 0,
 *                        wrong 0)
 *   lonepipe xfsz ign|wait|exit
 *                        SIGXFSZ blocked and sent to itself (tgkill:
 *                        pending), then a read of rfd 0 to its end (a
 *                        checkpoint is made there); then the pending one
 *                        is discarded (SIG_IGN, consumed by sigtimedwait,
 *                        or left in a thread that exits), SIGXFSZ
 *                        unblocked, and 1 MiB written to wfd 1 (a file
 *                        under --output: the kernel's SIGXFSZ ends it).
 *                        Exit 3 if it lives.
 * Exit 0 unless said.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "rt.h"

#define PRIV_INSTALL 0x44ff

static long raw3(long nr, long a, long b, long c)
{
	long r;
	register long rdx __asm__("rdx") = c;
	__asm__ volatile("syscall" : "=a"(r), "+r"(rdx)
			 : "0"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return r;
}

static bool is_open(int num)
{
	return fcntl(num, F_GETFD) >= 0;
}

static int pipes(long n)
{
	long wrong = 0;
	char first[160] = "";
	for (long i = 0; i < n; i++) {
		int w = -1, r = -1;
		char c = 0;
		long e = minos_pipe(&w, &r), a = -1, b = -1;
		if (e >= 0) { /* Linux calls: the pipe is the one stop */
			a = write(w, "p", 1);
			b = read(r, &c, 1);
		}
		if ((e < 0 || w != 3 || r != 4 || a != 1 || b != 1 || c != 'p') &&
		    !wrong++)
			snprintf(first, sizeof(first),
				 " (first: round %ld: pipe %ld wfd %d rfd %d write %ld read %ld)",
				 i, e, w, r, a, b);
		if (e >= 0) {
			close(w);
			close(r);
		}
	}
	printf("pipes %ld, wrong %ld%s\n", n, wrong, first);
	return 0;
}

static int priv(void)
{
	long e1 = raw3(PRIV_INSTALL, 0, 0, 3);
	long e2 = raw3(PRIV_INSTALL, 0, 0, 0);
	long e3 = raw3(PRIV_INSTALL, 0, 0, 1000000);
	char open[16] = "";
	for (int i = 0; i < 8; i++)
		open[i] = is_open(i) ? 'o' : '-';
	/* stdin still the rfd it was: a Minos read of it is not EBADF */
	long rd = minos_read((int[]){ 0 }, 1, open + 9, 0, NULL);
	printf("priv: %ld %ld %ld, open: %s, read 0: %ld\n", e1, e2, e3, open, rd);
	return 0;
}

/* ---- pass: the child ------------------------------------------------------ */

static int passee(void)
{
	long want = -1, rounds = 0, bad = 0, wrong = 0, seen = 0, badw = 0;
	char num[32] = { 0 };
	size_t got = 0;
	char first[160] = "";
	fcntl(0, F_SETFL, O_NONBLOCK);
	long after = 0; /* rounds since the count came */
	for (; rounds < 1000000 && after < 10000 && (want < 0 || seen < want);
	     rounds++, after += want >= 0) {
		if (want < 0) {
			long n = minos_read((int[]){ 0 }, 1, num + got,
					    sizeof(num) - 1 - got, NULL);
			if (n > 0)
				got += (size_t)n;
			if (n == 0 || (got && num[got - 1] == '\n'))
				want = atol(num);
		}
		int w = -1, r = -1;
		char c = 0;
		long e = minos_pipe(&w, &r), a = -1, b = -1;
		if (e < 0) {
			if (!bad++ && !wrong)
				snprintf(first, sizeof(first), " (first: round %ld: pipe %ld)",
					 rounds, e);
			continue;
		}
		a = minos_write(w, "p", 1);
		b = minos_read(&r, 1, &c, 1, NULL);
		if ((a != 1 || b != 1 || c != 'p') && !wrong++ && !bad)
			snprintf(first, sizeof(first),
				 " (first: round %ld: wfd %d rfd %d write %ld read %ld)",
				 rounds, w, r, a, b);
		for (int k = 2; k < 256; k++) {
			if (k == w || k == r || !is_open(k))
				continue;
			if (minos_write(k, "k", 1) != 1)
				badw++;
			minos_wclose(k);
			seen++;
		}
		minos_wclose(w);
		minos_rclose(r);
	}
	char line[256];
	int k = snprintf(line, sizeof(line),
			 "rounds %ld, seen %ld, bad %ld, wrong %ld, badwrite %ld%s\n",
			 rounds, seen, bad, wrong, badw, first);
	minos_write(1, line, (size_t)k);
	return 0;
}

static int passer(long n)
{
	if (rt_read_self() < 0)
		return 2;
	int cw, cr, rw, rr;
	minos_pipe(&cw, &cr);
	minos_pipe(&rw, &rr);
	int fds[3] = { cr, -1, rw };
	long cid = rt_spawn_self(fds, 1, 2);
	if (cid < 0) {
		printf("pass: cnew %ld\n", cid);
		return 2;
	}
	int *keep = calloc((size_t)n, sizeof(int));
	long passed = 0, lost = 0, extra = 0, failed = 0;
	for (long i = 0; i < n; i++) {
		int w, r;
		if (minos_pipe(&w, &r) < 0)
			break;
		long e = minos_wpass(w, (int)cid);
		if (e < 0) {
			failed++;
			minos_wclose(w);
			minos_rclose(r);
			continue;
		}
		keep[passed++] = r;
	}
	char num[32];
	int k = snprintf(num, sizeof(num), "%ld\n", passed);
	minos_write(cw, num, (size_t)k);
	for (long i = 0; i < passed; i++) {
		char c[2] = { 0 };
		long a = minos_read(&keep[i], 1, c, 1, NULL);
		long b = a == 1 ? minos_read(&keep[i], 1, c + 1, 1, NULL) : 0;
		if (a != 1 || c[0] != 'k')
			lost++;
		else if (b != 0)
			extra++;
		minos_rclose(keep[i]);
	}
	char line[256] = "";
	long m = 0, t = 0;
	while (t < (long)sizeof(line) - 1 &&
	       (m = minos_read(&rr, 1, line + t, sizeof(line) - 1 - (size_t)t, NULL)) > 0)
		t += m;
	printf("pass %ld: passed %ld, failed %ld, lost %ld, extra %ld; child: %s",
	       n, passed, failed, lost, extra, t ? line : "nothing\n");
	return 0;
}

/* ---- xfsz ----------------------------------------------------------------- */

static void drain0(void)
{
	char buf[4096];
	while (minos_read((int[]){ 0 }, 1, buf, sizeof(buf), NULL) > 0)
		;
}

/* Pending in this thread, alive at the checkpoint; it exits with it. */
static void *leave(void *arg)
{
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGXFSZ);
	drain0();
	return arg;
}

static int xfsz(const char *how)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGXFSZ);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	pthread_t th;
	if (!strcmp(how, "exit")) {
		pthread_create(&th, NULL, leave, NULL);
		pthread_join(th, NULL);
	} else {
		syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGXFSZ);
		drain0();
	}
	char buf[4096];
	if (!strcmp(how, "ign")) {
		signal(SIGXFSZ, SIG_IGN); /* a pending one is discarded */
		signal(SIGXFSZ, SIG_DFL);
	} else if (!strcmp(how, "wait")) {
		struct timespec zero = { 0, 0 };
		siginfo_t si;
		sigtimedwait(&s, &si, &zero);
	}
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	memset(buf, 'x', sizeof(buf));
	for (int i = 0; i < 256; i++)
		if (minos_write(1, buf, sizeof(buf)) < 0)
			break;
	return 3;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return passee(); /* a child of `pass` (argc 0) */
	long n = argc > 2 ? atol(argv[2]) : 1000;
	if (!strcmp(argv[1], "pipes"))
		return pipes(n);
	if (!strcmp(argv[1], "priv"))
		return priv();
	if (!strcmp(argv[1], "pass"))
		return passer(n);
	if (!strcmp(argv[1], "xfsz") && argc > 2)
		return xfsz(argv[2]);
	return 1;
}
