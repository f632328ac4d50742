/* sched_fuzz.c - the fuzz loop's scheduler: which input runs next, and
 * which inputs are kept. The feedback is the run's maps (inject/
 * feedback.h: the syscall shape, AFL++'s edge map), judged as AFL judges
 * its edge map: a cell whose hit count falls in a bucket never seen is
 * new behaviour. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inject/feedback.h"
#include "inject/fuzz_calib.h"
#include "inject/fuzz_faults.h"
#include "inject/fuzz_pool.h"
#include "inject/mutate.h"
#include "inject/sched.h"
#include "inject/sched_fuzz_int.h"

/* Havoc runs per entry and queue cycle. */
#define HAVOC_RUNS 64

/* An input's run recording its sites (fuzz_pool_want). */
static const char STAGE_SITES[] = "sites";
/* A start-up site's exec run (sched_fuzz_startup). */
static const char STAGE_STARTUP[] = "startup";

/* One start-up run every this many runs, until each site had its own:
 * fuzzing starts at once, and a program with hundreds of sites before
 * its snapshot point still has them all tried early. */
#define STARTUP_EVERY 8

static int push(struct fuzz_sched *f, const uint8_t *data, size_t len, int src, const char *stage,
		const struct plan_fault *sched, int nsched)
{
	struct entry *e;

	if (f->n == f->cap) {
		int cap = f->cap ? 2 * f->cap : 16;

		if (!(e = reallocarray(f->q, cap, sizeof(*e))))
			return -ENOMEM;
		f->q = e;
		f->cap = cap;
	}
	e = &f->q[f->n];
	memset(e, 0, sizeof(*e));
	if (!(e->data = malloc(len ? len : 1)))
		return -ENOMEM;
	memcpy(e->data, data, len);
	e->len = len;
	e->src = src;
	e->stage = stage;
	e->run = (long)f->given - 1;
	e->det_step = len && len <= MUTATE_DET_MAX ? 0 : -1;
	e->ext_step = e->det_step;	/* "light" too */
	/* Input mutation off: the entry's input stays; only its schedule
	 * changes, in havoc. */
	if (!(f->mutate & FUZZ_MUTATE_INPUT) || (f->custom.only && f->custom.fuzz))
		e->det_step = e->ext_step = -1;
	if (nsched > 0)	/* a plain input has no schedule (sched NULL) */
		memcpy(e->sched, sched, (size_t)nsched * sizeof(*sched));
	e->nsched = nsched;
	f->n++;
	return 0;
}

/* One run of the custom mutator's stage on entry e into buf: its length,
 * or 0 when the mutator skipped it (AFL++ skips a 0 too; with only, the
 * entry as it is instead, so a mutator that always skips cannot spin the
 * loop). The mutator gets a copy of e, and another entry as add_buf (AFL++
 * passes a random queue entry, for its own splicing). */
static size_t custom_one(struct fuzz_sched *f, const struct entry *e)
{
	const struct entry *o = &f->q[mutate_rand(&f->rng) % f->n];
	uint8_t *out = NULL;
	size_t len;

	if (f->custom_left < 0)
		f->custom_left = f->custom.fuzz_count ?
			f->custom.fuzz_count(f->custom.ctx, e->data, e->len) : HAVOC_RUNS;
	/* With only, at least one a turn: nothing else would make a run. */
	if (f->custom_left <= 0 && f->custom.only)
		f->custom_left = 1;
	if (f->custom_left <= 0) {
		f->custom_left = 0;
		return 0;
	}
	f->custom_left--;
	memcpy(f->buf, e->data, e->len);
	f->stage = "custom";
	len = f->custom.fuzz(f->custom.ctx, f->buf, e->len, &out, o->data, o->len, MUTATE_MAX_LEN);
	if (len && out) {
		if (len > MUTATE_MAX_LEN)
			len = MUTATE_MAX_LEN;
		memmove(f->buf, out, len);
		return len;
	}
	if (!f->custom.only)
		return 0;
	memcpy(f->buf, e->data, e->len);
	return e->len ? e->len : 0;
}

/* One mutation of the current entry into buf; moves on to the next entry
 * once its deterministic steps and its havoc runs are done. */
