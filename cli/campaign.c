/* campaign.c - the exploration: the runs its schedule asks for (a clean
 * recording run, then one run per planned fault, then random runs: see
 * inject/sched.h), findings deduplicated into the report. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/aflmap.h"
#include "cli/campaign.h"
#include "cli/campaign_int.h"
#include "cli/crash.h"
#include "cli/die.h"
#include "cli/fail_on.h"
#include "cli/fuzz.h"
#include "cli/outcome_note.h"
#include "cli/pool.h"
#include "cli/regress.h"
#include "cli/runner.h"
#include "cli/suppress.h"
#include "cli/svcnote.h"
#include "cli/target.h"
#include "inject/feedback.h"
#include "inject/sched.h"
#include "util/util.h"

_Static_assert(OPT_MAX_FAULTS <= SCHED_MAX_FAULTS, "a pinned run carries every --fault");

static char *abs_path(const char *p)
{
	char *r = p ? realpath(p, NULL) : NULL;

	return r ? r : (p ? strdup(p) : NULL);
}


struct progress {
	bool on;
	long long start;
};

static void progress_show(struct progress *p, int done, int planned, int sites, int findings)
{
	double secs;

	if (!p->on)
		return;
	secs = (mono_ms() - p->start) / 1000.0;
	fprintf(stderr, "\r\033[Kfzsandbox: run %d/%d  %.1f runs/s  %d sites  %d findings", done,
		planned, secs > 0 ? done / secs : 0.0, sites, findings);
	fflush(stderr);
}

static void progress_end(struct progress *p)
{
	if (p->on)
		fprintf(stderr, "\r\033[K");
}

/* One rule for both caps: the limit that really ended the campaign is
 * named, and only --budget's wall time is a goal missed (exit 3, as CI
 * reads it); a run count is a cap asked for, and exits as a full
 * campaign would, whether or not --budget was given too. The run count
 * is checked first: when both are reached, the runs asked for were done. */
static const struct cap {
	const char *name;	/* report.json "capped_by" */
	const char *note;	/* "note: " or "" before the line */
	const char *verb;
	const char *status_text;
	int status;		/* without findings */
} cap_table[] = {
	{ "max-runs", "note: ", "stopped the campaign", "", EXIT_CLEAN },
	{ "budget", "", "ended", " (exit 3)", EXIT_BUDGET },
	{ "stop-on-finding", "note: ", "stopped the campaign at its first finding", "", EXIT_CLEAN },
};

static const struct cap *cap_of(const struct options *o, int runs, bool stopped)
{
	if (stopped)
		return &cap_table[2];
	return &cap_table[o->max_runs && runs >= o->max_runs ? 0 : 1];
}

static int finish(struct report *rep, const struct options *o, int planned, int done, int runs,
		  bool capped, bool stopped)
{
	const struct cap *cap = capped || stopped ? cap_of(o, runs, stopped) : NULL;
	char why[PATH_MAX + 128];
	bool fails;
	int e;

	report_set_plan(rep, planned, done, capped || stopped);
	report_set_capped_by(rep, cap ? cap->name : NULL);
	e = report_write_json(rep);
	if (e < 0)
		die_errno(e, "cannot write %s/report.json", o->out_dir);
	fails = fail_on_judge(o->out_dir, report_nfindings(rep));
	if (report_write_formats(o->out_dir, o->formats, o->source_root, why, sizeof(why)) < 0)
		die("%s", why);
	store_findings(o->store, o->out_dir, o->quiet);
	if ((o->formats & REPORT_FMT_TEXT) && (!o->quiet || report_nfindings(rep)))
		report_print_text(rep, stderr);
	fail_on_summary(o->quiet, stderr);
	if (runner_interrupted)
		return 128 + runner_interrupted;
	/* A truncated campaign must not look like a full one, findings or
	 * not (with findings the exit status is theirs). Runs counted as
	 * --max-runs counts them, the clean run included; the summary's
	 * "plan:" line counts the plan's own. */
	if (cap)
		fprintf(stderr, "fzsandbox: %s--%s %s after %d of %d runs (the clean run included)%s\n",
			cap->note, cap->name, cap->verb, done, planned,
			fails ? "" : cap->status_text);
	if (fails)
		return EXIT_FINDINGS;
	return cap ? cap->status : EXIT_CLEAN;
}

