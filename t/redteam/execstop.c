/* execstop: is every cnew child started with argc 0 and a sealed vDSO?
 *
 * At a child's execveat exit stop the supervisor rewrites its initial
 * stack to argc 0 and seals its vDSO (sys_cnew_exec_stop); both are
 * skipped if its first read of the stack fails.  `execstop N < execstop`
 * starts N children one after the other; each reports on its wfd 1
 * "A S": A = 0 if argc is 0, 1 otherwise; S = 0 if munmap of its vDSO
 * is refused (sealed), 1 if it is allowed.  Prints
 * "N children: U with argc 1, V with an unsealed vDSO"; expected 0, 0. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include "rt.h"

int main(int argc, char **argv)
{
	if (argc == 0 || (argc == 1 && argv[0] && argv[0][0] == '\0')) {
		unsigned long vdso = getauxval(AT_SYSINFO_EHDR);
		int unsealed = vdso && munmap((void *)vdso, 4096) == 0;
		char line[8] = { argc ? '1' : '0', ' ', unsealed ? '1' : '0', '\n' };
		minos_write(1, line, 4);
		return 0;
	}
	int n = argc > 1 ? atoi(argv[1]) : 200, a = 0, s = 0, lost = 0;
	if (rt_read_self() < 0)
		return 2;
	for (int i = 0; i < n; i++) {
		int rw, rr;
		minos_pipe(&rw, &rr);
		int fds[2] = { -1, rw }; /* wfd 1 */
		long cid = rt_spawn_self(fds, 0, 2);
		if (cid < 0) {
			minos_wclose(rw);
			minos_rclose(rr);
			lost++;
			continue;
		}
		char buf[8] = { 0 };
		size_t got = 0;
		long k;
		while (got < 4 && (k = minos_read(&rr, 1, buf + got, 4 - got, NULL)) > 0)
			got += (size_t)k;
		minos_rclose(rr);
		if (got < 4) {
			lost++;
			continue;
		}
		a += buf[0] == '1';
		s += buf[2] == '1';
	}
	printf("%d children: %d with argc 1, %d with an unsealed vDSO (%d lost)\n", n, a,
	       s, lost);
	return 0;
}
