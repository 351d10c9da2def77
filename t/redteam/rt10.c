/* SPDX-License-Identifier: MIT */
/*
 * rt10 - red team 10's hostile guest (t/958-redteam10.bats): descriptor
 * passes (wpass, rpass) racing a checkpoint's freeze, which winds a pass
 * not begun back onto its call (sys_pass_rewind).  Run as
 * `rt10 passes R T K SIG GRAND [hold] < rt10` (its image on stdin).
 *
 * It makes one child C, a copy of itself (argc 0), with a control pipe
 * (C's rfd 0) and a reply pipe (C's wfd 1), says "passes" on stdout, then
 * R rounds: T threads each make K passes into C, a Minos pipe each, its
 * write end by wpass or its read end by rpass in turn (the other end
 * closed), counting those that succeed; then C is asked ('c' on the
 * control pipe) how many descriptors it holds besides its own, closes
 * them, and answers the count, which must be the round's passes: more is
 * a descriptor passed twice, fewer one lost.
 *   SIG 0: no signals.
 *   SIG 1: a sender thread tgkills the passing threads with SIGUSR2 all
 *          the time; the handler passes a spare wfd the thread made
 *          before its pass into C (counted).
 *   SIG 2: (T 1) as 1, but the handler closes the number being passed
 *          (a wpass then EBADF: not in C, not counted).
 *   SIG 3: as 1, but the handler makes a Minos pipe and closes both ends.
 *   GRAND 1: C has a grandchild G (flat, reads its rfd 0) and a thread
 *          that passes pipe ends into it all the time (a new G every 32),
 *          paused while C counts.
 *   hold:  after the last line, wait for ever (a blocking read).
 * `rt10 pipesig < rt10`: C makes and closes Minos pipes for 2 s, its
 * other thread signalling it (SIGUSR2, a handler that does nothing) all
 * the time, while 2 threads of ours pass pipe ends into it: "pipesig:
 * enosys N" (RT10-4: a pipe a pass interrupted and gave back, then a
 * signal before it was made again: ENOSYS, no numbers).
 * `rt10 lonesig N < rt10`: N Minos pipes with two numbers free, another
 * thread taking one and signalling as it does: "lonesig N: enosys E,
 * left L" (a pipe's lone wfd closed with a signal pending; see lonesig).
 * Prints "rounds R: lost L, extra X, errors E, own O" (O: our descriptors
 * above 2 that are open at the end; 2: the control and reply pipes).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "rt.h"

/* A flat child: Minos read of rfd 0 until end of stream, then exit 0. */
extern const unsigned char rt_reader_start[], rt_reader_end[];
__asm__(".pushsection .rodata\n"
	"rt_reader_start:\n"
	"1: mov $0x4404, %eax\n"
	"   lea 3f(%rip), %rdi\n"
	"   mov $1, %esi\n"
	"   lea -64(%rsp), %rdx\n"
	"   mov $1, %r10d\n"
	"   syscall\n"
	"   test %rax, %rax\n"
	"   jg 1b\n"
	"   mov $60, %eax\n"
	"   xor %edi, %edi\n"
	"   syscall\n"
	"3: .long 0\n"
	"rt_reader_end:\n"
	".popsection\n");

#define MAXT 16

static int cid;
static int sigmode;
static atomic_int hpassed, errors, stop_sender;
static atomic_int tids[MAXT];
static volatile int cur = -1; /* the number being passed (SIG 2) */

static void error(const char *what, long r)
{
	if (atomic_fetch_add(&errors, 1) < 5)
		fprintf(stderr, "rt10: %s = %ld\n", what, r);
}

static __thread volatile int spare = -1; /* a wfd for the handler (SIG 1) */

static void on_usr2(int sig)
{
	(void)sig;
	int e = errno;
	if (sigmode == 2) {
		int n = cur;
		if (n >= 0)
			close(n); /* (EBADF if the pass came first) */
	} else if (sigmode == 3) {
		int w, r;
		if (minos_pipe(&w, &r) >= 0) {
			minos_rclose(r);
			minos_wclose(w);
		}
	} else if (spare >= 0) {
		int n = spare;
		spare = -1;
		long a = minos_wpass(n, cid);
		if (a >= 0)
			atomic_fetch_add(&hpassed, 1);
		else
			error("handler wpass", a);
	}
	errno = e;
}

struct worker { int i, k, passed; };

