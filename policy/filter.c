/* SPDX-License-Identifier: MIT */
/*
 * filter.c - every libseccomp call of minos: syscalls.def -> BPF.
 *
 * The filter is generated once per run, in the supervisor, and exported as
 * raw BPF so that the trampoline only has to call seccomp(2): no allocation
 * in the child between clone() and execveat().
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h> /* SCMP_CMP_* names in syscalls.def; call names */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <asm/prctl.h>

#include "minos.h"
#include "filter.h"

#define X32_SYSCALL_BIT 0x40000000U

#define CLONE_THREAD_REQUIRED \
	(CLONE_VM | CLONE_THREAD | CLONE_SIGHAND | CLONE_FILES)
#define CLONE_THREAD_ALLOWED \
	(CLONE_THREAD_REQUIRED | CLONE_FS | CLONE_SYSVSEM | CLONE_SETTLS | \
	 CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | \
	 CLONE_DETACHED | CSIGNAL)
#define CLONE_THREAD_MASK \
	(CLONE_THREAD_REQUIRED | ~(scmp_datum_t)CLONE_THREAD_ALLOWED)
#define FUTEX_OP_MASK \
	(~(scmp_datum_t)(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#endif
#ifndef F_GETPIPE_SZ
#define F_GETPIPE_SZ 1032
#endif
#ifndef MAP_TYPE
#define MAP_TYPE 0x0f
#endif

enum action { ALLOW, FORM, TRACE, FTRACE, NOSYS, DENY, NOTSOCK, NOSEEK };
#define CALL(name, nr, action, handler, nargs) { #name, nr, action, nargs },
#define FORM(...)
#define FORM2(...)
#define FORMT(...)
#define ELSE(...)
static const struct row {
	const char *name;
	long nr;
	enum action action;
	int nargs;
} rows[] = {
#include "syscalls.def"
};
#undef CALL
#undef FORM
#undef FORM2
#undef FORMT
#undef ELSE

/* Our own rows first (the Minos calls), then libseccomp's table of Linux
 * names, for the refused calls that --trace reports. */
static const char *resolve(uint32_t arch, long nr, const char *prefix)
{
	static char name[64];
	if (nr < 0 || nr > 0xffff)
		return NULL;
	char *n = seccomp_syscall_resolve_num_arch(arch, (int)nr);
	if (!n)
		return NULL;
	snprintf(name, sizeof(name), "%s%s", prefix, n);
	free(n);
	return name;
}

int filter_call_nargs(long nr)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (rows[i].nr == nr)
			return rows[i].nargs;
	return 6;
}

const char *filter_call_name(long nr)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (rows[i].nr == nr)
			return rows[i].name;
	return resolve(SCMP_ARCH_X86_64, nr, "");
}

/* A call refused before the table: an x32 number, or an i386 entry. */
const char *filter_foreign_name(long nr)
{
	if (nr >= 0 && (nr & X32_SYSCALL_BIT))
		return resolve(SCMP_ARCH_X32, nr & ~(long)X32_SYSCALL_BIT, "x32 ");
	return resolve(SCMP_ARCH_X86, nr, "i386 ");
}

/*
 * The program, in order (jumps in BPF only go forward, by 8 bits):
 *   1. architecture: anything but AUDIT_ARCH_X86_64 (i386 int 0x80,
 *      sysenter) is foreign; so is an x32 number (bit 30);
 *   2. a binary search on the call number, to the row's action (a return
 *      in place, or a jump to its block); not in the table: ENOSYS;
 *   3. FORM blocks: each allowed form is a masked compare of one argument,
 *      both 32-bit halves (or of two, FORM2); forms on the same argument
 *      and mask share the loads; a match goes to ALLOW (FORMT: the
 *      handler); no match falls to the row's ELSE (EPERM by default);
 *      each block ends with the returns it uses, so that its conditional
 *      jumps (8-bit offsets) stay short.
 * ALLOW and TRACE rows never load an argument, so the kernel's per-call
 * action cache decides them without running the filter.  The program is
 * kept short because the kernel JIT-compiles it at every container start
 * (84 us for 249 instructions, 9 us for one, measured here; the table of
 * SPEC 4 revised makes 428, and t/unit/test-filter keeps it under 512).
 */
