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
#include <stdint.h>
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

/*
 * What the run gives its containers from outside, said by the code that
 * starts them (run.c, run_policy.c, restore.c) while it still holds fd:
 * a checkpoint saves a descriptor that is the same file by its role,
 * and a pipe that is none of these as a stream of the run, with its
 * bytes.  stage: the policy stage it is given to (0 outside --policy).
 *   CKPT_STD      minos-exec's standard stream role (0, 1, 2), or the
 *                 counted relay in front of it
 *   CKPT_FILE     the policy's file bound at slot role
 *   CKPT_RELAYED  a stream seen through a counted relay (an output limit
 *                 on a stream): refused, not built yet
 */
enum ckpt_outside { CKPT_STD, CKPT_FILE, CKPT_RELAYED };
void ckpt_outside(unsigned stage, enum ckpt_outside kind, unsigned role, int fd);
/* A --policy run (run_policy.c, restore.c): its stages, the SHA-256 of
 * the policy file, and the exit status of a stage's ended root (for the
 * stages that end before a checkpoint). */
void ckpt_policy(unsigned nstages, const uint8_t sha256[32],
		 int (*status_of)(const struct container *c));
/* c is the root of stage `stage`; or (c NULL: a restored run) that stage
 * ended before the checkpoint it was restored from, with status. */
void ckpt_stage(unsigned stage, const struct container *c, int status);
/* A restored run: c is a root of stage `stage`, which had ended before the
 * checkpoint, leaving c (a container its root had made) running. */
void ckpt_stage_orphan(unsigned stage, const struct container *c);
/* Outside --policy (run.c, restore.c): c is the run's first container,
 * whose status (status_of, once it has ended) is the run's; or (c NULL:
 * a restored run) it had ended before the checkpoint, with status.  A
 * checkpoint after it has ended saves that status, and the containers it
 * left as roots. */
void ckpt_first(const struct container *c, int status,
		int (*status_of)(const struct container *c));
/* SIGUSR1 or --checkpoint-at: freeze the run and save it. */
void ckpt_request(void);
/* A freeze is in progress, or one waits for the container to start. */
bool ckpt_active(void);
/* How long the loop may sleep (-1: as long as it likes; 50 ms while
 * freezing; 1 ms while a checkpoint waits for the container to start). */
int ckpt_wait_ms(void);
/* A freeze has asked t to stop (its interrupt is pending) and does not
 * hold it yet: the loop winds back a cnew t waits in for its code. */
bool ckpt_asked(const struct thread *t);
/* Is t held stopped by the freeze under way (it stops no more until the
 * freeze lets it go)? */
bool ckpt_held(const struct thread *t);
/* The loop: t has stopped where it may be held (regs: what it runs on
 * with).  True: the checkpoint holds it; the loop must not resume it. */
bool ckpt_hold(struct thread *t, const struct user_regs_struct *regs);
/* Any other stop of a thread of the run (a seccomp, syscall, clone or
 * signal-delivery stop): the kernel drops a pending interrupt at any
 * ptrace stop, so one the freeze asked for and has not held is asked
 * again, before it is resumed (RT5-5). */
void ckpt_rearm(struct thread *t);
/* The loop, at t's signal-delivery-stop, before it resumes t: a thread
 * let go to take its signal is asked to stop again, which it does once
 * its handler's frame is built, before the handler's first instruction. */
void ckpt_signalled(struct thread *t);
/* The loop, each turn while ckpt_active(): go on freezing, or save. */
enum ckpt_step ckpt_step(void);
/* How many containers the last save wrote (for the exit line). */
unsigned ckpt_saved(void);

/* Capture one container whose every live thread is held stopped (threads,
 * in the order given); fills *out (arrays malloc'ed; ckpt_free_run), its
 * pipes becoming streams of run (a pipe another container of the run
 * holds is the same stream; each stream's bytes are taken, without
 * being read, from the first read end seen).  0, or -1 with one line in
 * err saying what cannot be saved and why. */
int ckpt_capture(struct container *c, struct thread **threads, unsigned n,
		 struct ck_container *out, struct ck_run *run,
		 char *err, size_t errlen);
void ckpt_free_run(struct ck_run *run);

#endif
