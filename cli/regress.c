/* regress.c - `fzsandbox regress --store=DIR`: every stored finding
 * (--store, reporters/store.c) replayed on the current build.
 *
 * Site keys are build-id + offset, so a rebuild changes every one of
 * them. A stored fault names its site by (caller function, call, ordinal
 * of that call within the function); a clean run of the new build lists
 * its sites, and each fault moves to the one site with that name. When
 * none or several match, the finding is "unmappable": it cannot be
 * replayed, so it is never called fixed. Otherwise --runs replays:
 * 0 reproduce "fixed", all "failing", some "flaky k/N". */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/baseline.h"
#include "cli/die.h"
#include "cli/options.h"
#include "cli/regress.h"
#include "cli/replay.h"
#include "cli/runner.h"
#include "util/util.h"

struct regress {
	const char *store, *out;	/* absolute */
	int runs;
	struct keylist baseline;	/* accepted finding keys (--baseline) */
};

/* The rank of site i among the new build's sites of the same call in the
 * same function, by address: campaign.c's publish_sites gives report.json
 * the same. */
static int site_ordinal(struct inject *inj, int i)
{
	const struct inject_site *s = inject_site(inj, i);
	int ord = 1;

	for (int j = 0; j < inject_nsites(inj); j++) {
		const struct inject_site *o = inject_site(inj, j);

		if (o->nfaults && strcmp(o->call, s->call) == 0 &&
		    o->caller.offset < s->caller.offset &&
		    strcmp(o->caller.function, s->caller.function) == 0 &&
		    strcmp(o->caller.module, s->caller.module) == 0)
			ord++;
	}
	return ord;
}

/* Each stored fault to its site in this build: false (with why) when a
 * fault's (caller, call, ordinal) matches no site or more than one. */
static bool map_faults(struct inject *inj, const struct replay_spec *spec,
		       const struct store_entry *se, struct plan_fault *plan, char *why, size_t len)
{
	for (int i = 0; i < spec->nfaults; i++) {
		const struct fault_rec *f = &spec->faults[i];
		int match = 0, found = -1, calls = 0;

		for (int k = 0; se->ordinal[i] > 0 && k < inject_nsites(inj); k++) {
			const struct inject_site *s = inject_site(inj, k);

			if (!s->nfaults || strcmp(s->call, f->call) != 0 ||
			    strcmp(s->caller.function, f->caller) != 0)
				continue;
			calls++;
			if (site_ordinal(inj, k) == se->ordinal[i]) {
				match++;
				found = k;
			}
		}
		/* A call of the same callee added or removed in the function:
		 * the ordinal may now name another call (a checked one, which
		 * would look fixed). */
		if (match == 1 && se->calls[i] && calls != se->calls[i]) {
			snprintf(why, len, "%s #%d in %s (%s:%d): the function's %s calls went from "
				 "%d to %d", f->call, se->ordinal[i], f->caller, f->file, f->line,
				 f->call, se->calls[i], calls);
			return false;
		}
		if (match != 1) {
			snprintf(why, len, "%s #%d in %s (%s:%d): %s", f->call, se->ordinal[i],
				 f->caller[0] ? f->caller : "??", f->file, f->line,
				 match ? "several sites match" : "no such call site in this build");
			return false;
		}
		snprintf(plan[i].site, sizeof(plan[i].site), "%s", inject_site(inj, found)->key);
	}
	return true;
}

