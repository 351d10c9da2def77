/* SPDX-License-Identifier: MIT */
/*
 * probe - perform the system call named on the command line and print the
 * result, for table-driven tests of the minos-exec filter.
 *
 *	probe NAME [ARG...]	Linux call NAME (see calls[]) with integer ARGs
 *	probe nr:N [ARG...]	raw x86-64 call number N
 *	probe MODE [ARG...]	a special case (see modes[])
 *
 * ARGs are integers, decimal or 0x hex, optionally negative; missing ones
 * are 0.  They are passed through raw, so `probe openat -100 0 0` passes a
 * NULL path (and must just fail).  The modes pass pointers to local
 * buffers where a call needs one.
 *
 * Output is exactly one line on fd 1, `NAME = RESULT`, where RESULT is the
 * decimal return value, or `-ENAME` for an error (`-E123` for an errno
 * without a name here).  A mode that gets an address or a new thread or
 * process id back prints `ok` instead, so that the line is reproducible.
 * The exit status is 0 whenever the call was made, 2 for a usage error.
 *
 * Never run `probe killparent` outside the sandbox: it kills its parent,
 * and kill(-1) kills every process the user owns.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <minos.h>
#include "syscall_arch.h"

/* Not in musl's headers. */
#define X32_SYSCALL_BIT 0x40000000L
#define FUTEX_LOCK_PI	6
#define ARCH_SET_FS	0x1002

#define MAX_ARGS 7 /* int80: the number and six arguments */

/* The Linux calls a test may name: the ones a sandbox must think about. */
static const struct {
	const char *name;
	long nr;
} calls[] = {
#define CALL(name) { #name, SYS_##name }
	/* descriptors and files */
	CALL(read), CALL(write), CALL(readv), CALL(writev), CALL(pread64),
	CALL(pwrite64), CALL(open), CALL(openat), CALL(openat2), CALL(close),
	CALL(creat), CALL(stat), CALL(fstat), CALL(lseek), CALL(fcntl),
	CALL(ioctl), CALL(dup), CALL(dup2), CALL(dup3), CALL(pipe),
	CALL(pipe2), CALL(poll), CALL(ppoll), CALL(select), CALL(epoll_create1),
	CALL(eventfd2), CALL(signalfd4), CALL(timerfd_create),
	CALL(inotify_init1), CALL(fanotify_init), CALL(memfd_create),
	CALL(sendfile), CALL(splice), CALL(mknod), CALL(unlink), CALL(rename),
	CALL(chdir), CALL(fchdir), CALL(chmod), CALL(chown), CALL(truncate),
	CALL(name_to_handle_at), CALL(open_by_handle_at),
	/* processes, threads and signals */
	CALL(execve), CALL(execveat), CALL(fork), CALL(vfork), CALL(clone),
	CALL(clone3), CALL(wait4), CALL(waitid), CALL(kill), CALL(tkill),
	CALL(tgkill), CALL(rt_sigaction), CALL(rt_sigprocmask),
	CALL(sigaltstack), CALL(getpid), CALL(getppid), CALL(gettid),
	CALL(set_tid_address), CALL(set_robust_list), CALL(arch_prctl),
	CALL(prctl), CALL(seccomp), CALL(ptrace), CALL(process_vm_readv),
	CALL(process_vm_writev), CALL(kcmp), CALL(pidfd_open),
	CALL(pidfd_getfd), CALL(pidfd_send_signal), CALL(setsid),
	CALL(setpgid), CALL(getuid), CALL(setuid), CALL(setgid),
	CALL(setrlimit), CALL(prlimit64), CALL(capset), CALL(personality),
	/* memory */
	CALL(mmap), CALL(mprotect), CALL(munmap), CALL(mremap), CALL(madvise),
	CALL(brk), CALL(mbind), CALL(migrate_pages), CALL(move_pages),
	CALL(userfaultfd), CALL(futex), CALL(modify_ldt),
	/* network */
	CALL(socket), CALL(socketpair), CALL(connect), CALL(bind),
	CALL(listen), CALL(accept), CALL(sendto), CALL(recvfrom),
	CALL(sendmsg), CALL(recvmsg),
	/* namespaces and the host */
	CALL(unshare), CALL(setns), CALL(mount), CALL(umount2),
	CALL(pivot_root), CALL(chroot), CALL(sethostname), CALL(reboot),
	CALL(kexec_load), CALL(init_module), CALL(finit_module),
	CALL(delete_module), CALL(iopl), CALL(ioperm), CALL(acct),
	CALL(swapon), CALL(syslog), CALL(uname), CALL(sysinfo),
	/* kernel interfaces with a history of bugs */
	CALL(io_uring_setup), CALL(io_uring_enter), CALL(bpf),
	CALL(perf_event_open), CALL(keyctl), CALL(add_key),
	CALL(request_key),
	/* time and randomness */
	CALL(getrandom), CALL(clock_gettime), CALL(clock_getres),
	CALL(gettimeofday), CALL(nanosleep), CALL(clock_nanosleep),
	CALL(sched_yield),
#undef CALL
};

