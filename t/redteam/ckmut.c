/* ckmut: a checkpoint file made hostile with valid checksums.
 *
 *   ckmut IN OUT MUTATION
 *
 * reads IN with ck_read, changes one thing in its first container, and
 * writes it to OUT with ck_write (so every checksum is right, and the
 * writer's own checks apply: what it refuses is reported "write: ...",
 * status 1).  The mutations are those of t/947-redteam-ck.bats.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <stdint.h>
#include "ckfile.h"
#include "ckstate.h"
int main(int argc, char **argv)
{
	int fd = open(argv[1], O_RDONLY); struct stat st; fstat(fd, &st);
	char *b = malloc(st.st_size); read(fd, b, st.st_size); close(fd);
	struct ck_run r; char err[256];
	if (ck_read(b, st.st_size, &r, err, sizeof err) < 0) { fprintf(stderr, "read: %s\n", err); return 1; }
	struct ck_container *c = &r.containers[0];
	const char *m = argv[3];
	/* Pending signals (siginfo: signo, errno, code; value at byte 24):
	 * SIGUSR1 from a tgkill, SIGUSR2 from a kill, SIGUSR1 with a code no
	 * kernel layout has and a byte in the part that must then be zero
	 * (EINVAL/E2BIG when it is queued again), SIGKILL. */
	static struct ck_siginfo sq[4];
	sq[0].b[0] = 10; memset(sq[0].b + 8, 0xff, 4); sq[0].b[8] = 0xfa; /* SI_TKILL -6 */
	sq[1].b[0] = 12;                                                   /* SI_USER 0 */
	sq[2].b[0] = 10; sq[2].b[8] = 0xe8; sq[2].b[9] = 0x03; sq[2].b[100] = 1; /* code 1000 */
	sq[3].b[0] = 9;
	if (!strcmp(m, "rip")) c->threads[0].regs[16] = 0x8000000000001000ULL;
	else if (!strcmp(m, "rip0")) c->threads[0].regs[16] = 0;
	else if (!strcmp(m, "cs")) c->threads[0].regs[17] = 0x23;
	else if (!strcmp(m, "efl")) c->threads[0].regs[18] = ~0ULL;
	else if (!strcmp(m, "fsbase")) c->threads[0].regs[21] = 0xffff800000000000ULL;
	else if (!strcmp(m, "map0")) { c->maps[0].start = 0; }
	else if (!strcmp(m, "mapvdso")) { c->maps[c->nmaps-1].start = c->vdso; c->maps[c->nmaps-1].len = 4096; c->maps[c->nmaps-1].nextents = 0; }
	else if (!strcmp(m, "huge")) { c->maps[c->nmaps-1].len = (1ULL<<47) - c->maps[c->nmaps-1].start; c->maps[c->nmaps-1].nextents = 0; }
	else if (!strcmp(m, "brk")) { c->brk = c->start_brk + (1ULL<<40); }
	else if (!strcmp(m, "brklow")) { c->start_brk = c->brk = 4096; }
	else if (!strcmp(m, "threads")) { struct ck_thread *t = calloc(3, sizeof *t); for (int i=0;i<3;i++) t[i]=c->threads[0]; c->threads=t; c->nthreads=3; }
	else if (!strcmp(m, "vsys")) { c->vdso_syscall = 0xfff; }
	else if (!strcmp(m, "vdsohigh")) { c->vdso = 0x7ffffffff000ULL; c->vvar = c->vdso - 0x4000; }
	else if (!strcmp(m, "sigpend")) { c->threads[0].nsigq = 1; c->threads[0].sigq = sq; c->nsigq = 1; c->sigq = sq + 1; }
	else if (!strcmp(m, "sigcode")) { c->threads[0].nsigq = 1; c->threads[0].sigq = sq + 2; }
	else if (!strcmp(m, "sig9")) { c->threads[0].nsigq = 1; c->threads[0].sigq = sq + 3; }
	else if (!strcmp(m, "altstack")) { c->threads[0].ss_sp = 0xffffffffffff0000ULL; c->threads[0].ss_size = 1ULL<<40; c->threads[0].ss_flags = 0; }
	else if (!strcmp(m, "xstate")) { if (c->threads[0].xstate_len) memset(c->threads[0].xstate, 0xff, c->threads[0].xstate_len); }
	/* t/952-redteam-restore.bats: forged siginfo (code at byte 8,
	 * sender or address at 16), floods, and hostile private objects. */
	else if (!strcmp(m, "segvk") || !strcmp(m, "xcpuk") || !strcmp(m, "xfszu") ||
		 !strcmp(m, "sysk") || !strcmp(m, "trapk") || !strcmp(m, "usr1pid1")) {
		static struct ck_siginfo f;
		int sig = m[0] == 's' && m[1] == 'e' ? 11 : m[0] == 'x' && m[1] == 'c' ? 24 :
			  m[0] == 'x' ? 25 : m[0] == 's' ? 31 : m[0] == 't' ? 5 : 10;
		int code = m[4] == 'k' ? 0x80 : !strcmp(m, "sysk") ? 1 : 0;
		if (!strcmp(m, "sysk") || !strcmp(m, "trapk")) code = 1; /* SYS_SECCOMP, TRAP_BRKPT */
		if (!strcmp(m, "usr1pid1")) code = -1; /* SI_QUEUE */
		f.b[0] = (uint8_t)sig; memcpy(f.b + 8, &code, 4);
		uint64_t a = !strcmp(m, "usr1pid1") ? 1 : 0xdead000;
		memcpy(f.b + 16, &a, 8);
		if (!strcmp(m, "sysk")) { int nr = 59, arch = (int)0xc000003e; memcpy(f.b + 24, &nr, 4); memcpy(f.b + 28, &arch, 4); }
		c->threads[0].nsigq = 1; c->threads[0].sigq = &f;
	}
	else if (!strcmp(m, "threadsig")) {
		/* three threads (copies of the first), each with its own
		 * pending SIGUSR2 (SI_TKILL) and SIGRTMIN */
		static struct ck_siginfo q[2];
		q[0].b[0] = 12; memset(q[0].b + 8, 0xff, 4); q[0].b[8] = 0xfa;
		q[1].b[0] = 34; memset(q[1].b + 8, 0xff, 4); q[1].b[8] = 0xfa;
		struct ck_thread *t = calloc(3, sizeof *t);
		for (int i = 0; i < 3; i++) { t[i] = c->threads[0]; t[i].nsigq = 2; t[i].sigq = q; t[i].sigmask = ~0ULL & ~(1ULL << 11); }
		c->threads = t; c->nthreads = 3;
	}
	else if (!strcmp(m, "rsp0")) { /* signals to queue, a stack pointer at 0 */
		c->threads[0].regs[19] = 0; c->threads[0].nsigq = 1; c->threads[0].sigq = sq + 1;
	}
	else if (!strcmp(m, "rt256")) {
		static struct ck_siginfo q[512];
		for (int i = 0; i < 512; i++) { q[i].b[0] = (uint8_t)(34 + i % 31); q[i].b[8] = 0xfa; memset(q[i].b + 9, 0xff, 3); }
		c->threads[0].nsigq = 256; c->threads[0].sigq = q;
		c->nsigq = 256; c->sigq = q + 256;
		for (int i = 256; i < 512; i++) { q[i].b[8] = 0xff; } /* SI_QUEUE */
	}
	else if (!strcmp(m, "objmax") || !strcmp(m, "efdmax") || !strcmp(m, "tick1ns") ||
		 !strcmp(m, "tickhuge") || !strcmp(m, "regall") || !strcmp(m, "regstd") ||
		 !strcmp(m, "regpipe") || !strcmp(m, "objhigh")) {
		struct ck_obj *ep = NULL, *ef = NULL, *tf = NULL;
		for (uint32_t i = 0; i < c->nobjs; i++) {
			struct ck_obj *o = &c->objs[i];
			if (o->kind == CK_OBJ_EPOLL && !ep) ep = o;
			if (o->kind == CK_OBJ_EVENTFD && !ef) ef = o;
			if (o->kind == CK_OBJ_TIMERFD && !tf) tf = o;
		}
		if (!ep || !ef || !tf) { fprintf(stderr, "objects?\n"); return 2; }
		if (!strcmp(m, "efdmax")) ef->count = UINT64_MAX - 1;
		else if (!strcmp(m, "tick1ns")) { tf->flags = 0; tf->clockid = 1; tf->value_ns = 1; tf->interval_ns = 1; }
		else if (!strcmp(m, "tickhuge")) tf->count = UINT64_MAX;
		else if (!strcmp(m, "objmax")) { ef->count = UINT64_MAX - 1; tf->count = UINT64_MAX; tf->flags = 0; tf->clockid = 1; tf->value_ns = 1; tf->interval_ns = 1; }
		else if (!strcmp(m, "regall")) { for (uint32_t j = 0; j < ep->nregs; j++) ep->regs[j].events = CK_EPOLL_KNOWN; }
		else if (!strcmp(m, "regstd") || !strcmp(m, "regpipe")) {
			/* one more registration, for descriptor 0 (a standard
			 * stream) or for a pipe end the container holds */
			int32_t want = -1;
			for (uint32_t i = 0; i < c->nfds; i++)
				if (!strcmp(m, "regstd") ? c->fds[i].kind == CK_FD_OUTSIDE
							: c->fds[i].kind == CK_FD_PIPE_R || c->fds[i].kind == CK_FD_PIPE_W) {
					int dup = 0;
					for (uint32_t j = 0; j < ep->nregs; j++) dup |= ep->regs[j].tfd == c->fds[i].num;
					if (!dup) { want = c->fds[i].num; break; }
				}
			if (want < 0) { fprintf(stderr, "no descriptor\n"); return 2; }
			struct ck_epoll_reg *g = calloc(ep->nregs + 1, sizeof *g);
			uint32_t k = 0, j = 0;
			for (; j < ep->nregs && ep->regs[j].tfd < want; j++) g[k++] = ep->regs[j];
			g[k].tfd = want; g[k].events = 0x1 | 0x4 | (1u << 31); g[k].data = 0x4141; k++;
			for (; j < ep->nregs; j++) g[k++] = ep->regs[j];
			ep->regs = g; ep->nregs = k;
		}
		else { /* objhigh: the last object descriptor moved to 1000 */
			struct ck_obj *o = &c->objs[c->nobjs - 1];
			for (uint32_t i = 0; i < c->nfds; i++)
				if (c->fds[i].num == o->num) { c->fds[i].num = 1000; break; }
			for (uint32_t i = 0; i < c->nobjs; i++)
				for (uint32_t j = 0; j < c->objs[i].nregs; j++)
					if (c->objs[i].regs[j].tfd == o->num) c->objs[i].regs[j].tfd = 1000;
			o->num = 1000;
		}
	}
	else { fprintf(stderr, "mode?\n"); return 2; }
	fd = open(argv[2], O_WRONLY|O_CREAT|O_TRUNC, 0600);
	if (ck_write(fd, &r, err, sizeof err) < 0) { fprintf(stderr, "write: %s\n", err); return 1; }
	return 0;
}
