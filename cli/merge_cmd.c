/* merge_cmd.c - `fzsandbox merge [--out=DIR] SHARD...`: one report from
 * the reports of a sharded campaign (--shard=K/N), exit status as a
 * campaign's: 0 no finding, 1 findings, 2 bad input. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/die.h"
#include "cli/fail_on.h"
#include "cli/options.h"
#include "cli/merge_cmd.h"
#include "cli/options.h"
#include "cli/regress.h"
#include "cli/target.h"
#include "reporters/report.h"
#include "util/util.h"

static const char usage[] =
	"usage: fzsandbox merge [--out=DIR] [--format=LIST] [--source-root=DIR] [--store=DIR]\n"
	"                       [--fail-on=any|new] [--baseline=FILE] [--redact=REGEX]... [-q]\n"
	"                       SHARD_OUT...\n"
	"Merge the reports of the shards of one campaign (fzsandbox --shard=K/N, each\n"
	"SHARD_OUT a --out directory or its report.json) into DIR/report.json\n"
	"(default fzsandbox-out). Exit 0: no finding, 1: findings (with --fail-on=new:\n"
	"findings neither in --store nor in --baseline), 2: bad input.\n";

int merge_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "format", required_argument, NULL, 'f' },
		{ "source-root", required_argument, NULL, 's' },
		{ "store", required_argument, NULL, 'S' },
		{ "redact", required_argument, NULL, 'r' },
		{ "fail-on", required_argument, NULL, 'F' },
		{ "baseline", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = "fzsandbox-out";
	struct report_merged res;
	char why[PATH_MAX + 256], *abs;
	const char *source_root = NULL, *store = NULL, *baseline = NULL;
	unsigned formats = REPORT_FMT_TEXT | REPORT_FMT_JSON;
	bool quiet = false, new_only = false, fails;
	struct stat st;
	int c, e;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, "+o:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'q': quiet = true; break;
		case 'f':
			if (report_formats_parse(optarg, &formats, why, sizeof(why)) < 0)
				die("merge: --format=%s: unknown format '%s' (text, json, sarif, junit)",
				    optarg, why);
			break;
		case 's':
			if (stat(optarg, &st) < 0 || !S_ISDIR(st.st_mode))
				die("merge: --source-root=%s: not a directory", optarg);
			source_root = optarg;
			break;
		case 'S': store = optarg; break;
		case 'r': options_redact_arg(optarg); break;
		case 'F': new_only = options_parse_fail_on("merge: --fail-on", optarg); break;
		case 'b': baseline = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default:
			die("merge: unknown or incomplete option '%s' (see fzsandbox merge --help)",
			    argv[optind - 1]);
		}
	}
	if (optind >= argc)
		die("merge: no shard reports given (usage: fzsandbox merge [--out=DIR] SHARD_OUT...)");
	if (!*out)
		die("merge: --out is empty");
	if (new_only && !store)
		die("merge: --fail-on=new needs --store=DIR (the findings it compares with)");
	if (baseline && !new_only)
		die("merge: --baseline=%s needs --fail-on=new (it lists accepted findings)", baseline);
	fail_on_begin(new_only, store, baseline, "merge: ");
	/* Absolute, so the replay lines work from any directory. */
	e = mkdir_p(out, 0755);
	if (e < 0)
		die_errno(e, "merge: cannot make '%s'", out);
	abs = realpath(out, NULL);
	if (!abs)
		die_errno(errno, "merge: '%s'", out);
	e = report_merge(argv + optind, argc - optind, abs, target_self_path(), &res, why,
			 sizeof(why));
	if (e < 0)
		die("merge: %s", why);
	/* report.json marked "new" first: SARIF and JUnit are made from it. */
	fails = fail_on_judge(abs, res.findings);
	if (report_write_formats(abs, formats, source_root, why, sizeof(why)) < 0)
		die("merge: %s", why);
	store_findings(store, abs, quiet);
	free(abs);
	if (!quiet && (formats & REPORT_FMT_TEXT)) {
		printf("fzsandbox: merged %d of %d shards: %ld runs, %d sites, %d finding%s",
		       res.shards, res.count, res.runs, res.sites, res.findings,
		       res.findings == 1 ? "" : "s");
		if (res.aborts)
			printf(", %d deliberate abort%s", res.aborts, res.aborts == 1 ? "" : "s");
		printf(" (%s/report.json)\n", out);
		if (res.shards < res.count)
			fprintf(stderr, "fzsandbox: note: %d of %d shards missing: their sites were "
				"not failed\n", res.count - res.shards, res.count);
	}
	fail_on_summary(quiet || !(formats & REPORT_FMT_TEXT), stdout);
	return fails ? EXIT_FINDINGS : EXIT_CLEAN;
}