static size_t mutate_next(struct fuzz_sched *f)
{
	for (;;) {
		struct entry *e = &f->q[f->cur];

		/* The entry's schedule goes with each of its mutations. */
		memcpy(f->sched, e->sched, sizeof(f->sched));
		f->nsched = e->nsched;
		if (e->det_step >= 0) {
			if (mutate_det(e->data, e->len, e->det_step, f->buf, &f->stage)) {
				e->det_step++;
				return e->len;
			}
			e->det_step = -1;
		}
		if (e->ext_step >= 0) {
			size_t len = mutate_extras(e->data, e->len, &f->dict, &e->ext_step, f->buf,
						   &f->stage);

			if (len && len <= MUTATE_MAX_LEN)
				return len;
			if (!len)
				e->ext_step = -1;
			continue;
		}
		if (f->custom.fuzz && (f->mutate & FUZZ_MUTATE_INPUT) && f->custom_left != 0) {
			size_t len = custom_one(f, e);

			if (len)
				return len;
			continue;
		}
		if (f->custom.only && f->custom.fuzz && (f->mutate & FUZZ_MUTATE_INPUT))
			f->havoc_left = 0;	/* AFL_CUSTOM_MUTATOR_ONLY: no havoc */
		if (f->havoc_left > 0 && !(f->mutate & FUZZ_MUTATE_INPUT)) {
			/* The schedule alone: one or two changes stacked, as
			 * havoc stacks (two: a pair from an empty schedule). */
			int changes = 1 + (int)(mutate_rand(&f->rng) % 2);

			f->havoc_left--;
			memcpy(f->buf, e->data, e->len);
			f->stage = "faults";
			for (int i = 0; i < 8 && changes; i++)
				changes -= fuzz_faults_havoc(f->sched, &f->nsched, f->grown.f,
							     f->grown.n, &f->rng);
			return e->len;
		}
		if (f->havoc_left-- > 0) {
			size_t len = e->len < MUTATE_MAX_LEN ? e->len : MUTATE_MAX_LEN;
			const struct entry *o = &f->q[mutate_rand(&f->rng) % f->n];
			size_t sl;

			f->stage = "havoc";
			/* Splicing a quarter of the time, when there is another. */
			if (f->n > 1 && mutate_rand(&f->rng) % 4 == 0 &&
			    (sl = mutate_splice(e->data, e->len, o->data, o->len, f->buf, &f->rng))) {
				f->stage = "splice";
				len = sl;
			} else {
				memcpy(f->buf, e->data, len);
			}
			/* Both dimensions: the schedule changes in half the
			 * havoc runs, with the input. */
			if ((f->mutate & FUZZ_MUTATE_FAULTS) && mutate_rand(&f->rng) % 2 &&
			    fuzz_faults_havoc(f->sched, &f->nsched, f->grown.f, f->grown.n, &f->rng))
				f->stage = f->stage[0] == 'h' ? "havoc+faults" : "splice+faults";
			return mutate_havoc(f->buf, len, MUTATE_MAX_LEN, &f->dict, &f->rng);
		}
		f->havoc_left = HAVOC_RUNS;
		f->custom_left = -1;
		e->fuzzed = true;
		if (++f->cur == f->n) {
			f->cur = 0;
			f->cycles++;
		}
	}
}

/* The systematic part of the schedule dimension: each seed with each
 * entry of the plan (one fault), before any mutation. 0 with the run in
 * buf and sched, 1 when it is done, or -errno. */
static int systematic(struct fuzz_sched *f, size_t *len)
{
	const struct entry *e;

	if (!f->pool_built) {
		int n = f->inj ? inject_plan_explore(f->inj, f->exclude, &f->pool) : 0;

		if (n < 0)
			return n;
		f->npool = n;
		f->pool_built = true;
		if ((n = fuzz_pool_init(&f->grown, f->pool, n)) < 0)
			return n;
	}
	if (f->sys_next >= (long)f->seeds_given * f->npool)
		return 1;
	e = &f->q[f->sys_next / f->npool];
	f->sched[0] = f->pool[f->sys_next % f->npool];
	f->nsched = 1;
	f->src = (int)(f->sys_next / f->npool);
	f->stage = "plan";
	memcpy(f->buf, e->data, e->len);
	*len = e->len;
	f->sys_next++;
	return 0;
}

/* The custom mutator's post_process on the run's input in buf: what the
 * program reads, and what is kept (queue, crashes, findings), so replay
 * feeds the same bytes. Its empty result leaves the input as it was. */
static size_t post_process(struct fuzz_sched *f, size_t len)
{
	uint8_t *out = NULL;
	size_t n = f->custom.post(f->custom.ctx, f->buf, len, &out);

	if (!n || !out)
		return len;
	if (n > MUTATE_MAX_LEN)
		n = MUTATE_MAX_LEN;
	memmove(f->buf, out, n);
	return n;
}

