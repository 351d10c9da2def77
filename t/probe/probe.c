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
#include <stdarg.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/timerfd.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

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
	CALL(close_range),
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
	/* the Linux subset of SPEC section 4 */
	CALL(epoll_create), CALL(epoll_ctl), CALL(epoll_wait),
	CALL(epoll_pwait), CALL(eventfd), CALL(timerfd_settime),
	CALL(timerfd_gettime), CALL(newfstatat), CALL(statx), CALL(mincore),
	CALL(getgid), CALL(geteuid), CALL(getegid), CALL(getresuid),
	CALL(getresgid), CALL(getgroups), CALL(setreuid), CALL(setresuid),
	CALL(setgroups), CALL(getcwd), CALL(sched_getaffinity),
	CALL(sched_getscheduler), CALL(sched_getparam), CALL(get_robust_list),
	CALL(getrlimit), CALL(getrusage), CALL(times), CALL(rt_sigpending),
	CALL(rt_sigsuspend), CALL(rt_sigtimedwait), CALL(pselect6),
	CALL(time), CALL(getpeername), CALL(getsockname), CALL(getsockopt),
	CALL(setsockopt), CALL(shutdown), CALL(accept), CALL(accept4),
	CALL(recvmsg), CALL(sendmmsg), CALL(recvmmsg), CALL(preadv),
	CALL(pwritev), CALL(preadv2), CALL(pwritev2), CALL(sched_setaffinity),
	CALL(rt_sigqueueinfo), CALL(rt_tgsigqueueinfo),
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

/* ---- the Linux subset (SPEC section 4): modes with pointers ----------- */

/* Format and print one line "NAME = TEXT". */
__attribute__((format(printf, 2, 3)))
static void sayf(const char *name, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n = snprintf(line, sizeof(line), "%s = ", name);

	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	strcat(line, "\n");
	put(line);
}

static void say_stat(const char *name, long r, const struct stat *st)
{
	if (r < 0) {
		report(name, r);
		return;
	}
	sayf(name, "%ld mode=0%o uid=%u gid=%u size=%lld ino=%llu dev=%llu "
		   "rdev=%llu nlink=%lu blksize=%ld blocks=%lld times=%lld", r,
	     (unsigned)st->st_mode, (unsigned)st->st_uid, (unsigned)st->st_gid,
	     (long long)st->st_size, (unsigned long long)st->st_ino,
	     (unsigned long long)st->st_dev, (unsigned long long)st->st_rdev,
	     (unsigned long)st->st_nlink, (long)st->st_blksize,
	     (long long)st->st_blocks,
	     (long long)(st->st_atim.tv_sec + st->st_atim.tv_nsec +
			 st->st_mtim.tv_sec + st->st_mtim.tv_nsec +
			 st->st_ctim.tv_sec + st->st_ctim.tv_nsec));
}

static void m_fstat(const char *name, const long *a)
{
	struct stat st;

	memset(&st, 0x55, sizeof(st));
	say_stat(name, minos_syscall2(SYS_fstat, a[0], (long)&st), &st);
}

/* newfstatat(FD, "", &st, AT_EMPTY_PATH) */
static void m_fstatat(const char *name, const long *a)
{
	struct stat st;

	memset(&st, 0x55, sizeof(st));
	say_stat(name, minos_syscall4(SYS_newfstatat, a[0], (long)"", (long)&st,
				      AT_EMPTY_PATH), &st);
}

/* newfstatat(AT_FDCWD, "/", &st, AT_EMPTY_PATH): a path is not allowed */
static void m_fstatatpath(const char *name, const long *a)
{
	struct stat st;

	(void)a;
	say_stat(name, minos_syscall4(SYS_newfstatat, AT_FDCWD, (long)"/",
				      (long)&st, AT_EMPTY_PATH), &st);
}

/* The kernel's struct statx (musl's headers may not have it). */
struct kstatx_ts { long long tv_sec; unsigned tv_nsec; int pad; };
struct kstatx {
	unsigned stx_mask, stx_blksize;
	unsigned long long stx_attributes;
	unsigned stx_nlink, stx_uid, stx_gid;
	unsigned short stx_mode, pad1;
	unsigned long long stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct kstatx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
	unsigned stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	unsigned long long spare[14];
};

