/* SPDX-License-Identifier: MIT */
/*
 * test-filter.c - the generated seccomp filter, checked offline: a small
 * BPF interpreter runs it on rows of (arch, call, arguments) and each row
 * names the action the kernel must take.  The live half of these checks is
 * t/900-escape.bats (the probe guest under minos-exec).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <asm/prctl.h>

#include "filter.h"
#include "minos.h"

#include "tap.h"

/* Run prog on data the way the kernel does; -1 on a malformed program. */
static int64_t run(const struct filter *f, const struct seccomp_data *d)
{
	uint32_t a = 0;
	const unsigned char *bytes = (const unsigned char *)d;
	for (unsigned pc = 0; pc < f->len; pc++) {
		const struct sock_filter *in = &f->insns[pc];
		switch (in->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (in->k + 4 > sizeof(*d) || in->k % 4)
				return -1;
			memcpy(&a, bytes + in->k, 4);
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= in->k;
			break;
		case BPF_JMP | BPF_JA:
			pc += in->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == in->k ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= in->k ? in->jt : in->jf;
			break;
		case BPF_RET | BPF_K:
			return in->k;
		default:
			return -1;
		}
	}
	return -1; /* fell off the end */
}

#define ALLOWED   SECCOMP_RET_ALLOW
#define NOSYS     (SECCOMP_RET_ERRNO | ENOSYS)
#define PERM      (SECCOMP_RET_ERRNO | EPERM)
#define HANDLED   (SECCOMP_RET_TRACE | FILTER_HANDLE)
#define NOTIFIED  SECCOMP_RET_USER_NOTIF
#define T_NOSYS   (SECCOMP_RET_TRACE | FILTER_REFUSED_NOSYS)
#define T_PERM    (SECCOMP_RET_TRACE | FILTER_REFUSED_PERM)
#define T_FOREIGN (SECCOMP_RET_TRACE | FILTER_FOREIGN_ARCH)

#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
	CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | \
	CLONE_CHILD_CLEARTID)