#define OFF_NR 0
#define OFF_ARCH 4
#define OFF_ARG_LO(i) (16 + 8 * (i))
#define OFF_ARG_HI(i) (16 + 8 * (i) + 4)

enum label { L_ALLOW, L_HANDLE, L_FOREIGN, L_NOTIF, L_PERM, L_NOSYS,
	     L_ENOTTY, L_ENOTSOCK, L_ESPIPE, L_SHARED, L_MAX = L_SHARED + 2048 };

struct prog {
	struct sock_filter ins[BPF_MAXINSNS];
	unsigned len;
	int label[L_MAX];      /* instruction index of each label, or -1 */
	uint32_t ret[L_SHARED]; /* what each shared label returns */
	struct fixup { unsigned at; bool jt; int label; } fix[4096];
	unsigned nfix;
	bool overflow;
};

static unsigned emit(struct prog *p, uint16_t code, uint32_t k)
{
	if (p->len == BPF_MAXINSNS) {
		p->overflow = true;
		return p->len - 1;
	}
	p->ins[p->len] = (struct sock_filter)BPF_JUMP(code, k, 0, 0);
	return p->len++;
}

/* A jump whose true and/or false branch goes to a label (label < 0: fall
 * through to the next instruction); for BPF_JA, jt names the target. */
static void jump(struct prog *p, uint16_t code, uint32_t k, int jt, int jf)
{
	unsigned at = emit(p, BPF_JMP | code | BPF_K, k);
	const int lab[2] = { jt, jf };
	for (int i = 0; i < 2; i++) {
		if (lab[i] < 0)
			continue;
		if (p->nfix == sizeof(p->fix) / sizeof(p->fix[0])) {
			p->overflow = true;
			return;
		}
		p->fix[p->nfix++] = (struct fixup){ at, i == 0, lab[i] };
	}
}

static void here(struct prog *p, int label)
{
	p->label[label] = (int)p->len;
}

/* Go to a label from anywhere: a shared label is a return, emitted in
 * place; a block is a BPF_JA (32-bit offset).  Conditional jumps (8-bit
 * offsets) only ever go to labels near them. */
static void goto_label(struct prog *p, int label)
{
	if (label < L_SHARED)
		emit(p, BPF_RET | BPF_K, p->ret[label]);
	else
		jump(p, BPF_JA, 0, label, -1);
}

/* A stretch of the program whose conditional jumps go to local stubs
 * emitted at its end (stubs()): a return for a shared label, a BPF_JA for
 * a block's.  Kept short, so every jump into its stubs fits 8 bits. */
#define SCOPE_BLOCKS 32
struct scope {
	int shared[L_SHARED];          /* local label of each shared one, or -1 */
	int block[SCOPE_BLOCKS], local[SCOPE_BLOCKS];
	unsigned nblock;
};

static void scope_init(struct scope *sc)
{
	for (int l = 0; l < L_SHARED; l++)
		sc->shared[l] = -1;
	sc->nblock = 0;
}

/* A label near here that leads to label; sc NULL: label itself. */
static int near(struct scope *sc, int label, int *next_label)
{
	if (!sc)
		return label;
	if (label < L_SHARED) {
		if (sc->shared[label] < 0)
			sc->shared[label] = (*next_label)++;
		return sc->shared[label];
	}
	for (unsigned i = 0; i < sc->nblock; i++)
		if (sc->block[i] == label)
			return sc->local[i];
	if (sc->nblock == SCOPE_BLOCKS)
		return label; /* too many: link_labels says if it is too far */
	sc->block[sc->nblock] = label;
	sc->local[sc->nblock] = (*next_label)++;
	return sc->local[sc->nblock++];
}

static void stubs(struct prog *p, const struct scope *sc)
{
	for (int l = 0; l < L_SHARED; l++)
		if (sc->shared[l] >= 0) {
			here(p, sc->shared[l]);
			emit(p, BPF_RET | BPF_K, p->ret[l]);
		}
	for (unsigned i = 0; i < sc->nblock; i++) {
		here(p, sc->local[i]);
		jump(p, BPF_JA, 0, sc->block[i], -1);
	}
}

