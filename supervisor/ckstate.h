/* SPDX-License-Identifier: MIT */
/*
 * ckstate.h - the in-memory model of a saved run (issue 13).
 *
 * ckpt.c fills a struct ck_run from a frozen run; ckfile.c writes it to a
 * file and parses a file back into one (pure: no kernel calls); restore.c
 * rebuilds a run from one.  Every field is a plain fixed-width integer, a
 * fixed array, or a pointer with a count/length beside it; nothing here
 * points into the supervisor's tables.  Whoever fills a struct ck_run owns
 * its arrays (ck_free() in ckfile.h frees one that ck_read() made; ckpt.c
 * frees its own with ckpt_free()).
 *
 * Validity: ck_read() must reject a file whose values are outside the
 * ranges written beside each field (counts, lengths, indices that do not
 * point inside their arrays, extents outside their mapping, overlapping
 * mappings...), so restore.c may rely on them.  restore.c still checks
 * what depends on the host (page size, xstate size, vDSO size).
 *
 * Layout of the integer fields is little-endian in the file; the model
 * itself is host order.
 */
#ifndef MINOS_CKSTATE_H
#define MINOS_CKSTATE_H

#include <stddef.h>
#include <stdint.h>

/* The version of this model; ckfile.c writes it into the file.  A file of
 * another version is refused. */
#define CK_MODEL_VERSION 5u

