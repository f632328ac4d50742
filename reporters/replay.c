#include "config.h"

/* replay.c - read one finding back from report.json.
 *
 * The file may have been edited or truncated by hand, so every field is
 * type-checked and every failure is a one-line reason, never a crash.
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

#define REPORT_MAX_SIZE (64u << 20)

int report_why(char *why, int whylen, int err, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen > 0) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return err;
}

static int read_file(const char *path, char **buf, size_t *len)
{
	struct stat st;
	size_t got = 0;
	int fd, e = 0;

	*buf = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		e = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > REPORT_MAX_SIZE) {
		e = S_ISDIR(st.st_mode) ? -EISDIR : -EFBIG;
		goto out;
	}
	*buf = malloc(st.st_size + 1);
	if (!*buf) {
		e = -ENOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, *buf + got, st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = -errno;
			goto out;
		}
		if (n == 0)
			break;
		got += n;
	}
	(*buf)[got] = '\0';
	*len = got;
out:
	if (e) {
		free(*buf);
		*buf = NULL;
	}
	close(fd);
	return e;
}

json_object *json_field(json_object *o, const char *key, int t)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, (json_type)t))
		return NULL;
	return v;
}

static const char *str_field(json_object *o, const char *key)
{
	json_object *v = json_field(o, key, json_type_string);

	return v ? json_object_get_string(v) : NULL;
}

static int int_field(json_object *o, const char *key, int dflt)
{
	json_object *v = json_field(o, key, json_type_int);
	int64_t n;

	if (!v)
		return dflt;
	n = json_object_get_int64(v);
	return n < INT_MIN || n > INT_MAX ? dflt : (int)n;
}

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* Absent or null is NULL; any other non-string is an error (-EINVAL). */
static int opt_str(json_object *o, const char *key, char **out)
{
	json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return -EINVAL;
	*out = strdup(json_object_get_string(v));
	return *out ? 0 : -ENOMEM;
}

/* An array of strings into a NULL-terminated vector. */
static int strv_field(json_object *o, const char *key, bool required, char ***out)
{
	json_object *a;
	size_t i, n;

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &a) || !a) {
		if (required)
			return -ENOENT;
		*out = calloc(1, sizeof(**out));
		return *out ? 0 : -ENOMEM;
	}
	if (!json_object_is_type(a, json_type_array))
		return -EINVAL;
	n = json_object_array_length(a);
	*out = calloc(n + 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(a, i);

		if (!json_object_is_type(v, json_type_string))
			return -EINVAL;
		(*out)[i] = strdup(json_object_get_string(v));
		if (!(*out)[i])
			return -ENOMEM;
	}
	return 0;
}

static int kind_from_name(const char *s, enum finding_kind *k)
{
	int i;

	for (i = 0; s && finding_kind_valid(i); i++) {
		if (strcmp(s, finding_kind_name(i)) == 0) {
			*k = i;
			return 0;
		}
	}
	return -EINVAL;
}

static int load_fault(json_object *o, struct fault_rec *f)
{
	const char *call = str_field(o, "call"), *fault = str_field(o, "fault");

	if (!json_object_is_type(o, json_type_object) || !call || !fault)
		return -EINVAL;
	copy_str(f->call, sizeof(f->call), call);
	copy_str(f->fault, sizeof(f->fault), fault);
	copy_str(f->site, sizeof(f->site), str_field(o, "site"));
	copy_str(f->caller, sizeof(f->caller), str_field(o, "caller"));
	copy_str(f->file, sizeof(f->file), str_field(o, "file"));
	copy_str(f->where, sizeof(f->where), str_field(o, "where"));
	f->site_id = int_field(o, "site_id", -1);
	f->thread = int_field(o, "thread", 0);
	f->occurrence = int_field(o, "occurrence", 0);
	f->line = int_field(o, "line", 0);
	return 0;
}

/* The top non-system frame: what a replay must crash in again. */
static void load_top(json_object *fnd, struct replay_spec *s)
{
	json_object *frames = json_field(fnd, "frames", json_type_array);
	json_object *pick = NULL;
	size_t i, n = frames ? json_object_array_length(frames) : 0;

	for (i = 0; i < n; i++) {
		json_object *fr = json_object_array_get_idx(frames, i);
		json_object *sys = json_field(fr, "system", json_type_boolean);

		if (!json_object_is_type(fr, json_type_object))
			continue;
		if (!pick)
			pick = fr;
		if (!sys || !json_object_get_boolean(sys)) {
			pick = fr;
			break;
		}
	}
	if (!pick)
		return;
	copy_str(s->top_function, sizeof(s->top_function), str_field(pick, "function"));
	copy_str(s->top_file, sizeof(s->top_file), str_field(pick, "file"));
}

