#include "config.h"

/* store.c - the findings store (--store=DIR) and regress.json.
 *
 * One file per finding, named by a hash of its dedupe key: shards of one
 * campaign that write the same store never touch each other's files, and
 * the same finding found again updates its file (hits, last_seen,
 * build_ids) instead of adding one. A store file is a one-finding
 * report.json (what --replay reads) plus the store's own fields, and each
 * fault carries the ordinal of its call site within the calling function:
 * (caller, call, ordinal) names the site in a later build, where offsets
 * and lines have moved. Format: docs/report-schema.md, "Store file".
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "reporters/report_int.h"

static const char *sget(json_object *o, const char *key)
{
	json_object *v = json_field(o, key, json_type_string);

	return v ? json_object_get_string(v) : NULL;
}

/* A copy of o's field key into dst, when o has it. */
static int copy_field(json_object *dst, json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	return json_object_object_add(dst, key, json_object_get(v)) < 0 ? -ENOMEM : 0;
}

/* FNV-1a 64: a short, stable file name for a key of any length. */
static uint64_t key_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

static void utc_now(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "?");
}

static bool same(json_object *a, json_object *b, const char *field)
{
	const char *x = sget(a, field), *y = sget(b, field);

	return x && y && strcmp(x, y) == 0;
}

/* The report's site whose key is key: its ordinal and the number of
 * sites of its call in its function (*calls); 0 when there is none. */
static int site_ordinal(json_object *sites, const char *key, int *calls)
{
	size_t n = sites ? json_object_array_length(sites) : 0;

	*calls = 0;
	for (size_t i = 0; key && i < n; i++) {
		json_object *s = json_object_array_get_idx(sites, i);
		const char *k = sget(s, "key");
		json_object *o = json_field(s, "ordinal", json_type_int);

		if (!k || strcmp(k, key) != 0)
			continue;
		for (size_t j = 0; j < n; j++) {
			json_object *t = json_object_array_get_idx(sites, j);

			if (same(s, t, "call") && same(s, t, "function") && same(s, t, "module"))
				++*calls;
		}
		return o ? json_object_get_int(o) : 0;
	}
	return 0;
}

/* The faults, each with its site's ordinal (the fault key's third part). */
static json_object *store_faults(json_object *faults, json_object *sites)
{
	json_object *out = json_object_new_array();
	size_t n = faults ? json_object_array_length(faults) : 0;
	static const char *const keep[] = { "call", "fault", "site", "caller", "file", "line",
					    "thread", "occurrence", "where", "exe" };

	for (size_t i = 0; out && i < n; i++) {
		json_object *f = json_object_array_get_idx(faults, i), *c = json_object_new_object();

		if (!c || json_object_array_add(out, c) < 0) {
			json_object_put(c);
			json_object_put(out);
			return NULL;
		}
		for (size_t k = 0; k < sizeof(keep) / sizeof(*keep); k++)
			if (copy_field(c, f, keep[k]) < 0) {
				json_object_put(out);
				return NULL;
			}
		int calls, ord = site_ordinal(sites, sget(f, "site"), &calls);

		json_object_object_add(c, "ordinal", json_object_new_int(ord));
		json_object_object_add(c, "calls_in_function", json_object_new_int(calls));
	}
	return out;
}

