/* SPDX-License-Identifier: MIT */
/*
 * rt8 - red team 8's hostile guest (t/956-redteam8.bats): a cnew wound
 * back by a checkpoint, and a tree whose first container has ended.
 *
 *   rt8 sigswap   a cnew (flat) from pipe P1 at rfd A; a second thread
 *                 writes 68 KiB of int3 to P1 (more than it holds: the
 *                 supervisor has read part of it), sends the cnew's
 *                 thread SIGUSR2 (pending while it waits), says "sigswap
 *                 ready" on stderr, waits for a line of stdin and ends
 *                 P1.  The handler (run once a checkpoint winds the cnew
 *                 back) closes A, makes a new pipe P2 whose read end is
 *                 A, writes a whole flat child to P2 (it says "child
 *                 says hi" on its fd 1, a pipe to us) and cnews it from
 *                 A: "handler cnew: CID", and lets the second thread end
 *                 P1 (a byte on a gate pipe).  Then "cnew: R" for the first
 *                 cnew made again, what the children said; exit 0.
 *   rt8 swapwait  as sigswap, but the handler, once P2 is at A, says
 *                 "swapped" on stderr and waits for a line of stdin
 *                 before its cnew (the second thread reads no stdin).
 *   rt8 twocode   as sigswap, but the handler's cnew is from a second
 *                 pipe P2 at a new number (the child's fd 1 another pipe
 *                 to us), which the second thread
 *                 fills with 68 KiB of the flat child ("twocode again"
 *                 on stderr) and ends after a second line of stdin; P1
 *                 gets the rest of its child and ends after the first.
 *   rt8 root SIG  cnew a flat child that sleeps, "root ready", then end
 *                 by SIG: "kill" (tgkill SIGKILL), "segv" (a fault),
 *                 "abrt" (raise SIGABRT), a number (exit with it).
 *   rt8 slow N    a cnew (flat) from a pipe that a second thread fills
 *                 in N chunks of 16 KiB, saying "chunk I" on stderr and
 *                 waiting for a line of stdin before each; the child
 *                 writes its whole image to its fd 1 (a pipe to us), we
 *                 compare: "cnew: CID", "image ok" (or where it
 *                 differs); exit 0.
 *   rt8 writer   the code stream's writer is a child container: a flat
 *                 child C1 writes the first 68 KiB of an 80 KiB image
 *                 (a flat child that writes its own image to its fd 1)
 *                 to our code pipe, reads a byte of its fd 0 (a gate
 *                 from us), writes the rest and ends.  We cnew from the
 *                 pipe; a second thread says "writer ready" on stderr,
 *                 waits for a line of stdin, opens the gate.  Then
 *                 "cnew: CID", "image ok" (or where it differs); exit 0.
 *   rt8 stdincode  "stdincode ready" on stderr, then a cnew (flat) from
 *                 rfd 0, our standard input: "cnew: CID"; exit 0.
 *   rt8 cnewloop T  T threads that each make a pipe and a cnew from it
 *                 with a bad arch (EINVAL: the code rfd is still closed
 *                 by the supervisor) in a tight loop; "cnewloop ready"
 *                 on stderr once all run, then for ever.
 *   rt8 victim K N  K children (flat) that make Minos calls in a tight
 *                 loop; then N Minos calls of ours (a byte written to a
 *                 pipe and read back), "victim done N", ckill of every
 *                 child; exit 0.
 *   rt8 multi    4 threads, each in a cnew (flat) from a pipe of its own;
 *                 a fifth writes the first 68 KiB of an 80 KiB image (a
 *                 flat child that writes its own image to its fd 1) to
 *                 each, says "multi ready" on stderr, waits for a line
 *                 of stdin and writes the rest.  Each thread reads what
 *                 its child wrote: "thread I: cnew CID, image ok" (or
 *                 "differs"), in any order; exit 0.
 *   rt8 storm T K K children (flat) that make Minos calls (an rclose of
 *                 -1) in a tight loop, T threads of ours that do the
 *                 same, one more that sends them SIGUSR2 (a handler) in
 *                 a tight loop; "storm ready" on stderr, then for ever.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "minos.h"

static void put(int fd, const void *p, size_t n)
{
	const char *s = p;
	while (n > 0) {
		long w = minos_write(fd, s, n);
		if (w <= 0)
			_exit(120);
		s += w;
		n -= (size_t)w;
	}
}

static void say(int fd, const char *s)
{
	put(fd, s, strlen(s));
}

static void line(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	while (n + 1 < cap) {
		if (read(fd, buf + n, 1) != 1)
			break;
		if (buf[n++] == '\n')
			break;
	}
	buf[n] = 0;
}

/* A flat child: write(1, msg, 14); exit(0); msg. */
static const unsigned char hi[] = {
	0x48, 0x8d, 0x35, 0x1a, 0, 0, 0,      /* lea rsi, [rip + 26] */
	0xbf, 1, 0, 0, 0,                     /* mov edi, 1 */
	0xba, 14, 0, 0, 0,                    /* mov edx, 14 */
	0xb8, 1, 0, 0, 0,                     /* mov eax, 1 (write) */
	0x0f, 0x05,                           /* syscall */
	0x31, 0xff,                           /* xor edi, edi */
	0xb8, 60, 0, 0, 0,                    /* mov eax, 60 (exit) */
	0x0f, 0x05,                           /* syscall */
	'c', 'h', 'i', 'l', 'd', ' ', 's', 'a', 'y', 's', ' ', 'h', 'i', '\n',
};

