/* SPDX-License-Identifier: MIT */
/* restore.h - resume a saved run (--restore=FILE, issue 13). */
#ifndef MINOS_RESTORE_H
#define MINOS_RESTORE_H

#include "config.h"

/* The whole run: check FILE (exit 125 with one line if it is damaged,
 * truncated or from another kind of host), start its container, rebuild
 * it, run to the end; the exit status as run_program's. */
int run_restore(struct minos_config *cfg);

#endif
