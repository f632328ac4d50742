/* sched_startup.c - snapshot mode's start-up runs: one exec-mode run per
 * entry of the start-up plan (inject/startup.c), which the clean run
 * (the template's set-up, recorded) fills before the first next(). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inject/sched.h"

struct startup {
	struct scheduler s;
	struct plan_fault *const *plan;	/* the caller's, read at next() */
	const int *n;
	int next;
};

static int startup_next(struct scheduler *s, struct run_request *out)
{
	struct startup *u = (struct startup *)s;

	u->s.planned = *u->n > 0 ? *u->n : 0;
	if (u->next >= u->s.planned)
		return SCHED_DONE;
	memset(out, 0, sizeof(*out));
	out->mode = "startup";
	out->exec = true;
	out->planned = true;
	out->faults[0] = (*u->plan)[u->next];
	out->nfaults = 1;
	out->tag = u->next++;
	return SCHED_RUN;
}

static void startup_free(struct scheduler *s)
{
	free(s);
}

int sched_startup_new(struct plan_fault *const *plan, const int *n, struct scheduler **out)
{
	struct startup *u = calloc(1, sizeof(*u));

	if (!u)
		return -ENOMEM;
	u->s.name = "startup";
	u->s.next = startup_next;
	u->s.free = startup_free;
	u->plan = plan;
	u->n = n;
	*out = &u->s;
	return 0;
}
