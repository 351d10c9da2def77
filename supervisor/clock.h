/* SPDX-License-Identifier: MIT */
/* clock.h - the supervisor's one clock, for the loop and the report. */
#ifndef MINOS_CLOCK_H
#define MINOS_CLOCK_H

#include <time.h>

/* CLOCK_MONOTONIC in nanoseconds: the clock of every deadline and of the
 * report's durations. */
static inline long long mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#endif
