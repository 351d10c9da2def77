/* SPDX-License-Identifier: MIT */
/*
 * rlimits.c - rlimits of a container.  Memory and descriptors are the
 * kernel's own (ENOMEM, EMFILE): --memory is RLIMIT_DATA (writable private
 * memory: heap, anonymous mappings, thread stacks; not PROT_NONE
 * reservations), --address-space RLIMIT_AS.  CPU time is the supervisor's
 * timer on the container's CPU clock (cpulimit.c); RLIMIT_CPU is only its
 * backstop, a SIGKILL one second later.  Threads are counted by the
 * supervisor (the kernel's RLIMIT_NPROC is per user, not per container);
 * wall time is the supervisor's timer.
 */
#include <errno.h>
#include <sys/resource.h>

#include "rlimits.h"

/*
 * The descriptor limit is set from outside, by the supervisor at the
 * trampoline's execveat stop: inside, the seccomp listener needs a free
 * number after 0..4 (so --fds below 6 could not start), and after the
 * filter is loaded the container cannot set limits.  The start-up
 * descriptors above the limit are close-on-exec and go with the exec.
 */
int limits_apply_fds(pid_t pid, const struct minos_limits *lim)
{
	struct rlimit r = { lim->fds, lim->fds };
	return prlimit(pid, RLIMIT_NOFILE, &r, NULL) < 0 ? -errno : 0;
}

unsigned long limits_cpu_seconds(const struct minos_limits *lim)
{
	return (unsigned long)((lim->cpu_ms + 999) / 1000) + 1;
}

static int set(int resource, rlim_t soft, rlim_t hard)
{
	struct rlimit r = { soft, hard };
	return setrlimit(resource, &r) < 0 ? -errno : 0;
}

int limits_apply(const struct minos_limits *lim, const char **which)
{
	unsigned long cpu = limits_cpu_seconds(lim);
	rlim_t as = lim->address_space ? lim->address_space : RLIM_INFINITY;
	struct {
		int resource;
		rlim_t soft, hard;
		const char *name;
	} rows[] = {
		{ RLIMIT_AS, as, as, "address space (RLIMIT_AS)" },
		{ RLIMIT_DATA, lim->memory, lim->memory, "memory (RLIMIT_DATA)" },
		/* The supervisor's CPU timer ends the container at its limit
		 * with SIGKILL; this is the backstop if it could not (no
		 * SIGXCPU first: one way of ending, whatever the program
		 * does with SIGXCPU). */
		{ RLIMIT_CPU, cpu, cpu, "CPU time (RLIMIT_CPU)" },
		/* Writing past it: SIGXFSZ (EFBIG if the program ignores it). */
		{ RLIMIT_FSIZE, lim->output ? lim->output : RLIM_INFINITY,
		  lim->output ? lim->output : RLIM_INFINITY, "output (RLIMIT_FSIZE)" },
		{ RLIMIT_CORE, 0, 0, "core dumps (RLIMIT_CORE)" },
		{ RLIMIT_MEMLOCK, 0, 0, "locked memory (RLIMIT_MEMLOCK)" },
		{ RLIMIT_MSGQUEUE, 0, 0, "message queues (RLIMIT_MSGQUEUE)" },
		{ RLIMIT_RTPRIO, 0, 0, "real-time priority (RLIMIT_RTPRIO)" },
	};
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc = set(rows[i].resource, rows[i].soft, rows[i].hard);
		if (rc < 0) {
			*which = rows[i].name;
			return rc;
		}
	}
	/* The main thread's stack (not counted by RLIMIT_DATA): at most a
	 * quarter of the memory limit. */
	struct rlimit st;
	if (getrlimit(RLIMIT_STACK, &st) == 0 &&
	    (st.rlim_cur == RLIM_INFINITY || st.rlim_cur > lim->memory)) {
		rlim_t cur = lim->memory / 4;
		int rc = set(RLIMIT_STACK, cur,
			     st.rlim_max != RLIM_INFINITY && st.rlim_max < cur ? st.rlim_max : cur);
		if (rc < 0) {
			*which = "stack (RLIMIT_STACK)";
			return rc;
		}
	}
	return 0;
}
