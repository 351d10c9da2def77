/* SPDX-License-Identifier: MIT */
/*
 * guest.h - shared by the test guests in t/guests: print a result the way
 * t/probe does, as a decimal number or -ENAME, so that bats can compare
 * whole lines.
 */
#ifndef GUEST_H
#define GUEST_H

#include <errno.h>
#include <stdio.h>

static const struct {
	int nr;
	const char *name;
} guest_errnos[] = {
#define E(name) { name, #name }
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(EBUSY), E(EEXIST), E(EINVAL), E(ENFILE), E(EMFILE),
	E(ENOSPC), E(EPIPE), E(ERANGE), E(ENOSYS), E(ENOTSUP),
#undef E
};

/* r as `N` (r >= 0) or `-ENAME`; buf must hold 32 bytes. */
static inline const char *guest_result(long r, char *buf)
{
	size_t i;

	if (r >= 0 || r < -4095) {
		snprintf(buf, 32, "%ld", r);
		return buf;
	}
	for (i = 0; i < sizeof(guest_errnos) / sizeof(guest_errnos[0]); i++)
		if (guest_errnos[i].nr == -r) {
			snprintf(buf, 32, "-%s", guest_errnos[i].name);
			return buf;
		}
	snprintf(buf, 32, "-E%ld", -r);
	return buf;
}

#endif /* GUEST_H */
