/* SPDX-License-Identifier: MIT */
/*
 * outerfilter - run a command under a seccomp filter that answers the
 * listed system calls with an error before anything under it can see
 * them, as a container runtime's profile does (Docker's default: EPERM;
 * runc's stub for numbers it does not know: ENOSYS).
 *
 *	outerfilter [-e ERRNO] CALL... -- COMMAND [ARG...]
 *
 * CALL is a name (kcmp) or a number (0x4401).  ERRNO is a number (1 is
 * EPERM, the default; 38 is ENOSYS).  Every other call is allowed.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int err = EPERM, i = 1;
	if (argc > 2 && strcmp(argv[1], "-e") == 0) {
		err = atoi(argv[2]);
		i = 3;
	}
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return 125;
	for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
		char *end;
		long nr = strtol(argv[i], &end, 0);
		if (*end)
			nr = seccomp_syscall_resolve_name(argv[i]);
		if (nr == __NR_SCMP_ERROR) {
			fprintf(stderr, "outerfilter: %s: unknown call\n", argv[i]);
			return 125;
		}
		int rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO((unsigned)err), (int)nr, 0);
		if (rc < 0) {
			fprintf(stderr, "outerfilter: %s: %s\n", argv[i], strerror(-rc));
			return 125;
		}
	}
	if (i + 1 >= argc) {
		fprintf(stderr, "usage: outerfilter [-e ERRNO] CALL... -- COMMAND [ARG...]\n");
		return 125;
	}
	int rc = seccomp_load(ctx);
	if (rc < 0) {
		fprintf(stderr, "outerfilter: seccomp_load: %s\n", strerror(-rc));
		return 125;
	}
	seccomp_release(ctx);
	execvp(argv[i + 1], argv + i + 1);
	fprintf(stderr, "outerfilter: %s: %s\n", argv[i + 1], strerror(errno));
	return 127;
}
