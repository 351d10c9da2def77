/* SPDX-License-Identifier: MIT */
/*
 * stdfds.c - the first container's descriptors 0, 1, 2.
 *
 * A descriptor is one direction only.  A terminal is normally open
 * read-write on all three, so it is reopened (through /proc/self/fd) once
 * read-only for 0 and write-only for 1 and 2.  A socket cannot be reopened:
 * a thread relays it through a pipe.  A closed one becomes /dev/null.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "stdfds.h"

struct relay_arg {
	int from, to;
};
static struct relay_arg relay_args[3];

/*
 * A relayed stdout that is a socket (socat, ssh, a TCP connection to the
 * next stage on another host): when the container's last writer is gone,
 * shut down our sending side, so the far end sees end-of-stream now, not
 * when minos-exec exits (the container may go on reading its stdin, which
 * may be the same socket).  Not when stderr is the same socket: minos-exec
 * still writes its own messages there.
 */
static void relay_half_close(const struct relay_arg *a)
{
	struct stat out, err;
	if (a->to != 1 || fstat(1, &out) < 0 || !S_ISSOCK(out.st_mode))
		return;
	if (fstat(2, &err) == 0 && err.st_dev == out.st_dev &&
	    err.st_ino == out.st_ino)
		return;
	shutdown(1, SHUT_WR);
}

