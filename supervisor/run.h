/* SPDX-License-Identifier: MIT */
/* run.h - one run of minos-exec: a program, or the graph of a policy file. */
#ifndef MINOS_RUN_H
#define MINOS_RUN_H

#include "config.h"
#include "ctab.h"
#include "filter.h"

/* What every run sets up once (run.c). */
struct run {
	const struct minos_config *cfg; /* the run's: session limits */
	struct filter filter;
	long long start_ns;
};

/* Check the host, build the filter, prepare capabilities, start the loop. */
void run_setup(struct run *r, const struct minos_config *cfg);
/* Run the loop to its end; write the report (if asked) with the exit
 * status status_of gives; returns that status. */
int run_finish(struct run *r, int (*status_of)(int session_sig));

/* SPEC section 6: N, or 128 + the signal that ended c. */
int container_status(const struct container *c, int session_sig);

/* The exit status of `minos-exec PROGRAM` (run.c) and of --policy
 * (run_policy.c, which also does --check). */
int run_program(struct minos_config *cfg);
int run_policy(struct minos_config *cfg);

#endif