/* Entry i's sites run, into buf and sched: as it was kept. */
static size_t sites_run(struct fuzz_sched *f, int i)
{
	const struct entry *e = &f->q[i];

	memcpy(f->buf, e->data, e->len);
	memcpy(f->sched, e->sched, sizeof(f->sched));
	f->nsched = e->nsched;
	f->src = i;
	f->stage = STAGE_SITES;
	return e->len;
}

/* Does this input want a sites run: a seed after the first (the clean
 * run's), or an input unlike the one it was made from? */
static bool new_input(const struct fuzz_sched *f, int i, const struct run_request *req)
{
	const struct entry *o = req->tag >= 0 && req->tag < f->n ? &f->q[req->tag] : NULL;

	if (!f->pairs || (f->mutate & (FUZZ_MUTATE_INPUT | FUZZ_MUTATE_FAULTS)) !=
			 (FUZZ_MUTATE_INPUT | FUZZ_MUTATE_FAULTS) || i <= 0)
		return false;
	return !o || o->len != req->input_len || memcmp(o->data, req->input, o->len) != 0;
}

static bool startup_due(const struct fuzz_sched *f)
{
	return f->startup && f->n > 0 && f->startup_next < *f->nstartup &&
	       f->given % STARTUP_EVERY == 0;
}

/* The next start-up site's run, on the first seed's input. */
static size_t startup_run(struct fuzz_sched *f)
{
	memcpy(f->buf, f->q[0].data, f->q[0].len);
	f->sched[0] = (*f->startup)[f->startup_next++];
	f->nsched = 1;
	f->src = 0;
	f->stage = STAGE_STARTUP;
	return f->q[0].len;
}

static int fuzz_next(struct scheduler *s, struct run_request *out)
{
	struct fuzz_sched *f = (struct fuzz_sched *)s;
	size_t len;
	int sys, want;

	if (f->n == 0)
		return -ENODATA;
	memset(out, 0, sizeof(*out));
	if (sfz_calib_next(f, &len)) {
		/* As it ran: post_process made its input already. */
	} else if (f->seeds_given < f->n && f->q[f->seeds_given].src < 0) {
		/* The seeds first, as they are: they set what is not new. */
		struct entry *e = &f->q[f->seeds_given++];

		len = e->len;
		memcpy(f->buf, e->data, len);
		f->src = -1;
		f->stage = "seed";
		/* A resumed queue's entry runs with its schedule. */
		memcpy(f->sched, e->sched, sizeof(f->sched));
		f->nsched = e->nsched;
	} else if (startup_due(f)) {
		len = startup_run(f);
	} else if ((f->mutate & FUZZ_MUTATE_FAULTS) && (sys = systematic(f, &len)) <= 0) {
		if (sys < 0)
			return sys;
	} else if ((want = fuzz_pool_wanted(&f->grown)) >= 0 && want < f->n) {
		len = sites_run(f, want);
	} else if (fuzz_pool_pair(&f->grown, f->buf, MUTATE_MAX_LEN, &len, f->sched, &f->nsched,
				  &f->src)) {
		f->stage = "pair";	/* each once, before havoc */
	} else {
		f->src = f->cur;
		len = mutate_next(f);
	}
	if (f->custom.post && f->stage != STAGE_CALIB && f->stage != STAGE_SITES)
		len = post_process(f, len);
	out->sites = f->stage == STAGE_SITES;
	memcpy(out->faults, f->sched, (size_t)f->nsched * sizeof(*f->sched));
	out->nfaults = f->nsched;
	out->mode = "fuzz";
	out->planned = true;
	out->random = true;
	out->seed = f->seed + (uint64_t)f->given * 0x9e3779b97f4a7c15ULL;
	if (f->stage == STAGE_CALIB)
		out->seed = f->q[f->src].seed;	/* the same random faults */
	out->probability = f->faults_p;
	out->tag = f->src;	/* the queue entry it came from; -1: a seed */
	f->given++;
	out->input = f->buf;
	out->input_len = len;
	out->stage = f->stage;
	if (f->stage == STAGE_STARTUP) {
		/* As a plain campaign's: exec mode, its fault alone. */
		out->mode = "startup";
		out->exec = true;
		out->random = false;
		out->probability = 0;
	}
	return SCHED_RUN;
}

