/* SPDX-License-Identifier: MIT */
/*
 * hostprobe.c - say why, before anything runs.
 *
 * Inside a container runtime an outer seccomp filter (Docker's default
 * profile, runc's -ENOSYS stub) answers calls before minos-exec's own
 * filter sees them: the Minos calls get EPERM or ENOSYS and a program just
 * fails, or kcmp/pidfd_getfd fail in the supervisor in the middle of a run.
 * Each of those is found here and named, with the fix, as one line and
 * exit 125.
 *
 * Cost (start-up is a benchmarked figure): every run makes three system
 * calls here (PR_GET_SECCOMP, kcmp -- a kernel option --, getrlimit),
 * about 7 us on a 2-vCPU VM against a 1 ms start.  pidfd_getfd (which
 * every kernel minos runs on has: 5.9+, host_check) and the traced child,
 * a fork and three stops, only when an outer
 * filter exists at all (PR_GET_SECCOMP says 2), never on a host without.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/kcmp.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h> /* constants; requests go through ptrace.c */
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filter.h"
#include "hostprobe.h"
#include "log.h"
#include "minos.h"
#include "ptrace.h"

#define FIX "run with examples/deploy/seccomp.json as the runtime's seccomp " \
	    "profile (minos(7), Running inside containers)"

static bool ns_lost;

static bool outer_filter(void)
{
	return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2;
}

static const char *why_missing(int err, bool outer, const char *config)
{
	if (outer && (err == EPERM || err == EACCES || err == ENOSYS))
		return "blocked by an outer seccomp filter (a container runtime's profile)";
	if (err == ENOSYS)
		return config;
	return strerror(err);
}

static void check_kcmp(bool outer)
{
	pid_t me = getpid();
	if (syscall(SYS_kcmp, me, me, KCMP_VM, 0, 0) < 0) {
		int e = errno;
		die(125, "kcmp is not available (%s): %s; minos-exec compares its "
			 "containers' descriptors with it; %s", strerrorname_np(e) ?
			 strerrorname_np(e) : "error",
		    why_missing(e, outer, "this kernel lacks CONFIG_KCMP"),
		    outer ? FIX : "use a kernel with CONFIG_KCMP");
	}
}

static void check_getfd(bool outer)
{
	pid_t me = getpid();
	int pfd = (int)syscall(SYS_pidfd_open, me, 0);
	int fd = pfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pfd, pfd, 0);
	int e = errno;
	if (fd >= 0)
		close(fd);
	if (pfd >= 0)
		close(pfd);
	if (fd < 0)
		die(125, "%s is not available (%s): %s; minos-exec takes its "
			 "containers' descriptors with it; %s",
		    pfd < 0 ? "pidfd_open" : "pidfd_getfd",
		    strerrorname_np(e) ? strerrorname_np(e) : "error",
		    why_missing(e, outer, "this kernel is older than 5.6"),
		    outer ? FIX : "use Linux 5.9 or later");
}

static bool have_cap(int cap)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &h, d) < 0)
		return false;
	return d[cap / 32].effective & (1U << (cap % 32));
}

bool hostprobe_can_trace_other_users(void)
{
	static int known = -1;
	if (known < 0)
		known = have_cap(CAP_SYS_PTRACE);
	return known;
}

/* The hard descriptor limit, if minos-exec may not raise it (0: it may,
 * or there is none): no container's limit can be set above it. */
static unsigned long long fds_ceiling(void)
{
	struct rlimit r;
	if (getrlimit(RLIMIT_NOFILE, &r) < 0 || r.rlim_max == RLIM_INFINITY ||
	    r.rlim_max == 0 || have_cap(CAP_SYS_RESOURCE))
		return 0;
	return r.rlim_max;
}

void hostprobe_fit_fds(struct minos_limits *lim, const char *where)
{
	static bool said;
	unsigned long long hard = fds_ceiling();
	if (!hard || lim->fds <= hard)
		return;
	if (lim->fds_set && where)
		die(125, "%s: fds %u is above this host's hard descriptor limit "
			 "(%llu) and minos-exec may not raise it (no "
			 "CAP_SYS_RESOURCE); use fds: %llu or less, or raise the "
			 "limit (ulimit -Hn)", where, lim->fds, hard, hard);
	if (lim->fds_set)
		die(125, "--fds=%u is above this host's hard descriptor limit (%llu) and "
			 "minos-exec may not raise it (no CAP_SYS_RESOURCE); use "
			 "--fds=%llu or less, or raise the limit (ulimit -Hn)",
		    lim->fds, hard, hard);
	/* The default: as many as this host gives, said once. */
	if (!said)
		msg("this host's hard descriptor limit (%llu) is below the default "
		    "--fds (%u) and minos-exec may not raise it (no CAP_SYS_RESOURCE); "
		    "containers get --fds=%llu (give --fds, or raise the limit: "
		    "ulimit -Hn)", hard, lim->fds, hard);
	said = true;
	lim->fds = (unsigned)hard;
}

/* The numbers minos-exec's filter must see: the lowest and the highest of
 * the ABI's and the private one.  A profile cannot name any of them (no
 * libseccomp knows them), so an outer filter answers all or none; runc's
 * stub answers every number above a threshold.  Each costs one stop. */
static const long probe_nrs[] = {
	MINOS_SYS_CNEW, MINOS_SYS_RPASS, MINOS_PRIV_INSTALL,
};
#define NPROBE (sizeof(probe_nrs) / sizeof(probe_nrs[0]))

