/* campaign_sites.c - what the campaign makes of the clean run's sites:
 * the report's sites (ids, ordinals, call paths), --fault's site#K
 * resolved, and the plan's coverage for the summary. Split from
 * campaign.c, which calls it; it calls nothing back. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/campaign_int.h"
#include "cli/die.h"
#include "util/util.h"

/* Sites of the clean run become the report's sites; ids are stable within
 * an invocation (discovery order). */
void campaign_publish_sites(struct runner *rn, struct report *rep)
{
	for (int i = 0; i < inject_nsites(rn->inj); i++) {
		struct inject_site *is = inject_site(rn->inj, i);
		struct site s = { 0 };

		if (is->nfaults == 0)	/* reached, but nothing faithful to inject */
			continue;
		memcpy(s.call, is->call, sizeof(s.call));
		memcpy(s.key, is->key, sizeof(s.key));
		snprintf(s.function, sizeof(s.function), "%s", is->caller.function);
		snprintf(s.file, sizeof(s.file), "%s", is->caller.file);
		snprintf(s.module, sizeof(s.module), "%s", is->caller.module);
		s.line = is->caller.line;
		s.ordinal = 1;
		for (int j = 0; j < inject_nsites(rn->inj); j++) {
			const struct inject_site *o = inject_site(rn->inj, j);

			if (o->nfaults && strcmp(o->call, is->call) == 0 &&
			    o->caller.offset < is->caller.offset &&
			    strcmp(o->caller.function, is->caller.function) == 0 &&
			    strcmp(o->caller.module, is->caller.module) == 0)
				s.ordinal++;
		}
		for (int k = 1; k < is->key_depth && s.npath < (int)ARRAY_SIZE(s.path); k++)
			snprintf(s.path[s.npath++], sizeof(s.path[0]), "%s", is->path_fn[k]);
		s.occurrences = is->total;
		is->report_id = report_add_site(rep, &s);
	}
	/* Which programs made the calls, and which --only-exe lets fail. */
	const struct exe_count *ex;
	int nex = inject_executables(rn->inj, &ex);

	report_set_executables(rep, ex, nex);
}

/* --fault=...@site#K: the site ids of this invocation's clean run. */
void campaign_resolve_pinned(struct options *o, struct runner *rn)
{
	for (int i = 0; i < o->nfaults; i++) {
		int id = o->fault_site_ids[i];
		bool found = false;

		if (id < 0)
			continue;
		for (int k = 0; k < inject_nsites(rn->inj); k++) {
			struct inject_site *s = inject_site(rn->inj, k);

			if (s->report_id == id) {
				memcpy(o->faults[i].site, s->key, sizeof(o->faults[i].site));
				found = true;
			}
		}
		if (!found)
			die("--fault: no site#%d in the clean run (it has %d sites)", id,
			    inject_nsites(rn->inj));
	}
}

bool campaign_needs_sites(const struct options *o)
{
	for (int i = 0; i < o->nfaults; i++)
		if (o->fault_site_ids[i] >= 0)
			return true;
	return false;
}

/* The plan's coverage per class and per call path, for the summary. */
void campaign_set_coverage(const struct scheduler *plan, struct inject *inj, struct report *rep)
{
	struct report_coverage rc = { 0 };
	struct plan_coverage pc;
	struct inject_paths ip;

	if (!plan || sched_plan_coverage(plan, &pc) < 0)
		return;
	inject_path_stats(inj, &ip);
	rc.nclasses = inject_nclasses() < REPORT_MAX_CLASSES ? inject_nclasses() : REPORT_MAX_CLASSES;
	for (int i = 0; i < rc.nclasses; i++) {
		rc.classes[i] = inject_class_name(i);
		rc.planned[i] = pc.planned[i];
		rc.done[i] = pc.done[i];
	}
	rc.paths = ip.paths;
	rc.paths_wrapped = ip.wrapped;
	rc.paths_dropped = ip.dropped;
	rc.paths_planned = pc.paths;
	rc.paths_tried = pc.paths_done;
	report_set_coverage(rep, &rc);
}

/* stopped: --stop-on-finding ended it (before any cap could). */
