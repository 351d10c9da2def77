/* SPDX-License-Identifier: MIT */
/* log.h - the one logging core: every message is "minos-exec: ...". */
#ifndef MINOS_LOG_H
#define MINOS_LOG_H

#include <stdarg.h>

#define PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Print "minos-exec: MESSAGE" and exit with status. */
_Noreturn void die(int status, const char *fmt, ...) PRINTF(2, 3);
/* Print "minos-exec: MESSAGE". Preserves errno. */
void msg(const char *fmt, ...) PRINTF(1, 2);
/* Broken invariant of ours: message, then exit 125 (every container dies). */
#define BUG(...) die(125, "internal error at %s:%d: %s", __FILE__, __LINE__, __VA_ARGS__)

/* Called by die() with its status and the message (without the
 * "minos-exec: " prefix) before it exits: the report (report.c). */
void log_set_die_hook(void (*hook)(int status, const char *message));

/* Reopen stderr non-blocking if it is a pipe (see log.c); before any
 * container runs.  How many lines a full stderr dropped. */
void log_init(void);
unsigned long log_dropped(void);

/* errno name ("ENOSYS") of a positive errno value, or NULL. */
const char *errno_name(int e);
/* Signal name ("SIGSEGV", "SIGRTMIN+3", "SIG32") of a signal number, from
 * the C library (sigabbrev_np); a static buffer (a ring of four). */
const char *signal_name(int sig);

#endif
