/* SPDX-License-Identifier: MIT */
/*
 * test-policy.c - the policy file parser (policy.c), as TAP.
 *
 * A table of files and the exact error each must give; a file that uses
 * every key, and what it parses to; the order in which limits resolve; a
 * golden policy_print; the bounds on hostile input; then random mutations
 * of a valid file, which must parse or give one "FILE:LINE:COLUMN: " line.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>

#include "cli.h"
#include "policy.h"

#include "tap.h"

#define M (1ULL << 20)

static struct minos_limits cmdline; /* the command line's defaults */
static char err[512];

static struct policy *parse(const char *text, const struct minos_limits *lim)
{
	return policy_parse(text, strlen(text), "p.yaml", lim ? lim : &cmdline,
			    err, sizeof(err));
}

/* The limits of the command line "minos-exec [O1 [O2]] prog". */
static struct minos_limits limits_of(char *o1, char *o2)
{
	char *args[5] = { "minos-exec" };
	struct minos_config cfg;
	char why[256];
	int n = 1;

	if (o1)
		args[n++] = o1;
	if (o2)
		args[n++] = o2;
	args[n++] = "prog";
	if (cli_parse(n, args, NULL, &cfg, why, sizeof(why)) != CLI_RUN)
		diag("bad command line: %s", why);
	cli_free(&cfg);
	return cfg.lim;
}

/* ---- errors --------------------------------------------------------------- */

#define C "containers: {a: {program: p}}\n"
#define P "program: p"

