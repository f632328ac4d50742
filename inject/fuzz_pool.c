/* fuzz_pool.c - the schedule dimension's fault pool, grown from the error
 * paths of fuzz runs, and the pairs found there (fuzz_pool.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inject/fuzz_pool.h"

int fuzz_pool_init(struct fuzz_pool *p, const struct plan_fault *plan, int n)
{
	struct plan_fault *f = calloc((size_t)(n + p->n) + 1, sizeof(*f));

	if (!f)
		return -ENOMEM;
	if (n > 0)
		memcpy(f, plan, (size_t)n * sizeof(*plan));
	if (p->n > 0)
		memcpy(f + n, p->f, (size_t)p->n * sizeof(*f));
	free(p->f);
	p->f = f;
	p->n += n;
	p->cap = p->n + 1;
	p->nbase = n;
	return 0;
}

/* The same planned fault: call, site, thread, occurrence and fault (the
 * plan's entries carry no caller or predicate). */
static bool same_entry(const struct plan_fault *a, const struct plan_fault *b)
{
	return a->thread == b->thread && a->occurrence == b->occurrence &&
	       fault_same(&a->fault, &b->fault) && strcmp(a->site, b->site) == 0 &&
	       strcmp(a->call, b->call) == 0;
}

static bool in_pool(const struct fuzz_pool *p, const struct plan_fault *e)
{
	for (int i = 0; i < p->n; i++)
		if (same_entry(&p->f[i], e))
			return true;
	return false;
}

static int add_entry(struct fuzz_pool *p, const struct plan_fault *e)
{
	if (p->n == p->cap) {
		int cap = p->cap ? 2 * p->cap : 64;
		struct plan_fault *f = reallocarray(p->f, (size_t)cap, sizeof(*f));

		if (!f)
			return -ENOMEM;
		p->f = f;
		p->cap = cap;
	}
	p->f[p->n++] = *e;
	return 0;
}

static int add_pair(struct fuzz_pool *p, const struct plan_fault *e, const struct plan_fault *sched,
		    int nsched, const uint8_t *data, size_t len, int src)
{
	struct fuzz_pair *q;

	if (p->npairs == p->cap_pairs) {
		int cap = p->cap_pairs ? 2 * p->cap_pairs : 16;

		if (!(q = reallocarray(p->pairs, (size_t)cap, sizeof(*q))))
			return -ENOMEM;
		p->pairs = q;
		p->cap_pairs = cap;
	}
	q = &p->pairs[p->npairs];
	memset(q, 0, sizeof(*q));
	if (!(q->data = malloc(len ? len : 1)))
		return -ENOMEM;
	memcpy(q->data, data, len);
	q->len = len;
	q->src = src;
	memcpy(q->sched, sched, (size_t)nsched * sizeof(*sched));
	q->sched[nsched] = *e;	/* after the faults that reached it */
	q->nsched = nsched + 1;
	p->npairs++;
	return 0;
}

int fuzz_pool_grow(struct fuzz_pool *p, const struct plan_fault *late, int nlate,
		   const struct plan_fault *sched, int nsched, const uint8_t *data, size_t len,
		   int src)
{
	int added = 0;

	for (int i = 0; i < nlate && p->n < FUZZ_POOL_MAX; i++) {
		if (in_pool(p, &late[i]) || add_entry(p, &late[i]) < 0)
			continue;
		/* A full schedule has no room for it: the pool has it, for
		 * havoc to draw. */
		if (nsched < 0 || nsched >= FUZZ_SCHED_MAX || p->npairs >= FUZZ_PAIRS_MAX)
			continue;
		if (add_pair(p, &late[i], sched, nsched, data, len, src) == 0)
			added++;
	}
	return added;
}

bool fuzz_pool_pair(struct fuzz_pool *p, uint8_t *buf, size_t cap, size_t *len,
		    struct plan_fault *sched, int *nsched, int *src)
{
	struct fuzz_pair *q;

	if (p->next_pair >= p->npairs)
		return false;
	q = &p->pairs[p->next_pair++];
	*len = q->len < cap ? q->len : cap;
	memcpy(buf, q->data, *len);
	memcpy(sched, q->sched, (size_t)q->nsched * sizeof(*sched));
	*nsched = q->nsched;
	*src = q->src;
	free(q->data);	/* tried once: its input is done with */
	q->data = NULL;
	return true;
}

int fuzz_pool_want(struct fuzz_pool *p, int i)
{
	if (p->nwant == p->cap_want) {
		int cap = p->cap_want ? 2 * p->cap_want : 16;
		int *w = reallocarray(p->want, (size_t)cap, sizeof(*w));

		if (!w)
			return -ENOMEM;
		p->want = w;
		p->cap_want = cap;
	}
	p->want[p->nwant++] = i;
	return 0;
}

int fuzz_pool_wanted(struct fuzz_pool *p)
{
	return p->next_want < p->nwant ? p->want[p->next_want++] : -1;
}

void fuzz_pool_free(struct fuzz_pool *p)
{
	free(p->want);
	for (int i = 0; i < p->npairs; i++)
		free(p->pairs[i].data);
	free(p->pairs);
	free(p->f);
	memset(p, 0, sizeof(*p));
}
