/* SPDX-License-Identifier: MIT */
/*
 * ckpt.c - save a run (--checkpoint, issue 13; minos(7), Checkpoints).
 *
 * A freeze interrupts every thread of the run (tracee_stop) and the loop
 * hands each one's next stop here instead of resuming it (ckpt_hold):
 * at an interrupt's PTRACE_EVENT_STOP, or at the exit stop of a call the
 * loop rewrote (a Minos read's Linux read, cut short by the interrupt,
 * already given the Minos call's registers back).  No wait status is
 * taken from the loop: a held thread's stops are its own (the calls
 * injected here wait on that thread alone, tracee_call_wait).
 *
 * Once every live thread is held, the container is captured into the
 * model (ckstate.h): registers (a call cut short wound back onto its
 * syscall instruction, so it runs again), xstate, signal mask, pending
 * signals (each thread's queue and the container's, siginfo and all),
 * alternate stack, robust list, signal actions, brk, every mapping's present
 * non-zero pages (all of the program image's, present or not), the
 * descriptor table with its private objects (epoll sets, eventfds,
 * timerfds: from fdinfo), and the bytes buffered in pipes
 * whose both ends are inside.  Anything that cannot be saved faithfully
 * refuses the whole checkpoint with one line; nothing is written then.
 * The file is written to FILE.tmp and renamed: a reader never sees half.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ckfile.h"
#include "ckhost.h"
#include "ckpt.h"
#include "clock.h"
#include "log.h"
#include "procfs.h"
#include "tracee.h"

#ifndef F_GETPIPE_SZ
#define F_GETPIPE_SZ 1032
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

#define FREEZE_NS (5LL * 1000000000LL) /* a freeze gives up after 5 s */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516

static const struct minos_config *cfg;
static bool active;
static long long deferred_ns; /* asked before the containers started: when */
static long long started_ns;
/* The containers being frozen: every live one of the run, in the
 * table's order (parents before children, stages in their order). */
static struct container **tg;
static unsigned ntg;
static unsigned saved_count;

/* The run's outside streams (ckpt_outside), by identity. */
struct outside {
	unsigned stage;
	enum ckpt_outside kind;
	unsigned role;
	dev_t dev;
	ino_t ino;
	int acc;                /* O_RDONLY or O_WRONLY */
};
static struct outside *outs;
static size_t nouts;

/* A --policy run's stages: each one's root (its container id, 0: none
 * yet or none any more) or the status it ended with before a restore. */
struct stage { int id; int status; };
static struct stage *stages;
static unsigned nstages;
static uint8_t policy_sha[32];
static int (*stage_status)(const struct container *c);
/* A restored run's roots of ended stages (ckpt_stage_orphan). */
static struct stage *orphans; /* (id: the root's; status: its stage) */
static unsigned norphans;

/* The threads asked to stop and those held; a held thread with a signal
 * it would take is let go to take it (deliver) and asked again at its
 * signal-delivery-stop, at most DELIVER_ROUNDS times. */
struct held { pid_t tid; bool asked, held, deliver; unsigned rounds; };
#define DELIVER_ROUNDS 8
static struct held *hl;
static size_t nhl, caphl;

void ckpt_init(const struct minos_config *config)
{
	cfg = config;
}

void ckpt_outside(unsigned stage, enum ckpt_outside kind, unsigned role, int fd)
{
	struct stat st;
	if (!cfg || !cfg->checkpoint)
		return; /* nothing to save */
	int fl = fcntl(fd, F_GETFL);
	if (fd < 0 || fstat(fd, &st) < 0 || fl < 0)
		return;
	struct outside *o = realloc(outs, (nouts + 1) * sizeof(*o));
	if (!o)
		die(MINOS_EXIT_FAIL, "out of memory");
	outs = o;
	outs[nouts++] = (struct outside){ stage, kind, role, st.st_dev, st.st_ino,
					  fl & O_ACCMODE };
}

void ckpt_policy(unsigned n, const uint8_t sha256[32],
		 int (*status_of)(const struct container *c))
{
	stages = calloc(n ? n : 1, sizeof(*stages));
	if (!stages)
		die(MINOS_EXIT_FAIL, "out of memory");
	for (unsigned i = 0; i < n; i++)
		stages[i].status = CK_STAGE_LIVE;
	nstages = n;
	memcpy(policy_sha, sha256, 32);
	stage_status = status_of;
}

void ckpt_stage(unsigned stage, const struct container *c, int status)
{
	if (stage >= nstages)
		return;
	stages[stage].id = c ? c->id : 0;
	stages[stage].status = c ? CK_STAGE_LIVE : status;
}

void ckpt_stage_orphan(unsigned stage, const struct container *c)
{
	struct stage *v = realloc(orphans, (norphans + 1) * sizeof(*v));
	if (!v)
		die(MINOS_EXIT_FAIL, "out of memory");
	orphans = v;
	orphans[norphans++] = (struct stage){ c->id, (int)stage };
}

/* Outside --policy: the run's first container (its id; 0: none, or it
 * had ended before the restore this run came from, with first_st), and
 * how its status is known once it has ended (the run's status). */
static int first_id;
static int first_st = CK_STAGE_LIVE;
static int (*first_status_of)(const struct container *c);

void ckpt_first(const struct container *c, int status,
		int (*status_of)(const struct container *c))
{
	first_id = c ? c->id : 0;
	first_st = c ? CK_STAGE_LIVE : status;
	first_status_of = status_of;
}

/* The status the first container ended with, or CK_STAGE_LIVE. */
static int first_ended(void)
{
	if (nstages || !first_id)
		return nstages ? CK_STAGE_LIVE : first_st;
	CTAB_FOREACH(c)
		if (c->id == first_id && !ctab_counts(c) && first_status_of)
			return first_status_of(c);
	return CK_STAGE_LIVE;
}

/* The stage whose tree c is in (0 outside --policy): its top's, the
 * stage's root (ended or not), or a root an ended stage left in the run
 * this one was restored from. */
static unsigned stage_of(const struct container *c)
{
	const struct container *top = c->stage ? c->stage : c;
	for (unsigned i = 0; i < nstages; i++)
		if (stages[i].id == top->id)
			return i;
	for (unsigned i = 0; i < norphans; i++)
		if (orphans[i].id == top->id)
			return (unsigned)orphans[i].status;
	return 0;
}

static bool is_target(const struct container *c)
{
	for (unsigned i = 0; i < ntg; i++)
		if (tg[i] == c)
			return true;
	return false;
}

bool ckpt_active(void)
{
	return active || deferred_ns;
}

int ckpt_wait_ms(void)
{
	return deferred_ns ? 1 : active ? 50 : -1;
}

unsigned ckpt_saved(void)
{
	return saved_count;
}

static struct held *held_of(pid_t tid, bool add)
{
	for (size_t i = 0; i < nhl; i++)
		if (hl[i].tid == tid)
			return &hl[i];
	if (!add)
		return NULL;
	if (nhl == caphl) {
		size_t cap = caphl ? 2 * caphl : 16;
		struct held *p = realloc(hl, cap * sizeof(*p));
		if (!p)
			return NULL;
		hl = p;
		caphl = cap;
	}
	hl[nhl] = (struct held){ .tid = tid };
	return &hl[nhl++];
}

static void ask(struct thread *t, void *unused)
{
	(void)unused;
	struct held *h = held_of(t->tid, true);
	if (h && !h->asked && !h->held && !h->deliver) {
		h->asked = true;
		tracee_stop(t);
	}
}

bool ckpt_asked(const struct thread *t)
{
	const struct held *h = active ? held_of(t->tid, false) : NULL;
	return h && h->asked && !h->held;
}

bool ckpt_held(const struct thread *t)
{
	const struct held *h = active ? held_of(t->tid, false) : NULL;
	return h && h->held;
}

/* Work under way that ends by itself within a bounded time: a pass (a
 * thread lent to it), a cnew past its code (making the child, closing
 * the caller's descriptors).  A cnew still waiting for its code is not
 * waited for (its stream may never end): the loop winds it back once
 * its thread is asked to stop (sys_cnew_rewind), and it is saved with
 * the bytes it had read (save_codes). */
