/* SPDX-License-Identifier: MIT */
/* ctab.c - containers (a list of the held records: the live ones, the
 * tops, those just ended; see ctab.h) and threads (a hash by tid). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ctab.h"
#include "tstack.h"
#include "log.h"

#define NBUCKETS 1024

static struct container *head, *tail;          /* held (CTAB_FOREACH) */
static struct container *ever_head, *ever_tail; /* all, if keep_ended */
static bool keep_ended;
static int next_id = 1;
static unsigned live;
static struct thread *buckets[NBUCKETS];

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (!p)
		die(125, "out of memory");
	return p;
}

void ctab_keep_ended(bool keep)
{
	keep_ended = keep;
}

void ctab_pin(struct container *c)
{
	c->pins++;
}

void ctab_unpin(struct container *c)
{
	c->pins--;
}

/* Can nothing refer to c any more (ctab.h)?  Tops stay: the run's status
 * and the policy's pipefail read them after the loop. */
static bool retirable(const struct container *c)
{
	return c->state == C_DEAD && c->parent && !c->pins;
}

/* c leaves the held list: freed, or (--report) kept on the ever list. */
static void retire(struct container *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		tail = c->prev;
	if (keep_ended)
		return; /* every pointer to it stays good: nothing is moved */
	/* Its children (held) hang from its parent now, under no cid. */
	for (struct container *x = head; x; x = x->next)
		if (x->parent == c) {
			x->parent = c->parent;
			x->cid = 0;
		}
	free((char *)(uintptr_t)c->name); /* a cnew child's, malloc'd */
	free(c);
}

/* Free what nothing refers to any more: at a cnew's spawn, so the table
 * holds at most the live containers and those ended since the last one. */
static void reap(void)
{
	for (struct container *c = head, *next; c; c = next) {
		next = c->next;
		if (retirable(c))
			retire(c);
	}
}

struct container *ctab_new_container(pid_t pid, const char *name)
{
	reap();
	struct container *c = xcalloc(1, sizeof(*c));
	c->id = next_id++;
	c->pid = pid;
	c->pidfd = -1;
	c->listener = -1;
	c->errpipe = -1;
	c->name = name;
	c->state = C_STARTING;
	c->threads = 1;
	c->prev = tail;
	if (tail)
		tail->next = c;
	else
		head = c;
	tail = c;
	if (keep_ended) {
		if (ever_tail)
			ever_tail->ever_next = c;
		else
			ever_head = c;
		ever_tail = c;
	}
	live++;
	return c;
}

struct container *ctab_head(void)
{
	return head;
}

struct container *ctab_ever_head(void)
{
	return keep_ended ? ever_head : head;
}

struct container *ctab_ever_next(const struct container *c)
{
	return keep_ended ? c->ever_next : c->next;
}

unsigned ctab_live(void)
{
	return live;
}

static void (*kill_hook)(struct container *c);

void ctab_set_kill_hook(void (*before_kill)(struct container *c))
{
	kill_hook = before_kill;
}

void ctab_kill(struct container *c)
{
	if (c->state == C_DEAD)
		return;
	if (!c->killed && kill_hook)
		kill_hook(c);
	c->killed = true;
	kill(c->pid, SIGKILL);
}

void ctab_container_dead(struct container *c)
{
	if (c->state == C_DEAD)
		return;
	c->state = C_DEAD;
	live--;
	if (c->pidfd >= 0)
		close(c->pidfd);
	if (c->listener >= 0)
		close(c->listener);
	if (c->errpipe >= 0)
		close(c->errpipe);
	c->pidfd = c->listener = c->errpipe = -1;
	ctab_left_trampoline(c);
}

void ctab_left_trampoline(struct container *c)
{
	tstack_put(c->tstack, c->tstack_len);
	c->tstack = NULL;
}

/* Numbers kept free for the supervisor's own work (see ctab.h). */
#define FD_RESERVE 64

static int fd_floor = 1024 - FD_RESERVE;

void ctab_fd_reserve(void)
{
	struct rlimit r;
	if (getrlimit(RLIMIT_NOFILE, &r) < 0 || r.rlim_cur == RLIM_INFINITY)
		return;
	rlim_t cur = r.rlim_cur > 0x7fffffff ? 0x7fffffff : r.rlim_cur;
	fd_floor = cur > 2 * FD_RESERVE ? (int)(cur - FD_RESERVE) : (int)(cur / 2);
}

int ctab_fd_floor(void)
{
	return fd_floor;
}

int ctab_keep_fd(int fd)
{
	if (fd >= fd_floor) {
		close(fd);
		return -ENFILE;
	}
	return fd;
}

static unsigned hash(pid_t tid)
{
	return (unsigned)tid % NBUCKETS;
}

struct thread *thread_find(pid_t tid)
{
	for (struct thread *t = buckets[hash(tid)]; t; t = t->hnext)
		if (t->tid == tid)
			return t;
	return NULL;
}

struct thread *thread_add(pid_t tid, struct container *c)
{
	struct thread *t = xcalloc(1, sizeof(*t));
	t->tid = tid;
	t->c = c;
	t->state = T_RUNNING;
	t->hnext = buckets[hash(tid)];
	buckets[hash(tid)] = t;
	return t;
}

void thread_remove(struct thread *t)
{
	struct thread **pp = &buckets[hash(t->tid)];
	while (*pp && *pp != t)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = t->hnext;
	free(t);
}

void thread_each(struct container *c, void (*fn)(struct thread *, void *), void *arg)
{
	for (unsigned b = 0; b < NBUCKETS; b++) {
		struct thread *t = buckets[b];
		while (t) {
			struct thread *next = t->hnext;
			if (t->c == c)
				fn(t, arg);
			t = next;
		}
	}
}
