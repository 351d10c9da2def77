/* SPDX-License-Identifier: MIT */
/*
 * ckfile.h - the checkpoint file: a struct ck_run (ckstate.h) as bytes,
 * and bytes back into a struct ck_run.  The layout is minos(7),
 * "Checkpoint files"; in short:
 *
 *   header   "MINOSCKP", format version, model version, flags, its CRC-32C
 *   sections each: type, payload length, record count, CRC-32C of the
 *            payload, CRC-32C of the section header; 8-byte aligned;
 *            in a fixed order: HOST RUN STREAMS STAGES, then for each
 *            container CONTAINER THREADS FDS OBJECTS CNEWS MAPS [PAD]
 *            [PAGES], then END
 *   RUN      counts, wall time, the policy's stages and its SHA-256
 *   STAGES   a policy run's stages, in the policy's order: live, or the
 *            status a stage that ended before the checkpoint ended with
 *   CONTAINER  its record, then its shared pending signals (128-byte
 *            siginfo_t each); THREADS: each thread's record, its xstate
 *            (padded to 8), then its own pending signals
 *   OBJECTS  the container's private objects (epoll sets with their
 *            registrations, eventfds, timerfds), one record for each
 *            descriptor of kind CK_FD_OBJECT in FDS, in the same order
 *   CNEWS    the container's cnews wound back while they waited for
 *            their code: each one's thread, code rfd and the bytes it
 *            had read of the stream (padded to 8)
 *   PAGES    the container's saved pages, in the order of its mappings'
 *            extents, starting on a 4096-byte boundary of the file (a
 *            reader may mmap it or read it with O_DIRECT); all-zero pages
 *            are never written (the writer splits extents around them)
 *   END      SHA-256 of every byte before END's header (with
 *            CK_F_DIGEST_PAGES) or of every byte outside the PAGES
 *            payloads, whose CRC-32C the hashed headers hold (without)
 *
 * ck_read() is pure (no kernel calls, no global state) and checks every
 * byte before it returns a model; ck_write() streams a model to a
 * descriptor with write(2) (a pipe will do: it never seeks).
 */
#ifndef MINOS_CKFILE_H
#define MINOS_CKFILE_H

#include <stddef.h>
#include <stdint.h>

#include "ckstate.h"

#define CK_MAGIC "MINOSCKP"
#define CK_FILE_VERSION 5u

/* Header flags. */
#define CK_F_DIGEST_PAGES 1u  /* END's SHA-256 covers the PAGES payloads too */

/* Section types. */
enum ck_section {
	CK_S_HOST = 1, CK_S_RUN = 2, CK_S_STREAMS = 3, CK_S_CONTAINER = 4,
	CK_S_THREADS = 5, CK_S_FDS = 6, CK_S_MAPS = 7, CK_S_PAD = 8,
	CK_S_PAGES = 9, CK_S_END = 10, CK_S_OBJECTS = 11, CK_S_STAGES = 12,
	CK_S_CNEWS = 13,
};

/* Bytes of the file header and of a section header. */
#define CK_HEADER_LEN 24u
#define CK_SECTION_LEN 24u
/* The file offset alignment of every PAGES payload. */
#define CK_FILE_ALIGN 4096u
/* The highest user address + 1 (x86-64, 4-level paging). */
#define CK_USER_END (1ull << 47)

/*
 * Parse and check len bytes of a checkpoint file.  0 and *out filled, or
 * -1 and one line in err: "byte OFFSET: WHAT: WHY", OFFSET the first byte
 * of the record (or header) at fault.  Every range written in ckstate.h
 * is checked, every checksum and the SHA-256; a file of another format
 * or model version is refused.  Nothing but out and err is written; out
 * is left zeroed on failure (ck_free() on it is harmless).
 *
 * Lifetimes: out's arrays (containers, threads, maps, extents, fds,
 * objects and their registrations, codes, streams, stages) are allocated and freed by
 * ck_free(); the bytes a thread's xstate, a stream's bytes and an extent's data point at are inside buf
 * (zero-copy; never written through), and so do a wound-back cnew's
 * bytes (codes) and the pending signals
 * (sigq of a container and of a thread), so buf must outlive out and stay
 * unchanged.  extent.file_off is also set: the offset of its bytes in buf.
 * out->host is the host that wrote the file; comparing it with this host
 * is the caller's (ck_host_check() in ckhost.h).
 */
int ck_read(const void *buf, size_t len, struct ck_run *out, char *err, size_t errlen);

/* Free what ck_read() allocated in run, and zero it. */
void ck_free(struct ck_run *run);

/*
 * Write run to fd (any descriptor write(2) takes; never seeks).  The
 * model is checked first by the same rules as ck_read() (so nothing is
 * written for a model a reader would refuse; the offset in a message is
 * where the record would have been).  Every extent's data must be in
 * memory (data != NULL; ck_write_from() below: or read through a
 * source); its all-zero pages are left out of the file.
 * Page data goes from the model's buffers straight to write(2), without
 * a copy.  ck_write() writes without CK_F_DIGEST_PAGES (the SHA-256
 * covers the pages through PAGES' CRC-32C: hashing every page would
 * bound the speed at SHA-256's); ck_write_flags() takes the header flags.  0, or -1 with one line in err (a write error
 * after the first byte leaves a partial file: the caller removes it).
 */
int ck_write(int fd, const struct ck_run *run, char *err, size_t errlen);
int ck_write_flags(int fd, const struct ck_run *run, uint32_t flags,
		   char *err, size_t errlen);

/*
 * Where the bytes of extents without data come from: read(ctx, addr, buf,
 * len) fills buf with the len bytes of container ci's memory at addr (its
 * mapping's start + the extent's off + ...), 0 or -1 (errno set).  The
 * writer reads each such extent twice through one buffer of CK_FETCH
 * bytes: once to leave out its zero pages and sum the rest, once to write
 * them, checking they still sum the same (the memory must not change in
 * between: a checkpoint's threads are stopped).  So a checkpoint holds no
 * copy of the container's memory.
 */
struct ck_source {
	int (*read)(void *ctx, uint32_t ci, uint64_t addr, void *buf, size_t len);
	void *ctx;
};
#define CK_FETCH (1u << 20)
int ck_write_from(int fd, const struct ck_run *run, uint32_t flags,
		  const struct ck_source *src, char *err, size_t errlen);

/* The format's little-endian fields (for the parser, the writer and the
 * tests that build or damage files). */
static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static inline void st32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void st64(uint8_t *p, uint64_t v)
{
	st32(p, (uint32_t)v);
	st32(p + 4, (uint32_t)(v >> 32));
}

#endif
