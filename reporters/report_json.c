#include "config.h"

/* report_json.c - report.json (schema: docs/report-schema.md). */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "reporters/report_int.h"
#include "util/redact.h"

/* json-c returns NULL only when out of memory; one flag for the whole
 * build keeps every call site short. */
struct jb {
	bool oom;
};

static void put(struct jb *b, json_object *o, const char *key, json_object *v)
{
	if (!o) {
		json_object_put(v);
		return;
	}
	if (!v && b->oom)
		return;
	if (json_object_object_add(o, key, v) != 0) {
		json_object_put(v);
		b->oom = true;
	}
}

static json_object *str(struct jb *b, const char *s)
{
	json_object *v;

	if (!s)
		return NULL;	/* JSON null */
	v = json_object_new_string(s);
	if (!v)
		b->oom = true;
	return v;
}

static json_object *num(struct jb *b, int64_t n)
{
	json_object *v = json_object_new_int64(n);

	if (!v)
		b->oom = true;
	return v;
}

static json_object *u64(struct jb *b, uint64_t n)
{
	json_object *v = json_object_new_uint64(n);

	if (!v)
		b->oom = true;
	return v;
}

/* One decimal: a ratio, not a measurement to 17 digits. */
static json_object *dbl1(struct jb *b, double x)
{
	char buf[32];
	json_object *v;

	snprintf(buf, sizeof(buf), "%.1f", x);
	v = json_object_new_double_s(x, buf);
	if (!v)
		b->oom = true;
	return v;
}

static json_object *boolean(struct jb *b, bool x)
{
	json_object *v = json_object_new_boolean(x);

	if (!v)
		b->oom = true;
	return v;
}

static json_object *hex(struct jb *b, uint64_t n)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)n);
	return str(b, buf);
}

static json_object *obj(struct jb *b)
{
	json_object *v = json_object_new_object();

	if (!v)
		b->oom = true;
	return v;
}

static json_object *arr(struct jb *b)
{
	json_object *v = json_object_new_array();

	if (!v)
		b->oom = true;
	return v;
}

static void push(struct jb *b, json_object *a, json_object *v)
{
	if (!a || !v) {
		json_object_put(v);
		return;
	}
	if (json_object_array_add(a, v) != 0) {
		json_object_put(v);
		b->oom = true;
	}
}

static json_object *strv(struct jb *b, char *const *v)
{
	json_object *a = arr(b);

	for (; v && *v; v++)
		push(b, a, str(b, *v));
	return a;
}

static json_object *frame_json(struct jb *b, const struct frame *f)
{
	json_object *o = obj(b);

	put(b, o, "function", str(b, f->function));
	put(b, o, "file", str(b, f->file));
	put(b, o, "line", num(b, f->line));
	put(b, o, "module", str(b, f->module));
	put(b, o, "build_id", str(b, f->build_id));
	put(b, o, "offset", hex(b, f->offset));
	put(b, o, "pc", hex(b, f->pc));
	put(b, o, "system", boolean(b, f->system));
	put(b, o, "inlined", boolean(b, f->inlined));
	if (!f->file[0] && f->symoff)
		put(b, o, "symbol_offset", hex(b, f->symoff));
	return o;
}

static json_object *frames_json(struct jb *b, const struct fthread *t)
{
	json_object *a = arr(b);
	int i;

	for (i = 0; t && i < t->nframes; i++)
		push(b, a, frame_json(b, &t->frames[i]));
	return a;
}

static json_object *fault_json(struct jb *b, const struct fault_rec *f)
{
	json_object *o = obj(b);

	put(b, o, "call", str(b, f->call));
	put(b, o, "fault", str(b, f->fault));
	put(b, o, "site", str(b, f->site));
	put(b, o, "site_id", num(b, f->site_id));
	put(b, o, "thread", num(b, f->thread));
	put(b, o, "occurrence", num(b, f->occurrence));
	put(b, o, "caller", str(b, f->caller));
	put(b, o, "file", str(b, f->file));
	put(b, o, "line", num(b, f->line));
	if (f->syscall[0])
		put(b, o, "syscall", str(b, f->syscall));
	if (f->exe[0])
		put(b, o, "exe", str(b, f->exe));
	if (f->where[0])
		put(b, o, "where", str(b, f->where));
	return o;
}

