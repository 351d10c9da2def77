/* SPDX-License-Identifier: MIT */
/*
 * sys_fd.c - what a container may learn of its own descriptors, and its
 * private objects (SPEC sections 1 and 4).
 *
 * A descriptor is an rfd (open O_RDONLY), a wfd (O_WRONLY) or a private
 * object: an epoll instance, an eventfd or a timerfd, which the kernel
 * opens O_RDWR.  The direction test of every Minos call (fd_direction,
 * fd_take_dir: F_GETFL on our copy) therefore already refuses a private
 * object; the two Minos calls that become a Linux call without a test
 * (write, and read of one rfd) ask sys_fd_private() first, in containers
 * that have made one (the calls that make them stop once to say so).
 *
 * fstat and its relatives answer a synthetic stat: a FIFO, mode 0400 for
 * an rfd, 0200 for a wfd, 0600 for a private object, owner 65534,
 * st_blksize 4096, every other field 0.  Nothing of what the descriptor is
 * on the host (a file's size, inode, device, times) is ever read for it.
 *
 * A descriptor that leaves a container (cnew, wpass, rpass) leaves that
 * container's epoll sets: sys_epoll_forget().
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/stat.h>

#include "log.h"
#include "mem.h"
#include "sys.h"
#include "sys_fd.h"

#define NOBODY 65534

/* ---- private objects --------------------------------------------------- */

/* Containers that have made a private object, by id (ids are never reused
 * in a run). */
static unsigned char *made;
static size_t made_len;

static bool has_private(const struct container *c)
{
	size_t i = (size_t)c->id / 8;
	return c->id >= 0 && i < made_len && (made[i] >> (c->id % 8)) & 1;
}

int sys_fd_made_private(struct container *c)
{
	size_t i = (size_t)c->id / 8;
	if (i >= made_len) {
		size_t len = i + 64;
		unsigned char *more = realloc(made, len);
		if (!more)
			return -ENOMEM;
		memset(more + made_len, 0, len - made_len);
		made = more;
		made_len = len;
	}
	made[i] |= (unsigned char)(1u << (c->id % 8));
	return 0;
}

/* epoll_create[1], eventfd[2], timerfd_create (the filter checked the
 * flags): note the container, then run the call as it was entered. */
long sys_private(struct thread *t, struct sysargs *a)
{
	(void)a;
	int r = sys_fd_made_private(t->c);
	return r < 0 ? r : SYS_ALLOW;
}

bool sys_fd_private(struct container *c, int64_t num)
{
	if (!has_private(c) || num < 0 || num > 0x7fffffff)
		return false;
	return fd_direction(c, (int)num) == O_RDWR;
}

bool sys_fd_nonblocking(const int *copies, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		int fl = fcntl(copies[i], F_GETFL);
		if (fl < 0 || !(fl & O_NONBLOCK))
			return false;
	}
	return n > 0;
}

/* ---- a synthetic stat ------------------------------------------------------ */

/* The mode of one of c's descriptors, or -EBADF. */
static long fifo_mode(struct container *c, uint64_t num)
{
	if ((int64_t)num < 0 || num > 0x7fffffff)
		return -EBADF;
	int dir = fd_direction(c, (int)num);
	switch (dir) {
	case O_RDONLY: return S_IFIFO | 0400;
	case O_WRONLY: return S_IFIFO | 0200;
	case O_RDWR: return S_IFIFO | 0600;
	default: return -EBADF;
	}
}

static long put_stat(struct thread *t, uint64_t num, uint64_t buf)
{
	long mode = fifo_mode(t->c, num);
	if (mode < 0)
		return mode;
	struct stat st;
	memset(&st, 0, sizeof(st));
	st.st_mode = (mode_t)mode;
	st.st_uid = NOBODY;
	st.st_gid = NOBODY;
	st.st_blksize = 4096;
	return mem_write(t->tid, buf, &st, sizeof(st));
}

/* Is the path at addr empty?  NULL counts as empty (Linux 6.11+ with
 * AT_EMPTY_PATH).  0 if empty, -EPERM if not (outside the allowed form),
 * -EFAULT if it cannot be read. */
static long empty_path(struct thread *t, uint64_t addr)
{
	char ch;
	if (addr == 0)
		return 0;
	if (mem_read(t->tid, addr, &ch, 1) < 0)
		return -EFAULT;
	return ch ? -EPERM : 0;
}

long sys_fstat(struct thread *t, struct sysargs *a)
{
	return put_stat(t, a->a[0], a->a[1]);
}

/* newfstatat(fd, "", buf, AT_EMPTY_PATH): the filter saw the flag. */
long sys_newfstatat(struct thread *t, struct sysargs *a)
{
	long r = empty_path(t, a->a[1]);
	return r < 0 ? r : put_stat(t, a->a[0], a->a[2]);
}

/* statx(fd, "", AT_EMPTY_PATH, mask, buf) */
long sys_statx(struct thread *t, struct sysargs *a)
{
	long r = empty_path(t, a->a[1]);
	if (r < 0)
		return r;
	long mode = fifo_mode(t->c, a->a[0]);
	if (mode < 0)
		return mode;
	struct statx sx;
	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = STATX_TYPE | STATX_MODE | STATX_UID | STATX_GID;
	sx.stx_mode = (uint16_t)mode;
	sx.stx_uid = NOBODY;
	sx.stx_gid = NOBODY;
	sx.stx_blksize = 4096;
	return mem_write(t->tid, a->a[4], &sx, sizeof(sx));
}

