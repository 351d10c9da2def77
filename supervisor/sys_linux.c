/* SPDX-License-Identifier: MIT */
/* sys_linux.c - the Linux calls that stop: what BPF cannot decide. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>

#include "log.h"
#include "mem.h"
#include "procfs.h"
#include "report.h"
#include "rlimits.h"
#include "sys.h"

const struct minos_config *sys_cfg;

long sys_none(struct thread *t, struct sysargs *a)
{
	return -ENOSYS;
}

/* Does this failure to read /proc/TID mean the thread is gone?  Only these
 * errors say so; no room (EMFILE, ENFILE, ENOMEM) says nothing. */
static bool proc_gone(long err)
{
	return err == -ENOENT || err == -ESRCH || err == 0;
}

/* Is the thread already in do_exit (PF_EXITING, field 9 of stat)? */
bool sys_exiting(pid_t tid)
{
	char buf[512];
	ssize_t n = proc_read(tid, "stat", buf, sizeof(buf));
	if (n <= 0)
		return proc_gone(n); /* gone already, or not known: not exiting */
	const char *p = strrchr(buf, ')'); /* the name may hold anything */
	unsigned long flags = 0;
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) != 1)
		return false;
	return flags & 0x4; /* PF_EXITING */
}

/* Is the thread going: in do_exit, or with SIGKILL pending (what
 * exit_group and our kills send every thread)?  Not: its leader exiting
 * alone, which leaves the other threads running. */
bool sys_dying(pid_t tid)
{
	struct proc_sigmasks m;
	if (sys_exiting(tid))
		return true;
	int rc = proc_sigmasks(tid, &m);
	if (rc < 0)
		return proc_gone(rc); /* unreadable is not dying */
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
 *
 * As pid 1 of its namespace, a container's own signals whose action is the
 * default are dropped by the kernel; a traced one still reaches the
 * signal-delivery stop (loop.c ends the container there, as Linux would
 * have), except SIGKILL, which never stops: the supervisor delivers it.
 * The kernel reads the signal as an int (SIGKILL | 1 << 32 is SIGKILL), and
 * its own checks come first: the call is made with signal 0, and only if
 * that succeeds (the thread exists, the ids are valid) does the supervisor
 * kill (loop.c, FIX_KILL).
 */
static long self_signal(struct thread *t, struct sysargs *a, unsigned long long *sig)
{
	if ((int)(uint32_t)*sig == SIGKILL && t->c->pidns_init) {
		*sig = 0;
		a->fix = FIX_KILL;
		return SYS_REWRITE;
	}
	return SYS_ALLOW;
}

long sys_tgkill(struct thread *t, struct sysargs *a)
{
	if (!t->c->pidns_init &&
	    ((long)a->a[0] != t->c->pid || !own_thread(t->c, (long)a->a[1])))
		return -EPERM;
	return self_signal(t, a, &a->regs.rdx);
}

long sys_tkill(struct thread *t, struct sysargs *a)
{
	if (!t->c->pidns_init && !own_thread(t->c, (long)a->a[0]))
		return -EPERM;
	return self_signal(t, a, &a->regs.rsi);
}

/* rt_sigqueueinfo, rt_tgsigqueueinfo: traced only so that a restore's
 * injected calls pass (restore.c queues saved signals again); a
 * container's own is ENOSYS, as if the filter did not list it. */
long sys_sigqueueinfo(struct thread *t, struct sysargs *a)
{
	(void)t;
	(void)a;
	return -ENOSYS;
}

/* sched_getaffinity, sched_getscheduler, sched_getparam, get_robust_list
 * for a pid other than 0 (the filter allows 0): one of the caller's own
 * threads, else EPERM. */
long sys_own_thread(struct thread *t, struct sysargs *a)
{
	if (t->c->pidns_init || own_thread(t->c, (long)a->a[0]))
		return SYS_ALLOW;
	return -EPERM;
}

/* ---- the container's view: ids, names, its machine --------------------------- */

#define NOBODY 65534

/* getuid, geteuid, getgid, getegid: nobody, whatever the namespaces. */
long sys_nobody(struct thread *t, struct sysargs *a)
{
	(void)t;
	(void)a;
	return NOBODY;
}

/* getresuid, getresgid: three ids, each nobody. */
long sys_getresid(struct thread *t, struct sysargs *a)
{
	const uint32_t id = NOBODY;
	for (int i = 0; i < 3; i++)
		if (mem_write(t->tid, a->a[i], &id, sizeof(id)) < 0)
			return -EFAULT;
	return 0;
}

/* getgroups: no supplementary groups. */
long sys_getgroups(struct thread *t, struct sysargs *a)
{
	(void)t;
	return (int)a->a[0] < 0 ? -EINVAL : 0;
}

/*
 * mremap: never of the main thread's stack.  The kernel counts that
 * mapping (and any copy mremap makes of it) as stack, which RLIMIT_DATA
 * does not see and RLIMIT_STACK bounds only as the stack grows down, so
 * an mremap of one stack page to gigabytes would escape --memory.  The
 * stack lies within its limit below the top of its mapping; an mremap
 * whose old range meets that span is EPERM.  The span is found once per
 * container (the [stack] line of /proc/PID/maps, RLIMIT_STACK).
 */
static int stack_span(struct container *c)
{
	char path[48], line[256];
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)c->pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return errno ? -errno : -ENOMEM;
	uint64_t lo = 0, hi = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long a, b;
		if (strstr(line, "[stack]") && sscanf(line, "%llx-%llx", &a, &b) == 2) {
			lo = a;
			hi = b;
			break;
		}
	}
	fclose(f);
	struct rlimit st;
	if (!hi || prlimit(c->pid, RLIMIT_STACK, NULL, &st) < 0)
		return -ENOMEM;
	/* The soft limit is what bounds its growth, and a container cannot
	 * change it (prlimit64 is read-only for it). */
	uint64_t room = st.rlim_cur == RLIM_INFINITY || st.rlim_cur > hi ? hi : st.rlim_cur;
	if (hi - room < lo)
		lo = hi - room;
	c->stack_lo = lo;
	c->stack_hi = hi;
	return 0;
}

