/* SPDX-License-Identifier: MIT */
/*
 * tracee.c - one layer of operations on a container's threads (see
 * tracee.h): stop, resume, registers, memory, injected system calls, and
 * the injected closes that make a descriptor leave a container.
 */
#include <errno.h>
#include <elf.h>
#include <linux/audit.h>
#include <linux/kcmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "mem.h"
#include "procfs.h"
#include "ptrace.h"
#include "tracee.h"

#ifndef NT_X86_XSTATE
#define NT_X86_XSTATE 0x202
#endif

#define MINOS_NR_EPOLL_PWAIT2 441 /* __NR_epoll_pwait2, Linux 5.11 */
#define MINOS_NR_CLOSE_RANGE 436  /* __NR_close_range, Linux 5.9 */

static struct tracee_hooks hooks;

void tracee_set_hooks(const struct tracee_hooks *h)
{
	hooks = *h;
}

void tracee_release_waits(struct thread *t)
{
	if (hooks.release_waits)
		hooks.release_waits(t);
}

/* ---- stop and resume ------------------------------------------------------ */

bool tracee_held(const struct thread *t)
{
	return hooks.held && hooks.held(t);
}

void tracee_rerun(struct thread *t, const struct user_regs_struct *at)
{
	struct user_regs_struct r = *at;
	tracee_wind_back(&r);
	t->state = T_RUNNING;
	if (ptr_setregs(t->tid, &r) == 0)
		ptr_cont(t->tid, 0);
}

int tracee_stop(struct thread *t)
{
	return ptr_interrupt(t->tid);
}

int tracee_resume(struct thread *t, int sig)
{
	switch (t->state) {
	case T_EXIT_STOP:
	case T_INJECT_EXIT:
	case T_INJECT_ENTRY:
	case T_PASS:
		return ptr_syscall(t->tid, sig);
	default:
		return ptr_cont(t->tid, sig);
	}
}

/* ---- registers and memory ------------------------------------------------- */

int tracee_getregs(const struct thread *t, struct user_regs_struct *r)
{
	return ptr_getregs(t->tid, r);
}

int tracee_setregs(const struct thread *t, const struct user_regs_struct *r)
{
	return ptr_setregs(t->tid, r);
}

int tracee_get_xstate(const struct thread *t, void *buf, size_t *len)
{
	return ptr_getregset(t->tid, NT_X86_XSTATE, buf, len);
}

int tracee_set_xstate(const struct thread *t, const void *buf, size_t len)
{
	return ptr_setregset(t->tid, NT_X86_XSTATE, buf, len);
}

int tracee_read(const struct thread *t, uint64_t addr, void *buf, size_t len)
{
	return mem_read(t->tid, addr, buf, len);
}

int tracee_write(const struct thread *t, uint64_t addr, const void *buf,
		 size_t len)
{
	return mem_write(t->tid, addr, buf, len);
}

/* ---- injected system calls ------------------------------------------------ */

int tracee_call(struct thread *t, bool at_entry, long nr,
		const uint64_t args[6], tracee_done_fn done, void *arg)
{
	struct user_regs_struct regs;
	if (at_entry) {
		regs = t->entry;
	} else {
		int rc = ptr_getregs(t->tid, &regs);
		if (rc < 0)
			return rc;
		regs.rip -= 2; /* back onto the syscall instruction it ran */
		regs.rax = (unsigned long long)nr;
	}
	regs.orig_rax = (unsigned long long)nr;
	regs.rdi = args[0];
	regs.rsi = args[1];
	regs.rdx = args[2];
	regs.r10 = args[3];
	regs.r8 = args[4];
	regs.r9 = args[5];
	int rc = ptr_setregs(t->tid, &regs);
	if (rc == 0)
		rc = ptr_syscall(t->tid, 0);
	if (rc < 0)
		return rc; /* gone: nothing is armed, done is never called */
	t->inj_nr = nr;
	t->inj_a0 = args[0];
	t->inj_rip = at_entry ? regs.rip : regs.rip + 2;
	t->inj_arch = !at_entry;
	t->inj_done = done;
	t->inj_arg = arg;
	t->state = at_entry ? T_INJECT_EXIT : T_INJECT_ENTRY;
	return 0;
}

/* A call's number and arguments into regs, to run at the syscall
 * instruction at insn, with no restart of what the thread was in. */
static void call_regs(struct user_regs_struct *r, uint64_t insn, long nr,
		      const uint64_t args[6])
{
	r->rip = insn;
	r->rax = (unsigned long long)nr;
	r->orig_rax = (unsigned long long)-1;
	r->rdi = args[0];
	r->rsi = args[1];
	r->rdx = args[2];
	r->r10 = args[3];
	r->r8 = args[4];
	r->r9 = args[5];
}

