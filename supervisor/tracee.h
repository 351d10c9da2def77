/* SPDX-License-Identifier: MIT */
/*
 * tracee.h - one layer of operations on a container's threads.
 *
 * Everything the handlers (cnew, wpass/rpass, the injected closes) and the
 * checkpoint code do to a tracee goes through here; this layer goes
 * through ptrace.c (every PTRACE_* request) and mem.c (every
 * process_vm_*), and knows nothing of the event loop or the handlers.
 * The loop gives it the few things it needs back through struct
 * tracee_hooks (set once), so no handler includes the loop's header.
 *
 * Layering (an arrow: "includes / calls"; no arrow goes back up):
 *
 *     run.c -> loop.c -> sys_*.c (handlers) -> tracee.c -> ptrace.c, mem.c
 *                   \--------------------------^
 *
 * All functions return 0 or -errno unless said otherwise; -ESRCH means the
 * thread is gone (the loop will see its exit: an event, not an error).
 */
#ifndef MINOS_TRACEE_H
#define MINOS_TRACEE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/syscall.h>
#include <sys/user.h>

#include "ctab.h"

/* ---- stop and resume ------------------------------------------------------ */

/* Ask a running thread to stop (PTRACE_INTERRUPT): it reports a
 * PTRACE_EVENT_STOP, or a stop it was about to make anyway (a syscall or
 * seccomp stop, a signal): the caller decides by the registers there. */
int tracee_stop(struct thread *t);
/* Resume a stopped thread the way its state needs: PTRACE_SYSCALL while
 * the layer waits for a syscall stop of it (an injected call), else
 * PTRACE_CONT; sig is delivered (0: none). */
int tracee_resume(struct thread *t, int sig);

/* ---- registers and memory ------------------------------------------------- */

int tracee_getregs(const struct thread *t, struct user_regs_struct *r);
int tracee_setregs(const struct thread *t, const struct user_regs_struct *r);

/* r, a thread's registers at a stop in a call (its syscall instruction
 * just run): put back onto that instruction with the call's number, the
 * call skipped at this stop (orig_rax -1), as the kernel winds back a
 * call it restarts.  Resumed so, the thread makes the call again. */
static inline void tracee_wind_back(struct user_regs_struct *r)
{
	r->rip -= 2;
	r->rax = r->orig_rax;
	r->orig_rax = (unsigned long long)-1;
}
/* The extended state (PTRACE_GETREGSET NT_X86_XSTATE) into buf of *len
 * bytes; *len becomes the size the kernel wrote. */
int tracee_get_xstate(const struct thread *t, void *buf, size_t *len);
int tracee_set_xstate(const struct thread *t, const void *buf, size_t len);
/* Copy container memory, once; -EFAULT on any short copy. */
int tracee_read(const struct thread *t, uint64_t addr, void *buf, size_t len);
int tracee_write(const struct thread *t, uint64_t addr, const void *buf,
		 size_t len);

/* ---- injected system calls ------------------------------------------------ */

/* Called with the result of an injected call; the thread is stopped at
 * its syscall-exit stop and the callback must either inject the next call
 * (tracee_call) or give the thread back (tracee_answer). */
typedef void (*tracee_done_fn)(struct thread *t, long result, void *arg);

/*
 * Make the stopped thread t run system call nr(args) and report its result
 * to done.  t must be at a syscall stop: at_entry, the seccomp stop of its
 * own call (that call is replaced: no code of the container runs); else
 * the syscall-exit stop of a call the layer injected (the thread is put
 * back on the syscall instruction it just executed).  The layer checks
 * the call number and first argument at every stop it takes for the
 * injected call's; any other stop gives done -EINTR.
 * The thread's registers as it entered its own call are in t->entry.
 */
int tracee_call(struct thread *t, bool at_entry, long nr,
		const uint64_t args[6], tracee_done_fn done, void *arg);

/* The same from any stop, at a syscall instruction at insn that the
 * supervisor controls (the sealed vDSO's, c->vdso_syscall): rip and the
 * call number are checked at every stop. */
int tracee_call_at(struct thread *t, uint64_t insn, long nr,
		   const uint64_t args[6], tracee_done_fn done, void *arg);
/* The same for the thread's own blocking call, carried on by the
 * supervisor (the rest of a pipe write a pass's interrupt cut short):
 * signals are held from here until the call has entered, then the
 * thread's own mask is back, so a signal interrupts the call as it would
 * have interrupted the thread's (done gets what it returned), and no
 * handler ever runs on the injected registers. */
int tracee_call_own_at(struct thread *t, uint64_t insn, long nr,
		       const uint64_t args[6], tracee_done_fn done, void *arg);