/* ---- fcntl(F_SETFL): only O_NONBLOCK changes -------------------------------- */

/* The filter allows F_GETFD, F_SETFD, F_GETFL and F_GETPIPE_SZ in-kernel
 * and traces F_SETFL here: our copy shares the open file, so setting its
 * flags sets the container's. */
long sys_fcntl(struct thread *t, struct sysargs *a)
{
	if ((int64_t)a->a[0] < 0 || a->a[0] > 0x7fffffff)
		return -EBADF;
	int fd = fd_take(t->c, (int)a->a[0]);
	if (fd < 0)
		return -EBADF;
	long r = 0;
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		r = -errno;
	else if (fcntl(fd, F_SETFL, (fl & ~O_NONBLOCK) |
				    ((int)a->a[2] & O_NONBLOCK)) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* ---- leaving the epoll sets ---------------------------------------------- */

/*
 * epoll keys an entry by (file, descriptor number) and drops it only when
 * the file is closed for good; a descriptor that leaves a container is
 * still open (in the child, and in our copy), so the container's epoll
 * sets would go on reporting it.  EPOLL_CTL_DEL finds the entry by the
 * same pair, and any process that holds the epoll instance and the file
 * at that number may remove it.  So a helper made with a copy of our
 * descriptor table (clone without CLONE_FILES, sharing our memory, while
 * we wait) puts the file at the container's number and removes it from
 * each of the container's epoll instances.
 */
struct forget_arg {
	int file, num;
	const int *eps;
	unsigned neps;
};

/* Runs on its own stack in a copy of our table, sharing our memory: raw
 * system calls only, nothing written but its own locals. */
__attribute__((no_sanitize("address", "undefined")))
static int forget_child(void *p)
{
	const struct forget_arg *f = p;
	/* An epoll instance at the very number we need moves aside first
	 * (the number is then still taken, so F_DUPFD picks another). */
	int moved = -1;
	for (unsigned i = 0; i < f->neps; i++)
		if (f->eps[i] == f->num &&
		    (moved = (int)syscall(SYS_fcntl, f->num, F_DUPFD, 0)) < 0)
			return 1;
	if (f->file != f->num && syscall(SYS_dup2, f->file, f->num) < 0)
		return 1;
	for (unsigned i = 0; i < f->neps; i++)
		syscall(SYS_epoll_ctl, f->eps[i] == f->num ? moved : f->eps[i],
			EPOLL_CTL_DEL, f->num, NULL);
	return 0;
}

static void a_live_thread(struct thread *t, void *arg)
{
	pid_t *tid = arg;
	if (!*tid && !sys_exiting(t->tid))
		*tid = t->tid;
}

/* Our copies of c's epoll instances (those of /proc/TID/fd that link to
 * anon_inode:[eventpoll], TID the leader or, once it has left alone, a
 * live thread: they share the table); *n of them, or NULL. */
static int *epoll_copies(struct container *c, unsigned *n)
{
	char path[48];
	int *out = NULL;
	unsigned cap = 0;
	pid_t tid = 0;
	*n = 0;
	if (sys_exiting(c->pid))
		thread_each(c, a_live_thread, &tid);
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)(tid ? tid : c->pid));
	DIR *d = opendir(path);
	if (!d)
		return NULL;
	struct dirent *e;
	while ((e = readdir(d))) {
		char link[320], target[32];
		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", path, e->d_name);
		ssize_t len = readlink(link, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		if (strcmp(target, "anon_inode:[eventpoll]") != 0)
			continue;
		int fd = fd_take(c, atoi(e->d_name));
		if (fd < 0)
			continue;
		if (*n == cap) {
			int *more = realloc(out, (cap = cap ? 2 * cap : 8) * sizeof(int));
			if (!more) {
				close(fd);
				break;
			}
			out = more;
		}
		out[(*n)++] = fd;
	}
	closedir(d);
	return out;
}

void sys_epoll_forget(struct container *c, int num, int copy)
{
	if (!has_private(c) || num < 0 || copy < 0)
		return;
	unsigned neps;
	int *eps = epoll_copies(c, &neps);
	if (neps) {
		static char stack[16384] __attribute__((aligned(16)));
		struct forget_arg f = { copy, num, eps, neps };
		pid_t pid = clone(forget_child, stack + sizeof(stack),
				  CLONE_VM | CLONE_VFORK | SIGCHLD, &f);
		int st = 0;
		if (pid > 0) {
			while (waitpid(pid, &st, __WALL) < 0 && errno == EINTR)
				;
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				msg("container %d (%s): cannot take descriptor %d out "
				    "of its epoll sets", c->id, c->name, num);
		} else
			msg("container %d (%s): cannot take descriptor %d out of "
			    "its epoll sets: %s", c->id, c->name, num, strerror(errno));
	}
	for (unsigned i = 0; i < neps; i++)
		close(eps[i]);
	free(eps);
}
