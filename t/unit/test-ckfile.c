/* SPDX-License-Identifier: MIT */
/*
 * test-ckfile.c - the checkpoint file format (supervisor/ckfile.c): a
 * model written and read back is the same model; every refusal of the
 * reader (and of the writer) has its case; every truncation and every
 * single-bit flip of a small file is refused; crc32c's two paths agree.
 * Run as `test-ckfile --bench [MiB]` it measures ck_write and ck_read
 * against memcpy of the same size instead (not part of make check);
 * `test-ckfile --corpus DIR` writes the fuzzer's seeds.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ckfile.h"
#include "ckhost.h"
#include "crc32c.h"
#include "sha256.h"
#include "tap.h"

#define UNCHECKED 0x80000000u   /* ckfile.c's test-only flag */

/* ---- a model with a bit of everything ------------------------------------ */

struct model {
	struct ck_run run;
	struct ck_container c[3];
	struct ck_thread t[3];
	struct ck_mapping m[3];
	struct ck_extent e[3];
	struct ck_fd f[8];
	struct ck_stage st[3];
	struct ck_obj o[3];
	struct ck_epoll_reg g[3];
	struct ck_stream s[2];
	struct ck_code cd[3];   /* cnews wound back: two in container 0, one in 1 */
	uint8_t code[3000];
	uint8_t xstate[2][600];
	/* container 0's 2 shared signals, its thread 1's 3 (room for one
	 * more than a queue may hold, for the files that say so) */
	struct ck_siginfo shared[CK_MAX_SIGQUEUE + 1], own[CK_MAX_SIGQUEUE + 1];
	uint8_t sbytes[5000];
	uint8_t *pages;         /* 8 pages: some zero, some not */
};

/* A siginfo as the kernel gives it: signo, errno 0, code, then a sender
 * (pid, uid) and a value at byte 24. */
static void siginfo_init(struct ck_siginfo *s, int32_t sig, int32_t code, uint32_t value)
{
	memset(s, 0, sizeof(*s));
	st32(s->b, (uint32_t)sig);
	st32(s->b + 8, (uint32_t)code);
	st32(s->b + 12, 7);        /* si_pid */
	st32(s->b + 16, 65534);    /* si_uid */
	st32(s->b + 24, value);    /* si_value */
}

static void thread_init(struct ck_thread *t, uint32_t tid, uint8_t *xs)
{
	memset(t, 0, sizeof(*t));
	t->flags = CK_T_CLEAR_TID;
	t->tid = tid;
	for (unsigned i = 0; i < CK_NREGS; i++)
		t->regs[i] = 0x1000 + i * 8 + tid;
	t->regs[16] = 0x401000 + tid;   /* rip */
	t->regs[17] = 0x33;             /* cs */
	t->regs[20] = 0x2b;             /* ss */
	t->regs[21] = 0x7f0000001000;   /* fs_base */
	t->regs[22] = 0;
	t->xstate_len = 600;
	t->xstate = xs;
	for (unsigned i = 0; i < 600; i++)
		xs[i] = (uint8_t)(i * 7 + tid);
	t->sigmask = 0x5;
	t->ss_sp = 0x7f0000100000;
	t->ss_size = 65536;
	t->robust_head = 0x7f0000002000;
	t->robust_len = 24;
	t->clear_tid = 0x7f0000003000;
}

static void model_init(struct model *md)
{
	memset(md, 0, sizeof(*md) - sizeof(md->pages));
	if (!md->pages)
		md->pages = aligned_alloc(4096, 8 * 4096);
	memset(md->pages, 0, 8 * 4096);
	/* pages 0, 1, 3, 6 hold bytes; 2, 4, 5, 7 are zero */
	for (int p = 0; p < 8; p++)
		if (p == 0 || p == 1 || p == 3 || p == 6)
			for (int i = 0; i < 4096; i += 97)
				md->pages[p * 4096 + i] = (uint8_t)(p * 31 + i + 1);
	struct ck_run *r = &md->run;
	r->version = CK_MODEL_VERSION;
	r->first_status = CK_STAGE_LIVE;
	r->ncontainers = 2;
	r->nstreams = 2;
	r->wall_ns = 123456789;
	snprintf(r->host.kernel, sizeof(r->host.kernel), "6.1.0-test");
	r->host.page_size = 4096;
	r->host.xcr0 = 0xe7;
	r->host.xstate_size = 2432;
	r->host.cpuid_1_ecx = 0xfffa3203;
	r->host.cpuid_7_ebx = 0xf1bf07ab;
	r->host.vdso_len = 8192;
	r->host.vvar_len = 16384;
	r->host.cpuid_x1_edx = 0x2fd3fbff;
	for (int i = 0; i < 32; i++)
		r->host.syscalls_sha256[i] = (uint8_t)i;
	r->containers = md->c;
	r->streams = md->s;
	md->s[0] = (struct ck_stream){ 65536, 5, md->sbytes };
	md->s[1] = (struct ck_stream){ 8192, 5000, md->sbytes };
	for (unsigned i = 0; i < sizeof(md->sbytes); i++)
		md->sbytes[i] = (uint8_t)(i ^ 0x5a);

	struct ck_container *c = &md->c[0];
	c->id = 1;
	c->parent = -1;
	c->next_cid = 1;
	snprintf(c->name, sizeof(c->name), "first");
	c->start_brk = 0x600000;
	c->brk = 0x623456;
	c->vdso = 0x7fff00000000;
	c->vvar = 0x7ffeffffc000;
	c->vdso_syscall = 0x123;
	c->act[1].handler = 0x401500;
	c->act[1].flags = 0x04000000 | 0x08000000;
	c->act[1].restorer = 0x401600;
	c->act[1].mask = 0xff;
	c->nsigq = 2;
	c->sigq = md->shared;
	siginfo_init(&md->shared[0], 34, -1 /* SI_QUEUE */, 7);
	siginfo_init(&md->shared[1], 34, -1, 8);
	c->nthreads = 2;
	c->threads = md->t;
	thread_init(&md->t[0], 100, md->xstate[0]);
	thread_init(&md->t[1], 101, md->xstate[1]);
	md->t[1].flags = CK_T_REWOUND;
	md->t[1].clear_tid = 0;
	md->t[1].nsigq = 3;
	md->t[1].sigq = md->own;
	siginfo_init(&md->own[0], 10, -6 /* SI_TKILL */, 0);
	siginfo_init(&md->own[1], 64, -6, 0);
	siginfo_init(&md->own[2], 64, 0 /* SI_USER */, 0);
	c->nmaps = 2;
	c->maps = md->m;
	/* mapping 0: 8 pages, extent 0 covers pages 0..5, extent 1 page 6 */
	md->m[0] = (struct ck_mapping){ .start = 0x10000000, .len = 8 * 4096, .prot = 3,
					.kind = CK_MAP_ANON, .nextents = 2, .extents = md->e };
	md->e[0] = (struct ck_extent){ .off = 0, .len = 6 * 4096, .data = md->pages };
	md->e[1] = (struct ck_extent){ .off = 6 * 4096, .len = 4096,
				       .data = md->pages + 6 * 4096 };
	/* mapping 1: an all-zero extent (nothing written for it) */
	md->m[1] = (struct ck_mapping){ .start = 0x20000000, .len = 4096, .prot = 1,
					.kind = CK_MAP_STACK, .nextents = 1,
					.extents = md->e + 2 };
	md->e[2] = (struct ck_extent){ .off = 0, .len = 4096, .data = md->pages + 7 * 4096 };
	c->nfds = 6;
	c->fds = md->f;
	md->f[0] = (struct ck_fd){ .num = 0, .kind = CK_FD_OUTSIDE, .role = 0 };
	md->f[1] = (struct ck_fd){ .num = 1, .kind = CK_FD_OUTSIDE, .role = 1, .cloexec = 1 };
	md->f[2] = (struct ck_fd){ .num = 7, .kind = CK_FD_PIPE_W, .stream = 1,
				   .status = 04000 };
	/* an epoll set watching the pipe, an eventfd and a timerfd */
	md->f[3] = (struct ck_fd){ .num = 8, .kind = CK_FD_OBJECT, .cloexec = 1 };
	md->f[4] = (struct ck_fd){ .num = 9, .kind = CK_FD_OBJECT, .status = 04000 };
	md->f[5] = (struct ck_fd){ .num = 12, .kind = CK_FD_OBJECT };
	c->nobjs = 3;
	c->objs = md->o;
	md->o[0] = (struct ck_obj){ .num = 8, .kind = CK_OBJ_EPOLL, .nregs = 3,
				    .regs = md->g };
	md->g[0] = (struct ck_epoll_reg){ 7, 0x4, 0x1122334455667788ull };
	md->g[1] = (struct ck_epoll_reg){ 9, 0x1 | 0x80000000u, 9 };
	md->g[2] = (struct ck_epoll_reg){ 12, 0x1 | 0x40000000u, 0 };
	md->o[1] = (struct ck_obj){ .num = 9, .kind = CK_OBJ_EVENTFD,
				    .flags = CK_EFD_SEMAPHORE, .count = 5 };
	md->o[2] = (struct ck_obj){ .num = 12, .kind = CK_OBJ_TIMERFD, .clockid = 1,
				    .count = 3, .value_ns = 123456789,
				    .interval_ns = 250000000 };

	/* two cnews wound back: thread 0's code from stdin, thread 1's from
	 * nothing (refusals point it elsewhere); container 1's from its pipe */
	for (unsigned i = 0; i < sizeof(md->code); i++)
		md->code[i] = (uint8_t)(i * 13 + 1);
	c->ncodes = 1;
	c->codes = md->cd;
	md->cd[0] = (struct ck_code){ .thread = 0, .fd = 0, .len = 3000, .bytes = md->code };
	md->cd[1] = (struct ck_code){ .thread = 1, .fd = 0, .len = 5, .bytes = md->code };

	c = &md->c[1];
	c->id = 2;
	c->parent = 0;
	c->cid = 1;
	snprintf(c->name, sizeof(c->name), "child");
	c->nthreads = 1;
	c->threads = md->t + 2;
	thread_init(&md->t[2], 200, md->xstate[1]);
	md->t[2].xstate_len = 13;
	c->nmaps = 1;
	c->maps = md->m + 2;
	md->m[2] = (struct ck_mapping){ .start = 0x400000, .len = 4096, .prot = 5,
					.kind = CK_MAP_IMAGE };
	c->nfds = 1;
	c->fds = md->f + 6;
	md->f[6] = (struct ck_fd){ .num = 3, .kind = CK_FD_PIPE_R, .stream = 1 };
	c->ncodes = 1;
	c->codes = md->cd + 2;
	md->cd[2] = (struct ck_code){ .thread = 0, .fd = 3, .len = 13, .bytes = md->code + 7 };
}

