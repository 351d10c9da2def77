/* SPDX-License-Identifier: MIT */
/*
 * trampoline.c - turn the child copy of minos-exec into a container.
 *
 * The child of a process that may have threads (the stdio relays): only
 * async-signal-safe calls, and no glibc call that synchronises threads.
 *
 * Order matters: everything that needs privilege (the empty root) comes
 * before the capabilities go; the filter comes last, because after it only
 * the calls of syscalls.def work; and the one execveat it allows is
 * recognised by the supervisor (it stops: the filter traces execveat).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "rlimits.h"
#include "trampoline.h"

const char *tramp_step_name(int step)
{
	static const char *const names[] = {
		[STEP_SYNC] = "waiting to be traced",
		[STEP_IDS] = "taking the mapped user and group",
		[STEP_ROOT] = "making the empty root",
		[STEP_SETSID] = "setsid",
		[STEP_FDS] = "placing its descriptors",
		[STEP_SIGNALS] = "resetting signals",
		[STEP_LIMITS] = "setting limits",
		[STEP_CAPS] = "dropping capabilities",
		[STEP_NNP] = "setting no_new_privs",
		[STEP_FILTER] = "loading the seccomp filter",
		[STEP_EXEC] = "starting the program",
	};
	if (step >= 0 && (size_t)step < sizeof(names) / sizeof(names[0]))
		return names[step];
	return "starting";
}

static _Noreturn void fail(const struct tramp_args *a, int step, int err,
			   const char *what)
{
	struct tramp_err e = { .step = step, .err = err };
	if (what) {
		size_t n = strlen(what);
		if (n >= sizeof(e.what))
			n = sizeof(e.what) - 1;
		memcpy(e.what, what, n);
	}
	ssize_t unused = write(a->err_fd, &e, sizeof(e));
	(void)unused;
	_exit(125);
}

/*
 * An empty root: chroot into the empty, read-only directory the supervisor
 * holds open for the run (root_fd).  We are root of our own user
 * namespace, so we may chroot; nothing of the host's files stays
 * reachable, and the filter refuses every call that could climb out
 * (chroot, open, mount...).  (A tmpfs and pivot_root in a mount namespace
 * gives the same and costs 1 to 2 ms more per container: see minos(7).)
 */
static int empty_root(int fd)
{
	if (fchdir(fd) < 0 || chroot(".") < 0 || chdir("/") < 0)
		return -errno;
	return 0;
}

/*
 * Move fd out of the way of the targets (every number below above): to the
 * lowest free number at or above it.  Only numbers below it move, so this
 * needs no descriptor beyond the ones already held: under a low
 * RLIMIT_NOFILE (ulimit -n 1024, a container runtime's default) a fixed
 * high number would not be allowed (F_DUPFD: EINVAL).
 */
static int lift(int fd, int above)
{
	if (fd < above)
		return fcntl(fd, F_DUPFD_CLOEXEC, above);
	return fd;
}

/*
 * Put slots[k] at k for every k, the image and the error pipe just above
 * the slots (close-on-exec: the exec closes them), and close everything
 * else.  Sources may sit on any number, even one of the targets, so those
 * on a target number are lifted above the targets first; a slot already on
 * its own number stays (only its close-on-exec flag goes).  Returns the
 * image's number; *err_fd gets the error pipe's.
 */
