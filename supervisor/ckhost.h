/* SPDX-License-Identifier: MIT */
/*
 * ckhost.h - the facts of a host that a checkpoint depends on: what the
 * file records of the host that wrote it, and what a restore compares
 * with the host it runs on (minos(7), Checkpoint files).
 */
#ifndef MINOS_CKHOST_H
#define MINOS_CKHOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ckstate.h"

/* This host's facts (struct ck_host in ckstate.h): uname, sysconf,
 * CPUID, XGETBV, the sizes of [vdso] and [vvar] in /proc/self/maps, and
 * ck_syscalls_sha256().  0, or -1 with a reason in err. */
int ck_host_facts(struct ck_host *h, char *err, size_t errlen);

/* The lowest address this host lets a process map
 * (/proc/sys/vm/mmap_min_addr); 65536, the usual default, when that
 * cannot be read. */
uint64_t ck_host_mmap_min(void);

/* SHA-256 of the system call table this minos-exec was built with: every
 * row of policy/syscalls.def as its text, with each call's number.
 * Pure. */
void ck_syscalls_sha256(uint8_t out[32]);

/*
 * May a run saved on host `file` resume on host `here`?  Page size
 * CK_PAGE on both; every xcr0 bit and every CPUID feature bit of `file`
 * also in `here`; an xstate size here at least the file's; equal vDSO
 * and vvar sizes and syscalls.def hash.  The kernel release may differ.
 * True, or false
 * with every difference in one line in why ("xcr0 0xe7 in the file, 0x7
 * here (missing 0xe0); CPUID 7 ebx bits 0x20 missing here").  Pure.
 */
bool ck_host_check(const struct ck_host *file, const struct ck_host *here,
		   char *why, size_t whylen);

#endif
