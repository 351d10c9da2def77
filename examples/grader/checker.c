/* SPDX-License-Identifier: MIT */
/*
 * checker - compare a submission's answer (standard input) with the
 * expected one (descriptor 3), as whitespace-separated words.  Prints
 * "OK" and exits 0, or "WA: ..." and exits 1.  It reads the answer to
 * its end either way, so a submission that floods it meets its output
 * limit (OL), not a closed stream.
 */
#include <stdio.h>
#include <string.h>

int main(void)
{
	FILE *want = fdopen(3, "r");
	char a[256], b[256];
	int n = 0;

	if (!want) {
		printf("XX: no expected answer on descriptor 3\n");
		return 2;
	}
	for (;; n++) {
		int ga = scanf("%255s", a), gb = fscanf(want, "%255s", b);
		if (ga != 1 && gb != 1)
			break;
		if (ga != 1 || gb != 1 || strcmp(a, b) != 0) {
			printf("WA: word %d: expected '%s', got '%s'\n", n + 1,
			       gb == 1 ? b : "(end)", ga == 1 ? a : "(end)");
			while (fread(a, 1, sizeof(a), stdin) > 0)
				;
			return 1;
		}
	}
	printf("OK\n");
	return 0;
}
