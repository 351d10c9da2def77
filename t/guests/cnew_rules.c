/* SPDX-License-Identifier: MIT */
/*
 * cnew_rules - the rules of cnew and ckill (SPEC section 3), one result a
 * line, for t/700-cnew.bats.  Results are numbers or -ENAME (guest.h).
 *
 * Modes that start a child of this very program (an ELF child) need this
 * program's own image on rfd 0: `minos-exec cnew_rules MODE < cnew_rules`.
 * Such a child has no arguments (argc 0, or 1 with an empty argv[0]) and
 * reads a command line from its rfd 0; see child_main().
 *
 *	errors		every failing cnew, each followed by the caller's open
 *			descriptors (rfd 0 = own image, for a truncated one)
 *	moves		descriptors move on success; cids 1, 2, 3 ...
 *	slots		an ELF child sees the listed descriptors at their slots
 *			(rfd 0 = own image)
 *	stdin		cnew of rfd 0 itself, passing wfd 1 to the child
 *	flat		a flat child's entry, registers, stack alignment and
 *			stack; then the same bytes as an ELF image
 *	crash		a flat child that dies of SIGSEGV
 *	sizes LIMIT	with --image-size=LIMIT (bytes): a flat image of LIMIT
 *			bytes runs, LIMIT+1 and 4*LIMIT are E2BIG
 *	many [multi]	start flat children blocked in a read until cnew fails
 *			(multi: a Minos read of two rfds, which the supervisor
 *			waits on itself)
 *	slow		a thread's cnew waits for its code stream while the
 *			main thread starts another child and reads its output
 *	stuck exit|wall|wallspin
 *			a thread's cnew on a stream that never ends; the main
 *			thread does other work, then exit_group (exit) or
 *			only itself ends (wall: the container stays);
 *			wallspin: the stream holds a whole spinning image
 *	ckill		ckill a spinning ELF child that has a spinning flat
 *			child of its own, then ckill it again (rfd 0 = own
 *			image); exits 3
 *	ckillwait	ckill an ELF child one of whose threads waits in a
 *			cnew on a stream the child holds open (rfd 0 = own
 *			image): the stream ends as the child dies
 *	ckillfeed	ckill an ELF child waiting in a cnew of its rfd 0,
 *			then write a whole image to that stream and end it
 *			(rfd 0 = own image)
 *	respawn		with --containers=2: cnew, ckill, cnew at once
 *	race close|move	a thread's cnew lists an rfd and waits for its code
 *			stream; meanwhile the main thread closes that rfd
 *			(close) or gives it to a child of its own (move), makes
 *			a new pipe, then ends the stream
 *	counts N	cnew with N empty rfd slots, N empty wfd slots, both
 *	ckillread	ckill a flat child blocked in a read of two rfds
 *	late		start an ELF child and exit 7 at once; the child prints
 *			when it sees the parent gone (rfd 0 = own image)
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <minos.h>

#include "guest.h"

/* ---- flat images: position-independent code, loaded at 0x10000 ---------- */