/* The same two containers as two stages of a policy run of three: stage
 * 0 ended with status 3, container 0 is stage 1's root, container 1
 * stage 2's, holding a policy's file (its slot 4) at offset 1234. */
static void policy_init(struct model *md)
{
	model_init(md);
	md->run.nstages = 3;
	md->run.stages = md->st;
	for (int i = 0; i < 32; i++)
		md->run.policy_sha256[i] = (uint8_t)(0xa0 + i);
	md->st[0].status = 3;
	md->st[1].status = CK_STAGE_LIVE;
	md->st[2].status = CK_STAGE_LIVE;
	md->c[0].stage = 1;
	md->c[1].parent = -1;
	md->c[1].cid = 0;
	md->c[1].stage = 2;
	md->c[1].nfds = 2;
	md->f[7] = (struct ck_fd){ .num = 4, .kind = CK_FD_FILE, .role = 4,
				   .offset = 1234 };
}

/* The first container had ended (status 7) and left container 1, a root
 * now (the model's containers are the live ones: c[1] stands for what
 * c[0] left). */
static void orphan_init(struct model *md)
{
	model_init(md);
	md->run.first_status = 7;
	md->c[1].parent = -1;
	md->c[1].cid = 0;
}

/* ---- files in memory ----------------------------------------------------- */

struct file {
	uint8_t *b;
	size_t len;
};

static int write_file(const struct ck_run *r, uint32_t flags, struct file *f,
		      char *err, size_t errlen)
{
	int fd = memfd_create("ck", 0);
	struct stat st;
	int rc;

	rc = ck_write_flags(fd, r, flags, err, errlen);
	fstat(fd, &st);
	f->len = (size_t)st.st_size;
	f->b = malloc(f->len + 1);
	if (pread(fd, f->b, f->len, 0) != (ssize_t)f->len)
		rc = -2;
	close(fd);
	return rc;
}

/* The header offset of the nth (0-based) section of a type, or 0. */
static size_t find(const struct file *f, uint32_t type, int nth)
{
	size_t pos = CK_HEADER_LEN;

	while (pos + CK_SECTION_LEN <= f->len) {
		uint32_t t = le32(f->b + pos);
		uint64_t len = le64(f->b + pos + 8);
		if (t == type && nth-- == 0)
			return pos;
		if (t == CK_S_END)
			break;
		pos = (pos + CK_SECTION_LEN + len + 7) & ~(size_t)7;
	}
	return 0;
}

/* Make every checksum and the digest right again after a patch. */
static void fix(struct file *f)
{
	uint32_t flags = le32(f->b + 16);
	size_t pos = CK_HEADER_LEN;
	struct sha256 s;

	st32(f->b + 20, crc32c(0, f->b, 20));
	sha256_init(&s);
	sha256_update(&s, f->b, CK_HEADER_LEN);
	while (pos + CK_SECTION_LEN <= f->len) {
		uint8_t *h = f->b + pos;
		uint32_t t = le32(h);
		uint64_t len = le64(h + 8);
		size_t end = pos + CK_SECTION_LEN + len, padded = (end + 7) & ~(size_t)7;
		if (end > f->len) {
			st32(h + 20, crc32c(0, h, 20));
			break;
		}
		if (t == CK_S_END) {
			if (len == 32) {
				sha256_final(&s, h + CK_SECTION_LEN);
				st32(h + 4, crc32c(0, h + CK_SECTION_LEN, 32));
			}
			st32(h + 20, crc32c(0, h, 20));
			break;
		}
		st32(h + 4, crc32c(0, h + CK_SECTION_LEN, len));
		st32(h + 20, crc32c(0, h, 20));
		sha256_update(&s, h, CK_SECTION_LEN);
		if (t != CK_S_PAGES || (flags & CK_F_DIGEST_PAGES))
			sha256_update(&s, h + CK_SECTION_LEN, len);
		if (padded > f->len)
			break;
		sha256_update(&s, f->b + end, padded - end);
		pos = padded;
	}
}

static char err[512];

static int read_file(const struct file *f, struct ck_run *out)
{
	err[0] = '\0';
	return ck_read(f->b, f->len, out, err, sizeof(err));
}

/* ---- the model compared after a round trip ------------------------------- */

/* A mapping's contents as the extents say (zero elsewhere). */
static uint8_t *contents(const struct ck_mapping *m)
{
	uint8_t *b = calloc(1, m->len);
	for (uint32_t i = 0; i < m->nextents; i++)
		memcpy(b + m->extents[i].off, m->extents[i].data, m->extents[i].len);
	return b;
}

