/* SPDX-License-Identifier: MIT */
/*
 * launch.c - the parent's half of starting a container (the child's half is
 * trampoline/): clone with new namespaces where the kernel allows it, seize
 * the child before it does anything, map its user namespace, let it go.
 */
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hostprobe.h"
#include "log.h"
#include "ptrace.h"
#include "enforce.h"
#include "launch.h"
#include "report.h"
#include "rlimits.h"
#include "trampoline.h"
#include "tstack.h"

/* Defense in depth; the filter is the boundary.  No mount namespace: the
 * empty root is a chroot (see empty_root in trampoline.c). */
#define NS_FLAGS (CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS)

static int ns_usable = -1; /* unknown until the first clone */

/*
 * The empty root.  Made once and kept: /run/minos/empty for root,
 * $XDG_RUNTIME_DIR/minos/empty for others, used only if it and its parent
 * are ours, writable by no one, and it is empty (checked at every run, on
 * an open descriptor).  Failing that, a directory made for this run and
 * removed at its end.  (Making and removing one per run cost 0.16 ms of
 * a 1.2 ms start on ext4.)  The child gets the descriptor: fchdir, then
 * chroot("."), no path to race.
 */
static int root_fd = -1;
static char temp_root[64]; /* the per-run fallback, removed at exit */

static bool safe_dir(int fd, bool must_be_empty)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 0022))
		return false;
	if (!must_be_empty)
		return true;
	char buf[256];
	long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
	/* "." and ".." only: two records, each 24 bytes on x86-64 */
	return n > 0 && n <= 48;
}

static int open_kept_root(void)
{
	char base[PATH_MAX - 16], path[PATH_MAX];
	const char *run = getenv("XDG_RUNTIME_DIR");
	if (geteuid() == 0)
		snprintf(base, sizeof(base), "/run/minos");
	else if (run && run[0] == '/' && strlen(run) < PATH_MAX - 32)
		snprintf(base, sizeof(base), "%s/minos", run);
	else
		return -1;
	snprintf(path, sizeof(path), "%s/empty", base);
	mkdir(base, 0755);
	mkdir(path, 0555);
	int bfd = open(base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	bool ok = bfd >= 0 && fd >= 0 && safe_dir(bfd, false) && safe_dir(fd, true);
	if (bfd >= 0)
		close(bfd);
	if (!ok && fd >= 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static int open_temp_root(void)
{
	/* /dev/shm: a container runtime's read-only root often has no
	 * writable /tmp or /run, but its /dev/shm is a tmpfs. */
	const char *tmp = getenv("TMPDIR"), *dirs[] = { tmp, "/tmp", "/dev/shm" };
	unsigned i;
	for (i = 0; i < 3; i++) {
		if (!dirs[i] || dirs[i][0] != '/' || strlen(dirs[i]) > 40)
			continue;
		snprintf(temp_root, sizeof(temp_root), "%s/minos-root.XXXXXX", dirs[i]);
		if (mkdtemp(temp_root))
			break;
	}
	if (i == 3) {
		temp_root[0] = 0;
		hostprobe_no_empty_root();
		return -1;
	}
	atexit(spawn_cleanup);
	if (chmod(temp_root, 0555) < 0)
		return -1;
	return open(temp_root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

static int root_dir_fd(void)
{
	if (root_fd < 0)
		root_fd = open_kept_root();
	if (root_fd < 0)
		root_fd = open_temp_root();
	return root_fd;
}

void spawn_cleanup(void)
{
	if (temp_root[0])
		rmdir(temp_root);
	temp_root[0] = 0;
}

void host_check(void)
{
	struct utsname u;
	unsigned major = 0, minor = 0;
	if (uname(&u) == 0 && sscanf(u.release, "%u.%u", &major, &minor) == 2 &&
	    (major < 5 || (major == 5 && minor < 9)))
		die(125, "Linux %u.%u is too old: minos needs 5.9 or later "
			 "(pidfd_getfd, seccomp descriptor install)", major, minor);
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0 && errno == EINVAL)
		die(125, "this kernel has no seccomp (CONFIG_SECCOMP); "
			 "minos needs seccomp filters");
	unsigned acts[] = { SECCOMP_RET_TRACE, SECCOMP_RET_USER_NOTIF,
			    SECCOMP_RET_ERRNO };
	for (unsigned i = 0; i < sizeof(acts) / sizeof(acts[0]); i++)
		if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &acts[i]) < 0)
			die(125, "this kernel lacks seccomp filter action %#x "
				 "(CONFIG_SECCOMP_FILTER, Linux 5.9+): %s",
			    acts[i], strerror(errno));
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");
	if (f) {
		int scope = 0;
		if (fscanf(f, "%d", &scope) == 1 && scope >= 3)
			die(125, "ptrace is disabled on this host "
				 "(kernel.yama.ptrace_scope = %d); minos-exec "
				 "traces its containers and needs it at 0, 1 or 2",
			    scope);
		fclose(f);
	}
}

static int write_file(pid_t pid, const char *file, const char *text)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, text, strlen(text));
	int err = errno;
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -err;
}

