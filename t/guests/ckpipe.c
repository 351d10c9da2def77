/* SPDX-License-Identifier: MIT */
/*
 * ckpipe - the stages of a policy pipeline checkpointed with bytes
 * buffered between them (t/993-ckpt-multi.bats): generate | sort |
 * uniq -c, each stage stopping where a checkpoint finds bytes in the
 * streams on both sides of it, and saying so on stderr ("NAME ready")
 * so that the test asks for the checkpoint then, not after a sleep.
 *
 *   ckpipe gen K   fd 4: a file to read, fd 1: words, fd 3: gate (w).
 *                  K lines of fd 4 to fd 1 (read a byte at a time: its
 *                  offset is where the Kth line ends), "gen ready", one
 *                  line of fd 0 (minos-exec's stdin: it waits there),
 *                  the rest of fd 4 and that line to fd 1, a byte to
 *                  gate; exit 3.
 *   ckpipe sort    fd 0: words, fd 1: sorted, fd 3: gate (r), fd 4:
 *                  gate2 (w).  Three header lines to fd 1, "sort
 *                  ready", a byte of gate, a byte to gate2, then all of
 *                  fd 0 sorted to fd 1; exit 0.
 *   ckpipe count   fd 0: sorted, fd 3: gate2 (r), fd 4: a log file.
 *                  "count started" to the log, "count ready", a byte of
 *                  gate2, then uniq -c of fd 0 to fd 1 and "count done
 *                  N" to the log; exit 0.
 *   ckpipe exit N  "exit N" on stderr, exit N (a stage that ends before
 *                  the checkpoint: its status is the pipeline's).
 *   ckpipe put     fd 4 (a file) copied to fd 1, "put done"; exit 5 (a
 *                  writer that ends before the checkpoint).
 *   ckpipe take    "take ready", one line of fd 0, then fd 3 copied to
 *                  fd 1 up to its end; exit 0.
 *   ckpipe parent K  fd 5: this program's image (a policy file).  cnew it
 *                  (cid printed) with pipes: its 0 from us (A), its 1 to
 *                  us (B), its 3 a gate from us (C); K lines to A, "parent
 *                  ready", one line of fd 0, a byte to C, a last line to
 *                  A and its end, B copied to fd 1 to its end, then ckill
 *                  the child by its cid (0 if it is still there); exit 0.
 *   (no arguments: the child) a byte of fd 3, fd 0 upper-cased to fd 1
 *                  to its end, fd 1 closed, then a wait on fd 3 until
 *                  the parent's ckill.
 *   ckpipe tree    cnew a flat child that sleeps, "tree ready", one line
 *                  of fd 0, ckill the child; exit 0.
 *   ckpipe orphan  cnew a flat child that sleeps, "orphan ready"; exit 3
 *                  (the child lives on without the root of its tree; the
 *                  run's status is 3).
 *   ckpipe handoff  fd 5: this program's image.  cnew it as a child
 *                  given our fd 0 and fd 1 and a gate (its 3) with two
 *                  bytes in it, "handoff ready"; exit 3 (the stage's
 *                  root ends; its child copies fd 0 upper-cased to its
 *                  fd 1, the stage's stream, to the end).
 *   ckpipe cat     fd 0 copied to fd 1 to its end; exit 0.
 *   ckpipe codewait  a cnew from a pipe that a second thread fills with
 *                  more than the pipe holds (so the write returns only
 *                  once the supervisor reads the code), "codewait
 *                  ready", one line of fd 0, then the pipe's end: the
 *                  cnew is ENOEXEC (junk), "cnew: -8"; exit 0.
 *   ckpipe codesend  the same with a real image: a flat child (its
 *                  fd 1 a pipe to us) that says "child says hi"; its
 *                  first 68 KiB, "codesend ready", one line of fd 0,
 *                  the rest and the pipe's end; "cnew: 1", then what the
 *                  child said; exit 0.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "minos.h"

static void put(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w <= 0)
			exit(120);
		s += w;
		n -= (size_t)w;
	}
}

static void say(int fd, const char *s)
{
	put(fd, s, strlen(s));
}

/* One line of fd into buf (with its newline), a byte at a time; its
 * length, 0 at the end. */
static size_t line(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	while (n + 1 < cap) {
		ssize_t r = read(fd, buf + n, 1);
		if (r <= 0)
			break;
		if (buf[n++] == '\n')
			break;
	}
	buf[n] = 0;
	return n;
}

static void byte_of(int fd)
{
	char b;
	if (read(fd, &b, 1) != 1)
		exit(121);
}

/* All of fd, up to the end of its stream. */
static char *slurp(int fd, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	for (;;) {
		if (!buf)
			exit(122);
		if (n == cap)
			buf = realloc(buf, (cap *= 2) + 1);
		if (!buf)
			exit(122);
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0)
			exit(123);
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = 0;
	*len = n;
	return buf;
}

