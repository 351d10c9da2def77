/* SPDX-License-Identifier: MIT */
/*
 * test-cli.c - the command line module (cli.c, units.c), as TAP.
 *
 * One table row per command line: the words after argv[0], the expected
 * result, a piece of the error message, and one field of the config.
 * Then the unit parsers, --help, and 20000 random command lines.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "units.h"

#include "tap.h"

/* ---- command lines ------------------------------------------------------ */

#define G (1ULL << 30)
#define M (1ULL << 20)
#define K (1ULL << 10)

enum field {
	F_NONE, F_MEMORY, F_CPU, F_WALL, F_THREADS, F_FDS, F_CONTAINERS, F_SESSION,
	F_IMAGE, F_FLAT, F_TRACE, F_CHECK, F_NONS, F_NETNS, F_ARGC, F_ENVC,
	F_PROGRAM, F_ARG1, F_REPORT, F_POLICY, F_ENV0, F_ENV1, F_ASPACE, F_OUTPUT,
};

struct row {
	const char *args[8];  /* after argv[0], NULL-terminated */
	enum cli_result want;
	const char *msg;      /* CLI_ERROR: in err; "=..." for all of it */
	enum field f;
	unsigned long long num;
	const char *str;      /* string fields; NULL: the field is NULL */
};

/* The tail of a row: what the command line gives. */
#define NUM(f, n) CLI_RUN, NULL, f, n, NULL
#define STR(f, s) CLI_RUN, NULL, f, 0, s
#define BAD(m)    CLI_ERROR, m, F_NONE, 0, NULL
#define IS(r)     r, NULL, F_NONE, 0, NULL

