/* sched_plan.c - the systematic plan as a scheduler: one run per entry,
 * and a second chance in any thread for an entry aimed at a later thread
 * that injected nothing. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inject/sched.h"

struct plan {
	struct scheduler s;
	struct inject *inj;	/* built from at the first next(); NULL: built */
	char *const *exclude;
	struct plan_fault *entries;
	int n;
	int next;		/* the next entry to hand out */
	/* Entries for a later thread handed out whose outcome is not in yet:
	 * each may still ask for a second chance. */
	int awaiting;
	/* Second chances asked for, in the order the outcomes came. */
	int *retry;
	int rhead, rtail;
};

static int plan_build(struct plan *p)
{
	struct plan_fault *entries;
	int n = inject_plan_explore(p->inj, p->exclude, &entries), *retry;

	if (n < 0)
		return n;
	/* Each entry gets at most one second chance. */
	retry = calloc(n ? n : 1, sizeof(*retry));
	if (!retry) {
		free(entries);
		return -ENOMEM;
	}
	p->entries = entries;
	p->retry = retry;
	p->n = n;
	p->s.planned = n;
	p->inj = NULL;
	return 0;
}

static void give(struct plan *p, int i, const char *mode, struct run_request *out)
{
	memset(out, 0, sizeof(*out));
	out->mode = mode;
	out->faults[0] = p->entries[i];
	out->nfaults = 1;
	out->tag = i;
}

static int plan_next(struct scheduler *s, struct run_request *out)
{
	struct plan *p = (struct plan *)s;
	int e;

	if (p->inj && (e = plan_build(p)) < 0)
		return e;
	/* A second chance first: in a serial loop it follows its entry
	 * right away, as it always did. */
	if (p->rhead < p->rtail) {
		give(p, p->retry[p->rhead++], "plan-any-thread", out);
		out->faults[0].thread = -1;
		return SCHED_RUN;
	}
	if (p->next < p->n) {
		give(p, p->next, "plan", out);
		out->planned = true;
		if (p->entries[p->next].thread > 0)
			p->awaiting++;
		p->next++;
		return SCHED_RUN;
	}
	return p->awaiting ? SCHED_WAIT : SCHED_DONE;
}

static void plan_done(struct scheduler *s, const struct run_request *req,
		      const struct run_outcome *out)
{
	struct plan *p = (struct plan *)s;

	/* Only a planned entry's outcome can ask for a second chance. */
	if (!req->planned || req->tag < 0 || req->tag >= p->n || p->entries[req->tag].thread <= 0)
		return;
	p->awaiting--;
	if (out->faults == 0)
		p->retry[p->rtail++] = (int)req->tag;
}

static void plan_free(struct scheduler *s)
{
	struct plan *p = (struct plan *)s;

	free(p->entries);
	free(p->retry);
	free(p);
}

static int plan_alloc(struct plan **out)
{
	struct plan *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->s.name = "plan";
	p->s.next = plan_next;
	p->s.done = plan_done;
	p->s.free = plan_free;
	*out = p;
	return 0;
}

int sched_plan_new(struct inject *inj, char *const *exclude, struct scheduler **out)
{
	struct plan *p;
	int e;

	if (!inj)
		return -EINVAL;
	if ((e = plan_alloc(&p)) < 0)
		return e;
	p->inj = inj;
	p->exclude = exclude;
	*out = &p->s;
	return 0;
}

int sched_plan_from(const struct plan_fault *plan, int n, struct scheduler **out)
{
	struct plan *p;
	int e;

	if (n < 0)
		return -EINVAL;
	if ((e = plan_alloc(&p)) < 0)
		return e;
	p->entries = malloc((n ? n : 1) * sizeof(*plan));
	p->retry = calloc(n ? n : 1, sizeof(*p->retry));
	if (!p->entries || !p->retry) {
		plan_free(&p->s);
		return -ENOMEM;
	}
	if (n)
		memcpy(p->entries, plan, n * sizeof(*plan));
	p->n = n;
	p->s.planned = n;
	*out = &p->s;
	return 0;
}
