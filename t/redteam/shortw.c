/* shortw: a pass into a child cuts the child's blocking pipe write short.
 *
 * The child writes 1 MiB on its wfd 1 (a pipe nobody reads yet: the
 * write blocks after 64 KiB), then reports the write's result on wfd 2;
 * the parent makes 5 wpasses into it meanwhile, then reads everything.
 * Linux completes a blocking pipe write unless a signal handler runs; no
 * signal is sent here.  `shortw < shortw` prints "passes placed: 5; parent read N bytes;
 * child: write = R"; expected N = R = 1048576.
 *
 * `shortw sig < shortw`: after the passes the parent has a second thread
 * of the child send the writer SIGUSR1 (caught), before it reads
 * anything: Linux then ends the write with what fits in the pipe, so
 * "child: write = 65536, usr1 = 1" (a rest of the write that held
 * signals would write it all). */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "rt.h"
static char big[1 << 20];
static volatile int usr1;
static pid_t writer;

static void on_usr1(int sig)
{
	(void)sig;
	usr1++;
}

/* The child's second thread: on 's' from rfd 0, SIGUSR1 to the writer. */
static void *signaller(void *arg)
{
	(void)arg;
	char c;
	int zero = 0;
	while (minos_read(&zero, 1, &c, 1, NULL) == 1)
		if (c == 's')
			syscall(SYS_tgkill, getpid(), writer, SIGUSR1);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc == 0 || (argc == 1 && argv[0] && argv[0][0] == '\0')) {
		pthread_t th;
		writer = (pid_t)syscall(SYS_gettid);
		signal(SIGUSR1, on_usr1);
		pthread_create(&th, NULL, signaller, NULL);
		long n = write(1, big, sizeof big); /* blocks: nobody reads yet */
		char line[64];
		snprintf(line, sizeof line, "child: write = %ld, usr1 = %d\n", n, usr1);
		write(2, line, strlen(line));
		return 0;
	}
	if (rt_read_self() < 0) return 2;
	int dw, dr, rw, rr, cw, cr;
	minos_pipe(&dw, &dr); minos_pipe(&rw, &rr); minos_pipe(&cw, &cr);
	int fds[4] = { cr, -1, dw, rw }; /* rfd 0 control; wfd 1 data, wfd 2 report */
	long cid = rt_spawn_self(fds, 1, 3);
	int placed = 0;
	for (int i = 0; i < 5; i++) {
		int w, r;
		minos_pipe(&w, &r);
		placed += minos_wpass(w, (int)cid) >= 0;
		minos_rclose(r);
	}
	bool sig = argc > 1 && strcmp(argv[1], "sig") == 0;
	char line[64];
	long n;
	if (sig) { /* the write's result before anything is read */
		minos_write(cw, "s", 1);
		n = minos_read(&rr, 1, line, sizeof line - 1, NULL);
		line[n > 0 ? n : 0] = 0;
	}
	minos_wclose(cw);
	static char buf[1 << 16]; long total = 0;
	while ((n = minos_read(&dr, 1, buf, sizeof buf, NULL)) > 0) total += n;
	if (!sig) {
		n = minos_read(&rr, 1, line, sizeof line - 1, NULL);
		line[n > 0 ? n : 0] = 0;
	}
	printf("passes placed: %d; parent read %ld bytes; %s", placed, total, line);
	return 0;
}
