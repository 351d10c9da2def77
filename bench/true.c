/* SPDX-License-Identifier: MIT */
/*
 * true - a static program that does nothing and exits 0: what start-up
 * costs when the program itself costs nothing.  Built as a guest (static
 * musl), so the same binary runs natively and under minos-exec.
 */
int main(void)
{
	return 0;
}
