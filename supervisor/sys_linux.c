/* SPDX-License-Identifier: MIT */
/* sys_linux.c - the Linux calls that stop: what BPF cannot decide. */
#include <errno.h>
#include <sys/syscall.h>

#include "log.h"
#include "sys.h"

const struct minos_config *sys_cfg;

long sys_none(struct thread *t, struct sysargs *a)
{
	return -ENOSYS;
}

/* A thread (the filter checked the flags): count it against --threads. */
long sys_clone(struct thread *t, struct sysargs *a)
{
	struct container *c = t->c;
	if (c->threads + c->pending_clones >= sys_cfg->lim.threads)
		return -EAGAIN;
	c->pending_clones++;
	a->fix = FIX_CLONE;
	return SYS_REWRITE; /* unchanged, but watch its exit */
}

static bool own_thread(struct container *c, long tid)
{
	if (tid <= 0 || tid > 0x7fffffff)
		return false;
	struct thread *o = thread_find((pid_t)tid);
	return o && o->c == c;
}

/*
 * A signal to a thread.  In its own pid namespace every tid a container can
 * name is one of its threads; otherwise the target must be one of ours.
 */
long sys_tgkill(struct thread *t, struct sysargs *a)
{
	if (t->c->pidns_init)
		return SYS_ALLOW;
	if ((long)a->a[0] != t->c->pid || !own_thread(t->c, (long)a->a[1]))
		return -EPERM;
	return SYS_ALLOW;
}

long sys_tkill(struct thread *t, struct sysargs *a)
{
	if (t->c->pidns_init || own_thread(t->c, (long)a->a[0]))
		return SYS_ALLOW;
	return -EPERM;
}

/* Only the trampoline's execveat, once; every later one is refused. */
long sys_execveat(struct thread *t, struct sysargs *a)
{
	struct container *c = t->c;
	if (c->state != C_STARTING || t->tid != c->pid)
		return -ENOSYS;
	int listener = fd_take(c, (int)a->regs.r9);
	if (listener < 0)
		BUG("cannot take the seccomp listener of a new container");
	c->listener = listener;
	c->state = C_RUNNING;
	return SYS_ALLOW;
}
