/* SPDX-License-Identifier: MIT */
/*
 * trace.c - --trace lines, their arguments decoded the way strace(1) shows
 * them: paths as quoted strings, AT_FDCWD, open/at/mmap flags, fcntl
 * commands, ioctl requests and signals by name, errors by errno name.
 *
 * Everything decoded here comes from a container: the registers as the
 * loop copied them, and the bytes of a path read once through mem.c, at
 * most TRACE_PATH_MAX of them, every byte outside printable ASCII escaped.
 * So a container cannot make a trace line longer than bounded, end one
 * early, start a forged one, or write a control character to the terminal.
 * What a line shows of memory is what was there when the line was written
 * (for a call shown at its exit, after the kernel ran it): a display, never
 * a decision.  Signal and errno names come from the C library
 * (sigabbrev_np, strerrorname_np); the tables below are for what it has no
 * names of.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "log.h"
#include "mem.h"
#include "trace.h"

#define TRACE_PATH_MAX 256 /* bytes of a path shown; then "..." */
#define PAGE 4096u

/* The kernel's bit: the C library calls it 0 on 64-bit machines. */
#define KO_LARGEFILE 0100000

/* ---- an output buffer that truncates, never overflows -------------------- */

struct out {
	char *p;
	size_t len, off;
};

static void put(struct out *o, const char *fmt, ...) PRINTF(2, 3);
static void put(struct out *o, const char *fmt, ...)
{
	if (o->off >= o->len)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->p + o->off, o->len - o->off, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->off += (size_t)n < o->len - o->off ? (size_t)n : o->len - o->off - 1;
}

/* ---- strings ------------------------------------------------------------- */

char *trace_quote(char *buf, size_t len, const char *s, size_t n, int more)
{
	struct out o = { buf, len, 0 };
	buf[0] = '\0';
	put(&o, "\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"':  put(&o, "\\\""); break;
		case '\\': put(&o, "\\\\"); break;
		case '\n': put(&o, "\\n"); break;
		case '\t': put(&o, "\\t"); break;
		case '\r': put(&o, "\\r"); break;
		default:
			if (c >= 0x20 && c < 0x7f)
				put(&o, "%c", c);
			else
				put(&o, "\\x%02x", c);
		}
	}
	put(&o, more ? "\"..." : "\"");
	return buf;
}

char *trace_string(char *buf, size_t len, pid_t tid, uint64_t addr, size_t max)
{
	char s[TRACE_PATH_MAX + 1];
	size_t n = 0;
	bool nul = false;

	if (!addr) {
		snprintf(buf, len, "NULL");
		return buf;
	}
	if (max > TRACE_PATH_MAX)
		max = TRACE_PATH_MAX;
	/* Page by page: a string may end just before an unmapped page. */
	while (n <= max && !nul) {
		uint64_t at = addr + n;
		size_t chunk = PAGE - (size_t)(at % PAGE);
		if (chunk > max + 1 - n)
			chunk = max + 1 - n;
		if (at < addr || mem_read(tid, at, s + n, chunk) < 0) {
			snprintf(buf, len, "%#" PRIx64, addr);
			return buf;
		}
		char *z = memchr(s + n, '\0', chunk);
		if (z) {
			nul = true;
			n = (size_t)(z - s);
		} else {
			n += chunk;
		}
	}
	return trace_quote(buf, len, s, nul ? n : max, !nul);
}

/* ---- numbers, flags and names -------------------------------------------- */

struct flag {
	uint64_t v;
	const char *name;
};
#define F(x) { (uint64_t)(x), #x }