__asm__(".pushsection .rodata\n"
	/* mov eax,60; mov edi,42; syscall */
	"flat_exit42:\n"
	"	movl $60, %eax\n"
	"	movl $42, %edi\n"
	"	syscall\n"
	"flat_exit42_end:\n"

	/* jmp . */
	"flat_spin:\n"
	"	jmp flat_spin\n"
	"flat_spin_end:\n"

	/* store to address 0: SIGSEGV */
	"flat_crash:\n"
	"	movl $0, 0\n"
	"flat_crash_end:\n"

	/* Minos read of rfd 0 until end of stream or an error; exit 0. */
	"flat_block:\n"
	"	leaq fb_rfd(%rip), %rdi\n"
	"	movl $1, %esi\n"
	"	leaq -64(%rsp), %rdx\n"
	"	movl $64, %r10d\n"
	"	movl $0x4404, %eax\n"
	"	syscall\n"
	"	testq %rax, %rax\n"
	"	jg flat_block\n"
	"	xorl %edi, %edi\n"
	"	movl $60, %eax\n"
	"	syscall\n"
	"fb_rfd:\n"
	"	.long 0\n"
	"flat_block_end:\n"

	/* The same with a Minos read of two rfds, {0, 0}: a read the
	 * supervisor waits on itself. */
	"flat_block2:\n"
	"	leaq fb2_rfds(%rip), %rdi\n"
	"	movl $2, %esi\n"
	"	leaq -64(%rsp), %rdx\n"
	"	movl $64, %r10d\n"
	"	movl $0x4404, %eax\n"
	"	syscall\n"
	"	testq %rax, %rax\n"
	"	jg flat_block2\n"
	"	xorl %edi, %edi\n"
	"	movl $60, %eax\n"
	"	syscall\n"
	"fb2_rfds:\n"
	"	.long 0, 0\n"
	"flat_block2_end:\n"

	/* Started at 0x10000 with every general register but rsp zero, rsp
	 * 16-byte aligned, a mebibyte of stack below it: say so on wfd 1
	 * and exit 0. */
	"flat_hello:\n"
	"	orq %rbx, %rax\n"
	"	orq %rcx, %rax\n"
	"	orq %rdx, %rax\n"
	"	orq %rsi, %rax\n"
	"	orq %rdi, %rax\n"
	"	orq %rbp, %rax\n"
	"	orq %r8, %rax\n"
	"	orq %r9, %rax\n"
	"	orq %r10, %rax\n"
	"	orq %r11, %rax\n"
	"	orq %r12, %rax\n"
	"	orq %r13, %rax\n"
	"	orq %r14, %rax\n"
	"	orq %r15, %rax\n"
	"	jnz fh_regs\n"
	"	testq $15, %rsp\n"
	"	jnz fh_align\n"
	"	leaq flat_hello(%rip), %rax\n"
	"	cmpq $0x10000, %rax\n"
	"	jne fh_base\n"
	"	movb $1, -0xffff0(%rsp)\n"
	"	leaq fh_ok(%rip), %rsi\n"
	"	movl $(fh_ok_end - fh_ok), %edx\n"
	"	jmp fh_out\n"
	"fh_regs:\n"
	"	leaq fh_bad_regs(%rip), %rsi\n"
	"	movl $(fh_bad_regs_end - fh_bad_regs), %edx\n"
	"	jmp fh_out\n"
	"fh_align:\n"
	"	leaq fh_bad_align(%rip), %rsi\n"
	"	movl $(fh_bad_align_end - fh_bad_align), %edx\n"
	"	jmp fh_out\n"
	"fh_base:\n"
	"	leaq fh_bad_base(%rip), %rsi\n"
	"	movl $(fh_bad_base_end - fh_bad_base), %edx\n"
	"fh_out:\n"
	"	movl $1, %edi\n"
	"	movl $0x4405, %eax\n"
	"	syscall\n"
	"	xorl %edi, %edi\n"
	"	movl $60, %eax\n"
	"	syscall\n"
	"fh_ok:\n"
	"	.ascii \"flat child: at 0x10000, registers zero, rsp aligned, 1 MiB of stack\\n\"\n"
	"fh_ok_end:\n"
	"fh_bad_regs:\n"
	"	.ascii \"flat child: a register is not zero\\n\"\n"
	"fh_bad_regs_end:\n"
	"fh_bad_align:\n"
	"	.ascii \"flat child: rsp is not 16-byte aligned\\n\"\n"
	"fh_bad_align_end:\n"
	"fh_bad_base:\n"
	"	.ascii \"flat child: not started at 0x10000\\n\"\n"
	"fh_bad_base_end:\n"
	"flat_hello_end:\n"
	".popsection\n");

#define FLAT(name)                                                          \
	extern const unsigned char name[] __asm__(#name),                    \
		name##_end[] __asm__(#name "_end")
FLAT(flat_exit42);
FLAT(flat_spin);
FLAT(flat_crash);
FLAT(flat_block);
FLAT(flat_block2);
FLAT(flat_hello);
#define IMG(name) name, (size_t)(name##_end - name)

/* ---- helpers ------------------------------------------------------------ */

static const unsigned char *self;	/* this program's image, from rfd 0 */
static size_t self_len;

__attribute__((format(printf, 2, 3)))
static void say(int wfd, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (len >= (int)sizeof(line))
		len = sizeof(line) - 1;
	for (int done = 0; done < len;) {
		long n = minos_write(wfd, line + done, (size_t)(len - done));

		if (n <= 0)
			return;
		done += (int)n;
	}
}

static const char *res(long r)
{
	static char buf[4][32];
	static int i;

	i = (i + 1) % 4;
	return guest_result(r, buf[i]);
}

__attribute__((noreturn))
static void die(const char *what, long r)
{
	say(2, "cnew_rules: %s: %s\n", what, res(r));
	exit(1);
}

/* Is fd open?  poll with no events touches nothing. */
static int is_open(int fd)
{
	struct pollfd p = { .fd = fd, .events = 0 };

	return poll(&p, 1, 0) >= 0 && !(p.revents & POLLNVAL);
}

/* "0 1 2 ..." : the open descriptors below 64. */
static const char *open_fds(void)
{
	static char buf[256];
	size_t len = 0;

	buf[0] = 0;
	for (int fd = 0; fd < 64; fd++)
		if (is_open(fd))
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
						"%s%d", len ? " " : "", fd);
	return buf;
}

static const char *gone(int fd)
{
	return is_open(fd) ? "open" : "gone";
}

static void pipe_or_die(int *wfd, int *rfd)
{
	long r = minos_pipe(wfd, rfd);

	if (r < 0)
		die("minos_pipe", r);
}

static void write_all(int wfd, const void *p, size_t len)
{
	for (size_t done = 0; done < len;) {
		long n = minos_write(wfd, (const char *)p + done, len - done);

		if (n < 0)
			die("minos_write", n);
		done += (size_t)n;
	}
}

/* A code stream holding len bytes (at most a pipe's worth), ended. */
static int stream_of(const void *p, size_t len)
{
	int wfd, rfd;

	pipe_or_die(&wfd, &rfd);
	write_all(wfd, p, len);
	minos_wclose(wfd);
	return rfd;
}

/* A code stream of any size, written by a second thread. */
struct feed {
	int wfd;
	const unsigned char *p;
	size_t len;
	pthread_t th;
};

