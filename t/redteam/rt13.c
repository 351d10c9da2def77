/* SPDX-License-Identifier: MIT */
/*
 * rt13 - red team 13 against the Minos pipe's arming (8425d52: an
 * interrupt that breaks an armed pipe disarms it before a pass borrows the
 * thread).  Every mode reads its own image from rfd 0 (`rt13 ... < rt13`).
 *
 * `rt13 mix T N SIG JUMP`: the parent P starts a child C and passes pipe
 * ends into it from 2 threads (each rfd holds one byte 'P', its wfd
 * closed), 48 after each of C's sweeps (its table stays below 256).  C
 * runs T threads, each making N Minos pipes through one syscall instruction of its own (rt13_call), checking every pipe
 * (two distinct numbers, a byte written to its wfd read back from its
 * rfd) and closing it.  Every 8 pipes all of them meet and C's main
 * thread sweeps its table: an rfd that holds 'P' is a pass received;
 * anything else open besides rfd 0 and wfd 1 is a leak.
 *   SIG 1: a thread of C sends the workers SIGUSR2, each at most one
 *          signal per pipe it makes; the handler makes a Minos pipe of
 *          its own (checked, closed), then calls the private install
 *          number from the same instruction; SA_RESTART.
 *   SIG 2: the same without SA_RESTART (a pipe's EINTR is counted apart).
 *   JUMP 1: a thread of C calls the private install number (0x44ff) from
 *          that same instruction all the time: it must be ENOSYS.
 * Prints "mix: enosys E, eintr I, errors X, bad B, leaked L, stolen S,
 * lost O, extra Y, passed some" (lost/extra: passes P made that C did
 * not find, or found more than once; "none" if no pass was made), after a
 * first line "mix".
 *
 * `rt13 kill R T`: R rounds; each starts a child whose T threads make and
 * close Minos pipes for ever, passes pipe ends into it, and ckills it after
 * a number of passes that varies with the round.  Prints "kill R: own O,
 * errors X" (O: P's descriptors above 2 open at the end; 2: none left).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "rt.h"

#define PRIV 0x44ff
#define MAXT 8
#define EVERY 8

/* One syscall instruction for the pipe and the private call alike:
 * rt13_call(nr, &rdx) -> rax, rdx out. */
long rt13_call(long nr, long *rdx);
__asm__(".text\n"
	".globl rt13_call\n"
	"rt13_call:\n"
	"   mov %rdi, %rax\n"
	"   mov %rsi, %r8\n"
	"   xor %edi, %edi\n"
	"   xor %esi, %esi\n"
	"   xor %edx, %edx\n"
	"   xor %r10d, %r10d\n"
	"   syscall\n"
	"   mov %rdx, (%r8)\n"
	"   ret\n");

struct cfg { char mode; int t, n, sig, jump; };

static struct cfg cfg;
static atomic_int enosys, eintr, errors, bad, leaked, stolen, received;
static atomic_int done, full;
static atomic_int tids[MAXT];
static atomic_int made[MAXT]; /* (main-line pipes per worker) */
static pthread_barrier_t meet;

static void error(const char *what, long r)
{
	if (atomic_fetch_add(&errors, 1) < 5)
		fprintf(stderr, "rt13: %s = %ld\n", what, r);
}

/* A private call of our own: anything but ENOSYS is an install we were
 * not armed for (closed). */
static void jump(void)
{
	long rdx = 0;
	long r = rt13_call(PRIV, &rdx);
	if (r == -ENOSYS || r == -EINTR)
		return;
	atomic_fetch_add(&stolen, 1);
	if (r >= 0)
		close((int)r);
}

