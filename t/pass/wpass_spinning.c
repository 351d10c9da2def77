#include <stdio.h>
#include "minos.h"
int main(void) {
	int fds[1] = { -1 };
	long cid = minos_cnew(0, fds, 1, 0, MINOS_ARCH_X86_64_ELF);
	int w, r; minos_pipe(&w, &r);
	for (int i = 0; i < 20; i++) { int a, b; minos_pipe(&a, &b); long at = minos_wpass(a, (int)cid); minos_rclose(b); if (at < 0) { printf("wpass %d = %ld\n", i, at); return 1; } }
	printf("20 passes into a spinning child ok; ckill = %ld\n", minos_ckill((int)cid));
	return 0;
}
