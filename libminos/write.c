/* SPDX-License-Identifier: MIT */
/* write.c - minos_write: write up to size bytes to a wfd. */
#include "minos.h"
#include "syscall_arch.h"

long minos_write(int wfd, const void *buf, size_t size)
{
	return minos_syscall3(MINOS_SYS_WRITE, wfd, (long)buf, (long)size);
}
