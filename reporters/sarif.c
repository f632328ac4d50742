#include "config.h"

/* sarif.c - report.json as SARIF 2.1.0, for GitHub code scanning and
 * other SARIF viewers (--format=sarif: OUT/report.sarif).
 *
 * Made from report.json itself (read back), so a campaign and a merge of
 * shards write the same thing. Each finding is one result: its rule is
 * its kind; its location the innermost frame whose source file is in the
 * repository (--source-root; GitHub shows only results located in files
 * of the checkout); its stack, outermost first, a code flow (GitHub
 * ignores SARIF "stacks"); its dedupe key a partial fingerprint of ours
 * (upload-sarif computes primaryLocationLineHash itself from the region);
 * the faults and the replay line in the message, where a reader looks.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "reporters/report_int.h"
#include "util/util.h"

/* What each kind means, for the rules (unknown kinds get a plain line). */
static const struct {
	const char *kind, *name, *text;
} kinds[] = {
	{ "signal", "FatalSignal", "The program died of a signal (a crash) after an injected failure." },
	{ "hang", "Hang", "The program stopped making progress (past --timeout) after an injected failure." },
	{ "sanitizer", "SanitizerReport", "A sanitizer (ASan, UBSan...) reported an error after an injected failure." },
	{ "exit", "UnexpectedExit", "The program exited with a status the clean run did not have (--fail-on-exit)." },
	{ "resource", "ResourceLimit", "The program was killed by a resource limit (CPU, file size) after an injected failure." },
	{ "sandbox-violation", "SandboxViolation", "The program made a call the jail's seccomp policy denies." },
	{ "abort", "DeliberateAbort", "The program chose to abort on an out-of-memory failure (--abort-is-finding)." },
	{ "state-corruption", "StateCorruption", "A --check command failed on what a faulted run left in its work directory." },
};

struct sarif {
	const char *root;	/* the source root, resolved, no trailing '/' */
	json_object *rules, *rule_index;	/* kind -> index */
	bool oom;
};

static json_object *jstr(struct sarif *s, const char *v)
{
	json_object *o = json_object_new_string(v ? v : "");

	if (!o)
		s->oom = true;
	return o;
}

static json_object *jobj(struct sarif *s)
{
	json_object *o = json_object_new_object();

	if (!o)
		s->oom = true;
	return o;
}

static json_object *jarr(struct sarif *s)
{
	json_object *o = json_object_new_array();

	if (!o)
		s->oom = true;
	return o;
}

static void put(struct sarif *s, json_object *o, const char *k, json_object *v)
{
	if (!o || !v || json_object_object_add(o, k, v)) {
		json_object_put(v);
		s->oom = true;
	}
}

static void push(struct sarif *s, json_object *a, json_object *v)
{
	if (!a || !v || json_object_array_add(a, v)) {
		json_object_put(v);
		s->oom = true;
	}
}

static const char *sget(json_object *o, const char *k)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int64_t iget(json_object *o, const char *k)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_int))
		return 0;
	return json_object_get_int64(v);
}

static bool bget(json_object *o, const char *k)
{
	json_object *v;

	return o && json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_boolean) &&
	       json_object_get_boolean(v);
}

/* The frame's file as a path relative to the source root, when it is a
 * regular file there (relative names are taken as relative to the root:
 * where the build ran). rel gets it; false otherwise. */
static bool in_repo(const struct sarif *s, const char *file, char *rel, size_t len)
{
	char path[PATH_MAX], *real;
	size_t n = strlen(s->root);
	struct stat st;
	bool ok;

	if (!file || !*file)
		return false;
	if (file[0] == '/')
		snprintf(path, sizeof(path), "%s", file);
	else
		snprintf(path, sizeof(path), "%s/%s", s->root, file);
	real = realpath(path, NULL);
	ok = real && stat(real, &st) == 0 && S_ISREG(st.st_mode) &&
	     strncmp(real, s->root, n) == 0 && (real[n] == '/' || n == 1);
	if (ok)
		snprintf(rel, len, "%s", real + (n == 1 ? 1 : n + 1));
	free(real);
	return ok;
}

/* A path as a URI reference: every byte but RFC 3986's unreserved ones
 * and '/' percent-encoded. */
