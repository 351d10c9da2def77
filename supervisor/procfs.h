/* SPDX-License-Identifier: MIT */
/* procfs.h - reading a container's small /proc files (a layer below the
 * handlers and the report; it knows nothing of either). */
#ifndef MINOS_PROCFS_H
#define MINOS_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Read /proc/PID/WHAT (a small file: one read) into buf, NUL-terminated.
 * Its length, or -errno (ENOENT, ESRCH: gone; anything else: not known). */
ssize_t proc_read(pid_t pid, const char *what, char *buf, size_t len);
/* The value of "key" in a "key: value" or "key value" line of such a
 * file's text. */
bool proc_value(const char *text, const char *key, unsigned long long *v);

/* The signal masks of /proc/TID/status, bit sig-1: pending for the
 * thread, pending for its thread group, caught, ignored.  0 or -errno. */
/* The [vdso] mapping of pid, [*lo, *hi): 0, -ENOENT if it has none, or
 * -errno if its maps cannot be read. */
int proc_vdso(pid_t pid, uint64_t *lo, uint64_t *hi);

/* What /proc/TID/syscall says of a thread blocked in a call: its number
 * and first argument; -1 and 0 if it is blocked elsewhere.  0, -EAGAIN
 * if it is running (the kernel then says nothing), or -errno. */
int proc_syscall(pid_t tid, long *nr, unsigned long long *arg0);

struct proc_sigmasks {
	/* blocked: the mask in force, which during an epoll_pwait (and at
	 * the stops right after it) is the call's own; PTRACE_GETSIGMASK
	 * gives the one the thread goes back to. */
	unsigned long long pending, shared, caught, ignored, blocked;
};
int proc_sigmasks(pid_t tid, struct proc_sigmasks *m);

#endif
