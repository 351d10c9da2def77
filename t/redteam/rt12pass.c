/* rt12pass: a cnew child's stopless seal (tracee.c tracee_start_sealed)
 * raced by passes into it (t/962-redteam12.bats).  Linked with its entry
 * at regs_entry, which records r9 and the OR of every general register
 * but rax and rsp, then goes on to the C library's _start.
 *
 *   rt12pass race N < rt12pass   N times: cnew a copy of itself (reply
 *           wfd on slot 1, command rfd on slot 0) and at once wpass 4
 *           wfds into it, the passes waiting for its start; each child
 *           says "r9 R others O seal A,B" (R, O: 0 or SET; A, B: errno
 *           of mprotect and munmap of its vDSO, 1 = EPERM).  Prints
 *           "N x LINE" per distinct line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "rt.h"

uint64_t saved_r9, saved_others;

__asm__(".text\n"
	".globl regs_entry\n"
	"regs_entry:\n"
	"mov %r9, saved_r9(%rip)\n"
	"mov %rbx, %rax\n"
	"or %rcx, %rax\n"
	"or %rdx, %rax\n"
	"or %rsi, %rax\n"
	"or %rdi, %rax\n"
	"or %rbp, %rax\n"
	"or %r8, %rax\n"
	"or %r9, %rax\n"
	"or %r10, %rax\n"
	"or %r11, %rax\n"
	"or %r12, %rax\n"
	"or %r13, %rax\n"
	"or %r14, %rax\n"
	"or %r15, %rax\n"
	"mov %rax, saved_others(%rip)\n"
	"xor %eax, %eax\n"
	"xor %edx, %edx\n"
	"jmp _start\n");

static int child(void)
{
	char line[160];
	void *v = (void *)getauxval(AT_SYSINFO_EHDR);
	long a = syscall(SYS_mprotect, v, 4096, PROT_READ) < 0 ? errno : 0;
	long b = syscall(SYS_munmap, v, 4096) < 0 ? errno : 0;
	snprintf(line, sizeof(line), "r9 %s others %s seal %ld,%ld\n",
		 saved_r9 ? "SET" : "0", saved_others ? "SET" : "0", a, b);
	minos_write(1, line, strlen(line));
	char c;
	int zero = 0;
	while (minos_read(&zero, 1, &c, 1, NULL) > 0)
		;
	return 0;
}

#define MAXN 200

int main(int argc, char **argv)
{
	if (argc == 0)
		return child();
	if (argc != 3 || strcmp(argv[1], "race") != 0 || atoi(argv[2]) < 1 ||
	    atoi(argv[2]) > MAXN || rt_read_self() < 0) {
		fprintf(stderr, "usage: rt12pass race N < rt12pass\n");
		return 2;
	}
	int n = atoi(argv[2]);
	static char lines[MAXN][160];
	for (int i = 0; i < n; i++) {
		int cw, cr, rw, rr;
		minos_pipe(&cw, &cr);
		minos_pipe(&rw, &rr);
		int list[3] = { cr, -1, rw };
		long cid = rt_spawn_self(list, 1, 2);
		if (cid < 0) {
			printf("cnew %d: %ld\n", i, cid);
			return 1;
		}
		for (int k = 0; k < 4; k++) {
			int w, r;
			minos_pipe(&w, &r);
			long p = minos_wpass(w, (int)cid);
			if (p < 0)
				printf("wpass: %ld\n", p);
			minos_rclose(r);
		}
		long got = minos_read(&rr, 1, lines[i], sizeof(lines[i]) - 1, NULL);
		lines[i][got > 0 ? got : 0] = 0;
		minos_wclose(cw);
		minos_rclose(rr);
	}
	for (int i = 0; i < n; i++) {
		if (!lines[i][0])
			continue;
		int same = 0;
		for (int j = i; j < n; j++)
			if (strcmp(lines[i], lines[j]) == 0) {
				same++;
				if (j > i)
					lines[j][0] = 0;
			}
		printf("%d x %s", same, lines[i]);
	}
	return 0;
}
