/* SPDX-License-Identifier: MIT */
/* rlimits.h - the per-container limits the kernel enforces (rlimits). */
#ifndef MINOS_RLIMITS_H
#define MINOS_RLIMITS_H

#include <sys/resource.h>
#include <sys/types.h>

#include "config.h"

/* One rlimit a container process sets on itself. */
struct limit_row {
	int resource;
	rlim_t soft, hard;
	const char *name; /* for the message if it cannot be set */
};
#define LIMITS_MAX 9

/* The rlimits a new container process sets on itself (the trampoline, in
 * this order), from its limits and the RLIMIT_STACK it inherits (stack,
 * minos-exec's own): how many rows. */
unsigned limits_rows(const struct minos_limits *lim, const struct rlimit *stack,
		     struct limit_row rows[LIMITS_MAX]);

/* From the supervisor, at the trampoline's execveat stop: RLIMIT_NOFILE of
 * process pid.  0 or -errno. */
int limits_apply_fds(pid_t pid, const struct minos_limits *lim);

/* The RLIMIT_CPU backstop of the CPU limit: whole seconds, rounded up,
 * plus one (the supervisor's timer ends the container at the limit). */
unsigned long limits_cpu_seconds(const struct minos_limits *lim);

#endif
