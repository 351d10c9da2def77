/* SPDX-License-Identifier: MIT */
/*
 * report.h - --report: what happened to each container, as JSON
 * (minos-exec(1), REPORT).  Collected only when a report was asked for.
 */
#ifndef MINOS_REPORT_H
#define MINOS_REPORT_H

#include <stdbool.h>
#include <sys/resource.h>

#include "ctab.h"

struct refusal {
	long nr;
	bool foreign;            /* an i386 or x32 number */
	unsigned long count;
};

/* A descriptor slot a container was started with (policy stages). */
struct slot_info {
	int fd;
	char *binding;           /* "stream numbers (write)", "stdin", ... */
	int file;                /* our copy of a bound file, for its offset; or -1 */
	long long start;         /* its offset (append: its size) at the start */
};

struct cstats {
	long long start_ns, end_ns;  /* CLOCK_MONOTONIC */
	struct rusage ru;            /* of the whole thread group, at its end */
	bool io_known;               /* /proc/PID/io could be read */
	unsigned long long rchar, wchar;   /* since the program started */
	unsigned long long rchar0, wchar0; /* the trampoline's, before it */
	unsigned long long vm_peak, rss_peak; /* VmPeak, VmHWM of the program */
	char sha256[65];             /* of its image, or "" */
	char *program;               /* the host path, or NULL (a cnew image) */
	struct refusal *refused;
	unsigned nrefused;
	struct slot_info *slots;
	unsigned nslots;
};

/* Attach an empty record to c (dies if out of memory). */
struct cstats *stats_attach(struct container *c);
/* Read what the kernel counts for c while it still exists: /proc/PID/io
 * (rchar, wchar) and VmPeak.  Call at each thread's exit stop and before
 * the sandbox kills it. */
void stats_sample(struct container *c);
/* Its program is about to start (the trampoline's execveat): what the
 * kernel counted so far was the trampoline's, not the program's. */
void stats_program_starts(struct container *c);
void stats_refused(struct container *c, long nr, bool foreign);

/*
 * Write the report of every container of the run to file ("-": standard
 * error), with status, minos-exec's exit status, and session_sig, a
 * signal that ended the run (or 0).  0, or -1 with a reason in err.
 */
int report_write(const char *file, int status, int session_sig,
		 long long run_ns, char *err, size_t errlen);

#endif
