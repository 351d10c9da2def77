/* SPDX-License-Identifier: MIT */
/*
 * faults - the container side of the fault-injection tests
 * (t/950-faults.bats): a child is killed from outside (SIGKILL of its
 * process) in the middle of a Minos call, and this program, its parent,
 * checks that its own calls are answered as documented and that no
 * descriptor was lost or duplicated.  One line per step on wfd 1; a line
 * that starts with "bad" is a broken promise.  The test reads the lines
 * through a FIFO and kills the newest container when told to ("kill me
 * now" lines end in "now"), then answers on rfd 0.
 *
 *	cnew	a flat child waits in a cnew of a stream this program feeds,
 *		listing a wfd whose reader this program keeps; the child is
 *		killed while the supervisor reads its image.  Then: writing
 *		to the stream is EPIPE, the listed wfd's reader sees end of
 *		file (no copy survives), ckill is ESRCH.
 *	wpass	wpass of fresh wfds into a flat child that closes whatever
 *		it gets, until the child is killed: every answer is a number,
 *		EMFILE or ESRCH; a refused wfd is still ours exactly once;
 *		the last one passed sees end of file.
 *	pipe	a flat child makes and closes Minos pipes in a loop and holds
 *		a wfd whose reader this program keeps; killed mid-loop, the
 *		reader sees end of file and this program's table is as before.
 *	tree	start three spinning flat children and a thread waiting in a
 *		cnew, say "ready now" and wait: the test kills minos-exec.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <minos.h>

#include "../guests/guest.h"

/* flat children: position-independent, loaded at MINOS_FLAT_BASE */
__asm__(".pushsection .rodata\n"
	/* cnew(0, {1}, 0, 1, FLAT), then spin */
	"flat_cnew:\n"
	"	subq $16, %rsp\n"
	"	movl $1, (%rsp)\n"
	"	xorl %edi, %edi\n"
	"	movq %rsp, %rsi\n"
	"	xorl %edx, %edx\n"
	"	movl $1, %r10d\n"
	"	movl $1, %r8d\n"
	"	movl $0x4401, %eax\n"
	"	syscall\n"
	"1:	jmp 1b\n"
	"flat_cnew_end:\n"
	/* close 0..255 forever (Linux close) */
	"flat_closer:\n"
	"	xorl %ebx, %ebx\n"
	"2:	movzbl %bl, %edi\n"
	"	movl $3, %eax\n"
	"	syscall\n"
	"	incb %bl\n"
	"	jmp 2b\n"
	"flat_closer_end:\n"
	/* write one byte to wfd 1, then Minos pipe and close both, forever */
	"flat_piper:\n"
	"	movl $0x4405, %eax\n"
	"	movl $1, %edi\n"
	"	leaq flat_piper(%rip), %rsi\n"
	"	movl $1, %edx\n"
	"	syscall\n"
	"3:	movl $0x4403, %eax\n"
	"	syscall\n"
	"	movq %rdx, %r12\n"
	"	movl %eax, %edi\n"
	"	movl $3, %eax\n"
	"	syscall\n"
	"	movl %r12d, %edi\n"
	"	movl $3, %eax\n"
	"	syscall\n"
	"	jmp 3b\n"
	"flat_piper_end:\n"
	/* jmp . */
	"flat_spin:\n"
	"	jmp flat_spin\n"
	"flat_spin_end:\n"
	".popsection\n");
extern const unsigned char flat_cnew[], flat_cnew_end[];
extern const unsigned char flat_closer[], flat_closer_end[];
extern const unsigned char flat_piper[], flat_piper_end[];
extern const unsigned char flat_spin[], flat_spin_end[];

static char rbuf[32], rbuf2[32];

#define say(...) (printf(__VA_ARGS__), fflush(stdout))

/* wait for the test's answer (one line on rfd 0) */
static void wait_go(void)
{
	char line[16];

	if (!fgets(line, sizeof(line), stdin)) {
		say("bad: no answer from the test\n");
		exit(1);
	}
}

/* write all of buf to wfd; the last result */
static long write_all(int wfd, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	long n = 0;

	while (len) {
		n = minos_write(wfd, p, len);
		if (n <= 0)
			return n;
		p += n;
		len -= (size_t)n;
	}
	return n;
}

/* a flat child from blob, with the given descriptors; its cid */
static long start_flat(const unsigned char *b, const unsigned char *e,
		       const int *fds, unsigned nr, unsigned nw)
{
	int w, r;
	long cid;

	if (minos_pipe(&w, &r) < 0)
		return -1;
	write_all(w, b, (size_t)(e - b));
	minos_wclose(w);
	cid = minos_cnew(r, fds, nr, nw, MINOS_ARCH_X86_64_FLAT);
	if (cid <= 0)
		say("bad: cnew = %s\n", guest_result(cid, rbuf));
	return cid;
}

static long read1(int rfd)
{
	char c;
	int from;

	return minos_read(&rfd, 1, &c, 1, &from);
}

