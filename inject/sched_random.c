/* sched_random.c - seeded random runs after the plan. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inject/sched.h"

struct random_sched {
	struct scheduler s;
	uint64_t seed;
	double probability;
	int limit;		/* 0: no limit of its own */
	int given;
};

static int random_next(struct scheduler *s, struct run_request *out)
{
	struct random_sched *r = (struct random_sched *)s;

	if (r->limit && r->given >= r->limit)
		return SCHED_DONE;
	memset(out, 0, sizeof(*out));
	out->mode = "random";
	/* Counted among the planned runs as they are given: the report's
	 * runs_planned covers the plan and the random runs done. */
	out->planned = true;
	out->random = true;
	/* Derived from the seed and the run's number only, so one run can be
	 * redone alone. */
	out->seed = r->seed + (uint64_t)r->given * 0x9e3779b97f4a7c15ULL;
	out->probability = r->probability;
	out->tag = r->given++;
	return SCHED_RUN;
}

static void random_free(struct scheduler *s)
{
	free(s);
}

int sched_random_new(uint64_t seed, double probability, int limit, struct scheduler **out)
{
	struct random_sched *r;

	if (limit < 0)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->s.name = "random";
	r->s.next = random_next;
	r->s.free = random_free;
	r->seed = seed;
	r->probability = probability;
	r->limit = limit;
	*out = &r->s;
	return 0;
}