static const struct {
	int nr;
	const char *name;
} errnos[] = {
#define E(name) { name, #name }
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR),
	E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY), E(EFBIG),
	E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK), E(EPIPE), E(EDOM),
	E(ERANGE), E(EDEADLK), E(ENAMETOOLONG), E(ENOLCK), E(ENOSYS),
	E(ENOTEMPTY), E(ELOOP), E(ENOMSG), E(ENODATA), E(ETIME),
	E(EOVERFLOW), E(EBADFD), E(ENOTSOCK), E(EDESTADDRREQ), E(EMSGSIZE),
	E(EPROTOTYPE), E(ENOPROTOOPT), E(EPROTONOSUPPORT), E(EOPNOTSUPP),
	E(EAFNOSUPPORT), E(EADDRINUSE), E(EADDRNOTAVAIL), E(ENETDOWN),
	E(ENETUNREACH), E(ECONNRESET), E(ENOBUFS), E(EISCONN), E(ENOTCONN),
	E(ETIMEDOUT), E(ECONNREFUSED), E(EALREADY), E(EINPROGRESS),
	E(ECANCELED), E(ENOKEY), E(EKEYREJECTED), E(EOWNERDEAD),
#undef E
};

/* Write all of s to fd 1 with the Linux write call (no stdio, one line). */
static void put(const char *s)
{
	size_t len = strlen(s);

	while (len > 0) {
		long n = minos_syscall3(SYS_write, 1, (long)s, (long)len);

		if (n <= 0)
			exit(1);
		s += n;
		len -= (size_t)n;
	}
}

/* Format r as RESULT: decimal if >= 0, else -ENAME. */
static const char *result(long r, char *buf, size_t size)
{
	size_t i;

	if (r >= 0 || r < -4095) {
		snprintf(buf, size, "%ld", r);
		return buf;
	}
	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (errnos[i].nr == -r) {
			snprintf(buf, size, "-%s", errnos[i].name);
			return buf;
		}
	snprintf(buf, size, "-E%ld", -r);
	return buf;
}

static void report(const char *name, long r)
{
	char line[128], res[32];

	snprintf(line, sizeof(line), "%s = %s\n", name,
		 result(r, res, sizeof(res)));
	put(line);
}

/* For calls whose success value is an address, pid or tid: print "ok". */
static void report_ok(const char *name, long r)
{
	if (r < 0 && r >= -4095) {
		report(name, r);
	} else {
		put(name);
		put(" = ok\n");
	}
}

/*
 * The i386 entry: number in eax, arguments in ebx, ecx, edx, esi, edi, ebp.
 * ebp may be the frame pointer, so it is swapped in and out around the
 * call rather than named as an operand.  Kernels before 4.17 zero r8-r11
 * on this path.  The result is a 32-bit value.
 */
