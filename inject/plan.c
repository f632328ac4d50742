/* plan.c - the systematic exploration plan built from the recording run:
 * one run per site x thread x occurrence (up to K) x faithful fault. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inject/inject_int.h"

static bool excluded(const struct inject_site *s, char *const *exclude)
{
	for (int i = 0; exclude && exclude[i]; i++)
		if (strcmp(exclude[i], s->key) == 0 || strcmp(exclude[i], s->caller.function) == 0)
			return true;
	return false;
}

int inject_plan_explore(struct inject *inj, char *const *exclude, struct plan_fault **out)
{
	struct plan_fault *plan = NULL;
	int n = 0, cap = 0;

	for (int i = 0; i < inj->nsites; i++) {
		const struct inject_site *s = &inj->sites[i];

		if (excluded(s, exclude))
			continue;
		for (int th = 0; th < TRACER_MAX_THREADS; th++) {
			unsigned occs = s->occurrences[th];

			if (occs > (unsigned)inj->cfg.occurrences)
				occs = inj->cfg.occurrences;
			for (unsigned o = 1; o <= occs; o++)
				for (int f = 0; f < s->nfaults; f++) {
					struct plan_fault *p;

					if (n == cap) {
						struct plan_fault *np;

						cap = cap ? cap * 2 : 64;
						np = realloc(plan, cap * sizeof(*np));
						if (!np) {
							free(plan);
							return -ENOMEM;
						}
						plan = np;
					}
					p = &plan[n++];
					memset(p, 0, sizeof(*p));
					memcpy(p->call, s->call, sizeof(p->call));
					memcpy(p->site, s->key, sizeof(p->site));
					p->fault = s->faults[f];
					p->thread = th;
					p->occurrence = (int)o;
				}
		}
	}
	*out = plan;
	return n;
}
