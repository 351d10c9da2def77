/* parked: a child whose only thread waits in a cnew makes its parent's
 * wpass wait with it.
 *
 * Parent (`parked N < parked`): starts itself as a child (cnew of rfd 0)
 * with a report pipe in slot 1, waits for the child's report to end, then
 * makes N wpasses of fresh wfds into it, printing each result as it comes
 * ("wpass K = R"), then "done" and ckills it.
 * Child (argc 0): says "child: parking" on wfd 1, closes it, and makes a
 * cnew whose code stream (a Minos pipe of its own) never ends: its only
 * thread is stopped in the supervisor from then on.
 * Every wpass must be answered (a number: the child is alive and has free
 * numbers), whatever its thread is doing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "minos.h"

int main(int argc, char **argv)
{
	if (argc == 0) {
		int w, r;
		minos_write(1, "child: parking\n", 15);
		minos_wclose(1);
		minos_pipe(&w, &r);
		minos_cnew(r, NULL, 0, 0, MINOS_ARCH_X86_64_ELF);
		return 0;
	}
	int n = argc > 1 ? atoi(argv[1]) : 3;
	int rw, rr;
	minos_pipe(&rw, &rr);
	int fds[2] = { -1, rw }; /* wfd slot 1 */
	long cid = minos_cnew(0, fds, 0, 2, MINOS_ARCH_X86_64_ELF);
	if (cid < 0) {
		printf("cnew = %ld\n", cid);
		return 1;
	}
	char buf[256];
	long got;
	while ((got = minos_read(&rr, 1, buf, sizeof(buf), NULL)) > 0)
		fwrite(buf, 1, (size_t)got, stdout);
	fflush(stdout);
	for (int i = 0; i < n; i++) {
		int w, r;
		minos_pipe(&w, &r);
		long at = minos_wpass(w, (int)cid);
		printf("wpass %d = %ld\n", i, at);
		fflush(stdout);
	}
	printf("done\nckill = %ld\n", minos_ckill((int)cid));
	return 0;
}