/* The container's root is an unprivileged user outside: nobody when we are
 * root, ourselves otherwise (the only mapping an unprivileged user may make).
 * Root without CAP_SYS_PTRACE (a container runtime's default) maps itself:
 * a changed user makes the child non-dumpable, and then pidfd_getfd needs
 * that capability (it ended in an internal error at the execveat stop). */
static int map_user(pid_t pid)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();
	if (uid == 0 && hostprobe_can_trace_other_users())
		uid = gid = 65534;
	int rc = write_file(pid, "setgroups", "deny");
	if (rc == 0) {
		snprintf(map, sizeof(map), "0 %u 1\n", uid);
		rc = write_file(pid, "uid_map", map);
	}
	if (rc == 0) {
		snprintf(map, sizeof(map), "0 %u 1\n", gid);
		rc = write_file(pid, "gid_map", map);
	}
	return rc;
}

/* Signals not at their default here: ignored (SIGPIPE, and any we were
 * started with, as under nohup: SIG_IGN survives exec), or handled (a
 * sanitizer's): the child resets them before its mask opens. */
static const int *nondefault_signals(void)
{
	static int list[_NSIG];
	static bool done;
	if (!done) {
		unsigned n = 0;
		for (int sig = 1; sig < _NSIG; sig++) {
			struct sigaction sa;
			if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler != SIG_DFL)
				list[n++] = sig;
		}
		list[n] = 0;
		done = true;
	}
	return list;
}

/*
 * The trampoline's stack (tstack.h), its arguments at the top: the slots
 * copied (the child notes there where it moved each), its limits worked
 * out here.  Everything else they point to lives as long as the run.
 */
#define TRAMP_STACK_USE (16 * 1024) /* what the trampoline's calls need */

static struct tramp_args *tramp_block(const struct spawn_req *rq, void **stack,
				      size_t *len, void **sp)
{
	size_t slots = rq->nslots * sizeof(int);
	*len = TRAMP_STACK_USE + sizeof(struct tramp_args) + slots + 32;
	*stack = tstack_get(len);
	if (!*stack)
		return NULL;
	uintptr_t top = (uintptr_t)*stack + *len;
	struct tramp_args *a = (void *)((top - sizeof(*a)) & ~(uintptr_t)15);
	int *copy = (int *)((((uintptr_t)a - slots)) & ~(uintptr_t)15);
	if (slots)
		memcpy(copy, rq->slots, slots);
	struct rlimit st = { 0, 0 }; /* unknown: left as it is */
	getrlimit(RLIMIT_STACK, &st);
	*a = (struct tramp_args){
		.slots = copy, .nslots = rq->nslots, .memfd = rq->memfd,
		.reset = nondefault_signals(), .filter = rq->filter,
		.argv = rq->argv, .envp = rq->envp,
		.no_randomize = rq->no_randomize,
	};
	a->nlimits = limits_rows(rq->lim, &st, a->limits);
	*sp = copy;
	return a;
}