static void *feed_run(void *arg)
{
	struct feed *f = arg;

	for (size_t done = 0; done < f->len;) {
		long n = minos_write(f->wfd, f->p + done, f->len - done);

		if (n < 0)
			break; /* EPIPE: cnew gave up on the stream */
		done += (size_t)n;
	}
	minos_wclose(f->wfd);
	return NULL;
}

static int feed_start(struct feed *f, const unsigned char *p, size_t len)
{
	int rfd;

	f->p = p;
	f->len = len;
	pipe_or_die(&f->wfd, &rfd);
	if (pthread_create(&f->th, NULL, feed_run, f) != 0)
		die("pthread_create", -EAGAIN);
	return rfd;
}

static void feed_end(struct feed *f)
{
	pthread_join(f->th, NULL);
}

/* cnew of this program (ELF).  fds holds rcount rfds then wcount wfds;
 * fds[0], the child's rfd 0, is filled in here: a Minos pipe holding the
 * command line cmd, whose wfd is closed, or left open in *cmd_wfd if
 * cmd_wfd is not NULL. */
static long cnew_self(const char *cmd, int *cmd_wfd, int *fds,
		      unsigned rcount, unsigned wcount)
{
	struct feed f;
	int cw, cr, code;
	long cid;

	if (!self)
		die("this mode needs its own image on rfd 0", -EINVAL);
	pipe_or_die(&cw, &cr);
	write_all(cw, cmd, strlen(cmd));
	if (cmd_wfd)
		*cmd_wfd = cw;
	else
		minos_wclose(cw);
	fds[0] = cr;
	code = feed_start(&f, self, self_len);
	cid = minos_cnew(code, fds, rcount, wcount, MINOS_ARCH_X86_64_ELF);
	feed_end(&f);
	return cid;
}

/* Read rfd to its end; the bytes, NUL-terminated, in a static buffer. */
static const char *drain(int rfd)
{
	static char buf[4096];
	size_t len = 0;
	long n;

	while ((n = minos_read(&rfd, 1, buf + len, sizeof(buf) - 1 - len,
			       NULL)) > 0)
		len += (size_t)n;
	if (n < 0)
		die("minos_read", n);
	minos_rclose(rfd);
	buf[len] = 0;
	return buf;
}

/* Read one line (without its newline) from rfd, a byte at a time. */
static const char *read_line(int rfd)
{
	static char buf[256];
	size_t len = 0;

	while (len < sizeof(buf) - 1) {
		long n = minos_read(&rfd, 1, buf + len, 1, NULL);

		if (n < 0)
			die("minos_read", n);
		if (n == 0 || buf[len] == '\n')
			break;
		len++;
	}
	buf[len] = 0;
	return buf;
}

static void read_self(void)
{
	static unsigned char *buf;
	size_t cap = 0, len = 0;
	const int in = 0;
	long n;

	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (!buf)
				die("realloc", -ENOMEM);
		}
		n = minos_read(&in, 1, buf + len, cap - len, NULL);
		if (n < 0)
			die("reading rfd 0", n);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	self = buf;
	self_len = len;
}

/* slow and stuck: a second thread's cnew on a code stream the main
 * thread writes. */
struct slow {
	int code, out_w;
	long cid;
	pthread_t th;
};

static void *slow_run(void *arg)
{
	struct slow *s = arg;
	int fds[] = { -1, s->out_w };

	s->cid = minos_cnew(s->code, fds, 0, 2, MINOS_ARCH_X86_64_FLAT);
	return NULL;
}

/* ---- the child (an ELF child started by cnew_self) ----------------------- */

extern char **environ;

static int child_main(int argc, char **argv)
{
	const char *cmd = read_line(0);

	if (strcmp(cmd, "fds") == 0) {
		/* Which descriptors, of which direction (a write of 0 bytes
		 * is EBADF on an rfd). */
		char list[256] = "";
		size_t len = 0;

		for (int fd = 0; fd < 16; fd++)
			if (is_open(fd))
				len += (size_t)snprintf(list + len, sizeof(list) - len,
							" %d%c", fd,
							write(fd, "", 0) == 0 ? 'w' : 'r');
		say(1, "child: fds%s\n", list);
		say(1, "child: argc %d, argv[0] %s, environment %s\n", argc,
		    argc == 0 ? "none" : argv[0][0] ? argv[0] : "empty",
		    environ && environ[0] ? environ[0] : "empty");
		say(1, "child: rfd 3 says: %s\n", drain(3));
		write_all(4, "to parent", 9);
		return 0;
	}
	if (strcmp(cmd, "ckill") == 0) {
		int code = stream_of(IMG(flat_spin));

		say(1, "child: grandchild cid = %s\n",
		    res(minos_cnew(code, NULL, 0, 0, MINOS_ARCH_X86_64_FLAT)));
		say(1, "child: ckill 2 = %s\n", res(minos_ckill(2)));
		for (volatile int spin = 1; spin;)
			;
	}
	if (strcmp(cmd, "cnewwait") == 0) {
		/* A thread's cnew on a whole image whose stream has not ended
		 * (this container holds its wfd), passing wfd 1; then spin. */
		static struct slow s;
		int code_w;

		pipe_or_die(&code_w, &s.code);
		write_all(code_w, IMG(flat_hello));
		s.out_w = 1;
		if (pthread_create(&s.th, NULL, slow_run, &s) != 0)
			die("pthread_create", -EAGAIN);
		for (int i = 0; i < 1000; i++)
			sched_yield(); /* let it get into its cnew */
		say(1, "child: a thread waits in cnew\n");
		for (volatile int spin = 1; spin;)
			;
	}
	if (strcmp(cmd, "cnewstdin") == 0) {
		/* cnew of the rest of rfd 0, whose wfd the parent holds. */
		int fds[] = { -1, 1 };

		say(1, "child: cnew of rfd 0\n");
		say(2, "child: cnew of rfd 0 = %s\n",
		    res(minos_cnew(0, fds, 0, 2, MINOS_ARCH_X86_64_FLAT)));
		return 0;
	}
	if (strcmp(cmd, "late") == 0) {
		/* rfd 0 ends when the parent, which holds its wfd, is gone. */
		drain(0);
		say(1, "child: the parent has ended; still here\n");
		return 0;
	}
	say(2, "child: unknown command \"%s\"\n", cmd);
	return 2;
}

