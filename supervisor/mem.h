/* SPDX-License-Identifier: MIT */
/* mem.h - copy-in/copy-out of container memory: the only process_vm_* user. */
#ifndef MINOS_MEM_H
#define MINOS_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Copy len bytes at the container's addr, once; 0, or -EFAULT on any short
 * copy (a bad pointer is the container's mistake, never ours). */
int mem_read(pid_t tid, uint64_t addr, void *buf, size_t len);
int mem_write(pid_t tid, uint64_t addr, const void *buf, size_t len);
/* local[i] to remote[i] for i < n (each pair the same length). */
struct iovec;
int mem_writev(pid_t tid, const struct iovec *local, const struct iovec *remote,
	       size_t n);

#endif
