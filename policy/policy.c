/* SPDX-License-Identifier: MIT */
/*
 * policy.c - parse and check a policy file (minos-policy(5)).
 *
 * Two steps, both pure.  libyaml's event parser turns the bytes into a
 * small tree of our own (scalars, sequences, mappings, each with its
 * position).  The events are where anchors, aliases, tags, extra
 * documents and duplicate keys are refused and the tree is bounded.  Then
 * a schema walker reads the tree: each kind of mapping has one table of
 * its keys, each key a function that takes its value.  Last, the graph:
 * every stream has its writers and readers, and no stream closes a cycle.
 *
 * The first error ends the parse, as one line "FILE:LINE:COLUMN: reason".
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "cli.h"
#include "policy.h"
#include "units.h"

/* ---- the tree ----------------------------------------------------------- */

/* NODE_NULL is an empty plain scalar: "key:" with nothing after it. */
enum node_kind { NODE_NULL, NODE_SCALAR, NODE_SEQ, NODE_MAP };

static const char *const kind_names[] = {
	[NODE_NULL] = "nothing",
	[NODE_SCALAR] = "a scalar",
	[NODE_SEQ] = "a sequence",
	[NODE_MAP] = "a mapping",
};

struct node {
	enum node_kind kind;
	struct policy_pos pos;
	unsigned id;       /* order of creation: file order */
	unsigned n;        /* children; a mapping's are key, value, key, ... */
	struct node *kids, *last, *next;
	struct node *made; /* the node made before this one, for freeing */
	char text[];       /* a scalar's text, NUL-terminated, no NUL inside */
};

struct parser {
	const char *file;
	char *err;
	size_t errlen;
	/* the tree being built */
	struct node *root, *made, *open[POLICY_MAX_DEPTH];
	unsigned depth, nodes, docs;
	/* the walk */
	struct policy *p;
	struct minos_limits defaults; /* policy_parse's, then "defaults:" */
	unsigned *nwrites, *nreads;   /* per stream: slots bound so far */
	unsigned slots;               /* nslots of all containers so far */
	size_t arg_bytes;             /* argv + env of this container */
	unsigned fd;                  /* the slot being bound, for messages */
};

