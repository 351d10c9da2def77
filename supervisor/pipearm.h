/* SPDX-License-Identifier: MIT */
/* pipearm.h - the registers of an armed Minos pipe a stop broke (loop.c);
 * pure, for t/unit/test-pipearm. */
#ifndef MINOS_PIPEARM_H
#define MINOS_PIPEARM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/user.h>

#include "../libminos/minos.h"
#include "../policy/filter.h"

/*
 * An armed pipe is a Minos pipe rewritten at its seccomp stop into the
 * private install call (sys_pipe), made at the syscall instruction just
 * before entry_rip.  A stop that broke its notification wait finds the
 * thread in one of two states, and either must restart the Minos pipe
 * itself (the private call made again would be answered ENOSYS, as to a
 * container that makes it of its own):
 *   - at the call's end: orig_rax the private number, rax a restart code;
 *     the kernel puts orig_rax back in rax on its way out;
 *   - wound back already: the wait broke with nothing to deliver (a
 *     pending interrupt of ours that another stop took), so the kernel
 *     restarted the call unseen (rax the private number again, rip on
 *     the syscall instruction), and an interrupt or a signal stopped the
 *     thread before it got back to the instruction (orig_rax still the
 *     private number; -1 from user mode, at the instruction itself).
 * Returns true if regs were changed.
 */
static inline bool pipe_unarm_regs(uint64_t entry_rip, struct user_regs_struct *r)
{
	bool changed = false;
	if (r->orig_rax == MINOS_PRIV_INSTALL) {
		r->orig_rax = MINOS_SYS_PIPE;
		changed = true;
	}
	if (r->rax == MINOS_PRIV_INSTALL && r->rip == entry_rip - 2) {
		r->rax = MINOS_SYS_PIPE;
		changed = true;
	}
	return changed;
}

#endif