static const struct row {
	const char *yaml;
	const char *err; /* exact */
} rows[] = {
	/* the file */
	{ "", "p.yaml:1:1: empty file" },
	{ "# only a comment\n", "p.yaml:1:1: empty file" },
	{ "[a]", "p.yaml:1:1: expected a mapping, found a sequence" },
	{ "---\n", "p.yaml:2:1: expected a mapping, found nothing" },
	{ C "---\n" C, "p.yaml:2:1: more than one document (a policy is one YAML document)" },
	{ "version: 1\n", "p.yaml:1:1: no containers" },
	{ "containers: {}\n", "p.yaml:1:13: no containers" },
	/* YAML itself */
	{ "a: [b\n", "p.yaml:2:1: did not find expected ',' or ']' (while parsing a flow sequence at 1:4)" },
	{ "a: b: c\n", "p.yaml:1:5: mapping values are not allowed in this context" },
	{ "a: '\xff'\n", "p.yaml:1:5: invalid leading UTF-8 octet" },
	{ "x: &a 1\n" C, "p.yaml:1:4: anchor '&a' not allowed (write the value out)" },
	{ "x: *a\n" C, "p.yaml:1:4: alias '*a' not allowed (write the value out)" },
	{ "x: !!str 1\n" C, "p.yaml:1:4: tag 'tag:yaml.org,2002:str' not allowed" },
	{ "? [a]\n: 1\n", "p.yaml:1:3: expected a key, found a sequence" },
	{ "containers: {a: {" P "}, a: {" P "}}\n",
	  "p.yaml:1:31: duplicate key 'a' (first at line 1)" },
	{ "containers:\n  a: {" P "}\n  b: {" P "}\n  a: {" P "}\n",
	  "p.yaml:4:3: duplicate key 'a' (first at line 2)" },
	{ "containers: {a: {program: \"p\\0\"}}\n",
	  "p.yaml:1:27: NUL character ('\\0') not allowed" },
	/* keys */
	{ "vesion: 1\n" C, "p.yaml:1:1: unknown key 'vesion' (did you mean 'version'?)" },
	{ "contianers: {}\n", "p.yaml:1:1: unknown key 'contianers' (did you mean 'containers'?)" },
	{ "x\x1b: 1\n" C, "p.yaml:1:2: control characters are not allowed" },
	{ "\"x\\e\": 1\n" C, "p.yaml:1:1: unknown key 'x?'" },
	{ "defaults: {memroy: 1}\n" C,
	  "p.yaml:1:12: unknown key 'memroy' (did you mean 'memory'?)" },
	{ "limits: {memory: 1G}\n" C,
	  "p.yaml:1:10: unknown key 'memory' (a limit per container: set it under 'defaults:' or a container's 'limits:')" },
	{ "containers: {a: {" P ", limits: {total-memory: 1G}}}\n",
	  "p.yaml:1:39: unknown key 'total-memory' (a session limit: set it under the top-level 'limits:')" },
	/* each container reserves its memory out of total-memory */
	{ "limits: {total-memory: 64M}\ndefaults: {memory: 32M}\n"
	  "containers: {a: {" P "}, b: {" P "}, c: {" P "}}\n",
	  "p.yaml:3:48: container 'c': its memory 32M takes the containers' memory to 96M, more than the session's total-memory 64M (each container reserves its memory out of it); raise total-memory or lower memory" },
	{ "limits: {total-memory: 64M}\n"
	  "containers: {a: {" P ", limits: {memory: 65M}}}\n",
	  "p.yaml:2:14: container 'a': its memory 65M is more than the session's total-memory 64M (each container reserves its memory out of it); raise total-memory or lower memory" },
	{ "containers: {a: {" P ", memory: 1G}}\n",
	  "p.yaml:1:30: unknown key 'memory' (a limit per container: set it under 'defaults:' or a container's 'limits:')" },
	{ "containers: {a: {" P ", fd: {}}}\n",
	  "p.yaml:1:30: unknown key 'fd' (did you mean 'fds'?)" },
	/* types */
	{ "limits: [1]\n" C, "p.yaml:1:9: limits: expected a mapping, found a sequence" },
	{ "defaults:\n" C, "p.yaml:1:10: defaults: expected a mapping, found nothing" },
	{ "containers: [a]\n", "p.yaml:1:13: containers: expected a mapping, found a sequence" },
	{ "containers: {a: [x]}\n",
	  "p.yaml:1:17: container 'a': expected a mapping, found a sequence" },
	{ "containers: {a: {program: [p]}}\n",
	  "p.yaml:1:27: program: expected a scalar, found a sequence" },
	{ "defaults: {memory: {}}\n" C, "p.yaml:1:20: memory: expected a scalar, found a mapping" },
	/* version and limits */
	{ "version: 2\n" C, "p.yaml:1:10: version: unsupported version '2' (only 1 is)" },
	{ "defaults: {memory: 12Q}\n" C,
	  "p.yaml:1:20: memory: bad size '12Q' (use a number with K, M or G)" },
	{ "defaults: {threads: 0}\n" C, "p.yaml:1:21: threads: out of range (1 to 4096)" },
	{ "defaults: {cpu-time: 1h}\n" C,
	  "p.yaml:1:22: cpu-time: bad time '1h' (use a number of seconds, or with s or ms)" },
	{ "limits: {containers: x}\n" C,
	  "p.yaml:1:22: containers: bad number 'x' (use a whole number)" },
	{ "containers: {a: {" P ", limits: {fds: 2}}}\n",
	  "p.yaml:1:44: fds: out of range (3 to 65536)" },
	/* streams */
	{ "streams: s\n" C, "p.yaml:1:10: streams: expected a sequence or a mapping, found a scalar" },
	{ "streams: [[s]]\n" C, "p.yaml:1:11: streams: expected a scalar, found a sequence" },
	{ "streams: ['a b']\n" C,
	  "p.yaml:1:11: bad stream name 'a b' (use 1 to 64 of A-Z a-z 0-9 _ . -)" },
	{ "streams: [stdout]\n" C,
	  "p.yaml:1:11: stream name 'stdout' is reserved (stdin, stdout, stderr and none are)" },
	{ "streams: [s, t, s]\n" C, "p.yaml:1:17: stream 's' declared twice (first at line 1)" },
	{ "streams: {s: []}\n" C, "p.yaml:1:14: stream 's': expected a mapping, found a sequence" },
	{ "streams: {s: {writer: 2}}\n" C,
	  "p.yaml:1:15: unknown key 'writer' (did you mean 'writers'?)" },
	{ "streams: {s: {writers: 0}}\n" C, "p.yaml:1:24: writers: out of range (1 to 1024)" },
	{ "streams: {s: {readers: 1025}}\n" C, "p.yaml:1:24: readers: out of range (1 to 1024)" },
	{ "streams: {s: {writers: 99999999999999999999999}}\n" C,
	  "p.yaml:1:24: writers: out of range (1 to 1024)" },
	{ "streams: {s: {readers: -1}}\n" C,
	  "p.yaml:1:24: readers: bad number '-1' (use a whole number)" },
	{ "streams: [s]\n" C, "p.yaml:1:11: stream 's' has no writer" },
	{ "streams: [s]\ncontainers: {a: {" P ", fds: {1: {write: s}}}}\n",
	  "p.yaml:1:11: stream 's' has no reader" },
	{ "streams: {s: {readers: 3}}\ncontainers: {a: {" P ", fds: {1: {write: s}}}, "
	  "b: {" P ", fds: {0: {read: s}}}}\n",
	  "p.yaml:1:11: stream 's' has 1 of its 3 readers" },
	{ "streams: [s]\ncontainers: {a: {" P ", fds: {1: {write: s}, 3: {write: s}}}}\n",
	  "p.yaml:2:62: stream 's' has more than 1 writer (declare more with 'writers: N')" },
	{ "streams: {s: {readers: 2}}\ncontainers: {a: {" P ", fds: {0: {read: s}, 3: {read: s}, "
	  "4: {read: s}}}}\n",
	  "p.yaml:2:74: stream 's' has more than 2 readers (declare more with 'readers: N')" },
	/* cycles */
	{ "streams: [s]\ncontainers: {a: {" P ", fds: {0: {read: s}, 1: {write: s}}}}\n",
	  "p.yaml:2:36: stream cycle: a -> a" },
	{ "streams: [s, t]\ncontainers:\n"
	  "  a: {" P ", fds: {0: {read: t}, 1: {write: s}}}\n"
	  "  b: {" P ", fds: {0: {read: s}, 1: {write: t}}}\n",
	  "p.yaml:3:25: stream cycle: a -> b -> a" },
	{ "streams: [s, t, u, v]\ncontainers:\n"
	  "  x: {" P ", fds: {1: {write: v}}}\n"
	  "  a: {" P ", fds: {0: {read: v}, 3: {read: u}, 1: {write: s}}}\n"
	  "  b: {" P ", fds: {0: {read: s}, 1: {write: t}}}\n"
	  "  c: {" P ", fds: {0: {read: t}, 1: {write: u}}}\n",
	  "p.yaml:4:39: stream cycle: a -> b -> c -> a" },
	/* containers */
	{ "containers: {'a/b': {" P "}}\n",
	  "p.yaml:1:14: bad container name 'a/b' (use 1 to 64 of A-Z a-z 0-9 _ . -)" },
	{ "containers: {a: {argv: [x]}}\n", "p.yaml:1:14: container 'a' has no program" },
	{ "containers: {a: {program: ''}}\n", "p.yaml:1:27: program: empty path" },
	{ "limits: {containers: 2}\ncontainers: {a: {" P "}, b: {" P "}, c: {" P "}}\n",
	  "p.yaml:2:48: more than 2 containers (the session limit 'containers')" },
	{ "limits: {containers: 1}\ncontainers: {a: {" P "}, b: {" P "}}\n",
	  "p.yaml:2:31: more than 1 container (the session limit 'containers')" },
	{ "containers: {a: {" P ", argv: x}}\n", "p.yaml:1:36: argv: expected a sequence, found a scalar" },
	{ "containers: {a: {" P ", argv: []}}\n", "p.yaml:1:36: argv: empty (argv[0] is needed)" },
	{ "containers: {a: {" P ", argv: [a, {b: c}]}}\n",
	  "p.yaml:1:40: argv: expected a scalar, found a mapping" },
	{ "containers: {a: {" P ", env: [A]}}\n", "p.yaml:1:35: env: expected a mapping, found a sequence" },
	{ "containers: {a: {" P ", env: {A-B: 1}}}\n",
	  "p.yaml:1:36: env: bad variable name 'A-B' (use letters, digits and _, not a digit first)" },
	{ "containers: {a: {" P ", env: {A: }}}\n", "p.yaml:1:39: env: expected a scalar, found nothing" },
	{ "containers: {a: {" P ", flat: yes}}\n",
	  "p.yaml:1:36: flat: expected true or false, found 'yes'" },
	/* descriptors */
	{ "containers: {a: {" P ", fds: [stdin]}}\n", "p.yaml:1:35: fds: expected a mapping, found a sequence" },
	{ "containers: {a: {" P ", fds: {one: stdout}}}\n",
	  "p.yaml:1:36: fds: bad slot 'one' (use a descriptor number)" },
	{ "containers: {a: {" P ", fds: {256: stdout}}}\n",
	  "p.yaml:1:36: fds: slot 256 is at or beyond the fds limit (256)" },
	{ "containers: {a: {" P ", limits: {fds: 3}, fds: {3: stdout}}}\n",
	  "p.yaml:1:54: fds: slot 3 is at or beyond the fds limit (3)" },
	{ "containers: {a: {" P ", fds: {1: stdout, 01: stderr}}}\n",
	  "p.yaml:1:47: fds: slot 1 bound twice (first at line 1)" },
	{ "containers: {a: {" P ", fds: {1: stdot}}}\n",
	  "p.yaml:1:39: fd 1: unknown binding 'stdot' (did you mean 'stdout'?)" },
	{ "containers: {a: {" P ", fds: {1: pipe}}}\n", "p.yaml:1:39: fd 1: unknown binding 'pipe'" },
	{ "streams: [s]\ncontainers: {a: {" P ", fds: {1: s}}}\n",
	  "p.yaml:2:39: fd 1: 's' is a stream: bind it with {read: s} or {write: s}" },
	{ "containers: {a: {" P ", fds: {1: [x]}}}\n",
	  "p.yaml:1:39: fd 1: expected a scalar or a mapping, found a sequence" },
	{ "containers: {a: {" P ", fds: {1: {}}}}\n", "p.yaml:1:39: fd 1: needs one of read, write or file" },
	{ "containers: {a: {" P ", fds: {1: {wrote: x}}}}\n",
	  "p.yaml:1:40: unknown key 'wrote' (did you mean 'write'?)" },
	{ "containers: {a: {" P ", fds: {0: {read: stdin, file: x}}}}\n",
	  "p.yaml:1:59: fd 0: only one of read, write or file" },
	{ "containers: {a: {" P ", fds: {1: {read: stdout}}}}\n",
	  "p.yaml:1:46: read: cannot read 'stdout' (only stdin or a stream)" },
	{ "containers: {a: {" P ", fds: {1: {write: stdin}}}}\n",
	  "p.yaml:1:47: write: cannot write 'stdin' (only stdout, stderr or a stream)" },
	{ "containers: {a: {" P ", fds: {1: {write: none}}}}\n",
	  "p.yaml:1:47: write: cannot write 'none' (only stdout, stderr or a stream)" },
	{ "streams: [numbers]\ncontainers: {a: {" P ", fds: {1: {write: numbrs}}}}\n",
	  "p.yaml:2:47: write: unknown stream 'numbrs' (did you mean 'numbers'?)" },
	{ "containers: {a: {" P ", fds: {0: {read: stdni}}}}\n",
	  "p.yaml:1:46: read: unknown stream 'stdni' (did you mean 'stdin'?)" },
	{ "containers: {a: {" P ", fds: {1: {file: ''}}}}\n", "p.yaml:1:46: file: empty path" },
	{ "containers: {a: {" P ", fds: {1: {file: x, mode: apend}}}}\n",
	  "p.yaml:1:55: mode: unknown mode 'apend' (did you mean 'append'?)" },
	{ "containers: {a: {" P ", fds: {1: {write: stdout, mode: append}}}}\n",
	  "p.yaml:1:61: mode: only with file" },
	{ "containers: {a: {" P ", fds: {1: {write: stdout, perm: 0600}}}}\n",
	  "p.yaml:1:61: perm: only with file" },
	{ "containers: {a: {" P ", fds: {1: {file: x, perm: 0600}}}}\n",
	  "p.yaml:1:55: perm: only with mode truncate, append or create" },
	{ "containers: {a: {" P ", fds: {1: {file: x, mode: create, perm: 0999}}}}\n",
	  "p.yaml:1:69: perm: bad permissions '0999' (use octal, 0 to 0777)" },
	{ "containers: {a: {" P ", fds: {1: {file: x, mode: create, perm: 1777}}}}\n",
	  "p.yaml:1:69: perm: bad permissions '1777' (use octal, 0 to 0777)" },
};

