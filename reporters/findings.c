#include "config.h"

/* findings.c - the report object: sites, run counts, deduplicated findings. */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "reporters/report_int.h"

const char *report_signal_name(int sig, char *buf, size_t len)
{
	const char *abbrev = sig > 0 ? sigabbrev_np(sig) : NULL;

	if (abbrev)
		snprintf(buf, len, "SIG%s", abbrev);
	else
		snprintf(buf, len, "SIG%d", sig);
	return buf;
}

unsigned report_runs(const struct report *r)
{
	return r->plan_set ? r->runs_done : r->runs;
}

void report_strv_free(char **v)
{
	char **p;

	if (!v)
		return;
	for (p = v; *p; p++)
		free(*p);
	free(v);
}

char **report_strv_dup(char *const *v)
{
	size_t i, n = 0;
	char **out;

	while (v && v[n])
		n++;
	out = calloc(n + 1, sizeof(*out));
	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		out[i] = strdup(v[i]);
		if (!out[i]) {
			report_strv_free(out);
			return NULL;
		}
	}
	return out;
}

char **report_words_split(const char *s)
{
	char *copy = strdup(s ? s : ""), *save = NULL, *w, **v;
	size_t n = 0;

	if (!copy)
		return NULL;
	v = calloc(strlen(copy) / 2 + 2, sizeof(*v));	/* at most this many words */
	for (w = v ? strtok_r(copy, " ", &save) : NULL; w; w = strtok_r(NULL, " ", &save)) {
		v[n] = strdup(w);
		if (!v[n++]) {
			report_strv_free(v);
			v = NULL;
			break;
		}
	}
	free(copy);
	return v;
}

