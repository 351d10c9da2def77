/* SPDX-License-Identifier: MIT */
/*
 * sys_minos.c - the Minos calls that live inside one container.
 *
 * The kernel's descriptor table is the descriptor table: most calls become
 * the Linux call on the container's own descriptor (the kernel checks
 * direction, since every descriptor is opened read-only or write-only).
 * Argument memory is copied once and decided on the copy.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <stdbool.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "filter.h"
#include "log.h"
#include "mem.h"
#include "sys.h"
#include "sys_fd.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

static void a_live_thread(struct thread *t, void *arg)
{
	pid_t *tid = arg;
	if (!*tid && t->tid != t->c->pid)
		*tid = t->tid;
}

int fd_take(struct container *c, int num)
{
	if (num < 0)
		return -EBADF;
	int fd = (int)syscall(SYS_pidfd_getfd, c->pidfd, num, 0);
	if (fd >= 0)
		return fd;
	int err = errno;
	/*
	 * The leader may have left with SYS_exit while other threads go on:
	 * its descriptor table is gone from it, not from them, and a pidfd
	 * names the leader.  Take from a live thread then (PIDFD_THREAD,
	 * Linux 6.9; before that such a container's calls get EBADF).
	 */
	if (!sys_exiting(c->pid))
		return -err;
	pid_t tid = 0;
	thread_each(c, a_live_thread, &tid);
	int pidfd = tid ? (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD) : -1;
	if (pidfd < 0)
		return -err;
	fd = (int)syscall(SYS_pidfd_getfd, pidfd, num, 0);
	err = errno;
	close(pidfd);
	return fd >= 0 ? fd : -err;
}

int fd_take_dir(struct container *c, int64_t num, int want)
{
	if (num < 0 || num > 0x7fffffff)
		return -EBADF;
	int fd = fd_take(c, (int)num);
	if (fd < 0)
		return -EBADF;
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || (fl & O_ACCMODE) != want) {
		close(fd);
		return -EBADF;
	}
	return fd;
}

int fd_direction(struct container *c, int num)
{
	int fd = fd_take(c, num);
	if (fd < 0)
		return -EBADF;
	int fl = fcntl(fd, F_GETFL);
	close(fd);
	if (fl < 0)
		return -EBADF;
	return fl & O_ACCMODE;
}

/* write(wfd, buf, size) has Linux write's registers: just renumber. */
long sys_write(struct thread *t, struct sysargs *a)
{
	if (sys_fd_private(t->c, (int64_t)a->a[0]))
		return -EBADF;
	a->regs.orig_rax = __NR_write;
	return SYS_REWRITE;
}

static long close_dir(struct thread *t, struct sysargs *a, int want)
{
	if ((int64_t)a->a[0] < 0 || a->a[0] > 0x7fffffff)
		return -EBADF;
	if (fd_direction(t->c, (int)a->a[0]) != want)
		return -EBADF;
	a->regs.orig_rax = __NR_close;
	return SYS_REWRITE;
}

long sys_wclose(struct thread *t, struct sysargs *a)
{
	return close_dir(t, a, O_WRONLY);
}

long sys_rclose(struct thread *t, struct sysargs *a)
{
	return close_dir(t, a, O_RDONLY);
}

/* Turn the stopped Minos read into Linux read(rfd, buf, size); at its exit
 * the arguments are restored and rdx = rfd. */
static long read_from(struct sysargs *a, int rfd)
{
	uint64_t buf = a->a[2], size = a->a[3];
	a->regs.orig_rax = __NR_read;
	a->regs.rdi = (unsigned)rfd;
	a->regs.rsi = buf;
	a->regs.rdx = size;
	a->fix = FIX_READ;
	a->rdx = rfd;
	return SYS_REWRITE;
}

static void wait_release(struct thread *t)
{
	for (unsigned i = 0; i < t->nwait; i++)
		close(t->wait_fd[i]);
	t->nwait = 0;
}

