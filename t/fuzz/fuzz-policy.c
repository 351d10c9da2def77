/* SPDX-License-Identifier: MIT */
/*
 * fuzz-policy.c - libFuzzer harness of the policy file parser (policy.c).
 *
 * Any bytes must give either a policy, which then prints, or one printable
 * line "FILE:LINE:COLUMN: reason"; never a crash, a leak or undefined
 * behaviour.  t/fuzz.sh runs it; see t/fuzz/local.mk.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

#define FILE_NAME "fuzz.yaml"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* "FILE:LINE:COLUMN: reason", every byte printable ASCII. */
static int one_line(const char *err)
{
	const char *s = err + strlen(FILE_NAME ":");
	size_t i, digits;
	int colons;

	if (strncmp(err, FILE_NAME ":", strlen(FILE_NAME ":")) != 0)
		return 0;
	for (colons = 0; colons < 2; colons++, s++) {
		digits = strspn(s, "0123456789");
		if (digits == 0 || s[digits] != ':')
			return 0;
		s += digits;
	}
	if (*s != ' ')
		return 0;
	for (i = 0; err[i]; i++)
		if (err[i] < 0x20 || err[i] > 0x7e)
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct minos_limits lim = {
		.memory = MINOS_DEFAULT_MEMORY,
		.cpu_ms = MINOS_DEFAULT_CPU_MS,
		.threads = MINOS_DEFAULT_THREADS,
		.fds = MINOS_DEFAULT_FDS,
		.containers = MINOS_DEFAULT_CONTAINERS,
		.image_size = MINOS_DEFAULT_IMAGE_SIZE,
	};
	static FILE *devnull;
	struct policy *p;
	char err[512];

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	p = policy_parse((const char *)data, size, FILE_NAME, &lim, err,
			 sizeof(err));
	if (!p) {
		if (!one_line(err)) {
			fprintf(stderr, "not one line with a position: %s\n", err);
			abort();
		}
		return 0;
	}
	if (devnull)
		policy_print(p, devnull);
	policy_free(p);
	return 0;
}
