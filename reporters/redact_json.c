#include "config.h"

/* redact_json.c - --redact in the JSON files fzsandbox writes, and what
 * --replay needs back (docs/ci.md, "Secrets").
 *
 * Every JSON file is masked as a tree, string by string, just before it
 * is written: masking the serialised text would miss a secret that JSON
 * escapes (a quote, a control byte) and could cut a string's quotes.
 * report.json's argv and env are what --replay runs, so the unmasked
 * values go to OUT/.unredacted.json, mode 0600: a dot file that
 * actions/upload-artifact leaves out by default, beside the report only.
 * Without it (a merged report, a store file) --replay takes a masked
 * variable's value from its own environment, where CI has the secret
 * again, and refuses what it still cannot unmask (replay.c).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "reporters/report_int.h"
#include "util/util.h"
#include "util/redact.h"

int report_redact_json(json_object *o)
{
	int n = 0, e;

	if (!o || !redact_active())
		return 0;
	switch (json_object_get_type(o)) {
	case json_type_string: {
		char *m;
		size_t len;

		n = redact_buf(json_object_get_string(o), (size_t)json_object_get_string_len(o),
			       &m, &len);
		if (n > 0 && json_object_set_string_len(o, m, (int)len) == 0)
			n = -ENOMEM;
		free(m);
		return n;
	}
	case json_type_array:
		for (size_t i = 0; i < json_object_array_length(o); i++) {
			e = report_redact_json(json_object_array_get_idx(o, i));
			if (e < 0)
				return e;
			n += e;
		}
		return n;
	case json_type_object: {
		json_object_object_foreach(o, key, v) {
			(void)key;
			e = report_redact_json(v);
			if (e < 0)
				return e;
			n += e;
		}
		return n;
	}
	default:
		return 0;
	}
}

int report_redact_top(json_object *o)
{
	int n = report_redact_json(o);

	if (n > 0 && json_object_object_add(o, "redacted", json_object_new_boolean(1)) != 0)
		return -ENOMEM;
	return n;
}

/* What --replay reads of a report before its findings (replay.c's
 * load_meta): the run as it was, to be run again. */
static const char *const meta_fields[] = { "version", "argv", "env", "cwd", "stdin",
					   "requests", "inject", "options", "options_argv", "seed" };

static int write_private(const char *dir, json_object *o)
{
	char path[4096], tmp[4096];
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t len = text ? strlen(text) : 0;
	int fd, e = 0;

	if (!text)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/" REPORT_UNREDACTED, dir);
	snprintf(tmp, sizeof(tmp), "%s/.unredacted.json.%d.tmp", dir, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	/* A file left by another umask or owner: 0600 whatever it was. */
	if (fchmod(fd, 0600) < 0)
		e = -errno;
	if (!e)
		e = fs_write_all(fd, text, len, -1);
	if (close(fd) < 0 && !e)
		e = -errno;
	if (!e && rename(tmp, path) < 0)
		e = -errno;
	if (e)
		(void)unlink(tmp);
	return e;
}

int report_write_unredacted(const char *out_dir, json_object *report)
{
	json_object *o = json_object_new_object(), *v;
	int e = o ? 0 : -ENOMEM;

	for (size_t i = 0; !e && i < sizeof(meta_fields) / sizeof(*meta_fields); i++)
		if (json_object_object_get_ex(report, meta_fields[i], &v) &&
		    json_object_object_add(o, meta_fields[i], json_object_get(v)) != 0)
			e = -ENOMEM;
	e = e ?: write_private(out_dir, o);
	json_object_put(o);
	return e;
}

int report_copy_unredacted(const char *from_dir, const char *out_dir)
{
	char path[4096], why[256];
	json_object *o;
	int e;

	snprintf(path, sizeof(path), "%s/" REPORT_UNREDACTED, from_dir);
	if (access(path, F_OK) < 0)
		return errno == ENOENT ? 0 : -errno;
	o = report_json_read(path, why, sizeof(why));
	if (!o)
		return -EINVAL;
	e = write_private(out_dir, o);
	json_object_put(o);
	return e;
}