/* A run's error path grew the pool: its pairs' schedule is the run's,
 * then the random faults it injected besides (--fuzz-faults), in order;
 * -1 (no pair, the pool only) when they do not all fit. */
static void grow(struct fuzz_sched *f, const struct run_request *req,
		 const struct run_outcome *out)
{
	struct plan_fault sched[FUZZ_SCHED_MAX];
	int n = req->nfaults + out->nfired;

	if (n <= FUZZ_SCHED_MAX) {
		memcpy(sched, req->faults, (size_t)req->nfaults * sizeof(*sched));
		if (out->nfired)	/* out->fired may be NULL */
			memcpy(sched + req->nfaults, out->fired,
			       (size_t)out->nfired * sizeof(*sched));
	} else {
		n = -1;
	}
	fuzz_pool_grow(&f->grown, out->late, out->nlate, sched, n, req->input, req->input_len,
		       (int)req->tag);
}

static void fuzz_done(struct scheduler *s, const struct run_request *req,
		      const struct run_outcome *out)
{
	struct fuzz_sched *f = (struct fuzz_sched *)s;

	if (req->stage == STAGE_CALIB) {
		sfz_calib_done(f, req, out);
		return;
	}
	/* An exec run's shape has the start-up in it: no feedback. */
	if (req->stage == STAGE_STARTUP)
		return;
	/* A seed that crashed, hung or did not start is not calibrated. The
	 * shape is taken only where a calibration needs it: a -j worker's
	 * comes sparse and is made dense for it. */
	if (req->tag < 0 && req->input) {
		bool ok = out->faults >= 0 && !out->finding && !out->hang;
		int i = sfz_seed_entry(f, req);

		if (new_input(f, i, req))
			fuzz_pool_want(&f->grown, i);	/* best effort */
		sfz_calib_begin(f, i, req, ok ? out : NULL);
	}
	if (!out->nmaps || out->faults < 0)
		return;
	if (f->pairs && out->nlate > 0 && req->input && req->tag >= 0 && req->tag < f->n)
		grow(f, req, out);
	/* A seed's maps are the baseline; a crash or a hang is kept in
	 * crashes/ or hangs/, not fuzzed on (AFL does the same). */
	if (feedback_judge(f->fb, out->maps, out->nmaps) <= 0 || out->finding || out->hang ||
	    !req->input || req->tag < 0)
		return;
	/* req->tag, not f->src: with -j other inputs were made since. */
	if (push(f, req->input, req->input_len, (int)req->tag, req->stage, req->faults,
		 req->nfaults) == 0) {	/* best effort */
		if (new_input(f, f->n - 1, req))
			fuzz_pool_want(&f->grown, f->n - 1);
		sfz_calib_begin(f, f->n - 1, req, out);
	}
}

static void fuzz_free(struct scheduler *s)
{
	struct fuzz_sched *f = (struct fuzz_sched *)s;

	for (int i = 0; i < f->n; i++) {
		free(f->q[i].data);
		sfz_calib_free(&f->q[i]);
	}
	free(f->var_afl);
	free(f->afl_buf);
	free(f->q);
	free(f->tok);
	free(f->pool);
	fuzz_pool_free(&f->grown);
	feedback_free(f->fb);
	free(f);
}

int sched_fuzz_new(uint64_t seed, double faults_p, struct scheduler **out)
{
	struct fuzz_sched *f = calloc(1, sizeof(*f));

	if (!f || !(f->fb = feedback_new())) {
		free(f);
		return -ENOMEM;
	}
	f->s.name = "fuzz";
	f->s.next = fuzz_next;
	f->s.done = fuzz_done;
	f->s.free = fuzz_free;
	f->seed = seed;
	f->rng = seed ^ 0x5851f42d4c957f2dULL;
	f->faults_p = faults_p;
	f->havoc_left = HAVOC_RUNS;
	f->custom_left = -1;
	f->mutate = FUZZ_MUTATE_INPUT;
	f->pairs = true;
	*out = &f->s;
	return 0;
}

int sched_fuzz_add(struct scheduler *s, const uint8_t *data, size_t len)
{
	struct fuzz_sched *f = (struct fuzz_sched *)s;

	if (len > MUTATE_MAX_LEN)
		len = MUTATE_MAX_LEN;
	return push(f, data, len, -1, "seed", NULL, 0);
}

/* Shortest first, as AFL sorts its extras; equal lengths in the order
 * given (an insertion sort: dictionaries are small). */