static void test_errors(void)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct policy *p = parse(rows[i].yaml, NULL);

		if (!ok(!p && strcmp(err, rows[i].err) == 0, "error: %s", rows[i].err))
			diag("got: %s", p ? "(a policy)" : err);
		policy_free(p);
	}
	ok(!policy_parse("a: 1\0", 5, "p.yaml", &cmdline, err, sizeof(err)) &&
	   strcmp(err, "p.yaml:1:5: NUL byte in the file") == 0,
	   "error: a NUL byte in the file (%s)", err);
	{
		struct policy *p = parse("limits: {total-memory: 64M}\n"
					 "defaults: {memory: 32M}\n"
					 "containers: {a: {" P "}, b: {" P "}}\n", NULL);

		if (!ok(p != NULL, "containers whose memory is total-memory exactly"))
			diag("got: %s", err);
		policy_free(p);
	}
}

/* ---- every key ------------------------------------------------------------ */

static const char every_key[] =
	"version: 1\n"
	"limits: {wall-time: 30s, containers: 3, total-memory: 2G}\n"
	"defaults: {memory: 256M, cpu-time: 5s, wall-time: 20s, threads: 8,\n"
	"           fds: 16, containers: 2, image-size: 1M, output: 10M}\n"
	"streams:\n"
	"  s: {writers: 2, readers: 1}\n"
	"  t: {}\n"
	"containers:\n"
	"  one:\n"
	"    program: ./one\n"
	"    argv: [one, '', 'two words']\n"
	"    env: {LC_ALL: C, EMPTY: ''}\n"
	"    flat: true\n"
	"    fds: {0: none, 1: {write: s}, 2: {write: stderr}, 5: {file: in.txt}}\n"
	"    limits: {memory: 1G, cpu-time: 250ms, wall-time: 1.5s, threads: 1,\n"
	"             fds: 8, containers: 1, image-size: 64K, output: 0}\n"
	"  two:\n"
	"    program: two\n"
	"    flat: false\n"
	"    fds:\n"
	"      1: {write: s}\n"
	"      3: {write: t}\n"
	"      4: {file: out, mode: truncate}\n"
	"      6: {file: log, mode: append, perm: '0600'}\n"
	"      7: {file: new, mode: create, perm: 0}\n"
	"      8: {read: stdin}\n"
	"      9: {write: stdout}\n"
	"  three:\n"
	"    program: /bin/three\n"
	"    fds: {0: {read: s}, 1: stdout, 2: stderr, 3: {read: t}, 4: stdin}\n";

