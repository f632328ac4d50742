#include "config.h"

/* merge.c - one report from the reports of a campaign's shards
 * (fzsandbox merge; --shard=K/N made them).
 *
 * Each shard ran the same build with the same options and failed only its
 * own sites, so the merge is a union: sites by key (their failed runs
 * summed), findings by their dedupe key (hits summed, the first shard's
 * run kept, as one campaign keeps its first run), counters summed. Ids are
 * renumbered in shard order, so the merged report does not depend on the
 * order the reports were given in; each kept finding's files are copied
 * and its replay line points at the merged report. Reports of different
 * builds, options or shard counts are refused: their sites and findings
 * would not mean the same thing.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "reporters/report_int.h"
#include "util/redact.h"
#include "util/util.h"

struct shard {
	char *dir;		/* the report's directory */
	json_object *root;
	int index;
	int *site_map;		/* old site id -> merged id */
	int nsites;
	json_object *finding_map;	/* "old id" -> merged id */
};

struct merge {
	struct shard *s;
	int n, count;
	json_object *out;	/* the merged report */
	json_object *sites, *site_index;	/* "call key" -> merged id */
	json_object *findings, *aborts, *finding_index;	/* key -> object */
	int next_id;
	const char *out_dir, *self;
	char *why;
	int whylen;
};

static int fail(struct merge *m, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct merge *m, int err, const char *fmt, ...)
{
	va_list ap;

	if (m->why && m->whylen > 0) {
		va_start(ap, fmt);
		vsnprintf(m->why, m->whylen, fmt, ap);
		va_end(ap);
	}
	return err;
}

static int64_t num(json_object *o, const char *key)
{
	json_object *v = json_field(o, key, json_type_int);

	return v ? json_object_get_int64(v) : 0;
}

/* v NULL: JSON null. */
static int set(json_object *o, const char *key, json_object *v)
{
	return json_object_object_add(o, key, v) ? -ENOMEM : 0;
}

static int set_num(json_object *o, const char *key, int64_t n)
{
	json_object *v = json_object_new_int64(n);

	return v ? set(o, key, v) : -ENOMEM;
}

/* Sum the number key of src into dst (both objects). */
static int add_num(json_object *dst, json_object *src, const char *key)
{
	if (!dst || !src || !json_field(src, key, json_type_int))
		return 0;
	return set_num(dst, key, num(dst, key) + num(src, key));
}

static json_object *copy(json_object *o)
{
	json_object *c = NULL;

	return json_object_deep_copy(o, &c, NULL) < 0 ? NULL : c;
}

/* --- Loading and checking ------------------------------------------------ */

static int load_one(struct merge *m, const char *arg, struct shard *s)
{
	struct stat st;
	char *path = NULL;
	json_object *sh;
	int e;

	if (stat(arg, &st) < 0)
		return fail(m, -errno, "%s: %s", arg, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		s->dir = realpath(arg, NULL);
		if (s->dir && asprintf(&path, "%s/report.json", s->dir) < 0)
			path = NULL;
	} else {
		char *slash;

		path = realpath(arg, NULL);
		s->dir = path ? strdup(path) : NULL;
		if (s->dir && (slash = strrchr(s->dir, '/')))
			*(slash == s->dir ? slash + 1 : slash) = 0;
	}
	if (!s->dir || !path) {
		free(path);
		return fail(m, -errno ?: -ENOMEM, "%s: %s", arg, strerror(errno ?: ENOMEM));
	}
	s->root = report_json_read(path, m->why, m->whylen);
	e = s->root ? 0 : -EINVAL;
	sh = s->root ? json_field(s->root, "shard", json_type_object) : NULL;
	if (!e && !sh)
		e = fail(m, -EINVAL, "%s: not a shard's report (no \"shard\": run with --shard=K/N)",
			 path);
	if (!e && (!json_field(s->root, "sites", json_type_array) ||
		   !json_field(s->root, "findings", json_type_array) ||
		   !json_field(s->root, "aborts", json_type_array)))
		e = fail(m, -EINVAL, "%s: not a report (no sites, findings or aborts)", path);
	if (!e) {
		s->index = (int)num(sh, "index");
		if (num(sh, "count") < 1 || s->index < 0 || s->index >= num(sh, "count"))
			e = fail(m, -EINVAL, "%s: bad shard %d/%lld", path, s->index,
				 (long long)num(sh, "count"));
	}
	free(path);
	return e;
}

