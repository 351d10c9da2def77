/* SPDX-License-Identifier: MIT */
/* loop.h - the supervisor's event loop. */
#ifndef MINOS_LOOP_H
#define MINOS_LOOP_H

#include "clock.h"
#include "config.h"
#include "ctab.h"

struct loop_result {
	int first_status;    /* wait status of the first container */
	enum cend first_end; /* why the sandbox ended it, if it did */
	int first_sig;       /* the signal it is reported as ended by */
	int session_sig;     /* a signal that ended the whole session, or 0 */
	unsigned checkpointed; /* containers saved (--checkpoint): the run
				* ended there, status 0 */
};

/* Block the loop's signals and make the epoll set; before any spawn. */
void loop_init(const struct minos_config *cfg);
/* Start the wall-time clock (--wall-time), once the first container runs. */
void loop_start_clock(void);

/* Run until every container has ended. */
struct loop_result loop_run(void);

#endif
