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

unsigned limits_rows(const struct minos_limits *lim, const struct rlimit *stack,
		     struct limit_row rows[LIMITS_MAX])
{
	unsigned long cpu = limits_cpu_seconds(lim);
	rlim_t as = lim->address_space ? lim->address_space : RLIM_INFINITY;
	rlim_t out = lim->output ? lim->output : RLIM_INFINITY;
	const struct limit_row fixed[] = {
		{ RLIMIT_AS, as, as, "address space (RLIMIT_AS)" },
		{ RLIMIT_DATA, lim->memory, lim->memory, "memory (RLIMIT_DATA)" },
		/* The supervisor's CPU timer ends the container at its limit
		 * with SIGKILL; this is the backstop if it could not (no
		 * SIGXCPU first: one way of ending, whatever the program
		 * does with SIGXCPU). */
		{ RLIMIT_CPU, cpu, cpu, "CPU time (RLIMIT_CPU)" },
		/* Writing past it: SIGXFSZ (EFBIG if the program ignores it). */
		{ RLIMIT_FSIZE, out, out, "output (RLIMIT_FSIZE)" },
		{ RLIMIT_CORE, 0, 0, "core dumps (RLIMIT_CORE)" },
		{ RLIMIT_MEMLOCK, 0, 0, "locked memory (RLIMIT_MEMLOCK)" },
		{ RLIMIT_MSGQUEUE, 0, 0, "message queues (RLIMIT_MSGQUEUE)" },
		{ RLIMIT_RTPRIO, 0, 0, "real-time priority (RLIMIT_RTPRIO)" },
	};
	unsigned n = 0;
	for (; n < sizeof(fixed) / sizeof(fixed[0]); n++)
		rows[n] = fixed[n];
	/* The main thread's stack (not counted by RLIMIT_DATA): at most a
	 * quarter of the memory limit. */
	if (stack->rlim_cur == RLIM_INFINITY || stack->rlim_cur > lim->memory) {
		rlim_t cur = lim->memory / 4;
		rlim_t max = stack->rlim_max != RLIM_INFINITY && stack->rlim_max < cur
			     ? stack->rlim_max : cur;
		rows[n++] = (struct limit_row){ RLIMIT_STACK, cur, max,
						"stack (RLIMIT_STACK)" };
	}
	return n;
}
