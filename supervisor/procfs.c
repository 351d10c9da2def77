/* SPDX-License-Identifier: MIT */
/* procfs.c - reading a container's small /proc files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"

ssize_t proc_read(pid_t pid, const char *what, char *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, len - 1);
	int err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = '\0';
	return n;
}

bool proc_value(const char *text, const char *key, unsigned long long *v)
{
	size_t klen = strlen(key);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, key, klen) == 0)
			return sscanf(p + klen, " %llu", v) == 1;
	return false;
}

int proc_sigmasks(pid_t tid, struct proc_sigmasks *m)
{
	/* At a line's start: the first line is the thread's name, which it
	 * sets itself (PR_SET_NAME "SigCgt:ffffffff" read as every signal
	 * caught, RT5-4); the kernel escapes a newline in it. */
	static const char *const key[5] = { "\nSigPnd:", "\nShdPnd:", "\nSigCgt:",
					    "\nSigIgn:", "\nSigBlk:" };
	unsigned long long *const val[5] = { &m->pending, &m->shared, &m->caught,
					     &m->ignored, &m->blocked };
	char buf[4096];
	ssize_t n = proc_read(tid, "status", buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	memset(m, 0, sizeof(*m));
	for (int i = 0; i < 5; i++) {
		const char *p = strstr(buf, key[i]);
		if (p)
			sscanf(p + strlen(key[i]), " %llx", val[i]);
	}
	return 0;
}

int proc_syscall(pid_t tid, long *nr, unsigned long long *arg0)
{
	char buf[256];
	ssize_t n = proc_read(tid, "syscall", buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	*arg0 = 0;
	if (sscanf(buf, "%ld", nr) != 1)
		return -EAGAIN; /* "running" */
	if (*nr >= 0 && sscanf(buf, "%*s %llx", arg0) != 1)
		return -EIO;
	return 0;
}

int proc_vdso(pid_t pid, uint64_t *lo, uint64_t *hi)
{
	char path[48], line[256];
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	int rc = -ENOENT;
	while (rc && fgets(line, sizeof(line), f)) {
		unsigned long long a, b;
		if (strstr(line, "[vdso]") && sscanf(line, "%llx-%llx", &a, &b) == 2 && b > a) {
			*lo = a;
			*hi = b;
			rc = 0;
		}
	}
	fclose(f);
	return rc;
}