static const struct row rows[] = {
	/* PROGRAM and ARGS */
	{ { NULL }, BAD("=missing PROGRAM; usage: minos-exec [OPTIONS] PROGRAM [ARGS...]") },
	{ { "prog" }, STR(F_PROGRAM, "prog") },
	{ { "prog" }, NUM(F_ARGC, 1) },
	{ { "prog" }, NUM(F_ENVC, 0) },
	{ { "prog", "-x", "--memory=1" }, NUM(F_ARGC, 3) },
	{ { "prog", "-x", "--memory=1" }, NUM(F_MEMORY, G) },
	{ { "prog", "--help" }, STR(F_ARG1, "--help") },
	{ { "prog", "--" }, STR(F_ARG1, "--") },
	{ { "--", "-prog" }, STR(F_PROGRAM, "-prog") },
	{ { "--", "--memory=1G" }, STR(F_PROGRAM, "--memory=1G") },
	{ { "--", "--memory=1G" }, NUM(F_MEMORY, G) },
	{ { "--" }, BAD("missing PROGRAM") },
	{ { "-", "a" }, STR(F_PROGRAM, "-") },
	{ { "--trace", "prog", "--flat" }, NUM(F_FLAT, 0) },
	{ { "--trace", "prog", "--flat" }, NUM(F_TRACE, 1) },
	/* defaults */
	{ { "p" }, NUM(F_MEMORY, MINOS_DEFAULT_MEMORY) },
	{ { "p" }, NUM(F_CPU, MINOS_DEFAULT_CPU_MS) },
	{ { "p" }, NUM(F_WALL, MINOS_DEFAULT_WALL_MS) },
	{ { "p" }, NUM(F_THREADS, MINOS_DEFAULT_THREADS) },
	{ { "p" }, NUM(F_FDS, MINOS_DEFAULT_FDS) },
	{ { "p" }, NUM(F_CONTAINERS, MINOS_DEFAULT_CONTAINERS) },
	{ { "p" }, NUM(F_IMAGE, MINOS_DEFAULT_IMAGE_SIZE) },
	{ { "p" }, NUM(F_FLAT, 0) },
	{ { "p" }, STR(F_REPORT, NULL) },
	{ { "p" }, STR(F_POLICY, NULL) },
	/* --memory: SIZE */
	{ { "--memory=64M", "p" }, NUM(F_MEMORY, 64 * M) },
	{ { "--memory", "64M", "p" }, NUM(F_MEMORY, 64 * M) },
	{ { "--memory=2G", "p" }, NUM(F_MEMORY, 2 * G) },
	{ { "--memory=2g", "p" }, NUM(F_MEMORY, 2 * G) },
	{ { "--memory=2GiB", "p" }, NUM(F_MEMORY, 2 * G) },
	{ { "--memory=1024KiB", "p" }, NUM(F_MEMORY, M) },
	{ { "--memory=4096k", "p" }, NUM(F_MEMORY, 4 * M) },
	{ { "--memory=3m", "p" }, NUM(F_MEMORY, 3 * M) },
	{ { "--memory=1048576", "p" }, NUM(F_MEMORY, M) },
	{ { "--memory=01M", "p" }, NUM(F_MEMORY, M) },
	{ { "--memory=1024G", "p" }, NUM(F_MEMORY, 1024 * G) },
	{ { "--memory=1G", "--memory=2G", "p" }, NUM(F_MEMORY, 2 * G) },
	{ { "--memory=12Q", "p" }, BAD("=--memory=12Q: bad size '12Q' (use a number with K, M or G)") },
	{ { "--memory", "12Q", "p" }, BAD("=--memory=12Q: bad size '12Q' (use a number with K, M or G)") },
	{ { "--memory=512K", "p" }, BAD("=--memory=512K: out of range (1M to 1024G)") },
	{ { "--memory=1048575", "p" }, BAD("out of range (1M to 1024G)") },
	{ { "--memory=1025G", "p" }, BAD("out of range") },
	{ { "--memory=0", "p" }, BAD("out of range") },
	{ { "--memory=1T", "p" }, BAD("bad size '1T'") },
	{ { "--memory=1KB", "p" }, BAD("bad size") },
	{ { "--memory=1Gi", "p" }, BAD("bad size") },
	{ { "--memory=1gib", "p" }, BAD("bad size") },
	{ { "--memory=", "p" }, BAD("=--memory=: bad size '' (use a number with K, M or G)") },
	{ { "--memory= 1G", "p" }, BAD("bad size ' 1G'") },
	{ { "--memory=1G ", "p" }, BAD("bad size") },
	{ { "--memory=+1G", "p" }, BAD("bad size") },
	{ { "--memory", "-1G", "p" }, BAD("bad size '-1G'") },
	{ { "--memory=0x10M", "p" }, BAD("bad size") },
	{ { "--memory=1.5G", "p" }, BAD("bad size") },
	{ { "--memory=G", "p" }, BAD("bad size") },
	{ { "--memory=99999999999999999999", "p" }, BAD("out of range") },
	{ { "--memory=18446744073709551615", "p" }, BAD("out of range") },
	{ { "--memory=17179869184G", "p" }, BAD("out of range") },
	{ { "--memory=99999999999999999999Q", "p" }, BAD("bad size") },
	{ { "--memory" }, BAD("=--memory needs a value (--memory=SIZE)") },
	{ { "--memory=1G" }, BAD("missing PROGRAM") },
	{ { "--memory", "--trace", "p" }, BAD("bad size '--trace'") },
	/* --memory counts committed memory; --address-space is RLIMIT_AS */
	{ { "p" }, NUM(F_ASPACE, 0) },
	{ { "--address-space=64M", "p" }, NUM(F_ASPACE, 64 * M) },
	{ { "--address-space", "2G", "p" }, NUM(F_ASPACE, 2 * G) },
	{ { "--address-space=0", "p" }, NUM(F_ASPACE, 0) },
	{ { "--address-space=128T", "p" }, BAD("bad size") },
	{ { "--address-space=131072G", "p" }, NUM(F_ASPACE, 131072 * G) },
	{ { "--address-space=131073G", "p" }, BAD("=--address-space=131073G: out of range (0 for none, or 1M to 131072G)") },
	{ { "--address-space=512K", "p" }, BAD("out of range") },
	{ { "--address-space=64M", "p" }, NUM(F_MEMORY, MINOS_DEFAULT_MEMORY) },
	{ { "--memory", "64M", "--address-space", "1G", "p" }, NUM(F_MEMORY, 64 * M) },
	{ { "--memory", "64M", "--address-space", "1G", "p" }, NUM(F_ASPACE, G) },
	/* --output: SIZE, 0 for none */
	{ { "p" }, NUM(F_OUTPUT, 0) },
	{ { "--output=1M", "p" }, NUM(F_OUTPUT, M) },
	{ { "--output", "1", "p" }, NUM(F_OUTPUT, 1) },
	{ { "--output=0", "p" }, NUM(F_OUTPUT, 0) },
	{ { "--output=1X", "p" }, BAD("=--output=1X: bad size '1X' (use a number with K, M or G)") },
	/* --cpu-time, --wall-time: TIME */
	{ { "--cpu-time=2", "p" }, NUM(F_CPU, 2000) },
	{ { "--cpu-time=2s", "p" }, NUM(F_CPU, 2000) },
	{ { "--cpu-time=250ms", "p" }, NUM(F_CPU, 250) },
	{ { "--cpu-time=1.5", "p" }, NUM(F_CPU, 1500) },
	{ { "--cpu-time=1.5s", "p" }, NUM(F_CPU, 1500) },
	{ { "--cpu-time=0.25", "p" }, NUM(F_CPU, 250) },
	{ { "--cpu-time=0.001", "p" }, NUM(F_CPU, 1) },
	{ { "--cpu-time=1ms", "p" }, NUM(F_CPU, 1) },
	{ { "--cpu-time", "1000000s", "p" }, NUM(F_CPU, 1000000000ULL) },
	{ { "--cpu-time=0", "p" }, BAD("=--cpu-time=0: out of range (1ms to 1000000s)") },
	{ { "--cpu-time=0ms", "p" }, BAD("out of range") },
	{ { "--cpu-time=0.0004", "p" }, BAD("bad time") },
	{ { "--cpu-time=1000001", "p" }, BAD("out of range") },
	{ { "--cpu-time=1.5ms", "p" }, BAD("bad time '1.5ms'") },
	{ { "--cpu-time=1.2345", "p" }, BAD("bad time") },
	{ { "--cpu-time=.5", "p" }, BAD("bad time") },
	{ { "--cpu-time=5.", "p" }, BAD("bad time") },
	{ { "--cpu-time=5.s", "p" }, BAD("bad time") },
	{ { "--cpu-time=10m", "p" }, BAD("bad time") },
	{ { "--cpu-time=1e3", "p" }, BAD("bad time") },
	{ { "--cpu-time=1x", "p" }, BAD("=--cpu-time=1x: bad time '1x' (use a number of seconds, or with s or ms)") },
	{ { "--cpu-time=", "p" }, BAD("bad time ''") },
	{ { "--cpu-time=99999999999999999999ms", "p" }, BAD("out of range") },
	{ { "--cpu-time=18446744073709551s", "p" }, BAD("out of range") },
	{ { "--wall-time=0", "p" }, NUM(F_WALL, 0) },
	{ { "--wall-time=0s", "p" }, NUM(F_WALL, 0) },
	{ { "--wall-time=30", "p" }, NUM(F_WALL, 30000) },
	{ { "--wall-time", "100ms", "p" }, NUM(F_WALL, 100) },
	{ { "--wall-time=1000001", "p" }, BAD("=--wall-time=1000001: out of range (0 for none, or 1ms to 1000000s)") },
	/* counts */
	{ { "--threads=1", "p" }, NUM(F_THREADS, 1) },
	{ { "--threads=4096", "p" }, NUM(F_THREADS, 4096) },
	{ { "--threads", "8", "p" }, NUM(F_THREADS, 8) },
	{ { "--threads=0", "p" }, BAD("=--threads=0: out of range (1 to 4096)") },
	{ { "--threads=4097", "p" }, BAD("out of range (1 to 4096)") },
	{ { "--threads=4k", "p" }, BAD("=--threads=4k: bad number '4k' (use a whole number)") },
	{ { "--threads=-1", "p" }, BAD("bad number") },
	{ { "--threads=4294967297", "p" }, BAD("out of range") },
	{ { "--threads=", "p" }, BAD("bad number ''") },
	{ { "--fds=3", "p" }, NUM(F_FDS, 3) },
	{ { "--fds=65536", "p" }, NUM(F_FDS, 65536) },
	{ { "--fds=2", "p" }, BAD("=--fds=2: out of range (3 to 65536)") },
	{ { "--fds=65537", "p" }, BAD("out of range") },
	{ { "--containers=1", "p" }, NUM(F_CONTAINERS, 1) },
	{ { "p" }, NUM(F_SESSION, 0) },
	{ { "--total-memory=4G", "p" }, NUM(F_SESSION, 4ULL << 30) },
	{ { "--total-memory=0", "p" }, NUM(F_SESSION, 0) },
	{ { "--total-memory=12", "p" }, BAD("--total-memory=12: out of range (0 for containers x memory, or 1M to 1048576G)") },
	/* the first container reserves its --memory out of the total */
	{ { "--memory=64M", "--total-memory=64M", "p" }, NUM(F_SESSION, 64 * M) },
	{ { "--total-memory=64M", "p" }, BAD("=--total-memory=64M: less than --memory=1G, which the first container reserves; raise --total-memory or lower --memory") },
	{ { "--total-memory=1G", "--memory=2G", "p" }, BAD("=--total-memory=1G: less than --memory=2G, which the first container reserves; raise --total-memory or lower --memory") },
	{ { "--memory=65M", "--total-memory=64M", "p" }, BAD("less than --memory=65M") },
	/* with --policy, the file's containers are held to it (policy.c) */
	{ { "--total-memory=64M", "--policy=g.yaml" }, NUM(F_SESSION, 64 * M) },
	{ { "--containers=100000", "p" }, NUM(F_CONTAINERS, 100000) },
	{ { "--containers=0", "p" }, BAD("out of range (1 to 100000)") },
	{ { "--containers=100001", "p" }, BAD("out of range") },
	{ { "--image-size=64", "p" }, NUM(F_IMAGE, 64) },
	{ { "--image-size=4G", "p" }, NUM(F_IMAGE, 4 * G) },
	{ { "--image-size=1M", "p" }, NUM(F_IMAGE, M) },
	{ { "--image-size=63", "p" }, BAD("=--image-size=63: out of range (64 to 4G)") },
	{ { "--image-size=4097M", "p" }, BAD("out of range") },
	/* flags */
	{ { "--flat", "p" }, NUM(F_FLAT, 1) },
	{ { "--trace", "p" }, NUM(F_TRACE, 1) },
	{ { "--no-namespaces", "p" }, NUM(F_NONS, 1) },
	{ { "--netns", "p" }, NUM(F_NETNS, 1) },
	{ { "p" }, NUM(F_NETNS, 0) },
	{ { "--flat=1", "p" }, BAD("=--flat takes no value") },
	{ { "--trace=", "p" }, BAD("--trace takes no value") },
	{ { "--help=x" }, BAD("--help takes no value") },
	/* files */
	{ { "--report=-", "p" }, STR(F_REPORT, "-") },
	{ { "--report", "out.json", "p" }, STR(F_REPORT, "out.json") },
	{ { "--report", "-", "p" }, STR(F_REPORT, "-") },
	{ { "--report=", "p" }, BAD("=--report: empty file name (use - for standard error)") },
	{ { "--report" }, BAD("--report needs a value") },
	{ { "--policy=", "p" }, BAD("=--policy: empty file name") },
	{ { "--policy=g.yaml" }, STR(F_POLICY, "g.yaml") },
	{ { "--policy=g.yaml" }, STR(F_PROGRAM, NULL) },
	{ { "--policy=g.yaml" }, NUM(F_ARGC, 0) },
	{ { "--policy", "g.yaml", "p", "a" },
	  BAD("=--policy: the policy file names the programs; remove 'p' and what follows") },
	{ { "--policy=g.yaml", "--flat" },
	  BAD("=--flat: with --policy, say 'flat: true' for the container in the policy file") },
	{ { "--policy=g.yaml", "--env=A=1" },
	  BAD("=--env: with --policy, give each container its 'env:' in the policy file") },
	{ { "--check", "--policy=g.yaml" }, NUM(F_CHECK, 1) },
	{ { "--policy=g.yaml", "--check" }, NUM(F_CHECK, 1) },
	{ { "--check" }, BAD("=--check needs --policy=FILE") },
	{ { "--check", "p" }, BAD("=--check needs --policy=FILE") },
	/* help and version */
	{ { "-h" }, IS(CLI_HELP) },
	{ { "--help" }, IS(CLI_HELP) },
	{ { "--help", "--memory=bad" }, IS(CLI_HELP) },
	{ { "--memory=bad", "--help" }, BAD("bad size") },
	{ { "--trace", "-h", "p" }, IS(CLI_HELP) },
	{ { "-V" }, IS(CLI_VERSION) },
	{ { "--version" }, IS(CLI_VERSION) },
	{ { "p", "-V" }, STR(F_ARG1, "-V") },
	/* unknown options */
	{ { "-hV" }, BAD("=unknown option '-hV'") },
	{ { "-v" }, BAD("=unknown option '-v' (did you mean '--version'?)") },
	{ { "-H" }, BAD("(did you mean '--help'?)") },
	{ { "-x", "p" }, BAD("=unknown option '-x'") },
	{ { "-h=1" }, BAD("=unknown option '-h=1'") },
	{ { "--memroy=1G", "p" }, BAD("=unknown option '--memroy' (did you mean '--memory'?)") },
	{ { "--memroy", "1G", "p" }, BAD("(did you mean '--memory'?)") },
	{ { "-memory=1G", "p" }, BAD("=unknown option '-memory' (did you mean '--memory'?)") },
	{ { "--mem=1G", "p" }, BAD("(did you mean '--memory'?)") },
	{ { "--trac", "p" }, BAD("(did you mean '--trace'?)") },
	{ { "--fd=3", "p" }, BAD("(did you mean '--fds'?)") },
	{ { "--cpu_time=1", "p" }, BAD("(did you mean '--cpu-time'?)") },
	{ { "--cputime=1", "p" }, BAD("(did you mean '--cpu-time'?)") },
	{ { "--nonamespaces", "p" }, BAD("(did you mean '--no-namespaces'?)") },
	{ { "--contaners=2", "p" }, BAD("(did you mean '--containers'?)") },
	{ { "--chekc", "p" }, BAD("(did you mean '--check'?)") },
	{ { "--xyzzy", "p" }, BAD("=unknown option '--xyzzy'") },
	{ { "--Memory=1G", "p" }, BAD("(did you mean '--memory'?)") },
	{ { "---memory=1G", "p" }, BAD("(did you mean '--memory'?)") },
	{ { "--=1", "p" }, BAD("=unknown option '--=1'") },
	{ { "--m\x01\x7f", "p" }, BAD("unknown option '--m?\?'") },
	/* --env */
	{ { "--env=FOO=bar", "p" }, STR(F_ENV0, "FOO=bar") },
	{ { "--env", "FOO=bar", "p" }, STR(F_ENV0, "FOO=bar") },
	{ { "--env=FOO=bar", "p" }, NUM(F_ENVC, 1) },
	{ { "--env=FOO=", "p" }, STR(F_ENV0, "FOO=") },
	{ { "--env=FOO=a=b", "p" }, STR(F_ENV0, "FOO=a=b") },
	{ { "--env=HOME", "p" }, STR(F_ENV0, "HOME=/home/u") },
	{ { "--env=PATH", "p" }, STR(F_ENV0, "PATH=/bin") },
	{ { "--env=EMPTY", "p" }, STR(F_ENV0, "EMPTY=") },
	{ { "--env=NOPE", "p" }, NUM(F_ENVC, 0) },
	{ { "--env=HOM", "p" }, NUM(F_ENVC, 0) },
	{ { "--env=A=1", "--env=B=2", "p" }, NUM(F_ENVC, 2) },
	{ { "--env=A=1", "--env=B=2", "p" }, STR(F_ENV1, "B=2") },
	{ { "--env=FOO=1", "--env=FOO=2", "p" }, NUM(F_ENVC, 1) },
	{ { "--env=FOO=1", "--env=FOO=2", "p" }, STR(F_ENV0, "FOO=2") },
	{ { "--env=FOO=1", "--env=FOOD=2", "p" }, NUM(F_ENVC, 2) },
	{ { "--env=HOME=/x", "--env=HOME", "p" }, STR(F_ENV0, "HOME=/home/u") },
	{ { "--env=_x1=1", "p" }, STR(F_ENV0, "_x1=1") },
	{ { "--env==x", "p" }, BAD("=--env==x: bad variable name '' (use letters, digits and _, not a digit first)") },
	{ { "--env=", "p" }, BAD("bad variable name ''") },
	{ { "--env=1A=x", "p" }, BAD("bad variable name '1A'") },
	{ { "--env=A-B=x", "p" }, BAD("bad variable name 'A-B'") },
	{ { "--env=A B", "p" }, BAD("bad variable name 'A B'") },
	{ { "--env", "--trace", "p" }, BAD("bad variable name '--trace'") },
	{ { "--env" }, BAD("--env needs a value (--env=NAME[=VALUE])") },
};