/* statx(FD, "", AT_EMPTY_PATH, STATX_ALL, &stx) */
static void m_statx(const char *name, const long *a)
{
	struct kstatx stx;
	long r;

	memset(&stx, 0x55, sizeof(stx));
	r = minos_syscall5(SYS_statx, a[0], (long)"", AT_EMPTY_PATH, 0xfff,
			   (long)&stx);
	if (r < 0) {
		report(name, r);
		return;
	}
	sayf(name, "%ld mode=0%o uid=%u gid=%u size=%llu ino=%llu blksize=%u "
		   "nlink=%u dev=%u:%u times=%lld", r, (unsigned)stx.stx_mode,
	     stx.stx_uid, stx.stx_gid, (unsigned long long)stx.stx_size,
	     (unsigned long long)stx.stx_ino, stx.stx_blksize, stx.stx_nlink,
	     stx.stx_dev_major, stx.stx_dev_minor,
	     (long long)(stx.stx_atime.tv_sec + stx.stx_mtime.tv_sec +
			 stx.stx_ctime.tv_sec + stx.stx_btime.tv_sec));
}

static void m_uname(const char *name, const long *a)
{
	struct utsname u;
	long r;

	(void)a;
	memset(&u, 0x55, sizeof(u));
	r = minos_syscall1(SYS_uname, (long)&u);
	if (r < 0) {
		report(name, r);
		return;
	}
	u.sysname[64] = u.nodename[64] = u.release[64] = u.machine[64] = 0;
	sayf(name, "%ld %s %s %s %s", r, u.sysname, u.nodename, u.release,
	     u.machine);
}

static void m_cwd(const char *name, const long *a)
{
	char buf[256];
	long r = minos_syscall2(SYS_getcwd, (long)buf, a[0] ? a[0] : 256);

	if (r < 0)
		report(name, r);
	else
		sayf(name, "%ld %s", r, buf);
}

static void m_sysinfo(const char *name, const long *a)
{
	struct sysinfo si;
	long r;

	(void)a;
	memset(&si, 0x55, sizeof(si));
	r = minos_syscall1(SYS_sysinfo, (long)&si);
	if (r < 0) {
		report(name, r);
		return;
	}
	sayf(name, "%ld totalram=%llu free<=total=%d procs=%u swap=%lu/%lu "
		   "unit=%u uptime<60=%d", r,
	     (unsigned long long)si.totalram * si.mem_unit,
	     si.freeram <= si.totalram, (unsigned)si.procs, si.totalswap,
	     si.freeswap, si.mem_unit, si.uptime < 60);
}

static void m_resid(const char *name, const long *a)
{
	unsigned ids[3] = { 1, 1, 1 };
	long r = minos_syscall3(a[0] ? SYS_getresgid : SYS_getresuid,
				(long)&ids[0], (long)&ids[1], (long)&ids[2]);

	if (r < 0)
		report(name, r);
	else
		sayf(name, "%ld %u %u %u", r, ids[0], ids[1], ids[2]);
}

/* sched_getaffinity(PID or 0): the number of CPUs in the mask */
static void m_affinity(const char *name, const long *a)
{
	unsigned long mask[16] = { 0 };
	long r = minos_syscall3(SYS_sched_getaffinity, a[0], sizeof(mask),
				(long)mask);
	int n = 0;

	if (r < 0) {
		report(name, r);
		return;
	}
	for (unsigned i = 0; i < 16; i++)
		n += __builtin_popcountl(mask[i]);
	sayf(name, "%d", n);
}

/* sched_getaffinity of this very thread by its tid */
static void m_affinitytid(const char *name, const long *a)
{
	long b[1] = { minos_syscall0(SYS_gettid) };

	(void)a;
	m_affinity(name, b);
}

static void m_prctlname(const char *name, const long *a)
{
	char got[17] = "";
	long r1 = minos_syscall2(SYS_prctl, PR_SET_NAME, (long)"renamed");
	long r2 = minos_syscall2(SYS_prctl, PR_GET_NAME, (long)got);

	(void)a;
	sayf(name, "%ld %ld %s", r1, r2, got);
}

