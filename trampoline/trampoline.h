/* SPDX-License-Identifier: MIT */
/*
 * trampoline.h - what runs in a new container process between clone() and
 * the program.  The process shares minos-exec's memory until its exec
 * (clone CLONE_VM, as posix_spawn does): it runs on a stack of its own,
 * reads only its arguments (kept at that stack's top by the parent) and
 * what lives as long as the run, makes raw system calls only (no errno, no
 * C library lock, no sanitizer interceptor: the memory is minos-exec's),
 * and writes nothing but its own stack.
 */
#ifndef MINOS_TRAMPOLINE_H
#define MINOS_TRAMPOLINE_H

#include <stdbool.h>

#include "config.h"
#include "filter.h"
#include "rlimits.h"

struct tramp_args {
	int sync_fd;    /* read end: one byte once we are seized */
	int err_fd;     /* write end: a struct tramp_err if a step fails */
	int *slots;     /* slots[k] becomes descriptor k; -1 leaves k empty
			 * (the child's own copy, next to these arguments) */
	unsigned nslots;
	int memfd;      /* the sealed image */
	int root_fd;          /* chroot here (an empty directory), or -1 */
	bool become_root;     /* setresuid/gid(0) in the new user namespace */
	const int *reset;     /* signals not at their default in minos-exec
			       * (ignored: SIG_IGN survives exec; handled:
			       * a handler must not run here), 0-ended */
	const struct filter *filter;       /* the run's */
	struct limit_row limits[LIMITS_MAX]; /* set in this order */
	unsigned nlimits;
	char *const *argv;    /* the run's */
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

/*
 * Start a container process: clone(flags | CLONE_VM) running the
 * trampoline on the stack that ends at stack_top (16-aligned), with args
 * (which must stay put until the process has exec'd or ended); the pidfd
 * in *pidfd if flags has CLONE_PIDFD.  The new process's pid, or -errno.
 */
long tramp_start(unsigned long flags, void *stack_top, int *pidfd,
		 struct tramp_args *args);

#endif
