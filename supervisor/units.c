/* SPDX-License-Identifier: MIT */
/* units.c - parse and format sizes, times and counts (pure; see units.h). */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "units.h"

struct suffix {
	const char *text;
	unsigned long long scale;
};

static const struct suffix size_suffixes[] = {
	{ "", 1 },
	{ "K", 1ULL << 10 }, { "k", 1ULL << 10 }, { "KiB", 1ULL << 10 },
	{ "M", 1ULL << 20 }, { "m", 1ULL << 20 }, { "MiB", 1ULL << 20 },
	{ "G", 1ULL << 30 }, { "g", 1ULL << 30 }, { "GiB", 1ULL << 30 },
	{ NULL, 0 },
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Read the decimal digits at *p into *v, advancing *p.  Returns false if
 * there is no digit; *ovf is set (and *v saturates) past 2^64 - 1, so that
 * a caller can still tell a bad suffix from a number too large.
 */
static bool scan_digits(const char **p, unsigned long long *v, bool *ovf)
{
	const char *s = *p;

	*v = 0;
	if (!is_digit(*s))
		return false;
	for (; is_digit(*s); s++) {
		unsigned d = (unsigned)(*s - '0');

		if (*v > (ULLONG_MAX - d) / 10) {
			*ovf = true;
			*v = ULLONG_MAX;
		} else if (!*ovf) {
			*v = *v * 10 + d;
		}
	}
	*p = s;
	return true;
}

static bool mul_ovf(unsigned long long a, unsigned long long b,
		    unsigned long long *r)
{
	return __builtin_mul_overflow(a, b, r);
}

int units_parse_count(const char *s, unsigned long long *out)
{
	unsigned long long v;
	bool ovf = false;

	if (!s || !scan_digits(&s, &v, &ovf) || *s != '\0')
		return UNITS_BAD;
	if (ovf)
		return UNITS_RANGE;
	*out = v;
	return UNITS_OK;
}

int units_parse_size(const char *s, unsigned long long *out)
{
	const struct suffix *sf;
	unsigned long long v;
	bool ovf = false;

	if (!s || !scan_digits(&s, &v, &ovf))
		return UNITS_BAD;
	for (sf = size_suffixes; sf->text; sf++)
		if (strcmp(s, sf->text) == 0)
			break;
	if (!sf->text)
		return UNITS_BAD;
	if (ovf || mul_ovf(v, sf->scale, &v))
		return UNITS_RANGE;
	*out = v;
	return UNITS_OK;
}

/* Up to three decimals after a '.', as milliseconds; false if malformed. */
static bool scan_millis(const char **p, unsigned long long *ms)
{
	const char *s = *p;
	unsigned n;

	*ms = 0;
	if (*s != '.')
		return true;
	s++;
	for (n = 0; is_digit(*s); n++, s++) {
		if (n == 3)
			return false;
		*ms = *ms * 10 + (unsigned)(*s - '0');
	}
	if (n == 0)
		return false;
	for (; n < 3; n++)
		*ms *= 10;
	*p = s;
	return true;
}

int units_parse_ms(const char *s, unsigned long long *out)
{
	unsigned long long v, frac, scale;
	bool ovf = false, has_frac;

	if (!s || !scan_digits(&s, &v, &ovf))
		return UNITS_BAD;
	has_frac = *s == '.';
	if (!scan_millis(&s, &frac))
		return UNITS_BAD;
	if (strcmp(s, "") == 0 || strcmp(s, "s") == 0)
		scale = 1000;
	else if (strcmp(s, "ms") == 0 && !has_frac)
		scale = 1;
	else
		return UNITS_BAD;
	if (ovf || mul_ovf(v, scale, &v) || __builtin_add_overflow(v, frac, &v))
		return UNITS_RANGE;
	*out = v;
	return UNITS_OK;
}

char *units_fmt_size(unsigned long long bytes, char *buf, size_t len)
{
	static const char units[] = "GMK";
	unsigned i;

	if (len == 0)
		return buf;
	for (i = 0; i < 3; i++) {
		unsigned long long scale = 1ULL << (10 * (3 - i));

		if (bytes != 0 && bytes % scale == 0) {
			snprintf(buf, len, "%llu%c", bytes / scale, units[i]);
			return buf;
		}
	}
	snprintf(buf, len, "%llu", bytes);
	return buf;
}

char *units_fmt_ms(unsigned long long ms, char *buf, size_t len)
{
	if (len == 0)
		return buf;
	if (ms % 1000 == 0)
		snprintf(buf, len, "%llus", ms / 1000);
	else
		snprintf(buf, len, "%llums", ms);
	return buf;
}