/* A flat child that sleeps 100 s at a time for ever. */
static const unsigned char sleeper[] = {
	0xb8, 0x23, 0, 0, 0, 0x48, 0x8d, 0x3d, 6, 0, 0, 0, 0x31, 0xf6, 0x0f, 0x05,
	0xeb, 0xee, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

#define FIRST (68 * 1024)
#define WHOLE (80 * 1024)
static unsigned char image[WHOLE];  /* the flat child, then zeros */
static unsigned char traps[FIRST];  /* int3 */
static unsigned char writer_img[72 + WHOLE]; /* rt8 writer's C1 */
static volatile int nstarted;
static int bw2 = -1, br2 = -1, gw = -1, gr = -1, spare = -1, A = -1, w1 = -1, bw = -1, br = -1, w2 = -1, r2 = -1;
static pid_t main_tid;
static int twocode, swapwait;
static char msgbuf[128];

static void on_usr2(int sig)
{
	(void)sig;
	if (twocode) {
		long cid = minos_cnew(r2, (int[]){ -1, bw2 }, 0, 2,
				      MINOS_ARCH_X86_64_FLAT);
		snprintf(msgbuf, sizeof(msgbuf), "handler cnew: %ld\n", cid);
		say(1, msgbuf);
		return;
	}
	int nk = 0, w = -1, r = -1;
	/* A pipe's wfd takes the lowest free number, its rfd the next:
	 * free one below A first. */
	if (minos_wclose(spare) < 0 || minos_rclose(A) < 0)
		say(1, "handler: close failed\n");
	while (nk++ < 4 && minos_pipe(&w, &r) == 0 && r != A)
		continue;
	if (r != A) {
		snprintf(msgbuf, sizeof(msgbuf), "handler: no pipe at A=%d (%d %d)\n",
			 A, w, r);
		say(1, msgbuf);
		put(gw, "g", 1);
		return;
	}
	put(w, image, 4096);
	minos_wclose(w);
	if (swapwait) {
		char in[64];
		say(2, "swapped\n");
		line(0, in, sizeof(in));
	}
	long cid = minos_cnew(A, (int[]){ -1, bw }, 0, 2, MINOS_ARCH_X86_64_FLAT);
	snprintf(msgbuf, sizeof(msgbuf), "handler cnew: %ld\n", cid);
	say(1, msgbuf);
	put(gw, "g", 1);
}

static void *feed(void *arg)
{
	char in[64];
	(void)arg;
	if (twocode) {
		put(w1, image, FIRST);
		syscall(SYS_tgkill, getpid(), main_tid, SIGUSR2);
		say(2, "twocode ready\n");
		put(w2, image, FIRST);
		say(2, "twocode again\n");
		line(0, in, sizeof(in));
		put(w1, image + FIRST, WHOLE - FIRST);
		minos_wclose(w1);
		line(0, in, sizeof(in));
		put(w2, image + FIRST, WHOLE - FIRST);
		minos_wclose(w2);
		return NULL;
	}
	put(w1, traps, FIRST);
	syscall(SYS_tgkill, getpid(), main_tid, SIGUSR2);
	say(2, "sigswap ready\n");
	if (!swapwait)
		line(0, in, sizeof(in));
	minos_read(&gr, 1, in, 1, NULL); /* the handler is done */
	minos_wclose(w1);
	return NULL;
}

static int swap(void)
{
	pthread_t th;
	char buf[4096];
	long n;
	memcpy(image, hi, sizeof(hi));
	memset(traps, 0xcc, sizeof(traps));
	main_tid = (pid_t)syscall(SYS_gettid);
	struct sigaction sa = { .sa_handler = on_usr2 };
	sigaction(SIGUSR2, &sa, NULL);
	int sr;
	if (minos_pipe(&gw, &gr) < 0 || minos_pipe(&spare, &sr) < 0 || minos_pipe(&w1, &A) < 0 || minos_pipe(&bw, &br) < 0 ||
	    (twocode && (minos_pipe(&w2, &r2) < 0 || minos_pipe(&bw2, &br2) < 0)) ||
	    pthread_create(&th, NULL, feed, NULL) != 0)
		return 124;
	long cid = minos_cnew(A, (int[]){ -1, bw }, 0, 2, MINOS_ARCH_X86_64_FLAT);
	snprintf(buf, sizeof(buf), "cnew: %ld\n", cid);
	say(1, buf);
	pthread_join(th, NULL);
	minos_wclose(bw);
	while ((n = minos_read(&br, 1, buf, sizeof(buf), NULL)) > 0)
		put(1, buf, (size_t)n);
	while (twocode && (n = minos_read(&br2, 1, buf, sizeof(buf), NULL)) > 0)
		put(1, buf, (size_t)n);
	return 0;
}

/* A flat child: write(1, its own image, len); exit(0). */
static const unsigned char echo_self[] = {
	0x48, 0x8d, 0x35, 0xf9, 0xff, 0xff, 0xff, /* lea rsi, [rip - 7] */
	0xbf, 1, 0, 0, 0,                     /* mov edi, 1 */
	0xba, 0, 0, 0, 0,                     /* mov edx, len (patched) */
	0xb8, 1, 0, 0, 0,                     /* mov eax, 1 (write) */
	0x0f, 0x05,                           /* syscall */
	0x31, 0xff,                           /* xor edi, edi */
	0xb8, 60, 0, 0, 0,                    /* mov eax, 60 (exit) */
	0x0f, 0x05,                           /* syscall */
};

#define CHUNK (16 * 1024)
static unsigned char *slow_image;
static size_t slow_len;
static unsigned char *slow_back;

static void *slow_feed(void *arg)
{
	char in[64];
	(void)arg;
	for (size_t off = 0, i = 1; off < slow_len; off += CHUNK, i++) {
		snprintf(in, sizeof(in), "chunk %zu\n", i);
		say(2, in);
		line(0, in, sizeof(in));
		put(w1, slow_image + off, CHUNK);
	}
	minos_wclose(w1);
	return NULL;
}

static void *writer_feed(void *arg)
{
	(void)arg;
	put(w1, writer_img, sizeof(writer_img));
	minos_wclose(w1);
	return NULL;
}

static void *slow_drain(void *arg)
{
	size_t n = 0;
	long r;
	(void)arg;
	while (n < slow_len &&
	       (r = minos_read(&br, 1, slow_back + n, slow_len - n, NULL)) > 0)
		n += (size_t)r;
	return (void *)n;
}

static int slow(int chunks)
{
	pthread_t th, dr;
	void *got;
	char buf[96];
	if (chunks < 1 || chunks > 256)
		return 124;
	slow_len = (size_t)chunks * CHUNK;
	slow_image = malloc(slow_len);
	slow_back = malloc(slow_len);
	if (!slow_image || !slow_back)
		return 124;
	for (size_t i = 0; i < slow_len; i++)
		slow_image[i] = (unsigned char)(i * 131 + i / 251);
	memcpy(slow_image, echo_self, sizeof(echo_self));
	uint32_t len = (uint32_t)slow_len;
	memcpy(slow_image + 13, &len, 4);
	if (minos_pipe(&w1, &A) < 0 || minos_pipe(&bw, &br) < 0 ||
	    pthread_create(&th, NULL, slow_feed, NULL) != 0 ||
	    pthread_create(&dr, NULL, slow_drain, NULL) != 0)
		return 124;
	long cid = minos_cnew(A, (int[]){ -1, bw }, 0, 2, MINOS_ARCH_X86_64_FLAT);
	snprintf(buf, sizeof(buf), "cnew: %ld\n", cid);
	say(1, buf);
	pthread_join(th, NULL);
	minos_wclose(bw);
	pthread_join(dr, &got);
	size_t n = (size_t)got, at = 0;
	while (at < n && slow_back[at] == slow_image[at])
		at++;
	if (n == slow_len && at == n)
		snprintf(buf, sizeof(buf), "image ok\n");
	else
		snprintf(buf, sizeof(buf), "image differs at %zu (%zu bytes of %zu)\n",
			 at, n, slow_len);
	say(1, buf);
	return 0;
}

/* A flat writer: write(1, payload, FIRST); read(0, sp, 1);
 * write(1, payload + FIRST, WHOLE - FIRST); exit(0); payload at 72. */
static const unsigned char writer_code[] = {
	0x48, 0x8d, 0x35, 65, 0, 0, 0,        /* lea rsi, [rip + 65] (72) */
	0xbf, 1, 0, 0, 0,                     /* mov edi, 1 */
	0xba, 0, 0, 0, 0,                     /* mov edx, FIRST (patched) */
	0xb8, 1, 0, 0, 0,                     /* mov eax, 1 (write) */
	0x0f, 0x05,                           /* syscall */
	0x31, 0xff,                           /* xor edi, edi */
	0x48, 0x89, 0xe6,                     /* mov rsi, rsp */
	0xba, 1, 0, 0, 0,                     /* mov edx, 1 */
	0x31, 0xc0,                           /* xor eax, eax (read) */
	0x0f, 0x05,                           /* syscall */
	0x48, 0x8d, 0x35, 0, 0, 0, 0,         /* lea rsi, [rip + FIRST + 27]
					       * (patched) */
	0xbf, 1, 0, 0, 0,                     /* mov edi, 1 */
	0xba, 0, 0, 0, 0,                     /* mov edx, WHOLE - FIRST (patched) */
	0xb8, 1, 0, 0, 0,                     /* mov eax, 1 (write) */
	0x0f, 0x05,                           /* syscall */
	0x31, 0xff,                           /* xor edi, edi */
	0xb8, 60, 0, 0, 0,                    /* mov eax, 60 (exit) */
	0x0f, 0x05,                           /* syscall */
};

static void *gate_feed(void *arg)
{
	char in[64];
	(void)arg;
	say(2, "writer ready\n");
	line(0, in, sizeof(in));
	put(gw, "g", 1);
	return NULL;
}

static int writer(void)
{
	pthread_t th, dr;
	void *got;
	char buf[96];
	uint32_t v;
	slow_len = WHOLE;
	slow_image = image;
	slow_back = malloc(slow_len);
	if (!slow_back)
		return 124;
	for (size_t i = 0; i < slow_len; i++)
		image[i] = (unsigned char)(i * 131 + i / 251);
	memcpy(image, echo_self, sizeof(echo_self));
	v = WHOLE;
	memcpy(image + 13, &v, 4);
	memcpy(writer_img, writer_code, sizeof(writer_code));
	v = FIRST;
	memcpy(writer_img + 13, &v, 4);
	v = FIRST + 72 - 45;
	memcpy(writer_img + 41, &v, 4);
	v = WHOLE - FIRST;
	memcpy(writer_img + 51, &v, 4);
	memcpy(writer_img + 72, image, WHOLE);
	int cw, cr, gr, iw, ir;
	if (minos_pipe(&cw, &cr) < 0 || minos_pipe(&gw, &gr) < 0 ||
	    minos_pipe(&iw, &ir) < 0 || minos_pipe(&bw, &br) < 0)
		return 124;
	/* C1's image through a pipe of its own, fed by a thread (it is more
	 * than a pipe holds). */
	w1 = iw;
	pthread_t fe;
	if (pthread_create(&fe, NULL, writer_feed, NULL) != 0)
		return 124;
	long c1 = minos_cnew(ir, (int[]){ gr, -1, cw }, 1, 2, MINOS_ARCH_X86_64_FLAT);
	pthread_join(fe, NULL);
	if (c1 <= 0)
		return 124;
	if (pthread_create(&th, NULL, gate_feed, NULL) != 0 ||
	    pthread_create(&dr, NULL, slow_drain, NULL) != 0)
		return 124;
	long cid = minos_cnew(cr, (int[]){ -1, bw }, 0, 2, MINOS_ARCH_X86_64_FLAT);
	snprintf(buf, sizeof(buf), "cnew: %ld\n", cid);
	say(1, buf);
	pthread_join(th, NULL);
	minos_wclose(bw);
	pthread_join(dr, &got);
	size_t n = (size_t)got, at = 0;
	while (at < n && slow_back[at] == slow_image[at])
		at++;
	if (n == slow_len && at == n)
		snprintf(buf, sizeof(buf), "image ok\n");
	else
		snprintf(buf, sizeof(buf), "image differs at %zu (%zu bytes of %zu)\n",
			 at, n, slow_len);
	say(1, buf);
	return 0;
}

static void *cnew_spin(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&nstarted, 1, __ATOMIC_SEQ_CST);
	for (;;) {
		int w, r;
		if (minos_pipe(&w, &r) < 0)
			continue;
		minos_cnew(r, NULL, 0, 0, 99);
		minos_wclose(w);
	}
	return NULL;
}

