/* SPDX-License-Identifier: MIT */
/* stdfds.h - minos-exec's stdin/stdout/stderr as the first container's 0/1/2. */
#ifndef MINOS_STDFDS_H
#define MINOS_STDFDS_H

#include <pthread.h>
#include <stdbool.h>

struct stdio_plan {
	int fd[3];          /* what the container gets at 0, 1, 2 */
	bool ours[3];       /* fd[i] is ours to close after the spawn */
	bool relayed[3];
	int relay_peer[3];  /* our end of a relay pipe */
	pthread_t relay[3];
	/* --output on a stream (stdfds.c, "counted relays") */
	struct count_relay *count[3]; /* 1, 2: counted against --output */
};

/* First thing in main: a closed 0, 1 or 2 becomes /dev/null (read-only for
 * 0, write-only for 1 and 2), before any descriptor of ours takes its
 * number. */
void stdio_fill_closed(void);

/* Decide, for each of 0, 1, 2: pass it as it is (already strictly
 * read-only / write-only), reopen it that way (a terminal, a file opened
 * read-write), relay it through a pipe (a socket), or /dev/null (closed). */
void stdio_prepare(struct stdio_plan *p);
/* After the spawn: close what the container now holds alone. */
void stdio_after_spawn(struct stdio_plan *p);
/* At the end: wait until relayed output is written out. */
void stdio_finish(struct stdio_plan *p);

/*
 * Output limits on streams (counted relays): the kernel bounds a regular
 * file (RLIMIT_FSIZE), not a pipe, a socket or a terminal.
 *
 * stdio_relay_counted: a pipe whose write end (*write_end) a container
 * gets; a thread moves what comes into to (which it owns and closes when
 * the pipe's writers are gone), at most limit bytes; past them nothing
 * more gets through, the rest is drained and dropped, and the target is
 * killed.  stdio_relay_target: the container to kill (its pidfd, dup'ed,
 * and its id).  stdio_output_exceeded_by(id): did a relay of container id
 * reach its limit?  stdio_relays_finish: at the end, once every container
 * has ended, wait for every relay.
 */
struct count_relay;
struct count_relay *stdio_relay_counted(int to, unsigned long long limit,
					int *write_end);
void stdio_relay_target(struct count_relay *r, int pidfd, int id);
bool stdio_output_exceeded_by(int id);
void stdio_relays_finish(void);
/* For a descriptor fd a container is about to get: with a limit and fd
 * not a regular file, a counted relay into (a dup of) fd, whose write end
 * is returned (ours to close after the spawn) and *r set; else fd, *r
 * NULL. */
int stdio_count_slot(int fd, unsigned long long limit, struct count_relay **r);

/* --output=SIZE for minos-exec's stdout and stderr, after stdio_prepare:
 * each one that is not a regular file gets a counted relay (limit 0:
 * nothing changes at all); after the spawn, stdio_count_target names the
 * container they end. */
void stdio_count_output(struct stdio_plan *p, unsigned long long limit);
void stdio_count_target(struct stdio_plan *p, int pidfd, int id);

#endif
