/* SPDX-License-Identifier: MIT */
/*
 * ctab.h - the container and thread table: only what the kernel cannot
 * tell us (which threads form which container, limits, pending operations).
 * Descriptors are never mirrored: the container's fd table is the truth.
 */
#ifndef MINOS_CTAB_H
#define MINOS_CTAB_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>
#include <time.h>

#include "config.h"
#include "minos.h"

struct cstats;

struct thread;

enum cstate {
	C_STARTING, /* between clone() and the trampoline's execveat */
	C_RUNNING,
	C_DEAD,
};

/* Why the sandbox ended a container (for the message and the report). */
enum cend {
	END_NONE,      /* it ended by itself (exit, or a signal of its own) */
	END_CPU,       /* CPU time limit */
	END_WALL,      /* wall time limit */
	END_SIGNAL,    /* a fatal signal minos-exec delivered for it (pid-ns init) */
	END_SESSION,   /* minos-exec was told to stop (SIGINT, SIGTERM, SIGHUP) */
	END_START,     /* the trampoline failed before the program started */
	END_CKILL,     /* its parent (or an ancestor's) ckill */
	END_CHECKPOINT, /* saved by --checkpoint: the run ends there */
	END_OUTPUT,    /* output limit (SIGXFSZ from RLIMIT_FSIZE, or the
			* stdout/stderr relay's SIGKILL) */
};

struct container {
	int id;             /* session-wide number for messages; the first is 1 */
	pid_t pid;          /* thread-group id, in minos-exec's pid namespace */
	int pidfd;
	int listener;       /* seccomp notification fd; -1 until started */
	bool listener_watched;
	unsigned long served;   /* the loop's last round that handled its stop */
	int errpipe;        /* trampoline failure reports; -1 once started */
	void *tstack;       /* the trampoline's stack, until its process has
			     * left it (tstack.h); NULL after */
	size_t tstack_len;
	const char *name;   /* for messages: the program's base name */
	enum cstate state;
	bool pidns_init;    /* pid 1 of its own pid namespace */
	unsigned threads;   /* live threads */
	unsigned pending_clones;
	unsigned long passes_in; /* installs a pass began in it (sys_pass.c) */
	enum cend end;
	int end_sig;        /* the signal that ended it, if any */
	unsigned xfsz_from_file; /* SIGXFSZs a restore queued again, not yet
				  * delivered: such a one is only a signal,
				  * never the output limit (RT4-4) */
	const char *end_why; /* END_SIGNAL by the supervisor: why (a static
			      * string), said instead of the signal's line */
	int wstatus;        /* the leader's wait status, once C_DEAD */
	/* The container that made it by cnew (NULL: the first container or a
	 * policy stage, a "top").  Once the maker's record is freed (below),
	 * the nearest ancestor still held, and cid 0: no caller can name it
	 * by a cid any more (SPEC: a cid is its maker's alone), but a ckill
	 * above still reaches it (sys_ckill walks this chain). */
	struct container *parent;
	uint64_t vdso_syscall;    /* a syscall instruction in its vDSO, or 0 */
	bool vdso_tried;          /* its first close sequence tried to seal
				   * its vDSO (tracee.c) */
	uint64_t stack_lo, stack_hi; /* where its main stack can be (mremap) */
	int cid;            /* its handle in the parent (cnew's result); 0
			     * once the parent's record is freed */
	int next_cid;       /* the last cid this container handed out */
	int killer;         /* END_CKILL: the id of the container that asked */
	bool killed;        /* we sent it SIGKILL: gone, though not yet reaped */
	const struct minos_limits *lim; /* its own limits (a policy stage's,
				 * or the run's), inherited by its children */
	struct container *stage; /* the top of its tree: itself if no parent */
	bool stage_member;  /* a restored root an ended stage left: it counts
			     * in its stage's tree (containers limit) as
			     * the others its root left, whose top it is */
	long long deadline_ns;  /* a stage's wall-time end (CLOCK_MONOTONIC), 0: none */
	unsigned long long end_ms; /* END_CPU, END_WALL: the limit, for messages */
	struct cstats *stats;   /* what --report says of it; NULL without --report */
	unsigned long long image_bytes; /* what its pending cnews' images hold
				 * in the supervisor (sys_cnew.c) */
	timer_t cpu_timer;      /* its CPU-time timer (enforce.c) */
	bool cpu_timer_armed;
	unsigned pins;          /* references held outside the table (a pass) */
	struct container *next, *prev; /* the held records, in creation order */
	struct container *ever_next;   /* every record, for --report */
	/* A restored container (restore.c): its execveat's exit stop, before
	 * the placeholder program runs, rebuilds the saved one; true if it
	 * took the thread.  NULL: an ordinary start. */
	bool (*exec_hook)(struct thread *t, const struct user_regs_struct *regs);
};

