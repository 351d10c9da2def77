/* SPDX-License-Identifier: MIT */
/* tap.h - the TAP output of the C unit tests (read by tap-driver.sh). */
#ifndef MINOS_TAP_H
#define MINOS_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static unsigned tap_n, tap_failed;

/* One test: "ok N - sentence" or "not ok N - sentence". */
static bool ok(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3), unused));
static bool ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s %u - ", cond ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	return cond;
}

/* A test that cannot run here, and why. */
static void skip(const char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3), unused));
static void skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	printf("ok %u - ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", why);
}

/* A comment line in the TAP stream. */
static void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2), unused));
static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* The plan, last; the exit status says whether everything passed. */
static int tap_done(void)
{
	printf("1..%u\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
