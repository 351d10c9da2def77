/* lockhog: a container that holds its own mmap lock stalls the supervisor,
 * and with it every other container's calls.
 *
 * `lockhog ROUNDS MB < lockhog` (the first container, the victim): times
 * ROUNDS Minos reads over two rfds (one ready: the supervisor answers each
 * at a stop) alone, then starts a child that (a) populates MB MiB and
 * toggles its protection with mprotect from two threads without pause
 * (mprotect holds the address space's lock for writing while it rewrites
 * every page table entry), and (b) makes Minos reads over two rfds from a
 * third thread (the supervisor reads the rfd array from the child's
 * memory: process_vm_readv waits for that lock).  Then times the same
 * ROUNDS calls again and prints
 *     "alone: A ms, beside the hog: B ms (xR)"
 * The supervisor must not wait on a lock a container holds: expected a
 * ratio close to the control's: `lockhog ROUNDS sMB` runs the same threads
 * spinning instead of calling mprotect (2 CPUs: they compete for it). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include "rt.h"

static unsigned char *region;
static size_t region_len;

static int spin_only;

static void *toggler(void *arg)
{
	(void)arg;
	while (spin_only)
		;
	for (;;) {
		mprotect(region, region_len, PROT_READ);
		mprotect(region, region_len, PROT_READ | PROT_WRITE);
	}
	return NULL;
}

static void *caller(void *arg)
{
	(void)arg;
	int w1, r1, w2, r2;
	minos_pipe(&w1, &r1);
	minos_pipe(&w2, &r2);
	minos_write(w1, "x", 1);
	int both[2] = { r2, r1 };
	for (;;) {
		char c;
		minos_read(both, 2, &c, 0, NULL); /* size 0: r1 stays ready */
	}
	return NULL;
}

static int child(void)
{
	char mode[16] = { 0 };
	int zero = 0;
	minos_read(&zero, 1, mode, sizeof(mode) - 1, NULL);
	spin_only = mode[0] == 's'; /* the control: the same threads, no lock */
	region_len = (size_t)atoi(mode + spin_only) << 20;
	region = mmap(NULL, region_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	madvise(region, region_len, MADV_NOHUGEPAGE);
	for (size_t i = 0; i < region_len; i += 4096)
		region[i] = 1;
	rt_say(1, "hog: ready\n");
	minos_wclose(1);
	pthread_t t;
	pthread_create(&t, NULL, toggler, NULL);
	pthread_create(&t, NULL, toggler, NULL);
	caller(NULL);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 0)
		return child();
	int rounds = argc > 1 ? atoi(argv[1]) : 200;
	const char *mb = argc > 2 ? argv[2] : "256";
	if (rt_read_self() < 0)
		return 2;
	double alone = rt_rounds_ms(rounds, NULL);
	int mw, mr, rw, rr;
	minos_pipe(&mw, &mr);
	minos_pipe(&rw, &rr);
	int fds[3] = { mr, -1, rw };
	long cid = rt_spawn_self(fds, 1, 2);
	if (cid < 0) {
		printf("cnew = %ld\n", cid);
		return 1;
	}
	minos_write(mw, mb, strlen(mb));
	minos_wclose(mw);
	char buf[64];
	while (minos_read(&rr, 1, buf, sizeof(buf), NULL) > 0)
		;
	double hog = rt_rounds_ms(rounds, NULL);
	printf("alone: %.0f ms, beside the hog: %.0f ms (x%.0f)\n", alone, hog,
	       alone > 0 ? hog / alone : 0);
	minos_ckill((int)cid);
	return 0;
}
