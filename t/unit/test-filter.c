/* SPDX-License-Identifier: MIT */
/*
 * test-filter.c - the generated seccomp filter, checked offline: a small
 * BPF interpreter runs it on rows of (arch, call, arguments) and each row
 * names the action the kernel must take.  The live half of these checks is
 * t/900-escape.bats (the probe guest under minos-exec).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <asm/prctl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>

#include "filter.h"
#include "minos.h"

#include "tap.h"

/* Run prog on data the way the kernel does; -1 on a malformed program. */
static int64_t run(const struct filter *f, const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0;
	const unsigned char *bytes = (const unsigned char *)d;
	for (unsigned pc = 0; pc < f->len; pc++) {
		const struct sock_filter *in = &f->insns[pc];
		switch (in->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (in->k + 4 > sizeof(*d) || in->k % 4)
				return -1;
			memcpy(&a, bytes + in->k, 4);
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= in->k;
			break;
		case BPF_ALU | BPF_XOR | BPF_K:
			a ^= in->k;
			break;
		case BPF_ALU | BPF_OR | BPF_X:
			a |= x;
			break;
		case BPF_MISC | BPF_TAX:
			x = a;
			break;
		case BPF_JMP | BPF_JA:
			pc += in->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == in->k ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= in->k ? in->jt : in->jf;
			break;
		case BPF_RET | BPF_K:
			return in->k;
		default:
			return -1;
		}
	}
	return -1; /* fell off the end */
}

#define ALLOWED   SECCOMP_RET_ALLOW
#define NOSYS     (SECCOMP_RET_ERRNO | ENOSYS)
#define PERM      (SECCOMP_RET_ERRNO | EPERM)
#define HANDLED   (SECCOMP_RET_TRACE | FILTER_HANDLE)
#define NOTIFIED  SECCOMP_RET_USER_NOTIF
#define T_NOSYS   (SECCOMP_RET_TRACE | FILTER_REFUSED_NOSYS)
#define T_PERM    (SECCOMP_RET_TRACE | FILTER_REFUSED_PERM)
#define T_FOREIGN (SECCOMP_RET_TRACE | FILTER_FOREIGN_ARCH)
#define NOTTY     (SECCOMP_RET_ERRNO | ENOTTY)
#define NOTSOCK_  (SECCOMP_RET_ERRNO | ENOTSOCK)
#define SPIPE     (SECCOMP_RET_ERRNO | ESPIPE)
#define X64       AUDIT_ARCH_X86_64
#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#endif

#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
	CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | \
	CLONE_CHILD_CLEARTID)

