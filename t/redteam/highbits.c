/* highbits: garbage in the upper half of a Minos call's int arguments.
 *
 * SPEC 3 declares the descriptor and count arguments int/unsigned; the
 * x86-64 ABI leaves the upper 32 bits of such a register undefined, and
 * Linux ignores them for its own int arguments.  Whatever the supervisor
 * decides, it must decide it the same way for every call, and a private
 * object is never reached by a Minos call (SPEC 1: every Minos call that
 * takes a descriptor answers EBADF for it).
 * Prints, for an eventfd at number E (a private object):
 *     "write(E | 1<<32) = R"   expected -9 (EBADF), as write(E) is
 *     "write(E) = R"           -9
 *     "eventfd counter = C"    expected 0: no Minos call reached it
 * and for wfd 1 (a stream): "write(1 | 1<<32) = R", "wclose(W | 1<<32) = R"
 * (the same rule: both act on the low 32 bits, or both EBADF). */
#include <stdint.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "minos.h"

static long raw(long nr, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return r;
}

int main(void)
{
	int e = eventfd(0, EFD_NONBLOCK);
	uint64_t one = 1, got = 0;
	long hi = 1L << 32;
	printf("write(E | 1<<32) = %ld\n", raw(MINOS_SYS_WRITE, e | hi, (long)&one, 8));
	printf("write(E) = %ld\n", raw(MINOS_SYS_WRITE, e, (long)&one, 8));
	long n = read(e, &got, 8);
	printf("eventfd counter = %llu\n", n == 8 ? (unsigned long long)got : 0ULL);
	fflush(stdout);
	printf("write(1 | 1<<32) = %ld\n", raw(MINOS_SYS_WRITE, 1 | hi, (long)"x\n", 2));
	int w, r;
	minos_pipe(&w, &r);
	printf("wclose(W | 1<<32) = %ld\n", raw(MINOS_SYS_WCLOSE, w | hi, 0, 0));
	return 0;
}
