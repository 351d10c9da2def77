/* SPDX-License-Identifier: MIT */
/*
 * policy.h - policy files (minos-policy(5)): a YAML description of a graph
 * of containers joined by streams, parsed with libyaml and checked by a
 * strict schema walker of our own.
 *
 * Pure: bytes in, a checked graph or one "file:line:column: reason" out.
 * Nothing here opens a program or a bound file; the supervisor resolves
 * and opens those (supervisor/run.c) after the graph is known to be sound.
 */
#ifndef MINOS_POLICY_H
#define MINOS_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"

/* Bounds on a policy file, against hostile input (minos-policy(5)). */
#define POLICY_MAX_INPUT      (1U << 20)  /* bytes of the file */
#define POLICY_MAX_DEPTH      64          /* sequences and mappings, nested */
#define POLICY_MAX_NODES      100000      /* scalars, sequences, mappings */
#define POLICY_MAX_CONTAINERS 1024
#define POLICY_MAX_STREAMS    1024
#define POLICY_MAX_ENDS       1024        /* writers (readers) of a stream */
#define POLICY_MAX_ARGV       4096        /* argv entries of a container */
#define POLICY_MAX_ARG_BYTES  (128U << 10) /* argv + env of a container,
					    * each string with its NUL */
#define POLICY_MAX_SLOTS      (1U << 18)  /* all containers' nslots */
#define POLICY_NAME_MAX       64          /* container and stream names */

/* What one descriptor slot of a container is bound to. */
enum bind_kind {
	BIND_NONE,         /* nothing: the slot is empty */
	BIND_STDIN,        /* minos-exec's standard input (an rfd) */
	BIND_STDOUT,       /* minos-exec's standard output (a wfd) */
	BIND_STDERR,       /* minos-exec's standard error (a wfd) */
	BIND_READ,         /* the read end of a stream (an rfd) */
	BIND_WRITE,        /* the write end of a stream (a wfd) */
	BIND_FILE,         /* a host file, opened read-only or write-only */
};

/* How a BIND_FILE slot opens its file. */
enum file_mode {
	FILE_READ,         /* O_RDONLY: the file must exist (an rfd) */
	FILE_TRUNCATE,     /* O_WRONLY|O_CREAT|O_TRUNC (a wfd) */
	FILE_APPEND,       /* O_WRONLY|O_CREAT|O_APPEND (a wfd) */
	FILE_CREATE,       /* O_WRONLY|O_CREAT|O_EXCL: must not exist (a wfd) */
};

struct policy_pos {
	unsigned line, column; /* 1-based, as in messages */
};

struct policy_slot {
	enum bind_kind kind;
	unsigned stream;       /* BIND_READ, BIND_WRITE: index in streams */
	char *path;            /* BIND_FILE: as written */
	enum file_mode mode;   /* BIND_FILE */
	unsigned perm;         /* BIND_FILE, created: permission bits (0644) */
	struct policy_pos pos; /* where it is bound; 0:0 for a slot the file
				* does not bind (BIND_NONE) */
};

/* One slot bound to a stream: containers[container].slots[slot]. */
struct policy_end {
	unsigned container, slot;
};

struct policy_stream {
	char *name;
	unsigned writers, readers; /* how many slots may write / read it:
				    * exactly these many (default 1 and 1) */
	struct policy_end *writes; /* the writers' slots, in file order */
	struct policy_end *reads;  /* the readers' slots, in file order */
	struct policy_pos pos;
};

struct policy_container {
	char *name;            /* unique in the file; [A-Za-z0-9_.-]{1,64} */
	char *program;         /* host path as written ("busybox", "./gen") */
	char *resolved;        /* set by the caller (supervisor) once found,
				* printed by policy_print; NULL before;
				* malloc'd: policy_free frees it */
	char **argv;           /* NULL-terminated, argc >= 1; default: program */
	int argc;
	char **envp;           /* "NAME=value", NULL-terminated, never NULL */
	int envc;
	bool flat;             /* the image is a flat image (arch 1) */
	/*
	 * Resolved limits: the defaults given to policy_parse, then the file's
	 * "defaults:", then the container's own "limits:".  Per container:
	 * memory, cpu_ms, wall_ms (from the container's start), threads, fds,
	 * containers (live descendants it may have), image_size, output.
	 * total_memory is unused here.
	 */
	struct minos_limits lim;
	struct policy_slot *slots; /* slots[k] binds descriptor k */
	unsigned nslots;           /* highest bound slot + 1 (<= lim.fds) */
	struct policy_pos pos;
};

struct policy {
	/*
	 * Session-wide: wall_ms (whole run), containers (live containers in
	 * the run), total_memory; from policy_parse's defaults and the file's
	 * top-level "limits:".  Other fields copy the defaults.
	 */
	struct minos_limits session;
	struct policy_stream *streams;
	unsigned nstreams;
	struct policy_container *containers; /* in file order: stage order */
	unsigned ncontainers;
};

/*
 * Parse and check a policy file held in buf[0..len) (need not be
 * NUL-terminated; a NUL byte inside is an error).  file names it in
 * messages.  lim gives the defaults (the command line's limits) for both
 * the session and every container.
 *
 * Returns a policy to free with policy_free (it owns every string and
 * array in it), or NULL with one line in err:
 * "FILE:LINE:COLUMN: reason", e.g.
 *   "p.yaml:4:5: unknown key 'memroy' (did you mean 'memory'?)"
 * Every error is found before anything runs: YAML syntax, unknown and
 * duplicate keys, anchors, aliases and tags, wrong types, out-of-range
 * values, unknown streams, a stream without its writers or readers, a
 * cycle through streams, a slot at or beyond its container's fds limit,
 * two bindings of one slot.
 */
struct policy *policy_parse(const char *buf, size_t len, const char *file,
			    const struct minos_limits *lim, char *err,
			    size_t errlen);
void policy_free(struct policy *p);

/*
 * The memory all live containers of the run may reserve together: the
 * session's total_memory, or for 0 the derived total: each container of
 * the file's memory, and the largest of those for every further container
 * the session's "containers" allows (the children cnew makes inherit
 * their parent's limits).  Saturates at ULLONG_MAX.
 */
unsigned long long policy_total_memory(const struct policy *p);

/*
 * Print the resolved graph, as `minos-exec --check` does: stable text,
 * one fact per line, for people and for golden tests (minos-policy(5)).
 */
void policy_print(const struct policy *p, FILE *out);

#endif