static void under_way(struct thread *t, void *arg)
{
	bool *bounded = arg;
	if (t->lent || (t->cnew && t->state != T_WAIT_CODE))
		*bounded = true;
}

void ckpt_request(void)
{
	if (active)
		return;
	unsigned live = 0;
	bool waiting = false, bounded = false;
	CTAB_FOREACH(c) {
		if (ctab_counts(c)) {
			live++;
			/* Asked before a container's first instruction (a
			 * short --checkpoint-at, a quick SIGUSR1): made as
			 * they have all started. */
			waiting |= c->state != C_RUNNING || !c->threads;
			/* A pass or a cnew under way: made once it is done. */
			thread_each(c, under_way, &bounded);
			bounded |= c->pins != 0;
		} else if (c->state != C_DEAD && !c->parent) {
			waiting = true; /* a stage ending: its status first */
		}
	}
	if (!live || waiting || bounded) {
		if (!deferred_ns)
			deferred_ns = mono_ns();
		else if (mono_ns() - deferred_ns > FREEZE_NS) {
			deferred_ns = 0;
			if (bounded)
				msg("checkpoint not made: a cnew or a descriptor "
				    "pass was still under way after 5 s");
			else
				msg("checkpoint not made: the containers did not "
				    "start (or a stage did not end) within 5 s");
		}
		return;
	}
	deferred_ns = 0;
	struct container **v = realloc(tg, live * sizeof(*v));
	if (!v) {
		msg("checkpoint refused: out of memory");
		return;
	}
	tg = v;
	ntg = 0;
	CTAB_FOREACH(c)
		if (ctab_counts(c))
			tg[ntg++] = c;
	active = true;
	started_ns = mono_ns();
	nhl = 0;
	for (unsigned i = 0; i < ntg; i++)
		thread_each(tg[i], ask, NULL);
}

bool ckpt_hold(struct thread *t, const struct user_regs_struct *regs)
{
	(void)regs;
	if (!active || !is_target(t->c))
		return false;
	struct held *h = held_of(t->tid, true);
	if (!h)
		return false;
	h->held = true;
	h->deliver = false;
	return true;
}

void ckpt_rearm(struct thread *t)
{
	if (!active || !t->c || !is_target(t->c))
		return;
	struct held *h = held_of(t->tid, false);
	if (h && h->asked && !h->held && !h->deliver)
		tracee_stop(t);
}

void ckpt_signalled(struct thread *t)
{
	if (!active || !is_target(t->c))
		return;
	struct held *h = held_of(t->tid, false);
	if (!h || !h->deliver)
		return;
	/* Asked while at its signal-delivery-stop: resumed with its signal,
	 * the kernel builds the handler's frame, then takes this interrupt
	 * (its handler not yet run). */
	h->deliver = false;
	h->asked = true;
	tracee_stop(t);
}

/* Give every held thread back (it runs on as if never stopped). */
static void release_all(void)
{
	for (size_t i = 0; i < nhl; i++) {
		struct thread *t = thread_find(hl[i].tid);
		if (hl[i].held && t)
			tracee_resume(t, 0);
	}
	nhl = 0;
	active = false;
	ntg = 0;
}

/* ---- the pieces ------------------------------------------------------------ */

/* Which register, by its index in user_regs_struct (ckstate.h's order). */
static void regs_out(const struct user_regs_struct *r, uint64_t out[CK_NREGS])
{
	memcpy(out, r, CK_NREGS * sizeof(uint64_t));
}

/* Did epoll_wait (any of the three) end EINTR only because the freeze
 * stopped t: no signal pending that t would take? */
static bool eintr_of_freeze(const struct thread *t, const struct user_regs_struct *r)
{
	return tracee_epoll_wait_nr((long)r->orig_rax) && !tracee_signal_due(t);
}

/* A thread stopped in a call the kernel would restart: wound back onto
 * its syscall instruction with the call's number, as the kernel does on
 * its way back (so the call runs again, here or after a restore).  A
 * restart-block call (a Linux sleep) becomes EINTR for the file (the
 * kernel's restart block is not saved) and the restart call for a run
 * that goes on.  True if it was in such a call. */
static bool wind_back(const struct thread *t, struct user_regs_struct *r, bool for_file)
{
	long rax = (long)r->rax;
	if ((long long)r->orig_rax < 0)
		return false;
	switch (-rax) {
	case EINTR:
		/* epoll_wait answers EINTR to the freeze's own stop (Linux's
		 * stop-signal rule), where no signal of the container came:
		 * it is made again as if the freeze had not been, as
		 * sys_ignored_signal does for an ignored one.  A signal the
		 * thread will take keeps Linux's EINTR. */
		if (!eintr_of_freeze(t, r))
			return false;
		/* fall through */
	case ERESTARTSYS:
	case ERESTARTNOINTR:
	case ERESTARTNOHAND:
		r->rax = r->orig_rax;
		r->rip -= 2;
		break;
	case ERESTART_RESTARTBLOCK:
		if (for_file) {
			r->rax = (unsigned long long)-EINTR;
			r->orig_rax = (unsigned long long)-1;
			return true;
		}
		r->rax = SYS_restart_syscall;
		r->rip -= 2;
		break;
	default:
		return false;
	}
	r->orig_rax = (unsigned long long)-1;
	return true;
}

