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

#endif
