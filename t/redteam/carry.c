/* carry: attacks on an epoll wait the supervisor carries on (RT6).
 *
 * A pass's PTRACE_INTERRUPT, or a signal the thread ignores, breaks a
 * child thread's epoll wait with EINTR; the supervisor carries the wait
 * on as a call of its own at the sealed vDSO instruction for what is
 * left of its timeout (sys_pass.c wait_again).  The child's thread A
 * waits on an empty pipe (nothing ever wakes it); its thread B obeys
 * one-letter commands on rfd 0; A's result goes to wfd 1.
 * `carry solo` runs A and B alone: the mode, its argument and B's
 * commands on rfd 0 (mode W: A writes 1 MiB on wfd 1, its result on
 * wfd 2; with "W\0G" B sends it SIGURG every ms for 1.5 s meanwhile,
 * then says "sent" on wfd 2).  `carry MODE [MS] < carry`: the parent makes wpasses (from two
 * threads) for MS ms once A waits (0: none), MODE:
 *   pwmask    A (mask empty) waits in epoll_pwait(100 ms) with a mask
 *             that blocks SIGUSR1; B sends A SIGURG (ignored) every ms
 *             for 50 ms.  Linux: 0, and A's mask after it is empty.
 *   pw2mask   the same with epoll_pwait2.
 *   passmask  pwmask with passes instead of SIGURG.
 *   sigloop   A catches SIGUSR1 and loops epoll_wait(100) for 2.5 s;
 *             B sends it SIGUSR1 every 37 ms.  Linux never answers 0
 *             before 100 ms from the call's start.
 *   sigmix    sigloop without passes: B sends A SIGURG (ignored) every
 *             ms and SIGUSR1 every 37th time.
 *   regs      A makes epoll_wait(100) 10 times by inline asm with
 *             every register set: all but rax, rcx, r11 come back as
 *             they were (r10 with high bits the kernel ignores).
 *   regs2     the same with epoll_pwait2 (r8 NULL, r9 8).
 *   regsign   regs, B sending SIGURG every ms meanwhile.
 *   tsunmap   A waits in epoll_pwait2(200 ms), its timespec on a page
 *             of its own; B unmaps that page (Linux read it at entry).
 *   tsbad     the same, B writes tv_nsec = -1 into it.
 *   smunmap   A waits in epoll_pwait(200 ms) with a mask on a page of
 *             its own; B unmaps that page.
 *   blockall  A blocks every signal and loops epoll_wait(100) for 1 s;
 *             B sends it SIGUSR1 (caught, blocked) every ms.
 *   ign SIG   A waits in epoll_wait(100); B sends SIG (default ignored:
 *             17 SIGCHLD, 28 SIGWINCH, 18 SIGCONT; a real-time one, 34
 *             and up, A sets to SIG_IGN) every ms for 1.5 s.
 *   event     A waits in epoll_wait(2000) on its pipe (data 0x1234abcd);
 *             B writes a byte into it 200 ms after A began: 1 event,
 *             its data as registered, in the program's buffer.
 *   catch     A waits in epoll_wait(2000) with SIGUSR1 caught; B sends
 *             SIGUSR1 once 200 ms after A began: EINTR, handler run on
 *             the frame of A's own wait (on_usr1 checks it).
 *   pwcatch   A blocks SIGUSR1 (caught) and waits in epoll_pwait(2000)
 *             with an empty mask; B sends SIGUSR1 after 200 ms: EINTR,
 *             handler run, SIGUSR1 blocked again after it.
 *   pwblock   A catches SIGUSR1 and waits in epoll_pwait(200 ms) with a
 *             mask that blocks it; B sends it SIGUSR1 50 ms after A
 *             began (pending, blocked), then SIGURG every ms for 100 ms.
 *             Linux: 0 after 200 ms, then the handler (the mask back).
 *   pwblockp  the same with passes instead of SIGURG.
 *   exitmid   A waits in epoll_wait(5000); after 200 ms of passes B
 *             calls exit_group(7): the child ends 7, nothing hangs.
 *   maxev     A's epoll_wait(100) with maxevents 0 and -1: EINVAL.
 *   hugets    A waits in epoll_pwait2 (maxevents 7) for INT_MAX / 1000 s
 *             and 999999999 ns (24.8 days); the parent makes a pass,
 *             says "passed" and waits for ever (t/954 reads the wait's
 *             call in /proc, then kills the run).
 *   ckill     A waits in epoll_wait(5000); after MS ms of passes the
 *             parent ckills the child, then runs regs with 1.2 s of
 *             passes in a new one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <time.h>
#include <unistd.h>
#include "rt.h"

#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2 441
#endif

static volatile pid_t waiter;
static volatile int done, usr1, sig_arg;
static struct timespec *tspage;
static uint64_t *smpage;
static struct timespec began;
static int wake = -1;
static char gmode;

static volatile int frame_bad = -1; /* the last handler's frame: -1 none */

