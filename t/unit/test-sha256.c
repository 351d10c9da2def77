/* SPDX-License-Identifier: MIT */
/* test-sha256.c - supervisor/sha256.c against the FIPS 180-4 examples,
 * on the SHA extensions where the CPU has them and on the portable rounds. */
#include <string.h>

#include "sha256.h"
#include "tap.h"

static const char *hex_of(const void *data, size_t len, size_t chunk)
{
	static char out[65];
	struct sha256 s;
	const unsigned char *p = data;
	sha256_init(&s);
	for (size_t off = 0; off < len; off += chunk)
		sha256_update(&s, p + off, len - off < chunk ? len - off : chunk);
	sha256_hex(&s, out);
	return out;
}

int main(void)
{
	static const struct { const char *msg, *digest; } v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
		  "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	};
	static unsigned char million[1000000];
	const size_t chunks[] = { 1, 3, 63, 64, 65, 1000000 };

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			size_t len = strlen(v[i].msg);
			ok(strcmp(hex_of(v[i].msg, len, chunks[c]),
				  v[i].digest) == 0,
			   "SHA-256 of a %zu-byte message fed %zu bytes at a time",
			   len, chunks[c]);
		}
	memset(million, 'a', sizeof(million));
	for (int portable = 0; portable < 2; portable++) {
		const char *how = portable ? "the portable rounds" : "the fast path";
		sha256_portable(portable);
		for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
			ok(strcmp(hex_of(v[i].msg, strlen(v[i].msg), 7), v[i].digest) == 0,
			   "SHA-256 of a %zu-byte message on %s", strlen(v[i].msg), how);
		ok(strcmp(hex_of(million, sizeof(million), 4096),
			  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") == 0,
		   "SHA-256 of a million 'a' on %s", how);
	}
	/* varied bytes, every length up to 300: both paths agree */
	unsigned char buf[300];
	bool same = true;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 131 + 7);
	for (size_t len = 0; len <= sizeof(buf) && same; len++) {
		char a[65];
		sha256_portable(true);
		strcpy(a, hex_of(buf, len, 1000));
		sha256_portable(false);
		same = strcmp(a, hex_of(buf, len, 1000)) == 0;
	}
	ok(same, "the fast path and the portable rounds agree on every length 0..300");
	return tap_done();
}
