/* SPDX-License-Identifier: MIT */
/* ckill.c - minos_ckill: end a child container and all it created. */
#include "minos.h"
#include "syscall_arch.h"

long minos_ckill(int cid)
{
	return minos_syscall1(MINOS_SYS_CKILL, cid);
}