static char *env_in[] = {
	"HOME=/home/u", "PATH=/bin", "EMPTY=", "PATH=/second", "HOMER=x", NULL,
};

static bool field_num(const struct minos_config *c, enum field f,
		      unsigned long long *v)
{
	switch (f) {
	case F_MEMORY: *v = c->lim.memory; return true;
	case F_CPU: *v = c->lim.cpu_ms; return true;
	case F_WALL: *v = c->lim.wall_ms; return true;
	case F_THREADS: *v = c->lim.threads; return true;
	case F_FDS: *v = c->lim.fds; return true;
	case F_CONTAINERS: *v = c->lim.containers; return true;
	case F_SESSION: *v = c->lim.total_memory; return true;
	case F_IMAGE: *v = c->lim.image_size; return true;
	case F_ASPACE: *v = c->lim.address_space; return true;
	case F_OUTPUT: *v = c->lim.output; return true;
	case F_FLAT: *v = c->flat; return true;
	case F_TRACE: *v = c->trace; return true;
	case F_CHECK: *v = c->check; return true;
	case F_NONS: *v = c->no_namespaces; return true;
	case F_NETNS: *v = c->netns; return true;
	case F_ARGC: *v = (unsigned long long)c->argc; return true;
	case F_ENVC: *v = (unsigned long long)c->envc; return true;
	default: return false;
	}
}