static int call_at(struct thread *t, uint64_t insn, long nr,
		   const uint64_t args[6], tracee_done_fn done, void *arg,
		   bool traced, const struct user_regs_struct *now)
{
	t->inj_after = NULL;
	struct user_regs_struct regs;
	int rc = 0;
	if (now)
		regs = *now; /* (the caller has them) */
	else
		rc = ptr_getregs(t->tid, &regs);
	if (rc < 0)
		return rc;
	call_regs(&regs, insn, nr, args);
	rc = ptr_setregs(t->tid, &regs);
	/* A call the filter traces stops at its seccomp stop anyway: no
	 * syscall-entry stop is needed before it (one stop fewer). */
	if (rc == 0)
		rc = traced ? ptr_cont(t->tid, 0) : ptr_syscall(t->tid, 0);
	if (rc < 0)
		return rc; /* gone: nothing is armed, done is never called */
	/* Armed only now: a caller that sees a failure frees arg, and a
	 * done armed before would be called with it when the thread's
	 * exit is seen (tracee_thread_gone). */
	t->inj_nr = nr;
	t->inj_a0 = args[0];
	t->inj_rip = insn + 2;
	t->inj_arch = true;
	t->inj_done = done;
	t->inj_arg = arg;
	t->state = T_INJECT_ENTRY;
	return 0;
}

int tracee_call_at(struct thread *t, uint64_t insn, long nr,
		   const uint64_t args[6], tracee_done_fn done, void *arg)
{
	return call_at(t, insn, nr, args, done, arg, false, NULL);
}

/* call_at with every signal held off until the call has entered: no
 * handler runs on the injected registers (unmask gives the mask back). */
static int call_own_at(struct thread *t, uint64_t insn, long nr,
		       const uint64_t args[6], tracee_done_fn done, void *arg,
		       bool traced)
{
	uint64_t mask;
	if (ptr_getsigmask(t->tid, &mask) < 0 || ptr_setsigmask(t->tid, ~0ULL) < 0)
		return -ESRCH;
	int rc = call_at(t, insn, nr, args, done, arg, traced, NULL);
	if (rc < 0) {
		ptr_setsigmask(t->tid, mask);
		return rc;
	}
	t->inj_unmask = true;
	t->inj_mask = mask;
	return 0;
}

int tracee_call_own_at(struct thread *t, uint64_t insn, long nr,
		       const uint64_t args[6], tracee_done_fn done, void *arg)
{
	return call_own_at(t, insn, nr, args, done, arg, false);
}

/* The thread's own mask back (tracee_call_own_at), once. */
static void unmask(struct thread *t)
{
	if (t->inj_unmask) {
		t->inj_unmask = false;
		ptr_setsigmask(t->tid, t->inj_mask);
	}
}

int tracee_call_traced_at(struct thread *t, uint64_t insn, long nr,
			  const uint64_t args[6], tracee_done_fn done, void *arg)
{
	return call_at(t, insn, nr, args, done, arg, true, NULL);
}

int tracee_call_traced_then(struct thread *t, uint64_t insn, long nr,
			    const uint64_t args[6],
			    const struct user_regs_struct *after,
			    tracee_done_fn done, void *arg)
{
	if (after->rcx == after->rip)
		return -EINVAL; /* the kernel could return by sysret */
	int rc = call_at(t, insn, nr, args, done, arg, true, after);
	if (rc == 0) {
		t->inj_after = after;
		/* Its bytes were read as `syscall` at this stop, and the
		 * thread has not run since (tracee.h): no arch to ask. */
		t->inj_arch = false;
	}
	return rc;
}

/* Is the stop with regs the injected call's?  Once it is, its exit is
 * the same call's: the arch is asked at most once (inj_arch cleared). */
static bool is_ours(struct thread *t, const struct user_regs_struct *regs)
{
	if ((long)regs->orig_rax != t->inj_nr || regs->rdi != t->inj_a0 ||
	    (t->inj_rip && regs->rip != t->inj_rip))
		return false;
	/* Two bytes of the container's code (unless sealed) ran: `int 0x80`
	 * there makes an i386 call with the same registers. */
	uint32_t arch;
	if (t->inj_arch &&
	    (ptr_syscall_arch(t->tid, &arch) < 0 || arch != AUDIT_ARCH_X86_64))
		return false;
	t->inj_arch = false;
	return true;
}

/* The same at a syscall-entry stop, from the one request that has all
 * it needs (number, first argument, address, arch): no registers. */
static bool entry_is_ours(struct thread *t, const struct __ptrace_syscall_info *si)
{
	if (si->op != PTRACE_SYSCALL_INFO_ENTRY ||
	    si->entry.nr != (unsigned long long)t->inj_nr ||
	    si->entry.args[0] != t->inj_a0 ||
	    (t->inj_rip && si->instruction_pointer != t->inj_rip) ||
	    (t->inj_arch && si->arch != AUDIT_ARCH_X86_64))
		return false;
	t->inj_arch = false;
	return true;
}

static void inj_end(struct thread *t, long r)
{
	unmask(t);
	t->inj_after = NULL;
	tracee_done_fn done = t->inj_done;
	void *arg = t->inj_arg;
	t->inj_done = NULL;
	t->state = T_RUNNING;
	if (done)
		done(t, r, arg);
	else
		ptr_cont(t->tid, 0);
}