static int fail(struct parser *ps, struct policy_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Write the one-line error at pos; returns -1 for the caller to return. */
static int fail(struct parser *ps, struct policy_pos pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ps->errlen == 0)
		return -1;
	n = snprintf(ps->err, ps->errlen, "%s:%u:%u: ", ps->file, pos.line,
		     pos.column);
	if (n < 0 || (size_t)n >= ps->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Text from the file, made safe and short for a message. */
#define SHOW(s, buf) cli_shown((s), SIZE_MAX, (buf))

/* libyaml's marks count from 0. */
static struct policy_pos at(yaml_mark_t m)
{
	return (struct policy_pos){ (unsigned)m.line + 1, (unsigned)m.column + 1 };
}

/* The position of byte off of buf, counting UTF-8 characters. */
static struct policy_pos pos_of(const char *buf, size_t off)
{
	struct policy_pos pos = { 1, 1 };
	size_t i;

	for (i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			pos.line++;
			pos.column = 1;
		} else if ((buf[i] & 0xc0) != 0x80) {
			pos.column++;
		}
	}
	return pos;
}

/* Refuse what a policy never needs: anchors (so aliases) and tags. */
static int plain_node(struct parser *ps, struct policy_pos pos,
		      const yaml_char_t *anchor, const yaml_char_t *tag)
{
	char show[CLI_SHOWN_MAX + 1];

	if (anchor)
		return fail(ps, pos, "anchor '&%s' not allowed (write the value out)",
			    SHOW((const char *)anchor, show));
	if (tag)
		return fail(ps, pos, "tag '%s' not allowed",
			    SHOW((const char *)tag, show));
	return 0;
}

/* Add a node under the open collection (or as the root). */
static int tree_add(struct parser *ps, enum node_kind kind,
		    struct policy_pos pos, const char *text, size_t len)
{
	struct node *parent = ps->depth ? ps->open[ps->depth - 1] : NULL;
	struct node *n;

	if (ps->nodes == POLICY_MAX_NODES)
		return fail(ps, pos, "more than %u values", POLICY_MAX_NODES);
	if (parent && parent->kind == NODE_MAP && parent->n % 2 == 0 &&
	    kind != NODE_SCALAR)
		return fail(ps, pos, "expected a key, found %s", kind_names[kind]);
	if (memchr(text, '\0', len))
		return fail(ps, pos, "NUL character ('\\0') not allowed");
	if ((kind == NODE_SEQ || kind == NODE_MAP) &&
	    ps->depth == POLICY_MAX_DEPTH)
		return fail(ps, pos, "nested more than %u deep", POLICY_MAX_DEPTH);
	n = calloc(1, sizeof(*n) + len + 1);
	if (!n)
		return fail(ps, pos, "out of memory");
	n->kind = kind;
	n->pos = pos;
	n->id = ps->nodes++;
	memcpy(n->text, text, len);
	n->made = ps->made;
	ps->made = n;
	if (!parent)
		ps->root = n;
	else if (parent->last)
		parent->last->next = n;
	else
		parent->kids = n;
	if (parent) {
		parent->last = n;
		parent->n++;
	}
	if (kind == NODE_SEQ || kind == NODE_MAP)
		ps->open[ps->depth++] = n;
	return 0;
}

static int key_order(const void *a, const void *b)
{
	const struct node *x = *(const struct node *const *)a;
	const struct node *y = *(const struct node *const *)b;
	int c = strcmp(x->text, y->text);

	return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* Refuse a mapping with two equal keys; name the one later in the file. */
static int no_duplicates(struct parser *ps, const struct node *map)
{
	char show[CLI_SHOWN_MAX + 1];
	const struct node **keys, *k, *dup = NULL, *first = NULL;
	unsigned i = 0, nkeys = map->n / 2;

	if (nkeys < 2)
		return 0;
	keys = malloc(nkeys * sizeof(*keys));
	if (!keys)
		return fail(ps, map->pos, "out of memory");
	for (k = map->kids; k; k = k->next->next)
		keys[i++] = k;
	qsort(keys, nkeys, sizeof(*keys), key_order);
	for (i = 1; i < nkeys; i++) {
		if (strcmp(keys[i - 1]->text, keys[i]->text) == 0 &&
		    (!dup || keys[i]->id < dup->id)) {
			dup = keys[i];
			first = keys[i - 1];
		}
	}
	free(keys);
	if (dup)
		return fail(ps, dup->pos, "duplicate key '%s' (first at line %u)",
			    SHOW(dup->text, show), first->pos.line);
	return 0;
}

/* One libyaml event into the tree: 0, 1 at the end, or -1. */
static int tree_event(struct parser *ps, const yaml_event_t *e)
{
	struct policy_pos pos = at(e->start_mark);
	char show[CLI_SHOWN_MAX + 1];

	switch (e->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (ps->docs++)
			return fail(ps, pos, "more than one document (a policy is one YAML document)");
		return 0;
	case YAML_STREAM_END_EVENT:
		if (!ps->docs)
			return fail(ps, (struct policy_pos){ 1, 1 }, "empty file");
		return 1;
	case YAML_ALIAS_EVENT:
		return fail(ps, pos, "alias '*%s' not allowed (write the value out)",
			    SHOW((const char *)e->data.alias.anchor, show));
	case YAML_SCALAR_EVENT:
		if (plain_node(ps, pos, e->data.scalar.anchor, e->data.scalar.tag) < 0)
			return -1;
		return tree_add(ps, e->data.scalar.length == 0 &&
				e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ?
				NODE_NULL : NODE_SCALAR, pos,
				(const char *)e->data.scalar.value,
				e->data.scalar.length);
	case YAML_SEQUENCE_START_EVENT:
		if (plain_node(ps, pos, e->data.sequence_start.anchor,
			       e->data.sequence_start.tag) < 0)
			return -1;
		return tree_add(ps, NODE_SEQ, pos, "", 0);
	case YAML_MAPPING_START_EVENT:
		if (plain_node(ps, pos, e->data.mapping_start.anchor,
			       e->data.mapping_start.tag) < 0)
			return -1;
		return tree_add(ps, NODE_MAP, pos, "", 0);
	case YAML_SEQUENCE_END_EVENT:
		ps->depth--;
		return 0;
	case YAML_MAPPING_END_EVENT:
		return no_duplicates(ps, ps->open[--ps->depth]);
	default: /* stream start, document end */
		return 0;
	}
}

/* libyaml's own reason, where it found the problem. */
static int yaml_fail(struct parser *ps, const yaml_parser_t *yp,
		     const char *buf, size_t len)
{
	struct policy_pos pos = at(yp->problem_mark);

	if (yp->error == YAML_MEMORY_ERROR || !yp->problem)
		return fail(ps, pos, "out of memory");
	if (yp->error == YAML_READER_ERROR) /* it gives a byte offset */
		pos = pos_of(buf, yp->problem_offset < len ? yp->problem_offset : len);
	if (yp->context)
		return fail(ps, pos, "%s (%s at %u:%u)", yp->problem, yp->context,
			    at(yp->context_mark).line, at(yp->context_mark).column);
	return fail(ps, pos, "%s", yp->problem);
}

static int tree_build(struct parser *ps, const char *buf, size_t len)
{
	yaml_parser_t yp;
	yaml_event_t e;
	int r;

	if (!yaml_parser_initialize(&yp))
		return fail(ps, (struct policy_pos){ 1, 1 }, "out of memory");
	yaml_parser_set_input_string(&yp, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&yp, YAML_UTF8_ENCODING);
	do {
		if (!yaml_parser_parse(&yp, &e)) {
			r = yaml_fail(ps, &yp, buf, len);
			break;
		}
		r = tree_event(ps, &e);
		yaml_event_delete(&e);
	} while (r == 0);
	yaml_parser_delete(&yp);
	return r < 0 ? -1 : 0;
}

static void tree_free(struct parser *ps)
{
	struct node *n, *made;

	for (n = ps->made; n; n = made) {
		made = n->made;
		free(n);
	}
	ps->made = ps->root = NULL;
}

/* ---- walking the tree ----------------------------------------------------- */

/* n is of kind, or the error "WHAT: expected KIND, found KIND". */
static int expect(struct parser *ps, const struct node *n, enum node_kind kind,
		  const char *what)
{
	if (n->kind == kind)
		return 0;
	return fail(ps, n->pos, "%s%sexpected %s, found %s", what ? what : "",
		    what ? ": " : "", kind_names[kind], kind_names[n->kind]);
}

/* The word nearest to word among those tried, for "did you mean". */
struct near {
	const char *word;
	size_t len, d;
	const char *best;
};

static void near_try(struct near *nr, const char *candidate)
{
	size_t d = cli_edit_distance(nr->word, nr->len, candidate,
				     strlen(candidate));

	if (d <= 2 && d < nr->d) {
		nr->d = d;
		nr->best = candidate;
	}
}

static struct near near_start(const char *word)
{
	return (struct near){ word, strlen(word), SIZE_MAX, NULL };
}

/* " (did you mean 'X'?)", or "" when nothing is near. */
static const char *near_hint(const struct near *nr, char *buf, size_t len)
{
	if (!nr->best)
		return "";
	snprintf(buf, len, " (did you mean '%s'?)", nr->best);
	return buf;
}

/* A key of one kind of mapping, and the function that takes its value. */
struct key {
	const char *name;
	int (*take)(struct parser *ps, const char *name, const struct node *val,
		    void *obj);
};

#define MAX_KEYS 16 /* in any table (checked below each table) */
#define NKEYS(t) (sizeof(t) / sizeof((t)[0]))

static bool has_key(const struct key *keys, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(keys[i].name, name) == 0)
			return true;
	return false;
}

/* ---- limits ----------------------------------------------------------- */

/* A limit, read by the command line's own parser: the same text, range
 * and messages as --NAME=VALUE. */
static int take_limit(struct parser *ps, const char *name,
		      const struct node *val, void *obj)
{
	char why[256];

	if (expect(ps, val, NODE_SCALAR, name) < 0)
		return -1;
	if (cli_set_limit(obj, name, val->text, why, sizeof(why)) < 0)
		return fail(ps, val->pos, "%s: %s", name, why);
	return 0;
}

/* Per container, in "defaults:" and a container's "limits:". */
static const struct key container_limit_keys[] = {
	{ "memory", take_limit },     { "cpu-time", take_limit },
	{ "wall-time", take_limit },  { "threads", take_limit },
	{ "fds", take_limit },        { "containers", take_limit },
	{ "image-size", take_limit }, { "output", take_limit },
	{ "address-space", take_limit },
};
_Static_assert(NKEYS(container_limit_keys) <= MAX_KEYS, "MAX_KEYS is too small");

/* The whole run, in the top-level "limits:". */
static const struct key session_limit_keys[] = {
	{ "wall-time", take_limit },
	{ "containers", take_limit },
	{ "total-memory", take_limit },
};

static int unknown_key(struct parser *ps, const struct node *k,
		       const struct key *keys, size_t n)
{
	char show[CLI_SHOWN_MAX + 1], hint[96];
	struct near nr = near_start(k->text);
	size_t i;

	for (i = 0; i < n; i++)
		near_try(&nr, keys[i].name);
	/* a limit one level off: a common slip, worth its own hint */
	if (!nr.best && has_key(container_limit_keys,
				NKEYS(container_limit_keys), k->text))
		return fail(ps, k->pos, "unknown key '%s' (a limit per container: set it under 'defaults:' or a container's 'limits:')",
			    k->text);
	if (!nr.best && has_key(session_limit_keys, NKEYS(session_limit_keys),
				k->text))
		return fail(ps, k->pos, "unknown key '%s' (a session limit: set it under the top-level 'limits:')",
			    k->text);
	return fail(ps, k->pos, "unknown key '%s'%s", SHOW(k->text, show),
		    near_hint(&nr, hint, sizeof(hint)));
}

/*
 * Walk the mapping map (what names it in messages, NULL for the file),
 * whose keys must all be in keys[0..n).  Each key's take() is called in
 * table order, not file order, so that a key can rely on those before it.
 */
static int walk_map(struct parser *ps, const struct node *map,
		    const char *what, const struct key *keys, size_t n,
		    void *obj)
{
	const struct node *vals[MAX_KEYS] = { NULL };
	const struct node *k;
	size_t i;

	if (expect(ps, map, NODE_MAP, what) < 0)
		return -1;
	for (k = map->kids; k; k = k->next->next) {
		for (i = 0; i < n && strcmp(k->text, keys[i].name) != 0; i++)
			;
		if (i == n)
			return unknown_key(ps, k, keys, n);
		vals[i] = k->next;
	}
	for (i = 0; i < n; i++)
		if (vals[i] && keys[i].take(ps, keys[i].name, vals[i], obj) < 0)
			return -1;
	return 0;
}

/* A copy of s owned by the policy; NULL only when out of memory. */
static char *own(struct parser *ps, const struct node *n)
{
	char *s = strdup(n->text);

	if (!s)
		fail(ps, n->pos, "out of memory");
	return s;
}

static void *own_array(struct parser *ps, const struct node *n, size_t count,
		       size_t size)
{
	void *a = calloc(count ? count : 1, size);

	if (!a)
		fail(ps, n->pos, "out of memory");
	return a;
}

/* Container and stream names: [A-Za-z0-9_.-]{1,64}. */
static int check_name(struct parser *ps, const struct node *n,
		      const char *what)
{
	static const char name_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"abcdefghijklmnopqrstuvwxyz0123456789_.-";
	char show[CLI_SHOWN_MAX + 1];
	size_t len = strlen(n->text);

	if (len >= 1 && len <= POLICY_NAME_MAX &&
	    strspn(n->text, name_chars) == len)
		return 0;
	return fail(ps, n->pos, "bad %s name '%s' (use 1 to %u of A-Z a-z 0-9 _ . -)",
		    what, SHOW(n->text, show), POLICY_NAME_MAX);
}

/* ---- streams ------------------------------------------------------------ */

static const struct {
	const char *name;
	enum bind_kind kind;
} std_binds[] = {
	{ "stdin", BIND_STDIN },
	{ "stdout", BIND_STDOUT },
	{ "stderr", BIND_STDERR },
	{ "none", BIND_NONE },
};

/* The index of the stream called name, or -1. */
static int find_stream(const struct policy *p, const char *name)
{
	unsigned i;

	for (i = 0; i < p->nstreams; i++)
		if (strcmp(p->streams[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int take_ends(struct parser *ps, const char *name,
		     const struct node *val, unsigned *count)
{
	unsigned long long v;
	char show[CLI_SHOWN_MAX + 1];
	int r;

	if (expect(ps, val, NODE_SCALAR, name) < 0)
		return -1;
	r = units_parse_count(val->text, &v);
	if (r == UNITS_BAD)
		return fail(ps, val->pos, "%s: bad number '%s' (use a whole number)",
			    name, SHOW(val->text, show));
	if (r == UNITS_RANGE || v < 1 || v > POLICY_MAX_ENDS)
		return fail(ps, val->pos, "%s: out of range (1 to %u)", name,
			    POLICY_MAX_ENDS);
	*count = (unsigned)v;
	return 0;
}

static int take_writers(struct parser *ps, const char *name,
			const struct node *val, void *obj)
{
	return take_ends(ps, name, val, &((struct policy_stream *)obj)->writers);
}

static int take_readers(struct parser *ps, const char *name,
			const struct node *val, void *obj)
{
	return take_ends(ps, name, val, &((struct policy_stream *)obj)->readers);
}

static const struct key stream_keys[] = {
	{ "writers", take_writers },
	{ "readers", take_readers },
};

/* One stream, named by the scalar k; its mapping is v (NULL in a list). */
static int add_stream(struct parser *ps, const struct node *k,
		      const struct node *v)
{
	struct policy *p = ps->p;
	struct policy_stream *s = &p->streams[p->nstreams];
	char show[CLI_SHOWN_MAX + 1], what[96];
	size_t i;
	int old;

	if (expect(ps, k, NODE_SCALAR, "streams") < 0 ||
	    check_name(ps, k, "stream") < 0)
		return -1;
	for (i = 0; i < NKEYS(std_binds); i++)
		if (strcmp(k->text, std_binds[i].name) == 0)
			return fail(ps, k->pos, "stream name '%s' is reserved (stdin, stdout, stderr and none are)",
				    k->text);
	old = find_stream(p, k->text);
	if (old >= 0)
		return fail(ps, k->pos, "stream '%s' declared twice (first at line %u)",
			    SHOW(k->text, show), p->streams[old].pos.line);
	s->name = own(ps, k);
	if (!s->name)
		return -1;
	s->pos = k->pos;
	s->writers = s->readers = 1;
	p->nstreams++;
	snprintf(what, sizeof(what), "stream '%s'", s->name);
	return v ? walk_map(ps, v, what, stream_keys, NKEYS(stream_keys), s) : 0;
}

/* streams: a list of names, or a mapping of name -> {writers, readers}. */
static int take_streams(struct parser *ps, const char *name,
			const struct node *val, void *obj)
{
	bool map = val->kind == NODE_MAP;
	unsigned count = map ? val->n / 2 : val->n, i = 0;
	const struct node *k;

	if (val->kind != NODE_SEQ && !map)
		return fail(ps, val->pos, "streams: expected a sequence or a mapping, found %s",
			    kind_names[val->kind]);
	ps->p->streams = own_array(ps, val, count, sizeof(*ps->p->streams));
	ps->nwrites = own_array(ps, val, count, sizeof(*ps->nwrites));
	ps->nreads = own_array(ps, val, count, sizeof(*ps->nreads));
	if (!ps->p->streams || !ps->nwrites || !ps->nreads)
		return -1;
	for (k = val->kids; k; k = map ? k->next->next : k->next) {
		if (i++ == POLICY_MAX_STREAMS)
			return fail(ps, k->pos, "more than %u streams",
				    POLICY_MAX_STREAMS);
		if (add_stream(ps, k, map ? k->next : NULL) < 0)
			return -1;
	}
	return 0;
}

/* ---- bindings ----------------------------------------------------------- */

/* Count one more end of stream s; refuse one more than it declares. */
static int bind_stream(struct parser *ps, const struct node *val,
		       struct policy_slot *slot, enum bind_kind kind, int s)
{
	const struct policy_stream *st = &ps->p->streams[s];
	bool w = kind == BIND_WRITE;
	unsigned *bound = w ? &ps->nwrites[s] : &ps->nreads[s];
	unsigned declared = w ? st->writers : st->readers;

	if (*bound == declared)
		return fail(ps, val->pos, "stream '%s' has more than %u %s%s (declare more with '%s: N')",
			    st->name, declared, w ? "writer" : "reader",
			    declared == 1 ? "" : "s", w ? "writers" : "readers");
	(*bound)++;
	slot->kind = kind;
	slot->stream = (unsigned)s;
	return 0;
}

/* A binding has one of read, write and file. */
static int one_target(struct parser *ps, const struct node *val,
		      const struct policy_slot *slot)
{
	if (slot->kind != BIND_NONE)
		return fail(ps, val->pos, "fd %u: only one of read, write or file",
			    ps->fd);
	return 0;
}

/* The standard bindings "read:" (stdin) and "write:" (stdout, stderr) take. */
static bool std_end_ok(enum bind_kind kind, enum bind_kind std)
{
	if (kind == BIND_READ)
		return std == BIND_STDIN;
	return std == BIND_STDOUT || std == BIND_STDERR;
}

/* read: NAME or write: NAME, kind BIND_READ or BIND_WRITE. */
static int take_stream_end(struct parser *ps, const char *name,
			   const struct node *val, struct policy_slot *slot,
			   enum bind_kind kind)
{
	char show[CLI_SHOWN_MAX + 1], hint[96];
	struct near nr;
	size_t i;
	unsigned j;
	int s;

	if (one_target(ps, val, slot) < 0 ||
	    expect(ps, val, NODE_SCALAR, name) < 0)
		return -1;
	nr = near_start(val->text);
	for (i = 0; i < NKEYS(std_binds); i++) {
		bool ok = std_end_ok(kind, std_binds[i].kind);

		if (ok)
			near_try(&nr, std_binds[i].name);
		if (strcmp(val->text, std_binds[i].name) != 0)
			continue;
		if (!ok)
			return fail(ps, val->pos, "%s: cannot %s '%s' (only %s or a stream)",
				    name, name, val->text, kind == BIND_READ ?
				    "stdin" : "stdout, stderr");
		slot->kind = std_binds[i].kind;
		return 0;
	}
	s = find_stream(ps->p, val->text);
	if (s >= 0)
		return bind_stream(ps, val, slot, kind, s);
	for (j = 0; j < ps->p->nstreams; j++)
		near_try(&nr, ps->p->streams[j].name);
	return fail(ps, val->pos, "%s: unknown stream '%s'%s", name,
		    SHOW(val->text, show), near_hint(&nr, hint, sizeof(hint)));
}

static int take_read(struct parser *ps, const char *name,
		     const struct node *val, void *obj)
{
	return take_stream_end(ps, name, val, obj, BIND_READ);
}

static int take_write(struct parser *ps, const char *name,
		      const struct node *val, void *obj)
{
	return take_stream_end(ps, name, val, obj, BIND_WRITE);
}

static int take_file(struct parser *ps, const char *name,
		     const struct node *val, void *obj)
{
	struct policy_slot *slot = obj;

	if (one_target(ps, val, slot) < 0 ||
	    expect(ps, val, NODE_SCALAR, name) < 0)
		return -1;
	if (!val->text[0])
		return fail(ps, val->pos, "file: empty path");
	slot->path = own(ps, val);
	if (!slot->path)
		return -1;
	slot->kind = BIND_FILE;
	slot->mode = FILE_READ;
	slot->perm = 0644;
	return 0;
}

static const char *const mode_names[] = {
	[FILE_READ] = "read",
	[FILE_TRUNCATE] = "truncate",
	[FILE_APPEND] = "append",
	[FILE_CREATE] = "create",
};

static int take_mode(struct parser *ps, const char *name,
		     const struct node *val, void *obj)
{
	struct policy_slot *slot = obj;
	char show[CLI_SHOWN_MAX + 1], hint[96];
	struct near nr;
	size_t m;

	if (slot->kind != BIND_FILE)
		return fail(ps, val->pos, "mode: only with file");
	if (expect(ps, val, NODE_SCALAR, name) < 0)
		return -1;
	nr = near_start(val->text);
	for (m = 0; m < NKEYS(mode_names); m++) {
		if (strcmp(val->text, mode_names[m]) == 0) {
			slot->mode = (enum file_mode)m;
			return 0;
		}
		near_try(&nr, mode_names[m]);
	}
	return fail(ps, val->pos, "mode: unknown mode '%s'%s",
		    SHOW(val->text, show), near_hint(&nr, hint, sizeof(hint)));
}

/* perm: octal permission bits, 0 to 0777, for a file the slot may create. */
static int take_perm(struct parser *ps, const char *name,
		     const struct node *val, void *obj)
{
	struct policy_slot *slot = obj;
	char show[CLI_SHOWN_MAX + 1];
	size_t len = strlen(val->text);

	if (slot->kind != BIND_FILE)
		return fail(ps, val->pos, "perm: only with file");
	if (slot->mode == FILE_READ)
		return fail(ps, val->pos, "perm: only with mode truncate, append or create");
	if (expect(ps, val, NODE_SCALAR, name) < 0)
		return -1;
	if (len < 1 || len > 4 || strspn(val->text, "01234567") != len ||
	    (len == 4 && val->text[0] != '0'))
		return fail(ps, val->pos, "perm: bad permissions '%s' (use octal, 0 to 0777)",
			    SHOW(val->text, show));
	slot->perm = (unsigned)strtoul(val->text, NULL, 8);
	return 0;
}

/* The keys of a binding mapping; mode and perm follow file. */
static const struct key bind_keys[] = {
	{ "read", take_read },
	{ "write", take_write },
	{ "file", take_file },
	{ "mode", take_mode },
	{ "perm", take_perm },
};

/* One slot: a standard name or none, or a mapping. */
static int bind(struct parser *ps, struct policy_slot *slot,
		const struct node *val)
{
	char show[CLI_SHOWN_MAX + 1], hint[96], what[32];
	struct near nr;
	size_t i;

	snprintf(what, sizeof(what), "fd %u", ps->fd);
	if (val->kind == NODE_MAP) {
		if (walk_map(ps, val, what, bind_keys, NKEYS(bind_keys), slot) < 0)
			return -1;
		if (slot->kind == BIND_NONE)
			return fail(ps, val->pos, "%s: needs one of read, write or file",
				    what);
		return 0;
	}
	if (val->kind != NODE_SCALAR)
		return fail(ps, val->pos, "%s: expected a scalar or a mapping, found %s",
			    what, kind_names[val->kind]);
	nr = near_start(val->text);
	for (i = 0; i < NKEYS(std_binds); i++) {
		if (strcmp(val->text, std_binds[i].name) == 0) {
			slot->kind = std_binds[i].kind;
			return 0;
		}
		near_try(&nr, std_binds[i].name);
	}
	if (!nr.best && find_stream(ps->p, val->text) >= 0)
		return fail(ps, val->pos, "%s: '%s' is a stream: bind it with {read: %s} or {write: %s}",
			    what, val->text, val->text, val->text);
	return fail(ps, val->pos, "%s: unknown binding '%s'%s", what,
		    SHOW(val->text, show), near_hint(&nr, hint, sizeof(hint)));
}

/* ---- containers --------------------------------------------------------- */

static int take_program(struct parser *ps, const char *name,
			const struct node *val, void *obj)
{
	struct policy_container *c = obj;

	if (expect(ps, val, NODE_SCALAR, name) < 0)
		return -1;
	if (!val->text[0])
		return fail(ps, val->pos, "program: empty path");
	c->program = own(ps, val);
	return c->program ? 0 : -1;
}

/* Count a string of argv or env against the container's bytes. */
static int arg_bytes(struct parser *ps, const struct node *n, size_t len)
{
	ps->arg_bytes += len + 1;
	if (ps->arg_bytes > POLICY_MAX_ARG_BYTES)
		return fail(ps, n->pos, "argv and env: more than %u KiB",
			    POLICY_MAX_ARG_BYTES >> 10);
	return 0;
}

static int take_argv(struct parser *ps, const char *name,
		     const struct node *val, void *obj)
{
	struct policy_container *c = obj;
	const struct node *a;

	if (expect(ps, val, NODE_SEQ, name) < 0)
		return -1;
	if (val->n == 0)
		return fail(ps, val->pos, "argv: empty (argv[0] is needed)");
	c->argv = own_array(ps, val, val->n + 1, sizeof(*c->argv));
	if (!c->argv)
		return -1;
	for (a = val->kids; a; a = a->next) {
		if (c->argc == POLICY_MAX_ARGV)
			return fail(ps, a->pos, "argv: more than %u entries",
				    POLICY_MAX_ARGV);
		if (expect(ps, a, NODE_SCALAR, name) < 0 ||
		    arg_bytes(ps, a, strlen(a->text)) < 0)
			return -1;
		c->argv[c->argc] = own(ps, a);
		if (!c->argv[c->argc++])
			return -1;
	}
	return 0;
}

static int take_env(struct parser *ps, const char *name,
		    const struct node *val, void *obj)
{
	struct policy_container *c = obj;
	char show[CLI_SHOWN_MAX + 1];
	const struct node *k, *v;
	size_t klen, vlen;
	char *entry;

	if (expect(ps, val, NODE_MAP, name) < 0)
		return -1;
	free(c->envp);
	c->envp = own_array(ps, val, val->n / 2 + 1, sizeof(*c->envp));
	if (!c->envp)
		return -1;
	for (k = val->kids; k; k = k->next->next) {
		v = k->next;
		klen = strlen(k->text);
		if (!cli_env_name_ok(k->text, klen))
			return fail(ps, k->pos, "env: bad variable name '%s' (use letters, digits and _, not a digit first)",
				    SHOW(k->text, show));
		if (expect(ps, v, NODE_SCALAR, name) < 0)
			return -1;
		vlen = strlen(v->text);
		if (arg_bytes(ps, k, klen + 1 + vlen) < 0)
			return -1;
		entry = malloc(klen + 1 + vlen + 1);
		if (!entry)
			return fail(ps, k->pos, "out of memory");
		memcpy(entry, k->text, klen);
		entry[klen] = '=';
		memcpy(entry + klen + 1, v->text, vlen + 1);
		c->envp[c->envc++] = entry;
	}
	return 0;
}

static int take_flat(struct parser *ps, const char *name,
		     const struct node *val, void *obj)
{
	struct policy_container *c = obj;
	char show[CLI_SHOWN_MAX + 1];

	if (expect(ps, val, NODE_SCALAR, name) < 0)
		return -1;
	if (strcmp(val->text, "true") != 0 && strcmp(val->text, "false") != 0)
		return fail(ps, val->pos, "flat: expected true or false, found '%s'",
			    SHOW(val->text, show));
	c->flat = val->text[0] == 't';
	return 0;
}

static int take_limits(struct parser *ps, const char *name,
		       const struct node *val, void *obj)
{
	struct policy_container *c = obj;

	return walk_map(ps, val, name, container_limit_keys,
			NKEYS(container_limit_keys), &c->lim);
}

/* Make room for slots 0..nslots-1 of c. */
static int slots_alloc(struct parser *ps, struct policy_container *c,
		       const struct node *at_node, unsigned nslots)
{
	if (nslots > POLICY_MAX_SLOTS - ps->slots)
		return fail(ps, at_node->pos, "fds: more than %u slots in all containers together",
			    POLICY_MAX_SLOTS);
	ps->slots += nslots;
	c->slots = own_array(ps, at_node, nslots, sizeof(*c->slots));
	if (!c->slots)
		return -1;
	c->nslots = nslots;
	return 0;
}

/* fds: slot number -> binding; slots below the container's fds limit. */
static int take_fds(struct parser *ps, const char *name,
		    const struct node *val, void *obj)
{
	struct policy_container *c = obj;
	char show[CLI_SHOWN_MAX + 1];
	unsigned long long k, top = 0;
	const struct node *n;

	if (expect(ps, val, NODE_MAP, name) < 0)
		return -1;
	for (n = val->kids; n; n = n->next->next) {
		if (units_parse_count(n->text, &k) != UNITS_OK)
			return fail(ps, n->pos, "fds: bad slot '%s' (use a descriptor number)",
				    SHOW(n->text, show));
		if (k >= c->lim.fds)
			return fail(ps, n->pos, "fds: slot %llu is at or beyond the fds limit (%u)",
				    k, c->lim.fds);
		top = k + 1 > top ? k + 1 : top;
	}
	if (slots_alloc(ps, c, val, (unsigned)top) < 0)
		return -1;
	for (n = val->kids; n; n = n->next->next) {
		struct policy_slot *slot;

		units_parse_count(n->text, &k);
		slot = &c->slots[k];
		if (slot->pos.line)
			return fail(ps, n->pos, "fds: slot %llu bound twice (first at line %u)",
				    k, slot->pos.line);
		slot->pos = n->pos;
		ps->fd = (unsigned)k;
		if (bind(ps, slot, n->next) < 0)
			return -1;
	}
	return 0;
}

/* The keys of a container; limits before fds, whose range they give. */
static const struct key container_keys[] = {
	{ "program", take_program },
	{ "argv", take_argv },
	{ "env", take_env },
	{ "flat", take_flat },
	{ "limits", take_limits },
	{ "fds", take_fds },
};

/* What a container has when the file does not say. */
static int container_defaults(struct parser *ps, struct policy_container *c,
			      const struct node *key)
{
	unsigned k;

	if (!c->program)
		return fail(ps, c->pos, "container '%s' has no program", c->name);
	if (!c->argv) {
		c->argv = own_array(ps, key, 2, sizeof(*c->argv));
		if (!c->argv)
			return -1;
		c->argv[0] = strdup(c->program);
		if (!c->argv[0])
			return fail(ps, key->pos, "out of memory");
		c->argc = 1;
	}
	if (c->slots)
		return 0;
	if (slots_alloc(ps, c, key, 3) < 0)
		return -1;
	for (k = 0; k < 3; k++) { /* stdin, stdout, stderr: std_binds[0..2] */
		c->slots[k].kind = std_binds[k].kind;
		c->slots[k].pos = c->pos;
	}
	return 0;
}

static int add_container(struct parser *ps, const struct node *key,
			 const struct node *val)
{
	struct policy_container *c = &ps->p->containers[ps->p->ncontainers];
	char what[96];

	if (check_name(ps, key, "container") < 0)
		return -1;
	ps->p->ncontainers++; /* from here policy_free frees what c owns */
	c->name = own(ps, key);
	c->envp = own_array(ps, key, 1, sizeof(*c->envp));
	if (!c->name || !c->envp)
		return -1;
	c->pos = key->pos;
	c->lim = ps->defaults;
	ps->arg_bytes = 0;
	snprintf(what, sizeof(what), "container '%s'", c->name);
	if (walk_map(ps, val, what, container_keys, NKEYS(container_keys), c) < 0)
		return -1;
	return container_defaults(ps, c, key);
}

static int take_containers(struct parser *ps, const char *name,
			   const struct node *val, void *obj)
{
	unsigned session = ps->p->session.containers, i = 0;
	const struct node *k;

	if (expect(ps, val, NODE_MAP, name) < 0)
		return -1;
	if (val->n == 0)
		return fail(ps, val->pos, "no containers");
	for (k = val->kids; k; k = k->next->next, i++) {
		if (i == POLICY_MAX_CONTAINERS)
			return fail(ps, k->pos, "more than %u containers",
				    POLICY_MAX_CONTAINERS);
		if (i == session)
			return fail(ps, k->pos, "more than %u container%s (the session limit 'containers')",
				    session, session == 1 ? "" : "s");
	}
	ps->p->containers = own_array(ps, val, val->n / 2,
				      sizeof(*ps->p->containers));
	if (!ps->p->containers)
		return -1;
	for (k = val->kids; k; k = k->next->next)
		if (add_container(ps, k, k->next) < 0)
			return -1;
	return 0;
}

/* ---- the file ----------------------------------------------------------- */

static int take_version(struct parser *ps, const char *name,
			const struct node *val, void *obj)
{
	char show[CLI_SHOWN_MAX + 1];

	if (expect(ps, val, NODE_SCALAR, name) < 0)
		return -1;
	if (strcmp(val->text, "1") != 0)
		return fail(ps, val->pos, "version: unsupported version '%s' (only 1 is)",
			    SHOW(val->text, show));
	return 0;
}

static int take_session(struct parser *ps, const char *name,
			const struct node *val, void *obj)
{
	return walk_map(ps, val, name, session_limit_keys,
			NKEYS(session_limit_keys), &ps->p->session);
}

static int take_defaults(struct parser *ps, const char *name,
			 const struct node *val, void *obj)
{
	return walk_map(ps, val, name, container_limit_keys,
			NKEYS(container_limit_keys), &ps->defaults);
}

/* Table order is the order of resolution: limits before containers. */
static const struct key file_keys[] = {
	{ "version", take_version },
	{ "limits", take_session },
	{ "defaults", take_defaults },
	{ "streams", take_streams },
	{ "containers", take_containers },
};

/* ---- the graph ----------------------------------------------------------- */

/* Every stream has all its ends; list them in file order. */
static int link_streams(struct parser *ps)
{
	struct policy *p = ps->p;
	unsigned i, c, k;

	for (i = 0; i < p->nstreams; i++) {
		struct policy_stream *s = &p->streams[i];
		bool w = ps->nwrites[i] < s->writers;
		unsigned have = w ? ps->nwrites[i] : ps->nreads[i];
		unsigned want = w ? s->writers : s->readers;

		if (have == 0 && have < want)
			return fail(ps, s->pos, "stream '%s' has no %s", s->name,
				    w ? "writer" : "reader");
		if (have < want)
			return fail(ps, s->pos, "stream '%s' has %u of its %u %s",
				    s->name, have, want, w ? "writers" : "readers");
		s->writes = calloc(s->writers, sizeof(*s->writes));
		s->reads = calloc(s->readers, sizeof(*s->reads));
		if (!s->writes || !s->reads)
			return fail(ps, s->pos, "out of memory");
		ps->nwrites[i] = ps->nreads[i] = 0;
	}
	for (c = 0; c < p->ncontainers; c++) {
		for (k = 0; k < p->containers[c].nslots; k++) {
			const struct policy_slot *slot = &p->containers[c].slots[k];
			struct policy_end end = { c, k };
			unsigned st = slot->stream;

			if (slot->kind == BIND_WRITE)
				p->streams[st].writes[ps->nwrites[st]++] = end;
			else if (slot->kind == BIND_READ)
				p->streams[st].reads[ps->nreads[st]++] = end;
		}
	}
	return 0;
}

enum { NEW, ON_PATH, DONE };

/* "stream cycle: r -> ... -> c -> r", found where r reads from c. */
static int cycle(struct parser *ps, unsigned c, unsigned r,
		 const unsigned *from, struct policy_pos pos)
{
	const struct policy_container *cs = ps->p->containers;
	unsigned n = ps->p->ncontainers, *path = malloc(n * sizeof(*path));
	char *text = malloc((n + 1) * (POLICY_NAME_MAX + 4) + 1), *t = text;
	int ret;

	if (!path || !text) {
		ret = fail(ps, pos, "out of memory");
	} else {
		for (n = 0; c != r; c = from[c])
			path[n++] = c;
		t += sprintf(t, "%s", cs[r].name);
		while (n-- > 0)
			t += sprintf(t, " -> %s", cs[path[n]].name);
		sprintf(t, " -> %s", cs[r].name);
		ret = fail(ps, pos, "stream cycle: %s", text);
	}
	free(path);
	free(text);
	return ret;
}

/* Depth first from container c along "writes a stream that r reads". */
static int visit(struct parser *ps, unsigned c, unsigned char *state,
		 unsigned *from)
{
	const struct policy_container *pc = &ps->p->containers[c];
	unsigned k, i;

	state[c] = ON_PATH;
	for (k = 0; k < pc->nslots; k++) {
		const struct policy_stream *s;

		if (pc->slots[k].kind != BIND_WRITE)
			continue;
		s = &ps->p->streams[pc->slots[k].stream];
		for (i = 0; i < s->readers; i++) {
			unsigned r = s->reads[i].container;
			const struct policy_slot *rs =
				&ps->p->containers[r].slots[s->reads[i].slot];

			if (state[r] == ON_PATH)
				return cycle(ps, c, r, from, rs->pos);
			if (state[r] == DONE)
				continue;
			from[r] = c;
			if (visit(ps, r, state, from) < 0)
				return -1;
		}
	}
	state[c] = DONE;
	return 0;
}

static int no_cycle(struct parser *ps)
{
	unsigned n = ps->p->ncontainers, c;
	unsigned char *state = calloc(n, 1);
	unsigned *from = calloc(n, sizeof(*from));
	int r = 0;

	if (!state || !from)
		r = fail(ps, ps->root->pos, "out of memory");
	for (c = 0; r == 0 && c < n; c++)
		if (state[c] == NEW)
			r = visit(ps, c, state, from);
	free(state);
	free(from);
	return r;
}

/*
 * Each container of the file reserves its memory out of the session's
 * total-memory from the start, as a cnew child does: a file whose
 * containers need more together could never run as written.  (0, the
 * derived total, holds them all: policy_total_memory.)
 */
static int memory_fits(struct parser *ps)
{
	unsigned long long total = ps->p->session.total_memory, sum = 0;
	char show[CLI_SHOWN_MAX + 1], mem[32], all[32], cap[32];
	unsigned i;

	for (i = 0; total && i < ps->p->ncontainers; i++) {
		const struct policy_container *c = &ps->p->containers[i];

		sum += c->lim.memory;
		if (sum <= total)
			continue;
		units_fmt_size(c->lim.memory, mem, sizeof(mem));
		units_fmt_size(total, cap, sizeof(cap));
		if (i == 0)
			return fail(ps, c->pos, "container '%s': its memory %s "
				    "is more than the session's total-memory %s "
				    "(each container reserves its memory out of it); "
				    "raise total-memory or lower memory",
				    SHOW(c->name, show), mem, cap);
		return fail(ps, c->pos, "container '%s': its memory %s takes "
			    "the containers' memory to %s, more than the "
			    "session's total-memory %s (each container reserves "
			    "its memory out of it); raise total-memory or lower "
			    "memory", SHOW(c->name, show), mem,
			    units_fmt_size(sum, all, sizeof(all)), cap);
	}
	return 0;
}

static int walk(struct parser *ps)
{
	if (walk_map(ps, ps->root, NULL, file_keys, NKEYS(file_keys), NULL) < 0)
		return -1;
	if (ps->p->ncontainers == 0)
		return fail(ps, ps->root->pos, "no containers");
	if (memory_fits(ps) < 0)
		return -1;
	if (link_streams(ps) < 0)
		return -1;
	return no_cycle(ps);
}

struct policy *policy_parse(const char *buf, size_t len, const char *file,
			    const struct minos_limits *lim, char *err,
			    size_t errlen)
{
	struct parser ps = {
		.file = file, .err = err, .errlen = errlen, .defaults = *lim,
	};
	const char *nul;
	int r;

	if (errlen)
		err[0] = '\0';
	ps.p = calloc(1, sizeof(*ps.p));
	if (!ps.p) {
		fail(&ps, (struct policy_pos){ 1, 1 }, "out of memory");
		return NULL;
	}
	ps.p->session = *lim;
	if (len > POLICY_MAX_INPUT)
		r = fail(&ps, pos_of(buf, POLICY_MAX_INPUT), "larger than %u MiB",
			 POLICY_MAX_INPUT >> 20);
	else if ((nul = memchr(buf, '\0', len)))
		r = fail(&ps, pos_of(buf, (size_t)(nul - buf)), "NUL byte in the file");
	else
		r = tree_build(&ps, buf, len);
	if (r == 0)
		r = walk(&ps);
	tree_free(&ps);
	free(ps.nwrites);
	free(ps.nreads);
	if (r < 0) {
		policy_free(ps.p);
		return NULL;
	}
	return ps.p;
}

static void free_strings(char **v, int n)
{
	int i;

	for (i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

static unsigned long long add_sat(unsigned long long a, unsigned long long b)
{
	return a > ULLONG_MAX - b ? ULLONG_MAX : a + b;
}

unsigned long long policy_total_memory(const struct policy *p)
{
	if (p->session.total_memory)
		return p->session.total_memory;
	unsigned long long sum = 0, most = 0;
	for (unsigned i = 0; i < p->ncontainers; i++) {
		unsigned long long m = p->containers[i].lim.memory;
		sum = add_sat(sum, m);
		if (m > most)
			most = m;
	}
	if (p->session.containers > p->ncontainers) {
		unsigned long long more = p->session.containers - p->ncontainers;
		sum = add_sat(sum, most > ULLONG_MAX / more ? ULLONG_MAX : most * more);
	}
	return sum;
}

void policy_free(struct policy *p)
{
	unsigned i, k;

	if (!p)
		return;
	for (i = 0; i < p->nstreams; i++) {
		free(p->streams[i].name);
		free(p->streams[i].writes);
		free(p->streams[i].reads);
	}
	free(p->streams);
	for (i = 0; i < p->ncontainers; i++) {
		struct policy_container *c = &p->containers[i];

		free(c->name);
		free(c->program);
		free(c->resolved);
		free_strings(c->argv, c->argc);
		free_strings(c->envp, c->envc);
		for (k = 0; c->slots && k < c->nslots; k++)
			free(c->slots[k].path);
		free(c->slots);
	}
	free(p->containers);
	free(p);
}

/* ---- printing ----------------------------------------------------------- */

/*
 * s as one word a shell reads back: bare when it can be, else in single
 * quotes; control characters (C0, DEL, and C1 as UTF-8) are shown as '?'.
 */
static void print_word(FILE *out, const char *s)
{
	static const char bare[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"abcdefghijklmnopqrstuvwxyz0123456789_-./:=+,@%";
	const unsigned char *u;

	if (s[0] && strspn(s, bare) == strlen(s)) {
		fputs(s, out);
		return;
	}
	fputc('\'', out);
	for (u = (const unsigned char *)s; *u; u++) {
		if (*u == '\'') {
			fputs("'\\''", out);
		} else if (*u < 0x20 || *u == 0x7f) {
			fputc('?', out);
		} else if (*u == 0xc2 && u[1] >= 0x80 && u[1] < 0xa0) {
			fputc('?', out);
			u++;
		} else {
			fputc(*u, out);
		}
	}
	fputc('\'', out);
}

static void print_limits(FILE *out, const struct minos_limits *lim,
			 const struct key *keys, size_t n)
{
	char buf[32];
	size_t i;

	for (i = 0; i < n; i++) {
		const char *v = cli_get_limit(lim, keys[i].name, buf, sizeof(buf));

		if (strcmp(v, "0") == 0)
			v = strcmp(keys[i].name, "total-memory") == 0 ?
				"derived" : "none";
		fprintf(out, "%s%s %s", i ? ", " : "", keys[i].name, v);
	}
	fputc('\n', out);
}

static void print_ends(FILE *out, const struct policy *p,
		       const struct policy_end *e, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		fprintf(out, "%s%s fd %u", i ? ", " : "",
			p->containers[e[i].container].name, e[i].slot);
}

static void print_slot(FILE *out, const struct policy *p, unsigned k,
		       const struct policy_slot *slot)
{
	size_t i;

	fprintf(out, "  fd %u: ", k);
	switch (slot->kind) {
	case BIND_READ:
	case BIND_WRITE:
		fprintf(out, "%s stream %s",
			slot->kind == BIND_READ ? "read" : "write",
			p->streams[slot->stream].name);
		break;
	case BIND_FILE:
		fputs("file ", out);
		print_word(out, slot->path);
		fprintf(out, " (%s", mode_names[slot->mode]);
		if (slot->mode != FILE_READ)
			fprintf(out, ", %04o", slot->perm);
		fputc(')', out);
		break;
	default:
		for (i = 0; i < NKEYS(std_binds); i++)
			if (std_binds[i].kind == slot->kind)
				fputs(std_binds[i].name, out);
		break;
	}
	fputc('\n', out);
}

static void print_container(FILE *out, const struct policy *p,
			    const struct policy_container *c)
{
	unsigned k;
	int i;

	fprintf(out, "container %s: ", c->name);
	print_word(out, c->resolved ? c->resolved : c->program);
	fputs("\n  argv:", out);
	for (i = 0; i < c->argc; i++) {
		fputc(' ', out);
		print_word(out, c->argv[i]);
	}
	fputc('\n', out);
	if (c->envc) {
		fputs("  env:", out);
		for (i = 0; i < c->envc; i++) {
			fputc(' ', out);
			print_word(out, c->envp[i]);
		}
		fputc('\n', out);
	}
	if (c->flat)
		fputs("  flat: true\n", out);
	for (k = 0; k < c->nslots; k++)
		if (c->slots[k].pos.line)
			print_slot(out, p, k, &c->slots[k]);
	fputs("  limits: ", out);
	print_limits(out, &c->lim, container_limit_keys,
		     NKEYS(container_limit_keys));
}

void policy_print(const struct policy *p, FILE *out)
{
	unsigned i;

	fputs("session: ", out);
	print_limits(out, &p->session, session_limit_keys,
		     NKEYS(session_limit_keys));
	for (i = 0; i < p->nstreams; i++) {
		fprintf(out, "stream %s: ", p->streams[i].name);
		print_ends(out, p, p->streams[i].writes, p->streams[i].writers);
		fputs(" -> ", out);
		print_ends(out, p, p->streams[i].reads, p->streams[i].readers);
		fputc('\n', out);
	}
	for (i = 0; i < p->ncontainers; i++)
		print_container(out, p, &p->containers[i]);
}