/* Read a whole /proc file of any size. */
static char *slurp(pid_t pid, const char *what, size_t *len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", pid, what);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap + 1);
	for (;;) {
		if (!buf)
			break;
		if (n == cap) {
			char *p = realloc(buf, 2 * cap + 1);
			if (!p) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = p;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			buf = NULL;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (buf) {
		buf[n] = 0;
		*len = n;
	}
	return buf;
}

struct span { uint64_t lo, hi; };

struct cap {
	struct container *c;
	struct thread *t0;     /* the thread injected calls run in */
	uint64_t insn;         /* a syscall instruction in its vDSO */
	struct span vdso, vvar;
	char *err;
	size_t errlen;
};

static int refuse(struct cap *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int refuse(struct cap *k, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(k->err, k->errlen, "checkpoint refused: container %d (%s): ",
			 k->c->id, k->c->name);
	if (n < 0 || (size_t)n >= k->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(k->err + n, k->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* An injected call in the held thread t, at the vDSO's syscall. */
static int inject(struct cap *k, struct thread *t, long nr, uint64_t a0,
		  uint64_t a1, uint64_t a2, uint64_t a3, long *res)
{
	uint64_t args[6] = { a0, a1, a2, a3, 0, 0 };
	int other;
	int rc = tracee_call_wait(t, k->insn, nr, args, res, NULL, &other);
	if (rc == -EINTR)
		return refuse(k, "a signal came while it was being saved "
			      "(wait status 0x%x); try again", other);
	if (rc < 0)
		return refuse(k, "thread %d: %s", t->tid, strerror(-rc));
	return 0;
}

/* A scratch area in t's stack, far below its red zone. */
static uint64_t scratch(const struct user_regs_struct *r)
{
	return ((r->rsp - 1024) & ~63ULL) - 512;
}

/* This process's own vDSO, the kernel's image: its length (0: none). */
static size_t own_vdso_len(void)
{
	static size_t len;
	uint64_t lo, hi;
	if (!len && proc_vdso(getpid(), &lo, &hi) == 0 && lo == getauxval(AT_SYSINFO_EHDR))
		len = hi - lo;
	return len;
}

/* /proc/PID/maps: where the vDSO and vvar are, and a syscall in the vDSO. */
static int find_vdso(struct cap *k, const char *maps)
{
	char vperms[8] = "";
	for (const char *l = maps; *l;) {
		const char *nl = strchr(l, '\n');
		unsigned long long lo, hi;
		char name[64] = "", perms[8] = "";
		if (sscanf(l, "%llx-%llx %7s %*s %*s %*s %63s", &lo, &hi, perms, name) >= 2) {
			if (strcmp(name, "[vdso]") == 0) {
				k->vdso = (struct span){ lo, hi };
				memcpy(vperms, perms, sizeof(vperms));
			}
			else if (strncmp(name, "[vvar", 5) == 0) {
				if (!k->vvar.lo || lo < k->vvar.lo)
					k->vvar.lo = lo;
				if (hi > k->vvar.hi)
					k->vvar.hi = hi;
			}
		}
		l = nl ? nl + 1 : l + strlen(l);
	}
	if (!k->vdso.lo || k->vdso.hi - k->vdso.lo > 65536)
		return refuse(k, "its vDSO is not where the kernel put it "
			      "(a run that moved it cannot be saved)");
	size_t len = k->vdso.hi - k->vdso.lo;
	unsigned char *buf = malloc(len);
	if (!buf || tracee_read(k->t0, k->vdso.lo, buf, len) < 0) {
		free(buf);
		return refuse(k, "cannot read its vDSO");
	}
	/* The injected calls run there, and restore finds the instruction
	 * at the same offset in its own vDSO: the container's must be the
	 * kernel's, as this process has it, and runnable (RCK-1, RCK-3). */
	const unsigned char *own = (const void *)(uintptr_t)getauxval(AT_SYSINFO_EHDR);
	bool same = own && own_vdso_len() == len && memcmp(buf, own, len) == 0;
	for (size_t i = 0; same && i + 1 < len; i++)
		if (buf[i] == 0x0f && buf[i + 1] == 0x05) {
			k->insn = k->vdso.lo + i;
			break;
		}
	free(buf);
	if (!same)
		return refuse(k, "its vDSO is not the kernel's (the program changed "
			      "it): a run that changed it cannot be saved");
	if (vperms[2] != 'x')
		return refuse(k, "its vDSO is not executable (the program changed "
			      "its protection): the saving calls cannot run there");
	if (!k->insn)
		return refuse(k, "no syscall instruction in its vDSO");
	return 0;
}

static int status_masks(pid_t tid, uint64_t *pnd, uint64_t *shd, uint64_t *cgt,
			uint64_t *ign)
{
	struct proc_sigmasks m;
	if (proc_sigmasks(tid, &m) < 0)
		return -1;
	*pnd = m.pending;
	*shd = m.shared;
	*cgt = m.caught;
	*ign = m.ignored;
	return 0;
}

_Static_assert(sizeof(siginfo_t) == CK_SIGINFO_LEN, "siginfo_t is 128 bytes");

/* A queue of pending signals: thread t's own, or (shared) the
 * container's, in the kernel's order, each siginfo as it is.  pnd: the
 * queue's bits in /proc, read before: a signal pending there with no
 * entry in the queue (the kernel had no room for its details when it
 * was sent) is saved as what the kernel would deliver for it (SI_USER,
 * no sender). */
static int save_queue(struct cap *k, struct thread *t, bool shared, uint64_t pnd,
		      uint32_t *n, const struct ck_siginfo **q)
{
	char who[48];
	if (shared)
		snprintf(who, sizeof(who), "its shared queue");
	else
		snprintf(who, sizeof(who), "thread %d", t->tid);
	/* One more than a queue may hold: the last says it is too long. */
	siginfo_t *buf = calloc(CK_MAX_SIGQUEUE + 1, sizeof(*buf));
	if (!buf)
		return refuse(k, "out of memory");
	int got = tracee_peek_signals(t, shared, buf, CK_MAX_SIGQUEUE + 1);
	if (got < 0) {
		free(buf);
		return refuse(k, "%s: cannot read its pending signals: %s", who,
			      strerror(-got));
	}
	unsigned total = (unsigned)got;
	uint64_t have = 0;
	for (unsigned i = 0; i < total && i < CK_MAX_SIGQUEUE; i++)
		if (buf[i].si_signo >= 1 && buf[i].si_signo <= (int)CK_NSIG)
			have |= 1ULL << (buf[i].si_signo - 1);
	for (unsigned sig = 1; sig <= CK_NSIG && total <= CK_MAX_SIGQUEUE; sig++) {
		if (!((pnd & ~have) >> (sig - 1) & 1))
			continue;
		memset(&buf[total], 0, sizeof(buf[total]));
		buf[total].si_signo = (int)sig;
		buf[total].si_code = SI_USER;
		total++;
	}
	if (total > CK_MAX_SIGQUEUE) {
		free(buf);
		return refuse(k, "%s: more than %u signals pending: cannot be saved",
			      who, CK_MAX_SIGQUEUE);
	}
	for (unsigned i = 0; i < total; i++) {
		int sig = buf[i].si_signo;
		if (sig == SIGKILL || sig == SIGSTOP || sig < 1 || sig > (int)CK_NSIG) {
			free(buf);
			return refuse(k, "%s: signal %d pending (SIGKILL and SIGSTOP "
				      "cannot be saved)", who, sig);
		}
	}
	*n = total;
	*q = (const struct ck_siginfo *)(const void *)buf;
	if (!total) {
		free(buf);
		*q = NULL;
	}
	return 0;
}

/* One thread: registers, xstate, mask, pending signals, alternate stack,
 * robust list. */
static int save_thread(struct cap *k, struct thread *t, struct ck_thread *o)
{
	struct user_regs_struct r, w;
	if (tracee_getregs(t, &r) < 0)
		return refuse(k, "thread %d: cannot read its registers", t->tid);
	o->tid = (uint32_t)t->tid;
	o->clear_tid = t->clear_tid;
	o->flags |= CK_T_CLEAR_TID;
	w = r;
	tracee_scrub_start(t, &w);
	if (wind_back(t, &w, true))
		o->flags |= CK_T_REWOUND;
	regs_out(&w, o->regs);
	uint8_t xs[CK_MAX_XSTATE];
	size_t xlen = sizeof(xs);
	if (tracee_get_xstate(t, xs, &xlen) < 0 || xlen > CK_MAX_XSTATE)
		return refuse(k, "thread %d: cannot read its FPU state", t->tid);
	o->xstate = malloc(xlen);
	if (!o->xstate)
		return refuse(k, "out of memory");
	memcpy(o->xstate, xs, xlen);
	o->xstate_len = (uint32_t)xlen;
	if (tracee_get_sigmask(t, &o->sigmask) < 0)
		return refuse(k, "thread %d: cannot read its signal mask", t->tid);
	uint64_t pnd, shd, cgt, ign;
	if (status_masks(t->tid, &pnd, &shd, &cgt, &ign) < 0)
		return refuse(k, "thread %d: cannot read its status", t->tid);
	if (save_queue(k, t, false, pnd, &o->nsigq, &o->sigq) < 0)
		return -1;
	long head = 0;
	size_t hlen = 0;
	if (syscall(SYS_get_robust_list, t->tid, &head, &hlen) == 0) {
		o->robust_head = (uint64_t)head;
		o->robust_len = hlen;
	}
	/* sigaltstack(NULL, &old) in the thread itself. */
	uint64_t at = scratch(&r);
	stack_t ss, keep;
	long res;
	if (tracee_read(t, at, &keep, sizeof(keep)) < 0)
		return refuse(k, "thread %d: its stack cannot be read", t->tid);
	if (inject(k, t, SYS_sigaltstack, 0, at, 0, 0, &res) < 0)
		return -1;
	if (res < 0 || tracee_read(t, at, &ss, sizeof(ss)) < 0)
		return refuse(k, "thread %d: cannot read its alternate stack", t->tid);
	tracee_write(t, at, &keep, sizeof(keep));
	o->ss_sp = (uint64_t)(uintptr_t)ss.ss_sp;
	o->ss_size = ss.ss_size;
	o->ss_flags = (uint32_t)(ss.ss_flags & SS_DISABLE);
	return 0;
}

/* The signal actions, read in thread t0 (rt_sigaction(sig, NULL, &old)),
 * and the signals pending for the whole container. */
static int save_actions(struct cap *k, struct ck_container *o)
{
	uint64_t pnd, shd, cgt, ign;
	if (status_masks(k->c->pid, &pnd, &shd, &cgt, &ign) < 0)
		return refuse(k, "cannot read its status");
	if (save_queue(k, k->t0, true, shd, &o->nsigq, &o->sigq) < 0)
		return -1;
	struct user_regs_struct r;
	if (tracee_getregs(k->t0, &r) < 0)
		return refuse(k, "cannot read registers");
	uint64_t at = scratch(&r), ka[4], keep[4];
	if (tracee_read(k->t0, at, keep, sizeof(keep)) < 0)
		return refuse(k, "its stack cannot be read");
	for (unsigned sig = 1; sig <= CK_NSIG; sig++) {
		struct ck_sigaction *a = &o->act[sig - 1];
		if ((ign >> (sig - 1)) & 1)
			a->handler = 1;
		if (!((cgt >> (sig - 1)) & 1))
			continue;
		long res;
		if (inject(k, k->t0, SYS_rt_sigaction, sig, 0, at, 8, &res) < 0)
			return -1;
		if (res < 0 || tracee_read(k->t0, at, ka, sizeof(ka)) < 0)
			return refuse(k, "cannot read the action of signal %u", sig);
		a->handler = ka[0];
		a->flags = ka[1];
		a->restorer = ka[2];
		a->mask = ka[3];
	}
	tracee_write(k->t0, at, keep, sizeof(keep));
	return 0;
}

/* The heap: its end from brk(0) in the thread; its start where [heap]
 * begins (/proc/PID/stat's start_brk is hidden from a supervisor without
 * capabilities), or the end itself when there is no heap. */
static int save_brk(struct cap *k, const char *maps, struct ck_container *o)
{
	long res;
	if (inject(k, k->t0, SYS_brk, 0, 0, 0, 0, &res) < 0)
		return -1;
	o->brk = o->start_brk = (uint64_t)res;
	for (const char *l = maps; *l;) {
		const char *nl = strchr(l, '\n');
		unsigned long long lo, hi;
		char name[64] = "";
		if (sscanf(l, "%llx-%llx %*s %*s %*s %*s %63s", &lo, &hi, name) >= 3 &&
		    strcmp(name, "[heap]") == 0 && lo <= o->brk)
			o->start_brk = lo;
		l = nl ? nl + 1 : l + strlen(l);
	}
	return 0;
}

/* A mapping's present pages (pagemap), as extents whose bytes the writer
 * reads from the stopped container (mem_read): nothing is copied here. */
static int save_contents(struct cap *k, int pagemap, struct ck_mapping *m)
{
	size_t pages = m->len / CK_PAGE;
	uint64_t *pm = malloc(pages * sizeof(uint64_t));
	if (!pm)
		return refuse(k, "out of memory");
	ssize_t got = pread(pagemap, pm, pages * 8, (off_t)(m->start / CK_PAGE * 8));
	if (got != (ssize_t)(pages * 8)) {
		free(pm);
		return refuse(k, "cannot read its page map");
	}
	/* A page of the program's file not yet touched is absent here but
	 * holds the file's bytes, not zeros (a run saved at its start has
	 * most of its image untouched): every image page is read, and
	 * reading it brings it in. */
	if (m->kind == CK_MAP_IMAGE)
		for (size_t i = 0; i < pages; i++)
			pm[i] |= 1ULL << 63;
	size_t nex = 0;
	for (size_t i = 0; i < pages; i++)
		if ((pm[i] >> 62) && (i == 0 || !(pm[i - 1] >> 62)))
			nex++;
	struct ck_extent *ex = nex ? malloc(nex * sizeof(*ex)) : NULL;
	if (nex && !ex) {
		free(pm);
		return refuse(k, "out of memory (%zu extents)", nex);
	}
	/* Runs of present pages (the writer leaves their zero pages out). */
	nex = 0;
	for (size_t i = 0; i < pages;) {
		if (!(pm[i] >> 62)) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < pages && (pm[j] >> 62))
			j++;
		ex[nex++] = (struct ck_extent){ i * CK_PAGE, (j - i) * CK_PAGE, NULL, 0 };
		i = j;
	}
	free(pm);
	m->extents = ex;
	m->nextents = (uint32_t)nex;
	return 0;
}

/* The writer's source (ck_write_from): the stopped containers' memory,
 * with tracee_read, or /proc/PID/mem for what is not readable; one of
 * each per container of the run, by its index. */
struct mem_src {
	struct thread *t0;
	int memfd;
};

static int mem_read(void *ctx, uint32_t ci, uint64_t addr, void *buf, size_t len)
{
	struct mem_src *ms = (struct mem_src *)ctx + ci;
	if (tracee_read(ms->t0, addr, buf, len) == 0)
		return 0;
	ssize_t got = pread(ms->memfd, buf, len, (off_t)addr);
	if (got == (ssize_t)len)
		return 0;
	if (got >= 0)
		errno = EIO;
	return -1;
}

static int save_memory(struct cap *k, const char *maps, struct ck_container *o)
{
	size_t cap = 64, n = 0;
	struct ck_mapping *mp = calloc(cap, sizeof(*mp));
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/pagemap", k->c->pid);
	int pagemap = open(path, O_RDONLY | O_CLOEXEC);
	int rc = 0;
	if (!mp || pagemap < 0) {
		rc = refuse(k, "cannot open its page map: %s", strerror(errno));
		goto out;
	}
	o->maps = mp;
	for (const char *l = maps; *l && rc == 0;) {
		const char *nl = strchr(l, '\n');
		unsigned long long lo, hi, off;
		char perms[8] = "", dev[16], name[256] = "";
		unsigned long ino;
		int f = sscanf(l, "%llx-%llx %7s %llx %15s %lu %255[^\n]", &lo, &hi,
			       perms, &off, dev, &ino, name);
		l = nl ? nl + 1 : l + strlen(l);
		if (f < 6)
			continue;
		char *nm = name;
		while (*nm == ' ')
			nm++;
		if (strncmp(nm, "[vvar", 5) == 0 || strcmp(nm, "[vdso]") == 0 ||
		    strcmp(nm, "[vsyscall]") == 0)
			continue;
		if (perms[3] == 's') {
			rc = refuse(k, "a shared mapping at %#llx (%s) cannot be "
				    "saved", lo, *nm ? nm : "anonymous");
			break;
		}
		if (n == cap) {
			struct ck_mapping *p = realloc(mp, 2 * cap * sizeof(*p));
			if (!p) {
				rc = refuse(k, "out of memory");
				break;
			}
			memset(p + cap, 0, cap * sizeof(*p));
			mp = o->maps = p;
			cap *= 2;
		}
		struct ck_mapping *m = &mp[n++];
		o->nmaps = (uint32_t)n;
		m->start = lo;
		m->len = hi - lo;
		m->prot = (perms[0] == 'r' ? PROT_READ : 0) |
			  (perms[1] == 'w' ? PROT_WRITE : 0) |
			  (perms[2] == 'x' ? PROT_EXEC : 0);
		m->kind = strcmp(nm, "[stack]") == 0 ? CK_MAP_STACK :
			  strcmp(nm, "[heap]") == 0 ? CK_MAP_BRK :
			  (*nm && *nm != '[') ? CK_MAP_IMAGE : CK_MAP_ANON;
		rc = save_contents(k, pagemap, m);
	}
out:
	if (pagemap >= 0)
		close(pagemap);
	if (!o->maps)
		free(mp);
	return rc;
}

/* ---- descriptors ---------------------------------------------------------- */

struct fdinfo {
	int num;
	unsigned flags;
	unsigned long long pos;
	dev_t dev;
	ino_t ino;
	bool pipe;
	char link[64];
};

static int fd_copy(struct container *c, int num)
{
	return (int)syscall(SYS_pidfd_getfd, c->pidfd, num, 0);
}

/* ---- private objects -------------------------------------------------------- */

static int obj_kind(const char *link)
{
	return strcmp(link, "anon_inode:[eventpoll]") == 0 ? CK_OBJ_EPOLL :
	       strcmp(link, "anon_inode:[eventfd]") == 0 ? CK_OBJ_EVENTFD :
	       strcmp(link, "anon_inode:[timerfd]") == 0 ? CK_OBJ_TIMERFD : -1;
}

/* The value after "key" at the start of a line of text, in base (0: the
 * line is not there). */
static bool info_value(const char *text, const char *key, int base,
		       unsigned long long *v)
{
	size_t klen = strlen(key);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, key, klen) == 0) {
			char *end;
			errno = 0;
			*v = strtoull(p + klen, &end, base);
			return errno == 0 && end != p + klen;
		}
	return false;
}

static uint64_t ts_ns(unsigned long long sec, unsigned long long nsec)
{
	return sec >= CK_NS_MAX / 1000000000ull ? CK_NS_MAX : sec * 1000000000ull + nsec;
}

/* An eventfd: its count and whether it is a semaphore, from fdinfo (a
 * read would change it). */
static int save_eventfd(struct cap *k, int num, const char *info, struct ck_obj *ob)
{
	unsigned long long count, sem;
	if (!info_value(info, "eventfd-count:", 16, &count))
		return refuse(k, "eventfd %d: its count is not in its fdinfo", num);
	if (!info_value(info, "eventfd-semaphore:", 10, &sem))
		return refuse(k, "eventfd %d: this kernel does not say whether it "
			      "is a semaphore (no eventfd-semaphore in its "
			      "fdinfo)", num);
	ob->count = count;
	ob->flags = sem ? CK_EFD_SEMAPHORE : 0;
	return 0;
}

/* A timerfd: its clock, flags, time left, interval and expirations not
 * yet read.  A periodic timer that expired keeps its count and time
 * as of its last read until something reads it, so timerfd_gettime on a
 * copy first brings them up to date (what the container's own gettime or
 * read would do; nothing it can see changes); if it expires again before
 * fdinfo is read, again, a few times. */
static int save_timerfd(struct cap *k, int num, struct ck_obj *ob)
{
	int fd = fd_copy(k->c, num);
	if (fd < 0)
		return refuse(k, "timerfd %d: cannot take a copy: %s", num, strerror(errno));
	char what[32], info[1024];
	snprintf(what, sizeof(what), "fdinfo/%d", num);
	unsigned long long clk = 0, ticks = 0, fl = 0, vs = 0, vn = 0, is = 0, in = 0;
	int tries = 0;
	for (;; tries++) {
		struct itimerspec cur;
		const char *p;
		if (timerfd_gettime(fd, &cur) < 0 ||
		    proc_read(k->c->pid, what, info, sizeof(info)) < 0 ||
		    !info_value(info, "clockid:", 10, &clk) ||
		    !info_value(info, "ticks:", 10, &ticks) ||
		    !info_value(info, "settime flags:", 8, &fl) ||
		    !(p = strstr(info, "it_value: (")) ||
		    sscanf(p, "it_value: (%llu, %llu)", &vs, &vn) != 2 ||
		    !(p = strstr(info, "it_interval: (")) ||
		    sscanf(p, "it_interval: (%llu, %llu)", &is, &in) != 2) {
			close(fd);
			return refuse(k, "timerfd %d: cannot read its settings", num);
		}
		if (vs || vn || !(is || in))
			break; /* armed, or one-shot (then 0 is disarmed) */
		if (tries == 8) {
			close(fd);
			return refuse(k, "timerfd %d: it expires faster than it can be "
				      "read (interval %llu.%09llu s)", num, is, in);
		}
	}
	if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC && clk != CLOCK_BOOTTIME) {
		close(fd);
		return refuse(k, "timerfd %d: clock %llu cannot be saved", num, clk);
	}
	ob->clockid = (uint32_t)clk;
	ob->count = ticks;
	ob->value_ns = ts_ns(vs, vn);
	ob->interval_ns = ts_ns(is, in);
	ob->flags = (uint32_t)fl & (CK_TFD_ABSTIME | CK_TFD_CANCEL_ON_SET);
	if (ob->value_ns >= CK_NS_MAX || ob->interval_ns >= CK_NS_MAX) {
		close(fd);
		return refuse(k, "timerfd %d: a time of 2^62 ns or more", num);
	}
	if ((ob->flags & CK_TFD_ABSTIME) && clk == CLOCK_REALTIME && ob->value_ns) {
		/* an absolute time on the calendar stays absolute */
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		ob->value_ns += ts_ns((unsigned long long)now.tv_sec,
				      (unsigned long long)now.tv_nsec);
	} else {
		/* another clock's absolute time means nothing after a restore
		 * (another boot, another machine): the time left is kept */
		ob->flags &= ~CK_TFD_ABSTIME;
	}
	close(fd);
	return 0;
}

static int reg_cmp(const void *a, const void *b)
{
	const struct ck_epoll_reg *x = a, *y = b;
	return (x->tfd > y->tfd) - (x->tfd < y->tfd);
}

/* An epoll set: its registrations, one "tfd: N events: X data: Y" line
 * each; each target must still be the file at that number (kcmp). */
static int save_epoll(struct cap *k, int num, const char *info, struct ck_obj *ob)
{
	size_t cap = 0;
	for (const char *p = strstr(info, "tfd:"); p; p = strstr(p + 4, "tfd:"))
		cap++;
	ob->regs = calloc(cap ? cap : 1, sizeof(*ob->regs));
	if (!ob->regs)
		return refuse(k, "out of memory");
	for (const char *p = strstr(info, "tfd:"); p && ob->nregs < cap;
	     p = strstr(p + 4, "tfd:")) {
		int tfd;
		unsigned events;
		unsigned long long data;
		if (sscanf(p, "tfd: %d events: %x data: %llx", &tfd, &events, &data) != 3)
			return refuse(k, "epoll set %d: cannot read a registration", num);
		ob->regs[ob->nregs++] = (struct ck_epoll_reg){ tfd, events, data };
	}
	qsort(ob->regs, ob->nregs, sizeof(*ob->regs), reg_cmp);
	for (uint32_t i = 0; i < ob->nregs; i++) {
		const struct ck_epoll_reg *g = &ob->regs[i];
		struct { uint32_t efd, tfd, toff; } slot = { (uint32_t)num, (uint32_t)g->tfd, 0 };
		if (i > 0 && g->tfd == ob->regs[i - 1].tfd)
			return refuse(k, "epoll set %d: two registrations of descriptor "
				      "%d (one of them is a file no longer there)", num,
				      g->tfd);
		if (g->events & ~CK_EPOLL_KNOWN)
			return refuse(k, "epoll set %d: descriptor %d registered with "
				      "unknown event bits 0x%x", num, g->tfd,
				      g->events & ~CK_EPOLL_KNOWN);
		if (syscall(SYS_kcmp, k->c->pid, k->c->pid, 7 /* KCMP_EPOLL_TFD */,
			    g->tfd, &slot) != 0)
			return refuse(k, "epoll set %d: it watches descriptor %d, whose "
				      "file is no longer at that number (closed or "
				      "replaced since)", num, g->tfd);
	}
	return 0;
}

static int save_obj(struct cap *k, struct ck_container *o, int num, int kind)
{
	struct ck_obj *v = realloc(o->objs, (o->nobjs + 1) * sizeof(*v));
	if (!v)
		return refuse(k, "out of memory");
	o->objs = v;
	struct ck_obj *ob = &v[o->nobjs++];
	memset(ob, 0, sizeof(*ob));
	ob->num = num;
	ob->kind = (uint32_t)kind;
	if (kind == CK_OBJ_TIMERFD)
		return save_timerfd(k, num, ob);
	char what[32];
	size_t len;
	snprintf(what, sizeof(what), "fdinfo/%d", num);
	char *info = slurp(k->c->pid, what, &len);
	if (!info)
		return refuse(k, "descriptor %d: cannot read its fdinfo", num);
	int rc = kind == CK_OBJ_EPOLL ? save_epoll(k, num, info, ob)
				      : save_eventfd(k, num, info, ob);
	free(info);
	return rc;
}

/* Every registration names a saved descriptor (kcmp said it is there)
 * that is not an epoll set: nested sets are not saved. */
static int check_nesting(struct cap *k, const struct ck_container *o)
{
	for (uint32_t i = 0; i < o->nobjs; i++)
		for (uint32_t j = 0; j < o->objs[i].nregs; j++)
			for (uint32_t m = 0; m < o->nobjs; m++)
				if (o->objs[m].num == o->objs[i].regs[j].tfd &&
				    o->objs[m].kind == CK_OBJ_EPOLL)
					return refuse(k, "epoll set %d watches epoll set "
						      "%d: nested epoll sets cannot be "
						      "saved", o->objs[i].num,
						      o->objs[m].num);
	return 0;
}

/* The outside stream fd f is, for container c: the same file given to
 * its stage, opened the same way (a standard stream's role by its
 * direction; one at its own number first: stdout and stderr may be one
 * terminal). */
static const struct outside *outside_of(const struct container *c,
					const struct fdinfo *f)
{
	unsigned stage = stage_of(c);
	int acc = (int)(f->flags & O_ACCMODE);
	const struct outside *best = NULL;
	for (size_t i = 0; i < nouts; i++) {
		const struct outside *o = &outs[i];
		if (o->stage != stage || o->dev != f->dev || o->ino != f->ino ||
		    o->acc != acc)
			continue;
		if (o->kind == CKPT_STD && (int)o->role == f->num)
			return o;
		if (!best)
			best = o;
	}
	return best;
}

static int save_fds(struct cap *k, struct ck_container *o, uint64_t **inos)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/fd", k->c->pid);
	DIR *d = opendir(path);
	if (!d)
		return refuse(k, "cannot list its descriptors");
	size_t n = 0, cap = 16;
	struct fdinfo *fi = malloc(cap * sizeof(*fi));
	struct dirent *e;
	int rc = 0;
	while (fi && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			struct fdinfo *p = realloc(fi, 2 * cap * sizeof(*p));
			if (!p)
				break;
			fi = p;
			cap *= 2;
		}
		struct fdinfo *f = &fi[n];
		memset(f, 0, sizeof(*f));
		f->num = atoi(e->d_name);
		char lp[96], info[512];
		snprintf(lp, sizeof(lp), "/proc/%d/fd/%d", k->c->pid, f->num);
		ssize_t ll = readlink(lp, f->link, sizeof(f->link) - 1);
		if (ll < 0)
			continue;
		f->link[ll] = 0;
		struct stat st;
		if (stat(lp, &st) < 0)
			continue;
		f->dev = st.st_dev;
		f->ino = st.st_ino;
		snprintf(lp, sizeof(lp), "fdinfo/%d", f->num);
		unsigned long long v;
		if (proc_read(k->c->pid, lp, info, sizeof(info)) < 0)
			continue;
		char *p = strstr(info, "flags:");
		if (p && sscanf(p, "flags: %llo", &v) == 1)
			f->flags = (unsigned)v;
		if (proc_value(info, "pos:", &v))
			f->pos = v;
		f->pipe = S_ISFIFO(st.st_mode);
		n++;
	}
	closedir(d);
	if (!fi)
		return refuse(k, "out of memory");
	o->fds = calloc(n ? n : 1, sizeof(*o->fds));
	*inos = calloc(n ? n : 1, sizeof(**inos));
	if (!o->fds || !*inos) {
		free(fi);
		return refuse(k, "out of memory");
	}
	/* Sorted by number. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && fi[j - 1].num > fi[j].num; j--) {
			struct fdinfo x = fi[j];
			fi[j] = fi[j - 1];
			fi[j - 1] = x;
		}
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct fdinfo *f = &fi[i];
		struct ck_fd *cf = &o->fds[o->nfds];
		cf->num = f->num;
		cf->status = f->flags & O_NONBLOCK;
		cf->cloexec = (f->flags & O_CLOEXEC) ? 1 : 0;
		int ok = obj_kind(f->link);
		if (ok >= 0) {
			rc = save_obj(k, o, f->num, ok);
			cf->kind = CK_FD_OBJECT;
			o->nfds++;
			continue;
		}
		/* One of the run's outside streams: saved by its role. */
		const struct outside *out = outside_of(k->c, f);
		if (out && out->kind == CKPT_RELAYED) {
			rc = refuse(k, "descriptor %d writes a stream through an output "
				    "relay (an output limit on a stream): saving one is "
				    "not built yet", f->num);
			break;
		}
		if (out) {
			cf->kind = out->kind == CKPT_FILE ? CK_FD_FILE : CK_FD_OUTSIDE;
			cf->role = out->role;
			cf->offset = out->kind == CKPT_FILE ? f->pos : 0;
			o->nfds++;
			continue;
		}
		/* Any other pipe is the run's own: a stream (save_streams). */
		if (f->pipe) {
			cf->kind = (f->flags & O_ACCMODE) == O_RDONLY ? CK_FD_PIPE_R
								    : CK_FD_PIPE_W;
			(*inos)[o->nfds] = f->ino;
			o->nfds++;
			continue;
		}
		rc = refuse(k, "descriptor %d (%s) cannot be saved yet (only the "
			    "run's outside streams and files, its pipes, epoll "
			    "sets, eventfds and timerfds)", f->num, f->link);
		break;
	}
	free(fi);
	if (rc == 0)
		rc = check_nesting(k, o);
	return rc;
}

