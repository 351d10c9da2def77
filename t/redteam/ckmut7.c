/* SPDX-License-Identifier: MIT */
/* ckmut7: red team 7's hostile checkpoint files (t/955-redteam7.bats),
 * with valid checksums (ckfile.c's writer; what it refuses is "write:
 * ...", status 1).
 *
 *   ckmut7 IN OUT MUTATION
 *
 *   cidmax     the first container's last cid handed out is INT32_MAX
 *   streamhog  80 streams of capacity 1 MiB that no one holds, then one
 *              holding 65536 bytes (a user past fs.pipe-user-pages-soft
 *              gets pipes of 2 pages, and may not grow them)
 *   share3     every pipe end of every container names stream 0
 *   cidover    the second container's cid is past its parent's last cid
 *   rootless   the second container claims no parent (a second root
 *              outside a policy run)
 *   fileoff    every policy file is at offset 2^40 (past its end)
 *   over       stream 0 holds more bytes than the kernel's pipe may (its
 *              capacity 1 MiB + 4096, which the writer refuses)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include "ckfile.h"
#include "ckstate.h"

int main(int argc, char **argv)
{
	if (argc != 4)
		return 2;
	int fd = open(argv[1], O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return 2;
	char *b = malloc((size_t)st.st_size);
	if (!b || read(fd, b, (size_t)st.st_size) != st.st_size)
		return 2;
	close(fd);
	struct ck_run r;
	char err[256];
	if (ck_read(b, (size_t)st.st_size, &r, err, sizeof(err)) < 0) {
		fprintf(stderr, "read: %s\n", err);
		return 1;
	}
	const char *m = argv[3];
	static uint8_t full[1u << 21];
	memset(full, 'x', sizeof(full));
	if (!strcmp(m, "cidmax")) {
		r.containers[0].next_cid = INT32_MAX;
	} else if (!strcmp(m, "streamhog")) {
		uint32_t n = r.nstreams + 81;
		struct ck_stream *s = calloc(n, sizeof(*s));
		memcpy(s, r.streams, r.nstreams * sizeof(*s));
		for (uint32_t i = r.nstreams; i < n; i++)
			s[i].capacity = 1u << 20;
		s[n - 1].capacity = 65536;
		s[n - 1].len = 65536;
		s[n - 1].bytes = full;
		r.streams = s;
		r.nstreams = n;
	} else if (!strcmp(m, "share3")) {
		for (uint32_t ci = 0; ci < r.ncontainers; ci++)
			for (uint32_t i = 0; i < r.containers[ci].nfds; i++) {
				struct ck_fd *f = &r.containers[ci].fds[i];
				if (f->kind == CK_FD_PIPE_R || f->kind == CK_FD_PIPE_W)
					f->stream = 0;
			}
	} else if (!strcmp(m, "fileoff")) {
		for (uint32_t ci = 0; ci < r.ncontainers; ci++)
			for (uint32_t i = 0; i < r.containers[ci].nfds; i++)
				if (r.containers[ci].fds[i].kind == CK_FD_FILE)
					r.containers[ci].fds[i].offset = 1ull << 40;
	} else if (!strcmp(m, "cidover")) {
		r.containers[1].cid = r.containers[0].next_cid + 1;
	} else if (!strcmp(m, "rootless")) {
		r.containers[1].parent = -1;
		r.containers[1].cid = 0;
	} else if (!strcmp(m, "over")) {
		if (!r.nstreams) {
			r.streams = calloc(1, sizeof(*r.streams));
			r.nstreams = 1;
		}
		r.streams[0].capacity = (1u << 20) + 4096;
		r.streams[0].len = (1u << 20) + 4096;
		r.streams[0].bytes = full;
	} else {
		fprintf(stderr, "unknown mutation %s\n", m);
		return 2;
	}
	fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ck_write(fd, &r, err, sizeof(err)) < 0) {
		fprintf(stderr, "write: %s\n", err);
		return 1;
	}
	return 0;
}
