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
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h> /* SCMP_CMP_* names in syscalls.def; call names */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

enum action { ALLOW, FORM, TRACE, FTRACE, NOSYS };
#define CALL(name, nr, action, handler, nargs) { #name, nr, action, nargs },
#define FORM(...)
#define FORM2(...)
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
 *   2. a binary search on the call number, to the row's action;
 *   3. the default (not in the table): ENOSYS;
 *   4. FORM blocks: each allowed form is a masked compare of one argument,
 *      both 32-bit halves; forms on the same argument and mask share the
 *      loads; no match falls to EPERM;
 *   5. the shared returns.
 * ALLOW and TRACE rows never load an argument, so the kernel's per-call
 * action cache decides them without running the filter.  The program is
 * kept short because the kernel JIT-compiles it at every container start
 * (84 us for 249 instructions, 9 us for one, measured here).
 */
#define OFF_NR 0
#define OFF_ARCH 4
#define OFF_ARG_LO(i) (16 + 8 * (i))
#define OFF_ARG_HI(i) (16 + 8 * (i) + 4)

enum label { L_ALLOW, L_HANDLE, L_FOREIGN, L_NOTIF, L_PERM, L_NOSYS,
	     L_MMAP_SIZE, L_MEMORY, L_SHARED,
	     L_MAX = L_SHARED + 256 };

struct prog {
	struct sock_filter ins[BPF_MAXINSNS];
	unsigned len;
	int label[L_MAX];      /* instruction index of each label, or -1 */
	struct fixup { unsigned at; bool jt; int label; } fix[1024];
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

struct form { unsigned arg; uint64_t mask, value; };

/* The allowed forms of call nr, in table order. */
static unsigned forms_of(long want, struct form *out, unsigned max)
{
	unsigned n = 0;
#define CALL(...)
#define FORM(name, a, op, x, y)                                              \
	if (__NR_##name == want && n < max)                                  \
		out[n++] = (struct form){                                    \
			a, (op) == SCMP_CMP_EQ ? ~(uint64_t)0 : (uint64_t)(x), \
			(op) == SCMP_CMP_EQ ? (uint64_t)(x) : (uint64_t)(y) };
#include "syscalls.def"
#undef CALL
#undef FORM
	return n;
}

/* The block of a FORM or FTRACE row: groups of forms that share the
 * argument, the mask and the high half of the value share their loads. */
static void form_block(struct prog *p, long nr, int allow, int *next_label)
{
	struct form f[16];
	unsigned n = forms_of(nr, f, 16);
	for (unsigned i = 0; i < n;) {
		unsigned j = i + 1;
		while (j < n && f[j].arg == f[i].arg && f[j].mask == f[i].mask &&
		       f[j].value >> 32 == f[i].value >> 32)
			j++;
		int next = j < n ? (*next_label)++ : L_PERM;
		load(p, OFF_ARG_HI(f[i].arg));
		and_mask(p, (uint32_t)(f[i].mask >> 32));
		jump(p, BPF_JEQ, (uint32_t)(f[i].value >> 32), -1, next);
		load(p, OFF_ARG_LO(f[i].arg));
		and_mask(p, (uint32_t)f[i].mask);
		for (unsigned k = i; k < j; k++)
			jump(p, BPF_JEQ, (uint32_t)f[k].value, allow, -1);
		jump(p, BPF_JA, 0, next, -1); /* to the next group, or EPERM */
		if (j < n)
			here(p, next);
		i = j;
	}
	if (n == 0)
		jump(p, BPF_JA, 0, L_PERM, -1);
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
static void search(struct prog *p, const struct target *t, size_t n, int *next_label)
{
	if (n <= 3) {
		for (size_t i = 0; i < n; i++)
			jump(p, BPF_JEQ, t[i].nr, t[i].label, -1);
		jump(p, BPF_JA, 0, L_NOSYS, -1);
		return;
	}
	size_t mid = n / 2;
	int right = (*next_label)++;
	jump(p, BPF_JGE, t[mid].nr, right, -1);
	search(p, t, mid, next_label);
	here(p, right);
	search(p, t + mid, n - mid, next_label);
}

int filter_build(bool trace_refusals, struct filter *out, char *err, size_t errlen)
{
	return filter_build_watch(trace_refusals, false, out, err, errlen);
}

int filter_build_watch(bool trace_refusals, bool watch_memory,
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

	/* 1. architecture */
	load(p, OFF_ARCH);
	jump(p, BPF_JEQ, AUDIT_ARCH_X86_64, -1, L_FOREIGN);
	load(p, OFF_NR);
	jump(p, BPF_JGE, X32_SYSCALL_BIT, L_FOREIGN, -1);
	/* 2. dispatch: a binary search over the numbers */
	struct target dispatch[sizeof(rows) / sizeof(rows[0]) + 1];
	for (size_t i = 0; i < nrows; i++) {
		int to;
		switch (rows[i].action) {
		case ALLOW: to = L_ALLOW; break;
		case TRACE: to = L_HANDLE; break;
		case FORM:
		case FTRACE: to = block_label[i] = next_label++; break;
		case NOSYS:
		default: to = L_NOSYS; break;
		}
		dispatch[i] = (struct target){ (uint32_t)rows[i].nr, to };
	}
	/* The private install call, only ever put there by the supervisor. */
	dispatch[nrows] = (struct target){ MINOS_PRIV_INSTALL, L_NOTIF };
	qsort(dispatch, nrows + 1, sizeof(dispatch[0]), by_nr);
	search(p, dispatch, nrows + 1, &next_label);
	/* 3. not in the table */
	here(p, L_NOSYS);
	emit(p, BPF_RET | BPF_K, nosys);
	/* 4. blocks */
	for (size_t i = 0; i < nrows; i++) {
		if (rows[i].action != FORM && rows[i].action != FTRACE)
			continue;
		here(p, block_label[i]);
		int allow = rows[i].action == FORM ? L_ALLOW : L_HANDLE;
		if (watch_memory && rows[i].nr == __NR_mmap && allow == L_ALLOW)
			allow = L_MMAP_SIZE;
		form_block(p, rows[i].nr, allow, &next_label);
	}
	/* The memory watch: an allowed mmap of FILTER_MMAP_WATCH bytes or
	 * more (its length, argument 1) stops; smaller ones run. */
	if (watch_memory) {
		here(p, L_MMAP_SIZE);
		load(p, OFF_ARG_HI(1));
		jump(p, BPF_JGT, 0, L_MEMORY, -1);
		load(p, OFF_ARG_LO(1));
		jump(p, BPF_JGE, FILTER_MMAP_WATCH, L_MEMORY, L_ALLOW);
		here(p, L_MEMORY);
		emit(p, BPF_RET | BPF_K, SECCOMP_RET_TRACE | FILTER_MEMORY);
	}
	/* 5. shared returns */
	here(p, L_ALLOW);
	emit(p, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	here(p, L_HANDLE);
	emit(p, BPF_RET | BPF_K, SECCOMP_RET_TRACE | FILTER_HANDLE);
	here(p, L_FOREIGN);
	emit(p, BPF_RET | BPF_K, foreign);
	here(p, L_NOTIF);
	emit(p, BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
	here(p, L_PERM);
	emit(p, BPF_RET | BPF_K, perm);

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
	free(p);
	return 0;
}

void filter_free(struct filter *f)
{
	free(f->insns);
	f->insns = NULL;
	f->len = 0;
}
