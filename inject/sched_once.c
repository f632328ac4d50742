/* sched_once.c - schedulers of a single run: the clean run and the pinned
 * faults (--fault). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inject/sched.h"

struct once {
	struct scheduler s;
	const char *mode;
	bool record;
	const struct plan_fault *faults;	/* the caller's, read at next() */
	int nfaults;
	bool given;
};

static int once_next(struct scheduler *s, struct run_request *out)
{
	struct once *o = (struct once *)s;

	if (o->given)
		return SCHED_DONE;
	o->given = true;
	memset(out, 0, sizeof(*out));
	out->mode = o->mode;
	out->record = o->record;
	out->planned = true;
	if (o->nfaults)
		memcpy(out->faults, o->faults, o->nfaults * sizeof(*o->faults));
	out->nfaults = o->nfaults;
	return SCHED_RUN;
}

static void once_free(struct scheduler *s)
{
	free(s);
}

static int once_new(const char *mode, bool record, const struct plan_fault *faults, int n,
		    struct scheduler **out)
{
	struct once *o;

	if (n < 0 || n > SCHED_MAX_FAULTS)
		return -EINVAL;
	o = calloc(1, sizeof(*o));
	if (!o)
		return -ENOMEM;
	o->s.name = mode;
	o->s.next = once_next;
	o->s.free = once_free;
	o->s.planned = 1;
	o->mode = mode;
	o->record = record;
	o->faults = faults;
	o->nfaults = n;
	*out = &o->s;
	return 0;
}

int sched_clean_new(struct scheduler **out)
{
	return once_new("clean", true, NULL, 0, out);
}

int sched_pinned_new(const struct plan_fault *faults, int n, struct scheduler **out)
{
	return once_new("pinned", false, faults, n, out);
}