static void load(struct prog *p, uint32_t off)
{
	emit(p, BPF_LD | BPF_W | BPF_ABS, off);
}

static void and_mask(struct prog *p, uint32_t mask)
{
	if (mask != 0xffffffffU)
		emit(p, BPF_ALU | BPF_AND | BPF_K, mask);
}

/* Resolve the labels; false if a jump is too far for 8 bits. */
static bool link_labels(struct prog *p)
{
	for (unsigned i = 0; i < p->nfix; i++) {
		struct fixup *f = &p->fix[i];
		int to = p->label[f->label];
		int off = to - (int)f->at - 1;
		if (to < 0 || off < 0)
			return false;
		if (p->ins[f->at].code == (BPF_JMP | BPF_JA | BPF_K)) {
			p->ins[f->at].k = (uint32_t)off; /* ja: 32-bit offset in k */
			continue;
		}
		if (off > 255)
			return false;
		if (f->jt)
			p->ins[f->at].jt = (uint8_t)off;
		else
			p->ins[f->at].jf = (uint8_t)off;
	}
	return true;
}

/* One allowed form: one masked compare, or two (FORM2, both must hold);
 * target is where a match goes (L_ALLOW, or L_HANDLE for FORMT). */
struct form {
	unsigned arg, arg2;
	uint64_t mask, value, mask2, value2;
	bool two;
	int target;
};

#define MASK_OF(op, x) ((op) == SCMP_CMP_EQ ? ~(uint64_t)0 : (uint64_t)(x))
#define VALUE_OF(op, x, y) ((op) == SCMP_CMP_EQ ? (uint64_t)(x) : (uint64_t)(y))