/* getrlimit(RES) and prlimit64(0, RES, NULL, &old): cur max, twice */
static void m_rlimit(const char *name, const long *a)
{
	struct rlimit r1, r2;
	long x = minos_syscall2(SYS_getrlimit, a[0], (long)&r1);
	long y = minos_syscall4(SYS_prlimit64, 0, a[0], 0, (long)&r2);

	if (x < 0 || y < 0) {
		report(name, x < 0 ? x : y);
		return;
	}
	sayf(name, "%llu %llu %s", (unsigned long long)r1.rlim_cur,
	     (unsigned long long)r1.rlim_max,
	     r1.rlim_cur == r2.rlim_cur && r1.rlim_max == r2.rlim_max ? "same"
								      : "differ");
}

/* prlimit64(0, RES, &new, NULL): setting is refused */
static void m_setrlimit(const char *name, const long *a)
{
	struct rlimit r = { 1, 1 };

	report(name, minos_syscall4(SYS_prlimit64, 0, a[0], (long)&r, 0));
}

static void m_rusage(const char *name, const long *a)
{
	struct rusage ru;

	report(name, minos_syscall2(SYS_getrusage, a[0], (long)&ru));
}

/* A pipe2(FLAGS): the flags of each end (F_GETFL), their F_GETFD, and
 * what each of them is (fstat mode). */
static void m_pipe2(const char *name, const long *a)
{
	int fds[2];
	struct stat s0, s1;
	long r = minos_syscall2(SYS_pipe2, (long)fds, a[0]);

	if (r < 0) {
		report(name, r);
		return;
	}
	minos_syscall2(SYS_fstat, fds[0], (long)&s0);
	minos_syscall2(SYS_fstat, fds[1], (long)&s1);
	sayf(name, "%d %d fl=%#lx,%#lx fd=%ld,%ld mode=0%o,0%o", fds[0], fds[1],
	     minos_syscall2(SYS_fcntl, fds[0], F_GETFL),
	     minos_syscall2(SYS_fcntl, fds[1], F_GETFL),
	     minos_syscall2(SYS_fcntl, fds[0], F_GETFD),
	     minos_syscall2(SYS_fcntl, fds[1], F_GETFD), (unsigned)s0.st_mode,
	     (unsigned)s1.st_mode);
}

/* fcntl(FD, F_SETFL, FLAGS), then F_GETFL: only O_NONBLOCK may change */
static void m_setfl(const char *name, const long *a)
{
	long before = minos_syscall2(SYS_fcntl, a[0], F_GETFL);
	long r = minos_syscall3(SYS_fcntl, a[0], F_SETFL, a[1]);
	long after = minos_syscall2(SYS_fcntl, a[0], F_GETFL);
	char res[32];

	sayf(name, "%s changed=%#lx", result(r, res, sizeof(res)),
	     before < 0 || after < 0 ? -1L : before ^ after);
}

/* A non-blocking pipe: read with nothing in it is EAGAIN, and FIONREAD
 * counts what waits. */
static void m_nonblock(const char *name, const long *a)
{
	int fds[2], n = -1;
	char c = 'x', r1[32], r2[32];
	long x, y;

	(void)a;
	if (minos_syscall2(SYS_pipe2, (long)fds, O_NONBLOCK) < 0)
		exit(1);
	x = minos_syscall3(SYS_read, fds[0], (long)&c, 1);
	minos_syscall3(SYS_write, fds[1], (long)"abc", 3);
	y = minos_syscall3(SYS_ioctl, fds[0], FIONREAD, (long)&n);
	sayf(name, "%s %s %d", result(x, r1, sizeof(r1)),
	     result(y, r2, sizeof(r2)), n);
}

/* Minos calls on non-blocking descriptors: a read of two empty rfds,
 * both non-blocking; a read of one; a write to a full wfd.  All EAGAIN. */