static int by_index(const void *a, const void *b)
{
	return ((const struct shard *)a)->index - ((const struct shard *)b)->index;
}

/* What must be equal for the shards to be parts of one campaign. */
static const char *const same_fields[] = {
	"version", "build_id", "target", "argv", "inject", "options_argv", "plan_options",
	"requests", "stdin",
};

static int check_same(struct merge *m)
{
	json_object *a = m->s[0].root;

	m->count = (int)num(json_field(a, "shard", json_type_object), "count");
	for (int i = 1; i < m->n; i++) {
		json_object *b = m->s[i].root;
		int count = (int)num(json_field(b, "shard", json_type_object), "count");

		if (count != m->count)
			return fail(m, -EINVAL, "%s has %d shards, %s has %d: not one campaign",
				    m->s[0].dir, m->count, m->s[i].dir, count);
		if (m->s[i].index == m->s[i - 1].index)
			return fail(m, -EINVAL, "%s and %s are both shard %d", m->s[i - 1].dir,
				    m->s[i].dir, m->s[i].index);
		for (size_t f = 0; f < ARRAY_SIZE(same_fields); f++) {
			json_object *va = NULL, *vb = NULL;

			json_object_object_get_ex(a, same_fields[f], &va);
			json_object_object_get_ex(b, same_fields[f], &vb);
			if (!json_object_equal(va, vb))
				return fail(m, -EINVAL, "%s and %s differ in \"%s\"%s", m->s[0].dir,
					    m->s[i].dir, same_fields[f],
					    strcmp(same_fields[f], "build_id") == 0 ?
					    ": shards must test one build" : "");
		}
	}
	return 0;
}

/* --- Sites --------------------------------------------------------------- */

static int merge_sites(struct merge *m, struct shard *s)
{
	json_object *sites = json_field(s->root, "sites", json_type_array);
	size_t n = json_object_array_length(sites);

	s->nsites = (int)n;
	s->site_map = calloc(n + 1, sizeof(int));
	if (!s->site_map)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		json_object *site = json_object_array_get_idx(sites, i), *key, *call, *idx, *have;
		char *k = NULL;
		int id, e = 0;

		/* One return address can be the site of two calls (malloc,
		 * and the brk it makes, keyed by malloc's caller). */
		key = json_field(site, "key", json_type_string);
		call = json_field(site, "call", json_type_string);
		if (!key || !call)
			return fail(m, -EINVAL, "%s: site %zu has no key or call", s->dir, i);
		if (asprintf(&k, "%s %s", json_object_get_string(call), json_object_get_string(key)) < 0)
			return -ENOMEM;
		if (json_object_object_get_ex(m->site_index, k, &idx)) {
			id = json_object_get_int(idx);
			have = json_object_array_get_idx(m->sites, id);
			e = add_num(have, site, "failed");
		} else {
			id = (int)json_object_array_length(m->sites);
			have = copy(site);
			/* Outcomes come in merge_outcomes, their finding ids mapped. */
			if (have && json_field(have, "outcomes", json_type_array))
				json_object_object_del(have, "outcomes");
			if (!have || set_num(have, "id", id) < 0 ||
			    json_object_array_add(m->sites, have) ||
			    set_num(m->site_index, k, id) < 0)
				e = -ENOMEM;
		}
		free(k);
		if (e < 0)
			return e;
		s->site_map[i] = id;
	}
	return 0;
}

static int map_site(const struct shard *s, int64_t old)
{
	return old >= 0 && old < s->nsites ? s->site_map[old] : -1;
}

/* --- Findings ------------------------------------------------------------ */

/* "findings/<old>/name" -> "findings/<new>/name". */
static int rename_output(json_object *o, const char *field, int old, int id)
{
	json_object *v = json_field(o, field, json_type_string);
	char prefix[32], *rel;
	const char *p;
	int e;

	if (!v)
		return 0;
	p = json_object_get_string(v);
	snprintf(prefix, sizeof(prefix), "findings/%d/", old);
	if (strncmp(p, prefix, strlen(prefix)) != 0)
		return 0;
	if (asprintf(&rel, "findings/%d/%s", id, p + strlen(prefix)) < 0)
		return -ENOMEM;
	e = set(o, field, json_object_new_string(rel));
	free(rel);
	return e;
}

