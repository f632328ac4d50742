/* main.c - parse the command line and hand over to the campaign. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/campaign.h"
#include "cli/campaign_file.h"
#include "cli/doctor.h"
#include "cli/merge_cmd.h"
#include "cli/minimize.h"
#include "cli/options.h"
#include "cli/outcomes_cmd.h"
#include "cli/regress.h"
#include "cli/runner.h"
#include "cli/standalone.h"

extern char **environ;

static const struct {
	const char *name;
	int (*main)(int argc, char **argv);	/* argv[0] is the name */
} subcommands[] = {
	{ "merge", merge_main },
	{ "doctor", doctor_main },
	{ "minimize", minimize_main },
	{ "outcomes", outcomes_main },
	{ "regress", regress_main },
};

int main(int argc, char **argv)
{
	/* Static: the options live as long as the process (LeakSanitizer
	 * scans globals, not the frame of a main() that has returned). */
	static struct options o;

	/* Subcommands own the first word; a program always comes after
	 * "--" (options.c), so a program named like one runs as -- NAME. */
	for (size_t i = 0; argc > 1 && i < sizeof(subcommands) / sizeof(*subcommands); i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].main(argc - 1, argv + 1);
	options_parse(argc, argv, &o);
	/* --campaign checks each component's whole command line before any
	 * runs (cli/campaign_drive.c): parsed, nothing done. */
	if (getenv(CAMPAIGN_PARSE_ONLY_ENV))
		return 0;
	if (o.campaign)
		return campaign_file_run(&o);
	runner_install_signals();
	if (o.replay)
		return campaign_replay(&o);
	if (o.standalone)
		return standalone_run(&o, environ);
	return campaign_run(&o, environ);
}
