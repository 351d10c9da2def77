/* imgpark - pending cnew images are charged to the caller (issue 9).
 *
 *   imgpark ROUNDS ATTACKERS THREADS SIZE < imgpark
 *	(its own image on stdin) in each round starts ATTACKERS children of
 *	itself.  Each attacker parks THREADS cnews at once, each on a code
 *	stream it fills with SIZE bytes and never ends, so the supervisor
 *	holds what it read of each; a cnew the supervisor cannot hold more
 *	for must fail with ENOMEM, the others stay pending.  When every cnew
 *	is settled (pending with all SIZE bytes read, or answered) the
 *	attacker reports, ends its streams (each pending cnew is then
 *	answered ENOEXEC: the bytes are no program) and parks a second wave
 *	the same way, which must find the charge of the first given back.
 *	While the second wave is parked, the first container (a bystander
 *	of the same run) starts a child of its own, which must work; then it
 *	ckills everyone and goes on to the next round.  One line per round
 *	and wave, counts summed over the attackers:
 *	    round R wave W: pending P, ENOMEM E, other O
 *	    round R: bystander cnew ok
 *   imgpark attack THREADS MIB
 *	one wave of THREADS cnews of MIB MiB each, in the first container
 *	itself; says "pending P, ENOMEM E, other O", then waits for its
 *	standard input to end (to measure minos-exec meanwhile)
 * (A child, argc < 2 (0 today): an order on its rfd 0 says what it is.)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include "guest.h"
#include "minos.h"

#define MAX_THREADS 24
#define MAX_ATTACKERS 8

struct park {
	int w, r;                /* the code stream */
	size_t size;
	atomic_int settled;      /* 1: answered, or all bytes read */
	atomic_long result;      /* the cnew's answer; 1: none yet */
	pthread_t parker, writer;
};

static unsigned char zeros[65536];

/* What an attacker says on its wfd 1: one record of REC bytes, text. */
#define REC 64
__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
	char rec[REC] = { 0 };
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rec, sizeof(rec), fmt, ap);
	va_end(ap);
	minos_write(1, rec, sizeof(rec));
}

static void *writer(void *arg)
{
	struct park *p = arg;
	bool answered = false;
	for (size_t done = 0; done < p->size;) {
		size_t n = p->size - done < sizeof(zeros) ? p->size - done : sizeof(zeros);
		long k = minos_write(p->w, zeros, n);
		if (k <= 0) {
			answered = true; /* EPIPE: the cnew was answered */
			break;
		}
		done += (size_t)k;
	}
	/* Settled once the supervisor has read every byte, or once the
	 * parker has its answer (an EPIPE comes before the parker thread
	 * runs again to store it).  Bounded: 30 s. */
	for (int i = 0; i < 30000 && !atomic_load(&p->settled); i++) {
		int left = -1;
		if (!answered && ioctl(p->w, FIONREAD, &left) == 0 && left == 0) {
			atomic_store(&p->settled, 1);
			break;
		}
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
	return NULL;
}

static void *parker(void *arg)
{
	struct park *p = arg;
	long r = minos_cnew(p->r, NULL, 0, 0, MINOS_ARCH_X86_64_ELF);
	atomic_store(&p->result, r);
	atomic_store(&p->settled, 1);
	return NULL;
}

static struct park parks[MAX_THREADS];

/* Park n cnews of size bytes each; wait until each is settled. */
static void wave(unsigned n, size_t size, unsigned cnt[3])
{
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 64 << 10);
	for (unsigned i = 0; i < n; i++) {
		struct park *p = &parks[i];
		p->size = size;
		atomic_store(&p->settled, 0);
		atomic_store(&p->result, 1);
		if (minos_pipe(&p->w, &p->r) < 0)
			exit(3);
		if ((fcntl(p->w, F_GETFL) & O_ACCMODE) != O_WRONLY ||
		    (fcntl(p->r, F_GETFL) & O_ACCMODE) != O_RDONLY) {
			say("minos_pipe gave wfd %d, rfd %d: not a wfd and an rfd",
			    p->w, p->r);
			exit(4);
		}
		if (pthread_create(&p->writer, &a, writer, p) != 0 ||
		    pthread_create(&p->parker, &a, parker, p) != 0)
			exit(3);
	}
	for (unsigned i = 0; i < n; i++)
		pthread_join(parks[i].writer, NULL);
	cnt[0] = cnt[1] = cnt[2] = 0;
	for (unsigned i = 0; i < n; i++) {
		long r = atomic_load(&parks[i].result);
		if (!atomic_load(&parks[i].settled))
			cnt[2]++; /* never settled: counted as other */
		else if (r == 1)
			cnt[0]++;
		else if (r == -ENOMEM)
			cnt[1]++;
		else
			cnt[2]++;
	}
}

/* End the pending cnews' streams: each is answered (ENOEXEC). */
static void release(unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		minos_wclose(parks[i].w);
		pthread_join(parks[i].parker, NULL);
	}
}