/* The run's pipes: one stream each, by inode, across its containers
 * (reset by ckpt_step for each checkpoint).  A stream's bytes are copied
 * with tee(2) from the first read end seen, into a pipe of ours: the
 * stream is not read, and needs no write end (its writers may all have
 * ended: a reader still gets its bytes, then its end). */
struct seen { uint64_t ino; bool filled; };
static struct seen *seen;
static size_t nseen, capseen;

static int stream_bytes(struct cap *k, int num, struct ck_stream *st)
{
	int rfd = fd_copy(k->c, num), avail = 0, tp[2] = { -1, -1 };
	int rc = 0;
	if (rfd < 0 || ioctl(rfd, FIONREAD, &avail) < 0) {
		rc = refuse(k, "cannot take its pipe at descriptor %d", num);
		goto out;
	}
	if (avail <= 0)
		goto out;
	uint8_t *b = malloc((size_t)avail);
	if (!b) {
		rc = refuse(k, "out of memory");
		goto out;
	}
	st->bytes = b;
	ssize_t got = -1;
	/* As many slots as the stream has: tee takes all in one call. */
	if (pipe2(tp, O_CLOEXEC | O_NONBLOCK) == 0 &&
	    (st->capacity <= 65536 ||
	     fcntl(tp[1], F_SETPIPE_SZ, (int)st->capacity) >= (int)st->capacity))
		got = tee(rfd, tp[1], (size_t)avail, SPLICE_F_NONBLOCK);
	if (got != avail || read(tp[0], b, (size_t)avail) != avail) {
		rc = refuse(k, "cannot copy the %d bytes of its pipe at descriptor %d",
			    avail, num);
		goto out;
	}
	st->len = (uint32_t)avail;
out:
	if (rfd >= 0)
		close(rfd);
	if (tp[0] >= 0) {
		close(tp[0]);
		close(tp[1]);
	}
	return rc;
}