static void m_minosnonblock(const char *name, const long *a)
{
	int w1, r1, w2, r2, two[2];
	char buf[4096] = { 0 }, res[3][32];
	long x, y, z = 0;

	(void)a;
	if (minos_pipe(&w1, &r1) < 0 || minos_pipe(&w2, &r2) < 0)
		exit(1);
	minos_syscall3(SYS_fcntl, r1, F_SETFL, O_NONBLOCK);
	minos_syscall3(SYS_fcntl, r2, F_SETFL, O_NONBLOCK);
	minos_syscall3(SYS_fcntl, w1, F_SETFL, O_NONBLOCK);
	two[0] = r1;
	two[1] = r2;
	x = minos_read(two, 2, buf, 1, NULL);
	y = minos_read(&r1, 1, buf, 1, NULL);
	for (int i = 0; i < 1000 && z >= 0; i++) /* bounded: a pipe holds 64 KiB */
		z = minos_write(w1, buf, sizeof(buf));
	sayf(name, "%s %s %s", result(x, res[0], 32), result(y, res[1], 32),
	     result(z, res[2], 32));
}

/* The private objects: every Minos call refuses them (EBADF).  Prints,
 * for an eventfd, a timerfd and an epoll instance: write, read of one,
 * read of two (with a real rfd), wclose, rclose, cnew with it as the
 * code and as a listed descriptor. */
static void m_private(const char *name, const long *a)
{
	int objs[3], w, r, fd;
	char line[512], res[8][16], c = 0;
	size_t off = 0;

	(void)a;
	objs[0] = (int)minos_syscall2(SYS_eventfd2, 1, 0);
	objs[1] = (int)minos_syscall2(SYS_timerfd_create, CLOCK_MONOTONIC, 0);
	objs[2] = (int)minos_syscall1(SYS_epoll_create1, 0);
	if (minos_pipe(&w, &r) < 0)
		exit(1);
	off += (size_t)snprintf(line, sizeof(line), "%s =", name);
	for (int i = 0; i < 3; i++) {
		int two[2];
		int fds[1];

		fd = objs[i];
		two[0] = r;
		two[1] = fd;
		fds[0] = fd;
		result(minos_write(fd, "12345678", 8), res[0], 16);
		result(minos_read(&fd, 1, &c, 1, NULL), res[1], 16);
		result(minos_read(two, 2, &c, 1, NULL), res[2], 16);
		result(minos_wclose(fd), res[3], 16);
		result(minos_rclose(fd), res[4], 16);
		result(minos_cnew(fd, NULL, 0, 0, MINOS_ARCH_X86_64_ELF), res[5], 16);
		result(minos_cnew(r, fds, 1, 0, MINOS_ARCH_X86_64_ELF), res[6], 16);
		off += (size_t)snprintf(line + off, sizeof(line) - off,
					" %s %s %s %s %s %s %s;", res[0], res[1],
					res[2], res[3], res[4], res[5], res[6]);
		if (minos_pipe(&w, &r) < 0) /* the cnew consumed r */
			exit(1);
	}
	line[off - 1] = '\n';
	line[off] = 0;
	put(line);
}

/* fstat of a private object: KIND 0 eventfd, 1 timerfd, 2 epoll */
static void m_fstatprivate(const char *name, const long *a)
{
	struct stat st;
	long fd = a[0] == 0 ? minos_syscall2(SYS_eventfd2, 0, 0) :
		  a[0] == 1 ? minos_syscall2(SYS_timerfd_create, CLOCK_MONOTONIC, 0) :
			      minos_syscall1(SYS_epoll_create1, 0);

	if (fd < 0) {
		report(name, fd);
		return;
	}
	say_stat(name, minos_syscall2(SYS_fstat, fd, (long)&st), &st);
}

/* A timerfd on CLOCK: armed for 1 ms, then waited for with epoll; prints
 * whether it expired, and an eventfd's count, read back. */
static void m_timer(const char *name, const long *a)
{
	struct itimerspec its = { .it_value = { 0, 1000000 } };
	struct epoll_event ev = { .events = EPOLLIN };
	unsigned long long ticks = 0, count = 0, add = 5;
	long tfd = minos_syscall2(SYS_timerfd_create, a[0], TFD_CLOEXEC);
	long efd = minos_syscall2(SYS_eventfd2, 0, EFD_CLOEXEC);
	long ep = minos_syscall1(SYS_epoll_create1, EPOLL_CLOEXEC);
	long n;

	if (tfd < 0 || efd < 0 || ep < 0) {
		report(name, tfd < 0 ? tfd : efd < 0 ? efd : ep);
		return;
	}
	minos_syscall4(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, tfd, (long)&ev);
	minos_syscall4(SYS_timerfd_settime, tfd, 0, (long)&its, 0);
	n = minos_syscall4(SYS_epoll_wait, ep, (long)&ev, 1, 10000);
	minos_syscall3(SYS_read, tfd, (long)&ticks, sizeof(ticks));
	minos_syscall3(SYS_write, efd, (long)&add, sizeof(add));
	minos_syscall3(SYS_read, efd, (long)&count, sizeof(count));
	sayf(name, "%ld expired=%d count=%llu", n, ticks >= 1, count);
}

