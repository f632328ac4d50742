/* state.c - the engine's state that the classes and the decision read:
 * each class's per-mm and per-run state, the unwinder cache (one unwinder
 * per process, kept across stops) and the site table the recording run
 * fills. It calls nothing else in inject/, so class files and decide.c
 * can use it without a file cycle through engine.c. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
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


/* "<build-id>+0x<offset>": the same site in every run despite ASLR; a
 * module without a build-id falls back to its file name. */
char *inj_site_key(const struct frame *f, char *buf, int len)
{
	const char *b = strrchr(f->module, '/');

	if (f->build_id[0])
		snprintf(buf, len, "%.40s+%#" PRIx64, f->build_id, f->offset);
	else
		snprintf(buf, len, "%.40s+%#" PRIx64, b ? b + 1 : f->module, f->offset);
	return buf;
}

/* FNV-1a over call and key: the recording run looks a site up at every
 * intercepted call, and a wrapper's call paths make thousands of sites. */
static uint32_t site_hash(const char *call, const char *key)
{
	uint32_t h = 2166136261u;

	for (const char *c = call; *c; c++)
		h = (h ^ (uint8_t)*c) * 16777619u;
	h = (h ^ '@') * 16777619u;
	for (const char *c = key; *c; c++)
		h = (h ^ (uint8_t)*c) * 16777619u;
	return h;
}

static void slot_put(struct inject *inj, int i)
{
	uint32_t m = (uint32_t)inj->nslot - 1;
	uint32_t h = site_hash(inj->sites[i].call, inj->sites[i].key) & m;

	while (inj->site_slot[h])
		h = (h + 1) & m;
	inj->site_slot[h] = i + 1;
}

int inj_site_reindex(struct inject *inj)
{
	int n = 64;
	int *slot;

	while (n < inj->cap * 2)
		n *= 2;
	if (!(slot = calloc(n, sizeof(*slot))))
		return -ENOMEM;
	free(inj->site_slot);
	inj->site_slot = slot;
	inj->nslot = n;
	for (int i = 0; i < inj->nsites; i++)
		slot_put(inj, i);
	return 0;
}

struct inject_site *inj_site_find(struct inject *inj, const char *call, const char *key)
{
	uint32_t m = (uint32_t)inj->nslot - 1, h;

	if (!inj->nslot)
		return NULL;
	for (h = site_hash(call, key) & m; inj->site_slot[h]; h = (h + 1) & m) {
		struct inject_site *s = &inj->sites[inj->site_slot[h] - 1];

		if (strcmp(s->key, key) == 0 && strcmp(s->call, call) == 0)
			return s;
	}
	return NULL;
}

struct inject_site *inj_site_get(struct inject *inj, const char *call, const char *key,
				 const struct frame *caller)
{
	struct inject_site *s = inj_site_find(inj, call, key);

	if (s)
		return s;
	if (inj->nsites == inj->cap) {
		int cap = inj->cap ? inj->cap * 2 : 64;
		struct inject_site *n = realloc(inj->sites, cap * sizeof(*n));

		if (!n)
			return NULL;
		inj->sites = n;
		inj->cap = cap;
		if (inj_site_reindex(inj) < 0)
			return NULL;
	}
	s = &inj->sites[inj->nsites++];
	memset(s, 0, sizeof(*s));
	snprintf(s->call, sizeof(s->call), "%s", call);
	snprintf(s->key, sizeof(s->key), "%s", key);
	s->caller = *caller;
	s->report_id = -1;
	s->key_depth = 1;
	s->group = -1;
	slot_put(inj, inj->nsites - 1);
	return s;
}


static int fault_index(struct inject_site *s, const struct fault *f)
{
	for (int j = 0; j < s->nfaults; j++)
		if (fault_same(&s->faults[j], f))
			return j;
	if (s->nfaults == (int)ARRAY_SIZE(s->faults))
		return -1;
	s->faults[s->nfaults] = *f;
	if (f->type == FT_SHORT)
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
	int r = inj_site_record_at(inj, s, thread, 0, opts, nopts);

	return r < 0 ? r : 0;
}

int inj_site_record_at(struct inject *inj, struct inject_site *s, int thread, unsigned occ,
		       const struct fault *opts, int nopts)
{
	if (!occ) {
		if (!(occ = site_occurrence(s, thread)))
			return -ENOMEM;
		s->total++;
	}
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
	return (int)occ;
}