static int dup_opt(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

int report_new(const struct report_meta *meta, struct report **out)
{
	struct report *r;
	int e = 0;

	*out = NULL;
	if (!meta || !meta->argv || !meta->argv[0] || !meta->out_dir || !*meta->out_dir)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->seed = meta->seed;
	r->abort_is_finding = meta->abort_is_finding;
	r->shard_k = meta->shard_k;
	r->shard_n = meta->shard_n;
	/* Shards merge only from one build (fzsandbox merge): unreadable is
	 * "" here, as for a script. */
	(void)sym_file_build_id(meta->argv[0], r->build_id, sizeof(r->build_id));
	r->argv = report_strv_dup(meta->argv);
	r->envp = report_strv_dup(meta->envp);
	r->requests = report_strv_dup(meta->requests);
	r->options_argv = meta->options_argv ? report_strv_dup(meta->options_argv) :
			  report_words_split(meta->options);
	r->plan_options = report_strv_dup(meta->plan_options);
	if (!r->argv || !r->envp || !r->requests || !r->options_argv || !r->plan_options)
		e = -ENOMEM;
	e = e ?: dup_opt(&r->cwd, meta->cwd);
	e = e ?: dup_opt(&r->stdin_path, meta->stdin_path);
	e = e ?: dup_opt(&r->inject, meta->inject ? meta->inject : "");
	e = e ?: dup_opt(&r->options, meta->options ? meta->options : "");
	e = e ?: dup_opt(&r->out_dir, meta->out_dir);
	e = e ?: dup_opt(&r->self, meta->self ? meta->self : "fzsandbox");
	if (e) {
		report_free(r);
		return e;
	}
	*out = r;
	return 0;
}

static void finding_release(struct finding *f)
{
	int i;

	for (i = 0; i < f->nthreads; i++)
		free(f->threads[i].frames);
	free(f->threads);
	free(f->key);
	free(f->replay);
	free(f->stdout_rel);
	free(f->stderr_rel);
	free(f->input_rel);
	free(f->check_stdout_rel);
	free(f->check_stderr_rel);
}

void report_free(struct report *r)
{
	int i;

	if (!r)
		return;
	report_strv_free(r->argv);
	report_strv_free(r->envp);
	report_strv_free(r->requests);
	report_strv_free(r->options_argv);
	report_strv_free(r->plan_options);
	free(r->cwd);
	free(r->stdin_path);
	free(r->inject);
	free(r->options);
	free(r->out_dir);
	free(r->self);
	free(r->replay_file);
	free(r->refusals);
	free(r->sites);
	free(r->outcomes);
	free(r->exes);
	for (i = 0; i < r->nfindings; i++)
		finding_release(&r->findings[i]);
	free(r->findings);
	json_object_put(r->prior[0]);
	json_object_put(r->prior[1]);
	for (i = 0; i < r->nclasses; i++)
		free(r->classes[i].name);
	free(r->classes);
	free(r);
}

/* Fixed-size strings from callers are forced to end, so nothing later
 * reads past them. */
#define TERMINATE(a) ((a)[sizeof(a) - 1] = '\0')

static void frame_sanitize(struct frame *f)
{
	TERMINATE(f->function);
	TERMINATE(f->file);
	TERMINATE(f->module);
	TERMINATE(f->build_id);
}

static void fault_sanitize(struct fault_rec *f)
{
	TERMINATE(f->call);
	TERMINATE(f->fault);
	TERMINATE(f->site);
	TERMINATE(f->caller);
	TERMINATE(f->file);
}

int report_add_site(struct report *r, const struct site *s)
{
	struct site *n;

	if (!r || !s)
		return -EINVAL;
	if (r->nsites == r->sites_cap) {
		int cap = r->sites_cap ? r->sites_cap * 2 : 64;

		n = reallocarray(r->sites, cap, sizeof(*n));
		if (!n)
			return -ENOMEM;
		r->sites = n;
		r->sites_cap = cap;
	}
	n = &r->sites[r->nsites];
	*n = *s;
	n->id = r->nsites;
	TERMINATE(n->call);
	TERMINATE(n->key);
	TERMINATE(n->function);
	TERMINATE(n->file);
	TERMINATE(n->module);
	return r->nsites++;
}

struct site *report_site(struct report *r, int id)
{
	if (!r || id < 0 || id >= r->nsites)
		return NULL;
	return &r->sites[id];
}

int report_nsites(const struct report *r)
{
	return r ? r->nsites : 0;
}

void report_count_run(struct report *r, int nfaults_by_class_len,
		      const char *const *classes, const unsigned *counts)
{
	struct fault_class *c;
	int i, j;

	if (!r)
		return;
	r->runs++;
	for (i = 0; i < nfaults_by_class_len && classes && counts; i++) {
		if (!classes[i])
			continue;
		for (j = 0; j < r->nclasses; j++)
			if (strcmp(r->classes[j].name, classes[i]) == 0)
				break;
		if (j == r->nclasses) {
			char *name = strdup(classes[i]);

			/* No error channel here: an unrecorded class is only
			 * a missing statistic. */
			c = name ? reallocarray(r->classes, r->nclasses + 1, sizeof(*c)) : NULL;
			if (!c) {
				free(name);
				continue;
			}
			r->classes = c;
			c[j].name = name;
			c[j].count = 0;
			r->nclasses++;
		}
		r->classes[j].count += counts[i];
	}
}

void report_set_plan(struct report *r, unsigned planned, unsigned done, bool capped)
{
	if (!r)
		return;
	r->runs_planned = planned;
	r->runs_done = done;
	r->plan_capped = capped;
	r->plan_set = true;
}

void report_set_capped_by(struct report *r, const char *name)
{
	if (r)
		r->capped_by = name;
}

void report_set_service_clean(struct report *r, const struct run_service *s, bool exited,
			      int status)
{
	if (!r || !s)
		return;
	r->service = true;
	r->svc_clean = *s;
	r->svc_exited = exited;
	r->svc_status = status;
}

int report_set_jail_refusals(struct report *r, const struct report_refusal *v, int n)
{
	struct report_refusal *c;

	if (!r)
		return 0;
	c = malloc((n > 0 ? n : 1) * sizeof(*c));
	if (!c)
		return -ENOMEM;
	if (n > 0)
		memcpy(c, v, n * sizeof(*c));
	free(r->refusals);
	r->refusals = c;
	r->nrefusals = n;
	return 0;
}

void report_set_replay(struct report *r, const char *file, int finding, int runs,
		       int reproduced)
{
	char *f;

	if (!r || !file || !(f = strdup(file)))
		return;	/* no error channel: only the "replay" object is lost */
	free(r->replay_file);
	r->replay_file = f;
	r->replay_finding = finding;
	r->replay_runs = runs;
	r->replay_reproduced = reproduced;
}

void report_count_service(struct report *r, const struct run_service *s)
{
	if (!r || !s)
		return;
	r->svc_runs++;
	r->svc_listened += s->listened;
	r->svc_total.requests += s->requests;
	r->svc_total.sent += s->sent;
	r->svc_total.replied += s->replied;
	r->svc_total.timeouts += s->timeouts;
}

bool report_clean_served(const struct report *r)
{
	return !r || !r->service ||
	       (r->svc_clean.listened && r->svc_clean.replied >= r->svc_clean.requests);
}

void report_set_executables(struct report *r, const struct exe_count *e, int n)
{
	struct exe_count *c;

	if (!r || n <= 0 || !(c = calloc((size_t)n, sizeof(*c))))
		return;	/* the report is whole without it */
	memcpy(c, e, (size_t)n * sizeof(*c));
	free(r->exes);
	r->exes = c;
	r->nexes = n;
}

void report_set_coverage(struct report *r, const struct report_coverage *c)
{
	if (!r || !c)
		return;
	r->coverage = *c;
	if (r->coverage.nclasses > REPORT_MAX_CLASSES)
		r->coverage.nclasses = REPORT_MAX_CLASSES;
	r->coverage_set = true;
}

int report_nfindings(const struct report *r)
{
	int n = report_prior_count(r, false);

	for (int i = 0; r && i < r->nfindings; i++)
		n += r->findings[i].counted;
	return n;
}

int report_naborts(const struct report *r)
{
	int n = report_prior_count(r, true);

	for (int i = 0; r && i < r->nfindings; i++)
		n += r->findings[i].kind == FIND_ABORT;
	return n;
}

static bool shell_safe(const char *s)
{
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_@%+=:,./-", *s))
			return false;
	return true;
}

static void shell_quote(FILE *fp, const char *s)
{
	if (*s && shell_safe(s)) {
		fputs(s, fp);
		return;
	}
	fputc('\'', fp);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", fp);
		else
			fputc(*s, fp);
	}
	fputc('\'', fp);
}