static void test_every_key(void)
{
	struct policy *p = parse(every_key, NULL);
	const struct policy_container *one, *two, *three;

	if (!ok(p != NULL, "a file with every key parses"))
		diag("%s", err);
	if (!p)
		return;
	one = &p->containers[0];
	two = &p->containers[1];
	three = &p->containers[2];
	ok(p->session.wall_ms == 30000 && p->session.containers == 3 &&
	   p->session.total_memory == 2048 * M, "limits: the session's");
	ok(p->nstreams == 2 && strcmp(p->streams[0].name, "s") == 0 &&
	   p->streams[0].writers == 2 && p->streams[0].readers == 1 &&
	   p->streams[1].writers == 1 && p->streams[1].readers == 1,
	   "streams: names, writers and readers (default 1 and 1)");
	ok(p->streams[0].writes[0].container == 0 && p->streams[0].writes[0].slot == 1 &&
	   p->streams[0].writes[1].container == 1 && p->streams[0].writes[1].slot == 1 &&
	   p->streams[0].reads[0].container == 2 && p->streams[0].reads[0].slot == 0,
	   "streams: their writers' and readers' slots, in file order");
	ok(p->ncontainers == 3 && strcmp(one->name, "one") == 0 &&
	   strcmp(three->name, "three") == 0, "containers: in file order");
	ok(strcmp(one->program, "./one") == 0 && one->resolved == NULL,
	   "program: as written, not resolved");
	ok(one->argc == 3 && strcmp(one->argv[1], "") == 0 &&
	   strcmp(one->argv[2], "two words") == 0 && one->argv[3] == NULL,
	   "argv: every word, NULL-terminated");
	ok(two->argc == 1 && strcmp(two->argv[0], "two") == 0 && !two->argv[1],
	   "argv: [program] by default");
	ok(one->envc == 2 && strcmp(one->envp[0], "LC_ALL=C") == 0 &&
	   strcmp(one->envp[1], "EMPTY=") == 0 && one->envp[2] == NULL,
	   "env: NAME=value entries");
	ok(two->envc == 0 && two->envp && two->envp[0] == NULL,
	   "env: empty, not NULL, by default");
	ok(one->flat && !two->flat && !three->flat, "flat: true, false, default false");
	ok(one->nslots == 6 && one->slots[0].kind == BIND_NONE && one->slots[0].pos.line == 14 &&
	   one->slots[1].kind == BIND_WRITE && one->slots[1].stream == 0 &&
	   one->slots[2].kind == BIND_STDERR && one->slots[3].pos.line == 0 &&
	   one->slots[5].kind == BIND_FILE && strcmp(one->slots[5].path, "in.txt") == 0 &&
	   one->slots[5].mode == FILE_READ,
	   "fds: none, write, write: stderr, an unbound slot, a file to read");
	ok(two->slots[4].mode == FILE_TRUNCATE && two->slots[4].perm == 0644 &&
	   two->slots[6].mode == FILE_APPEND && two->slots[6].perm == 0600 &&
	   two->slots[7].mode == FILE_CREATE && two->slots[7].perm == 0 &&
	   two->slots[8].kind == BIND_STDIN && two->slots[9].kind == BIND_STDOUT &&
	   two->slots[3].kind == BIND_WRITE && two->slots[3].stream == 1,
	   "fds: file modes and perm, read: stdin, write: stdout");
	ok(three->nslots == 5 && three->slots[0].kind == BIND_READ &&
	   three->slots[1].kind == BIND_STDOUT && three->slots[2].kind == BIND_STDERR &&
	   three->slots[4].kind == BIND_STDIN, "fds: read, stdout, stderr, stdin");
	policy_free(p);

	p = parse(C, NULL);
	ok(p && p->containers[0].nslots == 3 &&
	   p->containers[0].slots[0].kind == BIND_STDIN &&
	   p->containers[0].slots[1].kind == BIND_STDOUT &&
	   p->containers[0].slots[2].kind == BIND_STDERR,
	   "fds: stdin, stdout, stderr by default");
	policy_free(p);
	p = parse("streams: [s]\ncontainers: {a: {" P ", fds: {1: {write: s}}}, "
		  "b: {" P ", fds: {0: {read: s}}}, c: {" P "}}\n", NULL);
	ok(p && p->ncontainers == 3, "streams: a list of names; containers need not use one");
	policy_free(p);
	policy_free(NULL);
	ok(true, "policy_free(NULL) does nothing");
}