/* ---- the modes ---------------------------------------------------------- */

static void show(const char *what, long r)
{
	say(1, "%s = %s; open: %s\n", what, res(r), open_fds());
}

static int mode_errors(void)
{
	static int many[MINOS_READ_MAX_RFDS + 1];
	static const char garbage[] = "this is not an ELF image";
	int wa, ra, wb, rb, code;

	read_self();
	pipe_or_die(&wa, &ra); /* 3 4 */
	pipe_or_die(&wb, &rb); /* 5 6 */
	say(1, "pipes: %d %d %d %d; open: %s\n", wa, ra, wb, rb, open_fds());

	/* The code rfd itself: EBADF and nothing consumed. */
	code = stream_of(IMG(flat_exit42));
	show("code rfd is a wfd", minos_cnew(1, NULL, 0, 0, 1));
	show("code rfd is a pipe's wfd", minos_cnew(wa, &ra, 1, 0, 1));
	show("code rfd not open", minos_cnew(40, &ra, 1, 0, 1));
	show("code rfd -1", minos_cnew(-1, &ra, 1, 0, 1));
	show("code rfd 2^31", minos_cnew((int)0x80000000u, &ra, 1, 0, 1));
	minos_rclose(code);

	/* Everything else: the code rfd is consumed, the rest stays. */
	for (int i = 0; i <= MINOS_READ_MAX_RFDS; i++)
		many[i] = -1;
	show("arch 0", minos_cnew(stream_of(IMG(flat_exit42)), &ra, 1, 0, 0));
	show("arch 3", minos_cnew(stream_of(IMG(flat_exit42)), &ra, 1, 0, 3));
	show("arch 2^32+1", minos_cnew(stream_of(IMG(flat_exit42)), &ra, 1, 0,
				       (1UL << 32) | 1));
	show("65 rfds", minos_cnew(stream_of(IMG(flat_exit42)), many, 65, 0, 1));
	show("65 wfds", minos_cnew(stream_of(IMG(flat_exit42)), many, 0, 65, 1));
	show("2^32-1 wfds", minos_cnew(stream_of(IMG(flat_exit42)), many, 0,
				       0xffffffffu, 1));
	show("2^32-1 of both", minos_cnew(stream_of(IMG(flat_exit42)), many,
					  0xffffffffu, 0xffffffffu, 1));
	{
		int fds[] = { ra, wb };
		show("slot 0 in both parts",
		     minos_cnew(stream_of(IMG(flat_exit42)), fds, 1, 1, 1));
	}
	{
		int fds[] = { ra, rb, -1, -1, wb, -1 };
		show("slot 1 in both parts, later",
		     minos_cnew(stream_of(IMG(flat_exit42)), fds, 3, 3, 1));
	}
	{
		int fds[] = { ra, ra };
		show("an rfd listed twice",
		     minos_cnew(stream_of(IMG(flat_exit42)), fds, 2, 0, 1));
	}
	{
		int fds[] = { -1, wa, -1, wa };
		show("a wfd listed twice",
		     minos_cnew(stream_of(IMG(flat_exit42)), fds, 0, 4, 1));
	}
	{
		int fds[] = { ra, 0 };
		code = stream_of(IMG(flat_exit42));
		fds[1] = code;
		show("the code rfd listed", minos_cnew(code, fds, 2, 0, 1));
	}
	{
		int fds[] = { wa };
		show("a wfd as an rfd",
		     minos_cnew(stream_of(IMG(flat_exit42)), fds, 1, 0, 1));
	}
	{
		int fds[] = { -1, ra };
		show("an rfd as a wfd",
		     minos_cnew(stream_of(IMG(flat_exit42)), fds, 0, 2, 1));
	}
	{
		int fds[] = { ra, 40 };
		show("a number not open",
		     minos_cnew(stream_of(IMG(flat_exit42)), fds, 2, 0, 1));
	}
	{
		int fds[] = { -2 };
		show("-2", minos_cnew(stream_of(IMG(flat_exit42)), fds, 1, 0, 1));
	}
	{
		int fds[] = { ra, -1, -1, -1, wa, rb };
		show("good ones, then a wrong direction",
		     minos_cnew(stream_of(IMG(flat_exit42)), fds, 3, 3, 1));
	}
	show("fds pointer 8", minos_cnew(stream_of(IMG(flat_exit42)),
					 (const int *)8, 1, 0, 1));
	show("fds pointer NULL, 1 wfd", minos_cnew(stream_of(IMG(flat_exit42)),
						   NULL, 0, 1, 1));
	show("fds pointer -1", minos_cnew(stream_of(IMG(flat_exit42)),
					  (const int *)-1L, 2, 2, 1));
	{
		/* the array runs off the end of a mapping */
		char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED || munmap(m + 4096, 4096) != 0)
			die("mmap", -ENOMEM);
		int *end = (int *)(m + 4096) - 1;
		*end = ra;
		show("fds array past its mapping",
		     minos_cnew(stream_of(IMG(flat_exit42)), end, 2, 0, 1));
	}

	/* The image: checked after the descriptors, which still stay. */
	show("garbage, ELF", minos_cnew(stream_of(garbage, sizeof(garbage)),
					&ra, 1, 0, 2));
	show("empty, ELF", minos_cnew(stream_of("", 0), &ra, 1, 0, 2));
	show("empty, flat", minos_cnew(stream_of("", 0), &ra, 1, 0, 1));
	show("truncated ELF", minos_cnew(stream_of(self, 4096), &ra, 1, 0, 2));
	{
		int fds[] = { -1, wa };
		show("a flat image as an ELF",
		     minos_cnew(stream_of(IMG(flat_hello)), fds, 0, 2, 2));
	}

	/* None of this made a child. */
	show("ckill 1", minos_ckill(1));
	show("ckill 0", minos_ckill(0));
	show("ckill -1", minos_ckill(-1));
	return 0;
}

