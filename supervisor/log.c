/* SPDX-License-Identifier: MIT */
/*
 * log.c - messages. One write(2) per line so lines never interleave.
 *
 * Every control character of a message (a program's name may hold any
 * byte) is written as \xNN, so no message can end a line early and forge
 * another.  stderr may be a pipe the containers share and fill: if it is
 * one, messages go through a non-blocking description of their own (the
 * pipe reopened through /proc/self/fd/2), so a full pipe drops a line
 * (counted) and never stops the supervisor.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static int err_fd = -1;          /* the non-blocking reopened stderr, or -1 */
static unsigned long dropped;    /* lines a full stderr did not take */

void log_init(void)
{
	struct stat st;
	if (err_fd >= 0 || fstat(STDERR_FILENO, &st) < 0 || !S_ISFIFO(st.st_mode))
		return; /* a file or a terminal: a write there does not wait on a container */
	err_fd = open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
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
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, line + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN && off == 0)
			dropped++; /* a line is PIPE_BUF or less: all or nothing */
		if (w <= 0)
			break;
		off += (size_t)w;
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
