/* rt12: red team 12's attacks on containers started by clone(CLONE_VM)
 * (launch.c, tstack.c, trampoline.c) and on a cnew child's vDSO sealed
 * with no stop of its own (tracee.c tracee_start_sealed, filter.c
 * keyed_block).  t/962-redteam12.bats.
 *
 * What a container checks of itself (its "state" line):
 *   sig=N   signals 1..64 (not 9, 19, 32, 33) whose disposition is not
 *           SIG_DFL; mask=HEX its blocked set; pend=HEX its pending set
 *   seal=A,B,C  errno of mprotect, munmap and mremap of its vDSO (1:
 *           EPERM, sealed; 0: the call went through)
 *   guess=N mseal(vdso, len, 0) made N times with a random r9 (a guessed
 *           key) that did not fail with ENOSYS
 *
 * A child (argc 0): rfd 0 commands ('c': say the state line on wfd 1),
 * its end: exit 0.  The first container:
 *   state          print its own state line
 *   kids N         N children at once (image on rfd 0), each says its
 *                  state line; prints "N x LINE" per distinct line
 *   storm T R K    T threads, each R times: cnew a child, ckill it at
 *                  once; then kids K; "storm bad B" (B: cnews that failed
 *                  but with EAGAIN, ckills that failed)
 *   fds N          one child given N rfd slots (all empty) and its
 *                  reply wfd on slot 1: prints its state line
 *   hold           image on rfd 5: a child says its state ("before:"),
 *                  "ready" on stderr, a line of stdin, the child's state
 *                  again ("after:")
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "rt.h"

#define MSEAL_NR 462

static long raw6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8),
			   "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static int err_of(long r)
{
	return r < 0 ? (int)-r : 0;
}

/* Its vDSO's length: from its ELF header, as the supervisor finds it. */
static size_t vdso_len(const unsigned char *b)
{
	const unsigned char *ph = b + *(const uint64_t *)(b + 32);
	unsigned n = *(const uint16_t *)(b + 56);
	uint64_t end = 0;
	for (unsigned i = 0; i < n; i++, ph += 56) {
		uint64_t va = *(const uint64_t *)(ph + 16);
		uint64_t mem = *(const uint64_t *)(ph + 40);
		if (*(const uint32_t *)ph == 1 && va + mem > end)
			end = va + mem;
	}
	return (end + 4095) & ~4095ULL;
}

static void state(char *out, size_t len)
{
	int nondef = 0;
	for (int s = 1; s <= 64; s++) {
		if (s == 9 || s == 19 || s == 32 || s == 33)
			continue;
		unsigned long old[4] = { 7, 7, 7, 7 };
		long r = raw6(SYS_rt_sigaction, s, 0, (long)old, 8, 0, 0);
		if (r < 0 || old[0] != 0)
			nondef++;
	}
	unsigned long mask = ~0UL, pend = ~0UL;
	raw6(SYS_rt_sigprocmask, SIG_BLOCK, 0, (long)&mask, 8, 0, 0);
	raw6(SYS_rt_sigpending, (long)&pend, 8, 0, 0, 0, 0);
	unsigned char *v = (unsigned char *)getauxval(AT_SYSINFO_EHDR);
	int e1 = -1, e2 = -1, e3 = -1, guess = 0;
	if (v) {
		size_t n = vdso_len(v);
		e1 = err_of(raw6(SYS_mprotect, (long)v, 4096, PROT_READ, 0, 0, 0));
		e2 = err_of(raw6(SYS_munmap, (long)v, 4096, 0, 0, 0, 0));
		e3 = err_of(raw6(SYS_mremap, (long)v, (long)n, (long)n,
				 MREMAP_MAYMOVE, 0, 0));
		for (int i = 0; i < 2000; i++) {
			uint64_t k;
			raw6(SYS_getrandom, (long)&k, 8, 0, 0, 0, 0);
			if (i < 64)
				k = 1ULL << i; /* and every one-bit key */
			long r = raw6(MSEAL_NR, (long)v, (long)n, 0, 0, 0, (long)k);
			if (r != -ENOSYS)
				guess++;
		}
	}
	snprintf(out, len, "sig=%d mask=%lx pend=%lx seal=%d,%d,%d guess=%d\n",
		 nondef, mask, pend, e1, e2, e3, guess);
}

static int child(void)
{
	char c, line[160];
	int zero = 0;
	for (;;) {
		long n = minos_read(&zero, 1, &c, 1, NULL);
		if (n <= 0)
			return 0;
		if (c == 'c') {
			state(line, sizeof(line));
			rt_say(1, line);
		}
	}
}

/* A child with a command pipe on slot 0 and its reply pipe on slot 1:
 * its cid, *cmd and *reply our ends. */
static long spawn_talker(int *cmd, int *reply)
{
	int cw, cr, rw, rr;
	if (minos_pipe(&cw, &cr) < 0)
		return -1;
	if (minos_pipe(&rw, &rr) < 0)
		return -1;
	int list[3] = { cr, -1, rw };
	long cid;
	for (int i = 0; i < 1000; i++) { /* bounded: killed ones are reaped */
		cid = rt_spawn_self(list, 1, 2);
		if (cid != -EAGAIN)
			break;
		struct timespec t = { 0, 2000000 };
		nanosleep(&t, NULL);
	}
	*cmd = cw;
	*reply = rr;
	return cid;
}