static bool same_run(const struct ck_run *a, const struct ck_run *b)
{
	if (a->version != b->version || a->ncontainers != b->ncontainers ||
	    a->first_status != b->first_status ||
	    a->nstreams != b->nstreams || a->wall_ns != b->wall_ns ||
	    memcmp(&a->host, &b->host, sizeof(a->host)) != 0 ||
	    a->nstages != b->nstages ||
	    memcmp(a->policy_sha256, b->policy_sha256, 32) != 0)
		return false;
	for (uint32_t i = 0; i < a->nstages; i++)
		if (a->stages[i].status != b->stages[i].status)
			return false;
	for (uint32_t i = 0; i < a->nstreams; i++)
		if (a->streams[i].capacity != b->streams[i].capacity ||
		    a->streams[i].len != b->streams[i].len ||
		    memcmp(a->streams[i].bytes, b->streams[i].bytes, a->streams[i].len))
			return false;
	for (uint32_t i = 0; i < a->ncontainers; i++) {
		const struct ck_container *x = &a->containers[i], *y = &b->containers[i];
		if (x->id != y->id || x->parent != y->parent || x->cid != y->cid ||
		    x->next_cid != y->next_cid || strcmp(x->name, y->name) ||
		    x->start_brk != y->start_brk || x->brk != y->brk ||
		    x->vdso != y->vdso || x->vvar != y->vvar ||
		    x->vdso_syscall != y->vdso_syscall || x->nsigq != y->nsigq ||
		    (x->nsigq && memcmp(x->sigq, y->sigq, x->nsigq * sizeof(*x->sigq))) ||
		    memcmp(x->act, y->act, sizeof(x->act)) || x->nthreads != y->nthreads ||
		    x->nmaps != y->nmaps || x->nfds != y->nfds || x->stage != y->stage)
			return false;
		for (uint32_t j = 0; j < x->nthreads; j++) {
			struct ck_thread p = x->threads[j], q = y->threads[j];
			if (p.xstate_len != q.xstate_len ||
			    (p.xstate_len && memcmp(p.xstate, q.xstate, p.xstate_len)) ||
			    p.nsigq != q.nsigq ||
			    (p.nsigq && memcmp(p.sigq, q.sigq, p.nsigq * sizeof(*p.sigq))))
				return false;
			p.xstate = q.xstate = NULL;
			p.sigq = q.sigq = NULL;
			if (memcmp(&p, &q, sizeof(p)))
				return false;
		}
		if (memcmp(x->fds, y->fds, x->nfds * sizeof(*x->fds)) || x->nobjs != y->nobjs)
			return false;
		for (uint32_t j = 0; j < x->nobjs; j++) {
			struct ck_obj p = x->objs[j], q = y->objs[j];
			if (p.nregs != q.nregs ||
			    (p.nregs && memcmp(p.regs, q.regs, p.nregs * sizeof(*p.regs))))
				return false;
			p.regs = q.regs = NULL;
			if (memcmp(&p, &q, sizeof(p)))
				return false;
		}
		if (x->ncodes != y->ncodes)
			return false;
		for (uint32_t j = 0; j < x->ncodes; j++) {
			const struct ck_code *p = &x->codes[j], *q = &y->codes[j];
			if (p->thread != q->thread || p->fd != q->fd || p->len != q->len ||
			    memcmp(p->bytes, q->bytes, p->len))
				return false;
		}
		for (uint32_t j = 0; j < x->nmaps; j++) {
			const struct ck_mapping *m = &x->maps[j], *n = &y->maps[j];
			if (m->start != n->start || m->len != n->len || m->prot != n->prot ||
			    m->kind != n->kind)
				return false;
			uint8_t *u = contents(m), *v = contents(n);
			bool eq = memcmp(u, v, m->len) == 0;
			free(u);
			free(v);
			if (!eq)
				return false;
		}
	}
	return true;
}

/* ---- refusals ------------------------------------------------------------ */

/* A mutation of the model, refused by the writer's checks and (written
 * unchecked) by the reader's, both with `want` in the message. */
static void refuse_model(const char *want, void (*mut)(struct model *))
{
	static struct model md;
	struct file f;
	struct ck_run out;
	char werr[512] = "";
	int fd;

	model_init(&md);
	mut(&md);
	fd = memfd_create("ck", 0);
	ok(ck_write(fd, &md.run, werr, sizeof(werr)) < 0 && strstr(werr, want) &&
	   lseek(fd, 0, SEEK_END) == 0,
	   "the writer refuses (%s), writing nothing: %s", want, werr);
	close(fd);
	write_file(&md.run, CK_F_DIGEST_PAGES | UNCHECKED, &f, werr, sizeof(werr));
	ok(read_file(&f, &out) < 0 && strstr(err, want) && out.containers == NULL,
	   "the reader refuses (%s): %s", want, err);
	ck_free(&out);
	free(f.b);
}

/* A patch of a good file (then checksums fixed unless raw), refused by
 * the reader with `want` in the message. */
static void refuse_bytes(const char *want, bool raw, void (*patch)(struct file *))
{
	static struct model md;
	struct file f;
	struct ck_run out;
	char werr[512];

	model_init(&md);
	write_file(&md.run, CK_F_DIGEST_PAGES, &f, werr, sizeof(werr));
	f.b = realloc(f.b, f.len + 64);
	patch(&f);
	if (!raw)
		fix(&f);
	ok(read_file(&f, &out) < 0 && strstr(err, want) && out.containers == NULL,
	   "the reader refuses (%s): %s", want, err);
	ck_free(&out);
	free(f.b);
}

#define M(name, body) static void name(struct model *md) { body; }
M(m_kernel, memset(md->run.host.kernel, 'a', sizeof(md->run.host.kernel)))
M(m_pagesize, md->run.host.page_size = 16384)
M(m_xstate_size, md->run.host.xstate_size = 70000)
M(m_vdso_len, md->run.host.vdso_len = 4097)
M(m_ncont0, md->run.ncontainers = 0)
M(m_capacity, md->s[0].capacity = 5000)
M(m_overcap, md->s[1].capacity = 4096)
M(m_parent0, md->c[0].parent = 0)
M(m_parent1, md->c[1].parent = 1)
M(m_name, memset(md->c[0].name, 'x', sizeof(md->c[0].name)))
M(m_heap, md->c[0].brk = 0x1000)
M(m_vdso, md->c[0].vdso = 0x7fff00000010)
M(m_vdso_syscall, md->c[0].vdso_syscall = 8192)
M(m_sigkill, md->c[0].act[8].handler = 0x401500)
M(m_handler, md->c[0].act[2].handler = 0xffff800000000000ull)
M(m_saflags, md->c[0].act[2].flags = 0x100000)
M(m_nthreads0, md->c[1].nthreads = 0)
M(m_tflags, md->t[0].flags = 8)
M(m_rip, md->t[0].regs[16] = 0x800000000000ull)
M(m_cs, md->t[0].regs[17] = 0x23)
M(m_altstack, md->t[0].ss_flags = 1)
M(m_robust, md->t[0].robust_len = 16)
M(m_cleartid, md->t[1].clear_tid = 0x1000)
M(m_fdnum, md->f[0].num = -1)
M(m_fdorder, md->f[1].num = 0)
M(m_fdkind, md->f[2].kind = 5)
M(m_fdobjrole, md->f[3].role = 1)
M(m_objnum, md->o[1].num = 10)
M(m_objkind, md->o[1].kind = 3)
M(m_epollflags, md->o[0].count = 1)
M(m_epollnest, md->o[1].kind = CK_OBJ_EPOLL; md->o[1].count = 0; md->o[1].flags = 0)
M(m_epollself, md->g[0].tfd = 8)
M(m_epollgone, md->g[2].tfd = 13)
M(m_epollorder, md->g[1].tfd = 7)
M(m_epollbits, md->g[0].events = 0x800)
M(m_efdflags, md->o[1].flags = 2)
M(m_efdmax, md->o[1].count = UINT64_MAX)
M(m_tfdclock, md->o[2].clockid = 2)
M(m_tfdabs, md->o[2].flags = CK_TFD_ABSTIME)
M(m_tfdvalue, md->o[2].interval_ns = 1ull << 62)
M(m_tfdregs, md->o[2].nregs = 1; md->o[2].regs = md->g)
M(m_fdrole, md->f[2].stream = 2)
M(m_fdstatus, md->f[2].status = 2)
M(m_map, md->m[0].start = 0x10000001)
M(m_maporder, md->m[1].start = 0x10001000)
M(m_prot, md->m[0].prot = 8)
M(m_mapkind, md->m[0].kind = 4)
M(m_extent, md->e[1].off = 7 * 4096; md->e[1].len = 2 * 4096;
  md->e[1].data = md->pages + 5 * 4096)
