/* fail_on.c - --fail-on=any|new. A store is a record of the bugs a
 * project already knows: in CI they are found again on every build, so
 * with --fail-on=new only the findings that are neither in the store
 * before this invocation nor accepted in --baseline fail the job (exit
 * 1). Known ones are still reported and stored. A finding regress calls
 * flaky is in the store, so it never fails the job here. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/baseline.h"
#include "cli/die.h"
#include "cli/fail_on.h"
#include "cli/options.h"
#include "reporters/report.h"

static struct {
	bool on;
	const char *store;
	struct keylist stored, baseline;
} fo;

bool options_parse_fail_on(const char *opt, const char *arg)
{
	if (strcmp(arg, "new") == 0)
		return true;
	if (strcmp(arg, "any") != 0)
		die("%s=%s: want 'any' (any finding fails) or 'new' (only findings not in --store)",
		    opt, arg);
	return false;
}

void options_check_fail_on(const struct options *o)
{
	if (o->fail_on_new && (o->standalone || o->replay))
		die("--fail-on=new: not with %s (it judges a campaign's findings)",
		    o->standalone ? "--inject=none" : "--replay");
	if (o->fail_on_new && !o->store)
		die("--fail-on=new needs --store=DIR (the findings it compares with)");
	if (o->baseline && !o->fail_on_new)
		die("--baseline=%s needs --fail-on=new (it lists accepted findings)", o->baseline);
}

void fail_on_begin(bool new_only, const char *store, const char *baseline, const char *who)
{
	char why[PATH_MAX + 128], **keys;

	fo.on = new_only;
	fo.store = store;
	if (!new_only)
		return;
	if (baseline)
		baseline_load(&fo.baseline, baseline, who);
	if (report_store_keys(store, &keys, why, sizeof(why)) < 0)
		die("%s%s", who, why);
	for (int i = 0; keys[i]; i++) {
		keylist_add(&fo.stored, keys[i]);
		free(keys[i]);
	}
	free(keys);
}

static const char *const known_text[] = {
	[NOVELTY_NEW] = "new",
	[NOVELTY_STORE] = "known (in the store)",
	[NOVELTY_BASELINE] = "known (in the baseline)",
};

static struct report_novelty *judged;
static int njudged, nnew;

bool fail_on_judge(const char *out_dir, int nfindings)
{
	char path[PATH_MAX + 16], why[PATH_MAX + 128];

	if (!fo.on)
		return nfindings > 0;
	snprintf(path, sizeof(path), "%s/report.json", out_dir);
	nnew = report_mark_new(path, fo.stored.keys, fo.baseline.keys, &judged, &njudged, why,
			       sizeof(why));
	if (nnew < 0)
		die("--fail-on=new: %s", why);
	keylist_free(&fo.stored);
	keylist_free(&fo.baseline);
	return nnew > 0;
}

void fail_on_summary(bool quiet, FILE *fp)
{
	int n = njudged;

	if (!fo.on)
		return;
	if (!quiet || nnew) {
		for (int i = 0; i < n; i++)
			fprintf(fp, "fzsandbox: finding #%d (%s in %s): %s\n", judged[i].id,
				judged[i].kind, judged[i].where, known_text[judged[i].known]);
		fprintf(fp, "fzsandbox: %d finding%s, %d new against the store --store=%s%s\n", n,
			n == 1 ? "" : "s", nnew, fo.store,
			nnew ? "" : n ? " (known findings do not fail the job)" : "");
	}
	free(judged);
	judged = NULL;
	njudged = nnew = 0;
}
