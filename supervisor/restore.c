/* SPDX-License-Identifier: MIT */
/*
 * restore.c - resume a saved run (--restore, issue 13; minos(7),
 * Checkpoints).
 *
 * The file is read whole and checked (ckfile.c, pure) and its host facts
 * compared with this host's (ckhost.c) before anything starts: a file
 * that is damaged, truncated or from an incompatible host is exit 125
 * with one line.  Limits are the restoring command line's.
 *
 * The container starts as every container does (launch.c: trampoline,
 * namespaces, limits, the filter), with its saved descriptor table as
 * the trampoline's slots (standard streams by role, pipes inside the run
 * made here and refilled), from a placeholder image: one page that ends
 * where the saved heap starts, run without address randomization, so
 * the kernel's brk starts where the saved one did.  At its execveat's
 * exit stop, before the placeholder runs one instruction, the thread
 * rebuilds the saved program with calls injected at the vDSO's syscall
 * instruction (tracee_call_wait; each passes the container's own filter):
 * vvar and vDSO moved where the program expects them, everything else
 * unmapped, the saved mappings made (private anonymous, read-write),
 * signal actions, brk; the other threads cloned, each given its xstate,
 * alternate stack and robust list; the saved pages written through mem.c
 * in large batches (zero pages are never in the file); the pending
 * signals queued again; protections set; every thread given its mask and
 * registers; then every thread runs on.
 *
 * Private objects (epoll sets, eventfds, timerfds) are made here, like the
 * pipes, and placed by the trampoline at their numbers; an eventfd gets
 * its count at once; an epoll set's registrations are made at the exec
 * stop by injected epoll_ctl calls (they name the container's numbers, so
 * they must be made in the container, once every descriptor is there); a
 * timerfd is set last, just before the threads run on, so the time it had
 * left runs from then (an absolute time on CLOCK_REALTIME stays
 * absolute), with its unread expirations (TFD_IOC_SET_TICKS).
 */
#include <errno.h>
#include <sched.h>
#include <elf.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ckfile.h"
#include "ckhost.h"
#include "ckpt.h"
#include "clock.h"
#include "hostprobe.h"
#include "launch.h"
#include "log.h"
#include "loop.h"
#include "policy.h"
#include "restore.h"
#include "run.h"
#include "stdfds.h"
#include "sys_cnew.h"
#include "sys_fd.h"
#include "tracee.h"

#ifndef F_SETPIPE_SZ
#define F_SETPIPE_SZ 1031
#endif
#ifndef MREMAP_FIXED
#define MREMAP_FIXED 2
#endif
#ifndef MREMAP_MAYMOVE
#define MREMAP_MAYMOVE 1
#endif

#ifndef TFD_IOC_SET_TICKS
#define TFD_IOC_SET_TICKS _IOW('T', 0, uint64_t)
#endif

#define USER_TOP 0x7ffffffff000ULL
#define SCRATCH_AREA 0x3f0000000000ULL /* where specials wait while moved */

static const struct ck_run *R;       /* the file's run */

/* Each restored container: its saved model, its record, our copy of
 * each of its private objects (until its rebuild places them). */
struct one {
	const struct ck_container *ck;
	struct container *c;
	int *objfd;
};
static struct one *ones;
static unsigned nones;
/* The container being rebuilt (rebuild() runs to its end in one call:
 * its injected calls wait on its own thread) and its objects. */
static const struct ck_container *C;
static int *objfd;

/* ---- the placeholder image --------------------------------------------------- */

/* One ELF page at [end - 4096, end): the kernel's brk starts at end.  Its
 * code never runs (the exit stop of its exec comes first). */
