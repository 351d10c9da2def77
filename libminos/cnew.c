/* SPDX-License-Identifier: MIT */
/* cnew.c - minos_cnew: start a child container from a code stream. */
#include "minos.h"
#include "syscall_arch.h"

long minos_cnew(int code_rfd, const int *fds, unsigned rfd_count,
		unsigned wfd_count, unsigned long arch)
{
	return minos_syscall5(MINOS_SYS_CNEW, code_rfd, (long)fds, rfd_count,
			      wfd_count, (long)arch);
}