static int place_fds(const struct tramp_args *a, int *err_fd)
{
	unsigned n = a->nslots, top = n < 3 ? 3 : n;
	int above = (int)top + 2; /* targets: 0 .. top + 1 */
	int lifted_image = lift(a->memfd, above);
	int lifted_err = lift(a->err_fd, above);
	if (lifted_image < 0 || lifted_err < 0)
		return -errno;
	/* slots is this child's own copy (fork): note where each went. */
	for (unsigned k = 0; k < n; k++) {
		if (a->slots[k] < 0 || a->slots[k] == (int)k)
			continue;
		int fd = lift(a->slots[k], above);
		if (fd < 0)
			return -errno;
		a->slots[k] = fd;
	}
	for (unsigned k = 0; k < n; k++) {
		if (a->slots[k] == (int)k) {
			if (fcntl((int)k, F_SETFD, 0) < 0)
				return -errno;
		} else if (a->slots[k] >= 0) {
			if (dup3(a->slots[k], (int)k, 0) < 0)
				return -errno;
		} else {
			close((int)k);
		}
	}
	/* Numbers between the slots and the image: ours (minos-exec's own
	 * 0, 1, 2 when there are fewer than three slots), never the child's. */
	for (unsigned k = n; k < top; k++)
		close((int)k);
	if (dup3(lifted_image, (int)top, O_CLOEXEC) < 0 ||
	    dup3(lifted_err, (int)top + 1, O_CLOEXEC) < 0)
		return -errno;
	if (syscall(SYS_close_range, top + 2, ~0U, 0) < 0)
		return -errno;
	*err_fd = (int)top + 1;
	return (int)top;
}

/* Handlers do not survive exec, but ignored signals and the mask do. */
static int reset_signals(const int *ignored)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (; ignored && *ignored; ignored++)
		if (sigaction(*ignored, &sa, NULL) < 0)
			return -errno;
	sigset_t none;
	sigemptyset(&none);
	return sigprocmask(SIG_SETMASK, &none, NULL) < 0 ? -errno : 0;
}

void tramp_run(const struct tramp_args *a)
{
	struct tramp_args me = *a;
	char go;
	int rc;

	while ((rc = (int)read(me.sync_fd, &go, 1)) < 0 && errno == EINTR)
		;
	if (rc != 1)
		fail(&me, STEP_SYNC, rc < 0 ? errno : EPIPE, NULL);
	/* The maps are written: become their root, an unprivileged user
	 * outside (credentials do not change by themselves). */
	/* Raw calls: glibc's setresuid waits for every thread of the process
	 * to follow (__nptl_setxid), and minos-exec's relay threads do not
	 * exist in this child: that hung.  Only this thread matters here. */
	if (me.become_root && (syscall(SYS_setresgid, 0, 0, 0) < 0 ||
			       syscall(SYS_setresuid, 0, 0, 0) < 0))
		fail(&me, STEP_IDS, errno, NULL);
	if (me.root_fd >= 0 && (rc = empty_root(me.root_fd)) < 0)
		fail(&me, STEP_ROOT, -rc, NULL);
	if (setsid() < 0)
		fail(&me, STEP_SETSID, errno, NULL);
	int image, err_fd = -1;
	if ((rc = place_fds(&me, &err_fd)) < 0)
		fail(&me, STEP_FDS, -rc, NULL);
	image = rc;
	me.err_fd = err_fd;
	if ((rc = reset_signals(me.ignored)) < 0)
		fail(&me, STEP_SIGNALS, -rc, NULL);
	const char *which = NULL;
	if ((rc = limits_apply(me.lim, &which)) < 0)
		fail(&me, STEP_LIMITS, -rc, which);
	if ((rc = caps_drop_all()) < 0)
		fail(&me, STEP_CAPS, -rc, NULL);
	if (me.no_randomize && personality(ADDR_NO_RANDOMIZE) < 0)
		fail(&me, STEP_LIMITS, errno, "personality");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		fail(&me, STEP_NNP, errno, NULL);

	struct sock_fprog prog = { me.filter->len, me.filter->insns };
	/* Once the supervisor has received a notification (a pipe's or a
	 * pass's install), only a fatal signal may break the wait: so both
	 * ends of a pipe are installed or neither (Linux 5.19+; else as
	 * before). */
	long listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
				SECCOMP_FILTER_FLAG_NEW_LISTENER |
				SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, &prog);
	if (listener < 0 && errno == EINVAL)
		listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
				   SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (listener < 0)
		fail(&me, STEP_FILTER, errno, NULL);
	/* The listener's number rides in r9 (execveat has five arguments), so
	 * the supervisor can take it with pidfd_getfd at this stop. */
	syscall(SYS_execveat, image, "", me.argv, me.envp,
		AT_EMPTY_PATH, listener);
	fail(&me, STEP_EXEC, errno, NULL);
}
