/* SPDX-License-Identifier: MIT */
/*
 * fuzz-ckfile.c - libFuzzer harness of the checkpoint file parser
 * (ckfile.c; a restore file is untrusted input).
 *
 * Each input is parsed twice: as it is, and with every checksum and the
 * SHA-256 made right again (so mutations reach the checks behind them).
 * Either must give -1 with one printable line that fits its buffer, or 0
 * with a model that ck_write() takes (the same rules) and that, written
 * again, reads back.  Never a crash, a leak or undefined behaviour.
 * t/fuzz.sh runs it with the seeds in t/fuzz/ckfile/corpus (written by
 * `t/unit/test-ckfile --corpus DIR`); see t/fuzz/local.mk.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ckfile.h"
#include "crc32c.h"
#include "sha256.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every CRC and the digest made right (as far as the framing goes). */
static void fix(uint8_t *b, size_t len)
{
	size_t pos = CK_HEADER_LEN;
	struct sha256 s;
	uint32_t flags;

	if (len < CK_HEADER_LEN)
		return;
	flags = le32(b + 16);
	st32(b + 20, crc32c(0, b, 20));
	sha256_init(&s);
	sha256_update(&s, b, CK_HEADER_LEN);
	while (len - pos >= CK_SECTION_LEN) {
		uint8_t *h = b + pos;
		uint32_t t = le32(h);
		uint64_t n = le64(h + 8), end, padded;
		if (n > len - pos - CK_SECTION_LEN) {
			st32(h + 20, crc32c(0, h, 20));
			return;
		}
		end = pos + CK_SECTION_LEN + n;
		padded = (end + 7) & ~7ull;
		if (t == CK_S_END) {
			if (n == 32) {
				sha256_final(&s, h + CK_SECTION_LEN);
				st32(h + 4, crc32c(0, h + CK_SECTION_LEN, 32));
			}
			st32(h + 20, crc32c(0, h, 20));
			return;
		}
		st32(h + 4, crc32c(0, h + CK_SECTION_LEN, n));
		st32(h + 20, crc32c(0, h, 20));
		sha256_update(&s, h, CK_SECTION_LEN);
		if (t != CK_S_PAGES || (flags & CK_F_DIGEST_PAGES))
			sha256_update(&s, h + CK_SECTION_LEN, n);
		if (padded > len)
			return;
		sha256_update(&s, b + end, padded - end);
		pos = padded;
	}
}

static void one_line(const char *err, size_t cap)
{
	size_t n = strnlen(err, cap);

	if (n == 0 || n >= cap || strchr(err, '\n') || strncmp(err, "byte ", 5) != 0)
		abort();
}

static void check(const uint8_t *b, size_t len)
{
	struct ck_run run, again;
	char err[256];
	struct stat st;
	int fd;

	memset(err, 0, sizeof(err));
	if (ck_read(b, len, &run, err, sizeof(err)) < 0) {
		one_line(err, sizeof(err));
		if (run.containers || run.streams || run.stages)
			abort();
		return;
	}
	/* taken: the writer agrees, and what it writes reads back */
	fd = memfd_create("fuzz-ckfile", 0);
	if (fd < 0)
		abort();
	if (ck_write(fd, &run, err, sizeof(err)) < 0)
		abort();
	if (fstat(fd, &st) < 0)
		abort();
	uint8_t *copy = malloc((size_t)st.st_size + 1);
	if (!copy || pread(fd, copy, (size_t)st.st_size, 0) != st.st_size)
		abort();
	if (ck_read(copy, (size_t)st.st_size, &again, err, sizeof(err)) < 0 ||
	    again.ncontainers != run.ncontainers || again.nstreams != run.nstreams ||
	    again.nstages != run.nstages || again.first_status != run.first_status ||
	    memcmp(again.policy_sha256, run.policy_sha256, 32) != 0)
		abort();
	for (uint32_t i = 0; i < run.ncontainers; i++) {
		const struct ck_container *a = &run.containers[i], *b = &again.containers[i];
		if (a->ncodes != b->ncodes)
			abort();
		for (uint32_t j = 0; j < a->ncodes; j++)
			if (a->codes[j].thread != b->codes[j].thread ||
			    a->codes[j].fd != b->codes[j].fd ||
			    a->codes[j].len != b->codes[j].len ||
			    memcmp(a->codes[j].bytes, b->codes[j].bytes,
				   (size_t)a->codes[j].len) != 0)
				abort();
	}
	ck_free(&again);
	free(copy);
	close(fd);
	ck_free(&run);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *b = malloc(size + 1);

	if (!b)
		return 0;
	memcpy(b, data, size);
	check(b, size);
	fix(b, size);
	check(b, size);
	free(b);
	return 0;
}
