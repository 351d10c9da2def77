/* SPDX-License-Identifier: MIT */
/*
 * storm - a hostile container for soak tests: several threads and children
 * issue random Linux calls with random arguments and random Minos calls
 * (read/write/pipe/cnew/wpass/rpass/ckill/close on random numbers, passing
 * its own descriptors around).  Everything follows from one seed, logged
 * first on stderr ("storm: seed N"), so a run replays.  The supervisor must
 * survive whatever this does; what the calls return does not matter.
 *
 *	minos-exec [--wall-time=T] storm SEED [ITERATIONS [THREADS]] < storm
 *
 * rfd 0 is this program's own image: it is read into memory at once and
 * fed to children (cnew of an ELF child through a pipe).  A child (argc 0)
 * reads its seed and depth from its rfd 0 and storms on at depth + 1; at
 * MAX_DEPTH it makes no more ELF children.  The first container ends with
 * exit status 0 after ckilling its children, unless a random call killed
 * it first (a signal it sent itself, a fault): both are fine for a driver.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include <minos.h>

#define MAX_DEPTH 2
#define MAX_THREADS 8
#define IMAGE_MAX (4u << 20)

static unsigned char *image;  /* our own ELF image, from rfd 0 */
static size_t image_len;
static int depth;
static long iterations = 300;
static int nthreads = 3;

