#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "minos.h"
/* rpass basics: a running child (examples/cat from our standard input,
 * holding 0 = an rfd we feed and 1 = a wfd we read) gets a passed rfd at
 * its lowest free number, 2; it is gone from us; the child's stream still
 * flows; passing to a dead child is ESRCH. */
int main(void)
{
	int ow, orr, iw, ir, xw, xr;
	minos_pipe(&ow, &orr);
	minos_pipe(&iw, &ir);
	int fds[3] = { ir, -1, ow }; /* child 0 = ir, child 1 = ow */
	long cid = minos_cnew(0, fds, 1, 2, MINOS_ARCH_X86_64_ELF);
	minos_pipe(&xw, &xr);
	long at = minos_rpass(xr, (int)cid);
	printf("cid %ld, rpass -> child fd %ld, our rfd now: %s\n", cid, at,
	       minos_rclose(xr) == -9 ? "-EBADF" : "still open");
	fflush(stdout);
	const char *msg = "passed through the child\n";
	minos_write(iw, msg, strlen(msg));
	minos_wclose(iw);
	char buf[256];
	int from;
	long n;
	while ((n = minos_read(&orr, 1, buf, sizeof(buf), &from)) > 0)
		write(1, buf, (size_t)n);
	printf("rpass to a dead child: %s\n",
	       minos_rpass(orr, (int)cid) == -3 ? "-ESRCH" : "something else");
	return 0;
}