static const struct row {
	const char *what;
	uint32_t arch;
	long nr;
	uint64_t args[6];
	uint32_t plain, traced; /* without and with --trace */
} rows[] = {
	{ "read runs in-kernel", AUDIT_ARCH_X86_64, __NR_read, { 0 }, ALLOWED, ALLOWED },
	{ "write runs in-kernel", AUDIT_ARCH_X86_64, __NR_write, { 1 }, ALLOWED, ALLOWED },
	{ "close runs in-kernel", AUDIT_ARCH_X86_64, __NR_close, { 3 }, ALLOWED, ALLOWED },
	{ "openat is ENOSYS", AUDIT_ARCH_X86_64, __NR_openat, { 0 }, NOSYS, T_NOSYS },
	{ "open is ENOSYS", AUDIT_ARCH_X86_64, __NR_open, { 0 }, NOSYS, T_NOSYS },
	{ "execve is ENOSYS", AUDIT_ARCH_X86_64, __NR_execve, { 0 }, NOSYS, T_NOSYS },
	{ "socket is ENOSYS", AUDIT_ARCH_X86_64, __NR_socket, { 2, 1 }, NOSYS, T_NOSYS },
	{ "ptrace is ENOSYS", AUDIT_ARCH_X86_64, __NR_ptrace, { 0 }, NOSYS, T_NOSYS },
	{ "kill is ENOSYS", AUDIT_ARCH_X86_64, __NR_kill, { 1, 9 }, NOSYS, T_NOSYS },
	{ "io_uring_setup is ENOSYS", AUDIT_ARCH_X86_64, __NR_io_uring_setup, { 0 }, NOSYS, T_NOSYS },
	{ "bpf is ENOSYS", AUDIT_ARCH_X86_64, __NR_bpf, { 0 }, NOSYS, T_NOSYS },
	{ "clone3 is ENOSYS", AUDIT_ARCH_X86_64, __NR_clone3, { 0 }, NOSYS, T_NOSYS },
	{ "fork is ENOSYS", AUDIT_ARCH_X86_64, __NR_fork, { 0 }, NOSYS, T_NOSYS },
	{ "rseq is ENOSYS", AUDIT_ARCH_X86_64, __NR_rseq, { 0 }, NOSYS, T_NOSYS },
	{ "a number past every table is ENOSYS", AUDIT_ARCH_X86_64, 0x3fffffff, { 0 }, NOSYS, T_NOSYS },
	{ "an x32 number is foreign", AUDIT_ARCH_X86_64, 0x40000000 | __NR_read, { 0 }, NOSYS, T_FOREIGN },
	{ "an x32 Minos number is foreign", AUDIT_ARCH_X86_64, 0x40000000 | MINOS_SYS_PIPE, { 0 }, NOSYS, T_FOREIGN },
	{ "an i386 call is foreign", AUDIT_ARCH_I386, 3 /* read */, { 0 }, NOSYS, T_FOREIGN },
	{ "an i386 call numbered like a Minos call is foreign", AUDIT_ARCH_I386, MINOS_SYS_PIPE, { 0 }, NOSYS, T_FOREIGN },
	{ "anonymous mmap runs in-kernel", AUDIT_ARCH_X86_64, __NR_mmap, { 0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1 }, ALLOWED, ALLOWED },
	{ "a file mmap is EPERM", AUDIT_ARCH_X86_64, __NR_mmap, { 0, 4096, PROT_READ, MAP_PRIVATE, 0 }, PERM, T_PERM },
	{ "a thread clone is traced (thread count)", AUDIT_ARCH_X86_64, __NR_clone, { THREAD_FLAGS }, HANDLED, HANDLED },
	{ "a fork-like clone is EPERM", AUDIT_ARCH_X86_64, __NR_clone, { 17 /* SIGCHLD */ }, PERM, T_PERM },
	{ "a thread clone with CLONE_NEWNS is EPERM", AUDIT_ARCH_X86_64, __NR_clone, { THREAD_FLAGS | CLONE_NEWNS }, PERM, T_PERM },
	{ "a thread clone with CLONE_VFORK is EPERM", AUDIT_ARCH_X86_64, __NR_clone, { THREAD_FLAGS | CLONE_VFORK }, PERM, T_PERM },
	{ "a thread clone with CLONE_UNTRACED is EPERM", AUDIT_ARCH_X86_64, __NR_clone, { THREAD_FLAGS | CLONE_UNTRACED }, PERM, T_PERM },
	{ "a thread clone with flag bits above 32 is EPERM", AUDIT_ARCH_X86_64, __NR_clone, { THREAD_FLAGS | (1ULL << 40) }, PERM, T_PERM },
	{ "a clone missing CLONE_FILES is EPERM", AUDIT_ARCH_X86_64, __NR_clone, { THREAD_FLAGS & ~(uint64_t)CLONE_FILES }, PERM, T_PERM },
	{ "pipe runs in-kernel (musl's pipe2(fds, 0))", AUDIT_ARCH_X86_64, __NR_pipe, { 0x1000 }, ALLOWED, ALLOWED },
	{ "pipe2(0) runs in-kernel", AUDIT_ARCH_X86_64, __NR_pipe2, { 0x1000, 0 }, ALLOWED, ALLOWED },
	{ "pipe2(O_CLOEXEC) runs in-kernel", AUDIT_ARCH_X86_64, __NR_pipe2, { 0x1000, O_CLOEXEC }, ALLOWED, ALLOWED },
	{ "pipe2(O_NONBLOCK) runs in-kernel", AUDIT_ARCH_X86_64, __NR_pipe2, { 0x1000, O_NONBLOCK }, ALLOWED, ALLOWED },
	{ "pipe2(O_CLOEXEC|O_NONBLOCK|O_DIRECT) runs in-kernel", X64, __NR_pipe2, { 0x1000, O_CLOEXEC | O_NONBLOCK | O_DIRECT }, ALLOWED, ALLOWED },
	{ "pipe2(O_NOTIFICATION_PIPE) is EPERM (a kernel watch queue)", X64, __NR_pipe2, { 0x1000, O_EXCL }, PERM, T_PERM },
	{ "pipe2 with flag bits above 32 is EPERM", X64, __NR_pipe2, { 0x1000, 1ULL << 33 }, PERM, T_PERM },
	/* private objects: made with a stop (the Minos calls must know) */
	{ "epoll_create1(0) is traced (a private object)", X64, __NR_epoll_create1, { 0 }, HANDLED, HANDLED },
	{ "epoll_create1(EPOLL_CLOEXEC) is traced", X64, __NR_epoll_create1, { EPOLL_CLOEXEC }, HANDLED, HANDLED },
	{ "epoll_create1(1) is EPERM", X64, __NR_epoll_create1, { 1 }, PERM, T_PERM },
	{ "epoll_create is traced", X64, __NR_epoll_create, { 1 }, HANDLED, HANDLED },
	{ "epoll_ctl runs in-kernel", X64, __NR_epoll_ctl, { 3, 1, 0, 0x1000 }, ALLOWED, ALLOWED },
	{ "epoll_wait runs in-kernel", X64, __NR_epoll_wait, { 3, 0x1000, 1, (uint64_t)-1 }, ALLOWED, ALLOWED },
	{ "epoll_pwait runs in-kernel", X64, __NR_epoll_pwait, { 3 }, ALLOWED, ALLOWED },
	{ "epoll_pwait2 runs in-kernel", X64, __NR_epoll_pwait2, { 3 }, ALLOWED, ALLOWED },
	{ "eventfd2(EFD_CLOEXEC|EFD_NONBLOCK|EFD_SEMAPHORE) is traced", X64, __NR_eventfd2, { 0, EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE }, HANDLED, HANDLED },
	{ "eventfd2 with another flag is EPERM", X64, __NR_eventfd2, { 0, 0x10 }, PERM, T_PERM },
	{ "eventfd is traced", X64, __NR_eventfd, { 0 }, HANDLED, HANDLED },
	{ "timerfd_create(CLOCK_MONOTONIC) is traced", X64, __NR_timerfd_create, { CLOCK_MONOTONIC, 0 }, HANDLED, HANDLED },
	{ "timerfd_create(CLOCK_REALTIME) is traced", X64, __NR_timerfd_create, { CLOCK_REALTIME, 0 }, HANDLED, HANDLED },
	{ "timerfd_create(CLOCK_BOOTTIME) is traced", X64, __NR_timerfd_create, { CLOCK_BOOTTIME, 0 }, HANDLED, HANDLED },
	{ "timerfd_create(CLOCK_REALTIME_ALARM) is EPERM", X64, __NR_timerfd_create, { CLOCK_REALTIME_ALARM, 0 }, PERM, T_PERM },
	{ "timerfd_create(CLOCK_PROCESS_CPUTIME_ID) is EPERM", X64, __NR_timerfd_create, { CLOCK_PROCESS_CPUTIME_ID, 0 }, PERM, T_PERM },
	{ "timerfd_settime runs in-kernel", X64, __NR_timerfd_settime, { 3, 1 }, ALLOWED, ALLOWED },
	{ "timerfd_gettime runs in-kernel", X64, __NR_timerfd_gettime, { 3 }, ALLOWED, ALLOWED },
	/* fcntl: never a second number */
	{ "fcntl F_GETFD runs in-kernel", X64, __NR_fcntl, { 0, F_GETFD }, ALLOWED, ALLOWED },
	{ "fcntl F_SETFD runs in-kernel", X64, __NR_fcntl, { 0, F_SETFD, FD_CLOEXEC }, ALLOWED, ALLOWED },
	{ "fcntl F_GETFL runs in-kernel", X64, __NR_fcntl, { 1, F_GETFL }, ALLOWED, ALLOWED },
	{ "fcntl F_GETPIPE_SZ runs in-kernel", X64, __NR_fcntl, { 1, F_GETPIPE_SZ }, ALLOWED, ALLOWED },
	{ "fcntl F_SETFL is traced (only O_NONBLOCK changes)", X64, __NR_fcntl, { 1, F_SETFL, O_NONBLOCK }, HANDLED, HANDLED },
	{ "fcntl F_DUPFD is EPERM", X64, __NR_fcntl, { 0, F_DUPFD, 10 }, PERM, T_PERM },
	{ "fcntl F_DUPFD_CLOEXEC is EPERM", X64, __NR_fcntl, { 0, F_DUPFD_CLOEXEC, 10 }, PERM, T_PERM },
	{ "fcntl F_SETPIPE_SZ is EPERM", X64, __NR_fcntl, { 0, F_SETPIPE_SZ, 1 << 20 }, PERM, T_PERM },
	{ "fcntl F_SETOWN is EPERM", X64, __NR_fcntl, { 0, F_SETOWN, 1 }, PERM, T_PERM },
	{ "fcntl F_SETLK is EPERM", X64, __NR_fcntl, { 0, F_SETLK, 0x1000 }, PERM, T_PERM },
	{ "fcntl F_GETFL with bits above 32 in the command is EPERM", X64, __NR_fcntl, { 0, F_GETFL | (1ULL << 32) }, PERM, T_PERM },
	/* a synthetic stat */
	{ "fstat is traced (synthetic)", X64, __NR_fstat, { 0, 0x1000 }, HANDLED, HANDLED },
	{ "newfstatat with AT_EMPTY_PATH is traced", X64, __NR_newfstatat, { 0, 0x1000, 0x2000, AT_EMPTY_PATH }, HANDLED, HANDLED },
	{ "newfstatat of a path is EPERM", X64, __NR_newfstatat, { (uint64_t)-100, 0x1000, 0x2000, 0 }, PERM, T_PERM },
	{ "statx with AT_EMPTY_PATH is traced", X64, __NR_statx, { 0, 0x1000, AT_EMPTY_PATH, 0x7ff, 0x2000 }, HANDLED, HANDLED },
	{ "statx of a path is EPERM", X64, __NR_statx, { (uint64_t)-100, 0x1000, 0, 0x7ff, 0x2000 }, PERM, T_PERM },
	/* what Linux says of a pipe */
	{ "ioctl FIONREAD runs in-kernel", X64, __NR_ioctl, { 0, FIONREAD, 0x1000 }, ALLOWED, ALLOWED },
	{ "ioctl FIONBIO runs in-kernel", X64, __NR_ioctl, { 0, FIONBIO, 0x1000 }, ALLOWED, ALLOWED },
	{ "ioctl FIOCLEX runs in-kernel", X64, __NR_ioctl, { 0, FIOCLEX }, ALLOWED, ALLOWED },
	{ "ioctl FIONCLEX runs in-kernel", X64, __NR_ioctl, { 0, FIONCLEX }, ALLOWED, ALLOWED },
	{ "ioctl TCGETS is ENOTTY", X64, __NR_ioctl, { 0, TCGETS, 0x1000 }, NOTTY, NOTTY },
	{ "ioctl TIOCSTI is ENOTTY", X64, __NR_ioctl, { 0, TIOCSTI, 0x1000 }, NOTTY, NOTTY },
	{ "ioctl FIOASYNC is ENOTTY", X64, __NR_ioctl, { 0, FIOASYNC, 0x1000 }, NOTTY, NOTTY },
	{ "ioctl FIONREAD with bits above 32 is ENOTTY", X64, __NR_ioctl, { 0, FIONREAD | (1ULL << 40) }, NOTTY, NOTTY },
	{ "lseek is ESPIPE", X64, __NR_lseek, { 0, 0, 0 }, SPIPE, SPIPE },
	{ "pread64 is ESPIPE", X64, __NR_pread64, { 0 }, SPIPE, SPIPE },
	{ "pwritev2 is ESPIPE", X64, __NR_pwritev2, { 1 }, SPIPE, SPIPE },
	{ "getpeername is ENOTSOCK", X64, __NR_getpeername, { 0 }, NOTSOCK_, NOTSOCK_ },
	{ "recvmsg is ENOTSOCK (no descriptor can arrive this way)", X64, __NR_recvmsg, { 0 }, NOTSOCK_, NOTSOCK_ },
	{ "connect is ENOTSOCK", X64, __NR_connect, { 0 }, NOTSOCK_, NOTSOCK_ },
	{ "mincore runs in-kernel", X64, __NR_mincore, { 0x1000, 4096, 0x2000 }, ALLOWED, ALLOWED },
	{ "a shared anonymous mmap is EPERM", X64, __NR_mmap, { 0, 4096, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, (uint64_t)-1 }, PERM, T_PERM },
	{ "a MAP_SHARED_VALIDATE anonymous mmap is EPERM", X64, __NR_mmap, { 0, 4096, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, (uint64_t)-1 }, PERM, T_PERM },
	{ "anonymous private mmap with MAP_FIXED|MAP_NORESERVE runs in-kernel", X64, __NR_mmap, { 0x10000, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, (uint64_t)-1 }, ALLOWED, ALLOWED },
	/* ids, names, the container's machine */
	{ "getppid is traced (0)", X64, __NR_getppid, { 0 }, HANDLED, HANDLED },
	{ "getuid is traced (65534)", X64, __NR_getuid, { 0 }, HANDLED, HANDLED },
	{ "getresgid is traced", X64, __NR_getresgid, { 0 }, HANDLED, HANDLED },
	{ "getgroups is traced", X64, __NR_getgroups, { 0 }, HANDLED, HANDLED },
	{ "setuid is EPERM", X64, __NR_setuid, { 0 }, PERM, T_PERM },
	{ "setresgid is EPERM", X64, __NR_setresgid, { 0, 0, 0 }, PERM, T_PERM },
	{ "setgroups is EPERM", X64, __NR_setgroups, { 0, 0 }, PERM, T_PERM },
	{ "uname is traced (nodename minos)", X64, __NR_uname, { 0x1000 }, HANDLED, HANDLED },
	{ "getcwd is traced (/)", X64, __NR_getcwd, { 0x1000, 64 }, HANDLED, HANDLED },
	{ "sysinfo is traced (the container's view)", X64, __NR_sysinfo, { 0x1000 }, HANDLED, HANDLED },
	{ "sched_getaffinity(0) runs in-kernel", X64, __NR_sched_getaffinity, { 0, 128, 0x1000 }, ALLOWED, ALLOWED },
	{ "sched_getaffinity(another pid) is traced (own thread?)", X64, __NR_sched_getaffinity, { 1234, 128, 0x1000 }, HANDLED, HANDLED },
	{ "sched_getscheduler(0) runs in-kernel", X64, __NR_sched_getscheduler, { 0 }, ALLOWED, ALLOWED },
	{ "sched_getparam(another pid) is traced", X64, __NR_sched_getparam, { 7, 0x1000 }, HANDLED, HANDLED },
	{ "get_robust_list(0) runs in-kernel", X64, __NR_get_robust_list, { 0, 0x1000, 0x2000 }, ALLOWED, ALLOWED },
	{ "get_robust_list(another pid) is traced", X64, __NR_get_robust_list, { 1, 0x1000, 0x2000 }, HANDLED, HANDLED },
	{ "getrlimit runs in-kernel", X64, __NR_getrlimit, { 7, 0x1000 }, ALLOWED, ALLOWED },
	{ "prlimit64(0, reading) runs in-kernel", X64, __NR_prlimit64, { 0, 7, 0, 0x1000 }, ALLOWED, ALLOWED },
	{ "prlimit64 that sets is EPERM", X64, __NR_prlimit64, { 0, 7, 0x1000, 0x2000 }, PERM, T_PERM },
	{ "prlimit64 of another pid is EPERM", X64, __NR_prlimit64, { 1, 7, 0, 0x1000 }, PERM, T_PERM },
	{ "setrlimit is EPERM", X64, __NR_setrlimit, { 7, 0x1000 }, PERM, T_PERM },
	{ "getrusage(RUSAGE_SELF) runs in-kernel", X64, __NR_getrusage, { RUSAGE_SELF, 0x1000 }, ALLOWED, ALLOWED },
	{ "getrusage(RUSAGE_THREAD) runs in-kernel", X64, __NR_getrusage, { RUSAGE_THREAD, 0x1000 }, ALLOWED, ALLOWED },
	{ "getrusage(RUSAGE_CHILDREN) is EPERM", X64, __NR_getrusage, { (uint64_t)RUSAGE_CHILDREN, 0x1000 }, PERM, T_PERM },
	{ "times runs in-kernel", X64, __NR_times, { 0x1000 }, ALLOWED, ALLOWED },
	/* signals */
	{ "rt_sigpending runs in-kernel", X64, __NR_rt_sigpending, { 0x1000, 8 }, ALLOWED, ALLOWED },
	{ "rt_sigsuspend runs in-kernel", X64, __NR_rt_sigsuspend, { 0x1000, 8 }, ALLOWED, ALLOWED },
	{ "rt_sigtimedwait runs in-kernel", X64, __NR_rt_sigtimedwait, { 0x1000 }, ALLOWED, ALLOWED },
	{ "tkill is traced (whose thread?)", X64, __NR_tkill, { 1, 13 }, HANDLED, HANDLED },
	{ "select runs in-kernel", X64, __NR_select, { 1 }, ALLOWED, ALLOWED },
	{ "pselect6 runs in-kernel", X64, __NR_pselect6, { 1 }, ALLOWED, ALLOWED },
	{ "time runs in-kernel", X64, __NR_time, { 0 }, ALLOWED, ALLOWED },
	/* prctl: names only */
	{ "prctl PR_SET_NAME runs in-kernel", X64, __NR_prctl, { PR_SET_NAME, 0x1000 }, ALLOWED, ALLOWED },
	{ "prctl PR_GET_NAME runs in-kernel", X64, __NR_prctl, { PR_GET_NAME, 0x1000 }, ALLOWED, ALLOWED },
	{ "prctl PR_GET_DUMPABLE runs in-kernel", X64, __NR_prctl, { PR_GET_DUMPABLE }, ALLOWED, ALLOWED },
	{ "prctl PR_SET_VMA runs in-kernel", X64, __NR_prctl, { PR_SET_VMA, 0, 0x1000, 4096, 0x2000 }, ALLOWED, ALLOWED },
	{ "prctl PR_SET_NO_NEW_PRIVS is EPERM", X64, __NR_prctl, { PR_SET_NO_NEW_PRIVS, 1 }, PERM, T_PERM },
	{ "prctl PR_SET_SECCOMP is EPERM", X64, __NR_prctl, { PR_SET_SECCOMP, 2 }, PERM, T_PERM },
	{ "prctl PR_SET_DUMPABLE is EPERM", X64, __NR_prctl, { PR_SET_DUMPABLE, 1 }, PERM, T_PERM },
	{ "prctl PR_SET_PDEATHSIG is EPERM", X64, __NR_prctl, { PR_SET_PDEATHSIG, 9 }, PERM, T_PERM },
	{ "prctl PR_CAP_AMBIENT is EPERM", X64, __NR_prctl, { PR_CAP_AMBIENT, 2 }, PERM, T_PERM },
	{ "prctl PR_SET_NAME with bits above 32 is EPERM", X64, __NR_prctl, { PR_SET_NAME | (1ULL << 32), 0x1000 }, PERM, T_PERM },
	/* still refused: these reach beyond the container */
	{ "socketpair is ENOSYS", X64, __NR_socketpair, { 1, 1, 0, 0x1000 }, NOSYS, T_NOSYS },
	{ "dup is ENOSYS", X64, __NR_dup, { 0 }, NOSYS, T_NOSYS },
	{ "dup3 is ENOSYS", X64, __NR_dup3, { 0, 5, 0 }, NOSYS, T_NOSYS },
	{ "signalfd4 is ENOSYS", X64, __NR_signalfd4, { (uint64_t)-1 }, NOSYS, T_NOSYS },
	{ "memfd_create is ENOSYS", X64, __NR_memfd_create, { 0 }, NOSYS, T_NOSYS },
	{ "inotify_init1 is ENOSYS", X64, __NR_inotify_init1, { 0 }, NOSYS, T_NOSYS },
	{ "kill is still ENOSYS", X64, __NR_kill, { 0, 13 }, NOSYS, T_NOSYS },
	/* traced only for a restore's injected calls; a container's own is
	 * ENOSYS (t/900-escape.bats) */
	{ "rt_sigqueueinfo is traced (ENOSYS for a container)", X64, __NR_rt_sigqueueinfo, { 1, 13, 0x1000 }, HANDLED, HANDLED },
	{ "rt_tgsigqueueinfo is traced (ENOSYS for a container)", X64, __NR_rt_tgsigqueueinfo, { 1, 1, 13, 0x1000 }, HANDLED, HANDLED },
	{ "stat of a path is ENOSYS", X64, __NR_stat, { 0x1000, 0x2000 }, NOSYS, T_NOSYS },
	{ "sched_setaffinity is ENOSYS", X64, __NR_sched_setaffinity, { 0, 8, 0x1000 }, NOSYS, T_NOSYS },
	{ "futex WAIT_PRIVATE runs in-kernel", AUDIT_ARCH_X86_64, __NR_futex, { 0x1000, FUTEX_WAIT_PRIVATE }, ALLOWED, ALLOWED },
	{ "futex WAKE_OP runs in-kernel", AUDIT_ARCH_X86_64, __NR_futex, { 0x1000, FUTEX_WAKE_OP }, ALLOWED, ALLOWED },
	{ "futex WAIT_BITSET with CLOCK_REALTIME runs in-kernel", AUDIT_ARCH_X86_64, __NR_futex, { 0x1000, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME }, ALLOWED, ALLOWED },
	{ "futex LOCK_PI is EPERM", AUDIT_ARCH_X86_64, __NR_futex, { 0x1000, FUTEX_LOCK_PI }, PERM, T_PERM },
	{ "futex WAIT_REQUEUE_PI is EPERM", AUDIT_ARCH_X86_64, __NR_futex, { 0x1000, FUTEX_WAIT_REQUEUE_PI | FUTEX_PRIVATE_FLAG }, PERM, T_PERM },
	{ "arch_prctl ARCH_SET_FS runs in-kernel", AUDIT_ARCH_X86_64, __NR_arch_prctl, { ARCH_SET_FS, 0x1000 }, ALLOWED, ALLOWED },
	{ "arch_prctl ARCH_SET_GS is EPERM", AUDIT_ARCH_X86_64, __NR_arch_prctl, { ARCH_SET_GS, 0x1000 }, PERM, T_PERM },
	{ "tgkill is traced (whose thread?)", AUDIT_ARCH_X86_64, __NR_tgkill, { 1, 1, 10 }, HANDLED, HANDLED },
	{ "execveat is traced (only the trampoline's)", AUDIT_ARCH_X86_64, __NR_execveat, { 3 }, HANDLED, HANDLED },
	{ "restart_syscall runs in-kernel", AUDIT_ARCH_X86_64, __NR_restart_syscall, { 0 }, ALLOWED, ALLOWED },
	{ "Minos cnew is traced", AUDIT_ARCH_X86_64, MINOS_SYS_CNEW, { 0 }, HANDLED, HANDLED },
	{ "Minos pipe is traced", AUDIT_ARCH_X86_64, MINOS_SYS_PIPE, { 0 }, HANDLED, HANDLED },
	{ "Minos rpass is traced", AUDIT_ARCH_X86_64, MINOS_SYS_RPASS, { 0 }, HANDLED, HANDLED },
	{ "0x440a (past the Minos calls) is ENOSYS", AUDIT_ARCH_X86_64, 0x440a, { 0 }, NOSYS, T_NOSYS },
	{ "the private install call goes to the listener", AUDIT_ARCH_X86_64, MINOS_PRIV_INSTALL, { 0 }, NOTIFIED, NOTIFIED },
};

