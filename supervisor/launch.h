/* SPDX-License-Identifier: MIT */
/* launch.h - make a new container process and start tracing it. */
#ifndef MINOS_LAUNCH_H
#define MINOS_LAUNCH_H

#include "config.h"
#include "ctab.h"
#include "filter.h"

/* Refuse with 125 and a reason if this host cannot run containers. */
void host_check(void);

/* What to start. */
struct spawn_req {
	const struct minos_config *cfg;
	const struct filter *filter;
	int memfd;               /* the sealed image */
	int *slots;              /* slots[k] becomes descriptor k; -1: empty */
	unsigned nslots;
	char *const *argv;
	char *const *envp;
	const struct minos_limits *lim; /* its limits (kept: must outlive it) */
	const char *name;        /* for messages */
	struct container *parent; /* NULL for the first container */
	bool no_randomize;       /* a restore's: brk where the image ends */
};

/* Start a container.  0 with *out, or -errno (EAGAIN, ENOMEM...) with
 * the reason in err. */
int spawn_container(const struct spawn_req *rq, struct container **out,
		    char *err, size_t errlen);

/* Remove what the run left on the host (its empty root directory). */
void spawn_cleanup(void);

#endif
