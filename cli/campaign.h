/* campaign.h - the exploration loop and replay, driven by main(). */
#ifndef FZ_CAMPAIGN_H
#define FZ_CAMPAIGN_H

#include "cli/options.h"

/* Run the whole invocation; returns the exit status (cli/die.h). */
int campaign_run(struct options *o, char **environ_base);
int campaign_replay(struct options *o);

#endif
