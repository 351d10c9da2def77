/* sigq: send a signal with a value to a process (its shared queue), as
 * sigqueue(3) does: si_code SI_QUEUE.  A container cannot (its
 * rt_sigqueueinfo is ENOSYS); t/947-redteam-ck.bats sends it from
 * outside.
 *
 *   sigq PID SIGNAL VALUE
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: sigq PID SIGNAL VALUE\n");
		return 2;
	}
	union sigval v = { .sival_int = atoi(argv[3]) };
	if (sigqueue((pid_t)atoi(argv[1]), atoi(argv[2]), v) < 0) {
		fprintf(stderr, "sigq: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