static const struct flag open_flags[] = {
	F(O_TMPFILE), F(O_SYNC), F(O_CREAT), F(O_EXCL), F(O_NOCTTY), F(O_TRUNC),
	F(O_APPEND), F(O_NONBLOCK), F(O_DSYNC), F(O_ASYNC), F(O_DIRECT),
	{ KO_LARGEFILE, "O_LARGEFILE" }, F(O_DIRECTORY), F(O_NOFOLLOW), F(O_NOATIME),
	F(O_CLOEXEC), F(O_PATH), { 0, NULL },
};
static const struct flag at_flags[] = {
	F(AT_SYMLINK_NOFOLLOW), F(AT_SYMLINK_FOLLOW), F(AT_NO_AUTOMOUNT),
	F(AT_EMPTY_PATH), F(AT_STATX_FORCE_SYNC), F(AT_STATX_DONT_SYNC),
	{ 0, NULL },
};
static const struct flag at_removedir[] = { F(AT_REMOVEDIR), { 0, NULL } };
static const struct flag at_eaccess[] = {
	F(AT_EACCESS), F(AT_SYMLINK_NOFOLLOW), F(AT_EMPTY_PATH), { 0, NULL },
};
static const struct flag prot_flags[] = {
	F(PROT_READ), F(PROT_WRITE), F(PROT_EXEC), F(PROT_GROWSDOWN),
	F(PROT_GROWSUP), { 0, NULL },
};
static const struct flag map_flags[] = {
	F(MAP_SHARED_VALIDATE), F(MAP_SHARED), F(MAP_PRIVATE),
	F(MAP_FIXED_NOREPLACE), F(MAP_FIXED), F(MAP_ANONYMOUS), F(MAP_GROWSDOWN),
	F(MAP_DENYWRITE), F(MAP_EXECUTABLE), F(MAP_LOCKED), F(MAP_NORESERVE),
	F(MAP_POPULATE), F(MAP_NONBLOCK), F(MAP_STACK), F(MAP_HUGETLB),
	F(MAP_SYNC), { 0, NULL },
};
static const struct flag fd_flags[] = { F(FD_CLOEXEC), { 0, NULL } };

/* Values, not bits: one name each. */
static const struct flag fcntl_cmds[] = {
	F(F_DUPFD), F(F_GETFD), F(F_SETFD), F(F_GETFL), F(F_SETFL), F(F_GETLK),
	F(F_SETLK), F(F_SETLKW), F(F_SETOWN), F(F_GETOWN), F(F_SETSIG),
	F(F_GETSIG), F(F_SETOWN_EX), F(F_GETOWN_EX), F(F_OFD_GETLK),
	F(F_OFD_SETLK), F(F_OFD_SETLKW), F(F_SETLEASE), F(F_GETLEASE),
	F(F_NOTIFY), F(F_DUPFD_CLOEXEC), F(F_SETPIPE_SZ), F(F_GETPIPE_SZ),
	F(F_ADD_SEALS), F(F_GET_SEALS), { 0, NULL },
};
static const struct flag ioctls[] = {
	F(TCGETS), F(TCSETS), F(TCSETSW), F(TCSETSF), F(TCGETA), F(TCSETA),
	F(TCSETAW), F(TCSETAF), F(TCSBRK), F(TCXONC), F(TCFLSH), F(TIOCEXCL),
	F(TIOCNXCL), F(TIOCSCTTY), F(TIOCGPGRP), F(TIOCSPGRP), F(TIOCOUTQ),
	F(TIOCSTI), F(TIOCGWINSZ), F(TIOCSWINSZ), F(TIOCMGET), F(TIOCMSET),
	F(TIOCGSOFTCAR), F(TIOCSSOFTCAR), F(FIONREAD), F(TIOCLINUX),
	F(TIOCCONS), F(TIOCGSERIAL), F(TIOCSSERIAL), F(TIOCPKT), F(FIONBIO),
	F(TIOCNOTTY), F(TIOCSETD), F(TIOCGETD), F(TCSBRKP), F(TIOCSBRK),
	F(TIOCCBRK), F(TIOCGSID), F(TIOCGPTN), F(TIOCSPTLCK), F(TIOCGPTPEER),
	F(FIONCLEX), F(FIOCLEX), F(FIOASYNC), F(TIOCSERGETLSR), F(FIOQSIZE),
	F(TIOCGLCKTRMIOS), F(TIOCSLCKTRMIOS), F(TIOCGEXCL), F(TIOCGDEV),
	F(FS_IOC_GETFLAGS), F(FS_IOC_SETFLAGS),
	{ 0, NULL },
};
static const struct flag rlimits[] = {
	F(RLIMIT_CPU), F(RLIMIT_FSIZE), F(RLIMIT_DATA), F(RLIMIT_STACK),
	F(RLIMIT_CORE), F(RLIMIT_RSS), F(RLIMIT_NPROC), F(RLIMIT_NOFILE),
	F(RLIMIT_MEMLOCK), F(RLIMIT_AS), F(RLIMIT_LOCKS), F(RLIMIT_SIGPENDING),
	F(RLIMIT_MSGQUEUE), F(RLIMIT_NICE), F(RLIMIT_RTPRIO), F(RLIMIT_RTTIME),
	{ 0, NULL },
};
static const struct flag prctls[] = {
	F(PR_SET_PDEATHSIG), F(PR_GET_PDEATHSIG), F(PR_GET_DUMPABLE),
	F(PR_SET_DUMPABLE), F(PR_SET_NAME), F(PR_GET_NAME), F(PR_GET_SECCOMP),
	F(PR_SET_SECCOMP), F(PR_CAPBSET_READ), F(PR_SET_TIMERSLACK),
	F(PR_GET_TIMERSLACK), F(PR_SET_MM), F(PR_SET_CHILD_SUBREAPER),
	F(PR_SET_NO_NEW_PRIVS), F(PR_GET_NO_NEW_PRIVS), F(PR_SET_THP_DISABLE),
	F(PR_GET_THP_DISABLE), F(PR_CAP_AMBIENT),
#ifdef PR_SET_VMA
	F(PR_SET_VMA),
#endif
	{ 0, NULL },
};
static const struct flag epoll_ops[] = {
	F(EPOLL_CTL_ADD), F(EPOLL_CTL_DEL), F(EPOLL_CTL_MOD), { 0, NULL },
};
static const struct flag clocks[] = {
	F(CLOCK_REALTIME), F(CLOCK_MONOTONIC), F(CLOCK_PROCESS_CPUTIME_ID),
	F(CLOCK_THREAD_CPUTIME_ID), F(CLOCK_MONOTONIC_RAW),
	F(CLOCK_REALTIME_COARSE), F(CLOCK_MONOTONIC_COARSE), F(CLOCK_BOOTTIME),
	F(CLOCK_REALTIME_ALARM), F(CLOCK_BOOTTIME_ALARM), F(CLOCK_TAI),
	{ 0, NULL },
};
static const struct flag sighow[] = {
	F(SIG_BLOCK), F(SIG_UNBLOCK), F(SIG_SETMASK), { 0, NULL },
};
#undef F