long sys_mremap(struct thread *t, struct sysargs *a)
{
	struct container *c = t->c;
	uint64_t old = a->a[0], len = a->a[1] ? a->a[1] : 1;
	if (!c->stack_hi && stack_span(c) < 0)
		return -ENOMEM; /* cannot tell: refused as for lack of memory */
	if (old < c->stack_hi && (old + len < old || old + len > c->stack_lo))
		return -EPERM;
	if (sys_cfg->report && a->a[2] > a->a[1]) {
		/* Growth, with --report: did the memory limit refuse it? */
		a->fix = FIX_MEMORY;
		return SYS_REWRITE;
	}
	return SYS_ALLOW;
}

/*
 * mprotect without PROT_WRITE: memory the container wrote and then makes
 * read-only (or PROT_NONE) stays resident but leaves RLIMIT_DATA's count,
 * so a container could hold any amount of it.  Such a call is allowed
 * only while the container's resident anonymous memory (RssAnon, which
 * counts those pages whatever their protection) is within --memory;
 * beyond, ENOMEM.  What a container holds is then at most its limit of
 * writable memory and, made read-only, what kept it within the limit
 * when it did so: never more than twice the limit.
 */
long sys_mprotect(struct thread *t, struct sysargs *a)
{
	(void)a;
	struct container *c = t->c;
	char buf[4096];
	if (proc_read(c->pid, "status", buf, sizeof(buf)) <= 0)
		return -ENOMEM; /* cannot tell: as for lack of memory */
	const char *p = strstr(buf, "\nRssAnon:");
	unsigned long long kib = p ? strtoull(p + 10, NULL, 10) : 0;
	if (p && kib * 1024 > c->lim->memory) {
		stats_memory_hit(c);
		return -ENOMEM;
	}
	return SYS_ALLOW;
}

/* set_tid_address: noted for a checkpoint (the kernel cannot be asked). */
long sys_set_tid_address(struct thread *t, struct sysargs *a)
{
	t->clear_tid = a->a[0];
	return SYS_ALLOW;
}

/* getppid: the parent is outside the container (0 in its own pid
 * namespace; the same without one). */
long sys_getppid(struct thread *t, struct sysargs *a)
{
	(void)t;
	(void)a;
	return 0;
}

