/* SPDX-License-Identifier: MIT */
/*
 * log.c - messages. One write(2) per line so lines never interleave.
 *
 * Every control character of a message (a program's name may hold any
 * byte) is written as \xNN, so no message can end a line early and forge
 * another.
 *
 * stderr may be a pipe or a terminal the first container shares (its wfd
 * 2 is the same open file description when stderr is already write-only):
 * it can fill it, and it can make that description non-blocking (F_SETFL).
 * So messages go through a description of their own (stderr reopened
 * through /proc/self/fd/2, non-blocking), whose flags no container can
 * change; a full stderr makes a line wait in poll() for room, at most
 * LINE_WAIT_MS, and only then drops it (counted).  After a drop the next
 * lines are not waited for until one gets through: a stderr nobody reads
 * costs the supervisor one wait, not one per line.  A regular file is
 * written through descriptor 2 itself (its offset and O_APPEND are
 * shared; O_NONBLOCK means nothing there).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LINE_WAIT_MS 250

static int err_fd = -1;          /* the non-blocking reopened stderr, or -1 */
static unsigned long dropped;    /* lines a full stderr did not take */
static bool stuck;               /* the last line was dropped */

void log_init(void)
{
	struct stat st;
	if (err_fd >= 0 || fstat(STDERR_FILENO, &st) < 0 || S_ISREG(st.st_mode))
		return;
	/* A socket cannot be reopened (ENXIO): it is never a container's
	 * (stdfds.c relays it), so descriptor 2 stays, waited on in poll. */
	err_fd = open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
}

/* Wait until fd takes a line, or the deadline (CLOCK_MONOTONIC, ms). */
static bool wait_room(int fd, long long deadline)
{
	for (;;) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		long long now = ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
		if (now >= deadline)
			return false;
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		int r = poll(&p, 1, (int)(deadline - now));
		if (r > 0)
			return !(p.revents & (POLLERR | POLLNVAL));
		if (r == 0 || errno != EINTR)
			return false;
	}
}

unsigned long log_dropped(void)
{
	return dropped;
}

/* Copy src into dst (size bytes, NUL-terminated) with every control
 * character as \xNN. */
static size_t escape_controls(char *dst, size_t size, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;
	for (; *src && n + 5 < size; src++) {
		unsigned char ch = (unsigned char)*src;
		if (ch < 0x20 || ch == 0x7f) {
			dst[n++] = '\\';
			dst[n++] = 'x';
			dst[n++] = hex[ch >> 4];
			dst[n++] = hex[ch & 15];
		} else {
			dst[n++] = (char)ch;
		}
	}
	dst[n] = '\0';
	return n;
}

static void (*die_hook)(int status, const char *message);

void log_set_die_hook(void (*hook)(int status, const char *message))
{
	die_hook = hook;
}

static void vmsg_line(char *line, size_t size, const char *fmt, va_list ap);

static void vmsg(const char *fmt, va_list ap)
{
	char line[1024];
	vmsg_line(line, sizeof(line), fmt, ap);
}

/* Format "minos-exec: MESSAGE\n" into line (size >= 16), its control
 * characters escaped, and write it. */
static void vmsg_line(char *line, size_t size, const char *fmt, va_list ap)
{
	char raw[1024];
	int n = snprintf(line, size, "minos-exec: ");
	if (vsnprintf(raw, sizeof(raw), fmt, ap) < 0)
		raw[0] = '\0';
	size_t len = (size_t)n + escape_controls(line + n, size - (size_t)n - 1, raw);
	line[len++] = '\n';
	line[len] = '\0';
	int fd = err_fd >= 0 ? err_fd : STDERR_FILENO;
	long long deadline = 0;
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, line + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			if (!deadline) {
				struct timespec ts;
				clock_gettime(CLOCK_MONOTONIC, &ts);
				deadline = ts.tv_sec * 1000LL + ts.tv_nsec / 1000000 +
					   LINE_WAIT_MS;
			}
			if (!stuck && wait_room(fd, deadline))
				continue;
			if (off == 0)
				dropped++; /* a line is PIPE_BUF or less: all or nothing */
			stuck = true;
			break;
		}
		if (w <= 0)
			break;
		off += (size_t)w;
		stuck = false;
	}
}

void msg(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	errno = saved;
}

void die(int status, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vmsg_line(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (die_hook) {
		void (*hook)(int, const char *) = die_hook;
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		die_hook = NULL; /* once, even if the hook dies */
		hook(status, line + strlen("minos-exec: "));
	}
	exit(status);
}

const char *errno_name(int e)
{
	static const char *const names[] = {
		[EPERM] = "EPERM", [ENOENT] = "ENOENT", [ESRCH] = "ESRCH",
		[EINTR] = "EINTR", [EIO] = "EIO", [E2BIG] = "E2BIG",
		[ENOEXEC] = "ENOEXEC", [EBADF] = "EBADF", [EAGAIN] = "EAGAIN",
		[ENOMEM] = "ENOMEM", [EACCES] = "EACCES", [EFAULT] = "EFAULT",
		[EBUSY] = "EBUSY", [EEXIST] = "EEXIST", [EINVAL] = "EINVAL",
		[EMFILE] = "EMFILE", [ENFILE] = "ENFILE", [ENOTTY] = "ENOTTY",
		[EPIPE] = "EPIPE", [ERANGE] = "ERANGE", [ENOSYS] = "ENOSYS",
		[ENOTSUP] = "ENOTSUP",
	};
	if (e > 0 && (size_t)e < sizeof(names) / sizeof(names[0]))
		return names[e];
	return NULL;
}

const char *signal_name(int sig)
{
	/* The C library's names (sigabbrev_np), so real-time signals are
	 * named too: "SIGRTMIN+3".  One static buffer per slot of a small
	 * ring, so a message may name two signals. */
	static char ring[4][24];
	static unsigned next;
	char *buf = ring[next++ % 4];
	const char *ab = sig > 0 && sig < SIGRTMIN ? sigabbrev_np(sig) : NULL;
	if (ab)
		snprintf(buf, sizeof(ring[0]), "SIG%s", ab);
	else if (sig == SIGRTMIN)
		snprintf(buf, sizeof(ring[0]), "SIGRTMIN");
	else if (sig > SIGRTMIN && sig <= SIGRTMAX)
		snprintf(buf, sizeof(ring[0]), "SIGRTMIN+%d", sig - SIGRTMIN);
	else
		snprintf(buf, sizeof(ring[0]), "SIG%d", sig);
	return buf;
}