/* ---- limits --------------------------------------------------------------- */

static void test_limits(void)
{
	struct minos_limits lim = limits_of("--memory=128M", "--cpu-time=7s");
	const struct policy_container *a, *b;
	struct policy *p;

	p = parse("limits: {containers: 5}\n"
		  "defaults: {cpu-time: 3s, threads: 2}\n"
		  "containers:\n"
		  "  a: {" P ", limits: {threads: 4, fds: 10}}\n"
		  "  b: {" P "}\n", &lim);
	if (!ok(p != NULL, "limits: a file that sets them parses"))
		diag("%s", err);
	if (!p)
		return;
	a = &p->containers[0];
	b = &p->containers[1];
	ok(a->lim.memory == 128 * M && b->lim.memory == 128 * M,
	   "limits: the command line's, where the file says nothing");
	ok(a->lim.cpu_ms == 3000 && b->lim.cpu_ms == 3000,
	   "limits: defaults: over the command line");
	ok(a->lim.threads == 4 && b->lim.threads == 2,
	   "limits: a container's own over defaults:");
	ok(a->lim.fds == 10 && b->lim.fds == MINOS_DEFAULT_FDS,
	   "limits: a container's own are its alone");
	ok(p->session.containers == 5 && p->session.memory == 128 * M &&
	   p->session.cpu_ms == 7000, "limits: the session's over the command line");
	policy_free(p);

	lim = limits_of("--containers=1", NULL);
	p = parse("containers: {a: {" P "}, b: {" P "}}\n", &lim);
	ok(!p && strcmp(err, "p.yaml:1:31: more than 1 container (the session limit 'containers')") == 0,
	   "limits: --containers bounds the containers of a file");
	policy_free(p);
	p = parse("limits: {containers: 2}\ncontainers: {a: {" P "}, b: {" P "}}\n", &lim);
	ok(p != NULL, "limits: the file's containers: over --containers");
	policy_free(p);
	lim = limits_of("--fds=3", NULL);
	p = parse("containers: {a: {" P ", fds: {3: stdin}}}\n", &lim);
	ok(!p && strstr(err, "fds: slot 3 is at or beyond the fds limit (3)"),
	   "limits: --fds bounds the slots");
	policy_free(p);
}