static int read_line(int rfd, char *buf, size_t len)
{
	size_t n = 0;
	while (n + 1 < len) {
		long r = minos_read(&rfd, 1, buf + n, 1, NULL);
		if (r <= 0)
			break;
		if (buf[n++] == '\n')
			break;
	}
	buf[n] = 0;
	return (int)n;
}

#define MAXK 60

static int kids(int k)
{
	int cmd[MAXK], reply[MAXK];
	char lines[MAXK][160];
	for (int i = 0; i < k; i++) {
		long cid = spawn_talker(&cmd[i], &reply[i]);
		if (cid < 0) {
			printf("cnew %d: %ld\n", i, cid);
			return 1;
		}
	}
	for (int i = 0; i < k; i++)
		minos_write(cmd[i], "c", 1);
	for (int i = 0; i < k; i++)
		read_line(reply[i], lines[i], sizeof(lines[i]));
	for (int i = 0; i < k; i++)
		minos_wclose(cmd[i]);
	for (int i = 0; i < k; i++) {
		if (!lines[i][0])
			continue;
		int same = 0;
		for (int j = i; j < k; j++)
			if (strcmp(lines[i], lines[j]) == 0) {
				same++;
				if (j > i)
					lines[j][0] = 0;
			}
		printf("%d x %s", same, lines[i][0] ? lines[i] : "(none)\n");
	}
	return 0;
}

static int rounds;
static atomic_int bad;

static void *stormer(void *arg)
{
	(void)arg;
	for (int i = 0; i < rounds; i++) {
		/* It waits on its command pipe: it never ends by itself. */
		int cw, cr;
		if (minos_pipe(&cw, &cr) < 0) {
			atomic_fetch_add(&bad, 1);
			continue;
		}
		long cid = rt_spawn_self(&cr, 1, 0);
		if (cid == -EAGAIN) {
			minos_wclose(cw);
			minos_rclose(cr);
			continue;
		}
		if (cid < 0) {
			atomic_fetch_add(&bad, 1);
			fprintf(stderr, "rt12: cnew: %ld\n", cid);
			minos_wclose(cw);
			continue;
		}
		long k = minos_ckill((int)cid);
		if (k != 0) {
			atomic_fetch_add(&bad, 1);
			fprintf(stderr, "rt12: ckill %ld: %ld\n", cid, k);
		}
		minos_wclose(cw);
	}
	return NULL;
}

static int storm(int nt, int r, int k)
{
	pthread_t th[16];
	rounds = r;
	for (int i = 0; i < nt; i++)
		pthread_create(&th[i], NULL, stormer, NULL);
	for (int i = 0; i < nt; i++)
		pthread_join(th[i], NULL);
	printf("storm bad %d\n", atomic_load(&bad));
	fflush(stdout);
	return kids(k);
}

static int fds(unsigned n)
{
	int cw, cr, rw, rr;
	minos_pipe(&cw, &cr);
	minos_pipe(&rw, &rr);
	int *list = malloc((n + 2) * sizeof(int));
	for (unsigned i = 0; i < n; i++)
		list[i] = -1;
	list[0] = cr;
	list[n] = -1;
	list[n + 1] = rw;
	long cid = rt_spawn_self(list, n, 2);
	if (cid < 0) {
		printf("cnew: %ld\n", cid);
		return 1;
	}
	char line[160];
	minos_write(cw, "c", 1);
	read_line(rr, line, sizeof(line));
	minos_wclose(cw);
	printf("fds %u: %s", n, line[0] ? line : "(none)\n");
	return 0;
}

static int hold(void)
{
	/* The image from rfd 5: stdin stays for the go line. */
	size_t cap = 1 << 20;
	int five = 5, zero = 0;
	rt_image = malloc(cap);
	for (;;) {
		if (rt_image_len == cap)
			rt_image = realloc(rt_image, cap *= 2);
		long n = minos_read(&five, 1, rt_image + rt_image_len,
				    cap - rt_image_len, NULL);
		if (n <= 0)
			break;
		rt_image_len += (size_t)n;
	}
	int cmd, reply;
	char line[160];
	if (spawn_talker(&cmd, &reply) < 0)
		return 1;
	minos_write(cmd, "c", 1);
	read_line(reply, line, sizeof(line));
	printf("before: %s", line);
	fflush(stdout);
	rt_say(2, "ready\n");
	char c;
	while (minos_read(&zero, 1, &c, 1, NULL) == 1 && c != '\n')
		;
	minos_write(cmd, "c", 1);
	read_line(reply, line, sizeof(line));
	printf("after: %s", line[0] ? line : "(none)\n");
	minos_wclose(cmd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 0)
		return child();
	char line[160];
	if (argc == 2 && strcmp(argv[1], "state") == 0) {
		state(line, sizeof(line));
		fputs(line, stdout);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "hold") == 0)
		return hold();
	if (rt_read_self() < 0)
		return 2;
	if (argc == 3 && strcmp(argv[1], "kids") == 0 && atoi(argv[2]) >= 1 &&
	    atoi(argv[2]) <= MAXK)
		return kids(atoi(argv[2]));
	if (argc == 5 && strcmp(argv[1], "storm") == 0 && atoi(argv[2]) >= 1 &&
	    atoi(argv[2]) <= 16 && atoi(argv[4]) <= MAXK)
		return storm(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
	if (argc == 3 && strcmp(argv[1], "fds") == 0 && atoi(argv[2]) >= 2)
		return fds((unsigned)atoi(argv[2]));
	fprintf(stderr, "usage: rt12 state|kids N|storm T R K|fds N < rt12\n");
	return 2;
}
