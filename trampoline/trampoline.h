/* SPDX-License-Identifier: MIT */
/*
 * trampoline.h - what runs in a new container process between clone() and
 * the program: it runs in the child's copy of minos-exec, so it allocates
 * nothing and makes only async-signal-safe calls.
 */
#ifndef MINOS_TRAMPOLINE_H
#define MINOS_TRAMPOLINE_H

#include <stdbool.h>

#include "config.h"
#include "filter.h"

struct tramp_args {
	int sync_fd;    /* read end: one byte once we are seized */
	int err_fd;     /* write end: a struct tramp_err if a step fails */
	int *slots;       /* slots[k] becomes descriptor k; -1 leaves k empty */
	unsigned nslots;
	int memfd;      /* the sealed image */
	int root_fd;          /* chroot here (an empty directory), or -1 */
	bool become_root;     /* setresuid/gid(0) in the new user namespace */
	const int *ignored;   /* signals ignored in minos-exec: reset them */
	const struct filter *filter;
	const struct minos_limits *lim;
	char *const *argv;
	char *const *envp;
	bool no_randomize;    /* personality(ADDR_NO_RANDOMIZE) before the
			       * exec: a restored run's heap (brk) starts
			       * where its image says (restore.c) */
};

/* What the trampoline reports on the error pipe before it exits 125. */
struct tramp_err {
	int step;       /* enum tramp_step */
	int err;        /* errno */
	char what[64];  /* detail, e.g. which limit */
};

enum tramp_step {
	STEP_SYNC, STEP_IDS, STEP_ROOT, STEP_SETSID, STEP_FDS, STEP_SIGNALS, STEP_LIMITS,
	STEP_CAPS, STEP_NNP, STEP_FILTER, STEP_EXEC,
};

const char *tramp_step_name(int step);

_Noreturn void tramp_run(const struct tramp_args *a);

#endif
