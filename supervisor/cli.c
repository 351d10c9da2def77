/* SPDX-License-Identifier: MIT */
/*
 * cli.c - parse the minos-exec command line into a struct minos_config.
 *
 * Pure: strings in, a config and a one-line reason out.  The option table
 * below is the single source of the options, their --help lines and (via
 * config.h) their defaults; a test checks that the man page lists them all.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "units.h"

enum opt_id {
	OPT_MEMORY,
	OPT_CPU_TIME,
	OPT_WALL_TIME,
	OPT_THREADS,
	OPT_FDS,
	OPT_CONTAINERS,
	OPT_TOTAL_MEMORY,
	OPT_IMAGE_SIZE,
	OPT_OUTPUT,
	OPT_ADDRESS_SPACE,
	OPT_FLAT,
	OPT_TRACE,
	OPT_REPORT,
	OPT_POLICY,
	OPT_CHECK,
	OPT_ENV,
	OPT_NO_NAMESPACES,
	OPT_NETNS,
	OPT_CHECKPOINT,
	OPT_CHECKPOINT_AT,
	OPT_LEAVE_RUNNING,
	OPT_RESTORE,
	OPT_HELP,
	OPT_VERSION,
	OPT_COUNT
};

const struct cli_option cli_options[] = {
	[OPT_MEMORY] = { "memory", 0, "SIZE",
			 "memory a container may commit (not reserve)" },
	[OPT_CPU_TIME] = { "cpu-time", 0, "TIME", "CPU time per container" },
	[OPT_WALL_TIME] = { "wall-time", 0, "TIME",
			    "wall-clock time of the whole run, 0 for none" },
	[OPT_THREADS] = { "threads", 0, "N",
			  "threads per container, the first included" },
	[OPT_FDS] = { "fds", 0, "N", "descriptors per container" },
	[OPT_CONTAINERS] = { "containers", 0, "N",
			     "live containers in the whole run" },
	[OPT_TOTAL_MEMORY] = { "total-memory", 0, "SIZE",
			       "memory of all live containers (0: derived)" },
	[OPT_IMAGE_SIZE] = { "image-size", 0, "SIZE", "largest code image" },
	[OPT_OUTPUT] = { "output", 0, "SIZE",
			 "bytes to stdout, stderr or a file (0: none)" },
	[OPT_ADDRESS_SPACE] = { "address-space", 0, "SIZE",
				"address space, reserved included (0: none)" },
	[OPT_FLAT] = { "flat", 0, NULL,
		       "PROGRAM is a flat image loaded at 0x10000, not an ELF" },
	[OPT_TRACE] = { "trace", 0, NULL,
			"one line on stderr per call handled or refused" },
	[OPT_REPORT] = { "report", 0, "FILE",
			 "write a JSON report of the run to FILE (- for stderr)" },
	[OPT_POLICY] = { "policy", 0, "FILE",
			 "run the container graph FILE describes (minos-policy(5))" },
	[OPT_CHECK] = { "check", 0, NULL,
			"with --policy: check and print the graph, run nothing" },
	[OPT_ENV] = { "env", 0, "NAME[=VALUE]",
		      "set a variable for PROGRAM; NAME alone copies ours" },
	[OPT_NO_NAMESPACES] = { "no-namespaces", 0, NULL,
				"do not unshare namespaces (the filter still applies)" },
	[OPT_NETNS] = { "netns", 0, NULL,
			"also give containers an empty network namespace" },
	[OPT_CHECKPOINT] = { "checkpoint", 0, "FILE",
		"on SIGUSR1 (or --checkpoint-at) save the run to FILE" },
	[OPT_CHECKPOINT_AT] = { "checkpoint-at", 0, "TIME",
		"save the run once TIME after it starts" },
	[OPT_LEAVE_RUNNING] = { "leave-running", 0, NULL,
		"after saving, let the run go on" },
	[OPT_RESTORE] = { "restore", 0, "FILE",
		"resume the run saved in FILE (no PROGRAM)" },
	[OPT_HELP] = { "help", 'h', NULL, "print this help and exit" },
	[OPT_VERSION] = { "version", 'V', NULL, "print the version and exit" },
	[OPT_COUNT] = { NULL, 0, NULL, NULL },
};

/* How the options that set a limit read their value, and its range. */
enum limit_kind { LIM_NONE, LIM_SIZE, LIM_TIME, LIM_COUNT };

