/* fuzz_faults.c - havoc on a fault schedule: add, drop or change one
 * planned fault. The faults come from the systematic plan, so each is a
 * (site, occurrence, faithful fault) the clean run met. */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "inject/fuzz_faults.h"
#include "inject/mutate.h"

static int below(uint64_t *rng, int n)
{
	return n > 0 ? (int)(mutate_rand(rng) % (uint64_t)n) : 0;
}

/* The same planned call: site, thread and occurrence (another fault there
 * would fight this one for the call). */
static bool same_call(const struct plan_fault *a, const struct plan_fault *b)
{
	return strcmp(a->call, b->call) == 0 && strcmp(a->site, b->site) == 0 &&
	       a->thread == b->thread && a->occurrence == b->occurrence;
}

bool fuzz_fault_same(const struct plan_fault *a, const struct plan_fault *b)
{
	return same_call(a, b) && fault_same(&a->fault, &b->fault);
}

static bool has_call(const struct plan_fault *s, int n, const struct plan_fault *f, int skip)
{
	for (int i = 0; i < n; i++)
		if (i != skip && same_call(&s[i], f))
			return true;
	return false;
}

int fuzz_faults_havoc(struct plan_fault *s, int *n, const struct plan_fault *pool, int npool,
		      uint64_t *rng)
{
	int op = *n == 0 ? 0 : below(rng, *n < FUZZ_SCHED_MAX ? 3 : 2) + (*n < FUZZ_SCHED_MAX ? 0 : 1);
	const struct plan_fault *pick;

	if (npool <= 0)
		return 0;
	pick = &pool[below(rng, npool)];
	switch (op) {
	case 0:	/* add: a fault at another call, after the others in the list */
		if (has_call(s, *n, pick, -1))
			return 0;
		s[(*n)++] = *pick;
		return 1;
	case 1: {	/* drop one */
		int i = below(rng, *n);

		memmove(&s[i], &s[i + 1], (size_t)(*n - i - 1) * sizeof(*s));
		(*n)--;
		return 1;
	}
	default: {	/* change one for another */
		int i = below(rng, *n);

		if (has_call(s, *n, pick, i) || fuzz_fault_same(&s[i], pick))
			return 0;
		s[i] = *pick;
		return 1;
	}
	}
}
