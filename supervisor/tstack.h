/* SPDX-License-Identifier: MIT */
/*
 * tstack.h - the stacks new container processes run the trampoline on.
 *
 * A container process shares minos-exec's memory from its clone to its
 * exec (trampoline.h), on a stack of its own that holds its arguments at
 * the top.  The stack is its container's until the process has left it:
 * its exec's exit stop (a cnew child), or its end.  Stacks of the usual
 * size are kept for the next container (a few), so a start costs no
 * mapping and touches pages already there.
 */
#ifndef MINOS_TSTACK_H
#define MINOS_TSTACK_H

#include <stddef.h>

/* A stack of at least *len bytes (*len becomes its size), the guard page
 * below it not counted: its lowest byte, or NULL (ENOMEM). */
void *tstack_get(size_t *len);
/* Give back a stack tstack_get made (NULL: nothing). */
void tstack_put(void *stack, size_t len);

#endif