static json_object *finding_json(struct jb *b, const struct report *r, const struct finding *f)
{
	json_object *o = obj(b), *threads = arr(b), *faults = arr(b);
	char sig[32];
	int i;

	put(b, o, "id", num(b, f->id));
	put(b, o, "kind", str(b, finding_kind_name(f->kind)));
	put(b, o, "key", str(b, f->key));
	put(b, o, "signal", num(b, f->signal));
	put(b, o, "signal_name", f->signal > 0 ?
	    str(b, report_signal_name(f->signal, sig, sizeof(sig))) : NULL);
	put(b, o, "exit_status", num(b, f->exit_status));
	put(b, o, "thread", num(b, f->thread));
	put(b, o, "tid", num(b, f->tid));
	put(b, o, "pid", num(b, f->pid));
	put(b, o, "loader", boolean(b, f->loader));
	put(b, o, "sanitizer", f->sanitizer[0] ? str(b, f->sanitizer) : NULL);
	put(b, o, "detail", str(b, f->detail));
	if (f->note[0])
		put(b, o, "note", str(b, f->note));
	put(b, o, "frames", frames_json(b, f->nthreads ? &f->threads[0] : NULL));
	for (i = 0; i < f->nthreads; i++) {
		json_object *t = obj(b);

		if (finding_hot(f) == i)	/* a slowdown's hottest stack: "slowdown" */
			continue;

		put(b, t, "tid", num(b, f->threads[i].tid));
		put(b, t, "thread", num(b, f->threads[i].thread));
		put(b, t, "frames", frames_json(b, &f->threads[i]));
		push(b, threads, t);
	}
	put(b, o, "threads", threads);
	for (i = 0; i < f->nfaults; i++)
		push(b, faults, fault_json(b, &f->faults[i]));
	put(b, o, "faults", faults);
	put(b, o, "hits", num(b, f->hits));
	put(b, o, "replay", str(b, f->replay));
	put(b, o, "stdout", str(b, f->stdout_rel));
	put(b, o, "stderr", str(b, f->stderr_rel));
	put(b, o, "input", str(b, f->input_rel));
	if (f->exec_run)
		put(b, o, "run_mode", str(b, "exec"));
	put(b, o, "clean_run_served", r->service ? boolean(b, report_clean_served(r)) : NULL);
	if (f->kind == FIND_STATE || f->kind == FIND_CRASH) {
		json_object *c = obj(b);

		put(b, c, "command", str(b, f->check));
		put(b, c, "exit_status", num(b, f->exit_status));
		put(b, c, "stdout", str(b, f->check_stdout_rel));
		put(b, c, "stderr", str(b, f->check_stderr_rel));
		put(b, o, "check", c);
	}
	if (f->kind == FIND_SLOWDOWN) {
		json_object *c = obj(b);
		const struct finding_slowdown *v = &f->slow;

		put(b, c, "measure", str(b, v->measure));
		put(b, c, "ratio", dbl1(b, v->ratio));
		put(b, c, "factor", dbl1(b, v->factor));
		put(b, c, "cpu_us", num(b, v->cpu_us));
		put(b, c, "clean_cpu_us", num(b, v->clean_cpu_us));
		put(b, c, "clean_cpu_min_us", num(b, v->clean_cpu_min_us));
		put(b, c, "wall_us", num(b, v->wall_us));
		put(b, c, "clean_wall_us", num(b, v->clean_wall_us));
		put(b, c, "syscalls", u64(b, v->calls));
		put(b, c, "clean_syscalls", u64(b, v->clean_calls));
		put(b, c, "clean_runs", num(b, v->samples));
		if (finding_hot(f) >= 0) {
			json_object *h = obj(b);
			const struct fthread *t = &f->threads[finding_hot(f)];

			put(b, h, "samples", num(b, v->hot_hits));
			put(b, h, "of", num(b, v->hot_samples));
			put(b, h, "tid", num(b, t->tid));
			put(b, h, "thread", num(b, t->thread));
			put(b, h, "frames", frames_json(b, t));
			put(b, c, "hot", h);
		}
		put(b, o, "slowdown", c);
	}
	if (f->kind == FIND_SILENT) {
		json_object *c = obj(b);
		const struct finding_output *v = &f->out;

		put(b, c, "file", str(b, v->file));
		put(b, c, "loss", str(b, v->loss));
		put(b, c, "bytes", num(b, v->bytes));
		put(b, c, "clean_bytes", num(b, v->clean_bytes));
		put(b, c, "lines", num(b, v->lines));
		put(b, c, "clean_lines", num(b, v->clean_lines));
		put(b, c, "line", num(b, v->line));
		put(b, o, "output", c);
	}
	if (f->kind == FIND_CRASH) {
		json_object *c = obj(b);
		const struct finding_crash *v = &f->crash;

		put(b, c, "point", num(b, v->point));
		put(b, c, "call", str(b, v->call));
		put(b, c, "occurrence", num(b, v->occurrence));
		put(b, c, "file", str(b, v->file));
		put(b, c, "result", num(b, v->result));
		put(b, c, "failed", str(b, v->stage));
		put(b, c, "dropped", str(b, v->dropped));
		put(b, o, "crash", c);
	}
	return o;
}

