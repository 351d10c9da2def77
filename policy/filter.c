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
#define CALL(name, nr, action, handler) { #name, nr, action },
#define FORM(...)
#define FORM2(...)
static const struct row {
	const char *name;
	long nr;
	enum action action;
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
 * The program, in order:
 *   1. architecture: anything but AUDIT_ARCH_X86_64 (i386 int 0x80,
 *      sysenter) is foreign; so is an x32 number (bit 30);
 *   2. one "jeq nr" per row, jumping to the row's block;
 *   3. the default (not in the table): ENOSYS;
 *   4. the blocks.  ALLOW and TRACE rows return at once without looking at
 *      the arguments, so the kernel's per-call action cache keeps them free.
 *      FORM rows test each allowed form (a masked compare of both 32-bit
 *      halves of one argument) and fall through to EPERM.
 */
#define OFF_NR 0
#define OFF_ARCH 4
#define OFF_ARG_LO(i) (16 + 8 * (i))
#define OFF_ARG_HI(i) (16 + 8 * (i) + 4)

struct prog {
	struct sock_filter *ins;
	unsigned len, cap;
	bool oom;
};

static unsigned emit(struct prog *p, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	if (p->len == p->cap) {
		unsigned cap = p->cap ? 2 * p->cap : 256;
		struct sock_filter *n = realloc(p->ins, cap * sizeof(*n));
		if (!n) {
			p->oom = true;
			return p->len;
		}
		p->ins = n;
		p->cap = cap;
	}
	p->ins[p->len] = (struct sock_filter)BPF_JUMP(code, k, jt, jf);
	return p->len++;
}

static void ret(struct prog *p, uint32_t action)
{
	emit(p, BPF_RET | BPF_K, 0, 0, action);
}

/* One allowed form: (arg & mask) == value, both halves; else skip to the
 * next form.  Returns the index of the next instruction. */
static void form(struct prog *p, unsigned arg, uint64_t mask, uint64_t value,
		 uint32_t action)
{
	/* ld lo; and; jeq -> hi : skip(5) ; ld hi; and; jeq -> ret : skip(1); ret */
	emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, OFF_ARG_LO(arg));
	emit(p, BPF_ALU | BPF_AND | BPF_K, 0, 0, (uint32_t)mask);
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 4, (uint32_t)value);
	emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, OFF_ARG_HI(arg));
	emit(p, BPF_ALU | BPF_AND | BPF_K, 0, 0, (uint32_t)(mask >> 32));
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, (uint32_t)(value >> 32));
	ret(p, action);
}

static void forms_of(struct prog *p, long want, uint32_t action)
{
#define CALL(...)
#define FORM(name, a, op, x, y)                                          \
	if (__NR_##name == want)                                         \
		form(p, a, (op) == SCMP_CMP_EQ ? ~(uint64_t)0 : (uint64_t)(x), \
		     (op) == SCMP_CMP_EQ ? (uint64_t)(x) : (uint64_t)(y), action);
#include "syscalls.def"
#undef CALL
#undef FORM
}

static uint32_t row_action(const struct row *r, uint32_t refuse_nosys)
{
	switch (r->action) {
	case ALLOW:
		return SECCOMP_RET_ALLOW;
	case TRACE:
		return SECCOMP_RET_TRACE | FILTER_HANDLE;
	case NOSYS:
	default:
		return refuse_nosys;
	}
}

int filter_build(bool trace_refusals, struct filter *out, char *err, size_t errlen)
{
	const uint32_t nosys = trace_refusals ? SECCOMP_RET_TRACE | FILTER_REFUSED_NOSYS
					      : SECCOMP_RET_ERRNO | ENOSYS;
	const uint32_t perm = trace_refusals ? SECCOMP_RET_TRACE | FILTER_REFUSED_PERM
					     : SECCOMP_RET_ERRNO | EPERM;
	const uint32_t foreign = trace_refusals ? SECCOMP_RET_TRACE | FILTER_FOREIGN_ARCH
						: SECCOMP_RET_ERRNO | ENOSYS;
	const size_t nrows = sizeof(rows) / sizeof(rows[0]);
	struct prog p = { 0 };
	unsigned jump_at[sizeof(rows) / sizeof(rows[0]) + 1];

	memset(out, 0, sizeof(*out));
	/* 1. architecture */
	emit(&p, BPF_LD | BPF_W | BPF_ABS, 0, 0, OFF_ARCH);
	emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, AUDIT_ARCH_X86_64);
	ret(&p, foreign);
	emit(&p, BPF_LD | BPF_W | BPF_ABS, 0, 0, OFF_NR);
	emit(&p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, X32_SYSCALL_BIT);
	ret(&p, foreign);
	/* 2. dispatch: jeq nr -> ja block (ja reaches any distance) */
	for (size_t i = 0; i < nrows; i++) {
		emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, (uint32_t)rows[i].nr);
		jump_at[i] = emit(&p, BPF_JMP | BPF_JA, 0, 0, 0);
	}
	/* The private install call, only ever put there by the supervisor. */
	emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, MINOS_PRIV_INSTALL);
	ret(&p, SECCOMP_RET_USER_NOTIF);
	/* 3. not in the table */
	ret(&p, nosys);
	/* 4. blocks */
	for (size_t i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];
		if (!p.oom)
			p.ins[jump_at[i]].k = p.len - jump_at[i] - 1;
		switch (r->action) {
		case FORM:
			forms_of(&p, r->nr, SECCOMP_RET_ALLOW);
			ret(&p, perm);
			break;
		case FTRACE:
			forms_of(&p, r->nr, SECCOMP_RET_TRACE | FILTER_HANDLE);
			ret(&p, perm);
			break;
		default:
			ret(&p, row_action(r, nosys));
		}
	}
	if (p.oom || p.len > BPF_MAXINSNS) {
		free(p.ins);
		snprintf(err, errlen, "building the seccomp filter: %s",
			 p.oom ? "out of memory" : "too many instructions");
		return -1;
	}
	out->insns = p.ins;
	out->len = (unsigned short)p.len;
	return 0;
}

void filter_free(struct filter *f)
{
	free(f->insns);
	f->insns = NULL;
	f->len = 0;
}
