/* engine.c - the fault engine's lifecycle, per-mm state, unwinder cache and
 * site table. Stop handling lives in decide.c. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inject/inject_int.h"

/* decide.c */
int inj_on_syscall(void *ctx, struct tracer_task *t, const struct syscall_stop *s);
int inj_on_trap(void *ctx, struct tracer_task *t);

static int inj_mm_new(void *ctx, struct tracer_task *t, void **data)
{
	struct inject *inj = ctx;

	/* A new image in this process: its unwinder's modules are stale. */
	inj_unwinder_drop(inj, tracer_task_pid(t));
	*data = calloc(1, sizeof(struct inj_mm));
	return *data ? 0 : -ENOMEM;
}

static int inj_mm_fork(void *ctx, const void *parent, void **child)
{
	const struct inj_mm *p = parent;
	struct inj_mm *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	*c = *p;
	c->bp = NULL;
	c->sig_owner = 0;	/* the child process, known at its first stop */
	if (p->bp && bp_mm_fork(p->bp, &c->bp) < 0) {
		free(c);
		return -ENOMEM;
	}
	*child = c;
	return 0;
}

static void inj_mm_free(void *ctx, void *data)
{
	struct inj_mm *m = data;

	if (m->bp)
		bp_mm_free(m->bp);
	free(m);
}

static int inj_on_entry(void *ctx, struct tracer_task *t)
{
	struct inject *inj = ctx;
	struct inj_mm *m = tracer_task_mm_data(t);
	int r;

	if (!inj->sanitized)
		inj->sanitized = inj_has_sanitizer(tracer_task_pid(t));
	if (!(inj->cfg.classes & IC_ALLOC) || !m || m->bp)
		return 0;
	r = bp_mm_arm(t, &m->bp, inj->alloc_problem, sizeof(inj->alloc_problem));
	if (r < 0 && !inj->alloc_problem[0])
		snprintf(inj->alloc_problem, sizeof(inj->alloc_problem),
			 "cannot plant allocation breakpoints: %s", strerror(-r));
	return r;
}

int inject_new(const struct inject_config *cfg, struct inject **out)
{
	struct inject *inj = calloc(1, sizeof(*inj));

	if (!inj)
		return -ENOMEM;
	inj->cfg = *cfg;
	if (inj->cfg.occurrences < 1)
		inj->cfg.occurrences = 1;
	inj->hooks = (struct tracer_hooks){
		.ctx = inj,
		.mm_new = inj_mm_new,
		.mm_fork = inj_mm_fork,
		.mm_free = inj_mm_free,
		.on_entry = inj_on_entry,
		.on_syscall = inj_on_syscall,
		.on_trap = inj_on_trap,
		.on_syscall_exit = alloc_kernel_on_exit,	/* brk's result only */
	};
	*out = inj;
	return 0;
}

static void uw_clear(struct inject *inj)
{
	for (int i = 0; i < INJ_UW_CACHE; i++)
		if (inj->uw[i].uw) {
			unwinder_free(inj->uw[i].uw);
			inj->uw[i].uw = NULL;
			inj->uw[i].pid = 0;
		}
}

void inject_free(struct inject *inj)
{
	if (!inj)
		return;
	uw_clear(inj);
	for (int i = 0; i < inj->nsites; i++) {
		free(inj->sites[i].tries);
		free(inj->sites[i].occ);
	}
	free(inj->sites);
	free(inj->occ);
	free(inj);
}

const struct tracer_hooks *inject_hooks(struct inject *inj)
{
	return &inj->hooks;
}

void inject_trace_set(const struct inject *inj, uint8_t set[SYSCALL_MAX / 8])
{
	memset(set, 0, SYSCALL_MAX / 8);
	for (int nr = 0; nr < SYSCALL_MAX; nr++) {
		const struct syscall_ent *e = syscall_by_nr(nr);
		bool on = false;

		if (!e)
			continue;
		if (inj->cfg.classes & IC_IO)
			on = e->flags & (SC_READ | SC_WRITE | SC_SIGNAL);
		if ((inj->cfg.classes & IC_ALLOC) && (e->flags & SC_MEM))
			on = true;	/* alloc_kernel.c */
		if (inj->cfg.service && strcmp(e->name, "listen") == 0)
			on = true;
		if (on)
			set[nr / 8] |= 1 << (nr % 8);
	}
}

void inject_begin_run(struct inject *inj, bool record, const struct plan_fault *plan, int nplan)
{
	uw_clear(inj);	/* pids of the last run are gone */
	inj->record = record;
	if (nplan > INJ_MAX_PLAN)
		nplan = INJ_MAX_PLAN;
	if (nplan > 0)	/* the clean run passes no plan (NULL) */
		memcpy(inj->plan, plan, nplan * sizeof(*plan));
	memset(inj->plan_seen, 0, sizeof(inj->plan_seen));
	memset(inj->plan_done, 0, sizeof(inj->plan_done));
	inj->nplan = nplan;
	inj->nlog = 0;
	inj->random = false;
	inj->mem_exhausted = false;
	inj->nocc = 0;
	memset(inj->counts, 0, sizeof(inj->counts));
	inj->alloc_problem[0] = 0;
	inj->sanitized = false;
}

int inject_run_log(const struct inject *inj, const struct fault_rec **log)
{
	*log = inj->log;
	return inj->nlog;
}

const unsigned *inject_run_counts(const struct inject *inj)
{
	return inj->counts;
}

bool inject_run_sanitized(const struct inject *inj)
{
	return inj->sanitized;
}

const char *inject_alloc_problem(const struct inject *inj)
{
	return inj->alloc_problem;
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
	if (s->nfaults == (int)(sizeof(s->faults) / sizeof(s->faults[0])))
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
