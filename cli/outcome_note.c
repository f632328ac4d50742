/* outcome_note.c - each run's outcome into the report: its end, its
 * first stderr line, its stdout against the clean run's, its times. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/outcome_note.h"

/* The clean run's stdout, kept beside the run directory: every later run
 * overwrites the episode's. -errno when it cannot be kept (then no run's
 * stdout is compared). */
static int keep_clean_stdout(struct runner *rn)
{
	char buf[65536];
	int in, out, e = 0;
	ssize_t n;

	snprintf(rn->clean_stdout, sizeof(rn->clean_stdout), "%s/clean-stdout", rn->run_dir);
	in = open(rn->out_stdout, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(rn->clean_stdout, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		e = -errno;
		close(in);
		return e;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n) {
			e = -EIO;
			break;
		}
	if (n < 0)
		e = -errno;
	close(in);
	if (close(out) < 0 && !e)
		e = -errno;
	return e;
}

bool outcome_make(struct runner *rn, const struct run_result *res, bool clean, int64_t wall_us,
		  struct outcome *o)
{
	const struct fault_rec *log;
	int nlog = inject_run_log(rn->inj, &log);

	*o = (struct outcome){
		.site_id = -1, .nfaults = nlog, .exit_status = res->exit_status,
		.signal = res->signal, .wall_us = wall_us, .cpu_us = rn->cpu_us,
		.ending = res->end == RUN_EXITED ? ENDED_EXIT :
			  res->end == RUN_SIGNALED ? ENDED_SIGNAL :
			  res->end == RUN_TIMEOUT ? ENDED_TIMEOUT : ENDED_OTHER,
	};
	if (o->ending == ENDED_OTHER || rn->passthrough || (!clean && nlog == 0))
		return false;
	if (clean) {
		rn->clean_stdout[0] = 0;
		if (keep_clean_stdout(rn) < 0) {
			fprintf(stderr, "fzsandbox: warning: cannot keep the clean run's stdout in "
				"'%s': later runs' stdout is not compared with it\n", rn->run_dir);
			rn->clean_stdout[0] = 0;
		}
	} else {
		/* The table's row is the first fault's site (a planned run
		 * has one fault; a random run's are counted). */
		o->site_id = log[0].site_id;
		snprintf(o->call, sizeof(o->call), "%s", log[0].call);
		snprintf(o->fault, sizeof(o->fault), "%s", log[0].fault);
		o->occurrence = log[0].occurrence;
		o->thread = log[0].thread;
	}
	/* The clean run's stdout is what the others are compared with. */
	outcome_read_output(o, rn->out_stderr, rn->out_stdout,
			    !clean && rn->clean_stdout[0] ? rn->clean_stdout : NULL);
	return true;
}

void outcome_put(struct report *rep, struct outcome *o, bool clean, int run, int finding)
{
	o->run = run;
	o->finding = finding;
	if (clean)
		report_set_clean_outcome(rep, o);
	else if (report_add_outcome(rep, o) < 0)
		fprintf(stderr, "fzsandbox: warning: out of memory: run %d left out of the outcome "
			"table\n", run);
}