/* One stored finding: its clean run, its faults mapped, --runs replays. */
static void regress_one(struct regress *g, const char *path, const struct store_entry *se,
			struct regress_entry *re)
{
	static struct options o;
	static struct runner rn;
	static struct replay_spec spec;
	struct plan_fault plan[FINDING_MAX_FAULTS];
	struct run_result res;
	struct run_finding f;
	char *words[4], arg_replay[PATH_MAX + 16], arg_out[PATH_MAX + 16], run_dir[PATH_MAX],
		sub[PATH_MAX], *replayed;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	snprintf(arg_replay, sizeof(arg_replay), "--replay=%s", path);
	snprintf(arg_out, sizeof(arg_out), "--out=%s", g->out);
	words[0] = "fzsandbox";
	words[1] = arg_replay;
	words[2] = arg_out;
	words[3] = NULL;
	optind = 0;
	options_parse(3, words, &o);
	snprintf(sub, sizeof(sub), "regress/%.*s", (int)strcspn(base, "."), base);
	memset(&rn, 0, sizeof(rn));
	(void)replay_setup(&o, "regress", sub, &spec, &rn, run_dir, sizeof(run_dir), &replayed, NULL);
	re->kind = strdup(finding_kind_name(spec.kind));
	re->top = strdup(spec.top_function[0] ? spec.top_function : "??");
	if (!re->kind || !re->top)
		die("out of memory");
	/* The new build's sites, and the baselines --check=output and
	 * --slowdown judge against. */
	if (runner_run(&rn, true, NULL, 0, &res, &f) < 0 && !runner_interrupted)
		runner_die(&rn);
	inject_sites_finish(rn.inj);
	runner_output_baseline(&rn);
	runner_slowdown_baseline(&rn, 0);
	replay_plan(&spec, plan);
	if (spec.nfaults != se->nfaults || !map_faults(rn.inj, &spec, se, plan, re->why,
							   sizeof(re->why))) {
		if (!re->why[0])
			snprintf(re->why, sizeof(re->why), "the faults do not match the store file's");
		re->status = REGRESS_UNMAPPABLE;
		goto out;
	}
	for (re->runs = 0; re->runs < g->runs && !runner_interrupted; re->runs++) {
		int r = runner_run(&rn, false, plan, spec.nfaults, &res, &f);

		if (r < 0 && !runner_interrupted)
			runner_die(&rn);
		if (r < 0)
			break;
		if (r == 1 && replay_reproduces(&spec, &f))
			re->reproduced++;
	}
	re->status = re->reproduced == 0 ? REGRESS_FIXED :
		     re->reproduced == re->runs ? REGRESS_FAILING : REGRESS_FLAKY;
out:
	free(replayed);
	runner_fini(&rn);
	replay_spec_free(&spec);
}

/* --store=DIR: the report's findings into the findings store. */
void store_findings(const char *store, const char *out_dir, bool quiet)
{
	char path[PATH_MAX + 16], why[PATH_MAX + 128];
	struct store_result sr;

	if (!store)
		return;
	snprintf(path, sizeof(path), "%s/report.json", out_dir);
	if (report_store_write(path, store, &sr, why, sizeof(why)) < 0)
		die("%s", why);
	if (!quiet && (sr.added || sr.updated))
		fprintf(stderr, "fzsandbox: store %s: %d new finding%s, %d seen again\n", store,
			sr.added, sr.added == 1 ? "" : "s", sr.updated);
}

static int json_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".json") == 0;
}

static char *abs_or_die(const char *p, const char *what)
{
	char *r = realpath(p, NULL);

	if (!r)
		die_errno(errno, "regress: %s=%s", what, p);
	return r;
}

static const char usage[] =
	"usage: fzsandbox regress --store=DIR [--runs=N] [--out=OUT] [--baseline=FILE]\n"
	"Replay every finding of the store (fzsandbox --store=DIR) on the current build,\n"
	"N times each (default 3): fixed, failing, flaky k/N, or unmappable (its call\n"
	"site is gone or ambiguous). Writes OUT/regress.json (default fzsandbox-out).\n"
	"Exit 1: a finding fails (all N runs) and is not in the baseline, 0 otherwise\n"
	"(flaky ones included),\n"
	"2: bad input.\n";

static const char *const status_names[] = {
	[REGRESS_FIXED] = "fixed", [REGRESS_FAILING] = "failing",
	[REGRESS_FLAKY] = "flaky", [REGRESS_UNMAPPABLE] = "unmappable",
};

