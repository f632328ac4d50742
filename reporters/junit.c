#include "config.h"

/* junit.c - report.json as JUnit XML, for CI test-report views
 * (--format=junit: OUT/junit.xml).
 *
 * One testsuite for the program; one testcase per site the clean run
 * found, named by call, function and file:line: a site whose faults were
 * tried passed, or failed with every finding whose first fault was
 * there; a site the plan did not reach (a capped campaign, or another
 * shard's) is skipped. A finding with no fault (the program crashed
 * without our help) is a testcase of its own. Made from report.json, so
 * a merged report gives one too.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "reporters/report_int.h"

static const char *sget(json_object *o, const char *k)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

static int64_t iget(json_object *o, const char *k, int64_t dflt)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_int))
		return dflt;
	return json_object_get_int64(v);
}

/* XML 1.0 text: the five specials escaped, the control characters it
 * cannot hold at all (a program's output may have any byte) as '?'. */
static void xml(FILE *fp, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&apos;", fp); break;
		default:
			fputc(c < 0x20 && c != '\t' && c != '\n' && c != '\r' ? '?' : c, fp);
		}
	}
}

/* The finding's first fault's site id, -1 for none. */
static int64_t finding_site(json_object *f)
{
	json_object *faults = json_field(f, "faults", json_type_array);

	if (!faults || json_object_array_length(faults) == 0)
		return -1;
	return iget(json_object_array_get_idx(faults, 0), "site_id", -1);
}

static const char *top_function(json_object *f)
{
	json_object *frames = json_field(f, "frames", json_type_array);

	for (size_t i = 0; frames && i < json_object_array_length(frames); i++) {
		json_object *fr = json_object_array_get_idx(frames, i), *sys;

		if (json_object_object_get_ex(fr, "system", &sys) && json_object_get_boolean(sys))
			continue;
		return sget(fr, "function");
	}
	return "??";
}

/* The failures of site (-1: the findings with no site of the report). */
static void failures(FILE *fp, json_object *findings, int64_t site, int nsites)
{
	for (size_t i = 0; i < json_object_array_length(findings); i++) {
		json_object *f = json_object_array_get_idx(findings, i);
		int64_t at = finding_site(f);

		if (at >= nsites)
			at = -1;
		if (at != site)
			continue;
		fputs("      <failure type=\"", fp);
		xml(fp, sget(f, "kind"));
		fputs("\" message=\"", fp);
		xml(fp, *sget(f, "signal_name") ? sget(f, "signal_name") :
			*sget(f, "sanitizer") ? sget(f, "sanitizer") : sget(f, "kind"));
		fputs(" in ", fp);
		xml(fp, top_function(f));
		fputs(": ", fp);
		xml(fp, sget(f, "detail"));
		fputs("\">finding #", fp);
		fprintf(fp, "%lld (%lld hits)\nreplay: ", (long long)iget(f, "id", 0),
			(long long)iget(f, "hits", 0));
		xml(fp, sget(f, "replay"));
		fputs("</failure>\n", fp);
	}
}

static int count_failing(json_object *sites, json_object *findings, int *nofault)
{
	int n = 0;

	*nofault = 0;
	for (size_t i = 0; i < json_object_array_length(sites); i++)
		for (size_t k = 0; k < json_object_array_length(findings); k++)
			if (finding_site(json_object_array_get_idx(findings, k)) == (int64_t)i) {
				n++;
				break;
			}
	for (size_t k = 0; k < json_object_array_length(findings); k++) {
		int64_t s = finding_site(json_object_array_get_idx(findings, k));

		if (s < 0 || s >= (int64_t)json_object_array_length(sites))
			(*nofault)++;
	}
	return n;
}

/* One report's counts, as its testsuite and the testsuites totals say. */
struct suite_counts {
	int tests, failures, skipped;
};

