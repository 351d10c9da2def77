/* SPDX-License-Identifier: MIT */
/*
 * rt14 - red team 14 against c95d5a2 (a stop that breaks an armed Minos
 * pipe also turns rax 0x44ff at the armed call's instruction back into
 * the Minos pipe) and 27a9bba (a pipe's lone wfd closed with signals held
 * off, the thread given back with orig_rax -1).
 *
 * Thread A makes N Minos pipes through one syscall instruction of its own
 * (rt14_insn, in rt14_call); every answer is sorted: a pipe (two distinct
 * numbers, a byte written to its wfd read back from its rfd, both
 * closed), ENOSYS, EINTR, EMFILE, or anything else ("odd", the first few
 * printed on stderr).  Another thread makes A's call break all the time:
 *
 * `rt14 sig N H`: tgkill(A, SIGUSR2) in a loop, from 3 threads, each at
 *   most one signal per call A makes (the storm paced by A).  H says
 *   what the handler (SA_RESTART) does when the signal came at rt14_insn
 *   (A's pipe call not made yet, or broken and wound back onto it, armed
 *   or not):
 *     0: nothing;
 *     1: rewrites the saved ucontext: rip on rt14_insn, rax the private
 *        number 0x44ff (a forged private call from the pipe's own
 *        instruction: its answer is the pipe's);
 *     2: the same with rax the Minos pipe (made again: a real pipe).
 * `rt14 lone N H`: as `sig` (H the same) with the table two numbers
 *   short of full and the signalling thread taking one (an eventfd) as
 *   it signals: the rfd often finds no room and the lone wfd is closed
 *   by the supervisor.
 * `rt14 lonekill N K`: as `lone 0`, and the signalling thread sends the
 *   container SIGKILL after K signals, mid-pipe or mid-close: it dies
 *   by SIGKILL, printing nothing.
 * `rt14 jump N`: as `sig 0` and a third thread calling the private
 *   number from rt14_insn all the time (anything but ENOSYS: "stolen").
 *
 * Prints "rt14" as it starts, then "MODE N: pipes P, enosys E, eintr I,
 * emfile M, odd O, bad B, same D, forged F, stolen S, leaked L" (forged:
 * forged private calls answered ENOSYS; stolen: private calls answered
 * anything else; same: pipes answered with one number for both ends,
 * neither closed; leaked: descriptors open at the end besides 0, 1, 2
 * and the mode's own).
 * `rt14 reuse N`: the table two short of full; another thread takes the
 *   first free number with an eventfd (A's rfd then finds no room and
 *   its wfd goes alone to the last), closes whatever comes to the last
 *   number (a lone end, never given to it), takes that number with an
 *   eventfd of its own and watches it: "reuse: reused U, lost L" before
 *   the line above (L: its eventfds closed by someone else: the
 *   supervisor's close of the lone end).
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>
#include "minos.h"

#define PRIV 0x44ff

/* One syscall instruction (rt14_insn) for the pipe and the private call:
 * rt14_call(nr, &rdx) -> rax, rdx out (r8 holds &rdx across it). */
long rt14_call(long nr, long *rdx);
extern char rt14_insn[];
__asm__(".text\n"
	".globl rt14_call\n"
	".globl rt14_insn\n"
	"rt14_call:\n"
	"   mov %rdi, %rax\n"
	"   mov %rsi, %r8\n"
	"   xor %edi, %edi\n"
	"   xor %esi, %esi\n"
	"   xor %edx, %edx\n"
	"   xor %r10d, %r10d\n"
	"rt14_insn:\n"
	"   syscall\n"
	"   mov %rdx, (%r8)\n"
	"   ret\n");

static int handler_mode;
static atomic_int a_tid, stop, forged_n, handled, armed_seen;
static int pipes, enosys, eintr, emfile, odd, bad, stolen, same;
static int base_top; /* our own descriptors: 0 .. base_top */
static int lim;      /* RLIMIT_NOFILE */

