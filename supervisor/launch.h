/* SPDX-License-Identifier: MIT */
/* launch.h - make a new container process and start tracing it. */
#ifndef MINOS_LAUNCH_H
#define MINOS_LAUNCH_H

#include "config.h"
#include "ctab.h"
#include "filter.h"

/* Refuse with 125 and a reason if this host cannot run containers. */
void host_check(void);

/* Start PROGRAM (the sealed memfd) as a container holding stdio[0..2] at
 * 0, 1, 2.  Dies with 125 on a setup failure of ours. */
struct container *spawn_container(const struct minos_config *cfg, int memfd,
				  const struct filter *f, const int stdio[3],
				  const char *name);

/* Remove what the run left on the host (its empty root directory). */
void spawn_cleanup(void);

#endif