static long int80(const long *a)
{
	long ax = a[0], bx = a[1], cx = a[2], dx = a[3], si = a[4];
	long di = a[5], bp = a[6];

	__asm__ volatile("xchg %%rbp, %[bp]\n\t"
			 "int $0x80\n\t"
			 "xchg %%rbp, %[bp]"
			 : "+a"(ax), "+b"(bx), "+c"(cx), "+d"(dx), "+S"(si),
			   "+D"(di), [bp] "+r"(bp)
			 :
			 : "r8", "r9", "r10", "r11", "memory");
	return (int)ax;
}

static long call6(long nr, const long *a)
{
	return minos_syscall6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* ---- modes: each gets its own name and the integer arguments ---------- */

static void m_int80(const char *name, const long *a)
{
	report(name, int80(a));
}

static void m_x32(const char *name, const long *a)
{
	report(name, call6(a[0] | X32_SYSCALL_BIT, a + 1));
}

static void m_mmapfd(const char *name, const long *a)
{
	long r = minos_syscall6(SYS_mmap, 0, 4096, PROT_READ, MAP_PRIVATE,
				a[0], 0);

	report_ok(name, r);
}

static void m_mmapanon(const char *name, const long *a)
{
	long r = minos_syscall6(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)a;
	if (r >= 0)
		*(volatile char *)r = 1; /* the page must be usable */
	report_ok(name, r);
}

static int child(void *arg)
{
	(void)arg;
	return 0; /* musl's clone() then ends the thread or process */
}

/*
 * clone through musl's clone(), which hands the flags to the kernel as they
 * are but runs the child on its own stack and ends it cleanly if the call
 * should succeed.
 */
static long try_clone(int flags)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	int r = clone(child, stack + sizeof(stack), flags, NULL);

	if (r < 0)
		return -errno;
	if (!(flags & CLONE_THREAD))
		waitpid(r, NULL, __WALL);
	return r;
}

static void m_clonens(const char *name, const long *a)
{
	(void)a;
	report_ok(name, try_clone(CLONE_NEWUSER | CLONE_NEWNS | SIGCHLD));
}

static void m_clonethreadns(const char *name, const long *a)
{
	(void)a;
	report_ok(name, try_clone(CLONE_VM | CLONE_FS | CLONE_FILES |
				  CLONE_SIGHAND | CLONE_THREAD |
				  CLONE_SYSVSEM | CLONE_NEWNS));
}

static void m_tiocsti(const char *name, const long *a)
{
	char c = 'x';

	(void)a;
	report(name, minos_syscall3(SYS_ioctl, 0, TIOCSTI, (long)&c));
}

static void m_killparent(const char *name, const long *a)
{
	static const long targets[] = { 0 /* the parent */, 1, -1 };
	char line[160], res[3][32];
	long ppid = minos_syscall0(SYS_getppid);
	int i;

	(void)a;
	for (i = 0; i < 3; i++) {
		long pid = i == 0 ? ppid : targets[i];

		result(minos_syscall2(SYS_kill, pid, SIGKILL), res[i],
		       sizeof(res[i]));
	}
	snprintf(line, sizeof(line), "%s = %s %s %s\n", name, res[0], res[1],
		 res[2]);
	put(line);
}

static void m_minospipe(const char *name, const long *a)
{
	char line[128];
	int wfd, rfd;
	long r = minos_pipe(&wfd, &rfd);

	(void)a;
	if (r < 0) {
		report(name, r);
		return;
	}
	snprintf(line, sizeof(line), "%s = %d %d\n", name, wfd, rfd);
	put(line);
}

static void m_futexpi(const char *name, const long *a)
{
	int word = 0;

	(void)a;
	report(name, minos_syscall6(SYS_futex, (long)&word, FUTEX_LOCK_PI, 0,
				    0, 0, 0));
}

static void m_archprctl(const char *name, const long *a)
{
	unsigned long local = 0;
	unsigned long arg = (unsigned long)&local;

	/*
	 * ARCH_SET_FS takes a value, not a pointer: set it to what it is
	 * (musl's thread pointer, which is pthread_self()), so that success
	 * changes nothing and the probe can still print.
	 */
	if (a[0] == ARCH_SET_FS)
		arg = (unsigned long)pthread_self();
	report(name, minos_syscall2(SYS_arch_prctl, a[0], (long)arg));
}