static int mode_moves(void)
{
	int wa, ra, wb, rb, wc, rc;
	long cid;

	pipe_or_die(&wa, &ra);
	pipe_or_die(&wb, &rb);
	say(1, "pipes: %d %d %d %d; open: %s\n", wa, ra, wb, rb, open_fds());
	{
		/* rfd slot 0 = ra, wfd slot 1 = wb: both move. */
		int fds[] = { ra, -1, wb };
		show("cnew", minos_cnew(stream_of(IMG(flat_exit42)), fds, 1, 2, 1));
	}
	/* A child that ends: its wfd 1 reports end of stream. */
	pipe_or_die(&wc, &rc);
	{
		int fds[] = { -1, wc };
		show("cnew", minos_cnew(stream_of(IMG(flat_exit42)), fds, 0, 2, 1));
	}
	say(1, "its output: \"%s\"; open: %s\n", drain(rc), open_fds());
	show("ckill of the ended child", minos_ckill(2));
	/* Failures take no cid; an ended child's cid is not reused. */
	show("cnew of garbage", minos_cnew(stream_of("xx", 2), NULL, 0, 0, 2));
	show("cnew, no descriptors",
	     minos_cnew(stream_of(IMG(flat_exit42)), NULL, 0, 0, 1));
	{
		int fds[64];
		for (int i = 0; i < 64; i++)
			fds[i] = -1;
		show("cnew, 64 empty rfd slots",
		     minos_cnew(stream_of(IMG(flat_exit42)), fds, 64, 0, 1));
		show("cnew, 64 empty wfd slots",
		     minos_cnew(stream_of(IMG(flat_exit42)), fds, 0, 64, 1));
	}
	cid = minos_cnew(stream_of(IMG(flat_exit42)), NULL, 0, 0, 1);
	show("cnew", cid);
	show("ckill of a cid never given", minos_ckill((int)cid + 1));
	return 0;
}

static int mode_slots(void)
{
	int cmd_w, out_w, out_r, xw, xr, yw, yr, zw, zr;
	long cid;

	read_self();
	pipe_or_die(&out_w, &out_r);
	pipe_or_die(&xw, &xr);
	pipe_or_die(&yw, &yr);
	pipe_or_die(&zw, &zr);
	write_all(xw, "abc", 3);
	minos_wclose(xw);

	/* rfds: 0 = command (cnew_self), 2 = zr, 3 = xr;
	 * wfds: 1 = out_w, 4 = yw */
	int fds[] = { -1, -1, zr, xr, -1, out_w, -1, -1, yw };

	cid = cnew_self("fds\n", &cmd_w, fds, 4, 5);
	say(1, "cnew = %s\n", res(cid));
	say(1, "parent: command rfd %s, out wfd %s, rfd given as 2 %s, "
	       "rfd given as 3 %s, wfd given as 4 %s, out rfd %s\n",
	    gone(fds[0]), gone(out_w), gone(zr), gone(xr), gone(yw), gone(out_r));
	minos_wclose(zw);
	minos_wclose(cmd_w);
	say(1, "%s", drain(out_r));
	say(1, "parent: the child wrote: %s\n", drain(yr));
	return 0;
}

static int mode_stdin(void)
{
	int fds[] = { -1, 1 };
	long cid;

	say(1, "parent: before cnew\n");
	cid = minos_cnew(0, fds, 0, 2, MINOS_ARCH_X86_64_ELF);
	say(2, "parent: cnew of rfd 0 = %s; rfd 0 %s, wfd 1 %s\n", res(cid),
	    gone(0), gone(1));
	return 0;
}

