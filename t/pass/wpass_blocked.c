#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "minos.h"
/* The child is examples/cat: its rfd 0 is a pipe we hold the wfd of, so it
 * blocks in a read.  While it blocks we wpass it a wfd (number 2, lowest
 * free: it has 0 and 1), then feed its input: the interrupted read must
 * restart and deliver the data intact. */
int main(void) {
	int ow, orr, iw, ir, xw, xr;
	minos_pipe(&ow, &orr);
	minos_pipe(&iw, &ir);
	int fds[3] = { ir, -1, ow };       /* child 0 = ir, child 1 = ow */
	long cid = minos_cnew(0, fds, 1, 2, MINOS_ARCH_X86_64_ELF);
	minos_pipe(&xw, &xr);
	/* make sure the child is blocked reading: write nothing, pass now */
	for (int round = 0; round < 50; round++) {
		int w2, r2; minos_pipe(&w2, &r2);
		long at = minos_wpass(w2, (int)cid);
		if (at < 0) { printf("round %d: wpass = %ld\n", round, at); return 1; }
		minos_rclose(r2);
		char line[64]; int n = snprintf(line, sizeof line, "line %d\n", round);
		minos_write(iw, line, (size_t)n);
	}
	minos_wclose(iw);
	char buf[4096]; int from; long n, total = 0;
	while ((n = minos_read(&orr, 1, buf, sizeof buf, &from)) > 0) { write(1, buf, (size_t)n); total += n; }
	printf("total %ld\n", total);
	return 0;
}