void tracee_seccomp_stop(struct thread *t, const struct user_regs_struct *at)
{
	const struct user_regs_struct regs = *at;
	if (is_ours(t, &regs) && t->inj_after) {
		/* Run the call, then on with *inj_after: its registers but
		 * for the call's number and arguments (which stay after it)
		 * and rax (its result).  rcx != rip makes the kernel return
		 * by iret, every register as set here (sysret would put rip
		 * in rcx and the flags in r11). */
		struct user_regs_struct r = *t->inj_after;
		r.orig_rax = regs.orig_rax;
		r.rax = regs.rax;
		r.rdi = regs.rdi;
		r.rsi = regs.rsi;
		r.rdx = regs.rdx;
		r.r10 = regs.r10;
		r.r8 = regs.r8;
		r.r9 = regs.r9;
		t->inj_after = NULL;
		if (ptr_setregs(t->tid, &r) < 0)
			return; /* gone: its exit follows (done gets -ESRCH) */
		tracee_done_fn done = t->inj_done;
		void *arg = t->inj_arg;
		t->inj_done = NULL;
		t->state = T_RUNNING;
		ptr_cont(t->tid, 0);
		if (done)
			done(t, 0, arg);
		return;
	}
	if (is_ours(t, &regs)) {
		t->state = T_INJECT_EXIT;
		unmask(t);
		ptr_syscall(t->tid, 0);
		return;
	}
	t->inj_after = NULL;
	inj_end(t, -EINTR);
}

void tracee_syscall_stop(struct thread *t)
{
	/* Decide by what the stop is, never by the order of the stops: the
	 * stop is the injected call's only if it is that call. */
	if (t->state == T_INJECT_ENTRY) {
		struct __ptrace_syscall_info si;
		if (ptr_syscall_info(t->tid, &si) < 0)
			return; /* gone: its exit follows */
		if (!entry_is_ours(t, &si)) {
			inj_end(t, -EINTR);
			return;
		}
		t->state = T_INJECT_EXIT;
		unmask(t);
		ptr_syscall(t->tid, 0);
		return;
	}
	struct user_regs_struct regs;
	if (ptr_getregs(t->tid, &regs) < 0)
		return; /* gone: its exit follows */
	inj_end(t, is_ours(t, &regs) ? (long)regs.rax : -EINTR);
}

void tracee_thread_gone(struct thread *t)
{
	if (t->inj_done)
		inj_end(t, -ESRCH);
}

bool tracee_injected_fault(struct thread *t, int sig)
{
	siginfo_t si;
	struct user_regs_struct regs;
	if (t->state != T_INJECT_ENTRY || !t->inj_rip)
		return false;
	switch (sig) {
	case SIGSEGV: case SIGBUS: case SIGILL: case SIGTRAP: case SIGFPE:
		break;
	default:
		return false;
	}
	/* The kernel's (si_code > 0), at the instruction itself: one a
	 * sibling sent (SI_TKILL) is the program's own signal. */
	if (ptr_siginfo(t->tid, &si) < 0 || si.si_code <= 0 ||
	    ptr_getregs(t->tid, &regs) < 0 || regs.rip != t->inj_rip - 2)
		return false;
	t->inj_after = NULL;
	inj_end(t, -EINTR);
	return true;
}

void tracee_answer(struct thread *t, long result)
{
	struct user_regs_struct regs = t->entry;
	regs.orig_rax = (unsigned long long)-1;
	regs.rax = (unsigned long long)result;
	t->state = T_RUNNING;
	if (ptr_setregs(t->tid, &regs) < 0)
		return; /* gone: never answered */
	if (hooks.answered)
		hooks.answered(t, result);
	ptr_cont(t->tid, 0);
}

/* ---- injected closes ------------------------------------------------------ */

/* Does number i of the close list still hold the file our copy is? */
static bool still_ours(struct thread *t, const struct cnew_op *op, unsigned i)
{
	if (!op->copies || op->copies[i] < 0)
		return true;
	return syscall(SYS_kcmp, t->tid, getpid(), KCMP_FILE, op->consume[i],
		       op->copies[i]) == 0;
}

/* The file of number i has left the caller: out of its epoll sets too
 * (keyed on the file and the number, so a new file at that number is
 * left alone). */
static void moved(struct thread *t, const struct cnew_op *op, unsigned i)
{
	if (hooks.closed)
		hooks.closed(t, op->consume[i], op->copies ? op->copies[i] : -1);
}

/* The next number to close, skipping those that changed hands (the
 * caller closed the number itself: its file has still moved). */
static bool next_close(struct thread *t, struct cnew_op *op, unsigned *idx)
{
	while (op->ndone < op->nconsume) {
		unsigned i = op->ndone++;
		if (still_ours(t, op, i)) {
			*idx = i;
			return true;
		}
		moved(t, op, i);
	}
	return false;
}

/* End t's container for changing what the closes need (one line, the
 * loop's, when it is seen to end). */
static void kill_changed(struct thread *t, const char *why)
{
	if (!t->c)
		return;
	if (t->c->end == END_NONE) {
		t->c->end = END_SIGNAL;
		t->c->end_sig = SIGKILL;
		t->c->end_why = why;
	}
	ctab_kill(t->c);
}

static void close_done(struct thread *t, long result, void *arg);

/* Is the thread asleep in a call that holds no stream (a futex, a sleep,
 * an epoll_wait: an epoll set loses the number with the close)?  Those
 * are left alone: an interrupt would make epoll_wait and sigtimedwait
 * return EINTR.  Running, anything else, or /proc unreadable: no. */
static bool holds_no_stream(pid_t tid)
{
	char buf[32];
	if (proc_read(tid, "syscall", buf, sizeof(buf)) <= 0 ||
	    buf[0] < '0' || buf[0] > '9')
		return false; /* "running", or "-1": in no call */
	switch (strtol(buf, NULL, 10)) {
	case __NR_futex:
	case __NR_nanosleep:
	case __NR_clock_nanosleep:
	case __NR_epoll_wait:
	case __NR_epoll_pwait:
	case MINOS_NR_EPOLL_PWAIT2:
	case __NR_rt_sigtimedwait:
	case __NR_rt_sigsuspend:
		return true;
	default:
		return false;
	}
}