/* The lines of buf, split in place. */
static char **lines(char *buf, size_t *n)
{
	size_t cap = 16;
	char **v = malloc(cap * sizeof(*v));
	*n = 0;
	for (char *p = buf; v && *p;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		if (*n == cap)
			v = realloc(v, (cap *= 2) * sizeof(*v));
		if (!v)
			break;
		v[(*n)++] = p;
		p = nl ? nl + 1 : p + strlen(p);
	}
	if (!v)
		exit(122);
	return v;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int gen(int k)
{
	char buf[512], in[512];
	for (int i = 0; i < k && line(4, buf, sizeof(buf)); i++)
		say(1, buf);
	say(2, "gen ready\n");
	line(0, in, sizeof(in));
	while (line(4, buf, sizeof(buf)))
		say(1, buf);
	say(1, in);
	put(3, "g", 1);
	return 3;
}

static int sort(void)
{
	size_t len, n;
	for (int i = 0; i < 3; i++)
		say(1, "zz header\n");
	say(2, "sort ready\n");
	byte_of(3);
	put(4, "s", 1);
	char *all = slurp(0, &len);
	char **v = lines(all, &n);
	qsort(v, n, sizeof(*v), cmp);
	for (size_t i = 0; i < n; i++) {
		say(1, v[i]);
		say(1, "\n");
	}
	return 0;
}

static int count(void)
{
	size_t len, n;
	char out[600];
	say(4, "count started\n");
	say(2, "count ready\n");
	byte_of(3);
	char *all = slurp(0, &len);
	char **v = lines(all, &n);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && strcmp(v[j], v[i]) == 0)
			j++;
		snprintf(out, sizeof(out), "%7zu %s\n", j - i, v[i]);
		say(1, out);
		i = j;
	}
	snprintf(out, sizeof(out), "count done %zu\n", n);
	say(4, out);
	return 0;
}

/* mov eax, 35 (nanosleep); lea rdi, [rip + 6] (ts); xor esi, esi;
 * syscall; jmp to the start; ts: 100 s, 0 ns. */
