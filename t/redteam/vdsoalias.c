/* vdsoalias: the vDSO replaced, before the first cnew, by a copy in a
 * shared anonymous mapping (r-x at the vDSO's address) whose other alias
 * stays writable.  The first close sequence seals the copy (mseal takes,
 * the page is r-x, the bytes are 0f 05) and records its syscall as the
 * place every close runs.  Then a sibling flips those two bytes, through
 * the writable alias, between `syscall` and `jmp *0(%rip)` to a pad of
 * the caller's: an escape counted as in closejmp.
 *
 *   vdsoalias ROUNDS
 * Prints: rounds = R, cnew failures = F, numbers kept = K, escapes = E
 * (or "no vdso" / "setup failed").
 */
#define _GNU_SOURCE
#include <elf.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include "rt.h"
#include "syscall_arch.h"

static unsigned char *wr;	/* writable alias, at the syscall's offset */
static unsigned char *pad;
static atomic_int stop;

static void *flipper(void *arg)
{
	(void)arg;
	volatile uint16_t *x = (volatile uint16_t *)wr;
	for (long i = 0; i < 400000000 && !atomic_load(&stop); i++)
		*x = (i & 1) ? 0x050f : 0x25ff;
	*x = 0x050f;
	return NULL;
}

static int round1(int *kept)
{
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
	long cid = minos_cnew(cr, w, 0, 8, MINOS_ARCH_X86_64_FLAT);
	pthread_join(fe, NULL);
	minos_rclose(cr);
	for (int i = 0; i < 8; i++) {
		long e;
		do
			e = minos_write(w[i], "x", 1);
		while (e == -4);
		if (cid >= 0 && e != -9)
			(*kept)++;
		if (e != -9)
			minos_wclose(w[i]);
		minos_rclose(r[i]);
	}
	return cid < 0;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 50;
	unsigned char *vd = (unsigned char *)getauxval(AT_SYSINFO_EHDR);
	if (!vd) {
		printf("no vdso\n");
		return 2;
	}
	Elf64_Ehdr *eh = (Elf64_Ehdr *)vd;
	Elf64_Phdr *ph = (Elf64_Phdr *)(vd + eh->e_phoff);
	uint64_t end = 0;
	for (unsigned i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr + ph[i].p_memsz > end)
			end = ph[i].p_vaddr + ph[i].p_memsz;
	end = (end + 4095) & ~4095ULL;
	size_t off = 0;
	while (off + 1 < end && !(vd[off] == 0x0f && vd[off + 1] == 0x05))
		off++;
	unsigned char *sh = mmap(NULL, end, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pad = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || pad == MAP_FAILED || off + 1 >= end) {
		printf("sh=%p pad=%p off=%zu end=%lu\n", (void *)sh, (void *)pad, off, (unsigned long)end);
		printf("setup failed\n");
		return 2;
	}
	memcpy(sh, vd, end);
	/* jmp *0(%rip) at off: ff 25 00000000 <pad>; first two bytes flipped */
	sh[off + 2] = sh[off + 3] = sh[off + 4] = sh[off + 5] = 0;
	uint64_t p = (uint64_t)(uintptr_t)pad;
	memcpy(sh + off + 6, &p, 8);
	void *al = mremap(sh, 0, end, MREMAP_MAYMOVE | MREMAP_FIXED, vd);
	if (al != vd || mprotect(vd, end, PROT_READ | PROT_EXEC) != 0) {
		printf("al=%p vd=%p end=%lu\n", al, (void *)vd, (unsigned long)end);
		printf("setup failed\n");
		return 2;
	}
	wr = sh + off;
	/* pad: count (lock incl 64(%rip)), spin, jmp back to the syscall */
	static const unsigned char code[] = {
		0xf0, 0xff, 0x05, 0x39, 0, 0, 0,          /* 0: lock incl 64(%rip) */
		0x49, 0xc7, 0xc3, 0x00, 0xe1, 0xf5, 0x05, /* 7: mov $100000000,%r11 */
		0x49, 0xff, 0xcb,                         /* 14: dec %r11 */
		0x75, 0xfb,                               /* 17: jnz 14 */
		0xff, 0x25, 0, 0, 0, 0,                   /* 19: jmp *0(%rip) */
	};
	memcpy(pad, code, sizeof(code));
	uint64_t back = (uint64_t)(uintptr_t)(vd + off);
	memcpy(pad + 25, &back, 8);
	int fails = 0, kept = 0;
	fails += round1(&kept);		/* seals the copy */
	pthread_t th;
	pthread_create(&th, NULL, flipper, NULL);
	for (int k = 1; k < rounds; k++)
		fails += round1(&kept);
	atomic_store(&stop, 1);
	pthread_join(th, NULL);
	printf("rounds = %d, cnew failures = %d, numbers kept = %d, escapes = %d\n",
	       rounds, fails, kept, *(volatile int *)(pad + 64));
	return 0;
}