static int make_replay(const struct report *r, int id, char **out)
{
	return report_replay_line(r->self, r->out_dir, id, out);
}

int report_replay_line(const char *self, const char *out_dir, int id, char **out)
{
	char *path;
	size_t len;
	FILE *fp;

	*out = NULL;
	if (asprintf(&path, "%s/report.json", out_dir) < 0)
		return -ENOMEM;
	fp = open_memstream(out, &len);
	if (!fp) {
		free(path);
		return -ENOMEM;
	}
	shell_quote(fp, self);
	/* "#id" after the quoted path is mid-word: never a shell comment. */
	fputs(" --replay=", fp);
	shell_quote(fp, path);
	fprintf(fp, "#%d", id);
	free(path);
	if (fclose(fp) != 0) {
		free(*out);
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int copy_stacks(struct finding *n, const struct run_finding *f)
{
	int i;

	n->threads = calloc(f->nthreads ? f->nthreads : 1, sizeof(*n->threads));
	if (!n->threads)
		return -ENOMEM;
	for (i = 0; i < f->nthreads; i++) {
		const struct thread_stack *s = &f->stacks[i];
		struct fthread *t = &n->threads[i];
		int j;

		t->tid = s->tid;
		t->thread = s->thread;
		t->frames = calloc(s->nframes ? s->nframes : 1, sizeof(*t->frames));
		if (!t->frames)
			return -ENOMEM;
		n->nthreads++;
		memcpy(t->frames, s->frames, s->nframes * sizeof(*t->frames));
		t->nframes = s->nframes;
		for (j = 0; j < t->nframes; j++)
			frame_sanitize(&t->frames[j]);
	}
	return 0;
}

static int fill_finding(struct report *r, struct finding *n, const struct run_finding *f)
{
	int i, e;

	n->kind = f->kind;
	n->signal = f->signal;
	n->exit_status = f->exit_status;
	n->pid = f->pid;
	n->tid = f->tid;
	n->thread = f->thread;
	n->loader = f->loader;
	memcpy(n->sanitizer, f->sanitizer, sizeof(n->sanitizer));
	TERMINATE(n->sanitizer);
	memcpy(n->detail, f->detail, sizeof(n->detail));
	TERMINATE(n->detail);
	memcpy(n->note, f->note, sizeof(n->note));
	TERMINATE(n->note);
	n->counted = f->kind != FIND_ABORT || r->abort_is_finding;
	n->nfaults = f->nfaults;
	for (i = 0; i < f->nfaults; i++) {
		n->faults[i] = f->faults[i];
		fault_sanitize(&n->faults[i]);
	}
	n->hits = 1;
	n->exec_run = f->exec_run;
	e = copy_stacks(n, f);
	e = e ?: make_replay(r, n->id, &n->replay);
	e = e ?: report_copy_output(r, n->id, f->stdout_path, "stdout", &n->stdout_rel);
	e = e ?: report_copy_output(r, n->id, f->stderr_path, "stderr", &n->stderr_rel);
	e = e ?: report_copy_output(r, n->id, f->input_path, "input", &n->input_rel);
	memcpy(n->check, f->check, sizeof(n->check));
	TERMINATE(n->check);
	n->slow = f->slow;
	TERMINATE(n->slow.measure);
	n->out = f->out;
	TERMINATE(n->out.file);
	TERMINATE(n->out.loss);
	n->crash = f->crash;
	TERMINATE(n->crash.call);
	TERMINATE(n->crash.file);
	TERMINATE(n->crash.stage);
	TERMINATE(n->crash.dropped);
	e = e ?: report_copy_output(r, n->id, f->check_stdout_path, "check-stdout",
				    &n->check_stdout_rel);
	e = e ?: report_copy_output(r, n->id, f->check_stderr_path, "check-stderr",
				    &n->check_stderr_rel);
	return e;
}

static bool run_finding_valid(const struct run_finding *f)
{
	int i;

	if (!finding_kind_valid(f->kind) ||
	    f->nthreads < 0 || f->nthreads > FINDING_MAX_THREADS ||
	    f->nfaults < 0 || f->nfaults > FINDING_MAX_FAULTS)
		return false;
	for (i = 0; i < f->nthreads; i++)
		if (f->stacks[i].nframes < 0 || f->stacks[i].nframes > FRAME_MAX)
			return false;
	return true;
}

/* --resume's earlier findings (prior.c keeps them): json-c alone here,
 * so this file needs none of the readers. */
int report_prior_hit(struct report *r, const char *key)
{
	for (int k = 0; k < 2 && r->prior[k]; k++)
		for (size_t i = 0; i < json_object_array_length(r->prior[k]); i++) {
			json_object *f = json_object_array_get_idx(r->prior[k], i), *v, *id;
			int64_t hits = 0;

			if (!json_object_object_get_ex(f, "key", &v) ||
			    strcmp(json_object_get_string(v), key) != 0 ||
			    !json_object_object_get_ex(f, "id", &id))
				continue;
			if (json_object_object_get_ex(f, "hits", &v))
				hits = json_object_get_int64(v);
			json_object_object_add(f, "hits", json_object_new_int64(hits + 1));
			return json_object_get_int(id);
		}
	return 0;
}

int report_prior_count(const struct report *r, bool aborts)
{
	return r && r->prior[aborts] ? (int)json_object_array_length(r->prior[aborts]) : 0;
}

int report_add_finding(struct report *r, const struct run_finding *f, bool *is_new)
{
	struct finding *n;
	char *key;
	int i, e;

	if (is_new)
		*is_new = false;
	if (!r || !f || !run_finding_valid(f))
		return -EINVAL;
	e = report_finding_key(f, &key);
	if (e)
		return e;
	for (i = 0; i < r->nfindings; i++) {
		if (strcmp(r->findings[i].key, key) == 0) {
			free(key);
			r->findings[i].hits++;
			return r->findings[i].id;
		}
	}
	if ((i = report_prior_hit(r, key)) > 0) {
		free(key);
		return i;
	}
	if (r->nfindings == r->findings_cap) {
		int cap = r->findings_cap ? r->findings_cap * 2 : 16;

		n = reallocarray(r->findings, cap, sizeof(*n));
		if (!n) {
			free(key);
			return -ENOMEM;
		}
		r->findings = n;
		r->findings_cap = cap;
	}
	n = &r->findings[r->nfindings];
	memset(n, 0, sizeof(*n));
	n->id = r->prior_max_id + r->nfindings + 1;
	n->key = key;
	e = fill_finding(r, n, f);
	if (e) {
		finding_release(n);
		return e;
	}
	r->nfindings++;
	if (is_new)
		*is_new = true;
	return n->id;
}
