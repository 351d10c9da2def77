/* SPDX-License-Identifier: MIT */
/* run.h - one run of minos-exec: a program, or the graph of a policy file. */
#ifndef MINOS_RUN_H
#define MINOS_RUN_H

#include <stddef.h>
#include <stdint.h>

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
 * status (128 + a signal that ended the run, else what status_of gives);
 * returns that status. */
int run_finish(struct run *r, int (*status_of)(void));

/* SPEC section 6: N, or 128 + the signal that ended c. */
int container_status(const struct container *c);

/* The exit status of `minos-exec PROGRAM` (run.c) and of --policy
 * (run_policy.c, which also does --check). */
int run_program(struct minos_config *cfg);
int run_policy(struct minos_config *cfg);

/* For --restore of a run saved from --policy (restore.c; run_policy.c).
 * run_policy_read: the policy file read and checked as run_policy reads
 * it (125 and one line if it cannot be), its SHA-256, the directory its
 * relative paths start from (malloc'd), the session's configuration.
 * run_policy_stages: tell a checkpoint the stages (run_setup first).
 * run_policy_reopen: stage i's file of slot k opened again at off as the
 * saved run had it (never created or truncated anew; a written one is
 * cut back to off); -1 and one line in err. */
struct policy;
struct policy *run_policy_read(struct minos_config *cfg, uint8_t sha[32], char **dir,
			       struct minos_config *session);
void run_policy_stages(const struct policy *p, const uint8_t sha[32]);
int run_policy_reopen(const struct policy *p, const char *dir, unsigned i, unsigned k,
		      uint64_t off, char *err, size_t errlen);

#endif
