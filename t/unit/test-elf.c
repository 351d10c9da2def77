/* SPDX-License-Identifier: MIT */
/*
 * test-elf.c - the image checks (elf.c), as TAP.
 *
 * A minimal static ELF64 x86-64 program is built in memory; table rows
 * patch its fields and say what elf_check() must answer.  Then every
 * truncation, foreign formats, flat-image wrapping, the kernel's own
 * verdict on the images we accept, and 20000 random mutations.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include <elf.h>
#include "elfcheck.h"
#include "minos.h"

#include "tap.h"

/* ---- the test image ----------------------------------------------------- */

/*
 * offset 0x000  ELF header
 *        0x040  program headers: [0] PT_LOAD of 0..0x140 (+ 0x1000 bss),
 *               [1] PT_GNU_STACK, [2] PT_NOTE over the string at 0x110
 *        0x100  code: exit_group(7)
 *        0x110  "/lib64/ld-linux-x86-64.so.2"
 *        0x140  two section headers
 *        0x1c0  end of file
 */
#define BASE      0x400000ULL
#define CODE      0x100
#define INTERP    0x110
#define LOAD_END  0x140
#define SHOFF     0x140
#define IMG_LEN   0x1c0
#define PH(k)     (0x40 + 56 * (k))
#define LOAD_MEM  (LOAD_END + 0x1000)

static const char interp_name[] = "/lib64/ld-linux-x86-64.so.2";

/* mov edi, 7; mov eax, 231 (exit_group); syscall */
static const unsigned char exit7[] = {
	0xbf, 0x07, 0x00, 0x00, 0x00, 0xb8, 0xe7, 0x00, 0x00, 0x00, 0x0f, 0x05,
};

static void put(unsigned char *img, size_t off, unsigned width, uint64_t v)
{
	unsigned i;

	for (i = 0; i < width; i++)
		img[off + i] = (unsigned char)(v >> (8 * i));
}

static void put_phdr(unsigned char *img, unsigned k, uint32_t type,
		     uint32_t flags, uint64_t off, uint64_t vaddr,
		     uint64_t filesz, uint64_t memsz)
{
	size_t p = PH(k);

	put(img, p, 4, type);
	put(img, p + 4, 4, flags);
	put(img, p + 8, 8, off);
	put(img, p + 16, 8, vaddr);
	put(img, p + 24, 8, vaddr);
	put(img, p + 32, 8, filesz);
	put(img, p + 40, 8, memsz);
	put(img, p + 48, 8, type == PT_LOAD ? 0x1000 : 8);
}

/* The valid static program; pie: ET_DYN linked at 0 (static-pie). */
static void build(unsigned char *img, bool pie)
{
	uint64_t base = pie ? 0 : BASE;

	memset(img, 0, IMG_LEN);
	memcpy(img, ELFMAG, SELFMAG);
	img[EI_CLASS] = ELFCLASS64;
	img[EI_DATA] = ELFDATA2LSB;
	img[EI_VERSION] = EV_CURRENT;
	put(img, 16, 2, pie ? ET_DYN : ET_EXEC);
	put(img, 18, 2, EM_X86_64);
	put(img, 20, 4, EV_CURRENT);
	put(img, 24, 8, base + CODE);
	put(img, 32, 8, PH(0));
	put(img, 40, 8, SHOFF);
	put(img, 52, 2, 64);
	put(img, 54, 2, 56);
	put(img, 56, 2, 3);
	put(img, 58, 2, 64);
	put(img, 60, 2, 2);
	put_phdr(img, 0, PT_LOAD, PF_R | PF_X, 0, base, LOAD_END, LOAD_MEM);
	put_phdr(img, 1, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0);
	put_phdr(img, 2, PT_NOTE, PF_R, INTERP, base + INTERP,
		 sizeof(interp_name), sizeof(interp_name));
	memcpy(img + CODE, exit7, sizeof(exit7));
	memcpy(img + INTERP, interp_name, sizeof(interp_name));
}

/* ---- checking ------------------------------------------------------------ */

