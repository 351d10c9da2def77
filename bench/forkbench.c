/* SPDX-License-Identifier: MIT */
/*
 * forkbench - wall time of fork + exec + wait, with and without a seccomp
 * filter installed in the child before exec: the native baseline that a
 * cnew (start a child container, wait for its end) is compared with.
 *
 *	forkbench [-n RUNS] [-w WARMUP] -- LABEL MODE CMD [ARGS...] [:: LABEL MODE CMD [ARGS...]]...
 *
 * MODE is one of
 *	exec    fork(); the child execve()s CMD
 *	filter  fork(); the child sets no_new_privs, loads a minimal seccomp
 *	        filter (bench/launcher's: check the arch, RET_TRACE one unused
 *	        call number, ALLOW the rest), then execve()s CMD
 * and the parent waitpid()s; the time is CLOCK_MONOTONIC around fork and
 * waitpid.  No ptrace: that is bench/launcher, whose whole start-up is
 * (a) in bench/run.  CMD is a path (not looked up); the children inherit
 * our stdin, stdout and stderr.
 *
 * Runs every command RUNS times, one run of each in turn, rotating which
 * goes first (as bench/spawnbench does), after WARMUP untimed rounds
 * (default 3).  Prints one line per command:
 *	LABEL median_ns mean_ns min_ns max_ns
 * Exits 1 (after saying which) if any run does not exit with status 0,
 * 2 on a usage error.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TRACED_NR 0x4500 /* not a Linux or Minos call */

extern char **environ;

struct variant {
	const char *label;
	int filter;
	char **argv;
	int64_t *ns;
};

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

static void usage(void)
{
	fprintf(stderr, "usage: forkbench [-n RUNS] [-w WARMUP] -- LABEL exec|filter "
			"CMD [ARGS...] [:: LABEL exec|filter CMD [ARGS...]]...\n");
	exit(2);
}

static struct sock_filter insns[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TRACED_NR, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

/* One run; returns its wall time in ns, or -1 if it did not exit 0. */
static int64_t run_once(const struct variant *v)
{
	struct sock_fprog prog = {
		.len = sizeof(insns) / sizeof(insns[0]),
		.filter = insns,
	};
	int64_t t0, t1;
	pid_t pid;
	int status;

	t0 = now_ns();
	pid = fork();
	if (pid < 0) {
		perror("forkbench: fork");
		return -1;
	}
	if (pid == 0) {
		if (v->filter &&
		    (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		     syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)) {
			perror("forkbench: seccomp");
			_exit(125);
		}
		execve(v->argv[0], v->argv, environ);
		fprintf(stderr, "forkbench: %s: %s: %s\n", v->label, v->argv[0],
			strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			perror("forkbench: waitpid");
			return -1;
		}
	}
	t1 = now_ns();
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (WIFEXITED(status))
			fprintf(stderr, "forkbench: %s: exit status %d\n",
				v->label, WEXITSTATUS(status));
		else
			fprintf(stderr, "forkbench: %s: killed by signal %d\n",
				v->label, WTERMSIG(status));
		return -1;
	}
	return t1 - t0;
}

int main(int argc, char **argv)
{
	struct variant v[16];
	long runs = 200, warmup = 3;
	int nv = 0, opt, i;

	while ((opt = getopt(argc, argv, "+n:w:")) != -1) {
		switch (opt) {
		case 'n':
			runs = strtol(optarg, NULL, 10);
			break;
		case 'w':
			warmup = strtol(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (runs < 1 || warmup < 0 || optind >= argc)
		usage();

	/* Split the rest at "::" into LABEL MODE CMD ARGS... groups. */
	for (i = optind; i < argc;) {
		int j = i;

		while (j < argc && strcmp(argv[j], "::") != 0)
			j++;
		if (j - i < 3 || nv == (int)(sizeof(v) / sizeof(v[0])))
			usage();
		if (strcmp(argv[i + 1], "exec") == 0)
			v[nv].filter = 0;
		else if (strcmp(argv[i + 1], "filter") == 0)
			v[nv].filter = 1;
		else
			usage();
		argv[j < argc ? j : argc] = NULL;
		v[nv].label = argv[i];
		v[nv].argv = &argv[i + 2];
		v[nv].ns = calloc((size_t)runs, sizeof(int64_t));
		if (!v[nv].ns) {
			perror("forkbench");
			return 1;
		}
		nv++;
		i = j + 1;
	}

	for (long r = -warmup; r < runs; r++) {
		for (int k = 0; k < nv; k++) {
			int x = (int)((r + warmup + k) % nv);
			int64_t ns = run_once(&v[x]);

			if (ns < 0)
				return 1;
			if (r >= 0)
				v[x].ns[r] = ns;
		}
	}

	for (i = 0; i < nv; i++) {
		int64_t sum = 0, med;

		for (long r = 0; r < runs; r++)
			sum += v[i].ns[r];
		qsort(v[i].ns, (size_t)runs, sizeof(int64_t), cmp64);
		med = runs % 2 ? v[i].ns[runs / 2]
			       : (v[i].ns[runs / 2 - 1] + v[i].ns[runs / 2]) / 2;
		printf("%s %lld %lld %lld %lld\n", v[i].label, (long long)med,
		       (long long)(sum / runs), (long long)v[i].ns[0],
		       (long long)v[i].ns[runs - 1]);
	}
	return 0;
}
