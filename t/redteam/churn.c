/* churn: does the supervisor give back what it took?
 *
 * `churn N < /dev/null`: N rounds of every operation that makes the
 * supervisor take something on a container's behalf, then "round N",
 * then waits for one byte on rfd 0 so that the test can count the
 * supervisor's descriptors and memory; then ends.  One round:
 *   - a flat child (blocked in a Minos read of its rfd 0) with two
 *     listed descriptors; a wpass and an rpass into it; ckill;
 *   - failing cnews: EINVAL (bad arch), EBADF (a number not open),
 *     ENOEXEC (zeros), and one listing a descriptor twice;
 *   - a wpass/rpass to a dead cid (ESRCH), of a wrong direction (EBADF);
 *   - a multi-rfd read of two rfds, one ready;
 *   - a Minos pipe and both ends closed.
 * Prints "errors E" (results that are not what the contract says).
 *
 * `churn N passes`: "passes", then N wpass/rpass pairs back to back into
 * one flat child (a new one every 32 pairs), so that a checkpoint's freeze
 * often starts as one is being made (RT7-4). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rt.h"

/* A flat child: Minos read of rfd 0 until end of stream, then exit 0. */
extern const unsigned char rt_reader_start[], rt_reader_end[];
__asm__(".pushsection .rodata\n"
	"rt_reader_start:\n"
	"1: mov $0x4404, %eax\n"
	"   lea 3f(%rip), %rdi\n"
	"   mov $1, %esi\n"
	"   lea -64(%rsp), %rdx\n"
	"   mov $1, %r10d\n"
	"   syscall\n"
	"   test %rax, %rax\n"
	"   jg 1b\n"
	"   mov $60, %eax\n"
	"   xor %edi, %edi\n"
	"   syscall\n"
	"3: .long 0\n"
	"rt_reader_end:\n"
	".popsection\n");

static int errors;

static void expect(const char *what, long got, long want)
{
	if (got != want && errors++ < 5)
		printf("%s = %ld, expected %ld\n", what, got, want);
}

/* N passes of a pipe's two ends into flat children. */
static void passes(int n, size_t rlen)
{
	long cid = -1;
	int w0 = -1;
	for (int i = 0; i < n; i++) {
		if (i % 32 == 0) {
			if (cid >= 0) {
				expect("ckill", minos_ckill((int)cid), 0);
				minos_wclose(w0);
			}
			int r0;
			minos_pipe(&w0, &r0);
			int list[1] = { r0 };
			cid = rt_cnew_bytes(rt_reader_start, rlen, list, 1, 0,
					    MINOS_ARCH_X86_64_FLAT);
			if (cid < 0) {
				expect("cnew", cid, 1);
				return;
			}
		}
		int w, r;
		minos_pipe(&w, &r);
		long a = minos_wpass(w, (int)cid);
		long b = minos_rpass(r, (int)cid);
		if (a < 0 || b < 0)
			expect("pass", a < 0 ? a : b, 2);
	}
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100;
	size_t rlen = (size_t)(rt_reader_end - rt_reader_start);
	if (argc > 2 && strcmp(argv[2], "passes") == 0) {
		printf("passes\n"); /* (minos-exec takes SIGUSR1 now) */
		fflush(stdout);
		passes(n, rlen);
		n = 0;
	}
	static unsigned char zeros[4096];
	for (int i = 0; i < n; i++) {
		int w0, r0, w1, r1, w2, r2;
		minos_pipe(&w0, &r0);
		minos_pipe(&w1, &r1);
		int list[3] = { r0, -1, w1 }; /* rfd slot 0, wfd slot 1 */
		long cid = rt_cnew_bytes(rt_reader_start, rlen, list, 1, 2,
					 MINOS_ARCH_X86_64_FLAT);
		if (cid < 0) {
			expect("cnew", cid, 1);
			continue;
		}
		minos_pipe(&w2, &r2);
		long a = minos_wpass(w2, (int)cid);
		long b = minos_rpass(r2, (int)cid);
		if (a < 0 || b < 0)
			expect("pass", a < 0 ? a : b, 2);
		expect("ckill", minos_ckill((int)cid), 0);
		expect("wpass dead", minos_wpass(w0, (int)cid), -ESRCH);
		expect("rpass wrong", minos_rpass(w0, (int)cid), -ESRCH);
		int cw, cr;
		minos_pipe(&cw, &cr);
		minos_wclose(cw);
		expect("cnew arch", minos_cnew(cr, NULL, 0, 0, 7), -EINVAL);
		expect("cnew ebadf", minos_cnew(200, NULL, 0, 0, 2), -EBADF);
		int twice[2] = { r1, r1 };
		minos_pipe(&cw, &cr);
		minos_wclose(cw);
		expect("cnew twice", minos_cnew(cr, twice, 2, 0, 2), -EINVAL);
		expect("cnew zeros", rt_cnew_bytes(zeros, sizeof(zeros), NULL, 0, 0, 2),
		       -ENOEXEC);
		int w3, r3;
		minos_pipe(&w3, &r3);
		minos_write(w3, "x", 1);
		int w4, r4;
		minos_pipe(&w4, &r4);
		int both[2] = { r4, r3 };
		char c;
		expect("read2", minos_read(both, 2, &c, 1, NULL), 1);
		minos_wclose(w0);
		minos_wclose(w3);
		minos_rclose(r3);
		minos_wclose(w4);
		minos_rclose(r4);
		minos_rclose(r1);
	}
	printf("round %d\n", n);
	fflush(stdout);
	char c;
	int zero = 0;
	minos_read(&zero, 1, &c, 1, NULL);
	printf("errors %d\n", errors);
	return 0;
}
