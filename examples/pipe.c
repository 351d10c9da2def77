/* SPDX-License-Identifier: MIT */
/*
 * pipe - a Minos pipe round trip, and a check of descriptor numbering.
 *
 *	minos-exec examples/pipe
 *
 * Makes two pipes, writes a different message into each, closes both wfds,
 * then drains both rfds with one Minos read over the two of them, printing
 * which rfd each chunk came from, until each has reported end of stream.
 * Ends with "pipe: ok", or with a message on wfd 2 and exit status 1.
 *
 * In a fresh container rfd 0 and wfds 1 and 2 are taken, so the first
 * pipe's wfd is 3 and its rfd 4 (lowest free number first, wfd before rfd),
 * and the second pipe's are 5 and 6.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <minos.h>

struct stream {
	int wfd, rfd;
	const char *msg;
	char got[64];
	size_t len;
	int ended;
};

/* Format a line and write all of it to wfd (1 or 2). */
__attribute__((format(printf, 2, 3)))
static void say(int wfd, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (len >= (int)sizeof(line))
		len = sizeof(line) - 1;
	for (int done = 0; done < len;) {
		long n = minos_write(wfd, line + done, (size_t)(len - done));

		if (n <= 0)
			return;
		done += (int)n;
	}
}

static int fail(const char *what, long err)
{
	say(2, "pipe: %s: %s\n", what, strerror((int)-err));
	return 1;
}

int main(void)
{
	struct stream s[2] = {
		{ .msg = "first message, into the first pipe" },
		{ .msg = "second message, into the second pipe" },
	};
	int rfds[2], nrfds = 2;
	char buf[16]; /* small, so a message may take several reads */
	long n;
	int i;

	for (i = 0; i < 2; i++) {
		n = minos_pipe(&s[i].wfd, &s[i].rfd);
		if (n < 0)
			return fail("minos_pipe", n);
		say(1, "pipe %d: wfd %d, rfd %d\n", i + 1, s[i].wfd, s[i].rfd);
		if (s[i].wfd != 3 + 2 * i || s[i].rfd != 4 + 2 * i) {
			say(2, "pipe: pipe %d is wfd %d, rfd %d; expected wfd %d, rfd %d\n",
			    i + 1, s[i].wfd, s[i].rfd, 3 + 2 * i, 4 + 2 * i);
			return 1;
		}
	}

	for (i = 0; i < 2; i++) {
		size_t len = strlen(s[i].msg);

		n = minos_write(s[i].wfd, s[i].msg, len);
		if (n < 0)
			return fail("minos_write", n);
		if ((size_t)n != len) {
			say(2, "pipe: short write to wfd %d: %ld of %zu bytes\n",
			    s[i].wfd, n, len);
			return 1;
		}
		n = minos_wclose(s[i].wfd);
		if (n < 0)
			return fail("minos_wclose", n);
		rfds[i] = s[i].rfd;
	}

	/* One read over every rfd not yet at end of stream. */
	while (nrfds > 0) {
		struct stream *from = NULL;
		int rfd = -1;

		n = minos_read(rfds, (unsigned)nrfds, buf, sizeof(buf), &rfd);
		if (n < 0)
			return fail("minos_read", n);
		for (i = 0; i < 2; i++)
			if (s[i].rfd == rfd && !s[i].ended)
				from = &s[i];
		if (!from) {
			say(2, "pipe: minos_read says it read rfd %d, which it was not given\n",
			    rfd);
			return 1;
		}

		if (n == 0) {
			say(1, "rfd %d: end of stream\n", rfd);
			from->ended = 1;
			/* Drop it from the list: it would report 0 forever. */
			for (i = 0; i < nrfds; i++)
				if (rfds[i] == rfd)
					rfds[i] = rfds[--nrfds];
			n = minos_rclose(rfd);
			if (n < 0)
				return fail("minos_rclose", n);
			continue;
		}

		say(1, "rfd %d: %ld bytes: \"%.*s\"\n", rfd, n, (int)n, buf);
		if (from->len + (size_t)n > sizeof(from->got)) {
			say(2, "pipe: rfd %d: more bytes than were written\n", rfd);
			return 1;
		}
		memcpy(from->got + from->len, buf, (size_t)n);
		from->len += (size_t)n;
	}

	for (i = 0; i < 2; i++) {
		if (s[i].len != strlen(s[i].msg) ||
		    memcmp(s[i].got, s[i].msg, s[i].len) != 0) {
			say(2, "pipe: rfd %d: read \"%.*s\", wrote \"%s\"\n",
			    s[i].rfd, (int)s[i].len, s[i].got, s[i].msg);
			return 1;
		}
	}
	say(1, "pipe: ok\n");
	return 0;
}