static int cnewloop(int nt)
{
	pthread_t th;
	for (int i = 0; i < nt; i++)
		if (pthread_create(&th, NULL, cnew_spin, NULL) != 0)
			return 124;
	while (__atomic_load_n(&nstarted, __ATOMIC_SEQ_CST) < nt)
		sched_yield();
	say(2, "cnewloop ready\n");
	for (;;)
		pause();
}

static int root(const char *how)
{
	static int *volatile bad;
	int w, r;
	if (minos_pipe(&w, &r) < 0 || minos_write(w, sleeper, sizeof(sleeper)) < 0 ||
	    minos_wclose(w) < 0)
		return 124;
	long cid = minos_cnew(r, NULL, 0, 0, MINOS_ARCH_X86_64_FLAT);
	if (cid <= 0)
		return 124;
	say(2, "root ready\n");
	if (strcmp(how, "kill") == 0)
		syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGKILL);
	if (strcmp(how, "segv") == 0)
		*bad = 1;
	if (strcmp(how, "abrt") == 0)
		raise(SIGABRT);
	return atoi(how);
}

/* A flat child: for (;;) rclose(-1). */
static const unsigned char spinner[] = {
	0xb8, 0x07, 0x44, 0, 0,               /* mov eax, 0x4407 (rclose) */
	0xbf, 0xff, 0xff, 0xff, 0xff,         /* mov edi, -1 */
	0x0f, 0x05,                           /* syscall */
	0xeb, 0xf2,                           /* jmp 0 */
};