/* SIGUSR1's handler: counts, and checks that the frame it interrupted is
 * the program's own wait (its rip out of the vDSO, r10 the timeout
 * 2000, rax -EINTR), never the supervisor's carried call. */
static void on_usr1(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)si;
	const ucontext_t *uc = ctx;
	unsigned long vdso = getauxval(AT_SYSINFO_EHDR);
	unsigned long rip = (unsigned long)uc->uc_mcontext.gregs[REG_RIP];
	frame_bad = (vdso && rip >= vdso && rip < vdso + 0x4000) +
		    (uc->uc_mcontext.gregs[REG_R10] != 2000) +
		    (uc->uc_mcontext.gregs[REG_RAX] != -EINTR);
	usr1++;
}

static void say(const char *s)
{
	ssize_t unused = write(1, s, strlen(s));
	(void)unused;
}

static void sleep_ms(int ms)
{
	struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&t, NULL);
}

static double since(const struct timespec *a)
{
	struct timespec b;
	clock_gettime(CLOCK_MONOTONIC, &b);
	return rt_ms(a, &b);
}

/* Send sig to A every period ms for total ms (or until done). */
static void pelt(int sig, int period, int total)
{
	struct timespec a;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < 100000 && !done && since(&a) < total; i++) {
		syscall(SYS_tgkill, getpid(), waiter, sig);
		sleep_ms(period);
	}
}

/* Thread B: commands on rfd 0. */
static void *commander(void *arg)
{
	(void)arg;
	char c;
	while (read(0, &c, 1) == 1) {
		switch (c) {
		case 'g': pelt(SIGURG, 1, 50); break;
		case 'G':
			pelt(SIGURG, 1, 1500);
			if (gmode == 'W') /* the signals are over: A's write may end */
				dprintf(2, "sent\n");
			break;
		case 'i': pelt(sig_arg, 1, 1500); break;
		case 'U': pelt(SIGUSR1, 37, 2600); break;
		case 'V': {
			struct timespec a;
			clock_gettime(CLOCK_MONOTONIC, &a);
			for (int i = 1; i < 100000 && !done && since(&a) < 2600; i++) {
				syscall(SYS_tgkill, getpid(), waiter, i % 37 ? SIGURG : SIGUSR1);
				sleep_ms(1);
			}
			break;
		}
		case 'B': pelt(SIGUSR1, 1, 1100); break;
		case 'u': munmap(tspage, 4096); say("k"); break;
		case 'm': munmap(smpage, 4096); say("k"); break;
		case 'n': tspage->tv_nsec = -1; say("k"); break;
		case 'P': case 'Q':
			while (since(&began) < 50)
				sleep_ms(5);
			syscall(SYS_tgkill, getpid(), waiter, SIGUSR1);
			if (c == 'P')
				pelt(SIGURG, 1, 100);
			break;
		case 'c':
			while (since(&began) < 200)
				sleep_ms(5);
			syscall(SYS_tgkill, getpid(), waiter, SIGUSR1);
			break;
		case 'e':
			while (since(&began) < 200)
				sleep_ms(5);
			if (write(wake, "x", 1) != 1)
				say("?");
			break;
		case 'x':
			while (since(&began) < 200)
				sleep_ms(5);
			syscall(SYS_exit_group, 7);
			break;
		}
	}
	return NULL;
}

static const char *errname(int e)
{
	return e == EINTR ? "EINTR" : e == EFAULT ? "EFAULT" : e == EINVAL ? "EINVAL" :
	       e == EBADF ? "EBADF" : "error";
}

static void result(char *line, size_t len, const char *what, long n, int err)
{
	if (n < 0)
		snprintf(line, len, "%s = -1 %s", what, errname(err));
	else
		snprintf(line, len, "%s = %ld", what, n);
}

static const char *band(double ms, double lo)
{
	return ms < lo ? "early" : ms < 1000 ? "in time" : "late";
}

/* epoll_wait (nr 232) or epoll_pwait2 (441) by hand, every register set;
 * how many of them did not come back as they were. */