/* One Minos pipe, checked and closed. */
static void one_pipe(char tag)
{
	long rdx = -1;
	long w = rt13_call(MINOS_SYS_PIPE, &rdx);
	if (w == -ENOSYS) {
		atomic_fetch_add(&enosys, 1);
		return;
	}
	if (w == -EINTR) {
		atomic_fetch_add(&eintr, 1);
		return;
	}
	if (w == -EMFILE) { /* (its table full of passes: documented) */
		atomic_fetch_add(&full, 1);
		return;
	}
	if (w < 0) {
		error("pipe", w);
		return;
	}
	int r = (int)rdx;
	char b = 0;
	if (r == w || r < 0 || minos_write((int)w, &tag, 1) != 1 ||
	    minos_read(&r, 1, &b, 1, NULL) != 1 || b != tag) {
		if (atomic_fetch_add(&bad, 1) < 5)
			fprintf(stderr, "rt13: pipe %ld,%d: byte %d\n", w, r, b);
	}
	minos_wclose((int)w);
	minos_rclose(r);
}

static void on_usr2(int sig)
{
	(void)sig;
	int e = errno;
	one_pipe('h');
	if (cfg.jump)
		jump();
	errno = e;
}

static void *worker(void *arg)
{
	int i = (int)(long)arg;
	sigset_t usr2;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	atomic_store(&tids[i], (int)syscall(SYS_gettid));
	for (int k = 1; k <= cfg.n; k++) {
		one_pipe((char)('a' + i));
		atomic_fetch_add(&made[i], 1);
		if (k % EVERY)
			continue;
		pthread_sigmask(SIG_BLOCK, &usr2, NULL);
		pthread_barrier_wait(&meet); /* the sweep */
		pthread_barrier_wait(&meet);
		pthread_sigmask(SIG_UNBLOCK, &usr2, NULL);
	}
	pthread_sigmask(SIG_BLOCK, &usr2, NULL); /* (all meet as often) */
	atomic_store(&tids[i], 0);
	return NULL;
}

/* The storm: a signal to each worker in turn, the next to the same worker
 * only once it has made a pipe of its own since, then 0 to 31 yields.
 * Its target's progress bounds it, not the machine's speed: every signal
 * is a round trip through the supervisor and its handler makes a pipe, so
 * a storm paced by time alone keeps the worker in its handler for ever on
 * a machine fast enough (RT10-3, open) and the run never ends. */
static void *signaller(void *arg)
{
	(void)arg;
	int pid = getpid(), seen[MAXT];
	unsigned seed = 13;
	for (int i = 0; i < MAXT; i++)
		seen[i] = -1;
	for (long i = 0; !atomic_load(&done) && i < 100000000; i++) {
		int w = (int)(i % cfg.t), t = atomic_load(&tids[w]);
		int m = atomic_load(&made[w]);
		if (t > 0 && m != seen[w]) {
			seen[w] = m;
			syscall(SYS_tgkill, pid, t, SIGUSR2);
		}
		seed = seed * 1103515245u + 12345u;
		for (unsigned k = (seed >> 16) % 32; k > 0; k--)
			sched_yield();
	}
	return NULL;
}

static void *jumper(void *arg)
{
	(void)arg;
	for (long i = 0; !atomic_load(&done) && i < 100000000; i++)
		jump();
	return NULL;
}

/* C's table, all of its threads met: passes counted and closed, anything
 * else open is a leak. */
static void sweep(void)
{
	for (int fd = 2; fd < 1024; fd++) {
		int fl = fcntl(fd, F_GETFL);
		if (fl < 0)
			continue;
		if ((fl & O_ACCMODE) != O_RDONLY) {
			if (atomic_fetch_add(&leaked, 1) < 5)
				fprintf(stderr, "rt13: wfd %d open\n", fd);
			minos_wclose(fd);
			continue;
		}
		char b = 0;
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
		long n = minos_read(&fd, 1, &b, 1, NULL);
		if (n == 1 && b == 'P') {
			atomic_fetch_add(&received, 1);
		} else if (atomic_fetch_add(&leaked, 1) < 5) {
			fprintf(stderr, "rt13: rfd %d open: %ld %d\n", fd, n, b);
		}
		minos_rclose(fd);
	}
}

