/* SPDX-License-Identifier: MIT */
/*
 * sys_cnew.c - child containers: cnew and ckill (SPEC section 3).
 *
 * cnew is decided in three steps, none of which blocks the loop:
 *   1. at the seccomp stop: the code rfd, arch, counts and the fds array
 *      (copied once) are checked, and the supervisor takes its own copies
 *      of every listed descriptor (pidfd_getfd);
 *   2. the code stream is read without waiting (RWF_NOWAIT, or O_NONBLOCK):
 *      while it has no data the calling thread stays stopped and the
 *      stream waits in the loop's epoll, so a stream that never ends
 *      delays only this cnew;
 *   3. at its end the image is found in the cache or made, the child is
 *      started from the supervisor's copies, and only then are the code rfd
 *      and (on success) the listed descriptors removed from the caller:
 *      the loop injects one close per descriptor into the stopped thread.
 *      A cnew that fails leaves the caller's table as it was, except for
 *      the code rfd, which is always consumed.
 */
#include <elf.h>
#include <linux/kcmp.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "elfcheck.h"
#include "launch.h"
#include "log.h"
#include "tracee.h"
#include "report.h"
#include "sha256.h"
#include "sys.h"
#include "sys_cnew.h"
#include "sys_fd.h"


#ifndef RWF_NOWAIT
#define RWF_NOWAIT 0x00000008
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

const struct filter *sys_filter;

/* ---- the image cache --------------------------------------------------------
 * Keyed on (arch, length, a 64-bit hash of the bytes), confirmed by
 * comparing every byte with the cached image, so a hash collision can only
 * cost time.  Bounded: at most CACHE_MAX images and CACHE_BYTES bytes, the
 * least recently used going first.  A hit reuses the sealed memfd and the
 * checks already made: spawning one image 1000 times reads and checks it
 * once. */
#define CACHE_MAX 32
#define CACHE_BYTES (256ULL << 20)

struct image {
	uint64_t hash;
	size_t len;          /* of the code, without a flat image's header */
	size_t off;          /* where the code starts in the memfd */
	unsigned long arch;
	int memfd;
	uint64_t data, mem;  /* elf_info's: what loading it maps */
	unsigned long long used; /* LRU clock */
	char sha256[65];     /* --report only; else "" */
};

static struct image cache[CACHE_MAX];
static unsigned ncache;
static unsigned long long cache_clock, cache_bytes;

