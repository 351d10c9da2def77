/* SPDX-License-Identifier: MIT */
/*
 * launcher - the least a seccomp + ptrace sandbox launcher must do; the
 * baseline that minos-exec's start-up is compared with.
 *
 *	launcher [-p] PROGRAM [ARGS...]
 *
 * Reads PROGRAM into a sealed memfd (with -p: execs PROGRAM by path
 * instead), forks; the child waits on a sync pipe until the parent has
 * PTRACE_SEIZEd it (TRACESECCOMP | EXITKILL), then sets no_new_privs,
 * loads a minimal filter (RET_TRACE for one unused system call number,
 * ALLOW for everything else) and execs.  The parent waits in a ptrace
 * loop until the child ends and exits with its status (128 + signal if
 * it was killed).  No namespaces, no descriptor work, no limits.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define TRACED_NR 0x4500 /* not a Linux or Minos call */

extern char **environ;

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

/* PROGRAM's bytes in a sealed, close-on-exec memfd. */
static int image_memfd(const char *path)
{
	char buf[65536];
	int in, mfd;
	ssize_t n;

	in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	mfd = memfd_create("launcher", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(mfd, buf + off, (size_t)(n - off));

			if (w < 0)
				return -1;
			off += w;
		}
	close(in);
	if (n < 0 || fcntl(mfd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK |
				     F_SEAL_GROW | F_SEAL_WRITE) < 0)
		return -1;
	return mfd;
}

int main(int argc, char **argv)
{
	int by_path = 0, mfd = -1, sync[2], status;
	char **prog;
	pid_t pid;

	if (argc > 1 && strcmp(argv[1], "-p") == 0) {
		by_path = 1;
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: launcher [-p] PROGRAM [ARGS...]\n");
		return 125;
	}
	prog = &argv[1];
	if (!by_path && (mfd = image_memfd(prog[0])) < 0) {
		fprintf(stderr, "launcher: %s: %s\n", prog[0], strerror(errno));
		return 126;
	}
	if (pipe2(sync, O_CLOEXEC) < 0) {
		perror("launcher: pipe2");
		return 125;
	}

	pid = fork();
	if (pid < 0) {
		perror("launcher: fork");
		return 125;
	}
	if (pid == 0) {
		char c;

		close(sync[1]);
		if (read(sync[0], &c, 1) != 1)
			_exit(125);
		if (load_filter() < 0) {
			perror("launcher: seccomp");
			_exit(125);
		}
		if (by_path)
			execve(prog[0], prog, environ);
		else
			syscall(SYS_execveat, mfd, "", prog, environ,
				AT_EMPTY_PATH);
		perror("launcher: exec");
		_exit(126);
	}

	close(sync[0]);
	if (ptrace(PTRACE_SEIZE, pid, NULL,
		   (void *)(long)(PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL)) < 0) {
		perror("launcher: PTRACE_SEIZE");
		kill(pid, SIGKILL);
		return 125;
	}
	if (write(sync[1], "x", 1) != 1) {
		perror("launcher: write");
		return 125;
	}
	close(sync[1]);

	for (;;) {
		int sig = 0;

		if (waitpid(pid, &status, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			perror("launcher: waitpid");
			return 125;
		}
		if (WIFEXITED(status))
			return WEXITSTATUS(status);
		if (WIFSIGNALED(status))
			return 128 + WTERMSIG(status);
		if (!WIFSTOPPED(status))
			continue;
		/* A seccomp stop or another ptrace event: just go on.  A
		 * signal-delivery stop: deliver the signal. */
		if ((status >> 16) == 0 && WSTOPSIG(status) != SIGTRAP)
			sig = WSTOPSIG(status);
		ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig);
	}
}
