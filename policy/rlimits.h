/* SPDX-License-Identifier: MIT */
/* rlimits.h - the per-container limits the kernel enforces (rlimits). */
#ifndef MINOS_RLIMITS_H
#define MINOS_RLIMITS_H

#include <sys/types.h>

#include "config.h"

/* In the new container process: set every rlimit.  Async-signal-safe.
 * Returns 0, or -errno with *which naming the limit that failed. */
int limits_apply(const struct minos_limits *lim, const char **which);

/* From the supervisor, at the trampoline's execveat stop: RLIMIT_NOFILE of
 * process pid.  0 or -errno. */
int limits_apply_fds(pid_t pid, const struct minos_limits *lim);

/* The RLIMIT_CPU backstop of the CPU limit: whole seconds, rounded up,
 * plus one (the supervisor's timer ends the container at the limit). */
unsigned long limits_cpu_seconds(const struct minos_limits *lim);

#endif