struct limit {
	enum limit_kind kind;
	unsigned long long min, max;
	bool zero_ok; /* 0 means "no limit" */
};

static const struct limit limits[OPT_COUNT] = {
	[OPT_MEMORY] = { LIM_SIZE, CLI_MIN_MEMORY, CLI_MAX_MEMORY, false },
	[OPT_CPU_TIME] = { LIM_TIME, CLI_MIN_MS, CLI_MAX_MS, false },
	[OPT_WALL_TIME] = { LIM_TIME, CLI_MIN_MS, CLI_MAX_MS, true },
	[OPT_THREADS] = { LIM_COUNT, CLI_MIN_THREADS, CLI_MAX_THREADS, false },
	[OPT_FDS] = { LIM_COUNT, CLI_MIN_FDS, CLI_MAX_FDS, false },
	[OPT_CONTAINERS] = { LIM_COUNT, CLI_MIN_CONTAINERS, CLI_MAX_CONTAINERS,
			     false },
	[OPT_TOTAL_MEMORY] = { LIM_SIZE, CLI_MIN_MEMORY, CLI_MAX_TOTAL_MEMORY,
				 true },
	[OPT_IMAGE_SIZE] = { LIM_SIZE, CLI_MIN_IMAGE_SIZE, CLI_MAX_IMAGE_SIZE,
			     false },
	[OPT_OUTPUT] = { LIM_SIZE, CLI_MIN_OUTPUT, CLI_MAX_OUTPUT, true },
	[OPT_ADDRESS_SPACE] = { LIM_SIZE, CLI_MIN_MEMORY, CLI_MAX_ADDRESS_SPACE,
				true },
};

struct parser {
	int argc; /* words in argv, up to the first NULL */
	char **argv;
	char **environ_in;
	int i; /* next word */
	struct minos_config *cfg;
	char *err;
	size_t errlen;
};

/* The environment of a config without --env, and the ARGS without PROGRAM. */
static char *no_env[] = { NULL };
static char *const no_args[] = { NULL };

static enum cli_result fail(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static enum cli_result fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->errlen == 0)
		return CLI_ERROR;
	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return CLI_ERROR;
}

