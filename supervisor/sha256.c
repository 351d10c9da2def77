/* SPDX-License-Identifier: MIT */
/*
 * sha256.c - SHA-256 as FIPS 180-4 gives it.  The portable rounds are
 * small and slow (~110 MB/s on the development host); where the CPU has
 * the SHA extensions (SHA-NI: cpuid leaf 7 ebx bit 29, with SSSE3 and
 * SSE4.1) whole blocks go through sha256rnds2 instead (~1.8 GB/s there),
 * which the checkpoint file's digest needs (it may cover GiBs).  Both
 * paths give the same digest (t/unit/test-sha256 compares them).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

#include "sha256.h"

static const uint32_t k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static void block_sw(struct sha256 *s, const unsigned char *p)
{
	uint32_t w[64], v[8];

	for (unsigned i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (unsigned i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(v, s->h, sizeof(v));
	for (unsigned i = 0; i < 64; i++) {
		uint32_t e = v[4], a = v[0];
		uint32_t t1 = v[7] + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) +
			      ((e & v[5]) ^ (~e & v[6])) + k[i] + w[i];
		uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +
			      ((a & v[1]) ^ (a & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (unsigned i = 0; i < 8; i++)
		s->h[i] += v[i];
}

#if defined(__x86_64__)
/* The rounds in groups of four (g = 0..15) on the message schedule
 * m[g % 4], as Intel's white paper lays them out. */
__attribute__((target("sha,sse4.1,ssse3")))
static void blocks_ni(uint32_t state[8], const unsigned char *data, size_t nblocks)
{
	const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i tmp = _mm_loadu_si128((const __m128i *)&state[0]);
	__m128i s1 = _mm_loadu_si128((const __m128i *)&state[4]);
	__m128i s0;

	tmp = _mm_shuffle_epi32(tmp, 0xB1);          /* CDAB */
	s1 = _mm_shuffle_epi32(s1, 0x1B);            /* EFGH */
	s0 = _mm_alignr_epi8(tmp, s1, 8);            /* ABEF */
	s1 = _mm_blend_epi16(s1, tmp, 0xF0);         /* CDGH */
	for (; nblocks > 0; nblocks--, data += 64) {
		__m128i abef = s0, cdgh = s1, m[4], msg;
#define GROUP(g) do { \
		if ((g) < 4) \
			m[(g)] = _mm_shuffle_epi8(_mm_loadu_si128( \
				(const __m128i *)(data + 16 * (g))), mask); \
		msg = _mm_add_epi32(m[(g) & 3], \
				    _mm_loadu_si128((const __m128i *)&k[4 * (g)])); \
		s1 = _mm_sha256rnds2_epu32(s1, s0, msg); \
		if ((g) >= 3 && (g) <= 14) { \
			__m128i t = _mm_alignr_epi8(m[(g) & 3], m[((g) + 3) & 3], 4); \
			m[((g) + 1) & 3] = _mm_sha256msg2_epu32( \
				_mm_add_epi32(m[((g) + 1) & 3], t), m[(g) & 3]); \
		} \
		msg = _mm_shuffle_epi32(msg, 0x0E); \
		s0 = _mm_sha256rnds2_epu32(s0, s1, msg); \
		if ((g) >= 1 && (g) <= 12) \
			m[((g) + 3) & 3] = _mm_sha256msg1_epu32(m[((g) + 3) & 3], m[(g) & 3]); \
	} while (0)
		GROUP(0); GROUP(1); GROUP(2); GROUP(3);
		GROUP(4); GROUP(5); GROUP(6); GROUP(7);
		GROUP(8); GROUP(9); GROUP(10); GROUP(11);
		GROUP(12); GROUP(13); GROUP(14); GROUP(15);
#undef GROUP
		s0 = _mm_add_epi32(s0, abef);
		s1 = _mm_add_epi32(s1, cdgh);
	}
	tmp = _mm_shuffle_epi32(s0, 0x1B);           /* FEBA */
	s1 = _mm_shuffle_epi32(s1, 0xB1);            /* DCHG */
	s0 = _mm_blend_epi16(tmp, s1, 0xF0);         /* DCBA */
	s1 = _mm_alignr_epi8(s1, tmp, 8);            /* HGFE */
	_mm_storeu_si128((__m128i *)&state[0], s0);
	_mm_storeu_si128((__m128i *)&state[4], s1);
}

static bool have_ni(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1))
		return false;
	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29));
}
#endif

static int use_ni = -1;  /* -1: not asked yet */

void sha256_portable(bool portable)
{
	use_ni = portable ? 0 : -1;
}

static void blocks(struct sha256 *s, const unsigned char *p, size_t n)
{
#if defined(__x86_64__)
	if (use_ni < 0)
		use_ni = have_ni();
	if (use_ni) {
		blocks_ni(s->h, p, n);
		return;
	}
#endif
	for (; n > 0; n--, p += 64)
		block_sw(s, p);
}

void sha256_init(struct sha256 *s)
{
	static const uint32_t h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	memcpy(s->h, h0, sizeof(h0));
	s->len = 0;
	s->fill = 0;
}

void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const unsigned char *p = data;

	s->len += len;
	while (len > 0) {
		if (s->fill == 0 && len >= 64) {
			size_t n = len / 64;
			blocks(s, p, n);
			p += 64 * n;
			len -= 64 * n;
			continue;
		}
		size_t n = 64 - s->fill < len ? 64 - s->fill : len;
		memcpy(s->buf + s->fill, p, n);
		s->fill += n;
		p += n;
		len -= n;
		if (s->fill == 64) {
			blocks(s, s->buf, 1);
			s->fill = 0;
		}
	}
}

void sha256_final(struct sha256 *s, unsigned char out[32])
{
	uint64_t bits = s->len * 8;
	unsigned char pad[72] = { 0x80 };
	size_t padlen = (s->fill < 56 ? 56 : 120) - s->fill;

	for (unsigned i = 0; i < 8; i++)
		pad[padlen + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(s, pad, padlen + 8);
	for (unsigned i = 0; i < 32; i++)
		out[i] = (unsigned char)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}

void sha256_hex(struct sha256 *s, char out[65])
{
	unsigned char d[32];

	sha256_final(s, d);
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}
