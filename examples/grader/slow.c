/* SPDX-License-Identifier: MIT */
/* slow - a submission that never finishes (TO: the CPU time limit). */
int main(void)
{
	for (volatile unsigned long n = 0;; n++)
		;
}
