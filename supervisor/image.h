/* SPDX-License-Identifier: MIT */
/* image.h - PROGRAM, read once into a sealed memfd. */
#ifndef MINOS_IMAGE_H
#define MINOS_IMAGE_H

#include "config.h"

/* Find PROGRAM (a name without '/' is looked up in $PATH, as env(1)
 * does), read it once into a sealed memfd, check it (elf.c) or wrap a flat
 * image (--flat).  Returns the memfd; dies with 126/127 and a one-line
 * reason when PROGRAM cannot be run. */
int image_load(const struct minos_config *cfg);

#endif
