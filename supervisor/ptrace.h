/* SPDX-License-Identifier: MIT */
/* ptrace.h - every PTRACE_* request of minos-exec goes through here. */
#ifndef MINOS_PTRACE_H
#define MINOS_PTRACE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

/* All return 0 or -errno; -ESRCH means the tracee is gone (an event, not
 * an error: the loop will see its exit). */
/* With exit_stops, each thread stops at its exit (PTRACE_EVENT_EXIT). */
int ptr_seize(pid_t pid, bool exit_stops);
int ptr_cont(pid_t tid, int sig);
int ptr_syscall(pid_t tid, int sig); /* resume; stop again at syscall exit */
int ptr_listen(pid_t tid);
int ptr_getregs(pid_t tid, struct user_regs_struct *r);
int ptr_setregs(pid_t tid, const struct user_regs_struct *r);
int ptr_eventmsg(pid_t tid, unsigned long *msg);
int ptr_siginfo(pid_t tid, siginfo_t *si);
int ptr_interrupt(pid_t tid); /* stop a running tracee (PTRACE_EVENT_STOP) */
/* A stopped tracee's blocked signals (64 bits: signals 1..64). */
int ptr_getsigmask(pid_t tid, uint64_t *mask);
int ptr_setsigmask(pid_t tid, uint64_t mask);
/* PTRACE_PEEKSIGINFO: up to n siginfo_t of a stopped tracee's pending
 * signals (shared: its thread group's queue, else its own), from the
 * off'th, in queue order.  How many (0: none left), or -errno. */
int ptr_peeksiginfo(pid_t tid, bool shared, uint64_t off, siginfo_t *buf, int n);
/* The AUDIT_ARCH_* of the call a tracee is stopped in (int 0x80 from
 * 64-bit code is AUDIT_ARCH_I386, with the same registers). */
int ptr_syscall_arch(pid_t tid, uint32_t *arch);
/* PTRACE_GETREGSET/SETREGSET of note type nt; *len in: room, out: size. */
int ptr_getregset(pid_t tid, int nt, void *buf, size_t *len);
int ptr_setregset(pid_t tid, int nt, const void *buf, size_t len);
struct __ptrace_syscall_info;
/* PTRACE_GET_SYSCALL_INFO: which stop (entry, exit, seccomp) and its call. */
int ptr_syscall_info(pid_t tid, struct __ptrace_syscall_info *info);

#endif
