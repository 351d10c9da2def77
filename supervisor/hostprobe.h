/* SPDX-License-Identifier: MIT */
/*
 * hostprobe.h - what minos-exec needs from the host, checked before
 * anything runs: exit 125 with one line naming the cause and the fix,
 * never an internal error later (minos(7), Running inside containers).
 */
#ifndef MINOS_HOSTPROBE_H
#define MINOS_HOSTPROBE_H

#include <stdbool.h>

#include "config.h"

/*
 * Cheap checks always (kcmp, pidfd_getfd); under an
 * outer seccomp filter (a container runtime's profile, PR_GET_SECCOMP = 2)
 * also a traced child that loads a filter with a listener and makes every
 * Minos call, each of which must reach that filter.  Dies 125 on a miss.
 */
void hostprobe_check(const struct minos_config *cfg);

/* A container's descriptor limit above the hard limit, which minos-exec
 * may not raise: the default is lowered to the hard limit (said once on
 * standard error); one that was given (lim->fds_set) dies 125 with one
 * line (where: a policy's position and container, or NULL: --fds). */
void hostprobe_fit_fds(struct minos_limits *lim, const char *where);

/* CAP_SYS_PTRACE: may minos-exec take descriptors from a container whose
 * user it changed (a non-dumpable process)? */
bool hostprobe_can_trace_other_users(void);

/* Containers run without namespaces because the host cannot make them:
 * said once on standard error (why: the failed step and its error). */
void hostprobe_no_namespaces(const char *why);
/* No empty root directory could be made (no writable /run, TMPDIR, /tmp
 * or /dev/shm): containers run in their namespaces without it; said once. */
void hostprobe_no_empty_root(void);
/* ... and the report says so: true once that happened. */
bool hostprobe_namespaces_lost(void);

#endif
