/* hoard: pending cnew images held by the supervisor, charged to no one.
 *
 * `hoard N MB`: N threads each start a cnew on the read end of a Minos
 * pipe; the main thread writes MB MiB of zeros into each pipe (the
 * supervisor reads them as they come, into its own memory), prints
 * "hoarded" on stdout and waits for one byte on stdin; then closes every
 * writer, so each cnew ends (ENOEXEC: zeros are no image) and prints a
 * summary line "cnew: A ENOEXEC, B ENOMEM, C other".
 * Under --memory=64M, N*MB far above it must not all be held by the
 * supervisor on the container's behalf (issue 9, point 6 / "what to
 * build": pending code images counted against the run's memory). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "minos.h"

#define MAXT 64
static int rfd[MAXT], wfd[MAXT];
static long res[MAXT];
static char chunk[1 << 20];

static void *starter(void *arg)
{
	long i = (long)arg;
	res[i] = minos_cnew(rfd[i], NULL, 0, 0, MINOS_ARCH_X86_64_ELF);
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 8, mb = argc > 2 ? atoi(argv[2]) : 32;
	pthread_t th[MAXT];
	if (n > MAXT)
		n = MAXT;
	for (int i = 0; i < n; i++) {
		if (minos_pipe(&wfd[i], &rfd[i]) < 0)
			return 2;
		pthread_create(&th[i], NULL, starter, (void *)(long)i);
	}
	long stopped = 0;
	for (int i = 0; i < n; i++)
		for (int k = 0; k < mb; k++) {
			size_t off = 0;
			while (off < sizeof(chunk)) {
				long w = minos_write(wfd[i], chunk + off, sizeof(chunk) - off);
				if (w < 0) {
					stopped++;
					k = mb;
					break;
				}
				off += (size_t)w;
			}
		}
	printf("hoarded (%ld streams refused early)\n", stopped);
	fflush(stdout);
	char c;
	int zero = 0;
	minos_read(&zero, 1, &c, 1, NULL);
	for (int i = 0; i < n; i++)
		minos_wclose(wfd[i]);
	int enoexec = 0, enomem = 0, other = 0;
	for (int i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		if (res[i] == -ENOEXEC)
			enoexec++;
		else if (res[i] == -ENOMEM || res[i] == -E2BIG)
			enomem++;
		else
			other++;
	}
	printf("cnew: %d ENOEXEC, %d ENOMEM, %d other\n", enoexec, enomem, other);
	return 0;
}