/* xorshift64*, one state per thread */
static uint64_t rnd(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static unsigned below(uint64_t *s, unsigned n)
{
	return (unsigned)(rnd(s) % n);
}

/* a place random calls may write into without breaking this program */
static __thread unsigned char scratch[8192] __attribute__((aligned(64)));

/* numbers this thread has seen its pipes get: likely open, so that calls
 * on them do more than answer EBADF */
static __thread int known[32];
static __thread unsigned nknown;

static void learn(int fd)
{
	known[nknown++ % 32] = fd;
}

/* a descriptor-ish number: mostly small or known, sometimes anything */
static long rnd_fd(uint64_t *s)
{
	if (nknown && below(s, 5) < 2)
		return known[below(s, nknown < 32 ? nknown : 32)];
	switch (below(s, 8)) {
	case 0: return -1;
	case 1: return (long)(int)rnd(s);
	case 2: return 64 + below(s, 1024);
	default: return below(s, 24);
	}
}

/* a random argument: numbers, sizes, pointers into scratch, bad pointers */
static unsigned long rnd_arg(uint64_t *s)
{
	switch (below(s, 12)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return (unsigned long)-1;
	case 3: return below(s, 64);
	case 4: return rnd(s);
	case 5: return (unsigned long)(scratch + below(s, sizeof(scratch)));
	case 6: return (unsigned long)scratch;
	case 7: return 1ul << below(s, 64);
	case 8: return 0xffffffff80000000ul + below(s, 4096);
	case 9: return MINOS_FLAT_BASE + below(s, 65536);
	case 10: return (unsigned long)rnd_fd(s);
	default: return below(s, sizeof(scratch));
	}
}

/*
 * Linux calls that would only end this program early (so the storm would
 * stop storming) or pull the rug from under it: exit, memory it lives in,
 * its own thread pointer, random signal handlers, clone on a random stack.
 * Signals to itself stay: a rare early death is part of the storm.
 */
static int linux_skipped(long nr)
{
	switch (nr) {
	case SYS_exit: case SYS_exit_group: case SYS_rt_sigreturn:
	case SYS_munmap: case SYS_mremap: case SYS_mprotect: case SYS_brk:
	case SYS_madvise: case SYS_clone: case SYS_clone3: case SYS_arch_prctl:
	case SYS_rt_sigaction: case SYS_sigaltstack: case SYS_set_tid_address:
	case SYS_set_robust_list: case SYS_rt_sigprocmask: case SYS_rt_sigsuspend:
	case SYS_pause: case SYS_rt_sigtimedwait:
		return 1;
	}
	return 0;
}

static void random_linux(uint64_t *s)
{
	long nr;
	unsigned long a[6];
	int i;

	do {
		switch (below(s, 16)) {
		case 0: nr = 0x4400 + below(s, 16); break;     /* around Minos */
		case 1: nr = 0x40000000 + below(s, 548); break; /* x32 */
		case 2: nr = (long)rnd(s); break;
		case 3: nr = 400 + below(s, 200); break;       /* new and unassigned */
		default: nr = below(s, 335); break;
		}
	} while (linux_skipped(nr) || linux_skipped(nr & ~0x40000000L));
	for (i = 0; i < 6; i++)
		a[i] = rnd_arg(s);
	/* no blocking forever on purpose in sleeps: keep the storm moving */
	if (nr == SYS_nanosleep || nr == SYS_clock_nanosleep || nr == SYS_futex ||
	    nr == SYS_poll || nr == SYS_ppoll || nr == SYS_select ||
	    nr == SYS_pselect6 || nr == SYS_epoll_wait || nr == SYS_epoll_pwait)
		if (below(s, 2)) {
			memset(scratch, 0, 64);
			a[2] = 0; a[3] = 0;
		}
	syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

struct feed {
	int wfd;
	const unsigned char *buf;
	size_t len;
};

static void *feeder(void *p)
{
	struct feed *f = p;
	size_t off = 0;
	long n;

	while (off < f->len) {
		n = minos_write(f->wfd, f->buf + off, f->len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	minos_wclose(f->wfd);
	free(f);
	return NULL;
}

/* start a child: an ELF copy of this program, a flat blob, or garbage */
static void spawn(uint64_t *s)
{
	int cw, cr, sw, sr, fds[6];
	unsigned char *blob;
	size_t len;
	unsigned long arch;
	struct feed *f;
	pthread_t t;
	uint64_t child_seed;
	unsigned char hello[9];
	long cid;

	if (minos_pipe(&cw, &cr) < 0)
		return;
	learn(cw);
	learn(cr);
	if (image && depth < MAX_DEPTH && below(s, 3)) {
		blob = image;
		len = image_len;
		if (below(s, 8) == 0)
			len = below(s, (unsigned)image_len); /* truncated */
		arch = MINOS_ARCH_X86_64_ELF;
	} else {
		static const unsigned char exit0[] = {
			0xb8, 60, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05 };
		static const unsigned char spin[] = { 0xeb, 0xfe };
		static __thread unsigned char junk[512];
		size_t i;

		switch (below(s, 3)) {
		case 0: blob = (unsigned char *)exit0; len = sizeof(exit0); break;
		case 1: blob = (unsigned char *)spin; len = sizeof(spin); break;
		default:
			len = below(s, sizeof(junk));
			for (i = 0; i < len; i++)
				junk[i] = (unsigned char)rnd(s);
			blob = junk;
		}
		arch = below(s, 8) ? MINOS_ARCH_X86_64_FLAT : rnd_arg(s);
	}
	f = malloc(sizeof(*f));
	if (!f) {
		minos_wclose(cw);
		minos_rclose(cr);
		return;
	}
	f->wfd = cw;
	f->buf = blob;
	f->len = len;
	if (pthread_create(&t, NULL, feeder, f)) {
		free(f);
		minos_wclose(cw);
		minos_rclose(cr);
		return;
	}
	pthread_detach(t);

	/* the child's rfd 0 carries its seed and depth */
	sw = sr = -1;
	if (minos_pipe(&sw, &sr) < 0)
		sw = sr = -1;
	fds[0] = sr;
	fds[1] = below(s, 2) ? (int)rnd_fd(s) : -1;
	fds[2] = -1;
	fds[3] = (int)rnd_fd(s); /* wfd 0 clashes with rfd 0: EINVAL sometimes */
	fds[4] = below(s, 2) ? (int)rnd_fd(s) : -1;
	fds[5] = -1;
	if (below(s, 2))
		fds[3] = -1;
	cid = minos_cnew(cr, fds, 3, 3, arch);
	child_seed = rnd(s);
	memcpy(hello, &child_seed, 8);
	hello[8] = (unsigned char)(depth + 1);
	if (cid > 0) {
		/* sr went to the child; sw is still ours */
		if (sw >= 0)
			minos_write(sw, hello, sizeof(hello));
	}
	if (sw >= 0 && below(s, 4))
		minos_wclose(sw);
	if (cid <= 0 && sr >= 0 && below(s, 2))
		minos_rclose(sr);
}

static void random_minos(uint64_t *s)
{
	int rfds[MINOS_READ_MAX_RFDS + 8], w, r, from;
	unsigned n, i;

	switch (below(s, 12)) {
	case 0: {
		n = below(s, 4) ? 1 + below(s, 3) : below(s, MINOS_READ_MAX_RFDS + 8);
		for (i = 0; i < n && i < sizeof(rfds) / sizeof(rfds[0]); i++)
			rfds[i] = (int)rnd_fd(s);
		if (below(s, 4) == 0) /* the same rfd listed many times */
			for (i = 1; i < n && i < sizeof(rfds) / sizeof(rfds[0]); i++)
				rfds[i] = rfds[0];
		minos_read(below(s, 16) ? rfds : (int *)rnd_arg(s), n,
			   below(s, 16) ? scratch : (void *)rnd_arg(s),
			   below(s, 16) ? below(s, sizeof(scratch)) : rnd_arg(s), &from);
		break;
	}
	case 1:
		minos_write((int)rnd_fd(s), below(s, 16) ? scratch : (void *)rnd_arg(s),
			    below(s, 16) ? below(s, sizeof(scratch)) : rnd_arg(s));
		break;
	case 2: case 3:
		if (minos_pipe(&w, &r) >= 0) {
			learn(w);
			learn(r);
		}
		break;
	case 4:
		minos_wpass((int)rnd_fd(s), below(s, 8) ? (int)below(s, 6) : (int)rnd(s));
		break;
	case 5:
		minos_rpass((int)rnd_fd(s), below(s, 8) ? (int)below(s, 6) : (int)rnd(s));
		break;
	case 6:
		minos_ckill(below(s, 8) ? (int)below(s, 6) : (int)rnd(s));
		break;
	case 7:
		minos_wclose((int)rnd_fd(s));
		break;
	case 8:
		minos_rclose((int)rnd_fd(s));
		break;
	case 9:
		spawn(s);
		break;
	case 10: {
		/* cnew with random everything */
		int fds[8];

		for (i = 0; i < 8; i++)
			fds[i] = (int)rnd_fd(s);
		minos_cnew((int)rnd_fd(s), below(s, 8) ? fds : (int *)rnd_arg(s),
			   below(s, 4), below(s, 4), below(s, 4));
		break;
	}
	default:
		/* the private numbers, raw, with random arguments */
		syscall(0x4401 + below(s, 10), rnd_arg(s), rnd_arg(s), rnd_arg(s),
			rnd_arg(s), rnd_arg(s), rnd_arg(s));
	}
}

static void storm(uint64_t seed, long n)
{
	uint64_t s = seed ? seed : 1;
	long i;

	for (i = 0; i < n; i++) {
		if (below(&s, 3))
			random_minos(&s);
		else
			random_linux(&s);
	}
}

static void *thread_main(void *p)
{
	storm((uint64_t)(uintptr_t)p, iterations);
	return NULL;
}

static void run(uint64_t seed)
{
	pthread_t t[MAX_THREADS];
	uint64_t s = seed ? seed : 1;
	int i, n = nthreads;
	int cid;

	for (i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, thread_main, (void *)(uintptr_t)rnd(&s)))
			break;
	storm(rnd(&s), iterations);
	/* end the children we may have made, so the run ends soon */
	for (cid = 1; cid < 64; cid++)
		minos_ckill(cid);
	_exit(0);
}

static void read_image(void)
{
	long n;
	int from;
	int rfd = 0;

	image = malloc(IMAGE_MAX);
	if (!image)
		return;
	while (image_len < IMAGE_MAX) {
		n = minos_read(&rfd, 1, image + image_len, IMAGE_MAX - image_len, &from);
		if (n <= 0)
			break;
		image_len += (size_t)n;
	}
	if (image_len < 64 || memcmp(image, "\177ELF", 4)) {
		free(image);
		image = NULL;
		image_len = 0;
	}
}

int main(int argc, char **argv)
{
	uint64_t seed;

	if (argc == 0 || (argc == 1 && argv[0][0] == 0)) {
		/* a child: seed and depth on rfd 0 */
		unsigned char hello[9];
		size_t got = 0;
		long n;
		int from, rfd = 0;

		while (got < sizeof(hello)) {
			n = minos_read(&rfd, 1, hello + got, sizeof(hello) - got, &from);
			if (n <= 0)
				_exit(1);
			got += (size_t)n;
		}
		memcpy(&seed, hello, 8);
		depth = hello[8];
		if (depth > MAX_DEPTH)
			depth = MAX_DEPTH;
		iterations = 100;
		nthreads = 2;
		minos_rclose(0);
		run(seed);
	}
	if (argc < 2) {
		fprintf(stderr, "usage: storm SEED [ITERATIONS [THREADS]] < storm\n");
		return 2;
	}
	seed = strtoull(argv[1], NULL, 0);
	if (argc > 2)
		iterations = strtol(argv[2], NULL, 0);
	if (argc > 3)
		nthreads = atoi(argv[3]);
	if (nthreads < 0 || nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;
	fprintf(stderr, "storm: seed %llu\n", (unsigned long long)seed);
	fflush(stderr);
	read_image();
	run(seed);
	return 0;
}
