/* chain: a line of generations, each the child of the one before, each
 * exiting once it has started the next: never more than two alive, but
 * every container's name is its parent's name plus "/1", kept for ever.
 *
 * `chain N < chain` (the first container): starts generation 1 with its
 * image and a count N on its rfd 0 and a report wfd in slot 1; each
 * generation reads count and image, starts the next with count - 1 (the
 * report wfd moves down the line), and exits; the last writes
 * "chain: N generations" on the report and exits.  The first container
 * prints what it got, then "waiting", then waits for a byte on a pipe of
 * its own (the test looks at the supervisor, then ends the run).
 * The supervisor's memory for the names grows with N^2 (the N-th name is
 * 2N bytes, every name is kept: RT-10); expected: linear at most. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rt.h"

/* Read exactly n bytes of rfd 0. */
static int read_exact(void *p, size_t n)
{
	int zero = 0;
	size_t got = 0;
	while (got < n) {
		long r = minos_read(&zero, 1, (char *)p + got, n - got, NULL);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/* Start the next generation with count, our image, and our wfd slot 1. */
static long next(unsigned count, int report)
{
	int w, r;
	minos_pipe(&w, &r);
	int fds[3] = { r, -1, report }; /* rfd 0; wfd 1 */
	unsigned char *buf = malloc(4 + rt_image_len);
	memcpy(buf, &count, 4);
	memcpy(buf + 4, rt_image, rt_image_len);
	/* The image stream: count, then the image; its end is the end. */
	struct rt_feed f = { w, buf, 4 + rt_image_len };
	pthread_t th;
	pthread_create(&th, NULL, rt_feeder, &f);
	int code_w, code_r;
	minos_pipe(&code_w, &code_r);
	struct rt_feed g = { code_w, rt_image, rt_image_len };
	pthread_t th2;
	pthread_create(&th2, NULL, rt_feeder, &g);
	long cid = minos_cnew(code_r, fds, 1, 2, MINOS_ARCH_X86_64_ELF);
	pthread_join(th2, NULL);
	pthread_join(th, NULL);
	return cid;
}

int main(int argc, char **argv)
{
	unsigned count;
	/* argc 1 with an empty argv[0]: a child that missed the argc-0
	 * rewrite (RT-14), still a child. */
	if (argc == 0 || (argc == 1 && argv[0] && argv[0][0] == '\0')) {
		if (read_exact(&count, 4) < 0 || rt_read_self() < 0)
			return 2;
		if (count == 0) {
			rt_say(1, "chain: done\n");
			return 0;
		}
		return next(count - 1, 1) > 0 ? 0 : 3;
	}
	count = argc > 1 ? (unsigned)atoi(argv[1]) : 100;
	if (rt_read_self() < 0)
		return 2;
	int rw, rr;
	minos_pipe(&rw, &rr);
	long cid = next(count - 1, rw);
	if (cid < 0) {
		printf("cnew = %ld\n", cid);
		return 1;
	}
	minos_wclose(rw);
	char buf[64];
	long n;
	while ((n = minos_read(&rr, 1, buf, sizeof(buf), NULL)) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	printf("waiting\n");
	fflush(stdout);
	int w, r;
	minos_pipe(&w, &r);
	char c;
	minos_read(&r, 1, &c, 1, NULL); /* for ever: the test ends the run */
	return 0;
}
