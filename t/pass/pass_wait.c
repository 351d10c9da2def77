/* A child that never lends a thread, against its parent's wpass
 * (t/936-pass-wait.bats).
 *
 * Parent: `pass_wait MODE < pass_wait` starts itself as a child (cnew of
 * rfd 0) with slot 0 = MODE's rfd, slot 1 = the child's report wfd, slot
 * 2 = an rfd the child may use as a code stream (the parent keeps its
 * wfd), then passes wfds into it and prints what came back.
 * Child (argc 0) reads MODE, says "ready" on its report, then:
 *   cnew   its only thread makes a cnew of slot 2 and so waits for code
 *          the parent never sends until its wpass is answered;
 *   cnew2  the same, and a second thread waits in a cnew of a stream
 *          nobody writes (so no thread of the child is free);
 *   pipes  (not about waiting: the fast Minos pipe of a one-thread
 *          container) it makes pipes without pause, each checked by a
 *          byte, until the parent says stop on slot 0, while the parent
 *          passes 50 wfds into it; then writes 'z' into every number
 *          above 2 it holds: each passed wfd must still be there (no
 *          pipe end was installed over it);
 *   stop   it sends itself SIGSTOP and SIGTSTP (discarded: a container
 *          cannot stop itself), then blocks in a read;
 * and, once its call returns, says "back" and blocks in a read forever.
 * Passes are tried with a fresh pipe each until one is refused (the child
 * may not be in its cnew yet when the first comes: it is then placed),
 * at most 500 times.  Every answer must be a number (the wfd then gone
 * from us) or EAGAIN (the wfd still ours: a byte written to it comes
 * out of its rfd); nothing else, and no pass may hang.  The output says
 * only outcomes, never times. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "minos.h"

static void say(int wfd, const char *s)
{
	minos_write(wfd, s, strlen(s));
}

static void block_forever(void)
{
	int w, r;
	char c;
	minos_pipe(&w, &r);
	for (;;)
		minos_read(&r, 1, &c, 1, NULL);
}

static volatile int second_in;

static void *second(void *arg)
{
	int w, r;
	(void)arg;
	minos_pipe(&w, &r);
	second_in = 1;
	minos_cnew(r, NULL, 0, 0, MINOS_ARCH_X86_64_FLAT); /* until ckill */
	return NULL;
}

static int child(void)
{
	char mode[16] = { 0 }, line[128];
	int r0 = 0;
	long n = minos_read(&r0, 1, mode, sizeof(mode) - 1, NULL);
	if (n <= 0)
		return 1;
	if (strcmp(mode, "cnew2") == 0) {
		pthread_t t;
		pthread_create(&t, NULL, second, NULL);
		while (!second_in)
			sched_yield();
		say(1, "child: ready\n");
		minos_cnew(2, NULL, 0, 0, MINOS_ARCH_X86_64_FLAT);
		say(1, "child: back\n");
	} else if (strcmp(mode, "cnew") == 0) {
		say(1, "child: ready\n");
		long rc = minos_cnew(2, NULL, 0, 0, MINOS_ARCH_X86_64_FLAT);
		/* What we hold now: 0, 1 and whatever was placed. */
		int open = 0;
		for (int fd = 0; fd < 1024; fd++)
			open += fcntl(fd, F_GETFD) >= 0;
		snprintf(line, sizeof(line), "child: back (cnew %s) %d open\n",
			 rc == -ENOEXEC ? "ENOEXEC" : "other", open);
		say(1, line);
	} else if (strcmp(mode, "pipes") == 0) {
		int fl = fcntl(0, F_GETFL);
		fcntl(0, F_SETFL, fl | O_NONBLOCK);
		say(1, "child: ready\n");
		long ok = 0, bad = 0;
		for (long i = 0; i < 200000; i++) {
			int w, r;
			char c = 0, stop;
			if (minos_read(&r0, 1, &stop, 1, NULL) == 1)
				break;
			if (minos_pipe(&w, &r) < 0) {
				bad++;
				continue;
			}
			if (minos_write(w, "p", 1) == 1 &&
			    minos_read(&r, 1, &c, 1, NULL) == 1 && c == 'p' && w < r)
				ok++;
			else
				bad++;
			minos_wclose(w);
			minos_rclose(r);
		}
		for (int fd = 3; fd < 256; fd++)
			minos_write(fd, "z", 1);
		snprintf(line, sizeof(line), "child: back (pipes %s)\n",
			 ok > 0 && bad == 0 ? "all right" : "WRONG");
		say(1, line);
	} else if (strcmp(mode, "stop") == 0) {
		pid_t pid = getpid(), tid = (pid_t)syscall(SYS_gettid);
		syscall(SYS_tgkill, pid, tid, SIGSTOP);
		syscall(SYS_tgkill, pid, tid, SIGTSTP);
		say(1, "child: ready\n");
		say(1, "child: back (still running)\n");
	}
	block_forever();
	return 0;
}

