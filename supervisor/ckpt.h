/* SPDX-License-Identifier: MIT */
/*
 * ckpt.h - save a run (--checkpoint, issue 13): freeze every thread of the
 * run, capture it into the model (ckstate.h), write it (ckfile.h), then
 * end the run or let it go on.  Uses tracee.h (and /proc), nothing of the
 * handlers.  The loop calls these few hooks; nothing here calls the loop.
 */
#ifndef MINOS_CKPT_H
#define MINOS_CKPT_H

#include <stdbool.h>
#include <sys/user.h>

#include "config.h"
#include "ctab.h"
#include "ckstate.h"

enum ckpt_step {
	CKPT_IDLE,    /* nothing asked, or still freezing */
	CKPT_ENDED,   /* saved: the caller ends the run (it exits 0) */
	CKPT_ON,      /* saved (--leave-running), or refused: the run goes on */
};

/* Once, before any container runs. */
void ckpt_init(const struct minos_config *cfg);
/* SIGUSR1 or --checkpoint-at: freeze the run and save it. */
void ckpt_request(void);
/* A freeze is in progress, or one waits for the container to start. */
bool ckpt_active(void);
/* How long the loop may sleep (-1: as long as it likes; 50 ms while
 * freezing; 1 ms while a checkpoint waits for the container to start). */
int ckpt_wait_ms(void);
/* The loop: t has stopped where it may be held (regs: what it runs on
 * with).  True: the checkpoint holds it; the loop must not resume it. */
bool ckpt_hold(struct thread *t, const struct user_regs_struct *regs);
/* The loop, at t's signal-delivery-stop, before it resumes t: a thread
 * let go to take its signal is asked to stop again, which it does once
 * its handler's frame is built, before the handler's first instruction. */
void ckpt_signalled(struct thread *t);
/* The loop, each turn while ckpt_active(): go on freezing, or save. */
enum ckpt_step ckpt_step(void);
/* How many containers the last save wrote (for the exit line). */
unsigned ckpt_saved(void);

/* Capture one container whose every live thread is held stopped (threads,
 * in the order given); fills *out (arrays malloc'ed; ckpt_free_container).
 * 0, or -1 with one line in err saying what cannot be saved and why. */
int ckpt_capture(struct container *c, struct thread **threads, unsigned n,
		 struct ck_container *out, struct ck_run *run,
		 char *err, size_t errlen);
void ckpt_free_run(struct ck_run *run);

#endif