/* Bounds (a file beyond them is refused by ck_read). */
#define CK_MAX_CONTAINERS 4096u
#define CK_MAX_THREADS    4096u      /* per container */
#define CK_MAX_MAPS       65536u     /* per container (vm.max_map_count) */
#define CK_MAX_EXTENTS    (1u << 22) /* per mapping */
#define CK_MAX_FDS        65536u     /* per container */
#define CK_MAX_STREAMS    65536u     /* per run */
#define CK_MAX_XSTATE     65536u     /* bytes of one thread's xstate */
#define CK_MAX_STREAM_BYTES (1u << 24) /* bytes buffered in one stream */
#define CK_NSIG           64u        /* signals 1..64, index sig-1 */
#define CK_MAX_SIGQUEUE   256u       /* pending signals in one queue */
#define CK_SIGINFO_LEN    128u       /* bytes of one siginfo_t */
#define CK_NREGS          27u        /* struct user_regs_struct, x86_64 */
#define CK_NAME_MAX       64u        /* bytes of a container's name, with NUL */
#define CK_PAGE           4096u      /* page size the model assumes */
#define CK_MAX_CODE       (4ull << 30) /* bytes a cnew wound back had read
				       * (cli.h's largest --image-size) */

/* ---- the host the file was written on ------------------------------------ */

/* Facts restore compares with its own host before anything starts.  Filled
 * by ck_host_facts() (ckhost.c, ckfmt's); ckfile.c writes and reads them. */
struct ck_host {
	char kernel[65];        /* uname -r, NUL-terminated (informational:
				 * a different release is allowed) */
	uint32_t page_size;     /* must be CK_PAGE */
	uint64_t xcr0;          /* XSAVE feature mask (XGETBV 0) the program
				 * may have used; restore needs a superset */
	uint32_t xstate_size;   /* bytes of NT_X86_XSTATE on that host, 0..CK_MAX_XSTATE */
	uint32_t cpuid_1_ecx, cpuid_1_edx;   /* CPUID leaf 1 features */
	uint32_t cpuid_7_ebx, cpuid_7_ecx;   /* CPUID leaf 7.0 features */
	uint8_t syscalls_sha256[32]; /* SHA-256 of policy/syscalls.def as built
				 * into minos-exec; must be equal */
	uint64_t vdso_len;      /* bytes of the host's [vdso] mapping */
	uint64_t vvar_len;      /* bytes of [vvar] + [vvar_vclock] together */
	uint32_t cpuid_7_edx;   /* leaf 7.0 edx (AVX512_FP16, AMX, SERIALIZE...) */
	uint32_t cpuid_7_1_eax; /* leaf 7.1 eax (AVX-VNNI, AVX512_BF16...) */
	uint32_t cpuid_d_1_eax; /* leaf 0xd.1 eax (XSAVEOPT/XSAVEC/XSAVES) */
	uint32_t cpuid_x1_ecx, cpuid_x1_edx; /* leaf 0x80000001 (LZCNT, RDTSCP...) */
};

/* ---- pending signals ----------------------------------------------------- */

/* One pending signal: the kernel's siginfo_t (x86-64) as
 * PTRACE_PEEKSIGINFO gave it, byte for byte: si_signo (int32 at byte 0:
 * 1..CK_NSIG, never SIGKILL 9 or SIGSTOP 19), si_errno (4), si_code (8),
 * then the fields of its kind (sender, value, address...).  A queue is
 * an array of these in the kernel's order (a signal 1..31 at most once:
 * the kernel never queues a second of those).  restore.c sends each one
 * again, siginfo and all; the kernel judges the rest of its bytes. */
struct ck_siginfo {
	uint8_t b[CK_SIGINFO_LEN];
};

/* ---- one thread ---------------------------------------------------------- */

/* Thread flags. */
#define CK_T_CLEAR_TID  1u  /* clear_tid is known and must be set */
#define CK_T_REWOUND    2u  /* it was stopped in a call: regs already wound
			     * back (rip on the syscall instruction, rax = the
			     * call's number), so the call runs again */

struct ck_thread {
	uint32_t flags;         /* CK_T_* */
	uint32_t tid;           /* its tid when saved (informational only) */
	/* struct user_regs_struct of x86_64, in its order: r15 r14 r13 r12
	 * rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax rip cs eflags
	 * rsp ss fs_base gs_base ds es fs gs.  fs_base is the thread's TLS. */
	uint64_t regs[CK_NREGS];
	/* NT_X86_XSTATE as PTRACE_GETREGSET gave it (its XSAVE header's
	 * xstate_bv says which components are there); len 0..CK_MAX_XSTATE. */
	uint32_t xstate_len;
	uint8_t *xstate;
	uint64_t sigmask;       /* blocked signals, bit sig-1 */
	uint32_t nsigq;         /* its own pending signals, 0..CK_MAX_SIGQUEUE */
	uint32_t pad1;
	const struct ck_siginfo *sigq; /* nsigq of them, in queue order */
	uint64_t ss_sp;         /* sigaltstack: base */
	uint64_t ss_size;       /* sigaltstack: size (0: none) */
	uint32_t ss_flags;      /* sigaltstack: SS_DISABLE or 0 (SS_ONSTACK
				 * is not stored: it follows from rsp) */
	uint32_t pad0;
	uint64_t robust_head;   /* set_robust_list: head (0: none) */
	uint64_t robust_len;    /* its length (24 on x86_64, or 0) */
	uint64_t clear_tid;     /* set_tid_address / CLONE_CHILD_CLEARTID
				 * address, if CK_T_CLEAR_TID */
};

/* ---- signal dispositions (per container) --------------------------------- */

struct ck_sigaction {
	uint64_t handler;       /* SIG_DFL 0, SIG_IGN 1, or an address */
	uint64_t flags;         /* SA_* as the kernel keeps them */
	uint64_t restorer;      /* sa_restorer */
	uint64_t mask;          /* sa_mask, bit sig-1 */
};

/* ---- memory -------------------------------------------------------------- */

/* A run of saved bytes inside a mapping; everything of the mapping that
 * no extent covers is zero.  off and len are multiples of CK_PAGE,
 * off + len <= the mapping's len, extents sorted by off, not
 * overlapping. */
struct ck_extent {
	uint64_t off;           /* from the mapping's start */
	uint64_t len;           /* > 0 */
	/* The bytes: in memory at data (ckpt.c's buffers, or ck_read's
	 * pointer into the file's buffer), or, when data is NULL, at
	 * file_off in the file (a reader that maps the file may use it). */
	const uint8_t *data;
	uint64_t file_off;
};

/* What a mapping was (restore maps every one as private anonymous memory
 * at the same address; the kind only says how to treat it). */
enum ck_map_kind {
	CK_MAP_ANON = 0,   /* private anonymous mapping */
	CK_MAP_IMAGE = 1,  /* from the program's image (a private file
			    * mapping of the sealed memfd): restored as
			    * anonymous memory with the same bytes */
	CK_MAP_STACK = 2,  /* the main thread's [stack]: restored as an
			    * ordinary fixed mapping (no MAP_GROWSDOWN) */
	CK_MAP_BRK = 3,    /* the heap [start_brk, brk): restored by brk() */
	CK_MAP_KIND_MAX = 3,
};

struct ck_mapping {
	uint64_t start;         /* page-aligned, > 0 */
	uint64_t len;           /* page multiple, > 0; start + len <= 2^47 */
	uint32_t prot;          /* PROT_READ|PROT_WRITE|PROT_EXEC bits only */
	uint32_t kind;          /* enum ck_map_kind */
	uint32_t nextents;      /* 0..CK_MAX_EXTENTS */
	uint32_t pad0;
	struct ck_extent *extents;
};

/* ---- descriptors and streams --------------------------------------------- */

enum ck_fd_kind {
	CK_FD_OUTSIDE = 0,  /* one of minos-exec's own streams, rebound by
			     * role: role 0 stdin, 1 stdout, 2 stderr */
	CK_FD_PIPE_R = 1,   /* the read end of stream `stream` */
	CK_FD_PIPE_W = 2,   /* the write end of stream `stream` */
	CK_FD_OBJECT = 3,   /* a private object: the container's objs[]
			     * entry with the same num (role 0, stream 0) */
	CK_FD_FILE = 4,     /* a host file a policy binds (only in a policy
			     * run): role is the slot it is bound at in
			     * its stage's container of the policy file,
			     * offset its file position; restore opens the
			     * policy's file again, at offset */
	CK_FD_KIND_MAX = 4,
};

struct ck_fd {
	int32_t num;            /* its number in the container, 0..2^20 */
	uint32_t kind;          /* enum ck_fd_kind */
	uint32_t role;          /* CK_FD_OUTSIDE: 0, 1 or 2 */
	uint32_t stream;        /* CK_FD_PIPE_*: index into run.streams */
	uint32_t status;        /* F_GETFL bits kept: O_NONBLOCK (others 0) */
	uint32_t cloexec;       /* 0 or 1 (FD_CLOEXEC) */
	uint32_t pad0;
	uint64_t offset;        /* CK_FD_FILE: its position, < 2^63; others 0 */
};

/* A pipe of the run (not one of its outside streams), with the bytes it
 * held.  Its ends are the descriptors that name it; an end no container
 * holds is closed after a restore (a stream whose writers have all ended
 * reads its bytes, then its end; one whose readers have gone is EPIPE). */
struct ck_stream {
	uint32_t capacity;      /* F_GETPIPE_SZ, page multiple, 4096..2^20 */
	uint32_t len;           /* bytes buffered, 0..CK_MAX_STREAM_BYTES,
				 * <= capacity */
	const uint8_t *bytes;   /* len bytes, oldest first */
};

/* ---- private objects (epoll sets, eventfds, timerfds) --------------------- */

enum ck_obj_kind {
	CK_OBJ_EPOLL = 0,
	CK_OBJ_EVENTFD = 1,
	CK_OBJ_TIMERFD = 2,
	CK_OBJ_KIND_MAX = 2,
};

/* One registration of an epoll set: epoll_ctl(ADD, tfd, {events, data}).
 * tfd is a descriptor of the same container, saved (in fds), neither the
 * set itself nor another epoll set (nested sets are not saved), distinct
 * within its set; events only the bits CK_EPOLL_KNOWN. */
struct ck_epoll_reg {
	int32_t tfd;
	uint32_t events;
	uint64_t data;
};
/* EPOLLIN PRI OUT ERR HUP NVAL RDNORM RDBAND WRNORM WRBAND MSG RDHUP,
 * EPOLLEXCLUSIVE, EPOLLWAKEUP, EPOLLONESHOT, EPOLLET. */
#define CK_EPOLL_KNOWN 0xf00027ffu

/* eventfd flags (eventfd2's EFD_SEMAPHORE; O_NONBLOCK is the fd's status). */
#define CK_EFD_SEMAPHORE 1u
/* timerfd flags: timerfd_settime's TFD_TIMER_ABSTIME, TFD_TIMER_CANCEL_ON_SET. */
#define CK_TFD_ABSTIME 1u
#define CK_TFD_CANCEL_ON_SET 2u
#define CK_NS_MAX (1ull << 62) /* a timer's value and interval, in ns, below it */

struct ck_obj {
	int32_t num;            /* the descriptor it is at (a CK_FD_OBJECT) */
	uint32_t kind;          /* enum ck_obj_kind */
	uint32_t flags;         /* eventfd: CK_EFD_*; timerfd: CK_TFD_* (CANCEL_ON_SET
				 * only with ABSTIME on CLOCK_REALTIME); epoll: 0 */
	uint32_t clockid;       /* timerfd: 0 CLOCK_REALTIME, 1 CLOCK_MONOTONIC,
				 * 7 CLOCK_BOOTTIME; others 0 */
	uint64_t count;         /* eventfd: its counter, < 2^64-1; timerfd: the
				 * expirations not yet read; epoll: 0 */
	uint64_t value_ns;      /* timerfd: 0 disarmed; with ABSTIME on
				 * CLOCK_REALTIME the next expiry (ns since the
				 * epoch), else the time left to it; < CK_NS_MAX */
	uint64_t interval_ns;   /* timerfd: its period (0: one-shot), < CK_NS_MAX */
	uint32_t nregs;         /* epoll: 0..CK_MAX_FDS; others 0 */
	uint32_t pad0;
	struct ck_epoll_reg *regs; /* epoll: nregs of them, sorted by tfd */
};

/* ---- cnews wound back ----------------------------------------------------- */

/* A thread's cnew that was waiting for the rest of its code: wound back
 * (it runs again after a restore), with the bytes it had already read of
 * its code stream (they are no longer in the stream).  After a restore
 * the thread's next cnew on code rfd fd reads them first, then the
 * stream.  restore.c also checks len against the restoring command
 * line's --image-size and --memory. */
struct ck_code {
	uint32_t thread;        /* index into the container's threads,
				 * increasing; a thread's records (one per
				 * code rfd: a signal handler's cnew wound
				 * back while another was) by increasing fd */
	int32_t fd;             /* its code rfd: a descriptor of the container,
				 * a read end (CK_FD_PIPE_R, or CK_FD_OUTSIDE
				 * with role 0) */
	uint64_t len;           /* 1..CK_MAX_CODE */
	const uint8_t *bytes;   /* len bytes, in the stream's order */
};

/* ---- one container ------------------------------------------------------- */

struct ck_container {
	uint32_t id;            /* its session number (1 = the first) */
	int32_t parent;         /* index into run.containers, -1: a root
				 * (the first container; in a policy run,
				 * a stage); a parent comes before its
				 * children */
	int32_t cid;            /* its handle in the parent (cnew's result) */
	int32_t next_cid;       /* the last cid it handed out */
	char name[CK_NAME_MAX]; /* NUL-terminated, for messages */
	uint64_t start_brk;     /* the heap's start (page-aligned) */
	uint64_t brk;           /* the heap's end, >= start_brk */
	uint64_t vdso;          /* where its [vdso] was (0: none) */
	uint64_t vvar;          /* where its [vvar] was (vvar_vclock follows
				 * it: the host's layout) */
	uint64_t vdso_syscall;  /* offset of the sealed syscall insn in the vDSO */
	struct ck_sigaction act[CK_NSIG]; /* signal sig at act[sig-1] */
	uint32_t nsigq;         /* signals pending for the whole container
				 * (its shared queue), 0..CK_MAX_SIGQUEUE */
	uint32_t pad1;
	const struct ck_siginfo *sigq; /* nsigq of them, in queue order */
	uint32_t nthreads;      /* 1..CK_MAX_THREADS; threads[0] is the one
				 * restore starts first (the leader if alive) */
	uint32_t nmaps;         /* 0..CK_MAX_MAPS, sorted by start, disjoint */
	uint32_t nfds;          /* 0..CK_MAX_FDS, sorted by num, distinct */
	uint32_t stage;         /* the policy stage whose tree it is in: a
				 * root's, < run.nstages, a live stage,
				 * roots in increasing stage order; a
				 * child's is its parent's; 0 outside a
				 * policy run */
	struct ck_thread *threads;
	struct ck_mapping *maps;
	struct ck_fd *fds;
	uint32_t nobjs;         /* its CK_FD_OBJECT descriptors: one each, in
				 * their order in fds */
	struct ck_obj *objs;
	uint32_t ncodes;        /* 0..nthreads x nfds */
	struct ck_code *codes;  /* its cnews wound back, by thread */
};

/* ---- the stages of a policy run ------------------------------------------ */

/* One stage (a container of the policy file, in its order): live (its
 * root is in run.containers) or ended before the checkpoint, with the
 * status it ended with (the pipeline's status needs it). */
#define CK_STAGE_LIVE (-1)
struct ck_stage {
	int32_t status;         /* CK_STAGE_LIVE, or its exit status 0..255 */
};

/* ---- the run ------------------------------------------------------------- */

struct ck_run {
	uint32_t version;       /* CK_MODEL_VERSION */
	uint32_t ncontainers;   /* 1..CK_MAX_CONTAINERS */
	uint32_t nstreams;      /* 0..CK_MAX_STREAMS */
	uint32_t nstages;       /* 0: not a policy run (one root, container
				 * 0); else the policy's containers,
				 * 1..CK_MAX_CONTAINERS, at least one live */
	int32_t first_status;   /* CK_STAGE_LIVE: outside a policy run, the
				 * first container is container 0 and runs;
				 * else (only outside a policy run) the exit
				 * status 0..255 it had ended with, the run's
				 * status, and the containers it left are
				 * roots (parent -1, cid 0) */
	uint64_t wall_ns;       /* the run's wall time used so far */
	uint8_t policy_sha256[32]; /* SHA-256 of the policy file's bytes
				 * (all zero without stages): a restore
				 * needs the same file */
	struct ck_host host;
	struct ck_container *containers;
	struct ck_stream *streams;
	struct ck_stage *stages; /* nstages of them */
};

#endif
