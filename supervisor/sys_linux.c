/* SPDX-License-Identifier: MIT */
/* sys_linux.c - the Linux calls that stop: what BPF cannot decide. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>

#include "log.h"
#include "report.h"
#include "rlimits.h"
#include "sys.h"

const struct minos_config *sys_cfg;

long sys_none(struct thread *t, struct sysargs *a)
{
	return -ENOSYS;
}

ssize_t sys_proc_read(pid_t pid, const char *what, char *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* Is the thread already in do_exit (PF_EXITING, field 9 of stat)? */
bool sys_exiting(pid_t tid)
{
	char buf[512];
	if (sys_proc_read(tid, "stat", buf, sizeof(buf)) <= 0)
		return true; /* gone already */
	const char *p = strrchr(buf, ')'); /* the name may hold anything */
	unsigned long flags = 0;
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) != 1)
		return false;
	return flags & 0x4; /* PF_EXITING */
}

int sys_sigmasks(pid_t tid, struct sigmasks *m)
{
	char path[48], line[128];
	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	memset(m, 0, sizeof(*m));
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "SigPnd: %llx", &m->pending);
		sscanf(line, "ShdPnd: %llx", &m->shared);
		sscanf(line, "SigCgt: %llx", &m->caught);
		sscanf(line, "SigIgn: %llx", &m->ignored);
	}
	fclose(f);
	return 0;
}

/* Is the thread going: in do_exit, or with SIGKILL pending (what
 * exit_group and our kills send every thread)?  Not: its leader exiting
 * alone, which leaves the other threads running. */
bool sys_dying(pid_t tid)
{
	struct sigmasks m;
	if (sys_exiting(tid) || sys_sigmasks(tid, &m) < 0)
		return true;
	return ((m.pending | m.shared) >> (SIGKILL - 1)) & 1;
}

static void any_going_on(struct thread *t, void *alive)
{
	if (!sys_dying(t->tid))
		*(bool *)alive = true;
}

/* The live child cid of c (cnew's handle), or NULL: one we have not
 * killed, with a thread that is not ending (its first thread may have
 * left alone while others go on). */
struct container *sys_live_child(struct container *c, int64_t cid)
{
	if (cid <= 0)
		return NULL;
	CTAB_FOREACH(x)
		if (x->parent == c && x->cid == cid && x->state != C_DEAD &&
		    !x->killed) {
			bool alive = false;
			thread_each(x, any_going_on, &alive);
			return alive ? x : NULL;
		}
	return NULL;
}

static void count_exiting(struct thread *o, void *n)
{
	if (sys_exiting(o->tid))
		++*(unsigned *)n;
}

/*
 * A thread (the filter checked the flags): count it against --threads.
 * A joined thread may not have reached us as an exit yet (pthread_join
 * returns when the kernel clears the tid, inside do_exit), so at the limit
 * threads already exiting are not counted.
 */
long sys_clone(struct thread *t, struct sysargs *a)
{
	struct container *c = t->c;
	if (c->threads + c->pending_clones >= c->lim->threads) {
		unsigned gone = 0;
		thread_each(c, count_exiting, &gone);
		if (c->threads - gone + c->pending_clones >= c->lim->threads)
			return -EAGAIN;
	}
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
	stats_program_starts(c);
	int rc = limits_apply_fds(c->pid, c->lim);
	if (rc < 0) {
		msg("container %d (%s): cannot set its descriptor limit: %s",
		    c->id, c->name, strerror(-rc));
		ctab_kill(c);
		return -EPERM;
	}
	c->state = C_RUNNING;
	return SYS_ALLOW;
}
