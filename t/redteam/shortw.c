/* shortw: a pass into a child cuts the child's blocking pipe write short.
 *
 * The child writes 1 MiB on its wfd 1 (a pipe nobody reads yet: the
 * write blocks after 64 KiB), then reports the write's result on wfd 2;
 * the parent makes 5 wpasses into it meanwhile, then reads everything.
 * Linux completes a blocking pipe write unless a signal handler runs; no
 * signal is sent here.  `shortw < shortw` prints "parent read N bytes;
 * child: write = R"; expected N = R = 1048576. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "rt.h"
static char big[1 << 20];
int main(int argc, char **argv)
{
	if (argc == 0 || (argc == 1 && argv[0] && argv[0][0] == '\0')) {
		long n = write(1, big, sizeof big); /* blocks: nobody reads yet */
		char line[64];
		snprintf(line, sizeof line, "child: write = %ld\n", n);
		write(2, line, strlen(line));
		return 0;
	}
	if (rt_read_self() < 0) return 2;
	int dw, dr, rw, rr;
	minos_pipe(&dw, &dr); minos_pipe(&rw, &rr);
	int fds[3] = { -1, dw, rw }; /* wfd 1 data, wfd 2 report */
	long cid = rt_spawn_self(fds, 0, 3);
	for (int i = 0; i < 5; i++) { int w, r; minos_pipe(&w, &r); minos_wpass(w, (int)cid); minos_rclose(r); }
	static char buf[1 << 16]; long total = 0, n;
	while ((n = minos_read(&dr, 1, buf, sizeof buf, NULL)) > 0) total += n;
	char line[64]; n = minos_read(&rr, 1, line, sizeof line - 1, NULL); line[n > 0 ? n : 0] = 0;
	printf("parent read %ld bytes; %s", total, line);
	return 0;
}
