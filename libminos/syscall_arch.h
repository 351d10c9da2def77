/* SPDX-License-Identifier: MIT */
/*
 * syscall.h - raw x86-64 system calls; the only inline assembly in libminos.
 *
 * The number goes in rax, the arguments in rdi, rsi, rdx, r10, r8, r9; the
 * result comes back in rax, a value >= 0 or -errno.  The `syscall`
 * instruction clobbers rcx (return address) and r11 (rflags), and "memory"
 * because the kernel or the supervisor reads and writes through pointer
 * arguments.
 *
 * Unlike musl we also treat every argument register as clobbered: Linux
 * preserves them, but minos-exec serves a Minos call by rewriting the
 * registers into another call (a Minos read becomes a Linux read), and the
 * rewritten values are what the program sees when the call returns.
 *
 * This header is private to libminos and its test programs: it is not
 * installed.
 */
#ifndef MINOS_SYSCALL_H
#define MINOS_SYSCALL_H

static inline long minos_syscall0(long n)
{
	long ret = n;

	__asm__ volatile("syscall"
			 : "+a"(ret)
			 :
			 : "rcx", "r11", "rdi", "rsi", "rdx", "r10", "r8", "r9",
			   "memory");
	return ret;
}

static inline long minos_syscall1(long n, long a1)
{
	long ret = n;

	__asm__ volatile("syscall"
			 : "+a"(ret), "+D"(a1)
			 :
			 : "rcx", "r11", "rsi", "rdx", "r10", "r8", "r9",
			   "memory");
	return ret;
}

static inline long minos_syscall2(long n, long a1, long a2)
{
	long ret = n;

	__asm__ volatile("syscall"
			 : "+a"(ret), "+D"(a1), "+S"(a2)
			 :
			 : "rcx", "r11", "rdx", "r10", "r8", "r9", "memory");
	return ret;
}

static inline long minos_syscall3(long n, long a1, long a2, long a3)
{
	long ret = n;

	__asm__ volatile("syscall"
			 : "+a"(ret), "+D"(a1), "+S"(a2), "+d"(a3)
			 :
			 : "rcx", "r11", "r10", "r8", "r9", "memory");
	return ret;
}

static inline long minos_syscall4(long n, long a1, long a2, long a3, long a4)
{
	register long r10 __asm__("r10") = a4;
	long ret = n;

	__asm__ volatile("syscall"
			 : "+a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10)
			 :
			 : "rcx", "r11", "r8", "r9", "memory");
	return ret;
}

static inline long minos_syscall5(long n, long a1, long a2, long a3, long a4,
				  long a5)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	long ret = n;

	__asm__ volatile("syscall"
			 : "+a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10),
			   "+r"(r8)
			 :
			 : "rcx", "r11", "r9", "memory");
	return ret;
}

static inline long minos_syscall6(long n, long a1, long a2, long a3, long a4,
				  long a5, long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	long ret = n;

	__asm__ volatile("syscall"
			 : "+a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10),
			   "+r"(r8), "+r"(r9)
			 :
			 : "rcx", "r11", "memory");
	return ret;
}

/*
 * Up to four arguments, and a second result: whatever rdx holds when the
 * call returns (Minos pipe and read return two values, rax and rdx).
 */
static inline long minos_syscall4_rdx(long n, long a1, long a2, long a3,
				      long a4, long *rdx_out)
{
	register long r10 __asm__("r10") = a4;
	long ret = n;

	__asm__ volatile("syscall"
			 : "+a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10)
			 :
			 : "rcx", "r11", "r8", "r9", "memory");
	*rdx_out = a3;
	return ret;
}

#endif /* MINOS_SYSCALL_H */
