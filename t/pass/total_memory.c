/* --total-memory: every live container reserves its --memory.  Spawns
 * flat children (jmp $) until cnew fails, prints each result, then ckills
 * them all. */
#include <stdio.h>
#include "minos.h"

static long spawn_spinner(void)
{
	static const unsigned char jmp_self[] = { 0xeb, 0xfe };
	int w, r;
	long rc = minos_pipe(&w, &r);
	if (rc < 0)
		return rc;
	minos_write(w, jmp_self, sizeof(jmp_self));
	minos_wclose(w);
	return minos_cnew(r, NULL, 0, 0, MINOS_ARCH_X86_64_FLAT);
}

int main(void)
{
	long cids[8];
	int n = 0;
	for (int i = 0; i < 8; i++) {
		long cid = spawn_spinner();
		printf("cnew %d = %ld\n", i + 1, cid);
		if (cid < 0)
			break;
		cids[n++] = cid;
	}
	for (int i = 0; i < n; i++)
		minos_ckill((int)cids[i]);
	return 0;
}