/* A reason is one non-empty line of printable ASCII. */
static bool reason_ok(const char *why)
{
	const char *p;

	if (!why[0])
		return false;
	for (p = why; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return false;
	return true;
}

/*
 * elf_check() on a heap copy of exactly len bytes, so that ASan sees any
 * read past the end.  Returns its result; why gets the reason.
 */
static int check_copy(const unsigned char *img, size_t len,
		      struct elf_info *info, char *why, size_t whylen)
{
	unsigned char *copy = malloc(len ? len : 1);
	int r;

	memcpy(copy, img, len);
	r = elf_check(copy, len, info, why, whylen);
	free(copy);
	return r;
}

/* "=..." is the whole reason, otherwise a piece of it; NULL: accepted. */
static bool verdict(int r, const char *why, const char *want)
{
	if (!want)
		return r == 0;
	if (r != MINOS_EXIT_CANNOT_RUN || !reason_ok(why))
		return false;
	if (want[0] == '=')
		return strcmp(why, want + 1) == 0;
	return strstr(why, want) != NULL;
}

/* ---- table of patched images ------------------------------------------- */

struct patch {
	uint16_t off;
	uint8_t width; /* 0: no patch */
	uint64_t val;
};

struct row {
	const char *what;
	bool pie;
	struct patch p[3];
	const char *want; /* NULL: accepted */
};

#define ANY64 0xffffffffffffffffULL
#define LOAD(field) (PH(0) + (field))
#define NOTE(field) (PH(2) + (field))
#define P_TYPE 0
#define P_OFFSET 8
#define P_VADDR 16
#define P_FILESZ 32
#define P_MEMSZ 40

static const struct row rows[] = {
	{ "the minimal static program is accepted", false, { { 0 } }, NULL },
	{ "a static-pie program (ET_DYN, no PT_INTERP) is accepted", true, { { 0 } }, NULL },
	{ "GNU/Linux OS ABI is accepted", false, { { EI_OSABI, 1, ELFOSABI_GNU } }, NULL },
	{ "no section headers is accepted", false, { { 40, 8, 0 }, { 60, 2, 0 } }, NULL },
	{ "e_shnum 0 with one section header in the file is accepted", false, { { 60, 2, 0 } }, NULL },
	{ "an entry point in the bss is accepted", false, { { 24, 8, BASE + LOAD_MEM - 1 } }, NULL },
	{ "an executable stack is accepted", false, { { PH(1) + 4, 4, PF_R | PF_W | PF_X } }, NULL },
	/* class, byte order, versions */
	{ "32-bit x86", false, { { EI_CLASS, 1, ELFCLASS32 }, { 18, 2, EM_386 } },
	  "=32-bit ELF; build it for x86-64 (-m64) and link it with -static" },
	{ "x32", false, { { EI_CLASS, 1, ELFCLASS32 } },
	  "=x32 ELF (32-bit pointers); build it for x86-64 (-m64) and link it with -static" },
	{ "32-bit ARM", false, { { EI_CLASS, 1, ELFCLASS32 }, { 18, 2, EM_ARM } },
	  "=32-bit ELF for another machine (ARM); build it for x86-64" },
	{ "ELF class 0", false, { { EI_CLASS, 1, 0 } }, "=bad ELF class (0)" },
	{ "ELF class 3", false, { { EI_CLASS, 1, 3 } }, "bad ELF class (3)" },
	{ "big-endian S/390", false, { { EI_DATA, 1, ELFDATA2MSB }, { 18, 2, 0x1600 } },
	  "=big-endian ELF for another machine (IBM S/390); build it for x86-64" },
	{ "big-endian PowerPC 64", false, { { EI_DATA, 1, ELFDATA2MSB }, { 18, 2, 0x1500 } },
	  "big-endian ELF for another machine (PowerPC 64)" },
	{ "big-endian 32-bit MIPS", false, { { EI_DATA, 1, ELFDATA2MSB }, { EI_CLASS, 1, ELFCLASS32 }, { 18, 2, 0x0800 } },
	  "32-bit big-endian ELF for another machine (MIPS)" },
	{ "byte order 0", false, { { EI_DATA, 1, 0 } }, "bad ELF byte order (0)" },
	{ "ident version 0", false, { { EI_VERSION, 1, 0 } }, "bad ELF version (0)" },
	{ "e_version 2", false, { { 20, 4, 2 } }, "bad ELF version (2)" },
	{ "FreeBSD", false, { { EI_OSABI, 1, ELFOSABI_FREEBSD } },
	  "=ELF for another operating system (FreeBSD); build it for Linux" },
	{ "OS ABI 200", false, { { EI_OSABI, 1, 200 } }, "(OS ABI 200)" },
	/* machines */
	{ "aarch64", false, { { 18, 2, EM_AARCH64 } },
	  "=ELF for another machine (ARM aarch64); build it for x86-64" },
	{ "RISC-V", false, { { 18, 2, EM_RISCV } }, "another machine (RISC-V)" },
	{ "PowerPC 64", false, { { 18, 2, EM_PPC64 } }, "another machine (PowerPC 64)" },
	{ "S/390", false, { { 18, 2, EM_S390 } }, "another machine (IBM S/390)" },
	{ "i386 in ELF64", false, { { 18, 2, EM_386 } }, "another machine (Intel 80386)" },
	{ "LoongArch", false, { { 18, 2, 258 } }, "another machine (LoongArch)" },
	{ "machine 0", false, { { 18, 2, EM_NONE } }, "another machine (no machine)" },
	{ "machine 4660", false, { { 18, 2, 0x1234 } }, "another machine (e_machine 4660)" },
	/* types */
	{ "a relocatable object", false, { { 16, 2, ET_REL } },
	  "=not an executable (ELF relocatable object); link it into a program" },
	{ "a core dump", false, { { 16, 2, ET_CORE } }, "not an executable (ELF core dump)" },
	{ "type 0", false, { { 16, 2, ET_NONE } }, "not an executable (ELF type 0x0)" },
	{ "type 0xfe00", false, { { 16, 2, 0xfe00 } }, "not an executable (ELF type 0xfe00)" },
	/* program header table */
	{ "no program headers", false, { { 56, 2, 0 } }, "no loadable segment" },
	{ "PN_XNUM program headers", false, { { 56, 2, 0xffff } }, "program headers, at most" },
	{ "1171 program headers", false, { { 56, 2, 1171 } }, "(1171 program headers, at most 1170)" },
	{ "1170 program headers", false, { { 56, 2, 1170 } },
	  "=truncated ELF (program headers past end of file)" },
	{ "4 program headers, one past the table", false, { { 56, 2, 4 }, { 32, 8, IMG_LEN - 4 * 56 + 1 } },
	  "truncated ELF (program headers" },
	{ "program header size 32", false, { { 54, 2, 32 } }, "program header size 32, not 56" },
	{ "program header size 64", false, { { 54, 2, 64 } }, "program header size 64" },
	{ "e_phoff past the end", false, { { 32, 8, IMG_LEN } }, "truncated ELF (program headers" },
	{ "e_phoff 2^64-1", false, { { 32, 8, ANY64 } }, "truncated ELF (program headers" },
	{ "e_phoff wrapping to 0", false, { { 32, 8, ANY64 - 3 * 56 + 1 } }, "truncated ELF (program headers" },
	/* section header table */
	{ "e_shoff past the end", false, { { 40, 8, IMG_LEN - 64 } },
	  "=truncated ELF (section headers past end of file)" },
	{ "e_shoff 2^64-64", false, { { 40, 8, ANY64 - 63 } }, "truncated ELF (section headers" },
	{ "65535 section headers", false, { { 60, 2, 0xffff } }, "truncated ELF (section headers" },
	{ "section header size 40", false, { { 58, 2, 40 } }, "section header size 40" },
	/* loadable segments */
	{ "PT_LOAD offset 2^64-1", false, { { LOAD(P_OFFSET), 8, ANY64 } }, "truncated ELF (segment 0" },
	{ "PT_LOAD at EOF with 1 byte", false, { { LOAD(P_OFFSET), 8, IMG_LEN }, { LOAD(P_FILESZ), 8, 1 } },
	  "=truncated ELF (segment 0 past end of file)" },
	{ "PT_LOAD one byte past EOF", false, { { LOAD(P_FILESZ), 8, IMG_LEN + 1 } }, "truncated ELF (segment 0" },
	{ "PT_LOAD up to EOF", false, { { LOAD(P_FILESZ), 8, IMG_LEN } }, NULL },
	{ "PT_LOAD offset+size wrapping", false, { { LOAD(P_OFFSET), 8, 0x1000 }, { LOAD(P_FILESZ), 8, ANY64 - 0xfff }, { LOAD(P_MEMSZ), 8, ANY64 } },
	  "truncated ELF (segment 0" },
	{ "PT_LOAD file size above memory size", false, { { LOAD(P_MEMSZ), 8, 0x10 } },
	  "segment 0: file size above memory size" },
	{ "PT_LOAD memory size 2^64-1", false, { { LOAD(P_MEMSZ), 8, ANY64 } }, "outside the user address space" },
	{ "PT_LOAD in the kernel half", false, { { LOAD(P_VADDR), 8, 0xffffffff80000000ULL } },
	  "segment 0 outside the user address space" },
	{ "PT_LOAD across the top of user space", false, { { LOAD(P_VADDR), 8, 0x00007ffffffff000ULL - 0x1000 } },
	  "outside the user address space" },
	{ "PT_LOAD offset and address differ", false, { { LOAD(P_VADDR), 8, BASE + 1 } },
	  "offset and address differ modulo 4096" },
	{ "no PT_LOAD", false, { { LOAD(P_TYPE), 4, PT_NULL } }, "=no loadable segment" },
	{ "an empty PT_LOAD", false, { { LOAD(P_FILESZ), 8, 0 }, { LOAD(P_MEMSZ), 8, 0 } },
	  "entry point 0x400100 outside every loadable segment" },
	{ "entry point 0", false, { { 24, 8, 0 } }, "=bad ELF (entry point 0x0 outside every loadable segment)" },
	{ "entry point just past the bss", false, { { 24, 8, BASE + LOAD_MEM } }, "outside every loadable segment" },
	/* interpreters */
	{ "PT_INTERP", false, { { NOTE(P_TYPE), 4, PT_INTERP } },
	  "=dynamically linked (needs /lib64/ld-linux-x86-64.so.2); link it with -static" },
	{ "PIE with PT_INTERP", true, { { NOTE(P_TYPE), 4, PT_INTERP } },
	  "=dynamically linked (needs /lib64/ld-linux-x86-64.so.2); link it with -static" },
	{ "PT_INTERP of size 0", false, { { NOTE(P_TYPE), 4, PT_INTERP }, { NOTE(P_FILESZ), 8, 0 } },
	  "=dynamically linked (needs an ELF interpreter); link it with -static" },
	{ "PT_INTERP over code", false, { { NOTE(P_TYPE), 4, PT_INTERP }, { NOTE(P_OFFSET), 8, CODE } },
	  "=dynamically linked (needs ?\?); link it with -static" },
	{ "PT_INTERP without a NUL", false, { { NOTE(P_TYPE), 4, PT_INTERP }, { NOTE(P_FILESZ), 8, 6 } },
	  "=dynamically linked (needs /lib64); link it with -static" },
	{ "PT_INTERP past EOF", false, { { NOTE(P_TYPE), 4, PT_INTERP }, { NOTE(P_OFFSET), 8, IMG_LEN } },
	  "=truncated ELF (interpreter name past end of file)" },
	{ "PT_INTERP of size 2^64-1", false, { { NOTE(P_TYPE), 4, PT_INTERP }, { NOTE(P_FILESZ), 8, ANY64 } },
	  "truncated ELF (interpreter name" },
	{ "a shared library", true, { { 24, 8, 0 } },
	  "=a shared library, not a program; link a program with -static" },
};

static void apply(unsigned char *img, const struct patch *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i].width)
			put(img, p[i].off, p[i].width, p[i].val);
}