static int save_streams(struct cap *k, struct ck_container *o, struct ck_run *run,
		       const uint64_t *inos)
{
	for (uint32_t i = 0; i < o->nfds; i++) {
		struct ck_fd *f = &o->fds[i];
		if (f->kind != CK_FD_PIPE_R && f->kind != CK_FD_PIPE_W)
			continue;
		size_t s = 0;
		while (s < nseen && seen[s].ino != inos[i])
			s++;
		if (s == nseen) {
			int fd = fd_copy(k->c, f->num);
			int psz = fd >= 0 ? fcntl(fd, F_GETPIPE_SZ) : -1;
			if (fd >= 0)
				close(fd);
			if (psz <= 0)
				return refuse(k, "cannot take its pipe at descriptor %d",
					      f->num);
			if (nseen == capseen) {
				struct seen *v = realloc(seen, (2 * capseen + 8) *
							 sizeof(*v));
				if (!v)
					return refuse(k, "out of memory");
				seen = v;
				capseen = 2 * capseen + 8;
			}
			struct ck_stream *sp = realloc(run->streams,
						       (run->nstreams + 1) * sizeof(*sp));
			if (!sp)
				return refuse(k, "out of memory");
			run->streams = sp;
			sp[run->nstreams++] = (struct ck_stream){ .capacity = (uint32_t)psz };
			seen[nseen++] = (struct seen){ inos[i], false };
		}
		f->stream = (uint32_t)s;
		if (f->kind == CK_FD_PIPE_R && !seen[s].filled) {
			seen[s].filled = true;
			if (stream_bytes(k, f->num, &run->streams[s]) < 0)
				return -1;
		}
	}
	return 0;
}

