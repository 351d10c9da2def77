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

/* The report's schema: 2 added verdict, message, memory_limit_hit,
 * data_bytes, and a report in every case (minos-exec(1), REPORT). */
#define MINOS_REPORT_VERSION 2

#define REFUSED_MAX   512  /* distinct numbers a report names, per container */
#define REFUSED_SLOTS 1024 /* their hash index: twice as many, a power of two */

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
	unsigned long long vm_data;  /* VmData (what RLIMIT_DATA counts), last seen */
	bool mem_refused;            /* a watched mmap/mremap was refused by the limit */
	long long cpu_end_ns;        /* its CPU clock when the CPU timer ended it */
	char sha256[65];             /* of its image, or "" */
	char *program;               /* the host path, or NULL (a cnew image) */
	/* Refused calls by number, in the order first seen: at most
	 * REFUSED_MAX numbers (then "other"), found through a hash index. */
	struct refusal *refused;
	unsigned nrefused;
	unsigned short *refused_index; /* REFUSED_SLOTS entries: position + 1 */
	unsigned long refused_other;   /* calls of numbers beyond REFUSED_MAX */
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
/* A watched mmap of c failed with ENOMEM (the memory verdict). */
void stats_memory_refused(struct container *c, uint64_t len);
void stats_memory_hit(struct container *c);

/* The report's verdicts (minos-exec(1), REPORT). */
enum verdict { V_OK, V_RE, V_SG, V_TO, V_ML, V_OL, V_XX };
const char *verdict_name(enum verdict v);
enum verdict container_verdict(const struct container *c);
/* Did the memory limit refuse c an allocation?  (minos.7 says how exact.) */
bool memory_limit_hit(const struct container *c);
/* The one line minos-exec says of how c ended ("container 1 (a): ..."). */
void container_message(const struct container *c, char *buf, size_t len);

/*
 * Open the report file (or take stderr for "-") before anything runs, so
 * an unwritable path fails early: 0, or -1 with a reason in err.  Then
 * every die() writes the report too (verdict XX, with its message).
 * program: PROGRAM as given, or NULL (--policy).
 */
int report_open(const char *file, const char *program, char *err, size_t errlen);

/*
 * Write the report of every container of the run to the file report_open
 * opened, with status, minos-exec's exit status, and session_sig, a signal
 * that ended the run (or 0).  0, or -1 with a reason in err.
 */
int report_write(const char *file, int status, int session_sig,
		 long long run_ns, char *err, size_t errlen);

#endif
