/* SPDX-License-Identifier: MIT */
/* test-pipearm: the registers of an armed Minos pipe a stop broke
 * (supervisor/pipearm.h) restart the Minos pipe, never the private call
 * (RT10-5: a stop after the kernel had restarted the private call left
 * rax 0x44ff at the instruction, and the pipe was answered ENOSYS). */
#include <string.h>

#include "tap.h"
#include "../../supervisor/pipearm.h"

#define E 0x40266aULL /* the armed call's rip at its stop */

static struct user_regs_struct regs(uint64_t orig, uint64_t rax, uint64_t rip)
{
	struct user_regs_struct r;
	memset(&r, 0, sizeof(r));
	r.orig_rax = orig;
	r.rax = rax;
	r.rip = rip;
	r.rdx = 7;
	return r;
}

int main(void)
{
	struct user_regs_struct r;

	/* Broken at the call's end: the kernel restarts orig_rax. */
	r = regs(MINOS_PRIV_INSTALL, (uint64_t)-512, E);
	ok(pipe_unarm_regs(E, &r), "at the call's end: changed");
	ok(r.orig_rax == MINOS_SYS_PIPE && r.rax == (uint64_t)-512 && r.rip == E,
	   "at the call's end: orig_rax is the Minos pipe, rax the restart code");

	/* The kernel restarted the private call unseen, then a stop came
	 * before the thread ran the instruction again (orig_rax kept). */
	r = regs(MINOS_PRIV_INSTALL, MINOS_PRIV_INSTALL, E - 2);
	ok(pipe_unarm_regs(E, &r), "restarted already: changed");
	ok(r.rax == MINOS_SYS_PIPE && r.rip == E - 2,
	   "restarted already: the instruction makes the Minos pipe");
	ok(r.orig_rax == MINOS_SYS_PIPE, "restarted already: orig_rax not the private call");

	/* The same stop taken from user mode at the instruction (orig_rax -1). */
	r = regs((uint64_t)-1, MINOS_PRIV_INSTALL, E - 2);
	ok(pipe_unarm_regs(E, &r), "at the instruction from user mode: changed");
	ok(r.rax == MINOS_SYS_PIPE && r.orig_rax == (uint64_t)-1 && r.rip == E - 2,
	   "at the instruction from user mode: the Minos pipe is made");

	/* Answered (the wfd in rax): nothing to restart, rax kept. */
	r = regs(MINOS_PRIV_INSTALL, 5, E);
	pipe_unarm_regs(E, &r);
	ok(r.rax == 5 && r.rip == E && r.rdx == 7, "answered: rax, rip and rdx kept");

	/* Elsewhere (a handler, another instruction): rax is not ours. */
	r = regs((uint64_t)-1, MINOS_PRIV_INSTALL, 0x500000);
	ok(!pipe_unarm_regs(E, &r), "at another instruction: unchanged");
	ok(r.rax == MINOS_PRIV_INSTALL, "at another instruction: rax kept");

	/* Not in the private call at all. */
	r = regs(MINOS_SYS_PIPE, (uint64_t)-512, E);
	ok(!pipe_unarm_regs(E, &r), "the Minos pipe itself: unchanged");
	r = regs((uint64_t)-1, 3, E - 2);
	ok(!pipe_unarm_regs(E, &r), "another number at the instruction: unchanged");
	ok(r.rax == 3, "another number at the instruction: rax kept");
	return tap_done();
}
