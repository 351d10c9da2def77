/* SPDX-License-Identifier: MIT */
/* caps.c - the only file that uses libcap. */
#include <errno.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "caps.h"

static cap_t empty;

int caps_prepare(void)
{
	empty = cap_init();
	return empty ? 0 : -errno;
}

int caps_drop_all(void)
{
	/* The bounding set first: dropping it needs CAP_SETPCAP, which the
	 * process still has in its own user namespace. */
	for (cap_value_t cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (cap_drop_bound(cap) < 0 && errno != EINVAL && errno != EPERM)
			return -errno;
	if (cap_reset_ambient() < 0 && errno != EINVAL)
		return -errno;
	if (cap_set_proc(empty) < 0)
		return -errno;
	return 0;
}