/* Fail a spawn: -e, and why in err. */
static int spawn_fail(char *err, size_t errlen, int e, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int spawn_fail(char *err, size_t errlen, int e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -e;
}

int spawn_container(const struct spawn_req *rq, struct container **out,
		    char *err, size_t errlen)
{
	const struct minos_config *cfg = rq->cfg;
	int syncp[2], errp[2], pidfd = -1;
	if (pipe2(syncp, O_CLOEXEC) < 0)
		return spawn_fail(err, errlen, errno, "pipe2: %s", strerror(errno));
	if (pipe2(errp, O_CLOEXEC) < 0) {
		int e = errno;
		close(syncp[0]);
		close(syncp[1]);
		return spawn_fail(err, errlen, e, "pipe2: %s", strerror(e));
	}
	/* errp[0] and the pidfd are kept (until the program starts, and for
	 * the container's life): below the reserve (ctab.h), or ENFILE. */
	if (errp[0] >= ctab_fd_floor()) {
		close(syncp[0]);
		close(syncp[1]);
		close(errp[0]);
		close(errp[1]);
		return spawn_fail(err, errlen, ENFILE, "no descriptor left below "
				  "minos-exec's reserve for the container");
	}
	fcntl(errp[0], F_SETFL, O_NONBLOCK);

	bool ns = !cfg->no_namespaces && ns_usable != 0;
	unsigned long flags = NS_FLAGS | (cfg->netns ? CLONE_NEWNET : 0);
	void *stack, *sp;
	size_t stack_len;
	struct tramp_args *a = tramp_block(rq, &stack, &stack_len, &sp);
	if (!a) {
		close(syncp[0]);
		close(syncp[1]);
		close(errp[0]);
		close(errp[1]);
		return spawn_fail(err, errlen, ENOMEM, "cannot create the "
				  "container process: no memory for its stack");
	}
	a->sync_fd = syncp[0];
	a->err_fd = errp[1];
	a->root_fd = ns ? root_dir_fd() : -1;
	a->become_root = ns;
	/* The wall clock of the report starts before the process does, so a
	 * container's CPU time can never exceed its wall time. */
	struct timespec ts0;
	clock_gettime(CLOCK_MONOTONIC, &ts0);
	long long t0 = ts0.tv_sec * 1000000000LL + ts0.tv_nsec;
	const unsigned long base = CLONE_PIDFD | SIGCHLD;
	long pid = tramp_start(base | (ns ? flags : 0), sp, &pidfd, a);
	if (pid < 0 && ns && ns_usable < 0) {
		/* No unprivileged user namespaces here: run without them. */
		char why[96];
		snprintf(why, sizeof(why), "clone: %s", strerror((int)-pid));
		ns_usable = 0;
		ns = false;
		a->root_fd = -1;
		a->become_root = false;
		hostprobe_no_namespaces(why);
		pid = tramp_start(base, sp, &pidfd, a);
	}
	if (pid < 0) {
		int e = (int)-pid;
		close(syncp[0]);
		close(syncp[1]);
		close(errp[0]);
		close(errp[1]);
		tstack_put(stack, stack_len);
		return spawn_fail(err, errlen, e,
				  "cannot create the container process: clone: %s",
				  strerror(e));
	}
	close(syncp[0]);
	close(errp[1]);
	if (pidfd >= ctab_fd_floor()) {
		kill((pid_t)pid, SIGKILL);
		waitpid((pid_t)pid, NULL, __WALL);
		close(syncp[1]);
		close(errp[0]);
		close(pidfd);
		tstack_put(stack, stack_len);
		return spawn_fail(err, errlen, ENFILE, "no descriptor left below "
				  "minos-exec's reserve for the container's pidfd");
	}

	int seized = ptr_seize((pid_t)pid, cfg->report != NULL);
	int mapped = seized == 0 && ns ? map_user((pid_t)pid) : 0;
	if (seized < 0 || mapped < 0) {
		kill((pid_t)pid, SIGKILL);
		waitpid((pid_t)pid, NULL, __WALL);
		close(syncp[1]);
		close(errp[0]);
		close(pidfd);
		tstack_put(stack, stack_len);
		if (mapped < 0 && seized == 0 && ns_usable < 0) {
			/* A user namespace is made but cannot be mapped (a
			 * container runtime without CAP_SETUID): run without. */
			char why[96];
			snprintf(why, sizeof(why), "writing its uid map: %s",
				 strerror(-mapped));
			ns_usable = 0;
			hostprobe_no_namespaces(why);
			return spawn_container(rq, out, err, errlen);
		}
		if (seized < 0)
			return spawn_fail(err, errlen, EAGAIN,
					  "cannot trace the container: ptrace: %s; "
					  "ptrace is blocked here (a container runtime's "
					  "seccomp profile, Yama, or a missing "
					  "CAP_SYS_PTRACE)", strerror(-seized));
		return spawn_fail(err, errlen, EAGAIN,
				  "cannot map the container's user namespace: %s; "
				  "try --no-namespaces", strerror(-mapped));
	}

	if (ns)
		ns_usable = 1;
	struct container *c = ctab_new_container((pid_t)pid, rq->name);
	c->pidfd = pidfd;
	c->errpipe = errp[0];
	c->tstack = stack;
	c->tstack_len = stack_len;
	c->pidns_init = ns;
	c->parent = rq->parent;
	c->lim = rq->lim;
	c->stage = rq->parent ? rq->parent->stage : c;
	if (cfg->report)
		stats_attach(c)->start_ns = t0;
	thread_add((pid_t)pid, c);
	enforce_cpu_arm(c);
	if (write(syncp[1], "g", 1) != 1)
		BUG("cannot release the new container");
	close(syncp[1]);
	*out = c;
	return 0;
}
