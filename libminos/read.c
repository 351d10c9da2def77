/* SPDX-License-Identifier: MIT */
/* read.c - minos_read: read from whichever listed rfd is ready first. */
#include "minos.h"
#include "syscall_arch.h"

long minos_read(const int *rfds, unsigned rfd_count, void *buf, size_t size,
		int *from)
{
	long second;
	long ret;

	ret = minos_syscall4_rdx(MINOS_SYS_READ, (long)rfds, rfd_count,
				 (long)buf, (long)size, &second);
	if (ret >= 0 && from) {
		/*
		 * With one rfd there is nothing to report but rfds[0]; take
		 * it from the caller rather than rdx, so that a supervisor
		 * that serves the call as a plain Linux read (which leaves
		 * the size in rdx) still gives the right answer.
		 */
		*from = rfd_count == 1 ? rfds[0] : (int)second;
	}
	return ret;
}
