/* SPDX-License-Identifier: MIT */
/* ckmut11: red team 11's hostile checkpoint files (t/959-redteam11.bats):
 * the roots an ended policy stage left (082d045), forged, with valid
 * checksums (ckfile.c's writer; livesteal, oddstage, hugestage and the
 * status256/statusneg ones unchecked, ckfile.c's test-only CK_W_UNCHECKED: the reader's checks are the ones tried).  IN is t/993's handoff file: stage 1 ("cat", live: container C,
 * its root) and stage 2 ("hand", ended, status 3: container O, the root
 * of it its root left; O's 0 is stdin, its 1 the stream cat reads).
 *
 *   ckmut11 IN OUT MUTATION
 *
 *   dump       print each container (index, stage, parent, cid, name,
 *              descriptors: num/kind/role/stream) and stage; no OUT
 *   swap       O listed before C (both roots: any order is allowed)
 *   livesteal  O claims stage 1 (a live stage's second root)
 *   oddstage   O's stage is 2 (there are 2 stages: 0 and 1)
 *   hugestage  O's stage is 0xffffffff
 *   allended   stage 1 forged ended (status 0) while C, its root, is
 *              saved (C is then a root the ended stage left)
 *   liveorphan stage 2 forged live: O is then its root (named as a
 *              child, not "hand")
 *   liveorphan2 the same, O named "hand"
 *   status77   stage 2's status 77 (a plausible exit status)
 *   status256, statusneg  stage 2's status 256, -2 (no exit status)
 *   stdin2cat  C's 0 is stdin (the policy binds stage 1's 0 to the
 *              stream), O's 0 is closed
 *   stdout2o   O's 1 is minos-exec's stdout (the policy binds stage 2's
 *              1 to the stream, not stdout)
 *   file2cat   C gets a descriptor 5 of stage 2's file role 5 (stage 1
 *              has no file at 5)
 *   twinorphan O saved twice (a second copy of it, another root of the
 *              ended stage, its descriptors the same)
 *   tripleorphan O saved three times (three containers in a stage whose
 *              tree holds two beyond its root)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include "ckfile.h"
#include "ckstate.h"

static struct ck_fd *fd_at(struct ck_container *k, int32_t num)
{
	for (uint32_t i = 0; i < k->nfds; i++)
		if (k->fds[i].num == num)
			return &k->fds[i];
	return NULL;
}

static void drop_fd(struct ck_container *k, int32_t num)
{
	for (uint32_t i = 0; i < k->nfds; i++)
		if (k->fds[i].num == num) {
			memmove(&k->fds[i], &k->fds[i + 1],
				(k->nfds - i - 1) * sizeof(*k->fds));
			k->nfds--;
			return;
		}
}

static void add_fd(struct ck_container *k, struct ck_fd f)
{
	struct ck_fd *v = calloc(k->nfds + 1, sizeof(*v));
	uint32_t j = 0;
	for (uint32_t i = 0; i < k->nfds; i++) {
		if (j == i && k->fds[i].num > f.num)
			v[j++] = f;
		v[j++] = k->fds[i];
	}
	if (j == k->nfds)
		v[j] = f;
	k->fds = v;
	k->nfds++;
}

int main(int argc, char **argv)
{
	if (argc != 4)
		return 2;
	int fd = open(argv[1], O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return 2;
	char *b = malloc((size_t)st.st_size);
	if (!b || read(fd, b, (size_t)st.st_size) != st.st_size)
		return 2;
	close(fd);
	struct ck_run r;
	char err[256];
	if (ck_read(b, (size_t)st.st_size, &r, err, sizeof(err)) < 0) {
		fprintf(stderr, "read: %s\n", err);
		return 1;
	}
	const char *m = argv[3];
	if (!strcmp(m, "dump")) {
		for (uint32_t i = 0; i < r.nstages; i++)
			printf("stage %u: %d\n", i, r.stages[i].status);
		for (uint32_t ci = 0; ci < r.ncontainers; ci++) {
			struct ck_container *k = &r.containers[ci];
			printf("container %u: stage %u parent %d cid %d name '%s' fds",
			       ci, k->stage, k->parent, k->cid, k->name);
			for (uint32_t i = 0; i < k->nfds; i++)
				printf(" %d/%u/%u/%u", k->fds[i].num, k->fds[i].kind,
				       k->fds[i].role, k->fds[i].stream);
			printf("\n");
		}
		return 0;
	}
	if (r.nstages != 2 || r.ncontainers != 2 || r.stages[0].status != CK_STAGE_LIVE ||
	    r.stages[1].status == CK_STAGE_LIVE) {
		fprintf(stderr, "not the file wanted\n");
		return 2;
	}
	uint32_t ci = r.containers[0].stage == 0 ? 0 : 1;
	struct ck_container *c = &r.containers[ci], *o = &r.containers[1 - ci];
	if (!strcmp(m, "swap")) {
		struct ck_container t = r.containers[0];
		r.containers[0] = r.containers[1];
		r.containers[1] = t;
	} else if (!strcmp(m, "livesteal")) {
		o->stage = 0;
	} else if (!strcmp(m, "oddstage")) {
		o->stage = 2;
	} else if (!strcmp(m, "hugestage")) {
		o->stage = 0xffffffffu;
	} else if (!strcmp(m, "allended")) {
		r.stages[0].status = 0;
	} else if (!strcmp(m, "liveorphan")) {
		r.stages[1].status = CK_STAGE_LIVE;
	} else if (!strcmp(m, "liveorphan2")) {
		r.stages[1].status = CK_STAGE_LIVE;
		snprintf(o->name, sizeof(o->name), "hand");
	} else if (!strcmp(m, "status77")) {
		r.stages[1].status = 77;
	} else if (!strcmp(m, "status256")) {
		r.stages[1].status = 256;
	} else if (!strcmp(m, "statusneg")) {
		r.stages[1].status = -2;
	} else if (!strcmp(m, "stdin2cat")) {
		struct ck_fd *f = fd_at(c, 0);
		if (!f)
			return 2;
		*f = (struct ck_fd){ .num = 0, .kind = CK_FD_OUTSIDE, .role = 0 };
		drop_fd(o, 0);
	} else if (!strcmp(m, "stdout2o")) {
		struct ck_fd *f = fd_at(o, 1);
		if (!f)
			return 2;
		*f = (struct ck_fd){ .num = 1, .kind = CK_FD_OUTSIDE, .role = 1 };
	} else if (!strcmp(m, "file2cat")) {
		if (fd_at(c, 5))
			return 2;
		add_fd(c, (struct ck_fd){ .num = 5, .kind = CK_FD_FILE, .role = 5 });
	} else if (!strcmp(m, "twinorphan") || !strcmp(m, "tripleorphan")) {
		uint32_t n = !strcmp(m, "twinorphan") ? 3 : 4;
		struct ck_container *v = calloc(n, sizeof(*v));
		memcpy(v, r.containers, 2 * sizeof(*v));
		for (uint32_t i = 2; i < n; i++)
			v[i] = v[1 - ci];
		r.containers = v;
		r.ncontainers = n;
	} else {
		fprintf(stderr, "unknown mutation %s\n", m);
		return 2;
	}
	/* What the writer's checks would refuse is written unchecked: the
	 * reader must refuse it. */
	uint32_t flags = !strcmp(m, "livesteal") || !strcmp(m, "oddstage") ||
			 !strcmp(m, "hugestage") || !strcmp(m, "status256") ||
			 !strcmp(m, "statusneg") ? 0x80000000u : 0; /* ckfile.c's CK_W_UNCHECKED */
	fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ck_write_flags(fd, &r, flags, err, sizeof(err)) < 0) {
		fprintf(stderr, "write: %s\n", err);
		return 1;
	}
	return 0;
}
