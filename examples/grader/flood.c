/* SPDX-License-Identifier: MIT */
/* flood - a submission that prints without end (OL: the output limit). */
#include <stdio.h>

int main(void)
{
	for (;;)
		puts("42");
}
