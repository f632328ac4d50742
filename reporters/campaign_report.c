#include "config.h"

/* campaign_report.c - a --campaign's combined report: each component's
 * report.json read back, then OUT/campaign.json, and for --format=sarif,
 * junit one OUT/report.sarif (a run per component, from the component's
 * own report.sarif) and one OUT/junit.xml (a testsuite per component).
 * The components' own directories (OUT/NAME) stay as they are: replay
 * lines point there. */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "reporters/report_int.h"

int report_component_read(struct report_component *c, char *why, int whylen)
{
	char path[PATH_MAX];
	json_object *root, *f, *v;

	snprintf(path, sizeof(path), "%s/report.json", c->out_dir);
	root = report_json_read(path, why, whylen);
	if (!root)
		return -EINVAL;
	f = json_field(root, "findings", json_type_array);
	c->findings = f ? (int)json_object_array_length(f) : 0;
	v = json_field(root, "runs", json_type_int);
	c->runs = v ? (long)json_object_get_int64(v) : 0;
	v = json_field(root, "runs_planned", json_type_int);
	c->runs_planned = v ? (long)json_object_get_int64(v) : 0;
	v = json_field(root, "plan_capped", json_type_boolean);
	c->capped = v && json_object_get_boolean(v);
	v = json_field(root, "capped_by", json_type_string);
	snprintf(c->capped_by, sizeof(c->capped_by), "%s", v ? json_object_get_string(v) : "");
	json_object_put(root);
	return 0;
}

/* Builders that remember a failed allocation instead of checking each. */
static bool oom;

static json_object *add(json_object *o, const char *k, json_object *v)
{
	if (!v || !o || json_object_object_add(o, k, v) < 0) {
		json_object_put(v);
		oom = true;
	}
	return v;
}

static json_object *str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

/* A component's argv, budget and result as campaign.json says them. */
static json_object *component_json(const struct report_component *c)
{
	json_object *o = json_object_new_object(), *cmd = json_object_new_array();

	add(o, "name", str(c->name));
	add(o, "out", str(c->out_dir));
	for (int i = 0; cmd && c->argv && c->argv[i]; i++)
		if (json_object_array_add(cmd, str(c->argv[i])) < 0)
			oom = true;
	add(o, "command", cmd);
	add(o, "share", json_object_new_double(c->share));
	add(o, "changed", json_object_new_boolean(c->changed));
	add(o, "weight", json_object_new_double(c->weight));
	/* null without --budget: the component ran its whole plan */
	if (c->planned_budget_ms)
		add(o, "planned_budget_ms", json_object_new_int64(c->planned_budget_ms));
	else
		json_object_object_add(o, "planned_budget_ms", NULL);
	if (c->budget_ms)
		add(o, "budget_ms", json_object_new_int64(c->budget_ms));
	else
		json_object_object_add(o, "budget_ms", NULL);
	add(o, "ran", json_object_new_boolean(c->ran));
	add(o, "exit_status", json_object_new_int(c->status));
	add(o, "wall_ms", json_object_new_int64(c->wall_ms));
	add(o, "findings", json_object_new_int(c->findings));
	add(o, "runs", json_object_new_int64(c->runs));
	add(o, "runs_planned", json_object_new_int64(c->runs_planned));
	add(o, "capped", json_object_new_boolean(c->capped));
	if (c->capped_by[0])
		add(o, "capped_by", str(c->capped_by));
	else
		json_object_object_add(o, "capped_by", NULL);
	return o;
}

static int campaign_json(const struct report_campaign *cp, const struct report_component *v,
			 int n, const char *path)
{
	json_object *top = json_object_new_object(), *comps = json_object_new_array(), *ch;
	int e;

	oom = !top;
	add(top, "campaign", str(cp->file));
	if (cp->budget_ms)
		add(top, "budget_ms", json_object_new_int64(cp->budget_ms));
	else if (top)
		json_object_object_add(top, "budget_ms", NULL);
	if (cp->changed_from) {
		ch = add(top, "changed_from", json_object_new_object());
		add(ch, "rev", str(cp->changed_from));
		add(ch, "files", json_object_new_int(cp->nchanged_files));
		add(ch, "factor", json_object_new_int(cp->changed_factor));
	}
	add(top, "exit_status", json_object_new_int(cp->status));
	add(top, "wall_ms", json_object_new_int64(cp->wall_ms));
	for (int i = 0; comps && i < n; i++) {
		json_object *c = component_json(&v[i]);

		if (!c || json_object_array_add(comps, c) < 0) {
			json_object_put(c);
			oom = true;
		}
	}
	add(top, "components", comps);
	e = oom ? -ENOMEM : report_json_write_file(path, top);
	json_object_put(top);
	return e;
}