M(m_extorder, md->e[1].off = 3 * 4096)
M(m_nsigq, md->t[1].nsigq = CK_MAX_SIGQUEUE + 1)
M(m_nshared, md->c[0].nsigq = CK_MAX_SIGQUEUE + 1)
M(m_signo0, st32(md->own[1].b, 0))
M(m_signo65, st32(md->shared[1].b, 65))
M(m_sigkill_q, st32(md->own[0].b, 9))
M(m_sigstop_q, st32(md->shared[0].b, 19))
M(m_twice, st32(md->own[1].b, 10))
/* the roots, the stages and a policy's files */
M(m_root2, md->c[1].parent = -1; md->c[1].cid = 0)
M(m_cidhigh, md->c[1].cid = 2)
M(m_cidneg, md->c[1].cid = -1)
M(m_rootcid, md->c[0].cid = 1; md->c[0].next_cid = 0; md->c[1].cid = 0)
M(m_cidtwice, md->run.ncontainers = 3; md->c[2] = md->c[1]; md->c[0].next_cid = 2)
M(m_childstage, md->c[1].stage = 1)
M(m_fdfile, md->f[2].kind = CK_FD_FILE; md->f[2].stream = 0)
M(m_fdoffset, md->f[0].offset = 1)
M(m_stagedead, policy_init(md); md->c[0].stage = 0)
M(m_stageorder, policy_init(md); md->c[0].stage = 2; md->c[1].stage = 1)
M(m_stagebig, policy_init(md); md->c[1].stage = 3)
M(m_stageroot, policy_init(md); md->st[0].status = CK_STAGE_LIVE)
M(m_stagestatus, policy_init(md); md->st[0].status = 256)
M(m_stagetwo, policy_init(md); md->c[1].stage = 1)
M(m_stagesha, policy_init(md); memset(md->run.policy_sha256, 0, 32))
M(m_shaonly, md->run.policy_sha256[5] = 1)
M(m_fileoffset, policy_init(md); md->f[7].offset = 1ull << 63)
M(m_firstpolicy, policy_init(md); md->run.first_status = 3)
M(m_firstneg, orphan_init(md); md->run.first_status = -2)
M(m_firstlive, orphan_init(md); md->run.first_status = CK_STAGE_LIVE)
/* the cnews wound back */
M(m_codethread, md->cd[0].thread = 2)
M(m_codetwice, md->c[0].ncodes = 2; md->cd[1].thread = 0)
M(m_codeorder, md->c[0].ncodes = 2; md->cd[0].thread = 1; md->cd[1].thread = 0)
M(m_codewfd, md->cd[0].fd = 7)
M(m_codestdout, md->cd[0].fd = 1)
M(m_codegone, md->cd[2].fd = 4)
M(m_codeobj, md->cd[0].fd = 9)
M(m_codelen0, md->cd[1].len = 0; md->c[0].ncodes = 2)
#undef M

/* Patches of the bytes. */
static size_t sec_at(struct file *f, uint32_t type, int nth)
{
	return find(f, type, nth);
}
#define P(name, body) static void name(struct file *f) { body; }
P(p_short, f->len = 10)
P(p_magic, f->b[0] = 'X')
P(p_hcrc, f->b[16] ^= 1)
P(p_fversion, st32(f->b + 8, 2))
P(p_mversion, st32(f->b + 12, 2))
P(p_flags, st32(f->b + 16, 3))
P(p_trunc_hdr, f->len = CK_HEADER_LEN + 10)
P(p_shcrc, f->b[sec_at(f, CK_S_HOST, 0) + 16] ^= 1)
P(p_type, st32(f->b + sec_at(f, CK_S_HOST, 0), 77))
P(p_order, st32(f->b + sec_at(f, CK_S_HOST, 0), CK_S_RUN))
P(p_past, st64(f->b + sec_at(f, CK_S_STREAMS, 0) + 8, 1ull << 40))
P(p_crc, f->b[sec_at(f, CK_S_HOST, 0) + CK_SECTION_LEN + 80] ^= 1)
P(p_count, st32(f->b + sec_at(f, CK_S_RUN, 0) + 16, 2))
P(p_kpad, f->b[sec_at(f, CK_S_HOST, 0) + CK_SECTION_LEN + 70] = 1)
P(p_hostpad, f->b[sec_at(f, CK_S_HOST, 0) + CK_SECTION_LEN + 175] = 1)
P(p_fit, st32(f->b + sec_at(f, CK_S_RUN, 0) + CK_SECTION_LEN, 4000))
P(p_runfirst, st32(f->b + sec_at(f, CK_S_RUN, 0) + CK_SECTION_LEN + 20, 256))
P(p_nstreams, st32(f->b + sec_at(f, CK_S_RUN, 0) + CK_SECTION_LEN + 4, 70000))
/* stream 0 is 5 bytes: its record is 8 + 8 */
P(p_stream_past, st32(f->b + sec_at(f, CK_S_STREAMS, 0) + CK_SECTION_LEN + 4, 6000))
P(p_stream_pad, f->b[sec_at(f, CK_S_STREAMS, 0) + CK_SECTION_LEN + 8 + 6] = 1)
P(p_stream_after, size_t s = sec_at(f, CK_S_STREAMS, 0);
  st32(f->b + s + 16, 1); st32(f->b + sec_at(f, CK_S_RUN, 0) + CK_SECTION_LEN + 4, 1);
  /* the second stream's 8 + 5000 bytes are left over */
  st32(f->b + s + CK_SECTION_LEN + 4, 0);
  memset(f->b + s + CK_SECTION_LEN + 8, 0, 8))
P(p_cpad, st32(f->b + sec_at(f, CK_S_CONTAINER, 0) + CK_SECTION_LEN + 2188, 1))
P(p_nthreads, st32(f->b + sec_at(f, CK_S_CONTAINER, 0) + CK_SECTION_LEN + 2176, 5000))
P(p_nmaps, st32(f->b + sec_at(f, CK_S_CONTAINER, 0) + CK_SECTION_LEN + 2180, 70000))
P(p_nfds, st32(f->b + sec_at(f, CK_S_CONTAINER, 0) + CK_SECTION_LEN + 2184, 70000))
P(p_short_threads, st32(f->b + sec_at(f, CK_S_CONTAINER, 0) + CK_SECTION_LEN + 2176, 100);
  st32(f->b + sec_at(f, CK_S_THREADS, 0) + 16, 100))
P(p_xstate_len, st32(f->b + sec_at(f, CK_S_THREADS, 0) + CK_SECTION_LEN + 260, 70000))
/* container 0's shared count (byte 120 of its record), its thread 1's
 * (byte 232 of the second record: 288 + 600 bytes after the first) */
P(p_shared_more, st32(f->b + sec_at(f, CK_S_CONTAINER, 0) + CK_SECTION_LEN + 120, 3))
P(p_shared_fewer, st32(f->b + sec_at(f, CK_S_CONTAINER, 0) + CK_SECTION_LEN + 120, 1))
P(p_shared_pad, st32(f->b + sec_at(f, CK_S_CONTAINER, 0) + CK_SECTION_LEN + 124, 1))
P(p_shared_max, st32(f->b + sec_at(f, CK_S_CONTAINER, 0) + CK_SECTION_LEN + 120, 300))
P(p_own_more, st32(f->b + sec_at(f, CK_S_THREADS, 0) + CK_SECTION_LEN + 888 + 232, 4))
P(p_own_max, st32(f->b + sec_at(f, CK_S_THREADS, 0) + CK_SECTION_LEN + 888 + 232,
		  0x80000000u))
P(p_own_pad, st32(f->b + sec_at(f, CK_S_THREADS, 0) + CK_SECTION_LEN + 888 + 236, 1))
/* the shared queue's first record (after the 2192-byte container record):
 * signal 19; thread 1's first: signal 65 */
P(p_shared_stop, st32(f->b + sec_at(f, CK_S_CONTAINER, 0) + CK_SECTION_LEN + 2192, 19))
P(p_own_signo, st32(f->b + sec_at(f, CK_S_THREADS, 0) + CK_SECTION_LEN + 888 + 888, 65))
P(p_fds_len, st32(f->b + sec_at(f, CK_S_CONTAINER, 1) + CK_SECTION_LEN + 2184, 0);
  st32(f->b + sec_at(f, CK_S_FDS, 1) + 16, 0))
P(p_objpad, st32(f->b + sec_at(f, CK_S_OBJECTS, 0) + CK_SECTION_LEN + 44, 1))
P(p_nregs, st32(f->b + sec_at(f, CK_S_OBJECTS, 0) + CK_SECTION_LEN + 40, 1000))
P(p_objcount, st32(f->b + sec_at(f, CK_S_OBJECTS, 0) + 16, 2))
P(p_mpad, st32(f->b + sec_at(f, CK_S_MAPS, 0) + CK_SECTION_LEN + 28, 1))
P(p_nextents_max, st32(f->b + sec_at(f, CK_S_MAPS, 0) + CK_SECTION_LEN + 24, 5u << 20))
P(p_nextents, st32(f->b + sec_at(f, CK_S_MAPS, 0) + CK_SECTION_LEN + 24, 1000))
P(p_padcount, st32(f->b + sec_at(f, CK_S_PAD, 0) + 16, 1))
P(p_padbyte, f->b[sec_at(f, CK_S_PAD, 0) + CK_SECTION_LEN + 8] = 1)
P(p_padtype, st32(f->b + sec_at(f, CK_S_PAD, 0), CK_S_FDS))
P(p_pagescount, st32(f->b + sec_at(f, CK_S_PAGES, 0) + 16, 1))
/* mapping 0's first extent: its file offset */
P(p_fileoff, size_t m = sec_at(f, CK_S_MAPS, 0) + CK_SECTION_LEN + 32;
  st64(f->b + m + 16, le64(f->b + m + 16) + 4096))