/* The store file of finding fnd of report root, new. */
static json_object *store_new(json_object *root, json_object *fnd, const char *now)
{
	static const char *const meta[] = { "version", "target", "argv", "env", "cwd", "stdin",
					    "requests", "inject", "options", "options_argv", "seed",
					    "redacted" };
	static const char *const fkeep[] = { "key", "kind", "signal", "signal_name", "exit_status",
					     "thread", "sanitizer", "detail", "frames", "hits" };
	json_object *o = json_object_new_object(), *f = json_object_new_object();
	json_object *arr = json_object_new_array(), *ids = json_object_new_array();
	json_object *faults = store_faults(json_field(fnd, "faults", json_type_array),
					   json_field(root, "sites", json_type_array));
	const char *bid = sget(root, "build_id");
	int e = o && f && arr && ids && faults ? 0 : -ENOMEM;

	for (size_t i = 0; !e && i < sizeof(meta) / sizeof(*meta); i++)
		e = copy_field(o, root, meta[i]);
	for (size_t i = 0; !e && i < sizeof(fkeep) / sizeof(*fkeep); i++)
		e = copy_field(f, fnd, fkeep[i]);
	if (!e) {
		json_object_object_add(o, "store_version", json_object_new_int(REPORT_STORE_VERSION));
		json_object_object_add(o, "key", json_object_new_string(sget(fnd, "key")));
		json_object_object_add(o, "first_seen", json_object_new_string(now));
		json_object_object_add(o, "last_seen", json_object_new_string(now));
		copy_field(o, fnd, "hits");
		json_object_array_add(ids, json_object_new_string(bid ? bid : ""));
		json_object_object_add(o, "build_ids", ids);
		ids = NULL;
		json_object_object_add(f, "id", json_object_new_int(1));
		json_object_object_add(f, "faults", faults);
		faults = NULL;
		json_object_array_add(arr, f);
		f = NULL;
		json_object_object_add(o, "findings", arr);
		arr = NULL;
	}
	json_object_put(f);
	json_object_put(arr);
	json_object_put(ids);
	json_object_put(faults);
	if (e) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* The same finding found again: hits added, last_seen, the build-id. */
static void store_update(json_object *old, json_object *root, json_object *fnd, const char *now)
{
	json_object *h = json_field(old, "hits", json_type_int);
	json_object *nh = json_field(fnd, "hits", json_type_int);
	json_object *ids = json_field(old, "build_ids", json_type_array);
	const char *bid = sget(root, "build_id");
	bool seen = false;

	json_object_object_add(old, "hits", json_object_new_int64((h ? json_object_get_int64(h) : 0) +
								 (nh ? json_object_get_int64(nh) : 1)));
	json_object_object_add(old, "last_seen", json_object_new_string(now));
	if (!ids) {
		ids = json_object_new_array();
		json_object_object_add(old, "build_ids", ids);
	}
	for (size_t i = 0; ids && bid && i < json_object_array_length(ids); i++) {
		const char *id = json_object_get_string(json_object_array_get_idx(ids, i));

		if (id && strcmp(id, bid) == 0)
			seen = true;
	}
	if (ids && bid && !seen)
		json_object_array_add(ids, json_object_new_string(bid));
}

static int write_atomic(const char *dir, const char *name, json_object *o, char *why, int whylen)
{
	char path[PATH_MAX];
	int e;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	/* Built from a masked report.json; an older file updated may not be. */
	if (report_redact_top(o) < 0)
		return report_why(why, whylen, -ENOMEM, "out of memory");
	if ((e = report_json_write_file(path, o)) < 0)
		return report_why(why, whylen, e, "cannot write %s: %s", path, strerror(-e));
	return 0;
}

/* One finding into the store. An unreadable file or one of another key
 * (a hash collision) is replaced: the store keeps what this run knows. */
static int store_one(const char *dir, json_object *root, json_object *fnd, const char *now,
		     struct store_result *res, char *why, int whylen)
{
	const char *key = sget(fnd, "key");
	char name[64], path[PATH_MAX];
	json_object *old, *o;
	int e;

	if (!key || !*key)
		return 0;
	snprintf(name, sizeof(name), "%016llx.json", (unsigned long long)key_hash(key));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	old = access(path, F_OK) == 0 ? report_json_read(path, NULL, 0) : NULL;
	if (old && sget(old, "key") && strcmp(sget(old, "key"), key) == 0) {
		store_update(old, root, fnd, now);
		o = old;
		res->updated++;
	} else {
		json_object_put(old);
		o = store_new(root, fnd, now);
		if (!o)
			return report_why(why, whylen, -ENOMEM, "out of memory");
		res->added++;
	}
	e = write_atomic(dir, name, o, why, whylen);
	json_object_put(o);
	return e;
}

int report_store_write(const char *report_path, const char *store_dir, struct store_result *res,
		       char *why, int whylen)
{
	char now[32], lock[PATH_MAX];
	json_object *root, *findings;
	int e, fd;

	memset(res, 0, sizeof(*res));
	e = report_mkdirs(store_dir);
	if (e < 0)
		return report_why(why, whylen, e, "--store=%s: %s", store_dir, strerror(-e));
	root = report_json_read(report_path, why, whylen);
	if (!root)
		return -EINVAL;
	findings = json_field(root, "findings", json_type_array);
	/* Shards finishing at once: one at a time reads and updates a file. */
	snprintf(lock, sizeof(lock), "%s/.lock", store_dir);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		e = -errno;
		if (fd >= 0)
			close(fd);
		json_object_put(root);
		return report_why(why, whylen, e, "--store: cannot lock %s: %s", lock, strerror(-e));
	}
	utc_now(now, sizeof(now));
	for (size_t i = 0; !e && findings && i < json_object_array_length(findings); i++)
		e = store_one(store_dir, root, json_object_array_get_idx(findings, i), now, res, why,
			      whylen);
	close(fd);
	json_object_put(root);
	return e;
}

