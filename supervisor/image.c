/* SPDX-License-Identifier: MIT */
/*
 * image.c - read PROGRAM once into a sealed memfd.
 *
 * The bytes are copied into the memfd, the memfd is sealed, and only then
 * are they checked, through a read-only mapping of the memfd itself: what
 * is checked is exactly what runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <elf.h>
#include "elfcheck.h"
#include "image.h"
#include "log.h"
#include "sha256.h"
#include "units.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

static int open_program(const char *prog, const char *dir, char *found,
			size_t len)
{
	if (strchr(prog, '/')) {
		if (dir && prog[0] != '/')
			snprintf(found, len, "%s/%s", dir, prog);
		else
			snprintf(found, len, "%s", prog);
		return open(found, O_RDONLY | O_CLOEXEC);
	}
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	int saved = ENOENT;
	for (const char *p = path; ; p++) {
		const char *end = strchrnul(p, ':');
		int n = snprintf(found, len, "%.*s/%s", (int)(end - p),
				 end == p ? "." : p, prog);
		if (end == p)
			n = snprintf(found, len, "./%s", prog);
		if (n > 0 && (size_t)n < len) {
			int fd = open(found, O_RDONLY | O_CLOEXEC);
			struct stat st;
			if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
				return fd;
			if (fd >= 0)
				close(fd);
			else if (errno != ENOENT && errno != ENOTDIR)
				saved = errno;
		}
		if (!*end)
			break;
		p = end;
	}
	snprintf(found, len, "%s", prog);
	errno = saved;
	return -1;
}

static int new_memfd(const char *prog)
{
	const char *base = strrchr(prog, '/');
	base = base ? base + 1 : prog;
	char name[64];
	snprintf(name, sizeof(name), "minos:%s", base);
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		die(125, "memfd_create: %s", strerror(errno));
	return fd;
}

static void copy_all(int to, int from, size_t size, const char *prog)
{
	while (size > 0) {
		ssize_t n = sendfile(to, from, NULL, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die(126, "%s: cannot read: %s", prog, strerror(errno));
		if (n == 0)
			die(126, "%s: changed while being read; try again", prog);
		size -= (size_t)n;
	}
}

static void write_all(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die(125, "writing the image: %s", strerror(errno));
		p += n;
		len -= (size_t)n;
	}
}

void image_load(const struct image_req *rq, struct image *out)
{
	const char *prog = rq->program, *where = rq->where ? rq->where : prog;
	char *found = out->path;
	int fd = open_program(prog, rq->dir, found, sizeof(out->path));
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			die(127, "%s: not found", where);
		die(126, "%s: cannot open: %s", where, strerror(errno));
	}
	struct stat st;
	if (fstat(fd, &st) < 0)
		die(126, "%s: cannot stat: %s", where, strerror(errno));
	if (S_ISDIR(st.st_mode))
		die(126, "%s: is a directory", where);
	if (!S_ISREG(st.st_mode))
		die(126, "%s: not a regular file", where);
	if ((unsigned long long)st.st_size > rq->max)
		die(126, "%s: too large (%lld bytes, the limit is %llu); raise %s",
		    where, (long long)st.st_size, rq->max,
		    rq->where ? "image-size" : "--image-size");
	if (st.st_size == 0)
		die(126, "%s: empty file", where);

	size_t size = (size_t)st.st_size, hdr = 0;
	int mfd = new_memfd(prog);
	if (rq->flat) {
		unsigned char head[ELF_FLAT_HDR_SIZE];
		if (elf_wrap_flat(NULL, size, head, sizeof(head), &hdr) < 0)
			die(126, "%s: cannot be a flat image", where);
		write_all(mfd, head, hdr);
	}
	copy_all(mfd, fd, size, where);
	close(fd);
	if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW |
					   F_SEAL_WRITE) < 0)
		die(125, "sealing the image: %s", strerror(errno));

	size_t total = hdr + size;
	unsigned char *img = mmap(NULL, total, PROT_READ, MAP_PRIVATE, mfd, 0);
	if (img == MAP_FAILED)
		die(125, "mapping the image: %s", strerror(errno));
	char why[256];
	struct elf_info info;
	if (elf_check(img, total, &info, why, sizeof(why)) != 0)
		die(126, "%s: %s", where, why);
	/* Memory it cannot even be loaded in: Linux would fail its exec past
	 * the point of no return (SIGSEGV).  RLIMIT_DATA counts whole pages
	 * of writable memory (info.data); RLIMIT_AS every page. */
	char need[32], have[32];
	if (rq->memory && info.data > (rq->memory & ~4095ULL))
		die(126, "%s: needs %s of writable memory (data and bss) to be loaded, "
		    "more than the memory limit %s; raise %s", where,
		    units_fmt_size(info.data, need, sizeof(need)),
		    units_fmt_size(rq->memory, have, sizeof(have)),
		    rq->where ? "memory" : "--memory");
	if (rq->address_space && info.mem > rq->address_space)
		die(126, "%s: needs %s of address space to be loaded, more than "
		    "the address-space limit %s; raise %s", where,
		    units_fmt_size(info.mem, need, sizeof(need)),
		    units_fmt_size(rq->address_space, have, sizeof(have)),
		    rq->where ? "address-space" : "--address-space");
	out->sha256[0] = '\0';
	if (rq->hash) {
		struct sha256 h;
		sha256_init(&h);
		sha256_update(&h, img + hdr, size);
		sha256_hex(&h, out->sha256);
	}
	munmap(img, total);
	out->memfd = mfd;
}
