/* errflood - a container floods its wfd 2 (minos-exec's own stderr) while
 * minos-exec has things to say there.
 *
 *   errflood N [nonblock]
 *	a thread writes 2 MiB to wfd 2 as lines of 4096 bytes (one write
 *	each: a pipe takes it whole, so no line of minos-exec's is cut);
 *	meanwhile N flat children die of SIGSEGV one after the other, each
 *	a line of minos-exec's.  With nonblock, wfd 2 is made non-blocking
 *	first (fcntl F_SETFL; a full pipe then waits in poll).  Says
 *	"errflood: N children, 2 MiB" on wfd 1 at the end.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "guest.h"
#include "minos.h"

static char line[4096];

static void *flood(void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < 512; i++) {
		for (;;) {
			long n = minos_write(2, line, sizeof(line));
			if (n == (long)sizeof(line))
				break;
			if (n != -EAGAIN)
				return NULL;
			poll(&(struct pollfd){ .fd = 2, .events = POLLOUT }, 1, -1);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	int n = atoi(argv[1]);
	if (argc > 2 && strcmp(argv[2], "nonblock") == 0 &&
	    fcntl(2, F_SETFL, O_NONBLOCK) < 0)
		return 3;
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	pthread_t t;
	pthread_create(&t, NULL, flood, NULL);
	/* a flat child: hlt, which faults in user mode (SIGSEGV) */
	static const unsigned char crash[] = { 0xf4 };
	for (int i = 0; i < n; i++) {
		int w, r, ow, orr, from;
		char c, b[32];
		if (minos_pipe(&w, &r) < 0 || minos_pipe(&ow, &orr) < 0)
			return 1;
		minos_write(w, crash, sizeof(crash));
		minos_wclose(w);
		long cid = minos_cnew(r, (int[]){ -1, ow }, 0, 2, MINOS_ARCH_X86_64_FLAT);
		if (cid < 0) {
			printf("cnew: %s\n", guest_result(cid, b));
			return 1;
		}
		minos_read(&orr, 1, &c, 1, &from); /* end of stream: it died */
		minos_rclose(orr);
	}
	pthread_join(t, NULL);
	printf("errflood: %d children, 2 MiB\n", n);
	return 0;
}