/* The same for a call nr the filter traces (SECCOMP_RET_TRACE, e.g.
 * mseal): the thread runs to its seccomp stop without a syscall-entry
 * stop first, so the call costs two stops (seccomp, exit), not three.
 * A stop that is not the call's (a signal first) still ends it -EINTR. */
int tracee_call_traced_at(struct thread *t, uint64_t insn, long nr,
			  const uint64_t args[6], tracee_done_fn done, void *arg);
/* The same, but the thread does not come back after the call: at its
 * seccomp stop it gets *after (kept by the caller until done), except
 * that the call's number, arguments and result stay in orig_rax, rdi,
 * rsi, rdx, r10, r8, r9 and rax; the kernel then runs the call and
 * returns to after's rip by iret.  One stop in all.  done(t, 0) says the
 * thread runs on (nothing to resume); done(t, -EINTR or -ESRCH) as for
 * tracee_call_at (the thread is stopped elsewhere, or gone). */
int tracee_call_traced_then(struct thread *t, uint64_t insn, long nr,
			    const uint64_t args[6],
			    const struct user_regs_struct *after,
			    tracee_done_fn done, void *arg);

/* The loop: t (T_INJECT_ENTRY / T_INJECT_EXIT) made a syscall stop. */
void tracee_syscall_stop(struct thread *t);
/* The loop: t (T_INJECT_*) made a seccomp stop, with regs.  The
 * injected call's own (a traced number such as mseal) runs; any other
 * ends the injection. */
void tracee_seccomp_stop(struct thread *t, const struct user_regs_struct *regs);

/* The loop: t is gone.  An injected call in flight ends with -ESRCH (its
 * done callback frees what it holds; resuming a gone thread fails
 * harmlessly). */
void tracee_thread_gone(struct thread *t);

/* At a signal-delivery stop of sig: is it a fault the injected call's
 * instruction took before the call entered (a sibling made the page
 * unexecutable, moved or unmapped it meanwhile: RT9-1)?  Then the call
 * never ran; the signal is dropped (natively the thread never runs
 * there) and done gets -EINTR, as for any stop not the call's. */
bool tracee_injected_fault(struct thread *t, int sig);

/* Give a thread stopped in its own call back with result in rax (and its
 * registers as in t->entry otherwise): the call is answered, skipped. */
void tracee_answer(struct thread *t, long result);

/*
 * Close t->cnew->consume[ndone..nconsume) in the stopped thread's own
 * table, each only if it still holds the file of our copy
 * t->cnew->copies[i] (kcmp: a thread of the caller may have closed and
 * reused the number), then answer t->cnew->result and free t->cnew
 * (hooks.forget).  entry: the thread's registers at its call's stop.
 * Two stops per close.  Each closed number is passed to hooks.closed.
 * If any was closed, the container's other threads that may be blocked in
 * a call are interrupted (their calls restart and find the number closed:
 * none goes on reading or writing a stream that left), and the answer
 * waits for their stops (tracee_kick_seen).
 */
void tracee_close_then_answer(struct thread *t,
			      const struct user_regs_struct *entry);

/* The run's close_range key (filter.h): with it, a close list whose
 * numbers make one range is closed by one close_range (one stop). */
void tracee_set_close_key(uint64_t key);

#define MINOS_SYS_MSEAL_NR 462 /* __NR_mseal, Linux 6.10 */

/* Seal the vDSO of t's container now, the first time a call is to be
 * carried on there (a container not started by cnew: the first, a stage;
 * no start-up pays for it), as its first close sequence would: mseal at
 * its syscall instruction, from a stop after a call (syscall-exit or
 * signal-delivery), signals held off until it has entered.  Then done(t,
 * r) at the mseal's exit: r 0, c->vdso_syscall is the sealed instruction;
 * r < 0, it is not (no mseal, the container's doing: -EINTR if the stop
 * was not the call's; -ESRCH: gone), and the thread's registers are the
 * injection's, to be set again.  < 0: not started (none to seal, tried
 * before, already sealed), done is never called. */
int tracee_seal_vdso(struct thread *t, tracee_done_fn done, void *arg);

/* A cnew child at its execveat's exit stop, not run yet: started with
 * the registers *start (its entry, its initial stack), its vDSO at vdso
 * sealed on the way in with no further stop (the run's key lets its mseal
 * through; the vDSO's own epilogue clears the key and returns into the
 * program).  0: running, c->vdso_syscall set; < 0: not started (no key,
 * no such epilogue in this kernel's vDSO, a write failed): seal with
 * stops instead. */
int tracee_start_sealed(struct thread *t, uint64_t vdso,
			const struct user_regs_struct *start);