/* Another thread of the closer may be blocked in a call on a number just
 * closed (a read, a write, a poll): such a call holds the stream itself,
 * not the number, and would go on reading or writing a stream that is now
 * another container's.  An interrupt makes it restart (as the kernel
 * restarts any call a ptrace stop breaks), and the restarted call finds
 * the number closed, as if the close had come first.  A thread running
 * in user mode only gets a harmless stop (the loop resumes it as it was);
 * threads we hold stopped are in no call, and so are those a checkpoint's
 * freeze holds (its interrupt made them leave any call, to restart it as
 * they resume; they stop no more until then, so waiting for them would
 * keep the closer, and the freeze waiting for the closer, stopped for
 * ever).  (A thread another closer already waits for is not waited for
 * twice: its interrupt is on its way, but this closer may be answered
 * before it lands.) */
static void kick(struct thread *o, void *arg)
{
	struct thread *closer = arg;
	if (o == closer || o->lent || o->kicked_for || o->cnew || o->passing ||
	    (o->state != T_RUNNING && o->state != T_EXIT_STOP) ||
	    tracee_held(o) || holds_no_stream(o->tid))
		return;
	if (ptr_interrupt(o->tid) == 0) {
		o->kicked_for = closer->tid;
		o->kick_op = closer->cnew;
		closer->cnew->nkicked++;
	}
}

static void closes_answer(struct thread *t)
{
	long r = t->cnew->result;
	if (t->cnew->masked) {
		/* Signals that came meanwhile are delivered as the answer
		 * returns to the container, as if they came just after. */
		t->cnew->masked = false;
		ptr_setsigmask(t->tid, t->cnew->mask);
	}
	if (hooks.forget)
		hooks.forget(t);
	tracee_answer(t, r);
}

/* The closes are made: answer, once the other threads of the container
 * that may be in a call on a closed number have stopped (the loop calls
 * tracee_kick_seen at each one's next stop or exit). */
static void closes_end(struct thread *t)
{
	if (t->cnew->nclosed && t->c && t->c->threads > 1) {
		t->cnew->nkicked = 0;
		thread_each(t->c, kick, t);
		if (t->cnew->nkicked)
			return;
	}
	closes_answer(t);
}

void tracee_kick_seen(struct thread *o)
{
	pid_t ctid = o->kicked_for;
	const struct cnew_op *op = o->kick_op;
	o->kicked_for = 0;
	o->kick_op = NULL;
	struct thread *t = thread_find(ctid);
	/* (A closer that is gone, or has moved on, waits for nothing.) */
	if (!t || !t->cnew || t->cnew != op || !t->cnew->nkicked)
		return;
	if (--t->cnew->nkicked == 0)
		closes_answer(t);
}

/*
 * Inject the next close, or answer: at_entry for the first, which replaces
 * the cnew at its seccomp stop.  The others run at the container's sealed
 * vDSO syscall instruction (sys_cnew_exec_stop): never at the caller's own
 * instruction, which another of its threads can rewrite while the cnew
 * waits (RT-5).  Only where the vDSO could not be found and sealed is the
 * caller's own instruction used; a close that does not then run as ours
 * ends the caller (close_done).
 */
static void close_next(struct thread *t, bool at_entry)
{
	struct cnew_op *op = t->cnew;
	unsigned i;
	if (!op)
		return; /* already let go (the thread is gone) */
	if (!next_close(t, op, &i)) {
		closes_end(t);
		return;
	}
	uint64_t args[6] = { (unsigned)op->consume[i] };
	uint64_t insn = t->c ? t->c->vdso_syscall : 0;
	/* At the vDSO the registers but the call's are the caller's at its
	 * stop (t->entry): no user code runs before the answer puts them
	 * back, so they need not be read again. */
	int rc = at_entry || !insn
		 ? tracee_call(t, at_entry, __NR_close, args, close_done,
			       (void *)(uintptr_t)i)
		 : call_at(t, insn, __NR_close, args, close_done,
			   (void *)(uintptr_t)i, false, &t->entry);
	if (rc < 0)
		closes_end(t); /* gone: its exit follows */
}

/* An injected close (or close_range) that did not run: the thread is
 * gone (nothing is left to hold the numbers), or the stop was not our
 * call's.  Every signal is held off meanwhile, so the container changed
 * the code the close was to run at (an unsealed instruction): it would
 * keep numbers it gave away, one stream in two containers.  It ends
 * instead.  True if so: the closes are over. */
static bool closes_cut(struct thread *t, long result)
{
	if (result != -ESRCH && result != -EINTR)
		return false;
	if (result == -EINTR)
		kill_changed(t, "the code its cnew's closes run at");
	closes_end(t);
	return true;
}

static void close_done(struct thread *t, long result, void *arg)
{
	struct cnew_op *op = t->cnew;
	unsigned i = (unsigned)(uintptr_t)arg;
	if (!op || closes_cut(t, result))
		return;
	/* Gone from its table (by our close, or by its own meanwhile):
	 * now, and only now, from its epoll sets. */
	if (result == 0)
		op->nclosed++;
	moved(t, op, i);
	close_next(t, false);
}