static void *work(void *arg)
{
	struct worker *w = arg;
	atomic_store(&tids[w->i], (int)syscall(SYS_gettid));
	for (int k = 0; k < w->k; k++) {
		int wf, rf;
		long e = minos_pipe(&wf, &rf);
		if (e < 0) {
			error("pipe", e);
			continue;
		}
		int sw = -1, sr = -1;
		if (sigmode == 1 && minos_pipe(&sw, &sr) >= 0)
			spare = sw;
		long a;
		if (((k + w->i) & 1) || sigmode == 2) {
			cur = wf;
			a = minos_wpass(wf, cid);
			cur = -1;
			minos_rclose(rf);
		} else {
			a = minos_rpass(rf, cid);
			minos_wclose(wf);
		}
		if (a >= 0)
			w->passed++;
		else if (!(sigmode == 2 && a == -EBADF))
			error("pass", a);
		if (sw >= 0 && spare == sw) {
			spare = -1;
			minos_wclose(sw);
		}
		if (sr >= 0)
			minos_rclose(sr);
	}
	/* No handler of ours runs once the round is over. */
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	atomic_store(&tids[w->i], 0);
	return NULL;
}

static void *sender(void *arg)
{
	int n = *(int *)arg;
	pid_t pid = getpid();
	for (long rounds = 0; !atomic_load(&stop_sender) && rounds < 100000000; rounds++) {
		for (int i = 0; i < n; i++) {
			int tid = atomic_load(&tids[i]);
			if (tid)
				syscall(SYS_tgkill, pid, tid, SIGUSR2);
		}
		sched_yield();
	}
	return NULL;
}

/* ---- the child ----------------------------------------------------------- */

static atomic_int pause_req, paused, g_keep = -1;

/* C's second thread: pipe ends into a flat grandchild, for ever. */
static void *grand(void *arg)
{
	(void)arg;
	size_t rlen = (size_t)(rt_reader_end - rt_reader_start);
	long g = -1;
	int w0 = -1;
	for (int i = 0;; i++) {
		if (atomic_load(&pause_req)) {
			atomic_store(&paused, 1);
			while (atomic_load(&pause_req))
				sched_yield();
			atomic_store(&paused, 0);
		}
		if (i % 32 == 0) {
			if (g >= 0) {
				minos_ckill((int)g);
				minos_wclose(w0);
				atomic_store(&g_keep, -1);
			}
			int r0;
			minos_pipe(&w0, &r0);
			int list[1] = { r0 };
			g = rt_cnew_bytes(rt_reader_start, rlen, list, 1, 0,
					  MINOS_ARCH_X86_64_FLAT);
			if (g < 0)
				return NULL;
			atomic_store(&g_keep, w0);
		}
		int w, r;
		minos_pipe(&w, &r);
		if (minos_wpass(w, (int)g) < 0)
			minos_wclose(w);
		if (minos_rpass(r, (int)g) < 0)
			minos_rclose(r);
	}
	return NULL;
}

static void on_usr2_nothing(int sig)
{
	(void)sig;
}

static atomic_int c_main_tid, c_done;

static void *c_signaller(void *arg)
{
	(void)arg;
	pid_t pid = getpid();
	for (long i = 0; !atomic_load(&c_done) && i < 100000000; i++) {
		syscall(SYS_tgkill, pid, atomic_load(&c_main_tid), SIGUSR2);
		for (int k = 0; k < 20; k++)
			sched_yield();
	}
	return NULL;
}

/* C's side of `pipesig`: Minos pipes, made and closed, for 2 s under
 * signals; what the parent passed in closed now and then.  The pipes
 * answered ENOSYS. */
static int pipe_loop(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2_nothing;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR2, &sa, NULL);
	atomic_store(&c_main_tid, (int)syscall(SYS_gettid));
	pthread_t th;
	pthread_create(&th, NULL, c_signaller, NULL);
	struct timespec t0, t1;
	int bad = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < 10000000; i++) {
		int w, r;
		long e = minos_pipe(&w, &r);
		if (e == -ENOSYS)
			bad++;
		if (e >= 0) {
			minos_wclose(w);
			minos_rclose(r);
		}
		if (i % 64 == 63)
			for (int fd = 2; fd < 256; fd++)
				close(fd);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (rt_ms(&t0, &t1) > 2000)
			break;
	}
	atomic_store(&c_done, 1);
	pthread_join(th, NULL);
	return bad;
}

static int child(void)
{
	char b;
	int zero = 0;
	bool g = false;
	for (;;) {
		long n = minos_read(&zero, 1, &b, 1, NULL);
		if (n <= 0)
			return 0;
		if (b == 'g' && !g) {
			pthread_t th;
			g = pthread_create(&th, NULL, grand, NULL) == 0;
			continue;
		}
		if (b == 'p') {
			int bad = pipe_loop();
			minos_write(1, &bad, sizeof(bad));
			continue;
		}
		if (b != 'c')
			continue;
		if (g) {
			atomic_store(&pause_req, 1);
			while (!atomic_load(&paused))
				sched_yield();
		}
		int count = 0, keep = atomic_load(&g_keep);
		for (int fd = 2; fd < 256; fd++)
			if (fd != keep && fcntl(fd, F_GETFD) >= 0) {
				count++;
				close(fd);
			}
		if (g)
			atomic_store(&pause_req, 0);
		minos_write(1, &count, sizeof(count));
	}
}

