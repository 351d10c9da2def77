/* SPDX-License-Identifier: MIT */
/*
 * cli.h - the minos-exec command line (pure: no I/O, no exit, no getenv).
 *
 *   minos-exec [OPTIONS] PROGRAM [ARGS...]
 *   minos-exec [OPTIONS] --policy=FILE [--check]
 *
 * Options are GNU style, long ones as --opt=VAL or --opt VAL; parsing stops
 * at "--" and at the first word that is not an option (PROGRAM); the rest
 * is PROGRAM's ARGS, untouched.  No abbreviations, no bundled short options.
 */
#ifndef MINOS_CLI_H
#define MINOS_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

enum cli_result {
	CLI_RUN,     /* cfg is complete: run it */
	CLI_HELP,    /* -h, --help: print cli_usage() on stdout, exit 0 */
	CLI_VERSION, /* -V, --version: print the version, exit 0 */
	CLI_ERROR,   /* err holds the reason; exit MINOS_EXIT_FAIL */
};

/* One row per option, in --help order; the last row has name == NULL. */
struct cli_option {
	const char *name; /* long name without "--", e.g. "memory" */
	char short_name;  /* 'h' for -h, or 0 */
	const char *arg;  /* metavariable ("SIZE"), or NULL: takes no value */
	const char *help; /* one line, without the default */
};

extern const struct cli_option cli_options[];

/* Ranges of the limits, inclusive; the same for options and policy files. */
#define CLI_MIN_MEMORY     (1ULL << 20)         /* 1 MiB */
#define CLI_MAX_MEMORY     (1ULL << 40)         /* 1 TiB */
#define CLI_MAX_TOTAL_MEMORY (1ULL << 50)     /* 1 PiB */
#define CLI_MIN_MS         1ULL                 /* cpu-time, wall-time */
#define CLI_MAX_MS         (1000000ULL * 1000)  /* 1000000 s, ~11.5 days */
#define CLI_MIN_THREADS    1U
#define CLI_MAX_THREADS    4096U
#define CLI_MIN_FDS        3U                   /* 0, 1, 2 always exist */
#define CLI_MAX_FDS        65536U
#define CLI_MIN_CONTAINERS 1U
#define CLI_MAX_CONTAINERS 100000U
#define CLI_MIN_IMAGE_SIZE 64ULL                /* an ELF header */
#define CLI_MAX_IMAGE_SIZE (4ULL << 30)         /* 4 GiB */
#define CLI_MIN_OUTPUT     1ULL                 /* bytes; 0: none */
#define CLI_MAX_OUTPUT     (1ULL << 50)         /* 1 PiB */
#define CLI_MAX_ADDRESS_SPACE (1ULL << 47)      /* 128 TiB, all of x86-64's */

/*
 * Fill *cfg with the defaults of config.h, then with argv[1..argc-1].
 * environ_in (may be NULL) is only read, for --env=NAME.  On CLI_ERROR,
 * err gets one line without the "minos-exec: " prefix, e.g.
 * "--memory=12Q: bad size '12Q' (use a number with K, M or G)".
 *
 * cfg->argv and cfg->program point into argv (argv[argc] must be NULL, as
 * main's is); cfg->envp entries point into argv or environ_in, so both must
 * outlive cfg.  Call cli_free(cfg) afterwards, whatever the result.
 */
enum cli_result cli_parse(int argc, char **argv, char **environ_in,
			  struct minos_config *cfg, char *err, size_t errlen);
void cli_free(struct minos_config *cfg);

/*
 * Set the limit called name (an option name that takes a SIZE, TIME or N:
 * "memory", "cpu-time", ...) from its text, with the option's parsing and
 * range.  Returns 0, or -1 with the reason in err ("bad size '12Q' (use a
 * number with K, M or G)", "out of range (1 to 4096)", "unknown limit").
 * For a policy file parser, so that limits mean the same in both places.
 */
int cli_set_limit(struct minos_limits *lim, const char *name,
		  const char *value, char *err, size_t errlen);

/*
 * The limit called name as an option takes it ("64M", "5s", "64"; "0" for
 * none), in buf; NULL for an unknown name.  The inverse of cli_set_limit.
 */
const char *cli_get_limit(const struct minos_limits *lim, const char *name,
			  char *buf, size_t len);

/*
 * Copy at most len bytes of s (at most CLI_SHOWN_MAX characters, "..." if
 * cut) into buf (CLI_SHOWN_MAX + 1 bytes) for a message, with '?' for
 * anything not printable ASCII, so that a message stays one harmless line.
 * Returns buf.
 */
#define CLI_SHOWN_MAX 64
const char *cli_shown(const char *s, size_t len, char *buf);

/* Whether s[0..len) is a variable name: letters, digits, _, no digit first. */
bool cli_env_name_ok(const char *s, size_t len);

/*
 * Optimal string alignment distance between a[0..la) and b[0..lb) (a swap
 * of neighbours costs 1), or SIZE_MAX when either is longer than
 * CLI_EDIT_MAX: for "did you mean" suggestions.
 */
#define CLI_EDIT_MAX 32
size_t cli_edit_distance(const char *a, size_t la, const char *b, size_t lb);

/* The --help text, every option with its default; ends with a newline. */
const char *cli_usage(void);

#endif
