/* SPDX-License-Identifier: MIT */
/* crc32c.h - CRC-32C (Castagnoli), the checksum of each checkpoint section. */
#ifndef MINOS_CRC32C_H
#define MINOS_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/*
 * crc32c(0, p, n) is the CRC-32C of n bytes; crc32c(crc32c(0, a, n), b, m)
 * that of a followed by b.  SSE4.2's crc32 instruction where the CPU has
 * it (chosen once), else a table; both give the same value.
 */
uint32_t crc32c(uint32_t crc, const void *p, size_t n);
/* The table version alone (tests compare the two). */
uint32_t crc32c_sw(uint32_t crc, const void *p, size_t n);

#endif