static int mode_cnew(void)
{
	static unsigned char junk[256 << 10];
	int sw, sr, dw, dr, fds[3];
	long cid, r;
	int i;

	/* the child's rfd 0: the stream S it cnews; its wfd 1: D's writer */
	if (minos_pipe(&sw, &sr) < 0 || minos_pipe(&dw, &dr) < 0)
		return 1;
	fds[0] = sr;
	fds[1] = -1;
	fds[2] = dw;
	cid = start_flat(flat_cnew, flat_cnew_end, fds, 1, 2);
	if (cid <= 0)
		return 1;
	/* more than a pipe holds: once written, the supervisor is reading
	 * S for the child's cnew */
	memset(junk, 0x90, sizeof(junk));
	r = write_all(sw, junk, sizeof(junk));
	say("fed: %s\n", r > 0 ? "yes" : guest_result(r, rbuf));
	say("kill the child now\n");
	wait_go();
	/* the child is gone: its code stream has no reader */
	for (i = 0; i < 256; i++) {
		r = minos_write(sw, junk, sizeof(junk));
		if (r <= 0)
			break;
	}
	say("write to its code stream: %s\n", guest_result(r, rbuf));
	say("read of the wfd it listed: %s\n", guest_result(read1(dr), rbuf));
	say("ckill: %s\n", guest_result(minos_ckill((int)cid), rbuf));
	say("wclose/rclose: %s %s\n", guest_result(minos_wclose(sw), rbuf),
	    guest_result(minos_rclose(dr), rbuf2));
	return 0;
}

static int mode_wpass(void)
{
	long cid, r;
	long ok = 0, emfile = 0, bad = 0, i;
	int w, rr, last_r = -1;

	cid = start_flat(flat_closer, flat_closer_end, NULL, 0, 0);
	if (cid <= 0)
		return 1;
	for (i = 0; i < 10000000; i++) {
		if (minos_pipe(&w, &rr) < 0) {
			say("bad: pipe failed\n");
			return 1;
		}
		r = minos_wpass(w, (int)cid);
		if (r >= 0) {
			ok++;
			if (last_r >= 0)
				minos_rclose(last_r);
			last_r = rr;
			if (ok == 1)
				say("passing: kill the child now\n");
			continue;
		}
		minos_rclose(rr);
		if (r != -EMFILE && r != -ESRCH) {
			say("bad: wpass = %s\n", guest_result(r, rbuf));
			bad++;
		}
		/* refused: the wfd is ours, once */
		if (minos_wclose(w) != 0 || minos_wclose(w) != -EBADF) {
			say("bad: a refused wfd is not ours exactly once\n");
			bad++;
		}
		if (r == -EMFILE)
			emfile++;
		if (r == -ESRCH || bad)
			break;
	}
	say("wpass: %s after %s passes\n",
	    i < 10000000 ? guest_result(r, rbuf) : "no end", ok ? "some" : "no");
	(void)emfile;
	if (last_r >= 0)
		say("read of the last wfd passed: %s\n", guest_result(read1(last_r), rbuf));
	return bad ? 1 : 0;
}

static int mode_pipe(void)
{
	int dw, dr, fds[2], w, r;
	long cid;

	if (minos_pipe(&dw, &dr) < 0)
		return 1;
	fds[0] = -1;
	fds[1] = dw;
	cid = start_flat(flat_piper, flat_piper_end, fds, 0, 2);
	if (cid <= 0)
		return 1;
	say("first byte: %s\n", guest_result(read1(dr), rbuf));
	say("piping: kill the child now\n");
	wait_go();
	say("then: %s\n", guest_result(read1(dr), rbuf));
	minos_rclose(dr);
	/* our own table is as before: the lowest numbers are free again */
	say("pipe: %s\n", guest_result(minos_pipe(&w, &r), rbuf));
	say("numbers: %d %d (were %d %d)\n", w, r, dw, dr);
	return 0;
}

static void *stuck_cnew(void *p)
{
	int r = *(int *)p;

	minos_cnew(r, NULL, 0, 0, MINOS_ARCH_X86_64_FLAT);
	return NULL;
}

static int mode_tree(void)
{
	static int sr;
	int sw, i;
	pthread_t t;

	for (i = 0; i < 3; i++)
		if (start_flat(flat_spin, flat_spin_end, NULL, 0, 0) <= 0)
			return 1;
	if (minos_pipe(&sw, &sr) < 0 || pthread_create(&t, NULL, stuck_cnew, &sr))
		return 1;
	minos_write(sw, flat_spin, 2);
	say("ready now\n");
	wait_go();
	say("bad: still running\n");
	return 1;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "cnew"))
		return mode_cnew();
	if (argc == 2 && !strcmp(argv[1], "wpass"))
		return mode_wpass();
	if (argc == 2 && !strcmp(argv[1], "pipe"))
		return mode_pipe();
	if (argc == 2 && !strcmp(argv[1], "tree"))
		return mode_tree();
	fprintf(stderr, "usage: faults cnew|wpass|pipe|tree\n");
	return 2;
}