static json_object *service_counts(struct jb *b, const struct run_service *s)
{
	json_object *o = obj(b);

	put(b, o, "requests", num(b, s->requests));
	put(b, o, "sent", num(b, s->sent));
	put(b, o, "replied", num(b, s->replied));
	put(b, o, "timeouts", num(b, s->timeouts));
	return o;
}

/* "service": null outside service mode. */
static json_object *service_json(struct jb *b, const struct report *r)
{
	json_object *o, *clean, *total;

	if (!r->service)
		return NULL;
	o = obj(b);
	clean = service_counts(b, &r->svc_clean);
	put(b, clean, "listened", boolean(b, r->svc_clean.listened));
	put(b, clean, "served", boolean(b, report_clean_served(r)));
	put(b, clean, "exited", boolean(b, r->svc_exited));
	put(b, clean, "exit_status", r->svc_exited ? num(b, r->svc_status) : NULL);
	put(b, o, "clean", clean);
	total = service_counts(b, &r->svc_total);
	put(b, total, "runs", num(b, r->svc_runs));
	put(b, total, "listened", num(b, r->svc_listened));
	put(b, o, "totals", total);
	return o;
}

/* One run's outcome (docs/report-schema.md, outcome). */
static json_object *outcome_json(struct jb *b, const struct outcome *v, bool clean)
{
	json_object *o = obj(b);
	char sig[32];

	put(b, o, "run", num(b, v->run));
	if (!clean) {
		put(b, o, "call", str(b, v->call));
		put(b, o, "fault", str(b, v->fault));
		put(b, o, "occurrence", num(b, v->occurrence));
		put(b, o, "thread", num(b, v->thread));
		put(b, o, "faults", num(b, v->nfaults));
	}
	if (!clean)
		put(b, o, "outcome", str(b, outcome_group_name(outcome_group_of(v))));
	put(b, o, "exit_status", v->ending == ENDED_EXIT ? num(b, v->exit_status) : NULL);
	put(b, o, "signal_name", v->ending == ENDED_SIGNAL ?
	    str(b, report_signal_name(v->signal, sig, sizeof(sig))) : NULL);
	put(b, o, "stderr", boolean(b, v->stderr_any));
	put(b, o, "message", str(b, v->message[0] ? v->message : NULL));
	put(b, o, "stdout", str(b, v->out == STDOUT_UNKNOWN ? NULL : outcome_stdout_name(v->out)));
	put(b, o, "wall_us", v->wall_us >= 0 ? num(b, v->wall_us) : NULL);
	put(b, o, "cpu_us", v->cpu_us >= 0 ? num(b, v->cpu_us) : NULL);
	if (!clean)
		put(b, o, "finding", v->finding ? num(b, v->finding) : NULL);
	return o;
}

