#include "config.h"

/* outcomes_read.c - the outcome table read back from a report.json, for
 * `fzsandbox outcomes OUT`: sites[] and their outcomes[], as the summary
 * printed them. A field missing or of the wrong type is a one-line
 * reason, never a crash (the file may have been edited by hand). */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "reporters/report_int.h"

static void copy_str(json_object *o, const char *key, char *dst, size_t len)
{
	json_object *v = json_field(o, key, json_type_string);

	snprintf(dst, len, "%s", v ? json_object_get_string(v) : "");
}

static int get_int(json_object *o, const char *key, int dflt)
{
	json_object *v = json_field(o, key, json_type_int);

	return v ? json_object_get_int(v) : dflt;
}

static int64_t get_i64(json_object *o, const char *key)
{
	json_object *v = json_field(o, key, json_type_int);

	return v ? json_object_get_int64(v) : -1;
}

/* "SIGSEGV" back to its number (SIG<n> for one without a name). */
static int signal_number(const char *name)
{
	for (int s = 1; s < NSIG; s++) {
		const char *a = sigabbrev_np(s);

		if (a && strncmp(name, "SIG", 3) == 0 && strcmp(name + 3, a) == 0)
			return s;
	}
	return strncmp(name, "SIG", 3) == 0 ? atoi(name + 3) : 0;
}

static void read_outcome(json_object *j, int site_id, struct outcome *o)
{
	json_object *v;
	const char *out;

	*o = (struct outcome){ .site_id = site_id };
	o->run = get_int(j, "run", 0);
	copy_str(j, "call", o->call, sizeof(o->call));
	copy_str(j, "fault", o->fault, sizeof(o->fault));
	o->occurrence = get_int(j, "occurrence", 1);
	o->thread = get_int(j, "thread", 1);
	o->nfaults = get_int(j, "faults", 1);
	o->ending = ENDED_EXIT;
	if ((v = json_field(j, "signal_name", json_type_string))) {
		o->ending = ENDED_SIGNAL;
		o->signal = signal_number(json_object_get_string(v));
	} else if ((v = json_field(j, "outcome", json_type_string)) &&
		   strcmp(json_object_get_string(v), outcome_group_name(OUTCOME_HUNG)) == 0) {
		o->ending = ENDED_TIMEOUT;
	}
	o->exit_status = get_int(j, "exit_status", 0);
	v = json_field(j, "stderr", json_type_boolean);
	o->stderr_any = v && json_object_get_boolean(v);
	copy_str(j, "message", o->message, sizeof(o->message));
	v = json_field(j, "stdout", json_type_string);
	out = v ? json_object_get_string(v) : "";
	o->out = STDOUT_UNKNOWN;
	for (int s = STDOUT_SAME; s <= STDOUT_DIFFERS; s++)
		if (strcmp(out, outcome_stdout_name(s)) == 0)
			o->out = s;
	o->wall_us = get_i64(j, "wall_us");
	o->cpu_us = get_i64(j, "cpu_us");
	o->finding = get_int(j, "finding", 0);
}

static void read_site(json_object *j, int id, struct site *s)
{
	json_object *p = json_field(j, "path", json_type_array);

	*s = (struct site){ .id = id };
	copy_str(j, "call", s->call, sizeof(s->call));
	copy_str(j, "key", s->key, sizeof(s->key));
	copy_str(j, "function", s->function, sizeof(s->function));
	copy_str(j, "file", s->file, sizeof(s->file));
	s->line = get_int(j, "line", 0);
	for (size_t k = 0; p && k < json_object_array_length(p) && s->npath < 3; k++) {
		json_object *e = json_object_array_get_idx(p, k);

		if (json_object_is_type(e, json_type_string))
			snprintf(s->path[s->npath++], sizeof(s->path[0]), "%s",
				 json_object_get_string(e));
	}
}

int report_outcomes_load(const char *path, struct site **sites, int *nsites,
			 struct outcome **v, int *n, struct outcome *clean, char *why, int whylen)
{
	json_object *root = json_object_from_file(path), *a, *c;
	size_t ns, total = 0;
	int e = 0;

	*sites = NULL;
	*v = NULL;
	*nsites = *n = 0;
	if (!root) {
		snprintf(why, whylen, "%s: cannot read it as JSON", path);
		return -EINVAL;
	}
	a = json_field(root, "sites", json_type_array);
	if (!a) {
		snprintf(why, whylen, "%s: no sites (not a report.json of a campaign?)", path);
		e = -EINVAL;
		goto out;
	}
	ns = json_object_array_length(a);
	for (size_t i = 0; i < ns; i++) {
		json_object *oc = json_field(json_object_array_get_idx(a, i), "outcomes", json_type_array);

		if (!oc) {
			snprintf(why, whylen, "%s: site %zu has no outcomes (written by an older "
				 "fzsandbox?)", path, i);
			e = -EINVAL;
			goto out;
		}
		total += json_object_array_length(oc);
	}
	*sites = calloc(ns ? ns : 1, sizeof(**sites));
	*v = calloc(total ? total : 1, sizeof(**v));
	if (!*sites || !*v) {
		snprintf(why, whylen, "out of memory");
		e = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < ns; i++) {
		json_object *s = json_object_array_get_idx(a, i);
		json_object *oc = json_field(s, "outcomes", json_type_array);

		read_site(s, (int)i, &(*sites)[i]);
		for (size_t k = 0; k < json_object_array_length(oc); k++)
			read_outcome(json_object_array_get_idx(oc, k), (int)i, &(*v)[(*n)++]);
	}
	*nsites = (int)ns;
	c = json_field(root, "clean_outcome", json_type_object);
	if (c)
		read_outcome(c, -1, clean);
	else
		clean->run = -1;
out:
	if (e < 0) {
		free(*sites);
		free(*v);
		*sites = NULL;
		*v = NULL;
		*n = *nsites = 0;
	}
	json_object_put(root);
	return e;
}