static void put_int(struct out *o, uint64_t v)
{
	put(o, "%d", (int)v);
}

/* A number as the loop always showed them: small ones in decimal. */
static void put_num(struct out *o, uint64_t v)
{
	int64_t s = (int64_t)v;
	if (s > -65536 && s < 65536)
		put(o, "%" PRId64, s);
	else
		put(o, "%#" PRIx64, v);
}

static void put_ptr(struct out *o, uint64_t v)
{
	if (v)
		put(o, "%#" PRIx64, v);
	else
		put(o, "NULL");
}

static void put_flags(struct out *o, uint64_t v, const struct flag *t)
{
	bool any = false;
	for (; t->name && v; t++)
		if (t->v && (v & t->v) == t->v) {
			put(o, "%s%s", any ? "|" : "", t->name);
			v &= ~t->v;
			any = true;
		}
	if (v)
		put(o, "%s%#" PRIx64, any ? "|" : "", v);
	else if (!any)
		put(o, "0");
}

static bool put_value(struct out *o, uint64_t v, const struct flag *t)
{
	for (; t->name; t++)
		if (t->v == v) {
			put(o, "%s", t->name);
			return true;
		}
	return false;
}

static void put_oflags(struct out *o, uint64_t v)
{
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	put(o, "%s", acc[v & O_ACCMODE]);
	v &= ~(uint64_t)O_ACCMODE;
	if (v) {
		put(o, "|");
		put_flags(o, v, open_flags);
	}
}

static void put_sig(struct out *o, uint64_t v)
{
	int sig = (int)v;
	const char *abbrev = sig > 0 ? sigabbrev_np(sig) : NULL;
	if (abbrev)
		put(o, "SIG%s", abbrev);
	else if (sig == 32)
		put(o, "SIGRTMIN");
	else if (sig > 32 && sig <= 64)
		put(o, "SIGRT_%d", sig - 32);
	else
		put(o, "%d", sig);
}

static void put_ioctl(struct out *o, uint64_t v)
{
	if (!put_value(o, (uint32_t)v, ioctls))
		put(o, "%#" PRIx64, v);
}

/* ---- which calls are decoded, and how ------------------------------------ */

enum kind {
	K_NUM,   /* a number as ever */
	K_INT,   /* an int: a descriptor, a pid, a length */
	K_DIRFD, /* AT_FDCWD or a descriptor */
	K_PATH,  /* a string in the caller's memory */
	K_PTR,   /* an address: NULL or hex */
	K_OCT,   /* a mode */
	K_OFLAGS, K_FLAGS, K_AT, K_AT_RMDIR, K_AT_EACCESS, K_PROT, K_MAP,
	K_FCNTL, K_IOCTL, K_SIG, K_SIGHOW, K_RLIMIT, K_PRCTL, K_EPOLL, K_CLOCK,
};