/* The vDSO at base: its length, and a syscall instruction in it (0).
 * Every x86-64 process of this kernel maps the same vDSO image, only at
 * another address; a child's is still the kernel's (it has not run), so
 * the first scan's offset and length serve every later child, checked by
 * the two bytes at the offset (else scanned again). */
/* A vDSO's ELF header: sane, at most 16 program headers in its first
 * page. */
static bool vdso_ehdr_ok(const Elf64_Ehdr *eh)
{
	return memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 &&
	       eh->e_phentsize == sizeof(Elf64_Phdr) && eh->e_phnum > 0 &&
	       eh->e_phnum <= 16 && eh->e_phoff <= 4096;
}

/* The page-rounded end of its PT_LOADs, its length: 0 if none, or over
 * 64 KiB. */
static size_t vdso_extent(const Elf64_Phdr *ph, unsigned n)
{
	uint64_t end = 0;
	for (unsigned i = 0; i < n; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr + ph[i].p_memsz > end)
			end = ph[i].p_vaddr + ph[i].p_memsz;
	end = (end + 4095) & ~4095ULL;
	return end <= 65536 ? (size_t)end : 0;
}

size_t tracee_vdso_scan(const struct thread *t, uint64_t base, uint64_t *insn)
{
	static uint64_t known_off;
	static size_t known_len;
	Elf64_Ehdr eh;
	Elf64_Phdr ph[16];
	unsigned char two[2];
	*insn = 0;
	if (base && known_len &&
	    tracee_read(t, base + known_off, two, sizeof(two)) == 0 &&
	    two[0] == 0x0f && two[1] == 0x05) {
		*insn = base + known_off;
		return known_len;
	}
	if (!base || tracee_read(t, base, &eh, sizeof(eh)) < 0 ||
	    !vdso_ehdr_ok(&eh) ||
	    tracee_read(t, base + eh.e_phoff, ph, eh.e_phnum * sizeof(ph[0])) < 0)
		return 0;
	size_t end = vdso_extent(ph, eh.e_phnum);
	if (!end)
		return 0;
	unsigned char *buf = malloc(end);
	if (buf && tracee_read(t, base, buf, end) == 0)
		for (size_t i = 0; i + 1 < end; i++)
			if (buf[i] == 0x0f && buf[i + 1] == 0x05) {
				*insn = base + i;
				break;
			}
	free(buf);
	if (*insn) {
		known_off = *insn - base;
		known_len = end;
	}
	return *insn ? end : 0;
}

/* Is the page of addr in tid's maps, not writable?  (-1: unreadable.) */
static int not_writable(pid_t tid, uint64_t addr)
{
	char path[48], line[256];
	snprintf(path, sizeof(path), "/proc/%d/maps", tid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	int r = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long lo, hi;
		char perms[8];
		if (sscanf(line, "%llx-%llx %7s", &lo, &hi, perms) == 3 &&
		    lo <= addr && addr + 2 <= hi) {
			r = perms[1] != 'w';
			break;
		}
	}
	fclose(f);
	return r;
}

/* The container made its vDSO unusable for the closes: it ends. */
static void vdso_changed(struct thread *t)
{
	kill_changed(t, "its vDSO, where its cnew's closes run");
	closes_end(t);
}

/* After an mseal of the vDSO with result: 1, its syscall instruction at
 * insn is the supervisor's (sealed, still `syscall`, in a page no one can
 * write); 0, it is not but may be used unsealed (a kernel without mseal,
 * or maps unreadable); -1, the container unmapped, moved, made writable
 * or changed it (RCK2-1).  Only the kernel may leave it unsealed. */
static int seal_kept(const struct thread *t, long result, uint64_t insn)
{
	unsigned char two[2];
	int nw = result == 0 ? not_writable(t->tid, insn) : -1;
	bool kept = result == 0 && nw != 0 && tracee_read(t, insn, two, 2) == 0 &&
		    two[0] == 0x0f && two[1] == 0x05;
	if (!kept && result != -ENOSYS)
		return -1;
	return kept && nw == 1;
}

/* The vDSO the kernel gave t's process (auxv): *base, *insn and its
 * length; 0: it has none, or it is not there as the kernel made it
 * (*base set: the container unmapped or changed it, RCK2-1). */
static size_t vdso_of(const struct thread *t, uint64_t *base, uint64_t *insn)
{
	uint64_t av[2 * 64];
	ssize_t n = proc_read(t->tid, "auxv", (char *)av, sizeof(av));
	*base = 0;
	*insn = 0;
	for (ssize_t k = 0; k + 1 < n / (ssize_t)sizeof(uint64_t) &&
			    av[k] != AT_NULL; k += 2)
		if (av[k] == AT_SYSINFO_EHDR)
			*base = av[k + 1];
	return *base ? tracee_vdso_scan(t, *base, insn) : 0;
}

/* The mseal of the caller's vDSO made in place of its call: if it took,
 * and the instruction is still `syscall` in a page no one can write, every
 * close runs there.  Only the kernel may leave the closes at the caller's
 * own instruction (no mseal before Linux 6.10: ENOSYS); any other failure
 * is the container's doing, and it ends. */
