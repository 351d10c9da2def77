/* SPDX-License-Identifier: MIT */
/*
 * elfcheck.c - is this image a static x86-64 program Linux will load? (pure)
 *
 * The checks follow what fs/binfmt_elf.c refuses, plus what makes a
 * program unrunnable here (an interpreter, another machine), and each
 * failure says why in one line with the fix.  Every field is read with
 * explicit little-endian loads from a bounds-checked offset; no structure
 * is ever overlaid on the image.
 */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "elfcheck.h"
#include "minos.h"

#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define SHDR_SIZE 64
#define PAGE_SIZE_ 4096ULL
#define USER_TOP 0x00007ffffffff000ULL /* x86-64 TASK_SIZE, 4-level paging */
#define PHDRS_MAX (65536 / PHDR_SIZE)  /* load_elf_phdrs() refuses more */
#define SHOW_MAX 100                   /* characters of a name in a message */

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif
#define EM_ALPHA_ 0x9026

struct ck {
	const unsigned char *img;
	size_t len;
	char *why;
	size_t whylen;
};

struct ehdr {
	bool be;
	uint16_t type, machine, phentsize, phnum, shentsize, shnum;
	uint32_t version;
	uint64_t entry, phoff, shoff;
};

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz;
};

/* Pages [lo, hi) that loading a segment makes writable private memory. */
struct span {
	uint64_t lo, hi;
};

struct scan {
	unsigned loads;
	uint64_t mem;
	unsigned nspans;
	struct span spans[PHDRS_MAX];
	bool entry_mapped;
	bool interp;
	uint64_t interp_off, interp_size;
};

static const struct {
	uint16_t em;
	const char *name;
} machines[] = {
	{ EM_NONE, "no machine" },
	{ EM_386, "Intel 80386" },
	{ EM_X86_64, "x86-64" },
	{ EM_ARM, "ARM" },
	{ EM_AARCH64, "ARM aarch64" },
	{ EM_RISCV, "RISC-V" },
	{ EM_PPC, "PowerPC" },
	{ EM_PPC64, "PowerPC 64" },
	{ EM_S390, "IBM S/390" },
	{ EM_MIPS, "MIPS" },
	{ EM_SPARC, "SPARC" },
	{ EM_SPARCV9, "SPARC v9" },
	{ EM_IA_64, "Intel Itanium" },
	{ EM_68K, "Motorola 68000" },
	{ EM_SH, "SuperH" },
	{ EM_PARISC, "HP PA-RISC" },
	{ EM_ALPHA_, "Alpha" },
	{ EM_LOONGARCH, "LoongArch" },
	{ EM_MICROBLAZE, "MicroBlaze" },
	{ EM_XTENSA, "Xtensa" },
	{ EM_AVR, "Atmel AVR" },
	{ EM_BPF, "eBPF" },
};

static const struct {
	unsigned char abi;
	const char *name;
} os_abis[] = {
	{ ELFOSABI_HPUX, "HP-UX" },
	{ ELFOSABI_NETBSD, "NetBSD" },
	{ ELFOSABI_SOLARIS, "Solaris" },
	{ ELFOSABI_AIX, "AIX" },
	{ ELFOSABI_IRIX, "IRIX" },
	{ ELFOSABI_FREEBSD, "FreeBSD" },
	{ ELFOSABI_OPENBSD, "OpenBSD" },
	{ ELFOSABI_STANDALONE, "standalone" },
};

static int fail(struct ck *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct ck *c, const char *fmt, ...)
{
	va_list ap;

	if (c->whylen) {
		va_start(ap, fmt);
		vsnprintf(c->why, c->whylen, fmt, ap);
		va_end(ap);
	}
	return MINOS_EXIT_CANNOT_RUN;
}