static const char *field_str(const struct minos_config *c, enum field f)
{
	switch (f) {
	case F_PROGRAM: return c->program;
	case F_ARG1: return c->argc > 1 ? c->argv[1] : NULL;
	case F_REPORT: return c->report;
	case F_POLICY: return c->policy;
	case F_ENV0: return c->envp[0];
	case F_ENV1: return c->envc > 1 ? c->envp[1] : NULL;
	default: return NULL;
	}
}

/* argv[0] and the words, each its own heap copy so ASan sees overreads. */
static int make_argv(const char *const *words, char **argv)
{
	int n = 0;

	argv[n++] = strdup("minos-exec");
	for (; *words; words++)
		argv[n++] = strdup(*words);
	argv[n] = NULL;
	return n;
}

static void free_argv(char **argv)
{
	for (; *argv; argv++)
		free(*argv);
}

static void describe(const struct row *r, char *buf, size_t len)
{
	const char *const *w;
	size_t used = 0;

	buf[0] = '\0';
	for (w = r->args; *w && used < len; w++)
		used += (size_t)snprintf(buf + used, len - used, " %s", *w);
	for (; *buf; buf++)
		if (*buf < 0x20 || *buf == 0x7f || *buf == '#')
			*buf = '?';
}

static const char *result_name(enum cli_result r)
{
	static const char *const names[] = { "run", "help", "version", "error" };

	return (unsigned)r < 4 ? names[r] : "?";
}

