/* closesig: signals that reach a cnew caller while its closes are injected.
 *
 * cnew moves the listed descriptors out of the caller: the supervisor
 * closes them in the caller's thread, one injected close after another.
 * A signal that reached that thread between two closes ran its handler on
 * the injected registers; the handler's own system call ended the closes,
 * the remaining numbers stayed the caller's (one stream in two
 * containers), and the handler's frame was dropped by the answer.
 *
 * A second thread sends the first SIGUSR1 without pause; its handler makes
 * a system call (sched_yield).  The first makes ROUNDS cnews, each moving
 * the wfds of 8 pipes to a child that exits at once, and checks after each
 * that every one of the 8 numbers is closed (a write is EBADF).  Prints:
 *     rounds = R, cnew failures = F, numbers kept = K, handler ran: yes|no
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sched.h>
#include "rt.h"

static atomic_int stop;
static atomic_long handled;
static pid_t main_tid;
static int spin = 200000;

static void on_usr1(int sig)
{
	(void)sig;
	sched_yield();
	atomic_fetch_add(&handled, 1);
}

static void *sender(void *arg)
{
	(void)arg;
	/* A signal every 200000 turns (some 100 us; argv[2] sets it): often
	 * enough to land between two closes, seldom enough not to make the
	 * run a signal storm (each one stops the thread in the supervisor). */
	for (long i = 0; i < 50000000 && !atomic_load(&stop); i++) {
		syscall(SYS_tgkill, getpid(), main_tid, SIGUSR1);
		for (volatile int j = 0; j < spin; j++)
			;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 200;
	if (argc > 2)
		spin = atoi(argv[2]);
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	sigaction(SIGUSR1, &sa, NULL);
	main_tid = (pid_t)syscall(SYS_gettid);
	pthread_t th;
	pthread_create(&th, NULL, sender, NULL);
	int fails = 0, kept = 0;
	for (int k = 0; k < rounds; k++) {
		int w[8], r[8];
		for (int i = 0; i < 8; i++)
			while (minos_pipe(&w[i], &r[i]) == -4)
				;
		long cid;
		do
			cid = rt_cnew_bytes(rt_flat_exit0, sizeof(rt_flat_exit0),
					    w, 0, 8, MINOS_ARCH_X86_64_FLAT);
		while (cid == -4);
		if (cid < 0 && fails++ == 0)
			printf("cnew = %ld\n", cid);
		for (int i = 0; i < 8; i++) {
			long e;
			do
				e = minos_write(w[i], "x", 1);
			while (e == -4);
			if (cid >= 0 && e != -9)
				kept++;
			if (cid < 0 || e != -9)
				minos_wclose(w[i]);
			minos_rclose(r[i]);
		}
	}
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	printf("rounds = %d, cnew failures = %d, numbers kept = %d, handler ran: %s\n",
	       rounds, fails, kept, atomic_load(&handled) > 0 ? "yes" : "no");
	return 0;
}
