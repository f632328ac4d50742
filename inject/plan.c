/* plan.c - the systematic exploration plan built from the recording run:
 * one run per site x thread x fault at each of the first K occurrences
 * where that fault was faithful. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inject/inject_int.h"


static int push(struct plan_fault **plan, int *n, int *cap)
{
	if (*n == *cap) {
		int c = *cap ? *cap * 2 : 64;
		struct plan_fault *np = realloc(*plan, c * sizeof(*np));

		if (!np)
			return -ENOMEM;
		*plan = np;
		*cap = c;
	}
	return (*n)++;
}

int inject_plan_explore(struct inject *inj, char *const *exclude, struct plan_fault **out)
{
	struct plan_fault *plan = NULL;
	int n = 0, cap = 0;

	/* Exhaust runs last: a bug they reach is usually reached by a one-shot
	 * fault nearer to it too, and the first run that finds a bug is the one
	 * the report shows (and the one a capped plan keeps). */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < inj->nsites; i++) {
			const struct inject_site *s = &inj->sites[i];

			if (inj_excluded(exclude, s->key, s->caller.function))
				continue;
			for (int t = 0; t < s->ntries; t++) {
				const struct site_try *try = &s->tries[t];
				struct plan_fault *p;
				int k;

				if ((s->faults[try->fault].type == FT_EXHAUST) != (pass == 1))
					continue;
				if ((k = push(&plan, &n, &cap)) < 0) {
					free(plan);
					return k;
				}
				p = &plan[k];
				memset(p, 0, sizeof(*p));
				memcpy(p->call, s->call, sizeof(p->call));
				memcpy(p->site, s->key, sizeof(p->site));
				p->fault = s->faults[try->fault];
				p->thread = try->thread;
				p->occurrence = (int)try->occurrence;
			}
		}
	}
	*out = plan;
	return n;
}
