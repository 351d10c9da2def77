/* SPDX-License-Identifier: MIT */
/* image.h - a program, read once into a sealed memfd. */
#ifndef MINOS_IMAGE_H
#define MINOS_IMAGE_H

#include <limits.h>
#include <stdbool.h>

struct image_req {
	const char *program;     /* a name without '/' is looked up in $PATH */
	const char *dir;         /* relative paths start here; NULL: the cwd */
	bool flat;               /* wrap a flat image (arch 1) */
	bool hash;               /* compute the SHA-256 (for --report) */
	unsigned long long max;  /* the image-size limit */
	unsigned long long memory, address_space; /* the container's limits:
				  * the image must load within them (0: none) */
	const char *where;       /* names it in messages; NULL: program */
};

struct image {
	int memfd;               /* sealed */
	char path[PATH_MAX];     /* where it was found */
	char sha256[65];         /* of the program's bytes, or "" */
};

/* Find the program (as env(1) does), read it once into a sealed memfd,
 * check it (elfcheck.c) or wrap a flat image, and check that its memory
 * fits the limits it will run under.  Dies with 126/127 and a one-line
 * reason when it cannot be run. */
void image_load(const struct image_req *rq, struct image *out);

#endif
