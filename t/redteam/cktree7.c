/* SPDX-License-Identifier: MIT */
/*
 * cktree7 - red team 7 (t/955-redteam7.bats): a container with a flat
 * child that sleeps; "tree7 ready" on stderr, then one line of fd 0,
 * then a second cnew (its result printed: "cnew: N"), ckill of both;
 * exit 0.  A checkpoint taken at "ready" and forged (t/redteam/ckmut7)
 * shows what the restored supervisor does with the saved cids.
 */
#include <stdio.h>
#include <unistd.h>
#include "minos.h"

/* mov eax, 35 (nanosleep); lea rdi, [rip + 6] (ts); xor esi, esi;
 * syscall; jmp to the start; ts: 100 s, 0 ns. */
static const unsigned char sleeper[] = {
	0xb8, 0x23, 0, 0, 0, 0x48, 0x8d, 0x3d, 6, 0, 0, 0, 0x31, 0xf6, 0x0f, 0x05,
	0xeb, 0xee, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static long sleeper_cnew(void)
{
	int w, r;
	if (minos_pipe(&w, &r) < 0 || minos_write(w, sleeper, sizeof(sleeper)) < 0 ||
	    minos_wclose(w) < 0)
		return -1000;
	long cid = minos_cnew(r, NULL, 0, 0, MINOS_ARCH_X86_64_FLAT);
	minos_rclose(r);
	return cid;
}

int main(void)
{
	char c;
	long a = sleeper_cnew();
	if (a < 0)
		return 125;
	write(2, "tree7 ready\n", 12);
	while (read(0, &c, 1) == 1 && c != '\n')
		;
	long b = sleeper_cnew();
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "cnew: %ld\n", b);
	write(1, buf, (size_t)n);
	minos_ckill((int)a);
	if (b >= 0)
		minos_ckill((int)b);
	return 0;
}