/* Every component's SARIF runs in one log, each run told apart by its
 * automationDetails.id ("fzsandbox/NAME/"): code scanning keeps runs of
 * one tool apart only by that category. */
static int campaign_sarif(const struct report_component *v, int n, const char *path, char *why,
			  int whylen)
{
	json_object *top = json_object_new_object(), *runs = json_object_new_array();
	char in[PATH_MAX], id[128];
	int e = 0;

	oom = !top;
	add(top, "$schema", str("https://json.schemastore.org/sarif-2.1.0.json"));
	add(top, "version", str("2.1.0"));
	add(top, "runs", runs);
	for (int i = 0; i < n && !e && !oom; i++) {
		json_object *log, *r;

		if (!v[i].ran)
			continue;
		snprintf(in, sizeof(in), "%s/report.sarif", v[i].out_dir);
		log = report_json_read(in, why, whylen);
		if (!log) {
			e = -EINVAL;
			break;
		}
		r = json_field(log, "runs", json_type_array);
		for (size_t k = 0; r && k < json_object_array_length(r); k++) {
			json_object *run = json_object_array_get_idx(r, k), *ad;

			snprintf(id, sizeof(id), "fzsandbox/%s/", v[i].name);
			ad = json_object_new_object();
			add(ad, "id", str(id));
			add(run, "automationDetails", ad);
			if (json_object_array_add(runs, json_object_get(run)) < 0) {
				json_object_put(run);
				oom = true;
			}
		}
		json_object_put(log);
	}
	if (!e)
		e = oom ? report_why(why, whylen, -ENOMEM, "out of memory") : report_json_write_file(path, top);
	json_object_put(top);
	return e;
}

static int campaign_junit(const struct report_component *v, int n, const char *path, char *why,
			  int whylen)
{
	json_object **reports = calloc(n ? n : 1, sizeof(*reports));
	const char **names = calloc(n ? n : 1, sizeof(*names));
	char in[PATH_MAX];
	int m = 0, e = 0;

	if (!reports || !names)
		e = report_why(why, whylen, -ENOMEM, "out of memory");
	for (int i = 0; i < n && !e; i++) {
		if (!v[i].ran)
			continue;
		snprintf(in, sizeof(in), "%s/report.json", v[i].out_dir);
		reports[m] = report_json_read(in, why, whylen);
		if (!reports[m]) {
			e = -EINVAL;
			break;
		}
		names[m++] = v[i].name;
	}
	if (!e)
		e = report_junit_write_suites(reports, names, m, path);
	for (int i = 0; reports && i < m; i++)
		json_object_put(reports[i]);
	free(reports);
	free(names);
	return e;
}

int report_campaign_write(const struct report_campaign *cp, const struct report_component *v,
			  int n, const char *out_dir, unsigned formats, char *why, int whylen)
{
	char path[PATH_MAX];
	int e;

	snprintf(path, sizeof(path), "%s/campaign.json", out_dir);
	e = campaign_json(cp, v, n, path);
	if (!e && (formats & REPORT_FMT_SARIF)) {
		snprintf(path, sizeof(path), "%s/report.sarif", out_dir);
		e = campaign_sarif(v, n, path, why, whylen);
		if (e == -EINVAL)
			return e;	/* why says which file */
	}
	if (!e && (formats & REPORT_FMT_JUNIT)) {
		snprintf(path, sizeof(path), "%s/junit.xml", out_dir);
		e = campaign_junit(v, n, path, why, whylen);
		if (e == -EINVAL)
			return e;
	}
	if (e)
		report_why(why, whylen, e, "cannot write %s: %s", path, strerror(-e));
	return e;
}
