/* SPDX-License-Identifier: MIT */
/*
 * units.h - sizes, times and counts as the user writes them (pure).
 *
 * Shared by the command line (cli.c) and the policy file parser so that
 * "64M" and "250ms" mean the same thing everywhere.  No function here
 * touches the kernel or allocates.
 *
 *   count  decimal digits only: "64"
 *   size   count, then nothing (bytes) or K, M, G (also k, m, g and KiB,
 *          MiB, GiB; all powers of 1024): "4096", "64M", "1GiB"
 *   time   count, then nothing or s (seconds) or ms; seconds may have up
 *          to three decimals: "60", "1.5s", "250ms"; the result is in ms
 *
 * No sign, no blanks, no hexadecimal, nothing after the suffix.
 */
#ifndef MINOS_UNITS_H
#define MINOS_UNITS_H

#include <stddef.h>

enum units_status {
	UNITS_OK = 0,
	UNITS_BAD = -1,   /* not of the documented form */
	UNITS_RANGE = -2, /* well formed, but larger than 2^64 - 1 */
};

int units_parse_count(const char *s, unsigned long long *out);
int units_parse_size(const char *s, unsigned long long *out);
int units_parse_ms(const char *s, unsigned long long *out);

/*
 * Format for messages: a size in the largest of G, M, K that divides it
 * ("1G", "1536M", "64"); a time in s when whole seconds, else in ms
 * ("60s", "1500ms").  Both return buf, always NUL-terminated.
 */
char *units_fmt_size(unsigned long long bytes, char *buf, size_t len);
char *units_fmt_ms(unsigned long long ms, char *buf, size_t len);

#endif
