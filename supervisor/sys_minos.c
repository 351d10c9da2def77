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

/* What a failed pidfd_getfd means for the caller: its number is not open
 * (EBADF), or the supervisor has no room for the moment (ENFILE, ENOMEM,
 * never EBADF: a full table of ours says nothing about the caller's). */
long fd_take_error(int err)
{
	switch (err) {
	case -EMFILE:
	case -ENFILE:
		return -ENFILE;
	case -ENOMEM:
		return -ENOMEM;
	default:
		return -EBADF;
	}
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
		return (int)fd_take_error(fd);
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
		return (int)fd_take_error(fd);
	int fl = fcntl(fd, F_GETFL);
	close(fd);
	if (fl < 0)
		return -EBADF;
	return fl & O_ACCMODE;
}

/* write(wfd, buf, size) has Linux write's registers: just renumber. */
long sys_write(struct thread *t, struct sysargs *a)
{
	/* Decided on the number the kernel will use: a value with bits
	 * above 31 is no descriptor (the kernel would take its low half). */
	if ((int64_t)a->a[0] < 0 || a->a[0] > 0x7fffffff ||
	    sys_fd_private(t->c, (int64_t)a->a[0]))
		return -EBADF;
	a->regs.orig_rax = __NR_write;
	return SYS_REWRITE;
}

static long close_dir(struct thread *t, struct sysargs *a, int want)
{
	if ((int64_t)a->a[0] < 0 || a->a[0] > 0x7fffffff)
		return -EBADF;
	int dir = fd_direction(t->c, (int)a->a[0]);
	if (dir < 0)
		return dir;
	if (dir != want)
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

/*
 * Make the stopped thread wait in its own poll(2) of its own descriptors:
 * the pollfd array goes in the read's own buffer if it is large enough,
 * else below its stack's red zone (the bytes there are kept and put back
 * at the call's exit), the call becomes poll(array, n, -1).  The supervisor holds nothing while it waits: no copy, no epoll
 * entry, so a descriptor closed meanwhile is gone as on Linux.  At the
 * exit (loop.c, FIX_POLL) the Minos read is issued again, and its stop
 * finds the ready rfd.
 */
static long wait_in_poll(struct thread *t, struct sysargs *a, const int *nums,
			 unsigned n)
{
	struct pollfd pfd[MINOS_READ_MAX_RFDS];
	size_t len = n * sizeof(struct pollfd);
	uint64_t rsp = a->regs.rsp, at = a->a[2];
	/* The buffer, if large enough, readable and writable (written back
	 * as it is: a buffer only partly writable is not used, and nothing
	 * of it changes). */
	if (a->a[3] < len || (at & 7) || mem_read(t->tid, at, t->wait_saved, len) < 0 ||
	    mem_write(t->tid, at, t->wait_saved, len) < 0) {
		/* The buffer is small: below the red zone (a stack that has
		 * not grown that far is EFAULT). */
		if (rsp < 65536 + 128 + sizeof(pfd))
			return -EFAULT;
		at = (rsp - 128 - len) & ~(uint64_t)15;
		if (mem_read(t->tid, at, t->wait_saved, len) < 0)
			return -EFAULT;
	}
	for (unsigned i = 0; i < n; i++) {
		pfd[i].fd = nums[i];
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	if (mem_write(t->tid, at, pfd, len) < 0) {
		/* Another thread changed the mapping meanwhile: its bytes
		 * back, as far as they can go. */
		mem_write(t->tid, at, t->wait_saved, len);
		return -EFAULT;
	}
	t->wait_at = at;
	t->nwait = n;
	a->regs.orig_rax = __NR_poll;
	a->regs.rdi = at;
	a->regs.rsi = n;
	a->regs.rdx = (unsigned long long)-1; /* no timeout */
	a->fix = FIX_POLL;
	return SYS_REWRITE;
}

/*
 * read(rfds, count, buf, size): one rfd is a plain read.  Several: each
 * distinct number is checked (an rfd of the caller) and polled on one
 * copy at a time, closed at once; the first ready one is read.  If none
 * is ready the thread waits in its own poll (wait_in_poll).
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

	int nums[MINOS_READ_MAX_RFDS], ready = -1;
	unsigned n = 0;
	bool blocking = false;
	for (unsigned i = 0; i < count; i++) {
		bool seen = false;
		for (unsigned j = 0; j < n && !seen; j++)
			seen = nums[j] == rfds[i];
		if (seen)
			continue;
		int fd = fd_take(t->c, rfds[i]);
		if (fd < 0)
			return fd_take_error(fd);
		int fl = fcntl(fd, F_GETFL);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (fl >= 0 && (fl & O_ACCMODE) == O_RDONLY && ready < 0 &&
		    poll(&p, 1, 0) > 0)
			ready = rfds[i];
		close(fd);
		if (fl < 0 || (fl & O_ACCMODE) != O_RDONLY)
			return -EBADF;
		if (!(fl & O_NONBLOCK))
			blocking = true;
		nums[n++] = rfds[i];
	}
	if (ready >= 0)
		return read_from(a, ready);
	if (!blocking)
		return -EAGAIN;
	return wait_in_poll(t, a, nums, n);
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
	t->install_solo = t->c->threads == 1 && !t->c->pending_clones;
	t->install_gen = t->c->passes_in;
	a->regs.orig_rax = MINOS_PRIV_INSTALL;
	a->regs.rdx = (unsigned)t->install[1];
	t->expect_notif = true;
	return SYS_REWRITE;
}

/*
 * At the pipe's notification: may its ends go at the numbers sys_pipe
 * foresaw (SETFD), the wfd with the answer?  Only if nothing can have
 * taken a number of the container since sys_pipe looked: it had one
 * thread then (this one, stopped in its call) and no clone in flight (a
 * new thread stays stopped until its creator's clone event is counted),
 * and has now; this thread, in its notification, leaves it only by being
 * killed, and the supervisor does nothing else as it installs.  The one
 * other way in is a pass, which borrows this thread between its stop and
 * its notification and takes the lowest free number: counted by
 * passes_in, and then both numbers are checked still free (kcmp).
 */
bool sys_pipe_alone(struct thread *t)
{
	struct container *c = t->c;
	if (!t->install_solo || c->threads != 1 || c->pending_clones)
		return false;
	if (c->passes_in == t->install_gen)
		return true;
	return !fd_open(t, t->install[0]) && !fd_open(t, t->install[1]);
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
