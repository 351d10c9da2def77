/* epintr: a pass into a child makes the child's epoll_wait fail EINTR.
 *
 * The child (no signal handler anywhere) waits in epoll_wait(-1) on an
 * empty pipe, in a loop, counting what it returns; the parent makes N
 * wpasses into it (a thread of the child is borrowed: PTRACE_INTERRUPT),
 * then writes a byte into the watched pipe so the child reports
 * "child: E EINTR in W waits" on its wfd 1 and ends.  Linux gives
 * epoll_wait EINTR only for a signal handler (or a stop and SIGCONT);
 * here no signal is ever sent, so expected "child: 0 EINTR ...";
 * `epintr N < epintr`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include "rt.h"

int main(int argc, char **argv)
{
	if (argc == 0 || (argc == 1 && argv[0] && argv[0][0] == '\0')) {
		int ep = epoll_create1(0);
		struct epoll_event ev = { .events = EPOLLIN }, out;
		epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev); /* rfd 0: the parent's pipe */
		int eintr = 0, waits = 0;
		for (;;) {
			int n = epoll_wait(ep, &out, 1, -1);
			waits++;
			if (n < 0 && errno == EINTR) {
				eintr++;
				continue;
			}
			break;
		}
		char line[64];
		snprintf(line, sizeof(line), "child: %d EINTR in %d waits\n", eintr, waits);
		rt_say(1, line);
		return 0;
	}
	int n = argc > 1 ? atoi(argv[1]) : 20;
	if (rt_read_self() < 0)
		return 2;
	int kw, kr, rw, rr;
	minos_pipe(&kw, &kr);
	minos_pipe(&rw, &rr);
	int fds[3] = { kr, -1, rw }; /* rfd 0, wfd 1 */
	long cid = rt_spawn_self(fds, 1, 2);
	if (cid < 0) {
		printf("cnew = %ld\n", cid);
		return 1;
	}
	long placed = 0;
	for (int i = 0; i < n; i++) {
		int w, r;
		minos_pipe(&w, &r);
		if (minos_wpass(w, (int)cid) >= 0)
			placed++;
		minos_rclose(r);
	}
	minos_write(kw, "x", 1);
	char buf[64];
	long got = minos_read(&rr, 1, buf, sizeof(buf) - 1, NULL);
	buf[got > 0 ? got : 0] = 0;
	printf("passes placed: %ld\n%s", placed, buf);
	return 0;
}
