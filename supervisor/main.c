/* SPDX-License-Identifier: MIT */
/*
 * main.c - minos-exec: run a static x86-64 program as a Minos container.
 *
 * The table of contents: parse -> check -> build the filter -> spawn the
 * first container -> run the loop -> exit status.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <errno.h>

#include "caps.h"
#include "cli.h"
#include "filter.h"
#include "image.h"
#include "log.h"
#include "loop.h"
#include "launch.h"
#include "policy.h"
#include "stdfds.h"
#include "sys.h"

extern char **environ;

/* SPEC section 6: N, or 128 + the signal that ended the first container. */
static int exit_status(const struct loop_result *r)
{
	if (r->first_end == END_START)
		return MINOS_EXIT_FAIL;
	if (r->first_end == END_SESSION && r->session_sig)
		return 128 + r->session_sig;
	if (r->first_end == END_SIGNAL || r->first_end == END_CPU)
		return 128 + r->first_sig;
	if (WIFEXITED(r->first_status))
		return WEXITSTATUS(r->first_status);
	if (WIFSIGNALED(r->first_status))
		return 128 + WTERMSIG(r->first_status);
	return MINOS_EXIT_FAIL;
}

/* The supervisor copies descriptors out of its containers: give it room. */
static void raise_nofile(void)
{
	struct rlimit r;
	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

/* --policy=FILE --check: check FILE and print its graph, run nothing. */
static int policy_check(const struct minos_config *cfg)
{
	char err[512];
	char *buf = malloc(POLICY_MAX_INPUT + 1);
	FILE *f = fopen(cfg->policy, "rb");
	size_t len = 0;
	struct policy *p;

	if (!buf)
		die(MINOS_EXIT_FAIL, "out of memory");
	if (f)
		len = fread(buf, 1, POLICY_MAX_INPUT + 1, f);
	if (!f || ferror(f))
		die(MINOS_EXIT_FAIL, "%s: cannot read: %s", cfg->policy,
		    strerror(errno));
	fclose(f);
	p = policy_parse(buf, len, cfg->policy, &cfg->lim, err, sizeof(err));
	free(buf);
	if (!p)
		die(MINOS_EXIT_FAIL, "%s", err);
	policy_print(p, stdout);
	policy_free(p);
	return 0;
}

int main(int argc, char **argv)
{
	struct minos_config cfg;
	char err[512];

	stdio_fill_closed();

	enum cli_result parsed = cli_parse(argc, argv, environ, &cfg, err, sizeof(err));
	if (parsed != CLI_RUN)
		cli_free(&cfg);
	switch (parsed) {
	case CLI_HELP:
		fputs(cli_usage(), stdout);
		return 0;
	case CLI_VERSION:
		printf("minos-exec %s\n", PACKAGE_VERSION);
		return 0;
	case CLI_ERROR:
		die(MINOS_EXIT_FAIL, "%s; see 'minos-exec --help'", err);
	case CLI_RUN:
		break;
	}
	if (cfg.policy && cfg.check) {
		int status = policy_check(&cfg);

		cli_free(&cfg);
		return status;
	}
	if (cfg.policy)
		die(MINOS_EXIT_FAIL, "--policy: policy files are not implemented "
				     "in this version");
	if (cfg.report)
		die(MINOS_EXIT_FAIL, "--report: reports are not implemented in "
				     "this version");

	signal(SIGPIPE, SIG_IGN);
	raise_nofile();
	host_check();
	int memfd = image_load(&cfg);

	struct filter filter;
	if (filter_build(cfg.trace, &filter, err, sizeof(err)) < 0)
		die(MINOS_EXIT_FAIL, "%s", err);
	if (caps_prepare() < 0)
		die(MINOS_EXIT_FAIL, "libcap: cannot prepare capabilities");

	sys_filter = &filter;
	loop_init(&cfg);
	struct stdio_plan io;
	stdio_prepare(&io);
	const char *base = strrchr(cfg.program, '/');
	struct spawn_req first = {
		.cfg = &cfg, .filter = &filter, .memfd = memfd,
		.slots = io.fd, .nslots = 3, .argv = cfg.argv, .envp = cfg.envp,
		.name = base ? base + 1 : cfg.program,
	};
	struct container *c;
	if (spawn_container(&first, &c, err, sizeof(err)) < 0)
		die(MINOS_EXIT_FAIL, "%s", err);
	stdio_after_spawn(&io);
	close(memfd);
	loop_start_clock();

	struct loop_result r = loop_run();
	stdio_finish(&io);
	filter_free(&filter);
	cli_free(&cfg);
	return exit_status(&r);
}