/* Is pre's code rfd, in k's container, still the stream its bytes came
 * from, and one the container reads? */
static bool code_stream_of(const struct cap *k, const struct ck_container *o,
			   const struct cnew_pre *pre)
{
	const struct ck_fd *f = NULL;
	for (uint32_t j = 0; j < o->nfds && !f; j++)
		if (o->fds[j].num == pre->fd)
			f = &o->fds[j];
	if (!f || !(f->kind == CK_FD_PIPE_R ||
		    (f->kind == CK_FD_OUTSIDE && f->role == 0)))
		return false;
	char lp[64];
	struct stat st;
	snprintf(lp, sizeof(lp), "/proc/%d/fd/%d", k->c->pid, pre->fd);
	return stat(lp, &st) == 0 && st.st_dev == pre->dev && st.st_ino == pre->ino;
}

/* The cnews wound back while they waited for their code (the loop's
 * rewind_code_wait): each one's bytes, read from the thread's records
 * (the thread is held: nothing changes them until the file is written),
 * by thread, then by code rfd (a thread may keep several: a handler's
 * cnew wound back while another was).  Bytes whose code rfd is no longer
 * the stream they came from (closed, or given to another stream since)
 * are not saved: no cnew can read them again (sys_cnew.c drops them at
 * the next cnew on that number), and a restore would give them to the
 * stream now there. */