enum tstate {
	T_RUNNING,
	T_EARLY,      /* stopped before we knew whose thread it is */
	T_NEW,        /* announced by PTRACE_EVENT_CLONE, first stop not seen */
	T_EXIT_STOP,  /* resumed with PTRACE_SYSCALL: next stop is syscall exit */
	T_WAIT_READ,  /* not used: a multi-rfd read waits in its own poll
		       * (T_EXIT_STOP, FIX_POLL), stopped nowhere */
	T_WAIT_CODE,  /* stopped in cnew, its code stream in the epoll */
	T_INJECT_EXIT,  /* an injected close runs: next stop is its exit */
	T_INJECT_ENTRY, /* the next injected close enters: next stop is entry */
	T_WAIT_PASS,  /* stopped in wpass/rpass until the child has the descriptor */
	T_PASS,       /* lent to a wpass/rpass: making the install call */
};

/* What to do at the syscall-exit stop of a rewritten call. */
enum fixup {
	FIX_NONE,
	FIX_READ,    /* restore args, rdx = the rfd read from */
	FIX_CLONE,   /* the clone is over: pending_clones-- */
	FIX_TRACE,   /* --trace: just print the result */
	FIX_MEMORY,  /* a watched mmap (--report): did the memory limit refuse it? */
	FIX_POLL,    /* a multi-rfd read's own poll: put its stack bytes back,
		      * then issue the Minos read again */
	FIX_KILL,    /* tgkill/tkill(SIGKILL) made with signal 0: if it
		      * succeeded, the supervisor kills (pid-namespace init) */
	FIX_EXEC,    /* a child's execveat: argc 0, its vDSO sealed (sys_cnew.c) */
};

#define WAIT_MAX_FDS MINOS_READ_MAX_RFDS

/* A wpass/rpass in progress (supervisor/sys_pass.c). */
enum pstate { P_QUEUED, P_INTERRUPTING, P_ENTRY, P_NOTIF };
struct pass {
	struct thread *caller;    /* NULL once the caller is gone */
	struct container *from, *child;
	struct thread *target;    /* the child's thread doing the install */
	int copy;                 /* our copy of the descriptor */
	int num;                  /* its number in the caller */
	long result;              /* its number in the child, or -errno */
	enum pstate state;
	struct user_regs_struct saved; /* the target's registers before */
	bool from_seccomp;        /* target was stopped in a seccomp stop */
	bool restartable;         /* target was in a call we may restart */
	bool wfile_known;         /* the file a short write's number held at
				   * the interrupt (wfile_dev/ino), so its
				   * rest goes there or nowhere */
	dev_t wfile_dev;
	ino_t wfile_ino;
	uint64_t insn;            /* the syscall instruction it installs at */
	unsigned tries;           /* starts so far (signals restart it) */
	long long deadline_ns;    /* EAGAIN if no thread by then (0: child
				   * not running yet) */
	struct pass *next;
};

