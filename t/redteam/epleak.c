/* epleak: a container hears, through its epoll set, of a stream it gave
 * to a child (SPEC 1: "a container never hears of a stream it no longer
 * holds").
 *
 * The container registers the rfd R of a pipe in an epoll instance, then
 * thread A starts a cnew listing R (rfd slot 1) whose code stream waits;
 * thread B closes R itself (a Linux close: the supervisor's copy keeps the
 * stream alive, so the kernel keeps R's entry in the epoll set), then ends
 * the code stream: the child starts with the stream, the cnew's own close
 * finds nothing to close and nobody takes R out of the epoll set.  The
 * container then writes into the pipe and asks its epoll set.
 * Prints "cnew = CID" and "epoll_wait = N" (expected 0: the stream is the
 * child's; seen 1: the parent is told of every byte that reaches it). */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "rt.h"

/* A flat child: Minos read of its rfd 0 (never written) for ever. */
extern const unsigned char rt_block_start[], rt_block_end[];
__asm__(".pushsection .rodata\n"
	"rt_block_start:\n"
	"1: mov $0x4404, %eax\n"
	"   lea 3f(%rip), %rdi\n"
	"   mov $1, %esi\n"
	"   lea -64(%rsp), %rdx\n"
	"   mov $1, %r10d\n"
	"   syscall\n"
	"   jmp 1b\n"
	"3: .long 0\n"
	"rt_block_end:\n"
	".popsection\n");

static int code_w, r;

static void *closer(void *arg)
{
	(void)arg;
	size_t len = (size_t)(rt_block_end - rt_block_start);
	minos_write(code_w, rt_block_start, len);
	/* The supervisor has every byte (FIONREAD 0): A is in its cnew. */
	for (int i = 0; i < 1000000; i++) {
		int n = -1;
		if (ioctl(code_w, FIONREAD, &n) == 0 && n == 0)
			break;
		sched_yield();
	}
	close(r);
	minos_wclose(code_w);
	return NULL;
}

int main(void)
{
	int w, code_r, bw, br;
	minos_pipe(&w, &r);
	minos_pipe(&bw, &br); /* the child's rfd 0: never written */
	minos_pipe(&code_w, &code_r);
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 42 };
	epoll_ctl(ep, EPOLL_CTL_ADD, r, &ev);
	int fds[2] = { br, r }; /* rfd slots 0 and 1 */
	pthread_t th;
	pthread_create(&th, NULL, closer, NULL);
	long cid = minos_cnew(code_r, fds, 2, 0, MINOS_ARCH_X86_64_FLAT);
	pthread_join(th, NULL);
	printf("cnew = %ld\n", cid);
	minos_write(w, "x", 1);
	struct epoll_event out;
	printf("epoll_wait = %d\n", epoll_wait(ep, &out, 1, 0));
	minos_ckill((int)cid);
	return 0;
}
