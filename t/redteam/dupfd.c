/* dupfd: after a cnew the caller keeps a descriptor it gave the child.
 *
 * cnew's closes in the caller (tracee.c close_next) after the first one
 * are injected by sending the caller's thread back onto the syscall
 * instruction it ran; the container can change that instruction while its
 * cnew waits for its code stream, and then the listed descriptor is never
 * closed in it: one stream in two containers (SPEC 1: "a descriptor lives
 * in exactly one container at a time"; 3: "the listed descriptors move").
 *
 * Thread A makes the cnew from a stub in a writable, executable page:
 *     mov %rcx,%r10; mov $0x4401,%eax; syscall; ret
 * listing the wfd of a pipe (slot 0); thread B feeds the code stream (a
 * flat child that writes "child\n" on its wfd 0, then exits), waits until
 * the supervisor has taken every byte (FIONREAD of the wfd is 0: A is
 * stopped in its cnew), turns the stub's syscall into a two-byte nop and
 * ends the stream.  Then A writes "parent\n" twice on the wfd it gave
 * away and reads what the pipe carried.  Prints:
 *     cnew = R
 *     write after cnew = R1, R2
 *     pipe carried: ...
 * Expected: cnew = 1, -EBADF twice, "child\n" only: the closes run at the
 * container's vDSO instruction, which its first close sequence sealed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "minos.h"

static const unsigned char child_img[] = {
	0x48, 0x8d, 0x35, 23, 0, 0, 0,    /* lea msg(%rip),%rsi */
	0xb8, 0x05, 0x44, 0x00, 0x00,     /* mov $0x4405,%eax (write) */
	0x31, 0xff,                       /* xor %edi,%edi: wfd 0 */
	0xba, 6, 0, 0, 0,                 /* mov $6,%edx */
	0x0f, 0x05,                       /* syscall */
	0xb8, 0x3c, 0x00, 0x00, 0x00,     /* mov $60,%eax */
	0x31, 0xff,                       /* xor %edi,%edi */
	0x0f, 0x05,                       /* syscall */
	'c', 'h', 'i', 'l', 'd', '\n',
};

static const unsigned char stub_code[] = {
	0x49, 0x89, 0xca,                 /* mov %rcx,%r10 */
	0xb8, 0x01, 0x44, 0x00, 0x00,     /* mov $0x4401,%eax */
	0x0f, 0x05,                       /* syscall */
	0xc3,                             /* ret */
};

static unsigned char *stub;
static int code_w;

static void *feeder(void *arg)
{
	(void)arg;
	minos_write(code_w, child_img, sizeof(child_img));
	for (int i = 0; i < 1000000; i++) {
		int n = -1;
		if (ioctl(code_w, FIONREAD, &n) == 0 && n == 0)
			break;
		sched_yield();
	}
	stub[8] = 0x66; /* the syscall becomes a two-byte nop */
	stub[9] = 0x90;
	minos_wclose(code_w);
	return NULL;
}

int main(void)
{
	int code_r, w, r;
	stub = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (stub == MAP_FAILED) {
		printf("mmap rwx: %s\n", strerror(errno));
		return 2;
	}
	memcpy(stub, stub_code, sizeof(stub_code));
	minos_pipe(&code_w, &code_r);
	minos_pipe(&w, &r);
	int fds[1] = { w };
	long (*cnew)(long, const int *, long, long, long) = (void *)stub;
	pthread_t th;
	pthread_create(&th, NULL, feeder, NULL);
	long cid = cnew(code_r, fds, 0, 1, MINOS_ARCH_X86_64_FLAT);
	pthread_join(th, NULL);
	long w1 = minos_write(w, "parent\n", 7);
	long w2 = minos_write(w, "parent\n", 7);
	minos_wclose(w);
	printf("cnew = %ld\nwrite after cnew = %ld, %ld\n", cid, w1, w2);
	char buf[256];
	size_t got = 0;
	long n;
	while (got < sizeof(buf) - 1 &&
	       (n = minos_read(&r, 1, buf + got, sizeof(buf) - 1 - got, NULL)) > 0)
		got += (size_t)n;
	buf[got] = 0;
	printf("pipe carried: %s", buf);
	return 0;
}
