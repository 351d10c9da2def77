/* SPDX-License-Identifier: MIT */
/*
 * enforce.h - limits the supervisor enforces itself, beside the kernel's
 * rlimits: CPU time to the millisecond (a POSIX timer on each container's
 * CPU clock), and what ended a container when a limit did (the CPU timer,
 * the RLIMIT_CPU backstop, the output relay of stdfds.c).
 */
#ifndef MINOS_ENFORCE_H
#define MINOS_ENFORCE_H

#include <sys/resource.h>

#include "ctab.h"

/* The signal the CPU timers deliver (SIGRTMIN); the loop blocks it and
 * reads it from its signalfd. */
int enforce_cpu_signal(void);

/* Arm c's CPU timer: it fires when c's CPU clock (all its threads, since
 * its clone) reaches c->lim->cpu_ms.  Without a timer (the kernel refused
 * one) the RLIMIT_CPU backstop ends it up to a second later. */
void enforce_cpu_arm(struct container *c);

/*
 * A CPU timer signal came with value id: the container it names, if it is
 * alive and its CPU clock really is at its limit (a stray signal from
 * outside ends nothing), or NULL.  Records the clock for the report.
 */
struct container *enforce_cpu_due(int id);
/* Has c spent its CPU time limit (unreadable: yes)?  A SIGXCPU that says
 * the kernel sent it is the limit only then: a restore file can carry a
 * forged one (RT4-2). */
bool enforce_cpu_spent(const struct container *c);

/*
 * c's leader was reaped with status and ru: disarm its timer, and if a
 * limit explains a SIGKILL (the CPU timer, the RLIMIT_CPU backstop, the
 * output relay), set c->end, c->end_sig and c->end_ms.
 */
void enforce_exit(struct container *c, int status, const struct rusage *ru);

#endif
