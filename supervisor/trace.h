/* SPDX-License-Identifier: MIT */
/* trace.h - --trace: one line on stderr per call the supervisor handles or
 * refuses, its arguments decoded the way strace(1) shows them. */
#ifndef MINOS_TRACE_H
#define MINOS_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "ctab.h"

/*
 * "minos-exec: [CID:TID] WHAT NAME(ARGS) = RESULT[, RDX]".  name is the
 * call's name ("openat", "i386 open"; NULL: syscall_NR); the arguments of
 * a call known by that name are decoded (paths read once from t's memory,
 * bounded and escaped; flags, AT_FDCWD, ioctl requests, signals), the
 * others shown as numbers, nargs of them.  rdx: a second result, or NULL.
 */
void trace_line(struct thread *t, const char *what, const char *name, long nr,
		const uint64_t *a, int nargs, long r, const long *rdx);

/* The line after "[CID:TID] ", into buf (at most len bytes with the NUL);
 * tid: whose memory a path is read from.  Returns buf. */
char *trace_format(char *buf, size_t len, pid_t tid, const char *what,
		   const char *name, long nr, const uint64_t *a, int nargs,
		   long r, const long *rdx);

/*
 * The bytes of a NUL-terminated string at addr in tid's memory, read once
 * and at most max of them, as a quoted C string with every byte outside
 * printable ASCII escaped ("\n", "\x1b"), followed by "..." when longer
 * than max; NULL for addr 0; the address in hex when it cannot be read.
 * Writes at most len bytes with the NUL; returns buf.  (Exposed for tests.)
 */
char *trace_string(char *buf, size_t len, pid_t tid, uint64_t addr, size_t max);
/* The same for bytes already copied: n of them, more: there were more. */
char *trace_quote(char *buf, size_t len, const char *s, size_t n, int more);

#endif
