/* SPDX-License-Identifier: MIT */
/*
 * orph11 - red team 11 (t/959-redteam11.bats): a policy stage whose root
 * ends leaving two containers (its "orphans"), which go on to make
 * children of their own, counted against the stage's containers limit.
 *
 *   orph11 root   fds 5..10: this program's image (policy files); fd 0
 *                 stdin.  Makes orphan 2 (code fd 6; its 3: a gate holding
 *                 '2', its 5, 6: files 9, 10, its 4: the write end of a
 *                 "done" pipe) and orphan 1 (code fd 5; its 0: our stdin,
 *                 its 3: a gate holding '1', its 5, 6: files 7, 8, its 4:
 *                 orphan 2's gate, its 7: the read end of "done"; its 1
 *                 and 2: ours); exit 3 (the gates' write ends go with it).
 *   (no arguments, gate byte '1' or '2': an orphan)
 *                 orphan 1: its gate's end (the root has ended), "o1
 *                 ready" on fd 2, one line of fd 0; then the probe (below);
 *                 then a byte to orphan 2's gate, and fd 7 copied to fd 1
 *                 to its end (orphan 2 has ended), keeping its children.
 *                 orphan 2: a byte of its gate, then the probe, said on
 *                 its 4 ("done"); exit 0.
 *                 The probe: up to two cnews of a real child (code fd 5,
 *                 then 6), then one of an empty code pipe (ENOEXEC if
 *                 there was room for a child, EAGAIN if not); "oN: made
 *                 M, probe E" (orphan 1 on fd 1, orphan 2 on "done").
 *   (no arguments, gate byte 'L': a leaf) waits for its gate's end.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "minos.h"

static void put(int fd, const char *s)
{
	size_t n = strlen(s);
	while (n > 0) {
		long w = minos_write(fd, s, n);
		if (w <= 0)
			_exit(120);
		s += w;
		n -= (size_t)w;
	}
}

static int byte_of(int fd)
{
	char b;
	int one = fd;
	long n = minos_read(&one, 1, &b, 1, NULL);
	return n == 1 ? (unsigned char)b : -1;
}

static void probe(int who, int out)
{
	int made = 0, w, r;
	for (int i = 0; i < 2; i++) {
		if (minos_pipe(&w, &r) < 0)
			_exit(123);
		put(w, "L"); /* w stays open: the leaf waits on it */
		long cid = minos_cnew(5 + i, (int[]){ -1, -1, -1, r }, 4, 0,
				      MINOS_ARCH_X86_64_ELF);
		made += cid > 0;
	}
	if (minos_pipe(&w, &r) < 0)
		_exit(123);
	minos_wclose(w);
	long e = minos_cnew(r, NULL, 0, 0, MINOS_ARCH_X86_64_ELF);
	char buf[64];
	snprintf(buf, sizeof(buf), "o%d: made %d, probe %ld\n", who, made, e);
	put(out, buf);
}

static int root(void)
{
	int g1w, g1r, g2w, g2r, dw, dr;
	if (minos_pipe(&g1w, &g1r) < 0 || minos_pipe(&g2w, &g2r) < 0 ||
	    minos_pipe(&dw, &dr) < 0)
		return 124;
	put(g1w, "1");
	put(g2w, "2");
	long c2 = minos_cnew(6, (int[]){ -1, -1, -1, g2r, -1, 9, 10,
					 -1, -1, -1, -1, dw }, 7, 5,
			     MINOS_ARCH_X86_64_ELF);
	if (c2 <= 0)
		return 125;
	long c1 = minos_cnew(5, (int[]){ 0, -1, -1, g1r, -1, 7, 8, dr,
					 -1, 1, 2, -1, g2w }, 8, 5,
			     MINOS_ARCH_X86_64_ELF);
	if (c1 <= 0)
		return 126;
	return 3; /* (g1w closed: orphan 1 says it has ended) */
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "root") == 0)
		return root();
	int g = byte_of(3);
	if (g == 'L') {
		while (byte_of(3) >= 0)
			;
		return 0;
	}
	if (g == '1') {
		if (byte_of(3) >= 0) /* its end: the root has ended */
			return 121;
		put(2, "o1 ready\n");
		char c;
		int zero = 0;
		while (minos_read(&zero, 1, &c, 1, NULL) == 1 && c != '\n')
			;
		probe(1, 1);
		put(4, "g");
		minos_wclose(4);
		char buf[64];
		int seven = 7;
		long n;
		while ((n = minos_read(&seven, 1, buf, sizeof(buf) - 1, NULL)) > 0) {
			buf[n] = 0;
			put(1, buf); /* what orphan 2 said */
		}
		return 0;
	}
	if (g == '2') {
		if (byte_of(3) < 0)
			return 121;
		probe(2, 4);
		return 0;
	}
	return 122;
}