struct decoder {
	const char *name;
	int nargs;
	unsigned char k[6];
};

static const struct decoder decoders[] = {
	{ "open",       3, { K_PATH, K_OFLAGS, K_OCT } },
	{ "openat",     4, { K_DIRFD, K_PATH, K_OFLAGS, K_OCT } },
	{ "openat2",    4, { K_DIRFD, K_PATH, K_PTR, K_INT } },
	{ "creat",      2, { K_PATH, K_OCT } },
	{ "stat",       2, { K_PATH, K_PTR } },
	{ "lstat",      2, { K_PATH, K_PTR } },
	{ "fstat",      2, { K_INT, K_PTR } },
	{ "newfstatat", 4, { K_DIRFD, K_PATH, K_PTR, K_AT } },
	{ "statx",      5, { K_DIRFD, K_PATH, K_AT, K_NUM, K_PTR } },
	{ "statfs",     2, { K_PATH, K_PTR } },
	{ "access",     2, { K_PATH, K_INT } },
	{ "faccessat",  3, { K_DIRFD, K_PATH, K_INT } },
	{ "faccessat2", 4, { K_DIRFD, K_PATH, K_INT, K_AT_EACCESS } },
	{ "readlink",   3, { K_PATH, K_PTR, K_INT } },
	{ "readlinkat", 4, { K_DIRFD, K_PATH, K_PTR, K_INT } },
	{ "execve",     3, { K_PATH, K_PTR, K_PTR } },
	{ "execveat",   5, { K_DIRFD, K_PATH, K_PTR, K_PTR, K_AT } },
	{ "chdir",      1, { K_PATH } },
	{ "chroot",     1, { K_PATH } },
	{ "mkdir",      2, { K_PATH, K_OCT } },
	{ "mkdirat",    3, { K_DIRFD, K_PATH, K_OCT } },
	{ "rmdir",      1, { K_PATH } },
	{ "unlink",     1, { K_PATH } },
	{ "unlinkat",   3, { K_DIRFD, K_PATH, K_AT_RMDIR } },
	{ "rename",     2, { K_PATH, K_PATH } },
	{ "renameat",   4, { K_DIRFD, K_PATH, K_DIRFD, K_PATH } },
	{ "renameat2",  5, { K_DIRFD, K_PATH, K_DIRFD, K_PATH, K_NUM } },
	{ "link",       2, { K_PATH, K_PATH } },
	{ "linkat",     5, { K_DIRFD, K_PATH, K_DIRFD, K_PATH, K_AT } },
	{ "symlink",    2, { K_PATH, K_PATH } },
	{ "symlinkat",  3, { K_PATH, K_DIRFD, K_PATH } },
	{ "chmod",      2, { K_PATH, K_OCT } },
	{ "fchmodat",   3, { K_DIRFD, K_PATH, K_OCT } },
	{ "chown",      3, { K_PATH, K_INT, K_INT } },
	{ "lchown",     3, { K_PATH, K_INT, K_INT } },
	{ "fchownat",   5, { K_DIRFD, K_PATH, K_INT, K_INT, K_AT } },
	{ "truncate",   2, { K_PATH, K_NUM } },
	{ "mknod",      3, { K_PATH, K_OCT, K_NUM } },
	{ "mknodat",    4, { K_DIRFD, K_PATH, K_OCT, K_NUM } },
	{ "utimensat",  4, { K_DIRFD, K_PATH, K_PTR, K_AT } },
	{ "getxattr",   4, { K_PATH, K_PATH, K_PTR, K_INT } },
	{ "lgetxattr",  4, { K_PATH, K_PATH, K_PTR, K_INT } },
	{ "inotify_add_watch", 3, { K_INT, K_PATH, K_NUM } },
	{ "mount",      5, { K_PATH, K_PATH, K_PATH, K_NUM, K_PTR } },
	{ "umount2",    2, { K_PATH, K_NUM } },
	{ "swapon",     2, { K_PATH, K_NUM } },
	{ "pivot_root", 2, { K_PATH, K_PATH } },
	{ "fcntl",      3, { K_INT, K_FCNTL, K_NUM } },
	{ "ioctl",      3, { K_INT, K_IOCTL, K_NUM } },
	{ "dup3",       3, { K_INT, K_INT, K_FLAGS } },
	{ "pipe2",      2, { K_PTR, K_FLAGS } },
	{ "eventfd2",   2, { K_INT, K_FLAGS } },
	{ "epoll_create1", 1, { K_FLAGS } },
	{ "epoll_create", 1, { K_INT } },
	{ "eventfd", 1, { K_INT } },
	{ "mmap",       6, { K_PTR, K_NUM, K_PROT, K_MAP, K_INT, K_NUM } },
	{ "mprotect",   3, { K_PTR, K_NUM, K_PROT } },
	{ "kill",       2, { K_INT, K_SIG } },
	{ "tkill",      2, { K_INT, K_SIG } },
	{ "tgkill",     3, { K_INT, K_INT, K_SIG } },
	{ "rt_sigaction", 4, { K_SIG, K_PTR, K_PTR, K_INT } },
	{ "rt_sigprocmask", 4, { K_SIGHOW, K_PTR, K_PTR, K_INT } },
	{ "rt_sigqueueinfo", 3, { K_INT, K_SIG, K_PTR } },
	{ "rt_tgsigqueueinfo", 4, { K_INT, K_INT, K_SIG, K_PTR } },
	{ "pidfd_send_signal", 4, { K_INT, K_SIG, K_PTR, K_NUM } },
	{ "prlimit64",  4, { K_INT, K_RLIMIT, K_PTR, K_PTR } },
	{ "getrlimit",  2, { K_RLIMIT, K_PTR } },
	{ "setrlimit",  2, { K_RLIMIT, K_PTR } },
	{ "prctl",      5, { K_PRCTL, K_NUM, K_NUM, K_NUM, K_NUM } },
	/* Only how many arguments there are. */
	{ "getuid", 0, { 0 } }, { "geteuid", 0, { 0 } }, { "getgid", 0, { 0 } },
	{ "getegid", 0, { 0 } }, { "getppid", 0, { 0 } }, { "getpgrp", 0, { 0 } },
	{ "setsid", 0, { 0 } }, { "getpgid", 1, { K_INT } },
	{ "setuid", 1, { K_INT } }, { "setgid", 1, { K_INT } },
	{ "uname", 1, { K_PTR } }, { "sysinfo", 1, { K_PTR } },
	{ "times", 1, { K_PTR } }, { "getcwd", 2, { K_PTR, K_INT } },
	{ "getrusage", 2, { K_INT, K_PTR } }, { "dup", 1, { K_INT } },
	{ "dup2", 2, { K_INT, K_INT } }, { "lseek", 3, { K_INT, K_NUM, K_INT } },
	{ "sched_getaffinity", 3, { K_INT, K_INT, K_PTR } },
	{ "getpeername", 3, { K_INT, K_PTR, K_PTR } },
	{ "getsockname", 3, { K_INT, K_PTR, K_PTR } },
	{ "epoll_ctl", 4, { K_INT, K_EPOLL, K_INT, K_PTR } },
	{ "timerfd_create", 2, { K_CLOCK, K_FLAGS } },
	{ "clock_nanosleep", 4, { K_CLOCK, K_NUM, K_PTR, K_PTR } },
	{ "mincore", 3, { K_PTR, K_NUM, K_PTR } },
	{ "rt_sigpending", 2, { K_PTR, K_INT } },
	{ "rt_sigsuspend", 2, { K_PTR, K_INT } },
};

