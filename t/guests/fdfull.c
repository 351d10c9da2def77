/* fdfull - the supervisor out of descriptors: the caller gets ENFILE.
 *
 *   fdfull park < fdfull
 *	(its own image on stdin) starts a child of itself; the child, then
 *	this container, park cnews whose code streams never end, each
 *	listing 8 descriptors, so the supervisor holds a copy of each: the
 *	child 20 (or until one fails), this one until one fails (at most
 *	12); then cnews listing none (one copy each: the code stream's)
 *	until one fails, so the supervisor's room is exactly gone.  With its
 *	descriptor limit low (ulimit -n) that is the supervisor's room, not
 *	the caller's: ENFILE, never EBADF.  Then a wpass and an rpass into
 *	the child, which need one more copy each, must say the same; the
 *	caller still holds what it tried to pass, and the supervisor's
 *	reserve still lets it close them:
 *	    cnew of 8: -ENFILE; cnew of 0: -ENFILE; wpass: -ENFILE;
 *	    rpass: -ENFILE; wclose: 0; rclose: 0   (one line)
 *	Every stream is made first, while the supervisor has room.
 * (A child, argc < 2: parks when its rfd 0 says so, says so on wfd 1.)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include "guest.h"
#include "minos.h"

#define BATCHES 60
#define N8 12 /* this container's cnews of 8 */
#define N0 40 /* and of none */

struct park {
	int code_w, code_r;
	int fds[12];
	unsigned nr, nw;
	atomic_int done;
	atomic_long result;
	pthread_t t;
};

static struct park parks[BATCHES];

static void *parker(void *arg)
{
	struct park *p = arg;
	long r = minos_cnew(p->code_r, p->fds, p->nr, p->nw, MINOS_ARCH_X86_64_ELF);
	atomic_store(&p->result, r);
	atomic_store(&p->done, 1);
	return NULL;
}

/* parks[i]: a cnew of 8 descriptors (or none: only its code stream),
 * its streams made now, while the supervisor has room to make them. */
static int prepare(unsigned i, bool eight)
{
	struct park *p = &parks[i];
	int w[4], r[4];
	if (minos_pipe(&p->code_w, &p->code_r) < 0)
		return -1;
	p->nr = eight ? 4 : 0;
	p->nw = eight ? 8 : 0;
	for (int k = 0; k < 4 && eight; k++)
		if (minos_pipe(&w[k], &r[k]) < 0)
			return -1;
	for (int k = 0; k < 4 && eight; k++) {
		p->fds[k] = r[k];       /* rfds: slots 0..3 */
		p->fds[4 + k] = -1;     /* wfds: slots 4..7 */
		p->fds[8 + k] = w[k];
	}
	minos_write(p->code_w, "x", 1); /* read once it is parked */
	return 0;
}

/* Park the prepared cnews [from, to) until one fails: its result, or 0. */
static long park(unsigned from, unsigned to)
{
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 64 << 10);
	for (unsigned i = from; i < to; i++) {
		struct park *p = &parks[i];
		atomic_store(&p->result, 1);
		if (pthread_create(&p->t, &a, parker, p) != 0)
			return 1;
		/* Parked (its byte read, so its copies taken) or answered.
		 * Bounded: 10 s. */
		for (int k = 0; k < 10000; k++) {
			int left = -1;
			if (atomic_load(&p->done))
				break;
			if (ioctl(p->code_w, FIONREAD, &left) == 0 && left == 0)
				break;
			nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
		}
		if (atomic_load(&p->done))
			return atomic_load(&p->result);
	}
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

static unsigned char img[4 << 20];

int main(int argc, char **argv)
{
	int from;
	char c, b[3][32];
	(void)argv;
	if (argc < 2) {
		/* A child: park when told, say so, wait until the parent ends. */
		if (minos_read((int[]){ 0 }, 1, &c, 1, &from) != 1)
			return 1;
		for (unsigned i = 0; i < 20; i++)
			if (prepare(i, true) < 0)
				return 1;
		park(0, 20);
		minos_write(1, "p", 1);
		minos_read((int[]){ 0 }, 1, &c, 1, &from);
		return 0;
	}
	size_t len = 0;
	for (;;) {
		long n = minos_read((int[]){ 0 }, 1, img + len, sizeof(img) - len, &from);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	struct feed f = { -1, img, len };
	int code, cw, cr, cw2, cr2;
	pthread_t ft;
	if (minos_pipe(&f.wfd, &code) < 0 || minos_pipe(&cw, &cr) < 0 ||
	    minos_pipe(&cw2, &cr2) < 0)
		return 1;
	pthread_create(&ft, NULL, feeder, &f);
	long cid = minos_cnew(code, (int[]){ cr, -1, cw2 }, 1, 2,
			      MINOS_ARCH_X86_64_ELF);
	pthread_join(ft, NULL);
	if (cid < 0) {
		printf("cnew of the child: %s\n", guest_result(cid, b[0]));
		return 1;
	}
	int pw, pr; /* what is passed at the end */
	if (minos_pipe(&pw, &pr) < 0)
		return 1;

	for (unsigned i = 0; i < N8 + N0; i++)
		if (prepare(i, i < N8) < 0) {
			printf("cannot make stream %u\n", i);
			return 1;
		}
	/* The child parks first (20 batches at most: below its own limit),
	 * then this container, until the supervisor has no room. */
	minos_write(cw, "p", 1);
	if (minos_read(&cr2, 1, &c, 1, &from) != 1) {
		printf("the child did not park\n");
		return 1;
	}
	long failed = park(0, N8);
	/* Then cnews that need one copy each: the last fails with nothing
	 * taken, so the supervisor's room is exactly gone. */
	long failed0 = park(N8, N8 + N0);
	long wp = minos_wpass(pw, (int)cid), rp = minos_rpass(pr, (int)cid);
	printf("cnew of 8: %s; ", guest_result(failed, b[0]));
	printf("cnew of 0: %s; wpass: %s; rpass: %s", guest_result(failed0, b[0]),
	       guest_result(wp, b[1]), guest_result(rp, b[2]));
	/* What it tried to pass is still its own, and can be closed. */
	printf("; wclose: %s", guest_result(minos_wclose(pw), b[0]));
	printf("; rclose: %s\n", guest_result(minos_rclose(pr), b[0]));
	return 0;
}