/* A fuzz finding's input: relative to the report's directory. */
static int load_input(json_object *fnd, struct replay_spec *s, const char *path, char *why,
		      int whylen)
{
	const char *rel = str_field(fnd, "input"), *slash = strrchr(path, '/');
	int dlen = slash ? (int)(slash - path) : 1;

	if (!rel)
		return 0;
	if (strstr(rel, "..") || rel[0] == '/')
		return report_why(why, whylen, -EINVAL, "%s: bad \"input\" '%s'", path, rel);
	if (asprintf(&s->input_path, "%.*s/%s", dlen, slash ? path : ".", rel) < 0) {
		s->input_path = NULL;
		return report_why(why, whylen, -ENOMEM, "%s: out of memory", path);
	}
	if (access(s->input_path, R_OK) < 0)
		return report_why(why, whylen, -errno, "%s: the finding's input '%s': %s", path,
			    s->input_path, strerror(errno));
	return 0;
}

static int load_finding(json_object *fnd, struct replay_spec *s, const char *path,
			int id, char *why, int whylen)
{
	json_object *faults = json_field(fnd, "faults", json_type_array), *crash;
	size_t i, n;

	if (kind_from_name(str_field(fnd, "kind"), &s->kind) < 0)
		return report_why(why, whylen, -EINVAL, "%s: finding #%d: missing or unknown \"kind\"",
			    path, id);
	if (!faults)
		return report_why(why, whylen, -EINVAL, "%s: finding #%d: missing \"faults\"", path, id);
	n = json_object_array_length(faults);
	if (n > FINDING_MAX_FAULTS)
		return report_why(why, whylen, -EINVAL, "%s: finding #%d: %zu faults (at most %d)",
			    path, id, n, FINDING_MAX_FAULTS);
	for (i = 0; i < n; i++)
		if (load_fault(json_object_array_get_idx(faults, i), &s->faults[i]) < 0)
			return report_why(why, whylen, -EINVAL,
				    "%s: finding #%d: fault %zu lacks \"call\"/\"fault\"",
				    path, id, i);
	s->nfaults = n;
	s->signal = int_field(fnd, "signal", 0);
	crash = json_field(fnd, "crash", json_type_object);
	s->crash_point = crash ? int_field(crash, "point", 0) : 0;
	load_top(fnd, s);
	s->exec_run = str_field(fnd, "run_mode") && strcmp(str_field(fnd, "run_mode"), "exec") == 0;
	return load_input(fnd, s, path, why, whylen);
}

static int load_meta(json_object *root, struct replay_spec *s, const char *path,
		     char *why, int whylen)
{
	const char *version = str_field(root, "version");
	json_object *seed;
	int e;

	if (!version)
		return report_why(why, whylen, -EINVAL, "%s: missing \"version\"", path);
	copy_str(s->version, sizeof(s->version), version);
	copy_str(s->build_id, sizeof(s->build_id), str_field(root, "build_id"));
	e = strv_field(root, "argv", true, &s->argv);
	if (e == 0 && !s->argv[0])
		e = -EINVAL;
	if (e == -ENOMEM)
		return report_why(why, whylen, e, "%s: out of memory", path);
	if (e)
		return report_why(why, whylen, -EINVAL, "%s: missing or bad \"argv\"", path);
	e = strv_field(root, "env", true, &s->envp);
	if (e == -ENOMEM)
		return report_why(why, whylen, e, "%s: out of memory", path);
	if (e)
		return report_why(why, whylen, -EINVAL, "%s: missing or bad \"env\"", path);
	e = strv_field(root, "requests", false, &s->requests);
	e = e ?: opt_str(root, "cwd", &s->cwd);
	e = e ?: opt_str(root, "stdin", &s->stdin_path);
	e = e ?: opt_str(root, "inject", &s->inject);
	e = e ?: opt_str(root, "options", &s->options);
	/* One word each; an older report has only the joined string. */
	if (e == 0 && json_object_object_get_ex(root, "options_argv", NULL))
		e = strv_field(root, "options_argv", true, &s->options_argv);
	else if (e == 0 && !(s->options_argv = report_words_split(s->options)))
		e = -ENOMEM;
	if (e == -ENOMEM)
		return report_why(why, whylen, e, "%s: out of memory", path);
	if (e)
		return report_why(why, whylen, -EINVAL,
			    "%s: bad \"requests\", \"cwd\", \"stdin\", \"inject\", \"options\" or \"options_argv\"",
			    path);
	seed = json_field(root, "seed", json_type_int);
	s->seed = seed ? json_object_get_uint64(seed) : 0;
	return 0;
}

static bool masked(const char *s)
{
	return s && strstr(s, REDACT_MASK);
}

/* The environment's value of NAME for a stored "NAME=..." that was
 * masked, when fzsandbox has it: CI passes the same secret again. */
