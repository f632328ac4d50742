#include "config.h"

/* novelty.c - --fail-on=new: which findings of a report the findings
 * store (or the --baseline) already knows.
 *
 * A campaign that keeps a store finds its old bugs again on every build;
 * only a finding whose key is in neither list is new, and only new ones
 * fail the job. The store's keys are read before this run adds its own
 * (report_store_keys), then each finding of report.json gets "new" and,
 * when known, "known_in" (docs/report-schema.md).
 */

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "reporters/report_int.h"

static int json_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".json") == 0;
}

int report_store_keys(const char *store_dir, char ***keys, char *why, int whylen)
{
	struct dirent **ents = NULL;
	char **v = calloc(1, sizeof(*v));
	int n, nv = 0, e = 0;

	*keys = NULL;
	if (!v)
		return report_why(why, whylen, -ENOMEM, "out of memory");
	n = scandir(store_dir, &ents, json_name, alphasort);
	if (n < 0 && errno == ENOENT) {
		*keys = v;	/* the first run makes the store */
		return 0;
	}
	if (n < 0) {
		e = -errno;
		free(v);
		return report_why(why, whylen, e, "--store=%s: %s", store_dir, strerror(-e));
	}
	for (int i = 0; i < n; i++) {
		struct store_entry se;
		char path[PATH_MAX], **nv_v;

		snprintf(path, sizeof(path), "%s/%s", store_dir, ents[i]->d_name);
		/* A newer store is refused, as regress refuses it; a corrupt
		 * file knows no key (regress names it). */
		if (!e && report_store_read(path, &se, why, whylen) == -EPROTONOSUPPORT)
			e = -EPROTONOSUPPORT;
		else if (!e && se.key[0]) {
			nv_v = realloc(v, (nv + 2) * sizeof(*v));
			if (!nv_v || !(nv_v[nv] = strdup(se.key))) {
				v = nv_v ? nv_v : v;
				e = report_why(why, whylen, -ENOMEM, "out of memory");
			} else {
				v = nv_v;
				v[++nv] = NULL;
			}
		}
		free(ents[i]);
	}
	free(ents);
	if (e < 0) {
		report_strv_free(v);
		return e;
	}
	*keys = v;
	return 0;
}

static bool has(char *const *v, const char *key)
{
	for (; v && *v; v++)
		if (strcmp(*v, key) == 0)
			return true;
	return false;
}

/* "signal:11|parse_record@kvd|main@kvd" -> kind "signal", where
 * "parse_record" (finding_key.c makes keys). */
static void key_names(const char *key, struct report_novelty *nv)
{
	size_t k = strcspn(key, "|/"), w;
	const char *rest = key[k] ? key + k + 1 : "";

	snprintf(nv->kind, sizeof(nv->kind), "%.*s", (int)strcspn(key, ":|/"), key);
	w = strcspn(rest, "@|/+");
	snprintf(nv->where, sizeof(nv->where), "%.*s", (int)w, w ? rest : "??");
}

static int write_back(const char *path, json_object *root, char *why, int whylen)
{
	int e = report_json_write_file(path, root);

	return e < 0 ? report_why(why, whylen, e, "cannot write %s: %s", path, strerror(-e)) : 0;
}

int report_mark_new(const char *report_path, char *const *store_keys, char *const *baseline,
		    struct report_novelty **out, int *nout, char *why, int whylen)
{
	json_object *root = report_json_read(report_path, why, whylen), *findings;
	struct report_novelty *v = NULL;
	size_t n;
	int nnew = 0, e;

	*out = NULL;
	*nout = 0;
	if (!root)
		return -EINVAL;
	findings = json_field(root, "findings", json_type_array);
	n = findings ? json_object_array_length(findings) : 0;
	if (n && !(v = calloc(n, sizeof(*v)))) {
		json_object_put(root);
		return report_why(why, whylen, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(findings, i);
		json_object *k = json_field(f, "key", json_type_string);
		json_object *id = json_field(f, "id", json_type_int);
		const char *key = k ? json_object_get_string(k) : "";

		v[i].id = id ? json_object_get_int(id) : (int)i + 1;
		key_names(key, &v[i]);
		v[i].known = has(store_keys, key) ? NOVELTY_STORE :
			     has(baseline, key) ? NOVELTY_BASELINE : NOVELTY_NEW;
		nnew += v[i].known == NOVELTY_NEW;
		json_object_object_add(f, "new", json_object_new_boolean(v[i].known == NOVELTY_NEW));
		if (v[i].known != NOVELTY_NEW)
			json_object_object_add(f, "known_in", json_object_new_string(
					       v[i].known == NOVELTY_STORE ? "store" : "baseline"));
	}
	json_object_object_add(root, "fail_on", json_object_new_string("new"));
	json_object_object_add(root, "new_findings", json_object_new_int(nnew));
	e = write_back(report_path, root, why, whylen);
	json_object_put(root);
	if (e < 0) {
		free(v);
		return e;
	}
	*out = v;
	*nout = (int)n;
	return nnew;
}
