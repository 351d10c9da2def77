/* SPDX-License-Identifier: MIT */
/* rpass.c - minos_rpass: move an rfd into a child container. */
#include "minos.h"
#include "syscall_arch.h"

long minos_rpass(int rfd, int cid)
{
	return minos_syscall2(MINOS_SYS_RPASS, rfd, cid);
}
