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