static void env_back(char **kv)
{
	const char *eq = strchr(*kv, '=');
	char name[256], *v, *nkv;

	if (!eq || (size_t)(eq - *kv) >= sizeof(name))
		return;
	snprintf(name, sizeof(name), "%.*s", (int)(eq - *kv), *kv);
	v = getenv(name);
	if (!v || asprintf(&nkv, "%s=%s", name, v) < 0)
		return;
	free(*kv);
	*kv = nkv;
}

int replay_unredact(struct replay_spec *s, const char *path, char *why, int whylen)
{
	int j = 0;

	for (int i = 0; s->envp && s->envp[i]; i++)
		if (masked(s->envp[i]))
			env_back(&s->envp[i]);
	for (int i = 0; s->argv && s->argv[i]; i++)
		if (masked(s->argv[i]))
			return report_why(why, whylen, -EPERM,
				    "%s: redacted and no %s beside it: argument %d was masked",
				    path, REPORT_UNREDACTED, i);
	for (int i = 0; s->envp && s->envp[i]; i++) {
		const char *eq = strchr(s->envp[i], '=');

		if (masked(s->envp[i]))
			return report_why(why, whylen, -EPERM,
				    "%s: redacted and no %s beside it: set %.*s in the environment to replay",
				    path, REPORT_UNREDACTED,
				    (int)(eq ? eq - s->envp[i] : (long)strlen(s->envp[i])), s->envp[i]);
	}
	for (int i = 0; s->options_argv && s->options_argv[i]; i++)
		if (masked(s->options_argv[i]) && strncmp(s->options_argv[i], "--redact=", 9) != 0)
			return report_why(why, whylen, -EPERM,
				    "%s: redacted and no %s beside it: option '%s' was masked",
				    path, REPORT_UNREDACTED, s->options_argv[i]);
	/* A masked --redact is dropped, not compiled ("[REDACTED]" is a
	 * bracket expression): give --redact again on the replay's line. */
	for (int i = 0; s->options_argv && s->options_argv[i]; i++) {
		if (masked(s->options_argv[i]))
			free(s->options_argv[i]);
		else
			s->options_argv[j++] = s->options_argv[i];
	}
	if (s->options_argv)
		s->options_argv[j] = NULL;
	if (masked(s->cwd) || masked(s->stdin_path))
		return report_why(why, whylen, -EPERM,
			    "%s: redacted and no %s beside it: the %s was masked", path,
			    REPORT_UNREDACTED, masked(s->cwd) ? "working directory" : "--stdin path");
	return 0;
}

/* A report masked by --redact: the run's fields as they were from the
 * .unredacted.json beside it, else from the environment (redact_json.c). */
static int unredact(json_object *root, struct replay_spec *s, const char *path, char *why,
		    int whylen)
{
	json_object *red = json_field(root, "redacted", json_type_boolean), *side;
	const char *slash = strrchr(path, '/');
	char *sp = NULL;
	int e;

	if (!red || !json_object_get_boolean(red))
		return 0;
	if (asprintf(&sp, "%.*s/%s", slash ? (int)(slash - path) : 1, slash ? path : ".",
		     REPORT_UNREDACTED) < 0)
		return report_why(why, whylen, -ENOMEM, "%s: out of memory", path);
	if (access(sp, F_OK) < 0) {
		free(sp);
		return replay_unredact(s, path, why, whylen);
	}
	side = report_json_read(sp, why, whylen);
	if (!side) {
		free(sp);
		return -EINVAL;
	}
	report_strv_free(s->argv);
	report_strv_free(s->envp);
	report_strv_free(s->requests);
	report_strv_free(s->options_argv);
	free(s->cwd);
	free(s->stdin_path);
	free(s->inject);
	free(s->options);
	s->argv = s->envp = s->requests = s->options_argv = NULL;
	s->cwd = s->stdin_path = s->inject = s->options = NULL;
	e = load_meta(side, s, sp, why, whylen);
	json_object_put(side);
	free(sp);
	return e;
}

/* "FILE#ID": the last '#' starts the id unless what follows is a path. */
static int split_id(const char *arg, char **path, int *id, char *why, int whylen)
{
	const char *hash = strrchr(arg, '#');
	char *end;
	long n;

	*id = 0;
	if (!hash || strchr(hash, '/')) {
		*path = strdup(arg);
		return *path ? 0 : -ENOMEM;
	}
	errno = 0;
	n = strtol(hash + 1, &end, 10);
	if (hash[1] < '0' || hash[1] > '9' || *end || errno || n < 1 || n > INT_MAX)
		return report_why(why, whylen, -EINVAL, "%s: bad finding id \"%s\"",
			    arg, hash + 1);
	*id = n;
	*path = strndup(arg, hash - arg);
	return *path ? 0 : -ENOMEM;
}

