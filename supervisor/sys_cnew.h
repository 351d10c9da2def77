/* SPDX-License-Identifier: MIT */
/*
 * sys_cnew.h - a cnew wound back by a checkpoint (sys_cnew.c): the loop
 * winds one back, a restore gives one back the bytes it had read.
 */
#ifndef MINOS_SYS_CNEW_H
#define MINOS_SYS_CNEW_H

#include <stddef.h>

#include "ctab.h"

/* t waits in cnew for its code (T_WAIT_CODE; the loop has taken its
 * stream out of the epoll): what it has read is kept in t->code_pre
 * (with which stream it came from), the rest of the call let go, and t
 * runs on from its syscall instruction with the call's number (it makes
 * the call again).  If the bytes cannot be kept (no memory, or t holds
 * some for that number already) t stays as it was. */
void sys_cnew_rewind(struct thread *t);
/* A restore: t's next cnew on code rfd fd reads these len bytes first
 * if fd is still the stream it is now (copied; charged to t's container
 * as a pending image).  0, -ENOMEM (no room: its memory limit, or the
 * run's), -EINVAL (len 0, or t has some for fd already),
 * -EBADF (fd is not a read end of t's container). */
int sys_cnew_preload(struct thread *t, int fd, const void *bytes, size_t len);
/* t is gone: its bytes are freed, their charge given back. */
void sys_cnew_preload_drop(struct thread *t);

#endif