static void on_usr2(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)si;
	ucontext_t *uc = ctx;
	greg_t *g = uc->uc_mcontext.gregs;
	uintptr_t at = (uintptr_t)rt14_insn;
	atomic_fetch_add(&handled, 1);
	if (!handler_mode)
		return;
	/* Only a call not made yet, or broken and to be made again (the
	 * kernel has wound it back onto the instruction): after it (at + 2)
	 * it has answered, and a pipe made again would lose that one.  The
	 * private number there is a pipe the supervisor left armed. */
	if ((uintptr_t)g[REG_RIP] != at)
		return;
	if (g[REG_RAX] == PRIV)
		atomic_fetch_add(&armed_seen, 1);
	g[REG_RIP] = (greg_t)at;
	g[REG_RAX] = handler_mode == 1 ? PRIV : MINOS_SYS_PIPE;
	if (handler_mode == 1)
		atomic_fetch_add(&forged_n, 1);
}

/* The first few odd answers, on stderr. */
static void say_odd(const char *what, long r, long rdx)
{
	if (odd++ < 5)
		fprintf(stderr, "rt14: %s = %ld (rdx %ld)\n", what, r, rdx);
}

/* One call at rt14_insn, its answer sorted.  A forged private call's
 * answer comes back as the pipe's: ENOSYS there is forged, not counted. */
static void one_pipe(void)
{
	long rdx = -1;
	int f0 = atomic_load(&forged_n);
	long w = rt14_call(MINOS_SYS_PIPE, &rdx);
	int forged = atomic_load(&forged_n) != f0;
	if (w == -ENOSYS) {
		if (!forged)
			enosys++;
		return;
	}
	if (w == -EINTR) {
		eintr++;
		return;
	}
	if (w == -EMFILE) {
		emfile++;
		return;
	}
	if (w < 0) {
		say_odd("pipe", w, rdx);
		return;
	}
	if (forged) {
		/* A forged private call answered with a number: stolen, unless
		 * a later real pipe (the handler ran before the call) made it. */
		if (rdx < 0 || rdx == w || rdx > 65535) {
			stolen++;
			close((int)w);
			return;
		}
	}
	int r = (int)rdx;
	if (r == w) {
		/* One number for both ends: neither is closed (the number
		 * may be a sibling's by now). */
		if (same++ < 5)
			fprintf(stderr, "rt14: pipe %ld,%d: one number\n", w, r);
		return;
	}
	char b = 0, tag = 'p';
	if (r == w || r < 0 || minos_write((int)w, &tag, 1) != 1 ||
	    minos_read(&r, 1, &b, 1, NULL) != 1 || b != tag) {
		if (bad++ < 5)
			fprintf(stderr, "rt14: pipe %ld,%d: byte %d\n", w, r, b);
	}
	pipes++;
	minos_wclose((int)w);
	minos_rclose(r);
}

static int take_room; /* lone: the signaller takes a number as it signals */
static long kill_after; /* lonekill: SIGKILL as the K-th signal */

static atomic_long a_made; /* A's calls so far: the storm's pace */

/* One signal per call A makes, at most, from each signaller: every
 * signal is a round trip through the supervisor, so a storm paced by
 * time alone keeps A in its handler for ever on a quiet machine (RT10-3,
 * open) and the run never ends. */
static void *signaller(void *arg)
{
	(void)arg;
	pid_t pid = getpid();
	long seen = -1, sent = 0;
	for (long i = 0; !atomic_load(&stop) && i < 50000000; i++) {
		int fd = take_room ? eventfd(0, 0) : -1;
		long m = atomic_load(&a_made);
		if (m != seen) {
			seen = m;
			sent++;
			syscall(SYS_tgkill, pid, atomic_load(&a_tid),
				kill_after && sent == kill_after ? SIGKILL : SIGUSR2);
		}
		if (fd >= 0)
			close(fd);
		if (!(i & 7))
			sched_yield();
	}
	return NULL;
}

/* reuse: take lim-2 (A's rfd finds no room: its wfd goes alone to
 * lim-1), close whatever comes to lim-1 (the lone wfd, which we never
 * got), take lim-1 with an eventfd of ours, and see whether it stays. */
static atomic_int reused, lost;