static const unsigned char sleeper[] = {
	0xb8, 0x23, 0, 0, 0, 0x48, 0x8d, 0x3d, 6, 0, 0, 0, 0x31, 0xf6, 0x0f, 0x05,
	0xeb, 0xee, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static int tree(bool orphan)
{
	int w, r;
	char in[64];
	if (minos_pipe(&w, &r) < 0 || minos_write(w, sleeper, sizeof(sleeper)) < 0 ||
	    minos_wclose(w) < 0)
		return 124;
	long cid = minos_cnew(r, NULL, 0, 0, MINOS_ARCH_X86_64_FLAT);
	if (cid < 0)
		return 125;
	if (orphan) {
		say(2, "orphan ready\n");
		return 3;
	}
	say(2, "tree ready\n");
	line(0, in, sizeof(in));
	minos_ckill((int)cid);
	return 0;
}

static void copy_to1(int fd);

static int handoff(void)
{
	int cw, cr;
	if (minos_pipe(&cw, &cr) < 0)
		return 124;
	long cid = minos_cnew(5, (int[]){ 0, -1, -1, cr, -1, 1 }, 4, 2,
			      MINOS_ARCH_X86_64_ELF);
	if (cid <= 0)
		return 125;
	put(cw, "cc", 2);
	say(2, "handoff ready\n");
	return 3;
}

static int parent(int k)
{
	int aw, ar, bw, br, cw, cr;
	char buf[128];
	if (minos_pipe(&aw, &ar) < 0 || minos_pipe(&bw, &br) < 0 ||
	    minos_pipe(&cw, &cr) < 0)
		return 124;
	long cid = minos_cnew(5, (int[]){ ar, -1, -1, cr, -1, bw }, 4, 2,
			      MINOS_ARCH_X86_64_ELF);
	snprintf(buf, sizeof(buf), "cnew: %ld\n", cid);
	say(1, buf);
	if (cid <= 0)
		return 125;
	for (int i = 0; i < k; i++) {
		snprintf(buf, sizeof(buf), "line %d\n", i);
		say(aw, buf);
	}
	say(2, "parent ready\n");
	line(0, buf, sizeof(buf));
	put(cw, "c", 1);
	say(aw, "last\n");
	minos_wclose(aw);
	copy_to1(br);
	snprintf(buf, sizeof(buf), "ckill: %ld\n", minos_ckill((int)cid));
	say(1, buf);
	return 0;
}

static int child(void)
{
	char buf[4096];
	ssize_t n;
	byte_of(3);
	while ((n = read(0, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] >= 'a' && buf[i] <= 'z')
				buf[i] = (char)(buf[i] - 'a' + 'A');
		put(1, buf, (size_t)n);
	}
	close(1);
	byte_of(3);
	return 0;
}

/* fd to fd 1 up to its end. */
static void copy_to1(int fd)
{
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		put(1, buf, (size_t)n);
}

static int code_w = -1;

static void *feed(void *arg)
{
	static char junk[65536 + 4096];
	char in[64];
	(void)arg;
	memset(junk, 'x', sizeof(junk));
	put(code_w, junk, sizeof(junk));
	say(2, "codewait ready\n");
	line(0, in, sizeof(in));
	minos_wclose(code_w);
	return NULL;
}

/* A flat child: write(1, msg, 14); exit(0); msg.  Then zeros. */
static const unsigned char hi[] = {
	0x48, 0x8d, 0x35, 0x1a, 0, 0, 0,      /* lea rsi, [rip + 26] */
	0xbf, 1, 0, 0, 0,                     /* mov edi, 1 */
	0xba, 14, 0, 0, 0,                    /* mov edx, 14 */
	0xb8, 1, 0, 0, 0,                     /* mov eax, 1 (write) */
	0x0f, 0x05,                           /* syscall */
	0x31, 0xff,                           /* xor edi, edi */
	0xb8, 60, 0, 0, 0,                    /* mov eax, 60 (exit) */
	0x0f, 0x05,                           /* syscall */
	'c', 'h', 'i', 'l', 'd', ' ', 's', 'a', 'y', 's', ' ', 'h', 'i', '\n',
};

#define HI_LEN (80 * 1024)
#define HI_FIRST (68 * 1024)
static unsigned char hi_image[HI_LEN];

static void *send_hi(void *arg)
{
	char in[64];
	(void)arg;
	put(code_w, (const char *)hi_image, HI_FIRST);
	say(2, "codesend ready\n");
	line(0, in, sizeof(in));
	put(code_w, (const char *)hi_image + HI_FIRST, HI_LEN - HI_FIRST);
	minos_wclose(code_w);
	return NULL;
}

static int codesend(void)
{
	int r, bw, br;
	char buf[64];
	pthread_t th;
	memcpy(hi_image, hi, sizeof(hi));
	if (minos_pipe(&code_w, &r) < 0 || minos_pipe(&bw, &br) < 0 ||
	    pthread_create(&th, NULL, send_hi, NULL) != 0)
		return 124;
	long cid = minos_cnew(r, (int[]){ -1, bw }, 0, 2, MINOS_ARCH_X86_64_FLAT);
	pthread_join(th, NULL);
	snprintf(buf, sizeof(buf), "cnew: %ld\n", cid);
	say(1, buf);
	copy_to1(br);
	return 0;
}

static int codewait(void)
{
	int r;
	char buf[64];
	pthread_t th;
	if (minos_pipe(&code_w, &r) < 0 || pthread_create(&th, NULL, feed, NULL) != 0)
		return 124;
	long cid = minos_cnew(r, (int[]){ -1 }, 0, 0, MINOS_ARCH_X86_64_ELF);
	pthread_join(th, NULL);
	snprintf(buf, sizeof(buf), "cnew: %ld\n", cid);
	say(1, buf);
	return 0;
}

int main(int argc, char **argv)
{
	char in[64];
	if (argc == 0)
		return child(); /* a cnew child starts with argc 0 */
	if (argc > 2 && strcmp(argv[1], "parent") == 0)
		return parent(atoi(argv[2]));
	if (argc > 1 && strcmp(argv[1], "put") == 0) {
		copy_to1(4);
		say(2, "put done\n");
		return 5;
	}
	if (argc > 1 && strcmp(argv[1], "take") == 0) {
		say(2, "take ready\n");
		line(0, in, sizeof(in));
		copy_to1(3);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "tree") == 0)
		return tree(false);
	if (argc > 1 && strcmp(argv[1], "handoff") == 0)
		return handoff();
	if (argc > 1 && strcmp(argv[1], "cat") == 0) {
		copy_to1(0);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "orphan") == 0)
		return tree(true);
	if (argc > 1 && strcmp(argv[1], "codewait") == 0)
		return codewait();
	if (argc > 1 && strcmp(argv[1], "codesend") == 0)
		return codesend();
	if (argc > 2 && strcmp(argv[1], "gen") == 0)
		return gen(atoi(argv[2]));
	if (argc > 1 && strcmp(argv[1], "sort") == 0)
		return sort();
	if (argc > 1 && strcmp(argv[1], "count") == 0)
		return count();
	if (argc > 2 && strcmp(argv[1], "exit") == 0) {
		char buf[64];
		snprintf(buf, sizeof(buf), "exit %s\n", argv[2]);
		say(2, buf);
		return atoi(argv[2]);
	}
	say(2, "usage: ckpipe gen K | sort | count | exit N\n");
	return 2;
}