/* uname: Linux, nodename minos, the host kernel's release and version. */
long sys_uname(struct thread *t, struct sysargs *a)
{
	struct utsname host, u;
	memset(&u, 0, sizeof(u));
	if (uname(&host) == 0) {
		memcpy(u.release, host.release, sizeof(u.release));
		memcpy(u.version, host.version, sizeof(u.version));
	}
	snprintf(u.sysname, sizeof(u.sysname), "Linux");
	snprintf(u.nodename, sizeof(u.nodename), "minos");
	snprintf(u.machine, sizeof(u.machine), "x86_64");
	snprintf(u.domainname, sizeof(u.domainname), "(none)");
	return mem_write(t->tid, a->a[0], &u, sizeof(u));
}

/* getcwd: "/", namespaces or not. */
long sys_getcwd(struct thread *t, struct sysargs *a)
{
	if (a->a[1] < 2)
		return -ERANGE;
	if (mem_write(t->tid, a->a[0], "/", 2) < 0)
		return -EFAULT;
	return 2;
}

/* A field "\nNAME:   N kB" of /proc/PID/status, or 0 (at a line start:
 * the container names itself on the first line). */
static unsigned long long status_field(const char *status, const char *name)
{
	const char *p = strstr(status, name);
	unsigned long long v = 0;
	if (p)
		sscanf(p + strlen(name), " %llu", &v);
	return v;
}

/* The container's start, in CLOCK_BOOTTIME seconds (field 22 of stat). */
static long long started(pid_t pid)
{
	char buf[1024];
	unsigned long long ticks = 0;
	if (proc_read(pid, "stat", buf, sizeof(buf)) <= 0)
		return 0;
	const char *p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
			 "%*u %*u %*d %*d %*d %*d %*d %*d %llu", &ticks) != 1)
		return 0;
	long hz = sysconf(_SC_CLK_TCK);
	return hz > 0 ? (long long)(ticks / (unsigned long long)hz) : 0;
}

/*
 * sysinfo: the container's view.  uptime since it started, totalram its
 * memory limit (the host's RAM if none), freeram what it has not used of
 * it (its data and stack), procs its threads, no swap, the loads 0.
 */
long sys_sysinfo(struct thread *t, struct sysargs *a)
{
	struct container *c = t->c;
	struct sysinfo si, host;
	char status[4096];
	struct timespec now;
	memset(&si, 0, sizeof(si));
	clock_gettime(CLOCK_BOOTTIME, &now);
	long long since = started(c->pid);
	si.uptime = since > 0 && now.tv_sec >= since ? now.tv_sec - since : 0;
	unsigned long long total = c->lim->memory, used = 0;
	if (!total && sysinfo(&host) == 0)
		total = (unsigned long long)host.totalram * host.mem_unit;
	if (proc_read(c->pid, "status", status, sizeof(status)) > 0)
		used = (status_field(status, "\nVmData:") +
			status_field(status, "\nVmStk:")) * 1024;
	si.totalram = total;
	si.freeram = used < total ? total - used : 0;
	si.procs = (unsigned short)(c->threads > 0xffff ? 0xffff : c->threads);
	si.mem_unit = 1;
	return mem_write(t->tid, a->a[0], &si, sizeof(si));
}

/* Only the trampoline's execveat, once; every later one is refused. */
long sys_execveat(struct thread *t, struct sysargs *a)
{
	struct container *c = t->c;
	if (c->state != C_STARTING || t->tid != c->pid)
		return -ENOSYS;
	int listener = ctab_keep_fd(fd_take(c, (int)a->regs.r9));
	if (listener < 0) {
		/* The supervisor has no room for it: this container cannot
		 * start; nothing else is affected. */
		msg("container %d (%s): cannot start: the supervisor cannot hold "
		    "its seccomp listener: %s", c->id, c->name, strerror(-listener));
		c->end = END_START;
		ctab_kill(c);
		return -EPERM;
	}
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
	if (c->parent || c->exec_hook) {
		/* A cnew child: its exit stop rewrites argc to 0 and seals
		 * its vDSO before it runs (sys_cnew_exec_stop). */
		a->fix = FIX_EXEC;
		return SYS_REWRITE;
	}
	return SYS_ALLOW;
}
