/* SPDX-License-Identifier: MIT */
/*
 * test-trace.c - how --trace shows a container's strings (trace.c), as TAP:
 * every byte a container controls is escaped, a string is bounded, and one
 * that runs into an unmapped page is shown as its address.  The "container"
 * is this process (mem.c reads it through process_vm_readv like any other).
 * Then one row per decoded call: its registers and result, and the line.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "trace.h"

#include "tap.h"

static const char *quote(const char *s, size_t n, int more)
{
	static char buf[4096];
	return trace_quote(buf, sizeof(buf), s, n, more);
}

static const char *str(uint64_t addr, size_t max)
{
	static char buf[4096];
	return trace_string(buf, sizeof(buf), getpid(), addr, max);
}

#define P(s) ((uint64_t)(uintptr_t)(s))
#define U(x) ((uint64_t)(int64_t)(x))

static void lines(void)
{
	const long rdx = 4;
	const struct {
		const char *what, *name;
		long nr;
		uint64_t a[6];
		int nargs;
		long r;
		const long *rdx;
		const char *want;
	} rows[] = {
		{ "refused ", "openat", 257, { U(AT_FDCWD), P("/etc/passwd"), O_RDONLY | O_CLOEXEC }, 6, -ENOSYS, NULL,
		  "refused openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC) = -ENOSYS" },
		{ "", "open", 2, { P("/x"), O_WRONLY | O_CREAT | O_TRUNC, 0644 }, 6, 3, NULL,
		  "open(\"/x\", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 3" },
		{ "", "openat", 257, { 5, P("a"), O_RDWR | O_DIRECTORY | 0100000 | (1ULL << 40) }, 6, -ENOENT, NULL,
		  "openat(5, \"a\", O_RDWR|O_LARGEFILE|O_DIRECTORY|0x10000000000) = -ENOENT" },
		{ "", "ioctl", 16, { 1, TCGETS, 0x7ffd0000 }, 3, -ENOTTY, NULL,
		  "ioctl(1, TCGETS, 0x7ffd0000) = -ENOTTY" },
		{ "", "ioctl", 16, { 0, FIONREAD, 0 }, 3, 0, NULL, "ioctl(0, FIONREAD, 0) = 0" },
		{ "", "ioctl", 16, { 1, TIOCGWINSZ, 0 }, 3, -ENOTTY, NULL, "ioctl(1, TIOCGWINSZ, 0) = -ENOTTY" },
		{ "", "ioctl", 16, { 1, 0x12345678, 0 }, 3, -ENOTTY, NULL, "ioctl(1, 0x12345678, 0) = -ENOTTY" },
		{ "refused ", "kill", 62, { 0, SIGPIPE }, 6, -ENOSYS, NULL, "refused kill(0, SIGPIPE) = -ENOSYS" },
		{ "", "tgkill", 234, { 7, 8, 34 }, 3, 0, NULL, "tgkill(7, 8, SIGRT_2) = 0" },
		{ "", "tkill", 200, { 7, 0 }, 2, 0, NULL, "tkill(7, 0) = 0" },
		{ "", "tkill", 200, { 7, 99 }, 2, -EINVAL, NULL, "tkill(7, 99) = -EINVAL" },
		{ "", "rt_sigprocmask", 14, { SIG_SETMASK, 0, 0, 8 }, 4, 0, NULL,
		  "rt_sigprocmask(SIG_SETMASK, NULL, NULL, 8) = 0" },
		{ "", "fcntl", 72, { 3, F_SETFD, FD_CLOEXEC }, 3, 0, NULL, "fcntl(3, F_SETFD, FD_CLOEXEC) = 0" },
		{ "", "fcntl", 72, { 3, F_GETFL, 0x55 }, 3, 1, NULL, "fcntl(3, F_GETFL) = 1" },
		{ "", "fcntl", 72, { 3, F_SETFL, O_NONBLOCK }, 3, 0, NULL, "fcntl(3, F_SETFL, O_RDONLY|O_NONBLOCK) = 0" },
		{ "refused ", "fcntl", 72, { 1, F_DUPFD, 10 }, 3, -EPERM, NULL, "refused fcntl(1, F_DUPFD, 10) = -EPERM" },
		{ "", "mmap", 9, { 0, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, U(-1), 0 }, 6, 0x7f0000000000, NULL,
		  "mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 139637976727552" },
		{ "refused ", "mmap", 9, { 0x10000, 8192, 7, MAP_SHARED | MAP_FIXED, 3, 0 }, 6, -EPERM, NULL,
		  "refused mmap(0x10000, 8192, PROT_READ|PROT_WRITE|PROT_EXEC, MAP_SHARED|MAP_FIXED, 3, 0) = -EPERM" },
		{ "", "epoll_ctl", 233, { 4, EPOLL_CTL_ADD, 0, 0 }, 4, 0, NULL, "epoll_ctl(4, EPOLL_CTL_ADD, 0, NULL) = 0" },
		{ "", "timerfd_create", 283, { CLOCK_MONOTONIC, O_NONBLOCK | O_CLOEXEC }, 2, 3, NULL,
		  "timerfd_create(CLOCK_MONOTONIC, O_NONBLOCK|O_CLOEXEC) = 3" },
		{ "", "prlimit64", 302, { 0, RLIMIT_NOFILE, 0, 0x7ffd0000 }, 4, 0, NULL,
		  "prlimit64(0, RLIMIT_NOFILE, NULL, 0x7ffd0000) = 0" },
		{ "refused ", "prctl", 157, { PR_SET_SECCOMP, 2, 0, 0, 0 }, 5, -EPERM, NULL,
		  "refused prctl(PR_SET_SECCOMP, 2, 0, 0, 0) = -EPERM" },
		{ "", "newfstatat", 262, { 1, P(""), 0x7ffd0000, AT_EMPTY_PATH }, 4, 0, NULL,
		  "newfstatat(1, \"\", 0x7ffd0000, AT_EMPTY_PATH) = 0" },
		{ "", "unlinkat", 263, { U(AT_FDCWD), P("d"), AT_REMOVEDIR }, 3, -ENOSYS, NULL,
		  "unlinkat(AT_FDCWD, \"d\", AT_REMOVEDIR) = -ENOSYS" },
		{ "", "pipe2", 293, { 0x7ffd0000, 0 }, 2, 0, NULL, "pipe2(0x7ffd0000, 0) = 0" },
		{ "", "dup3", 292, { 1, 2, O_CLOEXEC }, 3, -ENOSYS, NULL, "dup3(1, 2, O_CLOEXEC) = -ENOSYS" },
		{ "", "getpeername", 52, { 0, 0, 0 }, 3, -ENOTSOCK, NULL, "getpeername(0, NULL, NULL) = -ENOTSOCK" },
		{ "", "getuid", 102, { 1, 2, 3, 4, 5, 6 }, 6, 65534, NULL, "getuid() = 65534" },
		{ "", "minos_read", 0x4404, { 0x7ffd0000, 2, 0x10000, 0 }, 4, 16, &rdx,
		  "minos_read(0x7ffd0000, 2, 0x10000, 0) = 16, 4" },
		{ "", "clock_nanosleep", 230, { CLOCK_MONOTONIC, 0, 0x7ffd0000, 0 }, 4, -512, NULL,
		  "clock_nanosleep(CLOCK_MONOTONIC, 0, 0x7ffd0000, NULL) = -512" },
		/* Not decoded: calls it does not know, and foreign ones. */
		{ "refused ", "socket", 41, { 2, 1, 0, 0, 0, 0 }, 6, -ENOSYS, NULL,
		  "refused socket(2, 1, 0, 0, 0, 0) = -ENOSYS" },
		{ "refused ", NULL, 500, { U(-1), 0x10000, 0, 0, 0, 0 }, 6, -ENOSYS, NULL,
		  "refused syscall_500(-1, 0x10000, 0, 0, 0, 0) = -ENOSYS" },
		{ "refused ", "i386 open", 5, { P("/etc/passwd"), 0, 0, 0, 0, 0 }, 6, -ENOSYS, NULL, NULL },
		/* A successful exec: the path is in memory that is gone. */
		{ "", "execveat", 322, { 3, P("x"), 0x7ffd0000, 0x7ffd1000, AT_EMPTY_PATH }, 5, 0, NULL, NULL },
		{ "", "execveat", 322, { 3, P("x"), 0, 0, AT_EMPTY_PATH }, 5, -EPERM, NULL,
		  "execveat(3, \"x\", NULL, NULL, AT_EMPTY_PATH) = -EPERM" },
	};
	char buf[4096], want[256];
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *w = rows[i].want;
		if (!w && i == sizeof(rows) / sizeof(rows[0]) - 2) {
			snprintf(want, sizeof(want),
				 "execveat(3, %#llx, 0x7ffd0000, 0x7ffd1000, AT_EMPTY_PATH) = 0",
				 (unsigned long long)rows[i].a[1]);
			w = want;
		} else if (!w) {
			snprintf(want, sizeof(want),
				 "refused i386 open(%#llx, 0, 0, 0, 0, 0) = -ENOSYS",
				 (unsigned long long)rows[i].a[0]);
			w = want;
		}
		trace_format(buf, sizeof(buf), getpid(), rows[i].what, rows[i].name,
			     rows[i].nr, rows[i].a, rows[i].nargs, rows[i].r, rows[i].rdx);
		if (!ok(!strcmp(buf, w), "%s", w))
			diag("got:  %s", buf);
	}
}