static pid_t tids[64];
static int ntids;

static void on_usr2_storm(int sig)
{
	(void)sig;
	minos_rclose(-1);
}

static void *spin(void *arg)
{
	tids[(long)arg] = (pid_t)syscall(SYS_gettid);
	__atomic_add_fetch(&nstarted, 1, __ATOMIC_SEQ_CST);
	for (;;)
		minos_rclose(-1);
	return NULL;
}

static void *pester(void *arg)
{
	(void)arg;
	for (unsigned i = 0;; i++)
		syscall(SYS_tgkill, getpid(), tids[i % (unsigned)ntids], SIGUSR2);
	return NULL;
}

static int storm(int nt, int nk)
{
	pthread_t th;
	struct sigaction sa = { .sa_handler = on_usr2_storm };
	sigaction(SIGUSR2, &sa, NULL);
	for (int k = 0; k < nk; k++) {
		int w, r;
		if (minos_pipe(&w, &r) < 0 || minos_write(w, spinner, sizeof(spinner)) < 0 ||
		    minos_wclose(w) < 0 ||
		    minos_cnew(r, NULL, 0, 0, MINOS_ARCH_X86_64_FLAT) <= 0)
			return 124;
	}
	if (nt < 1 || nt > 64)
		return 124;
	ntids = nt;
	for (long i = 0; i < nt; i++)
		if (pthread_create(&th, NULL, spin, (void *)i) != 0)
			return 124;
	while (__atomic_load_n(&nstarted, __ATOMIC_SEQ_CST) < nt)
		sched_yield();
	if (pthread_create(&th, NULL, pester, NULL) != 0)
		return 124;
	say(2, "storm ready\n");
	for (;;)
		minos_rclose(-1);
}