static int asm_wait(int ep, void *ev, bool two, const struct timespec *ts, long *res)
{
	register uint64_t r10 __asm__("r10") = two ? (uint64_t)(uintptr_t)ts
						     : 0x5a5a5a5a00000064ULL; /* 100 */
	register uint64_t r8 __asm__("r8") = two ? 0 : 0x8888888888888888ULL;
	register uint64_t r9 __asm__("r9") = two ? 8 : 0x9999999999999999ULL;
	register uint64_t r12 __asm__("r12") = 0x1212121212121212ULL;
	register uint64_t r13 __asm__("r13") = 0x1313131313131313ULL;
	register uint64_t r14 __asm__("r14") = 0x1414141414141414ULL;
	register uint64_t r15 __asm__("r15") = 0x1515151515151515ULL;
	uint64_t rdi = (uint64_t)ep, rsi = (uint64_t)(uintptr_t)ev, rdx = 1;
	uint64_t rbx = 0xbbbbbbbbbbbbbbbbULL;
	uint64_t rax = two ? 441 : 232;
	const uint64_t w10 = r10, w8 = r8, w9 = r9;
	__asm__ volatile("syscall"
			 : "+a"(rax), "+r"(r10), "+r"(r8), "+r"(r9), "+r"(r12), "+r"(r13),
			   "+r"(r14), "+r"(r15), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+b"(rbx)
			 :
			 : "rcx", "r11", "memory");
	*res = (long)rax;
	return (r10 != w10) + (r8 != w8) + (r9 != w9) +
	       (r12 != 0x1212121212121212ULL) + (r13 != 0x1313131313131313ULL) +
	       (r14 != 0x1414141414141414ULL) + (r15 != 0x1515151515151515ULL) +
	       (rdi != (uint64_t)ep) + (rsi != (uint64_t)(uintptr_t)ev) + (rdx != 1) +
	       (rbx != 0xbbbbbbbbbbbbbbbbULL);
}

