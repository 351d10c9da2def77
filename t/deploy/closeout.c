/* SPDX-License-Identifier: MIT */
/*
 * closeout - say one line on wfd 1, close it, then read rfd 0 to its end
 * and exit 0: the far end of a socket stdout must see end-of-stream while
 * this container still runs (the relay's half-close, t/970-deploy.bats).
 */
#include <minos.h>

static char buf[4096];

int main(void)
{
	static const char line[] = "before close\n";
	const int in = 0;

	if (minos_write(1, line, sizeof(line) - 1) != sizeof(line) - 1)
		return 2;
	if (minos_wclose(1) != 0)
		return 3;
	for (;;) {
		long n = minos_read(&in, 1, buf, sizeof(buf), 0);
		if (n == 0)
			return 0;
		if (n < 0)
			return 4;
	}
}
