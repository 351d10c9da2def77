/* The registers an ELF child made by cnew starts with
 * (t/936-pass-wait.bats): linked with its entry at regs_entry, which
 * keeps rax, rdx, rsp, the other general registers' OR, rdi and rsi, then
 * goes on to the C library's _start.
 * `entry_regs < entry_regs`: the parent starts itself as a child (report
 * wfd in slot 1) and prints the child's line:
 *   child: rax 0, rdx 0, rsp aligned, others 0; rdi, rsi: vDSO | zero
 * rdx must be 0 (the psABI's atexit pointer), rax 0 (execve's result),
 * rsp 16-byte aligned at argc; rdi and rsi would be the vDSO's address
 * and length had the supervisor sealed it from a stop of the child's
 * (the psABI leaves them unspecified): zero when the seal returns through
 * the vDSO's epilogue (tracee_start_sealed), or with --trace. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include "minos.h"

uint64_t saved[5]; /* rax, rdx, rsp, rdi, rsi */
uint64_t others;   /* rbx | rcx | rbp | r8 .. r15 */

__asm__(".text\n"
	".globl regs_entry\n"
	"regs_entry:\n"
	"mov %rax, saved(%rip)\n"
	"mov %rdx, saved+8(%rip)\n"
	"mov %rsp, saved+16(%rip)\n"
	"mov %rdi, saved+24(%rip)\n"
	"mov %rsi, saved+32(%rip)\n"
	"mov %rbx, %rax\n"
	"or %rcx, %rax\n"
	"or %rbp, %rax\n"
	"or %r8, %rax\n"
	"or %r9, %rax\n"
	"or %r10, %rax\n"
	"or %r11, %rax\n"
	"or %r12, %rax\n"
	"or %r13, %rax\n"
	"or %r14, %rax\n"
	"or %r15, %rax\n"
	"mov %rax, others(%rip)\n"
	"xor %eax, %eax\n"
	"xor %edx, %edx\n"
	"jmp _start\n");

int main(int argc, char **argv)
{
	if (argc == 0 || argv[0][0] == '\0') {
		char line[160];
		unsigned long vdso = getauxval(AT_SYSINFO_EHDR);
		const char *di = saved[3] == 0 && saved[4] == 0 ? "zero" :
				 saved[3] == vdso && saved[4] > 0 && saved[4] <= 65536 ?
				 "vDSO" : "OTHER";
		snprintf(line, sizeof(line),
			 "child: rax %s, rdx %s, rsp %s, others %s; rdi, rsi: %s\n",
			 saved[0] ? "SET" : "0", saved[1] ? "SET" : "0",
			 saved[2] % 16 ? "MISALIGNED" : "aligned", others ? "SET" : "0", di);
		minos_write(1, line, strlen(line));
		return 0;
	}
	int rw, rr;
	minos_pipe(&rw, &rr);
	int fds[2] = { -1, rw };
	long cid = minos_cnew(0, fds, 0, 2, MINOS_ARCH_X86_64_ELF);
	if (cid < 0) {
		printf("cnew = %ld\n", cid);
		return 1;
	}
	char buf[160];
	long n = minos_read(&rr, 1, buf, sizeof(buf) - 1, NULL);
	buf[n > 0 ? n : 0] = 0;
	fputs(buf, stdout);
	return 0;
}
