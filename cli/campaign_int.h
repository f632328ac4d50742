/* campaign_int.h - cli/campaign.c's helpers in campaign_sites.c. */
#ifndef FZ_CAMPAIGN_INT_H
#define FZ_CAMPAIGN_INT_H

#include <stdbool.h>

#include "cli/options.h"
#include "cli/runner.h"
#include "inject/sched.h"
#include "reporters/report.h"

/* The clean run's sites become the report's (ids in discovery order). */
void campaign_publish_sites(struct runner *rn, struct report *rep);
/* --fault=...@site#K: the site ids of this invocation's clean run. */
void campaign_resolve_pinned(struct options *o, struct runner *rn);
/* Does a --fault name a site#K (so the clean run is needed)? */
bool campaign_needs_sites(const struct options *o);
/* The plan's coverage per class and per call path, for the summary. */
void campaign_set_coverage(const struct scheduler *plan, struct inject *inj, struct report *rep);

#endif
