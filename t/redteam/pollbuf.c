/* pollbuf: where a waiting multi-rfd read puts its pollfd array.
 *
 * A Minos read over two rfds that are both empty waits in its own poll(2),
 * the pollfd array placed in the read's buffer (or below the red zone of
 * the stack); the bytes there are put back afterwards.
 * `pollbuf straddle`: the buffer's first 8 bytes are the end of a writable
 * page, the rest a read-only page (readable all through).  A writer thread
 * makes one byte ready only after the reader waits (it waits until
 * the reader is in the call: a flag, then yields a bounded number of
 * times).  Linux read() into such a buffer reads into its writable part;
 * prints "read = R, buffer head = HEX" — expected "read = 1, buffer head =
 * 78 ee ee ee ee ee ee ee" (the byte, then the reader's own bytes).
 * `pollbuf readonly`: the whole buffer is read-only: Linux read() blocks
 * for the data, then EFAULT; prints "read = R". */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include "minos.h"

static int w1, r1, w2, r2;
static volatile int reading;

static void *writer(void *arg)
{
	(void)arg;
	while (!reading)
		sched_yield();
	for (int i = 0; i < 20000; i++)
		sched_yield(); /* not a synchronisation: only makes the wait likely */
	minos_write(w2, "x", 1);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "straddle";
	unsigned char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(m, 0xee, 8192);
	unsigned char *buf;
	if (strcmp(mode, "readonly") == 0) {
		mprotect(m, 8192, PROT_READ);
		buf = m + 64;
	} else {
		mprotect(m + 4096, 4096, PROT_READ);
		buf = m + 4096 - 8;
	}
	minos_pipe(&w1, &r1);
	minos_pipe(&w2, &r2);
	pthread_t th;
	pthread_create(&th, NULL, writer, NULL);
	int both[2] = { r1, r2 };
	reading = 1;
	long n = minos_read(both, 2, buf, 1024, NULL);
	pthread_join(th, NULL);
	printf("read = %ld", n);
	if (strcmp(mode, "straddle") == 0) {
		printf(", buffer head =");
		for (int i = 0; i < 8; i++)
			printf(" %02x", buf[i]);
	}
	printf("\n");
	return 0;
}
