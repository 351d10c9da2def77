/* SPDX-License-Identifier: MIT */
/*
 * main.c - minos-exec: run a static x86-64 program as a Minos container.
 *
 * The table of contents: parse the command line -> run a program
 * (run.c) or a policy file's graph (run_policy.c) -> exit status.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "report.h"
#include "restore.h"
#include "run.h"
#include "stdfds.h"

extern char **environ;

int main(int argc, char **argv)
{
	struct minos_config cfg;
	char err[512];

	/* --checkpoint's SIGUSR1 is held from main's first instruction (the
	 * loop reads it from its signalfd): one sent as soon as minos-exec
	 * has started, before the loop existed, ended it (exit 138).  Without
	 * --checkpoint it does what it does to any program. */
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);

	stdio_fill_closed();

	enum cli_result parsed = cli_parse(argc, argv, environ, &cfg, err, sizeof(err));
	if (parsed != CLI_RUN || !cfg.checkpoint)
		sigprocmask(SIG_UNBLOCK, &usr1, NULL);
	if (parsed != CLI_RUN)
		cli_free(&cfg);
	switch (parsed) {
	case CLI_HELP:
	case CLI_VERSION:
		if (parsed == CLI_HELP)
			fputs(cli_usage(), stdout);
		else
			printf("minos-exec %s\n", PACKAGE_VERSION);
		/* A full device (--help >/dev/full) is a failure, as in env(1). */
		if (fflush(stdout) != 0 || ferror(stdout))
			die(MINOS_EXIT_FAIL, "standard output: %s", strerror(errno));
		return 0;
	case CLI_ERROR:
		die(MINOS_EXIT_FAIL, "%s; see 'minos-exec --help'", err);
	case CLI_RUN:
		break;
	}
	/* Before anything runs: an unwritable report path is 125 now, and
	 * from here on every way of ending writes the report. */
	if (cfg.report && !cfg.check &&
	    report_open(cfg.report, cfg.policy ? NULL : cfg.program, err,
			sizeof(err)) < 0)
		die(MINOS_EXIT_FAIL, "%s", err);
	int status = cfg.restore ? run_restore(&cfg) :
		     cfg.policy ? run_policy(&cfg) : run_program(&cfg);
	cli_free(&cfg);
	return status;
}