static void sealed(struct thread *t, long result, void *arg)
{
	uint64_t insn = (uint64_t)(uintptr_t)arg;
	if (!t->cnew)
		return;
	if (result == -ESRCH) {
		closes_end(t);
		return;
	}
	int kept = seal_kept(t, result, insn);
	if (kept < 0) {
		vdso_changed(t);
		return;
	}
	if (kept)
		t->c->vdso_syscall = insn;
	close_next(t, false);
}

/* A seal made later (tracee_seal_vdso): what to do after it. */
struct late_seal {
	tracee_done_fn done;
	void *arg;
	uint64_t insn;
};

static void late_sealed(struct thread *t, long result, void *arg)
{
	struct late_seal s = *(struct late_seal *)arg;
	free(arg);
	int kept = result == -ESRCH ? -1 : seal_kept(t, result, s.insn);
	if (kept > 0 && t->c) {
		t->c->vdso_syscall = s.insn;
		result = 0;
	} else if (result >= 0) {
		result = -EPERM;
	}
	/* (Tried once, unless it is the container's doing: then the
	 * closes' seal tries again, and ends it, RCK2-1.) */
	if (kept >= 0 && t->c)
		t->c->vdso_tried = true;
	s.done(t, result, s.arg);
}

int tracee_seal_vdso(struct thread *t, tracee_done_fn done, void *arg)
{
	uint64_t base, insn;
	struct container *c = t->c;
	if (!c || c->vdso_syscall || c->vdso_tried)
		return -EALREADY;
	size_t len = vdso_of(t, &base, &insn);
	if (!len) {
		if (!base)
			c->vdso_tried = true; /* none: nothing to seal, ever */
		return -ENOENT;
	}
	struct late_seal *s = malloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	*s = (struct late_seal){ done, arg, insn };
	/* Its bytes were just read as `syscall`; if another thread changes
	 * them first, the stop is not the call's and it ends -EINTR. */
	uint64_t args[6] = { base, len, 0 };
	int rc = call_own_at(t, insn, MINOS_SYS_MSEAL_NR, args, late_sealed, s,
			     true);
	if (rc < 0)
		free(s);
	return rc;
}

/* The run's close_range key (filter.h), 0 until it is set: none. */
static uint64_t close_key;

void tracee_set_close_key(uint64_t key)
{
	close_key = key;
}

/* ---- a cnew child's start through its vDSO -------------------------------- */

/*
 * The x86-64 vDSO of Linux 6.x ends its gettimeofday fallback with
 *
 *	syscall; leave; xor edx,edx; xor ecx,ecx; xor esi,esi; xor edi,edi;
 *	xor r8d,r8d; xor r9d,r9d; xor r10d,r10d; xor r11d,r11d; ret
 *
 * Found in the supervisor's own vDSO (its memory: nothing to read from a
 * container), once.  Every x86-64 process of this kernel maps the same
 * image, so a child's is the same bytes at another address; the first
 * child of the run is checked against it all the same.
 */
static struct {
	bool tried;
	const unsigned char *base; /* ours */
	size_t len;                /* of the vDSO (its PT_LOADs, whole pages) */
	size_t off, span;          /* the syscall; syscall to ret, inclusive */
} own;

/* A `xor r32,r32` (or its r8-r15 or 64-bit form) at b, not of esp/rsp:
 * its length, else 0.  *r9 is set if it zeroes r9. */
static size_t zeroing_xor(const unsigned char *b, size_t room, bool *r9)
{
	size_t n = 0;
	bool ext = false;
	if (room >= 3 && (b[0] == 0x45 || b[0] == 0x4d || b[0] == 0x48)) {
		ext = b[0] != 0x48;
		n = 1;
	}
	if (room < n + 2 || b[n] != 0x31)
		return 0;
	unsigned m = b[n + 1];
	if ((m & 0xc0) != 0xc0 || ((m >> 3) & 7) != (m & 7))
		return 0;
	if (!ext && (m & 7) == 4)
		return 0; /* esp, rsp */
	if (ext && (m & 7) == 1)
		*r9 = true;
	return n + 2;
}

static void own_vdso(void)
{
	if (own.tried)
		return;
	own.tried = true;
	const unsigned char *b = (const void *)getauxval(AT_SYSINFO_EHDR);
	if (!b)
		return;
	const Elf64_Ehdr *eh = (const void *)b;
	if (!vdso_ehdr_ok(eh))
		return;
	size_t end = vdso_extent((const void *)(b + eh->e_phoff), eh->e_phnum);
	for (size_t i = 0; i + 4 < end; i++) {
		if (b[i] != 0x0f || b[i + 1] != 0x05 || b[i + 2] != 0xc9)
			continue;
		bool r9 = false;
		size_t k = i + 3, n;
		while (k < end && (n = zeroing_xor(b + k, end - k, &r9)))
			k += n;
		if (k < end && b[k] == 0xc3 && r9 && k + 1 - i <= 64) {
			own.base = b;
			own.len = end;
			own.off = i;
			own.span = k + 1 - i;
			return;
		}
	}
}

