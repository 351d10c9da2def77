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
	else if (!strcmp(m, "threads")) { struct ck_thread *t = calloc(3, sizeof *t); for (int i=0;i<3;i++) t[i]=c->threads[0]; c->threads=t; c->nthreads=3; }
	else if (!strcmp(m, "vsys")) { c->vdso_syscall = 0xfff; }
	else if (!strcmp(m, "vdsohigh")) { c->vdso = 0x7ffffffff000ULL; c->vvar = c->vdso - 0x4000; }
	else if (!strcmp(m, "sigpend")) { c->threads[0].nsigq = 1; c->threads[0].sigq = sq; c->nsigq = 1; c->sigq = sq + 1; }
	else if (!strcmp(m, "sigcode")) { c->threads[0].nsigq = 1; c->threads[0].sigq = sq + 2; }
	else if (!strcmp(m, "sig9")) { c->threads[0].nsigq = 1; c->threads[0].sigq = sq + 3; }
	else if (!strcmp(m, "altstack")) { c->threads[0].ss_sp = 0xffffffffffff0000ULL; c->threads[0].ss_size = 1ULL<<40; c->threads[0].ss_flags = 0; }
	else if (!strcmp(m, "xstate")) { if (c->threads[0].xstate_len) memset(c->threads[0].xstate, 0xff, c->threads[0].xstate_len); }
	else { fprintf(stderr, "mode?\n"); return 2; }
	fd = open(argv[2], O_WRONLY|O_CREAT|O_TRUNC, 0600);
	if (ck_write(fd, &r, err, sizeof err) < 0) { fprintf(stderr, "write: %s\n", err); return 1; }
	return 0;
}
