/* SPDX-License-Identifier: MIT */
/* wrong - a wrong submission: off by one (the checker says WA). */
#include <stdio.h>

int main(void)
{
	long long x, sum = 1;

	while (scanf("%lld", &x) == 1)
		sum += x;
	printf("%lld\n", sum);
	return 0;
}