static void test_rows(void)
{
	unsigned char img[IMG_LEN];
	char why[256];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct elf_info info;
		int res;

		build(img, r->pie);
		apply(img, r->p, 3);
		res = check_copy(img, IMG_LEN, &info, why, sizeof(why));
		if (r->want) {
			if (!ok(verdict(res, why, r->want), "%s: refused, \"%s\"",
				r->what, r->want + (r->want[0] == '=')))
				diag("got %d, \"%s\"", res, why);
		} else {
			if (!ok(verdict(res, why, NULL) && why[0] == '\0', "%s",
				r->what))
				diag("got %d, \"%s\"", res, why);
		}
	}
}

static uint64_t get(const unsigned char *p, unsigned width);

static void test_info(void)
{
	unsigned char img[IMG_LEN];
	struct elf_info info;
	char why[128];

	build(img, false);
	memset(&info, 0xa5, sizeof(info));
	ok(elf_check(img, IMG_LEN, &info, why, sizeof(why)) == 0 &&
	   info.entry == BASE + CODE && info.type == ET_EXEC &&
	   info.phnum == 3 && info.phoff == PH(0) && info.loads == 1,
	   "elf_info of a static program: entry, ET_EXEC, 3 headers, 1 load");
	{
		uint64_t mem = 0;
		unsigned k;

		for (k = 0; k < 3; k++)
			if (get(img + PH(k), 4) == PT_LOAD)
				mem += get(img + PH(k) + 40, 8);
		ok(mem > 0 && info.mem == mem,
		   "elf_info.mem is the PT_LOAD's p_memsz (bss included)");
		put(img, PH(1), 4, PT_LOAD);
		put(img, PH(1) + 8, 8, 0);
		put(img, PH(1) + 16, 8, 0x7fff00000000ULL);
		put(img, PH(1) + 32, 8, 0);
		put(img, PH(1) + 40, 8, 1ULL << 30);
		ok(elf_check(img, IMG_LEN, &info, why, sizeof(why)) == 0 &&
		   info.loads == 2 && info.mem == mem + (1ULL << 30),
		   "elf_info.mem sums every PT_LOAD's p_memsz (a 1 GiB bss counts)");
	}
	/* info.data: the writable private pages Linux maps (RLIMIT_DATA) */
	build(img, false);
	ok(elf_check(img, IMG_LEN, &info, why, sizeof(why)) == 0 &&
	   info.data == 0x1000,
	   "elf_info.data of a read-only segment is its bss past the file's last page");
	put(img, PH(0) + 4, 4, PF_R | PF_W | PF_X);
	ok(elf_check(img, IMG_LEN, &info, why, sizeof(why)) == 0 &&
	   info.data == 0x2000,
	   "elf_info.data of a writable segment is all its pages");
	put_phdr(img, 1, PT_LOAD, PF_R | PF_W, 0, BASE + 0x1800, 0, 0x2000);
	ok(elf_check(img, IMG_LEN, &info, why, sizeof(why)) == 0 &&
	   info.data == 0x4000,
	   "elf_info.data counts a page two segments share once");
	put_phdr(img, 1, PT_LOAD, PF_R, 0, BASE + 0x10000, 0, 1ULL << 30);
	ok(elf_check(img, IMG_LEN, &info, why, sizeof(why)) == 0 &&
	   info.data == 0x2000 + (1ULL << 30),
	   "elf_info.data counts a 1 GiB bss (anonymous, writable) of a read-only segment");
	put_phdr(img, 1, PT_LOAD, PF_R, 0, BASE + 0x10000, 0, 0);
	ok(elf_check(img, IMG_LEN, &info, why, sizeof(why)) == 0 &&
	   info.data == 0x2000 && info.loads == 2,
	   "elf_info.data: an empty segment maps nothing");
	build(img, true);
	ok(elf_check(img, IMG_LEN, &info, why, sizeof(why)) == 0 &&
	   info.entry == CODE && info.type == ET_DYN,
	   "elf_info of a static-pie program: relative entry, ET_DYN");
	ok(elf_check(img, IMG_LEN, NULL, NULL, 0) == 0,
	   "info and why may be NULL");
	img[EI_CLASS] = ELFCLASS32;
	ok(elf_check(img, IMG_LEN, NULL, NULL, 0) == MINOS_EXIT_CANNOT_RUN,
	   "a refusal with no room for the reason still returns 126");
	ok(elf_check(img, IMG_LEN, NULL, why, 8) == MINOS_EXIT_CANNOT_RUN &&
	   strcmp(why, "x32 ELF") == 0, "the reason is cut to fit and terminated");
	ok(elf_check(NULL, 100, NULL, why, sizeof(why)) == MINOS_EXIT_CANNOT_RUN &&
	   strcmp(why, "empty file") == 0, "a NULL image is an empty file");
}

