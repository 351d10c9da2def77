/* SPDX-License-Identifier: MIT */
/* procfs.h - reading a container's small /proc files (a layer below the
 * handlers and the report; it knows nothing of either). */
#ifndef MINOS_PROCFS_H
#define MINOS_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Read /proc/PID/WHAT (a small file: one read) into buf, NUL-terminated.
 * Its length, or -errno (ENOENT, ESRCH: gone; anything else: not known). */
ssize_t proc_read(pid_t pid, const char *what, char *buf, size_t len);
/* The value of "key" in a "key: value" or "key value" line of such a
 * file's text. */
bool proc_value(const char *text, const char *key, unsigned long long *v);

#endif
