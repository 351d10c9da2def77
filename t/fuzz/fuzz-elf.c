/* SPDX-License-Identifier: MIT */
/*
 * fuzz-elf.c - libFuzzer harness of the code image checks (elfcheck.c):
 * elf_check() on any bytes (PROGRAM for minos-exec, a cnew code stream),
 * and the image loader's pure part, elf_wrap_flat(), on any flat image.
 *
 * Any bytes must give either 0 with a consistent struct elf_info (the
 * program headers and every PT_LOAD inside the file and the user address
 * space, the entry in a PT_LOAD) or 126 with one printable line that fits
 * the buffer it was given; never a crash or undefined behaviour.  The same
 * bytes as a flat image, wrapped, must always be accepted, entering at
 * MINOS_FLAT_BASE.  t/fuzz.sh runs it; see t/fuzz/local.mk.
 */
#include <elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "elfcheck.h"
#include "minos.h"

#define USER_TOP 0x00007ffffffff000ULL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t rd(const uint8_t *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* why[] is one printable line, NUL-terminated inside whylen */
static void check_why(const char *why, size_t whylen)
{
	size_t i;

	if (whylen == 0)
		return;
	for (i = 0; i < whylen && why[i]; i++)
		if (why[i] < 0x20 || why[i] > 0x7e)
			abort();
	if (i == whylen)
		abort();
}

/* an accepted image: what elf_check promises, checked again here */
static void check_accepted(const uint8_t *img, size_t len,
			   const struct elf_info *in)
{
	uint64_t mem = 0, pages = 0, off, vaddr, filesz, memsz;
	unsigned k, loads = 0;
	int entry_in = 0;

	if (in->type != ET_EXEC && in->type != ET_DYN)
		abort();
	if (in->phnum == 0 || in->phoff > len ||
	    (uint64_t)in->phnum * 56 > len - in->phoff)
		abort();
	for (k = 0; k < in->phnum; k++) {
		const uint8_t *p = img + in->phoff + (uint64_t)k * 56;

		if (rd(p, 4) == PT_INTERP)
			abort();
		if (rd(p, 4) != PT_LOAD)
			continue;
		off = rd(p + 8, 8);
		vaddr = rd(p + 16, 8);
		filesz = rd(p + 32, 8);
		memsz = rd(p + 40, 8);
		if (filesz > memsz || off > len || filesz > len - off)
			abort();
		if (vaddr > USER_TOP || memsz > USER_TOP - vaddr)
			abort();
		if (in->entry >= vaddr && in->entry - vaddr < memsz)
			entry_in = 1;
		mem += memsz;
		if (memsz)
			pages += ((vaddr + memsz + 4095) & ~4095ULL) - (vaddr & ~4095ULL);
		loads++;
	}
	if (!entry_in || loads != in->loads || mem != in->mem)
		abort();
	/* data: whole pages, at most every segment's pages */
	if (in->data % 4096 || in->data > pages)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t whylens[] = { 256, 0, 1, 2, 17, 64 };
	struct elf_info info;
	size_t whylen, used = 0;
	char why[256];
	unsigned char *buf;
	int r;

	/* elf_check on the bytes as they are, with a buffer size picked by
	 * the length (so that every input is also a plain image) */
	whylen = whylens[size % (sizeof(whylens) / sizeof(whylens[0]))];
	memset(why, 'x', sizeof(why));
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	if (size)
		memcpy(buf, data, size); /* exactly size bytes: ASan sees overreads */
	r = elf_check(buf, size, &info, why, whylen);
	if (r == 0)
		check_accepted(buf, size, &info);
	else if (r != MINOS_EXIT_CANNOT_RUN)
		abort();
	else
		check_why(why, whylen);
	if (r == 0 && whylen && why[0])
		abort();
	/* no info: the same verdict */
	if (elf_check(buf, size, NULL, why, sizeof(why)) != r)
		abort();
	free(buf);

	/* the same bytes as a flat image, wrapped as image_load does */
	if (size == 0) {
		unsigned char hdr[ELF_FLAT_HDR_SIZE];

		if (elf_wrap_flat(data, 0, hdr, sizeof(hdr), &used) >= 0)
			abort();
		return 0;
	}
	buf = malloc(ELF_FLAT_HDR_SIZE + size);
	if (!buf)
		return 0;
	if (elf_wrap_flat(data, size, buf, ELF_FLAT_HDR_SIZE - 1, &used) >= 0)
		abort();
	if (elf_wrap_flat(data, size, buf, ELF_FLAT_HDR_SIZE, &used) != 0 ||
	    used != ELF_FLAT_HDR_SIZE)
		abort();
	memcpy(buf + used, data, size);
	if (elf_check(buf, used + size, &info, why, sizeof(why)) != 0)
		abort();
	if (info.entry != MINOS_FLAT_BASE || info.type != ET_EXEC ||
	    info.loads != 1 || info.mem != size ||
	    info.data != ((MINOS_FLAT_BASE + size + 4095) & ~4095ULL) - MINOS_FLAT_BASE)
		abort();
	check_accepted(buf, used + size, &info);
	free(buf);
	return 0;
}