static int mode_flat(const unsigned char *img, size_t len)
{
	int w, r;
	int fds[] = { -1, 0 };

	pipe_or_die(&w, &r);
	fds[1] = w;
	say(1, "cnew = %s\n", res(minos_cnew(stream_of(img, len), fds, 0, 2, 1)));
	say(1, "%s", drain(r));
	say(1, "the child has ended\n");
	say(1, "the same bytes as an ELF = %s\n",
	    res(minos_cnew(stream_of(img, len), NULL, 0, 0, 2)));
	return 0;
}

static int mode_sizes(const char *limit)
{
	static const unsigned char exit0[] = {
		0xb8, 0x3c, 0, 0, 0,	/* mov eax, 60 */
		0x31, 0xff,		/* xor edi, edi */
		0x0f, 0x05,		/* syscall */
	};
	size_t lim = (size_t)strtoul(limit, NULL, 0);
	unsigned char *img = malloc(4 * lim);
	struct feed f;
	int w, r, code;

	if (!img || lim < sizeof(exit0))
		die("sizes LIMIT", -EINVAL);
	/* nops, then exit(0) in the last bytes: fed by a thread, as they may
	 * be larger than a pipe holds */
	memset(img, 0x90, 4 * lim);
	memcpy(img + lim - sizeof(exit0), exit0, sizeof(exit0));
	pipe_or_die(&w, &r);
	{
		int fds[] = { -1, w };
		code = feed_start(&f, img, lim);
		long cid = minos_cnew(code, fds, 0, 2, 1);
		feed_end(&f);
		show("the limit", cid);
		say(1, "its output: \"%s\"\n", drain(r));
	}
	memset(img, 0x90, 4 * lim);
	memcpy(img + lim + 1 - sizeof(exit0), exit0, sizeof(exit0));
	pipe_or_die(&w, &r);
	{
		int fds[] = { -1, w };
		code = feed_start(&f, img, lim + 1);
		long err = minos_cnew(code, fds, 0, 2, 1);
		feed_end(&f);
		show("a byte more", err);
		/* the writer stops at EPIPE once cnew has given up */
		code = feed_start(&f, img, 4 * lim);
		err = minos_cnew(code, fds, 0, 2, 1);
		feed_end(&f);
		show("four times the limit", err);
		minos_wclose(w);
		minos_rclose(r);
	}
	return 0;
}

static int mode_many(const char *how)
{
	static int wfds[4096];
	int multi = how && strcmp(how, "multi") == 0;
	long cid = 0;
	int k, r;

	for (k = 0; k < 4096; k++) {
		pipe_or_die(&wfds[k], &r);
		cid = multi ? minos_cnew(stream_of(IMG(flat_block2)), &r, 1, 0, 1)
			    : minos_cnew(stream_of(IMG(flat_block)), &r, 1, 0, 1);
		if (cid < 0)
			break;
		if (cid != k + 1) {
			say(1, "child %d has cid %ld\n", k + 1, cid);
			return 1;
		}
	}
	say(1, "started %d children, cids 1 to %d\n", k, k);
	say(1, "then cnew = %s; its rfd %s\n", res(cid), gone(r));
	/* Exiting closes the wfds: every child reads end of stream and ends. */
	return 0;
}

static int mode_slow(const char *how)
{
	struct slow s;
	int code_w, out_r, w, r;

	pipe_or_die(&code_w, &s.code);
	pipe_or_die(&s.out_w, &out_r);
	/* Only part of the image: the stream has not ended.  (wallspin:
	 * all of a spinning image, but still no end.) */
	if (how && strcmp(how, "wallspin") == 0)
		write_all(code_w, IMG(flat_spin));
	else
		write_all(code_w, flat_hello, 8);
	if (pthread_create(&s.th, NULL, slow_run, &s) != 0)
		die("pthread_create", -EAGAIN);
	for (int i = 0; i < 1000; i++)
		sched_yield(); /* let it get into its cnew (not needed) */

	/* Meanwhile: another cnew and its child's output, to its end. */
	pipe_or_die(&w, &r);
	{
		int fds[] = { -1, w };
		say(1, "other cnew = %s\n",
		    res(minos_cnew(stream_of(IMG(flat_hello)), fds, 0, 2, 1)));
	}
	say(1, "%s", drain(r));
	say(1, "other work done\n");

	if (how && strcmp(how, "exit") == 0)
		exit(0);
	if (how && (strcmp(how, "wall") == 0 || strcmp(how, "wallspin") == 0))
		syscall(SYS_exit, 0); /* this thread only */

	write_all(code_w, flat_hello + 8, (size_t)(flat_hello_end - flat_hello) - 8);
	minos_wclose(code_w);
	pthread_join(s.th, NULL);
	say(1, "slow cnew = %s\n", res(s.cid));
	say(1, "%s", drain(out_r));
	return 0;
}

