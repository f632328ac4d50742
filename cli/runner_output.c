/* runner_output.c - the runner's side of --check=output (cli/outcheck.h
 * judges): the runs without faults give the baseline, a faulted run that
 * exited 0 is judged, and one that lost output is made again with its
 * stacks on. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli/die.h"
#include "cli/outcheck.h"
#include "cli/runner.h"
#include "sandbox/workdir.h"

/* Output that cannot be read ends the invocation: no later verdict
 * could be trusted. */
static int fail(struct runner *r, const char *why)
{
	snprintf(r->err.msg, sizeof(r->err.msg), "%s", why);
	r->err.status = 0;
	r->err.fatal = true;
	return -EIO;
}

/* Where the last run's output is, for --check=output. */
static struct outcheck_run output_of(const struct runner *r)
{
	return (struct outcheck_run){
		.stdout_path = r->out_stdout, .sb = r->sb, .workdir = r->wd ? workdir_copy_path(r->wd) : NULL,
	};
}

/* --check=output: see runner.h. The stacks are the ones taken at
 * injection, in this run (r->stacks_now or --check=CMD) or not at all:
 * runner.c makes the run again with them when they were not. */
int runner_output_judge(struct runner *r, bool record, const struct run_result *res,
			struct run_finding *f)
{
	struct outcheck_run run = output_of(r);
	const struct fault_rec *log;
	int nlog = inject_run_log(r->inj, &log), e;
	char why[sizeof(r->err.msg)];

	if (!r->oc)
		return 0;
	if (record) {
		e = outcheck_clean(r->oc, &run, true, why, sizeof(why));
		return e < 0 ? fail(r, why) : 0;
	}
	if (nlog == 0 || res->end != RUN_EXITED || res->exit_status != 0)
		return 0;
	memset(f, 0, offsetof(struct run_finding, stacks));
	memset(&f->nfaults, 0, sizeof(*f) - offsetof(struct run_finding, nfaults));
	e = outcheck_judge(r->oc, &run, f, why, sizeof(why));
	if (e <= 0)
		return e < 0 ? fail(r, why) : 0;
	f->nthreads = nlog < FINDING_MAX_THREADS ? nlog : FINDING_MAX_THREADS;
	for (int j = 0; j < f->nthreads; j++) {
		f->stacks[j] = r->fault_stacks[j];
		f->stacks[j].thread = log[j].thread;
	}
	f->thread = log[0].thread;
	f->tid = r->fault_stacks[0].tid;
	f->exit_status = 0;
	f->stdout_path = r->out_stdout;
	f->stderr_path = r->out_stderr;
	return 1;
}

void runner_output_same(struct runner *r)
{
	struct outcheck_run run = output_of(r);
	char why[sizeof(r->err.msg)];

	if (r->oc && outcheck_clean(r->oc, &run, false, why, sizeof(why)) < 0)
		die("%s", why);
}