int regress_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "runs", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "baseline", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct regress g = { .runs = 3 };
	const char *store = NULL, *out = "fzsandbox-out";
	struct dirent **ents = NULL;
	struct regress_entry *v;
	char why[PATH_MAX + 256], *end;
	int c, n, nv = 0, count[4] = { 0 }, failed = 0, skipped = 0, e;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': store = optarg; break;
		case 'o': out = optarg; break;
		case 'b': baseline_load(&g.baseline, optarg, "regress: "); break;
		case 'r':
			g.runs = (int)strtol(optarg, &end, 10);
			if (*end || end == optarg || g.runs < 1 || g.runs > 100)
				die("regress: --runs=%s: want 1 to 100", optarg);
			break;
		case 'h': fputs(usage, stdout); return EXIT_CLEAN;
		default:
			die("regress: unknown or incomplete option '%s' (see fzsandbox regress --help)",
			    argv[optind - 1]);
		}
	}
	if (!store)
		die("regress: no --store=DIR given (usage: fzsandbox regress --store=DIR)");
	if (optind != argc)
		die("regress: unexpected '%s': the program comes from the store", argv[optind]);
	/* Absolute: each replay enters its program's directory. */
	g.store = abs_or_die(store, "--store");
	e = mkdir_p(out, 0755);
	if (e < 0)
		die_errno(e, "regress: cannot make '%s'", out);
	g.out = abs_or_die(out, "--out");
	n = scandir(g.store, &ents, json_file, alphasort);
	if (n < 0)
		die_errno(errno, "regress: --store=%s", store);
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		die("out of memory");
	runner_install_signals();
	/* Every file checked first: a newer store is refused before any run. */
	for (int i = 0; i < n; i++) {
		struct store_entry se;
		struct replay_spec spec;
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s", g.store, ents[i]->d_name);
		e = report_store_read(path, &se, why, sizeof(why));
		if (e == -EPROTONOSUPPORT)
			die("regress: %s", why);
		if (e == 0 && replay_load(path, &spec, why, sizeof(why)) == 0)
			replay_spec_free(&spec);
		else
			e = -EINVAL;
		if (e < 0) {
			fprintf(stderr, "fzsandbox: warning: regress: skipping corrupt store file %s\n",
				why);
			skipped++;
			free(ents[i]);
			ents[i] = NULL;
		}
	}
	for (int i = 0; i < n && !runner_interrupted; i++) {
		struct regress_entry *re = &v[nv];
		struct store_entry se;
		char path[PATH_MAX];

		if (!ents[i])
			continue;
		snprintf(path, sizeof(path), "%s/%s", g.store, ents[i]->d_name);
		if (report_store_read(path, &se, why, sizeof(why)) < 0)
			continue;
		re->file = strdup(ents[i]->d_name);
		re->key = strdup(se.key);
		if (!re->file || !re->key)
			die("out of memory");
		re->baseline = keylist_has(&g.baseline, se.key);
		regress_one(&g, path, &se, re);
		nv++;
		count[re->status]++;
		if (re->status == REGRESS_FLAKY)
			printf("regress: flaky %d/%d", re->reproduced, re->runs);
		else
			printf("regress: %s", status_names[re->status]);
		printf("  %s in %s  (%s)%s%s%s\n", re->kind, re->top, re->file,
		       re->baseline ? " [baseline]" : "", re->why[0] ? ": " : "", re->why);
		/* A stored finding that reproduces only sometimes is known and
		 * not reliably there: reported, never the job's failure. */
		if (!re->baseline && re->status == REGRESS_FAILING)
			failed++;
	}
	if (runner_interrupted)
		return 128 + runner_interrupted;
	printf("regress: %d finding%s: %d fixed, %d failing, %d flaky, %d unmappable",
	       nv, nv == 1 ? "" : "s", count[REGRESS_FIXED], count[REGRESS_FAILING],
	       count[REGRESS_FLAKY], count[REGRESS_UNMAPPABLE]);
	if (skipped)
		printf(", %d corrupt file%s skipped", skipped, skipped == 1 ? "" : "s");
	printf(" (%s/regress.json)\n", out);
	if (report_regress_write(g.out, v, nv, g.runs, why, sizeof(why)) < 0)
		die("regress: %s", why);
	/* Freed: LeakSanitizer checks at exit, after this frame is gone. */
	for (int i = 0; i < nv; i++) {
		free((char *)v[i].file);
		free((char *)v[i].key);
		free((char *)v[i].kind);
		free((char *)v[i].top);
	}
	for (int i = 0; i < n; i++)
		free(ents[i]);
	keylist_free(&g.baseline);
	free(ents);
	free(v);
	free((char *)g.store);
	free((char *)g.out);
	return failed ? EXIT_FINDINGS : EXIT_CLEAN;
}