static bool msg_matches(const char *want, const char *err)
{
	if (want[0] == '=')
		return strcmp(want + 1, err) == 0;
	return strstr(err, want) != NULL;
}

/* Structural promises that hold whatever the command line. */
static bool config_sane(const struct minos_config *c, enum cli_result r,
			const char *err)
{
	int k;

	if (!c->envp || !c->argv || c->envp[c->envc] || c->argv[c->argc])
		return false;
	for (k = 0; k < c->envc; k++)
		if (!c->envp[k] || !strchr(c->envp[k], '='))
			return false;
	if (r == CLI_ERROR && (err[0] == '\0' || strchr(err, '\n')))
		return false;
	if (r == CLI_RUN && !c->program && !c->policy)
		return false;
	return true;
}

static bool check_row(const struct row *r, char *why, size_t whylen)
{
	char *argv[16], err[512];
	struct minos_config cfg;
	enum cli_result res;
	unsigned long long v;
	const char *s;
	bool good = true;
	int argc = make_argv(r->args, argv);

	res = cli_parse(argc, argv, env_in, &cfg, err, sizeof(err));
	why[0] = '\0';
	if (res != r->want) {
		snprintf(why, whylen, "got %s (%s)", result_name(res), err);
		good = false;
	} else if (r->msg && !msg_matches(r->msg, err)) {
		snprintf(why, whylen, "error was '%s'", err);
		good = false;
	} else if (field_num(&cfg, r->f, &v) && v != r->num) {
		snprintf(why, whylen, "field is %llu, not %llu", v, r->num);
		good = false;
	} else if (r->f >= F_PROGRAM) {
		s = field_str(&cfg, r->f);
		if (s != r->str && (!s || !r->str || strcmp(s, r->str) != 0)) {
			snprintf(why, whylen, "field is '%s'", s ? s : "(null)");
			good = false;
		}
	}
	if (good && !config_sane(&cfg, res, err)) {
		snprintf(why, whylen, "config breaks its invariants");
		good = false;
	}
	cli_free(&cfg);
	free_argv(argv);
	return good;
}

