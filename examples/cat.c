/* SPDX-License-Identifier: MIT */
/*
 * cat - copy rfd 0 to wfd 1, byte for byte, with Minos read and write.
 *
 *	minos-exec examples/cat < in > out
 *
 * Exits 0 at end of stream; on an error, says so on wfd 2 and exits 1.
 */
#include <stdio.h>
#include <string.h>

#include <minos.h>

static char buf[64 * 1024];

static int fail(const char *what, long err)
{
	char msg[128];
	int len;

	len = snprintf(msg, sizeof(msg), "cat: %s: %s\n", what,
		       strerror((int)-err));
	if (len >= (int)sizeof(msg))
		len = sizeof(msg) - 1;
	minos_write(2, msg, (size_t)len);
	return 1;
}

int main(void)
{
	const int in = 0;

	for (;;) {
		long n = minos_read(&in, 1, buf, sizeof(buf), NULL);

		if (n == 0)
			return 0;
		if (n < 0)
			return fail("cannot read rfd 0", n);

		/* A write may take fewer bytes than offered: finish it. */
		for (long done = 0; done < n;) {
			long w = minos_write(1, buf + done, (size_t)(n - done));

			if (w < 0)
				return fail("cannot write wfd 1", w);
			done += w;
		}
	}
}