static int read_all(int rfd, void *buf, size_t len)
{
	unsigned char *p = buf;
	int from;
	while (len) {
		long n = minos_read(&rfd, 1, p, len, &from);
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

struct order {
	char what;  /* 'A' attacker, 'I' idle */
	unsigned threads;
	size_t size;
};

static int child(void)
{
	struct order o;
	int from;
	char c;
	if (read_all(0, &o, sizeof(o)) < 0)
		return 1;
	if (o.what == 'A') {
		unsigned cnt[2][3];
		if (o.threads > MAX_THREADS)
			o.threads = MAX_THREADS;
		wave(o.threads, o.size, cnt[0]);
		release(o.threads);
		wave(o.threads, o.size, cnt[1]);
		say("%u %u %u %u %u %u", cnt[0][0], cnt[0][1], cnt[0][2],
		    cnt[1][0], cnt[1][1], cnt[1][2]);
	}
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

static unsigned char img[4 << 20];
static size_t img_len;

/* A child of this image, told what to be; its wfd 1 in *out. */
static long start(const struct order *o, int *ctl, int *out)
{
	struct feed f = { -1, img, img_len };
	int code, cw, cr, ow, orr;
	pthread_t t;
	if (minos_pipe(&f.wfd, &code) < 0 || minos_pipe(&cw, &cr) < 0 ||
	    minos_pipe(&ow, &orr) < 0)
		return -ENFILE;
	pthread_create(&t, NULL, feeder, &f);
	int fds[3] = { cr, -1, ow }; /* rfd 0, wfd 1 */
	long cid = minos_cnew(code, fds, 1, 2, MINOS_ARCH_X86_64_ELF);
	pthread_join(t, NULL);
	if (cid < 0)
		return cid;
	minos_write(cw, o, sizeof(*o));
	*ctl = cw;
	*out = orr;
	return cid;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return child();
	if (argc == 4 && strcmp(argv[1], "attack") == 0) {
		/* The attack alone, in the first container (to measure). */
		unsigned cnt[2][3], n = (unsigned)atoi(argv[2]);
		size_t size = strtoull(argv[3], NULL, 10) << 20;
		wave(n > MAX_THREADS ? MAX_THREADS : n, size, cnt[0]);
		printf("pending %u, ENOMEM %u, other %u\n", cnt[0][0], cnt[0][1], cnt[0][2]);
		fflush(stdout);
		char c;
		int from;
		minos_read((int[]){ 0 }, 1, &c, 1, &from); /* until stdin ends */
		return 0;
	}
	if (argc != 5)
		return 2;
	unsigned rounds = (unsigned)atoi(argv[1]), na = (unsigned)atoi(argv[2]);
	struct order att = { 'A', (unsigned)atoi(argv[3]), 0 };
	struct order idle = { 'I', 0, 0 };
	char *unit;
	att.size = strtoull(argv[4], &unit, 10);
	if (*unit == 'K')
		att.size <<= 10;
	else if (*unit == 'M')
		att.size <<= 20;
	if (na > MAX_ATTACKERS)
		na = MAX_ATTACKERS;
	int from;
	for (;;) {
		long n = minos_read((int[]){ 0 }, 1, img + img_len,
				    sizeof(img) - img_len, &from);
		if (n <= 0)
			break;
		img_len += (size_t)n;
	}
	for (unsigned r = 1; r <= rounds; r++) {
		long cids[MAX_ATTACKERS];
		int ctl[MAX_ATTACKERS], out[MAX_ATTACKERS];
		unsigned sum[2][3] = { { 0 } };
		char b[32];
		for (unsigned i = 0; i < na; i++) {
			cids[i] = start(&att, &ctl[i], &out[i]);
			if (cids[i] < 0) {
				printf("round %u: cnew of attacker %u: %s\n", r, i,
				       guest_result(cids[i], b));
				return 1;
			}
		}
		for (unsigned i = 0; i < na; i++) {
			unsigned cnt[2][3];
			char rec[REC + 1] = { 0 };
			if (read_all(out[i], rec, REC) < 0) {
				printf("round %u: attacker %u said nothing\n", r, i);
				return 1;
			}
			if (sscanf(rec, "%u %u %u %u %u %u", &cnt[0][0], &cnt[0][1],
				   &cnt[0][2], &cnt[1][0], &cnt[1][1], &cnt[1][2]) != 6) {
				printf("round %u: attacker %u: %s\n", r, i, rec);
				return 1;
			}
			for (unsigned w = 0; w < 2; w++)
				for (unsigned k = 0; k < 3; k++)
					sum[w][k] += cnt[w][k];
		}
		for (unsigned w = 0; w < 2; w++)
			printf("round %u wave %u: pending %u, ENOMEM %u, other %u\n",
			       r, w + 1, sum[w][0], sum[w][1], sum[w][2]);
		/* The attackers' second waves are parked: a bystander's cnew. */
		int ictl, iout;
		long icid = start(&idle, &ictl, &iout);
		if (icid < 0)
			printf("round %u: bystander cnew %s\n", r, guest_result(icid, b));
		else
			printf("round %u: bystander cnew ok\n", r);
		fflush(stdout);
		for (unsigned i = 0; i < na; i++) {
			minos_ckill((int)cids[i]);
			minos_wclose(ctl[i]);
			minos_rclose(out[i]);
		}
		if (icid > 0) {
			minos_ckill((int)icid);
			minos_wclose(ictl);
			minos_rclose(iout);
		}
	}
	return 0;
}
