/* SPDX-License-Identifier: MIT */
/* wpass.c - minos_wpass: move a wfd into a child container. */
#include "minos.h"
#include "syscall_arch.h"

long minos_wpass(int wfd, int cid)
{
	return minos_syscall2(MINOS_SYS_WPASS, wfd, cid);
}