/* ---- printing ------------------------------------------------------------- */

static const char golden[] =
	"session: wall-time 30s, containers 3, total-memory 2G\n"
	"stream s: one fd 1, two fd 1 -> three fd 0\n"
	"stream t: two fd 3 -> three fd 3\n"
	"container one: ./one\n"
	"  argv: one '' 'two words'\n"
	"  env: LC_ALL=C EMPTY=\n"
	"  flat: true\n"
	"  fd 0: none\n"
	"  fd 1: write stream s\n"
	"  fd 2: stderr\n"
	"  fd 5: file in.txt (read)\n"
	"  limits: memory 1G, cpu-time 250ms, wall-time 1500ms, threads 1, fds 8, containers 1, image-size 64K, output none, address-space none\n"
	"container two: /usr/bin/two\n"
	"  argv: two\n"
	"  fd 1: write stream s\n"
	"  fd 3: write stream t\n"
	"  fd 4: file out (truncate, 0644)\n"
	"  fd 6: file log (append, 0600)\n"
	"  fd 7: file new (create, 0000)\n"
	"  fd 8: stdin\n"
	"  fd 9: stdout\n"
	"  limits: memory 256M, cpu-time 5s, wall-time 20s, threads 8, fds 16, containers 2, image-size 1M, output 10M, address-space none\n"
	"container three: /bin/three\n"
	"  argv: /bin/three\n"
	"  fd 0: read stream s\n"
	"  fd 1: stdout\n"
	"  fd 2: stderr\n"
	"  fd 3: read stream t\n"
	"  fd 4: stdin\n"
	"  limits: memory 256M, cpu-time 5s, wall-time 20s, threads 8, fds 16, containers 2, image-size 1M, output 10M, address-space none\n";