static uint16_t rd16(const unsigned char *p, bool be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t rd64(const unsigned char *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* Is [off, off + size) inside the image?  No overflow for any inputs. */
static bool in_file(const struct ck *c, uint64_t off, uint64_t size)
{
	return off <= c->len && size <= c->len - off;
}

/* Up to SHOW_MAX bytes of s, stopping at end or NUL, '?' for unprintable. */
static const char *shown(const unsigned char *s, size_t len, const char *stop,
			 char buf[SHOW_MAX + 1])
{
	size_t i;

	for (i = 0; i < len && i < SHOW_MAX && s[i] && !strchr(stop, s[i]); i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? (char)s[i] : '?';
	if (i == SHOW_MAX && i < len && s[i] && !strchr(stop, s[i]))
		memcpy(buf + i - 3, "...", 3);
	buf[i] = '\0';
	return buf;
}

static const char *machine_name(uint16_t em, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(machines) / sizeof(machines[0]); i++)
		if (machines[i].em == em)
			return machines[i].name;
	snprintf(buf, len, "e_machine %u", em);
	return buf;
}

static const char *os_name(unsigned char abi, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(os_abis) / sizeof(os_abis[0]); i++)
		if (os_abis[i].abi == abi)
			return os_abis[i].name;
	snprintf(buf, len, "OS ABI %u", abi);
	return buf;
}

/* ---- what kind of file ------------------------------------------------- */

static int check_magic(struct ck *c)
{
	static const unsigned char macho[][4] = {
		{ 0xfe, 0xed, 0xfa, 0xce }, { 0xfe, 0xed, 0xfa, 0xcf },
		{ 0xce, 0xfa, 0xed, 0xfe }, { 0xcf, 0xfa, 0xed, 0xfe },
	};
	const unsigned char *p = c->img;
	char show[SHOW_MAX + 1];
	size_t i;

	if (c->len == 0)
		return fail(c, "empty file");
	if (c->len >= 2 && p[0] == '#' && p[1] == '!')
		return fail(c, "a script (#!%s); minos-exec runs static x86-64 ELF programs only",
			    shown(p + 2, c->len - 2, "\r\n", show));
	if (c->len < SELFMAG && memcmp(p, ELFMAG, c->len) == 0)
		return fail(c, "truncated ELF (ELF header past end of file)");
	if (c->len >= SELFMAG && memcmp(p, ELFMAG, SELFMAG) == 0)
		return 0;
	if (c->len >= 2 && p[0] == 'M' && p[1] == 'Z')
		return fail(c, "a Windows program (MZ), not an ELF; build it for Linux x86-64");
	for (i = 0; c->len >= 4 && i < sizeof(macho) / sizeof(macho[0]); i++)
		if (memcmp(p, macho[i], 4) == 0)
			return fail(c, "a Mach-O program (macOS), not an ELF; build it for Linux x86-64");
	if (c->len >= 8 && memcmp(p, "!<arch>\n", 8) == 0)
		return fail(c, "an archive (ar), not a program; link it into a program with -static");
	return fail(c, "not an ELF program (no ELF magic); for a flat image use --flat");
}

/* e_ident: class, byte order, version, OS ABI; and 32-bit machines. */
static int check_ident(struct ck *c)
{
	const unsigned char *p = c->img;
	char buf[32];
	uint16_t em;
	bool be;

	if (c->len < EI_NIDENT + 4)
		return fail(c, "truncated ELF (ELF header past end of file)");
	if (p[EI_DATA] != ELFDATA2LSB && p[EI_DATA] != ELFDATA2MSB)
		return fail(c, "bad ELF byte order (%u)", p[EI_DATA]);
	be = p[EI_DATA] == ELFDATA2MSB;
	em = rd16(p + 18, be);
	if (p[EI_CLASS] == ELFCLASS32) {
		if (!be && em == EM_386)
			return fail(c, "32-bit ELF; build it for x86-64 (-m64) and link it with -static");
		if (!be && em == EM_X86_64)
			return fail(c, "x32 ELF (32-bit pointers); build it for x86-64 (-m64) and link it with -static");
		return fail(c, "32-bit %sELF for another machine (%s); build it for x86-64",
			    be ? "big-endian " : "", machine_name(em, buf, sizeof(buf)));
	}
	if (p[EI_CLASS] != ELFCLASS64)
		return fail(c, "bad ELF class (%u)", p[EI_CLASS]);
	if (be)
		return fail(c, "big-endian ELF for another machine (%s); build it for x86-64",
			    machine_name(em, buf, sizeof(buf)));
	if (p[EI_VERSION] != EV_CURRENT)
		return fail(c, "bad ELF version (%u)", p[EI_VERSION]);
	if (p[EI_OSABI] != ELFOSABI_SYSV && p[EI_OSABI] != ELFOSABI_GNU)
		return fail(c, "ELF for another operating system (%s); build it for Linux",
			    os_name(p[EI_OSABI], buf, sizeof(buf)));
	if (c->len < EHDR_SIZE)
		return fail(c, "truncated ELF (ELF header past end of file)");
	return 0;
}

static void read_ehdr(const struct ck *c, struct ehdr *e)
{
	const unsigned char *p = c->img;

	e->be = false;
	e->type = rd16(p + 16, false);
	e->machine = rd16(p + 18, false);
	e->version = rd32(p + 20);
	e->entry = rd64(p + 24);
	e->phoff = rd64(p + 32);
	e->shoff = rd64(p + 40);
	e->phentsize = rd16(p + 54, false);
	e->phnum = rd16(p + 56, false);
	e->shentsize = rd16(p + 58, false);
	e->shnum = rd16(p + 60, false);
}

static int check_type(struct ck *c, const struct ehdr *e)
{
	switch (e->type) {
	case ET_EXEC:
	case ET_DYN:
		return 0;
	case ET_REL:
		return fail(c, "not an executable (ELF relocatable object); link it into a program");
	case ET_CORE:
		return fail(c, "not an executable (ELF core dump)");
	default:
		return fail(c, "not an executable (ELF type 0x%x)", e->type);
	}
}

/* The ELF header's fields, and where the header tables lie in the file. */
static int check_ehdr(struct ck *c, const struct ehdr *e)
{
	char buf[32];
	uint64_t n;
	int r;

	if (e->machine != EM_X86_64)
		return fail(c, "ELF for another machine (%s); build it for x86-64",
			    machine_name(e->machine, buf, sizeof(buf)));
	if (e->version != EV_CURRENT)
		return fail(c, "bad ELF version (%u)", e->version);
	r = check_type(c, e);
	if (r)
		return r;
	if (e->phnum == 0)
		return fail(c, "no loadable segment (no program headers)");
	if (e->phnum > PHDRS_MAX)
		return fail(c, "bad ELF (%u program headers, at most %u)",
			    e->phnum, PHDRS_MAX);
	if (e->phentsize != PHDR_SIZE)
		return fail(c, "bad ELF (program header size %u, not %u)",
			    e->phentsize, PHDR_SIZE);
	if (!in_file(c, e->phoff, (uint64_t)e->phnum * PHDR_SIZE))
		return fail(c, "truncated ELF (program headers past end of file)");
	if (e->shoff == 0)
		return 0;
	/* e_shnum 0 with e_shoff set: the count is in section header 0. */
	n = e->shnum ? e->shnum : 1;
	if (e->shentsize != SHDR_SIZE)
		return fail(c, "bad ELF (section header size %u, not %u)",
			    e->shentsize, SHDR_SIZE);
	if (!in_file(c, e->shoff, n * SHDR_SIZE))
		return fail(c, "truncated ELF (section headers past end of file)");
	return 0;
}

/* ---- program headers --------------------------------------------------- */

static void read_phdr(const struct ck *c, uint64_t off, struct phdr *ph)
{
	const unsigned char *p = c->img + off;

	ph->type = rd32(p);
	ph->flags = rd32(p + 4);
	ph->offset = rd64(p + 8);
	ph->vaddr = rd64(p + 16);
	ph->filesz = rd64(p + 32);
	ph->memsz = rd64(p + 40);
}

static int check_load(struct ck *c, const struct ehdr *e,
		      const struct phdr *ph, unsigned k, struct scan *s)
{
	if (ph->filesz > ph->memsz)
		return fail(c, "bad ELF (segment %u: file size above memory size)", k);
	if (!in_file(c, ph->offset, ph->filesz))
		return fail(c, "truncated ELF (segment %u past end of file)", k);
	if (ph->vaddr > USER_TOP || ph->memsz > USER_TOP - ph->vaddr)
		return fail(c, "bad ELF (segment %u outside the user address space)", k);
	if (ph->filesz && ph->offset % PAGE_SIZE_ != ph->vaddr % PAGE_SIZE_)
		return fail(c, "bad ELF (segment %u: offset and address differ modulo 4096)", k);
	if (e->entry >= ph->vaddr && e->entry - ph->vaddr < ph->memsz)
		s->entry_mapped = true;
	s->loads++;
	s->mem += ph->memsz;
	/* What binfmt_elf's elf_load() maps: the file part with the
	 * segment's protection, then the bss past the file part's last page
	 * by vm_brk_flags(), which is always writable.  (A p_memsz of 0 maps
	 * nothing; the vaddr and end were checked below USER_TOP.) */
	uint64_t lo = ph->vaddr & ~(PAGE_SIZE_ - 1);
	uint64_t end = (ph->vaddr + ph->memsz + PAGE_SIZE_ - 1) & ~(PAGE_SIZE_ - 1);
	if (!(ph->flags & PF_W) && ph->filesz)
		lo = (ph->vaddr + ph->filesz + PAGE_SIZE_ - 1) & ~(PAGE_SIZE_ - 1);
	if (ph->memsz && end > lo)
		s->spans[s->nspans++] = (struct span){ lo, end };
	return 0;
}

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* The bytes of the union of the spans, each page once. */
static uint64_t span_bytes(struct span *sp, unsigned n)
{
	uint64_t total = 0, lo = 0, hi = 0;
	qsort(sp, n, sizeof(*sp), span_cmp);
	for (unsigned i = 0; i < n; i++) {
		if (i && sp[i].lo <= hi) {
			if (sp[i].hi > hi)
				hi = sp[i].hi;
			continue;
		}
		total += hi - lo;
		lo = sp[i].lo;
		hi = sp[i].hi;
	}
	return total + (hi - lo);
}

static int check_phdrs(struct ck *c, const struct ehdr *e, struct scan *s)
{
	struct phdr ph;
	unsigned k;
	int r;

	s->loads = 0;
	s->mem = 0;
	s->nspans = 0;
	s->entry_mapped = s->interp = false;
	s->interp_off = s->interp_size = 0;
	for (k = 0; k < e->phnum; k++) {
		read_phdr(c, e->phoff + (uint64_t)k * PHDR_SIZE, &ph);
		if (ph.type == PT_LOAD) {
			r = check_load(c, e, &ph, k, s);
			if (r)
				return r;
		} else if (ph.type == PT_INTERP && !s->interp) {
			if (!in_file(c, ph.offset, ph.filesz))
				return fail(c, "truncated ELF (interpreter name past end of file)");
			s->interp = true;
			s->interp_off = ph.offset;
			s->interp_size = ph.filesz;
		}
	}
	return 0;
}

static int dynamic(struct ck *c, const struct scan *s)
{
	char show[SHOW_MAX + 1];

	shown(c->img + s->interp_off, s->interp_size, "", show);
	if (show[0] == '\0')
		return fail(c, "dynamically linked (needs an ELF interpreter); link it with -static");
	return fail(c, "dynamically linked (needs %s); link it with -static", show);
}

int elf_check(const unsigned char *img, size_t len, struct elf_info *info,
	      char *why, size_t whylen)
{
	struct ck c = { img, img ? len : 0, why, whylen };
	struct ehdr e;
	struct scan s;
	int r;

	if (whylen)
		why[0] = '\0';
	r = check_magic(&c);
	if (!r)
		r = check_ident(&c);
	if (r)
		return r;
	read_ehdr(&c, &e);
	r = check_ehdr(&c, &e);
	if (!r)
		r = check_phdrs(&c, &e, &s);
	if (r)
		return r;
	if (s.interp)
		return dynamic(&c, &s);
	if (s.loads == 0)
		return fail(&c, "no loadable segment");
	if (e.type == ET_DYN && e.entry == 0)
		return fail(&c, "a shared library, not a program; link a program with -static");
	if (!s.entry_mapped)
		return fail(&c, "bad ELF (entry point 0x%llx outside every loadable segment)",
			    (unsigned long long)e.entry);
	if (info) {
		info->entry = e.entry;
		info->phoff = e.phoff;
		info->type = e.type;
		info->phnum = e.phnum;
		info->loads = s.loads;
		info->mem = s.mem;
		info->data = span_bytes(s.spans, s.nspans);
	}
	return 0;
}

/* ---- flat images ------------------------------------------------------- */

static void wr16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void wr32(unsigned char *p, uint32_t v)
{
	wr16(p, (uint16_t)v);
	wr16(p + 2, (uint16_t)(v >> 16));
}

static void wr64(unsigned char *p, uint64_t v)
{
	wr32(p, (uint32_t)v);
	wr32(p + 4, (uint32_t)(v >> 32));
}

static void wr_phdr(unsigned char *p, uint32_t type, uint32_t flags,
		    uint64_t off, uint64_t vaddr, uint64_t size, uint64_t align)
{
	wr32(p, type);
	wr32(p + 4, flags);
	wr64(p + 8, off);
	wr64(p + 16, vaddr);
	wr64(p + 24, vaddr);
	wr64(p + 32, size);
	wr64(p + 40, size);
	wr64(p + 48, align);
}

int elf_wrap_flat(const unsigned char *flat, size_t len, unsigned char *out_hdr,
		  size_t hdrlen, size_t *used)
{
	unsigned char *p = out_hdr;

	if (len == 0)
		return -ENOEXEC;
	if (!p || hdrlen < ELF_FLAT_HDR_SIZE)
		return -EINVAL;
	if (len > USER_TOP - MINOS_FLAT_BASE)
		return -E2BIG;
	memset(p, 0, ELF_FLAT_HDR_SIZE);
	memcpy(p, ELFMAG, SELFMAG);
	p[EI_CLASS] = ELFCLASS64;
	p[EI_DATA] = ELFDATA2LSB;
	p[EI_VERSION] = EV_CURRENT;
	p[EI_OSABI] = ELFOSABI_SYSV;
	wr16(p + 16, ET_EXEC);
	wr16(p + 18, EM_X86_64);
	wr32(p + 20, EV_CURRENT);
	wr64(p + 24, MINOS_FLAT_BASE);     /* e_entry */
	wr64(p + 32, EHDR_SIZE);           /* e_phoff */
	wr16(p + 52, EHDR_SIZE);           /* e_ehsize */
	wr16(p + 54, PHDR_SIZE);           /* e_phentsize */
	wr16(p + 56, 2);                   /* e_phnum */
	wr16(p + 58, SHDR_SIZE);           /* e_shentsize; no sections */
	wr_phdr(p + EHDR_SIZE, PT_LOAD, PF_R | PF_W | PF_X, ELF_FLAT_HDR_SIZE,
		MINOS_FLAT_BASE, len, PAGE_SIZE_);
	wr_phdr(p + EHDR_SIZE + PHDR_SIZE, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 16);
	if (used)
		*used = ELF_FLAT_HDR_SIZE;
	return 0;
}