static int mode_ckill(void)
{
	int out_w, out_r;
	long cid;

	read_self();
	pipe_or_die(&out_w, &out_r);
	{
		int fds[] = { -1, -1, out_w };
		cid = cnew_self("ckill\n", NULL, fds, 1, 2);
	}
	say(1, "cnew = %s\n", res(cid));
	say(1, "%s\n", read_line(out_r));
	say(1, "%s\n", read_line(out_r));
	say(1, "ckill 2 (the child's own cid for its child) = %s\n",
	    res(minos_ckill(2)));
	say(1, "ckill 0 = %s\n", res(minos_ckill(0)));
	say(1, "ckill -1 = %s\n", res(minos_ckill(-1)));
	say(1, "ckill 1 = %s\n", res(minos_ckill((int)cid)));
	say(1, "ckill 1 again = %s\n", res(minos_ckill((int)cid)));
	say(1, "child's output after ckill: \"%s\"\n", drain(out_r));
	return 3;
}

static int mode_ckillwait(void)
{
	int out_w, out_r;
	long cid;

	read_self();
	pipe_or_die(&out_w, &out_r);
	{
		int fds[] = { -1, -1, out_w };
		cid = cnew_self("cnewwait\n", NULL, fds, 1, 2);
	}
	say(1, "cnew = %s\n", res(cid));
	say(1, "%s\n", read_line(out_r));
	say(1, "ckill 1 = %s\n", res(minos_ckill((int)cid)));
	say(1, "child's output after ckill: \"%s\"\n", drain(out_r));
	return 0;
}

static int mode_ckillfeed(void)
{
	int cmd_w, out_w, out_r;
	long cid;

	read_self();
	pipe_or_die(&out_w, &out_r);
	{
		int fds[] = { -1, -1, out_w };
		cid = cnew_self("cnewstdin\n", &cmd_w, fds, 1, 2);
	}
	say(1, "cnew = %s\n", res(cid));
	say(1, "%s\n", read_line(out_r));
	for (int i = 0; i < 1000; i++)
		sched_yield(); /* let it get into its cnew */
	say(1, "ckill 1 = %s\n", res(minos_ckill((int)cid)));
	/* Now the killed child's code stream gets its image and its end. */
	long n = minos_write(cmd_w, flat_hello, (size_t)(flat_hello_end - flat_hello));
	say(1, "wrote the image: %s\n", n > 0 ? "yes" : res(n));
	minos_wclose(cmd_w);
	say(1, "child's output after ckill: \"%s\"\n", drain(out_r));
	return 0;
}

/* ckill, then cnew at once with --containers=2: the killed child is gone. */
static int mode_respawn(void)
{
	long cid = minos_cnew(stream_of(IMG(flat_spin)), NULL, 0, 0, 1);

	say(1, "cnew = %s\n", res(cid));
	say(1, "ckill 1 = %s\n", res(minos_ckill((int)cid)));
	say(1, "cnew = %s\n",
	    res(minos_cnew(stream_of(IMG(flat_exit42)), NULL, 0, 0, 1)));
	return 0;
}

/* A listed descriptor closed, or moved by another cnew, while a thread's
 * cnew that lists it waits for its code stream. */
struct pend {
	int code, fd;
	long cid;
	pthread_t th;
};

static void *pend_run(void *arg)
{
	struct pend *p = arg;

	p->cid = minos_cnew(p->code, &p->fd, 1, 0, MINOS_ARCH_X86_64_FLAT);
	return NULL;
}

static int mode_race(const char *how)
{
	struct pend p;
	int code_w, wa, ra, wb, rb;

	pipe_or_die(&wa, &ra);
	pipe_or_die(&code_w, &p.code);
	write_all(code_w, flat_block, 8);
	p.fd = ra;
	if (pthread_create(&p.th, NULL, pend_run, &p) != 0)
		die("pthread_create", -EAGAIN);
	for (int i = 0; i < 1000; i++)
		sched_yield(); /* let it get into its cnew */
	if (strcmp(how, "close") == 0) {
		say(1, "rclose of the listed rfd = %s\n", res(minos_rclose(ra)));
		pipe_or_die(&wb, &rb);
		say(1, "a new pipe: %s\n", wb == ra || rb == ra ?
		    "takes the listed rfd's number" : "other numbers");
	} else {
		say(1, "another cnew listing it = %s\n",
		    res(minos_cnew(stream_of(IMG(flat_block)), &ra, 1, 0, 1)));
		pipe_or_die(&wb, &rb);
		say(1, "a new pipe: %s\n", wb == ra || rb == ra ?
		    "takes the listed rfd's number" : "other numbers");
	}
	/* If the thread entered its cnew only after all that, the cnew saw
	 * the new numbers, failed and consumed the stream: the race was not
	 * reached this time (the test runs again, a bounded number of times). */
	long n = minos_write(code_w, flat_block + 8,
			     (size_t)(flat_block_end - flat_block) - 8);
	if (n == -EPIPE) {
		say(1, "race not reached\n");
		return 3;
	}
	if (n != (long)(flat_block_end - flat_block) - 8)
		die("minos_write", n < 0 ? n : -EIO);
	minos_wclose(code_w);
	pthread_join(p.th, NULL);
	say(1, "the waiting cnew = %s\n", res(p.cid));
	say(1, "the new pipe: wfd %s, rfd %s\n", gone(wb), gone(rb));
	minos_wclose(wa);
	return 0;
}