int report_store_read(const char *path, struct store_entry *se, char *why, int whylen)
{
	json_object *root = report_json_read(path, why, whylen), *v, *findings, *faults;
	const char *key;
	size_t n;
	int e = 0;

	memset(se, 0, sizeof(*se));
	if (!root)
		return -EINVAL;
	v = json_field(root, "store_version", json_type_int);
	key = sget(root, "key");
	findings = json_field(root, "findings", json_type_array);
	faults = findings && json_object_array_length(findings) == 1 ?
		 json_field(json_object_array_get_idx(findings, 0), "faults", json_type_array) : NULL;
	if (!v || !key || !*key || !faults) {
		e = report_why(why, whylen, -EINVAL, "%s: not a store file (no \"store_version\", \"key\" "
			 "or one finding with \"faults\")", path);
		goto out;
	}
	se->store_version = json_object_get_int(v);
	if (se->store_version > REPORT_STORE_VERSION) {
		e = report_why(why, whylen, -EPROTONOSUPPORT, "%s: store version %d is newer than this "
			 "fzsandbox's (%d): use a newer fzsandbox", path, se->store_version,
			 REPORT_STORE_VERSION);
		goto out;
	}
	snprintf(se->key, sizeof(se->key), "%s", key);
	n = json_object_array_length(faults);
	if (n > FINDING_MAX_FAULTS) {
		e = report_why(why, whylen, -EINVAL, "%s: %zu faults (at most %d)", path, n,
			 FINDING_MAX_FAULTS);
		goto out;
	}
	se->nfaults = (int)n;
	for (size_t i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(faults, i);
		json_object *o = json_field(f, "ordinal", json_type_int);
		json_object *c = json_field(f, "calls_in_function", json_type_int);

		se->ordinal[i] = o ? json_object_get_int(o) : 0;
		se->calls[i] = c ? json_object_get_int(c) : 0;
	}
out:
	json_object_put(root);
	return e;
}

/* --- regress.json -------------------------------------------------------- */

int report_regress_write(const char *out_dir, const struct regress_entry *v, int n, int runs,
			 char *why, int whylen)
{
	json_object *o = json_object_new_object(), *arr = json_object_new_array();
	json_object *sum = json_object_new_object();
	static const char *const names[] = { "fixed", "failing", "flaky", "unmappable" };
	int count[4] = { 0 }, e;

	if (!o || !arr || !sum) {
		json_object_put(o);
		json_object_put(arr);
		json_object_put(sum);
		return report_why(why, whylen, -ENOMEM, "out of memory");
	}
	json_object_object_add(o, "version", json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(o, "runs", json_object_new_int(runs));
	for (int i = 0; i < n; i++) {
		json_object *f = json_object_new_object();

		if (!f)
			break;
		json_object_object_add(f, "file", json_object_new_string(v[i].file));
		json_object_object_add(f, "key", json_object_new_string(v[i].key));
		json_object_object_add(f, "kind", json_object_new_string(v[i].kind));
		json_object_object_add(f, "function", json_object_new_string(v[i].top));
		json_object_object_add(f, "status", json_object_new_string(names[v[i].status]));
		json_object_object_add(f, "reproduced", json_object_new_int(v[i].reproduced));
		json_object_object_add(f, "runs", json_object_new_int(v[i].runs));
		json_object_object_add(f, "baseline", json_object_new_boolean(v[i].baseline));
		json_object_object_add(f, "why", v[i].why[0] ? json_object_new_string(v[i].why) : NULL);
		json_object_array_add(arr, f);
		count[v[i].status]++;
	}
	json_object_object_add(o, "findings", arr);
	for (int s = 0; s < 4; s++)
		json_object_object_add(sum, names[s], json_object_new_int(count[s]));
	json_object_object_add(o, "summary", sum);
	e = write_atomic(out_dir, "regress.json", o, why, whylen);
	json_object_put(o);
	return e;
}