static char *uri_path(const char *p)
{
	static const char hex[] = "0123456789ABCDEF";
	char *u = malloc(3 * strlen(p) + 1), *o = u;

	for (; u && *p; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~/", c)) {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	if (u)
		*o = 0;
	return u;
}

static json_object *physical(struct sarif *s, const char *rel, int line)
{
	json_object *p = jobj(s), *a = jobj(s), *r;
	char *uri = uri_path(rel);

	if (!uri)
		s->oom = true;
	put(s, a, "uri", jstr(s, uri));
	free(uri);
	put(s, a, "uriBaseId", jstr(s, "SRCROOT"));
	put(s, p, "artifactLocation", a);
	if (line > 0) {
		r = jobj(s);
		put(s, r, "startLine", json_object_new_int(line));
		put(s, p, "region", r);
	}
	return p;
}

static json_object *location(struct sarif *s, const char *rel, int line, const char *func)
{
	json_object *l = jobj(s), *ll, *one;

	put(s, l, "physicalLocation", physical(s, rel, line));
	if (func && *func) {
		ll = jarr(s);
		one = jobj(s);
		put(s, one, "name", jstr(s, func));
		put(s, one, "kind", jstr(s, "function"));
		push(s, ll, one);
		put(s, l, "logicalLocations", ll);
	}
	return l;
}

/* The finding's stack, outermost first (a code flow is in execution
 * order); frames outside the repository keep their function name. */
static json_object *code_flows(struct sarif *s, json_object *frames)
{
	json_object *flows = jarr(s), *flow = jobj(s), *tfs = jarr(s), *tf = jobj(s), *locs = jarr(s);
	int n = frames ? (int)json_object_array_length(frames) : 0, depth = 0;

	for (int i = n - 1; i >= 0; i--) {
		json_object *f = json_object_array_get_idx(frames, i), *tl = jobj(s), *l, *m;
		char rel[PATH_MAX];
		const char *func = sget(f, "function");

		if (in_repo(s, sget(f, "file"), rel, sizeof(rel))) {
			l = location(s, rel, (int)iget(f, "line"), func);
		} else {
			l = jobj(s);
			m = jobj(s);
			put(s, m, "text", jstr(s, func && *func ? func : "??"));
			put(s, l, "message", m);
		}
		put(s, tl, "location", l);
		put(s, tl, "nestingLevel", json_object_new_int(depth++));
		push(s, locs, tl);
	}
	put(s, tf, "locations", locs);
	push(s, tfs, tf);
	put(s, flow, "threadFlows", tfs);
	push(s, flows, flow);
	return flows;
}

static int rule_of(struct sarif *s, const char *kind)
{
	json_object *idx, *r, *t;
	const char *name = "Finding", *text = "A finding of fzsandbox.";
	int i;

	if (json_object_object_get_ex(s->rule_index, kind, &idx))
		return json_object_get_int(idx);
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++)
		if (strcmp(kinds[k].kind, kind) == 0) {
			name = kinds[k].name;
			text = kinds[k].text;
		}
	i = (int)json_object_array_length(s->rules);
	r = jobj(s);
	put(s, r, "id", jstr(s, kind));
	put(s, r, "name", jstr(s, name));
	t = jobj(s);
	put(s, t, "text", jstr(s, text));
	put(s, r, "shortDescription", t);
	t = jobj(s);
	put(s, t, "text", jstr(s, "Replay the finding with the command in its message; "
			      "see fzsandbox(1) and docs/report-schema.md."));
	put(s, r, "help", t);
	t = jobj(s);
	put(s, t, "level", jstr(s, "error"));
	put(s, r, "defaultConfiguration", t);
	push(s, s->rules, r);
	put(s, s->rule_index, kind, json_object_new_int(i));
	return i;
}

/* "SIGSEGV in parse_header after malloc -> NULL in parse_header (file:line).
 * Replay: CMD" */
static char *message(json_object *f, const char *top)
{
	json_object *faults = json_field(f, "faults", json_type_array);
	const char *what = sget(f, "signal_name");
	char *m = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&m, &len);

	if (!fp)
		return NULL;
	if (!what || !*what)
		what = sget(f, "sanitizer");
	fprintf(fp, "%s", what && *what ? what : sget(f, "kind") ?: "finding");
	if (top)
		fprintf(fp, " in %s", top);
	for (size_t i = 0; faults && i < json_object_array_length(faults); i++) {
		json_object *ft = json_object_array_get_idx(faults, i);

		if (i == 3) {
			fprintf(fp, " and %zu more", json_object_array_length(faults) - 3);
			break;
		}
		fprintf(fp, "%s %s -> %s in %s", i ? "," : " after", sget(ft, "call") ?: "?",
			sget(ft, "fault") ?: "?", sget(ft, "caller") ?: "?");
		if (iget(ft, "line") > 0)
			fprintf(fp, " (%s:%lld)", sget(ft, "file") ?: "", (long long)iget(ft, "line"));
	}
	if (sget(f, "detail") && *sget(f, "detail"))
		fprintf(fp, ": %s", sget(f, "detail"));
	fprintf(fp, ". Replay: %s", sget(f, "replay") ?: "");
	if (fclose(fp) != 0) {
		free(m);
		return NULL;
	}
	return m;
}