void sys_read_ready(struct thread *t, struct sysargs *a, int idx)
{
	int rfd = t->wait_num[idx];
	wait_release(t);
	read_from(a, rfd);
}

/*
 * read(rfds, count, buf, size): one rfd is a plain read.  Several: the
 * supervisor polls its own copies; if none is ready the thread waits,
 * stopped, and the rfds join the loop's epoll (the loop never blocks).
 */
long sys_read(struct thread *t, struct sysargs *a)
{
	uint64_t count = a->a[1];
	if (count == 0 || count > MINOS_READ_MAX_RFDS)
		return -EINVAL;

	int rfds[MINOS_READ_MAX_RFDS];
	int rc = mem_read(t->tid, a->a[0], rfds, count * sizeof(int));
	if (rc < 0)
		return rc;
	if (count == 1) {
		if (rfds[0] < 0 || sys_fd_private(t->c, rfds[0]))
			return -EBADF;
		return read_from(a, rfds[0]);
	}

	struct pollfd pfd[MINOS_READ_MAX_RFDS];
	t->nwait = 0;
	for (unsigned i = 0; i < count; i++) {
		int fd = fd_take(t->c, rfds[i]);
		int fl = fd < 0 ? -1 : fcntl(fd, F_GETFL);
		if (fl < 0 || (fl & O_ACCMODE) != O_RDONLY) {
			if (fd >= 0)
				close(fd);
			wait_release(t);
			return -EBADF;
		}
		t->wait_fd[t->nwait] = fd;
		t->wait_num[t->nwait] = rfds[i];
		pfd[t->nwait].fd = fd;
		pfd[t->nwait].events = POLLIN;
		t->nwait++;
	}
	if (poll(pfd, t->nwait, 0) > 0)
		for (unsigned i = 0; i < t->nwait; i++)
			if (pfd[i].revents) {
				sys_read_ready(t, a, (int)i);
				return SYS_REWRITE;
			}
	if (sys_fd_nonblocking(t->wait_fd, t->nwait)) {
		wait_release(t);
		return -EAGAIN;
	}
	return SYS_DEFER;
}

/* Is num an open descriptor of c?  kcmp is one call and makes no copy. */
static bool fd_open(struct thread *t, int num)
{
	long rc = syscall(SYS_kcmp, t->tid, t->tid, KCMP_FILE, num, num);
	if (rc >= 0)
		return true;
	if (errno == EBADF)
		return false;
	int fd = fd_take(t->c, num); /* no kcmp in this kernel */
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/*
 * pipe(): the two lowest free numbers are found now, rdx is set to the
 * second (the rfd), and the call is rewritten into MINOS_PRIV_INSTALL,
 * which the filter sends to the seccomp listener.  There the supervisor
 * makes the pipe and installs its ends at exactly those numbers
 * (SECCOMP_IOCTL_NOTIF_ADDFD with SETFD), wfd first, and answers wfd:
 * two wakeups, no syscall-exit stop.
 */
long sys_pipe(struct thread *t, struct sysargs *a)
{
	unsigned limit = t->c->lim->fds, found = 0;
	if (t->c->listener < 0)
		return -ENOSYS;
	for (unsigned num = 0; num < limit && found < 2; num++)
		if (!fd_open(t, (int)num))
			t->install[found++] = (int)num;
	if (found < 2)
		return -EMFILE;
	a->regs.orig_rax = MINOS_PRIV_INSTALL;
	a->regs.rdx = (unsigned)t->install[1];
	t->expect_notif = true;
	return SYS_REWRITE;
}

sys_handler sys_lookup(long nr, const char **name)
{
	switch (nr) {
#define CALL(cname, cnr, action, handler, nargs) \
	case cnr: *name = #cname; return sys_##handler;
#define FORM(...)
#define FORM2(...)
#include "syscalls.def"
#undef CALL
#undef FORM
#undef FORM2
	}
	*name = NULL;
	return NULL;
}
