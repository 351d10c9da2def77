/* SPDX-License-Identifier: MIT */
/* wclose.c - minos_wclose: close a wfd. */
#include "minos.h"
#include "syscall_arch.h"

long minos_wclose(int wfd)
{
	return minos_syscall1(MINOS_SYS_WCLOSE, wfd);
}
