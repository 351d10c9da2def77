/* SPDX-License-Identifier: MIT */
/*
 * zlib.c - compress and uncompress a generated buffer with Debian's static
 * zlib (glibc-static), at several levels and through a deflate stream, and
 * print sizes and a checksum: the same bytes natively and in a container.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define N (1u << 20)

int main(void)
{
	unsigned char *in = malloc(N), *out, *back = malloc(N);
	uLongf outlen = compressBound(N), backlen;
	if (!in || !back || !(out = malloc(outlen)))
		return 1;
	unsigned x = 12345;
	for (unsigned i = 0; i < N; i++) {
		x = x * 1103515245u + 12345u;
		in[i] = (unsigned char)("minos zlib round trip "[i % 22] ^ ((x >> 16) & 3));
	}
	for (int level = 1; level <= 9; level += 4) {
		uLongf clen = compressBound(N);
		if (compress2(out, &clen, in, N, level) != Z_OK)
			return 1;
		backlen = N;
		if (uncompress(back, &backlen, out, clen) != Z_OK)
			return 1;
		printf("level %d: %u -> %lu bytes, round trip %s\n", level, N,
		       (unsigned long)clen,
		       backlen == N && !memcmp(in, back, N) ? "equal" : "DIFFERENT");
	}
	/* A gzip stream through deflate/inflate in small pieces. */
	z_stream s = { 0 };
	if (deflateInit2(&s, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return 1;
	s.next_out = out;
	s.avail_out = (uInt)compressBound(N);
	for (unsigned off = 0; off < N; off += 4096) {
		s.next_in = in + off;
		s.avail_in = 4096;
		if (deflate(&s, off + 4096 >= N ? Z_FINISH : Z_NO_FLUSH) == Z_STREAM_ERROR)
			return 1;
	}
	unsigned long glen = s.total_out;
	deflateEnd(&s);
	z_stream r = { 0 };
	inflateInit2(&r, 15 + 16);
	r.next_in = out;
	r.avail_in = (uInt)glen;
	r.next_out = back;
	r.avail_out = N;
	int ret = inflate(&r, Z_FINISH);
	inflateEnd(&r);
	printf("gzip stream: %lu bytes, %s, crc32 %08lx, adler32 %08lx\n", glen,
	       ret == Z_STREAM_END && !memcmp(in, back, N) ? "equal" : "DIFFERENT",
	       crc32(0, in, N), adler32(1, in, N));
	printf("zlib %s\n", zlibVersion());
	return 0;
}