/* ---- the parent ----------------------------------------------------------- */

/* `rt10 cnews N T`: T threads each make N cnews whose code is all in its
 * stream already (the call makes the child at its stop), each child
 * ckilled at once: "cnews N x T: errors E". */
static void *cnew_loop(void *arg)
{
	int n = *(int *)arg;
	size_t rlen = (size_t)(rt_reader_end - rt_reader_start);
	for (int i = 0; i < n; i++) {
		int cw, cr, w0, r0;
		minos_pipe(&cw, &cr);
		minos_write(cw, rt_reader_start, rlen);
		minos_wclose(cw);
		minos_pipe(&w0, &r0);
		int list[1] = { r0 };
		long c = minos_cnew(cr, list, 1, 0, MINOS_ARCH_X86_64_FLAT);
		if (c < 0) {
			error("cnew", c);
			minos_rclose(r0);
		} else {
			long k = minos_ckill((int)c);
			if (k != 0)
				error("ckill", k);
		}
		minos_wclose(w0);
	}
	return NULL;
}

static int cnews(int n, int nt)
{
	pthread_t th[MAXT];
	printf("cnews\n");
	fflush(stdout);
	for (int i = 0; i < nt; i++)
		pthread_create(&th[i], NULL, cnew_loop, &n);
	for (int i = 0; i < nt; i++)
		pthread_join(th[i], NULL);
	printf("cnews %d x %d: errors %d\n", n, nt, atomic_load(&errors));
	return 0;
}

/* `rt10 pipesig`: pipe ends into C, for ever (until stop_sender). */
static void *pass_loop(void *arg)
{
	(void)arg;
	for (long i = 0; !atomic_load(&stop_sender) && i < 100000000; i++) {
		int w, r;
		if (minos_pipe(&w, &r) < 0)
			continue;
		if (minos_rpass(r, cid) < 0)
			minos_rclose(r);
		minos_wclose(w);
	}
	return NULL;
}

static int pipesig(void)
{
	int cw, cr, rw, rr;
	minos_pipe(&cw, &cr);
	minos_pipe(&rw, &rr);
	int list[3] = { cr, -1, rw };
	long c = rt_spawn_self(list, 1, 2);
	if (c < 0) {
		printf("cnew: %ld\n", c);
		return 1;
	}
	cid = (int)c;
	minos_write(cw, "p", 1);
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, pass_loop, NULL);
	int bad = -1;
	long n = 0;
	for (size_t off = 0; off < sizeof(bad); off += (size_t)n) {
		n = minos_read(&rr, 1, (char *)&bad + off, sizeof(bad) - off, NULL);
		if (n <= 0)
			break;
	}
	atomic_store(&stop_sender, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	printf("pipesig: enosys %d\n", bad);
	fflush(stdout);
	minos_wclose(cw);
	return 0;
}

/* `rt10 lonesig N`: N Minos pipes with the table two numbers short of
 * full, while another thread takes (an eventfd) and gives back the lowest free
 * number all the time, signalling the pipe's thread (SIGUSR2, a handler
 * that does nothing) as it takes it: the pipe's second end often finds
 * no room (EMFILE), and the lone wfd is closed by the supervisor with a
 * signal pending.  "lonesig N: enosys E, left L": pipes answered ENOSYS,
 * and numbers of the two left open at the end (a lone wfd never closed). */
static atomic_int ls_tid, ls_stop, ls_made;

/* At most one signal per pipe the pipe's thread makes: every signal is a
 * round trip through the supervisor, so signals paced by time alone keep
 * that thread in its handler for ever on a quiet machine (RT10-3, open)
 * and the run never ends. */
static void *churn(void *arg)
{
	(void)arg;
	pid_t pid = getpid();
	int seen = -1;
	for (long i = 0; !atomic_load(&ls_stop) && i < 100000000; i++) {
		int fd = eventfd(0, 0);
		if (fd >= 0) {
			int m = atomic_load(&ls_made);
			if (m != seen) {
				seen = m;
				syscall(SYS_tgkill, pid, atomic_load(&ls_tid), SIGUSR2);
			}
			close(fd);
		}
		sched_yield();
	}
	return NULL;
}