/* ---- truncation and other files ---------------------------------------- */

/* Every prefix of the program is refused, with the part that is missing. */
static void test_truncation(void)
{
	static const struct {
		size_t from, to;
		const char *want;
	} spans[] = {
		{ 0, 0, "=empty file" },
		{ 1, 63, "=truncated ELF (ELF header past end of file)" },
		{ 64, PH(3) - 1, "=truncated ELF (program headers past end of file)" },
		{ PH(3), IMG_LEN - 1, "=truncated ELF (section headers past end of file)" },
	};
	unsigned char img[IMG_LEN];
	char why[256];
	size_t i, len;

	build(img, false);
	for (i = 0; i < sizeof(spans) / sizeof(spans[0]); i++) {
		unsigned bad = 0;

		for (len = spans[i].from; len <= spans[i].to; len++) {
			int r = check_copy(img, len, NULL, why, sizeof(why));

			if (!verdict(r, why, spans[i].want) && bad++ < 3)
				diag("length %zu: %d, \"%s\"", len, r, why);
		}
		ok(bad == 0, "cut to %zu..%zu bytes: \"%s\"", spans[i].from,
		   spans[i].to, spans[i].want + 1);
	}
}

static void test_other_files(void)
{
	static const struct {
		const char *what;
		const char *bytes;
		size_t len;
		const char *want;
	} files[] = {
		{ "a shell script", "#!/bin/sh\necho hi\n", 18,
		  "=a script (#!/bin/sh); minos-exec runs static x86-64 ELF programs only" },
		{ "a script with CRLF and arguments", "#!/usr/bin/env python3\r\n", 24,
		  "a script (#!/usr/bin/env python3);" },
		{ "a bare #!", "#!", 2, "a script (#!);" },
		{ "a #! with control bytes", "#!\x01\x1b[2J\n", 7, "a script (#!??[2J);" },
		{ "text", "hello, world\n", 13,
		  "=not an ELF program (no ELF magic); for a flat image use --flat" },
		{ "one byte 0x7f", "\x7f", 1, "=truncated ELF (ELF header past end of file)" },
		{ "three bytes of the magic", "\x7f" "EL", 3, "truncated ELF (ELF header" },
		{ "a wrong fourth magic byte", "\x7f" "ELX\x02\x01\x01", 7, "no ELF magic" },
		{ "a NUL byte", "", 1, "no ELF magic" },
		{ "a Windows program", "MZ\x90\x00\x03", 5, "a Windows program (MZ)" },
		{ "a Mach-O program", "\xcf\xfa\xed\xfe\x07\x00\x00\x01", 8, "a Mach-O program (macOS)" },
		{ "an ar archive", "!<arch>\nfoo.o/", 14, "an archive (ar), not a program" },
		{ "ELF ident only", "\x7f" "ELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00", 16,
		  "truncated ELF (ELF header" },
	};
	char why[256];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int r = check_copy((const unsigned char *)files[i].bytes,
				   files[i].len, NULL, why, sizeof(why));

		if (!ok(verdict(r, why, files[i].want), "%s: \"%s\"",
			files[i].what, files[i].want + (files[i].want[0] == '=')))
			diag("got %d, \"%s\"", r, why);
	}
	{
		unsigned char s[400];
		int r;

		memset(s, 'a', sizeof(s));
		s[0] = '#';
		s[1] = '!';
		r = check_copy(s, sizeof(s), NULL, why, sizeof(why));
		ok(r == MINOS_EXIT_CANNOT_RUN && strstr(why, "aaa...);") &&
		   strlen(why) < 200, "a long #! line is cut with ...");
	}
}