const char *cli_shown(const char *s, size_t len, char *buf)
{
	size_t i;

	for (i = 0; i < len && s[i] && i < CLI_SHOWN_MAX; i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (i == CLI_SHOWN_MAX && i < len && s[i])
		memcpy(buf + i - 3, "...", 3);
	buf[i] = '\0';
	return buf;
}

static void config_defaults(struct minos_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->lim.memory = MINOS_DEFAULT_MEMORY;
	cfg->lim.cpu_ms = MINOS_DEFAULT_CPU_MS;
	cfg->lim.wall_ms = MINOS_DEFAULT_WALL_MS;
	cfg->lim.threads = MINOS_DEFAULT_THREADS;
	cfg->lim.fds = MINOS_DEFAULT_FDS;
	cfg->lim.containers = MINOS_DEFAULT_CONTAINERS;
	cfg->lim.image_size = MINOS_DEFAULT_IMAGE_SIZE;
	cfg->envp = no_env;
	cfg->argv = no_args;
}

/* ---- limits ---------------------------------------------------------- */

static void limit_store(struct minos_limits *lim, enum opt_id id,
			unsigned long long v)
{
	switch (id) {
	case OPT_MEMORY:
		lim->memory = v;
		break;
	case OPT_CPU_TIME:
		lim->cpu_ms = v;
		break;
	case OPT_WALL_TIME:
		lim->wall_ms = v;
		break;
	case OPT_THREADS:
		lim->threads = (unsigned)v;
		break;
	case OPT_FDS:
		lim->fds = (unsigned)v;
		lim->fds_set = true;
		break;
	case OPT_CONTAINERS:
		lim->containers = (unsigned)v;
		break;
	case OPT_TOTAL_MEMORY:
		lim->total_memory = v;
		break;
	case OPT_IMAGE_SIZE:
		lim->image_size = v;
		break;
	case OPT_OUTPUT:
		lim->output = v;
		break;
	case OPT_ADDRESS_SPACE:
		lim->address_space = v;
		break;
	default:
		break;
	}
}

static unsigned long long limit_load(const struct minos_limits *lim,
				     enum opt_id id)
{
	switch (id) {
	case OPT_MEMORY:
		return lim->memory;
	case OPT_CPU_TIME:
		return lim->cpu_ms;
	case OPT_WALL_TIME:
		return lim->wall_ms;
	case OPT_THREADS:
		return lim->threads;
	case OPT_FDS:
		return lim->fds;
	case OPT_CONTAINERS:
		return lim->containers;
	case OPT_TOTAL_MEMORY:
		return lim->total_memory;
	case OPT_IMAGE_SIZE:
		return lim->image_size;
	case OPT_OUTPUT:
		return lim->output;
	case OPT_ADDRESS_SPACE:
		return lim->address_space;
	default:
		return 0;
	}
}

static char *limit_fmt(enum limit_kind kind, unsigned long long v, char *buf,
		       size_t len)
{
	if (kind == LIM_SIZE)
		return units_fmt_size(v, buf, len);
	if (kind == LIM_TIME)
		return units_fmt_ms(v, buf, len);
	snprintf(buf, len, "%llu", v);
	return buf;
}

static int limit_parse(enum limit_kind kind, const char *s,
		       unsigned long long *v)
{
	if (kind == LIM_SIZE)
		return units_parse_size(s, v);
	if (kind == LIM_TIME)
		return units_parse_ms(s, v);
	return units_parse_count(s, v);
}

/* Parse value into the limit of option id; 0, or -1 with a reason in err. */
static int limit_set(struct minos_limits *lim, enum opt_id id,
		     const char *value, char *err, size_t errlen)
{
	const struct limit *l = &limits[id];
	char lo[32], hi[32], show[CLI_SHOWN_MAX + 1];
	unsigned long long v;
	int r;

	r = limit_parse(l->kind, value, &v);
	if (r == UNITS_BAD) {
		cli_shown(value, SIZE_MAX, show);
		if (l->kind == LIM_SIZE)
			snprintf(err, errlen, "bad size '%s' (use a number with K, M or G)", show);
		else if (l->kind == LIM_TIME)
			snprintf(err, errlen, "bad time '%s' (use a number of seconds, or with s or ms)", show);
		else
			snprintf(err, errlen, "bad number '%s' (use a whole number)", show);
		return -1;
	}
	if (r == UNITS_OK && (v == 0 ? l->zero_ok : v >= l->min && v <= l->max)) {
		limit_store(lim, id, v);
		return 0;
	}
	limit_fmt(l->kind, l->min, lo, sizeof(lo));
	limit_fmt(l->kind, l->max, hi, sizeof(hi));
	snprintf(err, errlen, "out of range (%s%s to %s)",
		 !l->zero_ok ? "" : id == OPT_TOTAL_MEMORY ?
		 "0 for containers x memory, or " : "0 for none, or ", lo, hi);
	return -1;
}

int cli_set_limit(struct minos_limits *lim, const char *name,
		  const char *value, char *err, size_t errlen)
{
	char dummy[1];
	int id;

	if (errlen == 0) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	for (id = 0; name && id < OPT_COUNT; id++)
		if (limits[id].kind != LIM_NONE &&
		    strcmp(cli_options[id].name, name) == 0)
			return limit_set(lim, id, value ? value : "", err, errlen);
	snprintf(err, errlen, "unknown limit");
	return -1;
}

const char *cli_get_limit(const struct minos_limits *lim, const char *name,
			  char *buf, size_t len)
{
	int id;

	for (id = 0; name && id < OPT_COUNT; id++) {
		unsigned long long v = limit_load(lim, id);

		if (limits[id].kind == LIM_NONE ||
		    strcmp(cli_options[id].name, name) != 0)
			continue;
		/* 0 is "none" (or "derived"): the same word in every unit */
		return limit_fmt(v == 0 ? LIM_COUNT : limits[id].kind, v, buf,
				 len);
	}
	return NULL;
}

/* ---- unknown options ---------------------------------------------------- */


static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

/* Optimal string alignment distance (a swap of neighbours costs 1). */
size_t cli_edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t d[CLI_EDIT_MAX + 1][CLI_EDIT_MAX + 1];
	size_t i, j;

	if (la > CLI_EDIT_MAX || lb > CLI_EDIT_MAX)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];

			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1,
				       d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	}
	return d[la][lb];
}

