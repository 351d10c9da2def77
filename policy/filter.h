/* SPDX-License-Identifier: MIT */
/* filter.h - the seccomp filter, built once per run from syscalls.def. */
#ifndef MINOS_FILTER_H
#define MINOS_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>

/*
 * A private call number, never part of the ABI: the supervisor rewrites a
 * traced Minos call into it when descriptors must be installed in the
 * caller; the filter sends it to the seccomp listener, where the supervisor
 * uses SECCOMP_IOCTL_NOTIF_ADDFD.  A container that makes this call itself
 * gets ENOSYS (the supervisor knows which threads it rewrote).
 */
#define MINOS_PRIV_INSTALL 0x44ff

/* SECCOMP_RET_DATA of a trace stop: why the call stopped. */
enum filter_why {
	FILTER_HANDLE = 0,       /* a TRACE row: run its handler */
	FILTER_REFUSED_NOSYS = 1, /* --trace only: not in the table */
	FILTER_REFUSED_PERM = 2,  /* --trace only: listed, outside its allowed form */
	FILTER_FOREIGN_ARCH = 3,  /* --trace only: i386 or x32 entry */
	FILTER_MEMORY = 4,        /* watch_memory only: an allowed mmap (or
				   * mprotect to writable) of at least
				   * FILTER_MMAP_WATCH bytes */
};

/* The smallest mmap the memory watch stops on (1 MiB). */
#define FILTER_MMAP_WATCH (1UL << 20)

/* mseal (Linux 6.10; the C library may not name it yet): syscalls.def
 * lists it as 462 too. */
#define FILTER_MSEAL_NR 462

struct filter {
	struct sock_filter *insns;
	unsigned short len;
	/* The run's key to close_range and mseal, random (0: none could be
	 * drawn).  The filter allows close_range(first, last, 0) and
	 * mseal(addr, len, 0) only with the key in their sixth argument (r9,
	 * which neither call reads): the supervisor's own, injected.  No
	 * container ever holds the key: after a close_range the thread's
	 * registers are put back before it runs again; a cnew child's mseal
	 * returns through the vDSO's epilogue, which zeroes r9 before the
	 * program's first instruction (tracee_start_sealed).  A container's
	 * own close_range is ENOSYS, as any call not in SPEC section 4; its
	 * own mseal stops, and the supervisor answers ENOSYS. */
	uint64_t close_key;
};

/*
 * Build the filter.  With trace_refusals, refused calls stop in the
 * supervisor (so --trace can report them) instead of failing in-kernel.
 * Returns 0, or -1 with a reason in err.
 */
int filter_build(bool trace_refusals, struct filter *out, char *err, size_t errlen);
/*
 * The same; with watch_memory, an allowed mmap (or an mprotect that makes
 * memory writable) of FILTER_MMAP_WATCH bytes or more stops too
 * (FILTER_MEMORY), so the supervisor can see whether the memory limit
 * refused it (--report's memory verdict).  Smaller calls and
 * every other memory call stay in-kernel.
 */
int filter_build_watch(bool trace_refusals, bool watch_memory,
		       struct filter *out, char *err, size_t errlen);
/*
 * The same; without note_tid, set_tid_address runs in-kernel instead of
 * stopping (its address is needed only by a checkpoint: a run that can
 * never be saved, one without --checkpoint, saves every program's start
 * that stop).
 */
int filter_build_run(bool trace_refusals, bool watch_memory, bool note_tid,
		     struct filter *out, char *err, size_t errlen);
void filter_free(struct filter *f);

/* How many arguments a listed call takes; 6 for any other. */
int filter_call_nargs(long nr);
/* Human name of a call number ("openat", "minos_pipe"), or NULL. */
const char *filter_call_name(long nr);
/* Name of a call refused as foreign: "i386 getpid", "x32 socket", or NULL. */
const char *filter_foreign_name(long nr);

#endif