/* A line from rfd r (the child's report), into buf. */
static long line_from(int r, char *buf, size_t size)
{
	size_t k = 0;
	while (k + 1 < size) {
		long n = minos_read(&r, 1, buf + k, 1, NULL);
		if (n <= 0)
			break;
		if (buf[k++] == '\n')
			break;
	}
	buf[k] = 0;
	return (long)k;
}

/* Pass a fresh wfd; 1 placed, 0 EAGAIN (and still ours), -1 wrong. */
static int one_pass(int cid, long *got)
{
	int w, r;
	minos_pipe(&w, &r);
	long at = *got = minos_wpass(w, cid);
	char c = 0;
	int res = -1;
	if (at >= 0)
		res = minos_write(w, "x", 1) == -EBADF ? 1 : -1;
	else if (at == -EAGAIN)
		res = minos_write(w, "y", 1) == 1 &&
		      minos_read(&r, 1, &c, 1, NULL) == 1 && c == 'y' &&
		      minos_wclose(w) == 0 ? 0 : -1;
	minos_rclose(r);
	return res;
}

int main(int argc, char **argv)
{
	if (argc == 0 || argv[0][0] == '\0')
		return child();
	const char *mode = argc > 1 ? argv[1] : "cnew";
	int mw, mr, rw, rr, cw, cr;
	minos_pipe(&mw, &mr);
	minos_pipe(&rw, &rr);
	minos_pipe(&cw, &cr);
	int fds[5] = { mr, -1, cr, -1, rw }; /* rfds 0, 2; wfd 1 */
	long cid = minos_cnew(0, fds, 3, 2, MINOS_ARCH_X86_64_ELF);
	if (cid < 0) {
		printf("cnew = %ld\n", cid);
		return 1;
	}
	minos_write(mw, mode, strlen(mode));
	char line[128];
	line_from(rr, line, sizeof(line));
	fputs(line, stdout); /* child: ready */
	fflush(stdout);
	if (strcmp(mode, "pipes") == 0) {
		int kept[50], placed = 0, intact = 0;
		for (int i = 0; i < 50; i++) {
			int w, r;
			minos_pipe(&w, &r);
			kept[i] = r;
			placed += minos_wpass(w, (int)cid) >= 0;
		}
		minos_write(mw, "s", 1);
		line_from(rr, line, sizeof(line));
		fputs(line, stdout);
		for (int i = 0; i < 50; i++) {
			char c = 0;
			intact += minos_read(&kept[i], 1, &c, 1, NULL) == 1 && c == 'z';
		}
		printf("passed %d of 50, %d still the child's\n", placed, intact);
		printf("ckill = %ld\n", minos_ckill((int)cid));
		return placed == 50 && intact == 50 ? 0 : 1;
	}
	minos_wclose(mw);
	int placed = 0, wrong = 0, eagain = 0;
	long got = 0;
	for (int i = 0; i < 500 && !eagain; i++) {
		int r = one_pass((int)cid, &got);
		if (r == 1)
			placed++;
		else if (r == 0)
			eagain++;
		else {
			wrong++;
			printf("pass %d = %ld\n", i, got);
			break;
		}
		if (strncmp(mode, "cnew", 4) != 0)
			break; /* one answer is all the others need */
	}
	printf("passes: %s%s\n", eagain ? "EAGAIN, the wfd still ours" :
		placed ? "placed" : "none", wrong ? " (and wrong)" : "");
	fflush(stdout);
	/* Let the child go on (its cnew ends: no code), then pass again. */
	minos_wclose(cw);
	line_from(rr, line, sizeof(line));
	char *o = strstr(line, ") ");
	if (o && strcmp(mode, "cnew") == 0) {
		/* Each placed pass is one number more in the child; a
		 * refused one none. */
		int open = atoi(o + 2);
		printf("child: back; holds %s\n", open == 2 + placed ?
		       "exactly the placed wfds" : "something else");
		if (open != 2 + placed)
			printf("(%d open, %d placed)\n", open, placed);
	} else {
		fputs(line, stdout);
	}
	int r = one_pass((int)cid, &got);
	printf("then: %s\n", r == 1 ? "placed" : r == 0 ? "EAGAIN" : "wrong");
	printf("ckill = %ld\n", minos_ckill((int)cid));
	return wrong || r != 1 ? 1 : 0;
}
