/* SPDX-License-Identifier: MIT */
/*
 * sys_pass.c - wpass and rpass: move a descriptor into a running child.
 *
 * A descriptor can only be put into a container through its seccomp
 * listener (SECCOMP_IOCTL_NOTIF_ADDFD), so one of the child's threads is
 * borrowed to make the private install call:
 *   - a running thread is stopped with PTRACE_INTERRUPT; at its stop it is
 *     pointed at a syscall instruction (its own, if it was in a call; else
 *     one in its vDSO) with the install call in rax; a thread stopped by us
 *     in a multi-rfd read has its call rewritten in place;
 *   - the listener installs our copy at the child's lowest free number,
 *     answering the call with that number (ADDFD with SEND);
 *   - at the call's exit the thread gets its registers back, an interrupted
 *     call restarted as the kernel would have, a rewritten read re-issued.
 * Only then does the descriptor leave the caller (a close injected into the
 * stopped caller, if the number still holds the same file: kcmp), so it
 * is in exactly one container at every moment the caller can observe, and
 * a descriptor already on its way is EBADF for a second pass or a cnew.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/kcmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <linux/seccomp.h>
#include <time.h>
#include <unistd.h>

#include "filter.h"
#include "log.h"
#include "procfs.h"
#include "sys.h"
#include "tracee.h"

static struct pass *passes;

/* Signals may make a pass start again; a child that is never still long
 * enough gets EAGAIN to its parent after this many starts. */
#define PASS_TRIES 1000

/* A pass that cannot borrow a thread of the child within this time (its
 * every thread held by the supervisor: waiting for a cnew's code or a
 * pass of its own; or one that never stops for our interrupt) is EAGAIN,
 * the descriptor still the caller's.  Counted from the moment the child
 * runs; an install under way is never cut short (it ends by itself: the
 * instruction is ours, the notification answered at once). */
#define PASS_WAIT_NS 1000000000LL

static int timer = -1;
static long long armed_ns; /* when the timer fires, 0: not armed */

static void try_start(struct pass *p);

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Is the pass still waiting for a thread (and so may run out of time)? */
static bool waiting(const struct pass *p)
{
	return p->state == P_QUEUED || p->state == P_INTERRUPTING;
}

