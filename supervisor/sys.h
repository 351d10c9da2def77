/* SPDX-License-Identifier: MIT */
/* sys.h - traced call handlers: one signature, result or -errno. */
#ifndef MINOS_SYS_H
#define MINOS_SYS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/user.h>

#include "config.h"
#include "ctab.h"
#include "filter.h"
#include "procfs.h"

/* A traced call as it was entered; handlers decide on this copy only. */
struct sysargs {
	struct user_regs_struct regs; /* a rewrite edits these */
	long nr;
	uint64_t a[6];
	bool set_rdx;                 /* second result */
	long rdx;
	enum fixup fix;               /* for SYS_REWRITE: work at syscall exit */
};

/* Besides a result or -errno, a handler may return: */
#define SYS_ALLOW   (-100000L) /* run the call as it was entered */
#define SYS_REWRITE (-100001L) /* run the call now in a->regs */
#define SYS_DEFER   (-100002L) /* leave the thread stopped; the loop resumes it */
#define SYS_INJECT  (-100003L) /* close t->cnew->consume[] in the caller, then
				* answer t->cnew->result */

/* The run's configuration, read-only (set once by main). */
extern const struct minos_config *sys_cfg;

#define CALL(name, nr, action, handler, nargs) \
	long sys_##handler(struct thread *t, struct sysargs *a);
#define FORM(...)
#define FORM2(...)
#include "syscalls.def"
#undef CALL
#undef FORM
#undef FORM2

/* The handler of a traced call number, and its name; NULL if none. */
typedef long (*sys_handler)(struct thread *, struct sysargs *);
sys_handler sys_lookup(long nr, const char **name);

/* Descriptor helpers on a container's table (pidfd_getfd). */
int fd_take(struct container *c, int num);       /* our copy, or -errno */
int fd_direction(struct container *c, int num);  /* O_RDONLY/O_WRONLY or -EBADF */
/* Our copy of num if it is open with direction want (one take, checked on
 * the copy: no window between check and take), else -EBADF. */
int fd_take_dir(struct container *c, int64_t num, int want);
/* A failed fd_take's error as the caller's answer: EBADF if its number is
 * not open, ENFILE/ENOMEM if the supervisor has no room. */
long fd_take_error(int err);
/* Is the thread (or process) tid already in do_exit? */
bool sys_exiting(pid_t tid);
/* Is the thread going: in do_exit, or SIGKILL pending (exit_group)? */
bool sys_dying(pid_t tid);
/* c's live child cid (cnew's handle), or NULL. */
struct container *sys_live_child(struct container *c, int64_t cid);

/* cnew: the code stream can be read (SYS_DEFER: wait more; SYS_INJECT:
 * done); and forget a cnew whose thread is gone. */
long sys_cnew_code_ready(struct thread *t);
/* A child's execveat returned (regs at its exit stop): argc 0, its vDSO
 * sealed; true if it took the thread (it resumes it). */
bool sys_cnew_exec_stop(struct thread *t, const struct user_regs_struct *regs);
void sys_cnew_abandon(struct thread *t);
extern const struct filter *sys_filter;

/* Minos pipe (sys_minos.c): no other thread can take or free a number
 * while its ends are installed (the fast path of install_pipe). */
bool sys_pipe_alone(struct thread *t);

/* wpass/rpass (sys_pass.c), driven by the loop. */
bool sys_pass_busy(const struct container *c, int num);
bool sys_cnew_busy(struct container *c, int num);
void sys_pass_retry(void);
bool sys_pass_stopped(struct thread *t, const struct user_regs_struct *regs,
		      bool at_call);
void sys_pass_syscall_stop(struct thread *t);
bool sys_pass_signal(struct thread *t);
/* Is t lent to a pass whose install call is under way (from the stop that
 * points it there to that call's exit stop)?  An interrupt then (a
 * freeze's, asked for again) would break the install (RT7-4). */
bool sys_pass_installing(const struct thread *t);
/* A freeze asked caller, stopped in a wpass/rpass, to stop: if its pass
 * has not begun (no thread of the child borrowed: nothing of it is in
 * the child), it is withdrawn and the caller wound back onto its call,
 * made again when the caller runs on (after the freeze, or a restore);
 * its pending interrupt stops it first.  True if so. */
bool sys_pass_rewind(struct thread *caller);
/* A signal the thread ignores, at its signal-delivery-stop, broke an
 * epoll wait (EINTR) or cut a pipe write short: the kernel queues even
 * ignored signals for a tracer, natively never sent (RT3-3).  The signal
 * is dropped and the call goes on (sys_pass.c: the wait again, the rest
 * of the write); true if so (the thread is taken care of). */
bool sys_ignored_signal(struct thread *t, int sig);
bool sys_pass_notif(struct thread *t, int listener, uint64_t id);
void sys_pass_thread_gone(struct thread *t);
/* The passes' timer (a timerfd for the loop's epoll; -errno), and what to
 * do when it fires. */
int sys_pass_init(void);
void sys_pass_timer(void);

#endif