struct probe_result {
	int seccomp_err;        /* seccomp(SET_MODE_FILTER, NEW_LISTENER) */
	int err[NPROBE];        /* each call's errno */
};

/* The child: load a filter that traces every probe number (data: its index
 * + 1), make each call, report what the calls returned. */
static _Noreturn void probe_child(int sync_fd, int out_fd)
{
	struct probe_result res = { 0 };
	struct sock_filter f[3 + 2 * NPROBE];
	unsigned n = 0;
	char go;

	if (read(sync_fd, &go, 1) != 1)
		_exit(1);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
	for (unsigned i = 0; i < NPROBE; i++) {
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						      (unsigned)probe_nrs[i], 0, 1);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
						      SECCOMP_RET_TRACE | (i + 1));
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { (unsigned short)n, f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		    SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog) < 0) {
		res.seccomp_err = errno;
	} else {
		/* Reached: the tracer lets it run, and the kernel knows no
		 * such call (ENOSYS) -- no effect either way. */
		for (unsigned i = 0; i < NPROBE; i++)
			res.err[i] = syscall(probe_nrs[i], -1L, 0L, 0L, 0L, 0L, 0L)
				< 0 ? errno : 0;
	}
	ssize_t unused = write(out_fd, &res, sizeof(res));
	(void)unused;
	_exit(0);
}

static void probe_traced_child(void)
{
	int syncp[2], outp[2];
	if (pipe2(syncp, O_CLOEXEC) < 0 || pipe2(outp, O_CLOEXEC) < 0)
		die(125, "host probe: pipe2: %s", strerror(errno));
	pid_t pid = fork();
	if (pid < 0)
		die(125, "host probe: fork: %s", strerror(errno));
	if (pid == 0) {
		close(syncp[1]);
		close(outp[0]);
		probe_child(syncp[0], outp[1]);
	}
	close(syncp[0]);
	close(outp[1]);
	int rc = ptr_seize(pid, false);
	if (rc < 0) {
		int e = -rc;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		die(125, "ptrace of a child is not allowed (%s): blocked by an "
			 "outer seccomp filter (a container runtime's profile) or "
			 "a missing CAP_SYS_PTRACE; minos-exec traces its "
			 "containers; " FIX, strerrorname_np(e) ? strerrorname_np(e) : "error");
	}
	if (write(syncp[1], "g", 1) != 1)
		die(125, "host probe: cannot release the probe child");
	close(syncp[1]);

	unsigned seen = 0;
	int st = 0;
	/* Bounded: one stop per probe number, plus a few others. */
	for (int rounds = 0; rounds < 4 * (int)NPROBE + 16; rounds++) {
		if (waitpid(pid, &st, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (!WIFSTOPPED(st))
			break;
		int sig = 0;
		if (st >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
			unsigned long data = 0;
			if (ptr_eventmsg(pid, &data) == 0 &&
			    data >= 1 && data <= NPROBE)
				seen |= 1U << (data - 1);
		} else if (st >> 16 == 0 && WSTOPSIG(st) != SIGTRAP) {
			sig = WSTOPSIG(st); /* a signal for it: deliver */
		}
		ptr_cont(pid, sig);
	}
	if (!WIFEXITED(st) && !WIFSIGNALED(st)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
	}
	struct probe_result res;
	ssize_t got = read(outp[0], &res, sizeof(res));
	close(outp[0]);
	if (got != (ssize_t)sizeof(res))
		die(125, "host probe: the probe child ended without an answer "
			 "(status %#x)", st);
	if (res.seccomp_err)
		die(125, "seccomp filters with a listener are refused here (%s): "
			 "blocked by an outer seccomp filter (a container runtime's "
			 "profile) or a kernel without SECCOMP_FILTER_FLAG_NEW_LISTENER; "
			 FIX, strerrorname_np(res.seccomp_err) ?
			 strerrorname_np(res.seccomp_err) : "error");
	for (unsigned i = 0; i < NPROBE; i++) {
		if (seen & (1U << i))
			continue;
		const char *e = strerrorname_np(res.err[i]);
		die(125, "the Minos calls are blocked by an outer seccomp filter "
			 "(a container runtime's profile: %#lx gives %s before "
			 "minos-exec's filter sees it); " FIX,
		    probe_nrs[i], e ? e : "no error");
	}
}

void hostprobe_check(const struct minos_config *cfg)
{
	bool outer = outer_filter();
	check_kcmp(outer);
	(void)cfg; /* --fds: hostprobe_fit_fds(), before */
	if (outer) {
		check_getfd(outer);
		probe_traced_child();
	}
}

void hostprobe_no_namespaces(const char *why)
{
	if (ns_lost)
		return;
	ns_lost = true;
	msg("namespaces cannot be made here (%s); containers run without them "
	    "(every other guarantee holds: minos(7), Running inside containers)",
	    why);
}

void hostprobe_no_empty_root(void)
{
	static bool said;
	if (said)
		return;
	said = true;
	msg("no empty root directory can be made here (/run/minos, TMPDIR, /tmp "
	    "and /dev/shm are not writable); containers run without it (every "
	    "other guarantee holds: minos(7), Running inside containers)");
}

bool hostprobe_namespaces_lost(void)
{
	return ns_lost;
}
