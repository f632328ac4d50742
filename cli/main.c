/* main.c - parse the command line and hand over to the campaign. */
#include "config.h"

#include <string.h>

#include "cli/campaign.h"
#include "cli/options.h"
#include "cli/outcomes_cmd.h"
#include "cli/runner.h"
#include "cli/standalone.h"

extern char **environ;

int main(int argc, char **argv)
{
	/* Static: the options live as long as the process (LeakSanitizer
	 * scans globals, not the frame of a main() that has returned). */
	static struct options o;

	/* A subcommand: a program called "outcomes" runs as "-- outcomes". */
	if (argc >= 2 && strcmp(argv[1], "outcomes") == 0)
		return outcomes_main(argc - 1, argv + 1);
	options_parse(argc, argv, &o);
	runner_install_signals();
	if (o.replay)
		return campaign_replay(&o);
	if (o.standalone)
		return standalone_run(&o, environ);
	return campaign_run(&o, environ);
}