static int child(void)
{
	char m[2];
	if (read(0, m, 2) != 2)
		return 1;
	char mode = m[0];
	gmode = mode;
	sig_arg = m[1];
	waiter = (pid_t)syscall(SYS_gettid);
	int p[2];
	if (pipe(p) < 0)
		return 1;
	wake = p[1];
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN }, out[8];
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	tspage = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	smpage = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct sigaction sa = { .sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO };
	sigaction(SIGUSR1, &sa, NULL);
	pthread_t th;
	pthread_create(&th, NULL, commander, NULL);
	char line[200];
	long n;
	int err;
	sigset_t none, blk, now;
	sigemptyset(&none);
	sigemptyset(&blk);
	sigaddset(&blk, SIGUSR1);
	clock_gettime(CLOCK_MONOTONIC, &began);
	switch (mode) {
	case 'm': case 'M': case 'p': {
		static const struct timespec ms100 = { 0, 100000000 };
		sigprocmask(SIG_SETMASK, &none, NULL);
		say("w");
		n = mode == 'M' ? syscall(SYS_epoll_pwait2, ep, out, 1, &ms100, &blk, 8)
				: epoll_pwait(ep, out, 1, 100, &blk);
		err = errno;
		sigprocmask(SIG_SETMASK, NULL, &now);
		result(line, sizeof line, "wait", n, err);
		printf("%s after %s ms; SIGUSR1 %s after it\n", line, band(since(&began), 100),
		       sigismember(&now, SIGUSR1) ? "blocked" : "unblocked");
		break;
	}
	case 'l': {
		int zeros = 0, early = 0, eintr = 0, other = 0;
		say("w");
		while (since(&began) < 2500) {
			struct timespec a;
			clock_gettime(CLOCK_MONOTONIC, &a);
			n = epoll_wait(ep, out, 1, 100);
			double ms = since(&a);
			if (n == 0) {
				zeros++;
				early += ms < 100;
			} else if (n < 0 && errno == EINTR) {
				eintr++;
			} else {
				other++;
			}
		}
		done = 1;
		printf("early zeros %d, other %d (%s, %s)\n", early, other,
		       zeros > 0 ? "some zeros" : "no zeros", eintr > 0 ? "some EINTR" : "no EINTR");
		break;
	}
	case 'r': case 'R': case 'S': {
		static const struct timespec ms100 = { 0, 100000000 };
		int bad = 0, notzero = 0;
		say("w");
		for (int i = 0; i < 10; i++) {
			long r;
			bad += asm_wait(ep, out, mode == 'R', &ms100, &r);
			notzero += r != 0;
		}
		done = 1;
		printf("10 waits: %d registers changed, %d results not 0\n", bad, notzero);
		break;
	}
	case 'u': case 'n': {
		tspage->tv_sec = 0;
		tspage->tv_nsec = 200000000;
		say("w");
		n = syscall(SYS_epoll_pwait2, ep, out, 1, tspage, NULL, 8);
		err = errno;
		result(line, sizeof line, "epoll_pwait2", n, err);
		printf("%s after %s ms\n", line, band(since(&began), 200));
		break;
	}
	case 's': {
		memset(smpage, 0, 8);
		say("w");
		n = syscall(SYS_epoll_pwait, ep, out, 1, 200, smpage, 8);
		err = errno;
		result(line, sizeof line, "epoll_pwait", n, err);
		printf("%s after %s ms\n", line, band(since(&began), 200));
		break;
	}
	case 'b': {
		sigset_t all;
		sigfillset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		int eintr = 0, zeros = 0, early = 0;
		say("w");
		while (since(&began) < 1000) {
			struct timespec a;
			clock_gettime(CLOCK_MONOTONIC, &a);
			n = epoll_wait(ep, out, 1, 100);
			if (n == 0) {
				zeros++;
				early += since(&a) < 100;
			} else if (n < 0 && errno == EINTR) {
				eintr++;
			}
		}
		done = 1;
		printf("EINTR %d, early zeros %d, %s\n", eintr, early, zeros ? "some zeros" : "no zeros");
		break;
	}
	case 'i': {
		int eintr = 0;
		if (sig_arg >= 34) {
			struct sigaction ign = { .sa_handler = SIG_IGN };
			sigaction(sig_arg, &ign, NULL);
		}
		say("w");
		for (;;) {
			n = epoll_wait(ep, out, 1, 100);
			if (n < 0 && errno == EINTR && ++eintr < 1000)
				continue;
			break;
		}
		err = errno;
		result(line, sizeof line, "epoll_wait", n, err);
		printf("%s after %s ms, EINTR %d\n", line, band(since(&began), 100), eintr);
		done = 1;
		break;
	}
	case 'P': case 'Q': {
		say("w");
		n = epoll_pwait(ep, out, 1, 200, &blk);
		err = errno;
		int got = usr1;
		result(line, sizeof line, "wait", n, err);
		printf("%s after %s ms, usr1 %d\n", line, band(since(&began), 200), got);
		break;
	}
	case 'c': case 'C': {
		if (mode == 'C')
			sigprocmask(SIG_SETMASK, &blk, NULL);
		say("w");
		n = mode == 'C' ? epoll_pwait(ep, out, 1, 2000, &none) : epoll_wait(ep, out, 1, 2000);
		err = errno;
		sigprocmask(SIG_SETMASK, NULL, &now);
		result(line, sizeof line, "wait", n, err);
		printf("%s after %s ms, usr1 %d (frame %s); SIGUSR1 %s after it\n", line,
		       since(&began) < 200 ? "< 200" : since(&began) < 1000 ? "200 to 1000" : ">= 1000",
		       usr1, frame_bad == 0 ? "the wait's" : "not the wait's",
		       sigismember(&now, SIGUSR1) ? "blocked" : "unblocked");
		break;
	}
	case 'e': {
		struct epoll_event mod = { .events = EPOLLIN, .data.u64 = 0x1234abcd };
		epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &mod);
		memset(out, 0, sizeof out);
		say("w");
		n = epoll_wait(ep, out, 4, 2000);
		err = errno;
		result(line, sizeof line, "epoll_wait", n, err);
		printf("%s after %s ms, data %s\n", line,
		       since(&began) < 200 ? "< 200" : since(&began) < 1000 ? "200 to 1000" : ">= 1000",
		       out[0].data.u64 == 0x1234abcd && out[0].events == EPOLLIN ? "as registered" : "wrong");
		break;
	}
	case 'W': { /* solo: 1 MiB on fd 1, which is read only later */
		static char big[1 << 20];
		memset(big, 'a', sizeof big);
		n = write(1, big, sizeof big);
		err = errno;
		done = 1;
		result(line, sizeof line, "write", n, err);
		dprintf(2, "%s\n", line);
		return 0;
	}
	case 'H': {
		static const struct timespec huge = { INT_MAX / 1000, 999999999 };
		say("w");
		n = syscall(SYS_epoll_pwait2, ep, out, 7, &huge, NULL, 8);
		printf("epoll_pwait2 = %ld\n", n);
		break;
	}
	case 'K': case 'x':
		say("w");
		n = epoll_wait(ep, out, 1, 5000);
		printf("epoll_wait = %ld: exit_group did not end it\n", n);
		break;
	case 'z': {
		say("w");
		long a = epoll_wait(ep, out, 0, 100);
		int ea = errno;
		long b = epoll_wait(ep, out, -1, 100);
		int eb = errno;
		printf("maxevents 0: %ld %s; -1: %ld %s\n", a, errname(ea), b, errname(eb));
		break;
	}
	default:
		return 1;
	}
	fflush(stdout);
	return 0;
}

