/* SPDX-License-Identifier: MIT */
/*
 * spawnbench - wall time of running commands to completion, interleaved.
 *
 *	spawnbench [-n RUNS] [-w WARMUP] -- LABEL CMD [ARGS...] [:: LABEL CMD [ARGS...]]...
 *
 * Runs every command RUNS times, one run of each in turn (A B C, B C A,
 * C A B, ...), so slow drifts of a noisy machine hit every variant alike
 * and none is always the one that runs first.  A run is
 * posix_spawn (CMD is a path, not looked up), waitpid, measured with
 * CLOCK_MONOTONIC around both; stdin is /dev/null, stdout and stderr are
 * inherited.  WARMUP untimed rounds go first (default 3).
 *
 * Prints one line per command:
 *	LABEL median_ns mean_ns min_ns max_ns
 * Exits 1 (after saying which) if any run does not exit with status 0,
 * 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct variant {
	const char *label;
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
	fprintf(stderr, "usage: spawnbench [-n RUNS] [-w WARMUP] -- "
			"LABEL CMD [ARGS...] [:: LABEL CMD [ARGS...]]...\n");
	exit(2);
}

/* One run; returns its wall time in ns, or -1 if it did not exit 0. */
static int64_t run_once(const struct variant *v,
			const posix_spawn_file_actions_t *fa)
{
	int64_t t0, t1;
	pid_t pid;
	int status, err;

	t0 = now_ns();
	err = posix_spawn(&pid, v->argv[0], fa, NULL, v->argv, environ);
	if (err) {
		fprintf(stderr, "spawnbench: %s: %s: %s\n", v->label,
			v->argv[0], strerror(err));
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			perror("spawnbench: waitpid");
			return -1;
		}
	}
	t1 = now_ns();
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (WIFEXITED(status))
			fprintf(stderr, "spawnbench: %s: exit status %d\n",
				v->label, WEXITSTATUS(status));
		else
			fprintf(stderr, "spawnbench: %s: killed by signal %d\n",
				v->label, WTERMSIG(status));
		return -1;
	}
	return t1 - t0;
}

int main(int argc, char **argv)
{
	struct variant v[16];
	posix_spawn_file_actions_t fa;
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

	/* Split the rest at "::" into LABEL CMD ARGS... groups. */
	for (i = optind; i < argc;) {
		int j = i;

		while (j < argc && strcmp(argv[j], "::") != 0)
			j++;
		if (j - i < 2 || nv == (int)(sizeof(v) / sizeof(v[0])))
			usage();
		argv[j < argc ? j : argc] = NULL; /* argv[argc] is NULL anyway */
		v[nv].label = argv[i];
		v[nv].argv = &argv[i + 1];
		v[nv].ns = calloc((size_t)runs, sizeof(int64_t));
		if (!v[nv].ns) {
			perror("spawnbench");
			return 1;
		}
		nv++;
		i = j + 1;
	}

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);

	for (long r = -warmup; r < runs; r++) {
		/* Rotate the starting variant so none is always first. */
		for (int k = 0; k < nv; k++) {
			int x = (int)((r + warmup + k) % nv);
			int64_t ns = run_once(&v[x], &fa);

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
