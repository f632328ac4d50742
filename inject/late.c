/* late.c - a fuzz run's error path. The loop's fault pool is the plan of
 * the clean run's sites; a call first reached inside the error path of a
 * planned fault is not among them. Once a fault of the run's schedule
 * fired (only then: a run without one stays free of unwinds), each stop
 * at a site the table does not hold is counted and planned as the
 * recording run would (state.c: the first cfg.occurrences occurrences per
 * thread where each fault was faithful), for the loop to grow its pool
 * (inject/fuzz_pool.h). A new input's "sites" run does the same from its
 * start (inject_set_sites): calls first reached on another input. A
 * random run (--fuzz-faults) does it past its first fault, and keeps the
 * random faults it injected as plan entries (inj_fired_note): a pair's
 * schedule then is those faults, then the new site's. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "inject/inject_int.h"

/* Entries for this site, thread and fault so far. */
static int tried(const struct inject *inj, const char *call, const char *key, int thread,
		 const struct fault *f)
{
	int n = 0;

	for (int i = 0; i < inj->nlate; i++)
		n += inj->late[i].thread == thread && fault_same(&inj->late[i].fault, f) &&
		     strcmp(inj->late[i].site, key) == 0 && strcmp(inj->late[i].call, call) == 0;
	return n;
}

void inj_late_note(struct inject *inj, const char *call, const char *key, const char *function,
		   int thread, const struct fault *opts, int nopts)
{
	unsigned occ;

	if (inj_site_find(inj, call, key) || inj_excluded(inj->exclude, key, function) ||
	    !inj_in_shard(inj, key))
		return;
	/* Once per stop (a call two classes decide), every occurrence,
	 * failable or not, as plan_pick will count them. Counted from the
	 * fault: a site the run met before it too is numbered short, and its
	 * entry fails a later call or none (a wasted run, no false finding). */
	if (inj->counted_seq != inj->stop_seq) {
		inj->counted_occ = inj_occurrence(inj, call, key, thread);
		inj->counted_seq = inj->stop_seq;
	}
	if (!(occ = inj->counted_occ))
		return;
	for (int i = 0; i < nopts && inj->nlate < INJECT_LATE_MAX; i++) {
		struct fault f = opts[i];
		struct plan_fault *p;

		if (f.type == FT_SHORT)
			f.count = 0;	/* "short" means half, as the plan's */
		if (tried(inj, call, key, thread, &f) >= inj->cfg.occurrences)
			continue;
		p = &inj->late[inj->nlate++];
		memset(p, 0, sizeof(*p));
		snprintf(p->call, sizeof(p->call), "%s", call);
		snprintf(p->site, sizeof(p->site), "%s", key);
		p->fault = f;
		p->thread = thread;
		p->occurrence = (int)occ;
	}
}

void inject_set_sites(struct inject *inj, bool from_start)
{
	inj->late_all = from_start && inj->random && inj->probability <= 0;
}

void inj_fired_note(struct inject *inj, const char *call, const char *key, int thread,
		    int occurrence, const struct fault *f)
{
	struct plan_fault *p;

	if (inj->nfired >= INJECT_FIRED_MAX)
		return;
	p = &inj->fired[inj->nfired++];
	memset(p, 0, sizeof(*p));
	snprintf(p->call, sizeof(p->call), "%s", call);
	snprintf(p->site, sizeof(p->site), "%s", key);
	p->fault = *f;
	p->thread = thread;
	p->occurrence = occurrence;
}

int inject_run_fired(const struct inject *inj, const struct plan_fault **out)
{
	*out = inj->fired;
	return inj->nfired;
}

int inject_run_late(const struct inject *inj, const struct plan_fault **out)
{
	*out = inj->late;
	return inj->nlate;
}