int sched_fuzz_token(struct scheduler *s, const uint8_t *data, size_t len)
{
	struct fuzz_sched *f = (struct fuzz_sched *)s;
	struct mutate_token *t;
	int i;

	if (len == 0 || len > MUTATE_TOKEN_MAX)
		return -EINVAL;
	for (i = 0; i < f->dict.n; i++)
		if (f->tok[i].len == len && memcmp(f->tok[i].data, data, len) == 0)
			return 0;	/* a duplicate: AFL++ drops them too */
	if (!(t = reallocarray(f->tok, f->dict.n + 1, sizeof(*t))))
		return -ENOMEM;
	f->tok = t;
	for (i = f->dict.n; i > 0 && t[i - 1].len > len; i--)
		t[i] = t[i - 1];
	t[i].len = len;
	memcpy(t[i].data, data, len);
	f->dict.tok = t;
	f->dict.n++;
	return 0;
}

void sched_fuzz_faults(struct scheduler *s, unsigned mutate, struct inject *inj,
		       char *const *exclude)
{
	struct fuzz_sched *f = (struct fuzz_sched *)s;

	f->mutate = mutate;
	f->inj = inj;
	f->exclude = exclude;
	for (int i = 0; i < f->n && !(mutate & FUZZ_MUTATE_INPUT); i++)
		f->q[i].det_step = f->q[i].ext_step = -1;
}

void sched_fuzz_startup(struct scheduler *s, struct plan_fault *const *plan, const int *n)
{
	struct fuzz_sched *f = (struct fuzz_sched *)s;

	f->startup = plan;
	f->nstartup = n;
}

void sched_fuzz_pairs(struct scheduler *s, bool on)
{
	((struct fuzz_sched *)s)->pairs = on;
}

void sched_fuzz_custom(struct scheduler *s, const struct fuzz_custom *cm)
{
	struct fuzz_sched *f = (struct fuzz_sched *)s;

	f->custom = *cm;
	/* AFL_CUSTOM_MUTATOR_ONLY: no deterministic stage either. */
	for (int i = 0; i < f->n && cm->only && cm->fuzz; i++)
		f->q[i].det_step = f->q[i].ext_step = -1;
}

int sched_fuzz_ntokens(const struct scheduler *s)
{
	return ((const struct fuzz_sched *)s)->dict.n;
}

int sched_fuzz_nqueue(const struct scheduler *s)
{
	return ((const struct fuzz_sched *)s)->n;
}

int sched_fuzz_entry(const struct scheduler *s, int i, struct fuzz_entry_info *info)
{
	const struct fuzz_sched *f = (const struct fuzz_sched *)s;

	if (i < 0 || i >= f->n)
		return -EINVAL;
	*info = (struct fuzz_entry_info){ f->q[i].data, f->q[i].len, f->q[i].src, f->q[i].stage,
					  f->q[i].run, f->q[i].sched, f->q[i].nsched };
	return 0;
}

void sched_fuzz_stats(const struct scheduler *s, struct fuzz_stats *st)
{
	const struct fuzz_sched *f = (const struct fuzz_sched *)s;
	uint32_t size;

	st->cur = f->cur;
	st->cycles = f->cycles;
	st->cells = (int)feedback_cells(f->fb, "shape", &size);
	st->cells_max = INJECT_SHAPE_SIZE;
	st->edges = (int)feedback_cells(f->fb, "afl", &size);
	st->edges_max = (int)size;
	st->stab_edges = f->afl_size && st->edges_max == (int)f->afl_size;
	st->var_cells = st->stab_edges ? f->var_cells_afl : f->var_cells;
	st->stab_cells = st->stab_edges ? st->edges : st->cells;
	st->variable = f->variable;
	st->pending = 0;
	for (int i = 0; i < f->n; i++)
		st->pending += !f->q[i].fuzzed;
}

int sched_fuzz_add_entry(struct scheduler *s, const uint8_t *data, size_t len,
			 const struct plan_fault *faults, int nfaults)
{
	struct fuzz_sched *f = (struct fuzz_sched *)s;

	if (nfaults < 0 || nfaults > FUZZ_SCHED_MAX)
		return -EINVAL;
	if (len > MUTATE_MAX_LEN)
		len = MUTATE_MAX_LEN;
	return push(f, data, len, -1, "seed", faults, nfaults);
}

void sched_fuzz_cycles(struct scheduler *s, long cycles)
{
	((struct fuzz_sched *)s)->cycles = cycles;
}