/* policy_print's text, malloc'd. */
static char *printed(const struct policy *p)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	policy_print(p, f);
	fclose(f);
	return text;
}

static void test_print(void)
{
	struct policy *p = parse(every_key, NULL);
	char *text;

	if (!p)
		return;
	p->containers[1].resolved = strdup("/usr/bin/two");
	text = printed(p);
	if (!ok(text && strcmp(text, golden) == 0, "print: the golden text"))
		diag("got:\n%s", text ? text : "(nothing)");
	free(text);
	policy_free(p);

	p = parse("containers:\n  a:\n    program: \"it's\"\n"
		  "    argv: [\"a\\tb\", \"\\x1b[2J\", \"\\u0085\", \"\\u00e9\", '~x', 'a;b']\n"
		  "    env: {A: 'x y'}\n", NULL);
	text = p ? printed(p) : NULL;
	ok(text && strstr(text, "container a: 'it'\\''s'\n"
			  "  argv: 'a?b' '?[2J' '?' '\xc3\xa9' '~x' 'a;b'\n"
			  "  env: 'A=x y'\n"),
	   "print: words quoted for a shell, control characters as '?'");
	free(text);
	policy_free(p);
}

/* ---- bounds ------------------------------------------------------------- */

/*
 * A file made of head, then n times item (a printf format given the
 * index), then tail.  The formats are this file's own literals.
 */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static char *repeat(const char *head, const char *item, unsigned n,
		    const char *tail)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	unsigned i;

	if (!f)
		return NULL;
	fputs(head, f);
	for (i = 0; i < n; i++)
		fprintf(f, item, i);
	fputs(tail, f);
	fclose(f);
	return text;
}

static void bound(const char *head, const char *item, unsigned n,
		  const char *tail, const char *want, const char *what)
{
	char *text = repeat(head, item, n, tail);
	struct policy *p = text ? parse(text, NULL) : NULL;

	if (!ok(text && !p && strstr(err, want), "bound: %s", what))
		diag("got: %s", p ? "(a policy)" : err);
	policy_free(p);
	free(text);
}

static void test_bounds(void)
{
	struct minos_limits lim = limits_of("--containers=100000", NULL);
	struct policy *p;
	char *text, tail[1100];

	text = repeat("containers:\n", "  c%u: {" P "}\n", POLICY_MAX_CONTAINERS, "");
	p = text ? parse(text, &lim) : NULL;
	ok(p && p->ncontainers == POLICY_MAX_CONTAINERS, "bound: %u containers parse",
	   POLICY_MAX_CONTAINERS);
	policy_free(p);
	free(text);
	text = repeat("containers:\n", "  c%u: {" P "}\n", POLICY_MAX_CONTAINERS + 1, "");
	p = text ? parse(text, &lim) : NULL;
	ok(!p && strcmp(err, "p.yaml:1026:3: more than 1024 containers") == 0,
	   "bound: more than %u containers (%s)", POLICY_MAX_CONTAINERS, err);
	policy_free(p);
	free(text);

	bound("streams: [", "s%u, ", POLICY_MAX_STREAMS + 1, "]\n" C,
	      "more than 1024 streams", "more than 1024 streams");
	bound("containers: {a: {" P ", argv: [", "x, ", POLICY_MAX_ARGV + 1, "]}}\n",
	      "argv: more than 4096 entries", "more than 4096 argv entries");
	bound("containers: {a: {" P ", argv: [", "'%01000u', ", 131, "]}}\n",
	      "p.yaml:1:130557: argv and env: more than 128 KiB", "argv of 128 KiB");
	snprintf(tail, sizeof(tail), "], env: {A: '%01000u'}}}\n", 0);
	bound("containers: {a: {" P ", argv: [", "'%01000u', ", 130, tail,
	      "p.yaml:1:130566: argv and env: more than 128 KiB", "argv and env of 128 KiB");
	bound("a: ", "[", POLICY_MAX_DEPTH + 1, "\n", "p.yaml:1:67: nested more than 64 deep",
	      "nesting deeper than 64");
	bound("a: [", "x, ", POLICY_MAX_NODES, "]\n", "more than 100000 values",
	      "more than 100000 values");
	bound("limits: {containers: 100000}\ndefaults: {fds: 65536}\ncontainers:\n",
	      "  c%u: {" P ", fds: {65535: stdin}}\n", 5, "",
	      "p.yaml:8:25: fds: more than 262144 slots in all containers together",
	      "more than 262144 slots in all");
	text = repeat("", "#23456789abcdef\n", POLICY_MAX_INPUT / 16, "x");
	p = text ? policy_parse(text, POLICY_MAX_INPUT + 1, "p.yaml", &cmdline, err,
				sizeof(err)) : NULL;
	ok(!p && strcmp(err, "p.yaml:65537:1: larger than 1 MiB") == 0,
	   "bound: a file larger than 1 MiB (%s)", err);
	policy_free(p);
	free(text);
}