static json_object *site_json(struct jb *b, const struct report *r, const struct site *s)
{
	json_object *o = obj(b), *oc = arr(b);

	put(b, o, "id", num(b, s->id));
	put(b, o, "call", str(b, s->call));
	put(b, o, "key", str(b, s->key));
	put(b, o, "function", str(b, s->function));
	put(b, o, "file", str(b, s->file));
	put(b, o, "line", num(b, s->line));
	put(b, o, "module", str(b, s->module));
	put(b, o, "ordinal", num(b, s->ordinal));
	if (s->npath > 0) {
		json_object *a = arr(b);

		for (int i = 0; i < s->npath && i < (int)(sizeof(s->path) / sizeof(s->path[0])); i++)
			push(b, a, str(b, s->path[i]));
		put(b, o, "path", a);
	}
	put(b, o, "occurrences", num(b, s->occurrences));
	put(b, o, "failed", num(b, s->failed));
	for (int i = 0; i < r->noutcomes; i++)
		if (r->outcomes[i].site_id == s->id)
			push(b, oc, outcome_json(b, &r->outcomes[i], false));
	put(b, o, "outcomes", oc);
	return o;
}

/* Added fields: plan_classes and call_paths (docs/report-schema.md). */
static void coverage_json(struct jb *b, json_object *o, const struct report_coverage *cv)
{
	json_object *c = obj(b), *p = obj(b);

	for (int i = 0; i < cv->nclasses; i++) {
		json_object *k = obj(b);

		if (!cv->planned[i] && !cv->done[i]) {
			json_object_put(k);
			continue;
		}
		put(b, k, "planned", num(b, cv->planned[i]));
		put(b, k, "done", num(b, cv->done[i]));
		put(b, c, cv->classes[i], k);
	}
	put(b, o, "plan_classes", c);
	put(b, p, "clean_run", num(b, cv->paths));
	put(b, p, "wrapped", num(b, cv->paths_wrapped));
	put(b, p, "planned", num(b, cv->paths_planned));
	put(b, p, "tried", num(b, cv->paths_tried));
	put(b, p, "dropped_occurrences", u64(b, cv->paths_dropped));
	put(b, o, "call_paths", p);
}

/* The clean run's jail refusals; [] without the jail. */
static json_object *refusals_json(struct jb *b, const struct report *r)
{
	json_object *a = arr(b);

	for (int i = 0; i < r->nrefusals; i++) {
		const struct report_refusal *f = &r->refusals[i];
		const char *en = strerrorname_np(f->err);
		json_object *o = obj(b), *l = arr(b);

		put(b, o, "call", str(b, f->call));
		put(b, o, "path", str(b, f->path[0] ? f->path : NULL));
		put(b, o, "host_path", str(b, f->host[0] ? f->host : NULL));
		put(b, o, "errno", str(b, en ? en : "?"));
		put(b, o, "why", str(b, f->why));
		put(b, o, "option", str(b, f->option));
		for (int k = 0; k < f->nstderr; k++)
			push(b, l, str(b, f->stderr_lines[k]));
		put(b, o, "stderr", l);
		push(b, a, o);
	}
	return a;
}