int main(void)
{
	lines();
	static const struct {
		const char *in;
		size_t n;
		const char *want;
	} rows[] = {
		{ "/etc/passwd", 11, "\"/etc/passwd\"" },
		{ "", 0, "\"\"" },
		{ "a\nb", 3, "\"a\\nb\"" },
		{ "\"\\", 2, "\"\\\"\\\\\"" },
		{ "\t\r", 2, "\"\\t\\r\"" },
		{ "\x1b[2J", 4, "\"\\x1b[2J\"" },
		{ "\x7f\xc2\x9b\xff", 4, "\"\\x7f\\xc2\\x9b\\xff\"" },
		{ "a\0b", 3, "\"a\\x00b\"" },
		{ " ~", 2, "\" ~\"" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		ok(!strcmp(quote(rows[i].in, rows[i].n, 0), rows[i].want),
		   "quote row %zu: %s", i, rows[i].want);
	ok(!strcmp(quote("abc", 3, 1), "\"abc\"..."), "a cut string ends with ...");

	char small[8];
	ok(!strcmp(trace_quote(small, sizeof(small), "abcdefghij", 10, 0), "\"abcdef"),
	   "a quote never writes past its buffer");
	ok(!strcmp(trace_quote(small, sizeof(small), "\n\n\n\n", 4, 0), "\"\\n\\n\\n"),
	   "nor does an escaped one");

	long page = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || mprotect(m + page, (size_t)page, PROT_NONE) < 0) {
		skip("mmap failed", "strings at a page's end");
		return tap_done();
	}
	uint64_t end = (uint64_t)(uintptr_t)(m + page);
	memcpy(m + page - 4, "abc", 4);
	ok(!strcmp(str(end - 4, 256), "\"abc\""),
	   "a string that ends just before an unmapped page is read whole");
	memcpy(m + page - 4, "abcd", 4);
	char want[64];
	snprintf(want, sizeof(want), "%#lx", (unsigned long)(end - 4));
	ok(!strcmp(str(end - 4, 256), want),
	   "a string that runs into an unmapped page is shown as its address");
	ok(!strcmp(str(end - 4, 3), "\"abc\"..."),
	   "but one cut before the page is shown cut");
	snprintf(want, sizeof(want), "%#lx", (unsigned long)end);
	ok(!strcmp(str(end, 256), want), "an unmapped address is its hex");
	ok(!strcmp(str(0, 256), "NULL"), "a null pointer is NULL");
	memset(m, 'x', (size_t)page);
	m[page - 1] = '\0';
	char *s = (char *)str((uint64_t)(uintptr_t)m, 100000);
	ok(strlen(s) == 256 + 5 && !strcmp(s + 257, "\"..."),
	   "a long string is cut at 256 bytes whatever the caller asks");
	ok(!strcmp(str((uint64_t)-2, 256), "0xfffffffffffffffe"),
	   "an address at the top of the address space does not wrap");
	return tap_done();
}