static int lonesig(int n)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2_nothing;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR2, &sa, NULL);
	struct rlimit rl;
	int lim = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur <= 4096 ?
		  (int)rl.rlim_cur : 256;
	for (int i = 0; i < lim; i++) {
		int fd = eventfd(0, 0);
		if (fd < 0)
			break;
		if (fd >= lim - 2) {
			close(fd);
			break;
		}
	}
	atomic_store(&ls_tid, (int)syscall(SYS_gettid));
	pthread_t th;
	pthread_create(&th, NULL, churn, NULL);
	int enosys = 0, made = 0, emfile = 0;
	for (int i = 0; i < n; i++) {
		int w, r;
		long e = minos_pipe(&w, &r);
		if (e == -ENOSYS)
			enosys++;
		else if (e == -EMFILE)
			emfile++;
		if (e >= 0) {
			made++;
			minos_wclose(w);
			minos_rclose(r);
		}
		atomic_fetch_add(&ls_made, 1);
	}
	atomic_store(&ls_stop, 1);
	pthread_join(th, NULL);
	int left = 0;
	for (int fd = lim - 2; fd < lim; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			left++;
	fprintf(stderr, "rt10: lonesig made %d, emfile %d\n", made, emfile);
	printf("lonesig %d: enosys %d, left %d\n", n, enosys, left);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 0)
		return child();
	if (argc == 3 && strcmp(argv[1], "lonesig") == 0)
		return lonesig(atoi(argv[2]));
	if (argc == 2 && strcmp(argv[1], "pipesig") == 0)
		return rt_read_self() < 0 ? 2 : pipesig();
	if (argc == 4 && strcmp(argv[1], "cnews") == 0 && atoi(argv[3]) >= 1 &&
	    atoi(argv[3]) <= MAXT)
		return cnews(atoi(argv[2]), atoi(argv[3]));
	if (argc < 7 || strcmp(argv[1], "passes") != 0) {
		fprintf(stderr, "usage: rt10 passes R T K SIG GRAND [hold] < rt10\n");
		return 2;
	}
	int rounds = atoi(argv[2]), nt = atoi(argv[3]), k = atoi(argv[4]);
	sigmode = atoi(argv[5]);
	int grandchild = atoi(argv[6]);
	if (nt < 1 || nt > MAXT || rt_read_self() < 0)
		return 2;
	int cw, cr, rw, rr;
	minos_pipe(&cw, &cr);
	minos_pipe(&rw, &rr);
	int list[3] = { cr, -1, rw };
	long c = rt_spawn_self(list, 1, 2);
	if (c < 0) {
		printf("cnew: %ld\n", c);
		return 1;
	}
	cid = (int)c;
	if (grandchild)
		minos_write(cw, "g", 1);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR2, &sa, NULL);
	printf("passes\n"); /* (minos-exec takes SIGUSR1 now) */
	fflush(stdout);
	long lost = 0, extra = 0;
	for (int r = 0; r < rounds; r++) {
		pthread_t th[MAXT], snd;
		struct worker wk[MAXT];
		atomic_store(&hpassed, 0);
		atomic_store(&stop_sender, 0);
		for (int i = 0; i < nt; i++) {
			wk[i] = (struct worker){ i, k, 0 };
			pthread_create(&th[i], NULL, work, &wk[i]);
		}
		if (sigmode)
			pthread_create(&snd, NULL, sender, &nt);
		int passed = 0;
		for (int i = 0; i < nt; i++) {
			pthread_join(th[i], NULL);
			passed += wk[i].passed;
		}
		if (sigmode) {
			atomic_store(&stop_sender, 1);
			pthread_join(snd, NULL);
		}
		passed += atomic_load(&hpassed);
		int got = -1;
		minos_write(cw, "c", 1);
		long n = 0;
		for (size_t off = 0; off < sizeof(got); off += (size_t)n) {
			n = minos_read(&rr, 1, (char *)&got + off, sizeof(got) - off, NULL);
			if (n <= 0)
				break;
		}
		if (n <= 0) {
			error("count", n);
			break;
		}
		if (got > passed)
			extra += got - passed;
		else
			lost += passed - got;
	}
	int own = 0;
	for (int fd = 3; fd < 256; fd++) {
		struct stat st;
		if (fcntl(fd, F_GETFD) < 0)
			continue;
		if (++own > 2 && own < 8 && fstat(fd, &st) == 0)
			fprintf(stderr, "rt10: own %d open: mode %o\n", fd, st.st_mode & 0777);
	}
	printf("rounds %d: lost %ld, extra %ld, errors %d, own %d\n", rounds, lost,
	       extra, atomic_load(&errors), own);
	fflush(stdout);
	if (argc > 7 && strcmp(argv[7], "hold") == 0) {
		char b;
		minos_read(&rr, 1, &b, 1, NULL);
	}
	minos_wclose(cw);
	return 0;
}
