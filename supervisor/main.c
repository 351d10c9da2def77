/* SPDX-License-Identifier: MIT */
/*
 * main.c - minos-exec: run a static x86-64 program as a Minos container.
 *
 * The table of contents: parse the command line -> run a program
 * (run.c) or a policy file's graph (run_policy.c) -> exit status.
 */
#include <stdio.h>

#include "cli.h"
#include "log.h"
#include "run.h"
#include "stdfds.h"

extern char **environ;

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
	int status = cfg.policy ? run_policy(&cfg) : run_program(&cfg);
	cli_free(&cfg);
	return status;
}
