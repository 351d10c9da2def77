/* closejmp: a cnew caller whose syscall instruction a sibling rewrites
 * while the supervisor injects the closes of the numbers it moves.
 *
 * The caller makes its cnew calls through a stub in a page of its own
 * (read, write, execute): `syscall; ret` at X, and at X+16 a landing pad.
 * A sibling thread flips the two bytes at X between `0f 05` (syscall)
 * and `eb 0e` (jmp X+16) without pause.  The pad, reached with rax = 3
 * (close), is the caller running its own code in the middle of cnew's
 * injected closes: it counts that (an escape), spins a bounded while
 * (the sibling threads could use every number the child was given, which
 * the caller still holds), and goes back to X; reached with another rax
 * it goes back to X at once (the cnew itself is retried).
 *
 * With "novdso", its vDSO is unmapped first, so that its first close
 * sequence cannot seal it (RCK2-1).
 *
 *   closejmp ROUNDS [novdso]
 * Prints: rounds = R, cnew failures = F, numbers kept = K, escapes = E
 */
#define _GNU_SOURCE
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include "rt.h"
#include "syscall_arch.h"

static unsigned char *page;
static atomic_int stop;

static void *flipper(void *arg)
{
	(void)arg;
	volatile uint16_t *x = (volatile uint16_t *)page;
	for (long i = 0; i < 400000000 && !atomic_load(&stop); i++)
		*x = (i & 1) ? 0x050f : 0x0eeb;
	*x = 0x050f;
	return NULL;
}

static long stub_cnew(int code_rfd, const int *fds, unsigned rc, unsigned wc,
		      unsigned long arch)
{
	register long rax __asm__("rax") = MINOS_SYS_CNEW;
	register long rdi __asm__("rdi") = code_rfd;
	register long rsi __asm__("rsi") = (long)fds;
	register long rdx __asm__("rdx") = rc;
	register long r10 __asm__("r10") = wc;
	register long r8 __asm__("r8") = (long)arch;
	__asm__ volatile("sub $256, %%rsp; call *%[f]; add $256, %%rsp"
			 : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8)
			 : [f] "r"(page)
			 : "rcx", "r11", "r9", "memory", "cc");
	return rax;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 50;
	unsigned long vd = getauxval(AT_SYSINFO_EHDR);
	if (argc > 2 && strcmp(argv[2], "novdso") == 0 && vd)
		munmap((void *)vd, 4 * 4096);
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		printf("mmap failed\n");
		return 2;
	}
	static const unsigned char code[] = {
		0x0f, 0x05, 0xc3,                         /* 0: syscall; ret */
	};
	static const unsigned char pad[] = {
		0x48, 0x83, 0xf8, 0x03,                   /* 16: cmp $3,%rax */
		0x74, 0x02,                               /* 20: je 24 */
		0xeb, 0xe8,                               /* 22: jmp 0 */
		0xf0, 0xff, 0x05, 0x21, 0, 0, 0,          /* 24: lock incl 64(%rip) */
		0x49, 0xc7, 0xc3, 0x00, 0xe1, 0xf5, 0x05, /* 31: mov $100000000,%r11 */
		0x49, 0xff, 0xcb,                         /* 38: dec %r11 */
		0x75, 0xfb,                               /* 41: jnz 38 */
		0xeb, 0xd3,                               /* 43: jmp 0 */
	};
	memcpy(page, code, sizeof(code));
	memcpy(page + 16, pad, sizeof(pad));
	pthread_t th;
	pthread_create(&th, NULL, flipper, NULL);
	int fails = 0, kept = 0;
	for (int k = 0; k < rounds; k++) {
		int w[8], r[8];
		for (int i = 0; i < 8; i++)
			while (minos_pipe(&w[i], &r[i]) == -4)
				;
		int cw, cr;
		while (minos_pipe(&cw, &cr) == -4)
			;
		struct rt_feed f = { cw, rt_flat_exit0, sizeof(rt_flat_exit0) };
		pthread_t fe;
		pthread_create(&fe, NULL, rt_feeder, &f);
		long cid = stub_cnew(cr, w, 0, 8, MINOS_ARCH_X86_64_FLAT);
		pthread_join(fe, NULL);
		minos_rclose(cr);
		if (cid < 0)
			fails++;
		for (int i = 0; i < 8; i++) {
			long e;
			do
				e = minos_write(w[i], "x", 1);
			while (e == -4);
			if (cid >= 0 && e != -9)
				kept++;
			if (e != -9)
				minos_wclose(w[i]);
			minos_rclose(r[i]);
		}
	}
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	printf("rounds = %d, cnew failures = %d, numbers kept = %d, escapes = %d\n",
	       rounds, fails, kept, *(volatile int *)(page + 64));
	return 0;
}