static json_object *result(struct sarif *s, json_object *f)
{
	json_object *frames = json_field(f, "frames", json_type_array);
	json_object *r = jobj(s), *locs = jarr(s), *m, *fp, *props;
	const char *kind = sget(f, "kind") ?: "finding", *top = NULL;
	char rel[PATH_MAX];
	char *text;
	bool located = false;

	for (size_t i = 0; frames && i < json_object_array_length(frames); i++) {
		json_object *fr = json_object_array_get_idx(frames, i);

		if (bget(fr, "system"))
			continue;
		if (!top)
			top = sget(fr, "function");
		if (in_repo(s, sget(fr, "file"), rel, sizeof(rel))) {
			push(s, locs, location(s, rel, (int)iget(fr, "line"), sget(fr, "function")));
			located = true;
			break;
		}
	}
	put(s, r, "ruleId", jstr(s, kind));
	put(s, r, "ruleIndex", json_object_new_int(rule_of(s, kind)));
	put(s, r, "level", jstr(s, "error"));
	text = message(f, top);
	if (!text)
		s->oom = true;
	m = jobj(s);
	put(s, m, "text", jstr(s, text));
	free(text);
	put(s, r, "message", m);
	if (located)
		put(s, r, "locations", locs);
	else
		json_object_put(locs);
	if (frames && json_object_array_length(frames))
		put(s, r, "codeFlows", code_flows(s, frames));
	fp = jobj(s);
	put(s, fp, "fzsandboxFindingKey/v1", jstr(s, sget(f, "key")));
	put(s, r, "partialFingerprints", fp);
	props = jobj(s);
	put(s, props, "findingId", json_object_new_int((int)iget(f, "id")));
	put(s, props, "hits", json_object_new_int((int)iget(f, "hits")));
	put(s, props, "replay", jstr(s, sget(f, "replay")));
	put(s, r, "properties", props);
	return r;
}

int report_sarif_write(json_object *report, const char *path, const char *source_root)
{
	struct sarif s = { 0 };
	json_object *top = NULL, *runs, *run, *tool, *driver, *results, *base, *srcroot;
	json_object *findings = json_field(report, "findings", json_type_array);
	char *root = realpath(source_root ? source_root : ".", NULL), *uri = NULL, *enc;
	int e = 0;

	if (!root)
		return -errno;
	s.root = root;
	s.rules = jarr(&s);
	s.rule_index = jobj(&s);
	results = jarr(&s);
	for (size_t i = 0; findings && i < json_object_array_length(findings); i++)
		push(&s, results, result(&s, json_object_array_get_idx(findings, i)));
	top = jobj(&s);
	put(&s, top, "$schema", jstr(&s, "https://json.schemastore.org/sarif-2.1.0.json"));
	put(&s, top, "version", jstr(&s, "2.1.0"));
	runs = jarr(&s);
	run = jobj(&s);
	tool = jobj(&s);
	driver = jobj(&s);
	put(&s, driver, "name", jstr(&s, "fzsandbox"));
	put(&s, driver, "version", jstr(&s, sget(report, "version")));
	put(&s, driver, "rules", json_object_get(s.rules));
	put(&s, tool, "driver", driver);
	put(&s, run, "tool", tool);
	/* file:// URI of the root, with a trailing '/' as SARIF wants. */
	enc = uri_path(root);
	if (!enc || asprintf(&uri, "file://%s%s", enc, strcmp(root, "/") ? "/" : "") < 0) {
		uri = NULL;	/* undefined after a failed asprintf */
		s.oom = true;
	}
	free(enc);
	base = jobj(&s);
	srcroot = jobj(&s);
	put(&s, srcroot, "uri", jstr(&s, uri));
	put(&s, base, "SRCROOT", srcroot);
	put(&s, run, "originalUriBaseIds", base);
	put(&s, run, "results", results);
	push(&s, runs, run);
	put(&s, top, "runs", runs);
	if (s.oom)
		e = -ENOMEM;
	else if (json_object_to_file_ext(path, top, JSON_C_TO_STRING_PRETTY |
					 JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE) < 0)
		e = errno ? -errno : -EIO;
	json_object_put(top);
	json_object_put(s.rules);
	json_object_put(s.rule_index);
	free(uri);
	free(root);
	return e;
}