static json_object *report_json(struct jb *b, const struct report *r)
{
	json_object *o = obj(b), *a, *c;
	int i;

	put(b, o, "version", str(b, FZ_VERSION_STR));
	put(b, o, "target", str(b, r->argv[0]));
	put(b, o, "build_id", str(b, r->build_id));
	put(b, o, "argv", strv(b, r->argv));
	put(b, o, "env", strv(b, r->envp));
	put(b, o, "cwd", str(b, r->cwd));
	put(b, o, "stdin", str(b, r->stdin_path));
	put(b, o, "requests", strv(b, r->requests));
	put(b, o, "inject", str(b, r->inject));
	put(b, o, "options", str(b, r->options));
	put(b, o, "options_argv", strv(b, r->options_argv));
	put(b, o, "plan_options", strv(b, r->plan_options));
	put(b, o, "seed", u64(b, r->seed));
	if (r->shard_n) {
		c = obj(b);
		put(b, c, "index", num(b, r->shard_k));
		put(b, c, "count", num(b, r->shard_n));
		put(b, o, "shard", c);
	} else {
		put(b, o, "shard", NULL);
	}
	put(b, o, "runs", num(b, report_runs(r)));
	put(b, o, "runs_planned", num(b, r->runs_planned));
	put(b, o, "plan_capped", boolean(b, r->plan_capped));
	put(b, o, "capped_by", str(b, r->capped_by));
	put(b, o, "service", service_json(b, r));
	put(b, o, "jail_refusals", refusals_json(b, r));
	if (r->replay_file) {
		c = obj(b);
		put(b, c, "report", str(b, r->replay_file));
		put(b, c, "finding", num(b, r->replay_finding));
		put(b, c, "runs", num(b, r->replay_runs));
		put(b, c, "reproduced", num(b, r->replay_reproduced));
		put(b, o, "replay", c);
	}
	if (r->coverage_set)
		coverage_json(b, o, &r->coverage);
	if (r->exes) {
		a = arr(b);
		for (i = 0; i < r->nexes; i++) {
			c = obj(b);
			put(b, c, "path", str(b, r->exes[i].path));
			put(b, c, "calls", u64(b, r->exes[i].calls));
			put(b, c, "faultable", boolean(b, r->exes[i].faultable));
			push(b, a, c);
		}
		put(b, o, "executables", a);
	}
	a = arr(b);
	for (i = 0; i < r->nsites; i++)
		push(b, a, site_json(b, r, &r->sites[i]));
	put(b, o, "sites", a);
	put(b, o, "clean_outcome", r->clean_set ? outcome_json(b, &r->clean, true) : NULL);
	c = obj(b);
	for (i = 0; i < r->nclasses; i++)
		put(b, c, r->classes[i].name, u64(b, r->classes[i].count));
	put(b, o, "faults_injected", c);
	a = arr(b);
	c = arr(b);
	/* Deliberate aborts apart, so "findings" holds what the exit status
	 * counts. A resumed campaign's earlier ones first. */
	report_prior_push(r, a, c);
	for (i = 0; i < r->nfindings; i++)
		push(b, r->findings[i].counted ? a : c, finding_json(b, r, &r->findings[i]));
	put(b, o, "findings", a);
	put(b, o, "aborts", c);
	return o;
}

int report_write_json(const struct report *r)
{
	struct jb b = { .oom = false };
	char *path = NULL;
	json_object *o;
	int e;

	if (!r)
		return -EINVAL;
	e = report_mkdirs(r->out_dir);
	if (e)
		return e;
	if (asprintf(&path, "%s/report.json", r->out_dir) < 0)
		return -ENOMEM;
	o = report_json(&b, r);
	if (b.oom || !o) {
		e = -ENOMEM;
		goto out;
	}
	/* --redact: the run as it was for --replay, then everything masked. */
	if (redact_active()) {
		e = report_write_unredacted(r->out_dir, o);
		e = e ?: report_redact_top(o) < 0 ? -ENOMEM : 0;
		if (e)
			goto out;
	}
	e = report_json_write_file(path, o);
out:
	json_object_put(o);
	free(path);
	return e;
}

int report_json_write_file(const char *path, struct json_object *o)
{
	char tmp[PATH_MAX + 32];
	int e = 0;

	/* Readers (a replay, a watching tool, a parallel shard's merge) see
	 * the old or the new file, never half of one. */
	if (snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	errno = 0;
	if (json_object_to_file_ext(tmp, o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
				    JSON_C_TO_STRING_NOSLASHESCAPE) < 0)
		e = errno ? -errno : -EIO;
	else if (rename(tmp, path) < 0)
		e = -errno;
	if (e)
		(void)unlink(tmp);
	return e;
}