/* Everything one invocation carries from run to run. */
struct campaign {
	struct options *o;
	struct runner rn;
	struct report *rep;
	struct runlog *log;
	char **suppressed;	/* finding functions from --suppress */
	int done;
	int last_faults;	/* faults the last run really injected; -1: it did not start */
	int last_id;		/* the last run's finding in the report, 0 for none */
	bool last_new;		/* ... found first by that run */
	bool last_hang;		/* ... ended at --timeout */
	int last_sig;		/* ... its fatal signal, 0 for none */
	struct fuzz *fz;	/* --fuzz (cli/fuzz.h), else NULL */
	int unstarted;		/* runs after the first that could not start */
	long long deadline;
	/* Owned copies the report points at until the end. */
	char **req_abs, *stdin_abs, *options, *out_abs, **plan_options;
	char **options_argv;
	struct scheduler *plan;	/* the plan stage (the sequencer owns it) */
	struct scheduler *sched;	/* the sequencer */
	bool stopped;		/* --stop-on-finding: a finding came in */
};

static void free_strv(char **v)
{
	for (int i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static const char *outcome_of(const struct run_result *res, char *buf, int len)
{
	switch (res->end) {
	case RUN_SIGNALED:
		snprintf(buf, len, "signal SIG%s", sigabbrev_np(res->signal) ? sigabbrev_np(res->signal) : "?");
		break;
	case RUN_TIMEOUT:
		snprintf(buf, len, "hang");
		break;
	case RUN_INTERRUPTED:
		snprintf(buf, len, "interrupted");
		break;
	default:
		snprintf(buf, len, "exit %d", res->exit_status);
		break;
	}
	return buf;
}

/* A run without faults that fails is worth a line, even with -q: every
 * planned run starts from that failure (a missing input, a path the jail
 * does not show, a read-only file) and the campaign covers far less. */
static void note_failed_clean(const struct campaign *c, const struct run_result *res)
{
	char line[160];

	/* A service's run ends when fzsandbox stops it: its status says
	 * nothing (service_clean notes one that did not serve; one that
	 * never listened is an error of its own). */
	if (res->end != RUN_EXITED || res->exit_status == 0 || c->o->service)
		return;
	/* Its last line: what a failing program says last is why. */
	output_tail(c->rn.passthrough ? NULL : c->rn.out_stderr, 1, line, sizeof(line));
	fprintf(stderr, "fzsandbox: note: the run without faults exited with status %d%s%s%s%s\n",
		res->exit_status, line[0] ? " (its stderr: '" : "", line, line[0] ? "')" : "",
		/* The jail's usual cause: a file named on the command line
		 * is bound read-only, and the program edits it in place. */
		!c->rn.sb ? "" : strstr(line, "Read-only file system") ?
			"; in the jail, files named on the command line are read-only: "
			"--bind what the program changes, or --workdir" :
			"; in the jail only its directory, the working directory and the paths "
			"named on the command line are the host's: --ro-bind what else it reads "
			"(compare with --no-sandbox)");
}

/* The service driver's counts of the last run, as the report takes them;
 * NULL outside service mode. */
static const struct run_service *service_counts(const struct campaign *c, struct run_service *s)
{
	if (!c->o->service)
		return NULL;
	*s = (struct run_service){
		.listened = c->rn.svc.ready, .requests = c->o->nrequests, .sent = c->rn.svc.sent,
		.replied = c->rn.svc.replied, .timeouts = c->rn.svc.timeouts,
	};
	return s;
}

/* The clean run of a service: did it serve? (A note if not; its
 * findings are marked.) Its replies, with --show-replies. */
static void service_clean(struct campaign *c, const struct run_result *res)
{
	struct run_service s;

	if (!service_counts(c, &s))
		return;
	if (c->o->show_replies)
		service_show_replies(c->o, &c->rn.svc);
	service_note_clean(c->o, c->rn.argv[0], &c->rn.svc, res,
			   c->rn.passthrough ? NULL : c->rn.out_stderr);
	report_set_service_clean(c->rep, &s, res->end == RUN_EXITED && !res->stopped,
				 res->exit_status);
}

/* A run after the first that could not start (its workdir copy, the jail,
 * the program, a --timeout too short for this one): counted, noted once,
 * kept in runs.jsonl; the campaign goes on, as the next run may well
 * start. The first run's failure is the invocation's (runner_die): nothing
 * could be tested. */
static void run_unstarted(struct campaign *c, const char *mode)
{
	if (c->unstarted++ == 0)
		fprintf(stderr, "fzsandbox: run %d could not start: %s\n", c->done, c->rn.err.msg);
	c->done++;
	c->last_faults = -1;	/* no second chance in another thread */
	c->last_id = 0;
	c->last_new = false;
	if (c->log)
		runlog_write(c->log, c->done - 1, mode, NULL, 0, "setup-failed", 0, NULL, -1);
}

/* An error that ends the campaign after runs were made (the program
 * swapped under the jail): what they found is written first, then the
 * error exits 2 as any other. */
__attribute__((noreturn)) static void die_keeping_report(struct campaign *c)
{
	campaign_set_coverage(c->plan, c->rn.inj, c->rep);
	report_set_plan(c->rep, c->sched ? c->sched->planned : 0, c->done - c->unstarted, true);
	report_set_capped_by(c->rep, "error");
	if (report_write_json(c->rep) == 0)
		fprintf(stderr, "fzsandbox: the campaign stopped on an error after %d runs; their "
			"report is in %s/report.json\n", c->done, c->o->out_dir);
	if (report_nfindings(c->rep))
		report_print_text(c->rep, stderr);
	runner_die(&c->rn);
}

/* Files the clean run left in a writable bind are there for every later
 * run: say so once (sandbox/leftovers.c). */
static void note_leftovers(const struct campaign *c)
{
	char msg[1024];
	int n = c->rn.sb ? sandbox_leftovers_check(c->rn.sb, msg, sizeof(msg)) : 0;

	if (n > 0)
		fprintf(stderr, "fzsandbox: warning: the run without faults left %d new file%s in "
			"writable directories (%s): every later run starts with them; --workdir=DIR "
			"gives each run a fresh copy of DIR\n", n, n == 1 ? "" : "s", msg);
}

/* A run made (by this process or a -j worker), taken in: the finding
 * (unless suppressed), the fault counts, the log, the outcome. */
static void take_in(struct campaign *c, const char *mode, int nplan, struct run_exec *x)
{
	struct run_result *res = &x->res;
	struct run_finding *f = x->f;
	const struct run_service *svcp = c->o->service ? &x->svc : NULL;
	bool clean = strcmp(mode, "clean") == 0, is_new;
	char outcome[64];
	int id = 0, r = x->r;

	if (r < 0 && !runner_interrupted) {
		c->rn.err.status = x->err.status;
		c->rn.err.fatal = x->err.fatal;
		snprintf(c->rn.err.msg, sizeof(c->rn.err.msg), "%s", x->err.msg);
		if (c->done == 0)
			runner_die(&c->rn);
		if (c->rn.err.fatal)
			die_keeping_report(c);
		run_unstarted(c, mode);
		return;
	}
	/* Before its finding goes in: the finding is marked when the
	 * clean run did not serve. */
	if (clean && !runner_interrupted)
		service_clean(c, res);
	c->last_hang = r >= 0 && res->end == RUN_TIMEOUT;
	c->last_sig = r >= 0 && res->end == RUN_SIGNALED ? res->signal : 0;
	if (r == 1 && !suppress_finding(c->suppressed, f))
		id = report_add_finding(c->rep, f, &is_new);
	if (id > 0 && is_new)
		pool_keep_workdir(&c->rn, x, c->o->out_dir, id);
	c->last_id = id;
	c->last_new = id > 0 && is_new;
	if (c->fz && r >= 0)
		fuzz_took(c->fz, x->counts, inject_nclasses(), c->last_new ? (int)f->kind : -1);
	if (c->fz && r >= 0)
		fuzz_usage(c->fz, x->cpu_us, x->maxrss_kb, x->us);
	if (c->fz && r >= 0) {
		struct tracer_restores rs;

		runner_restores(&c->rn, &rs);
		fuzz_set_restores(c->fz, rs.restored, rs.forked, rs.off[0] ? rs.off : rs.last);
	}
	if (runner_interrupted)
		return;
	if (clean) {
		note_failed_clean(c, res);
		refusals_report(&c->rn.refusals, c->rep, stderr);
		note_leftovers(c);
	}
	if (x->problem[0])
		die("%s: %s", inject_class_name(x->problem_cls), x->problem);
	c->done++;
	report_count_run(c->rep, inject_nclasses(), inject_class_names(), x->counts);
	for (int i = 0; i < x->nlog; i++) {
		struct site *s = x->log[i].site_id >= 0 ? report_site(c->rep, x->log[i].site_id) : NULL;

		if (s)
			s->failed++;
	}
	report_count_service(c->rep, svcp);
	c->last_faults = x->nlog;
	/* A pinned fault fires only where the call can really fail that
	 * way: say so when one did not, rather than a bare "0 findings". */
	if (strcmp(mode, "pinned") == 0 && x->nlog < nplan)
		fprintf(stderr, "fzsandbox: note: %d of the %d --fault faults %s injected: a fault "
			"fires only at an occurrence where the call can fail that way (fzsandbox(1), "
			"FAULT FIDELITY; report.json's sites list where each can)\n", x->nlog, nplan,
			x->nlog == 1 ? "was" : "were");
	if (c->log)
		runlog_write(c->log, c->done - 1, mode, x->log, x->nlog,
			     outcome_of(res, outcome, sizeof(outcome)), id > 0 ? id : 0, svcp, x->us);
	if (x->has_outcome)
		outcome_put(c->rep, &x->oc, clean, c->done - 1, id);
}

/* The options that shape the plan but not one run (replay needs none of
 * them), for report.json's plan_options: shards to merge share them. */
static char **plan_words(const struct options *o)
{
	char **v = calloc(o->nexclude + 3, sizeof(*v));
	int n = 0;

	if (!v)
		die("out of memory");
	for (int i = 0; i < o->nexclude; i++)
		if (asprintf(&v[n++], "--exclude-site=%s", o->exclude[i]) < 0)
			die("out of memory");
	if (o->random && (asprintf(&v[n++], "--random") < 0 ||
			  asprintf(&v[n++], "--probability=%g", o->probability) < 0))
		die("out of memory");
	return v;
}

static void report_open(struct campaign *c, char **env)
{
	struct options *o = c->o;
	struct report_meta meta = { 0 };
	char **req_abs = calloc(o->nrequests + 1, sizeof(char *));
	int e;

	if (!req_abs)
		die("out of memory");
	c->req_abs = req_abs;
	c->stdin_abs = abs_path(o->stdin_path);
	c->options = options_describe(o);
	c->options_argv = options_describe_argv(o);
	for (int i = 0; i < o->nrequests; i++)
		req_abs[i] = strcmp(o->requests[i], "@@") ? abs_path(o->requests[i]) : strdup("@@");
	meta.argv = o->argv;
	meta.envp = env;
	meta.cwd = c->rn.cwd;
	meta.stdin_path = c->stdin_abs;
	meta.requests = req_abs;
	meta.inject = o->inject_str;
	meta.options = c->options;
	meta.options_argv = c->options_argv;
	meta.seed = o->seed;
	meta.abort_is_finding = o->abort_is_finding;
	meta.shard_k = o->shard_k;
	meta.shard_n = o->shard_n;
	meta.plan_options = c->plan_options = plan_words(o);
	/* Absolute, so the replay line works from any directory (runner_init
	 * created the directory already). */
	c->out_abs = abs_path(o->out_dir);
	meta.out_dir = c->out_abs;
	meta.self = target_self_path();
	e = report_new(&meta, &c->rep);
	if (e < 0)
		die_errno(e, "cannot create the report in '%s'", o->out_dir);
	e = runlog_open(o->out_dir, &c->log);
	if (e < 0)
		die_errno(e, "cannot write %s/runs.jsonl", o->out_dir);
}

/* What a run taken in amounted to, for its scheduler. */
static void outcome_for_sched(struct campaign *c, const struct run_exec *x, int nsites,
			      struct run_outcome *out)
{
	static struct fb_map maps[2];	/* read by done() before the next run */
	int nmaps = aflmap_maps(c->o, x, maps);

	*out = (struct run_outcome){
		.finding = c->last_id > 0,
		.finding_id = c->last_id,
		.new_finding = c->last_new,
		.faults = c->last_faults,
		.new_sites = report_nsites(c->rep) - nsites,
		.maps = maps,
		.nmaps = nmaps,
		.hang = c->last_hang,
		.late = x->late,
		.nlate = x->nlate,
		.fired = x->fired,
		.nfired = x->nfired,
	};
}

/* One run a scheduler asked for, made here, and what it amounted to. */
static void run_one(struct campaign *c, const struct run_request *req, struct run_outcome *out)
{
	static struct run_exec x;	/* ~10 KiB of plain data */
	static struct run_finding f;
	int nsites = report_nsites(c->rep);

	if (req->input)
		fuzz_feed(c->fz, req->input, req->input_len);
	if (req->record && c->rn.sb && sandbox_leftovers_mark(c->rn.sb) < 0)
		die("out of memory");
	run_exec(&c->rn, req, &x, &f);
	take_in(c, req->mode, req->nfaults, &x);
	/* The clean run's sites become the report's, even when it was
	 * interrupted. */
	if (req->record) {
		inject_sites_finish(c->rn.inj);
		campaign_publish_sites(&c->rn, c->rep);
		/* --check=output: a second run without faults, the same
		 * output, before any fault. */
		runner_output_baseline(&c->rn);
		/* --slowdown: the clean run's spread, before any fault. */
		runner_slowdown_baseline(&c->rn, c->deadline);
		if (c->fz)
			fuzz_set_forked(c->fz, runner_snap_parked(&c->rn));
	}
	outcome_for_sched(c, &x, nsites, out);
}

/* A worker died (killed, or a bug of ours): the others stopped, what the
 * runs taken in found written, exit 2 with why. */
__attribute__((noreturn)) static void pool_failed(struct campaign *c, struct pool *p,
						  const char *why)
{
	pool_stop(p, true);
	c->rn.err.status = 0;
	c->rn.err.fatal = true;
	snprintf(c->rn.err.msg, sizeof(c->rn.err.msg), "%s", why);
	die_keeping_report(c);
}

/* -j N: first the request the serial loop got, then whatever the
 * schedule gives while a worker is free; results are taken in in the
 * order the runs were asked for (pool_next_result), so the report and
 * runs.jsonl are those of -j1 when the runs end the same way. */
static void run_parallel(struct campaign *c, const struct run_request *first, struct progress *prog)
{
	struct scheduler *sched = c->sched;
	struct run_request *reqs = NULL, req = *first;
	struct pool *p = pool_start(&c->rn, c->o->jobs, c->rn.run_dir);
	size_t nreqs = 0, cap = 0;
	bool have = true, done = false;
	char why[PATH_MAX + 64];
	int e, w;

	for (;;) {
		/* Hand out runs while a worker is free (none once stopped:
		 * those handed out are still taken in). */
		while (!runner_interrupted && !c->stopped && (w = pool_idle(p)) >= 0) {
			if (!have) {
				e = done ? SCHED_DONE : sched->next(sched, &req);
				if (e < 0)
					die_errno(e, "cannot schedule the %s runs", sched_seq_stage(sched));
				if (e == SCHED_DONE)
					done = true;
				if (e != SCHED_RUN)
					break;
			}
			have = false;
			if (pool_send(p, w, &req, why, sizeof(why)) < 0)
				pool_failed(c, p, why);
			if (nreqs == cap && !(reqs = realloc(reqs, (cap = cap ? 2 * cap : 64) * sizeof(*reqs))))
				die("out of memory");
			/* A fuzz input lives until the scheduler's next next():
			 * done() and fuzz_after read this copy. */
			if (req.input) {
				uint8_t *copy = malloc(req.input_len ? req.input_len : 1);

				if (!copy)
					die("out of memory");
				memcpy(copy, req.input, req.input_len);
				req.input = copy;
			}
			reqs[nreqs++] = req;
		}
		if (runner_interrupted || !pool_busy(p))
			break;
		/* The oldest run's result, when it is in. */
		struct run_exec *x;
		struct run_outcome out;
		int nsites = report_nsites(c->rep);

		e = pool_next_result(p, &x, why, sizeof(why));
		if (e < 0 && !runner_interrupted)
			pool_failed(c, p, why);
		if (!x)
			continue;
		/* reqs[] holds the requests handed out, oldest first. */
		size_t i = 0;

		while (i < nreqs && reqs[i].id != x->id)
			i++;
		if (i == nreqs)
			die("-j: a result for run %lu, which was not asked for", x->id);
		req = reqs[i];
		memmove(reqs + i, reqs + i + 1, (nreqs - i - 1) * sizeof(*reqs));
		nreqs--;
		take_in(c, req.mode, req.nfaults, x);
		outcome_for_sched(c, x, nsites, &out);	/* out.shape is x's */
		c->stopped = c->stopped || (c->o->stop_on_finding && out.finding);
		if (!runner_interrupted) {
			sched->done(sched, &req, &out);
			if (c->fz)
				fuzz_after(c->fz, &req, &out, c->last_sig, c->done,
					   report_nfindings(c->rep));
		}
		pool_release(p, x);
		free((uint8_t *)req.input);
		/* --stop-on-finding: the runs after it, in request order, are
		 * not taken in (as -j1 would not have made them). */
		if (runner_interrupted || c->stopped)
			break;
		progress_show(prog, c->done, sched->planned, report_nsites(c->rep),
			      report_nfindings(c->rep));
	}
	pool_stop(p, runner_interrupted != 0 || c->stopped);
	for (size_t i = 0; i < nreqs; i++)
		free((uint8_t *)reqs[i].input);
	free(reqs);
}

static void schedule_add(struct scheduler *seq, int e, struct scheduler *s, bool capped)
{
	if (e < 0 || (e = sched_seq_add(seq, s, capped)) < 0)
		die_errno(e, "cannot build the schedule");
}

/* The schedule the options ask for. Run 0: clean, records every site; a
 * crash there is a finding with no fault (the program is broken without
 * our help). Pinned faults need it only to resolve site#K. Then the plan,
 * or the one run with every pinned fault; then --random's runs: until a
 * cap, or 100 without one. */
static struct scheduler *schedule_build(struct campaign *c)
{
	const struct options *o = c->o;
	struct sched_caps caps = { .max_runs = o->max_runs, .deadline_ms = c->deadline };
	struct scheduler *seq, *s = NULL;
	int e;

	if ((e = sched_seq_new(&caps, &seq)) < 0)
		die_errno(e, "cannot build the schedule");
	/* The caps spare it: every other run starts from it. */
	if (!o->nfaults || campaign_needs_sites(o) || o->crash_at) {
		e = sched_clean_new(&s);
		schedule_add(seq, e, s, false);
	}
	/* --fuzz: its loop after the clean run, open-ended (the caps end
	 * it, a normal end); the plan is not tried yet. */
	if (c->fz) {
		schedule_add(seq, 0, fuzz_scheduler(c->fz), true);
		return seq;
	}
	/* --crash-at: a run per durability point of the clean run. */
	if (o->crash_at) {
		e = crash_sched_new(&c->rn, &s);
		schedule_add(seq, e, s, true);
	}
	if (o->nfaults)
		e = sched_pinned_new(o->faults, o->nfaults, &s);
	else if ((e = sched_plan_new(c->rn.inj, o->exclude, &s)) >= 0)
		c->plan = s;
	schedule_add(seq, e, s, true);
	/* --snapshot: the start-up's sites, before the point, in exec runs. */
	if (o->snapshot && !o->nfaults) {
		e = sched_startup_new(&c->rn.startup, &c->rn.nstartup, &s);
		schedule_add(seq, e, s, true);
	}
	if (o->random && !o->nfaults) {
		e = sched_random_new(o->seed, o->probability, (o->max_runs || o->budget_ms) ? 0 : 100, &s);
		schedule_add(seq, e, s, true);
	}
	return seq;
}

int campaign_run(struct options *o, char **environ_base)
{
	struct campaign c = { .o = o };
	/* --fuzz has a status of its own (cli/fuzz_status.h). */
	struct progress prog = { isatty(2) && !o->quiet && !o->fuzz, mono_ms() };
	struct scheduler *sched;
	struct run_request req;
	struct run_outcome out;
	char run_dir[PATH_MAX], **env, **run_argv = NULL;
	const char *why;
	int e;

	c.deadline = o->budget_ms ? mono_ms() + o->budget_ms : 0;
	/* Loss is judged against the runs without faults: a --fault
	 * campaign without site#K makes none. */
	if (o->check_output && o->nfaults && !campaign_needs_sites(o))
		die("--check=output compares with the run without faults, which --fault makes only "
		    "for a site#K: pin a site#K, or drop --fault");
	if (o->suppress)
		c.suppressed = suppress_load(o->suppress, o);
	fail_on_begin(o->fail_on_new, o->store, o->baseline, "");
	if ((o->random || o->fuzz) && !o->seed_set)
		o->seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	o->argv[0] = target_resolve(o->argv[0]);
	env = target_environment(o, environ_base);
	e = tracer_probe(&why);
	if (e < 0)
		die("%s", why);
	/* --resume keeps the earlier campaign's findings/. */
	runner_prepare_out(o->out_dir, !o->resume);
	if (o->fuzz) {
		c.fz = fuzz_open(o, &run_argv);
		o->probability = o->fuzz_faults;	/* each run's, a random one */
	}
	snprintf(run_dir, sizeof(run_dir), "%s/run", o->out_dir);
	runner_init(&c.rn, o, run_argv ? run_argv : o->argv, env, run_dir);
	runner_set_input(&c.rn, c.fz ? fuzz_input_path(c.fz) : NULL);
	if (c.fz)
		fuzz_bind(c.fz, c.rn.inj);
	/* The start-up's sites, before the template's point, which no child
	 * reaches: tried in exec runs among the loop's, as a plain campaign
	 * tries them (when the loop injects faults at all). */
	if (c.fz && o->snapshot && fuzz_schedules(o))
		sched_fuzz_startup(fuzz_scheduler(c.fz), &c.rn.startup, &c.rn.nstartup);
	if (o->shard_n && (e = inject_set_shard(c.rn.inj, o->shard_k, o->shard_n)) < 0)
		die_errno(e, "--shard=%u/%u", o->shard_k, o->shard_n);
	/* Stored with the options: a replay checks it starts from the same
	 * files. */
	if (o->workdir && !o->workdir_hash)
		o->workdir_hash = strdup(c.rn.wd_hash);
	report_open(&c, env);
	if (o->resume)
		fuzz_resume_findings(o, c.rep);

	/* One run at a time here: each is done before the next is asked
	 * for. With -j, the runs after the clean one go to the workers. */
	sched = schedule_build(&c);
	c.sched = sched;
	while (!runner_interrupted && (e = sched->next(sched, &req)) != SCHED_DONE) {
		/* Serial: SCHED_WAIT cannot come, nothing is outstanding. */
		if (e != SCHED_RUN)
			die_errno(e < 0 ? e : -EDEADLK, "cannot schedule the %s runs",
				  sched_seq_stage(sched));
		if (o->jobs > 1 && !req.record) {
			run_parallel(&c, &req, &prog);
			break;
		}
		run_one(&c, &req, &out);
		if (runner_interrupted)
			break;
		c.stopped = o->stop_on_finding && out.finding;
		if (req.record)
			campaign_resolve_pinned(o, &c.rn);
		sched->done(sched, &req, &out);
		if (c.fz)
			fuzz_after(c.fz, &req, &out, c.last_sig, c.done, report_nfindings(c.rep));
		if (!req.record)
			progress_show(&prog, c.done, sched->planned, report_nsites(c.rep),
				      report_nfindings(c.rep));
		if (c.stopped)
			break;
	}
	progress_end(&prog);
	if (c.unstarted > 1)
		fprintf(stderr, "fzsandbox: note: %d of %d runs could not start (runs.jsonl: "
			"\"setup-failed\")\n", c.unstarted, c.done);
	/* The report counts the runs made; one that could not start took
	 * its turn in the plan (and of --max-runs) all the same. */
	campaign_set_coverage(c.plan, c.rn.inj, c.rep);
	fuzz_close(c.fz, c.done, report_nfindings(c.rep));
	e = finish(c.rep, o, sched->planned, c.done - c.unstarted, c.done, sched_seq_capped(sched),
		   c.stopped);
	sched_free(sched);
	runlog_close(c.log);
	report_free(c.rep);
	runner_fini(&c.rn);
	free_strv(c.req_abs);
	free_strv(c.plan_options);
	free_strv(c.suppressed);
	free_strv(env);
	free(c.stdin_abs);
	free(c.options);
	options_argv_free(c.options_argv);
	free(c.out_abs);
	free(run_argv);
	return e;
}
