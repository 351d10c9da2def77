/* SPDX-License-Identifier: MIT */
/*
 * ckfile.c - the checkpoint file format (ckfile.h; minos(7), "Checkpoint
 * files").  Pure apart from ck_write()'s write(2): the parser reads only
 * the buffer it is given, because a restore file is untrusted input.
 *
 * One set of checks (check_*) says what a valid model is; ck_read() runs
 * it on every record it decodes, ck_write() on every record before it
 * writes anything, so a file ck_write() makes is one ck_read() takes.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ckfile.h"
#include "crc32c.h"
#include "sha256.h"

/* A test-only flag of ck_write_flags(): skip the model checks, so the
 * unit tests can make files that only the reader's checks refuse. */
#define CK_W_UNCHECKED 0x80000000u
#define CK_F_KNOWN CK_F_DIGEST_PAGES

/* Fixed sizes of records in the file. */
#define HOST_LEN 176u      /* kernel[72] page_size xstate_size xcr0 cpuid x4 sha
			    * vdso vvar cpuid x5, pad */
#define RUN_LEN 56u        /* ncontainers nstreams wall_ns nstages first sha[32] */
#define STAGE_LEN 8u       /* status pad */
#define STREAM_MIN 8u      /* capacity len, then the bytes */
#define CONTAINER_LEN (16u + CK_NAME_MAX + 48u + 32u * CK_NSIG + 16u)
#define THREAD_MIN (8u + 8u * CK_NREGS + 32u + 8u + 24u)
#define MAP_MIN 32u
#define EXTENT_LEN 24u
#define FD_LEN 32u         /* num kind role stream status cloexec offset */
#define OBJ_MIN 48u        /* num kind flags clockid count value interval nregs pad */
#define REG_LEN 16u        /* tfd events data */
#define CODE_MIN 16u       /* thread fd len, then the bytes */
/* The least a container takes in a file: CONTAINER, THREADS with one
 * thread, FDS, OBJECTS, CNEWS and MAPS. */
#define CONTAINER_MIN_BYTES (6u * CK_SECTION_LEN + CONTAINER_LEN + THREAD_MIN)

/* x86-64 user segments (__USER_CS, __USER_DS). */
#define USER_CS 0x33u
#define USER_SS 0x2bu
/* Indices into ck_thread.regs (struct user_regs_struct). */
enum { R_RIP = 16, R_CS = 17, R_SS = 20, R_FS_BASE = 21, R_GS_BASE = 22 };
/* SA_* bits the kernel keeps in sa_flags on x86-64. */
#define SA_KNOWN (0x1ull | 0x2ull | 0x4ull | 0x400ull | 0x800ull | 0x04000000ull | \
		  0x08000000ull | 0x10000000ull | 0x40000000ull | 0x80000000ull)
#define SS_DISABLE_ 2u
#define O_NONBLOCK_ 04000u
#define FD_NUM_MAX (1 << 20)

static const char *const sec_name[] = {
	[CK_S_HOST] = "HOST", [CK_S_RUN] = "RUN", [CK_S_STREAMS] = "STREAMS",
	[CK_S_CONTAINER] = "CONTAINER", [CK_S_THREADS] = "THREADS",
	[CK_S_FDS] = "FDS", [CK_S_MAPS] = "MAPS", [CK_S_PAD] = "PAD",
	[CK_S_PAGES] = "PAGES", [CK_S_END] = "END", [CK_S_OBJECTS] = "OBJECTS",
	[CK_S_STAGES] = "STAGES", [CK_S_CNEWS] = "CNEWS",
};

/* ---- errors -------------------------------------------------------------- */

