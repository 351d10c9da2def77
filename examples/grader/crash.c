/* SPDX-License-Identifier: MIT */
/* crash - a submission that dereferences NULL (SG). */
int main(void)
{
	volatile int *p = 0;
	return *p;
}