P(p_endcrc, size_t e = sec_at(f, CK_S_END, 0); f->b[e + 4] ^= 1;
  st32(f->b + e + 20, crc32c(0, f->b + e, 20)))
P(p_digest, size_t e = sec_at(f, CK_S_END, 0); f->b[e + CK_SECTION_LEN] ^= 1;
  st32(f->b + e + 4, crc32c(0, f->b + e + CK_SECTION_LEN, 32));
  st32(f->b + e + 20, crc32c(0, f->b + e, 20)))
P(p_trailing, memset(f->b + f->len, 0, 8); f->len += 8)
/* the PAD 4 bytes shorter: 4 bytes of padding, one of them not zero */
P(p_secpad, size_t p = sec_at(f, CK_S_PAD, 0); uint64_t n = le64(f->b + p + 8);
  st64(f->b + p + 8, n - 4); f->b[p + CK_SECTION_LEN + n - 2] = 1)
P(p_secpad_trunc, size_t p = sec_at(f, CK_S_PAD, 0); uint64_t n = le64(f->b + p + 8);
  st64(f->b + p + 8, n - 4); fix(f); f->len = p + CK_SECTION_LEN + n - 2)
/* 8 bytes fewer of PAD: PAGES starts 8 bytes before a page boundary */
P(p_unaligned, size_t p = sec_at(f, CK_S_PAD, 0); uint64_t n = le64(f->b + p + 8);
  st64(f->b + p + 8, n - 8);
  memmove(f->b + p + CK_SECTION_LEN + n - 8, f->b + p + CK_SECTION_LEN + n,
	  f->len - (p + CK_SECTION_LEN + n));
  f->len -= 8)
/* container 0's cnew 0: its length (byte 8 of its record), its count */
P(p_codebig, st64(f->b + sec_at(f, CK_S_CNEWS, 0) + CK_SECTION_LEN + 8,
		  CK_MAX_CODE + 1))
P(p_codepast, st64(f->b + sec_at(f, CK_S_CNEWS, 0) + CK_SECTION_LEN + 8, 3008))
P(p_codecount, st32(f->b + sec_at(f, CK_S_CNEWS, 1) + 16, 2))
P(p_codepad, f->b[sec_at(f, CK_S_CNEWS, 1) + CK_SECTION_LEN + 16 + 13] = 1)
P(p_codetype, st32(f->b + sec_at(f, CK_S_CNEWS, 0), CK_S_MAPS))
#undef P

/* ---- sweeps -------------------------------------------------------------- */

