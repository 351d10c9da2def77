/* SPDX-License-Identifier: MIT */
/*
 * test-trace.c - how --trace shows a container's strings (trace.c), as TAP:
 * every byte a container controls is escaped, a string is bounded, and one
 * that runs into an unmapped page is shown as its address.  The "container"
 * is this process (mem.c reads it through process_vm_readv like any other).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
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

int main(void)
{
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