static void child_mix(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2;
	sa.sa_flags = cfg.sig == 2 ? 0 : SA_RESTART;
	sigaction(SIGUSR2, &sa, NULL);
	sigset_t usr2;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &usr2, NULL); /* (the workers' only) */
	pthread_barrier_init(&meet, NULL, (unsigned)cfg.t + 1);
	pthread_t th[MAXT], sg, jp;
	for (int i = 0; i < cfg.t; i++)
		pthread_create(&th[i], NULL, worker, (void *)(long)i);
	if (cfg.sig)
		pthread_create(&sg, NULL, signaller, NULL);
	minos_write(1, "m", 1); /* (passes come in batches: --fds) */
	for (int k = EVERY; k <= cfg.n; k += EVERY) {
		pthread_barrier_wait(&meet);
		sweep();
		pthread_barrier_wait(&meet);
		minos_write(1, "m", 1);
	}
	for (int i = 0; i < cfg.t; i++)
		pthread_join(th[i], NULL);
	atomic_store(&done, 1);
	if (cfg.sig)
		pthread_join(sg, NULL);
	/* The jumper runs alone at the end: its stolen numbers would be
	 * taken by a sweep otherwise. */
	if (cfg.jump) {
		atomic_store(&done, 0);
		pthread_create(&jp, NULL, jumper, NULL);
		for (int i = 0; i < 4 * cfg.n; i++)
			one_pipe('z');
		atomic_store(&done, 1);
		pthread_join(jp, NULL);
	}
	int res[6] = { atomic_load(&enosys), atomic_load(&eintr),
		       atomic_load(&errors), atomic_load(&bad),
		       atomic_load(&leaked), atomic_load(&stolen) };
	minos_write(1, "r", 1);
	minos_write(1, res, sizeof(res));
	/* The final sweep once P's passers are done ('f'). */
	char b;
	int zero = 0;
	if (minos_read(&zero, 1, &b, 1, NULL) != 1)
		return;
	sweep();
	res[0] = atomic_load(&received);
	res[1] = atomic_load(&leaked);
	minos_write(1, res, 2 * sizeof(int));
}

static void *forever(void *arg)
{
	(void)arg;
	for (;;)
		one_pipe('k');
	return NULL;
}

static void child_kill(void)
{
	pthread_t th;
	for (int i = 1; i < cfg.t; i++)
		pthread_create(&th, NULL, forever, NULL);
	forever(NULL);
}

static bool read_all(int rfd, void *p, size_t len)
{
	for (size_t off = 0; off < len;) {
		long n = minos_read(&rfd, 1, (char *)p + off, len - off, NULL);
		if (n <= 0)
			return false;
		off += (size_t)n;
	}
	return true;
}

static int child(void)
{
	int zero = 0;
	if (!read_all(zero, &cfg, sizeof(cfg)))
		return 1;
	if (cfg.t < 1 || cfg.t > MAXT)
		return 1;
	if (cfg.mode == 'm')
		child_mix();
	else
		child_kill();
	return 0;
}

static int cid;
static atomic_int passed, stop_pass, pass_errors;
static int tok_w = -1, tok_r = -1; /* a token a pass (mix), -1: no tokens */
#define BATCH 48

/* Pipe ends into the child, each holding 'P', until stop_pass (or max). */
static void *passer(void *arg)
{
	long max = (long)arg;
	for (long i = 0; !atomic_load(&stop_pass) && i < max; i++) {
		int w, r;
		char tok;
		if (tok_r >= 0 && minos_read(&tok_r, 1, &tok, 1, NULL) != 1)
			break;
		if (minos_pipe(&w, &r) < 0)
			continue;
		if (minos_write(w, "P", 1) != 1)
			error("write", -1);
		minos_wclose(w);
		long e = minos_rpass(r, cid);
		if (e >= 0) {
			atomic_fetch_add(&passed, 1);
			continue;
		}
		minos_rclose(r);
		if (e == -ESRCH)
			break; /* (kill: ckilled) */
		if (e == -EMFILE)
			atomic_fetch_add(&full, 1);
		else if (e != -EAGAIN && atomic_fetch_add(&pass_errors, 1) < 5)
			fprintf(stderr, "rt13: rpass = %ld\n", e);
	}
	return NULL;
}

