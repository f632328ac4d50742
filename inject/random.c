/* random.c - seeded random runs: after the systematic plan, runs where
 * every intercepted call may fail with probability P. The log names each
 * fault by site, thread and occurrence, so replay needs no generator. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "inject/inject_int.h"

/* splitmix64: tiny, good enough, and the same on every machine. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void inject_set_random(struct inject *inj, double p, uint64_t seed, char *const *exclude)
{
	inj->exclude = exclude;
	inj->random = true;
	inj->probability = p;
	inj->rng = seed;
	inj->nocc = 0;
}

bool inj_excluded(char *const *exclude, const char *key, const char *function)
{
	for (int i = 0; exclude && exclude[i]; i++)
		if (strcmp(exclude[i], key) == 0 || strcmp(exclude[i], function) == 0 ||
		    /* A caller's key excludes every call path through it. */
		    (strncmp(exclude[i], key, strlen(exclude[i])) == 0 &&
		     key[strlen(exclude[i])] == '/'))
			return true;
	return false;
}

unsigned inj_occurrence(struct inject *inj, const char *call, const char *key, int thread)
{
	struct occ_count *o;

	for (int i = 0; i < inj->nocc; i++) {
		o = &inj->occ[i];
		if (o->thread == thread && strcmp(o->key, key) == 0 && strcmp(o->call, call) == 0)
			return ++o->n;
	}
	if (inj->nocc == inj->occ_cap) {
		int cap = inj->occ_cap ? inj->occ_cap * 2 : 64;
		struct occ_count *n = realloc(inj->occ, cap * sizeof(*n));

		if (!n)
			return 0;
		inj->occ = n;
		inj->occ_cap = cap;
	}
	o = &inj->occ[inj->nocc++];
	memset(o, 0, sizeof(*o));
	strncpy(o->call, call, sizeof(o->call) - 1);
	strncpy(o->key, key, sizeof(o->key) - 1);
	o->thread = thread;
	return o->n = 1;
}

int inj_random_pick(struct inject *inj, const struct fault *opts, int nopts, struct fault *out)
{
	uint64_t r = rng_next(&inj->rng);

	if (nopts <= 0 || (double)(r >> 11) / (double)(1ULL << 53) >= inj->probability)
		return 0;
	*out = opts[rng_next(&inj->rng) % (uint64_t)nopts];
	return 1;
}