static int save_codes(struct cap *k, struct thread **threads, unsigned n,
		      struct ck_container *o)
{
	unsigned want = 0;
	for (unsigned i = 0; i < n; i++)
		for (const struct cnew_pre *p = threads[i]->code_pre; p; p = p->next)
			want++;
	if (!want)
		return 0;
	o->codes = calloc(want, sizeof(*o->codes));
	if (!o->codes)
		return refuse(k, "out of memory");
	for (unsigned i = 0; i < n; i++) {
		uint32_t first = o->ncodes;
		for (const struct cnew_pre *pre = threads[i]->code_pre; pre;
		     pre = pre->next) {
			if (!code_stream_of(k, o, pre))
				continue;
			/* in place by its number (a few at most) */
			uint32_t at = o->ncodes++;
			while (at > first && o->codes[at - 1].fd > pre->fd) {
				o->codes[at] = o->codes[at - 1];
				at--;
			}
			o->codes[at] = (struct ck_code){ i, pre->fd, pre->len, pre->buf };
		}
	}
	return 0;
}

static void free_container(struct ck_container *o)
{
	for (uint32_t i = 0; i < o->nthreads; i++) {
		free(o->threads[i].xstate);
		free((void *)(uintptr_t)o->threads[i].sigq);
	}
	free((void *)(uintptr_t)o->sigq);
	free(o->threads);
	for (uint32_t i = 0; i < o->nmaps; i++)
		free(o->maps[i].extents);
	free(o->maps);
	free(o->fds);
	for (uint32_t i = 0; i < o->nobjs; i++)
		free(o->objs[i].regs);
	free(o->objs);
	free(o->codes); /* the bytes are the threads' (save_codes) */
	memset(o, 0, sizeof(*o));
}

void ckpt_free_run(struct ck_run *run)
{
	for (uint32_t i = 0; i < run->ncontainers; i++)
		free_container(&run->containers[i]);
	free(run->containers);
	for (uint32_t i = 0; i < run->nstreams; i++)
		free((void *)(uintptr_t)run->streams[i].bytes);
	free(run->streams);
	free(run->stages);
	memset(run, 0, sizeof(*run));
}

int ckpt_capture(struct container *c, struct thread **threads, unsigned n,
		 struct ck_container *o, struct ck_run *run, char *err,
		 size_t errlen)
{
	struct cap k = { .c = c, .t0 = threads[0], .err = err, .errlen = errlen };
	memset(o, 0, sizeof(*o));
	o->id = (uint32_t)c->id;
	o->parent = -1;
	o->cid = c->cid;
	o->next_cid = c->next_cid;
	snprintf(o->name, sizeof(o->name), "%s", c->name);
	size_t len;
	char *maps = slurp(c->pid, "maps", &len);
	if (!maps)
		return refuse(&k, "cannot read its memory map");
	/* Every thread's registers before any injected call changes them. */
	struct user_regs_struct *keep = calloc(n, sizeof(*keep));
	o->threads = calloc(n, sizeof(*o->threads));
	int rc = keep && o->threads ? 0 : refuse(&k, "out of memory");
	for (unsigned i = 0; i < n && rc == 0; i++)
		if (tracee_getregs(threads[i], &keep[i]) < 0)
			rc = refuse(&k, "thread %d: cannot read its registers",
				    threads[i]->tid);
	if (rc == 0)
		rc = find_vdso(&k, maps);
	o->vdso = k.vdso.lo;
	o->vvar = k.vvar.lo;
	o->vdso_syscall = k.insn - k.vdso.lo;
	for (unsigned i = 0; i < n && rc == 0; i++) {
		o->nthreads = i + 1;
		rc = save_thread(&k, threads[i], &o->threads[i]);
	}
	if (rc == 0)
		rc = save_actions(&k, o);
	if (rc == 0)
		rc = save_brk(&k, maps, o);
	if (rc == 0)
		rc = save_memory(&k, maps, o);
	uint64_t *inos = NULL;
	if (rc == 0)
		rc = save_fds(&k, o, &inos);
	if (rc == 0)
		rc = save_streams(&k, o, run, inos);
	if (rc == 0)
		rc = save_codes(&k, threads, n, o);
	free(inos);
	/* The threads as they were (a call cut short wound back as the
	 * kernel would have on its way out: the injected calls passed the
	 * point where it does). */
	for (unsigned i = 0; keep && i < n; i++) {
		wind_back(threads[i], &keep[i], false);
		tracee_setregs(threads[i], &keep[i]);
	}
	free(keep);
	free(maps);
	if (rc < 0)
		free_container(o);
	return rc;
}

/* ---- the freeze's end ------------------------------------------------------ */

