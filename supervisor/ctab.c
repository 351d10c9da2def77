/* SPDX-License-Identifier: MIT */
/* ctab.c - containers (a list: they are few) and threads (a hash by tid). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ctab.h"
#include "log.h"

#define NBUCKETS 1024

static struct container *head, *tail;
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

struct container *ctab_new_container(pid_t pid, const char *name)
{
	struct container *c = xcalloc(1, sizeof(*c));
	c->id = next_id++;
	c->pid = pid;
	c->pidfd = -1;
	c->listener = -1;
	c->errpipe = -1;
	c->name = name;
	c->state = C_STARTING;
	c->threads = 1;
	if (tail)
		tail->next = c;
	else
		head = c;
	tail = c;
	live++;
	return c;
}

struct container *ctab_head(void)
{
	return head;
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