static int copy_files(struct merge *m, const struct shard *s, int old, int id)
{
	char src[PATH_MAX], dst[PATH_MAX];
	int in, out, e;

	char name[16];
	int base, fdir;

	snprintf(src, sizeof(src), "%s/findings/%d", s->dir, old);
	snprintf(dst, sizeof(dst), "%s/findings/%d", m->out_dir, id);
	snprintf(name, sizeof(name), "%d", old);
	/* What runs left is untrusted: no symlink is followed on the way. */
	base = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fdir = base < 0 ? -1 : openat(base, "findings", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	in = fdir < 0 ? -1 : openat(fdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	e = in < 0 ? errno : 0;
	if (fdir >= 0)
		close(fdir);
	if (base >= 0)
		close(base);
	if (in < 0)
		return e == ENOENT ? 0 : fail(m, -e, "%s: %s", src, strerror(e));
	e = mkdir_p(dst, 0755);
	out = e < 0 ? -1 : open(dst, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (e == 0 && out < 0)
		e = -errno;
	e = e ?: fs_copy_tree(in, out, NULL);
	/* merge --redact: the output kept, as a campaign's (report_copy_output);
	 * a fuzz input as it is, for replay. */
	if (e == 0 && redact_active())
		e = redact_dir_files(dst, (const char *const[]){ "input", NULL });
	if (e < 0)
		fail(m, e, "cannot copy %s to %s: %s", src, dst, strerror(-e));
	if (out >= 0)
		close(out);
	close(in);
	return e;
}

/* A finding first seen in shard s: a copy with the merged id, its faults'
 * site ids, files and replay line. */
static json_object *new_finding(struct merge *m, const struct shard *s, json_object *f,
				int old, int *err)
{
	json_object *c = copy(f), *faults, *check;
	int id = ++m->next_id;
	char *replay = NULL;

	*err = -ENOMEM;
	if (!c || set_num(c, "id", id) < 0)
		goto bad;
	faults = json_field(c, "faults", json_type_array);
	for (size_t i = 0; faults && i < json_object_array_length(faults); i++) {
		json_object *ft = json_object_array_get_idx(faults, i);

		if (json_field(ft, "site_id", json_type_int) &&
		    set_num(ft, "site_id", map_site(s, num(ft, "site_id"))) < 0)
			goto bad;
	}
	check = json_field(c, "check", json_type_object);
	if (rename_output(c, "stdout", old, id) < 0 || rename_output(c, "stderr", old, id) < 0 ||
	    rename_output(check, "stdout", old, id) < 0 ||
	    rename_output(check, "stderr", old, id) < 0 ||
	    report_replay_line(m->self, m->out_dir, id, &replay) < 0 ||
	    set(c, "replay", json_object_new_string(replay)) < 0)
		goto bad;
	free(replay);
	replay = NULL;
	if ((*err = copy_files(m, s, old, id)) < 0)
		goto bad_kept;
	return c;
bad:
	fail(m, *err, "out of memory");
bad_kept:
	free(replay);
	json_object_put(c);
	return NULL;
}

static int merge_list(struct merge *m, struct shard *s, const char *list, json_object *into)
{
	json_object *a = json_field(s->root, list, json_type_array);

	for (size_t i = 0; i < json_object_array_length(a); i++) {
		json_object *f = json_object_array_get_idx(a, i), *key, *have, *id;
		int old = (int)num(f, "id"), e;
		char old_s[16];

		key = json_field(f, "key", json_type_string);
		if (!key)
			return fail(m, -EINVAL, "%s: finding #%d has no \"key\" (a report of an "
				    "older fzsandbox: run the shards again)", s->dir, old);
		if (json_object_object_get_ex(m->finding_index, json_object_get_string(key), &have)) {
			e = add_num(have, f, "hits");
		} else {
			have = new_finding(m, s, f, old, &e);
			if (!have)
				return e;
			e = json_object_array_add(into, have) ? -ENOMEM : 0;
			e = e ?: set(m->finding_index, json_object_get_string(key),
				     json_object_get(have));
		}
		id = json_field(have, "id", json_type_int);
		snprintf(old_s, sizeof(old_s), "%d", old);
		e = e ?: set(s->finding_map, old_s, json_object_get(id));
		if (e < 0)
			return e;
	}
	return 0;
}

/* Findings and aborts share one id sequence: take them in id order. */
static int merge_findings(struct merge *m, struct shard *s)
{
	s->finding_map = json_object_new_object();
	if (!s->finding_map)
		return -ENOMEM;
	return merge_list(m, s, "findings", m->findings) ?: merge_list(m, s, "aborts", m->aborts);
}

/* --- Outcomes ------------------------------------------------------------ */

/* Each site's outcomes (what each faulted run did: the outcome table),
 * after the merged site's, marked with their shard, their finding the
 * merged report's. */
static int merge_outcomes(struct merge *m, struct shard *s)
{
	json_object *sites = json_field(s->root, "sites", json_type_array);

	for (int i = 0; i < s->nsites; i++) {
		json_object *v = json_field(json_object_array_get_idx(sites, i), "outcomes", json_type_array);
		json_object *site = json_object_array_get_idx(m->sites, s->site_map[i]), *into, *id;

		if (!v)
			continue;
		into = json_field(site, "outcomes", json_type_array);
		if (!into) {
			into = json_object_new_array();
			if (!into || set(site, "outcomes", into) < 0)
				return -ENOMEM;
		}
		for (size_t k = 0; k < json_object_array_length(v); k++) {
			json_object *o = copy(json_object_array_get_idx(v, k)), *f;

			if (!o || set_num(o, "shard", s->index) < 0)
				return -ENOMEM;
			f = json_field(o, "finding", json_type_int);
			if (f && json_object_object_get_ex(s->finding_map, json_object_get_string(f), &id) &&
			    set(o, "finding", json_object_get(id)) < 0)
				return -ENOMEM;
			if (json_object_array_add(into, o))
				return -ENOMEM;
		}
	}
	return 0;
}

/* --- Counters ------------------------------------------------------------ */

static int sum_object(json_object *dst, json_object *src)
{
	int e = 0;

	if (!dst || !src)
		return 0;
	json_object_object_foreach(src, k, v) {
		json_object *d;

		if (json_object_is_type(v, json_type_int)) {
			e = e ?: add_num(dst, src, k);
		} else if (json_object_is_type(v, json_type_object)) {
			if (!json_object_object_get_ex(dst, k, &d) || !d)
				e = e ?: set(dst, k, copy(v));
			else
				e = e ?: sum_object(d, v);
		}
	}
	return e;
}

static int merge_counts(struct merge *m, struct shard *s)
{
	json_object *o = m->out, *r = s->root, *v;
	int e = 0;

	e = e ?: add_num(o, r, "runs");
	e = e ?: add_num(o, r, "runs_planned");
	if (json_field(r, "plan_capped", json_type_boolean) && json_object_get_boolean(
		    json_field(r, "plan_capped", json_type_boolean)))
		e = e ?: set(o, "plan_capped", json_object_new_boolean(1));
	if (!json_field(o, "capped_by", json_type_string) &&
	    (v = json_field(r, "capped_by", json_type_string)))
		e = e ?: set(o, "capped_by", copy(v));
	e = e ?: sum_object(json_field(o, "faults_injected", json_type_object),
			    json_field(r, "faults_injected", json_type_object));
	e = e ?: sum_object(json_field(o, "plan_classes", json_type_object),
			    json_field(r, "plan_classes", json_type_object));
	/* What the clean run found is every shard's: only the plan's counts
	 * add up. */
	v = json_field(o, "call_paths", json_type_object);
	e = e ?: add_num(v, json_field(r, "call_paths", json_type_object), "planned");
	e = e ?: add_num(v, json_field(r, "call_paths", json_type_object), "tried");
	e = e ?: sum_object(json_field(json_field(o, "service", json_type_object), "totals",
				       json_type_object),
			    json_field(json_field(r, "service", json_type_object), "totals", json_type_object));
	return e;
}

/* Every number in o (and in the objects in it) set to 0. */
static int zero_counts(json_object *o)
{
	int e = 0;

	if (!o)
		return 0;
	json_object_object_foreach(o, k, v) {
		if (json_object_is_type(v, json_type_int))
			e = e ?: set_num(o, k, 0);
		else if (json_object_is_type(v, json_type_object))
			e = e ?: zero_counts(v);
	}
	return e;
}

/* The first shard's report with its sums zeroed, where the others add. */
static int start_from_first(struct merge *m)
{
	json_object *o = copy(m->s[0].root), *sh, *v;
	int e = 0;

	if (!o)
		return -ENOMEM;
	m->out = o;
	m->sites = json_object_new_array();
	m->findings = json_object_new_array();
	m->aborts = json_object_new_array();
	m->site_index = json_object_new_object();
	m->finding_index = json_object_new_object();
	sh = json_object_new_object();
	if (!m->sites || !m->findings || !m->aborts || !m->site_index || !m->finding_index || !sh)
		return -ENOMEM;
	e = e ?: set(o, "sites", json_object_get(m->sites));
	e = e ?: set(o, "findings", json_object_get(m->findings));
	e = e ?: set(o, "aborts", json_object_get(m->aborts));
	e = e ?: set(sh, "count", json_object_new_int(m->count));
	v = json_object_new_array();
	for (int i = 0; !e && v && i < m->n; i++)
		e = json_object_array_add(v, json_object_new_int(m->s[i].index)) ? -ENOMEM : 0;
	e = e ?: set(sh, "shards", v);
	e = e ?: set(o, "shard", NULL);
	e = e ?: set(o, "merged", sh);
	/* The first shard's counts are added again below, with the others'. */
	e = e ?: set_num(o, "runs", 0);
	e = e ?: set_num(o, "runs_planned", 0);
	e = e ?: set(o, "plan_capped", json_object_new_boolean(0));
	e = e ?: set(o, "capped_by", NULL);
	if (e)
		return e;
	e = e ?: zero_counts(json_field(o, "faults_injected", json_type_object));
	e = e ?: zero_counts(json_field(o, "plan_classes", json_type_object));
	v = json_field(o, "call_paths", json_type_object);
	if (v) {
		e = e ?: set_num(v, "planned", 0);
		e = e ?: set_num(v, "tried", 0);
	}
	e = e ?: zero_counts(json_field(json_field(o, "service", json_type_object), "totals",
					json_type_object));
	return e;
}

/* --- runs.jsonl ---------------------------------------------------------- */

/* Each shard's runs, marked with their shard, finding ids and site ids
 * made the merged report's. Runs keep their shard's numbers. */
static int merge_runlog(struct merge *m, FILE *out, const struct shard *s)
{
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	struct stat st;
	FILE *in;
	int e = 0, fd;

	snprintf(path, sizeof(path), "%s/runs.jsonl", s->dir);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : fail(m, -errno, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !(in = fdopen(fd, "r"))) {
		close(fd);
		return fail(m, -EINVAL, "%s: not a regular file", path);
	}
	while (!e && (len = getline(&line, &cap, in)) > 0) {
		json_object *run = json_tokener_parse(line), *fnd, *faults, *id, *ms;
		char ms_s[32];

		if (!run || !json_object_is_type(run, json_type_object)) {
			json_object_put(run);
			continue;	/* a line cut by a crash: the report has the rest */
		}
		fnd = json_field(run, "finding", json_type_int);
		if (fnd && json_object_object_get_ex(s->finding_map, json_object_get_string(fnd), &id))
			e = set(run, "finding", json_object_get(id));
		faults = json_field(run, "faults", json_type_array);
		for (size_t i = 0; !e && faults && i < json_object_array_length(faults); i++) {
			json_object *ft = json_object_array_get_idx(faults, i);

			if (json_field(ft, "site_id", json_type_int))
				e = set_num(ft, "site_id", map_site(s, num(ft, "site_id")));
		}
		e = e ?: set_num(run, "shard", s->index);
		/* As runlog.c wrote it, not as a re-printed double. */
		if (!e && (ms = json_field(run, "ms", json_type_double))) {
			snprintf(ms_s, sizeof(ms_s), "%.2f", json_object_get_double(ms));
			e = set(run, "ms", json_object_new_double_s(json_object_get_double(ms), ms_s));
		}
		/* Masked by the shard; masked again under merge's --redact. */
		if (!e && report_redact_json(run) < 0)
			e = -ENOMEM;
		if (!e && fprintf(out, "%s\n", json_object_to_json_string_ext(run,
				  JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
			e = -EIO;
		json_object_put(run);
	}
	free(line);
	fclose(in);
	return e;
}

static int write_out(struct merge *m)
{
	char path[PATH_MAX];
	FILE *fp;
	int e = 0;

	snprintf(path, sizeof(path), "%s/runs.jsonl", m->out_dir);
	fp = fopen(path, "we");
	if (!fp)
		return fail(m, -errno, "%s: %s", path, strerror(errno));
	for (int i = 0; !e && i < m->n; i++)
		e = merge_runlog(m, fp, &m->s[i]);
	if (fclose(fp) != 0 && !e)
		e = fail(m, -errno, "%s: %s", path, strerror(errno));
	if (e)
		return e;
	/* A redacted shard's run fields as they were (the shards share them):
	 * --replay of the merged report finds them beside it. */
	e = report_copy_unredacted(m->s[0].dir, m->out_dir);
	if (e)
		return fail(m, e, "%s/%s: cannot copy into %s: %s", m->s[0].dir, REPORT_UNREDACTED,
			    m->out_dir, strerror(-e));
	if (report_redact_top(m->out) < 0)
		return fail(m, -ENOMEM, "out of memory");
	snprintf(path, sizeof(path), "%s/report.json", m->out_dir);
	if ((e = report_json_write_file(path, m->out)) < 0)
		return fail(m, e, "cannot write %s: %s", path, strerror(-e));
	return 0;
}

/* --- API ----------------------------------------------------------------- */

static int inside_inputs(struct merge *m)
{
	char *out = realpath(m->out_dir, NULL);
	int e = 0;

	for (int i = 0; out && !e && i < m->n; i++)
		if (strcmp(out, m->s[i].dir) == 0)
			e = fail(m, -EINVAL, "--out=%s is shard %d's own directory", m->out_dir,
				 m->s[i].index);
	free(out);
	return e;
}

int report_merge(char *const *inputs, int n, const char *out_dir, const char *self,
		 struct report_merged *res, char *why, int whylen)
{
	struct merge m = { .n = n, .out_dir = out_dir, .self = self, .why = why, .whylen = whylen };
	int e = 0;

	if (why && whylen > 0)
		why[0] = 0;
	if (n < 1)
		return fail(&m, -EINVAL, "no reports to merge");
	m.s = calloc(n, sizeof(*m.s));
	if (!m.s)
		return fail(&m, -ENOMEM, "out of memory");
	for (int i = 0; !e && i < n; i++)
		e = load_one(&m, inputs[i], &m.s[i]);
	if (!e) {
		qsort(m.s, n, sizeof(*m.s), by_index);
		e = check_same(&m);
	}
	e = e ?: report_prepare_dir(out_dir);
	e = e ?: inside_inputs(&m);
	e = e ?: report_clear_previous(out_dir);
	e = e ?: start_from_first(&m);
	for (int i = 0; !e && i < n; i++) {
		e = merge_sites(&m, &m.s[i]);
		e = e ?: merge_findings(&m, &m.s[i]);
		e = e ?: merge_outcomes(&m, &m.s[i]);
		e = e ?: merge_counts(&m, &m.s[i]);
	}
	e = e ?: write_out(&m);
	if (e && why && !why[0])
		fail(&m, e, "%s: %s", out_dir, strerror(-e));
	if (!e && res) {
		res->shards = n;
		res->count = m.count;
		res->runs = num(m.out, "runs");
		res->sites = (int)json_object_array_length(m.sites);
		res->findings = (int)json_object_array_length(m.findings);
		res->aborts = (int)json_object_array_length(m.aborts);
	}
	for (int i = 0; i < n; i++) {
		free(m.s[i].dir);
		free(m.s[i].site_map);
		json_object_put(m.s[i].root);
		json_object_put(m.s[i].finding_map);
	}
	free(m.s);
	json_object_put(m.out);
	json_object_put(m.sites);
	json_object_put(m.findings);
	json_object_put(m.aborts);
	json_object_put(m.site_index);
	json_object_put(m.finding_index);
	return e;
}
