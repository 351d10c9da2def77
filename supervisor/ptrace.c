/* SPDX-License-Identifier: MIT */
/* ptrace.c - the only file that calls ptrace(2). */
#include <errno.h>
#include <stdint.h>
#include <sys/ptrace.h>
#include <sys/uio.h>

#include "ptrace.h"

static int req(enum __ptrace_request r, pid_t tid, void *addr, void *data)
{
	return ptrace(r, tid, addr, data) < 0 ? -errno : 0;
}

int ptr_seize(pid_t pid, bool exit_stops)
{
	long opts = PTRACE_O_EXITKILL | PTRACE_O_TRACESECCOMP |
		    PTRACE_O_TRACECLONE | PTRACE_O_TRACESYSGOOD |
		    (exit_stops ? PTRACE_O_TRACEEXIT : 0);
	return req(PTRACE_SEIZE, pid, 0, (void *)opts);
}

int ptr_cont(pid_t tid, int sig)
{
	return req(PTRACE_CONT, tid, 0, (void *)(long)sig);
}

int ptr_syscall(pid_t tid, int sig)
{
	return req(PTRACE_SYSCALL, tid, 0, (void *)(long)sig);
}

int ptr_listen(pid_t tid)
{
	return req(PTRACE_LISTEN, tid, 0, 0);
}

int ptr_getregs(pid_t tid, struct user_regs_struct *r)
{
	return req(PTRACE_GETREGS, tid, 0, r);
}

int ptr_setregs(pid_t tid, const struct user_regs_struct *r)
{
	return req(PTRACE_SETREGS, tid, 0, (void *)(uintptr_t)r);
}

int ptr_eventmsg(pid_t tid, unsigned long *m)
{
	return req(PTRACE_GETEVENTMSG, tid, 0, m);
}

int ptr_siginfo(pid_t tid, siginfo_t *si)
{
	return req(PTRACE_GETSIGINFO, tid, 0, si);
}

int ptr_interrupt(pid_t tid)
{
	return req(PTRACE_INTERRUPT, tid, 0, 0);
}

int ptr_getregset(pid_t tid, int nt, void *buf, size_t *len)
{
	struct iovec iov = { buf, *len };
	int r = req(PTRACE_GETREGSET, tid, (void *)(long)nt, &iov);
	if (r == 0)
		*len = iov.iov_len;
	return r;
}

int ptr_setregset(pid_t tid, int nt, const void *buf, size_t len)
{
	struct iovec iov = { (void *)(uintptr_t)buf, len };
	return req(PTRACE_SETREGSET, tid, (void *)(long)nt, &iov);
}

/* The thread's blocked signals (PTRACE_GETSIGMASK: 8 bytes on x86-64). */
int ptr_getsigmask(pid_t tid, uint64_t *mask)
{
	return req(PTRACE_GETSIGMASK, tid, (void *)sizeof(*mask), mask);
}

int ptr_setsigmask(pid_t tid, uint64_t mask)
{
	return req(PTRACE_SETSIGMASK, tid, (void *)sizeof(mask), &mask);
}

/* Up to n pending signals of tid's own queue (shared: its thread group's),
 * from the off'th, in queue order: how many (0: none left), or -errno. */
int ptr_peeksiginfo(pid_t tid, bool shared, uint64_t off, siginfo_t *buf, int n)
{
	struct __ptrace_peeksiginfo_args args = {
		.off = off, .flags = shared ? PTRACE_PEEKSIGINFO_SHARED : 0, .nr = n,
	};
	long r = ptrace(PTRACE_PEEKSIGINFO, tid, &args, buf);
	return r < 0 ? -errno : (int)r;
}

int ptr_syscall_info(pid_t tid, struct __ptrace_syscall_info *info)
{
	long r = ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof(*info), info);
	return r < 0 ? -errno : 0;
}

int ptr_syscall_arch(pid_t tid, uint32_t *arch)
{
	struct __ptrace_syscall_info info;
	long n = ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof(info), &info);
	if (n < 0)
		return -errno;
	if (n < (long)offsetof(struct __ptrace_syscall_info, instruction_pointer))
		return -EIO;
	*arch = info.arch;
	return 0;
}