/* The long option nearest to word (with its dashes), or NULL. */
static const char *suggest(const char *word, size_t len)
{
	const char *best = NULL, *prefix = NULL;
	size_t best_d = 3, nprefix = 0;
	char full[CLI_EDIT_MAX + 1];
	int id;

	for (id = 0; id < OPT_COUNT; id++) {
		const char *name = cli_options[id].name;
		char letter = cli_options[id].short_name;
		size_t d;

		/* -v for -V */
		if (len == 2 && word[0] == '-' && letter &&
		    (word[1] | 0x20) == (letter | 0x20))
			return name;

		snprintf(full, sizeof(full), "--%s", name);
		d = cli_edit_distance(word, len, full, strlen(full));
		if (d < best_d) {
			best_d = d;
			best = name;
		}
		if (len >= 4 && strncmp(word, full, len) == 0) {
			nprefix++;
			prefix = name;
		}
	}
	if (best)
		return best;
	return nprefix == 1 ? prefix : NULL;
}

static enum cli_result unknown(struct parser *p, const char *word)
{
	char show[CLI_SHOWN_MAX + 1];
	const char *eq = strchr(word, '=');
	size_t len = eq && eq - word > 2 ? (size_t)(eq - word) : strlen(word);
	const char *near = suggest(word, len);

	cli_shown(word, len, show);
	if (near)
		return fail(p, "unknown option '%s' (did you mean '--%s'?)",
			    show, near);
	return fail(p, "unknown option '%s'", show);
}

/* ---- --env ----------------------------------------------------------- */