static void test_rows(void)
{
	char desc[256], why[600];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		bool good = check_row(r, why, sizeof(why));

		describe(r, desc, sizeof(desc));
		if (!ok(good, "minos-exec%s -> %s%s%s", desc,
			result_name(r->want), r->msg ? ": " : "",
			r->msg ? r->msg + (r->msg[0] == '=') : ""))
			diag("%s", why);
	}
}

/* ---- odd calls ---------------------------------------------------------- */

static void test_odd_calls(void)
{
	char *argv[8], err[16], big[512];
	struct minos_config cfg;
	static const char *const words[] = { "--memroy=1G", "p", NULL };
	static const char *const words2[] = { "p", "a", "b", NULL };
	int argc;

	argc = make_argv(words, argv);
	ok(cli_parse(argc, argv, NULL, &cfg, err, sizeof(err)) == CLI_ERROR &&
	   strlen(err) == sizeof(err) - 1,
	   "an error message is cut to fit a small buffer and stays terminated");
	cli_free(&cfg);
	ok(cli_parse(argc, argv, NULL, &cfg, NULL, 0) == CLI_ERROR,
	   "a NULL error buffer of length 0 is allowed");
	cli_free(&cfg);
	free_argv(argv);

	argc = make_argv(words2, argv);
	ok(cli_parse(argc + 5, argv, NULL, &cfg, err, sizeof(err)) == CLI_RUN &&
	   cfg.argc == 3, "argc past the NULL that ends argv is cut at the NULL");
	cli_free(&cfg);
	ok(cli_parse(2, argv, NULL, &cfg, err, sizeof(err)) == CLI_RUN &&
	   cfg.argc == 1 && cfg.program == argv[1],
	   "words past argc are not looked at");
	cli_free(&cfg);
	free_argv(argv);

	ok(cli_parse(0, NULL, NULL, &cfg, big, sizeof(big)) == CLI_ERROR &&
	   strstr(big, "missing PROGRAM"), "argc 0 and argv NULL are a missing PROGRAM");
	ok(cfg.envp && cfg.envp[0] == NULL && cfg.envc == 0,
	   "the environment is an empty array even then");
	cli_free(&cfg);
	cli_free(&cfg);
	ok(cfg.envp && cfg.envp[0] == NULL, "cli_free twice is harmless");

	{
		char *word = malloc(2001);
		char *av[3] = { "minos-exec", word, NULL };

		memset(word, 'x', 2000);
		memcpy(word, "--env=", 6);
		word[2000] = '\0';
		word[10] = '-';
		ok(cli_parse(2, av, NULL, &cfg, big, sizeof(big)) == CLI_ERROR &&
		   strlen(big) < 250 && strstr(big, "...'"),
		   "a 2000-character value is shown cut, with ...");
		cli_free(&cfg);
		word[1] = 'x';
		ok(cli_parse(2, av, NULL, &cfg, big, sizeof(big)) == CLI_ERROR &&
		   strlen(big) < 200 && strstr(big, "unknown option"),
		   "a 2000-character unknown option is shown cut");
		cli_free(&cfg);
		free(word);
	}
}

/* ---- units and cli_set_limit ------------------------------------------- */