static void sweep(const char *what, uint32_t flags, bool with_pages)
{
	static struct model md;
	struct file f;
	struct ck_run out;
	char werr[512];
	size_t bad_trunc = 0, bad_flip = 0;

	model_init(&md);
	if (!with_pages) {
		md.m[0].nextents = 0;
		md.m[1].nextents = 0;
	}
	write_file(&md.run, flags, &f, werr, sizeof(werr));
	for (size_t n = 0; n < f.len; n++) {
		uint8_t *copy = malloc(n ? n : 1);
		memcpy(copy, f.b, n);
		if (ck_read(copy, n, &out, err, sizeof(err)) == 0) {
			bad_trunc++;
			ck_free(&out);
		}
		free(copy);
	}
	ok(bad_trunc == 0, "%s: each of the %zu truncations is refused (%zu taken)",
	   what, f.len, bad_trunc);
	for (size_t i = 0; i < f.len * 8; i++) {
		f.b[i / 8] ^= (uint8_t)(1u << (i % 8));
		if (ck_read(f.b, f.len, &out, err, sizeof(err)) == 0) {
			/* without CK_F_DIGEST_PAGES a flip in the pages is
			 * still caught by PAGES' CRC */
			bad_flip++;
			ck_free(&out);
		}
		f.b[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	ok(bad_flip == 0, "%s: each of the %zu single-bit flips is refused (%zu taken)",
	   what, f.len * 8, bad_flip);
	free(f.b);
}

/* ---- the measurement (not in make check) --------------------------------- */

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int bench(size_t mib)
{
	size_t n = mib << 20;
	uint8_t *mem = aligned_alloc(4096, n), *dst = aligned_alloc(4096, n);
	static struct model md;
	struct ck_extent e;
	struct ck_run out;
	char werr[512];
	double t, t_memcpy, t_memcpy_fresh;
	int fd;

	for (size_t i = 0; i < n; i += 8)
		memcpy(mem + i, &(uint64_t){ i * 0x9e3779b97f4a7c15ull + 1 }, 8);
	t = now();
	memcpy(dst, mem, n);
	__asm__ volatile("" : : "r"(dst) : "memory");
	t_memcpy_fresh = now() - t;
	t = now();
	memcpy(dst, mem, n);
	__asm__ volatile("" : : "r"(dst) : "memory");
	t_memcpy = now() - t;
	printf("# %zu MiB: memcpy %.2f GB/s (into fresh pages %.2f GB/s)\n", mib,
	       (double)n / t_memcpy / 1e9, (double)n / t_memcpy_fresh / 1e9);

	model_init(&md);
	md.c[0].nmaps = 1;
	md.m[0] = (struct ck_mapping){ .start = 0x100000000, .len = n, .prot = 3,
				       .nextents = 1, .extents = &e };
	e = (struct ck_extent){ .off = 0, .len = n, .data = mem };
	md.run.ncontainers = 1;
	for (int digest = 1; digest >= 0; digest--) {
		uint32_t flags = digest ? CK_F_DIGEST_PAGES : 0;
		for (int rep = 0; rep < 2; rep++) {
			fd = memfd_create("ckbench", 0);
			t = now();
			if (ck_write_flags(fd, &md.run, flags, werr, sizeof(werr)) < 0) {
				printf("# ck_write: %s\n", werr);
				return 1;
			}
			double tw = now() - t;
			struct stat st;
			fstat(fd, &st);
			void *map = mmap(NULL, (size_t)st.st_size, PROT_READ,
					 MAP_SHARED | MAP_POPULATE, fd, 0);
			t = now();
			int rc = ck_read(map, (size_t)st.st_size, &out, err, sizeof(err));
			double tr = now() - t;
			if (rc < 0) {
				printf("# ck_read: %s\n", err);
				return 1;
			}
			t = now();
			memcpy(dst, out.containers[0].maps[0].extents[0].data, n);
			__asm__ volatile("" : : "r"(dst) : "memory");
			double tc = now() - t;
			printf("# %s digest: ck_write to a memfd %.2f GB/s (%.2fx memcpy), "
			       "ck_read of the mapped file %.2f GB/s (%.2fx memcpy), "
			       "ck_read + copying the pages out %.2f GB/s\n",
			       digest ? "full" : "metadata",
			       (double)n / tw / 1e9, t_memcpy / tw,
			       (double)n / tr / 1e9, t_memcpy / tr,
			       (double)n / (tr + tc) / 1e9);
			ck_free(&out);
			munmap(map, (size_t)st.st_size);
			close(fd);
		}
	}
	for (int digest = 1; digest >= 0; digest--) {
		fd = open("/dev/null", O_WRONLY);
		t = now();
		ck_write_flags(fd, &md.run, digest ? CK_F_DIGEST_PAGES : 0, werr, sizeof(werr));
		printf("# %s digest: ck_write to /dev/null (its own work: zero pages, "
		       "CRC%s) %.2f GB/s\n", digest ? "full" : "metadata",
		       digest ? ", SHA-256" : "", (double)n / (now() - t) / 1e9);
		close(fd);
	}
	t = now();
	volatile uint32_t c = crc32c(0, mem, n);
	(void)c;
	printf("# crc32c %.2f GB/s\n", (double)n / (now() - t) / 1e9);
	struct sha256 s;
	unsigned char d[32];
	t = now();
	sha256_init(&s);
	sha256_update(&s, mem, n);
	sha256_final(&s, d);
	printf("# sha256 %.2f GB/s\n", (double)n / (now() - t) / 1e9);
	return 0;
}

/* ---- the fuzzer's seeds -------------------------------------------------- */

static int corpus(const char *dir)
{
	static struct model md;
	struct file f;
	char path[4096], werr[512];
	static const char *const name[] = { "full", "full-metadigest", "nopages",
					    "one-container", "no-streams",
					    "no-signals", "policy", "first-ended",
					    "stage-ended" };

	for (int i = 0; i < 9; i++) {
		if (i == 8) {
			policy_init(&md);
			md.st[2].status = 5;
			md.c[1].stage = 0;
		} else if (i == 7)
			orphan_init(&md);
		else if (i == 6)
			policy_init(&md);
		else
			model_init(&md);
		if (i == 2 || i == 3) {
			md.m[0].nextents = 0;
			md.m[1].nextents = 0;
		}
		if (i == 3)
			md.run.ncontainers = 1;
		if (i == 4) {
			md.run.nstreams = 0;
			md.c[0].nfds = 2;
			md.c[0].nobjs = 0;
			md.run.ncontainers = 1;
		}
		if (i == 5) {
			md.m[0].nextents = 0;
			md.m[1].nextents = 0;
			md.run.ncontainers = 1;
			md.c[0].nsigq = 0;
			md.t[1].nsigq = 0;
		}
		if (write_file(&md.run, i == 1 ? 0 : CK_F_DIGEST_PAGES, &f, werr,
			       sizeof(werr)) < 0) {
			fprintf(stderr, "%s\n", werr);
			return 1;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, name[i]);
		FILE *o = fopen(path, "wb");
		if (!o || fwrite(f.b, 1, f.len, o) != f.len || fclose(o) != 0)
			return 1;
		free(f.b);
	}
	return 0;
}

/* ---- main ---------------------------------------------------------------- */

int main(int argc, char **argv)
{
	static struct model md;
	struct file f;
	struct ck_run out;
	char werr[512] = "";

	if (argc > 1 && strcmp(argv[1], "--bench") == 0)
		return bench(argc > 2 ? (size_t)atoi(argv[2]) : 256);
	if (argc > 2 && strcmp(argv[1], "--corpus") == 0)
		return corpus(argv[2]);

	/* crc32c: the known value, and both paths on every length/alignment */
	ok(crc32c(0, "123456789", 9) == 0xe3069283 &&
	   crc32c_sw(0, "123456789", 9) == 0xe3069283, "CRC-32C of \"123456789\" is 0xe3069283");
	{
		size_t n = 3 * 8192 * 2 + 1000;
		uint8_t *b = malloc(n + 16);
		bool same = true;
		for (size_t i = 0; i < n + 16; i++)
			b[i] = (uint8_t)(i * 2654435761u >> 13);
		for (size_t a = 0; a < 9 && same; a++)
			for (size_t len = 0; len < 300 && same; len += 7)
				same = crc32c(0, b + a, len) == crc32c_sw(0, b + a, len);
		for (size_t a = 0; a < 3 && same; a++)
			same = crc32c(0, b + a, n) == crc32c_sw(0, b + a, n) &&
			       crc32c(crc32c(0, b + a, 100), b + a + 100, n - 100) ==
			       crc32c_sw(0, b + a, n);
		ok(same, "crc32c and its table version agree (lengths, alignments, "
		   "the three-stream blocks, continuation)");
		free(b);
	}

	/* round trips */
	for (int digest = 0; digest < 2; digest++) {
		uint32_t flags = digest ? CK_F_DIGEST_PAGES : 0;
		model_init(&md);
		ok(write_file(&md.run, flags, &f, werr, sizeof(werr)) == 0,
		   "ck_write (%s digest) takes the model: %s", digest ? "full" : "metadata",
		   werr);
		ok(read_file(&f, &out) == 0, "ck_read takes what ck_write wrote: %s", err);
		ok(same_run(&md.run, &out), "the model read back is the model written");
		size_t pages = find(&f, CK_S_PAGES, 0);
		ok(pages && (pages + CK_SECTION_LEN) % 4096 == 0 &&
		   le64(f.b + pages + 8) == 4 * 4096,
		   "PAGES starts on a page boundary and holds the 4 nonzero pages only");
		ok(out.containers[0].maps[0].nextents == 3 &&
		   out.containers[0].maps[1].nextents == 0 &&
		   out.containers[0].maps[0].extents[0].data == f.b + pages + CK_SECTION_LEN &&
		   out.containers[0].maps[0].extents[0].file_off == pages + CK_SECTION_LEN,
		   "extents split around zero pages, pointing into the file's buffer");
		ok(find(&f, CK_S_PAGES, 1) == 0, "a container without saved pages has no PAGES");
		{
			const struct ck_container *c0 = &out.containers[0];
			const struct ck_thread *t1 = &c0->threads[1];
			ok(c0->nsigq == 2 && le32(c0->sigq[1].b + 24) == 8 &&
			   t1->nsigq == 3 && le32(t1->sigq[0].b) == 10 &&
			   (int32_t)le32(t1->sigq[2].b + 8) == 0 &&
			   c0->threads[0].nsigq == 0 && c0->threads[0].sigq == NULL &&
			   (const uint8_t *)c0->sigq > f.b &&
			   (const uint8_t *)t1->sigq < f.b + f.len,
			   "pending signals read back in their order, siginfo and all, "
			   "pointing into the file's buffer");
		}
		ck_free(&out);
		ck_free(&out);
		free(f.b);
	}
	{
		int p[2];
		model_init(&md);
		md.m[0].nextents = 0;
		md.m[1].nextents = 0;
		pipe(p);
		fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
		int rc = ck_write(p[1], &md.run, werr, sizeof(werr));
		close(p[1]);
		f.b = malloc(1 << 20);
		ssize_t got, len = 0;
		while ((got = read(p[0], f.b + len, (1 << 20) - (size_t)len)) > 0)
			len += got;
		close(p[0]);
		f.len = (size_t)len;
		ok(rc == 0 && read_file(&f, &out) == 0 && same_run(&md.run, &out),
		   "ck_write writes to a pipe (it never seeks) %s%s", werr, err);
		ck_free(&out);
		free(f.b);
	}
	/* a first container that had ended: its status, its child a root */
	orphan_init(&md);
	ok(write_file(&md.run, CK_F_DIGEST_PAGES, &f, werr, sizeof(werr)) == 0 &&
	   read_file(&f, &out) == 0 && same_run(&md.run, &out) &&
	   out.first_status == 7 && out.containers[1].parent == -1,
	   "an ended first container's status and the roots it left read back %s%s",
	   werr, err);
	ck_free(&out);
	free(f.b);
	/* a policy run: two stages' roots, an ended stage, a policy's file */
	policy_init(&md);
	ok(write_file(&md.run, CK_F_DIGEST_PAGES, &f, werr, sizeof(werr)) == 0 &&
	   read_file(&f, &out) == 0 && same_run(&md.run, &out) &&
	   out.nstages == 3 && out.stages[0].status == 3 &&
	   out.containers[1].parent == -1 && out.containers[1].stage == 2 &&
	   out.containers[1].fds[1].kind == CK_FD_FILE &&
	   out.containers[1].fds[1].offset == 1234,
	   "a policy run's stages, roots and files read back as written %s%s", werr, err);
	ck_free(&out);
	free(f.b);
	/* stage 0 ended and left container 1 (a root of stage 0 after stage
	 * 1's); stage 2 ended; no stage live at all is fine too */
	for (int all = 0; all < 2; all++) {
		policy_init(&md);
		md.st[2].status = 5;
		md.c[1].stage = 0;
		if (all)
			md.st[1].status = 0;
		ok(write_file(&md.run, CK_F_DIGEST_PAGES, &f, werr, sizeof(werr)) == 0 &&
		   read_file(&f, &out) == 0 && same_run(&md.run, &out) &&
		   out.containers[1].parent == -1 && out.containers[1].stage == 0 &&
		   out.stages[0].status == 3 && out.stages[2].status == 5,
		   "the containers an ended stage's root left are roots of that stage, "
		   "after a later stage's root%s %s%s", all ? ", every stage ended" : "",
		   werr, err);
		ck_free(&out);
		free(f.b);
	}
	{
		struct ck_host h, g;
		char why[512];
		int rc = ck_host_facts(&h, werr, sizeof(werr));
		ok(rc == 0 && h.page_size == 4096 &&
		   h.kernel[0] && ck_host_check(&h, &h, why, sizeof(why)),
		   "this host's facts are compatible with themselves (%s, xcr0 0x%llx, "
		   "xstate %u bytes)", h.kernel, (unsigned long long)h.xcr0, h.xstate_size);
		g = h;
		g.xcr0 &= ~(uint64_t)4;
		g.cpuid_7_ebx &= ~0x20u;
		g.syscalls_sha256[0] ^= 1;
		snprintf(g.kernel, sizeof(g.kernel), "other");
		ok(!ck_host_check(&h, &g, why, sizeof(why)) &&
		   strstr(why, "xcr0") && strstr(why, "CPUID 7 ebx bits 0x20 missing here") &&
		   strstr(why, "system call table") && !strchr(why, '\n') &&
		   !strstr(why, "kernel"),
		   "ck_host_check: every difference in one line, the kernel release "
		   "allowed: %s", why);
		g = h;
		g.xcr0 |= 1ull << 40;
		ok(ck_host_check(&h, &g, why, sizeof(why)),
		   "ck_host_check: a host with more xstate features will do");
	}

	/* every refusal of the model, by the writer and by the reader */
	refuse_model("the kernel release is not NUL-terminated", m_kernel);
	refuse_model("page size 16384, not 4096", m_pagesize);
	refuse_model("xstate size 70000 over", m_xstate_size);
	refuse_model("HOST: vDSO 4097", m_vdso_len);
	refuse_model("RUN: 0 containers", m_ncont0);
	refuse_model("stream 0: capacity 5000", m_capacity);
	refuse_model("stream 1: 5000 bytes buffered, over its capacity 4096", m_overcap);
	refuse_model("container 0: parent 0 (the first has none", m_parent0);
	refuse_model("container 1: parent 1 (an earlier", m_parent1);
	refuse_model("its name is not NUL-terminated", m_name);
	refuse_model("container 0: heap 0x600000..0x1000", m_heap);
	refuse_model("container 0: vDSO at 0x7fff00000010", m_vdso);
	refuse_model("vDSO syscall offset 0x2000 outside its 8192 bytes", m_vdso_syscall);
	refuse_model("signal 9 (SIGKILL/SIGSTOP) with a handler", m_sigkill);
	refuse_model("signal 3: handler 0xffff800000000000", m_handler);
	refuse_model("signal 3: unknown flags 0x100000", m_saflags);
	refuse_model("container 1: 0 threads", m_nthreads0);
	refuse_model("thread 0: unknown flags 0x8", m_tflags);
	refuse_model("thread 0: rip 0x800000000000 outside the user half", m_rip);
	refuse_model("thread 0: cs 0x23", m_cs);
	refuse_model("thread 0: alternate stack", m_altstack);
	refuse_model("thread 0: robust list", m_robust);
	refuse_model("thread 1: clear-tid address 0x1000", m_cleartid);
	refuse_model("descriptor 0: number -1", m_fdnum);
	refuse_model("descriptor 1: number 0 not above the one before (0)", m_fdorder);
	refuse_model("descriptor 7: unknown kind 5", m_fdkind);
	refuse_model("descriptor 8: role 1, stream 0", m_fdobjrole);
	refuse_model("object at descriptor 10 where the next object descriptor is 9",
		     m_objnum);
	refuse_model("object 9: unknown kind 3", m_objkind);
	refuse_model("epoll set 8: flags, clock, count or times not 0", m_epollflags);
	refuse_model("registration 1 names an epoll set (9; nested sets are not saved)",
		     m_epollnest);
	refuse_model("registration 0 names an epoll set (8;", m_epollself);
	refuse_model("registration 2 names descriptor 13, which it does not hold",
		     m_epollgone);
	refuse_model("registration 1 (descriptor 7) not above the one before (7)",
		     m_epollorder);
	refuse_model("registration 0: unknown event bits 0x800", m_epollbits);
	refuse_model("eventfd 9: flags 0x2", m_efdflags);
	refuse_model("eventfd 9: count 2^64-1", m_efdmax);
	refuse_model("timerfd 12: clock 2", m_tfdclock);
	refuse_model("timerfd 12: flags 0x1 (TFD_TIMER_ABSTIME on CLOCK_REALTIME only",
		     m_tfdabs);
	refuse_model("timerfd 12: value 123456789 ns, interval 4611686018427387904 ns",
		     m_tfdvalue);
	refuse_model("timerfd 12: flags 0x0", m_tfdregs);
	refuse_model("descriptor 7: role 0, stream 2", m_fdrole);
	refuse_model("container 1: parent -1 (an earlier container's index)", m_root2);
	refuse_model("container 1: stage 1, its parent's 0", m_childstage);
	refuse_model("container 1: cid 2, next cid 0 (a child's cid", m_cidhigh);
	refuse_model("container 1: cid -1, next cid 0", m_cidneg);
	refuse_model("container 0: cid 1, next cid 0 (a child's cid", m_rootcid);
	refuse_model("container 2: cid 1, as container 1's", m_cidtwice);
	refuse_model("descriptor 7: a policy's file in a run without a policy", m_fdfile);
	refuse_model("descriptor 0: offset 1 (", m_fdoffset);
	refuse_model("2 live stages but 1 roots", m_stagedead);
	refuse_model("container 1: stage 1 (one of the 3; a live stage's root above",
		     m_stageorder);
	refuse_model("container 1: stage 3 (one of the 3", m_stagebig);
	refuse_model("container 1: stage 1 (one of the 3; a live stage's root above",
		     m_stagetwo);
	refuse_model("3 live stages but 2 roots", m_stageroot);
	refuse_model("stage 0: status 256 (-1: live", m_stagestatus);
	refuse_model("RUN: 3 stages without a policy's SHA-256", m_stagesha);
	refuse_model("RUN: 0 stages with a policy's SHA-256", m_shaonly);
	refuse_model("descriptor 4: offset 9223372036854775808", m_fileoffset);
	refuse_model("RUN: the first container's status 3 (-1: it runs; 0..255 only "
		     "outside a policy run)", m_firstpolicy);
	refuse_model("RUN: the first container's status -2", m_firstneg);
	refuse_model("container 1: parent -1 (an earlier container's index)", m_firstlive);
	refuse_model("descriptor 7: status 0x2", m_fdstatus);
	refuse_model("mapping 0: 0x10000001", m_map);
	refuse_model("mapping 1: starts at 0x10001000, before the end", m_maporder);
	refuse_model("mapping 0: protection 0x8", m_prot);
	refuse_model("mapping 0: unknown kind 4", m_mapkind);
	refuse_model("bytes (page multiples, not empty, inside the mapping's 32768 bytes)", m_extent);
	refuse_model("offset 0x3000 before the end of the one before", m_extorder);
	refuse_model("container 0 thread 1: 257 pending signals (at most 256)", m_nsigq);
	refuse_model("container 0: 257 shared pending signals (at most 256)", m_nshared);
	refuse_model("container 0 thread 1 signal 1: si_signo 0 (1..64, not SIGKILL or "
		     "SIGSTOP)", m_signo0);
	refuse_model("container 0 shared signal 1: si_signo 65", m_signo65);
	refuse_model("container 0 thread 1 signal 0: si_signo 9", m_sigkill_q);
	refuse_model("container 0 shared signal 0: si_signo 19", m_sigstop_q);
	refuse_model("container 0 thread 1 signal 1: signal 10 a second time in one queue",
		     m_twice);

	refuse_model("container 0 cnew 0: thread 2, code rfd 0 (one of its 2 threads",
		     m_codethread);
	/* a thread's records: one per code rfd, by rfd */
	refuse_model("container 0 cnew 1: thread 0, code rfd 0 (one of its 2 threads; "
		     "after the one before, in thread then rfd order)", m_codetwice);
	refuse_model("container 0 cnew 1: thread 0, code rfd 0 (one of its 2 threads; "
		     "after the one before, in thread then rfd order)", m_codeorder);
	refuse_model("container 0 cnew 0: code rfd 7 is not a read end it holds", m_codewfd);
	refuse_model("container 0 cnew 0: code rfd 1 is not a read end it holds",
		     m_codestdout);
	refuse_model("container 1 cnew 0: code rfd 4 is not a read end it holds", m_codegone);
	refuse_model("container 0 cnew 0: code rfd 9 is not a read end it holds", m_codeobj);
	refuse_model("container 0 cnew 1: 0 bytes read (1..4294967296)", m_codelen0);

	/* every refusal of the bytes */
	refuse_bytes("shorter than a checkpoint header", true, p_short);
	refuse_bytes("not a minos checkpoint", true, p_magic);
	refuse_bytes("byte 0: header checksum", true, p_hcrc);
	refuse_bytes("byte 8: format version 2", false, p_fversion);
	refuse_bytes("byte 12: model version 2", false, p_mversion);
	refuse_bytes("byte 16: unknown flags 0x2", false, p_flags);
	refuse_bytes("byte 24: the file ends inside a section header (10 of 24", true,
		     p_trunc_hdr);
	refuse_bytes("byte 24: section header checksum", true, p_shcrc);
	refuse_bytes("byte 24: unknown section type 77", false, p_type);
	refuse_bytes("byte 24: a RUN section where HOST was expected", false, p_order);
	refuse_bytes("STREAMS section of 1099511627776 bytes runs past the end", false,
		     p_past);
	refuse_bytes("HOST section checksum", true, p_crc);
	refuse_bytes("RUN section of 2 records, 1 expected", false, p_count);
	refuse_bytes("nonzero padding after the kernel release", false, p_kpad);
	refuse_bytes("HOST: nonzero padding at its end", false, p_hostpad);
	refuse_bytes("4000 containers, 2 streams and 0 stages cannot fit", false, p_fit);
	refuse_bytes("RUN: the first container's status 256 (-1: it runs; 0..255",
		     false, p_runfirst);
	refuse_bytes("RUN: 70000 streams (at most 65536)", false, p_nstreams);
	refuse_bytes("STREAMS section: stream 0 runs past the section's end", false,
		     p_stream_past);
	refuse_bytes("nonzero padding after stream 0", false, p_stream_pad);
	refuse_bytes("STREAMS section: 5016 bytes after its last record", false,
		     p_stream_after);
	refuse_bytes("container 0: stage 1 outside a policy run", false, p_cpad);
	refuse_bytes("container 0: 5000 threads (1..4096)", false, p_nthreads);
	refuse_bytes("container 0: 70000 mappings", false, p_nmaps);
	refuse_bytes("container 0: 70000 descriptors", false, p_nfds);
	refuse_bytes("THREADS section of 2160 bytes is too short for its 100 records",
		     false, p_short_threads);
	refuse_bytes("thread 0: 70000 bytes of xstate", false, p_xstate_len);
	refuse_bytes("CONTAINER section of 2448 bytes, 2576 expected (the record and "
		     "its 3 shared signals)", false, p_shared_more);
	refuse_bytes("CONTAINER section of 2448 bytes, 2320 expected", false,
		     p_shared_fewer);
	refuse_bytes("container 0: nonzero padding", false, p_shared_pad);
	refuse_bytes("container 0: 300 shared pending signals (at most 256)", false,
		     p_shared_max);
	refuse_bytes("THREADS section: thread 1 runs past the section's end", false,
		     p_own_more);
	refuse_bytes("container 0 thread 1: 2147483648 pending signals (at most 256)",
		     false, p_own_max);
	refuse_bytes("container 0 thread 1: nonzero padding", false, p_own_pad);
	refuse_bytes("container 0 shared signal 0: si_signo 19 (1..64, not SIGKILL or "
		     "SIGSTOP)", false, p_shared_stop);
	refuse_bytes("container 0 thread 1 signal 0: si_signo 65", false, p_own_signo);
	refuse_bytes("FDS section of 32 bytes, 0 expected", false, p_fds_len);
	refuse_bytes("container 0 object 0: nonzero padding", false, p_objpad);
	refuse_bytes("container 0 epoll set 8: 1000 registrations run past the section's end",
		     false, p_nregs);
	refuse_bytes("OBJECTS section of 2 records, 3 expected", false, p_objcount);
	refuse_bytes("mapping 0: nonzero padding", false, p_mpad);
	refuse_bytes("mapping 0: 5242880 extents (at most 4194304)", false, p_nextents_max);
	refuse_bytes("mapping 0: 1000 extents run past the section's end", false,
		     p_nextents);
	refuse_bytes("(under 4096 bytes, none)", false, p_padcount);
	refuse_bytes("PAD section: a nonzero byte", false, p_padbyte);
	refuse_bytes("a FDS section where PAD or PAGES was expected", false, p_padtype);
	refuse_bytes("PAGES section of container 0: 16384 bytes, 1 records", false,
		     p_pagescount);
	refuse_bytes("mapping 0 extent 0: its bytes said to be at", false, p_fileoff);
	refuse_bytes("END section checksum", true, p_endcrc);
	refuse_bytes("SHA-256 does not match", true, p_digest);
	refuse_bytes("8 bytes after the END section", false, p_trailing);
	refuse_bytes("nonzero padding after the PAD section", false, p_secpad);
	refuse_bytes("the file ends inside the padding after the PAD section", true,
		     p_secpad_trunc);
	refuse_bytes("not a multiple of 4096", false, p_unaligned);
	refuse_bytes("container 0 cnew 0: 4294967297 bytes read (1..4294967296)", false,
		     p_codebig);
	refuse_bytes("container 0 cnew 0: 3008 bytes run past the section's end", false,
		     p_codepast);
	refuse_bytes("container 1: 2 cnews wound back for 1 threads and 1 descriptors",
		     false, p_codecount);
	refuse_bytes("CNEWS section: nonzero padding after cnew 0", false, p_codepad);
	refuse_bytes("a MAPS section where CNEWS was expected", false, p_codetype);

	/* the writer's own refusals */
	model_init(&md);
	md.c[0].nobjs = 2;
	ok(write_file(&md.run, 1, &f, werr, sizeof(werr)) < 0 && f.len == 0 &&
	   strstr(werr, "descriptor 12 is an object, but only 2 objects are saved"),
	   "the writer refuses an object descriptor without its object: %s", werr);
	free(f.b);
	model_init(&md);
	md.o[0].regs = NULL;
	ok(write_file(&md.run, 1, &f, werr, sizeof(werr)) < 0 && f.len == 0 &&
	   strstr(werr, "epoll set 8: 3 registrations without them"),
	   "the writer refuses registrations that are not there: %s", werr);
	free(f.b);
	model_init(&md);
	md.e[0].data = NULL;
	ok(write_file(&md.run, 1, &f, werr, sizeof(werr)) < 0 && f.len == 0 &&
	   strstr(werr, "extent 0: its bytes are not in memory"),
	   "the writer refuses an extent whose bytes are not in memory: %s", werr);
	free(f.b);
	model_init(&md);
	md.t[0].xstate = NULL;
	ok(write_file(&md.run, 1, &f, werr, sizeof(werr)) < 0 && f.len == 0 &&
	   strstr(werr, "xstate of 600 bytes without its bytes"),
	   "the writer refuses xstate without its bytes: %s", werr);
	free(f.b);
	model_init(&md);
	md.t[1].sigq = NULL;
	ok(write_file(&md.run, 1, &f, werr, sizeof(werr)) < 0 && f.len == 0 &&
	   strstr(werr, "thread 1: 3 signals without their bytes"),
	   "the writer refuses pending signals without their bytes: %s", werr);
	free(f.b);
	model_init(&md);
	md.c[0].sigq = NULL;
	ok(write_file(&md.run, 1, &f, werr, sizeof(werr)) < 0 && f.len == 0 &&
	   strstr(werr, "container 0: 2 shared signals without their bytes"),
	   "the writer refuses shared signals without their bytes: %s", werr);
	free(f.b);
	model_init(&md);
	md.s[0].bytes = NULL;
	ok(write_file(&md.run, 1, &f, werr, sizeof(werr)) < 0 && f.len == 0 &&
	   strstr(werr, "stream 0: 5 bytes without their bytes"),
	   "the writer refuses stream bytes that are not there: %s", werr);
	free(f.b);
	model_init(&md);
	ok(write_file(&md.run, 2, &f, werr, sizeof(werr)) < 0 && f.len == 0 &&
	   strstr(werr, "unknown flags 0x2"), "the writer refuses unknown flags: %s", werr);
	free(f.b);
	model_init(&md);
	md.run.version = 7;
	ok(write_file(&md.run, 1, &f, werr, sizeof(werr)) < 0 && f.len == 0 &&
	   strstr(werr, "model version 7"), "the writer refuses another model version: %s",
	   werr);
	free(f.b);
	model_init(&md);
	{
		int fd = open("/dev/null", O_RDONLY);
		ok(ck_write(fd, &md.run, werr, sizeof(werr)) < 0 &&
		   strstr(werr, "byte 0: write: Bad file descriptor"),
		   "a write error is one line: %s", werr);
		close(fd);
	}

	/* truncations and bit flips */
	sweep("no pages, full digest", CK_F_DIGEST_PAGES, false);
	sweep("pages, metadata digest", 0, true);
	free(md.pages);
	return tap_done();
}
