/* SPDX-License-Identifier: MIT */
/*
 * enforce.c - CPU time to the millisecond, and what ended a container.
 *
 * RLIMIT_CPU counts whole seconds.  Each container gets a POSIX timer on
 * its process CPU clock (clock_getcpuclockid, timer_create on another
 * process: allowed for a thread-group leader), armed at the limit, with
 * SIGEV_SIGNAL to minos-exec; the kernel checks CPU timers at every tick,
 * so the container is ended within a tick or two of CPU past its limit.
 * The loop reads the signal from its signalfd and sends SIGKILL: one way
 * of ending (status 137, ended_by "cpu-time"), whatever the program does
 * with SIGXCPU.  RLIMIT_CPU stays as the backstop, a second later.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "enforce.h"
#include "log.h"
#include "report.h"
#include "stdfds.h"

int enforce_cpu_signal(void)
{
	return SIGRTMIN;
}

static long long tv_ns(const struct timeval *tv)
{
	return tv->tv_sec * 1000000000LL + tv->tv_usec * 1000LL;
}

void enforce_cpu_arm(struct container *c)
{
	static bool said;
	clockid_t clock;
	struct sigevent sev = {
		.sigev_notify = SIGEV_SIGNAL,
		.sigev_signo = enforce_cpu_signal(),
		.sigev_value.sival_int = c->id,
	};
	long long ns = (long long)c->lim->cpu_ms * 1000000LL;
	struct itimerspec its = {
		.it_value.tv_sec = (time_t)(ns / 1000000000LL),
		.it_value.tv_nsec = (long)(ns % 1000000000LL),
	};
	int e = clock_getcpuclockid(c->pid, &clock);
	if (e == 0 && timer_create(clock, &sev, &c->cpu_timer) < 0)
		e = errno;
	if (e == 0 && timer_settime(c->cpu_timer, TIMER_ABSTIME, &its, NULL) < 0) {
		e = errno;
		timer_delete(c->cpu_timer);
	}
	c->cpu_timer_armed = e == 0;
	if (e && !said) {
		said = true;
		msg("container %d (%s): no CPU timer (%s): the CPU time limit "
		    "is enforced in whole seconds (RLIMIT_CPU)",
		    c->id, c->name, strerror(e));
	}
}

/* c's CPU time so far, ns, or -1. */
static long long cpu_now(const struct container *c)
{
	clockid_t clock;
	struct timespec ts;
	if (clock_getcpuclockid(c->pid, &clock) != 0 ||
	    clock_gettime(clock, &ts) < 0)
		return -1;
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

bool enforce_cpu_spent(const struct container *c)
{
	long long ns = cpu_now(c);
	return ns < 0 || ns >= (long long)c->lim->cpu_ms * 1000000LL;
}

struct container *enforce_cpu_due(int id)
{
	CTAB_FOREACH(c) {
		if (c->id != id)
			continue;
		/* Starting or running: a limit of a millisecond or two can
		 * run out before the program starts. */
		if (!ctab_counts(c))
			return NULL;
		long long ns = cpu_now(c);
		if (ns < (long long)c->lim->cpu_ms * 1000000LL)
			return NULL;
		if (c->stats && ns > c->stats->cpu_end_ns)
			c->stats->cpu_end_ns = ns;
		return c;
	}
	return NULL;
}

void enforce_exit(struct container *c, int status, const struct rusage *ru)
{
	if (c->cpu_timer_armed) {
		timer_delete(c->cpu_timer);
		c->cpu_timer_armed = false;
	}
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		return;
	long long cpu = tv_ns(&ru->ru_utime) + tv_ns(&ru->ru_stime);
	if (c->end == END_CPU) {
		c->end_sig = SIGKILL;
		return;
	}
	if (c->end != END_NONE)
		return;
	/* The RLIMIT_CPU backstop (no timer, or it came late). */
	if (cpu >= (long long)c->lim->cpu_ms * 1000000LL) {
		c->end = END_CPU;
		c->end_sig = SIGKILL;
		c->end_ms = c->lim->cpu_ms;
		return;
	}
	/* A counted relay of its stdout, stderr or streams (stdfds.c). */
	if (stdio_output_exceeded_by(c->id)) {
		c->end = END_OUTPUT;
		c->end_sig = SIGKILL;
	}
}