/* A cnew in progress (supervisor/sys_cnew.c). */
struct cnew_op {
	int code;                /* our copy of the code stream */
	bool watched;            /* code is in the loop's epoll */
	bool file;               /* code is a file: read it, never wait */
	unsigned char *buf;      /* the image as read so far */
	size_t len, cap;         /* cap bytes charged to owner (image_bytes) */
	struct container *owner; /* the caller; NULL: nothing charged */
	unsigned long arch;
	unsigned long long max;  /* the image-size limit of the caller */
	int *slots;              /* our copies of the listed fds, by child slot */
	unsigned nslots;
	int *consume;            /* the caller's numbers to close: code rfd first */
	int *copies;             /* our copy of each, to check it is the same
				  * file when the close comes (kcmp), or -1 */
	unsigned nconsume, ndone;
	unsigned nclosed;        /* closes made so far (tracee.c) */
	unsigned nkicked;        /* other threads interrupted after the
				  * closes whose stop the answer waits for */
	long result;             /* cid or -errno, answered after the closes */
	uint64_t mask;           /* the caller's blocked signals, while the
				  * closes hold every signal off (tracee.c) */
	bool masked;             /* mask is to be put back at the answer */
};

/* The bytes a wound-back cnew had read of its code stream at number fd
 * (sys_cnew.c): cap bytes charged to the container as image bytes.  The
 * stream is known by its inode (dev, ino), not by the number, which the
 * thread may close and give to another stream meanwhile. */
struct cnew_pre {
	unsigned char *buf;
	size_t len, cap;
	int fd;
	unsigned long long dev, ino;
	struct cnew_pre *next;   /* the thread's others, for other numbers */
};

struct thread {
	pid_t tid;
	struct container *c;
	enum tstate state;
	/* Where the kernel clears and wakes at its exit (set_tid_address,
	 * clone's CLONE_CHILD_CLEARTID), 0: nowhere; for a checkpoint. */
	uint64_t clear_tid;
	/* The stopped call, as it was entered (restored at exit). */
	struct user_regs_struct entry;
	enum fixup fix;
	long fix_rdx;
	bool expect_notif;   /* we rewrote its call into MINOS_PRIV_INSTALL */
	int install[2];      /* where: wfd, rfd */
	/* At sys_pipe's stop: the container had this thread only, no clone
	 * in flight, and had had install_gen passes installed into it. */
	bool install_solo;
	unsigned long install_gen;
	struct cnew_op *cnew;  /* T_WAIT_CODE, T_INJECT_*: the cnew in progress */
	/* The cnews a checkpoint wound back while they waited for their
	 * code (or a restore made so): what each had read of its stream,
	 * which the thread's next cnew on that number reads first
	 * (sys_cnew.c); a list, one per number. */
	struct cnew_pre *code_pre;
	struct pass *passing;  /* T_WAIT_PASS: the pass it waits for */
	struct pass *lent;     /* this thread installs that pass's descriptor */
	/* A pipe's install went elsewhere than sys_pipe foresaw; at the stop
	 * our interrupt makes, 1 + the rfd's number for rdx, or 1 + a lone
	 * wfd's number to close (0: none). */
	int pipe_rdx, pipe_close;
	/* T_INJECT_*: the call tracee.c injected and who wants its result. */
	long inj_nr;
	uint64_t inj_a0;
	uint64_t inj_rip;    /* where the injected call stops (rip), or 0 */
	bool inj_arch;       /* ran from code, not a stop: check it was
			      * an x86-64 syscall (not int 0x80 there) */
	void (*inj_done)(struct thread *t, long result, void *arg);
	void *inj_arg;
	/* tracee_call_own_at: signals held until the call has entered;
	 * then its own mask (inj_mask) back. */
	bool inj_unmask;
	uint64_t inj_mask;
	bool in_rest;        /* T_INJECT_EXIT: the rest of its own pipe write,
			      * or its own epoll wait carried on (sys_pass.c),
			      * which a pass may interrupt */
	/* sys_pass.c: an epoll wait with a timeout that a stop broke and that
	 * is carried on: when it times out, and which call it is (where it
	 * was made, on which instance, with which timeout argument). */
	struct {
		bool set;
		long long deadline_ns;
		long long timeout_ns;
		uint64_t rip, nr, fd, to;
	} ep;
	/* tracee_call_traced_then: the registers to run on with from the
	 * call's seccomp stop (the owner's memory), or NULL. */
	const struct user_regs_struct *inj_after;
	/* Interrupted after a close by another thread of its container
	 * (tracee.c): that thread's tid and close list, until our stop. */
	pid_t kicked_for;
	const struct cnew_op *kick_op;
	/* FIX_POLL: where its pollfd array is, and the stack bytes it hides.
	 * Nothing else is held for a waiting read. */
	unsigned nwait;
	uint64_t wait_at;
	unsigned char wait_saved[WAIT_MAX_FDS * 8];
	struct thread *hnext;
};