static int victim(int nk, long n)
{
	int w, r;
	char b = 'v', buf[64];
	for (int k = 0; k < nk; k++) {
		if (minos_pipe(&w, &r) < 0 || minos_write(w, spinner, sizeof(spinner)) < 0 ||
		    minos_wclose(w) < 0 ||
		    minos_cnew(r, NULL, 0, 0, MINOS_ARCH_X86_64_FLAT) <= 0)
			return 124;
	}
	if (minos_pipe(&w, &r) < 0)
		return 124;
	long i;
	for (i = 0; i < n; i++)
		if (minos_write(w, &b, 1) != 1 || minos_read(&r, 1, &b, 1, NULL) != 1)
			break;
	snprintf(buf, sizeof(buf), "victim done %ld\n", i);
	say(1, buf);
	for (int k = 1; k <= nk; k++)
		minos_ckill(k);
	return 0;
}

#define MT 4
static int mw[MT], mr[MT], mbw[MT], mbr[MT];

static void *multi_one(void *arg)
{
	long i = (long)arg;
	char buf[96];
	static unsigned char back[MT][WHOLE];
	long cid = minos_cnew(mr[i], (int[]){ -1, mbw[i] }, 0, 2, MINOS_ARCH_X86_64_FLAT);
	size_t n = 0;
	long got;
	while (cid > 0 && n < WHOLE &&
	       (got = minos_read(&mbr[i], 1, back[i] + n, WHOLE - n, NULL)) > 0)
		n += (size_t)got;
	snprintf(buf, sizeof(buf), "thread %ld: cnew %ld, image %s\n", i, cid,
		 n == WHOLE && memcmp(back[i], image, WHOLE) == 0 ? "ok" : "differs");
	say(1, buf);
	return NULL;
}