/* ---- flat images ------------------------------------------------------- */

static uint64_t get(const unsigned char *p, unsigned width)
{
	uint64_t v = 0;

	while (width--)
		v = v << 8 | p[width];
	return v;
}

/* hdr || flat, as the caller writes the file; NULL on failure. */
static unsigned char *wrap(const unsigned char *flat, size_t len, size_t *total)
{
	unsigned char *hdr = malloc(ELF_FLAT_HDR_SIZE), *file;
	size_t used = 0;

	if (elf_wrap_flat(flat, len, hdr, ELF_FLAT_HDR_SIZE, &used) != 0) {
		free(hdr);
		return NULL;
	}
	*total = used + len;
	file = malloc(*total);
	memcpy(file, hdr, used);
	memcpy(file + used, flat, len);
	free(hdr);
	return file;
}

static void test_wrap(void)
{
	static const size_t lens[] = { 1, 2, 4095, 4096, 4097, 1 << 20 };
	unsigned char hdr[ELF_FLAT_HDR_SIZE + 1] = { 0 }, *flat, *file;
	struct elf_info info;
	char why[256];
	size_t used = 1, total, i;
	bool good = true;

	ok(elf_wrap_flat(hdr, 0, hdr, sizeof(hdr), &used) == -ENOEXEC &&
	   used == 1, "an empty flat image is refused with ENOEXEC");
	ok(elf_wrap_flat(hdr, 1, hdr, ELF_FLAT_HDR_SIZE - 1, &used) == -EINVAL,
	   "a header buffer below ELF_FLAT_HDR_SIZE is refused with EINVAL");
	ok(elf_wrap_flat(hdr, 1, NULL, ELF_FLAT_HDR_SIZE, &used) == -EINVAL,
	   "a NULL header buffer is refused");
	ok(elf_wrap_flat(hdr, 0x00007ffffffff000ULL, hdr, sizeof(hdr), &used) == -E2BIG &&
	   elf_wrap_flat(hdr, SIZE_MAX, hdr, sizeof(hdr), &used) == -E2BIG,
	   "a flat image past the top of user space is refused with E2BIG");

	flat = calloc(1, 1 << 20);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		const unsigned char *ph;

		file = wrap(flat, lens[i], &total);
		if (!file || elf_check(file, total, &info, why, sizeof(why)) != 0) {
			diag("length %zu: %s", lens[i], file ? why : "not wrapped");
			good = false;
			free(file);
			continue;
		}
		ph = file + info.phoff;
		if (info.entry != MINOS_FLAT_BASE || info.type != ET_EXEC ||
		    info.phnum != 2 || info.loads != 1 || info.mem != lens[i] ||
		    get(ph, 4) != PT_LOAD || get(ph + 4, 4) != (PF_R | PF_W | PF_X) ||
		    get(ph + 8, 8) != ELF_FLAT_HDR_SIZE ||
		    get(ph + 16, 8) != MINOS_FLAT_BASE ||
		    get(ph + 32, 8) != lens[i] || get(ph + 40, 8) != lens[i] ||
		    get(ph + 56, 4) != PT_GNU_STACK ||
		    get(ph + 60, 4) != (PF_R | PF_W)) {
			diag("length %zu: wrong headers", lens[i]);
			good = false;
		}
		free(file);
	}
	free(flat);
	ok(good, "wrapped flat images pass elf_check: RWX PT_LOAD at 0x10000 from offset 4096, entry 0x10000, RW stack");
}

