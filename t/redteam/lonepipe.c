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
 *                        loop (Linux read, write, close otherwise) while
 *                        4 threads of the parent wpass N wfds into it; the
 *                        child writes 'k' into each one it finds and
 *                        closes it, the parent reads 'k' then end of stream
 *                        from each rfd.  "pass N: passed P, lost L, extra
 *                        X; child: ..." (expected lost 0, extra 0, bad 0,
 *                        wrong 0)
 *   lonepipe storm T R [cnew]
 *                        T threads of R rounds each: a checked pipe, a
 *                        thread started and joined (a checked pipe in it),
 *                        or a queued signal (SIGRTMIN+1) to the main
 *                        thread, which makes R checked pipes meanwhile and
 *                        R more once alone; with cnew, every 8th signal
 *                        of thread 1 also starts a child that exits at
 *                        once.  "storm T x R: wrong W, signals sent S got
 *                        G[, cnews ok]" (expected W 0, S = G)
 *   lonepipe spoof NAME fault|raise|xfsz|wait
 *                        its thread named NAME (PR_SET_NAME), then a
 *                        fault or a SIGSEGV to itself (no handler for
 *                        either), or 64 KiB written
 *                        to wfd 1 (SIGXFSZ under --output), or a read of
 *                        rfd 0 to its end ("spoof NAME: waited", exit 0).
 *                        Exit 3 if it lives.
 *   lonepipe xfsz [real]ign|wait|exit
 *                        SIGXFSZ blocked and sent to itself (tgkill:
 *                        pending; with real: the kernel's, written past
 *                        --output), then a read of rfd 0 to its end (a
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
#include <sys/prctl.h>
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
	/* Linux read, write, close, fcntl: the pipe is the one stop. */
	fcntl(0, F_SETFL, O_NONBLOCK);
	long after = 0; /* rounds since the count came */
	for (; rounds < 1000000 && after < 10000 && (want < 0 || seen < want);
	     rounds++, after += want >= 0) {
		if (want < 0) {
			long n = read(0, num + got, sizeof(num) - 1 - got);
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
		a = write(w, "p", 1);
		b = read(r, &c, 1);
		if ((a != 1 || b != 1 || c != 'p') && !wrong++ && !bad)
			snprintf(first, sizeof(first),
				 " (first: round %ld: wfd %d rfd %d write %ld read %ld)",
				 rounds, w, r, a, b);
		for (int k = 2; k < 256; k++) {
			if (k == w || k == r || !is_open(k))
				continue;
			if (write(k, "k", 1) != 1)
				badw++;
			close(k);
			seen++;
		}
		close(w);
		close(r);
	}
	char line[256];
	int k = snprintf(line, sizeof(line),
			 "rounds %ld, seen %ld, bad %ld, wrong %ld, badwrite %ld%s\n",
			 rounds, seen, bad, wrong, badw, first);
	minos_write(1, line, (size_t)k);
	return 0;
}

/* The parent's passers: PASSERS threads, each its share of the wfds. */
#define PASSERS 4
static long pcid, pn;
static int *keep;
static long kept[PASSERS], pfailed[PASSERS];

static void *passer_thread(void *arg)
{
	long me = (long)arg;
	for (long i = me; i < pn; i += PASSERS) {
		int w, r;
		keep[i] = -1;
		if (minos_pipe(&w, &r) < 0)
			continue;
		if (minos_wpass(w, (int)pcid) < 0) {
			pfailed[me]++;
			minos_wclose(w);
			minos_rclose(r);
			continue;
		}
		keep[i] = r;
		kept[me]++;
	}
	return NULL;
}

static int passer(long n)
{
	if (rt_read_self() < 0)
		return 2;
	int cw, cr, rw, rr;
	minos_pipe(&cw, &cr);
	minos_pipe(&rw, &rr);
	int fds[3] = { cr, -1, rw };
	pcid = rt_spawn_self(fds, 1, 2);
	if (pcid < 0) {
		printf("pass: cnew %ld\n", pcid);
		return 2;
	}
	pn = n;
	keep = calloc((size_t)n, sizeof(int));
	pthread_t th[PASSERS];
	for (long i = 0; i < PASSERS; i++)
		pthread_create(&th[i], NULL, passer_thread, (void *)i);
	long passed = 0, lost = 0, extra = 0, failed = 0;
	for (long i = 0; i < PASSERS; i++) {
		pthread_join(th[i], NULL);
		passed += kept[i];
		failed += pfailed[i];
	}
	char num[32];
	int k = snprintf(num, sizeof(num), "%ld\n", passed);
	minos_write(cw, num, (size_t)k);
	for (long i = 0; i < n; i++) {
		if (keep[i] < 0)
			continue;
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
	} else if (!strncmp(how, "real", 4)) {
		/* the kernel's own, blocked: written past --output */
		char x[1024];
		memset(x, 'x', sizeof(x));
		for (int i = 0; i < 64; i++)
			if (write(1, x, sizeof(x)) < 0)
				break;
		drain0();
		how += 4;
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

/* ---- storm: one container's threads against drain_alone ----------------- */

static pid_t main_tid;
static volatile long got_sigs;
static long sent[64], wrongs[64], cnews[64];
static long storm_rounds;
static int storm_cnew = 0;

static void on_rt(int sig)
{
	(void)sig;
	__atomic_add_fetch(&got_sigs, 1, __ATOMIC_RELAXED);
}

/* One lone-looking pipe: right ends, a byte through, closed. */
static bool pipe_ok(void)
{
	int w = -1, r = -1;
	char c = 0;
	if (minos_pipe(&w, &r) < 0)
		return false;
	bool ok = write(w, "s", 1) == 1 && read(r, &c, 1) == 1 && c == 's';
	close(w);
	close(r);
	return ok;
}

static void *brief(void *arg)
{
	long me = (long)arg;
	if (!pipe_ok())
		wrongs[me]++;
	return NULL;
}

static void *stormer(void *arg)
{
	long me = (long)arg;
	unsigned seed = (unsigned)me * 2654435761u + 1;
	for (long i = 0; i < storm_rounds; i++) {
		seed = seed * 1103515245u + 12345u;
		switch ((seed >> 16) % 4) {
		case 0:
		case 1:
			if (!pipe_ok())
				wrongs[me]++;
			break;
		case 2: {
			pthread_t t;
			if (pthread_create(&t, NULL, brief, arg) == 0)
				pthread_join(t, NULL);
			break;
		}
		case 3:
			if (syscall(SYS_tgkill, getpid(), main_tid, SIGRTMIN + 1) == 0)
				sent[me]++;
			if (storm_cnew && me == 1 && sent[me] % 8 == 1) {
				int w, r;
				if (minos_pipe(&w, &r) >= 0) {
					minos_write(w, rt_flat_exit0, sizeof(rt_flat_exit0));
					minos_wclose(w);
					if (minos_cnew(r, NULL, 0, 0, MINOS_ARCH_X86_64_FLAT) > 0)
						cnews[me]++;
				}
			}
			break;
		}
	}
	return NULL;
}

static int storm(long nthreads, long rounds, bool cnew)
{
	if (nthreads < 1 || nthreads > 63)
		return 1;
	storm_rounds = rounds;
	storm_cnew = cnew;
	main_tid = (pid_t)syscall(SYS_gettid);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_rt;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGRTMIN + 1, &sa, NULL);
	pthread_t th[64];
	for (long i = 1; i <= nthreads; i++)
		pthread_create(&th[i], NULL, stormer, (void *)i);
	long w0 = 0;
	for (long i = 0; i < rounds; i++) /* the main thread: pipes alone */
		if (!pipe_ok())
			w0++;
	long s = 0, w = w0, c = 0;
	for (long i = 1; i <= nthreads; i++) {
		pthread_join(th[i], NULL);
		s += sent[i];
		w += wrongs[i];
		c += cnews[i];
	}
	/* Now alone: the last pipes are lone ones, and any signal still
	 * pending is taken on the way out of a call. */
	for (long i = 0; i < rounds; i++)
		if (!pipe_ok())
			w++;
	syscall(SYS_getpid);
	printf("storm %ld x %ld: wrong %ld, signals sent %ld got %ld%s\n", nthreads,
	       rounds, w, s, got_sigs, cnew ? (c ? ", cnews ok" : ", no cnew") : "");
	return 0;
}

/* ---- spoof: a thread name that reads as a line of /proc/PID/status ------- */

static int spoof(const char *name, const char *then)
{
	prctl(PR_SET_NAME, name, 0, 0, 0);
	if (!strcmp(then, "fault")) { /* SIGSEGV, no handler */
		volatile int *volatile bad = (int *)16;
		*bad = 1;
	}
	if (!strcmp(then, "raise"))
		raise(SIGSEGV);
	if (!strcmp(then, "wait")) { /* rfd 0 to its end (a checkpoint) */
		drain0();
		printf("spoof %s: waited\n", name);
		return 0;
	}
	if (!strcmp(then, "xfsz")) { /* past --output, SIGXFSZ not handled */
		char x[1024];
		memset(x, 'x', sizeof(x));
		for (int i = 0; i < 64; i++)
			if (write(1, x, sizeof(x)) < 0)
				break;
	}
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
	if (!strcmp(argv[1], "storm") && argc > 3)
		return storm(atol(argv[2]), atol(argv[3]), argc > 4);
	if (!strcmp(argv[1], "spoof") && argc > 3)
		return spoof(argv[2], argv[3]);
	if (!strcmp(argv[1], "xfsz") && argc > 2)
		return xfsz(argv[2]);
	return 1;
}