bool cli_env_name_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!(c == '_' || (c >= 'a' && c <= 'z') ||
		      (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

/* The "NAME=value" entry of env for name, the first one, or NULL. */
static char *env_lookup(char **env, const char *name, size_t len)
{
	if (!env)
		return NULL;
	for (; *env; env++)
		if (strncmp(*env, name, len) == 0 && (*env)[len] == '=')
			return *env;
	return NULL;
}

/* Add entry ("NAME=value", name len bytes) to cfg->envp, replacing NAME. */
static void env_put(struct minos_config *cfg, char *entry, size_t len)
{
	int k;

	for (k = 0; k < cfg->envc; k++) {
		if (strncmp(cfg->envp[k], entry, len + 1) == 0) {
			cfg->envp[k] = entry;
			return;
		}
	}
	cfg->envp[cfg->envc++] = entry;
	cfg->envp[cfg->envc] = NULL;
}

static enum cli_result env_option(struct parser *p, char *value)
{
	char show[CLI_SHOWN_MAX + 1], show_name[CLI_SHOWN_MAX + 1];
	char *eq = strchr(value, '=');
	size_t len = eq ? (size_t)(eq - value) : strlen(value);
	char *entry;

	if (!cli_env_name_ok(value, len))
		return fail(p, "--env=%s: bad variable name '%s' (use letters, digits and _, not a digit first)",
			    cli_shown(value, SIZE_MAX, show),
			    cli_shown(value, len, show_name));
	entry = eq ? value : env_lookup(p->environ_in, value, len);
	if (entry)
		env_put(p->cfg, entry, len);
	return CLI_RUN;
}

/* ---- options ------------------------------------------------------------ */

/* The option word names, or -1; *eq gets its '=', if any. */
static int lookup(char *word, char **eq)
{
	int id;

	*eq = NULL;
	if (word[1] != '-') {
		for (id = 0; id < OPT_COUNT; id++)
			if (cli_options[id].short_name == word[1] &&
			    word[2] == '\0')
				return id;
		return -1;
	}
	word += 2;
	*eq = strchr(word, '=');
	for (id = 0; id < OPT_COUNT; id++) {
		const char *name = cli_options[id].name;
		size_t len = *eq ? (size_t)(*eq - word) : strlen(word);

		if (strlen(name) == len && strncmp(name, word, len) == 0)
			return id;
	}
	return -1;
}

static enum cli_result flag_option(struct parser *p, enum opt_id id)
{
	switch (id) {
	case OPT_FLAT:
		p->cfg->flat = true;
		break;
	case OPT_TRACE:
		p->cfg->trace = true;
		break;
	case OPT_CHECK:
		p->cfg->check = true;
		break;
	case OPT_NO_NAMESPACES:
		p->cfg->no_namespaces = true;
		break;
	case OPT_NETNS:
		p->cfg->netns = true;
		break;
	case OPT_LEAVE_RUNNING:
		p->cfg->leave_running = true;
		break;
	case OPT_HELP:
		return CLI_HELP;
	case OPT_VERSION:
		return CLI_VERSION;
	default:
		break;
	}
	return CLI_RUN;
}

static enum cli_result value_option(struct parser *p, enum opt_id id,
				    char *value)
{
	const char *name = cli_options[id].name;
	char show[CLI_SHOWN_MAX + 1], why[256];

	if (limits[id].kind != LIM_NONE) {
		if (limit_set(&p->cfg->lim, id, value, why, sizeof(why)) < 0)
			return fail(p, "--%s=%s: %s", name,
				    cli_shown(value, SIZE_MAX, show), why);
		return CLI_RUN;
	}
	if (id == OPT_ENV)
		return env_option(p, value);
	if (id == OPT_CHECKPOINT_AT) {
		unsigned long long ms;
		if (units_parse_ms(value, &ms) != UNITS_OK || ms == 0 ||
		    ms > CLI_MAX_MS)
			return fail(p, "--checkpoint-at=%s: bad time (use a number "
				       "of seconds, or with s or ms, above 0)",
				    cli_shown(value, SIZE_MAX, show));
		p->cfg->checkpoint_at_ms = ms;
		return CLI_RUN;
	}
	if (value[0] == '\0')
		return fail(p, "--%s: empty file name%s", name,
			    id == OPT_REPORT ? " (use - for standard error)" : "");
	if (id == OPT_REPORT)
		p->cfg->report = value;
	else if (id == OPT_POLICY)
		p->cfg->policy = value;
	else if (id == OPT_CHECKPOINT)
		p->cfg->checkpoint = value;
	else if (id == OPT_RESTORE)
		p->cfg->restore = value;
	return CLI_RUN;
}

/* Handle the option word (already consumed), and its value if any. */
static enum cli_result one_option(struct parser *p, char *word)
{
	const struct cli_option *opt;
	char *eq, *value;
	int id = lookup(word, &eq);

	if (id < 0)
		return unknown(p, word);
	opt = &cli_options[id];
	if (!opt->arg) {
		if (eq)
			return fail(p, "--%s takes no value", opt->name);
		return flag_option(p, id);
	}
	if (eq)
		value = eq + 1;
	else if (p->i < p->argc)
		value = p->argv[p->i++];
	else
		return fail(p, "--%s needs a value (--%s=%s)", opt->name,
			    opt->name, opt->arg);
	return value_option(p, id, value);
}

/* What the options say together, and PROGRAM [ARGS...]. */
static enum cli_result finish(struct parser *p)
{
	struct minos_config *cfg = p->cfg;
	char show[CLI_SHOWN_MAX + 1];

	if (cfg->check && !cfg->policy)
		return fail(p, "--check needs --policy=FILE");
	if (cfg->policy && p->i < p->argc)
		return fail(p, "--policy: the policy file names the programs; "
			       "remove '%s' and what follows",
			    cli_shown(p->argv[p->i], SIZE_MAX, show));
	if (cfg->policy && cfg->flat)
		return fail(p, "--flat: with --policy, say 'flat: true' for the "
			       "container in the policy file");
	if (cfg->policy && cfg->envc)
		return fail(p, "--env: with --policy, give each container its "
			       "'env:' in the policy file");
	/* The first container reserves its --memory out of the run's total
	 * (sys_cnew.c): less could never hold it.  (A policy's stages are
	 * held to the session's total once the file is read: run_policy.c.) */
	if (!cfg->policy && cfg->lim.total_memory &&
	    cfg->lim.total_memory < cfg->lim.memory) {
		char total[32], mem[32];

		return fail(p, "--total-memory=%s: less than --memory=%s, which "
			       "the first container reserves; raise "
			       "--total-memory or lower --memory",
			    units_fmt_size(cfg->lim.total_memory, total, sizeof(total)),
			    units_fmt_size(cfg->lim.memory, mem, sizeof(mem)));
	}
	if ((cfg->checkpoint_at_ms || cfg->leave_running) && !cfg->checkpoint)
		return fail(p, "--%s needs --checkpoint=FILE",
			    cfg->leave_running ? "leave-running" : "checkpoint-at");
	if ((cfg->checkpoint || cfg->restore) && cfg->check)
		return fail(p, "--check: not with --%s",
			    cfg->restore ? "restore" : "checkpoint");
	if (cfg->restore && (cfg->flat || cfg->envc))
		return fail(p, "--restore: the saved run has its program and "
			       "environment; remove --%s", cfg->flat ? "flat" : "env");
	if (cfg->restore && p->i < p->argc)
		return fail(p, "--restore: the saved run has its program; "
			       "remove '%s' and what follows",
			    cli_shown(p->argv[p->i], SIZE_MAX, show));
	if (cfg->restore)
		return CLI_RUN;
	if (p->i < p->argc) {
		cfg->program = p->argv[p->i];
		cfg->argv = p->argv + p->i;
		cfg->argc = p->argc - p->i;
	} else if (!cfg->policy) {
		return fail(p, "missing PROGRAM; usage: minos-exec [OPTIONS] PROGRAM [ARGS...]");
	}
	return CLI_RUN;
}

enum cli_result cli_parse(int argc, char **argv, char **environ_in,
			  struct minos_config *cfg, char *err, size_t errlen)
{
	struct parser p = {
		.argv = argv, .environ_in = environ_in, .cfg = cfg,
		.err = err, .errlen = errlen,
	};
	enum cli_result r;

	if (errlen)
		err[0] = '\0';
	config_defaults(cfg);
	while (argv && p.argc < argc && argv[p.argc])
		p.argc++;
	/* Each --env takes at least one word: argc entries are enough. */
	cfg->envp = calloc((size_t)p.argc + 1, sizeof(*cfg->envp));
	if (!cfg->envp) {
		cfg->envp = no_env;
		return fail(&p, "out of memory");
	}
	for (p.i = 1; p.i < p.argc;) {
		char *word = argv[p.i];

		if (word[0] != '-' || word[1] == '\0')
			break;
		p.i++;
		if (strcmp(word, "--") == 0)
			break;
		r = one_option(&p, word);
		if (r != CLI_RUN)
			return r;
	}
	return finish(&p);
}

void cli_free(struct minos_config *cfg)
{
	if (cfg->envp && cfg->envp != no_env)
		free(cfg->envp);
	cfg->envp = no_env;
	cfg->envc = 0;
}

/* ---- --help ----------------------------------------------------------- */

struct text {
	char *buf;
	size_t len, used;
};

static void add(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->used >= t->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->used, t->len - t->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->used += (size_t)n;
}

static void usage_option(struct text *t, const struct minos_limits *def,
			 enum opt_id id)
{
	const struct cli_option *o = &cli_options[id];
	const struct limit *l = &limits[id];
	char left[40], dflt[32];
	unsigned long long v = limit_load(def, id);

	if (o->short_name)
		snprintf(left, sizeof(left), "-%c, --%s", o->short_name, o->name);
	else
		snprintf(left, sizeof(left), "--%s%s%s", o->name,
			 o->arg ? "=" : "", o->arg ? o->arg : "");
	add(t, "  %-19s %s", left, o->help);
	if (l->kind != LIM_NONE)
		add(t, " (default %s)", v == 0 && l->zero_ok ? "0" :
		    limit_fmt(l->kind, v, dflt, sizeof(dflt)));
	add(t, "\n");
}

const char *cli_usage(void)
{
	static char buf[8192];
	struct text t = { buf, sizeof(buf), 0 };
	struct minos_config def;
	int id;

	if (buf[0])
		return buf;
	config_defaults(&def);
	add(&t, "usage: minos-exec [OPTIONS] PROGRAM [ARGS...]\n"
		"       minos-exec [OPTIONS] --policy=FILE [--check]\n"
		"       minos-exec [OPTIONS] --restore=FILE [--policy=FILE]\n"
		"Run PROGRAM, a static x86-64 ELF program, as a Minos container:\n"
		"its own descriptors 0, 1, 2 and the Minos calls, nothing else of the host.\n"
		"\nOptions:\n");
	for (id = 0; id < OPT_COUNT; id++)
		usage_option(&t, &def.lim, id);
	add(&t, "\nSIZE is bytes, or a number with K, M or G (powers of 1024).\n"
		"TIME is seconds, or a number with s or ms: 1.5s, 250ms.\n"
		"\nExit status: PROGRAM's own; 128+N if it was ended by signal N;\n"
		"125 if minos-exec failed; 126 if PROGRAM cannot be run;\n"
		"127 if PROGRAM was not found.  See minos-exec(1).\n");
	return buf;
}