/*
 * Start a cnew child at its execveat's exit stop, *start its program's
 * registers (rip its entry, rsp its 16-aligned initial stack), its vDSO
 * sealed on the way with no stop of its own: put at the syscall above
 * with mseal(vdso, len, 0) and the run's key in r9 (the filter lets that
 * through, filter.h), rbp at a frame [0, entry] written just below the
 * stack, it seals, then the epilogue zeroes the argument registers (the
 * key among them), `leave` takes rbp 0 from the frame and `ret` its
 * entry: the program starts with rsp as given, rbp, rdx, rcx, rsi, rdi
 * and r8-r11 zero and rax mseal's result (0; the psABI leaves rax open).
 * The thread has run nothing of its own yet (exec ended every other), so
 * no one sees the key.  The seal's result is not seen: on a kernel with
 * mseal it takes (the vDSO is as the kernel made it); without, the
 * instruction is used unsealed, as after a failed seal.  0: resumed, and
 * c->vdso_syscall is the instruction; < 0: not started, nothing changed
 * but the stack below rsp (the caller seals with stops instead).
 */
int tracee_start_sealed(struct thread *t, uint64_t vdso,
			const struct user_regs_struct *start)
{
	static int same; /* a child's bytes: 1 ours, -1 not (0: unchecked) */
	own_vdso();
	if (!close_key || !own.base || !vdso || same < 0 || (start->rsp & 15))
		return -ENOTSUP;
	uint64_t insn = vdso + own.off;
	if (!same) {
		unsigned char b[64];
		same = tracee_read(t, insn, b, own.span) == 0 &&
		       memcmp(b, own.base + own.off, own.span) == 0 ? 1 : -1;
		if (same < 0)
			return -ENOTSUP;
	}
	uint64_t frame[2] = { 0, start->rip };
	uint64_t at = start->rsp - sizeof(frame);
	int rc = tracee_write(t, at, frame, sizeof(frame));
	if (rc < 0)
		return rc;
	struct user_regs_struct r = *start;
	r.rip = insn;
	r.rax = MINOS_SYS_MSEAL_NR;
	r.orig_rax = (unsigned long long)-1;
	r.rdi = vdso;
	r.rsi = own.len;
	r.rdx = 0;
	r.r9 = close_key;
	r.rbp = at;
	r.rsp = at;
	rc = tracee_setregs(t, &r);
	if (rc < 0)
		return rc;
	t->c->vdso_syscall = insn;
	return tracee_resume(t, 0);
}

void tracee_scrub_start(const struct thread *t, struct user_regs_struct *r)
{
	uint64_t insn = t->c ? t->c->vdso_syscall : 0;
	if (close_key && own.span && insn && r->rip - insn < own.span &&
	    r->r9 == close_key)
		r->r9 = 0;
}

/* No signal handler runs between the closes (it would run with the
 * injected registers, and its own calls would end the closes): every
 * signal is held off until the answer (closes_answer). */
static void hold_signals(struct thread *t)
{
	t->cnew->masked = ptr_getsigmask(t->tid, &t->cnew->mask) == 0 &&
			  ptr_setsigmask(t->tid, ~0ULL) == 0;
}

/* The one close_range of every number made: each has left. */
static void range_done(struct thread *t, long result, void *arg)
{
	struct cnew_op *op = t->cnew;
	(void)arg;
	if (!op || closes_cut(t, result))
		return;
	if (result < 0) {
		/* Not made (a kernel without close_range: ENOSYS): one
		 * close at a time, from this exit stop. */
		hold_signals(t);
		close_next(t, false);
		return;
	}
	for (unsigned i = 0; i < op->nconsume; i++)
		moved(t, op, i);
	op->nclosed = op->ndone = op->nconsume;
	closes_end(t);
}

/*
 * Every number to close at once, with one close_range in place of the
 * stopped call, if they make one range lo..hi (no other number in it) and
 * each still holds our copy's file: one stop for the closes, where one
 * close each costs two stops but the first.  It runs at the caller's
 * stop, as the first close would: no code of the container runs before
 * the answer, so no signal needs holding off and no instruction of its
 * own or of its vDSO is used.  The filter allows close_range only with
 * the run's key in r9 (filter.h); the answer puts the caller's registers
 * back, so the key never reaches the container.  Else false: one close
 * at a time.
 */
static bool close_at_once(struct thread *t)
{
	struct cnew_op *op = t->cnew;
	unsigned n = op->nconsume;
	if (!close_key || n == 0)
		return false;
	int lo = op->consume[0], hi = op->consume[0];
	for (unsigned i = 1; i < n; i++) {
		if (op->consume[i] < lo)
			lo = op->consume[i];
		if (op->consume[i] > hi)
			hi = op->consume[i];
	}
	if (lo < 0 || (unsigned)(hi - lo) != n - 1)
		return false;
	bool *seen = calloc(n, sizeof(bool)), ok = seen != NULL;
	for (unsigned i = 0; ok && i < n; i++) {
		unsigned k = (unsigned)(op->consume[i] - lo);
		ok = !seen[k] && still_ours(t, op, i);
		seen[k] = true;
	}
	free(seen);
	if (!ok)
		return false;
	uint64_t args[6] = { (unsigned)lo, (unsigned)hi, 0, 0, 0, close_key };
	if (tracee_call(t, true, MINOS_NR_CLOSE_RANGE, args, range_done, NULL) < 0)
		closes_end(t); /* gone: its exit follows */
	return true;
}

