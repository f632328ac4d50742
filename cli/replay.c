/* replay.c - --replay: a finding's stored run, N times; reproduced = the
 * same kind and the same top non-system frame. The verdict also goes to
 * OUT/replay/report.json (the report schema plus "replay"), so that
 * scripts read it rather than parse stderr. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/campaign.h"
#include "cli/die.h"
#include "cli/replay.h"
#include "util/util.h"
#include "cli/runner.h"
#include "cli/target.h"
#include "symbols/symbols.h"

/* A fault's stored predicates ("@exe=G@path=G"): the replay counts its
 * occurrence among the calls they match, as the run did. */
static void replay_where(const char *where, struct fault_pred *p)
{
	char buf[sizeof(((struct fault_rec *)0)->where)], why[256], *w, *next;

	snprintf(buf, sizeof(buf), "%s", where);
	for (w = buf[0] == '@' ? buf + 1 : NULL; w; w = next) {
		if ((next = strchr(w, '@')))
			*next++ = 0;
		if (fault_pred_parse(NULL, w, p, why, sizeof(why)) < 0)
			die("--replay: bad stored predicate '%s': %s", where, why);
	}
}

/* The stored faults as the engine's plan. */
void replay_plan(const struct replay_spec *spec, struct plan_fault *plan)
{
	for (int i = 0; i < spec->nfaults; i++) {
		memset(&plan[i], 0, sizeof(plan[i]));
		snprintf(plan[i].call, sizeof(plan[i].call), "%s", spec->faults[i].call);
		if (fault_parse(spec->faults[i].fault, &plan[i].fault) < 0)
			die("--replay: bad stored fault '%s'", spec->faults[i].fault);
		snprintf(plan[i].site, sizeof(plan[i].site), "%s", spec->faults[i].site);
		plan[i].thread = spec->faults[i].thread;
		plan[i].occurrence = spec->faults[i].occurrence;
		replay_where(spec->faults[i].where, &plan[i].pred);
	}
}

/* The replay's report never replaces the one replayed (a replay of
 * OUT/replay/report.json with the same --out): checked before anything
 * runs, from the directory the paths were given in. */
static void check_not_over(const char *dir, const char *replayed)
{
	char path[PATH_MAX + 16], *a, *b;
	bool same;

	snprintf(path, sizeof(path), "%s/report.json", dir);
	a = realpath(path, NULL);
	b = realpath(replayed, NULL);
	same = a && b && strcmp(a, b) == 0;
	free(a);
	free(b);
	if (same)
		die("--replay: its report would replace '%s', the report replayed (use another --out)",
		    replayed);
}

/* The replay's own report: the stored program and options, as the
 * campaign's report has them. */
struct report *replay_report(const struct replay_spec *spec, const char *dir)
{
	struct report_meta meta = {
		.argv = spec->argv, .envp = spec->envp, .cwd = spec->cwd,
		.stdin_path = spec->stdin_path, .requests = spec->requests, .inject = spec->inject,
		.options = spec->options, .options_argv = spec->options_argv, .seed = spec->seed,
		.out_dir = dir, .self = target_self_path(),
	};
	struct report *rep;
	int e = report_clear_previous(dir);

	if (e < 0)
		die_errno(e, "cannot clear '%s' of an earlier replay", dir);
	e = report_new(&meta, &rep);
	if (e < 0)
		die_errno(e, "cannot create the replay's report in '%s'", dir);
	return rep;
}

/* Does the replayed run's finding match the stored one? */
bool replay_reproduces(const struct replay_spec *spec, const struct run_finding *f)
{
	const struct frame *top = NULL;

	if (f->kind != spec->kind)
		return false;
	for (int i = 0; f->nthreads && i < f->stacks[0].nframes && !top; i++)
		if (!f->stacks[0].frames[i].system)
			top = &f->stacks[0].frames[i];
	return !spec->top_function[0] || (top && strcmp(top->function, spec->top_function) == 0);
}

/* copy (NULL: none): the program reads a copy of the input at that path
 * instead (minimize rewrites it; the report's file stays as it was). */