static const struct row {
	const char *what;
	uint32_t arch;
	long nr;
	uint64_t args[6];
	uint32_t plain, traced; /* without and with --trace */
} rows[] = {
	{ "read runs in-kernel", AUDIT_ARCH_X86_64, __NR_read, { 0 }, ALLOWED, ALLOWED },
	{ "write runs in-kernel", AUDIT_ARCH_X86_64, __NR_write, { 1 }, ALLOWED, ALLOWED },
	{ "close runs in-kernel", AUDIT_ARCH_X86_64, __NR_close, { 3 }, ALLOWED, ALLOWED },
	{ "openat is ENOSYS", AUDIT_ARCH_X86_64, __NR_openat, { 0 }, NOSYS, T_NOSYS },
	{ "open is ENOSYS", AUDIT_ARCH_X86_64, __NR_open, { 0 }, NOSYS, T_NOSYS },
	{ "execve is ENOSYS", AUDIT_ARCH_X86_64, __NR_execve, { 0 }, NOSYS, T_NOSYS },
	{ "socket is ENOSYS", AUDIT_ARCH_X86_64, __NR_socket, { 2, 1 }, NOSYS, T_NOSYS },
	{ "ptrace is ENOSYS", AUDIT_ARCH_X86_64, __NR_ptrace, { 0 }, NOSYS, T_NOSYS },
	{ "kill is ENOSYS", AUDIT_ARCH_X86_64, __NR_kill, { 1, 9 }, NOSYS, T_NOSYS },
	{ "io_uring_setup is ENOSYS", AUDIT_ARCH_X86_64, __NR_io_uring_setup, { 0 }, NOSYS, T_NOSYS },
	{ "bpf is ENOSYS", AUDIT_ARCH_X86_64, __NR_bpf, { 0 }, NOSYS, T_NOSYS },
	{ "clone3 is ENOSYS", AUDIT_ARCH_X86_64, __NR_clone3, { 0 }, NOSYS, T_NOSYS },
	{ "fork is ENOSYS", AUDIT_ARCH_X86_64, __NR_fork, { 0 }, NOSYS, T_NOSYS },
	{ "rseq is ENOSYS", AUDIT_ARCH_X86_64, __NR_rseq, { 0 }, NOSYS, T_NOSYS },
	{ "a number past every table is ENOSYS", AUDIT_ARCH_X86_64, 0x3fffffff, { 0 }, NOSYS, T_NOSYS },
	{ "an x32 number is foreign", AUDIT_ARCH_X86_64, 0x40000000 | __NR_read, { 0 }, NOSYS, T_FOREIGN },
	{ "an x32 Minos number is foreign", AUDIT_ARCH_X86_64, 0x40000000 | MINOS_SYS_PIPE, { 0 }, NOSYS, T_FOREIGN },
	{ "an i386 call is foreign", AUDIT_ARCH_I386, 3 /* read */, { 0 }, NOSYS, T_FOREIGN },
	{ "an i386 call numbered like a Minos call is foreign", AUDIT_ARCH_I386, MINOS_SYS_PIPE, { 0 }, NOSYS, T_FOREIGN },
	{ "anonymous mmap runs in-kernel", AUDIT_ARCH_X86_64, __NR_mmap, { 0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1 }, ALLOWED, ALLOWED },
	{ "a file mmap is EPERM", AUDIT_ARCH_X86_64, __NR_mmap, { 0, 4096, PROT_READ, MAP_PRIVATE, 0 }, PERM, T_PERM },
	{ "a thread clone is traced (thread count)", AUDIT_ARCH_X86_64, __NR_clone, { THREAD_FLAGS }, HANDLED, HANDLED },
	{ "a fork-like clone is EPERM", AUDIT_ARCH_X86_64, __NR_clone, { 17 /* SIGCHLD */ }, PERM, T_PERM },
	{ "a thread clone with CLONE_NEWNS is EPERM", AUDIT_ARCH_X86_64, __NR_clone, { THREAD_FLAGS | CLONE_NEWNS }, PERM, T_PERM },
	{ "a thread clone with CLONE_VFORK is EPERM", AUDIT_ARCH_X86_64, __NR_clone, { THREAD_FLAGS | CLONE_VFORK }, PERM, T_PERM },
	{ "a thread clone with CLONE_UNTRACED is EPERM", AUDIT_ARCH_X86_64, __NR_clone, { THREAD_FLAGS | CLONE_UNTRACED }, PERM, T_PERM },
	{ "a thread clone with flag bits above 32 is EPERM", AUDIT_ARCH_X86_64, __NR_clone, { THREAD_FLAGS | (1ULL << 40) }, PERM, T_PERM },
	{ "a clone missing CLONE_FILES is EPERM", AUDIT_ARCH_X86_64, __NR_clone, { THREAD_FLAGS & ~(uint64_t)CLONE_FILES }, PERM, T_PERM },
	{ "pipe runs in-kernel (musl's pipe2(fds, 0))", AUDIT_ARCH_X86_64, __NR_pipe, { 0x1000 }, ALLOWED, ALLOWED },
	{ "pipe2(0) runs in-kernel", AUDIT_ARCH_X86_64, __NR_pipe2, { 0x1000, 0 }, ALLOWED, ALLOWED },
	{ "pipe2(O_CLOEXEC) runs in-kernel", AUDIT_ARCH_X86_64, __NR_pipe2, { 0x1000, O_CLOEXEC }, ALLOWED, ALLOWED },
	{ "pipe2(O_NONBLOCK) is EPERM", AUDIT_ARCH_X86_64, __NR_pipe2, { 0x1000, O_NONBLOCK }, PERM, T_PERM },
	{ "futex WAIT_PRIVATE runs in-kernel", AUDIT_ARCH_X86_64, __NR_futex, { 0x1000, FUTEX_WAIT_PRIVATE }, ALLOWED, ALLOWED },
	{ "futex WAKE_OP runs in-kernel", AUDIT_ARCH_X86_64, __NR_futex, { 0x1000, FUTEX_WAKE_OP }, ALLOWED, ALLOWED },
	{ "futex WAIT_BITSET with CLOCK_REALTIME runs in-kernel", AUDIT_ARCH_X86_64, __NR_futex, { 0x1000, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME }, ALLOWED, ALLOWED },
	{ "futex LOCK_PI is EPERM", AUDIT_ARCH_X86_64, __NR_futex, { 0x1000, FUTEX_LOCK_PI }, PERM, T_PERM },
	{ "futex WAIT_REQUEUE_PI is EPERM", AUDIT_ARCH_X86_64, __NR_futex, { 0x1000, FUTEX_WAIT_REQUEUE_PI | FUTEX_PRIVATE_FLAG }, PERM, T_PERM },
	{ "arch_prctl ARCH_SET_FS runs in-kernel", AUDIT_ARCH_X86_64, __NR_arch_prctl, { ARCH_SET_FS, 0x1000 }, ALLOWED, ALLOWED },
	{ "arch_prctl ARCH_SET_GS is EPERM", AUDIT_ARCH_X86_64, __NR_arch_prctl, { ARCH_SET_GS, 0x1000 }, PERM, T_PERM },
	{ "tgkill is traced (whose thread?)", AUDIT_ARCH_X86_64, __NR_tgkill, { 1, 1, 10 }, HANDLED, HANDLED },
	{ "execveat is traced (only the trampoline's)", AUDIT_ARCH_X86_64, __NR_execveat, { 3 }, HANDLED, HANDLED },
	{ "restart_syscall runs in-kernel", AUDIT_ARCH_X86_64, __NR_restart_syscall, { 0 }, ALLOWED, ALLOWED },
	{ "Minos cnew is traced", AUDIT_ARCH_X86_64, MINOS_SYS_CNEW, { 0 }, HANDLED, HANDLED },
	{ "Minos pipe is traced", AUDIT_ARCH_X86_64, MINOS_SYS_PIPE, { 0 }, HANDLED, HANDLED },
	{ "Minos rpass is traced", AUDIT_ARCH_X86_64, MINOS_SYS_RPASS, { 0 }, HANDLED, HANDLED },
	{ "0x440a (past the Minos calls) is ENOSYS", AUDIT_ARCH_X86_64, 0x440a, { 0 }, NOSYS, T_NOSYS },
	{ "the private install call goes to the listener", AUDIT_ARCH_X86_64, MINOS_PRIV_INSTALL, { 0 }, NOTIFIED, NOTIFIED },
};

