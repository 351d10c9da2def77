/* SPDX-License-Identifier: MIT */
/* sys_fd.h - private objects and leaving epoll sets (sys_fd.c). */
#ifndef MINOS_SYS_FD_H
#define MINOS_SYS_FD_H

#include <stdbool.h>
#include <stdint.h>

#include "ctab.h"

/* Is number num of c a private object (epoll, eventfd, timerfd)?  The
 * Minos calls that use a descriptor without a direction test ask this:
 * true means EBADF.  Costs nothing in a container that never made one. */
bool sys_fd_private(struct container *c, int64_t num);

/* c has made a private object (or a restore made them for it): from now
 * on sys_fd_private() looks.  0 or -ENOMEM. */
int sys_fd_made_private(struct container *c);

/* Are all n of these (our copies of rfds) non-blocking?  Then a Minos
 * read of them that finds none ready is EAGAIN (SPEC 4, fcntl). */
bool sys_fd_nonblocking(const int *copies, unsigned n);

/* Descriptor num of c, whose file our copy is, is leaving c (cnew, wpass,
 * rpass): take it out of every epoll set of c, so that c never hears of
 * it again.  Call before the close in c. */
void sys_epoll_forget(struct container *c, int num, int copy);

#endif