static void replay_input(struct replay_spec *spec, struct options *o, const char *copy)
{
	char *in = realpath(spec->input_path, NULL);
	bool at_at = false;
	size_t len;
	void *data;
	int e;

	if (!in)
		die_errno(-errno, "--replay: the finding's input '%s'", spec->input_path);
	if (copy) {
		if ((e = fs_read_file(in, 64 << 20, &data, &len)) < 0 ||
		    (e = fs_write_file(copy, data, len, 0644)) < 0)
			die_errno(e, "cannot copy the finding's input '%s' to '%s'", in, copy);
		free(data);
		free(in);
		if (!(in = realpath(copy, NULL)))
			die_errno(-errno, "cannot resolve '%s'", copy);
	}
	/* "@@" in argv, or a service's request (its input is that
	 * connection's bytes): the input goes there, not to stdin. */
	char **lists[] = { spec->argv, spec->requests };

	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++)
		for (int i = 0; lists[l] && lists[l][i]; i++)
			if (strcmp(lists[l][i], "@@") == 0) {
				free(lists[l][i]);
				lists[l][i] = strdup(in);
				at_at = true;
				if (!lists[l][i])
					die("out of memory");
			}
	o->stdin_path = at_at ? spec->stdin_path : in;	/* in: lives until exit */
}

bool replay_setup(struct options *o, const char *what, const char *sub, struct replay_spec *spec,
		  struct runner *rn, char *run_dir, size_t len, char **replayed, char *input_copy)
{
	char why[256];
	const char *pwhy;
	bool from_snapshot;
	int e;

	e = replay_load(o->replay, spec, why, sizeof(why));
	if (e < 0)
		die("%s: %s", what, why);
	/* Sites are build-id keyed, so an older report still replays; its
	 * faults may just mean something else to a changed fzsandbox. */
	if (strcmp(spec->version, PACKAGE_VERSION) != 0)
		fprintf(stderr, "fzsandbox: warning: the report was written by fzsandbox %s, this is %s\n",
			spec->version, PACKAGE_VERSION);
	if (inject_parse_classes(spec->inject ? spec->inject : "none", &o->classes, why, sizeof(why)) < 0)
		die("%s: bad stored fault classes '%s'", what, why);
	options_apply_argv(spec->options_argv, o);
	/* A finding of snapshot mode replays in exec mode: from the program's
	 * start, the faults where the run reached them (cli/runner_snap.c). */
	from_snapshot = o->snapshot != SNAPSHOT_OFF && !spec->exec_run;
	o->snapshot = SNAPSHOT_OFF;
	o->stdin_path = spec->stdin_path;
	o->requests = spec->requests;
	for (o->nrequests = 0; spec->requests && spec->requests[o->nrequests]; o->nrequests++)
		;
	if (o->nrequests)
		o->service = true;
	if (!spec->argv || !spec->argv[0])
		die("%s: the report stores no program", what);
	e = tracer_probe(&pwhy);
	if (e < 0)
		die("%s", pwhy);
	/* --out is where the replay was asked for, not the campaign's
	 * directory it moves to. */
	if (o->out_dir[0] != '/') {
		char here[PATH_MAX], *out;

		if (!getcwd(here, sizeof(here)) || asprintf(&out, "%s/%s", here, o->out_dir) < 0)
			die_errno(errno, "cannot resolve --out '%s'", o->out_dir);
		o->out_dir = out;	/* lives until exit */
	}
	snprintf(run_dir, len, "%s/%s", o->out_dir, sub);
	check_not_over(run_dir, spec->file);
	/* A fuzz finding: its own input, on stdin or as the '@@' word. */
	if (input_copy)
		input_copy[0] = 0;
	if (spec->input_path && input_copy) {
		snprintf(input_copy, PATH_MAX, "%s.input", run_dir);
		if ((e = mkdir_p(o->out_dir, 0755)) < 0)
			die_errno(e, "%s: cannot make '%s'", what, o->out_dir);
	}
	if (spec->input_path)
		replay_input(spec, o, input_copy && input_copy[0] ? input_copy : NULL);
	/* Absolute in the new report: it was read from here. */
	*replayed = realpath(spec->file, NULL);
	if (spec->cwd && chdir(spec->cwd) < 0)
		die_errno(errno, "%s: cannot enter the stored directory '%s'", what, spec->cwd);
	runner_prepare_out(o->out_dir, false);
	runner_init(rn, o, spec->argv, spec->envp, run_dir);
	return from_snapshot;
}

