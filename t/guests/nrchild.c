/* nrchild - a child makes one raw system call; what happens to it, and
 * that nothing happens to its parent.
 *
 *   nrchild N...
 *	for each N, starts a flat child that makes syscall N (arguments 0)
 *	and writes the 8 bytes of rax on its wfd 1, then exits 0; says
 *	    N: = RESULT        (the child got RESULT: a number or -ENAME)
 *	    N: died            (the child ended without saying)
 *	then, still running, "parent: alive".
 *   nrchild sweep LO HI
 *	makes every call LO..HI itself (arguments 0) and names those that
 *	did not fail with ENOSYS, or says "LO..HI: all -ENOSYS"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "guest.h"
#include "minos.h"
#include "syscall_arch.h"

/* mov eax, N; xor edi, edi; xor esi, esi; xor edx, edx; xor r10d, r10d;
 * xor r8d, r8d; xor r9d, r9d; syscall; push rax; mov eax, 1; mov edi, 1;
 * mov rsi, rsp; mov edx, 8; syscall; mov eax, 60; xor edi, edi; syscall */
static const unsigned char code[] = {
	0xb8, 0, 0, 0, 0, 0x31, 0xff, 0x31, 0xf6, 0x31, 0xd2, 0x45, 0x31, 0xd2,
	0x45, 0x31, 0xc0, 0x45, 0x31, 0xc9, 0x0f, 0x05, 0x50, 0xb8, 0x01, 0x00,
	0x00, 0x00, 0xbf, 0x01, 0x00, 0x00, 0x00, 0x48, 0x89, 0xe6, 0xba, 0x08,
	0x00, 0x00, 0x00, 0x0f, 0x05, 0xb8, 0x3c, 0x00, 0x00, 0x00, 0x31, 0xff,
	0x0f, 0x05,
};

static int sweep(long lo, long hi)
{
	int bad = 0;
	char b[32];
	for (long n = lo; n <= hi; n++) {
		long r = minos_syscall6(n, 0, 0, 0, 0, 0, 0);
		if (r != -ENOSYS) {
			printf("%ld: = %s\n", n, guest_result(r, b));
			bad = 1;
		}
	}
	if (!bad)
		printf("%ld..%ld: all -ENOSYS\n", lo, hi);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "sweep") == 0)
		return sweep(strtol(argv[2], NULL, 0), strtol(argv[3], NULL, 0));
	for (int i = 1; i < argc; i++) {
		unsigned char img[sizeof(code)];
		unsigned nr = (unsigned)strtoul(argv[i], NULL, 0);
		int w, r, ow, orr, from;
		char b[32];
		memcpy(img, code, sizeof(code));
		memcpy(img + 1, &nr, 4);
		if (minos_pipe(&w, &r) < 0 || minos_pipe(&ow, &orr) < 0)
			return 1;
		minos_write(w, img, sizeof(img));
		minos_wclose(w);
		long cid = minos_cnew(r, (int[]){ -1, ow }, 0, 2, MINOS_ARCH_X86_64_FLAT);
		if (cid < 0) {
			printf("%s: cnew %s\n", argv[i], guest_result(cid, b));
			return 1;
		}
		long rax = 0;
		size_t got = 0;
		while (got < sizeof(rax)) {
			long n = minos_read(&orr, 1, (char *)&rax + got, sizeof(rax) - got, &from);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		if (got == sizeof(rax))
			printf("%s: = %s\n", argv[i], guest_result(rax, b));
		else
			printf("%s: died\n", argv[i]);
		minos_rclose(orr);
	}
	printf("parent: alive\n");
	return 0;
}