/*
 * Records.  A container's record is held while it lives, and after its
 * end until nothing can refer to it: it is freed (without --report) at
 * the next ctab_new_container() once it is C_DEAD, not a top, and not
 * pinned.  Nobody can name it any more by then: its threads are gone,
 * a cid finds only a live child (sys_live_child), the loop's epoll tags
 * and CPU timers carry ids, not pointers.  So the table holds the live
 * containers, the tops, and those that ended since the last cnew:
 * CTAB_FOREACH costs what is alive, never what ever ran.  A cnew child's
 * name (malloc'd by sys_cnew.c) is freed with its record.
 *
 * With --report (ctab_keep_ended(true), before the first container) an
 * ended record leaves CTAB_FOREACH the same way but is kept for the
 * report, which names every container (CTAB_FOREACH_EVER, in id order):
 * its memory then grows with the containers made, by design.
 */
struct container *ctab_new_container(pid_t pid, const char *name);
void ctab_keep_ended(bool keep);
/* Something outside the table (a wpass/rpass in flight) keeps a pointer
 * to c: its record is not freed until the last unpin. */
void ctab_pin(struct container *c);
void ctab_unpin(struct container *c);
unsigned ctab_live(void);           /* containers not yet C_DEAD */
/* Does c count against the limits: not dead, not being killed? */
static inline bool ctab_counts(const struct container *c)
{
	return c->state != C_DEAD && !c->killed;
}
/* SIGKILL a container (and note it: it no longer counts).  The hook set
 * here runs first, once per container (the report's last sample: SIGKILL
 * skips the exit stops); set by the loop, so ctab needs nothing above it. */
void ctab_kill(struct container *c);
void ctab_set_kill_hook(void (*before_kill)(struct container *c));
void ctab_container_dead(struct container *c);
/* c's process has exec'd (or ended): its trampoline stack goes back. */
void ctab_left_trampoline(struct container *c);
/* The held records (see above), first the first container. */
#define CTAB_FOREACH(c) for (struct container *c = ctab_head(); c; c = c->next)
struct container *ctab_head(void);
/* Every record of the run, in id order: with ctab_keep_ended(true) all
 * that ever ran (the report's), else the held ones. */
#define CTAB_FOREACH_EVER(c) \
	for (struct container *c = ctab_ever_head(); c; c = ctab_ever_next(c))
struct container *ctab_ever_head(void);
struct container *ctab_ever_next(const struct container *c);

/*
 * The supervisor's descriptor reserve.  The kernel gives the lowest free
 * number, and numbers never move; so if every descriptor the supervisor
 * keeps (a listener, a copy held for a container) is below a floor, the
 * numbers above it are always free for its own short work (a /proc read,
 * a copy checked and closed, a pipe being installed).  ctab_fd_reserve()
 * sets the floor from RLIMIT_NOFILE (after it is raised to the hard
 * limit); ctab_keep_fd(fd) passes fd (or a -errno) through if it is below
 * the floor, else closes it and says ENFILE: the caller's call fails,
 * nobody else notices.
 */
void ctab_fd_reserve(void);
int ctab_keep_fd(int fd);
/* The floor itself, for a descriptor made where it cannot be refused
 * by closing it alone (a pidfd from clone()). */
int ctab_fd_floor(void);

struct thread *thread_find(pid_t tid);
struct thread *thread_add(pid_t tid, struct container *c);
void thread_remove(struct thread *t);
/* Call fn for every thread of c (safe against removal of the current one). */
void thread_each(struct container *c, void (*fn)(struct thread *, void *), void *arg);

#endif
