/* SPDX-License-Identifier: MIT */
/*
 * run_policy.c - --policy: run the graph of containers a policy file
 * describes (minos-policy(5)), or with --check only print it.
 *
 * Everything that can be wrong is found before the first container
 * starts: the file (policy.c), the programs (read once into sealed
 * memfds), the host files to read.  Then the streams become pipes, every
 * stage is spawned holding exactly its slots, and our copies are closed,
 * so that each pipe has only the stages' ends and ends when they do.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ckpt.h"
#include "hostprobe.h"
#include "image.h"
#include "launch.h"
#include "log.h"
#include "loop.h"
#include "policy.h"
#include "report.h"
#include "run.h"
#include "sha256.h"
#include "stdfds.h"

/* The file, up to one byte more than a policy may have (policy_parse
 * says what is too large, as it says every other error). */
static char *read_policy(const char *file, size_t *len)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		die(MINOS_EXIT_FAIL, "%s: cannot read: %s", file, strerror(errno));
	if (!S_ISREG(st.st_mode))
		die(MINOS_EXIT_FAIL, "%s: cannot read: not a regular file", file);
	char *buf = malloc(POLICY_MAX_INPUT + 1);
	if (!buf)
		die(MINOS_EXIT_FAIL, "out of memory");
	size_t got = 0;
	while (got < POLICY_MAX_INPUT + 1) {
		ssize_t n = read(fd, buf + got, POLICY_MAX_INPUT + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die(MINOS_EXIT_FAIL, "%s: cannot read: %s", file, strerror(errno));
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return buf;
}

/* A path of the file, relative ones taken from the policy file's directory. */
static char *policy_path(const char *dir, const char *path)
{
	char *out;
	if (path[0] == '/' || !dir)
		out = strdup(path);
	else if (asprintf(&out, "%s/%s", dir, path) < 0)
		out = NULL;
	if (!out)
		die(MINOS_EXIT_FAIL, "out of memory");
	return out;
}

static int open_flags(enum file_mode m)
{
	switch (m) {
	case FILE_READ: return O_RDONLY;
	case FILE_TRUNCATE: return O_WRONLY | O_CREAT | O_TRUNC;
	case FILE_APPEND: return O_WRONLY | O_CREAT | O_APPEND;
	case FILE_CREATE: return O_WRONLY | O_CREAT | O_EXCL;
	}
	return O_RDONLY;
}

/*
 * Open a bound host file strictly read-only or write-only.  O_NONBLOCK
 * while opening, so that a FIFO never blocks the supervisor; only regular
 * files and character devices (/dev/null) are accepted.  Dies with the
 * slot's position on failure.
 */
static int open_bound(const char *file, const struct policy_container *pc,
		      unsigned k, const char *path)
{
	const struct policy_slot *sl = &pc->slots[k];
	int fd = open(path, open_flags(sl->mode) | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		      (mode_t)sl->perm);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		die(MINOS_EXIT_FAIL, "%s:%u:%u: container '%s' fd %u: cannot open %s: %s",
		    file, sl->pos.line, sl->pos.column, pc->name, k, path, strerror(errno));
	if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
		die(MINOS_EXIT_FAIL, "%s:%u:%u: container '%s' fd %u: %s: not a regular "
		    "file or a device", file, sl->pos.line, sl->pos.column, pc->name, k, path);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

/* Words for the report: what a slot is bound to. */
static char *binding_text(const struct policy *p, const struct policy_slot *sl)
{
	static const char *const modes[] = {
		[FILE_READ] = "read", [FILE_TRUNCATE] = "truncate",
		[FILE_APPEND] = "append", [FILE_CREATE] = "create",
	};
	char *out = NULL;
	int n = -1;
	switch (sl->kind) {
	case BIND_NONE: n = asprintf(&out, "none"); break;
	case BIND_STDIN: n = asprintf(&out, "stdin"); break;
	case BIND_STDOUT: n = asprintf(&out, "stdout"); break;
	case BIND_STDERR: n = asprintf(&out, "stderr"); break;
	case BIND_READ:
		n = asprintf(&out, "read stream %s", p->streams[sl->stream].name);
		break;
	case BIND_WRITE:
		n = asprintf(&out, "write stream %s", p->streams[sl->stream].name);
		break;
	case BIND_FILE:
		n = asprintf(&out, "file %s (%s)", sl->path, modes[sl->mode]);
		break;
	}
	if (n < 0)
		die(MINOS_EXIT_FAIL, "out of memory");
	return out;
}

/* One stage's images, found and checked before anything runs. */
static void load_images(struct policy *p, const char *file, const char *dir,
			bool hash, struct image *im)
{
	for (unsigned i = 0; i < p->ncontainers; i++) {
		struct policy_container *pc = &p->containers[i];
		char where[512];
		snprintf(where, sizeof(where), "%s:%u:%u: container '%s': program %s",
			 file, pc->pos.line, pc->pos.column, pc->name, pc->program);
		struct image_req req = {
			.program = pc->program, .dir = dir, .flat = pc->flat,
			.hash = hash, .max = pc->lim.image_size, .where = where,
			.memory = pc->lim.memory,
			.address_space = pc->lim.address_space,
		};
		image_load(&req, &im[i]);
		pc->resolved = strdup(im[i].path);
		if (!pc->resolved)
			die(MINOS_EXIT_FAIL, "out of memory");
	}
}

/*
 * Open every bound host file before any container starts, so that a file
 * that cannot be opened stops the run before it has begun: first the files
 * to read, with a check that no file to create exists, and only then the
 * files to write, which may be created or truncated.  files[i][k] is
 * container i's slot k, or -1.  With only_check (--check), nothing is
 * created or truncated and nothing stays open.
 */
static int **open_files(const struct policy *p, const char *file,
			const char *dir, bool only_check)
{
	int **files = calloc(p->ncontainers, sizeof(*files));
	if (!files)
		die(MINOS_EXIT_FAIL, "out of memory");
	for (int writes = 0; writes <= 1; writes++) {
		for (unsigned i = 0; i < p->ncontainers; i++) {
			const struct policy_container *pc = &p->containers[i];
			if (!writes) {
				files[i] = malloc((pc->nslots ? pc->nslots : 1) * sizeof(int));
				if (!files[i])
					die(MINOS_EXIT_FAIL, "out of memory");
			}
			for (unsigned k = 0; k < pc->nslots; k++) {
				const struct policy_slot *sl = &pc->slots[k];
				if (!writes)
					files[i][k] = -1;
				if (sl->kind != BIND_FILE || (writes && only_check))
					continue;
				char *path = policy_path(dir, sl->path);
				struct stat st;
				if ((sl->mode != FILE_READ) == writes)
					files[i][k] = open_bound(file, pc, k, path);
				else if (sl->mode == FILE_CREATE && stat(path, &st) == 0)
					die(MINOS_EXIT_FAIL, "%s:%u:%u: container '%s' fd %u: "
					    "cannot open %s: %s", file, sl->pos.line,
					    sl->pos.column, pc->name, k, path, strerror(EEXIST));
				free(path);
				if (only_check && files[i][k] >= 0) {
					close(files[i][k]);
					files[i][k] = -1;
				}
			}
		}
	}
	return files;
}

/* The policy file, parsed; its SHA-256 (a checkpoint names the policy it
 * was made from by it) and the directory of its relative paths. */
static struct policy *read_and_parse(const struct minos_config *cfg,
				     uint8_t sha[32], char **dir)
{
	size_t len;
	char *buf = read_policy(cfg->policy, &len);
	char err[1024];
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, buf, len);
	sha256_final(&h, sha);
	struct policy *p = policy_parse(buf, len, cfg->policy, &cfg->lim, err,
					sizeof(err));
	free(buf);
	if (!p)
		die(MINOS_EXIT_FAIL, "%s", err);
	char *copy = strdup(cfg->policy);
	if (!copy)
		die(MINOS_EXIT_FAIL, "out of memory");
	*dir = copy;
	char *d = dirname(copy);
	if (d != copy)
		memmove(copy, d, strlen(d) + 1);
	return p;
}

/* The run's configuration for policy p: descriptor limits above what
 * this host gives lowered (hostprobe.c), then the command line's limits
 * with the file's session limits over them. */
static void session_of(struct minos_config *cfg, struct policy *p,
		       struct minos_config *session)
{
	for (unsigned i = 0; i < p->ncontainers; i++) {
		struct policy_container *pc = &p->containers[i];
		char where[512];
		snprintf(where, sizeof(where), "%s:%u:%u: container '%s'", cfg->policy,
			 pc->pos.line, pc->pos.column, pc->name);
		hostprobe_fit_fds(&pc->lim, where);
	}
	hostprobe_fit_fds(&cfg->lim, NULL);
	*session = *cfg;
	session->lim.wall_ms = p->session.wall_ms;
	session->lim.containers = p->session.containers;
	/* (0: derived from the file's containers, not --memory: a stage's
	 * children inherit its memory.) */
	session->lim.total_memory = policy_total_memory(p);
}

struct policy *run_policy_read(struct minos_config *cfg, uint8_t sha[32], char **dir,
			       struct minos_config *session)
{
	struct policy *p = read_and_parse(cfg, sha, dir);
	session_of(cfg, p, session);
	return p;
}

void run_policy_stages(const struct policy *p, const uint8_t sha[32])
{
	ckpt_policy(p->ncontainers, sha, container_status);
}

int run_policy_reopen(const struct policy *p, const char *dir, unsigned i, unsigned k,
		      uint64_t off, char *err, size_t errlen)
{
	const struct policy_container *pc = &p->containers[i];
	if (k >= pc->nslots || pc->slots[k].kind != BIND_FILE) {
		snprintf(err, errlen, "container '%s' fd %u: the saved run had a file "
			 "there, the policy has none", pc->name, k);
		return -1;
	}
	const struct policy_slot *sl = &pc->slots[k];
	char *path = policy_path(dir, sl->path);
	/* Never created, truncated or appended to from its start again: the
	 * saved run opened it; it goes on where the run was. */
	int flags = sl->mode == FILE_READ ? O_RDONLY :
		    sl->mode == FILE_APPEND ? O_WRONLY | O_APPEND : O_WRONLY;
	/* A file the policy creates was the run's own (O_EXCL never follows
	 * a symlink): a symlink there now is someone else's file (RT7-3). */
	if (sl->mode == FILE_CREATE)
		flags |= O_NOFOLLOW;
	int fd = open(path, flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	int rc = 0;
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "container '%s' fd %u: cannot open %s: %s",
			 pc->name, k, path, strerror(errno));
		rc = -1;
	} else if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) {
		snprintf(err, errlen, "container '%s' fd %u: %s: not a regular file "
			 "or a device", pc->name, k, path);
		rc = -1;
	} else if (S_ISREG(st.st_mode) && sl->mode != FILE_READ &&
		   sl->mode != FILE_APPEND && (uint64_t)st.st_size < off) {
		snprintf(err, errlen, "container '%s' fd %u: %s holds %lld bytes, "
			 "the saved run had written %llu: it changed since", pc->name,
			 k, path, (long long)st.st_size, (unsigned long long)off);
		rc = -1;
	} else if (S_ISREG(st.st_mode) && sl->mode != FILE_APPEND &&
		   ((sl->mode != FILE_READ && ftruncate(fd, (off_t)off) < 0) ||
		    lseek(fd, (off_t)off, SEEK_SET) < 0)) {
		/* what it writes from here is what the run wrote after the
		 * checkpoint: a second restore of one file writes it again */
		snprintf(err, errlen, "container '%s' fd %u: %s: %s", pc->name, k, path,
			 strerror(errno));
		rc = -1;
	}
	free(path);
	if (rc < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

/* What a checkpoint needs to know of stage i's slots as they are given
 * (slots: what the stage gets, after any counted relay). */
static void tell_checkpoint(const struct policy_container *pc, unsigned i,
			    const int *slots, struct count_relay *const *counted)
{
	for (unsigned k = 0; k < pc->nslots; k++) {
		switch (pc->slots[k].kind) {
		case BIND_STDIN: ckpt_outside(i, CKPT_STD, 0, slots[k]); break;
		case BIND_STDOUT: ckpt_outside(i, CKPT_STD, 1, slots[k]); break;
		case BIND_STDERR: ckpt_outside(i, CKPT_STD, 2, slots[k]); break;
		case BIND_FILE: ckpt_outside(i, CKPT_FILE, k, slots[k]); break;
		case BIND_WRITE:
			if (counted[k])
				ckpt_outside(i, CKPT_RELAYED, k, slots[k]);
			break;
		default:
			break;
		}
	}
}

/* The pipeline's status, as `set -o pipefail` gives: the last stage (in
 * file order) that did not succeed, or 0. */
static int pipefail_status(void)
{
	int status = 0;
	CTAB_FOREACH(c) {
		if (c->parent)
			continue;
		int s = container_status(c);
		if (s != 0)
			status = s;
	}
	return status;
}

int run_policy(struct minos_config *cfg)
{
	const char *file = cfg->policy;
	char err[1024];
	uint8_t sha[32];
	char *copy, *dir;
	struct policy *p = read_and_parse(cfg, sha, &copy);
	dir = copy;
	struct image *im = calloc(p->ncontainers, sizeof(*im));
	if (!im)
		die(MINOS_EXIT_FAIL, "out of memory");
	load_images(p, file, dir, cfg->report != NULL, im);
	int **files = open_files(p, file, dir, cfg->check);
	if (cfg->check) {
		policy_print(p, stdout);
		fflush(stdout);
		for (unsigned i = 0; i < p->ncontainers; i++)
			close(im[i].memfd);
		for (unsigned i = 0; i < p->ncontainers; i++)
			free(files[i]);
		free(files);
		free(im);
		free(copy);
		policy_free(p);
		return ferror(stdout) ? MINOS_EXIT_FAIL : 0;
	}

	static struct minos_config run_cfg;
	session_of(cfg, p, &run_cfg);
	struct run r;
	run_setup(&r, &run_cfg);
	run_policy_stages(p, sha);

	int (*pipes)[2] = calloc(p->nstreams ? p->nstreams : 1, sizeof(*pipes));
	if (!pipes)
		die(MINOS_EXIT_FAIL, "out of memory");
	for (unsigned s = 0; s < p->nstreams; s++)
		if (pipe2(pipes[s], O_CLOEXEC) < 0)
			die(MINOS_EXIT_FAIL, "stream %s: pipe2: %s", p->streams[s].name,
			    strerror(errno));
	struct stdio_plan io;
	stdio_prepare(&io);

	for (unsigned i = 0; i < p->ncontainers; i++) {
		struct policy_container *pc = &p->containers[i];
		int *slots = malloc((pc->nslots ? pc->nslots : 1) * sizeof(int));
		struct slot_info *info = calloc(pc->nslots ? pc->nslots : 1, sizeof(*info));
		if (!slots || !info)
			die(MINOS_EXIT_FAIL, "out of memory");
		for (unsigned k = 0; k < pc->nslots; k++) {
			const struct policy_slot *sl = &pc->slots[k];
			info[k] = (struct slot_info){ (int)k, NULL, -1, 0 };
			switch (sl->kind) {
			case BIND_NONE: slots[k] = -1; break;
			case BIND_STDIN: slots[k] = io.fd[0]; break;
			case BIND_STDOUT: slots[k] = io.fd[1]; break;
			case BIND_STDERR: slots[k] = io.fd[2]; break;
			case BIND_READ: slots[k] = pipes[sl->stream][0]; break;
			case BIND_WRITE: slots[k] = pipes[sl->stream][1]; break;
			case BIND_FILE: {
				slots[k] = files[i][k];
				/* The offset it starts at: what it moves is what
				 * the stage read or wrote there. */
				info[k].file = slots[k];
				info[k].start = sl->mode == FILE_APPEND ?
					lseek(slots[k], 0, SEEK_END) : 0;
				break;
			}
			}
		}
		/* output: on a stream or minos-exec's stdout/stderr, what the
		 * stage writes goes through a counted relay (stdfds.c). */
		struct count_relay **counted = calloc(pc->nslots ? pc->nslots : 1,
						      sizeof(*counted));
		if (!counted)
			die(MINOS_EXIT_FAIL, "out of memory");
		for (unsigned k = 0; k < pc->nslots; k++) {
			enum bind_kind kind = pc->slots[k].kind;
			if (kind == BIND_WRITE || kind == BIND_STDOUT || kind == BIND_STDERR)
				slots[k] = stdio_count_slot(slots[k], pc->lim.output,
							    &counted[k]);
		}
		struct spawn_req rq = {
			.cfg = &run_cfg, .filter = &r.filter, .memfd = im[i].memfd,
			.slots = slots, .nslots = pc->nslots, .argv = pc->argv,
			.envp = pc->envp, .name = pc->name, .lim = &pc->lim,
		};
		struct container *c;
		if (spawn_container(&rq, &c, err, sizeof(err)) < 0)
			die(MINOS_EXIT_FAIL, "container '%s': %s", pc->name, err);
		close(im[i].memfd);
		ckpt_stage(i, c, 0);
		tell_checkpoint(pc, i, slots, counted);
		for (unsigned k = 0; k < pc->nslots; k++) {
			if (!counted[k])
				continue;
			stdio_relay_target(counted[k], c->pidfd, c->id);
			close(slots[k]); /* the stage holds the write end now */
		}
		free(counted);
		if (c->stats) {
			c->stats->program = strdup(im[i].path);
			memcpy(c->stats->sha256, im[i].sha256, sizeof(im[i].sha256));
			for (unsigned k = 0; k < pc->nslots; k++)
				if (pc->slots[k].kind != BIND_NONE)
					info[c->stats->nslots++] = (struct slot_info){
						(int)k, binding_text(p, &pc->slots[k]),
						info[k].file, info[k].start };
			c->stats->slots = info;
		} else {
			for (unsigned k = 0; k < pc->nslots; k++)
				if (info[k].file >= 0)
					close(info[k].file);
			free(info);
		}
		free(slots);
		free(files[i]);
	}
	free(files);
	/* The stages hold the streams now: a stream ends when its writers do. */
	for (unsigned s = 0; s < p->nstreams; s++) {
		close(pipes[s][0]);
		close(pipes[s][1]);
	}
	free(pipes);
	stdio_after_spawn(&io);
	loop_start_clock();

	int status = run_finish(&r, pipefail_status);
	stdio_relays_finish();
	stdio_finish(&io);
	free(im);
	free(copy);
	/* The containers' names and limits pointed into p; all have ended. */
	policy_free(p);
	return status;
}