/* The allowed forms of call nr, in table order. */
static unsigned forms_of(long want, struct form *out, unsigned max, int allow)
{
	unsigned n = 0;
#define CALL(...)
#define ELSE(...)
#define FORM(name, a, op, x, y)                                              \
	if (__NR_##name == want && n < max)                                  \
		out[n++] = (struct form){ .arg = a, .mask = MASK_OF(op, x),  \
					  .value = VALUE_OF(op, x, y),       \
					  .target = allow };
#define FORMT(name, a, op, x, y)                                             \
	if (__NR_##name == want && n < max)                                  \
		out[n++] = (struct form){ .arg = a, .mask = MASK_OF(op, x),  \
					  .value = VALUE_OF(op, x, y),       \
					  .target = L_HANDLE };
#define FORM2(name, a, op, x, y, a2, op2, x2, y2)                            \
	if (__NR_##name == want && n < max)                                  \
		out[n++] = (struct form){ .arg = a, .mask = MASK_OF(op, x),  \
					  .value = VALUE_OF(op, x, y),       \
					  .two = true, .arg2 = a2,           \
					  .mask2 = MASK_OF(op2, x2),         \
					  .value2 = VALUE_OF(op2, x2, y2),   \
					  .target = allow };
#include "syscalls.def"
#undef CALL
#undef ELSE
#undef FORM
#undef FORMT
#undef FORM2
	return n;
}

/* Where a FORM call goes when no form matches: its ELSE row, or EPERM. */
static int else_of(long want)
{
	int label = L_PERM;
#define CALL(...)
#define FORM(...)
#define FORMT(...)
#define FORM2(...)
#define ELSE_EPERM L_PERM
#define ELSE_ENOTTY L_ENOTTY
#define ELSE_TRACE L_HANDLE
#define ELSE(name, what)                                                     \
	if (__NR_##name == want)                                             \
		label = ELSE_##what;
#include "syscalls.def"
#undef CALL
#undef FORM
#undef FORMT
#undef FORM2
#undef ELSE
	return label;
}

/* Compare one argument (both 32-bit halves) against mask/value: fall
 * through on a match, jump to fail (a near label) otherwise. */
static void compare(struct prog *p, unsigned arg, uint64_t mask, uint64_t value,
		    int fail)
{
	load(p, OFF_ARG_HI(arg));
	and_mask(p, (uint32_t)(mask >> 32));
	jump(p, BPF_JEQ, (uint32_t)(value >> 32), -1, fail);
	load(p, OFF_ARG_LO(arg));
	and_mask(p, (uint32_t)mask);
	jump(p, BPF_JEQ, (uint32_t)value, -1, fail);
}

/* The block of a FORM or FTRACE row: groups of single forms that share the
 * argument, the mask and the high half of the value share their loads.
 * Its returns are stubs at its end, so every jump in it is short. */
static void form_block(struct prog *p, long nr, int allow, int fail, int *next_label)
{
	struct form f[16];
	struct scope sc;
	scope_init(&sc);
	unsigned n = forms_of(nr, f, 16, allow);
	for (unsigned i = 0; i < n;) {
		if (f[i].two) {
			int next = i + 1 < n ? (*next_label)++ : near(&sc, fail, next_label);
			compare(p, f[i].arg, f[i].mask, f[i].value, next);
			compare(p, f[i].arg2, f[i].mask2, f[i].value2, next);
			jump(p, BPF_JA, 0, near(&sc, f[i].target, next_label), -1);
			if (i + 1 < n)
				here(p, next);
			i++;
			continue;
		}
		unsigned j = i + 1;
		while (j < n && !f[j].two && f[j].arg == f[i].arg &&
		       f[j].mask == f[i].mask &&
		       f[j].value >> 32 == f[i].value >> 32)
			j++;
		int next = j < n ? (*next_label)++ : near(&sc, fail, next_label);
		load(p, OFF_ARG_HI(f[i].arg));
		and_mask(p, (uint32_t)(f[i].mask >> 32));
		jump(p, BPF_JEQ, (uint32_t)(f[i].value >> 32), -1, next);
		load(p, OFF_ARG_LO(f[i].arg));
		and_mask(p, (uint32_t)f[i].mask);
		for (unsigned k = i; k < j; k++)
			jump(p, BPF_JEQ, (uint32_t)f[k].value,
			     near(&sc, f[k].target, next_label), -1);
		jump(p, BPF_JA, 0, next, -1); /* to the next group, or fail */
		if (j < n)
			here(p, next);
		i = j;
	}
	if (n == 0)
		goto_label(p, fail);
	stubs(p, &sc);
}

struct target {
	uint32_t nr;
	int label;
};

static int by_nr(const void *a, const void *b)
{
	uint32_t x = ((const struct target *)a)->nr, y = ((const struct target *)b)->nr;
	return x < y ? -1 : x > y;
}

/*
 * Dispatch on the call number by binary search: the kernel emulates the
 * filter for every call number when it builds its action cache, so the
 * path to each answer should be short (8 jumps, not 40).
 */
static void search(struct prog *p, const struct target *t, size_t n,
		   struct scope *sc, int *next_label)
{
	/* A subtree this small gets one scope: its jumps are short. */
	enum { SCOPE_ROWS = 16 };
	if (!sc && n <= SCOPE_ROWS) {
		struct scope local;
		scope_init(&local);
		search(p, t, n, &local, next_label);
		stubs(p, &local);
		return;
	}
	if (n <= 3) { /* the last compare's false branch is "not listed" */
		for (size_t i = 0; i < n; i++)
			jump(p, BPF_JEQ, t[i].nr, near(sc, t[i].label, next_label),
			     i + 1 < n ? -1 : near(sc, L_NOSYS, next_label));
		return;
	}
	size_t mid = n / 2;
	int right = (*next_label)++;
	if (sc) {
		jump(p, BPF_JGE, t[mid].nr, right, -1);
	} else {
		unsigned at = emit(p, BPF_JMP | BPF_JGE | BPF_K, t[mid].nr);
		p->ins[at].jf = 1; /* >= mid: the BPF_JA to the right half */
		jump(p, BPF_JA, 0, right, -1);
	}
	search(p, t, mid, sc, next_label);
	here(p, right);
	search(p, t + mid, n - mid, sc, next_label);
}

/* At label: the key in r9 and argument 2 zero, allowed; else to no. */
static void keyed_block(struct prog *p, int label, uint64_t key, int no_label,
			int *next_label)
{
	struct scope sc;
	scope_init(&sc);
	int no = near(&sc, no_label, next_label);
	here(p, label);
	load(p, OFF_ARG_HI(5));
	emit(p, BPF_ALU | BPF_XOR | BPF_K, (uint32_t)(key >> 32));
	emit(p, BPF_MISC | BPF_TAX, 0);
	load(p, OFF_ARG_LO(5));
	emit(p, BPF_ALU | BPF_XOR | BPF_K, (uint32_t)key);
	emit(p, BPF_ALU | BPF_OR | BPF_X, 0);
	jump(p, BPF_JEQ, 0, -1, no);
	compare(p, 2, ~(uint64_t)0, 0, no);
	goto_label(p, L_ALLOW);
	stubs(p, &sc);
}

int filter_build(bool trace_refusals, struct filter *out, char *err, size_t errlen)
{
	return filter_build_watch(trace_refusals, false, out, err, errlen);
}

int filter_build_watch(bool trace_refusals, bool watch_memory,
		       struct filter *out, char *err, size_t errlen)
{
	return filter_build_run(trace_refusals, watch_memory, true, out, err,
				errlen);
}

int filter_build_run(bool trace_refusals, bool watch_memory, bool note_tid,
		     struct filter *out, char *err, size_t errlen)
{
	const uint32_t nosys = trace_refusals ? SECCOMP_RET_TRACE | FILTER_REFUSED_NOSYS
					      : SECCOMP_RET_ERRNO | ENOSYS;
	const uint32_t perm = trace_refusals ? SECCOMP_RET_TRACE | FILTER_REFUSED_PERM
					     : SECCOMP_RET_ERRNO | EPERM;
	const uint32_t foreign = trace_refusals ? SECCOMP_RET_TRACE | FILTER_FOREIGN_ARCH
						: SECCOMP_RET_ERRNO | ENOSYS;
	const size_t nrows = sizeof(rows) / sizeof(rows[0]);
	int block_label[sizeof(rows) / sizeof(rows[0])];
	int next_label = L_SHARED;
	struct prog *p = calloc(1, sizeof(*p));

	memset(out, 0, sizeof(*out));
	if (!p) {
		snprintf(err, errlen, "building the seccomp filter: out of memory");
		return -1;
	}
	for (int i = 0; i < L_MAX; i++)
		p->label[i] = -1;
	p->ret[L_ALLOW] = SECCOMP_RET_ALLOW;
	p->ret[L_HANDLE] = SECCOMP_RET_TRACE | FILTER_HANDLE;
	p->ret[L_FOREIGN] = foreign;
	p->ret[L_NOTIF] = SECCOMP_RET_USER_NOTIF;
	p->ret[L_PERM] = perm;
	p->ret[L_NOSYS] = nosys;
	p->ret[L_ENOTTY] = SECCOMP_RET_ERRNO | ENOTTY;
	p->ret[L_ENOTSOCK] = SECCOMP_RET_ERRNO | ENOTSOCK;
	p->ret[L_ESPIPE] = SECCOMP_RET_ERRNO | ESPIPE;

	/* 1. architecture */
	load(p, OFF_ARCH);
	p->ins[emit(p, BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64)].jt = 1;
	goto_label(p, L_FOREIGN);
	load(p, OFF_NR);
	p->ins[emit(p, BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT)].jf = 1;
	goto_label(p, L_FOREIGN);
	/* The run's key (filter.h), drawn before the dispatch needs it. */
	uint64_t key = 0;
	if (getrandom(&key, sizeof(key), 0) != (ssize_t)sizeof(key))
		key = 0;
	int close_range = key ? next_label++ : L_NOSYS;
	int mseal = key ? next_label++ : L_HANDLE;
	/* 2. dispatch: a binary search over the numbers */
	struct target dispatch[sizeof(rows) / sizeof(rows[0]) + 2];
	for (size_t i = 0; i < nrows; i++) {
		int to;
		switch (rows[i].action) {
		case ALLOW: to = L_ALLOW; break;
		case TRACE:
			if (!note_tid && rows[i].nr == __NR_set_tid_address)
				to = L_ALLOW;
			else if (rows[i].nr == FILTER_MSEAL_NR)
				to = mseal;
			else
				to = L_HANDLE;
			break;
		case FORM:
		case FTRACE: to = block_label[i] = next_label++; break;
		case DENY: to = L_PERM; break;
		case NOTSOCK: to = L_ENOTSOCK; break;
		case NOSEEK: to = L_ESPIPE; break;
		case NOSYS:
		default: to = L_NOSYS; break;
		}
		dispatch[i] = (struct target){ (uint32_t)rows[i].nr, to };
	}
	/* The private install call, only ever put there by the supervisor. */
	dispatch[nrows] = (struct target){ MINOS_PRIV_INSTALL, L_NOTIF };
	/* The supervisor's close_range (filter.h): with the key, else as any
	 * call not listed. */
	dispatch[nrows + 1] = (struct target){ __NR_close_range, close_range };
	qsort(dispatch, nrows + 2, sizeof(dispatch[0]), by_nr);
	search(p, dispatch, nrows + 2, NULL, &next_label);
	/* 4. blocks (and the memory watch's block, after them) */
	int mmap_size = watch_memory ? next_label++ : -1;
	for (size_t i = 0; i < nrows; i++) {
		if (rows[i].action != FORM && rows[i].action != FTRACE)
			continue;
		here(p, block_label[i]);
		int allow = rows[i].action == FORM ? L_ALLOW : L_HANDLE;
		if (mmap_size >= 0 && allow == L_ALLOW &&
		    (rows[i].nr == __NR_mmap || rows[i].nr == __NR_mprotect))
			allow = mmap_size;
		form_block(p, rows[i].nr, allow,
			   rows[i].action == FORM ? else_of(rows[i].nr) : L_PERM,
			   &next_label);
	}
	/* close_range: the key in r9 and flags 0, or ENOSYS; mseal: the
	 * same, or it stops (sys_mseal: ENOSYS).  Both halves of r9 are
	 * compared at once ((hi ^ key hi) | (lo ^ key lo) == 0), so a wrong
	 * guess costs the same whichever half it got right. */
	if (key) {
		keyed_block(p, close_range, key, L_NOSYS, &next_label);
		keyed_block(p, mseal, key, L_HANDLE, &next_label);
	}
	/* The memory watch (--report): an allowed mmap, or an mprotect making
	 * memory writable, of FILTER_MMAP_WATCH bytes or more (the length is
	 * argument 1 of both) stops; smaller ones run. */
	if (mmap_size >= 0) {
		here(p, mmap_size);
		load(p, OFF_ARG_HI(1));
		p->ins[emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0)].jt = 1;
		emit(p, BPF_RET | BPF_K, SECCOMP_RET_TRACE | FILTER_MEMORY);
		load(p, OFF_ARG_LO(1));
		p->ins[emit(p, BPF_JMP | BPF_JGE | BPF_K, FILTER_MMAP_WATCH)].jf = 1;
		emit(p, BPF_RET | BPF_K, SECCOMP_RET_TRACE | FILTER_MEMORY);
		emit(p, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	}
	if (p->overflow || next_label >= L_MAX || !link_labels(p)) {
		free(p);
		snprintf(err, errlen, "building the seccomp filter: the table does "
			 "not fit a BPF program (a jump is over 255 instructions)");
		return -1;
	}
	out->insns = malloc(p->len * sizeof(struct sock_filter));
	if (!out->insns) {
		free(p);
		snprintf(err, errlen, "building the seccomp filter: out of memory");
		return -1;
	}
	memcpy(out->insns, p->ins, p->len * sizeof(struct sock_filter));
	out->len = (unsigned short)p->len;
	out->close_key = key;
	free(p);
	return 0;
}

void filter_free(struct filter *f)
{
	free(f->insns);
	f->insns = NULL;
	f->len = 0;
}