static void test_units(void)
{
	struct minos_limits lim = { 0 };
	unsigned long long v = 0;
	char buf[32], err[128];

	ok(strcmp(units_fmt_size(1ULL << 30, buf, sizeof(buf)), "1G") == 0,
	   "1 GiB formats as 1G");
	ok(strcmp(units_fmt_size(1536ULL << 20, buf, sizeof(buf)), "1536M") == 0,
	   "1.5 GiB formats as 1536M");
	ok(strcmp(units_fmt_size(65, buf, sizeof(buf)), "65") == 0,
	   "65 bytes format as 65");
	ok(strcmp(units_fmt_size(0, buf, sizeof(buf)), "0") == 0,
	   "0 bytes format as 0");
	ok(strcmp(units_fmt_size(3072, buf, sizeof(buf)), "3K") == 0,
	   "3072 bytes format as 3K");
	ok(strcmp(units_fmt_ms(60000, buf, sizeof(buf)), "60s") == 0,
	   "60000 ms formats as 60s");
	ok(strcmp(units_fmt_ms(1500, buf, sizeof(buf)), "1500ms") == 0,
	   "1500 ms formats as 1500ms");
	ok(strcmp(units_fmt_size(1ULL << 30, buf, 2), "1") == 0,
	   "formatting is cut to the buffer");
	ok(units_parse_count("18446744073709551615", &v) == UNITS_OK &&
	   v == 18446744073709551615ULL, "the largest count parses");
	ok(units_parse_count("18446744073709551616", &v) == UNITS_RANGE,
	   "one more is out of range");
	ok(units_parse_size("16777216T", &v) == UNITS_BAD, "T is no suffix");
	ok(units_parse_size("17179869183G", &v) == UNITS_OK &&
	   v == 17179869183ULL << 30, "the largest whole number of G parses");
	ok(units_parse_size("17179869184G", &v) == UNITS_RANGE,
	   "2^64 bytes as G is out of range");
	ok(units_parse_ms("18446744073709551.615", &v) == UNITS_OK &&
	   v == 18446744073709551615ULL, "the largest time parses exactly");
	ok(units_parse_ms("18446744073709551.616", &v) == UNITS_RANGE,
	   "1 ms more is out of range");
	ok(units_parse_size(NULL, &v) == UNITS_BAD && units_parse_ms(NULL, &v) ==
	   UNITS_BAD && units_parse_count(NULL, &v) == UNITS_BAD,
	   "NULL strings are refused");

	ok(cli_set_limit(&lim, "threads", "8", err, sizeof(err)) == 0 &&
	   lim.threads == 8, "cli_set_limit sets threads");
	ok(cli_set_limit(&lim, "memory", "64M", err, sizeof(err)) == 0 &&
	   lim.memory == 64 * M, "cli_set_limit sets memory");
	ok(cli_set_limit(&lim, "wall-time", "1.5s", err, sizeof(err)) == 0 &&
	   lim.wall_ms == 1500, "cli_set_limit sets wall-time");
	ok(cli_set_limit(&lim, "memory", "12Q", err, sizeof(err)) < 0 &&
	   strcmp(err, "bad size '12Q' (use a number with K, M or G)") == 0 &&
	   lim.memory == 64 * M, "cli_set_limit refuses a bad size, reason only");
	ok(cli_set_limit(&lim, "threads", "0", err, sizeof(err)) < 0 &&
	   strcmp(err, "out of range (1 to 4096)") == 0,
	   "cli_set_limit gives the range");
	ok(cli_set_limit(&lim, "flat", "1", err, sizeof(err)) < 0 &&
	   strcmp(err, "unknown limit") == 0, "flat is no limit");
	ok(cli_set_limit(&lim, "memroy", "1G", err, sizeof(err)) < 0,
	   "an unknown limit is refused");
	ok(cli_set_limit(&lim, "memory", NULL, NULL, 0) < 0,
	   "a NULL value and no error buffer are survived");
	ok(strcmp(cli_get_limit(&lim, "memory", buf, sizeof(buf)), "64M") == 0 &&
	   strcmp(cli_get_limit(&lim, "wall-time", buf, sizeof(buf)), "1500ms") == 0 &&
	   strcmp(cli_get_limit(&lim, "threads", buf, sizeof(buf)), "8") == 0,
	   "cli_get_limit gives a limit as the option takes it");
	lim.wall_ms = lim.total_memory = 0;
	ok(strcmp(cli_get_limit(&lim, "wall-time", buf, sizeof(buf)), "0") == 0 &&
	   strcmp(cli_get_limit(&lim, "total-memory", buf, sizeof(buf)), "0") == 0,
	   "cli_get_limit gives 0 for none, in any unit");
	ok(cli_get_limit(&lim, "flat", buf, sizeof(buf)) == NULL,
	   "cli_get_limit knows only limits");
}

/* ---- --help and the option table --------------------------------------- */

static bool line_of(const char *text, const char *start, char *line,
		    size_t len)
{
	const char *p = strstr(text, start), *end;

	if (!p)
		return false;
	end = strchr(p, '\n');
	if (!end || (size_t)(end - p) >= len)
		return false;
	memcpy(line, p, (size_t)(end - p));
	line[end - p] = '\0';
	return true;
}