/* cnew with N empty rfd slots, then N empty wfd slots, then N of both. */
static int mode_counts(const char *arg)
{
	static int fds[2048];
	unsigned n = (unsigned)strtoul(arg, NULL, 0);
	char what[64];

	if (n > 1024)
		die("counts N: N too large", -EINVAL);
	for (unsigned i = 0; i < 2 * n; i++)
		fds[i] = -1;
	snprintf(what, sizeof(what), "%u rfd slots", n);
	show(what, minos_cnew(stream_of(IMG(flat_exit42)), fds, n, 0, 1));
	snprintf(what, sizeof(what), "%u wfd slots", n);
	show(what, minos_cnew(stream_of(IMG(flat_exit42)), fds, 0, n, 1));
	snprintf(what, sizeof(what), "%u of both", n);
	show(what, minos_cnew(stream_of(IMG(flat_exit42)), fds, n, n, 1));
	return 0;
}

/* ckill a child blocked in a Minos read of two rfds. */
static int mode_ckillread(void)
{
	int w, r;
	long cid;

	pipe_or_die(&w, &r);
	cid = minos_cnew(stream_of(IMG(flat_block2)), &r, 1, 0, 1);
	say(1, "cnew = %s\n", res(cid));
	for (int i = 0; i < 1000; i++)
		sched_yield(); /* let it get into its read */
	say(1, "ckill 1 = %s\n", res(minos_ckill((int)cid)));
	return 0;
}

static int mode_late(void)
{
	int cmd_w;
	int fds[] = { -1, -1, 1 };
	long cid;

	read_self();
	cid = cnew_self("late\n", &cmd_w, fds, 1, 2);
	say(2, "parent: cnew = %s; exiting\n", res(cid));
	return 7; /* cmd_w closes now: the child reads end of stream */
}

/* A cnew whose close list is one range (its code rfd and a wfd next to
 * it): the caller's argument registers come back as it made the call;
 * nothing the supervisor put there to close them (a key in r9) stays. */
static int mode_regs(void)
{
	int code = stream_of(IMG(flat_exit42)), wfd, rfd;
	unsigned long out[6];
	long r;

	pipe_or_die(&wfd, &rfd);
	int fds[1] = { wfd };
	__asm__ volatile("movq %[code], %%rdi\n"
			 "movq %[fds], %%rsi\n"
			 "xorl %%edx, %%edx\n"
			 "movl $1, %%r10d\n"
			 "movl $1, %%r8d\n"
			 "movabsq $0x0123456789abcdef, %%r9\n"
			 "movl $0x4401, %%eax\n"
			 "syscall\n"
			 "movq %%rdi, 0(%[out])\n"
			 "movq %%rsi, 8(%[out])\n"
			 "movq %%rdx, 16(%[out])\n"
			 "movq %%r10, 24(%[out])\n"
			 "movq %%r8, 32(%[out])\n"
			 "movq %%r9, 40(%[out])\n"
			 : "=a"(r)
			 : [code] "r"((long)code), [fds] "r"(fds), [out] "r"(out)
			 : "rdi", "rsi", "rdx", "r10", "r8", "r9", "rcx", "r11",
			   "memory");
	bool kept = out[0] == (unsigned long)code &&
		    out[1] == (unsigned long)fds && out[2] == 0 && out[3] == 1 &&
		    out[4] == 1 && out[5] == 0x0123456789abcdefUL;
	say(1, "cnew %s, adjacent %s, registers %s, code rfd %s, wfd %s\n",
	    r > 0 ? "ok" : res(r), code - wfd == 1 || wfd - code == 1 ? "yes" : "no",
	    kept ? "kept" : "changed", gone(code), gone(wfd));
	if (!kept)
		say(1, "r9 %#lx r8 %#lx r10 %#lx\n", out[5], out[4], out[3]);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 0 || (argc == 1 && argv[0][0] == 0))
		return child_main(argc, argv);
	if (argc >= 2) {
		const char *m = argv[1];

		if (!strcmp(m, "errors"))
			return mode_errors();
		if (!strcmp(m, "regs"))
			return mode_regs();
		if (!strcmp(m, "moves"))
			return mode_moves();
		if (!strcmp(m, "slots"))
			return mode_slots();
		if (!strcmp(m, "stdin"))
			return mode_stdin();
		if (!strcmp(m, "flat"))
			return mode_flat(IMG(flat_hello));
		if (!strcmp(m, "crash"))
			return mode_flat(IMG(flat_crash));
		if (!strcmp(m, "sizes") && argc == 3)
			return mode_sizes(argv[2]);
		if (!strcmp(m, "many"))
			return mode_many(argv[2]);
		if (!strcmp(m, "slow"))
			return mode_slow(NULL);
		if (!strcmp(m, "stuck") && argc == 3)
			return mode_slow(argv[2]);
		if (!strcmp(m, "ckill"))
			return mode_ckill();
		if (!strcmp(m, "ckillwait"))
			return mode_ckillwait();
		if (!strcmp(m, "ckillfeed"))
			return mode_ckillfeed();
		if (!strcmp(m, "respawn"))
			return mode_respawn();
		if (!strcmp(m, "race") && argc == 3)
			return mode_race(argv[2]);
		if (!strcmp(m, "counts") && argc == 3)
			return mode_counts(argv[2]);
		if (!strcmp(m, "ckillread"))
			return mode_ckillread();
		if (!strcmp(m, "late"))
			return mode_late();
	}
	say(2, "usage: cnew_rules MODE (see the source)\n");
	return 2;
}