static void *relay(void *p)
{
	struct relay_arg *a = p;
	char buf[65536];
	for (;;) {
		ssize_t n = read(a->from, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(a->to, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				goto out;
			off += w;
		}
	}
out:
	relay_half_close(a);
	/* Input side: closing the pipe's write end gives the container EOF. */
	if (a->to > 2)
		close(a->to);
	if (a->from > 2)
		close(a->from);
	return NULL;
}

static int reopen(int fd, int want)
{
	char path[32];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	int fl = fcntl(fd, F_GETFL);
	int nfd = open(path, want | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
				     (fl >= 0 ? fl & O_APPEND : 0));
	if (nfd < 0)
		return -errno;
	/* Back to blocking (O_NONBLOCK only kept a FIFO open from waiting). */
	if (fcntl(nfd, F_SETFL, fl >= 0 ? fl & O_APPEND : 0) < 0) {
		close(nfd);
		return -errno;
	}
	off_t off = lseek(fd, 0, SEEK_CUR);
	if (off > 0)
		lseek(nfd, off, SEEK_SET);
	return nfd;
}

static void start_relay(struct stdio_plan *p, int i, int want)
{
	int pp[2];
	if (pipe2(pp, O_CLOEXEC) < 0)
		die(125, "stdio relay: pipe2: %s", strerror(errno));
	if (want == O_RDONLY) {
		relay_args[i] = (struct relay_arg){ .from = i, .to = pp[1] };
		p->fd[i] = pp[0];
		p->relay_peer[i] = pp[1];
	} else {
		relay_args[i] = (struct relay_arg){ .from = pp[0], .to = i };
		p->fd[i] = pp[1];
		p->relay_peer[i] = pp[0];
	}
	p->ours[i] = true;
	p->relayed[i] = true;
	int rc = pthread_create(&p->relay[i], NULL, relay, &relay_args[i]);
	if (rc)
		die(125, "stdio relay: pthread_create: %s", strerror(rc));
}

void stdio_fill_closed(void)
{
	for (int i = 0; i < 3; i++) {
		if (fcntl(i, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int fd = open("/dev/null", (i == 0 ? O_RDONLY : O_WRONLY) | O_CLOEXEC);
		if (fd < 0)
			die(125, "descriptor %d is closed and /dev/null cannot be "
				 "opened: %s", i, strerror(errno));
		if (fd != i) /* a lower one was closed too: it takes the next */
			die(125, "cannot place /dev/null on descriptor %d", i);
	}
}

void stdio_prepare(struct stdio_plan *p)
{
	static const char *const names[] = { "stdin", "stdout", "stderr" };
	memset(p, 0, sizeof(*p));
	for (int i = 0; i < 3; i++) {
		int want = i == 0 ? O_RDONLY : O_WRONLY;
		int fl = fcntl(i, F_GETFL);
		p->relay_peer[i] = -1;
		if (fl < 0) {
			p->fd[i] = open("/dev/null", want | O_CLOEXEC);
			if (p->fd[i] < 0)
				die(125, "%s is closed and /dev/null cannot be opened: %s",
				    names[i], strerror(errno));
			p->ours[i] = true;
		} else if ((fl & O_ACCMODE) == want) {
			p->fd[i] = i;
		} else if ((p->fd[i] = reopen(i, want)) >= 0) {
			p->ours[i] = true;
		} else {
			start_relay(p, i, want);
		}
	}
}

void stdio_after_spawn(struct stdio_plan *p)
{
	for (int i = 0; i < 3; i++)
		if (p->ours[i])
			close(p->fd[i]);
}

void stdio_finish(struct stdio_plan *p)
{
	for (int i = 1; i < 3; i++)
		if (p->relayed[i])
			pthread_join(p->relay[i], NULL);
}

/* ---- counted relays (--output on a stream) --------------------------------
 *
 * The kernel bounds a regular file (RLIMIT_FSIZE) but not a pipe, a socket
 * or a terminal.  For those, only where an output limit is set, the
 * container writes into a pipe of ours and a thread moves the bytes on
 * with splice(2) (read/write where splice cannot, e.g. some terminals),
 * never more than the limit.  Past it the thread kills its container
 * through a pidfd and drains the pipe into nothing, so that other writers
 * (children it passed the stream to) never block on a dead relay.  When
 * where the bytes go is gone (EPIPE), it closes its end: the writers get
 * EPIPE as they would have without it.
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>

struct count_relay {
	int from, to;               /* our pipe's read end; where bytes go */
	unsigned long long limit;
	atomic_int pidfd;           /* the container to end, or -1 */
	atomic_int id;              /* its id, for stdio_output_exceeded_by */
	atomic_bool exceeded, killed;
	pthread_t thread;
	struct count_relay *next;   /* made and read by the main thread only */
};
static struct count_relay *relays;

static void relay_kill(struct count_relay *r)
{
	int pidfd = atomic_load(&r->pidfd);
	if (pidfd >= 0 && atomic_load(&r->exceeded) &&
	    !atomic_exchange(&r->killed, true))
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
}

static ssize_t copy_some(int from, int to, size_t max, bool *use_splice)
{
	if (*use_splice) {
		ssize_t n = splice(from, NULL, to, NULL, max, SPLICE_F_MOVE);
		if (n >= 0 || errno != EINVAL)
			return n;
		*use_splice = false;
	}
	char buf[65536];
	ssize_t n = read(from, buf, max < sizeof(buf) ? max : sizeof(buf));
	for (ssize_t off = 0; n > 0 && off < n;) {
		ssize_t w = write(to, buf + off, (size_t)(n - off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += w;
	}
	return n;
}

static void *count_relay(void *p)
{
	struct count_relay *a = p;
	unsigned long long done = 0;
	bool use_splice = true;
	char sink[65536];
	for (;;) {
		ssize_t n;
		if (done >= a->limit) {
			n = read(a->from, sink, sizeof(sink)); /* drop it */
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			/* Bytes past the limit: the container exceeded it. */
			atomic_store(&a->exceeded, true);
			relay_kill(a);
			continue;
		}
		unsigned long long left = a->limit - done;
		n = copy_some(a->from, a->to, left < (1u << 20) ? left : (1u << 20),
			      &use_splice);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* the end; or where the bytes go is gone (EPIPE):
				* closing our end gives the writers EPIPE too,
				* as if they wrote there themselves */
		done += (unsigned long long)n;
	}
	close(a->from);
	/* Its writers are all gone: where the bytes went sees the end. */
	close(a->to);
	return NULL;
}

struct count_relay *stdio_relay_counted(int to, unsigned long long limit,
					int *write_end)
{
	int pp[2];
	struct count_relay *r = calloc(1, sizeof(*r));
	if (!r)
		die(125, "output relay: out of memory");
	if (pipe2(pp, O_CLOEXEC) < 0)
		die(125, "output relay: pipe2: %s", strerror(errno));
	r->from = pp[0];
	r->to = to;
	r->limit = limit;
	atomic_init(&r->pidfd, -1);
	atomic_init(&r->id, 0);
	r->next = relays;
	relays = r;
	int rc = pthread_create(&r->thread, NULL, count_relay, r);
	if (rc)
		die(125, "output relay: pthread_create: %s", strerror(rc));
	*write_end = pp[1];
	return r;
}

void stdio_relay_target(struct count_relay *r, int pidfd, int id)
{
	int fd = fcntl(pidfd, F_DUPFD_CLOEXEC, 3);
	atomic_store(&r->id, id);
	atomic_store(&r->pidfd, fd);
	relay_kill(r); /* it may have exceeded already */
}

bool stdio_output_exceeded_by(int id)
{
	for (struct count_relay *r = relays; r; r = r->next)
		if (atomic_load(&r->id) == id && atomic_load(&r->exceeded))
			return true;
	return false;
}

void stdio_relays_finish(void)
{
	while (relays) {
		struct count_relay *r = relays;
		relays = r->next;
		pthread_join(r->thread, NULL);
		int pidfd = atomic_load(&r->pidfd);
		if (pidfd >= 0)
			close(pidfd);
		free(r);
	}
}

int stdio_count_slot(int fd, unsigned long long limit, struct count_relay **r)
{
	struct stat st;
	*r = NULL;
	if (!limit || fd < 0 || (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)))
		return fd;
	int to = fcntl(fd, F_DUPFD_CLOEXEC, 3), w;
	if (to < 0)
		die(125, "output relay: dup: %s", strerror(errno));
	*r = stdio_relay_counted(to, limit, &w);
	return w;
}

void stdio_count_output(struct stdio_plan *p, unsigned long long limit)
{
	if (!limit)
		return;
	for (int i = 1; i < 3; i++) {
		struct stat st;
		if (fstat(p->fd[i], &st) == 0 && S_ISREG(st.st_mode))
			continue; /* RLIMIT_FSIZE */
		/* The relay writes where the container would have: a dup of
		 * it (ours to close after the spawn, or our own 1 and 2). */
		int to = fcntl(p->fd[i], F_DUPFD_CLOEXEC, 3);
		if (to < 0)
			die(125, "output relay: dup: %s", strerror(errno));
		if (p->ours[i])
			close(p->fd[i]);
		p->count[i] = stdio_relay_counted(to, limit, &p->fd[i]);
		p->ours[i] = true;
	}
}

void stdio_count_target(struct stdio_plan *p, int pidfd, int id)
{
	for (int i = 1; i < 3; i++)
		if (p->count[i])
			stdio_relay_target(p->count[i], pidfd, id);
}