void tracee_close_then_answer(struct thread *t,
			      const struct user_regs_struct *entry)
{
	t->entry = *entry;
	t->cnew->ndone = 0;
	/* A container not started by cnew (the first, a stage) has an
	 * unsealed vDSO: its first close sequence seals it, the mseal made
	 * in place of the stopped call (no code of the container runs), so
	 * that no close ever runs at an instruction another of its threads
	 * can change or jump away from (RCK-5).  Once per container (see
	 * sealed for what is left to the caller's own instruction). */
	struct container *c = t->c;
	bool seal = c && !c->vdso_syscall && !c->vdso_tried && t->cnew->nconsume;
	if (!seal && t->cnew->nconsume == 0) {
		closes_end(t); /* nothing to close: the answer */
		return;
	}
	if (!seal && close_at_once(t))
		return; /* (t->cnew may be gone already) */
	hold_signals(t);
	if (seal) {
		c->vdso_tried = true;
		uint64_t base, insn;
		size_t len = vdso_of(t, &base, &insn);
		uint64_t args[6] = { base, len, 0 };
		if (base && !len) {
			/* The kernel gave it a vDSO and it is not there: it
			 * unmapped or changed it (RCK2-1). */
			vdso_changed(t);
			return;
		}
		if (len && tracee_call(t, true, MINOS_SYS_MSEAL_NR, args, sealed,
				       (void *)(uintptr_t)insn) == 0)
			return;
	}
	close_next(t, true);
}

/* ---- held threads (checkpoint and restore) -------------------------------- */

int tracee_wait_one(pid_t tid, int *status)
{
	for (;;) {
		pid_t w = wait4(tid, status, __WALL, NULL);
		if (w == tid)
			return WIFEXITED(*status) || WIFSIGNALED(*status) ? -ESRCH : 0;
		if (w < 0 && errno != EINTR)
			return -errno == -ECHILD ? -ESRCH : -errno;
	}
}

int tracee_call_wait(struct thread *t, uint64_t insn, long nr,
		     const uint64_t args[6], long *res, pid_t *child,
		     int *other)
{
	struct user_regs_struct r;
	int rc = ptr_getregs(t->tid, &r), st;
	if (child)
		*child = 0;
	*other = 0;
	if (rc < 0)
		return rc;
	call_regs(&r, insn, nr, args);
	if ((rc = ptr_setregs(t->tid, &r)) < 0 || (rc = ptr_syscall(t->tid, 0)) < 0)
		return rc;
	bool entered = false;
	for (int stops = 0; stops < 8; stops++) {
		if ((rc = tracee_wait_one(t->tid, &st)) < 0)
			return rc;
		int ev = st >> 16;
		if (ev == PTRACE_EVENT_CLONE && entered) {
			unsigned long nt = 0;
			ptr_eventmsg(t->tid, &nt);
			if (child)
				*child = (pid_t)nt;
			if ((rc = ptr_syscall(t->tid, 0)) < 0)
				return rc;
			continue;
		}
		if (ev == PTRACE_EVENT_STOP && WSTOPSIG(st) == SIGTRAP && !entered) {
			/* An interrupt still pending when the thread was
			 * held (a thread born as the freeze asked, or held at
			 * the exit of a call the interrupt cut short) stops it
			 * before it reaches the call: the registers are as
			 * set, it only has to go on. */
			if ((rc = ptr_syscall(t->tid, 0)) < 0)
				return rc;
			continue;
		}
		struct __ptrace_syscall_info si;
		bool sysstop = (ev == 0 && WSTOPSIG(st) == (SIGTRAP | 0x80)) ||
			       ev == PTRACE_EVENT_SECCOMP;
		if (!sysstop || ptr_syscall_info(t->tid, &si) < 0) {
			*other = st;
			return -EINTR;
		}
		if (si.op == PTRACE_SYSCALL_INFO_EXIT && entered) {
			*res = si.exit.rval;
			return 0;
		}
		if (si.arch == AUDIT_ARCH_X86_64 &&
		    (si.op == PTRACE_SYSCALL_INFO_ENTRY ||
		     si.op == PTRACE_SYSCALL_INFO_SECCOMP) &&
		    si.entry.nr == (unsigned long long)nr &&
		    si.instruction_pointer == insn + 2) {
			entered = true;
			if ((rc = ptr_syscall(t->tid, 0)) < 0)
				return rc;
			continue;
		}
		*other = st;
		return -EINTR;
	}
	return -EINTR;
}

int tracee_get_sigmask(const struct thread *t, uint64_t *mask)
{
	return ptr_getsigmask(t->tid, mask);
}

bool tracee_signal_due(const struct thread *t)
{
	struct proc_sigmasks m;
	uint64_t blocked;
	if (proc_sigmasks(t->tid, &m) < 0 || ptr_getsigmask(t->tid, &blocked) < 0)
		return true;
	return ((m.pending | m.shared) & ~blocked) != 0;
}

int tracee_set_sigmask(const struct thread *t, uint64_t mask)
{
	return ptr_setsigmask(t->tid, mask);
}

int tracee_peek_signals(const struct thread *t, bool shared, void *buf,
			unsigned max)
{
	siginfo_t *si = buf;
	unsigned n = 0;
	/* The kernel may stop short (a signal of ours pending): on from
	 * where it stopped, to the end of the queue. */
	while (n < max) {
		int got = ptr_peeksiginfo(t->tid, shared, n, si + n, (int)(max - n));
		if (got < 0)
			return got;
		if (got == 0)
			break;
		n += (unsigned)got;
	}
	return (int)n;
}

int tracee_writev(const struct thread *t, const struct iovec *local,
		  const struct iovec *remote, size_t n)
{
	return mem_writev(t->tid, local, remote, n);
}
