/* SPDX-License-Identifier: MIT */
/* pipe.c - minos_pipe: make a stream; rax = its wfd, rdx = its rfd. */
#include "minos.h"
#include "syscall_arch.h"

long minos_pipe(int *wfd, int *rfd)
{
	long second;
	long ret;

	ret = minos_syscall4_rdx(MINOS_SYS_PIPE, 0, 0, 0, 0, &second);
	if (ret >= 0) {
		if (wfd)
			*wfd = (int)ret;
		if (rfd)
			*rfd = (int)second;
	}
	return ret;
}
