/* SPDX-License-Identifier: MIT */
/*
 * zeros - write BYTES zero bytes to standard output from one 64 KiB
 * buffer: a pipeline generator that costs as little as a generator can.
 *
 *	zeros BYTES
 *
 * Exits 0 once every byte is written, 1 on a write error or short count.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char buf[65536];

int main(int argc, char **argv)
{
	unsigned long long left;
	char *end;

	if (argc != 2) {
		fprintf(stderr, "usage: zeros BYTES\n");
		return 2;
	}
	left = strtoull(argv[1], &end, 10);
	if (*end) {
		fprintf(stderr, "zeros: %s: not a number of bytes\n", argv[1]);
		return 2;
	}
	while (left > 0) {
		size_t len = left < sizeof(buf) ? (size_t)left : sizeof(buf);
		ssize_t n = write(1, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			perror("zeros: write");
			return 1;
		}
		left -= (unsigned long long)n;
	}
	return 0;
}
