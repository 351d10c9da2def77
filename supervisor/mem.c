/* SPDX-License-Identifier: MIT */
/* mem.c - the only file that touches a container's memory. */
#include <errno.h>
#include <sys/uio.h>

#include "mem.h"

int mem_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	if (len == 0)
		return 0;
	if (addr + len < addr)
		return -EFAULT;
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
	if (n < 0 && errno == ESRCH)
		return -ESRCH;
	return n == (ssize_t)len ? 0 : -EFAULT;
}

int mem_write(pid_t tid, uint64_t addr, const void *buf, size_t len)
{
	if (len == 0)
		return 0;
	if (addr + len < addr)
		return -EFAULT;
	struct iovec local = { (void *)(uintptr_t)buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_writev(tid, &local, 1, &remote, 1, 0);
	if (n < 0 && errno == ESRCH)
		return -ESRCH;
	return n == (ssize_t)len ? 0 : -EFAULT;
}

/* Many pieces at once (restore: a container's saved pages), IOV_MAX at a
 * time; every byte or -EFAULT. */
int mem_writev(pid_t tid, const struct iovec *local, const struct iovec *remote,
	       size_t n)
{
	while (n) {
		size_t k = n < 1024 ? n : 1024, want = 0;
		for (size_t i = 0; i < k; i++)
			want += local[i].iov_len;
		ssize_t got = process_vm_writev(tid, local, k, remote, k, 0);
		if (got < 0 && errno == ESRCH)
			return -ESRCH;
		if (got != (ssize_t)want)
			return -EFAULT;
		local += k;
		remote += k;
		n -= k;
	}
	return 0;
}
