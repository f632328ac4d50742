/* outcomes_cmd.c - `fzsandbox outcomes OUT|REPORT`: print what each error
 * path did, read back from a campaign's report.json, exactly as the
 * summary printed it (reporters/outcomes.c prints both). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/die.h"
#include "cli/outcomes_cmd.h"
#include "reporters/report.h"

int outcomes_main(int argc, char **argv)
{
	char path[PATH_MAX], why[PATH_MAX + 128];
	struct site *sites;
	struct outcome *v, clean = { 0 };
	struct stat st;
	int nsites, n, e;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		printf("Usage: fzsandbox outcomes OUT|OUT/report.json\n"
		       "Print what each error path did (the summary's table) from a report.\n");
		return EXIT_CLEAN;
	}
	if (argc != 2)
		die("usage: fzsandbox outcomes OUT (a campaign's --out directory or its report.json)");
	/* OUT or OUT/report.json. */
	if (stat(argv[1], &st) == 0 && S_ISDIR(st.st_mode))
		e = snprintf(path, sizeof(path), "%s/report.json", argv[1]);
	else
		e = snprintf(path, sizeof(path), "%s", argv[1]);
	if (e < 0 || e >= (int)sizeof(path))
		die("outcomes: path too long: '%s'", argv[1]);
	if (stat(path, &st) < 0)
		die_errno(errno, "outcomes: cannot read '%s'", path);
	e = report_outcomes_load(path, &sites, &nsites, &v, &n, &clean, why, sizeof(why));
	if (e < 0)
		die("outcomes: %s", why);
	report_print_outcomes(sites, nsites, v, n, clean.run >= 0 ? &clean : NULL, stdout);
	free(sites);
	free(v);
	return fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_USAGE;
}
