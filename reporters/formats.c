#include "config.h"

/* formats.c - --format's words, and the files made from report.json for
 * CI (report.sarif, junit.xml) after a campaign or a merge wrote it. */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "reporters/report_int.h"

static const struct {
	const char *name;
	unsigned bit;
} names[] = {
	{ "text", REPORT_FMT_TEXT },
	{ "json", REPORT_FMT_JSON },
	{ "sarif", REPORT_FMT_SARIF },
	{ "junit", REPORT_FMT_JUNIT },
};

int report_formats_parse(const char *s, unsigned *mask, char *bad, int badlen)
{
	*mask = 0;
	for (const char *p = s;; p++) {
		size_t len = strcspn(p, ","), i;

		for (i = 0; i < sizeof(names) / sizeof(*names); i++)
			if (len && strlen(names[i].name) == len && strncmp(names[i].name, p, len) == 0)
				break;
		if (i == sizeof(names) / sizeof(*names)) {
			snprintf(bad, badlen, "%.*s", (int)len, p);
			return -EINVAL;
		}
		*mask |= names[i].bit;
		p += len;
		if (!*p)
			return 0;
	}
}

int report_write_formats(const char *out_dir, unsigned formats, const char *source_root,
			 char *why, int whylen)
{
	char path[PATH_MAX];
	json_object *root;
	int e = 0;

	if (!(formats & (REPORT_FMT_SARIF | REPORT_FMT_JUNIT)))
		return 0;
	snprintf(path, sizeof(path), "%s/report.json", out_dir);
	root = report_json_read(path, why, whylen);
	if (!root)
		return -EINVAL;
	/* Masked already when --redact made it; a merge or an older report
	 * may not be. */
	e = report_redact_top(root);
	if (e < 0) {
		snprintf(why, whylen, "%s: out of memory", path);
		json_object_put(root);
		return e;
	}
	e = 0;
	if (formats & REPORT_FMT_SARIF) {
		snprintf(path, sizeof(path), "%s/report.sarif", out_dir);
		e = report_sarif_write(root, path, source_root);
	}
	if (!e && (formats & REPORT_FMT_JUNIT)) {
		snprintf(path, sizeof(path), "%s/junit.xml", out_dir);
		e = report_junit_write(root, path);
	}
	if (e)
		snprintf(why, whylen, "cannot write %s: %s", path, strerror(-e));
	json_object_put(root);
	return e;
}
