/* SPDX-License-Identifier: MIT */
/* ckmut8: red team 8's hostile checkpoint files (t/956-redteam8.bats):
 * forged cnews wound back (CNEWS), with valid checksums (ckfile.c's
 * writer; what it refuses is "write: ...", status 1).  IN must hold
 * container 0 with at least 3 threads and a read end, its thread 0 with
 * at most one record (its code rfd; else the first read end is used).
 *
 *   ckmut8 IN OUT MUTATION
 *
 *   many    threads 0, 1 and 2 each with 12 MiB read from that rfd
 *           (36 MiB in all)
 *   big     thread 0's record is 40 MiB
 *   extra   thread 1 also has 100 bytes read from that rfd
 *           (it is in no cnew: they wait with it, charged, until it
 *           ends)
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
	struct ck_container *k = &r.containers[0];
	int32_t code = -1;
	for (uint32_t i = 0; i < k->nfds && code < 0; i++)
		if (k->fds[i].kind == CK_FD_PIPE_R)
			code = k->fds[i].num;
	if (k->ncodes)
		code = k->codes[0].fd;
	if (k->ncodes > 1 || (k->ncodes && k->codes[0].thread != 0) ||
	    k->nthreads < 3 || code < 0) {
		fprintf(stderr, "not the file wanted\n");
		return 2;
	}
	const char *m = argv[3];
	static uint8_t junk[40u << 20];
	memset(junk, 0xcc, sizeof(junk));
	static struct ck_code cd[3];
	if (!strcmp(m, "many")) {
		for (uint32_t i = 0; i < 3; i++)
			cd[i] = (struct ck_code){ i, code, 12u << 20, junk };
		k->codes = cd;
		k->ncodes = 3;
	} else if (!strcmp(m, "big")) {
		cd[0] = (struct ck_code){ 0, code, sizeof(junk), junk };
		k->codes = cd;
		k->ncodes = 1;
	} else if (!strcmp(m, "extra")) {
		uint32_t n = k->ncodes;
		if (n)
			cd[0] = k->codes[0];
		cd[n] = (struct ck_code){ 1, code, 100, junk };
		k->codes = cd;
		k->ncodes = n + 1;
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
