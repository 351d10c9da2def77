/* SPDX-License-Identifier: MIT */
/*
 * trampoline.c - turn a new process, still in minos-exec's memory, into a
 * container.
 *
 * It runs between clone(CLONE_VM) and its exec, on a stack of its own,
 * while minos-exec (and its relay threads) go on in the same memory: so
 * only raw system calls (no errno: it is minos-exec's thread's; no C
 * library call, lock or sanitizer interceptor), no write but to its own
 * stack and arguments, no handler that could run (every signal minos-exec
 * handles or ignores is set to its default before the mask opens).
 *
 * Order matters: everything that needs privilege (the empty root) comes
 * before the capabilities go; the filter comes last, because after it only
 * the calls of syscalls.def work; and the one execveat it allows is
 * recognised by the supervisor (it stops: the filter traces execveat).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#include <signal.h>
#include <stddef.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include "rlimits.h"
#include "trampoline.h"

/* Nothing of the sanitizers in the child: their shadow and state are
 * minos-exec's. */
#define TRAMP __attribute__((no_sanitize("address", "undefined")))

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

/* A system call: its result, -errno on failure. */
TRAMP static inline long sc(long nr, long a, long b, long c, long d, long e,
			    long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8),
			   "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}
#define TRAMP_STR_(x) #x
#define TRAMP_STR(x) TRAMP_STR_(x)
#define SC0(nr) sc(nr, 0, 0, 0, 0, 0, 0)
#define SC1(nr, a) sc(nr, (long)(a), 0, 0, 0, 0, 0)
#define SC2(nr, a, b) sc(nr, (long)(a), (long)(b), 0, 0, 0, 0)
#define SC3(nr, a, b, c) sc(nr, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define SC4(nr, a, b, c, d) sc(nr, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

TRAMP static _Noreturn void fail(const struct tramp_args *a, int step,
				 long err, const char *what)
{
	struct tramp_err e;
	/* (volatile: not made a call to memset, which is minos-exec's.) */
	volatile unsigned char *p = (volatile unsigned char *)&e;
	for (size_t i = 0; i < sizeof(e); i++)
		p[i] = 0;
	e.step = step;
	e.err = (int)-err;
	for (size_t i = 0; what && what[i] && i + 1 < sizeof(e.what); i++)
		e.what[i] = what[i];
	SC3(SYS_write, a->err_fd, &e, sizeof(e));
	for (;;)
		SC1(SYS_exit_group, 125);
}

/*
 * An empty root: chroot into the empty, read-only directory the supervisor
 * holds open for the run (root_fd).  We are root of our own user
 * namespace, so we may chroot; nothing of the host's files stays
 * reachable, and the filter refuses every call that could climb out
 * (chroot, open, mount...).  (A tmpfs and pivot_root in a mount namespace
 * gives the same and costs 1 to 2 ms more per container: see minos(7).)
 */
TRAMP static long empty_root(int fd)
{
	long rc = SC1(SYS_fchdir, fd);
	if (rc == 0)
		rc = SC1(SYS_chroot, ".");
	if (rc == 0)
		rc = SC1(SYS_chdir, "/");
	return rc;
}

/*
 * Move fd out of the way of the targets (every number below above): to the
 * lowest free number at or above it.  Only numbers below it move, so this
 * needs no descriptor beyond the ones already held: under a low
 * RLIMIT_NOFILE (ulimit -n 1024, a container runtime's default) a fixed
 * high number would not be allowed (F_DUPFD: EINVAL).
 */