static void test_usage(void)
{
	const char *u = cli_usage();
	const struct cli_option *o;
	char key[64], line[256];
	bool all = true, wide = false, uniq = true;
	const char *p, *q;
	unsigned n = 0;

	for (o = cli_options; o->name; o++, n++) {
		const struct cli_option *o2;

		snprintf(key, sizeof(key), "--%s%s%s", o->name,
			 o->arg ? "=" : "", o->arg ? o->arg : "");
		if (!strstr(u, key) || !o->help || !o->help[0]) {
			diag("--help lacks %s", key);
			all = false;
		}
		for (o2 = o + 1; o2->name; o2++)
			if (strcmp(o->name, o2->name) == 0 ||
			    (o->short_name && o->short_name == o2->short_name))
				uniq = false;
	}
	ok(n == 24, "the option table has 24 options and ends with a NULL row");
	ok(all, "--help lists every option of the table with its value");
	ok(uniq, "option names and letters are unique");
	for (p = u; *p; p = q + 1) {
		q = strchr(p, '\n');
		if (!q)
			break;
		if (q - p > 79) {
			diag("wide line: %.*s", (int)(q - p), p);
			wide = true;
		}
	}
	ok(!wide && u[strlen(u) - 1] == '\n', "--help lines fit in 79 columns");
	ok(line_of(u, "  --address-space=SIZE ", line, sizeof(line)),
	   "a long option name is still followed by a blank (regression: "
	   "--address-space=SIZEaddress)");
	ok(line_of(u, "  --memory=SIZE", line, sizeof(line)) &&
	   strstr(line, "(default 1G)"), "--help shows the memory default 1G");
	ok(line_of(u, "  --cpu-time=TIME", line, sizeof(line)) &&
	   strstr(line, "(default 60s)"), "--help shows the CPU time default 60s");
	ok(line_of(u, "  --wall-time=TIME", line, sizeof(line)) &&
	   strstr(line, "(default 0)"), "--help shows the wall time default 0");
	ok(line_of(u, "  --image-size=SIZE", line, sizeof(line)) &&
	   strstr(line, "(default 64M)"), "--help shows the image size default 64M");
	ok(line_of(u, "  --threads=N", line, sizeof(line)) &&
	   strstr(line, "(default 64)"), "--help shows the threads default");
	ok(line_of(u, "  -h, --help", line, sizeof(line)) &&
	   line_of(u, "  -V, --version", line, sizeof(line)),
	   "--help shows -h and -V");
	ok(strstr(u, "usage: minos-exec [OPTIONS] PROGRAM [ARGS...]") == u,
	   "--help starts with the usage line");
	ok(strstr(u, "125") && strstr(u, "126") && strstr(u, "127"),
	   "--help explains the exit statuses");
	ok(cli_usage() == u, "cli_usage returns the same text each time");
}

/* ---- random command lines ---------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const char *const pool[] = {
	"--memory", "--memory=", "--memory=1G", "64M", "--cpu-time=1.5",
	"--wall-time", "0", "--threads=4096", "--fds", "3", "--containers=1",
	"--image-size=4G", "--flat", "--trace", "--report=-", "--report",
	"--policy=x", "--policy", "--check", "--env", "--env=A=1", "--env=HOME",
	"--env=A", "--no-namespaces", "-h", "-V", "--help", "--version", "--",
	"-", "prog", "a", "", "--memroy", "-x", "=", "--=", "1", "99999999999999999999",
};

static char *random_word(void)
{
	const char *base = pool[xorshift() % (sizeof(pool) / sizeof(pool[0]))];
	size_t len = strlen(base), n, k;
	char *w;

	n = len + xorshift() % 4;
	w = malloc(n + 1);
	memcpy(w, base, len);
	for (k = len; k < n; k++)
		w[k] = (char)("=.-1KMsmx\x01\xff"[xorshift() % 11]);
	w[n] = '\0';
	if (n && xorshift() % 4 == 0)
		w[xorshift() % n] = (char)(xorshift() % 255 + 1);
	return w;
}

static void test_random(void)
{
	char *argv[10], err[256];
	struct minos_config cfg;
	unsigned i, bad = 0, seen[4] = { 0 };
	int argc, k;

	for (i = 0; i < 20000; i++) {
		enum cli_result r;

		argc = 1 + (int)(xorshift() % 8);
		argv[0] = strdup("minos-exec");
		for (k = 1; k < argc; k++)
			argv[k] = random_word();
		argv[argc] = NULL;
		r = cli_parse(argc, argv, env_in, &cfg, err, sizeof(err));
		if ((unsigned)r > CLI_ERROR || !config_sane(&cfg, r, err)) {
			if (bad++ < 5)
				diag("iteration %u: result %d, err '%s'", i, r, err);
		} else {
			seen[r]++;
		}
		cli_free(&cfg);
		free_argv(argv);
	}
	ok(bad == 0, "20000 random command lines keep every promise (%u run, %u help, %u version, %u errors)",
	   seen[0], seen[1], seen[2], seen[3]);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_rows();
	test_odd_calls();
	test_units();
	test_usage();
	test_random();
	return tap_done();
}
