/* standalone.c - --inject=none: sandboxed execution without faults, the
 * component-isolation mode. One run, traced like any other (crashes and
 * sandbox violations are recorded with their stacks), but the program
 * keeps fzsandbox's stdin/stdout/stderr and its exit status is passed
 * through, as env(1) and timeout(1) do. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/die.h"
#include "cli/runner.h"
#include "cli/standalone.h"
#include "cli/target.h"


/* Options that only mean something for a campaign of faulted runs. */
static void refuse_campaign_options(const struct options *o)
{
	if (o->nfaults)
		die("--fault injects a fault; --inject=none runs the program without one");
	if (o->random)
		die("--random injects faults; --inject=none runs the program without one");
	if (o->service)
		die("--request/--service drive a campaign; --inject=none passes stdin through");
}

static int status_of(const struct run_result *res)
{
	switch (res->end) {
	case RUN_EXITED:
		return res->exit_status;
	case RUN_SIGNALED:
		return 128 + res->signal;
	case RUN_TIMEOUT:
		return EXIT_TIMEDOUT;
	default:
		return EXIT_FZ_FAILED;
	}
}

int standalone_run(struct options *o, char **environ_base)
{
	struct report_meta meta = { 0 };
	struct report *rep = NULL;
	char here[PATH_MAX], *out_abs = NULL;
	struct run_result res;
	struct run_finding f;
	/* Static: zeroed without touching its pages (runner.h). */
	static struct runner rn;
	char **env, *options, **options_argv;
	int e, status, id = 0;
	bool is_new, violation = false;

	refuse_campaign_options(o);
	o->argv[0] = target_resolve(o->argv[0]);
	env = target_environment(o, environ_base);
	/* No tracer_probe here: its fork costs a one-shot run about a
	 * millisecond; a run that cannot be traced fails its spawn, and
	 * check_episode then probes for the same clear line. */
	runner_init(&rn, o, o->argv, env, NULL);
	if (o->workdir && !o->workdir_hash)
		o->workdir_hash = strdup(rn.wd_hash);
	options = options_describe(o);
	options_argv = options_describe_argv(o);
	meta.argv = o->argv;
	meta.envp = env;
	meta.cwd = rn.cwd;
	meta.inject = "none";
	meta.options = options;
	meta.options_argv = options_argv;
	/* Absolute, so the replay line works from any directory (the
	 * directory itself is made only when there is a report). */
	if (o->out_dir[0] == '/' || !getcwd(here, sizeof(here)) ||
	    asprintf(&out_abs, "%s/%s", here, o->out_dir) < 0)
		out_abs = NULL;
	meta.out_dir = out_abs ? out_abs : o->out_dir;
	meta.self = target_self_path();
	e = report_new(&meta, &rep);
	if (e < 0)
		die_errno(e, "cannot create the report in '%s'", o->out_dir);
	/* Before the program runs: its status must not be lost to a report
	 * that cannot be written afterwards. */
	if (o->out_set)
		runner_prepare_out(o->out_dir, true);

	e = runner_run(&rn, true, NULL, 0, &res, &f);
	if (e < 0 && !runner_interrupted)
		runner_die(&rn);
	if (e == 1) {
		violation = f.kind == FIND_VIOLATION;
		id = report_add_finding(rep, &f, &is_new);
		if (id > 0)
			runner_keep_workdir(&rn, o->out_dir, id);
	}
	if (!runner_interrupted)
		refusals_report(&rn.refusals, rep, stderr);
	report_count_run(rep, 0, NULL, NULL);
	report_set_plan(rep, 1, 1, false);
	/* The report only when asked for (--out) or when there is something
	 * to report: a bwrap-like invocation leaves no directory behind. */
	if (o->out_set || id > 0) {
		e = report_write_json(rep);
		if (e < 0)
			die_errno(e, "cannot write %s/report.json", o->out_dir);
	}
	if (id > 0)
		report_print_text(rep, stderr);
	if (runner_interrupted)
		status = 128 + runner_interrupted;
	else if (violation && o->violation_exit >= 0)
		status = o->violation_exit;
	else
		status = status_of(&res);
	report_free(rep);
	runner_fini(&rn);
	free(options);
	options_argv_free(options_argv);
	free(out_abs);
	for (int i = 0; env[i]; i++)
		free(env[i]);
	free(env);
	return status;
}
