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

static bool in_pool(const struct fuzz_pool *p, const struct plan_fault *e)
{
	for (int i = 0; i < p->n; i++)
		if (fuzz_fault_same(&p->f[i], e))
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

/* A pair with its own copy of the input and no schedule yet, or NULL. */
static struct fuzz_pair *new_pair(struct fuzz_pool *p, const uint8_t *data, size_t len, int src)
{
	struct fuzz_pair *q;

	if (p->npairs == p->cap_pairs) {
		int cap = p->cap_pairs ? 2 * p->cap_pairs : 16;

		if (!(q = reallocarray(p->pairs, (size_t)cap, sizeof(*q))))
			return NULL;
		p->pairs = q;
		p->cap_pairs = cap;
	}
	q = &p->pairs[p->npairs];
	memset(q, 0, sizeof(*q));
	if (!(q->data = malloc(len ? len : 1)))
		return NULL;
	memcpy(q->data, data, len);
	q->len = len;
	q->src = src;
	p->npairs++;
	return q;
}

static int add_pair(struct fuzz_pool *p, const struct plan_fault *e, const struct plan_fault *sched,
		    int nsched, const uint8_t *data, size_t len, int src)
{
	struct fuzz_pair *q = new_pair(p, data, len, src);

	if (!q)
		return -ENOMEM;
	memcpy(q->sched, sched, (size_t)nsched * sizeof(*sched));
	q->sched[nsched] = *e;	/* after the faults that reached it */
	q->nsched = nsched + 1;
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

/* The blob: a head, the entries found, each pair (a head, its schedule,
 * its input; one tried already has neither), the wants. */
struct pool_head {
	int32_t nfound, npairs, next_pair, nwant, next_want, pad;
};
struct pair_head {
	int32_t src, nsched;
	uint64_t len;
};

size_t fuzz_pool_blob_len(const struct fuzz_pool *p)
{
	size_t n = sizeof(struct pool_head) + (size_t)(p->n - p->nbase) * sizeof(*p->f) +
		   (size_t)p->nwant * sizeof(int32_t);

	for (int i = 0; i < p->npairs; i++)
		n += sizeof(struct pair_head) + (p->pairs[i].data ? (size_t)p->pairs[i].nsched *
				sizeof(struct plan_fault) + p->pairs[i].len : 0);
	return n;
}

void fuzz_pool_blob(const struct fuzz_pool *p, uint8_t *out)
{
	struct pool_head h = { .nfound = p->n - p->nbase, .npairs = p->npairs,
			       .next_pair = p->next_pair, .nwant = p->nwant,
			       .next_want = p->next_want };

	memcpy(out, &h, sizeof(h));
	out += sizeof(h);
	if (h.nfound)	/* p->f may be NULL: an empty pool */
		memcpy(out, p->f + p->nbase, (size_t)h.nfound * sizeof(*p->f));
	out += (size_t)h.nfound * sizeof(*p->f);
	for (int i = 0; i < p->npairs; i++) {
		const struct fuzz_pair *q = &p->pairs[i];
		struct pair_head ph = { .src = q->src, .nsched = q->data ? q->nsched : 0,
					.len = q->data ? q->len : 0 };

		memcpy(out, &ph, sizeof(ph));
		out += sizeof(ph);
		memcpy(out, q->sched, (size_t)ph.nsched * sizeof(q->sched[0]));
		out += (size_t)ph.nsched * sizeof(q->sched[0]);
		memcpy(out, q->data ? q->data : (const uint8_t *)"", ph.len);
		out += ph.len;
	}
	for (int i = 0; i < p->nwant; i++) {
		int32_t w = p->want[i];

		memcpy(out, &w, sizeof(w));
		out += sizeof(w);
	}
}

/* Bytes at *in, if len has them: where they start, *in moved past them. */
static const uint8_t *take(const uint8_t **in, size_t *len, size_t n)
{
	const uint8_t *at = *in;

	if (n > *len)
		return NULL;
	*in += n;
	*len -= n;
	return at;
}

int fuzz_pool_from_blob(struct fuzz_pool *p, const uint8_t *in, size_t len)
{
	struct pool_head h;
	const uint8_t *at;

	if (!(at = take(&in, &len, sizeof(h))))
		return -EINVAL;
	memcpy(&h, at, sizeof(h));
	if (h.nfound < 0 || h.nfound > FUZZ_POOL_MAX || h.npairs < 0 || h.npairs > FUZZ_PAIRS_MAX ||
	    h.next_pair < 0 || h.next_pair > h.npairs || h.nwant < 0 || h.next_want < 0 ||
	    h.next_want > h.nwant || (size_t)h.nwant > len / sizeof(int32_t))
		return -EINVAL;
	fuzz_pool_free(p);
	if (!(at = take(&in, &len, (size_t)h.nfound * sizeof(*p->f))))
		return -EINVAL;
	for (int i = 0; i < h.nfound; i++) {
		struct plan_fault e;

		memcpy(&e, at + (size_t)i * sizeof(e), sizeof(e));
		if (add_entry(p, &e) < 0)
			return -ENOMEM;
	}
	for (int i = 0; i < h.npairs; i++) {
		struct pair_head ph;
		struct fuzz_pair *q;
		const uint8_t *sched, *data;

		if (!(at = take(&in, &len, sizeof(ph))))
			return -EINVAL;
		memcpy(&ph, at, sizeof(ph));
		if (ph.nsched < 1 || ph.nsched > FUZZ_SCHED_MAX) {
			if (ph.nsched != 0 || ph.len != 0 || i >= h.next_pair)
				return -EINVAL;
		}
		if (!(sched = take(&in, &len, (size_t)ph.nsched * sizeof(struct plan_fault))) ||
		    !(data = take(&in, &len, ph.len)))
			return -EINVAL;
		if (!(q = new_pair(p, data, ph.len, ph.src)))
			return -ENOMEM;
		q->nsched = ph.nsched;
		memcpy(q->sched, sched, (size_t)ph.nsched * sizeof(struct plan_fault));
		if (i < h.next_pair) {	/* tried: its input was done with */
			free(q->data);
			q->data = NULL;
		}
	}
	p->next_pair = h.next_pair;
	for (int i = 0; i < h.nwant; i++) {
		int32_t w;

		if (!(at = take(&in, &len, sizeof(w))))
			return -EINVAL;
		memcpy(&w, at, sizeof(w));
		if (fuzz_pool_want(p, w) < 0)
			return -ENOMEM;
	}
	p->next_want = h.next_want;
	return len ? -EINVAL : 0;
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
