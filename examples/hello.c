/* SPDX-License-Identifier: MIT */
/*
 * hello - the smallest Minos program: one Minos write to wfd 1.
 *
 *	minos-exec examples/hello
 */
#include <minos.h>

int main(void)
{
	static const char msg[] = "hello, world\n";

	return minos_write(1, msg, sizeof(msg) - 1) == sizeof(msg) - 1 ? 0 : 1;
}