/* Arm the timer at the earliest deadline of a waiting pass. */
static void arm(void)
{
	long long next = 0;
	for (struct pass *p = passes; p; p = p->next)
		if (p->deadline_ns && waiting(p) && (!next || p->deadline_ns < next))
			next = p->deadline_ns;
	struct itimerspec its = {
		.it_value.tv_sec = (time_t)(next / 1000000000LL),
		.it_value.tv_nsec = (long)(next % 1000000000LL),
	};
	if (timer >= 0 && timerfd_settime(timer, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		armed_ns = next;
}

/* p waits for a thread (queued, or one interrupted that has not stopped):
 * the timer must fire by its deadline. */
static void wait_bounded(struct pass *p)
{
	if (p->deadline_ns && (!armed_ns || p->deadline_ns < armed_ns))
		arm();
}

int sys_pass_init(void)
{
	timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	return timer < 0 ? -errno : timer;
}

static bool is_restart(long r)
{
	return r == -512 || r == -513 || r == -514 || r == -516;
}

/* Is number num of container c on its way out (a pass in flight)? */
bool sys_pass_busy(const struct container *c, int num)
{
	for (struct pass *p = passes; p; p = p->next)
		if (p->from == c && p->num == num)
			return true;
	return sys_cnew_busy((struct container *)(uintptr_t)c, num);
}

/* A syscall instruction in c's vDSO (0f 05), found once (through thread
 * tid: the leader may have left). */
static uint64_t vdso_syscall(struct container *c, const struct thread *t)
{
	if (c->vdso_syscall)
		return c->vdso_syscall;
	uint64_t lo, hi, insn;
	if (proc_vdso(t->tid, &lo, &hi) == 0 && tracee_vdso_scan(t, lo, &insn))
		c->vdso_syscall = insn;
	return c->vdso_syscall;
}

static void pass_free(struct pass *p)
{
	struct pass **pp = &passes;
	while (*pp && *pp != p)
		pp = &(*pp)->next;
	if (*pp)
		*pp = p->next;
	if (p->copy >= 0)
		close(p->copy);
	ctab_unpin(p->from); /* their records may be freed now (ctab.h) */
	ctab_unpin(p->child);
	free(p);
}

/* The pass is over: answer the caller, after closing its number (only if
 * it still holds the file we moved: a thread of the caller may have
 * closed it meanwhile; tracee.c checks with kcmp at the close). */
static void pass_done(struct pass *p)
{
	struct thread *caller = p->caller;
	if (p->target)
		p->target->lent = NULL;
	if (caller) {
		caller->passing = NULL;
		struct cnew_op *op = calloc(1, sizeof(*op));
		int *nums = malloc(sizeof(int)), *copies = malloc(sizeof(int));
		if (!op || !nums || !copies) {
			free(op);
			free(nums);
			free(copies);
			tracee_answer(caller, -ENOMEM);
		} else {
			/* The close list owns our copy from here (op->code). */
			nums[0] = p->num;
			copies[0] = p->copy;
			op->code = p->copy;
			op->consume = nums;
			op->copies = copies;
			op->nconsume = p->result >= 0 ? 1 : 0;
			op->result = p->result;
			p->copy = -1;
			caller->cnew = op;
			tracee_close_then_answer(caller, &caller->entry);
		}
	}
	pass_free(p);
}

static void fail_pass(struct pass *p, long err)
{
	/* A child being killed has no table to put anything in: to the
	 * caller it is gone, whatever failed on the way. */
	if (p->child->killed || p->child->state == C_DEAD ||
	    (p->target && sys_dying(p->target->tid)))
		err = -ESRCH;
	p->result = err;
	pass_done(p);
}

static bool lendable(const struct thread *t)
{
	/* (Not before its program's first stop is over: sys_cnew_exec_stop
	 * seals the instruction a pass uses.  Not one a freeze holds: it
	 * stops for no interrupt of ours until the freeze is over.) */
	return !t->lent && !t->passing && !t->cnew && t->fix != FIX_EXEC &&
	       !tracee_held(t) &&
	       (t->state == T_RUNNING || t->state == T_EXIT_STOP ||
		t->state == T_WAIT_READ ||
		(t->state == T_INJECT_EXIT && t->in_rest));
}

/* The file number fd of thread tid holds now, by its device and inode
 * (a pipe's inode is its own while it lives). */
static bool fd_file(pid_t tid, long fd, dev_t *dev, ino_t *ino)
{
	char path[64];
	struct stat st;
	if (fd < 0 || fd > INT_MAX)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/fd/%ld", (int)tid, fd);
	if (stat(path, &st) < 0)
		return false;
	*dev = st.st_dev;
	*ino = st.st_ino;
	return true;
}

/* Calls whose first argument is the descriptor they wait on. */
static bool fd_call(long nr)
{
	switch (nr) {
	case __NR_read: case __NR_write: case __NR_readv: case __NR_writev:
	case __NR_pread64: case __NR_pwrite64: case __NR_preadv:
	case __NR_pwritev: case __NR_preadv2: case __NR_pwritev2:
	case __NR_recvfrom: case __NR_sendto: case __NR_recvmsg:
	case __NR_sendmsg: case __NR_epoll_wait: case __NR_epoll_pwait:
	case __NR_epoll_pwait2:
		return true;
	default:
		return false;
	}
}

/* Is t's call sound to interrupt: 1 blocked in a call whose descriptor
 * number still holds a file (or in one without such a number), 0 not
 * known (running: the kernel says nothing of it; /proc unreadable), -1
 * blocked in a call on a number that holds nothing now.  A sibling closed
 * it under the call, which goes on with the file it named, as on Linux;
 * interrupted, it would be restarted on whatever the number holds then --
 * likely the descriptor the pass installs, which takes the lowest free
 * number (RT3-4, RT3-5). */
static int call_sound(const struct thread *t)
{
	long nr;
	unsigned long long fd;
	dev_t dev;
	ino_t ino;
	if (proc_syscall(t->tid, &nr, &fd) < 0)
		return 0;
	if (!fd_call(nr) || fd > INT_MAX)
		return 1;
	if (fd_file(t->tid, (long)fd, &dev, &ino))
		return 1;
	return errno == ENOENT ? -1 : 0; /* (fd_file's stat) */
}

struct pick {
	struct thread *held;  /* stopped by us: needs no interrupt */
	struct thread *sound; /* at a call's end, or blocked in a sound call */
	struct thread *maybe; /* running: not known */
	struct thread *any;   /* lendable */
	bool frozen;          /* a thread a freeze holds */
};

static void pick(struct thread *t, void *arg)
{
	struct pick *k = arg;
	k->frozen |= tracee_held(t);
	if (!lendable(t))
		return;
	if (t->state == T_WAIT_READ)
		k->held = t;
	if (!k->any)
		k->any = t;
	if (k->held || k->sound)
		return;
	/* A thread in a call whose number a sibling closed is borrowed
	 * only if no other can be (the race left: the close lands after
	 * this look; documented in minos.7).  One stopped at a call's end
	 * has nothing to restart; a running one may be about to enter a
	 * call (it will find the numbers as they are then, as on Linux). */
	int sound = t->state == T_RUNNING ? call_sound(t) : 1;
	if (sound > 0)
		k->sound = t;
	else if (sound == 0 && !k->maybe)
		k->maybe = t;
}

/* Point the target at an install call; it is stopped (interrupt or seccomp). */
static void start_install(struct pass *p, struct thread *t,
			  const struct user_regs_struct *now)
{
	struct user_regs_struct regs = *now;
	p->saved = *now;
	if (p->from_seccomp) {
		/* Stopped at its own call's seccomp stop: rewrite that call. */
		regs.orig_rax = MINOS_PRIV_INSTALL;
		p->state = P_NOTIF;
	} else {
		/* Never its own code (another thread of the child may rewrite
		 * it): the syscall instruction of its vDSO, found and sealed
		 * before the child ran (sys_cnew_exec_stop), so the child can
		 * neither change nor unmap it. */
		uint64_t at = t->c->vdso_syscall ? t->c->vdso_syscall
						 : vdso_syscall(t->c, t);
		if (!at) {
			t->lent = NULL;
			tracee_resume(t, 0);
			fail_pass(p, -EMFILE); /* nowhere to install it */
			return;
		}
		p->insn = at;
		p->restartable = now->orig_rax != (unsigned long long)-1 &&
				 is_restart((long)now->rax);
		/* A write cut short: which file it wrote to, before the
		 * install may take a number a sibling freed (RT3-1). */
		p->wfile_known = (long)now->orig_rax == __NR_write &&
				 (long long)now->rax > 0 &&
				 fd_file(t->tid, (long)now->rdi, &p->wfile_dev,
					 &p->wfile_ino);
		regs.rip = at;
		regs.rax = MINOS_PRIV_INSTALL;
		regs.orig_rax = (unsigned long long)-1;
		p->state = P_ENTRY;
	}
	t->state = T_PASS;
	if (tracee_setregs(t, &regs) == 0)
		tracee_resume(t, 0);
}

static void try_start(struct pass *p)
{
	if (p->child->state == C_DEAD || p->child->killed) {
		fail_pass(p, -ESRCH);
		return;
	}
	struct thread *t = NULL;
	if (p->child->state == C_RUNNING) { /* a starting child waits its turn */
		if (!p->deadline_ns)
			p->deadline_ns = now_ns() + PASS_WAIT_NS;
		struct pick k = { NULL, NULL, NULL, NULL, false };
		thread_each(p->child, pick, &k);
		t = k.held ? k.held : k.sound ? k.sound : k.maybe ? k.maybe : k.any;
		/* A child a freeze holds is not slow: its time starts again
		 * once the freeze is over (its caller, asked to stop too, is
		 * wound back meanwhile: sys_pass_rewind). */
		if (!t && k.frozen)
			p->deadline_ns = 0;
	}
	if (!t) {
		p->state = P_QUEUED; /* tried again at the next event */
		wait_bounded(p);
		return;
	}
	p->target = t;
	t->lent = p;
	if (t->state == T_WAIT_READ) {
		tracee_release_waits(t);
		p->from_seccomp = true;
		start_install(p, t, &t->entry);
		return;
	}
	p->from_seccomp = false;
	p->state = P_INTERRUPTING;
	if (tracee_stop(t) < 0) {
		t->lent = NULL;
		p->target = NULL;
		p->state = P_QUEUED;
	}
	wait_bounded(p);
}

/* The timer: every pass still waiting for a thread past its deadline is
 * EAGAIN.  One whose thread we interrupted and that has not stopped lets
 * it go: its stop, when it comes, finds it lent to nobody and resumes it
 * as it was (loop.c). */
void sys_pass_timer(void)
{
	uint64_t ticks;
	ssize_t unused = read(timer, &ticks, sizeof(ticks));
	(void)unused;
	armed_ns = 0;
	long long now = now_ns();
	for (struct pass *p = passes, *next; p; p = next) {
		next = p->next;
		if (!p->deadline_ns || !waiting(p) || now < p->deadline_ns)
			continue;
		if (p->target) {
			p->target->lent = NULL;
			p->target = NULL;
		}
		fail_pass(p, -EAGAIN);
	}
	arm();
}

void sys_pass_retry(void)
{
	for (struct pass *p = passes, *next; p; p = next) {
		next = p->next;
		if (p->state == P_QUEUED)
			try_start(p);
	}
}

/*
 * A thread lent to a pass while we interrupt it is stopped now, with regs,
 * for whatever reason: the interrupt's PTRACE_EVENT_STOP, a seccomp stop of
 * its own (at_call: its call is re-issued afterwards), or the syscall-exit
 * stop of a call we resumed with PTRACE_SYSCALL (the interrupt shows as
 * that).  Any of them serves.  Returns true if the thread is now ours.
 */
bool sys_pass_stopped(struct thread *t, const struct user_regs_struct *regs,
		      bool at_call)
{
	struct pass *p = t->lent;
	if (!p || p->state != P_INTERRUPTING)
		return false;
	if (t->state == T_WAIT_READ)
		tracee_release_waits(t);
	if (at_call) {
		/* Our interrupt is still pending and would break an install
		 * call made now (the notification wait returns at once).  Put
		 * the thread back on its syscall instruction, its call not
		 * made (orig_rax -1), and let the interrupt stop it: the
		 * install happens there, and then it makes its call. */
		struct user_regs_struct back = *regs;
		tracee_wind_back(&back);
		t->state = T_RUNNING;
		if (tracee_setregs(t, &back) == 0) {
			tracee_stop(t);
			tracee_resume(t, 0);
		}
		return true;
	}
	p->from_seccomp = false;
	start_install(p, t, regs);
	return true;
}

/* Did our interrupt alone end this call with EINTR?  epoll_wait answers
 * any interruption so (no restart code), a stop included; if no signal
 * the thread would take is pending, the interruption was ours (RT-17). */
static bool eintr_ours(const struct thread *t, const struct user_regs_struct *r)
{
	return tracee_epoll_wait_nr((long)r->orig_rax) && (long)r->rax == -EINTR &&
	       !tracee_signal_due(t);
}

/* Did our interrupt alone cut this blocking write short?  Linux ends a
 * pipe write early only for a signal the thread takes (RT-17b).  Its
 * number must still hold the file it wrote to: a sibling may have closed
 * it meanwhile, and our install may have taken the number (RT3-1); Linux
 * would have gone on writing to the file, which we cannot. */
static bool short_ours(const struct pass *p, const struct thread *t,
		       const struct user_regs_struct *r)
{
	dev_t dev;
	ino_t ino;
	if ((long)r->orig_rax != __NR_write || (long long)r->rax <= 0 ||
	    r->rax >= r->rdx || !p->wfile_known ||
	    !fd_file(t->tid, (long)r->rdi, &dev, &ino) ||
	    dev != p->wfile_dev || ino != p->wfile_ino)
		return false;
	return !tracee_signal_due(t);
}

/* The rest of a write our interrupt cut short, written by the thread at
 * the sealed instruction before it sees a result; its result is then the
 * whole count (or what was written, if a signal cuts the rest short). */
struct rest {
	struct user_regs_struct regs; /* the write's, at its end */
	uint64_t done;                /* bytes written before the rest */
};

static bool write_rest(struct thread *t, const struct user_regs_struct *r);

/* A call the supervisor carried on for thread t ended: its registers are
 * regs, as if the thread's own call had ended so.  A pass's interrupt that
 * ended it borrows the thread here (the call is carried on again after
 * the install); else the thread goes on. */
static void carried_end(struct thread *t, const struct user_regs_struct *regs)
{
	t->in_rest = false;
	struct pass *p = t->lent;
	if (p && p->state == P_INTERRUPTING) {
		sys_pass_stopped(t, regs, false);
		return;
	}
	if (tracee_setregs(t, regs) == 0)
		tracee_resume(t, 0);
}

static void rest_done(struct thread *t, long got, void *arg)
{
	struct rest *w = arg;
	struct user_regs_struct regs = w->regs;
	regs.rax = w->done + (got > 0 ? (uint64_t)got : 0);
	free(w);
	if (got == -ESRCH)
		return; /* gone */
	/* (orig_rax stays the write's: if an ignored signal cut the rest
	 * short, its delivery stop sees a short write, and carries it on
	 * again: sys_ignored_signal.) */
	carried_end(t, &regs);
}

static bool write_rest(struct thread *t, const struct user_regs_struct *r)
{
	uint64_t at = t->c->vdso_syscall;
	struct rest *w = malloc(sizeof(*w));
	if (!at || !w) {
		free(w);
		return false;
	}
	w->regs = *r;
	w->done = r->rax;
	uint64_t args[6] = { r->rdi, r->rsi + r->rax, r->rdx - r->rax };
	if (tracee_call_own_at(t, at, __NR_write, args, rest_done, w) < 0) {
		free(w);
		return false;
	}
	t->in_rest = true;
	return true;
}

/* The signals a thread with masks m ignores: SIG_IGN, or SIG_DFL of a
 * signal whose default is to ignore it. */
static uint64_t ignored_set(const struct proc_sigmasks *m)
{
	uint64_t dfl = 1ULL << (SIGCHLD - 1) | 1ULL << (SIGURG - 1) |
		       1ULL << (SIGWINCH - 1) | 1ULL << (SIGCONT - 1);
	return m->ignored | (dfl & ~m->caught);
}

/* Does a thread with masks m ignore sig? */
static bool ignores(const struct proc_sigmasks *m, int sig)
{
	return sig >= 1 && sig <= 64 && ((ignored_set(m) >> (sig - 1)) & 1);
}

/* Is a signal pending that a thread with masks m takes now (not blocked
 * by the mask in force, not ignored)?  At the stops after an epoll_pwait
 * the mask in force is still the call's, which Linux's wait went by
 * (PTRACE_GETSIGMASK would give the thread's own: a signal the call's
 * mask blocks would end the wait, RT6-7). */
static bool due(const struct proc_sigmasks *m)
{
	return ((m->pending | m->shared) & ~m->blocked & ~ignored_set(m)) != 0;
}

/* The same for thread t, its masks read now.  Not known: yes. */
static bool taken_due(const struct thread *t)
{
	struct proc_sigmasks m;
	return proc_sigmasks(t->tid, &m) < 0 || due(&m);
}

/* An epoll wait with a timeout that a stop broke (a pass's interrupt, an
 * ignored signal) is made again for what is left of its timeout, not the
 * whole of it: else passes made more often than the timeout would keep it
 * from ever timing out (RT3-2).  The time is counted from the first stop
 * that broke it (when it began is not known).  Made with a changed timeout
 * argument, it runs as a call the supervisor carries on, at the sealed
 * instruction, and the thread's registers come back as they were, with
 * the call's result.  epoll_pwait2's timeout is the program's memory,
 * which Linux never writes: it is read once and carried on as
 * epoll_pwait's, in milliseconds rounded up. */
struct wait {
	struct user_regs_struct regs; /* the wait's, at its end */
};

static void wait_done(struct thread *t, long got, void *arg)
{
	struct wait *w = arg;
	struct user_regs_struct regs = w->regs;
	free(w);
	if (got == -ESRCH)
		return; /* gone */
	regs.rax = (unsigned long long)got;
	/* Only a stop of ours or an ignored signal (whose delivery stop
	 * winds it back again) keeps the deadline: any other end ends the
	 * call. */
	if (got != -EINTR || taken_due(t))
		t->ep.set = false;
	carried_end(t, &regs);
}

/* The wait's timeout in ns, or -1: none (infinite) or not ours to shorten. */
static long long wait_timeout(const struct thread *t, const struct user_regs_struct *r)
{
#ifdef __NR_epoll_pwait2
	if ((long)r->orig_rax == __NR_epoll_pwait2) {
		struct timespec ts;
		if (!r->r10 || tracee_read(t, r->r10, &ts, sizeof(ts)) < 0 ||
		    ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
			return -1; /* (the kernel checked it at entry) */
		/* Longer than epoll_pwait's int of ms can say (INT_MAX / 1000
		 * s and a fraction rounds up past it: a negative timeout, no
		 * end, RT6-4): made again whole, as before. */
		if (ts.tv_sec > INT_MAX / 1000)
			return -1;
		long long ns = (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
		return ns > INT_MAX * 1000000LL ? -1 : ns;
	}
#endif
	int ms = (int)r->r10;
	return ms < 0 ? -1 : (long long)ms * 1000000LL;
}

/* Carry on the epoll wait with registers r (ended EINTR by our stop) for
 * what is left of its timeout.  False: it has none (the caller winds it
 * back whole, as before). */
static bool wait_again(struct thread *t, const struct user_regs_struct *r)
{
	uint64_t at = t->c->vdso_syscall;
	long long now = now_ns();
	bool same = t->ep.set && t->ep.rip == r->rip && t->ep.nr == r->orig_rax &&
		    t->ep.fd == r->rdi && t->ep.to == r->r10;
	/* (One whose deadline is a whole timeout past is another call.) */
	if (!same || now > t->ep.deadline_ns + t->ep.timeout_ns) {
		long long ns = wait_timeout(t, r);
		if (ns < 0 || !at)
			return false;
		t->ep.set = true;
		t->ep.timeout_ns = ns;
		t->ep.deadline_ns = now + ns;
		t->ep.rip = r->rip;
		t->ep.nr = r->orig_rax;
		t->ep.fd = r->rdi;
		t->ep.to = r->r10;
	}
	long long left = t->ep.deadline_ns - now;
	if (left <= 0) {
		/* Timed out while it was ours: it returns 0, as Linux's would. */
		struct user_regs_struct regs = *r;
		regs.rax = 0;
		t->ep.set = false;
		if (tracee_setregs(t, &regs) == 0)
			tracee_resume(t, 0);
		return true;
	}
	long long ms = (left + 999999) / 1000000;
	struct wait *w = malloc(sizeof(*w));
	if (!w)
		return false;
	w->regs = *r;
	long nr = (long)r->orig_rax == __NR_epoll_wait ? __NR_epoll_wait : __NR_epoll_pwait;
	uint64_t args[6] = { r->rdi, r->rsi, r->rdx, (uint64_t)ms, r->r8, r->r9 };
	if (tracee_call_own_at(t, at, nr, args, wait_done, w) < 0) {
		free(w);
		return false;
	}
	t->in_rest = true;
	return true;
}

/* Carry on the wait or write with registers r an ignored signal broke
 * (at its delivery stop, or at a stop after it, orig_rax kept): a wait
 * with what is left of its timeout, else made again whole; the rest of a
 * write, else the short count stands.  False only for a write carried on
 * nowhere at its delivery stop (the loop delivers the ignored signal). */
static bool carry_on(struct thread *t, struct user_regs_struct *r)
{
	if ((long)r->orig_rax == __NR_write)
		return write_rest(t, r);
	if (wait_again(t, r))
		return true;
	tracee_wind_back(r);
	if (tracee_setregs(t, r) == 0)
		tracee_resume(t, 0);
	return true;
}

/* The vDSO sealed (or not): carry on as at the delivery stop, from the
 * seal's exit stop (RT6-5, RT6-6). */
static void sealed_then(struct thread *t, long got, void *arg)
{
	struct wait *w = arg;
	struct user_regs_struct r = w->regs;
	free(w);
	if (got == -ESRCH)
		return; /* gone */
	if (carry_on(t, &r))
		return;
	/* The short write stands: no call is left to run (orig_rax -1)
	 * whatever stop this is. */
	r.orig_rax = (unsigned long long)-1;
	if (tracee_setregs(t, &r) == 0)
		tracee_resume(t, 0);
}

/* A container not started by cnew (the first) has no sealed instruction
 * to carry a call on at until its first close sequence seals its vDSO:
 * sealed here instead, the first time it is needed (never at start-up:
 * it would cost every run's start).  True if the seal is under way. */
static bool seal_then_carry(struct thread *t, const struct user_regs_struct *r)
{
	struct wait *w = malloc(sizeof(*w));
	if (!w)
		return false;
	w->regs = *r;
	if (tracee_seal_vdso(t, sealed_then, w) == 0)
		return true;
	free(w);
	return false;
}

bool sys_ignored_signal(struct thread *t, int sig)
{
	struct user_regs_struct r;
	struct proc_sigmasks m; /* the thread's masks, read once */
	bool read = false;
	/* A signal the thread takes ends the wait it was in: a wait after
	 * its handler is another call, with a deadline of its own (RT6-1).
	 * (Masks not readable: it takes it.) */
	if (t->ep.set && t->state == T_RUNNING) {
		read = proc_sigmasks(t->tid, &m) == 0;
		if (!read || !ignores(&m, sig))
			t->ep.set = false;
	}
	if (t->state != T_RUNNING || t->lent || !t->c || tracee_getregs(t, &r) < 0)
		return false;
	long nr = (long)r.orig_rax;
	bool waited = (long)r.rax == -EINTR && tracee_epoll_wait_nr(nr);
	bool wrote = nr == __NR_write && (long long)r.rax > 0 && r.rax < r.rdx;
	/* (The signal is dequeued, not pending any more: another one the
	 * thread would take means Linux's answer stands.) */
	if (!waited && !wrote)
		return false;
	if (!read && proc_sigmasks(t->tid, &m) < 0)
		return false;
	if (!ignores(&m, sig) || due(&m))
		return false;
	if (!t->c->vdso_syscall && seal_then_carry(t, &r))
		return true;
	return carry_on(t, &r);
}

/* Give a lent thread back as it was when it was borrowed; at a syscall
 * stop an interrupted call is restarted as the kernel would have, an
 * epoll wait our interrupt broke waits again, and a pipe write it cut
 * short writes the rest. */
static void give_back(struct pass *p, struct thread *t, bool at_syscall_stop)
{
	struct user_regs_struct regs = p->saved;
	long was = (long)p->saved.rax;
	if (at_syscall_stop && !p->from_seccomp && short_ours(p, t, &p->saved)) {
		t->state = T_RUNNING;
		t->lent = NULL;
		p->target = NULL;
		if (write_rest(t, &p->saved))
			return;
	}
	if (at_syscall_stop && !p->from_seccomp && eintr_ours(t, &p->saved)) {
		t->state = T_RUNNING;
		t->lent = NULL;
		p->target = NULL;
		if (wait_again(t, &p->saved))
			return;
	}
	if (at_syscall_stop) {
		if (p->from_seccomp) {
			regs.rip -= 2; /* re-issue the call it was stopped in */
			regs.rax = p->saved.orig_rax;
		} else if (p->restartable || eintr_ours(t, &p->saved)) {
			regs.rip -= 2; /* restart the call the interrupt broke */
			regs.rax = was == -516 ? __NR_restart_syscall : p->saved.orig_rax;
		}
		regs.orig_rax = (unsigned long long)-1;
		/* Not carried on: a wait the thread was in ends here (EINTR
		 * for a signal it takes next), or is made again whole; either
		 * way a deadline of it is no later call's (RT6-1). */
		t->ep.set = false;
	}
	/* (At a signal-delivery stop the saved registers go back as they
	 * were: the kernel then restarts or interrupts the call for the
	 * handler as it would have.) */
	t->state = T_RUNNING;
	t->lent = NULL;
	p->target = NULL;
	if (tracee_setregs(t, &regs) == 0 && at_syscall_stop)
		tracee_resume(t, 0);
}

/* Try the pass again from the start, with whichever thread is lendable. */
static void requeue(struct pass *p)
{
	p->state = P_QUEUED;
	p->result = 0;
	if (++p->tries > PASS_TRIES) {
		fail_pass(p, -EAGAIN);
		return;
	}
	try_start(p);
}

/* Is this stop of a lent thread the install call's, by its registers? */
static bool install_stop(const struct pass *p, const struct user_regs_struct *r)
{
	if (r->orig_rax != MINOS_PRIV_INSTALL)
		return false;
	return p->from_seccomp ? r->rip == p->saved.rip : r->rip == p->insn + 2;
}

/* A syscall stop of a lent thread (T_PASS): decided by the registers at
 * the stop, never by the order of the stops. */
void sys_pass_syscall_stop(struct thread *t)
{
	struct pass *p = t->lent;
	struct user_regs_struct regs;
	if (tracee_getregs(t, &regs) < 0)
		return;
	if (!install_stop(p, &regs)) {
		/* Not the install call: cannot be (the instruction is ours and
		 * signals are taken first), but if so the thread goes on as it
		 * is and the pass starts again. */
		t->state = T_RUNNING;
		t->lent = NULL;
		p->target = NULL;
		tracee_resume(t, 0);
		requeue(p);
		return;
	}
	if (p->state == P_ENTRY) {
		p->state = P_NOTIF;
		tracee_resume(t, 0);
		return;
	}
	long got = (long)regs.rax;
	give_back(p, t, true);
	if (is_restart(got) || got == -EINTR) {
		/* A signal broke the install call before we answered it:
		 * nothing was installed; the signal is delivered next. */
		requeue(p);
		return;
	}
	if (got < 0) {
		fail_pass(p, got);
		return;
	}
	p->result = got;
	pass_done(p);
}

bool sys_pass_rewind(struct thread *caller)
{
	struct pass *p = caller->passing;
	if (!p || caller->state != T_WAIT_PASS || p->state != P_QUEUED)
		return false;
	caller->passing = NULL;
	p->caller = NULL;
	pass_free(p); /* (our copy closed: the number is still the caller's) */
	tracee_rerun(caller, &caller->entry);
	return true;
}

bool sys_pass_installing(const struct thread *t)
{
	const struct pass *p = t->lent;
	return p && t->state == T_PASS &&
	       (p->state == P_ENTRY || p->state == P_NOTIF);
}

/* A signal-delivery stop of a thread lent to a pass.  Before its install
 * call entered, the thread gets its own registers back (so its handler
 * runs, and returns, where the thread was) and the pass starts again;
 * the loop then delivers the signal.  True if the pass gave it back. */
bool sys_pass_signal(struct thread *t)
{
	struct pass *p = t->lent;
	if (!p || t->state != T_PASS || p->state != P_ENTRY)
		return false;
	give_back(p, t, false);
	requeue(p);
	return true;
}

/* The install call's notification.  Returns true if handled. */
bool sys_pass_notif(struct thread *t, int listener, uint64_t id)
{
	struct pass *p = t->lent;
	if (!p || p->state != P_NOTIF)
		return false;
	struct seccomp_notif_addfd af = {
		.id = id, .flags = SECCOMP_ADDFD_FLAG_SEND,
		.srcfd = (unsigned)p->copy,
	};
	t->c->passes_in++; /* a number may be taken: sys_pipe_alone */
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &af) >= 0)
		return true; /* answered with the new number */
	struct seccomp_notif_resp resp = { .id = id,
		.error = errno == EMFILE || errno == EBADF ? -EMFILE : -errno };
	ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	return true;
}

/* A thread is gone: a pass it waited for or was lent to goes on. */
void sys_pass_thread_gone(struct thread *t)
{
	if (t->passing) {
		t->passing->caller = NULL;
		t->passing = NULL;
	}
	struct pass *p = t->lent;
	if (p) {
		t->lent = NULL;
		p->target = NULL;
		if (p->state == P_NOTIF && p->result == 0)
			p->result = -ESRCH;
		p->state = P_QUEUED;
		try_start(p);
	}
}

static long pass(struct thread *t, struct sysargs *a, int want)
{
	int64_t num = (int64_t)a->a[0];
	struct container *child = sys_live_child(t->c, (int64_t)a->a[1]);
	if (!child)
		return -ESRCH;
	if (sys_pass_busy(t->c, (int)num))
		return -EBADF;
	/* Kept until the child has it: below the reserve (ctab.h). */
	int copy = ctab_keep_fd(fd_take_dir(t->c, num, want));
	if (copy < 0) /* no room of ours is ENFILE/ENOMEM, not EBADF */
		return fd_take_error(copy);
	struct pass *p = calloc(1, sizeof(*p));
	if (!p) {
		close(copy);
		return -ENOMEM;
	}
	p->copy = copy;
	p->caller = t;
	p->from = t->c;
	p->child = child;
	ctab_pin(p->from);
	ctab_pin(p->child);
	p->num = (int)num;
	p->next = passes;
	passes = p;
	t->passing = p;
	try_start(p); /* never answers the caller from here: it is not parked yet */
	return SYS_DEFER;
}

long sys_wpass(struct thread *t, struct sysargs *a)
{
	return pass(t, a, O_WRONLY);
}

long sys_rpass(struct thread *t, struct sysargs *a)
{
	return pass(t, a, O_RDONLY);
}
