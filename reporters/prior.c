#include "config.h"

/* prior.c - --resume: the findings of the campaign being resumed, kept.
 *
 * A resumed fuzz campaign finds its earlier crashes again. They are the
 * same findings (same dedupe key), so the report keeps them as they were
 * written (their JSON, their id, their files under findings/ID) and
 * report_add_finding answers a known key with its id, not as new: the
 * run is not a new finding, its input not saved again. New findings are
 * numbered after the earlier ones.
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
#include "util/util.h"

static bool listed(json_object *a, int id)
{
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		json_object *v = json_field(json_object_array_get_idx(a, i), "id", json_type_int);

		if (v && json_object_get_int(v) == id)
			return true;
	}
	return false;
}

/* findings/N of an id the report does not list: a killed campaign's (its
 * report.json was never written), which a new finding N would mix with. */
static int drop_unlisted(const struct report *r)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int e = 0;

	snprintf(path, sizeof(path), "%s/findings", r->out_dir);
	if (!(d = opendir(path)))
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)) && e == 0) {
		char sub[PATH_MAX + 256];
		int id;

		if (!de->d_name[0] || strspn(de->d_name, "0123456789") != strlen(de->d_name))
			continue;
		id = atoi(de->d_name);
		if (listed(r->prior[0], id) || listed(r->prior[1], id))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		e = remove_tree(sub);
	}
	closedir(d);
	return e;
}

static int take(struct report *r, json_object *root, const char *name, int which, const char *path,
		char *why, int whylen)
{
	json_object *a = json_field(root, name, json_type_array);

	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		json_object *f = json_object_array_get_idx(a, i);
		json_object *id = json_field(f, "id", json_type_int);

		if (!id || !json_field(f, "key", json_type_string) || json_object_get_int(id) < 1)
			return report_why(why, whylen, -EINVAL, "%s: %s[%zu] has no id or key", path,
					  name, i);
		if (json_object_get_int(id) > r->prior_max_id)
			r->prior_max_id = json_object_get_int(id);
		if (json_object_array_add(r->prior[which], json_object_get(f))) {
			json_object_put(f);
			return report_why(why, whylen, -ENOMEM, "out of memory");
		}
	}
	return 0;
}

int report_take_prior(struct report *r, const char *path, char *why, int whylen)
{
	char unredacted[PATH_MAX];
	json_object *root;
	int e;

	if (!r || r->nfindings || r->prior[0])
		return report_why(why, whylen, -EINVAL, "the earlier findings come first");
	/* --redact: the findings as they were; writing masks them again. */
	snprintf(unredacted, sizeof(unredacted), "%s/" REPORT_UNREDACTED, r->out_dir);
	if (access(unredacted, R_OK) == 0)
		path = unredacted;
	else if (access(path, F_OK) < 0 && errno == ENOENT)
		path = NULL;	/* killed before its report: nothing known */
	if (!(r->prior[0] = json_object_new_array()) || !(r->prior[1] = json_object_new_array()))
		return report_why(why, whylen, -ENOMEM, "out of memory");
	if (path) {
		if (!(root = report_json_read(path, why, whylen)))
			return -EINVAL;
		e = take(r, root, "findings", 0, path, why, whylen);
		e = e ?: take(r, root, "aborts", 1, path, why, whylen);
		json_object_put(root);
		if (e)
			return e;
	}
	e = drop_unlisted(r);
	return e ? report_why(why, whylen, e, "%s/findings: %s", r->out_dir, strerror(-e)) : 0;
}

void report_prior_push(const struct report *r, json_object *findings, json_object *aborts)
{
	for (int k = 0; k < 2 && r->prior[k] && findings && aborts; k++)
		for (size_t i = 0; i < json_object_array_length(r->prior[k]); i++)
			json_object_array_add(k ? aborts : findings,
					      json_object_get(json_object_array_get_idx(r->prior[k], i)));
}