int main(void)
{
	struct filter plain, traced;
	char err[256];
	ok(filter_build(false, &plain, err, sizeof(err)) == 0, "the filter builds (%s)", err);
	ok(filter_build(true, &traced, err, sizeof(err)) == 0, "the --trace filter builds");
	ok(plain.len > 0 && plain.len <= BPF_MAXINSNS, "the filter fits the kernel's limit (%u instructions)", plain.len);
	/* It is compiled at every container start: its length is start-up. */
	ok(plain.len <= 512 && traced.len <= 512, "the filter stays short (%u, %u with --trace; at most 512)", plain.len, traced.len);

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct seccomp_data d = { .nr = (int)r->nr, .arch = r->arch };
		memcpy(d.args, r->args, sizeof(d.args));
		int64_t p = run(&plain, &d), t = run(&traced, &d);
		ok(p == r->plain, "%s (got %#llx)", r->what, (long long)p);
		ok(t == r->traced, "%s, with --trace (got %#llx)", r->what, (long long)t);
	}

	/* Every number, listed or not, lands where its row says: the binary
	 * search must not lose or misplace any of them. */
	enum { K_ALLOW, K_FORM, K_TRACE, K_FTRACE, K_NOSYS, K_DENY, K_NOTSOCK, K_NOSEEK };
	static const struct { long nr; int kind; } table[] = {
#define CALL(name, nr, action, handler, nargs) { nr, K_##action },
#define FORM(...)
#define FORM2(...)
#include "syscalls.def"
#undef CALL
#undef FORM
#undef FORM2
	};
	unsigned wrong = 0, checked = 0;
	for (long nr = 0; nr < 0x4500; nr = nr == 1023 ? 0x4300 : nr + 1) {
		struct seccomp_data d = { .nr = (int)nr, .arch = AUDIT_ARCH_X86_64 };
		int kind = K_NOSYS;
		for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
			if (table[i].nr == nr)
				kind = table[i].kind;
		int64_t got = run(&plain, &d);
		bool good;
		switch (kind) {
		case K_ALLOW: good = got == ALLOWED; break;
		case K_TRACE: good = got == HANDLED; break;
		case K_FORM: good = got == ALLOWED || got == PERM || got == NOTTY || got == HANDLED; break;
		case K_DENY: good = got == PERM; break;
		case K_NOTSOCK: good = got == NOTSOCK_; break;
		case K_NOSEEK: good = got == SPIPE; break;
		case K_FTRACE: good = got == HANDLED || got == PERM; break;
		default: good = got == (nr == MINOS_PRIV_INSTALL ? NOTIFIED : NOSYS);
		}
		if (!good && wrong++ < 5)
			printf("# nr %ld: kind %d, got %#llx\n", nr, kind, (long long)got);
		checked++;
	}
	ok(wrong == 0, "each of %u call numbers gets its row's action (%u wrong)", checked, wrong);

	/* close_range is the supervisor's alone: only with the run's key in
	 * its sixth argument and flags 0; any other is ENOSYS, as a call not
	 * in the table, whatever a container guesses. */
	ok(plain.close_key != 0 && traced.close_key != 0 &&
	   plain.close_key != traced.close_key, "each filter has a key of its own");
	const struct filter *both[2] = { &plain, &traced };
	for (int f = 0; f < 2; f++) {
		uint64_t k = both[f]->close_key;
		const uint32_t no = f ? T_NOSYS : NOSYS;
		const char *how = f ? ", with --trace" : "";
		const struct { const char *what; uint64_t args[6]; uint32_t want; } cr[] = {
			{ "close_range with the key runs in-kernel", { 3, 9, 0, 0, 0, k }, ALLOWED },
			{ "close_range without a key is ENOSYS", { 3, 9, 0, 0, 0, 0 }, no },
			{ "close_range with the key and CLOSE_RANGE_CLOEXEC is ENOSYS", { 3, 9, 4, 0, 0, k }, no },
			{ "close_range with the key and CLOSE_RANGE_UNSHARE is ENOSYS", { 3, 9, 2, 0, 0, k }, no },
			{ "close_range with flags above 32 bits is ENOSYS", { 3, 9, 1ULL << 32, 0, 0, k }, no },
			{ "close_range with the key's high half only is ENOSYS", { 3, 9, 0, 0, 0, k & ~0xffffffffULL }, no },
			{ "close_range with the key's low half only is ENOSYS", { 3, 9, 0, 0, 0, k & 0xffffffffULL }, no },
			{ "close_range with the key one bit off is ENOSYS", { 3, 9, 0, 0, 0, k ^ 1 }, no },
			{ "close_range with the key's halves swapped is ENOSYS", { 3, 9, 0, 0, 0, (k << 32) | (k >> 32) }, no },
			{ "close_range with all ones is ENOSYS", { 3, 9, 0, 0, 0, ~0ULL }, no },
			{ "close_range with the key in r10 is ENOSYS", { 3, 9, 0, k, 0, 0 }, no },
			{ "close_range with the key in r8 is ENOSYS", { 3, 9, 0, 0, k, 0 }, no },
			{ "close_range with the other filter's key is ENOSYS", { 3, 9, 0, 0, 0, both[!f]->close_key }, no },
		};
		for (size_t i = 0; i < sizeof(cr) / sizeof(cr[0]); i++) {
			struct seccomp_data d = { .nr = __NR_close_range, .arch = X64 };
			memcpy(d.args, cr[i].args, sizeof(d.args));
			int64_t got = run(both[f], &d);
			ok(got == cr[i].want, "%s%s (got %#llx)", cr[i].what, how, (long long)got);
		}
		/* An i386 or x32 close_range is foreign, key or not. */
		struct seccomp_data d = { .nr = 0x40000000 | __NR_close_range, .arch = X64,
					  .args = { 3, 9, 0, 0, 0, k } };
		int64_t got = run(both[f], &d);
		ok(got == (f ? T_FOREIGN : NOSYS), "an x32 close_range with the key is foreign%s", how);
	}
	/* set_tid_address stops only where a checkpoint may need it. */
	{
		struct filter unsaved;
		struct seccomp_data d = { .nr = __NR_set_tid_address, .arch = X64 };
		ok(filter_build_run(false, false, false, &unsaved, err, sizeof(err)) == 0,
		   "the filter of a run without --checkpoint builds");
		ok(run(&plain, &d) == HANDLED && run(&traced, &d) == HANDLED,
		   "set_tid_address is traced where a checkpoint may come");
		ok(run(&unsaved, &d) == ALLOWED,
		   "set_tid_address runs in-kernel in a run without --checkpoint");
		d.nr = __NR_set_robust_list;
		int64_t want = run(&plain, &d);
		ok(run(&unsaved, &d) == want, "other rows are as in the default filter");
		filter_free(&unsaved);
	}
	/* mseal is the supervisor's: it runs in-kernel only with the run's
	 * key in r9 and flags 0 (a cnew child's seal on its way into its
	 * program, tracee_start_sealed); any other stops, and a container
	 * gets ENOSYS from its handler (sys_mseal), a guessed key among them. */
	for (int f = 0; f < 2; f++) {
		uint64_t k = both[f]->close_key;
		const char *how = f ? ", with --trace" : "";
		const struct { const char *what; uint64_t args[6]; uint32_t want; } ms[] = {
			{ "mseal with the key runs in-kernel", { 0x7000, 8192, 0, 0, 0, k }, ALLOWED },
			{ "mseal without a key stops", { 0x7000, 8192, 0, 0, 0, 0 }, HANDLED },
			{ "mseal with the key and flags stops", { 0x7000, 8192, 1, 0, 0, k }, HANDLED },
			{ "mseal with flags above 32 bits stops", { 0x7000, 8192, 1ULL << 32, 0, 0, k }, HANDLED },
			{ "mseal with the key's high half only stops", { 0x7000, 8192, 0, 0, 0, k & ~0xffffffffULL }, HANDLED },
			{ "mseal with the key's low half only stops", { 0x7000, 8192, 0, 0, 0, k & 0xffffffffULL }, HANDLED },
			{ "mseal with the key one bit off stops", { 0x7000, 8192, 0, 0, 0, k ^ (1ULL << 40) }, HANDLED },
			{ "mseal with the key in r8 stops", { 0x7000, 8192, 0, 0, k, 0 }, HANDLED },
			{ "mseal with the other filter's key stops", { 0x7000, 8192, 0, 0, 0, both[!f]->close_key }, HANDLED },
		};
		for (size_t i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
			struct seccomp_data d = { .nr = 462, .arch = X64 };
			memcpy(d.args, ms[i].args, sizeof(d.args));
			int64_t got = run(both[f], &d);
			ok(got == ms[i].want, "%s%s (got %#llx)", ms[i].what, how, (long long)got);
		}
		struct seccomp_data d = { .nr = 0x40000000 | 462, .arch = X64,
					  .args = { 0x7000, 8192, 0, 0, 0, k } };
		int64_t got = run(both[f], &d);
		ok(got == (f ? T_FOREIGN : NOSYS), "an x32 mseal with the key is foreign%s", how);
	}

	/* Calls without argument tests never load an argument: the kernel's
	 * action cache can then decide them without running the filter. */
	const long hot[] = { __NR_read, __NR_write, __NR_close, __NR_readv,
			     __NR_writev, __NR_poll, __NR_ppoll, __NR_select,
			     __NR_pselect6, __NR_epoll_wait, __NR_epoll_pwait,
			     __NR_epoll_pwait2, __NR_epoll_ctl, __NR_clock_gettime,
			     __NR_timerfd_settime, __NR_nanosleep };
	for (size_t i = 0; i < sizeof(hot) / sizeof(hot[0]); i++) {
		struct seccomp_data a = { .nr = (int)hot[i], .arch = AUDIT_ARCH_X86_64 };
		struct seccomp_data b = a;
		memset(b.args, 0xff, sizeof(b.args));
		ok(run(&plain, &a) == ALLOWED && run(&plain, &b) == ALLOWED,
		   "%s is allowed whatever its arguments (cacheable)", filter_call_name(hot[i]));
	}
	ok(strcmp(filter_call_name(__NR_socket), "socket") == 0, "refused calls are named (socket)");
	ok(strcmp(filter_call_name(MINOS_SYS_PIPE), "minos_pipe") == 0, "Minos calls are named (minos_pipe)");
	const char *i386 = filter_foreign_name(20);
	ok(i386 && strcmp(i386, "i386 getpid") == 0, "i386 calls are named from the i386 table (%s)", i386 ? i386 : "NULL");

	filter_free(&plain);
	filter_free(&traced);
	return tap_done();
}