static const struct decoder *decoder_of(const char *name)
{
	for (size_t i = 0; i < sizeof(decoders) / sizeof(decoders[0]); i++)
		if (!strcmp(decoders[i].name, name))
			return &decoders[i];
	return NULL;
}

static void put_arg(struct out *o, pid_t tid, enum kind k, uint64_t v)
{
	char s[TRACE_PATH_MAX * 4 + 8];
	switch (k) {
	case K_NUM:     put_num(o, v); return;
	case K_INT:     put_int(o, v); return;
	case K_PTR:     put_ptr(o, v); return;
	case K_OCT:     put(o, "%#o", (unsigned)v); return;
	case K_OFLAGS:  put_oflags(o, v); return;
	case K_FLAGS:   put_flags(o, v, open_flags); return;
	case K_AT:      put_flags(o, v, at_flags); return;
	case K_AT_RMDIR:    put_flags(o, v, at_removedir); return;
	case K_AT_EACCESS:  put_flags(o, v, at_eaccess); return;
	case K_PROT:
		if (v)
			put_flags(o, v, prot_flags);
		else
			put(o, "PROT_NONE");
		return;
	case K_MAP:     put_flags(o, v, map_flags); return;
	case K_IOCTL:   put_ioctl(o, v); return;
	case K_SIG:     put_sig(o, v); return;
	case K_SIGHOW:
		if (!put_value(o, (uint32_t)v, sighow))
			put_int(o, v);
		return;
	case K_EPOLL:
		if (!put_value(o, (uint32_t)v, epoll_ops))
			put_int(o, v);
		return;
	case K_CLOCK:
		if (!put_value(o, (uint32_t)v, clocks))
			put_int(o, v);
		return;
	case K_RLIMIT:
		if (!put_value(o, (uint32_t)v, rlimits))
			put_int(o, v);
		return;
	case K_PRCTL:
		if (!put_value(o, (uint32_t)v, prctls))
			put_int(o, v);
		return;
	case K_FCNTL:
		if (!put_value(o, (uint32_t)v, fcntl_cmds))
			put_int(o, v);
		return;
	case K_DIRFD:
		if ((int)v == AT_FDCWD)
			put(o, "AT_FDCWD");
		else
			put_int(o, v);
		return;
	case K_PATH:
		put(o, "%s", trace_string(s, sizeof(s), tid, v, TRACE_PATH_MAX));
		return;
	}
}

