/* SPDX-License-Identifier: MIT */
/*
 * minos.h - the Minos ABI on Linux x86-64.
 *
 * The one place where the Minos call numbers, image formats and limits
 * exist: the supervisor (minos-exec) includes this header too.  See
 * minos(7) and libminos(3).
 *
 * Every wrapper returns a value >= 0 on success or -errno on failure;
 * there is no errno in a Minos program.  Calls with a second result
 * return it through an out-parameter.
 */
#ifndef MINOS_H
#define MINOS_H

#ifdef __cplusplus
extern "C" {
#endif

/* System call numbers (rax); the second result, if any, comes in rdx. */
#define MINOS_SYS_CNEW   0x4401
#define MINOS_SYS_CKILL  0x4402
#define MINOS_SYS_PIPE   0x4403
#define MINOS_SYS_READ   0x4404
#define MINOS_SYS_WRITE  0x4405
#define MINOS_SYS_WCLOSE 0x4406
#define MINOS_SYS_RCLOSE 0x4407
#define MINOS_SYS_WPASS  0x4408
#define MINOS_SYS_RPASS  0x4409

#define MINOS_SYS_FIRST  MINOS_SYS_CNEW
#define MINOS_SYS_LAST   MINOS_SYS_RPASS

/* Image formats for cnew's arch argument. */
#define MINOS_ARCH_X86_64_FLAT 1 /* raw bytes at 0x10000, entry 0x10000 */
#define MINOS_ARCH_X86_64_ELF  2 /* static ELF64 x86-64 executable */

#define MINOS_FLAT_BASE 0x10000UL

/* The smallest upper bound on rfd_count a Minos read must accept. */
#define MINOS_READ_MAX_RFDS 64

#ifndef __ASSEMBLER__
#include <stddef.h>

long minos_cnew(int code_rfd, const int *fds, unsigned rfd_count,
		unsigned wfd_count, unsigned long arch);
long minos_ckill(int cid);
long minos_pipe(int *wfd, int *rfd);
long minos_read(const int *rfds, unsigned rfd_count, void *buf, size_t size,
		int *from);
long minos_write(int wfd, const void *buf, size_t size);
long minos_wclose(int wfd);
long minos_rclose(int rfd);
long minos_wpass(int wfd, int cid);
long minos_rpass(int rfd, int cid);
#endif

#ifdef __cplusplus
}
#endif

#endif /* MINOS_H */
