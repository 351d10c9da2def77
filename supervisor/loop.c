/* SPDX-License-Identifier: MIT */
/*
 * loop.c - the supervisor's event loop.
 *
 * One epoll set watches a signalfd (SIGCHLD and the signals that end the
 * session), the wall-time timerfd, every container's seccomp listener and
 * the code streams of pending cnews (a multi-rfd read waits in its own
 * poll: nothing of it is here).  Each wait status is classified
 * into an enum event first, then dispatched to a short function; every
 * case says how the tracee is resumed.  Nothing a container controls can
 * block the loop: it only ever waits in epoll_wait.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <inttypes.h>
#include <poll.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ckpt.h"
#include "enforce.h"
#include "filter.h"
#include "rlimits.h"

#ifndef SECCOMP_ADDFD_FLAG_SEND
#define SECCOMP_ADDFD_FLAG_SEND (1UL << 1)
#endif
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif
#include "log.h"
#include "loop.h"
#include "mem.h"
#include "pipearm.h"
#include "ptrace.h"
#include "report.h"
#include "sys.h"
#include "sys_cnew.h"
#include "sys_fd.h"
#include "trace.h"
#include "tracee.h"
#include "trampoline.h"

/* What an epoll event is about: type in the top byte, an index in the next,
 * a tid or container id in the low 32 bits. */
enum wtag { W_SIGNAL = 1, W_TIMER, W_LISTENER, W_CODE, W_PASS, W_CKPT };
#define TAG(type, idx, id) \
	(((uint64_t)(type) << 56) | ((uint64_t)(idx) << 32) | (uint32_t)(id))

enum event {
	EV_EXIT,         /* thread or process gone: nothing to resume */
	EV_SECCOMP,      /* seccomp stop: resume after the handler decided */
	EV_SYSCALL_EXIT, /* exit of a call we asked to see: fix up, resume */
	EV_CLONE,        /* a new thread announced: resume both */
	EV_STOP,         /* PTRACE_EVENT_STOP: new thread, or group-stop (LISTEN) */
	EV_SIGNAL,       /* signal-delivery-stop: deliver, discard, or end */
	EV_EXITING,      /* PTRACE_EVENT_EXIT (--report): count, resume */
	EV_OTHER,        /* anything else: resume */
};

static const struct minos_config *cfg;
static int epfd = -1, sigfd = -1, timerfd = -1, ckptfd = -1;
static struct seccomp_notif_sizes sizes;
static void *notif_buf, *resp_buf;
static int session_sig;      /* a signal that ended the session */
static bool see_refusals;    /* --trace or --report: refused calls stop here */
static long long session_end_ns; /* --wall-time's end, 0: none */
static struct loop_result result;

static void hook_answered(struct thread *t, long r);
static void hook_closed(struct thread *t, int num, int copy);
static void loop_release_waits(struct thread *t);
static void rewind_waits(void);

static void watch(int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		BUG(strerror(errno));
}

static void unwatch(int fd)
{
	epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
}

