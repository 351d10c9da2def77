#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "minos.h"
/* rpass basics: a child made from our standard input (examples/cat) gets
 * an rfd passed after it started, at its lowest free number (0); it is
 * gone from us; passing to a dead child is ESRCH. */
int main(void) {
	int ow, orr, iw, ir;
	minos_pipe(&ow, &orr);              /* child's output -> us */
	int fds[3] = { -1, -1, ow };
	long cid = minos_cnew(0, fds, 1, 2, MINOS_ARCH_X86_64_ELF);
	minos_pipe(&iw, &ir);               /* us -> child's input */
	long at = minos_rpass(ir, (int)cid);
	printf("cid %ld, rpass -> child fd %ld, our ir now: %s\n", cid, at, minos_rclose(ir) == -9 ? "-EBADF" : "?");
	fflush(stdout);
	const char *msg = "passed through a moved descriptor\n";
	minos_write(iw, msg, strlen(msg));
	minos_wclose(iw);
	char buf[256]; int from; long n;
	while ((n = minos_read(&orr, 1, buf, sizeof buf, &from)) > 0) write(1, buf, n);
	printf("rpass to a dead child: %s; wpass of a bad fd: %s\n", minos_rpass(orr, (int)cid) == -3 ? "-ESRCH" : "?", minos_wpass(77, (int)cid) == -3 ? "-ESRCH" : "?");
	return 0;
}