static json_object *parse(const char *buf, size_t len, const char *path,
			  char *why, int whylen)
{
	json_tokener *tok = json_tokener_new();
	enum json_tokener_error err;
	json_object *root;
	size_t off;

	if (!tok) {
		report_why(why, whylen, -ENOMEM, "%s: out of memory", path);
		return NULL;
	}
	root = json_tokener_parse_ex(tok, buf, len);
	err = json_tokener_get_error(tok);
	off = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	/* An incomplete document is still "continue" at the end of input. */
	if (!root || err != json_tokener_success) {
		report_why(why, whylen, -EINVAL, "%s: not JSON (%s at offset %zu)", path,
		     err == json_tokener_continue ? "truncated" :
		     json_tokener_error_desc(err), off);
		json_object_put(root);
		return NULL;
	}
	while (off < len && strchr(" \t\r\n", buf[off]))
		off++;
	if (off < len) {
		report_why(why, whylen, -EINVAL, "%s: not JSON (trailing data at offset %zu)",
		     path, off);
		json_object_put(root);
		return NULL;
	}
	if (!json_object_is_type(root, json_type_object)) {
		report_why(why, whylen, -EINVAL, "%s: not a report (top level is not an object)",
		     path);
		json_object_put(root);
		return NULL;
	}
	return root;
}

json_object *report_json_read(const char *path, char *why, int whylen)
{
	char *buf = NULL;
	size_t len = 0;
	json_object *root;
	int e = read_file(path, &buf, &len);

	if (e) {
		report_why(why, whylen, e, "%s: %s", path, strerror(-e));
		return NULL;
	}
	root = parse(buf, len, path, why, whylen);
	free(buf);
	return root;
}

static json_object *pick_finding(json_object *findings, int *id)
{
	size_t i, n = json_object_array_length(findings);

	for (i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(findings, i);
		int fid = int_field(f, "id", -1);

		if (!json_object_is_type(f, json_type_object) || fid < 1)
			continue;
		if (*id == 0 || fid == *id) {
			*id = fid;
			return f;
		}
	}
	return NULL;
}

int replay_load(const char *file_and_id, struct replay_spec *spec, char *why, int whylen)
{
	json_object *root = NULL, *findings, *fnd;
	char *path = NULL, *buf = NULL;
	size_t len = 0;
	int id, e;

	if (why && whylen > 0)
		why[0] = '\0';
	if (!spec)
		return report_why(why, whylen, -EINVAL, "no replay spec");
	memset(spec, 0, sizeof(*spec));
	if (!file_and_id || !*file_and_id)
		return report_why(why, whylen, -EINVAL, "no report file given");
	e = split_id(file_and_id, &path, &id, why, whylen);
	if (e == -ENOMEM)
		return report_why(why, whylen, e, "out of memory");
	if (e)
		return e;
	e = read_file(path, &buf, &len);
	if (e) {
		report_why(why, whylen, e, "%s: %s", path, strerror(-e));
		goto out;
	}
	root = parse(buf, len, path, why, whylen);
	if (!root) {
		e = -EINVAL;
		goto out;
	}
	e = load_meta(root, spec, path, why, whylen);
	e = e ?: unredact(root, spec, path, why, whylen);
	if (e)
		goto out;
	findings = json_field(root, "findings", json_type_array);
	if (!findings) {
		e = report_why(why, whylen, -EINVAL, "%s: missing \"findings\"", path);
		goto out;
	}
	fnd = pick_finding(findings, &id);
	/* A deliberate abort (kept apart) replays by its id as well. */
	if (!fnd && id && (findings = json_field(root, "aborts", json_type_array)))
		fnd = pick_finding(findings, &id);
	if (!fnd) {
		e = id ? report_why(why, whylen, -ENOENT, "%s: no finding #%d", path, id) :
			 report_why(why, whylen, -ENOENT, "%s: no findings", path);
		goto out;
	}
	e = load_finding(fnd, spec, path, id, why, whylen);
	if (e == 0) {
		spec->id = id;
		spec->file = path;
		path = NULL;
	}
out:
	if (e)
		replay_spec_free(spec);
	json_object_put(root);
	free(buf);
	free(path);
	return e;
}

void replay_spec_free(struct replay_spec *spec)
{
	if (!spec)
		return;
	report_strv_free(spec->argv);
	report_strv_free(spec->envp);
	report_strv_free(spec->requests);
	free(spec->cwd);
	free(spec->stdin_path);
	free(spec->input_path);
	free(spec->inject);
	free(spec->options);
	report_strv_free(spec->options_argv);
	free(spec->file);
	memset(spec, 0, sizeof(*spec));
}
