/* plan.c - the systematic exploration plan built from the recording run:
 * one run per site x thread x fault at each of the first K occurrences
 * where that fault was faithful.
 *
 * Ordered for a capped campaign (--budget, --max-runs): a program with
 * 200,000 allocation calls has far more allocation sites than I/O ones,
 * and a plan taking them site by site never reached an I/O fault within
 * the budget. So every site's first try comes before any site's second
 * (a second fault, a later occurrence or thread), and within one rank the
 * classes take turns, in site order within each class. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inject/classes.h"
#include "inject/inject_int.h"

/* One entry to be, with what orders it. */
struct cand {
	int site, try;
	int pass;	/* 1: an exhaust fault */
	int rank;	/* its index among the site's tries of this pass */
	int cls;
	int turn;	/* its index among the same class's candidates of this
			 * pass and rank: the round-robin position */
};

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->pass != y->pass)
		return x->pass - y->pass;
	if (x->rank != y->rank)
		return x->rank - y->rank;
	if (x->turn != y->turn)
		return x->turn - y->turn;
	if (x->cls != y->cls)
		return x->cls - y->cls;
	return x->site != y->site ? x->site - y->site : x->try - y->try;
}

int inject_fault_class(const char *call, const struct fault *f)
{
	return class_of_fault(call, f);
}

int inject_call_class(const char *call)
{
	const struct fault_class *c;
	bool library;

	c = class_of_call(call, &library);
	return c ? (int)(c - fault_classes) : -1;
}

/* Candidates in plan order, malloc'd; their number, or -errno. */
static int candidates(struct inject *inj, char *const *exclude, struct cand **out)
{
	struct cand *c = NULL;
	int n = 0, cap = 0;

	for (int i = 0; i < inj->nsites; i++) {
		const struct inject_site *s = &inj->sites[i];
		int rank[2] = { 0, 0 };

		if (inj_excluded(exclude, s->key, s->caller.function) || !inj_in_shard(inj, s->key))
			continue;
		for (int t = 0; t < s->ntries; t++) {
			/* A call can be failed by two classes (write): the
			 * class of this fault takes its turn. */
			int cls = class_of_fault(s->call, &s->faults[s->tries[t].fault]);

			/* Exhaust runs last: a bug they reach is usually
			 * reached by a one-shot fault nearer to it too, and
			 * the first run that finds a bug is the one the report
			 * shows (and the one a capped plan keeps). */
			int pass = s->faults[s->tries[t].fault].type == FT_EXHAUST;

			if (n == cap) {
				struct cand *nc;

				cap = cap ? cap * 2 : 64;
				if (!(nc = realloc(c, cap * sizeof(*nc)))) {
					free(c);
					return -ENOMEM;
				}
				c = nc;
			}
			c[n++] = (struct cand){ i, t, pass, rank[pass]++, cls < 0 ? 0 : cls, 0 };
		}
	}
	/* The round-robin turn: with every turn still 0, the first sort
	 * groups each pass and rank by class, in site order; a candidate's
	 * turn is then its place in its class's run. */
	if (n > 0)	/* c is NULL when nothing was recorded */
		qsort(c, n, sizeof(*c), cand_cmp);
	for (int i = 0, start = 0; i < n; i++) {
		if (i > 0 && (c[i].pass != c[i - 1].pass || c[i].rank != c[i - 1].rank ||
			      c[i].cls != c[i - 1].cls))
			start = i;
		c[i].turn = i - start;
	}
	if (n > 0)
		qsort(c, n, sizeof(*c), cand_cmp);
	*out = c;
	return n;
}

int inject_plan_build(struct inject *inj, char *const *exclude, struct plan_fault **out,
		      struct plan_meta **meta)
{
	struct plan_fault *plan;
	struct plan_meta *m = NULL;
	struct cand *c;
	int n = candidates(inj, exclude, &c);

	if (n < 0)
		return n;
	plan = calloc(n ? n : 1, sizeof(*plan));
	if (meta)
		m = calloc(n ? n : 1, sizeof(*m));
	if (!plan || (meta && !m)) {
		free(plan);
		free(m);
		free(c);
		return -ENOMEM;
	}
	for (int k = 0; k < n; k++) {
		const struct inject_site *s = &inj->sites[c[k].site];
		const struct site_try *try = &s->tries[c[k].try];
		struct plan_fault *p = &plan[k];

		memcpy(p->call, s->call, sizeof(p->call));
		memcpy(p->site, s->key, sizeof(p->site));
		p->fault = s->faults[try->fault];
		p->thread = try->thread;
		p->occurrence = (int)try->occurrence;
		if (m)
			m[k] = (struct plan_meta){ c[k].cls, c[k].site };
	}
	free(c);
	*out = plan;
	if (meta)
		*meta = m;
	return n;
}

int inject_plan_explore(struct inject *inj, char *const *exclude, struct plan_fault **out)
{
	return inject_plan_build(inj, exclude, out, NULL);
}
