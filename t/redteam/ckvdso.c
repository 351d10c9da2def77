/* ckvdso: a container that changes its own vDSO before a checkpoint.
 *
 * MODE is one of:
 *   noexec  the vDSO made read-only (not executable)
 *   none    the vDSO made PROT_NONE
 *   fake    a `0f 05` written into the vDSO's ELF header (bytes 8-9, the
 *           e_ident padding), the vDSO left executable as it was
 *   tf      the trap flag set in eflags (a SIGTRAP handler counts steps)
 *   tfspin  a second thread single-steps itself forever (its SIGTRAPs
 *           keep coming while the checkpoint freezes it)
 *   sigign  a thread sends another SIGUSR1, which it ignores, without
 *           pause: one may be pending for a thread already stopped
 *   sigspin the same, SIGUSR1 caught by a handler that blocks it while it
 *           runs: one may be pending and blocked
 *   sigblk  blocks SIGUSR1, SIGUSR2, SIGCONT, SIGRTMIN and SIGRTMIN+1
 *           (each caught by a handler that notes its signal, si_code and
 *           si_value), sends itself SIGRTMIN+1, SIGUSR1, SIGCONT and
 *           SIGRTMIN (tgkill: its own queue; SIGCONT also notifies every
 *           thread of a group stop) and prints "ready SIGRTMIN" (its
 *           number: the test sends the container more, to its shared
 *           queue); after the line it unblocks them and prints what its
 *           handler saw, in order, one line each
 * Then prints "ready", waits for a line on rfd 0 (a checkpoint is taken
 * meanwhile), and prints "alive" and exits 0.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include "minos.h"

static volatile long steps;
static volatile int forever;

static void on_trap(int sig, siginfo_t *si, void *uc_)
{
	(void)sig;
	(void)si;
	ucontext_t *uc = uc_;
	if (++steps > 1000 && !forever)
		uc->uc_mcontext.gregs[REG_EFL] &= ~0x100LL; /* enough */
}

static void *stepper(void *arg)
{
	(void)arg;
	__asm__ volatile("pushfq; orq $0x100, (%%rsp); popfq" ::: "memory", "cc");
	for (;;)
		__asm__ volatile("" ::: "memory");
	return NULL;
}

static volatile pid_t target_tid;
static volatile long usr1, sent;

static void on_usr1(int sig)
{
	(void)sig;
	usr1++;
}

static void *spinner(void *arg)
{
	(void)arg;
	target_tid = (pid_t)syscall(SYS_gettid);
	for (;;)
		__asm__ volatile("" ::: "memory");
	return NULL;
}

static void *sender(void *arg)
{
	(void)arg;
	for (;;) {
		syscall(SYS_tgkill, getpid(), target_tid, SIGUSR1);
		sent++;
	}
	return NULL;
}

/* sigblk: what the handler saw (each handler blocks every signal). */
static struct { int sig, code, value; } seen[16];
static volatile int nseen;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (nseen < 16) {
		seen[nseen].sig = sig;
		seen[nseen].code = si->si_code;
		seen[nseen].value = si->si_value.sival_int;
		nseen++;
	}
}

static int prot_vdso(unsigned char *v, int prot)
{
	if (mprotect(v, 8192, prot) == 0)
		return 0;
	return mprotect(v, 4096, prot);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "noexec";
	unsigned char *v = (unsigned char *)getauxval(AT_SYSINFO_EHDR);
	int rc = 0;
	if (!v) {
		printf("no vDSO\n");
		return 2;
	}
	if (strcmp(mode, "noexec") == 0) {
		rc = prot_vdso(v, PROT_READ);
	} else if (strcmp(mode, "none") == 0) {
		rc = prot_vdso(v, PROT_NONE);
	} else if (strcmp(mode, "fake") == 0) {
		rc = prot_vdso(v, PROT_READ | PROT_WRITE);
		if (rc == 0) {
			v[8] = 0x0f;
			v[9] = 0x05;
			rc = prot_vdso(v, PROT_READ | PROT_EXEC);
		}
	} else if (strcmp(mode, "tfspin") == 0) {
		struct sigaction sa = { .sa_sigaction = on_trap, .sa_flags = SA_SIGINFO };
		pthread_t th;
		forever = 1;
		sigaction(SIGTRAP, &sa, NULL);
		rc = pthread_create(&th, NULL, stepper, NULL);
		while (rc == 0 && steps < 100)
			__asm__ volatile("" ::: "memory");
	} else if (strcmp(mode, "sigspin") == 0 || strcmp(mode, "sigign") == 0) {
		struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
		pthread_t th;
		if (strcmp(mode, "sigign") == 0)
			sa.sa_handler = SIG_IGN;
		sigaction(SIGUSR1, &sa, NULL);
		rc = pthread_create(&th, NULL, spinner, NULL);
		while (rc == 0 && !target_tid)
			__asm__ volatile("" ::: "memory");
		if (rc == 0)
			rc = pthread_create(&th, NULL, sender, NULL);
		while (rc == 0 && usr1 + sent < 100)
			__asm__ volatile("" ::: "memory");
	} else if (strcmp(mode, "sigblk") == 0) {
		struct sigaction sa = { .sa_sigaction = on_sig, .sa_flags = SA_SIGINFO };
		int sigs[] = { SIGUSR1, SIGUSR2, SIGCONT, SIGRTMIN, SIGRTMIN + 1 };
		int own[] = { SIGRTMIN + 1, SIGUSR1, SIGCONT, SIGRTMIN };
		sigset_t set;
		sigfillset(&sa.sa_mask);
		sigemptyset(&set);
		for (int i = 0; i < 5; i++) {
			sigaction(sigs[i], &sa, NULL);
			sigaddset(&set, sigs[i]);
		}
		sigprocmask(SIG_BLOCK, &set, NULL);
		for (int i = 0; i < 4 && rc == 0; i++)
			rc = (int)syscall(SYS_tgkill, getpid(), (pid_t)syscall(SYS_gettid),
					  own[i]);
		if (rc == 0) {
			printf("ready %d\n", SIGRTMIN);
			fflush(stdout);
			char buf[16];
			int zero = 0;
			long n;
			do
				n = minos_read(&zero, 1, buf, sizeof(buf), NULL);
			while (n == -4);
			sigprocmask(SIG_UNBLOCK, &set, NULL);
			for (int i = 0; i < nseen; i++)
				printf("signal %d code %d value %d\n", seen[i].sig,
				       seen[i].code, seen[i].value);
			printf("alive %ld\n", n);
			return 0;
		}
	} else if (strcmp(mode, "tf") == 0) {
		struct sigaction sa = { .sa_sigaction = on_trap, .sa_flags = SA_SIGINFO };
		sigaction(SIGTRAP, &sa, NULL);
		__asm__ volatile("pushfq; orq $0x100, (%%rsp); popfq" ::: "memory", "cc");
	}
	if (rc != 0) {
		printf("mprotect failed\n");
		return 3;
	}
	printf("ready\n");
	fflush(stdout);
	char buf[16];
	int zero = 0;
	long n;
	do
		n = minos_read(&zero, 1, buf, sizeof(buf), NULL);
	while (n == -4);
	printf("alive %ld\n", n);
	return 0;
}