/* Signals a container sends itself: tgkill(self, SIG).  With CATCH, a
 * handler is installed first and the probe prints "caught". */
static volatile int caught;
static void on_sig(int sig)
{
	caught = sig;
}

static void m_raise(const char *name, const long *a)
{
	long r;

	if (a[1]) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_sig;
		sigaction((int)a[0], &sa, NULL);
	}
	r = minos_syscall3(SYS_tgkill, minos_syscall0(SYS_getpid),
			   minos_syscall0(SYS_gettid), a[0]);
	sayf(name, "%ld caught=%d", r, caught);
}

/* A write to a stream with no reader: EPIPE, no signal (the kernel's
 * SIGPIPE is suppressed), even with SIGPIPE's default action. */
static void m_epipe(const char *name, const long *a)
{
	int fds[2];
	long r;

	(void)a;
	if (minos_syscall2(SYS_pipe2, (long)fds, 0) < 0)
		exit(1);
	minos_syscall1(SYS_close, fds[0]);
	r = minos_syscall3(SYS_write, fds[1], (long)"x", 1);
	report(name, r);
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
	{ "fstatfd", m_fstat, 1, 1, "FD", "fstat(FD): the stat's fields" },
	{ "fstatat", m_fstatat, 1, 1, "FD", "newfstatat(FD, \"\", AT_EMPTY_PATH)" },
	{ "fstatatpath", m_fstatatpath, 0, 0, "", "newfstatat of the path /" },
	{ "statxfd", m_statx, 1, 1, "FD", "statx(FD, \"\", AT_EMPTY_PATH)" },
	{ "unamefields", m_uname, 0, 0, "", "uname: sysname nodename release machine" },
	{ "cwd", m_cwd, 0, 1, "[SIZE]", "getcwd(buf, SIZE)" },
	{ "sysinfo", m_sysinfo, 0, 0, "", "sysinfo: the container's view" },
	{ "resid", m_resid, 1, 1, "GID?", "getresuid (0) or getresgid (1)" },
	{ "affinity", m_affinity, 1, 1, "PID", "CPUs in sched_getaffinity(PID)" },
	{ "affinitytid", m_affinitytid, 0, 0, "", "the same for its own tid" },
	{ "prctlname", m_prctlname, 0, 0, "", "PR_SET_NAME then PR_GET_NAME" },
	{ "rlimit", m_rlimit, 1, 1, "RES", "getrlimit and prlimit64 read" },
	{ "prlimitset", m_setrlimit, 1, 1, "RES", "prlimit64 that sets" },
	{ "rusage", m_rusage, 1, 1, "WHO", "getrusage(WHO, &ru)" },
	{ "pipe2ends", m_pipe2, 1, 1, "FLAGS", "pipe2(FLAGS): numbers, flags, modes" },
	{ "setfl", m_setfl, 2, 2, "FD FLAGS", "F_SETFL: what changed" },
	{ "nonblock", m_nonblock, 0, 0, "", "non-blocking read, FIONREAD" },
	{ "minosnonblock", m_minosnonblock, 0, 0, "", "Minos read/write, non-blocking" },
	{ "private", m_private, 0, 0, "", "Minos calls on private objects" },
	{ "raise", m_raise, 1, 2, "SIG [CATCH]", "tgkill(self, SIG)" },
	{ "epipe", m_epipe, 0, 0, "", "write to a pipe with no reader" },
	{ "fstatprivate", m_fstatprivate, 1, 1, "KIND", "fstat of an eventfd/timerfd/epoll" },
	{ "timer", m_timer, 1, 1, "CLOCK", "a 1 ms timerfd in epoll; an eventfd" },
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
