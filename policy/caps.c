/* SPDX-License-Identifier: MIT */
/* caps.c - the only file that uses libcap. */
#include <errno.h>
#include <sys/capability.h>
#include <linux/securebits.h>
#include <sys/prctl.h>

#include "caps.h"

static cap_t empty;

int caps_prepare(void)
{
	empty = cap_init();
	return empty ? 0 : -errno;
}

/*
 * Capabilities go in two steps.  The locked securebits make exec grant
 * nothing to root (NOROOT) and keep setuid from touching capabilities, so
 * the bounding set does not need dropping call by call (that was 41
 * prctl calls, a tenth of a container's start); then the empty set empties
 * effective, permitted and inheritable (and so ambient) at once.
 */
#define SECURE_ALL \
	(SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP | \
	 SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED | \
	 SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED)

int caps_drop_all(void)
{
	/* EPERM: no CAP_SETPCAP, so no capabilities to lose (unprivileged,
	 * no user namespace); the empty set below still applies. */
	if (prctl(PR_SET_SECUREBITS, SECURE_ALL, 0, 0, 0) < 0 && errno != EPERM)
		return -errno;
	if (cap_set_proc(empty) < 0)
		return -errno;
	return 0;
}
