/* state.c - the engine's state that the classes and the decision read:
 * each class's per-mm and per-run state, the unwinder cache (one unwinder
 * per process, kept across stops) and the site table the recording run
 * fills. It calls nothing else in inject/, so class files and decide.c
 * can use it without a file cycle through engine.c. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inject/inject_int.h"
#include "util/util.h"

void *inj_mm_state(struct tracer_task *t, int cls)
{
	struct inj_mm *m = tracer_task_mm_data(t);

	return m ? m->state[cls] : NULL;
}


void *inj_run_state(struct inject *inj, int cls)
{
	return inj->run_state[cls];
}


void inj_unwinders_clear(struct inject *inj)
{
	for (int i = 0; i < INJ_UW_CACHE; i++)
		if (inj->uw[i].uw) {
			unwinder_free(inj->uw[i].uw);
			inj->uw[i].uw = NULL;
			inj->uw[i].pid = 0;
		}
}


struct unwinder *inj_unwinder(struct inject *inj, pid_t pid)
{
	int free_slot = -1;

	for (int i = 0; i < INJ_UW_CACHE; i++) {
		if (inj->uw[i].uw && inj->uw[i].pid == pid)
			return inj->uw[i].uw;
		if (!inj->uw[i].uw && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0) {
		free_slot = pid % INJ_UW_CACHE;
		unwinder_free(inj->uw[free_slot].uw);
		inj->uw[free_slot].uw = NULL;
	}
	if (unwinder_new(pid, &inj->uw[free_slot].uw) < 0) {
		inj->uw[free_slot].uw = NULL;
		return NULL;
	}
	inj->uw[free_slot].pid = pid;
	return inj->uw[free_slot].uw;
}


void inj_unwinder_drop(struct inject *inj, pid_t pid)
{
	for (int i = 0; i < INJ_UW_CACHE; i++)
		if (inj->uw[i].uw && inj->uw[i].pid == pid) {
			unwinder_free(inj->uw[i].uw);
			inj->uw[i].uw = NULL;
			inj->uw[i].pid = 0;
		}
}


int inject_stack(struct inject *inj, pid_t pid, pid_t tid, struct frame *frames, int max)
{
	struct unwinder *u = inj_unwinder(inj, pid);

	if (!u)
		return -ESRCH;
	unwinder_refresh(u);	/* the crash may be in a module loaded late */
	return unwinder_stack(u, tid, frames, max);
}


int inject_nsites(const struct inject *inj)
{
	return inj->nsites;
}


struct inject_site *inject_site(struct inject *inj, int i)
{
	return i >= 0 && i < inj->nsites ? &inj->sites[i] : NULL;
}


struct inject_site *inj_site_get(struct inject *inj, const char *call, const char *key,
				 const struct frame *caller)
{
	struct inject_site *s;

	/* Linear: a program has hundreds of sites at most, and this runs only
	 * in the recording run. */
	for (int i = 0; i < inj->nsites; i++)
		if (strcmp(inj->sites[i].key, key) == 0 && strcmp(inj->sites[i].call, call) == 0)
			return &inj->sites[i];
	if (inj->nsites == inj->cap) {
		int cap = inj->cap ? inj->cap * 2 : 64;
		struct inject_site *n = realloc(inj->sites, cap * sizeof(*n));

		if (!n)
			return NULL;
		inj->sites = n;
		inj->cap = cap;
	}
	s = &inj->sites[inj->nsites++];
	memset(s, 0, sizeof(*s));
	snprintf(s->call, sizeof(s->call), "%s", call);
	snprintf(s->key, sizeof(s->key), "%s", key);
	s->caller = *caller;
	s->report_id = -1;
	return s;
}


static int fault_index(struct inject_site *s, const struct fault *f)
{
	for (int j = 0; j < s->nfaults; j++)
		if (s->faults[j].type == f->type && s->faults[j].err == f->err)
			return j;
	if (s->nfaults == (int)ARRAY_SIZE(s->faults))
		return -1;
	s->faults[s->nfaults] = *f;
	s->faults[s->nfaults].count = 0;	/* "short" means half, whatever was asked */
	return s->nfaults++;
}


/* Count one more occurrence of s in thread: its number (1-based), or 0
 * when out of memory. */
static unsigned site_occurrence(struct inject_site *s, int thread)
{
	struct site_occ *o;

	if (s->nocc && s->occ[s->last_occ].thread == thread)
		return ++s->occ[s->last_occ].n;
	for (int i = 0; i < s->nocc; i++)
		if (s->occ[i].thread == thread) {
			s->last_occ = i;
			return ++s->occ[i].n;
		}
	if (s->nocc == s->cap_occ) {
		int cap = s->cap_occ ? s->cap_occ * 2 : 4;

		o = realloc(s->occ, cap * sizeof(*o));
		if (!o)
			return 0;
		s->occ = o;
		s->cap_occ = cap;
	}
	s->last_occ = s->nocc++;
	s->occ[s->last_occ] = (struct site_occ){ thread, 1 };
	return 1;
}


int inj_site_record(struct inject *inj, struct inject_site *s, int thread,
		    const struct fault *opts, int nopts)
{
	unsigned occ = site_occurrence(s, thread);

	if (!occ)
		return -ENOMEM;

	s->total++;
	for (int i = 0; i < nopts; i++) {
		int f = fault_index(s, &opts[i]), tried = 0;

		if (f < 0)
			continue;
		for (int k = 0; k < s->ntries; k++)
			tried += s->tries[k].fault == f && s->tries[k].thread == thread;
		if (tried >= inj->cfg.occurrences)
			continue;
		if (s->ntries == s->cap_tries) {
			int cap = s->cap_tries ? s->cap_tries * 2 : 8;
			struct site_try *n = realloc(s->tries, cap * sizeof(*n));

			if (!n)
				return -ENOMEM;
			s->tries = n;
			s->cap_tries = cap;
		}
		s->tries[s->ntries++] = (struct site_try){ (uint16_t)f, thread, occ };
	}
	return 0;
}
