/* SPDX-License-Identifier: MIT */
/* log.c - messages. One write(2) per line so lines never interleave. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

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

/* Format "minos-exec: MESSAGE\n" into line (size >= 16) and write it. */
static void vmsg_line(char *line, size_t size, const char *fmt, va_list ap)
{
	int n = snprintf(line, size, "minos-exec: ");
	int m = vsnprintf(line + n, size - (size_t)n - 1, fmt, ap);
	if (m < 0)
		m = 0;
	size_t len = (size_t)n + (size_t)m;
	if (len > size - 2)
		len = size - 2;
	line[len++] = '\n';
	line[len] = '\0';
	for (size_t off = 0; off < len;) {
		ssize_t w = write(STDERR_FILENO, line + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
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