int campaign_replay(struct options *o)
{
	struct replay_spec spec;
	struct plan_fault plan[FINDING_MAX_FAULTS];
	struct runner rn = { 0 };
	struct run_result res;
	struct run_finding f;
	struct report *rep;
	char run_dir[PATH_MAX], *replayed, now[129];
	const char *prog;
	bool is_new, from_snapshot;
	int e, k = 0, n = 0;

	from_snapshot = replay_setup(o, "--replay", "replay", &spec, &rn, run_dir, sizeof(run_dir),
				     &replayed, NULL);
	replay_plan(&spec, plan);
	rep = replay_report(&spec, run_dir);
	/* A slowdown is measured against runs without faults: made here,
	 * on this machine, as the campaign made them. */
	if (spec.kind == FIND_SLOWDOWN && rn.slow.factor) {
		if (runner_run(&rn, true, NULL, 0, &res, &f) < 0 && !runner_interrupted)
			runner_die(&rn);
		runner_slowdown_baseline(&rn, 0);
	}
	/* Silent corruption is loss against the output of runs without
	 * faults: made here, as the campaign made them. */
	if (spec.kind == FIND_SILENT && rn.oc) {
		if (runner_run(&rn, true, NULL, 0, &res, &f) < 0 && !runner_interrupted)
			runner_die(&rn);
		runner_output_baseline(&rn);
	}
	/* A crash-recovery finding: killed at the same point again. */
	rn.crash_point = spec.crash_point;
	for (n = 0; n < o->replay_runs && !runner_interrupted; n++) {
		int r = runner_run(&rn, false, plan, spec.nfaults, &res, &f);

		if (r < 0 && !runner_interrupted)
			runner_die(&rn);
		if (r < 0)
			break;
		report_count_run(rep, inject_nclasses(), inject_class_names(), inject_run_counts(rn.inj));
		if (r == 1)
			report_add_finding(rep, &f, &is_new);
		if (r == 1 && replay_reproduces(&spec, &f))
			k++;
	}
	/* Some runs but not all: a timing-dependent bug, said as regress
	 * says it, with an exit status of its own. */
	if (k > 0 && k < n)
		fprintf(stderr, "replay: flaky %d/%d (%s in %s)\n", k, n, finding_kind_name(spec.kind),
			spec.top_function[0] ? spec.top_function : "??");
	else
		fprintf(stderr, "replay: %s %d of %d (%s in %s)\n", k ? "reproduced" : "not reproduced",
			k, n, finding_kind_name(spec.kind),
			spec.top_function[0] ? spec.top_function : "??");
	/* Another build: its sites are other addresses, its code maybe
	 * fixed; that, not the mode, is the first thing to say. */
	prog = rn.exec_path[0] ? rn.exec_path : spec.argv[0];
	if (spec.build_id[0] && !sym_file_build_id(prog, now, sizeof(now)) && now[0] &&
	    strcmp(now, spec.build_id) != 0)
		fprintf(stderr, "replay: '%s' is another build than the campaign's (build id %.12s, "
			"now %.12s)%s\n", spec.argv[0], spec.build_id, now,
			k ? "" : ": the finding's sites name the campaign's build");
	else if (from_snapshot)
		fprintf(stderr, "replay: found in snapshot mode, replayed in exec mode%s\n",
			k ? "" : ": it does not reproduce there (occurrences count from the "
			"program's start in exec mode, from the snapshot point in snapshot mode)");
	report_set_plan(rep, o->replay_runs, n, false);
	report_set_replay(rep, replayed ? replayed : spec.file, spec.id, n, k);
	e = report_write_json(rep);
	if (e < 0)
		die_errno(e, "cannot write %s/report.json", run_dir);
	report_free(rep);
	free(replayed);
	runner_fini(&rn);
	replay_spec_free(&spec);
	if (runner_interrupted)
		return 128 + runner_interrupted;
	return k == 0 ? EXIT_CLEAN : k < n ? EXIT_FLAKY : EXIT_FINDINGS;
}
