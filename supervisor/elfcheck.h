/* SPDX-License-Identifier: MIT */
/*
 * elfcheck.h - check a code image, wrap a flat one (pure: bytes in, verdict out).
 *
 * The image is attacker-controlled: every offset, size and count is checked
 * against the buffer before it is used, with overflow-safe arithmetic.
 */
#ifndef MINOS_ELFCHECK_H
#define MINOS_ELFCHECK_H

#include <stddef.h>
#include <stdint.h>

struct elf_info {
	uint64_t entry;  /* e_entry (for ET_DYN, relative to the load base) */
	uint64_t phoff;  /* file offset of the program headers */
	uint16_t type;   /* ET_EXEC or ET_DYN (static-pie) */
	uint16_t phnum;  /* program headers */
	unsigned loads;  /* PT_LOAD segments among them */
	uint64_t mem;    /* sum of the PT_LOAD segments' p_memsz: the memory
			  * the image needs mapped (bss included) before it
			  * runs; each is below the top of user space, so the
			  * sum cannot overflow */
	uint64_t data;   /* bytes of writable private memory Linux maps to
			  * load it, as RLIMIT_DATA counts them (--memory):
			  * the pages of every writable PT_LOAD and every bss
			  * (anonymous pages past p_filesz, writable whatever
			  * the segment's flags), each page once */
};

/*
 * Is img[0..len) a static ELF64 x86-64 executable (ET_EXEC, or ET_DYN
 * without PT_INTERP) that Linux can load?  Returns 0 and fills *info (may
 * be NULL), or MINOS_EXIT_CANNOT_RUN (126) with why = one printable line,
 * the reason and the fix, e.g. "dynamically linked (needs
 * /lib64/ld-linux-x86-64.so.2); link it with -static".
 */
int elf_check(const unsigned char *img, size_t len, struct elf_info *info,
	      char *why, size_t whylen);

/*
 * Wrapping a flat image (MINOS_ARCH_X86_64_FLAT) so that it starts through
 * the same execveat() as an ELF.  The file is laid out as
 *
 *   offset 0                   ELF64 header, PT_LOAD, PT_GNU_STACK headers
 *   ...                        zeros
 *   offset ELF_FLAT_HDR_SIZE   the flat bytes, len of them, then EOF
 *
 * elf_wrap_flat() fills out_hdr[0..ELF_FLAT_HDR_SIZE) with everything
 * before the flat bytes (headers and zero padding) and sets *used to
 * ELF_FLAT_HDR_SIZE: write out_hdr[0..*used), then flat[0..len), nothing
 * else.  Linux then maps the flat bytes read/write/execute at
 * MINOS_FLAT_BASE (0x10000), enters at MINOS_FLAT_BASE with a non-executable
 * stack, and elf_check() accepts the file.  (The file offset of the flat
 * bytes is a page, so p_offset == p_vaddr modulo 4096, as mmap needs.)
 *
 * Only len matters: flat itself is not read and may be NULL.
 *
 * Returns 0, or -ENOEXEC (len == 0), -E2BIG (the image would not fit below
 * the top of user space), -EINVAL (hdrlen < ELF_FLAT_HDR_SIZE).
 */
#define ELF_FLAT_HDR_SIZE 4096

int elf_wrap_flat(const unsigned char *flat, size_t len, unsigned char *out_hdr,
		  size_t hdrlen, size_t *used);

#endif
