/* SPDX-License-Identifier: MIT */
/* rclose.c - minos_rclose: close an rfd. */
#include "minos.h"
#include "syscall_arch.h"

long minos_rclose(int rfd)
{
	return minos_syscall1(MINOS_SYS_RCLOSE, rfd);
}