static int multi(void)
{
	pthread_t th[MT];
	char in[64];
	for (size_t i = 0; i < WHOLE; i++)
		image[i] = (unsigned char)(i * 131 + i / 251);
	memcpy(image, echo_self, sizeof(echo_self));
	uint32_t v = WHOLE;
	memcpy(image + 13, &v, 4);
	for (long i = 0; i < MT; i++)
		if (minos_pipe(&mw[i], &mr[i]) < 0 || minos_pipe(&mbw[i], &mbr[i]) < 0 ||
		    pthread_create(&th[i], NULL, multi_one, (void *)i) != 0)
			return 124;
	for (int i = 0; i < MT; i++)
		put(mw[i], image, FIRST);
	say(2, "multi ready\n");
	line(0, in, sizeof(in));
	for (int i = 0; i < MT; i++) {
		put(mw[i], image + FIRST, WHOLE - FIRST);
		minos_wclose(mw[i]);
	}
	for (int i = 0; i < MT; i++)
		pthread_join(th[i], NULL);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "multi") == 0)
		return multi();
	if (argc > 3 && strcmp(argv[1], "victim") == 0)
		return victim(atoi(argv[2]), atol(argv[3]));
	if (argc > 1 && strcmp(argv[1], "stdincode") == 0) {
		char buf[64];
		say(2, "stdincode ready\n");
		long cid = minos_cnew(0, NULL, 0, 0, MINOS_ARCH_X86_64_FLAT);
		snprintf(buf, sizeof(buf), "cnew: %ld\n", cid);
		say(1, buf);
		return 0;
	}
	if (argc > 2 && strcmp(argv[1], "cnewloop") == 0)
		return cnewloop(atoi(argv[2]));
	if (argc > 1 && strcmp(argv[1], "writer") == 0)
		return writer();
	if (argc > 2 && strcmp(argv[1], "slow") == 0)
		return slow(atoi(argv[2]));
	if (argc > 3 && strcmp(argv[1], "storm") == 0)
		return storm(atoi(argv[2]), atoi(argv[3]));
	if (argc > 1 && strcmp(argv[1], "sigswap") == 0)
		return swap();
	if (argc > 1 && strcmp(argv[1], "swapwait") == 0) {
		swapwait = 1;
		return swap();
	}
	if (argc > 1 && strcmp(argv[1], "twocode") == 0) {
		twocode = 1;
		return swap();
	}
	if (argc > 2 && strcmp(argv[1], "root") == 0)
		return root(argv[2]);
	return 125;
}