/* r, t's registers: if t is still on that way (in the vDSO's epilogue,
 * the key in r9, which the epilogue zeroes before the program runs), r9
 * is zeroed here already, so no copy of them (a checkpoint) holds the
 * key. */
void tracee_scrub_start(const struct thread *t, struct user_regs_struct *r);

/* The vDSO at base: its length (0: not found), and a syscall instruction
 * in it in *insn.  Its bytes are the container's: until it is sealed and
 * checked, nothing says the instruction stays there. */
size_t tracee_vdso_scan(const struct thread *t, uint64_t base, uint64_t *insn);

/* The loop: t, interrupted after another thread's closes (t->kicked_for),
 * stopped or ended: it is in no call on a closed number any more; the
 * closer is answered when the last such thread has. */
void tracee_kick_seen(struct thread *t);

/* ---- held threads (checkpoint and restore) -------------------------------- */

/*
 * For a thread the checkpoint code holds stopped while nothing else may
 * touch it (every thread of its container is held, or the container has
 * not run yet): the call is made now and waited for, by wait4 on this
 * thread alone (never -1: no other thread's status is taken from the
 * loop).  t runs nr(args) at the syscall instruction insn (rip and the
 * number are checked at each stop; a seccomp stop of the call itself, a
 * traced number, is let through without its handler); *res is its result.
 * t stays at the call's exit stop with its registers changed: the caller
 * sets them back.  A clone announces its new thread in *child (else 0).
 * 0; -ESRCH: gone; -EINTR: another stop came first, its wait status in
 * *other (a signal: the caller sees to it; the call did not run).
 */
int tracee_call_wait(struct thread *t, uint64_t insn, long nr,
		     const uint64_t args[6], long *res, pid_t *child,
		     int *other);
/* Wait for the next stop of tid alone (a new thread's first stop). */
int tracee_wait_one(pid_t tid, int *status);
int tracee_get_sigmask(const struct thread *t, uint64_t *mask);
/* Is a signal pending that t would take (its own or its thread group's,
 * not blocked)?  Not known: yes.  A call our stop broke is carried on
 * only if not: else the signal is why, and Linux's answer stands. */
bool tracee_signal_due(const struct thread *t);
/* epoll_wait, epoll_pwait, epoll_pwait2: a stop ends them EINTR (no
 * restart code), whatever the signal's disposition. */
static inline bool tracee_epoll_wait_nr(long nr)
{
	return nr == __NR_epoll_wait || nr == __NR_epoll_pwait
#ifdef __NR_epoll_pwait2
	       || nr == __NR_epoll_pwait2
#endif
		;
}
/* Write local[i] to remote[i] (restore: many pages in few calls). */
struct iovec;
int tracee_writev(const struct thread *t, const struct iovec *local,
		  const struct iovec *remote, size_t n);
int tracee_set_sigmask(const struct thread *t, uint64_t mask);
/* The pending signals of a stopped thread's own queue (shared: of its
 * thread group's), in queue order, as siginfo_t (128 bytes each) into
 * buf, at most max: how many, or -errno (PTRACE_PEEKSIGINFO).  A caller
 * that must know the queue ended asks for one more than it keeps. */
int tracee_peek_signals(const struct thread *t, bool shared, void *buf,
			unsigned max);

/* What the loop does for this layer; set once before any container runs. */
struct tracee_hooks {
	/* A call was answered (--trace). */
	void (*answered)(struct thread *t, long result);
	/* A descriptor left t's container by an injected close (it leaves
	 * the container's epoll sets: SPEC §1).  copy: our copy, or -1. */
	void (*closed)(struct thread *t, int num, int copy);
	/* The close list is done: free t->cnew. */
	void (*forget)(struct thread *t);
	/* Drop a stopped thread's multi-rfd read waits before it is lent. */
	void (*release_waits)(struct thread *t);
	/* Is t held stopped for a checkpoint (it stops no more until the
	 * freeze lets it go)?  NULL: never. */
	bool (*held)(const struct thread *t);
};
void tracee_set_hooks(const struct tracee_hooks *h);
/* t, stopped in a call whose registers at that stop are *at: wound back
 * onto the call (tracee_wind_back), T_RUNNING, and resumed: it makes the
 * call again (a pending interrupt stops it first). */
void tracee_rerun(struct thread *t, const struct user_regs_struct *at);
/* Is t held stopped for a checkpoint (hooks.held)?  Such a thread stops
 * no more for an interrupt until the freeze lets it go: not to be lent. */
bool tracee_held(const struct thread *t);
void tracee_release_waits(struct thread *t);

#endif