static void *reuser(void *arg)
{
	(void)arg;
	for (long i = 0; !atomic_load(&stop) && i < 5000000; i++) {
		int e1 = eventfd(0, 0);
		if (e1 != lim - 2) {
			if (e1 >= 0)
				close(e1);
			sched_yield();
			continue;
		}
		int k;
		for (k = 0; k < 2000 && fcntl(lim - 1, F_GETFD) < 0; k++)
			sched_yield();
		if (k < 2000 && close(lim - 1) == 0) {
			int e2 = eventfd(0, 0);
			if (e2 == lim - 1) {
				atomic_fetch_add(&reused, 1);
				for (k = 0; k < 200; k++) {
					if (fcntl(e2, F_GETFD) < 0) {
						atomic_fetch_add(&lost, 1);
						break;
					}
					sched_yield();
				}
				if (k == 200)
					close(e2);
			} else if (e2 >= 0) {
				close(e2);
			}
		}
		close(e1);
	}
	return NULL;
}

static void *jumper(void *arg)
{
	(void)arg;
	sigset_t s;
	sigfillset(&s);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	for (long i = 0; !atomic_load(&stop) && i < 50000000; i++) {
		long rdx = -1;
		long r = rt14_call(PRIV, &rdx);
		if (r != -ENOSYS) {
			stolen++;
			if (r >= 0)
				close((int)r);
		}
	}
	return NULL;
}

/* The table two numbers short of full (lone). */
static void fill(void)
{
	for (int i = 0; i < lim; i++) {
		int fd = eventfd(0, 0);
		if (fd < 0)
			break;
		if (fd >= lim - 2) {
			close(fd);
			break;
		}
	}
}

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 4)
		return 2;
	const char *mode = argv[1];
	int n = atoi(argv[2]);
	handler_mode = argc == 4 ? atoi(argv[3]) : 0;
	if (strcmp(mode, "lonekill") == 0) {
		kill_after = handler_mode > 0 ? handler_mode : 1;
		handler_mode = 0;
	}
	struct rlimit rl;
	lim = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur <= 4096 ?
	      (int)rl.rlim_cur : 256;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr2;
	sa.sa_flags = SA_RESTART | SA_SIGINFO;
	sigaction(SIGUSR2, &sa, NULL);
	atomic_store(&a_tid, (int)syscall(SYS_gettid));
	base_top = 2;
	printf("rt14\n"); /* (started: for a checkpoint storm) */
	fflush(stdout);
	pthread_t th, th2, more[2];
	int two = 0;
	if (strcmp(mode, "sig") == 0 || strcmp(mode, "lone") == 0 ||
	    strcmp(mode, "jump") == 0 || strcmp(mode, "lonekill") == 0 ||
	    strcmp(mode, "reuse") == 0) {
		if (strncmp(mode, "lone", 4) == 0 || strcmp(mode, "reuse") == 0) {
			fill();
			take_room = 1;
			base_top = lim - 3 > 2 ? lim - 3 : 2;
		}
		if (strcmp(mode, "reuse") == 0)
			pthread_create(&th, NULL, reuser, NULL);
		else
			pthread_create(&th, NULL, signaller, NULL);
		if (strcmp(mode, "sig") == 0)
			for (int i = 0; i < 2; i++)
				pthread_create(&more[i], NULL, signaller, NULL);
		if (strcmp(mode, "jump") == 0) {
			pthread_create(&th2, NULL, jumper, NULL);
			two = 1;
		}
	} else {
		return 2;
	}
	for (int i = 0; i < n; i++) {
		one_pipe();
		atomic_fetch_add(&a_made, 1);
	}
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	if (two)
		pthread_join(th2, NULL);
	if (strcmp(mode, "sig") == 0)
		for (int i = 0; i < 2; i++)
			pthread_join(more[i], NULL);
	int leaked = 0;
	for (int fd = base_top + 1; fd < lim; fd++)
		if (fcntl(fd, F_GETFD) >= 0) {
			if (leaked++ < 5)
				fprintf(stderr, "rt14: fd %d open\n", fd);
		}
	fprintf(stderr, "rt14: handled %d, armed seen %d\n", atomic_load(&handled),
		atomic_load(&armed_seen));
	if (strcmp(mode, "reuse") == 0)
		printf("reuse: reused %d, lost %d\n", atomic_load(&reused),
		       atomic_load(&lost));
	printf("%s %d: pipes %d, enosys %d, eintr %d, emfile %d, odd %d, bad %d, "
	       "same %d, forged %d, stolen %d, leaked %d\n", mode, n, pipes,
	       enosys, eintr, emfile, odd, bad, same, atomic_load(&forged_n),
	       stolen, leaked);
	return 0;
}