static const struct {
	const char *name;
	void (*run)(const char *name, const long *a);
	int min_args, max_args;
	const char *args, *what;
} modes[] = {
	{ "int80", m_int80, 1, 7, "NR [ARG...]", "call NR via int $0x80" },
	{ "x32", m_x32, 1, 7, "NR [ARG...]", "call NR | 0x40000000" },
	{ "mmapfd", m_mmapfd, 1, 1, "FD", "mmap FD, PROT_READ, MAP_PRIVATE" },
	{ "mmapanon", m_mmapanon, 0, 0, "", "anonymous mmap of one page" },
	{ "clonens", m_clonens, 0, 0, "", "clone NEWUSER|NEWNS|SIGCHLD" },
	{ "clonethreadns", m_clonethreadns, 0, 0, "", "thread clone + NEWNS" },
	{ "tiocsti", m_tiocsti, 0, 0, "", "ioctl(0, TIOCSTI, \"x\")" },
	{ "killparent", m_killparent, 0, 0, "", "SIGKILL parent, 1, -1" },
	{ "minospipe", m_minospipe, 0, 0, "", "Minos pipe: WFD RFD" },
	{ "futexpi", m_futexpi, 0, 0, "", "FUTEX_LOCK_PI on a local word" },
	{ "archprctl", m_archprctl, 1, 1, "CODE", "arch_prctl(CODE, &local)" },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void usage(const char *why)
{
	size_t i;

	fprintf(stderr, "probe: %s\n"
			"usage: probe NAME          [ARG...]      Linux call NAME\n"
			"       probe nr:N          [ARG...]      raw call number N\n",
		why);
	for (i = 0; i < ARRAY_SIZE(modes); i++)
		fprintf(stderr, "       probe %-13s %-13s %s\n", modes[i].name,
			modes[i].args, modes[i].what);
	exit(2);
}

/* Decimal or 0x hex, optionally negative, the whole string. */
static int parse_long(const char *s, long *out)
{
	int neg = *s == '-';
	unsigned long v;
	char *end;

	if (neg)
		s++;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end)
		return -1;
	*out = neg ? -(long)v : (long)v;
	return 0;
}

static long lookup(const char *name)
{
	size_t i;
	long nr;

	if (strncmp(name, "nr:", 3) == 0)
		return parse_long(name + 3, &nr) == 0 && nr >= 0 ? nr : -1;
	for (i = 0; i < ARRAY_SIZE(calls); i++)
		if (strcmp(calls[i].name, name) == 0)
			return calls[i].nr;
	return -1;
}

int main(int argc, char **argv)
{
	long a[MAX_ARGS] = { 0 };
	const char *name;
	int i, nargs;
	long nr, tid, r;
	size_t m;

	if (argc < 2)
		usage("no call named");
	name = argv[1];
	nargs = argc - 2;
	if (nargs > MAX_ARGS)
		usage("too many arguments");
	for (i = 0; i < nargs; i++)
		if (parse_long(argv[i + 2], &a[i]) < 0)
			usage("arguments must be integers (decimal or 0x hex)");

	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		if (strcmp(modes[m].name, name) != 0)
			continue;
		if (nargs < modes[m].min_args || nargs > modes[m].max_args)
			usage("wrong number of arguments for this mode");
		modes[m].run(name, a);
		return 0;
	}

	nr = lookup(name);
	if (nr < 0)
		usage("unknown call name (try nr:N)");
	if (nargs > 6)
		usage("a system call takes at most 6 arguments");

	/*
	 * If the call made a process or thread (fork, vfork, clone), the
	 * child must not print too: it leaves at once.  For a thread clone,
	 * prefer the clonethreadns mode, which gives the child a stack.
	 */
	tid = minos_syscall0(SYS_gettid);
	r = call6(nr, a);
	if (minos_syscall0(SYS_gettid) != tid)
		minos_syscall1(SYS_exit, 0);
	report(name, r);
	return 0;
}