/* ---- the kernel's verdict ------------------------------------------------ */

/*
 * Run the image from a memfd and return its exit status, or -1 and a
 * reason to skip if this host cannot exec from a memfd.
 */
static int run_image(const unsigned char *img, size_t len, const char **skip_why)
{
	char *argv[] = { "test-image", NULL }, *envp[] = { NULL };
	int fd, status, pfd[2], err = 0;
	ssize_t n;
	pid_t pid;

	*skip_why = "this host cannot exec from a memfd";
	fd = memfd_create("test-elf", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, img, len) != (ssize_t)len || pipe2(pfd, O_CLOEXEC) < 0) {
		close(fd);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		/* On success the close-on-exec pipe just closes. */
		fexecve(fd, argv, envp);
		err = errno;
		n = write(pfd[1], &err, sizeof(err));
		_exit(n < 0 ? 125 : 126);
	}
	close(pfd[1]);
	close(fd);
	if (pid < 0) {
		close(pfd[0]);
		return -1;
	}
	n = read(pfd[0], &err, sizeof(err));
	close(pfd[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -2;
	if (n == (ssize_t)sizeof(err)) {
		diag("exec: %s", strerror(err));
		return err == EPERM || err == EACCES || err == ENOSYS ? -1 : -2;
	}
	if (!WIFEXITED(status)) {
		diag("the image died with status 0x%x", status);
		return -2;
	}
	return WEXITSTATUS(status);
}

/*
 * Flat code: stores 42 at its own absolute address 0x10017 (so it must be
 * mapped writable at 0x10000), loads it back and exits with it.
 *   mov byte [0x10017], 42; movzx edi, byte [0x10017];
 *   mov eax, 231; syscall; db 0
 */
static const unsigned char flat42[] = {
	0xc6, 0x04, 0x25, 0x17, 0x00, 0x01, 0x00, 0x2a,
	0x0f, 0xb6, 0x3c, 0x25, 0x17, 0x00, 0x01, 0x00,
	0xb8, 0xe7, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x00,
};

static void test_kernel(void)
{
	unsigned char img[IMG_LEN], *file;
	const char *why = NULL;
	size_t total;
	int r;

	build(img, false);
	r = run_image(img, IMG_LEN, &why);
	if (r == -1)
		skip(why, "Linux runs the minimal static program (exit 7)");
	else
		ok(r == 7, "Linux runs the minimal static program (exit 7, got %d)", r);
	build(img, true);
	r = run_image(img, IMG_LEN, &why);
	if (r == -1)
		skip(why, "Linux runs the minimal static-pie program (exit 7)");
	else
		ok(r == 7, "Linux runs the minimal static-pie program (exit 7, got %d)", r);
	file = wrap(flat42, sizeof(flat42), &total);
	r = file ? run_image(file, total, &why) : -2;
	if (r == -1)
		skip(why, "Linux maps a wrapped flat image RWX at 0x10000 and enters it");
	else
		ok(r == 42, "Linux maps a wrapped flat image RWX at 0x10000 and enters it (exit 42, got %d)", r);
	free(file);
}

/* ---- random mutations -------------------------------------------------- */

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const uint64_t interesting[] = {
	0, 1, 2, 3, 7, 56, 64, 0xff, 0xffff, 0x1000, IMG_LEN, IMG_LEN - 1,
	0x7fffffff, 0x80000000, 0xffffffff, BASE, 0x00007ffffffff000ULL,
	0x8000000000000000ULL, ANY64, ANY64 - 55,
};

static void mutate(unsigned char *img, size_t *len)
{
	unsigned n = 1 + (unsigned)(xorshift() % 4);

	while (n--) {
		uint64_t pick = xorshift();
		/* Mostly the headers, sometimes anywhere. */
		size_t span = pick % 3 ? PH(3) : IMG_LEN;
		size_t off = (size_t)(xorshift() % span);

		switch (pick % 4) {
		case 0:
			img[off] = (unsigned char)xorshift();
			break;
		case 1:
			img[off] ^= (unsigned char)(1u << (xorshift() % 8));
			break;
		case 2:
			off &= ~(size_t)7;
			if (off + 8 <= IMG_LEN)
				put(img, off, 8, interesting[xorshift() %
					(sizeof(interesting) / sizeof(interesting[0]))]);
			break;
		default:
			off &= ~(size_t)1;
			put(img, off, 2, interesting[xorshift() %
				(sizeof(interesting) / sizeof(interesting[0]))]);
			break;
		}
	}
	if (xorshift() % 8 == 0)
		*len = (size_t)(xorshift() % (IMG_LEN + 1));
}

static void test_random(void)
{
	unsigned char img[IMG_LEN];
	unsigned i, bad = 0, accepted = 0;
	char why[256];

	for (i = 0; i < 20000; i++) {
		struct elf_info info;
		size_t len = IMG_LEN;
		int r;

		build(img, xorshift() % 2);
		mutate(img, &len);
		memset(why, 'x', sizeof(why));
		r = check_copy(img, len, &info, why, sizeof(why));
		if (r == 0 && why[0] == '\0' && info.loads >= 1 &&
		    (info.type == ET_EXEC || info.type == ET_DYN) &&
		    info.phoff + info.phnum * 56ULL <= len) {
			accepted++;
			continue;
		}
		if (r == MINOS_EXIT_CANNOT_RUN && reason_ok(why))
			continue;
		if (bad++ < 5)
			diag("iteration %u: %d, \"%.80s\"", i, r, why);
	}
	ok(bad == 0, "20000 random mutations: each accepted soundly or refused with one line (%u accepted)",
	   accepted);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_rows();
	test_info();
	test_truncation();
	test_other_files();
	test_wrap();
	test_kernel();
	test_random();
	return tap_done();
}
