/* SPDX-License-Identifier: MIT */
/*
 * minos_err - the Minos calls' error cases, one per line: `WHAT = RESULT`,
 * RESULT a number or -ENAME (see guest.h).
 *
 *	minos_err		every case below, in order
 *	minos_err pipes N	N Minos pipes, one line each:
 *				"pipe K = WFD RFD" or "pipe K = -ENAME"
 *	minos_err fds		which descriptors are open, found with poll
 *				(which touches none): "open fds: 0 1 2"
 *
 * In a fresh container: rfd 0, wfds 1 and 2; the first pipe is wfd 3,
 * rfd 4.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <minos.h>

#include "guest.h"

static void show(const char *what, long r)
{
	char buf[32];

	printf("%s = %s\n", what, guest_result(r, buf));
	fflush(stdout);
}

static int pipes(int n)
{
	char buf[32];
	int wfd, rfd;

	for (int k = 1; k <= n; k++) {
		long r = minos_pipe(&wfd, &rfd);

		if (r < 0)
			printf("pipe %d = %s\n", k, guest_result(r, buf));
		else
			printf("pipe %d = %d %d\n", k, wfd, rfd);
	}
	return 0;
}

static int open_fds(void)
{
	static struct pollfd p[1024];
	int n;

	for (int i = 0; i < 1024; i++)
		p[i] = (struct pollfd){ .fd = i, .events = 0 };
	/* poll takes at most RLIMIT_NOFILE entries, which we cannot ask. */
	for (n = 1024; n > 0 && poll(p, (nfds_t)n, 0) < 0; n--)
		if (errno != EINVAL) {
			perror("minos_err: poll");
			return 1;
		}
	printf("open fds:");
	for (int i = 0; i < n; i++)
		if (!(p[i].revents & POLLNVAL))
			printf(" %d", i);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	static int many[MINOS_READ_MAX_RFDS + 1];
	int in = 0, out = 1, closed = 9;
	int wfd = -1, rfd = -1;
	char buf[8];

	if (argc == 3 && strcmp(argv[1], "pipes") == 0)
		return pipes(atoi(argv[2]));
	if (argc == 2 && strcmp(argv[1], "fds") == 0)
		return open_fds();
	if (argc != 1) {
		fprintf(stderr, "usage: minos_err [pipes N | fds]\n");
		return 2;
	}

	/* read */
	show("read no rfds", minos_read(&in, 0, buf, sizeof(buf), NULL));
	show("read 65 rfds", minos_read(many, MINOS_READ_MAX_RFDS + 1, buf,
					sizeof(buf), NULL));
	show("read bad rfds pointer",
	     minos_read((const int *)8, 1, buf, sizeof(buf), NULL));
	show("read a wfd", minos_read(&out, 1, buf, sizeof(buf), NULL));
	show("read a closed number",
	     minos_read(&closed, 1, buf, sizeof(buf), NULL));

	/* write, wclose, rclose */
	show("write an rfd", minos_write(0, "x", 1));
	show("write a closed number", minos_write(closed, "x", 1));
	show("wclose an rfd", minos_wclose(0));
	show("rclose a wfd", minos_rclose(1));
	show("wclose a closed number", minos_wclose(closed));
	show("rclose a closed number", minos_rclose(closed));

	/* a pipe: bad buffers, 64 rfds, end of stream, EPIPE */
	if (minos_pipe(&wfd, &rfd) < 0)
		return 1;
	printf("pipe = %d %d\n", wfd, rfd);
	show("write from a bad pointer", minos_write(wfd, (const void *)8, 1));
	show("write 1 byte", minos_write(wfd, "x", 1));
	show("read into a bad pointer", minos_read(&rfd, 1, (void *)8, 1, NULL));
	for (int i = 0; i < MINOS_READ_MAX_RFDS; i++)
		many[i] = rfd;
	show("read 64 rfds", minos_read(many, MINOS_READ_MAX_RFDS, buf,
					sizeof(buf), NULL));
	show("wclose the wfd", minos_wclose(wfd));
	show("read at end of stream", minos_read(&rfd, 1, buf, sizeof(buf), NULL));
	show("rclose the rfd", minos_rclose(rfd));
	if (minos_pipe(&wfd, &rfd) < 0)
		return 1;
	printf("pipe again = %d %d\n", wfd, rfd);
	show("rclose its rfd", minos_rclose(rfd));
	show("write with no reader", minos_write(wfd, "x", 1));

	/* cnew of an empty code stream (stdin is /dev/null in the test): the
	 * image is malformed; no child, so ckill finds none */
	show("cnew", minos_cnew(0, NULL, 0, 0, MINOS_ARCH_X86_64_ELF));
	show("ckill", minos_ckill(1));
	/* no child: no such cid */
	show("wpass", minos_wpass(1, 1));
	show("rpass", minos_rpass(0, 1));
	return 0;
}