/* ---- random mutations ------------------------------------------------------ */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* "FILE:LINE:COLUMN: " at the start of err. */
static bool positioned(const char *e)
{
	const char *s = strchr(e, ':');
	int i;

	if (!s || s == e)
		return false;
	for (i = 0; i < 2; i++) {
		size_t digits = strspn(++s, "0123456789");

		if (!digits || s[digits] != ':')
			return false;
		s += digits;
	}
	return s[1] == ' ' && !strchr(e, '\n');
}

static void test_mutations(void)
{
	static const char alphabet[] = "{}[]:,-&*!|>'\"\n\t #0123456789abcxyz\\~?%";
	size_t base_len = strlen(every_key);
	unsigned i, k, parsed = 0, bad = 0;
	char buf[4096];

	for (i = 0; i < 20000; i++) {
		size_t len = base_len;
		struct policy *p;

		memcpy(buf, every_key, len);
		for (k = 1 + rnd(4); k > 0; k--) {
			size_t at = rnd((unsigned)len);
			char c = rnd(50) ? alphabet[rnd(sizeof(alphabet) - 1)] :
				 (char)rnd(256);

			switch (rnd(3)) {
			case 0: /* replace */
				buf[at] = c;
				break;
			case 1: /* insert */
				if (len + 1 < sizeof(buf)) {
					memmove(buf + at + 1, buf + at, len - at);
					buf[at] = c;
					len++;
				}
				break;
			default: /* delete */
				memmove(buf + at, buf + at + 1, len - at - 1);
				len--;
				break;
			}
		}
		p = policy_parse(buf, len, "m.yaml", &cmdline, err, sizeof(err));
		if (p) {
			char *text = printed(p);

			parsed++;
			free(text);
		} else if (!positioned(err) && bad++ == 0) {
			diag("not one positioned line: %s", err);
		}
		policy_free(p);
	}
	ok(bad == 0, "mutations: 20000 files parse (%u) or give one positioned line",
	   parsed);
}

/* total-memory 0: derived from the file's containers, the largest for
 * each further one; a set one is itself; saturates. */
static void test_total_memory(void)
{
	struct minos_limits lim = limits_of("--memory=64M", NULL);
	struct policy *p;

	p = parse("limits: {containers: 4}\n"
		  "containers:\n"
		  "  a: {" P ", limits: {memory: 32M}}\n"
		  "  b: {" P ", limits: {memory: 128M}}\n", &lim);
	ok(p && policy_total_memory(p) == (32 + 128 + 2 * 128) * M,
	   "total memory: derived from the containers, not --memory");
	policy_free(p);
	p = parse("limits: {containers: 2, total-memory: 1G}\n"
		  "containers: {a: {" P ", limits: {memory: 32M}}}\n", &lim);
	ok(p && policy_total_memory(p) == 1024 * M, "total memory: a set one is itself");
	if (p) {
		p->session.total_memory = 0;
		p->session.containers = 1000000;
		p->containers[0].lim.memory = ULLONG_MAX / 2;
		ok(policy_total_memory(p) == ULLONG_MAX, "total memory: saturates");
	}
	policy_free(p);
}

int main(void)
{
	cmdline = limits_of(NULL, NULL);
	test_errors();
	test_every_key();
	test_limits();
	test_total_memory();
	test_print();
	test_bounds();
	test_mutations();
	return tap_done();
}