static uint64_t hash_bytes(const unsigned char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static bool same_bytes(const struct image *im, const unsigned char *p)
{
	size_t total = im->off + im->len;
	unsigned char *m = mmap(NULL, total, PROT_READ, MAP_PRIVATE, im->memfd, 0);
	if (m == MAP_FAILED)
		return false;
	bool same = memcmp(m + im->off, p, im->len) == 0;
	munmap(m, total);
	return same;
}

static const struct image *cache_put(const struct image *im)
{
	while (ncache == CACHE_MAX || (ncache && cache_bytes + im->len > CACHE_BYTES)) {
		unsigned old = 0;
		for (unsigned i = 1; i < ncache; i++)
			if (cache[i].used < cache[old].used)
				old = i;
		close(cache[old].memfd);
		cache_bytes -= cache[old].len;
		cache[old] = cache[--ncache];
	}
	cache[ncache++] = *im;
	cache_bytes += im->len;
	return &cache[ncache - 1];
}

static int write_all(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -ENOMEM;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The sealed memfd of this image, from the cache or made now; *im_out
 * its entry (valid until the next image_get). */
static int image_get(const unsigned char *code, size_t len, unsigned long arch,
		     const struct image **im_out)
{
	uint64_t h = hash_bytes(code, len);
	for (unsigned i = 0; i < ncache; i++)
		if (cache[i].hash == h && cache[i].len == len &&
		    cache[i].arch == arch && same_bytes(&cache[i], code)) {
			cache[i].used = ++cache_clock;
			*im_out = &cache[i];
			return cache[i].memfd;
		}

	unsigned char head[ELF_FLAT_HDR_SIZE];
	size_t hdr = 0;
	char why[256];
	struct elf_info info;
	if (arch == MINOS_ARCH_X86_64_FLAT) {
		if (elf_wrap_flat(code, len, head, sizeof(head), &hdr) < 0)
			return -ENOEXEC;
		/* one writable segment of len bytes at a page boundary */
		info.mem = len;
		info.data = (len + 4095) & ~(uint64_t)4095;
	} else if (elf_check(code, len, &info, why, sizeof(why)) != 0) {
		return -ENOEXEC;
	}
	int fd = memfd_create("minos:child", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("minos:child", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return errno == EMFILE || errno == ENFILE ? -ENFILE : -ENOMEM;
	fd = ctab_keep_fd(fd); /* kept in the cache: below the reserve */
	if (fd < 0)
		return fd;
	if ((hdr && write_all(fd, head, hdr) < 0) || write_all(fd, code, len) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW |
					   F_SEAL_WRITE) < 0) {
		close(fd);
		return -ENOMEM;
	}
	struct image im = { h, len, hdr, arch, fd, info.data, info.mem,
			    ++cache_clock, "" };
	if (sys_cfg->report) { /* --report names images by their SHA-256 */
		struct sha256 sh;
		sha256_init(&sh);
		sha256_update(&sh, code, len);
		sha256_hex(&sh, im.sha256);
	}
	*im_out = cache_put(&im);
	return fd;
}

/* ---- pending images: charged to the caller ---------------------------------
 * What a cnew has read of its code stream waits in the supervisor's memory
 * until the stream ends, and a stream that never ends would keep it there;
 * so each buffer is charged to the calling container: its pending images
 * together hold at most its memory limit (--memory).  Every live container
 * reserves its --memory out of the run's (--total-memory), so all pending
 * images together stay within the run's memory too; that is also checked.
 * A cnew whose image needs more fails with ENOMEM, and only
 * it: a container's room is its own.  The charge is what is allocated
 * (op->cap), grown by doubling but never past the room left, and given
 * back as soon as the image is made or the cnew fails. */
static unsigned long long pending_total;

static unsigned long long run_memory(void)
{
	const struct minos_limits *l = &sys_cfg->lim;
	return l->total_memory ? l->total_memory :
	       (unsigned long long)l->containers * l->memory;
}

/* How many more bytes of images c may have the supervisor hold now. */
static unsigned long long image_room(const struct container *c)
{
	unsigned long long mine = c->lim->memory > c->image_bytes ?
				  c->lim->memory - c->image_bytes : 0;
	unsigned long long total = run_memory();
	unsigned long long run = total > pending_total ? total - pending_total : 0;
	return mine < run ? mine : run;
}

/* c's pending image bytes (and the run's) grow by n, or shrink by -n. */
static void charge(struct container *c, long long n)
{
	c->image_bytes += (unsigned long long)n;
	pending_total += (unsigned long long)n;
}

static void image_charge(struct cnew_op *op, size_t more)
{
	charge(op->owner, (long long)more);
}

/* The image buffer is no longer needed: free it, give its charge back. */
static void image_drop(struct cnew_op *op)
{
	if (op->owner)
		charge(op->owner, -(long long)op->cap);
	free(op->buf);
	op->buf = NULL;
	op->len = op->cap = 0;
}

/* ---- cnews wound back ----------------------------------------------------
 * A checkpoint does not wait for a cnew whose code stream has not ended
 * (it may never end): the call is wound back, to run again once the
 * thread runs on (here, or after a restore), and what it had read of the
 * stream -- gone from the stream -- waits with the thread (t->code_pre,
 * one per code rfd number: a signal handler may make another cnew,
 * wound back in its turn, before the first is made again),
 * still charged to the container as a pending image.  The thread's next
 * cnew on the same code rfd number reads those bytes first, then the
 * stream; everything else of the call (its arguments, the descriptors it
 * lists, the limits) is taken and checked again, as for any call. */

/* The bytes t keeps for its code rfd number fd, and where they are
 * linked. */
static struct cnew_pre **pre_at(struct thread *t, int64_t fd)
{
	struct cnew_pre **pp = &t->code_pre;
	while (*pp && (*pp)->fd != fd)
		pp = &(*pp)->next;
	return pp;
}

/* Free the bytes at *pp, give their charge back. */
static void pre_drop(struct thread *t, struct cnew_pre **pp)
{
	struct cnew_pre *pre = *pp;
	*pp = pre->next;
	charge(t->c, -(long long)pre->cap);
	free(pre->buf);
	free(pre);
}

void sys_cnew_rewind(struct thread *t)
{
	struct cnew_op *op = t->cnew;
	struct user_regs_struct r = t->entry;
	struct stat st;
	if (!op)
		return;
	if (op->len) {
		/* t may keep some already, for other numbers: a handler's
		 * cnew made while another was wound back (preload_take took
		 * or dropped any for this one). */
		struct cnew_pre **at = pre_at(t, op->consume[0]);
		struct cnew_pre *pre = *at || fstat(op->code, &st) < 0 ? NULL :
				       malloc(sizeof(*pre));
		if (!pre)
			return; /* stays waiting: the freeze gives up (5 s) */
		*pre = (struct cnew_pre){ op->buf, op->len, op->cap, op->consume[0],
					  st.st_dev, st.st_ino, NULL };
		*at = pre; /* its charge with it (image_drop gives none) */
		op->owner = NULL;
		op->buf = NULL;
		op->len = op->cap = 0;
	}
	sys_cnew_abandon(t);
	tracee_rerun(t, &r);
}

int sys_cnew_preload(struct thread *t, int fd, const void *bytes, size_t len)
{
	struct cnew_pre **at = pre_at(t, fd);
	if (*at || !len)
		return -EINVAL;
	if (len > image_room(t->c))
		return -ENOMEM;
	/* The stream now at fd: the bytes are its (preload_take). */
	struct stat st;
	int code = fd_take_dir(t->c, fd, O_RDONLY);
	if (code < 0)
		return code;
	int rc = fstat(code, &st);
	close(code);
	if (rc < 0)
		return -EBADF;
	struct cnew_pre *pre = malloc(sizeof(*pre));
	unsigned char *buf = malloc(len);
	if (!pre || !buf) {
		free(pre);
		free(buf);
		return -ENOMEM;
	}
	memcpy(buf, bytes, len);
	*pre = (struct cnew_pre){ buf, len, len, fd, st.st_dev, st.st_ino, NULL };
	charge(t->c, (long long)len);
	*at = pre;
	return 0;
}

void sys_cnew_preload_drop(struct thread *t)
{
	while (t->code_pre)
		pre_drop(t, &t->code_pre);
}

/* A cnew on the number a wound-back one read: it goes on from there if
 * the number is still that stream.  If it is another one (the thread,
 * its handler or a sibling closed the number and gave it to another
 * stream), the bytes were read from a stream no cnew can read on that
 * number again: dropped, never put in front of another stream's. */
static void preload_take(struct thread *t, struct cnew_op *op, int64_t code_rfd)
{
	struct cnew_pre **at = pre_at(t, code_rfd), *pre = *at;
	struct stat st;
	if (!pre)
		return;
	if (fstat(op->code, &st) < 0 || st.st_dev != pre->dev ||
	    st.st_ino != pre->ino) {
		pre_drop(t, at);
		return;
	}
	op->buf = pre->buf;
	op->len = pre->len;
	op->cap = pre->cap;
	op->owner = t->c; /* the charge is the op's now: image_drop gives it back */
	*at = pre->next;
	free(pre);
}

/* ---- cnew --------------------------------------------------------------- */

static void op_free(struct cnew_op *op)
{
	if (!op)
		return;
	image_drop(op);
	if (op->code >= 0)
		close(op->code);
	for (unsigned k = 0; k < op->nslots; k++)
		if (op->slots[k] >= 0)
			close(op->slots[k]);
	free(op->slots);
	free(op->consume);
	free(op->copies);
	free(op);
}

void sys_cnew_abandon(struct thread *t)
{
	op_free(t->cnew);
	t->cnew = NULL;
}

/* Finish the stopped cnew with result r: the loop closes op->consume[]
 * in the caller, then answers r. */
static long finish(struct thread *t, long r)
{
	struct cnew_op *op = t->cnew;
	image_drop(op); /* made, or never will be */
	op->result = r;
	if (r < 0)
		op->nconsume = 1; /* only the code rfd: the caller's table stays */
	/* Each number leaves the caller's epoll sets after its close
	 * (tracee.c, hooks.closed), never before: it could be added again. */
	return SYS_INJECT;
}

/* Every live container reserves its memory limit; together they may
 * reserve --total-memory (0, the default: --containers x --memory). */
static bool memory_left(const struct container *parent)
{
	unsigned long long total = run_memory();
	unsigned long long used = parent->lim->memory; /* the child's */
	CTAB_FOREACH(c)
		if (ctab_counts(c))
			used += c->lim->memory;
	return used <= total;
}

/* Room for one more container: in the run, and in its stage's tree (a
 * policy stage's "containers" limit: below its root, or, the root ended
 * before a restore, every container it left and theirs: RT11-2). */
static bool room_for_child(const struct container *parent)
{
	const struct container *stage = parent->stage;
	unsigned in_run = 0, in_tree = 0;
	CTAB_FOREACH(c)
		if (ctab_counts(c)) {
			in_run++;
			in_tree += (c != stage || c->stage_member) &&
				   c->stage == stage;
		}
	return in_run < sys_cfg->lim.containers && in_tree < stage->lim->containers;
}

static long start_child(struct thread *t)
{
	struct cnew_op *op = t->cnew;
	struct container *c = t->c;
	/* (Is the caller dying?  sys_cnew_code_ready, its only caller, has
	 * just read /proc to ask; a kill from now on is as one just after.) */
	if (c->killed || c->end != END_NONE)
		return finish(t, -ESRCH);
	const struct image *im;
	int memfd = image_get(op->buf, op->len, op->arch, &im);
	if (memfd < 0)
		return finish(t, memfd);
	char sha256[sizeof(im->sha256)];
	memcpy(sha256, im->sha256, sizeof(sha256));
	/* An image the child's limits cannot even load (Linux would fail
	 * its exec past the point of no return: SIGSEGV) is refused here:
	 * its writable pages against --memory (RLIMIT_DATA counts whole
	 * pages), all its pages against --address-space. */
	const struct minos_limits *cl = c->lim; /* the child's */
	if (im->data > (cl->memory & ~4095ULL) ||
	    (cl->address_space && im->mem > cl->address_space)) {
		if (sys_cfg->trace)
			msg("container %d (%s): cnew: the image needs %llu bytes of "
			    "writable memory to load (%llu in all); the child's "
			    "memory limit is %llu", c->id, c->name,
			    (unsigned long long)im->data,
			    (unsigned long long)im->mem, cl->memory);
		return finish(t, -ENOMEM);
	}
	/* A restored file may say the last cid was INT_MAX: no cid is left
	 * (++ would overflow into a negative "cid" no call can name). */
	if (!room_for_child(c) || c->next_cid == INT_MAX)
		return finish(t, -EAGAIN);
	if (!memory_left(c))
		return finish(t, -ENOMEM);

	/* Named for messages after its parent and cid: "grader/2".  A name
	 * never grows past NAME_DEEP: deeper, the first container's name
	 * and the parent's number in the run stand for the path between
	 * ("grader/...(250)/1"), so a chain of generations costs no more per
	 * container than a flat tree. */
	static char *const empty[] = { NULL };
	enum { NAME_DEEP = 96 };
	size_t root = strcspn(c->name, "/");
	char *name = malloc((strlen(c->name) < NAME_DEEP ? strlen(c->name) : root) + 48);
	if (!name)
		return finish(t, -ENOMEM);
	if (strlen(c->name) < NAME_DEEP)
		sprintf(name, "%s/%d", c->name, c->next_cid + 1);
	else
		sprintf(name, "%.*s/\u2026(%d)/%d", (int)root, c->name, c->id,
			c->next_cid + 1);
	struct spawn_req rq = {
		.cfg = sys_cfg, .filter = sys_filter, .memfd = memfd,
		.slots = op->slots, .nslots = op->nslots,
		.argv = empty, .envp = empty, .name = name, .parent = c,
		.lim = c->lim,
	};
	struct container *child;
	char err[256];
	int rc = spawn_container(&rq, &child, err, sizeof(err));
	if (rc < 0) {
		if (sys_cfg->trace)
			msg("container %d (%s): cnew: %s", c->id, c->name, err);
		free(name);
		return finish(t, rc);
	}
	child->cid = ++c->next_cid;
	if (child->stats)
		memcpy(child->stats->sha256, sha256, sizeof(child->stats->sha256));
	return finish(t, child->cid);
}

/* Read up to len bytes of the code stream without waiting: the count,
 * 0 at its end, -EAGAIN if it has nothing now, or -EIO. */
static ssize_t read_nowait(struct cnew_op *op, void *p, size_t len)
{
	for (;;) {
		struct iovec iov = { p, len };
		/* A file (standard input redirected from one) cannot be
		 * waited on and never waits on a container: read it. */
		ssize_t n = op->file ? read(op->code, p, len)
				     : preadv2(op->code, &iov, 1, -1, RWF_NOWAIT);
		if (n < 0 && (errno == EOPNOTSUPP || errno == EINVAL)) {
			/* No RWF_NOWAIT for pipes in this kernel: the stream is
			 * consumed anyway, so its description may go nonblocking. */
			fcntl(op->code, F_SETFL, O_NONBLOCK);
			n = read(op->code, p, len);
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? -EAGAIN : -EIO;
		return n;
	}
}

/* Read what the code stream has now, without waiting.  Returns 1 at its
 * end, 0 if it must wait, or -errno. */
static int read_code(struct cnew_op *op)
{
	for (;;) {
		if (op->len == op->cap) {
			size_t cap = op->cap ? op->cap * 2 : 65536;
			if (cap > op->max + 1)
				cap = op->max + 1;
			if (cap <= op->len)
				return -E2BIG;
			unsigned long long room = image_room(op->owner);
			if (cap - op->cap > room)
				cap = op->cap + (size_t)room;
			if (cap <= op->len) {
				/* No room for one more byte: it had better
				 * be the end of the stream. */
				unsigned char b;
				ssize_t n = read_nowait(op, &b, 1);
				if (n == 0)
					return 1;
				return n == -EAGAIN ? 0 : n < 0 ? (int)n : -ENOMEM;
			}
			unsigned char *b = realloc(op->buf, cap);
			if (!b)
				return -ENOMEM;
			image_charge(op, cap - op->cap);
			op->buf = b;
			op->cap = cap;
		}
		ssize_t n = read_nowait(op, op->buf + op->len, op->cap - op->len);
		if (n == -EAGAIN)
			return 0;
		if (n < 0)
			return (int)n;
		if (n == 0)
			return 1;
		op->len += (size_t)n;
		if (op->len > op->max)
			return -E2BIG;
	}
}

long sys_cnew_code_ready(struct thread *t)
{
	/* A caller that is ending starts nothing: its code stream may end
	 * only because it dies (and then holds a truncated image). */
	if (t->c->killed || t->c->end != END_NONE || sys_dying(t->tid))
		return finish(t, -ESRCH);
	int rc = read_code(t->cnew);
	if (rc == 0)
		return SYS_DEFER;
	if (rc < 0)
		return finish(t, rc);
	return start_child(t);
}

long sys_cnew(struct thread *t, struct sysargs *a)
{
	struct container *c = t->c;
	int64_t code_rfd = (int64_t)a->a[0];
	uint64_t fds_ptr = a->a[1];
	uint64_t rcount = (uint32_t)a->a[2], wcount = (uint32_t)a->a[3];
	unsigned long arch = a->a[4];

	/* The closes that end this call may be one close_range (tracee.c). */
	tracee_set_close_key(sys_filter ? sys_filter->close_key : 0);

	/* A code rfd that is not ours: nothing is consumed. */
	/* Every copy is kept while the cnew waits: below the reserve. */
	int code = ctab_keep_fd(fd_take_dir(c, code_rfd, O_RDONLY));
	if (code < 0) /* EBADF, or ENFILE/ENOMEM: no room of ours */
		return fd_take_error(code);
	if (sys_pass_busy(c, (int)code_rfd)) {
		close(code);
		return -EBADF;
	}

	struct cnew_op *op = calloc(1, sizeof(*op));
	int *consume = malloc(sizeof(int)), *copies = malloc(sizeof(int));
	if (!op || !consume || !copies) {
		free(op);
		free(consume);
		free(copies);
		close(code);
		return -ENOMEM;
	}
	t->cnew = op;
	op->consume = consume;
	op->copies = copies;
	op->code = code;
	op->consume[0] = (int)code_rfd;
	op->copies[0] = code;
	op->nconsume = 1;
	preload_take(t, op, code_rfd);
	if (arch != MINOS_ARCH_X86_64_FLAT && arch != MINOS_ARCH_X86_64_ELF)
		return finish(t, -EINVAL);
	if (rcount > t->c->lim->fds || wcount > t->c->lim->fds)
		return finish(t, -EINVAL);

	/* The array, copied once: rfd_count rfds, then wfd_count wfds. */
	unsigned n = (unsigned)(rcount + wcount);
	int *fds = n ? calloc(n, sizeof(int)) : NULL;
	int *more = realloc(op->consume, (n + 1) * sizeof(int));
	if (more)
		op->consume = more;
	int *more_copies = realloc(op->copies, (n + 1) * sizeof(int));
	if (more_copies)
		op->copies = more_copies;
	if ((n && !fds) || !more || !more_copies) {
		free(fds);
		return finish(t, -ENOMEM);
	}
	int rc = tracee_read(t, fds_ptr, fds, n * sizeof(int));
	if (rc < 0) {
		free(fds);
		return finish(t, -EFAULT);
	}
	op->nslots = (unsigned)(rcount > wcount ? rcount : wcount);
	op->slots = malloc((op->nslots ? op->nslots : 1) * sizeof(int));
	if (!op->slots) {
		free(fds);
		return finish(t, -ENOMEM);
	}
	for (unsigned k = 0; k < op->nslots; k++)
		op->slots[k] = -1;

	long err = 0;
	for (unsigned i = 0; i < n && !err; i++) {
		int fd = fds[i];
		bool is_r = i < rcount;
		unsigned slot = is_r ? i : (unsigned)(i - rcount);
		if (fd == -1)
			continue;
		if (op->slots[slot] >= 0) {
			err = -EINVAL; /* slot claimed by both parts */
			break;
		}
		for (unsigned j = 0; j < i; j++)
			if (fds[j] == fd)
				err = -EINVAL; /* listed twice */
		if (fd == code_rfd)
			err = -EINVAL;         /* the code stream is consumed */
		if (err)
			break;
		if (sys_pass_busy(c, fd)) { /* on its way with another call */
			err = -EBADF;
			break;
		}
		op->slots[slot] = ctab_keep_fd(fd_take_dir(c, fd, is_r ? O_RDONLY
								      : O_WRONLY));
		if (op->slots[slot] < 0) {
			err = fd_take_error(op->slots[slot]);
			op->slots[slot] = -1;
			break;
		}
		op->copies[op->nconsume] = op->slots[slot];
		op->consume[op->nconsume++] = fd;
	}
	free(fds);
	if (err)
		return finish(t, err);
	if (!room_for_child(t->c))
		return finish(t, -EAGAIN);
	op->arch = arch;
	op->max = t->c->lim->image_size;
	op->owner = c;
	struct stat st;
	op->file = fstat(op->code, &st) == 0 && !S_ISFIFO(st.st_mode) &&
		   !S_ISSOCK(st.st_mode) && !S_ISCHR(st.st_mode);
	return sys_cnew_code_ready(t);
}

/* Is number num of c listed by a cnew of c still in progress (or a
 * pass's close list), and does it still hold the file that call took?
 * A number closed meanwhile -- by the call's own injected close, whose
 * exit stop we may not have seen yet, or by another thread -- and made
 * again is a new file that nothing is moving. */
struct busy_q { int num; bool found; };

static void busy_in(struct thread *t, void *arg)
{
	struct busy_q *q = arg;
	struct cnew_op *op = t->cnew;
	if (op && op->copies)
		for (unsigned i = 0; i < op->nconsume; i++)
			if (op->consume[i] == q->num &&
			    (op->copies[i] < 0 ||
			     syscall(SYS_kcmp, t->tid, getpid(), KCMP_FILE,
				     q->num, op->copies[i]) == 0))
				q->found = true;
}

bool sys_cnew_busy(struct container *c, int num)
{
	struct busy_q q = { num, false };
	thread_each(c, busy_in, &q);
	return q.found;
}

/* ---- ckill ------------------------------------------------------------------ */

static bool descends(const struct container *x, const struct container *from)
{
	for (; x; x = x->parent)
		if (x == from)
			return true;
	return false;
}

long sys_ckill(struct thread *t, struct sysargs *a)
{
	struct container *child = sys_live_child(t->c, (int64_t)a->a[0]);
	if (!child)
		return -ESRCH;
	/* The child and every container it made, however deep, at once. */
	CTAB_FOREACH(x)
		if (x->state != C_DEAD && descends(x, child)) {
			if (x->end == END_NONE) {
				x->end = END_CKILL;
				x->end_sig = SIGKILL;
				x->killer = t->c->id;
			}
			ctab_kill(x);
		}
	return 0;
}

/* ---- a child's first stop: argc 0, a vDSO it cannot change ------------------ */

/*
 * The kernel starts a program with at least one argument (an empty
 * argv[0] for cnew's empty argv); SPEC §3 gives a child argc 0.  At its
 * execveat's exit stop, before it runs one instruction, its initial stack
 * [argc=1, argv[0], NULL, NULL (envp), auxv...] is rewritten 16 bytes
 * lower (rsp stays 16-aligned) as [0, NULL, NULL, auxv...].
 *
 * Then its vDSO is sealed (mseal, Linux 6.10+) by a call injected at a
 * syscall instruction in it: from then on the child cannot unmap, remap
 * or make writable the one instruction a pass borrows its threads at
 * (sys_pass.c), so a borrowed thread only ever runs code the supervisor
 * chose and checked.  Without mseal the instruction is used unsealed.
 * An ELF child makes that call on its way into its program, with no stop
 * of its own (tracee_start_sealed): the exec's exit stop is its only one.
 */
struct exec_stop {
	struct user_regs_struct regs; /* the child's, with its new rsp */
};

static void exec_resume(struct thread *t, long r, void *arg);

/* The fast seal's end: 0, the child runs its program (mseal entered with
 * its final registers); else the thread is stopped elsewhere. */
static void exec_started(struct thread *t, long r, void *arg)
{
	if (r == 0)
		free(arg);
	else
		exec_resume(t, r, arg);
}

static void exec_resume(struct thread *t, long r, void *arg)
{
	struct exec_stop *es = arg;
	if (r < 0 && r != -EINTR && sys_cfg->trace)
		msg("container %d (%s): cannot seal its vDSO: %s", t->c->id,
		    t->c->name, strerror((int)-r));
	if (tracee_setregs(t, &es->regs) == 0)
		tracee_resume(t, 0);
	free(es);
}

bool sys_cnew_exec_stop(struct thread *t, const struct user_regs_struct *regs)
{
	struct exec_stop *es = malloc(sizeof(*es));
	if (!es)
		return false;
	es->regs = *regs;
	uint64_t sp = regs->rsp, st[64], vdso = 0, entry = 0;
	/* The stack may end less than sizeof(st) above sp (the kernel's
	 * random gap below the strings can be small): then it ends at the
	 * next page boundary, and what is below that is all there is. */
	size_t got = sizeof(st), tail = 4096 - (sp & 4095);
	if (tracee_read(t, sp, st, got) < 0) {
		got = tail < sizeof(st) ? tail : 0;
		if (!got || tracee_read(t, sp, st, got) < 0)
			got = 0;
	}
	unsigned words = (unsigned)(got / sizeof(uint64_t));
	if (words >= 6 && st[0] == 1 && st[2] == 0 && st[3] == 0) {
		unsigned n = 4;
		while (n + 1 < words && st[n] != AT_NULL) {
			if (st[n] == AT_SYSINFO_EHDR)
				vdso = st[n + 1];
			if (st[n] == AT_ENTRY)
				entry = st[n + 1];
			n += 2;
		}
		if (n + 1 < words) {
			/* [0, NULL, NULL] then the auxv with its AT_NULL. */
			uint64_t out[64];
			out[0] = out[1] = out[2] = 0;
			memcpy(out + 3, st + 4, (n + 2 - 4) * sizeof(uint64_t));
			if (tracee_write(t, sp - 16, out, (n + 2 - 1) * sizeof(uint64_t)) == 0)
				es->regs.rsp = sp - 16;
		}
	}
	/* An ELF child: sealed on its way into its program, no stop more
	 * (tracee_start_sealed).  A flat child's registers must all be zero,
	 * and --trace says if the seal failed: those take the stops below. */
	bool elf = entry && entry != MINOS_FLAT_BASE;
	if (elf && !sys_cfg->trace && tracee_start_sealed(t, vdso, &es->regs) == 0) {
		free(es);
		return true;
	}
	uint64_t insn;
	size_t len = tracee_vdso_scan(t, vdso, &insn);
	if (len) {
		t->c->vdso_syscall = insn;
		uint64_t args[6] = { vdso, len, 0 };
		/* Else an ELF child starts from mseal's own stop, its
		 * program's registers set there: rdi and rsi keep the vDSO's
		 * address and length (the psABI leaves them unspecified at
		 * entry); two stops in all.  A flat child, or --trace:
		 * mseal's exit stop first, then the registers (three). */
		if (elf && !sys_cfg->trace &&
		    tracee_call_traced_then(t, insn, MINOS_SYS_MSEAL_NR, args,
					    &es->regs, exec_started, es) == 0)
			return true;
		if (tracee_call_traced_at(t, insn, MINOS_SYS_MSEAL_NR, args,
					  exec_resume, es) == 0)
			return true;
	}
	free(es);
	return false; /* the loop resumes it with regs (rsp unchanged) */
}

/* A container's own mseal: not in SPEC §4. */
long sys_mseal(struct thread *t, struct sysargs *a)
{
	(void)t;
	(void)a;
	return -ENOSYS;
}