TRAMP static long lift(int fd, int above)
{
	if (fd < above)
		return SC3(SYS_fcntl, fd, F_DUPFD_CLOEXEC, above);
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
TRAMP static long place_fds(struct tramp_args *a, int *err_fd)
{
	unsigned n = a->nslots, top = n < 3 ? 3 : n;
	int above = (int)top + 2; /* targets: 0 .. top + 1 */
	long lifted_image = lift(a->memfd, above);
	if (lifted_image < 0)
		return lifted_image;
	long lifted_err = lift(a->err_fd, above);
	if (lifted_err < 0)
		return lifted_err;
	/* slots is this child's own copy: note where each went. */
	for (unsigned k = 0; k < n; k++) {
		if (a->slots[k] < 0 || a->slots[k] == (int)k)
			continue;
		long fd = lift(a->slots[k], above);
		if (fd < 0)
			return fd;
		a->slots[k] = (int)fd;
	}
	long rc;
	for (unsigned k = 0; k < n; k++) {
		if (a->slots[k] == (int)k)
			rc = SC3(SYS_fcntl, k, F_SETFD, 0);
		else if (a->slots[k] >= 0)
			rc = SC3(SYS_dup3, a->slots[k], k, 0);
		else {
			SC1(SYS_close, k); /* none there: fine */
			rc = 0;
		}
		if (rc < 0)
			return rc;
	}
	/* Numbers between the slots and the image: ours (minos-exec's own
	 * 0, 1, 2 when there are fewer than three slots), never the child's. */
	for (unsigned k = n; k < top; k++)
		SC1(SYS_close, k);
	if ((rc = SC3(SYS_dup3, lifted_image, top, O_CLOEXEC)) < 0 ||
	    (rc = SC3(SYS_dup3, lifted_err, top + 1, O_CLOEXEC)) < 0 ||
	    (rc = SC3(SYS_close_range, top + 2, ~0U, 0)) < 0)
		return rc;
	*err_fd = (int)top + 1;
	return (int)top;
}

/*
 * Capabilities go in two steps.  The locked securebits make exec grant
 * nothing to root (NOROOT) and keep setuid from touching capabilities, so
 * the bounding set does not need dropping call by call (that was 41
 * prctl calls, a tenth of a container's start); then the empty set empties
 * effective, permitted and inheritable (and so ambient) at once.
 */
#define SECURE_ALL \
	(SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP | \
	 SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED | \
	 SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED)

TRAMP static long drop_caps(void)
{
	/* EPERM: no CAP_SETPCAP, so no capabilities to lose (unprivileged,
	 * no user namespace); the empty set below still applies. */
	long rc = SC2(SYS_prctl, PR_SET_SECUREBITS, SECURE_ALL);
	if (rc < 0 && rc != -EPERM)
		return rc;
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	for (unsigned i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		d[i].effective = d[i].permitted = d[i].inheritable = 0;
	return SC2(SYS_capset, &h, d);
}

/* Every signal minos-exec handles or ignores back to its default (SIG_IGN
 * survives exec, and a handler of minos-exec's must never run here), then
 * the mask opens. */
TRAMP static long reset_signals(const int *reset)
{
	struct {
		unsigned long handler, flags, restorer, mask;
	} dfl = { 0, 0, 0, 0 }; /* SIG_DFL */
	unsigned long none = 0;
	long rc;
	for (; reset && *reset; reset++)
		if ((rc = SC4(SYS_rt_sigaction, *reset, &dfl, 0, 8)) < 0)
			return rc;
	return SC4(SYS_rt_sigprocmask, SIG_SETMASK, &none, 0, 8);
}

TRAMP static _Noreturn int tramp_main(void *arg)
{
	struct tramp_args *a = arg;
	char go;
	long rc;

	while ((rc = SC3(SYS_read, a->sync_fd, &go, 1)) == -EINTR)
		;
	if (rc != 1)
		fail(a, STEP_SYNC, rc < 0 ? rc : -EPIPE, NULL);
	/* The maps are written: become their root, an unprivileged user
	 * outside (credentials do not change by themselves); only this
	 * thread matters here. */
	if (a->become_root && ((rc = SC3(SYS_setresgid, 0, 0, 0)) < 0 ||
			       (rc = SC3(SYS_setresuid, 0, 0, 0)) < 0))
		fail(a, STEP_IDS, rc, NULL);
	if (a->root_fd >= 0 && (rc = empty_root(a->root_fd)) < 0)
		fail(a, STEP_ROOT, rc, NULL);
	if ((rc = SC0(SYS_setsid)) < 0)
		fail(a, STEP_SETSID, rc, NULL);
	int err_fd = -1;
	if ((rc = place_fds(a, &err_fd)) < 0)
		fail(a, STEP_FDS, rc, NULL);
	int image = (int)rc;
	a->err_fd = err_fd;
	if ((rc = reset_signals(a->reset)) < 0)
		fail(a, STEP_SIGNALS, rc, NULL);
	for (unsigned i = 0; i < a->nlimits; i++) {
		struct rlimit r = { a->limits[i].soft, a->limits[i].hard };
		if ((rc = SC4(SYS_prlimit64, 0, a->limits[i].resource, &r, 0)) < 0)
			fail(a, STEP_LIMITS, rc, a->limits[i].name);
	}
	if ((rc = drop_caps()) < 0)
		fail(a, STEP_CAPS, rc, NULL);
	if (a->no_randomize &&
	    (rc = SC1(SYS_personality, ADDR_NO_RANDOMIZE)) < 0)
		fail(a, STEP_LIMITS, rc, "personality");
	if ((rc = SC2(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1)) < 0)
		fail(a, STEP_NNP, rc, NULL);

	struct sock_fprog prog = { a->filter->len, a->filter->insns };
	/* Once the supervisor has received a notification (a pipe's or a
	 * pass's install), only a fatal signal may break the wait: so both
	 * ends of a pipe are installed or neither (Linux 5.19+; else as
	 * before). */
	long listener = SC3(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			    SECCOMP_FILTER_FLAG_NEW_LISTENER |
			    SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, &prog);
	if (listener == -EINVAL)
		listener = SC3(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			       SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (listener < 0)
		fail(a, STEP_FILTER, listener, NULL);
	/* The listener's number rides in r9 (execveat has five arguments), so
	 * the supervisor can take it with pidfd_getfd at this stop. */
	rc = sc(SYS_execveat, image, (long)"", (long)a->argv, (long)a->envp,
		AT_EMPTY_PATH, listener);
	fail(a, STEP_EXEC, rc, NULL);
}

/* clone(flags, stack, pidfd): the child pops fn and arg from its new stack
 * and calls fn(arg), which does not return (exit_group if it did). */
long tramp_clone(unsigned long flags, void *stack, int *pidfd,
		 int (*fn)(void *), void *arg);
__asm__(".text\n"
	".globl tramp_clone\n"
	".type tramp_clone, @function\n"
	"tramp_clone:\n"
	"	and $-16, %rsi\n"
	"	sub $16, %rsi\n"
	"	mov %rcx, (%rsi)\n"
	"	mov %r8, 8(%rsi)\n"
	"	xor %r10d, %r10d\n"
	"	xor %r8d, %r8d\n"
	"	mov $" TRAMP_STR(SYS_clone) ", %eax\n"
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jnz 1f\n"
	"	xor %ebp, %ebp\n"
	"	pop %rax\n"
	"	pop %rdi\n"
	"	call *%rax\n"
	"	mov %eax, %edi\n"
	"	mov $" TRAMP_STR(SYS_exit_group) ", %eax\n"
	"	syscall\n"
	"	hlt\n"
	"1:	ret\n"
	".size tramp_clone, . - tramp_clone\n");

long tramp_start(unsigned long flags, void *stack_top, int *pidfd,
		 struct tramp_args *args)
{
	return tramp_clone(flags | CLONE_VM, stack_top, pidfd, tramp_main, args);
}