/* t0[i]: a held thread of container i of run. */
static int write_file(const struct ck_run *run, struct thread **t0, char *err,
		      size_t errlen)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", cfg->checkpoint) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: name too long", cfg->checkpoint);
		return -1;
	}
	struct mem_src *ms = calloc(run->ncontainers, sizeof(*ms));
	if (!ms) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	char why[256] = "", path[64];
	int rc = 0;
	for (uint32_t i = 0; i < run->ncontainers; i++)
		ms[i].memfd = -1;
	for (uint32_t i = 0; i < run->ncontainers && rc == 0; i++) {
		ms[i].t0 = t0[i];
		snprintf(path, sizeof(path), "/proc/%d/mem", t0[i]->c->pid);
		ms[i].memfd = open(path, O_RDONLY | O_CLOEXEC);
		if (ms[i].memfd < 0) {
			snprintf(why, sizeof(why), "%s: %s", path, strerror(errno));
			rc = -1;
		}
	}
	int fd = rc == 0 ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
	if (rc == 0 && fd < 0) {
		snprintf(err, errlen, "%.200s: %s", tmp, strerror(errno));
		rc = -2;
	}
	struct ck_source src = { mem_read, ms };
	if (rc == 0)
		rc = ck_write_from(fd, run, 0, &src, why, sizeof(why));
	for (uint32_t i = 0; i < run->ncontainers; i++)
		if (ms[i].memfd >= 0)
			close(ms[i].memfd);
	free(ms);
	if (rc == -2)
		return -1;
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", cfg->checkpoint, why);
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return -1;
	}
	if (fsync(fd) < 0 || close(fd) < 0 || rename(tmp, cfg->checkpoint) < 0) {
		snprintf(err, errlen, "%s: %s", cfg->checkpoint, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

struct collect { struct container *c; struct thread **v; unsigned n; };

static void collect(struct thread *t, void *arg)
{
	struct collect *cl = arg;
	if (t->c == cl->c)
		cl->v[cl->n++] = t;
}

/* Every thread held: one that would take a signal now (pending for it,
 * or for the container and not blocked by it) is let go to take it, as
 * it would have had the freeze come a moment later.  Its handler's frame
 * is built and the thread held again there (ckpt_signalled); a signal
 * shared by the container is let to one thread only.  A thread still
 * with one after DELIVER_ROUNDS is held as it is: the signal is saved
 * pending (a restore queues it again, and it is delivered then), as is
 * one the thread blocks.
 * True if any thread was let go. */
static bool let_signals_in(void)
{
	bool any = false;
	for (unsigned ci = 0; ci < ntg; ci++) {
		uint64_t shared_taken = 0; /* each container's own queue */
		for (size_t i = 0; i < nhl; i++) {
			struct held *h = &hl[i];
			struct thread *t = thread_find(h->tid);
			uint64_t pnd, shd, cgt, ign, blk;
			if (!h->held || !t || t->c != tg[ci] || h->rounds >= DELIVER_ROUNDS)
				continue;
			if (status_masks(t->tid, &pnd, &shd, &cgt, &ign) < 0 ||
			    tracee_get_sigmask(t, &blk) < 0)
				continue;
			uint64_t own = pnd & ~blk, common = shd & ~blk & ~shared_taken;
			if (!own && !common)
				continue;
			shared_taken |= common;
			h->rounds++;
			h->held = false;
			h->asked = false;
			h->deliver = true;
			if (tracee_resume(t, 0) == 0)
				any = true;
		}
	}
	return any;
}

/* Every container frozen?  1: all held; 0: not yet; -1: given up (said). */
static int frozen(void)
{
	unsigned held = 0, want = 0, pending = 0;
	for (unsigned i = 0; i < ntg; i++) {
		/* Threads born since, not yet asked. */
		thread_each(tg[i], ask, NULL);
		want += tg[i]->threads;
		pending += tg[i]->pending_clones;
	}
	for (size_t i = 0; i < nhl; i++) {
		struct thread *t = thread_find(hl[i].tid);
		if (hl[i].held && t && is_target(t->c))
			held++;
	}
	if (held >= want && !pending)
		return 1;
	if (mono_ns() - started_ns > FREEZE_NS) {
		msg("checkpoint refused: not every thread stopped within 5 s "
		    "(%u of %u)", held, want);
		release_all();
		return -1;
	}
	return 0;
}

/* The stages of a policy run, for the file: live (a root in it), or the
 * status an ended one had.  -1 if a stage's end is not known yet. */
static int save_stages(struct ck_run *run)
{
	if (!nstages)
		return 0;
	run->stages = calloc(nstages, sizeof(*run->stages));
	if (!run->stages)
		return -1;
	run->nstages = nstages;
	memcpy(run->policy_sha256, policy_sha, 32);
	for (unsigned i = 0; i < nstages; i++) {
		run->stages[i].status = stages[i].status;
		if (!stages[i].id)
			continue;
		CTAB_FOREACH(c)
			if (c->id == stages[i].id && !ctab_counts(c))
				run->stages[i].status = stage_status(c);
	}
	return 0;
}

/* Capture every frozen container (each one's leader first, then its
 * other threads in the table's order) into run; t0[i] gets container
 * i's first thread (the writer reads its memory through it). */
/* A cnew or a pass under way (a thread of the run held by its handler, a
 * descriptor on its way between two containers) is not saved: refused. */
static void in_flight(struct thread *t, void *arg)
{
	struct thread **found = arg;
	if (!*found && (t->cnew || t->lent))
		*found = t;
}

/* Container c's parent: the index of its record among those saved, or
 * (its maker has ended: it lives on, SPEC) its nearest saved ancestor's,
 * *direct false; -1: none. */
static int parent_index(const struct container *c, unsigned before, bool *direct)
{
	for (const struct container *a = c->parent; a; a = a->parent)
		for (unsigned j = 0; j < before; j++)
			if (tg[j] == a) {
				*direct = a == c->parent;
				return (int)j;
			}
	return -1;
}

static int capture_all(struct ck_run *run, struct thread **t0, char *err, size_t errlen)
{
	nseen = 0;
	/* Outside --policy, a first container that has ended leaves its
	 * status (the run's) in the file; with it, a stage's root that has
	 * ended leaves its stage's (save_stages).  The containers it left
	 * are saved as roots of its stage (nothing can name them by a cid). */
	run->first_status = first_ended();
	for (unsigned i = 0; i < ntg; i++) {
		struct thread *busy = NULL;
		thread_each(tg[i], in_flight, &busy);
		if (busy || tg[i]->pins) {
			snprintf(err, errlen, "checkpoint refused: container %d (%s): a "
				 "%s is under way; try again", tg[i]->id, tg[i]->name,
				 busy && busy->cnew ? "cnew" : "descriptor pass");
			return -1;
		}
	}
	run->containers = calloc(ntg, sizeof(*run->containers));
	if (!run->containers || save_stages(run) < 0) {
		snprintf(err, errlen, "checkpoint refused: out of memory");
		return -1;
	}
	for (unsigned i = 0; i < ntg; i++) {
		struct container *c = tg[i];
		struct thread **v = calloc(c->threads + 1, sizeof(*v));
		struct collect cl = { c, v, 0 };
		if (!v) {
			snprintf(err, errlen, "checkpoint refused: out of memory");
			return -1;
		}
		thread_each(c, collect, &cl);
		for (unsigned j = 1; j < cl.n; j++)
			if (v[j]->tid == c->pid) {
				struct thread *x = v[0];
				v[0] = v[j];
				v[j] = x;
			}
		int rc = cl.n ? ckpt_capture(c, v, cl.n, &run->containers[i], run, err,
					     errlen) : -1;
		if (!cl.n)
			snprintf(err, errlen, "checkpoint refused: container %d (%s): "
				 "no thread to save", c->id, c->name);
		t0[i] = v[0];
		free(v);
		if (rc < 0)
			return -1;
		run->ncontainers = i + 1;
		run->containers[i].stage = stage_of(c);
		bool direct = true;
		run->containers[i].parent = parent_index(c, i, &direct);
		if (!direct || run->containers[i].parent < 0)
			run->containers[i].cid = 0; /* no caller can name it (ctab.h) */
	}
	return 0;
}

enum ckpt_step ckpt_step(void)
{
	if (deferred_ns && !active)
		ckpt_request();
	if (!active)
		return CKPT_IDLE;
	for (unsigned i = 0; i < ntg; i++)
		if (!ctab_counts(tg[i])) {
			/* It ended as it was being frozen: ask again once its
			 * end is known (its status, for a stage). */
			long long since = started_ns;
			release_all();
			deferred_ns = since;
			return CKPT_IDLE;
		}
	int f = frozen();
	if (f <= 0)
		return f < 0 ? CKPT_ON : CKPT_IDLE;
	if (let_signals_in())
		return CKPT_IDLE;
	char err[600] = "checkpoint refused: out of memory";
	struct ck_run run = { .version = CK_MODEL_VERSION,
			      .first_status = CK_STAGE_LIVE };
	char herr[256];
	struct thread **t0 = calloc(ntg, sizeof(*t0));
	int rc = t0 ? 0 : -1;
	if (rc == 0 && ck_host_facts(&run.host, herr, sizeof(herr)) < 0) {
		snprintf(err, sizeof(err), "checkpoint refused: %s", herr);
		rc = -1;
	}
	long long t1 = mono_ns();
	if (rc == 0)
		rc = capture_all(&run, t0, err, sizeof(err));
	long long t2 = mono_ns();
	if (rc == 0) {
		char werr[512];
		if (write_file(&run, t0, werr, sizeof(werr)) < 0) {
			snprintf(err, sizeof(err), "checkpoint not written: %.480s", werr);
			rc = -1;
		}
	}
	if (getenv("MINOS_CKPT_TIMES"))
		msg("checkpoint: capture %.3f ms, write %.3f ms",
		    (double)(t2 - t1) / 1e6, (double)(mono_ns() - t2) / 1e6);
	unsigned n = run.ncontainers;
	ckpt_free_run(&run);
	free(t0);
	if (rc < 0) {
		msg("%s", err);
		release_all();
		return CKPT_ON;
	}
	saved_count = n;
	if (cfg->leave_running) {
		msg("checkpointed %u container%s to %s; the run goes on", n,
		    n == 1 ? "" : "s", cfg->checkpoint);
		release_all();
		return CKPT_ON;
	}
	active = false;
	nhl = 0;
	return CKPT_ENDED; /* the loop ends the run: held threads die stopped */
}