/* How many arguments a decoded call shows: open's mode only when it
 * creates, fcntl's third only for the commands that take one. */
static int shown(const struct decoder *d, const uint64_t *a)
{
	uint64_t creates = O_CREAT | (O_TMPFILE & ~(uint64_t)O_DIRECTORY);
	if (!strcmp(d->name, "open") && !(a[1] & creates))
		return 2;
	if (!strcmp(d->name, "openat") && !(a[2] & creates))
		return 3;
	if (!strcmp(d->name, "fcntl"))
		switch ((int)a[1]) {
		case F_GETFD: case F_GETFL: case F_GETOWN: case F_GETSIG:
		case F_GETLEASE: case F_GETPIPE_SZ: case F_GET_SEALS:
			return 2;
		}
	return d->nargs;
}

/* fcntl's third argument as its command reads it. */
static void put_fcntl_arg(struct out *o, const uint64_t *a)
{
	switch ((int)a[1]) {
	case F_SETFD: put_flags(o, a[2], fd_flags); return;
	case F_SETFL: put_oflags(o, a[2]); return;
	case F_SETSIG: put_sig(o, a[2]); return;
	case F_GETLK: case F_SETLK: case F_SETLKW: case F_OFD_GETLK:
	case F_OFD_SETLK: case F_OFD_SETLKW: case F_GETOWN_EX:
	case F_SETOWN_EX:
		put_ptr(o, a[2]);
		return;
	default:
		put_int(o, a[2]);
	}
}

static void put_result(struct out *o, long r)
{
	const char *e = r < 0 && r >= -4095 ? strerrorname_np((int)-r) : NULL;
	if (e)
		put(o, "-%s", e);
	else
		put(o, "%ld", r);
}

char *trace_format(char *buf, size_t len, pid_t tid, const char *what,
		   const char *name, long nr, const uint64_t *a, int nargs,
		   long r, const long *rdx)
{
	struct out o = { buf, len, 0 };
	char callname[32];
	const struct decoder *d = NULL;

	buf[0] = '\0';
	if (!name) {
		snprintf(callname, sizeof(callname), "syscall_%ld", nr);
		name = callname;
	} else {
		d = decoder_of(name);
	}
	if (d)
		nargs = shown(d, a);
	/* After an exec the caller's memory is another program's. */
	bool gone = r == 0 && d && !strncmp(d->name, "execve", 6);
	put(&o, "%s%s(", what, name);
	for (int i = 0; i < nargs && i < 6; i++) {
		if (i)
			put(&o, ", ");
		if (!d)
			put_num(&o, a[i]);
		else if (i == 2 && !strcmp(d->name, "fcntl"))
			put_fcntl_arg(&o, a);
		else if (gone && d->k[i] == K_PATH)
			put_ptr(&o, a[i]);
		else
			put_arg(&o, tid, (enum kind)d->k[i], a[i]);
	}
	put(&o, ") = ");
	put_result(&o, r);
	if (rdx)
		put(&o, ", %ld", *rdx);
	return buf;
}

void trace_line(struct thread *t, const char *what, const char *name, long nr,
		const uint64_t *a, int nargs, long r, const long *rdx)
{
	char line[2 * (TRACE_PATH_MAX * 4 + 8) + 512];
	trace_format(line, sizeof(line), t->tid, what, name, nr, a, nargs, r, rdx);
	msg("[%d:%d] %s", t->c ? t->c->id : 0, t->tid, line);
}