static void suite_counts(json_object *report, struct suite_counts *c)
{
	json_object *sites = json_field(report, "sites", json_type_array);
	json_object *findings = json_field(report, "findings", json_type_array);
	int nsites = sites ? (int)json_object_array_length(sites) : 0, nofault = 0, nfail = 0;

	c->skipped = 0;
	for (int i = 0; i < nsites; i++)
		c->skipped += iget(json_object_array_get_idx(sites, i), "failed", 0) == 0;
	if (sites && findings)
		nfail = count_failing(sites, findings, &nofault);
	else if (findings)
		nofault = (int)json_object_array_length(findings);
	c->tests = nsites + (nofault > 0);
	c->failures = nfail + (nofault > 0);
}

/* report's testsuite, named name (NULL: the program's base name). */
static void suite_write(FILE *fp, json_object *report, const char *name)
{
	json_object *sites = json_field(report, "sites", json_type_array);
	json_object *findings = json_field(report, "findings", json_type_array);
	json_object *empty = json_object_new_array();
	const char *target = sget(report, "target"), *base = strrchr(target, '/');
	struct suite_counts c;
	int nsites = 0, nofault = 0;

	suite_counts(report, &c);
	sites = sites ?: empty;
	findings = findings ?: empty;
	if (sites && findings) {	/* else out of memory: an empty suite */
		nsites = (int)json_object_array_length(sites);
		count_failing(sites, findings, &nofault);
	}
	fputs("  <testsuite name=\"", fp);
	xml(fp, name ? name : base ? base + 1 : target);
	fprintf(fp, "\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\">\n",
		c.tests, c.failures, c.skipped);
	for (int i = 0; i < nsites; i++) {
		json_object *s = json_object_array_get_idx(sites, i);

		fputs("    <testcase classname=\"", fp);
		xml(fp, sget(s, "call"));
		fputs("\" name=\"", fp);
		xml(fp, sget(s, "call"));
		fputs(" in ", fp);
		xml(fp, sget(s, "function"));
		if (iget(s, "line", 0) > 0) {
			fputs(" (", fp);
			xml(fp, sget(s, "file"));
			fprintf(fp, ":%lld)", (long long)iget(s, "line", 0));
		}
		fputs(" ", fp);
		xml(fp, sget(s, "key"));
		fputs("\">\n", fp);
		if (iget(s, "failed", 0) == 0)
			fputs("      <skipped message=\"not failed in this campaign (capped, or "
			      "another shard's site)\"/>\n", fp);
		failures(fp, findings, i, nsites);
		fputs("    </testcase>\n", fp);
	}
	if (nofault) {
		fputs("    <testcase classname=\"clean\" name=\"without an injected fault\">\n", fp);
		failures(fp, findings, -1, nsites);
		fputs("    </testcase>\n", fp);
	}
	fputs("  </testsuite>\n", fp);
	json_object_put(empty);
}

int report_junit_write_suites(json_object *const *reports, const char *const *names, int n,
			      const char *path)
{
	struct suite_counts all = { 0 }, c;
	int e = 0;
	FILE *fp = fopen(path, "we");

	if (!fp)
		return -errno;
	for (int i = 0; i < n; i++) {
		suite_counts(reports[i], &c);
		all.tests += c.tests;
		all.failures += c.failures;
		all.skipped += c.skipped;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", fp);
	fprintf(fp, "<testsuites name=\"fzsandbox\" tests=\"%d\" failures=\"%d\" skipped=\"%d\">\n",
		all.tests, all.failures, all.skipped);
	for (int i = 0; i < n; i++)
		suite_write(fp, reports[i], names ? names[i] : NULL);
	fputs("</testsuites>\n", fp);
	if (ferror(fp))
		e = -EIO;
	if (fclose(fp) != 0 && !e)
		e = -errno;
	return e;
}

int report_junit_write(json_object *report, const char *path)
{
	return report_junit_write_suites(&report, NULL, 1, path);
}
