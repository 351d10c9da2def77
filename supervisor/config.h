/* SPDX-License-Identifier: MIT */
/* config.h - what minos-exec was asked to do; read-only once checked. */
#ifndef MINOS_CONFIG_H
#define MINOS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* Exit statuses of minos-exec itself (SPEC section 6, env(1), timeout(1)). */
enum minos_exit {
	MINOS_EXIT_FAIL = 125,       /* minos-exec failed: option, setup, host */
	MINOS_EXIT_CANNOT_RUN = 126, /* PROGRAM is not a static x86-64 program */
	MINOS_EXIT_NOT_FOUND = 127,  /* PROGRAM does not exist */
};

/* Limits; every field has a documented default (minos-exec(1)). */
struct minos_limits {
	unsigned long long memory;     /* bytes a container may commit: writable
					* private memory (RLIMIT_DATA) */
	unsigned long long address_space; /* bytes of address space per
					   * container (RLIMIT_AS); 0: none */
	unsigned long long cpu_ms;     /* CPU time per container, ms */
	unsigned long long wall_ms;    /* wall clock for the whole run, ms; 0: none */
	unsigned threads;              /* threads per container, first included */
	unsigned fds;                  /* descriptors per container */
	bool fds_set;                  /* fds was given (--fds, a policy's
					* fds), not the default: one that
					* cannot be had is an error, the
					* default is lowered to what can */
	unsigned containers;           /* live containers in the run */
	unsigned long long total_memory; /* memory all live containers may
					    * reserve together (each its
					    * memory); 0: containers x memory */
	unsigned long long image_size; /* largest code image, bytes */
	unsigned long long output;     /* bytes a container may write to a
					* file (RLIMIT_FSIZE) or to a relayed
					* stdout/stderr; 0: none */
};

#define MINOS_DEFAULT_MEMORY     (1ULL << 30)   /* 1 GiB */
#define MINOS_DEFAULT_CPU_MS     (60ULL * 1000) /* 60 s */
#define MINOS_DEFAULT_WALL_MS    0ULL           /* none */
#define MINOS_DEFAULT_THREADS    64U
#define MINOS_DEFAULT_FDS        256U  /* a 64-rfd read needs 64 open rfds */
#define MINOS_DEFAULT_CONTAINERS 64U
#define MINOS_DEFAULT_IMAGE_SIZE (64ULL << 20) /* 64 MiB */

struct minos_config {
	struct minos_limits lim;
	bool flat;          /* --flat: PROGRAM is a flat image (arch 1) */
	bool trace;         /* --trace */
	bool check;         /* --check (needs --policy) */
	bool no_namespaces; /* --no-namespaces: skip the defense-in-depth namespaces */
	bool netns;         /* --netns: a network namespace too (costs ~0.5 ms) */
	const char *report; /* --report=FILE, "-" for stderr; NULL: none */
	const char *policy; /* --policy=FILE; NULL: none */
	const char *checkpoint; /* --checkpoint=FILE; NULL: none */
	unsigned long long checkpoint_at_ms; /* --checkpoint-at: ms after the
				 * start; 0: only on SIGUSR1 */
	bool leave_running; /* --leave-running: the run goes on after saving */
	const char *restore;    /* --restore=FILE; NULL: none */
	const char *program;   /* PROGRAM as given */
	char *const *argv;     /* PROGRAM ARGS..., NULL-terminated (points into main's argv) */
	int argc;
	char **envp;           /* --env entries, NULL-terminated; never NULL */
	int envc;
};

#endif
