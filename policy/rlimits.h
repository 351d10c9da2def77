/* SPDX-License-Identifier: MIT */
/* rlimits.h - the per-container limits the kernel enforces (rlimits). */
#ifndef MINOS_RLIMITS_H
#define MINOS_RLIMITS_H

#include "config.h"

/* In the new container process: set every rlimit.  Async-signal-safe.
 * Returns 0, or -errno with *which naming the limit that failed. */
int limits_apply(const struct minos_limits *lim, const char **which);

/* CPU limit as RLIMIT_CPU counts it: whole seconds, rounded up. */
unsigned long limits_cpu_seconds(const struct minos_limits *lim);

#endif
