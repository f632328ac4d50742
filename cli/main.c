/* main.c - parse the command line and hand over to the campaign. */
#include "config.h"

#include <string.h>

#include "cli/campaign.h"
#include "cli/doctor.h"
#include "cli/merge_cmd.h"
#include "cli/options.h"
#include "cli/runner.h"
#include "cli/standalone.h"

extern char **environ;

int main(int argc, char **argv)
{
	/* Static: the options live as long as the process (LeakSanitizer
	 * scans globals, not the frame of a main() that has returned). */
	static struct options o;

	/* Subcommands come first; a program of that name runs as
	 * fzsandbox -- NAME. */
	if (argc > 1 && strcmp(argv[1], "merge") == 0)
		return merge_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "doctor") == 0)
		return doctor_main(argc - 1, argv + 1);
	options_parse(argc, argv, &o);
	runner_install_signals();
	if (o.replay)
		return campaign_replay(&o);
	if (o.standalone)
		return standalone_run(&o, environ);
	return campaign_run(&o, environ);
}