struct ctx {
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4)))
static int fail(struct ctx *x, uint64_t off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (x->errlen == 0)
		return -1;
	n = snprintf(x->err, x->errlen, "byte %llu: ", (unsigned long long)off);
	if (n < 0 || (size_t)n >= x->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(x->err + n, x->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static bool page_aligned(uint64_t v)
{
	return (v & (CK_PAGE - 1)) == 0;
}

/* [a, a + len) inside the user half (len may be 0). */
static bool user_range(uint64_t a, uint64_t len)
{
	return a <= CK_USER_END && len <= CK_USER_END - a;
}

/* An address a user thread may hold: below the end of the user half. */
static bool user_addr(uint64_t a)
{
	return a < CK_USER_END;
}

/* ---- the model's rules (ckstate.h), shared by reader and writer ---------- */

static int check_host(struct ctx *x, const struct ck_host *h, uint64_t off)
{
	if (memchr(h->kernel, '\0', sizeof(h->kernel)) == NULL)
		return fail(x, off, "HOST: the kernel release is not NUL-terminated");
	if (h->page_size != CK_PAGE)
		return fail(x, off, "HOST: page size %u, not %u", h->page_size, CK_PAGE);
	if (h->xstate_size > CK_MAX_XSTATE)
		return fail(x, off, "HOST: xstate size %u over %u", h->xstate_size,
			    CK_MAX_XSTATE);
	if (h->vdso_len > CK_USER_END || h->vvar_len > CK_USER_END ||
	    !page_aligned(h->vdso_len) || !page_aligned(h->vvar_len))
		return fail(x, off, "HOST: vDSO %llu and vvar %llu bytes (page "
			    "multiples, within the user half)",
			    (unsigned long long)h->vdso_len, (unsigned long long)h->vvar_len);
	return 0;
}

static int check_run(struct ctx *x, const struct ck_run *r, uint64_t off)
{
	if (r->ncontainers < 1 || r->ncontainers > CK_MAX_CONTAINERS)
		return fail(x, off, "RUN: %u containers (1..%u)", r->ncontainers,
			    CK_MAX_CONTAINERS);
	if (r->nstreams > CK_MAX_STREAMS)
		return fail(x, off, "RUN: %u streams (at most %u)", r->nstreams,
			    CK_MAX_STREAMS);
	if (r->nstages > CK_MAX_CONTAINERS)
		return fail(x, off, "RUN: %u stages (at most %u)", r->nstages,
			    CK_MAX_CONTAINERS);
	bool digest = false;
	for (unsigned i = 0; i < 32; i++)
		digest |= r->policy_sha256[i] != 0;
	if (r->first_status != CK_STAGE_LIVE &&
	    (r->nstages != 0 || r->first_status < 0 || r->first_status > 255))
		return fail(x, off, "RUN: the first container's status %d (-1: it "
			    "runs; 0..255 only outside a policy run)", r->first_status);
	if (digest != (r->nstages != 0))
		return fail(x, off, "RUN: %u stages %s a policy's SHA-256 (a policy "
			    "run has both, another run neither)", r->nstages,
			    digest ? "with" : "without");
	return 0;
}

static int check_stage(struct ctx *x, uint32_t i, const struct ck_stage *st, uint64_t off)
{
	if (st->status != CK_STAGE_LIVE && (st->status < 0 || st->status > 255))
		return fail(x, off, "stage %u: status %d (-1: live, or 0..255)", i,
			    st->status);
	return 0;
}

/* The roots: outside a policy run, container 0 alone (or, its status
 * saved, the containers it left); in one, one root for each live stage,
 * in the stages' order, and any number of the containers an ended
 * stage's root left, anywhere (check_container has checked each root's
 * stage, and a live one's above the live root's before it). */
static int check_roots(struct ctx *x, const struct ck_run *r, uint64_t off)
{
	uint32_t live = 0, roots = 0;

	if (!r->nstages)
		return 0;
	for (uint32_t i = 0; i < r->nstages; i++)
		live += r->stages[i].status == CK_STAGE_LIVE;
	for (uint32_t ci = 0; ci < r->ncontainers; ci++) {
		const struct ck_container *c = &r->containers[ci];
		roots += c->parent < 0 && c->stage < r->nstages &&
			 r->stages[c->stage].status == CK_STAGE_LIVE;
	}
	if (roots != live)
		return fail(x, off, "%u live stages but %u roots (one root each)",
			    live, roots);
	return 0;
}

static int check_stream(struct ctx *x, uint32_t i, const struct ck_stream *s, uint64_t off)
{
	if (s->capacity < CK_PAGE || s->capacity > (1u << 20) || !page_aligned(s->capacity))
		return fail(x, off, "stream %u: capacity %u (a multiple of %u, %u..%u)",
			    i, s->capacity, CK_PAGE, CK_PAGE, 1u << 20);
	if (s->len > s->capacity || s->len > CK_MAX_STREAM_BYTES)
		return fail(x, off, "stream %u: %u bytes buffered, over its capacity %u",
			    i, s->len, s->capacity);
	return 0;
}

static int check_container(struct ctx *x, const struct ck_run *r, uint32_t ci,
			   const struct ck_container *c, uint64_t off)
{
	if (ci == 0 ? c->parent != -1 :
	    c->parent == -1 ? r->nstages == 0 && r->first_status == CK_STAGE_LIVE :
	    (c->parent < 0 || (uint32_t)c->parent >= ci))
		return fail(x, off, "container %u: parent %d (%s)", ci, c->parent,
			    ci == 0 ? "the first has none: -1" :
			    r->nstages || r->first_status != CK_STAGE_LIVE ?
			    "-1, or an earlier container's index" :
			    "an earlier container's index");
	if (c->next_cid < 0 || (c->parent < 0 && c->cid != 0) ||
	    (c->parent >= 0 && (c->cid < 0 || c->cid > r->containers[c->parent].next_cid)))
		return fail(x, off, "container %u: cid %d, next cid %d (a child's cid "
			    "0..its parent's next cid, a root's 0; not negative)", ci,
			    c->cid, c->next_cid);
	for (uint32_t j = 0; c->parent >= 0 && c->cid > 0 && j < ci; j++)
		if (r->containers[j].parent == c->parent && r->containers[j].cid == c->cid)
			return fail(x, off, "container %u: cid %d, as container %u's: one "
				    "parent's cids are distinct", ci, c->cid, j);
	if (c->parent >= 0 && c->stage != r->containers[c->parent].stage)
		return fail(x, off, "container %u: stage %u, its parent's %u (a tree "
			    "is one stage's)", ci, c->stage,
			    r->containers[c->parent].stage);
	if (c->parent < 0 && r->nstages == 0 && c->stage != 0)
		return fail(x, off, "container %u: stage %u outside a policy run", ci,
			    c->stage);
	if (c->parent < 0 && r->nstages) {
		/* A live stage's root: above the live root's before it.  An
		 * ended stage's (a container its root left): any ended one. */
		int64_t prev = -1;
		for (uint32_t j = ci; j-- > 0;) {
			const struct ck_container *b = &r->containers[j];
			if (b->parent < 0 && b->stage < r->nstages &&
			    r->stages[b->stage].status == CK_STAGE_LIVE) {
				prev = b->stage;
				break;
			}
		}
		if (c->stage >= r->nstages ||
		    (r->stages[c->stage].status == CK_STAGE_LIVE &&
		     (int64_t)c->stage <= prev))
			return fail(x, off, "container %u: stage %u (one of the %u; a "
				    "live stage's root above the one before it)", ci,
				    c->stage, r->nstages);
	}
	if (memchr(c->name, '\0', sizeof(c->name)) == NULL)
		return fail(x, off, "container %u: its name is not NUL-terminated", ci);
	if (!page_aligned(c->start_brk) || c->brk < c->start_brk ||
	    !user_range(c->start_brk, c->brk - c->start_brk))
		return fail(x, off, "container %u: heap 0x%llx..0x%llx (a page-aligned "
			    "start, an end not below it, in the user half)", ci,
			    (unsigned long long)c->start_brk, (unsigned long long)c->brk);
	if (!page_aligned(c->vdso) || !page_aligned(c->vvar) ||
	    !user_range(c->vdso, r->host.vdso_len) || !user_range(c->vvar, r->host.vvar_len))
		return fail(x, off, "container %u: vDSO at 0x%llx, vvar at 0x%llx "
			    "(page-aligned, in the user half)", ci,
			    (unsigned long long)c->vdso, (unsigned long long)c->vvar);
	if (c->vdso != 0 && c->vdso_syscall >= r->host.vdso_len)
		return fail(x, off, "container %u: vDSO syscall offset 0x%llx outside "
			    "its %llu bytes", ci, (unsigned long long)c->vdso_syscall,
			    (unsigned long long)r->host.vdso_len);
	for (uint32_t s = 1; s <= CK_NSIG; s++) {
		const struct ck_sigaction *a = &c->act[s - 1];
		if ((s == 9 || s == 19) && a->handler != 0)
			return fail(x, off, "container %u: signal %u (SIGKILL/SIGSTOP) "
				    "with a handler", ci, s);
		if (!user_addr(a->handler) || !user_addr(a->restorer))
			return fail(x, off, "container %u: signal %u: handler 0x%llx or "
				    "restorer 0x%llx outside the user half", ci, s,
				    (unsigned long long)a->handler,
				    (unsigned long long)a->restorer);
		if (a->flags & ~SA_KNOWN)
			return fail(x, off, "container %u: signal %u: unknown flags 0x%llx",
				    ci, s, (unsigned long long)(a->flags & ~SA_KNOWN));
	}
	if (c->nsigq > CK_MAX_SIGQUEUE)
		return fail(x, off, "container %u: %u shared pending signals (at "
			    "most %u)", ci, c->nsigq, CK_MAX_SIGQUEUE);
	if (c->nthreads < 1 || c->nthreads > CK_MAX_THREADS)
		return fail(x, off, "container %u: %u threads (1..%u)", ci, c->nthreads,
			    CK_MAX_THREADS);
	if (c->nmaps > CK_MAX_MAPS)
		return fail(x, off, "container %u: %u mappings (at most %u)", ci,
			    c->nmaps, CK_MAX_MAPS);
	if (c->nfds > CK_MAX_FDS)
		return fail(x, off, "container %u: %u descriptors (at most %u)", ci,
			    c->nfds, CK_MAX_FDS);
	return 0;
}

/* A queue of pending signals (ckstate.h, struct ck_siginfo), of thread ti
 * of container ci, or its shared one (ti < 0); each record's offset is
 * off + i * CK_SIGINFO_LEN. */
static int check_sigq(struct ctx *x, uint32_t ci, int64_t ti, uint32_t n,
		      const struct ck_siginfo *q, uint64_t off)
{
	char who[64];
	uint64_t seen = 0;

	if (ti < 0)
		snprintf(who, sizeof(who), "container %u shared signal", ci);
	else
		snprintf(who, sizeof(who), "container %u thread %u signal", ci,
			 (uint32_t)ti);
	for (uint32_t i = 0; i < n; i++, off += CK_SIGINFO_LEN) {
		int32_t sig = (int32_t)le32(q[i].b);
		if (sig < 1 || sig > (int32_t)CK_NSIG || sig == 9 || sig == 19)
			return fail(x, off, "%s %u: si_signo %d (1..%u, not SIGKILL "
				    "or SIGSTOP)", who, i, sig, CK_NSIG);
		/* The kernel keeps one of a standard signal pending, never
		 * two: a second could not be queued again. */
		if (sig < 32 && (seen >> (sig - 1) & 1))
			return fail(x, off, "%s %u: signal %d a second time in one "
				    "queue (a standard signal is pending once)", who, i,
				    sig);
		seen |= 1ull << (sig - 1);
	}
	return 0;
}

static int check_thread(struct ctx *x, uint32_t ci, uint32_t ti,
			const struct ck_thread *t, uint64_t off)
{
	static const struct { int reg; const char *name; } addr[] = {
		{ R_RIP, "rip" }, { R_FS_BASE, "fs_base" }, { R_GS_BASE, "gs_base" },
	};

	if (t->flags & ~(CK_T_CLEAR_TID | CK_T_REWOUND))
		return fail(x, off, "container %u thread %u: unknown flags 0x%x", ci, ti,
			    t->flags & ~(CK_T_CLEAR_TID | CK_T_REWOUND));
	for (size_t i = 0; i < sizeof(addr) / sizeof(addr[0]); i++)
		if (!user_addr(t->regs[addr[i].reg]))
			return fail(x, off, "container %u thread %u: %s 0x%llx outside "
				    "the user half", ci, ti, addr[i].name,
				    (unsigned long long)t->regs[addr[i].reg]);
	if (t->regs[R_CS] != USER_CS || t->regs[R_SS] != USER_SS)
		return fail(x, off, "container %u thread %u: cs 0x%llx, ss 0x%llx "
			    "(the 64-bit user segments are 0x%x, 0x%x)", ci, ti,
			    (unsigned long long)t->regs[R_CS],
			    (unsigned long long)t->regs[R_SS], USER_CS, USER_SS);
	if (t->xstate_len > CK_MAX_XSTATE)
		return fail(x, off, "container %u thread %u: %u bytes of xstate "
			    "(at most %u)", ci, ti, t->xstate_len, CK_MAX_XSTATE);
	if (t->nsigq > CK_MAX_SIGQUEUE)
		return fail(x, off, "container %u thread %u: %u pending signals "
			    "(at most %u)", ci, ti, t->nsigq, CK_MAX_SIGQUEUE);
	if ((t->ss_flags != 0 && t->ss_flags != SS_DISABLE_) ||
	    !user_range(t->ss_sp, t->ss_size))
		return fail(x, off, "container %u thread %u: alternate stack 0x%llx, "
			    "%llu bytes, flags 0x%x (in the user half; flags 0 or "
			    "SS_DISABLE)", ci, ti, (unsigned long long)t->ss_sp,
			    (unsigned long long)t->ss_size, t->ss_flags);
	if ((t->robust_len != 0 && t->robust_len != 24) || !user_addr(t->robust_head))
		return fail(x, off, "container %u thread %u: robust list 0x%llx, "
			    "length %llu (in the user half; length 0 or 24)", ci, ti,
			    (unsigned long long)t->robust_head,
			    (unsigned long long)t->robust_len);
	if (!user_addr(t->clear_tid) ||
	    (!(t->flags & CK_T_CLEAR_TID) && t->clear_tid != 0))
		return fail(x, off, "container %u thread %u: clear-tid address 0x%llx "
			    "(in the user half; 0 without CK_T_CLEAR_TID)", ci, ti,
			    (unsigned long long)t->clear_tid);
	return 0;
}

static int check_fd(struct ctx *x, const struct ck_run *r, uint32_t ci, uint32_t fi,
		    const struct ck_fd *f, const struct ck_fd *prev, uint64_t off)
{
	if (f->num < 0 || f->num >= FD_NUM_MAX)
		return fail(x, off, "container %u descriptor %u: number %d (0..%d)",
			    ci, fi, f->num, FD_NUM_MAX - 1);
	if (prev && f->num <= prev->num)
		return fail(x, off, "container %u descriptor %u: number %d not above "
			    "the one before (%d)", ci, fi, f->num, prev->num);
	if (f->kind > CK_FD_KIND_MAX)
		return fail(x, off, "container %u descriptor %d: unknown kind %u", ci,
			    f->num, f->kind);
	if (f->kind == CK_FD_OUTSIDE ? f->role > 2 || f->stream != 0 :
	    f->kind == CK_FD_OBJECT ? f->role != 0 || f->stream != 0 :
	    f->kind == CK_FD_FILE ? f->role >= FD_NUM_MAX || f->stream != 0
				  : f->stream >= r->nstreams || f->role != 0)
		return fail(x, off, "container %u descriptor %d: role %u, stream %u "
			    "(outside: role 0..2, stream 0; a pipe end: role 0, one "
			    "of the run's %u streams; an object: 0, 0; a file: its "
			    "slot, 0)", ci, f->num, f->role, f->stream, r->nstreams);
	if (f->kind == CK_FD_FILE && r->nstages == 0)
		return fail(x, off, "container %u descriptor %d: a policy's file in "
			    "a run without a policy", ci, f->num);
	if (f->kind == CK_FD_FILE ? f->offset > (uint64_t)INT64_MAX : f->offset != 0)
		return fail(x, off, "container %u descriptor %d: offset %llu (a file's "
			    "below 2^63; 0 for others)", ci, f->num,
			    (unsigned long long)f->offset);
	if ((f->status & ~O_NONBLOCK_) || f->cloexec > 1)
		return fail(x, off, "container %u descriptor %d: status 0x%x, "
			    "close-on-exec %u (O_NONBLOCK only; 0 or 1)", ci, f->num,
			    f->status, f->cloexec);
	return 0;
}

/* One private object on its own; want: the number of the descriptor of
 * kind CK_FD_OBJECT it belongs to.  Its registrations: check_regs(). */
static int check_obj(struct ctx *x, uint32_t ci, const struct ck_obj *o, int32_t want,
		     uint64_t off)
{
	if (o->num != want)
		return fail(x, off, "container %u: object at descriptor %d where the "
			    "next object descriptor is %d", ci, o->num, want);
	if (o->kind > CK_OBJ_KIND_MAX)
		return fail(x, off, "container %u object %d: unknown kind %u", ci,
			    o->num, o->kind);
	switch (o->kind) {
	case CK_OBJ_EPOLL:
		if (o->flags || o->clockid || o->count || o->value_ns || o->interval_ns)
			return fail(x, off, "container %u epoll set %d: flags, clock, "
				    "count or times not 0", ci, o->num);
		if (o->nregs > CK_MAX_FDS)
			return fail(x, off, "container %u epoll set %d: %u registrations "
				    "(at most %u)", ci, o->num, o->nregs, CK_MAX_FDS);
		break;
	case CK_OBJ_EVENTFD:
		if ((o->flags & ~CK_EFD_SEMAPHORE) || o->clockid || o->value_ns ||
		    o->interval_ns || o->nregs)
			return fail(x, off, "container %u eventfd %d: flags 0x%x (only "
				    "EFD_SEMAPHORE), clock, times or registrations not 0",
				    ci, o->num, o->flags);
		if (o->count == UINT64_MAX)
			return fail(x, off, "container %u eventfd %d: count 2^64-1 (at "
				    "most 2^64-2)", ci, o->num);
		break;
	case CK_OBJ_TIMERFD:
		if (o->clockid != 0 && o->clockid != 1 && o->clockid != 7)
			return fail(x, off, "container %u timerfd %d: clock %u (0 "
				    "CLOCK_REALTIME, 1 CLOCK_MONOTONIC or 7 CLOCK_BOOTTIME)",
				    ci, o->num, o->clockid);
		if ((o->flags & ~(CK_TFD_ABSTIME | CK_TFD_CANCEL_ON_SET)) ||
		    ((o->flags & CK_TFD_ABSTIME) && o->clockid != 0) || o->nregs)
			return fail(x, off, "container %u timerfd %d: flags 0x%x "
				    "(TFD_TIMER_ABSTIME on CLOCK_REALTIME only, "
				    "TFD_TIMER_CANCEL_ON_SET), registrations %u", ci, o->num,
				    o->flags, o->nregs);
		if (o->value_ns >= CK_NS_MAX || o->interval_ns >= CK_NS_MAX)
			return fail(x, off, "container %u timerfd %d: value %llu ns, "
				    "interval %llu ns (below 2^62)", ci, o->num,
				    (unsigned long long)o->value_ns,
				    (unsigned long long)o->interval_ns);
		break;
	}
	return 0;
}

static const struct ck_fd *fd_at(const struct ck_container *k, int32_t num)
{
	uint32_t lo = 0, hi = k->nfds;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (k->fds[mid].num == num)
			return &k->fds[mid];
		if (k->fds[mid].num < num)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const struct ck_obj *obj_at(const struct ck_container *k, int32_t num)
{
	uint32_t lo = 0, hi = k->nobjs;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (k->objs[mid].num == num)
			return &k->objs[mid];
		if (k->objs[mid].num < num)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* An epoll set's registrations, once every object of k is known: each
 * names a saved descriptor of k that is not the set itself nor another
 * epoll set (so there is no loop), in increasing order (distinct), with
 * known event bits. */
static int check_regs(struct ctx *x, uint32_t ci, const struct ck_container *k,
		      const struct ck_obj *o, uint64_t off)
{
	for (uint32_t i = 0; i < o->nregs; i++) {
		const struct ck_epoll_reg *g = &o->regs[i];
		const struct ck_fd *f = fd_at(k, g->tfd);
		const struct ck_obj *t = f && f->kind == CK_FD_OBJECT ? obj_at(k, g->tfd)
								      : NULL;
		if (!f)
			return fail(x, off, "container %u epoll set %d: registration %u "
				    "names descriptor %d, which it does not hold", ci,
				    o->num, i, g->tfd);
		if (i > 0 && g->tfd <= o->regs[i - 1].tfd)
			return fail(x, off, "container %u epoll set %d: registration %u "
				    "(descriptor %d) not above the one before (%d)", ci,
				    o->num, i, g->tfd, o->regs[i - 1].tfd);
		if (t && t->kind == CK_OBJ_EPOLL)
			return fail(x, off, "container %u epoll set %d: registration %u "
				    "names an epoll set (%d; nested sets are not saved)",
				    ci, o->num, i, g->tfd);
		if (g->events & ~CK_EPOLL_KNOWN)
			return fail(x, off, "container %u epoll set %d: registration %u: "
				    "unknown event bits 0x%x", ci, o->num, i,
				    g->events & ~CK_EPOLL_KNOWN);
	}
	return 0;
}

/* A cnew wound back: a thread of k (in their order; one record per code
 * rfd of a thread, in the rfds' order), its code rfd a read end k holds,
 * 1..CK_MAX_CODE bytes read. */
static int check_code(struct ctx *x, uint32_t ci, const struct ck_container *k,
		      uint32_t i, const struct ck_code *cd, const struct ck_code *prev,
		      uint64_t off)
{
	const struct ck_fd *f = fd_at(k, cd->fd);

	if (cd->thread >= k->nthreads || (prev && (cd->thread < prev->thread ||
	    (cd->thread == prev->thread && cd->fd <= prev->fd))))
		return fail(x, off, "container %u cnew %u: thread %u, code rfd %d (one "
			    "of its %u threads; after the one before, in thread "
			    "then rfd order)", ci, i, cd->thread, cd->fd, k->nthreads);
	if (!f || !(f->kind == CK_FD_PIPE_R || (f->kind == CK_FD_OUTSIDE && f->role == 0)))
		return fail(x, off, "container %u cnew %u: code rfd %d is not a read "
			    "end it holds", ci, i, cd->fd);
	if (cd->len == 0 || cd->len > CK_MAX_CODE)
		return fail(x, off, "container %u cnew %u: %llu bytes read (1..%llu)",
			    ci, i, (unsigned long long)cd->len,
			    (unsigned long long)CK_MAX_CODE);
	return 0;
}

static int check_map(struct ctx *x, uint32_t ci, uint32_t mi,
		     const struct ck_mapping *m, const struct ck_mapping *prev, uint64_t off)
{
	if (m->start == 0 || m->len == 0 || !page_aligned(m->start) ||
	    !page_aligned(m->len) || !user_range(m->start, m->len))
		return fail(x, off, "container %u mapping %u: 0x%llx, %llu bytes (page "
			    "multiples, not empty, not at 0, in the user half)", ci, mi,
			    (unsigned long long)m->start, (unsigned long long)m->len);
	if (prev && m->start < prev->start + prev->len)
		return fail(x, off, "container %u mapping %u: starts at 0x%llx, before "
			    "the end of the one before (0x%llx)", ci, mi,
			    (unsigned long long)m->start,
			    (unsigned long long)(prev->start + prev->len));
	if (m->prot & ~7u)
		return fail(x, off, "container %u mapping %u: protection 0x%x (PROT_READ, "
			    "PROT_WRITE, PROT_EXEC only)", ci, mi, m->prot);
	if (m->kind > CK_MAP_KIND_MAX)
		return fail(x, off, "container %u mapping %u: unknown kind %u", ci, mi,
			    m->kind);
	if (m->nextents > CK_MAX_EXTENTS)
		return fail(x, off, "container %u mapping %u: %u extents (at most %u)",
			    ci, mi, m->nextents, CK_MAX_EXTENTS);
	return 0;
}

static int check_extent(struct ctx *x, uint32_t ci, uint32_t mi, uint32_t ei,
			const struct ck_mapping *m, const struct ck_extent *e,
			const struct ck_extent *prev, uint64_t off)
{
	if (e->len == 0 || !page_aligned(e->off) || !page_aligned(e->len) ||
	    e->off > m->len || e->len > m->len - e->off)
		return fail(x, off, "container %u mapping %u extent %u: offset 0x%llx, "
			    "%llu bytes (page multiples, not empty, inside the "
			    "mapping's %llu bytes)", ci, mi, ei,
			    (unsigned long long)e->off, (unsigned long long)e->len,
			    (unsigned long long)m->len);
	if (prev && e->off < prev->off + prev->len)
		return fail(x, off, "container %u mapping %u extent %u: offset 0x%llx "
			    "before the end of the one before (0x%llx)", ci, mi, ei,
			    (unsigned long long)e->off,
			    (unsigned long long)(prev->off + prev->len));
	return 0;
}

/* ==== reading ============================================================= */

struct rd {
	struct ctx x;
	const uint8_t *b;
	uint64_t len;
	uint64_t pos;        /* the next section header */
	uint32_t flags;
	struct sha256 sha;
};

struct sec {
	uint32_t type, count;
	uint64_t at;         /* its header */
	uint64_t off, len;   /* its payload */
};

/* Read the section header at r->pos; check it, its payload's place, CRC
 * and padding; hash what the digest covers; move r->pos past it.  want:
 * the type expected, or 0 for PAD or PAGES. */
static int section(struct rd *r, uint32_t want, struct sec *s)
{
	const uint8_t *h = r->b + r->pos;
	uint64_t left = r->len - r->pos, end, padded;
	const char *name;

	s->at = r->pos;
	if (left < CK_SECTION_LEN)
		return fail(&r->x, r->pos, "the file ends inside a section header "
			    "(%llu of %u bytes; truncated?)", (unsigned long long)left,
			    CK_SECTION_LEN);
	if (crc32c(0, h, 20) != le32(h + 20))
		return fail(&r->x, r->pos, "section header checksum 0x%08x, 0x%08x "
			    "stored (damaged)", crc32c(0, h, 20), le32(h + 20));
	s->type = le32(h);
	s->len = le64(h + 8);
	s->count = le32(h + 16);
	s->off = r->pos + CK_SECTION_LEN;
	if (s->type < CK_S_HOST || s->type > CK_S_CNEWS)
		return fail(&r->x, r->pos, "unknown section type %u", s->type);
	name = sec_name[s->type];
	if (want ? s->type != want : s->type != CK_S_PAD && s->type != CK_S_PAGES)
		return fail(&r->x, r->pos, "a %s section where %s was expected", name,
			    want ? sec_name[want] : "PAD or PAGES");
	if (s->len > left - CK_SECTION_LEN)
		return fail(&r->x, r->pos, "%s section of %llu bytes runs past the end "
			    "of the file (%llu bytes left; truncated?)", name,
			    (unsigned long long)s->len,
			    (unsigned long long)(left - CK_SECTION_LEN));
	end = s->off + s->len;
	padded = (end + 7) & ~7ull;
	if (padded > r->len)
		return fail(&r->x, end, "the file ends inside the padding after the "
			    "%s section (truncated?)", name);
	for (uint64_t i = end; i < padded; i++)
		if (r->b[i] != 0)
			return fail(&r->x, i, "nonzero padding after the %s section", name);
	if (s->type != CK_S_END) {
		uint32_t crc = crc32c(0, r->b + s->off, s->len);
		if (crc != le32(h + 4))
			return fail(&r->x, r->pos, "%s section checksum 0x%08x, 0x%08x "
				    "stored (damaged)", name, crc, le32(h + 4));
		sha256_update(&r->sha, h, CK_SECTION_LEN);
		if (s->type != CK_S_PAGES || (r->flags & CK_F_DIGEST_PAGES))
			sha256_update(&r->sha, r->b + s->off, s->len);
		sha256_update(&r->sha, r->b + end, padded - end);
	}
	r->pos = padded;
	return 0;
}

/* A section whose payload is count records of fixed size. */
static int fixed(struct rd *r, const struct sec *s, uint32_t want_count, uint64_t size)
{
	if (s->count != want_count)
		return fail(&r->x, s->at, "%s section of %u records, %u expected",
			    sec_name[s->type], s->count, want_count);
	if (s->len != (uint64_t)want_count * size)
		return fail(&r->x, s->at, "%s section of %llu bytes, %llu expected",
			    sec_name[s->type], (unsigned long long)s->len,
			    (unsigned long long)want_count * size);
	return 0;
}

/* A cursor inside one section's payload. */
struct cur {
	struct rd *r;
	const struct sec *s;
	uint64_t at, end;
};

static int need(struct cur *c, uint64_t n, const char *what, uint32_t i)
{
	if (c->end - c->at < n)
		return fail(&c->r->x, c->at, "%s section: %s %u runs past the section's "
			    "end (%llu bytes left)", sec_name[c->s->type], what, i,
			    (unsigned long long)(c->end - c->at));
	return 0;
}

static uint32_t g32(struct cur *c)
{
	uint32_t v = le32(c->r->b + c->at);
	c->at += 4;
	return v;
}

static uint64_t g64(struct cur *c)
{
	uint64_t v = le64(c->r->b + c->at);
	c->at += 8;
	return v;
}

static void gbytes(struct cur *c, void *dst, size_t n)
{
	memcpy(dst, c->r->b + c->at, n);
	c->at += n;
}

/* n bytes in place, then padding to 8 (zero). */
static int gblob(struct cur *c, uint64_t n, const uint8_t **p, const char *what, uint32_t i)
{
	uint64_t padded = ((uint64_t)n + 7) & ~7ull;

	if (need(c, padded, what, i) < 0)
		return -1;
	*p = c->r->b + c->at;
	for (uint64_t k = n; k < padded; k++)
		if (c->r->b[c->at + k] != 0)
			return fail(&c->r->x, c->at + k, "%s section: nonzero padding "
				    "after %s %u", sec_name[c->s->type], what, i);
	c->at += padded;
	return 0;
}

static int ended(struct cur *c)
{
	if (c->at != c->end)
		return fail(&c->r->x, c->at, "%s section: %llu bytes after its last record",
			    sec_name[c->s->type], (unsigned long long)(c->end - c->at));
	return 0;
}

static void cur_init(struct cur *c, struct rd *r, const struct sec *s)
{
	c->r = r;
	c->s = s;
	c->at = s->off;
	c->end = s->off + s->len;
}

/* The count of a section of variable records, checked against what the
 * model says and against the bytes there are (before anything is
 * allocated for them). */
static int counted(struct rd *r, const struct sec *s, uint32_t want, uint64_t min)
{
	if (s->count != want)
		return fail(&r->x, s->at, "%s section of %u records, %u expected",
			    sec_name[s->type], s->count, want);
	if ((uint64_t)want * min > s->len)
		return fail(&r->x, s->at, "%s section of %llu bytes is too short for "
			    "its %u records", sec_name[s->type],
			    (unsigned long long)s->len, want);
	return 0;
}

static int read_host(struct rd *r, struct ck_run *out)
{
	struct sec s;
	struct cur c;
	struct ck_host *h = &out->host;

	if (section(r, CK_S_HOST, &s) < 0 || fixed(r, &s, 1, HOST_LEN) < 0)
		return -1;
	cur_init(&c, r, &s);
	gbytes(&c, h->kernel, sizeof(h->kernel));
	for (unsigned i = sizeof(h->kernel); i < 72; i++)
		if (r->b[c.at++] != 0)
			return fail(&r->x, c.at - 1, "HOST: nonzero padding after the "
				    "kernel release");
	h->page_size = g32(&c);
	h->xstate_size = g32(&c);
	h->xcr0 = g64(&c);
	h->cpuid_1_ecx = g32(&c);
	h->cpuid_1_edx = g32(&c);
	h->cpuid_7_ebx = g32(&c);
	h->cpuid_7_ecx = g32(&c);
	gbytes(&c, h->syscalls_sha256, 32);
	h->vdso_len = g64(&c);
	h->vvar_len = g64(&c);
	h->cpuid_7_edx = g32(&c);
	h->cpuid_7_1_eax = g32(&c);
	h->cpuid_d_1_eax = g32(&c);
	h->cpuid_x1_ecx = g32(&c);
	h->cpuid_x1_edx = g32(&c);
	if (g32(&c) != 0)
		return fail(&r->x, c.at - 4, "HOST: nonzero padding at its end");
	return check_host(&r->x, h, s.off);
}

static int read_run(struct rd *r, struct ck_run *out)
{
	struct sec s;
	struct cur c;

	if (section(r, CK_S_RUN, &s) < 0 || fixed(r, &s, 1, RUN_LEN) < 0)
		return -1;
	cur_init(&c, r, &s);
	out->ncontainers = g32(&c);
	out->nstreams = g32(&c);
	out->wall_ns = g64(&c);
	out->nstages = g32(&c);
	out->first_status = (int32_t)g32(&c);
	gbytes(&c, out->policy_sha256, 32);
	if (check_run(&r->x, out, s.off) < 0)
		return -1;
	if ((uint64_t)out->ncontainers * CONTAINER_MIN_BYTES > r->len ||
	    (uint64_t)out->nstreams * STREAM_MIN > r->len ||
	    (uint64_t)out->nstages * STAGE_LEN > r->len)
		return fail(&r->x, s.off, "RUN: %u containers, %u streams and %u "
			    "stages cannot fit in %llu bytes", out->ncontainers,
			    out->nstreams, out->nstages, (unsigned long long)r->len);
	out->containers = calloc(out->ncontainers, sizeof(*out->containers));
	out->streams = calloc(out->nstreams ? out->nstreams : 1, sizeof(*out->streams));
	out->stages = calloc(out->nstages ? out->nstages : 1, sizeof(*out->stages));
	if (!out->containers || !out->streams || !out->stages)
		return fail(&r->x, s.off, "RUN: out of memory");
	return 0;
}

static int read_stages(struct rd *r, struct ck_run *out)
{
	struct sec s;
	struct cur c;
	if (section(r, CK_S_STAGES, &s) < 0 || fixed(r, &s, out->nstages, STAGE_LEN) < 0)
		return -1;
	cur_init(&c, r, &s);
	for (uint32_t i = 0; i < out->nstages; i++) {
		uint64_t at = c.at;
		out->stages[i].status = (int32_t)g32(&c);
		if (g32(&c) != 0)
			return fail(&r->x, c.at - 4, "stage %u: nonzero padding", i);
		if (check_stage(&r->x, i, &out->stages[i], at) < 0)
			return -1;
	}
	return 0;
}

static int read_streams(struct rd *r, struct ck_run *out)
{
	struct sec s;
	struct cur c;

	if (section(r, CK_S_STREAMS, &s) < 0 || counted(r, &s, out->nstreams, STREAM_MIN) < 0)
		return -1;
	cur_init(&c, r, &s);
	for (uint32_t i = 0; i < out->nstreams; i++) {
		struct ck_stream *st = &out->streams[i];
		uint64_t at = c.at;
		if (need(&c, STREAM_MIN, "stream", i) < 0)
			return -1;
		st->capacity = g32(&c);
		st->len = g32(&c);
		if (check_stream(&r->x, i, st, at) < 0 ||
		    gblob(&c, st->len, &st->bytes, "stream", i) < 0)
			return -1;
	}
	return ended(&c);
}

static int read_container(struct rd *r, struct ck_run *out, uint32_t ci)
{
	struct ck_container *k = &out->containers[ci];
	struct sec s;
	struct cur c;

	if (section(r, CK_S_CONTAINER, &s) < 0)
		return -1;
	if (s.count != 1 || s.len < CONTAINER_LEN)
		return fail(&r->x, s.at, "CONTAINER section of %u records, %llu bytes "
			    "(1, at least %u)", s.count, (unsigned long long)s.len,
			    CONTAINER_LEN);
	cur_init(&c, r, &s);
	k->id = g32(&c);
	k->parent = (int32_t)g32(&c);
	k->cid = (int32_t)g32(&c);
	k->next_cid = (int32_t)g32(&c);
	gbytes(&c, k->name, sizeof(k->name));
	k->start_brk = g64(&c);
	k->brk = g64(&c);
	k->vdso = g64(&c);
	k->vvar = g64(&c);
	k->vdso_syscall = g64(&c);
	k->nsigq = g32(&c);
	if (g32(&c) != 0)
		return fail(&r->x, c.at - 4, "container %u: nonzero padding", ci);
	for (unsigned i = 0; i < CK_NSIG; i++) {
		k->act[i].handler = g64(&c);
		k->act[i].flags = g64(&c);
		k->act[i].restorer = g64(&c);
		k->act[i].mask = g64(&c);
	}
	k->nthreads = g32(&c);
	k->nmaps = g32(&c);
	k->nfds = g32(&c);
	k->stage = g32(&c);
	if (check_container(&r->x, out, ci, k, s.off) < 0)
		return -1;
	/* Then its shared pending signals. */
	if (s.len != CONTAINER_LEN + (uint64_t)k->nsigq * CK_SIGINFO_LEN)
		return fail(&r->x, s.at, "CONTAINER section of %llu bytes, %llu "
			    "expected (the record and its %u shared signals)",
			    (unsigned long long)s.len,
			    (unsigned long long)(CONTAINER_LEN +
						 (uint64_t)k->nsigq * CK_SIGINFO_LEN),
			    k->nsigq);
	/* into buf: never written through (ckfile.h) */
	k->sigq = k->nsigq ? (const struct ck_siginfo *)(r->b + c.at) : NULL;
	return check_sigq(&r->x, ci, -1, k->nsigq, k->sigq, c.at);
}

static int read_threads(struct rd *r, struct ck_container *k, uint32_t ci)
{
	struct sec s;
	struct cur c;

	if (section(r, CK_S_THREADS, &s) < 0 || counted(r, &s, k->nthreads, THREAD_MIN) < 0)
		return -1;
	k->threads = calloc(k->nthreads, sizeof(*k->threads));
	if (!k->threads)
		return fail(&r->x, s.at, "THREADS: out of memory");
	cur_init(&c, r, &s);
	for (uint32_t i = 0; i < k->nthreads; i++) {
		struct ck_thread *t = &k->threads[i];
		uint64_t at = c.at;
		const uint8_t *xs;
		if (need(&c, THREAD_MIN, "thread", i) < 0)
			return -1;
		t->flags = g32(&c);
		t->tid = g32(&c);
		for (unsigned j = 0; j < CK_NREGS; j++)
			t->regs[j] = g64(&c);
		t->sigmask = g64(&c);
		t->nsigq = g32(&c);
		if (g32(&c) != 0)
			return fail(&r->x, c.at - 4, "container %u thread %u: nonzero "
				    "padding", ci, i);
		t->ss_sp = g64(&c);
		t->ss_size = g64(&c);
		t->ss_flags = g32(&c);
		t->xstate_len = g32(&c);
		t->robust_head = g64(&c);
		t->robust_len = g64(&c);
		t->clear_tid = g64(&c);
		if (check_thread(&r->x, ci, i, t, at) < 0 ||
		    gblob(&c, t->xstate_len, &xs, "thread", i) < 0)
			return -1;
		/* into buf: never written through (ckfile.h) */
		t->xstate = t->xstate_len ? (uint8_t *)(uintptr_t)xs : NULL;
		/* Then its pending signals. */
		if (need(&c, (uint64_t)t->nsigq * CK_SIGINFO_LEN, "thread", i) < 0)
			return -1;
		t->sigq = t->nsigq ? (const struct ck_siginfo *)(r->b + c.at) : NULL;
		if (check_sigq(&r->x, ci, i, t->nsigq, t->sigq, c.at) < 0)
			return -1;
		c.at += (uint64_t)t->nsigq * CK_SIGINFO_LEN;
	}
	return ended(&c);
}

static int read_fds(struct rd *r, const struct ck_run *out, struct ck_container *k, uint32_t ci)
{
	struct sec s;
	struct cur c;

	if (section(r, CK_S_FDS, &s) < 0 || fixed(r, &s, k->nfds, FD_LEN) < 0)
		return -1;
	k->fds = calloc(k->nfds ? k->nfds : 1, sizeof(*k->fds));
	if (!k->fds)
		return fail(&r->x, s.at, "FDS: out of memory");
	cur_init(&c, r, &s);
	for (uint32_t i = 0; i < k->nfds; i++) {
		struct ck_fd *f = &k->fds[i];
		uint64_t at = c.at;
		f->num = (int32_t)g32(&c);
		f->kind = g32(&c);
		f->role = g32(&c);
		f->stream = g32(&c);
		f->status = g32(&c);
		f->cloexec = g32(&c);
		f->offset = g64(&c);
		if (check_fd(&r->x, out, ci, i, f, i ? f - 1 : NULL, at) < 0)
			return -1;
	}
	return 0;
}

/* The private objects: one record for each CK_FD_OBJECT of k->fds. */
static int read_objs(struct rd *r, struct ck_container *k, uint32_t ci)
{
	struct sec s;
	struct cur c;
	uint32_t want = 0, j = 0;

	for (uint32_t i = 0; i < k->nfds; i++)
		want += k->fds[i].kind == CK_FD_OBJECT;
	if (section(r, CK_S_OBJECTS, &s) < 0 || counted(r, &s, want, OBJ_MIN) < 0)
		return -1;
	k->objs = calloc(want ? want : 1, sizeof(*k->objs));
	if (!k->objs)
		return fail(&r->x, s.at, "OBJECTS: out of memory");
	cur_init(&c, r, &s);
	for (uint32_t i = 0; i < want; i++) {
		struct ck_obj *o = &k->objs[i];
		uint64_t at = c.at;
		while (k->fds[j].kind != CK_FD_OBJECT)
			j++;
		if (need(&c, OBJ_MIN, "object", i) < 0)
			return -1;
		o->num = (int32_t)g32(&c);
		o->kind = g32(&c);
		o->flags = g32(&c);
		o->clockid = g32(&c);
		o->count = g64(&c);
		o->value_ns = g64(&c);
		o->interval_ns = g64(&c);
		o->nregs = g32(&c);
		o->pad0 = 0;
		if (g32(&c) != 0)
			return fail(&r->x, c.at - 4, "container %u object %u: nonzero "
				    "padding", ci, i);
		if (check_obj(&r->x, ci, o, k->fds[j++].num, at) < 0)
			return -1;
		if ((uint64_t)o->nregs * REG_LEN > c.end - c.at)
			return fail(&r->x, at, "container %u epoll set %d: %u registrations "
				    "run past the section's end", ci, o->num, o->nregs);
		k->nobjs = i + 1;
		if (o->nregs == 0)
			continue;
		o->regs = calloc(o->nregs, sizeof(*o->regs));
		if (!o->regs)
			return fail(&r->x, at, "container %u object %u: out of memory", ci, i);
		for (uint32_t g = 0; g < o->nregs; g++) {
			o->regs[g].tfd = (int32_t)g32(&c);
			o->regs[g].events = g32(&c);
			o->regs[g].data = g64(&c);
		}
	}
	for (uint32_t i = 0; i < want; i++)
		if (check_regs(&r->x, ci, k, &k->objs[i], s.off) < 0)
			return -1;
	return ended(&c);
}

/* The cnews wound back (CNEWS): records of variable length. */
static int read_codes(struct rd *r, struct ck_container *k, uint32_t ci)
{
	struct sec s;
	struct cur c;

	if (section(r, CK_S_CNEWS, &s) < 0)
		return -1;
	if ((uint64_t)s.count > (uint64_t)k->nthreads * k->nfds)
		return fail(&r->x, s.at, "container %u: %u cnews wound back for %u "
			    "threads and %u descriptors", ci, s.count, k->nthreads,
			    k->nfds);
	if (counted(r, &s, s.count, CODE_MIN) < 0)
		return -1;
	k->codes = calloc(s.count ? s.count : 1, sizeof(*k->codes));
	if (!k->codes)
		return fail(&r->x, s.at, "CNEWS: out of memory");
	cur_init(&c, r, &s);
	for (uint32_t i = 0; i < s.count; i++) {
		struct ck_code *cd = &k->codes[i];
		uint64_t at = c.at;
		if (need(&c, CODE_MIN, "cnew", i) < 0)
			return -1;
		cd->thread = g32(&c);
		cd->fd = (int32_t)g32(&c);
		cd->len = g64(&c);
		if (check_code(&r->x, ci, k, i, cd, i ? cd - 1 : NULL, at) < 0)
			return -1;
		if (cd->len > c.end - c.at)
			return fail(&r->x, at, "container %u cnew %u: %llu bytes run past "
				    "the section's end", ci, i, (unsigned long long)cd->len);
		if (gblob(&c, cd->len, &cd->bytes, "cnew", i) < 0)
			return -1;
		k->ncodes = i + 1;
	}
	return ended(&c);
}

/* The maps; *pages: the bytes their extents need in PAGES. */
static int read_maps(struct rd *r, struct ck_container *k, uint32_t ci, uint64_t *pages)
{
	struct sec s;
	struct cur c;

	*pages = 0;
	if (section(r, CK_S_MAPS, &s) < 0 || counted(r, &s, k->nmaps, MAP_MIN) < 0)
		return -1;
	k->maps = calloc(k->nmaps ? k->nmaps : 1, sizeof(*k->maps));
	if (!k->maps)
		return fail(&r->x, s.at, "MAPS: out of memory");
	cur_init(&c, r, &s);
	for (uint32_t i = 0; i < k->nmaps; i++) {
		struct ck_mapping *m = &k->maps[i];
		uint64_t at = c.at;
		if (need(&c, MAP_MIN, "mapping", i) < 0)
			return -1;
		m->start = g64(&c);
		m->len = g64(&c);
		m->prot = g32(&c);
		m->kind = g32(&c);
		m->nextents = g32(&c);
		m->pad0 = 0;
		if (g32(&c) != 0)
			return fail(&r->x, c.at - 4, "container %u mapping %u: nonzero "
				    "padding", ci, i);
		if (check_map(&r->x, ci, i, m, i ? m - 1 : NULL, at) < 0)
			return -1;
		if ((uint64_t)m->nextents * EXTENT_LEN > c.end - c.at)
			return fail(&r->x, at, "container %u mapping %u: %u extents run "
				    "past the section's end", ci, i, m->nextents);
		if (m->nextents == 0)
			continue;
		m->extents = calloc(m->nextents, sizeof(*m->extents));
		if (!m->extents)
			return fail(&r->x, at, "container %u mapping %u: out of memory",
				    ci, i);
		for (uint32_t j = 0; j < m->nextents; j++) {
			struct ck_extent *e = &m->extents[j];
			uint64_t eat = c.at;
			e->off = g64(&c);
			e->len = g64(&c);
			e->file_off = g64(&c);
			if (check_extent(&r->x, ci, i, j, m, e, j ? e - 1 : NULL, eat) < 0)
				return -1;
			*pages += e->len;
		}
	}
	return ended(&c);
}

/* [PAD] PAGES: the extents' bytes, in order, from a 4096-aligned offset. */
static int read_pages(struct rd *r, struct ck_container *k, uint32_t ci, uint64_t pages)
{
	struct sec s;
	uint64_t at;

	if (section(r, 0, &s) < 0)
		return -1;
	if (s.type == CK_S_PAD) {
		if (s.count != 0 || s.len >= CK_FILE_ALIGN)
			return fail(&r->x, s.at, "PAD section of %llu bytes, %u records "
				    "(under %u bytes, none)", (unsigned long long)s.len,
				    s.count, CK_FILE_ALIGN);
		for (uint64_t i = 0; i < s.len; i++)
			if (r->b[s.off + i] != 0)
				return fail(&r->x, s.off + i, "PAD section: a nonzero byte");
		if (section(r, CK_S_PAGES, &s) < 0)
			return -1;
	}
	if (s.off % CK_FILE_ALIGN != 0)
		return fail(&r->x, s.at, "PAGES section of container %u: its bytes start "
			    "at %llu, not a multiple of %u", ci, (unsigned long long)s.off,
			    CK_FILE_ALIGN);
	if (s.len != pages || s.count != 0)
		return fail(&r->x, s.at, "PAGES section of container %u: %llu bytes, %u "
			    "records (its extents hold %llu bytes; no records)", ci,
			    (unsigned long long)s.len, s.count, (unsigned long long)pages);
	at = s.off;
	for (uint32_t i = 0; i < k->nmaps; i++)
		for (uint32_t j = 0; j < k->maps[i].nextents; j++) {
			struct ck_extent *e = &k->maps[i].extents[j];
			if (e->file_off != at)
				return fail(&r->x, s.at, "container %u mapping %u extent %u: "
					    "its bytes said to be at %llu, they are at %llu",
					    ci, i, j, (unsigned long long)e->file_off,
					    (unsigned long long)at);
			e->data = r->b + at;
			at += e->len;
		}
	return 0;
}

static int read_end(struct rd *r)
{
	struct sec s;
	unsigned char d[32];

	if (section(r, CK_S_END, &s) < 0 || fixed(r, &s, 1, 32) < 0)
		return -1;
	if (crc32c(0, r->b + s.off, 32) != le32(r->b + s.at + 4))
		return fail(&r->x, s.at, "END section checksum 0x%08x, 0x%08x stored "
			    "(damaged)", crc32c(0, r->b + s.off, 32), le32(r->b + s.at + 4));
	sha256_final(&r->sha, d);
	if (memcmp(d, r->b + s.off, 32) != 0)
		return fail(&r->x, s.off, "the file's SHA-256 does not match the one in "
			    "END (damaged)");
	if (r->pos != r->len)
		return fail(&r->x, r->pos, "%llu bytes after the END section",
			    (unsigned long long)(r->len - r->pos));
	return 0;
}

int ck_read(const void *buf, size_t len, struct ck_run *out, char *err, size_t errlen)
{
	struct rd r = { .x = { err, errlen }, .b = buf, .len = len };
	uint32_t fv, mv;

	memset(out, 0, sizeof(*out));
	if (len < CK_HEADER_LEN)
		return fail(&r.x, 0, "%zu bytes, shorter than a checkpoint header (%u; "
			    "truncated?)", len, CK_HEADER_LEN);
	if (memcmp(r.b, CK_MAGIC, 8) != 0)
		return fail(&r.x, 0, "not a minos checkpoint (no %s at its start)", CK_MAGIC);
	if (crc32c(0, r.b, 20) != le32(r.b + 20))
		return fail(&r.x, 0, "header checksum 0x%08x, 0x%08x stored (damaged)",
			    crc32c(0, r.b, 20), le32(r.b + 20));
	fv = le32(r.b + 8);
	mv = le32(r.b + 12);
	r.flags = le32(r.b + 16);
	if (fv != CK_FILE_VERSION)
		return fail(&r.x, 8, "format version %u; this minos-exec reads %u", fv,
			    CK_FILE_VERSION);
	if (mv != CK_MODEL_VERSION)
		return fail(&r.x, 12, "model version %u; this minos-exec reads %u", mv,
			    CK_MODEL_VERSION);
	if (r.flags & ~CK_F_KNOWN)
		return fail(&r.x, 16, "unknown flags 0x%x", r.flags & ~CK_F_KNOWN);
	out->version = mv;
	sha256_init(&r.sha);
	sha256_update(&r.sha, r.b, CK_HEADER_LEN);
	r.pos = CK_HEADER_LEN;
	if (read_host(&r, out) < 0 || read_run(&r, out) < 0 || read_streams(&r, out) < 0 ||
	    read_stages(&r, out) < 0)
		goto bad;
	for (uint32_t ci = 0; ci < out->ncontainers; ci++) {
		struct ck_container *k = &out->containers[ci];
		uint64_t pages;
		if (read_container(&r, out, ci) < 0 || read_threads(&r, k, ci) < 0 ||
		    read_fds(&r, out, k, ci) < 0 || read_objs(&r, k, ci) < 0 ||
		    read_codes(&r, k, ci) < 0 || read_maps(&r, k, ci, &pages) < 0)
			goto bad;
		if (pages > 0 && read_pages(&r, k, ci, pages) < 0)
			goto bad;
	}
	if (check_roots(&r.x, out, r.pos) < 0 || read_end(&r) < 0)
		goto bad;
	return 0;
bad:
	ck_free(out);
	return -1;
}

void ck_free(struct ck_run *run)
{
	if (run->containers)
		for (uint32_t i = 0; i < run->ncontainers; i++) {
			struct ck_container *k = &run->containers[i];
			if (k->maps)
				for (uint32_t j = 0; j < k->nmaps; j++)
					free(k->maps[j].extents);
			if (k->objs)
				for (uint32_t j = 0; j < k->nobjs; j++)
					free(k->objs[j].regs);
			free(k->threads);
			free(k->maps);
			free(k->fds);
			free(k->objs);
			free(k->codes);
		}
	free(run->containers);
	free(run->streams);
	free(run->stages);
	memset(run, 0, sizeof(*run));
}

/* ==== writing ============================================================= */

/* The file but its PAGES payloads, built before anything is written; the
 * page runs go between, from the model's memory. */
struct run_ref {
	const uint8_t *data;  /* NULL: read through the source, at addr */
	uint64_t len;
	uint64_t addr;
	uint32_t ci;
};

struct gap {
	size_t meta;          /* where in meta the payload goes */
	size_t first, n;      /* its runs: runs[first .. first + n) */
	uint32_t crc;         /* PAGES' CRC-32C, as its header says */
};

struct wr {
	struct ctx x;
	uint8_t *meta;
	size_t len, cap;
	bool oom;
	uint64_t pages;       /* page bytes before meta[len] in the file */
	struct run_ref *runs;
	size_t nruns, capruns;
	struct gap *gaps;
	size_t ngaps, capgaps;
	const struct ck_source *src; /* for extents without data */
	uint8_t *scratch;            /* CK_FETCH bytes, read into */
};

static uint64_t w_off(const struct wr *w)
{
	return w->len + w->pages;
}

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return true;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * size);
	if (!q)
		return false;
	*p = q;
	*cap = n;
	return true;
}

static uint8_t *w_take(struct wr *w, size_t n)
{
	if (w->oom || !grow((void **)&w->meta, &w->cap, w->len + n, 1)) {
		w->oom = true;
		return NULL;
	}
	memset(w->meta + w->len, 0, n);
	w->len += n;
	return w->meta + w->len - n;
}

static void w32(struct wr *w, uint32_t v)
{
	uint8_t *p = w_take(w, 4);
	if (p)
		st32(p, v);
}

static void w64(struct wr *w, uint64_t v)
{
	uint8_t *p = w_take(w, 8);
	if (p)
		st64(p, v);
}

static void wbytes(struct wr *w, const void *src, size_t n)
{
	uint8_t *p = w_take(w, n);
	if (p && n)
		memcpy(p, src, n);
}

static void wpad8(struct wr *w)
{
	w_take(w, (8 - (w->len & 7)) & 7);
}

/* Start a section: its header, filled by sec_end(). */
static size_t sec_begin(struct wr *w)
{
	size_t at = w->len;
	w_take(w, CK_SECTION_LEN);
	return at;
}

static void sec_head(struct wr *w, size_t at, uint32_t type, uint64_t len,
		     uint32_t count, uint32_t crc)
{
	uint8_t *h;

	if (w->oom)
		return;
	h = w->meta + at;
	st32(h, type);
	st32(h + 4, crc);
	st64(h + 8, len);
	st32(h + 16, count);
	st32(h + 20, crc32c(0, h, 20));
}

static void sec_end(struct wr *w, size_t at, uint32_t type, uint32_t count)
{
	size_t len = w->len - at - CK_SECTION_LEN;

	if (w->oom)
		return;
	sec_head(w, at, type, len, count, crc32c(0, w->meta + at + CK_SECTION_LEN, len));
	wpad8(w);
}

static bool zero_page(const uint8_t *p)
{
	for (unsigned i = 0; i < CK_PAGE; i += 64) {
		uint64_t q[8];
		memcpy(q, p + i, sizeof(q));
		if (q[0] | q[1] | q[2] | q[3] | q[4] | q[5] | q[6] | q[7])
			return false;
	}
	return true;
}

/* Read len bytes at addr through the source into the scratch buffer. */
static int fetch(struct wr *w, uint32_t ci, uint64_t addr, size_t len)
{
	if (!w->scratch && !(w->scratch = malloc(CK_FETCH)))
		return fail(&w->x, w_off(w), "out of memory");
	if (w->src->read(w->src->ctx, ci, addr, w->scratch, len) < 0)
		return fail(&w->x, w_off(w), "container %u: cannot read its memory "
			    "at %#llx: %s", ci, (unsigned long long)addr, strerror(errno));
	return 0;
}

/* split() for an extent read through the source: its non-zero pages, a
 * chunk at a time, runs of them merged. */
static int split_fetched(struct wr *w, uint32_t ci, const struct ck_mapping *m,
			 const struct ck_extent *e, struct ck_extent **ex,
			 size_t *nex, size_t *capex, uint32_t *crc)
{
	bool open = false; /* the last run and extent end where this page is */
	for (uint64_t p = 0; p < e->len;) {
		size_t n = e->len - p < CK_FETCH ? (size_t)(e->len - p) : CK_FETCH;
		if (fetch(w, ci, m->start + e->off + p, n) < 0)
			return -1;
		for (size_t q = 0; q < n; q += CK_PAGE) {
			const uint8_t *pg = w->scratch + q;
			if (zero_page(pg)) {
				open = false;
				continue;
			}
			*crc = crc32c(*crc, pg, CK_PAGE);
			if (open) {
				(*ex)[*nex - 1].len += CK_PAGE;
				w->runs[w->nruns - 1].len += CK_PAGE;
				continue;
			}
			if (!grow((void **)ex, capex, *nex + 1, sizeof(**ex)) ||
			    !grow((void **)&w->runs, &w->capruns, w->nruns + 1,
				  sizeof(*w->runs)))
				return fail(&w->x, w_off(w), "out of memory");
			(*ex)[(*nex)++] = (struct ck_extent){ .off = e->off + p + q,
							      .len = CK_PAGE };
			w->runs[w->nruns++] = (struct run_ref){
				NULL, CK_PAGE, m->start + e->off + p + q, ci };
			open = true;
		}
		p += n;
	}
	return 0;
}

/* One mapping's extents without their all-zero pages, appended to
 * w->runs as (data, len) and to *ex as extents (file_off filled later). */
static int split(struct wr *w, uint32_t ci, uint32_t mi, const struct ck_mapping *m,
		 struct ck_extent **ex, size_t *nex, size_t *capex, uint32_t *crc)
{
	for (uint32_t j = 0; j < m->nextents; j++) {
		const struct ck_extent *e = &m->extents[j];
		uint64_t p = 0;
		if (!e->data && w->src) {
			if (split_fetched(w, ci, m, e, ex, nex, capex, crc) < 0)
				return -1;
			continue;
		}
		if (!e->data)
			return fail(&w->x, w_off(w), "container %u mapping %u extent %u: "
				    "its bytes are not in memory", ci, mi, j);
		while (p < e->len) {
			uint64_t q;
			while (p < e->len && zero_page(e->data + p))
				p += CK_PAGE;
			if (p == e->len)
				break;
			q = p + CK_PAGE;
			while (q < e->len && !zero_page(e->data + q))
				q += CK_PAGE;
			if (!grow((void **)ex, capex, *nex + 1, sizeof(**ex)) ||
			    !grow((void **)&w->runs, &w->capruns, w->nruns + 1,
				  sizeof(*w->runs)))
				return fail(&w->x, w_off(w), "out of memory");
			(*ex)[*nex] = (struct ck_extent){ .off = e->off + p, .len = q - p,
							  .data = e->data + p };
			(*nex)++;
			w->runs[w->nruns++] = (struct run_ref){ e->data + p, q - p, 0, ci };
			*crc = crc32c(*crc, e->data + p, q - p);
			p = q;
		}
	}
	return 0;
}

static void w_host(struct wr *w, const struct ck_host *h)
{
	size_t at = sec_begin(w);
	uint8_t kernel[72] = { 0 };

	memcpy(kernel, h->kernel, sizeof(h->kernel));
	wbytes(w, kernel, sizeof(kernel));
	w32(w, h->page_size);
	w32(w, h->xstate_size);
	w64(w, h->xcr0);
	w32(w, h->cpuid_1_ecx);
	w32(w, h->cpuid_1_edx);
	w32(w, h->cpuid_7_ebx);
	w32(w, h->cpuid_7_ecx);
	wbytes(w, h->syscalls_sha256, 32);
	w64(w, h->vdso_len);
	w64(w, h->vvar_len);
	w32(w, h->cpuid_7_edx);
	w32(w, h->cpuid_7_1_eax);
	w32(w, h->cpuid_d_1_eax);
	w32(w, h->cpuid_x1_ecx);
	w32(w, h->cpuid_x1_edx);
	w32(w, 0);
	sec_end(w, at, CK_S_HOST, 1);
}

static int w_container(struct wr *w, const struct ck_run *run, uint32_t ci, bool check)
{
	const struct ck_container *k = &run->containers[ci];
	struct ck_extent *ex = NULL;
	uint32_t *nex_of = NULL;
	size_t nex = 0, capex = 0, at, first_run;
	uint64_t pages = 0, maps_len, maps_at, pages_at;
	uint32_t crc = 0;
	int rc = -1;

	at = sec_begin(w);
	if (check && check_container(&w->x, run, ci, k, w_off(w)) < 0)
		return -1;
	w32(w, k->id);
	w32(w, (uint32_t)k->parent);
	w32(w, (uint32_t)k->cid);
	w32(w, (uint32_t)k->next_cid);
	wbytes(w, k->name, sizeof(k->name));
	w64(w, k->start_brk);
	w64(w, k->brk);
	w64(w, k->vdso);
	w64(w, k->vvar);
	w64(w, k->vdso_syscall);
	w32(w, k->nsigq);
	w32(w, 0);
	for (unsigned i = 0; i < CK_NSIG; i++) {
		w64(w, k->act[i].handler);
		w64(w, k->act[i].flags);
		w64(w, k->act[i].restorer);
		w64(w, k->act[i].mask);
	}
	w32(w, k->nthreads);
	w32(w, k->nmaps);
	w32(w, k->nfds);
	w32(w, k->stage);
	if (k->nsigq && !k->sigq)
		return fail(&w->x, w_off(w), "container %u: %u shared signals "
			    "without their bytes", ci, k->nsigq);
	if (check && check_sigq(&w->x, ci, -1, k->nsigq, k->sigq, w_off(w)) < 0)
		return -1;
	wbytes(w, k->sigq, (size_t)k->nsigq * CK_SIGINFO_LEN);
	sec_end(w, at, CK_S_CONTAINER, 1);

	at = sec_begin(w);
	for (uint32_t i = 0; i < k->nthreads; i++) {
		const struct ck_thread *t = &k->threads[i];
		if (check && check_thread(&w->x, ci, i, t, w_off(w)) < 0)
			return -1;
		w32(w, t->flags);
		w32(w, t->tid);
		for (unsigned j = 0; j < CK_NREGS; j++)
			w64(w, t->regs[j]);
		w64(w, t->sigmask);
		w32(w, t->nsigq);
		w32(w, 0);
		w64(w, t->ss_sp);
		w64(w, t->ss_size);
		w32(w, t->ss_flags);
		w32(w, t->xstate_len);
		w64(w, t->robust_head);
		w64(w, t->robust_len);
		w64(w, t->clear_tid);
		if (t->xstate_len && !t->xstate)
			return fail(&w->x, w_off(w), "container %u thread %u: xstate "
				    "of %u bytes without its bytes", ci, i, t->xstate_len);
		wbytes(w, t->xstate, t->xstate_len);
		wpad8(w);
		if (t->nsigq && !t->sigq)
			return fail(&w->x, w_off(w), "container %u thread %u: %u "
				    "signals without their bytes", ci, i, t->nsigq);
		if (check && check_sigq(&w->x, ci, i, t->nsigq, t->sigq, w_off(w)) < 0)
			return -1;
		wbytes(w, t->sigq, (size_t)t->nsigq * CK_SIGINFO_LEN);
	}
	sec_end(w, at, CK_S_THREADS, k->nthreads);

	at = sec_begin(w);
	for (uint32_t i = 0; i < k->nfds; i++) {
		const struct ck_fd *f = &k->fds[i];
		if (check && check_fd(&w->x, run, ci, i, f, i ? f - 1 : NULL, w_off(w)) < 0)
			return -1;
		w32(w, (uint32_t)f->num);
		w32(w, f->kind);
		w32(w, f->role);
		w32(w, f->stream);
		w32(w, f->status);
		w32(w, f->cloexec);
		w64(w, f->offset);
	}
	sec_end(w, at, CK_S_FDS, k->nfds);

	at = sec_begin(w);
	uint32_t nobj = 0;
	for (uint32_t i = 0; i < k->nfds; i++) {
		const struct ck_obj *o;
		if (k->fds[i].kind != CK_FD_OBJECT)
			continue;
		if (nobj >= k->nobjs)
			return fail(&w->x, w_off(w), "container %u: descriptor %d is an "
				    "object, but only %u objects are saved", ci,
				    k->fds[i].num, k->nobjs);
		o = &k->objs[nobj++];
		if (o->nregs && !o->regs)
			return fail(&w->x, w_off(w), "container %u epoll set %d: %u "
				    "registrations without them", ci, o->num, o->nregs);
		if (check && (check_obj(&w->x, ci, o, k->fds[i].num, w_off(w)) < 0 ||
			      check_regs(&w->x, ci, k, o, w_off(w)) < 0))
			return -1;
		w32(w, (uint32_t)o->num);
		w32(w, o->kind);
		w32(w, o->flags);
		w32(w, o->clockid);
		w64(w, o->count);
		w64(w, o->value_ns);
		w64(w, o->interval_ns);
		w32(w, o->nregs);
		w32(w, 0);
		for (uint32_t g = 0; g < o->nregs; g++) {
			w32(w, (uint32_t)o->regs[g].tfd);
			w32(w, o->regs[g].events);
			w64(w, o->regs[g].data);
		}
	}
	if (nobj != k->nobjs)
		return fail(&w->x, w_off(w), "container %u: %u objects saved for %u "
			    "object descriptors", ci, k->nobjs, nobj);
	sec_end(w, at, CK_S_OBJECTS, nobj);

	at = sec_begin(w);
	if (check && (uint64_t)k->ncodes > (uint64_t)k->nthreads * k->nfds)
		return fail(&w->x, w_off(w), "container %u: %u cnews wound back for "
			    "%u threads and %u descriptors", ci, k->ncodes, k->nthreads,
			    k->nfds);
	for (uint32_t i = 0; i < k->ncodes; i++) {
		const struct ck_code *cd = &k->codes[i];
		if (check && check_code(&w->x, ci, k, i, cd, i ? cd - 1 : NULL,
					w_off(w)) < 0)
			return -1;
		if (!cd->bytes || cd->len > CK_MAX_CODE)
			return fail(&w->x, w_off(w), "container %u cnew %u: %llu bytes "
				    "without them", ci, i, (unsigned long long)cd->len);
		w32(w, cd->thread);
		w32(w, (uint32_t)cd->fd);
		w64(w, cd->len);
		wbytes(w, cd->bytes, (size_t)cd->len);
		wpad8(w);
	}
	sec_end(w, at, CK_S_CNEWS, k->ncodes);

	/* The extents without zero pages first: MAPS says where their
	 * bytes will be. */
	first_run = w->nruns;
	nex_of = calloc(k->nmaps ? k->nmaps : 1, sizeof(*nex_of));
	if (!nex_of)
		return fail(&w->x, w_off(w), "out of memory");
	maps_at = w_off(w);
	maps_len = 0;
	for (uint32_t i = 0; i < k->nmaps; i++) {
		const struct ck_mapping *m = &k->maps[i];
		size_t before = nex;
		if (check && check_map(&w->x, ci, i, m, i ? m - 1 : NULL,
				       maps_at + CK_SECTION_LEN + maps_len) < 0)
			goto out;
		for (uint32_t j = 0; check && j < m->nextents; j++)
			if (check_extent(&w->x, ci, i, j, m, &m->extents[j],
					 j ? &m->extents[j - 1] : NULL,
					 maps_at + CK_SECTION_LEN + maps_len + MAP_MIN +
					 (uint64_t)j * EXTENT_LEN) < 0)
				goto out;
		if (split(w, ci, i, m, &ex, &nex, &capex, &crc) < 0)
			goto out;
		if (nex - before > CK_MAX_EXTENTS) {
			fail(&w->x, maps_at, "container %u mapping %u: %zu extents "
			     "without its zero pages (at most %u)", ci, i, nex - before,
			     CK_MAX_EXTENTS);
			goto out;
		}
		nex_of[i] = (uint32_t)(nex - before);
		maps_len += MAP_MIN + (uint64_t)nex_of[i] * EXTENT_LEN;
	}
	for (size_t i = 0; i < nex; i++)
		pages += ex[i].len;
	/* MAPS ends at maps_at + 24 + maps_len (8-aligned); then, if there
	 * are pages, a PAD if needed and PAGES, whose bytes start aligned. */
	pages_at = maps_at + CK_SECTION_LEN + maps_len + CK_SECTION_LEN;
	uint64_t pad = 0;
	bool padded = false;
	if (pages > 0 && pages_at % CK_FILE_ALIGN != 0) {
		padded = true;
		pad = (CK_FILE_ALIGN - (pages_at + CK_SECTION_LEN) % CK_FILE_ALIGN) %
		      CK_FILE_ALIGN;
		pages_at += CK_SECTION_LEN + pad;
	}
	at = sec_begin(w);
	size_t e = 0;
	uint64_t fo = pages_at;
	for (uint32_t i = 0; i < k->nmaps; i++) {
		const struct ck_mapping *m = &k->maps[i];
		w64(w, m->start);
		w64(w, m->len);
		w32(w, m->prot);
		w32(w, m->kind);
		w32(w, nex_of[i]);
		w32(w, 0);
		for (uint32_t j = 0; j < nex_of[i]; j++, e++) {
			w64(w, ex[e].off);
			w64(w, ex[e].len);
			w64(w, fo);
			fo += ex[e].len;
		}
	}
	sec_end(w, at, CK_S_MAPS, k->nmaps);
	if (pages > 0) {
		if (padded) {
			at = sec_begin(w);
			w_take(w, pad);
			sec_end(w, at, CK_S_PAD, 0);
		}
		at = sec_begin(w);
		sec_head(w, at, CK_S_PAGES, pages, 0, crc);
		if (!grow((void **)&w->gaps, &w->capgaps, w->ngaps + 1, sizeof(*w->gaps))) {
			fail(&w->x, w_off(w), "out of memory");
			goto out;
		}
		w->gaps[w->ngaps++] = (struct gap){ w->len, first_run, w->nruns - first_run,
						    crc };
		w->pages += pages;
		if (!w->oom && w_off(w) - pages != pages_at) {
			fail(&w->x, w_off(w), "internal error: PAGES at %llu, not %llu",
			     (unsigned long long)(w_off(w) - pages),
			     (unsigned long long)pages_at);
			goto out;
		}
	}
	rc = 0;
out:
	free(ex);
	free(nex_of);
	return rc;
}

/* write(2) all of iov[0..n), moving on after short writes. */
static int w_all(struct wr *w, int fd, struct iovec *iov, int n, uint64_t off)
{
	while (n > 0) {
		ssize_t got = writev(fd, iov, n);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return fail(&w->x, off, "write: %s", strerror(errno));
		}
		if (got == 0)
			return fail(&w->x, off, "write: wrote nothing");
		off += (uint64_t)got;
		while (n > 0 && (size_t)got >= iov->iov_len) {
			got -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + got;
			iov->iov_len -= (size_t)got;
		}
	}
	return 0;
}

/* Write meta[from, to) and hash it. */
static int w_meta(struct wr *w, int fd, struct sha256 *sha, size_t from, size_t to,
		  uint64_t off)
{
	struct iovec v = { w->meta + from, to - from };

	sha256_update(sha, w->meta + from, to - from);
	return to > from ? w_all(w, fd, &v, 1, off) : 0;
}

/* Page runs go out IOV_BATCH at a time (at most MAX_RW_COUNT bytes a
 * call are written anyway). */
#define IOV_BATCH 64

static int w_runs(struct wr *w, int fd, struct sha256 *sha, const struct gap *g,
		  bool hash, uint64_t off)
{
	struct iovec v[IOV_BATCH];
	size_t i = 0;
	uint32_t crc = 0;
	bool fetched = false;

	while (i < g->n) {
		int n = 0;
		uint64_t start = off;
		for (; i < g->n && n < IOV_BATCH && w->runs[g->first + i].data; i++) {
			const struct run_ref *r = &w->runs[g->first + i];
			if (hash)
				sha256_update(sha, r->data, r->len);
			crc = crc32c(crc, r->data, r->len);
			v[n++] = (struct iovec){ (void *)(uintptr_t)r->data, r->len };
			off += r->len;
		}
		if (n && w_all(w, fd, v, n, start) < 0)
			return -1;
		if (i == g->n || w->runs[g->first + i].data)
			continue;
		/* A run read through the source, a chunk at a time. */
		const struct run_ref *r = &w->runs[g->first + i++];
		fetched = true;
		for (uint64_t p = 0; p < r->len;) {
			size_t len = r->len - p < CK_FETCH ? (size_t)(r->len - p) : CK_FETCH;
			struct iovec one = { NULL, len };
			if (fetch(w, r->ci, r->addr + p, len) < 0)
				return -1;
			one.iov_base = w->scratch;
			if (hash)
				sha256_update(sha, w->scratch, len);
			crc = crc32c(crc, w->scratch, len);
			if (w_all(w, fd, &one, 1, off) < 0)
				return -1;
			off += len;
			p += len;
		}
	}
	if (fetched && crc != g->crc)
		return fail(&w->x, off, "the memory changed while it was written "
			    "(CRC-32C %08x, then %08x)", g->crc, crc);
	return 0;
}

int ck_write_flags(int fd, const struct ck_run *run, uint32_t flags, char *err, size_t errlen)
{
	return ck_write_from(fd, run, flags, NULL, err, errlen);
}

int ck_write_from(int fd, const struct ck_run *run, uint32_t flags,
		  const struct ck_source *src, char *err, size_t errlen)
{
	struct wr w = { .x = { err, errlen }, .src = src };
	bool check = !(flags & CK_W_UNCHECKED);
	struct sha256 sha;
	unsigned char digest[32];
	size_t at, from;
	uint64_t off;
	uint8_t *h;
	int rc = -1;

	flags &= ~CK_W_UNCHECKED;
	if (flags & ~CK_F_KNOWN)
		return fail(&w.x, 16, "unknown flags 0x%x", flags & ~CK_F_KNOWN);
	if (run->version != CK_MODEL_VERSION)
		return fail(&w.x, 12, "model version %u; this minos-exec writes %u",
			    run->version, CK_MODEL_VERSION);
	h = w_take(&w, CK_HEADER_LEN);
	if (h) {
		memcpy(h, CK_MAGIC, 8);
		st32(h + 8, CK_FILE_VERSION);
		st32(h + 12, CK_MODEL_VERSION);
		st32(h + 16, flags);
		st32(h + 20, crc32c(0, h, 20));
	}
	if (check && check_host(&w.x, &run->host, w_off(&w) + CK_SECTION_LEN) < 0)
		goto out;
	w_host(&w, &run->host);
	at = sec_begin(&w);
	if (check && check_run(&w.x, run, w_off(&w)) < 0)
		goto out;
	w32(&w, run->ncontainers);
	w32(&w, run->nstreams);
	w64(&w, run->wall_ns);
	w32(&w, run->nstages);
	w32(&w, (uint32_t)run->first_status);
	wbytes(&w, run->policy_sha256, 32);
	sec_end(&w, at, CK_S_RUN, 1);
	at = sec_begin(&w);
	for (uint32_t i = 0; i < run->nstreams; i++) {
		const struct ck_stream *s = &run->streams[i];
		if (check && check_stream(&w.x, i, s, w_off(&w)) < 0)
			goto out;
		if (s->len && !s->bytes) {
			fail(&w.x, w_off(&w), "stream %u: %u bytes without their bytes",
			     i, s->len);
			goto out;
		}
		w32(&w, s->capacity);
		w32(&w, s->len);
		wbytes(&w, s->bytes, s->len);
		wpad8(&w);
	}
	sec_end(&w, at, CK_S_STREAMS, run->nstreams);
	at = sec_begin(&w);
	for (uint32_t i = 0; i < run->nstages; i++) {
		if (check && check_stage(&w.x, i, &run->stages[i], w_off(&w)) < 0)
			goto out;
		w32(&w, (uint32_t)run->stages[i].status);
		w32(&w, 0);
	}
	sec_end(&w, at, CK_S_STAGES, run->nstages);
	for (uint32_t ci = 0; ci < run->ncontainers; ci++)
		if (w_container(&w, run, ci, check) < 0)
			goto out;
	if (check && check_roots(&w.x, run, w_off(&w)) < 0)
		goto out;
	if (w.oom) {
		fail(&w.x, w_off(&w), "out of memory");
		goto out;
	}

	/* Everything is checked: now write, hashing as it goes. */
	sha256_init(&sha);
	from = 0;
	off = 0;
	for (size_t g = 0; g < w.ngaps; g++) {
		uint64_t n = 0;
		if (w_meta(&w, fd, &sha, from, w.gaps[g].meta, off) < 0)
			goto out;
		off += w.gaps[g].meta - from;
		if (w_runs(&w, fd, &sha, &w.gaps[g], flags & CK_F_DIGEST_PAGES, off) < 0)
			goto out;
		for (size_t i = 0; i < w.gaps[g].n; i++)
			n += w.runs[w.gaps[g].first + i].len;
		off += n;
		from = w.gaps[g].meta;
	}
	at = w.len;
	if (w_meta(&w, fd, &sha, from, at, off) < 0)
		goto out;
	off += at - from;
	sha256_final(&sha, digest);
	{
		uint8_t end[CK_SECTION_LEN + 32];
		struct iovec v = { end, sizeof(end) };
		st32(end, CK_S_END);
		st32(end + 4, crc32c(0, digest, 32));
		st64(end + 8, 32);
		st32(end + 16, 1);
		st32(end + 20, crc32c(0, end, 20));
		memcpy(end + CK_SECTION_LEN, digest, 32);
		if (w_all(&w, fd, &v, 1, off) < 0)
			goto out;
	}
	rc = 0;
out:
	free(w.meta);
	free(w.runs);
	free(w.gaps);
	free(w.scratch);
	return rc;
}

/* The SHA-256 of the page contents would bound the writer and the reader
 * at its speed (SHA-NI: ~1.8 GB/s on the development host, against ~8
 * GB/s for CRC-32C and ~7 GB/s for memcpy), so by default it covers the
 * pages through their CRC-32C. */
int ck_write(int fd, const struct ck_run *run, char *err, size_t errlen)
{
	return ck_write_flags(fd, run, 0, err, errlen);
}
