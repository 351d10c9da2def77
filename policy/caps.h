/* SPDX-License-Identifier: MIT */
/* caps.h - capabilities: every libcap call of minos. */
#ifndef MINOS_CAPS_H
#define MINOS_CAPS_H

/* In minos-exec, before any clone: prepare the empty set.  0 or -errno. */
int caps_prepare(void);
/* In the new container process: drop every capability (effective,
 * permitted, inheritable, ambient, bounding).  No allocation.  0 or -errno. */
int caps_drop_all(void);

#endif