int main(void)
{
	struct filter plain, traced;
	char err[256];
	ok(filter_build(false, &plain, err, sizeof(err)) == 0, "the filter builds (%s)", err);
	ok(filter_build(true, &traced, err, sizeof(err)) == 0, "the --trace filter builds");
	ok(plain.len > 0 && plain.len <= BPF_MAXINSNS, "the filter fits the kernel's limit (%u instructions)", plain.len);

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct seccomp_data d = { .nr = (int)r->nr, .arch = r->arch };
		memcpy(d.args, r->args, sizeof(d.args));
		int64_t p = run(&plain, &d), t = run(&traced, &d);
		ok(p == r->plain, "%s (got %#llx)", r->what, (long long)p);
		ok(t == r->traced, "%s, with --trace (got %#llx)", r->what, (long long)t);
	}

	/* Every number, listed or not, lands where its row says: the binary
	 * search must not lose or misplace any of them. */
	enum { K_ALLOW, K_FORM, K_TRACE, K_FTRACE, K_NOSYS };
	static const struct { long nr; int kind; } table[] = {
#define CALL(name, nr, action, handler, nargs) { nr, K_##action },
#define FORM(...)
#define FORM2(...)
#include "syscalls.def"
#undef CALL
#undef FORM
#undef FORM2
	};
	unsigned wrong = 0, checked = 0;
	for (long nr = 0; nr < 0x4500; nr = nr == 1023 ? 0x4300 : nr + 1) {
		struct seccomp_data d = { .nr = (int)nr, .arch = AUDIT_ARCH_X86_64 };
		int kind = K_NOSYS;
		for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
			if (table[i].nr == nr)
				kind = table[i].kind;
		int64_t got = run(&plain, &d);
		bool good;
		switch (kind) {
		case K_ALLOW: good = got == ALLOWED; break;
		case K_TRACE: good = got == HANDLED; break;
		case K_FORM: good = got == ALLOWED || got == PERM; break;
		case K_FTRACE: good = got == HANDLED || got == PERM; break;
		default: good = got == (nr == MINOS_PRIV_INSTALL ? NOTIFIED : NOSYS);
		}
		if (!good && wrong++ < 5)
			printf("# nr %ld: kind %d, got %#llx\n", nr, kind, (long long)got);
		checked++;
	}
	ok(wrong == 0, "each of %u call numbers gets its row's action (%u wrong)", checked, wrong);

	/* Calls without argument tests never load an argument: the kernel's
	 * action cache can then decide them without running the filter. */
	const long hot[] = { __NR_read, __NR_write, __NR_close, __NR_readv,
			     __NR_writev, __NR_poll, __NR_clock_gettime };
	for (size_t i = 0; i < sizeof(hot) / sizeof(hot[0]); i++) {
		struct seccomp_data a = { .nr = (int)hot[i], .arch = AUDIT_ARCH_X86_64 };
		struct seccomp_data b = a;
		memset(b.args, 0xff, sizeof(b.args));
		ok(run(&plain, &a) == ALLOWED && run(&plain, &b) == ALLOWED,
		   "%s is allowed whatever its arguments (cacheable)", filter_call_name(hot[i]));
	}
	ok(strcmp(filter_call_name(__NR_socket), "socket") == 0, "refused calls are named (socket)");
	ok(strcmp(filter_call_name(MINOS_SYS_PIPE), "minos_pipe") == 0, "Minos calls are named (minos_pipe)");
	const char *i386 = filter_foreign_name(20);
	ok(i386 && strcmp(i386, "i386 getpid") == 0, "i386 calls are named from the i386 table (%s)", i386 ? i386 : "NULL");

	filter_free(&plain);
	filter_free(&traced);
	return tap_done();
}
