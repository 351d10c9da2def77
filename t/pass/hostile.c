/* A hostile child against its parent's wpass (t/935-pass.bats).
 *
 * Parent: `hostile MODE < hostile` starts itself as a child (cnew of rfd 0)
 * with a pipe in slot 0 (its MODE) and a pipe in slot 1 (its report), then
 * passes N wfds into it and prints one line per outcome.
 * Child (argc 0; on an old minos argc 1 and an empty argv[0]): reads MODE
 * and attacks the instruction its threads are borrowed at:
 *   argc    report argc and whether argv[0] is NULL, then end;
 *   jmp     make the vDSO writable and turn every syscall in it into
 *           `jmp .`, report what mprotect said, spin;
 *   unmap   unmap the vDSO, report, spin;
 *   signals a thread sends the main thread SIGUSR1 without pause while it
 *           spins, its handler making system calls;
 *   full    fill the table (no free number), spin.
 * Every pass must be answered: a new number (distinct, small) or an error
 * of the contract; the parent prints a summary, so no output is timing. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "minos.h"

static void say(int wfd, const char *s)
{
	minos_write(wfd, s, strlen(s));
}

static volatile long handled;
static pid_t main_tid;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
	getppid(); /* a system call inside the handler */
	syscall(SYS_getpid);
}

static void *storm(void *arg)
{
	(void)arg;
	for (;;)
		syscall(SYS_tgkill, getpid(), main_tid, SIGUSR1);
	return NULL;
}

static int child(void)
{
	char mode[16] = { 0 }, line[128];
	int r0 = 0;
	long n = minos_read(&r0, 1, mode, sizeof(mode) - 1, NULL);
	if (n <= 0)
		return 1;
	unsigned long vdso = getauxval(AT_SYSINFO_EHDR);
	if (strcmp(mode, "argc") == 0) {
		return 0;
	} else if (strcmp(mode, "jmp") == 0) {
		long rc = mprotect((void *)vdso, 8192, PROT_READ | PROT_WRITE | PROT_EXEC);
		if (rc == 0)
			for (unsigned char *p = (unsigned char *)vdso;
			     p + 1 < (unsigned char *)vdso + 8192; p++)
				if (p[0] == 0x0f && p[1] == 0x05)
					p[0] = 0xeb, p[1] = 0xfe;
		snprintf(line, sizeof(line), "child: mprotect %s\n", rc ? "refused" : "allowed");
		say(1, line);
	} else if (strcmp(mode, "unmap") == 0) {
		long rc = munmap((void *)vdso, 8192);
		snprintf(line, sizeof(line), "child: munmap %s\n", rc ? "refused" : "allowed");
		say(1, line);
	} else if (strcmp(mode, "signals") == 0) {
		struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
		sigaction(SIGUSR1, &sa, NULL);
		main_tid = (pid_t)syscall(SYS_gettid);
		pthread_t t;
		pthread_create(&t, NULL, storm, NULL);
		say(1, "child: storm\n");
	} else if (strcmp(mode, "full") == 0) {
		int w, r, k = 0;
		long rc;
		while ((rc = minos_pipe(&w, &r)) >= 0)
			k++;
		snprintf(line, sizeof(line), "child: full (%d pipes, then %ld)\n", k, rc);
		say(1, line);
	}
	minos_wclose(1);
	for (;;)
		;
}

int main(int argc, char **argv)
{
	if (argc == 0 || argv[0][0] == '\0') {
		char line[64];
		snprintf(line, sizeof(line), "child: argc %d, argv[0] %s\n", argc,
			 argv[0] ? "set" : "NULL");
		say(1, line);
		return child();
	}
	const char *mode = argc > 1 ? argv[1] : "argc";
	int npass = argc > 2 ? atoi(argv[2]) : 20;
	int mw, mr, rw, rr;
	minos_pipe(&mw, &mr);
	minos_pipe(&rw, &rr);
	int fds[3] = { mr, -1, rw }; /* rfd slot 0; wfd slot 1 */
	long cid = minos_cnew(0, fds, 1, 2, MINOS_ARCH_X86_64_ELF);
	if (cid < 0) {
		printf("cnew = %ld\n", cid);
		return 1;
	}
	minos_write(mw, mode, strlen(mode));
	minos_wclose(mw);
	/* The child's report ends when it closes its wfd (before it spins). */
	char buf[256];
	long n;
	while ((n = minos_read(&rr, 1, buf, sizeof(buf), NULL)) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	fflush(stdout);
	if (strcmp(mode, "argc") == 0)
		return 0;
	long ok = 0, bad = 0, errs[8] = { 0 };
	unsigned char seen[1024] = { 0 };
	for (int i = 0; i < npass; i++) {
		int w, r;
		minos_pipe(&w, &r);
		long at = minos_wpass(w, (int)cid);
		minos_rclose(r);
		if (at >= 0 && at < 1024 && !seen[at]) {
			seen[at] = 1;
			/* Gone from us: our number is EBADF now. */
			if (minos_write(w, "x", 1) == -EBADF)
				ok++;
			else if (bad++ < 3)
				printf("pass %d: our wfd still open\n", i);
		} else if (at == -EMFILE || at == -ESRCH) {
			errs[at == -EMFILE ? 0 : 1]++;
			minos_wclose(w); /* still ours */
		} else {
			if (bad++ < 3)
				printf("pass %d = %ld\n", i, at);
		}
	}
	printf("passes: %ld placed, %ld EMFILE, %ld ESRCH, %ld wrong\n", ok, errs[0],
	       errs[1], bad);
	printf("ckill = %ld\n", minos_ckill((int)cid));
	return bad ? 1 : 0;
}