void loop_init(const struct minos_config *config)
{
	cfg = config;
	sys_cfg = config;
	ctab_set_kill_hook(stats_sample);
	see_refusals = cfg->trace || cfg->report;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
		die(125, "seccomp: cannot get notification sizes: %s; "
			 "minos needs Linux 5.9 or later", strerror(errno));
	notif_buf = calloc(1, sizes.seccomp_notif);
	resp_buf = calloc(1, sizes.seccomp_notif_resp);
	if (!notif_buf || !resp_buf)
		die(125, "out of memory");

	/* A disposition survives exec.  An ignored SIGCHLD makes the kernel
	 * send none for a tracee's stops or its end, and the loop would never
	 * wake (RT12-1): ours is the default, held and read below.  A session
	 * signal the caller ignores (nohup; INT and QUIT for a background job
	 * of a non-interactive shell) stays ignored: a held signal is queued
	 * even while ignored, so in the set it would end the run (RT12-2). */
	struct sigaction sa;
	if (sigaction(SIGCHLD, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
		signal(SIGCHLD, SIG_DFL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	static const int session[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	for (size_t i = 0; i < sizeof(session) / sizeof(session[0]); i++)
		if (sigaction(session[i], NULL, &sa) < 0 || sa.sa_handler != SIG_IGN)
			sigaddset(&set, session[i]);
	sigaddset(&set, enforce_cpu_signal()); /* CPU timers (enforce.c) */
	if (cfg->checkpoint)
		sigaddset(&set, SIGUSR1); /* --checkpoint: save the run */
	ckpt_init(cfg);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		die(125, "sigprocmask: %s", strerror(errno));
	epfd = epoll_create1(EPOLL_CLOEXEC);
	sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (epfd < 0 || sigfd < 0)
		die(125, "epoll/signalfd: %s", strerror(errno));
	watch(sigfd, TAG(W_SIGNAL, 0, 0));
	int pt = sys_pass_init(); /* a pass's bounded wait for a thread */
	if (pt < 0)
		die(125, "timerfd_create: %s", strerror(-pt));
	watch(pt, TAG(W_PASS, 0, 0));
	static const struct tracee_hooks hooks = {
		.answered = hook_answered,
		.closed = hook_closed,
		.forget = sys_cnew_abandon,
		.release_waits = loop_release_waits,
		.held = ckpt_held,
	};
	tracee_set_hooks(&hooks);
}

/* Does anything of top's tree (a stage's) still count?  Its root may have
 * ended and left containers it made: the stage's wall-time is theirs too
 * (RT11-3: handing the work to a child and ending escaped it). */
static bool tree_counts(const struct container *top)
{
	if (ctab_counts(top))
		return true;
	CTAB_FOREACH(c)
		if (c->stage == top && ctab_counts(c))
			return true;
	return false;
}

/* Arm the one timer at the earliest wall-time end: the run's or a stage's. */
static void arm_clock(void)
{
	long long next = session_end_ns;
	CTAB_FOREACH(c)
		if (c->deadline_ns && (!next || c->deadline_ns < next) &&
		    tree_counts(c))
			next = c->deadline_ns;
	if (!next)
		return;
	if (timerfd < 0) {
		timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (timerfd < 0)
			die(125, "timerfd_create: %s", strerror(errno));
		watch(timerfd, TAG(W_TIMER, 0, 0));
	}
	struct itimerspec its = {
		.it_value.tv_sec = (time_t)(next / 1000000000LL),
		.it_value.tv_nsec = (long)(next % 1000000000LL),
	};
	timerfd_settime(timerfd, TFD_TIMER_ABSTIME, &its, NULL);
}

void loop_start_clock(void)
{
	long long now = mono_ns();
	if (cfg->lim.wall_ms)
		session_end_ns = now + (long long)cfg->lim.wall_ms * 1000000LL;
	CTAB_FOREACH(c)
		if (!c->parent && c->lim->wall_ms)
			c->deadline_ns = now + (long long)c->lim->wall_ms * 1000000LL;
	arm_clock();
	if (cfg->checkpoint_at_ms) {
		ckptfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (ckptfd < 0)
			die(125, "timerfd_create: %s", strerror(errno));
		struct itimerspec its = {
			.it_value.tv_sec = (time_t)(cfg->checkpoint_at_ms / 1000),
			.it_value.tv_nsec = (long)(cfg->checkpoint_at_ms % 1000) * 1000000L,
		};
		timerfd_settime(ckptfd, 0, &its, NULL);
		watch(ckptfd, TAG(W_CKPT, 0, 0));
	}
}

/* ---- messages ------------------------------------------------------------ */

static void fmt_time(char *buf, size_t len, unsigned long long ms)
{
	if (ms % 1000 == 0)
		snprintf(buf, len, "%llus", ms / 1000);
	else
		snprintf(buf, len, "%llums", ms);
}

/* Say how a container ended, when the sandbox or a signal ended it. */
static void report_end(struct container *c)
{
	char lim[32];
	int st = c->wstatus;
	switch (c->end) {
	case END_CPU:
		fmt_time(lim, sizeof(lim), c->end_ms);
		msg("container %d (%s): killed: CPU time limit %s exceeded",
		    c->id, c->name, lim);
		return;
	case END_WALL:
		fmt_time(lim, sizeof(lim), c->end_ms);
		msg("container %d (%s): killed: wall time limit %s exceeded",
		    c->id, c->name, lim);
		return;
	case END_OUTPUT:
		msg("container %d (%s): killed: output limit %llu bytes exceeded "
		    "(%s)", c->id, c->name, c->lim->output, signal_name(c->end_sig));
		return;
	case END_SESSION:
		msg("container %d (%s): killed: minos-exec received %s",
		    c->id, c->name, signal_name(session_sig));
		return;
	case END_SIGNAL:
		if (c->end_why)
			msg("container %d (%s): killed: it changed %s", c->id,
			    c->name, c->end_why);
		else
			msg("container %d (%s): killed by signal %d (%s)", c->id,
			    c->name, c->end_sig, signal_name(c->end_sig));
		return;
	case END_CKILL:
		msg("container %d (%s): killed: ckill by container %d", c->id,
		    c->name, c->killer);
		return;
	case END_CHECKPOINT:
		return; /* saved: the line is run.c's */
	case END_START:
		return; /* its one line was said where it failed (RCK-2) */
	case END_NONE:
		break;
	}
	if (WIFSIGNALED(st))
		msg("container %d (%s): killed by signal %d (%s)", c->id,
		    c->name, WTERMSIG(st), signal_name(WTERMSIG(st)));
}

/* ---- ending containers --------------------------------------------------- */

static void end_container(struct container *c, enum cend why, int sig,
			  unsigned long long limit)
{
	if (c->state == C_DEAD)
		return;
	if (c->end == END_NONE) {
		c->end = why;
		c->end_sig = sig;
		c->end_ms = limit;
	}
	ctab_kill(c);
}

static void end_all(enum cend why, int sig)
{
	CTAB_FOREACH(c)
		end_container(c, why, sig, cfg->lim.wall_ms);
}

/* A multi-rfd read holds nothing of ours while it waits (its own poll):
 * forgetting it is all there is. */
static void loop_release_waits(struct thread *t)
{
	t->nwait = 0;
}

static void wait_unregister(struct thread *t)
{
	tracee_thread_gone(t); /* an injected call's owner lets go */
	loop_release_waits(t);
	sys_pass_thread_gone(t);
	if (t->cnew) {
		if (t->cnew->watched)
			unwatch(t->cnew->code);
		sys_cnew_abandon(t);
	}
	sys_cnew_preload_drop(t);
}

static void drop_thread(struct thread *t, void *unused)
{
	wait_unregister(t);
	thread_remove(t);
}

/* The trampoline failed: say which step and why. */
static void report_start_failure(struct container *c)
{
	struct tramp_err e;
	ssize_t n = c->errpipe >= 0 ? read(c->errpipe, &e, sizeof(e)) : -1;
	if (n == (ssize_t)sizeof(e)) {
		e.what[sizeof(e.what) - 1] = 0;
		msg("%s: cannot start the container: %s%s%s: %s", c->name,
		    tramp_step_name(e.step), e.what[0] ? " " : "", e.what,
		    strerror(e.err));
		c->end = END_START;
	}
}

static void container_exit(struct container *c, int status, const struct rusage *ru)
{
	c->wstatus = status;
	if (c->stats) {
		c->stats->end_ns = mono_ns();
		c->stats->ru = *ru;
	}
	/* Before its exec the trampoline reports failures on the error pipe
	 * (even a failed execveat, after the supervisor allowed it); a
	 * successful exec closed the pipe's other end, so this never blocks. */
	report_start_failure(c);
	/* A SIGKILL a limit explains: CPU timer or backstop, output relay. */
	enforce_exit(c, status, ru);
	thread_each(c, drop_thread, NULL);
	ctab_container_dead(c);
	report_end(c);
	if (c == ctab_head()) {
		result.first_status = status;
		result.first_end = c->end;
		result.first_sig = c->end_sig;
	}
}

/* ---- events --------------------------------------------------------------- */

static enum event classify(int status)
{
	if (WIFEXITED(status) || WIFSIGNALED(status))
		return EV_EXIT;
	if (!WIFSTOPPED(status))
		return EV_OTHER;
	switch (status >> 16) {
	case PTRACE_EVENT_SECCOMP:
		return EV_SECCOMP;
	case PTRACE_EVENT_CLONE:
		return EV_CLONE;
	case PTRACE_EVENT_STOP:
		return EV_STOP;
	case PTRACE_EVENT_EXIT:
		return EV_EXITING;
	case 0:
		return WSTOPSIG(status) == (SIGTRAP | 0x80) ? EV_SYSCALL_EXIT
							   : EV_SIGNAL;
	default:
		return EV_OTHER;
	}
}

static void args_of(struct sysargs *a, const struct user_regs_struct *r)
{
	memset(a, 0, sizeof(*a));
	a->regs = *r;
	a->nr = (long)r->orig_rax;
	a->a[0] = r->rdi;
	a->a[1] = r->rsi;
	a->a[2] = r->rdx;
	a->a[3] = r->r10;
	a->a[4] = r->r8;
	a->a[5] = r->r9;
}

/* Resume a thread the way its state needs (tracee.c). */
static void resume(struct thread *t, int sig)
{
	tracee_resume(t, sig);
}

/* Finish a stopped call with a result, skipping it. */
static void finish_call(struct thread *t, struct sysargs *a, long r)
{
	a->regs.orig_rax = (unsigned long long)-1;
	a->regs.rax = (unsigned long long)r;
	if (a->set_rdx)
		a->regs.rdx = (unsigned long long)a->rdx;
	if (ptr_setregs(t->tid, &a->regs) == 0)
		ptr_cont(t->tid, 0);
}

/* Run the call now in a->regs; stop at its exit if there is work there. */
static void run_rewritten(struct thread *t, struct sysargs *a,
			  const struct user_regs_struct *entry)
{
	t->entry = *entry;
	t->fix = a->fix;
	t->fix_rdx = a->rdx;
	if (ptr_setregs(t->tid, &a->regs) < 0)
		return;
	if (t->fix != FIX_NONE || cfg->trace) {
		t->state = T_EXIT_STOP;
		ptr_syscall(t->tid, 0);
	} else {
		ptr_cont(t->tid, 0);
	}
}

/* Close the numbers of t->cnew in the stopped caller, then answer it
 * (tracee.c); its code stream is no longer waited on. */
static void inject_start(struct thread *t, const struct user_regs_struct *entry)
{
	if (t->cnew->watched) {
		unwatch(t->cnew->code);
		t->cnew->watched = false;
	}
	tracee_close_then_answer(t, entry);
}

/* What tracee.c needs of the loop. */
static void hook_answered(struct thread *t, long r)
{
	if (!cfg->trace)
		return;
	struct sysargs a;
	const char *name;
	args_of(&a, &t->entry);
	sys_lookup(a.nr, &name);
	trace_line(t, "", name, a.nr, a.a, filter_call_nargs(a.nr), r, NULL);
}

static void hook_closed(struct thread *t, int num, int copy)
{
	sys_epoll_forget(t->c, num, copy);
}

static void dispatch(struct thread *t, struct sysargs *a,
		     const struct user_regs_struct *entry, long r)
{
	if (r == SYS_ALLOW) {
		a->fix = FIX_NONE;
		a->regs = *entry;
		if (!cfg->trace) {
			ptr_cont(t->tid, 0);
			return;
		}
		a->fix = FIX_TRACE;
		run_rewritten(t, a, entry);
	} else if (r == SYS_REWRITE) {
		run_rewritten(t, a, entry);
	} else if (r == SYS_DEFER && t->cnew) {
		t->entry = *entry;
		t->state = T_WAIT_CODE;
		if (!t->cnew->watched) {
			watch(t->cnew->code, TAG(W_CODE, 0, t->tid));
			t->cnew->watched = true;
		}
	} else if (r == SYS_DEFER && t->passing) {
		t->entry = *entry;
		t->state = T_WAIT_PASS;
	} else if (r == SYS_DEFER) {
		BUG("a call deferred with nothing to wait for");
	} else if (r == SYS_INJECT) {
		inject_start(t, entry);
	} else {
		if (cfg->trace) {
			const char *name;
			sys_lookup(a->nr, &name);
			trace_line(t, "", name, a->nr, a->a,
				   filter_call_nargs(a->nr), r,
				   a->set_rdx ? &a->rdx : NULL);
		}
		finish_call(t, a, r);
	}
}

/* A cnew, wpass or rpass whose thread a freeze has asked to stop (its
 * stop came just after the ask; the interrupt is pending again: handle)
 * is not begun: wound back onto its call, it stops for the freeze, and
 * makes the call when it runs on (after the freeze, or a restore), as
 * had the interrupt come a moment earlier.  Begun, a cnew whose code is
 * all in its stream made a child the freeze neither held nor saved (the
 * file had its cid, not the child: RT10-2), and a pass could move a
 * descriptor into such a child.  True if so. */
static bool freeze_first(struct thread *t, const struct sysargs *a)
{
	if ((a->nr != MINOS_SYS_CNEW && a->nr != MINOS_SYS_WPASS &&
	     a->nr != MINOS_SYS_RPASS) || !ckpt_asked(t))
		return false;
	tracee_rerun(t, &a->regs);
	return true;
}

static void on_seccomp(struct thread *t)
{
	struct user_regs_struct regs;
	unsigned long why = FILTER_HANDLE;
	struct sysargs a;

	/* Without --trace the filter only traces calls with a handler: the
	 * reason (SECCOMP_RET_DATA) is worth a system call only with it. */
	if (see_refusals && ptr_eventmsg(t->tid, &why) < 0)
		return; /* gone: its exit follows */
	if (ptr_getregs(t->tid, &regs) < 0)
		return;
	args_of(&a, &regs);
	if (!t->c) {
		kill(t->tid, SIGKILL);
		return;
	}
	if (t->state == T_INJECT_ENTRY || t->state == T_INJECT_EXIT) {
		tracee_seccomp_stop(t, &regs); /* an injected call's (or not) */
		return;
	}
	if (t->lent && sys_pass_stopped(t, &regs, true))
		return; /* lent to a pass: its call runs afterwards */
	switch (why) {
	case FILTER_HANDLE: {
		if (freeze_first(t, &a))
			return;
		const char *name;
		sys_handler h = sys_lookup(a.nr, &name);
		long r = h ? h(t, &a) : -ENOSYS;
		dispatch(t, &a, &regs, r);
		return;
	}
	case FILTER_REFUSED_PERM:
	case FILTER_REFUSED_NOSYS:
	case FILTER_FOREIGN_ARCH: {
		long r = why == FILTER_REFUSED_PERM ? -EPERM : -ENOSYS;
		bool foreign = why == FILTER_FOREIGN_ARCH;
		stats_refused(t->c, a.nr, foreign);
		if (cfg->trace)
			trace_line(t, "refused ", foreign ? filter_foreign_name(a.nr) :
							    filter_call_name(a.nr),
				   a.nr, a.a, foreign ? 6 : filter_call_nargs(a.nr), r, NULL);
		finish_call(t, &a, r);
		return;
	}
	case FILTER_MEMORY:
		/* A large mmap or mprotect to writable (--report): its exit
		 * says whether the memory limit refused it. */
		a.fix = FIX_MEMORY;
		a.regs = regs;
		run_rewritten(t, &a, &regs);
		return;
	default:
		finish_call(t, &a, -ENOSYS);
	}
}

static bool is_restart(long r)
{
	return r == -512 || r == -513 || r == -514 || r == -516;
}

/* The armed pipe call (sys_pipe rewrote it into the private install
 * call) was interrupted before its notification, by a signal or an
 * interrupt of ours: disarm it; a restart re-issues the Minos pipe
 * itself, whose stop looks for its numbers again.  Also when the kernel
 * had restarted the private call already, unseen, and the stop came
 * before the thread made it (pipearm.h; RT10-5).  Left as the private
 * call it would be ENOSYS, and to a thread made again from a checkpoint
 * (RT5-1). */
static void pipe_disarm_regs(struct thread *t, struct user_regs_struct *regs)
{
	t->expect_notif = false;
	pipe_unarm_regs(t->entry.rip, regs);
}

static void pipe_disarm(struct thread *t)
{
	struct user_regs_struct regs;
	if (!t->expect_notif)
		return;
	t->expect_notif = false;
	if (ptr_getregs(t->tid, &regs) == 0 && pipe_unarm_regs(t->entry.rip, &regs))
		ptr_setregs(t->tid, &regs);
}

static bool pipe_fix(struct thread *t);

static void on_syscall_exit(struct thread *t)
{
	struct user_regs_struct regs;
	if (t->state == T_INJECT_EXIT || t->state == T_INJECT_ENTRY) {
		tracee_syscall_stop(t);
		return;
	}
	if (t->state == T_PASS && t->lent) {
		sys_pass_syscall_stop(t);
		return;
	}
	if (t->state != T_EXIT_STOP) {
		ptr_cont(t->tid, 0);
		return;
	}
	if (ptr_getregs(t->tid, &regs) < 0)
		return;
	long r = (long)regs.rax;
	bool exec_stop = false;
	t->state = T_RUNNING;
	switch (t->fix) {
	case FIX_READ:
		/* Back to the Minos call's registers: only rax (and rdx) change.
		 * Interrupted: the kernel restarts the Minos call itself. */
		regs = t->entry;
		regs.rax = (unsigned long long)r;
		if (r >= 0)
			regs.rdx = (unsigned long long)t->fix_rdx;
		break;
	case FIX_CLONE:
		t->c->pending_clones--; /* failed: no PTRACE_EVENT_CLONE came */
		break;
	case FIX_MEMORY:
		/* Committed memory asked for: a writable mmap's length, an
		 * mprotect's to writable (at most: a part may have been
		 * writable already), an mremap's growth (a PROT_NONE
		 * reservation counts nothing). */
		if (r == -ENOMEM && (t->entry.orig_rax == __NR_mmap ||
				     t->entry.orig_rax == __NR_mprotect) &&
		    (t->entry.rdx & PROT_WRITE))
			stats_memory_refused(t->c, t->entry.rsi);
		else if (r == -ENOMEM && t->entry.orig_rax == __NR_mremap &&
			 t->entry.rdx > t->entry.rsi)
			stats_memory_refused(t->c, t->entry.rdx - t->entry.rsi);
		break;
	case FIX_POLL:
		/* Its stack bytes back first: whatever comes next (a signal
		 * frame, a lent pass) finds the stack as it was. */
		if (t->nwait)
			mem_write(t->tid, t->wait_at, t->wait_saved,
				  t->nwait * sizeof(struct pollfd));
		t->nwait = 0;
		regs = t->entry;
		if (r > 0 || is_restart(r)) {
			/* Ready, or interrupted: the Minos read is made again
			 * (its stop finds the ready rfd, or it waits again);
			 * with a handler that does not restart, EINTR as for
			 * a read. */
			if (r > 0) {
				tracee_wind_back(&regs);
			} else {
				regs.rax = (unsigned long long)-512; /* ERESTARTSYS */
			}
			t->fix = FIX_NONE;
			if (t->lent && sys_pass_stopped(t, &regs, false))
				return;
			if (ptr_setregs(t->tid, &regs) == 0)
				ptr_cont(t->tid, 0);
			return;
		}
		regs.rax = (unsigned long long)r;
		break;
	case FIX_KILL:
		/* The kernel found the target (signal 0 succeeded): SIGKILL
		 * it, which is the whole container; the caller is answered
		 * 0 as it dies. */
		regs = t->entry;
		regs.rax = (unsigned long long)r;
		if (r == 0 && t->c) {
			if (t->c->end == END_NONE) {
				t->c->end = END_SIGNAL;
				t->c->end_sig = SIGKILL;
			}
			ctab_kill(t->c);
		}
		break;
	case FIX_EXEC:
		exec_stop = r == 0;
		break;
	case FIX_TRACE:
	case FIX_NONE:
		break;
	}
	/* A Minos pipe whose rfd went elsewhere (install_pipe): the
	 * interrupt that was to correct rdx shows as this exit when the call
	 * ran under PTRACE_SYSCALL (--trace), so the correction is made here. */
	if (t->pipe_rdx) {
		regs.rdx = (unsigned)(t->pipe_rdx - 1);
		t->pipe_rdx = 0;
	}
	if (cfg->trace && !is_restart(r)) {
		struct sysargs a;
		const char *name;
		args_of(&a, &t->entry);
		sys_lookup(a.nr, &name);
		long rdx = (long)regs.rdx;
		bool two = a.nr == MINOS_SYS_READ || a.nr == MINOS_SYS_PIPE;
		trace_line(t, "", name, a.nr, a.a, filter_call_nargs(a.nr), r,
			   two && r >= 0 ? &rdx : NULL);
	}
	t->fix = FIX_NONE;
	/* An armed pipe an interrupt broke (under --trace it shows as
	 * this exit): made again as the Minos pipe (pipe_disarm). */
	if (t->expect_notif && is_restart(r))
		pipe_disarm_regs(t, &regs);
	/* A child's program is in place and has not run: its trampoline's
	 * stack goes back, its initial stack and vDSO are made ready
	 * (sys_cnew.c), then it runs. */
	if (exec_stop)
		ctab_left_trampoline(t->c);
	if (exec_stop && t->c->exec_hook) {
		if (t->c->exec_hook(t, &regs))
			return; /* a restore (restore.c) */
	} else if (exec_stop && sys_cnew_exec_stop(t, &regs))
		return;
	if (t->lent && sys_pass_stopped(t, &regs, false))
		return; /* the interrupt of a pass showed as this exit */
	if (t->pipe_close) {
		/* ... and a lone wfd to close, likewise (pipe_fix). */
		if (ptr_setregs(t->tid, &regs) == 0 && pipe_fix(t))
			return;
	}
	if (ptr_setregs(t->tid, &regs) == 0 && !ckpt_hold(t, &regs))
		ptr_cont(t->tid, 0); /* else frozen for a checkpoint (ckpt.c) */
}

static void on_clone(struct thread *t)
{
	unsigned long newtid;
	if (ptr_eventmsg(t->tid, &newtid) == 0 && t->c) {
		struct thread *nt = thread_find((pid_t)newtid);
		if (!nt) {
			nt = thread_add((pid_t)newtid, t->c);
			nt->state = T_NEW;
		} else if (nt->state == T_EARLY) {
			nt->c = t->c;
			nt->state = T_RUNNING;
			ptr_cont(nt->tid, 0);
		}
		t->c->threads++;
		if (t->fix == FIX_CLONE && (t->entry.rdi & CLONE_CHILD_CLEARTID))
			nt->clear_tid = t->entry.r10; /* for a checkpoint */
		if (t->fix == FIX_CLONE) {
			t->c->pending_clones--;
			t->fix = cfg->trace ? FIX_TRACE : FIX_NONE;
		}
	}
	resume(t, 0);
}

/* The interrupt install_pipe asked for: the pipe call has returned and
 * the thread has not run since.  Correct rdx, or close a lone wfd (at the
 * syscall instruction it just ran) and give it back with its EMFILE.
 * Every signal is held off until the close has entered: a handler run on
 * the close's registers would make the close's stop another call's, and
 * the thread be given back at that call's entry stop, where the pipe's
 * registers (orig_rax the private number) made the private call again,
 * disarmed: ENOSYS, and the lone wfd left open.  The pipe's answer
 * stands, whatever stop gives the thread back: it is no call any more
 * (orig_rax -1). */
struct lone { struct user_regs_struct regs; };

static void lone_closed(struct thread *t, long r, void *arg)
{
	struct lone *l = arg;
	(void)r;
	l->regs.orig_rax = (unsigned long long)-1;
	if (ptr_setregs(t->tid, &l->regs) == 0)
		ptr_cont(t->tid, 0);
	free(l);
}

static bool pipe_fix(struct thread *t)
{
	struct user_regs_struct regs;
	if (!t->pipe_rdx && !t->pipe_close)
		return false;
	if (ptr_getregs(t->tid, &regs) < 0)
		return true;
	if (t->pipe_rdx) {
		regs.rdx = (unsigned)(t->pipe_rdx - 1);
		t->pipe_rdx = 0;
		if (ptr_setregs(t->tid, &regs) == 0)
			ptr_cont(t->tid, 0);
		return true;
	}
	uint64_t args[6] = { (unsigned)(t->pipe_close - 1) };
	t->pipe_close = 0;
	struct lone *l = malloc(sizeof(*l));
	if (l) {
		l->regs = regs;
		/* At the sealed vDSO instruction: the one it ran may have
		 * been changed by another thread meanwhile. */
		uint64_t insn = t->c && t->c->vdso_syscall ? t->c->vdso_syscall
							   : regs.rip - 2;
		if (tracee_call_own_at(t, insn, __NR_close, args, lone_closed, l) == 0)
			return true;
		free(l);
	}
	ptr_cont(t->tid, 0);
	return true;
}

static void on_stop(struct thread *t, pid_t tid, int status)
{
	if (!t) {
		/* A new thread's first stop, before its creator's EVENT_CLONE. */
		t = thread_add(tid, NULL);
		t->state = T_EARLY;
		return;
	}
	int sig = WSTOPSIG(status);
	if (t->state == T_NEW)
		t->state = T_RUNNING;
	/* (One trap serves every interrupt pending: a freeze's taken here
	 * by a pipe's fix or a pass is asked for again: ckpt_rearm.) */
	if (sig == SIGTRAP && t->state == T_RUNNING && pipe_fix(t)) {
		ckpt_rearm(t);
		return;
	}
	/* Our interrupt broke its armed pipe: the Minos pipe again, before
	 * a pass borrows the thread.  The pass gives the registers it found
	 * back (the call restarted): left armed, the thread would make the
	 * private install call of its own after any stop that disarmed it
	 * meanwhile (a freeze's, saved so: RT10-4), answered ENOSYS, its
	 * pipe "failed" with no numbers. */
	if (sig == SIGTRAP && t->state == T_RUNNING)
		pipe_disarm(t);
	if (sig == SIGTRAP && t->lent && t->state == T_RUNNING) {
		struct user_regs_struct regs;
		if (ptr_getregs(t->tid, &regs) == 0 && sys_pass_stopped(t, &regs, false)) {
			if (!sys_pass_installing(t))
				ckpt_rearm(t); /* (else once it is given back) */
			return; /* our PTRACE_INTERRUPT: it installs a passed descriptor */
		}
	}
	if (sig == SIGTRAP && t->state == T_RUNNING && ckpt_hold(t, NULL))
		return; /* frozen for a checkpoint (ckpt.c) */
	if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)
		ptr_listen(t->tid); /* a group-stop from outside: stay stopped */
	else
		resume(t, 0);
}

/* Default action of a signal is to end the process. */
static bool fatal_by_default(int sig)
{
	switch (sig) {
	case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return false;
	default:
		return true;
	}
}

/* Does the container catch or ignore sig?  (/proc: only on rare signals.)
 * If its status cannot be read the answer is "yes": the signal is
 * delivered as the kernel decides, never turned into a kill on a guess. */
static bool handles(pid_t tid, int sig)
{
	struct proc_sigmasks m;
	if (proc_sigmasks(tid, &m) < 0)
		return true;
	return ((m.caught | m.ignored) >> (sig - 1)) & 1;
}

static void on_signal(struct thread *t, int sig)
{
	struct container *c = t->c;
	siginfo_t si;
	bool from_file = false;

	if (c && sig == SIGXFSZ && c->xfsz_from_file &&
	    ptr_siginfo(t->tid, &si) == 0 && si.si_code == SI_USER) {
		c->xfsz_from_file--; /* queued again by a restore (RT4-4) */
		from_file = true;
	}
	/* A thread lent to a pass gets its own registers back first, so the
	 * signal finds it where it was (sys_pass.c). */
	if (tracee_injected_fault(t, sig))
		return; /* our call's instruction faulted: dropped (RT9-1) */
	sys_pass_signal(t);
	pipe_disarm(t);
	/* An ignored signal (queued only because we trace the thread) that
	 * broke an epoll wait or a pipe write: dropped, the call goes on. */
	if (sys_ignored_signal(t, sig))
		return;
	switch (sig) {
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		resume(t, 0);
		return;
	}
	/* SPEC: a write to a stream with no reader is EPIPE, never a signal:
	 * the kernel's SIGPIPE for it (SI_USER: a container cannot kill())
	 * goes.  One the container sends itself (tgkill: SI_TKILL) is
	 * delivered as on Linux. */
	if (sig == SIGPIPE && (ptr_siginfo(t->tid, &si) < 0 || si.si_code == SI_USER)) {
		resume(t, 0);
		return;
	}
	/* The kernel's SIGXCPU (RLIMIT_CPU, SI_KERNEL), once the limit is
	 * really spent: a pending one queued again from a restore file
	 * (restore.c: any siginfo) is only a signal (RT4-2). */
	if (c && sig == SIGXCPU && ptr_siginfo(t->tid, &si) == 0 &&
	    si.si_code == SI_KERNEL && c->end == END_NONE && enforce_cpu_spent(c)) {
		c->end = END_CPU;
		c->end_sig = SIGXCPU;
		c->end_ms = c->lim->cpu_ms;
		stats_sample(c);
	}
	/* RLIMIT_FSIZE: the kernel's SIGXFSZ (SI_USER from the writer itself;
	 * a container cannot kill(), only tgkill, which is SI_TKILL).
	 * Without --output there is no RLIMIT_FSIZE: such a SIGXFSZ came
	 * from a restore file, only a signal (RT4-3).  With it, one that a
	 * restore queued again is only a signal too (RT4-4): counted at
	 * every SI_USER delivery, ignored or not (on_signal's start;
	 * restore.c counts only those, RT5-2).  The count
	 * errs only if a thread takes the kernel's from the shared queue
	 * while the restored one waits blocked in another, or after the
	 * program discarded the restored one (SIG_IGN): then the kernel's
	 * is reported as a signal, never the other way round. */
	if (c && sig == SIGXFSZ && !from_file && c->end == END_NONE && c->lim->output &&
	    ptr_siginfo(t->tid, &si) == 0 &&
	    si.si_code == SI_USER && !handles(t->tid, sig)) {
		c->end = END_OUTPUT;
		c->end_sig = SIGXFSZ;
	}
	/* As pid 1 of its namespace the kernel would drop an unhandled fatal
	 * signal (and refault forever): end the container ourselves. */
	if (c && c->pidns_init && fatal_by_default(sig) && !handles(t->tid, sig)) {
		if (c->end == END_NONE) {
			c->end = END_SIGNAL;
			c->end_sig = sig;
		}
		if (c->end == END_CPU)
			c->end_sig = sig;
		ctab_kill(c);
		return;
	}
	if (c && c->end == END_CPU && sig != SIGXCPU)
		c->end = END_NONE;
	resume(t, sig);
}

static void on_exit_event(struct thread *t, pid_t tid, int status,
			  const struct rusage *ru)
{
	if (!t)
		return;
	struct container *c = t->c;
	wait_unregister(t);
	thread_remove(t);
	if (!c)
		return;
	if (c->threads)
		c->threads--;
	if (tid == c->pid)
		container_exit(c, status, ru);
}

static void handle(pid_t tid, int status, const struct rusage *ru)
{
	struct thread *t = thread_find(tid);
	if (t && t->kicked_for)
		tracee_kick_seen(t); /* out of any call on a closed number */
	enum event ev = classify(status);
	/* A freeze's interrupt this stop dropped is asked for again; not
	 * while a pass's install call runs, which it would break, again and
	 * again as the pass starts again (RT7-4): once the thread is back. */
	bool installing = t && sys_pass_installing(t);
	if (t && ev != EV_EXIT && ev != EV_STOP && !installing)
		ckpt_rearm(t);
	switch (ev) {
	case EV_EXIT:
		on_exit_event(t, tid, status, ru);
		break;
	case EV_SECCOMP:
		if (t)
			on_seccomp(t);
		break;
	case EV_SYSCALL_EXIT:
		if (t)
			on_syscall_exit(t);
		else
			ptr_cont(tid, 0);
		break;
	case EV_CLONE:
		if (t)
			on_clone(t);
		break;
	case EV_STOP:
		on_stop(t, tid, status);
		break;
	case EV_SIGNAL:
		if (t) {
			ckpt_signalled(t); /* (its interrupt before the resume) */
			on_signal(t, WSTOPSIG(status));
		} else
			ptr_cont(tid, WSTOPSIG(status));
		break;
	case EV_EXITING:
		if (t && t->c)
			stats_sample(t->c);
		ptr_cont(tid, 0);
		break;
	case EV_OTHER:
		ptr_cont(tid, 0);
		break;
	}
	if (installing && (t = thread_find(tid)) && !sys_pass_installing(t))
		ckpt_rearm(t);
}

/*
 * Handle the wait statuses that are ready, fairly between containers.
 * Every ready status is taken (wait4 until none is left: a stopped thread
 * has no further status until it is resumed, so this ends) before any is
 * handled, and a round handles one stop of each container, oldest first;
 * the others wait, still stopped, for the next round (a container alone
 * in a round has all its stops handled).  Served as wait4 returns them,
 * the newest tracees' stops came first, and a container whose threads
 * stop again as soon as they are resumed kept every other container's
 * stops, and the loop's other events, waiting for ever.
 * Returns how many were handled.
 */
struct waited { pid_t tid; int status; struct rusage ru; };
static struct waited *pend;
static size_t npend, cappend;

/* Statuses handled as wait4 returns them, at most max, until none is left;
 * how many were handled. */
static unsigned drain_fast(unsigned max)
{
	unsigned handled = 0;
	while (handled < max) {
		int status;
		struct rusage ru;
		pid_t tid = wait4(-1, &status, __WALL | WNOHANG, &ru);
		if (tid <= 0)
			break;
		handle(tid, status, &ru);
		handled++;
	}
	return handled;
}

/* One container only: no one to be fair to, so each status is handled as
 * wait4 returns it, without the round's closing empty wait4 (that made a
 * Minos call's turn two wait4s instead of one).  Bounded as a round is. */
#define ALONE_PER_ROUND 16

static unsigned drain_round(void)
{
	static unsigned long round;
	if (!npend && ctab_live() == 1)
		return drain_fast(ALONE_PER_ROUND);
	for (;;) {
		if (npend == cappend) {
			size_t cap = cappend ? 2 * cappend : 64;
			struct waited *p = realloc(pend, cap * sizeof(*p));
			if (!p)
				break; /* the rest next round */
			pend = p;
			cappend = cap;
		}
		struct waited *w = &pend[npend];
		w->tid = wait4(-1, &w->status, __WALL | WNOHANG, &w->ru);
		if (w->tid <= 0)
			break;
		npend++;
	}
	if (!npend)
		return 0;
	/* Is more than one container waiting? */
	struct container *first = NULL;
	bool alone = true;
	for (size_t i = 0; i < npend && alone; i++) {
		struct thread *t = thread_find(pend[i].tid);
		if (t && t->c) {
			if (!first)
				first = t->c;
			else if (t->c != first)
				alone = false;
		}
	}
	round++;
	size_t n = npend, kept = 0;
	unsigned handled = 0;
	npend = 0;
	for (size_t i = 0; i < n; i++) {
		struct waited w = pend[i];
		struct thread *t = thread_find(w.tid);
		struct container *c = t ? t->c : NULL;
		if (c && !alone && c->served == round) {
			pend[kept++] = w; /* its container has had its turn */
			continue;
		}
		if (c)
			c->served = round;
		/* handle() may reap nothing more, but keep what is kept in
		 * front of anything it might append. */
		npend = kept;
		handle(w.tid, w.status, &w.ru);
		handled++;
	}
	npend = kept;
	return handled;
}

/* A few rounds at once: a thread resumed by a round often stops again at
 * once (a loop of Minos calls, on one CPU before this returns), and taking
 * its stop here saves a turn of the loop (on one CPU a Minos write cost
 * 22 us instead of 16 with one round per turn).  Bounded, so the loop's
 * other events (timers, listeners, code streams) are never starved. */
#define ROUNDS_PER_TURN 16

/* A turn's usual statuses are a short burst (a Minos call's stop; a cnew's
 * child stopping at its exec while its parent waits): handled as wait4
 * returns them, they cost one wait4 each and one empty wait4, as before
 * the rounds, where every status of a round cost a second wait4 (collect
 * all, then an empty one to know it was all; a cnew 19.5 wait4s against
 * 34).  Unfairness needs a long burst (a container whose threads stop
 * again as soon as they are resumed, and are returned first): after
 * FAST_MAX statuses with no empty wait4 between them, the rest of the turn
 * is fair rounds, so another container's stop waits for at most FAST_MAX
 * of theirs.  Statuses kept from a round go first, fairly. */
#define FAST_MAX 8

static unsigned drain_waits(void)
{
	unsigned handled = 0;
	if (!npend) {
		handled = drain_fast(FAST_MAX);
		if (handled < FAST_MAX)
			return handled; /* an empty wait4: nothing more ready */
	}
	for (int i = 0; i < ROUNDS_PER_TURN; i++) {
		unsigned n = drain_round();
		if (!n)
			break;
		handled += n;
	}
	return handled;
}

/*
 * After a stop the same container often stops again within microseconds
 * (a loop of Minos calls).  Sleeping lets this vCPU go idle, and waking an
 * idle vCPU costs 40-50 us on a VM against 7 us for the stop itself; so
 * after any event the loop polls (epoll timeout 0) for SPIN_NS before it
 * sleeps, yielding the CPU on every round so that a tracee runnable on
 * the same CPU is not starved (on one CPU, spinning without yielding made
 * a child's start 20 times slower).  Bounded, and only after activity.
 */
#define SPIN_NS 30000LL

/* ---- other event sources --------------------------------------------------- */

static void on_signalfd(void)
{
	struct signalfd_siginfo si;
	while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			continue;
		if (si.ssi_signo == SIGUSR1 && cfg->checkpoint) {
			ckpt_request();
			rewind_waits();
			continue;
		}
		if (si.ssi_signo == (uint32_t)enforce_cpu_signal()) {
			struct container *c = enforce_cpu_due(si.ssi_int);
			if (c)
				end_container(c, END_CPU, SIGKILL, c->lim->cpu_ms);
			continue;
		}
		if (!session_sig)
			session_sig = (int)si.ssi_signo;
		end_all(END_SESSION, (int)si.ssi_signo);
	}
}

/* The run's wall time, or a stage's (which ends the stage's whole tree). */
static void on_timer(void)
{
	uint64_t ticks;
	ssize_t unused = read(timerfd, &ticks, sizeof(ticks));
	(void)unused;
	long long now = mono_ns();
	if (session_end_ns && now >= session_end_ns) {
		end_all(END_WALL, SIGKILL);
		return;
	}
	CTAB_FOREACH(top) {
		if (!top->deadline_ns || now < top->deadline_ns || !tree_counts(top))
			continue;
		CTAB_FOREACH(c)
			if (c->stage == top)
				end_container(c, END_WALL, SIGKILL, top->lim->wall_ms);
	}
	arm_clock();
}

static struct container *container_by_id(int id)
{
	CTAB_FOREACH(c)
		if (c->id == id)
			return c;
	return NULL;
}

/*
 * Install a new pipe in the notifying thread t: the wfd at the lowest free
 * number, then the rfd at the lowest free number after it, each chosen by
 * the kernel as it installs (SECCOMP_IOCTL_NOTIF_ADDFD without SETFD), so
 * no descriptor another thread made meanwhile is ever replaced.  rdx was
 * set at the stop to the number sys_pipe foresaw for the rfd; if another
 * thread took that one in between, the thread is interrupted before the
 * answer and rdx is corrected at that stop, before it runs again.  Since
 * the filter waits killably once a notification is received, no signal
 * can leave one end installed without the other.
 * A container with no other thread (sys_pipe_alone) has nothing to race:
 * the rfd goes at the foreseen number, then the wfd with the answer
 * (ADDFD with SEND): two round trips to the thread, not three.
 * Returns 1 if the call was answered, 0 with *val (the wfd) set, or -errno.
 */
static long install_alone(struct thread *t, uint64_t id, const int p[2], long *val)
{
	struct seccomp_notif_addfd af = {
		.id = id, .flags = SECCOMP_ADDFD_FLAG_SETFD,
		.srcfd = (unsigned)p[0], .newfd = (unsigned)t->install[1],
	};
	long r = ioctl(t->c->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &af), w = -1;
	if (r < 0)
		return errno == EBADF || errno == EMFILE ? -EMFILE : -errno;
	af.srcfd = (unsigned)p[1];
	af.newfd = 0;
	af.flags = SECCOMP_ADDFD_FLAG_SEND; /* lowest free: install[0] */
	w = ioctl(t->c->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &af);
	if (w >= 0)
		return 1;
	if (errno == EINVAL) { /* no FLAG_SEND (before 5.14): answer after */
		af.flags = 0;
		w = ioctl(t->c->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &af);
		if (w >= 0) {
			*val = w;
			return 0;
		}
	}
	int err = errno;
	if (err == ENOENT || err == ESRCH)
		return -ESRCH; /* killed: nothing is left to close */
	/* No rfd alone: closed after the answer, as a lone wfd below. */
	t->pipe_close = (int)r + 1;
	ptr_interrupt(t->tid);
	return err == EBADF || err == EMFILE ? -EMFILE : -err;
}

static long install_pipe(struct thread *t, uint64_t id, long *val)
{
	struct container *c = t->c;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return errno == EMFILE || errno == ENFILE ? -ENFILE : -ENOMEM;
	if (sys_pipe_alone(t)) {
		long rc = install_alone(t, id, p, val);
		close(p[0]);
		close(p[1]);
		return rc;
	}
	struct seccomp_notif_addfd af = { .id = id, .srcfd = (unsigned)p[1] };
	long w = ioctl(c->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &af), r = -1;
	if (w >= 0) {
		af.srcfd = (unsigned)p[0];
		r = ioctl(c->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &af);
	}
	int err = errno;
	if (w >= 0 && r == w) {
		/* A sibling closed the wfd's number (one the container was
		 * never given) before the rfd was installed, and the rfd took
		 * it: the answer would name one number for both ends, the wfd
		 * gone (RT14-1).  The wfd again, at the lowest free number;
		 * no room: the rfd is closed as a lone wfd is. */
		af.srcfd = (unsigned)p[1];
		w = ioctl(c->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &af);
		err = errno;
		if (w < 0) {
			w = r;
			r = -1;
		}
	}
	close(p[0]);
	close(p[1]);
	if (w < 0 || r < 0) {
		/* An end alone is never left: the call failed, so its number
		 * is closed in the caller after the answer (EMFILE only: the
		 * table was full for the second end). */
		if (w >= 0) {
			t->pipe_close = (int)w + 1;
			ptr_interrupt(t->tid);
		}
		return err == EBADF || err == EMFILE ? -EMFILE : -err;
	}
	if (r != t->install[1]) {
		t->pipe_rdx = (int)r + 1;
		if (ptr_interrupt(t->tid) < 0)
			return -ESRCH;
	}
	*val = w;
	return 0;
}

static void on_listener(struct container *c)
{
	struct seccomp_notif *req = notif_buf;
	struct seccomp_notif_resp *resp = resp_buf;
	memset(req, 0, sizes.seccomp_notif);
	if (ioctl(c->listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
		return; /* the caller died meanwhile */
	memset(resp, 0, sizes.seccomp_notif_resp);
	resp->id = req->id;
	struct thread *t = thread_find((pid_t)req->pid);
	if (t && t->c == c && t->lent && req->data.nr == MINOS_PRIV_INSTALL &&
	    sys_pass_notif(t, c->listener, req->id))
		return;
	/* The private number is a pipe only for the one notification armed
	 * at its seccomp stop (and disarmed by any signal since). */
	if (!t || t->c != c || !t->expect_notif ||
	    req->data.nr != MINOS_PRIV_INSTALL ||
	    req->data.instruction_pointer != t->entry.rip) {
		resp->error = -ENOSYS;
	} else {
		t->expect_notif = false;
		long val = 0, r = install_pipe(t, req->id, &val);
		if (r == 1)
			return; /* answered with the wfd (ADDFD with SEND) */
		if (r < 0)
			resp->error = (int)r;
		else
			resp->val = val;
	}
	ioctl(c->listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
}

/* A cnew waiting for its code that a freeze asked to stop (its
 * interrupt is pending): wound back, it stops before it runs on
 * (sys_cnew_rewind; ckpt.c holds it there). */
static void rewind_code_wait(struct thread *t, void *unused)
{
	(void)unused;
	if (t->state != T_WAIT_CODE || !t->cnew || !ckpt_asked(t))
		return;
	if (t->cnew->watched) {
		unwatch(t->cnew->code);
		t->cnew->watched = false;
	}
	sys_cnew_rewind(t);
	if (t->cnew && !t->cnew->watched) { /* not wound back: waits on */
		watch(t->cnew->code, TAG(W_CODE, 0, t->tid));
		t->cnew->watched = true;
	}
}

/* A wpass/rpass whose caller a freeze asked to stop, still waiting for a
 * thread of its child (held by the freeze itself, say: RT7-4): withdrawn,
 * the caller wound back (sys_pass_rewind), else the freeze and the pass
 * would wait for each other until the pass's time ran out (EAGAIN). */
static void rewind_wait(struct thread *t, void *unused)
{
	if (t->state == T_WAIT_PASS && ckpt_asked(t))
		sys_pass_rewind(t);
	else
		rewind_code_wait(t, unused);
}

static void rewind_waits(void)
{
	if (!ckpt_active())
		return;
	CTAB_FOREACH(c)
		if (ctab_counts(c))
			thread_each(c, rewind_wait, NULL);
}

static void on_code_ready(pid_t tid)
{
	struct thread *t = thread_find(tid);
	if (!t || t->state != T_WAIT_CODE || !t->cnew)
		return;
	if (ckpt_asked(t)) {
		rewind_code_wait(t, NULL);
		return;
	}
	long r = sys_cnew_code_ready(t);
	if (r == SYS_INJECT)
		inject_start(t, &t->entry);
}

struct loop_result loop_run(void)
{
	struct epoll_event ev[32];

	long long spin_until = 0;

	for (;;) {
		if (drain_waits())
			spin_until = mono_ns() + SPIN_NS;
		if (ckpt_active() && ckpt_step() == CKPT_ENDED) {
			/* Saved: the run ends here, its status 0 (run.c). */
			result.checkpointed = ckpt_saved();
			end_all(END_CHECKPOINT, SIGKILL);
		}
		rewind_waits();
		sys_pass_retry();
		/* Watch the listeners of containers that have started. */
		CTAB_FOREACH(c)
			if (c->listener >= 0 && !c->listener_watched) {
				/* Wake us on the caller's CPU (Linux 6.6+). */
				ioctl(c->listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
				      SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
				watch(c->listener, TAG(W_LISTENER, 0, c->id));
				c->listener_watched = true;
			}
		if (ctab_live() == 0)
			break;
		bool spinning = spin_until && mono_ns() < spin_until;
		if (spinning)
			sched_yield(); /* a tracee runnable on this CPU goes first */
		/* Statuses kept for the next round (drain_waits) are not
		 * news to epoll: never sleep on them. */
		int n = epoll_wait(epfd, ev, 32, spinning || npend ? 0 : ckpt_wait_ms());
		if (n > 0)
			spin_until = mono_ns() + SPIN_NS;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			BUG(strerror(errno));
		}
		for (int i = 0; i < n; i++) {
			uint64_t tag = ev[i].data.u64;
			uint32_t id = (uint32_t)tag;
			switch (tag >> 56) {
			case W_SIGNAL:
				on_signalfd();
				break;
			case W_TIMER:
				on_timer();
				break;
			case W_LISTENER: {
				struct container *c = container_by_id((int)id);
				if (!c || c->listener < 0)
					break;
				if (ev[i].events & (EPOLLHUP | EPOLLERR)) {
					/* No task uses the filter any more: its
					 * exit is on its way; stop polling it. */
					unwatch(c->listener);
					break;
				}
				on_listener(c);
				break;
			}
			case W_CODE:
				on_code_ready((pid_t)id);
				break;
			case W_PASS:
				sys_pass_timer();
				break;
			case W_CKPT: {
				uint64_t ticks;
				if (read(ckptfd, &ticks, sizeof(ticks)) > 0) {
					ckpt_request();
					rewind_waits();
				}
				break;
			}
			}
		}
	}
	result.session_sig = session_sig;
	return result;
}