static int own(void)
{
	int n = 0;
	for (int fd = 3; fd < 256; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

static int start(struct cfg *c, int *cw, int *rr)
{
	int rw, cr;
	if (minos_pipe(cw, &cr) < 0 || minos_pipe(&rw, rr) < 0)
		return -1;
	int list[3] = { cr, -1, rw }; /* rfd 0, wfd 1 */
	long k = rt_spawn_self(list, 1, 2);
	if (k < 0) {
		fprintf(stderr, "rt13: cnew = %ld\n", k);
		return -1;
	}
	cid = (int)k;
	if (minos_write(*cw, c, sizeof(*c)) != (long)sizeof(*c))
		return -1;
	return 0;
}

static int mix(struct cfg *c)
{
	int cw, rr;
	printf("mix\n"); /* (a storm's checkpoints start now) */
	fflush(stdout);
	if (start(c, &cw, &rr) < 0)
		return 1;
	if (minos_pipe(&tok_w, &tok_r) < 0)
		return 1;
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, passer, (void *)100000000L);
	int res[6] = { -1, -1, -1, -1, -1, -1 }, fin[2] = { -1, -1 };
	char b = 0;
	static const char batch[BATCH] = { 0 };
	while (read_all(rr, &b, 1) && b == 'm')
		minos_write(tok_w, batch, BATCH);
	bool ok = b == 'r' && read_all(rr, res, sizeof(res));
	minos_wclose(tok_w); /* the passers end */
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	minos_rclose(tok_r);
	if (ok)
		ok = minos_write(cw, "f", 1) == 1 && read_all(rr, fin, sizeof(fin));
	if (!ok)
		fprintf(stderr, "rt13: no answer from the child\n");
	int p = atomic_load(&passed);
	printf("mix: enosys %d, eintr %d, errors %d, bad %d, leaked %d, stolen %d, "
	       "lost %d, extra %d, passed %s\n", res[0], res[1],
	       res[2] + atomic_load(&errors) + atomic_load(&pass_errors), res[3],
	       res[4] + fin[1], res[5], fin[0] < p ? p - fin[0] : 0,
	       fin[0] > p ? fin[0] - p : 0, p > 0 ? "some" : "none");
	fflush(stdout);
	minos_wclose(cw);
	minos_rclose(rr);
	return 0;
}

static int kill_rounds(int rounds, int t)
{
	int base = own();
	for (int r = 0; r < rounds; r++) {
		struct cfg c = { 'k', t, 0, 0, 0 };
		int cw, rr;
		if (start(&c, &cw, &rr) < 0)
			return 1;
		atomic_store(&stop_pass, 0);
		pthread_t th;
		pthread_create(&th, NULL, passer, (void *)(long)(1 + r % 13));
		pthread_join(th, NULL);
		long e = minos_ckill(cid);
		if (e != 0)
			error("ckill", e);
		char b;
		if (minos_read(&rr, 1, &b, 1, NULL) != 0) /* its end */
			error("child's wfd", -1);
		minos_wclose(cw);
		minos_rclose(rr);
	}
	printf("kill %d: own %d, errors %d\n", rounds, own() - base,
	       atomic_load(&errors) + atomic_load(&pass_errors));
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 0)
		return child();
	if (rt_read_self() < 0)
		return 2;
	if (argc == 6 && strcmp(argv[1], "mix") == 0) {
		struct cfg c = { 'm', atoi(argv[2]), atoi(argv[3]), atoi(argv[4]),
				 atoi(argv[5]) };
		if (c.t < 1 || c.t > MAXT || c.n < 0)
			return 2;
		return mix(&c);
	}
	if (argc == 4 && strcmp(argv[1], "kill") == 0 && atoi(argv[3]) >= 1 &&
	    atoi(argv[3]) <= MAXT)
		return kill_rounds(atoi(argv[2]), atoi(argv[3]));
	fprintf(stderr, "usage: rt13 mix T N SIG JUMP | kill R T  < rt13\n");
	return 2;
}