static int placeholder(uint64_t end, char *err, size_t errlen)
{
	uint64_t at = end - CK_PAGE;
	unsigned char img[CK_PAGE];
	memset(img, 0, sizeof(img));
	Elf64_Ehdr *eh = (Elf64_Ehdr *)(void *)img;
	Elf64_Phdr *ph = (Elf64_Phdr *)(void *)(img + sizeof(*eh));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = at + 0x100;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	ph->p_type = PT_LOAD;
	ph->p_flags = PF_R | PF_X;
	ph->p_offset = 0;
	ph->p_vaddr = ph->p_paddr = at;
	ph->p_filesz = ph->p_memsz = CK_PAGE;
	ph->p_align = CK_PAGE;
	img[0x100] = 0xeb; /* jmp . */
	img[0x101] = 0xfe;
	int fd = memfd_create("minos-restore", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0 || write(fd, img, sizeof(img)) != (ssize_t)sizeof(img) ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW |
				  F_SEAL_WRITE) < 0) {
		snprintf(err, errlen, "cannot make the placeholder image: %s",
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* ---- the rebuild, at the exec stop ---------------------------------------- */

struct rb {
	struct thread *t;
	uint64_t insn;
	char err[256];
};

static int fail(struct rb *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail(struct rb *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b->err, sizeof(b->err), fmt, ap);
	va_end(ap);
	return -1;
}

static int call(struct rb *b, struct thread *t, long nr, uint64_t a0, uint64_t a1,
		uint64_t a2, uint64_t a3, uint64_t a4, long *res, pid_t *child)
{
	uint64_t args[6] = { a0, a1, a2, a3, a4, 0 };
	int other, rc;
	long r = 0;
	/* A SIGCONT queued again (requeue) sets every thread a group-stop
	 * notification: the thread traps (PTRACE_EVENT_STOP) before its next
	 * call runs, once, and the call is made again from there. */
	for (int tries = 0;; tries++) {
		rc = tracee_call_wait(t, b->insn, nr, args, &r, child, &other);
		if (rc != -EINTR || other >> 16 != PTRACE_EVENT_STOP || tries == 2)
			break;
	}
	if (rc == -EINTR)
		return fail(b, "call %ld: an unexpected stop (wait status 0x%x)", nr, other);
	if (rc < 0)
		return fail(b, "call %ld: %s", nr, strerror(-rc));
	if (res)
		*res = r;
	else if (r < 0)
		return fail(b, "call %ld: %s", nr, strerror((int)-r));
	return 0;
}

struct special { uint64_t lo, hi; bool vdso; };

/* The fresh process's [vvar*] and [vdso] mappings. */
static int specials(pid_t pid, struct special *sp, unsigned *n)
{
	char path[48], line[512];
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	*n = 0;
	while (fgets(line, sizeof(line), f) && *n < 4) {
		unsigned long long lo, hi;
		char name[64] = "";
		if (sscanf(line, "%llx-%llx %*s %*s %*s %*s %63s", &lo, &hi, name) < 2)
			continue;
		if (strcmp(name, "[vdso]") == 0 || strncmp(name, "[vvar", 5) == 0)
			sp[(*n)++] = (struct special){ lo, hi, name[2] == 'd' };
	}
	fclose(f);
	return 0;
}

/* Move vvar and the vDSO where the saved program has them: first all to
 * a scratch area (the targets may overlap where they are), then to the
 * saved addresses, keeping their layout. */
static int move_specials(struct rb *b, pid_t pid)
{
	struct special sp[4];
	unsigned n;
	if (specials(pid, sp, &n) < 0 || n == 0)
		return fail(b, "cannot find this process's vDSO");
	uint64_t base = sp[0].lo, vdso = 0;
	for (unsigned i = 0; i < n; i++) {
		if (sp[i].lo < base)
			base = sp[i].lo;
		if (sp[i].vdso)
			vdso = sp[i].lo;
	}
	if (!vdso)
		return fail(b, "no vDSO in this process");
	/* The saved layout: vvar (first) and vDSO at the file's addresses;
	 * this kernel's layout is the same (same sizes: ck_host_check). */
	uint64_t want_base = C->vvar ? C->vvar : C->vdso;
	if (C->vvar && C->vdso - C->vvar != vdso - base)
		return fail(b, "the saved vDSO lies %#" PRIx64 " after its vvar, "
			    "this kernel's %#" PRIx64, C->vdso - C->vvar, vdso - base);
	b->insn = vdso + C->vdso_syscall;
	unsigned char two[2];
	if (tracee_read(b->t, b->insn, two, 2) < 0 || two[0] != 0x0f || two[1] != 0x05)
		return fail(b, "the saved vDSO's syscall instruction is not in "
			    "this kernel's vDSO");
	for (int phase = 0; phase < 2; phase++) {
		uint64_t to = phase == 0 ? SCRATCH_AREA : want_base;
		/* The vDSO last: the calls run in it. */
		for (int pass = 0; pass < 2; pass++)
			for (unsigned i = 0; i < n; i++) {
				if (sp[i].vdso != (pass == 1))
					continue;
				uint64_t len = sp[i].hi - sp[i].lo;
				uint64_t dst = to + (sp[i].lo - base);
				if (dst == sp[i].lo)
					continue;
				long r;
				if (call(b, b->t, SYS_mremap, sp[i].lo, len, len,
					 MREMAP_MAYMOVE | MREMAP_FIXED, dst, &r, NULL) < 0)
					return -1;
				if ((uint64_t)r != dst)
					return fail(b, "cannot move the vDSO to %#" PRIx64
						    ": %s", dst, strerror((int)-r));
				if (sp[i].vdso)
					b->insn = dst + C->vdso_syscall;
				sp[i].hi = dst + len;
				sp[i].lo = dst;
			}
		base = to;
	}
	/* Everything else goes: the placeholder, its stack. */
	uint64_t lo = CK_PAGE * 16;
	uint64_t keep_lo = want_base, keep_hi = 0;
	for (unsigned i = 0; i < n; i++)
		if (sp[i].hi > keep_hi)
			keep_hi = sp[i].hi;
	if (keep_lo > lo && call(b, b->t, SYS_munmap, lo, keep_lo - lo, 0, 0, 0, NULL, NULL) < 0)
		return -1;
	if (keep_hi < USER_TOP &&
	    call(b, b->t, SYS_munmap, keep_hi, USER_TOP - keep_hi, 0, 0, 0, NULL, NULL) < 0)
		return -1;
	return 0;
}

/* The vDSO where the program has it, sealed as a cnew child's is (Linux
 * 6.10+; without mseal it is used unsealed, as there): its syscall
 * instruction is where the supervisor's calls into the container run
 * (a pass into it, the closes after its own cnew), so the program must
 * not be able to move or change it. */
static int seal_vdso(struct rb *b)
{
	uint64_t insn;
	size_t len = tracee_vdso_scan(b->t, C->vdso, &insn);
	if (!len)
		return fail(b, "its vDSO is not at %#" PRIx64 " after the move", C->vdso);
	long r;
	if (call(b, b->t, MINOS_SYS_MSEAL_NR, C->vdso, len, 0, 0, 0, &r, NULL) < 0)
		return -1;
	if (r < 0 && r != -ENOSYS)
		return fail(b, "cannot seal its vDSO: %s", strerror((int)-r));
	b->t->c->vdso_syscall = insn;
	b->t->c->vdso_tried = true;
	return 0;
}

static int make_maps(struct rb *b)
{
	const struct ck_container *c = C;
	long r;
	if (c->brk > c->start_brk) {
		if (call(b, b->t, SYS_brk, c->brk, 0, 0, 0, 0, &r, NULL) < 0)
			return -1;
		if ((uint64_t)r != c->brk)
			return fail(b, "cannot make its heap up to %#" PRIx64
				    " (brk gave %#lx): over --memory?", c->brk, r);
	}
	for (uint32_t i = 0; i < c->nmaps; i++) {
		const struct ck_mapping *m = &c->maps[i];
		if (m->kind == CK_MAP_BRK && m->start >= c->start_brk &&
		    m->start + m->len <= ((c->brk + CK_PAGE - 1) & ~(uint64_t)(CK_PAGE - 1)))
			continue; /* brk made it */
		/* Read-write while its pages are written; a mapping with
		 * nothing saved (a reservation) gets its own protection at
		 * once, so it is never counted as committed memory. */
		uint64_t prot = m->nextents ? PROT_READ | PROT_WRITE : m->prot;
		if (call(b, b->t, SYS_mmap, m->start, m->len, prot,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, (uint64_t)-1, &r, NULL) < 0)
			return -1;
		if ((uint64_t)r != m->start)
			return fail(b, "cannot map %#" PRIx64 "+%#" PRIx64 ": %s%s",
				    m->start, m->len, strerror((int)-r),
				    r == -ENOMEM ? " (over --memory?)" : "");
	}
	return 0;
}

static int write_pages(struct rb *b)
{
	size_t n = 0, cap = 0;
	for (uint32_t i = 0; i < C->nmaps; i++)
		cap += C->maps[i].nextents;
	if (!cap)
		return 0;
	struct iovec *lo = malloc(cap * sizeof(*lo)), *re = malloc(cap * sizeof(*re));
	if (!lo || !re) {
		free(lo);
		free(re);
		return fail(b, "out of memory");
	}
	for (uint32_t i = 0; i < C->nmaps; i++) {
		const struct ck_mapping *m = &C->maps[i];
		for (uint32_t j = 0; j < m->nextents; j++) {
			const struct ck_extent *e = &m->extents[j];
			lo[n] = (struct iovec){ (void *)(uintptr_t)e->data, e->len };
			re[n] = (struct iovec){ (void *)(uintptr_t)(m->start + e->off), e->len };
			n++;
		}
	}
	int rc = tracee_writev(b->t, lo, re, n);
	free(lo);
	free(re);
	return rc < 0 ? fail(b, "cannot write its memory: %s", strerror(-rc)) : 0;
}

static int set_prots(struct rb *b)
{
	for (uint32_t i = 0; i < C->nmaps; i++) {
		const struct ck_mapping *m = &C->maps[i];
		if (m->prot == (PROT_READ | PROT_WRITE) || !m->nextents)
			continue;
		if (call(b, b->t, SYS_mprotect, m->start, m->len, m->prot, 0, 0, NULL, NULL) < 0)
			return -1;
	}
	return 0;
}

/* A scratch place for a call's argument: below the saved stack pointer of
 * thread th (its mapping is made; the saved pages are written after). */
static uint64_t scratch_of(const struct ck_thread *th)
{
	return ((th->regs[19] - 1024) & ~63ULL) - 512; /* regs[19]: rsp */
}

static int actions(struct rb *b)
{
	uint64_t at = scratch_of(&C->threads[0]);
	for (unsigned sig = 1; sig <= CK_NSIG; sig++) {
		const struct ck_sigaction *a = &C->act[sig - 1];
		if (!a->handler && !a->flags && !a->mask)
			continue;
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		uint64_t ka[4] = { a->handler, a->flags, a->restorer, a->mask };
		if (tracee_write(b->t, at, ka, sizeof(ka)) < 0)
			return fail(b, "cannot write below its stack");
		if (call(b, b->t, SYS_rt_sigaction, sig, at, 0, 8, 0, NULL, NULL) < 0)
			return -1;
	}
	return 0;
}

/* A thread's own state, in the thread (held at a stop): alternate stack,
 * robust list, clear-tid address, xstate (its mask is set last). */
static int thread_state(struct rb *b, struct thread *t, const struct ck_thread *th,
			bool first)
{
	uint64_t at = scratch_of(th);
	if (th->ss_size || th->ss_flags) {
		uint64_t ss[3] = { th->ss_sp, th->ss_flags, th->ss_size };
		if (tracee_write(t, at, ss, sizeof(ss)) < 0 ||
		    call(b, t, SYS_sigaltstack, at, 0, 0, 0, 0, NULL, NULL) < 0)
			return fail(b, "thread %u: cannot set its alternate stack", th->tid);
	}
	if (call(b, t, SYS_set_robust_list, th->robust_head, th->robust_len ? th->robust_len : 24,
		 0, 0, 0, NULL, NULL) < 0)
		return -1;
	if (first && (th->flags & CK_T_CLEAR_TID)) {
		long r;
		if (call(b, t, SYS_set_tid_address, th->clear_tid, 0, 0, 0, 0, &r, NULL) < 0)
			return -1;
		t->clear_tid = th->clear_tid;
	}
	if (th->xstate_len && tracee_set_xstate(t, th->xstate, th->xstate_len) < 0)
		return fail(b, "thread %u: cannot set its FPU state", th->tid);
	return 0;
}

/* One saved queue sent again, in its order, by calls in t (th: its saved
 * thread): a thread's own by rt_tgsigqueueinfo(tgid, tid), t being tid;
 * the shared one (tid 0) by rt_sigqueueinfo(tgid), t being the leader. */
static int requeue_one(struct rb *b, struct thread *t, const struct ck_thread *th,
		       long tgid, long tid, uint32_t n, const struct ck_siginfo *q)
{
	uint64_t at = scratch_of(th);
	struct ck_siginfo keep;
	if (!n)
		return 0;
	if (tracee_read(t, at, &keep, sizeof(keep)) < 0)
		return fail(b, "thread %u: cannot read below its stack", th->tid);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t sig = le32(q[i].b);
		long r;
		int rc;
		if (tracee_write(t, at, &q[i], sizeof(q[i])) < 0)
			return fail(b, "thread %u: cannot write below its stack", th->tid);
		if (tid)
			rc = call(b, t, SYS_rt_tgsigqueueinfo, (uint64_t)tgid, (uint64_t)tid,
				  sig, at, 0, &r, NULL);
		else
			rc = call(b, t, SYS_rt_sigqueueinfo, (uint64_t)tgid, sig, at, 0, 0,
				  &r, NULL);
		if (rc < 0)
			return -1;
		if (r < 0 && tid)
			return fail(b, "thread %u: its pending signal %d (%u of %u) "
				    "cannot be queued again: %s", th->tid, (int)sig, i + 1, n,
				    strerror((int)-r));
		if (r < 0)
			return fail(b, "its shared pending signal %d (%u of %u) cannot "
				    "be queued again: %s", (int)sig, i + 1, n,
				    strerror((int)-r));
		/* Its siginfo is the file's: the loop must not take it for
		 * the kernel's RLIMIT_FSIZE one (RT4-4), which only an
		 * SI_USER one can be mistaken for.  Another code is not
		 * counted: one the program discards (SIG_IGN) would leave
		 * a count that makes the kernel's a signal (RT5-2). */
		int32_t code = (int32_t)le32(q[i].b + 8);
		if (sig == SIGXFSZ && code == SI_USER)
			t->c->xfsz_from_file++;
	}
	if (tracee_write(t, at, &keep, sizeof(keep)) < 0)
		return fail(b, "thread %u: cannot write below its stack", th->tid);
	return 0;
}

/*
 * The saved pending signals, queued again with their siginfo in their
 * saved order.  The kernel takes a siginfo of any kind (a tgkill's, the
 * kernel's own) only from the thread it is sent to, or for the process
 * from its leader (do_rt_tgsigqueueinfo, do_rt_sigqueueinfo: the
 * caller's tid must be the target's, in its pid namespace, asked by
 * gettid): each thread queues its own, the first (the process's leader)
 * the shared ones too.  Every thread blocks every signal meanwhile (its
 * own mask is set last), so none is taken in the middle of an injected
 * call.  The filter traces both calls (a container's own are ENOSYS) and
 * an injected one is let through at its seccomp stop.
 */
static int requeue(struct rb *b, struct thread **made)
{
	long tgid = 0;
	bool any = C->nsigq != 0;
	for (uint32_t i = 0; i < C->nthreads; i++)
		any |= C->threads[i].nsigq != 0;
	if (!any)
		return 0;
	for (uint32_t i = 0; i < C->nthreads; i++)
		if (tracee_set_sigmask(made[i], ~0ULL) < 0)
			return fail(b, "thread %u: cannot set its signal mask",
				    C->threads[i].tid);
	for (uint32_t i = 0; i < C->nthreads; i++) {
		const struct ck_thread *th = &C->threads[i];
		long tid;
		if (!th->nsigq && i != 0)
			continue;
		if (call(b, made[i], SYS_gettid, 0, 0, 0, 0, 0, &tid, NULL) < 0)
			return -1;
		if (i == 0)
			tgid = tid; /* the first is the process's leader */
		if (requeue_one(b, made[i], th, tgid, tid, th->nsigq, th->sigq) < 0)
			return -1;
	}
	return requeue_one(b, made[0], &C->threads[0], tgid, 0, C->nsigq, C->sigq);
}

static void regs_in(const struct ck_thread *th, struct user_regs_struct *r)
{
	memcpy(r, th->regs, sizeof(*r));
}

/* The other threads: clone in the first, each held at its first stop. */
static int threads(struct rb *b, struct thread **made)
{
	for (uint32_t i = 1; i < C->nthreads; i++) {
		const struct ck_thread *th = &C->threads[i];
		uint64_t flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
				 CLONE_THREAD | CLONE_SYSVSEM;
		if (th->flags & CK_T_CLEAR_TID)
			flags |= CLONE_CHILD_CLEARTID;
		long r;
		pid_t nt = 0;
		if (call(b, b->t, SYS_clone, flags, 0, 0, th->clear_tid, 0, &r, &nt) < 0)
			return -1;
		if (r < 0 || !nt)
			return fail(b, "cannot make thread %u of %u: %s", i + 1,
				    C->nthreads, strerror((int)-r));
		int st;
		if (tracee_wait_one(nt, &st) < 0)
			return fail(b, "its new thread %d vanished", nt);
		struct thread *t = thread_find(nt);
		if (!t)
			t = thread_add(nt, b->t->c);
		t->c = b->t->c;
		t->state = T_RUNNING;
		b->t->c->threads++;
		made[i] = t;
		if (th->flags & CK_T_CLEAR_TID)
			t->clear_tid = th->clear_tid;
		if (thread_state(b, t, th, false) < 0)
			return -1;
	}
	return 0;
}

/* ---- private objects ------------------------------------------------------- */

/* One private object made here, as it was saved but for an epoll set's
 * registrations and a timerfd's setting (at the exec stop).  -1 and err. */
static int make_obj(const struct ck_obj *o, uint32_t status, char *err, size_t errlen)
{
	int fd = -1;
	switch (o->kind) {
	case CK_OBJ_EPOLL:
		fd = epoll_create1(EPOLL_CLOEXEC);
		break;
	case CK_OBJ_EVENTFD:
		fd = eventfd(0, EFD_CLOEXEC |
				(o->flags & CK_EFD_SEMAPHORE ? EFD_SEMAPHORE : 0));
		if (fd >= 0 && o->count &&
		    write(fd, &o->count, sizeof(o->count)) != (ssize_t)sizeof(o->count)) {
			snprintf(err, errlen, "cannot set eventfd %d's count: %s", o->num,
				 strerror(errno));
			close(fd);
			return -1;
		}
		break;
	case CK_OBJ_TIMERFD:
		fd = timerfd_create((clockid_t)o->clockid, TFD_CLOEXEC);
		break;
	}
	if (fd < 0) {
		snprintf(err, errlen, "cannot make descriptor %d (object kind %u): %s",
			 o->num, o->kind, strerror(errno));
		return -1;
	}
	if ((status & O_NONBLOCK) && fcntl(fd, F_SETFL, O_NONBLOCK) < 0) {
		snprintf(err, errlen, "descriptor %d: F_SETFL: %s", o->num, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Every epoll set's registrations, by injected epoll_ctl(ADD) in the
 * container (the filter allows epoll_ctl): the targets are in place. */
static int registrations(struct rb *b)
{
	uint64_t at = scratch_of(&C->threads[0]);
	for (uint32_t i = 0; i < C->nobjs; i++) {
		const struct ck_obj *o = &C->objs[i];
		for (uint32_t j = 0; j < o->nregs; j++) {
			unsigned char ev[12]; /* struct epoll_event: packed on x86-64 */
			long r;
			memcpy(ev, &o->regs[j].events, 4);
			memcpy(ev + 4, &o->regs[j].data, 8);
			if (tracee_write(b->t, at, ev, sizeof(ev)) < 0)
				return fail(b, "cannot write below its stack");
			if (call(b, b->t, SYS_epoll_ctl, (uint64_t)o->num, EPOLL_CTL_ADD,
				 (uint64_t)o->regs[j].tfd, at, 0, &r, NULL) < 0)
				return -1;
			if (r < 0)
				return fail(b, "epoll set %d: cannot watch descriptor %d "
					    "(events 0x%x): %s", o->num, o->regs[j].tfd,
					    o->regs[j].events, strerror((int)-r));
		}
	}
	return 0;
}

/* Every timerfd set, from now (ckstate.h: value_ns), with its unread
 * expirations. */
static int timers(struct rb *b)
{
	for (uint32_t i = 0; i < C->nobjs; i++) {
		const struct ck_obj *o = &C->objs[i];
		if (o->kind != CK_OBJ_TIMERFD)
			continue;
		struct itimerspec its = {
			.it_interval = { (time_t)(o->interval_ns / 1000000000u),
					 (long)(o->interval_ns % 1000000000u) },
			.it_value = { (time_t)(o->value_ns / 1000000000u),
				      (long)(o->value_ns % 1000000000u) },
		};
		int flags = (o->flags & CK_TFD_ABSTIME ? TFD_TIMER_ABSTIME : 0) |
			    (o->flags & CK_TFD_CANCEL_ON_SET ? TFD_TIMER_CANCEL_ON_SET : 0);
		if (timerfd_settime(objfd[i], flags, &its, NULL) < 0)
			return fail(b, "timerfd %d: cannot set it: %s", o->num,
				    strerror(errno));
		uint64_t ticks = o->count;
		if (ticks && ioctl(objfd[i], TFD_IOC_SET_TICKS, &ticks) < 0)
			return fail(b, "timerfd %d: cannot give it its %" PRIu64 " unread "
				    "expirations: %s%s", o->num, ticks, strerror(errno),
				    errno == ENOTTY ? " (a kernel without "
				    "CONFIG_CHECKPOINT_RESTORE)" : "");
	}
	return 0;
}

static void close_objs(void)
{
	for (uint32_t i = 0; objfd && i < C->nobjs; i++)
		if (objfd[i] >= 0)
			close(objfd[i]);
	free(objfd);
	objfd = NULL;
}

static bool rebuild(struct thread *t, const struct user_regs_struct *regs)
{
	(void)regs;
	struct one *o = NULL;
	for (unsigned i = 0; i < nones && !o; i++)
		if (ones[i].c == t->c)
			o = &ones[i];
	if (!o)
		return false;
	C = o->ck;
	objfd = o->objfd;
	o->objfd = NULL; /* close_objs() closes them, whatever happens */
	struct rb b = { .t = t };
	long long t0 = mono_ns();
	struct thread **made = calloc(C->nthreads, sizeof(*made));
	int rc = made ? 0 : fail(&b, "out of memory");
	if (made)
		made[0] = t;
	if (rc == 0)
		rc = move_specials(&b, t->c->pid);
	if (rc == 0)
		rc = seal_vdso(&b);
	if (rc == 0)
		rc = make_maps(&b);
	if (rc == 0)
		rc = actions(&b);
	if (rc == 0)
		rc = registrations(&b);
	if (rc == 0)
		rc = threads(&b, made);
	if (rc == 0)
		rc = thread_state(&b, t, &C->threads[0], true);
	long long t1 = mono_ns();
	if (rc == 0)
		rc = write_pages(&b);
	long long t2 = mono_ns();
	if (rc == 0)
		rc = requeue(&b, made);
	if (rc == 0)
		rc = set_prots(&b);
	for (uint32_t i = 0; rc == 0 && i < C->nthreads; i++) {
		struct user_regs_struct r;
		regs_in(&C->threads[i], &r);
		if (tracee_set_sigmask(made[i], C->threads[i].sigmask) < 0)
			rc = fail(&b, "thread %u: cannot set its signal mask",
				  C->threads[i].tid);
		else if (tracee_setregs(made[i], &r) < 0)
			rc = fail(&b, "thread %u: cannot set its registers", i + 1);
	}
	/* A cnew wound back reads what it had read of its code first, when
	 * its thread makes it again (fits() checked the limits). */
	for (uint32_t i = 0; rc == 0 && i < C->ncodes; i++) {
		const struct ck_code *cd = &C->codes[i];
		int e = sys_cnew_preload(made[cd->thread], cd->fd, cd->bytes,
					 (size_t)cd->len);
		if (e < 0)
			rc = fail(&b, "thread %u: cannot keep the %llu bytes its cnew had "
				  "read: %s", cd->thread + 1, (unsigned long long)cd->len,
				  strerror(-e));
	}
	/* The main stack is no longer the kernel's [stack]: mremap's check
	 * (sys_mremap) keeps to the saved one. */
	t->c->stack_lo = t->c->stack_hi = 1;
	for (uint32_t i = 0; i < C->nmaps; i++)
		if (C->maps[i].kind == CK_MAP_STACK) {
			t->c->stack_lo = C->maps[i].start;
			t->c->stack_hi = C->maps[i].start + C->maps[i].len;
		}
	if (rc == 0)
		rc = timers(&b);
	close_objs();
	if (getenv("MINOS_CKPT_TIMES"))
		msg("restore: rebuild %.3f ms, pages %.3f ms, rest %.3f ms",
		    (double)(t1 - t0) / 1e6, (double)(t2 - t1) / 1e6,
		    (double)(mono_ns() - t2) / 1e6);
	if (rc < 0) {
		msg("restore: container %d (%s): %s", t->c->id, t->c->name, b.err);
		t->c->end = END_START;
		ctab_kill(t->c);
		free(made);
		return true;
	}
	/* A checkpoint asked for since its exec's seccomp stop (the container
	 * counts as started from there) had its interrupt taken by the
	 * rebuild's own calls: asked again, each thread stops for it as it
	 * resumes. */
	for (uint32_t i = 0; i < C->nthreads; i++) {
		ckpt_rearm(made[i]);
		tracee_resume(made[i], 0);
	}
	free(made);
	return true;
}

/* ---- the command ------------------------------------------------------------ */

static const struct policy *P;       /* a policy run's policy, or NULL */
static struct container **stage_root; /* each live stage's restored root;
					* an ended one's first orphan */

/* The first container's status: the one it had ended with before the
 * checkpoint, if it had (the containers it left are roots here). */
static int first_status(void)
{
	if (R->first_status != CK_STAGE_LIVE)
		return R->first_status;
	return container_status(ctab_head());
}

/* Is container j of the file below container i? */
static bool below_of(uint32_t j, uint32_t i)
{
	for (int32_t a = ones[j].ck->parent; a >= 0; a = ones[a].ck->parent)
		if ((uint32_t)a == i)
			return true;
	return false;
}

/* A policy run's status, as run_policy's: the last stage that did not
 * succeed, a stage that ended before the checkpoint with its saved
 * status. */
static int stages_status(void)
{
	int status = 0;
	for (uint32_t i = 0; i < R->nstages; i++) {
		int s = R->stages[i].status;
		if (s == CK_STAGE_LIVE)
			s = stage_root[i] ? container_status(stage_root[i])
					  : MINOS_EXIT_FAIL;
		if (s != 0)
			status = s;
	}
	return status;
}

/* Committed memory the saved mappings need (what RLIMIT_DATA counts). */
static uint64_t committed(const struct ck_container *c)
{
	uint64_t sum = 0;
	for (uint32_t i = 0; i < c->nmaps; i++)
		if (c->maps[i].nextents || (c->maps[i].prot & PROT_WRITE))
			sum += c->maps[i].len; /* read-write while written */
	return sum;
}

/* What a container needs within its limits, checked before anything
 * starts; its highest descriptor. */
static int fits(const char *path, const struct ck_container *k,
		const struct minos_limits *lim)
{
	const char *who = k->name;
	if (k->nthreads > lim->threads)
		die(MINOS_EXIT_FAIL, "%s: container '%s' has %u threads, over "
		    "--threads=%u", path, who, k->nthreads, lim->threads);
	uint64_t need = committed(k);
	if (lim->memory && need > lim->memory)
		die(MINOS_EXIT_FAIL, "%s: container '%s' maps %" PRIu64 " bytes, "
		    "over --memory=%llu", path, who, need, lim->memory);
	/* The placeholder's one page ends where the heap starts, so that
	 * page must be one this host maps.  A flat image's heap may start
	 * one page above its bytes at 0x10000 (brk not randomized). */
	uint64_t low = ck_host_mmap_min() + CK_PAGE;
	if (k->start_brk < low || k->start_brk >= (1ULL << 46))
		die(MINOS_EXIT_FAIL, "%s: container '%s': its heap starts at %#" PRIx64
		    ", where restore cannot place it (from %#" PRIx64 " on this host, "
		    "vm.mmap_min_addr and a page, below %#llx)", path, who,
		    k->start_brk, low, 1ULL << 46);
	/* A cnew wound back holds its bytes as cnew holds an image: within
	 * --image-size, and charged to the container's --memory. */
	uint64_t code = 0;
	for (uint32_t i = 0; i < k->ncodes; i++) {
		if (k->codes[i].len > lim->image_size)
			die(MINOS_EXIT_FAIL, "%s: container '%s': a cnew had read %" PRIu64
			    " bytes of its code, over --image-size=%llu", path, who,
			    k->codes[i].len, lim->image_size);
		code += k->codes[i].len;
	}
	if (code > lim->memory)
		die(MINOS_EXIT_FAIL, "%s: container '%s': its cnews had read %" PRIu64
		    " bytes of code, over --memory=%llu", path, who, code, lim->memory);
	int maxfd = -1;
	for (uint32_t i = 0; i < k->nfds; i++)
		if (k->fds[i].num > maxfd)
			maxfd = k->fds[i].num;
	if (maxfd >= 0 && (unsigned)maxfd >= lim->fds)
		die(MINOS_EXIT_FAIL, "%s: container '%s' holds descriptor %d, over "
		    "--fds=%u", path, who, maxfd, lim->fds);
	return maxfd;
}

/* Room for the saved tree as cnew would have given it: containers in
 * the run and under each root (its stage's "containers"), and the memory
 * each reserves out of the run's total. */
static void room(const char *path, const struct minos_config *session,
		 const struct policy *p, const struct minos_limits *first)
{
	const struct minos_limits *l = &session->lim;
	unsigned long long total = l->total_memory ? l->total_memory :
				   (unsigned long long)l->containers * l->memory;
	unsigned long long used = 0;
	if (nones > l->containers)
		die(MINOS_EXIT_FAIL, "%s: %u containers, over --containers=%u", path,
		    nones, l->containers);
	for (unsigned i = 0; i < nones; i++) {
		const struct ck_container *k = ones[i].ck;
		const struct minos_limits *lim = p ? &p->containers[k->stage].lim : first;
		unsigned below = 0;
		used += lim->memory;
		if (k->parent >= 0)
			continue;
		for (unsigned j = i + 1; j < nones; j++)
			below += below_of(j, i);
		/* The roots an ended stage's root left: one tree (RT11-2),
		 * all of them counted, checked at its first. */
		if (p && R->stages[k->stage].status != CK_STAGE_LIVE) {
			bool lead = true;
			for (unsigned j = 0; j < i; j++)
				lead &= ones[j].ck->stage != k->stage;
			below = 0;
			for (unsigned j = 0; lead && j < nones; j++)
				below += ones[j].ck->stage == k->stage;
		}
		if (below > lim->containers)
			die(MINOS_EXIT_FAIL, "%s: container '%s' has %u descendants, over "
			    "its containers limit %u", path, k->name, below,
			    lim->containers);
	}
	unsigned long long code = 0;
	for (unsigned i = 0; i < nones; i++)
		for (uint32_t j = 0; j < ones[i].ck->ncodes; j++)
			code += ones[i].ck->codes[j].len;
	if (code > total)
		die(MINOS_EXIT_FAIL, "%s: its cnews had read %llu bytes of code, over "
		    "the run's total memory %llu", path, code, total);
	if (nones > 1 && used > total)
		die(MINOS_EXIT_FAIL, "%s: its %u containers reserve %llu bytes of "
		    "memory, over the run's total %llu", path, nones, used, total);
}

static const char *const outside_name[3] = { "stdin", "stdout", "stderr" };

/* Does stage pc bind minos-exec's stream `role` (0..2, ckfile.c has
 * checked) to a slot?  Only then can a container of its tree hold it: a
 * descriptor is passed down a tree, never to another stage's (RT11-1). */
static bool binds_outside(const struct policy_container *pc, uint32_t role)
{
	static const enum bind_kind kind[3] = { BIND_STDIN, BIND_STDOUT, BIND_STDERR };
	for (unsigned s = 0; s < pc->nslots; s++)
		if (pc->slots[s].kind == kind[role])
			return true;
	return false;
}

/* The saved run and the command line agree: a policy run is restored
 * with the same policy file (its stages' limits and files), any other
 * without one. */
static struct policy *policy_of(struct minos_config *cfg, const char *path,
				char **dir, struct minos_config *session)
{
	if (!R->nstages) {
		if (cfg->policy)
			die(MINOS_EXIT_FAIL, "%s: not saved from a --policy run: "
			    "restore it without --policy", path);
		*session = *cfg;
		return NULL;
	}
	if (!cfg->policy)
		die(MINOS_EXIT_FAIL, "%s: saved from a --policy run: restore it with "
		    "--policy=FILE, the policy file it ran", path);
	uint8_t sha[32];
	struct policy *p = run_policy_read(cfg, sha, dir, session);
	if (memcmp(sha, R->policy_sha256, 32) != 0 || p->ncontainers != R->nstages)
		die(MINOS_EXIT_FAIL, "%s: saved from another policy file than %s "
		    "(its SHA-256 differs): restore it with the policy it ran",
		    path, cfg->policy);
	for (uint32_t i = 0; i < R->ncontainers; i++) {
		const struct ck_container *k = &R->containers[i];
		/* (A root an ended stage left is named as a child of it.) */
		if (k->parent < 0 && R->stages[k->stage].status == CK_STAGE_LIVE &&
		    strncmp(k->name, p->containers[k->stage].name, CK_NAME_MAX - 1) != 0)
			die(MINOS_EXIT_FAIL, "%s: stage %u is '%s' in the saved run, "
			    "'%s' in %s", path, k->stage + 1, k->name,
			    p->containers[k->stage].name, cfg->policy);
		for (uint32_t j = 0; j < k->nfds; j++)
			if (k->fds[j].kind == CK_FD_OUTSIDE &&
			    !binds_outside(&p->containers[k->stage], k->fds[j].role))
				die(MINOS_EXIT_FAIL, "%s: container '%s' fd %d: minos-exec's "
				    "%s, which %s does not give stage %u", path, k->name,
				    k->fds[j].num, outside_name[k->fds[j].role],
				    cfg->policy, k->stage + 1);
	}
	return p;
}

/* The pipes of the run, made and refilled.  Refilled without waiting: a
 * pipe the kernel would not make as large as the file says (a user past
 * fs.pipe-user-pages-soft gets pipes of two pages) would otherwise hold
 * the supervisor in its write for ever, before any container reads. */
static int (*make_pipes(const char *path))[2]
{
	int (*pipes)[2] = calloc(R->nstreams ? R->nstreams : 1, sizeof(*pipes));
	if (!pipes)
		die(MINOS_EXIT_FAIL, "out of memory");
	for (uint32_t s = 0; s < R->nstreams; s++) {
		const struct ck_stream *cs = &R->streams[s];
		if (pipe2(pipes[s], O_CLOEXEC | O_NONBLOCK) < 0)
			die(MINOS_EXIT_FAIL, "pipe: %s", strerror(errno));
		if (fcntl(pipes[s][1], F_SETPIPE_SZ, (int)cs->capacity) < 0 && cs->len > 65536)
			die(MINOS_EXIT_FAIL, "pipe of %u bytes: %s", cs->capacity,
			    strerror(errno));
		ssize_t n = cs->len ? write(pipes[s][1], cs->bytes, cs->len) : 0;
		if (n != (ssize_t)cs->len)
			die(MINOS_EXIT_FAIL, "%s: stream %u holds %u bytes; a pipe here "
			    "takes %d of them (%s)", path, s, cs->len,
			    fcntl(pipes[s][1], F_GETPIPE_SZ),
			    n < 0 ? strerror(errno) : "a per-user pipe limit?");
		if (fcntl(pipes[s][0], F_SETFL, 0) < 0 || fcntl(pipes[s][1], F_SETFL, 0) < 0)
			die(MINOS_EXIT_FAIL, "pipe: %s", strerror(errno));
	}
	return pipes;
}

struct given {
	int *slots;
	unsigned nslots;
	struct count_relay **counted; /* a counted relay made for a slot */
	bool *ours;                   /* a slot's descriptor made for it alone */
};

/* Container o's descriptor table as the trampoline's slots: outside
 * streams by role (a stage's own counted relay on stdout/stderr, as
 * run_policy gives it), a policy's files opened again, pipes, private
 * objects made here. */
static void give(struct one *o, unsigned nslots, const struct minos_limits *lim,
		 struct stdio_plan *io, int (*pipes)[2], const char *dir,
		 const char *path, struct given *g)
{
	const struct ck_container *k = o->ck;
	char err[512];
	g->nslots = nslots;
	g->slots = malloc((nslots ? nslots : 1) * sizeof(int));
	g->counted = calloc(nslots ? nslots : 1, sizeof(*g->counted));
	g->ours = calloc(nslots ? nslots : 1, sizeof(bool));
	o->objfd = malloc((k->nobjs ? k->nobjs : 1) * sizeof(*o->objfd));
	if (!g->slots || !g->counted || !g->ours || !o->objfd)
		die(MINOS_EXIT_FAIL, "out of memory");
	for (unsigned i = 0; i < nslots; i++)
		g->slots[i] = -1;
	for (uint32_t i = 0, j = 0; i < k->nfds; i++) {
		const struct ck_fd *f = &k->fds[i];
		int src = -1;
		switch (f->kind) {
		case CK_FD_OBJECT:
			/* objs are in the order of their descriptors (ckstate.h) */
			o->objfd[j] = make_obj(&k->objs[j], f->status, err, sizeof(err));
			if (o->objfd[j] < 0)
				die(MINOS_EXIT_FAIL, "%s: %s", path, err);
			src = o->objfd[j++];
			break;
		case CK_FD_OUTSIDE:
			src = io->fd[f->role];
			if (P && f->role > 0) {
				src = stdio_count_slot(src, lim->output, &g->counted[f->num]);
				g->ours[f->num] = g->counted[f->num] != NULL;
			}
			break;
		case CK_FD_FILE:
			src = run_policy_reopen(P, dir, k->stage, f->role, f->offset, err,
						sizeof(err));
			if (src < 0)
				die(MINOS_EXIT_FAIL, "%s: %s", path, err);
			g->ours[f->num] = true;
			break;
		default:
			src = pipes[f->stream][f->kind == CK_FD_PIPE_R ? 0 : 1];
			break;
		}
		g->slots[f->num] = src;
		if ((f->kind == CK_FD_PIPE_R || f->kind == CK_FD_PIPE_W ||
		     f->kind == CK_FD_FILE) && (f->status & O_NONBLOCK))
			fcntl(src, F_SETFL, fcntl(src, F_GETFL) | O_NONBLOCK);
	}
}

/* After o's spawn: a checkpoint of the restored run knows its outside
 * streams and stage as the first run's did; what was made for it alone
 * is its now. */
static void given_away(struct one *o, struct given *g)
{
	const struct ck_container *k = o->ck;
	for (uint32_t i = 0; i < k->nfds; i++) {
		const struct ck_fd *f = &k->fds[i];
		if (f->kind == CK_FD_OUTSIDE)
			ckpt_outside(k->stage, CKPT_STD, f->role, g->slots[f->num]);
		else if (f->kind == CK_FD_FILE)
			ckpt_outside(k->stage, CKPT_FILE, f->role, g->slots[f->num]);
	}
	for (unsigned n = 0; n < g->nslots; n++) {
		if (g->counted[n])
			stdio_relay_target(g->counted[n], o->c->pidfd, o->c->id);
		if (g->ours[n])
			close(g->slots[n]);
	}
	free(g->slots);
	free(g->counted);
	free(g->ours);
}

int run_restore(struct minos_config *cfg)
{
	const char *path = cfg->restore;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		die(MINOS_EXIT_FAIL, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode) || st.st_size <= 0)
		die(MINOS_EXIT_FAIL, "%s: not a checkpoint file (%s)", path,
		    S_ISREG(st.st_mode) ? "empty" : "not a regular file");
	long long tr = mono_ns();
	void *buf = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (buf == MAP_FAILED)
		die(MINOS_EXIT_FAIL, "%s: %s", path, strerror(errno));
	close(fd);
	static struct ck_run run;
	char err[512];
	if (ck_read(buf, (size_t)st.st_size, &run, err, sizeof(err)) < 0)
		die(MINOS_EXIT_FAIL, "%s: %s", path, err);
	if (getenv("MINOS_CKPT_TIMES"))
		msg("restore: read %.3f ms", (double)(mono_ns() - tr) / 1e6);
	struct ck_host here;
	if (ck_host_facts(&here, err, sizeof(err)) < 0)
		die(MINOS_EXIT_FAIL, "%s: %s", path, err);
	if (!ck_host_check(&run.host, &here, err, sizeof(err)))
		die(MINOS_EXIT_FAIL, "%s: cannot be restored on this host: %s", path, err);
	R = &run;

	/* The limits: the command line's, or with --policy each stage's and
	 * the session's, as run_policy has them. */
	static struct minos_config session;
	char *dir = NULL;
	struct policy *p = policy_of(cfg, path, &dir, &session);
	P = p;
	if (!p)
		hostprobe_fit_fds(&cfg->lim, NULL);
	static struct minos_limits first_lim;
	first_lim = cfg->lim;
	first_lim.wall_ms = 0;
	nones = run.ncontainers;
	ones = calloc(nones, sizeof(*ones));
	int *maxfd = calloc(nones, sizeof(int));
	stage_root = calloc(run.nstages ? run.nstages : 1, sizeof(*stage_root));
	if (!ones || !maxfd || !stage_root)
		die(MINOS_EXIT_FAIL, "out of memory");
	for (unsigned i = 0; i < nones; i++) {
		ones[i].ck = &run.containers[i];
		const struct minos_limits *lim = p ? &p->containers[ones[i].ck->stage].lim
						   : &first_lim;
		maxfd[i] = fits(path, ones[i].ck, lim);
	}

	room(path, &session, p, &first_lim);
	struct run r;
	run_setup(&r, &session);
	if (p) {
		run_policy_stages(p, run.policy_sha256);
		for (uint32_t i = 0; i < run.nstages; i++)
			if (run.stages[i].status != CK_STAGE_LIVE)
				ckpt_stage(i, NULL, run.stages[i].status);
	}
	struct stdio_plan io;
	stdio_prepare(&io);
	if (!p)
		stdio_count_output(&io, cfg->lim.output);
	int (*pipes)[2] = make_pipes(path);

	for (unsigned i = 0; i < nones; i++) {
		struct one *o = &ones[i];
		const struct ck_container *k = o->ck;
		const struct minos_limits *lim = p ? &p->containers[k->stage].lim
						   : &first_lim;
		struct given g;
		give(o, (unsigned)(maxfd[i] + 1), lim, &io, pipes, dir, path, &g);
		int image = placeholder(k->start_brk, err, sizeof(err));
		if (image < 0)
			die(MINOS_EXIT_FAIL, "%s", err);
		static char *argv0[2] = { (char *)"", NULL };
		static char *envp0[1];
		/* A child's name is freed with its record (ctab.c), as cnew's. */
		const char *name = k->name[0] ? k->name : "restored";
		char *own = k->parent >= 0 ? strdup(name) : NULL;
		if (k->parent >= 0 && !own)
			die(MINOS_EXIT_FAIL, "out of memory");
		struct spawn_req rq = {
			.cfg = &session, .filter = &r.filter, .memfd = image,
			.slots = g.slots, .nslots = g.nslots, .argv = argv0, .envp = envp0,
			.name = own ? own : name, .lim = lim, .no_randomize = true,
			.parent = k->parent >= 0 ? ones[k->parent].c : NULL,
		};
		if (spawn_container(&rq, &o->c, err, sizeof(err)) < 0)
			die(MINOS_EXIT_FAIL, "%s", err);
		close(image);
		o->c->exec_hook = rebuild;
		o->c->cid = k->cid;
		o->c->next_cid = k->next_cid;
		if (k->nobjs && sys_fd_made_private(o->c) < 0)
			die(MINOS_EXIT_FAIL, "out of memory");
		if (p && k->parent < 0 && run.stages[k->stage].status == CK_STAGE_LIVE) {
			stage_root[k->stage] = o->c;
			ckpt_stage(k->stage, o->c, 0);
		} else if (p && k->parent < 0) {
			ckpt_stage_orphan(k->stage, o->c); /* its root had ended */
			/* One tree, as the uninterrupted run has them under
			 * the ended root: its containers limit counts them
			 * all (the first of them its top). */
			if (stage_root[k->stage])
				o->c->stage = stage_root[k->stage];
			else
				stage_root[k->stage] = o->c;
			o->c->stage_member = true;
		}
		given_away(o, &g);
	}
	stdio_after_spawn(&io);
	if (!p)
		stdio_count_target(&io, ones[0].c->pidfd, ones[0].c->id);
	if (!p && run.first_status != CK_STAGE_LIVE)
		ckpt_first(NULL, run.first_status, NULL);
	else if (!p)
		ckpt_first(ones[0].c, 0, container_status);
	/* The containers hold the pipes now: a stream ends when its writers
	 * do (one whose writers had all ended ends after its bytes). */
	for (uint32_t s = 0; s < run.nstreams; s++) {
		close(pipes[s][0]);
		close(pipes[s][1]);
	}
	free(pipes);
	free(maxfd);
	loop_start_clock();
	int status = run_finish(&r, p ? stages_status : first_status);
	stdio_relays_finish();
	stdio_finish(&io);
	for (unsigned i = 0; i < nones; i++)
		if (ones[i].objfd) {
			for (uint32_t j = 0; j < ones[i].ck->nobjs; j++)
				if (ones[i].objfd[j] >= 0)
					close(ones[i].objfd[j]);
			free(ones[i].objfd);
		}
	free(ones);
	free(stage_root);
	free(dir);
	if (p)
		policy_free(p);
	ck_free(&run);
	munmap(buf, (size_t)st.st_size);
	return status;
}
