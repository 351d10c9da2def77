/* SPDX-License-Identifier: MIT */
/*
 * run.c - the shape of every run: check the host, build the filter, spawn,
 * loop, exit status, report.  The first container's run lives here; a
 * policy file's graph in run_policy.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ckpt.h"
#include "hostprobe.h"
#include "image.h"
#include "launch.h"
#include "log.h"
#include "loop.h"
#include "report.h"
#include "run.h"
#include "stdfds.h"
#include "sys.h"

/* The supervisor copies descriptors out of its containers: give it room. */
static void raise_nofile(void)
{
	struct rlimit r;
	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
	ctab_fd_reserve(); /* the numbers kept for its own work */
}

void run_setup(struct run *r, const struct minos_config *cfg)
{
	char err[512];
	r->cfg = cfg;
	r->start_ns = mono_ns();
	/* The report names every container: their records stay for it. */
	ctab_keep_ended(cfg->report != NULL);
	signal(SIGPIPE, SIG_IGN);
	log_init(); /* a low number, before the reserve's floor */
	raise_nofile();
	hostprobe_check(cfg); /* an outer filter first: it explains the rest */
	host_check();
	/* Refused calls stop in the supervisor only when someone asks about
	 * them: --trace prints them, --report counts them; with --report,
	 * large mmaps stop too, for the memory verdict (report.c); only a
	 * run that can be saved notes set_tid_address (a stop per start). */
	if (filter_build_run(cfg->trace || cfg->report, cfg->report != NULL,
			     cfg->checkpoint != NULL, &r->filter, err,
			     sizeof(err)) < 0)
		die(MINOS_EXIT_FAIL, "%s", err);
	sys_filter = &r->filter;
	loop_init(cfg);
}

int container_status(const struct container *c)
{
	switch (c->end) {
	case END_START:
		return MINOS_EXIT_FAIL;
	case END_SIGNAL:
	case END_CPU:
	case END_OUTPUT:
		return 128 + c->end_sig;
	default:
		break;
	}
	if (WIFEXITED(c->wstatus))
		return WEXITSTATUS(c->wstatus);
	if (WIFSIGNALED(c->wstatus))
		return 128 + WTERMSIG(c->wstatus);
	return MINOS_EXIT_FAIL;
}

int run_finish(struct run *r, int (*status_of)(void))
{
	struct loop_result lr = loop_run();
	/* SIGINT, SIGTERM, SIGHUP that ended the run: 128 + it, whatever
	 * the first container (or a stage) had ended with before
	 * (minos-exec.1); so a container ended by it (END_SESSION) has no
	 * status of its own. */
	int status = lr.session_sig ? 128 + lr.session_sig : status_of();
	if (lr.checkpointed) {
		msg("checkpointed %u container%s to %s", lr.checkpointed,
		    lr.checkpointed == 1 ? "" : "s", r->cfg->checkpoint);
		status = 0;
	}
	char err[512];
	if (r->cfg->report &&
	    report_write(r->cfg->report, status, lr.session_sig,
			 mono_ns() - r->start_ns, err, sizeof(err)) < 0) {
		msg("%s", err);
		if (status == 0)
			status = MINOS_EXIT_FAIL;
	}
	if (log_dropped())
		msg("%lu messages were dropped: stderr was full", log_dropped());
	filter_free(&r->filter);
	return status;
}

static int first_status(void)
{
	return container_status(ctab_head());
}

/* env(1): a PROGRAM without execute permission is 126, not run. */
static void check_executable(const char *program)
{
	struct stat st;
	if (stat(program, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(program, X_OK) < 0 && errno == EACCES)
		die(MINOS_EXIT_CANNOT_RUN, "%s: Permission denied (not executable; "
		    "chmod +x it)", program);
}

int run_program(struct minos_config *cfg)
{
	hostprobe_fit_fds(&cfg->lim, NULL);
	struct run r;
	struct image im;
	struct image_req req = {
		.program = cfg->program, .flat = cfg->flat,
		.hash = cfg->report != NULL, .max = cfg->lim.image_size,
		.memory = cfg->lim.memory, .address_space = cfg->lim.address_space,
	};
	image_load(&req, &im);
	/* After the image checks, whose reasons say more (an empty file, not
	 * an ELF); before anything runs.  A flat image is data, not a
	 * program: it needs no execute bit. */
	if (!cfg->flat)
		check_executable(cfg->program);
	run_setup(&r, cfg);

	/* The run's wall time is the session's (the loop's clock), not the
	 * first container's own. */
	static struct minos_limits first_lim;
	first_lim = cfg->lim;
	first_lim.wall_ms = 0;
	struct stdio_plan io;
	stdio_prepare(&io);
	stdio_count_output(&io, cfg->lim.output);
	const char *base = strrchr(cfg->program, '/');
	struct spawn_req first = {
		.cfg = cfg, .filter = &r.filter, .memfd = im.memfd,
		.slots = io.fd, .nslots = 3, .argv = cfg->argv, .envp = cfg->envp,
		.name = base ? base + 1 : cfg->program, .lim = &first_lim,
	};
	struct container *c;
	char err[512];
	if (spawn_container(&first, &c, err, sizeof(err)) < 0)
		die(MINOS_EXIT_FAIL, "%s", err);
	for (unsigned k = 0; k < 3; k++)
		ckpt_outside(0, CKPT_STD, k, io.fd[k]); /* a checkpoint's roles */
	ckpt_first(c, 0, container_status);
	if (c->stats) {
		static char *names[3] = { "stdin", "stdout", "stderr" };
		static struct slot_info std[3];
		for (int k = 0; k < 3; k++)
			std[k] = (struct slot_info){ k, names[k], -1, 0 };
		c->stats->slots = std;
		c->stats->nslots = 3;
		c->stats->program = strdup(im.path);
		memcpy(c->stats->sha256, im.sha256, sizeof(im.sha256));
	}
	stdio_after_spawn(&io);
	stdio_count_target(&io, c->pidfd, c->id);
	close(im.memfd);
	loop_start_clock();

	int status = run_finish(&r, first_status);
	stdio_relays_finish();
	stdio_finish(&io);
	return status;
}
