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
	bool counted[3];    /* 1, 2: relayed to count against --output */
	pthread_t count_relay[3];
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
 * --output=SIZE on a stream, after stdio_prepare: a stdout or stderr that
 * is not a regular file (RLIMIT_FSIZE bounds those) is relayed through a
 * pipe and counted; past limit bytes nothing more gets through, the rest
 * is drained and dropped, and the first container is killed.  limit 0: no
 * change at all.
 */
void stdio_count_output(struct stdio_plan *p, unsigned long long limit);
/* After the spawn: the first container's pidfd, for the counted relays
 * to end it (they use a dup). */
void stdio_count_target(struct stdio_plan *p, int pidfd);
/* Did a counted relay reach the limit? */
bool stdio_output_exceeded(void);
/* At the end, after stdio_finish: wait for the counted relays. */
void stdio_count_finish(struct stdio_plan *p);

#endif
