/* startup.c - snapshot mode's start-up plan: the sites a template's set-up
 * reached (the calls before the snapshot point, recorded in that run) are
 * planned here, with occurrences counted from the program's start, for
 * runs that exec the program (cli/runner_snap.c). Their counts are then
 * cleared, so the clean run that follows, a child of the template, counts
 * from the point: a site reached on both sides is planned on each side
 * with that side's occurrences. The sites stay in the table, so the
 * report lists them and a start-up fault's record names its site. */
#include "config.h"

#include <stdlib.h>

#include "inject/inject_int.h"

int inject_plan_startup(struct inject *inj, char *const *exclude, struct plan_fault **out)
{
	int n;

	inject_sites_finish(inj);
	n = inject_plan_explore(inj, exclude, out);
	if (n < 0)
		return n;
	for (int i = 0; i < inj->nsites; i++) {
		struct inject_site *s = &inj->sites[i];

		s->ntries = 0;
		for (int k = 0; k < s->nocc; k++)
			s->occ[k].n = 0;
	}
	return n;
}