struct passer { long cid; int ms; int placed; };

static void *passer(void *arg)
{
	struct passer *q = arg;
	struct timespec a;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < 1000000 && since(&a) < q->ms; i++) {
		int w, r;
		if (minos_pipe(&w, &r) < 0)
			break;
		long got = minos_wpass(w, (int)q->cid);
		if (got >= 0)
			q->placed++;
		else
			minos_wclose(w);
		minos_rclose(r);
	}
	return NULL;
}

static int run(const char *name, int ms, int arg)
{
	static const struct { const char *name; char m, cmd; } modes[] = {
		{ "pwmask", 'm', 'g' }, { "pw2mask", 'M', 'g' }, { "passmask", 'p', 0 },
		{ "sigloop", 'l', 'U' }, { "sigmix", 'l', 'V' }, { "regs", 'r', 0 }, { "regs2", 'R', 0 },
		{ "regsign", 'S', 'G' }, { "tsunmap", 'u', 'u' }, { "tsbad", 'n', 'n' },
		{ "smunmap", 's', 'm' }, { "blockall", 'b', 'B' }, { "ign", 'i', 'i' },
		{ "catch", 'c', 'c' }, { "pwcatch", 'C', 'c' }, { "exitmid", 'x', 'x' },
		{ "maxev", 'z', 0 }, { "ckill", 'K', 0 }, { "hugets", 'H', 0 },
		{ "event", 'e', 'e' }, { "pwblock", 'P', 'P' }, { "pwblockp", 'Q', 'Q' },
	};
	int k = 0;
	while (k < (int)(sizeof modes / sizeof modes[0]) && strcmp(modes[k].name, name))
		k++;
	if (k == (int)(sizeof modes / sizeof modes[0]))
		return 2;
	int cw, cr, rw, rr;
	minos_pipe(&cw, &cr);
	minos_pipe(&rw, &rr);
	int fds[3] = { cr, -1, rw }; /* rfd 0 commands; wfd 1 A's result */
	long cid = rt_spawn_self(fds, 1, 2);
	if (cid < 0) {
		printf("cnew = %ld\n", cid);
		return 1;
	}
	char hdr[2] = { modes[k].m, (char)arg };
	minos_write(cw, hdr, 2);
	char c;
	minos_read(&rr, 1, &c, 1, NULL); /* A is about to wait */
	char cmd = modes[k].cmd;
	if (cmd)
		minos_write(cw, &cmd, 1);
	if (cmd == 'u' || cmd == 'm' || cmd == 'n')
		minos_read(&rr, 1, &c, 1, NULL); /* done */
	struct passer q[2] = { { cid, ms, 0 }, { cid, ms, 0 } };
	pthread_t pt[2];
	if (ms > 0) {
		for (int i = 0; i < 2; i++)
			pthread_create(&pt[i], NULL, passer, &q[i]);
		for (int i = 0; i < 2; i++)
			pthread_join(pt[i], NULL);
	} else if (cmd == 'u' || cmd == 'm' || cmd == 'n' || modes[k].m == 'H') {
		q[0].ms = 1; /* a pass */
		passer(&q[0]);
	}
	if (modes[k].m == 'H') { /* A waits 24.8 days: until killed */
		printf("passed\n");
		fflush(stdout);
		minos_read(&rr, 1, &c, 1, NULL);
		return 0;
	}
	if (modes[k].m == 'K') { /* A is in a carried wait: kill it there */
		long r = minos_ckill((int)cid);
		minos_wclose(cw);
		minos_rclose(rr);
		printf("ckill = %ld; ", r);
		return run("regs", 1200, 0);
	}
	minos_wclose(cw);
	char line[256];
	long n, len = 0;
	while (len < (long)sizeof line - 1 &&
	       (n = minos_read(&rr, 1, line + len, sizeof line - 1 - (size_t)len, NULL)) > 0)
		len += n;
	line[len > 0 ? len : 0] = 0;
	minos_rclose(rr);
	printf("%s%s", line, q[0].placed + q[1].placed > 0 || ms == 0 ? "" : "(no pass placed)\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 0 || (argc == 1 && argv[0] && argv[0][0] == '\0'))
		return child();
	if (argc > 1 && strcmp(argv[1], "solo") == 0)
		return child(); /* A and B alone, their header and commands on rfd 0 */
	if (rt_read_self() < 0 || argc < 2)
		return 2;
	return run(argv[1], argc > 2 ? atoi(argv[2]) : 0, argc > 3 ? atoi(argv[3]) : 0);
}
