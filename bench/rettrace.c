/* SPDX-License-Identifier: MIT */
/*
 * rettrace - the cost of one bare SECCOMP_RET_TRACE round trip: the floor
 * under every traced Minos call.
 *
 *	rettrace [K]
 *
 * Twice, one child after the other: fork a child that waits until it is
 * PTRACE_SEIZEd (TRACESECCOMP | EXITKILL), loads a filter that RET_TRACEs
 * system call 0x4500 (unused by Linux and Minos) and allows everything
 * else, then makes K such calls, timing each one with CLOCK_MONOTONIC
 * (vDSO), after 100 untimed ones.  The tracer, blocked in waitpid, answers
 * each seccomp stop:
 *
 *	cont   PTRACE_CONT only; the kernel then fails the call with ENOSYS.
 *	regs   what a real handler does at least: PTRACE_GETREGS, rewrite
 *	       the call into getpid (orig_rax), PTRACE_SETREGS, PTRACE_CONT;
 *	       the rewritten call passes the filter again and runs.  (Like a
 *	       Minos write, which minos-exec rewrites into a Linux write.)
 *
 * Prints, per variant:  bare_cont|bare_regs MEDIAN_NS MEAN_NS
 * Exits 1 if anything fails, including a call that returns the wrong value.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TRACED_NR 0x4500
#define WARMUP 100

enum mode { MODE_CONT, MODE_REGS };

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int load_filter(void)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TRACED_NR, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = sizeof(insns) / sizeof(insns[0]),
		.filter = insns,
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* The tracee: K timed traced calls; prints its line; exit 0 if all ok. */
static int tracee(enum mode mode, long k, int syncfd)
{
	long want = mode == MODE_REGS ? (long)getpid() : -ENOSYS;
	int64_t *ns = calloc((size_t)k, sizeof(int64_t)), sum = 0;
	char c;

	if (!ns || read(syncfd, &c, 1) != 1 || load_filter() < 0) {
		perror("rettrace: tracee setup");
		return 1;
	}
	for (long i = -WARMUP; i < k; i++) {
		int64_t t0 = now_ns();
		long r = syscall(TRACED_NR, 0, 0, 0);
		int64_t t1 = now_ns();

		if (r < 0)
			r = -errno;
		if (r != want) {
			fprintf(stderr, "rettrace: call %ld returned %ld, not %ld\n",
				i, r, want);
			return 1;
		}
		if (i >= 0)
			ns[i] = t1 - t0;
	}
	for (long i = 0; i < k; i++)
		sum += ns[i];
	qsort(ns, (size_t)k, sizeof(int64_t), cmp64);
	printf("%s %lld %lld\n", mode == MODE_REGS ? "bare_regs" : "bare_cont",
	       (long long)(k % 2 ? ns[k / 2] : (ns[k / 2 - 1] + ns[k / 2]) / 2),
	       (long long)(sum / k));
	fflush(stdout);
	return 0;
}

/* The tracer: answer every seccomp stop until the tracee ends. */
static int run(enum mode mode, long k)
{
	int sync[2], status;
	pid_t pid;

	fflush(stdout);
	if (pipe(sync) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(sync[1]);
		_exit(tracee(mode, k, sync[0]));
	}
	close(sync[0]);
	if (ptrace(PTRACE_SEIZE, pid, NULL,
		   (void *)(long)(PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL)) < 0 ||
	    write(sync[1], "x", 1) != 1) {
		perror("rettrace: seize");
		kill(pid, SIGKILL);
		return -1;
	}
	close(sync[1]);

	for (;;) {
		int sig = 0;

		if (waitpid(pid, &status, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			perror("rettrace: waitpid");
			return -1;
		}
		if (WIFEXITED(status))
			return WEXITSTATUS(status) == 0 ? 0 : -1;
		if (WIFSIGNALED(status)) {
			fprintf(stderr, "rettrace: tracee killed by signal %d\n",
				WTERMSIG(status));
			return -1;
		}
		if (!WIFSTOPPED(status))
			continue;
		if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
			if (mode == MODE_REGS) {
				struct user_regs_struct regs;

				if (ptrace(PTRACE_GETREGS, pid, NULL, &regs) < 0)
					return -1;
				regs.orig_rax = SYS_getpid;
				if (ptrace(PTRACE_SETREGS, pid, NULL, &regs) < 0)
					return -1;
			}
		} else if ((status >> 16) == 0 && WSTOPSIG(status) != SIGTRAP) {
			sig = WSTOPSIG(status);
		}
		ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig);
	}
}

int main(int argc, char **argv)
{
	long k = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;

	if (k < 1) {
		fprintf(stderr, "usage: rettrace [K]\n");
		return 2;
	}
	if (run(MODE_CONT, k) < 0 || run(MODE_REGS, k) < 0) {
		fprintf(stderr, "rettrace: failed\n");
		return 1;
	}
	return 0;
}
