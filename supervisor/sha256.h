/* SPDX-License-Identifier: MIT */
/* sha256.h - SHA-256 (FIPS 180-4), for the image hashes of --report. */
#ifndef MINOS_SHA256_H
#define MINOS_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;           /* bytes so far */
	unsigned char buf[64];  /* a block being filled */
	size_t fill;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* The digest as 32 bytes; s is spent. */
void sha256_final(struct sha256 *s, unsigned char out[32]);
/* The digest as 64 lowercase hex digits and a NUL; s is spent. */
void sha256_hex(struct sha256 *s, char out[65]);
/* Tests: true forces the portable rounds, false goes back to the SHA
 * extensions where the CPU has them. */
void sha256_portable(bool portable);

#endif
