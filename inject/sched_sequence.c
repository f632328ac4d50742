/* sched_sequence.c - the sequencer: stages one after another under the
 * campaign's caps (--max-runs, --budget). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "inject/sched.h"
#include "util/util.h"

struct stage {
	struct scheduler *s;
	bool capped;		/* the caps apply to it */
	int given_planned;	/* planned runs it gave that were handed out */
};

struct seq {
	struct scheduler s;
	struct sched_caps caps;
	struct stage *stages;
	int n, cur;
	unsigned long given;	/* runs handed out: the next id */
	int outstanding;	/* handed out, done() not yet */
	bool cut;		/* a cap ended the sequence */
	bool capped;		/* ... while a stage had planned runs left */
};

static bool cap_reached(const struct seq *q)
{
	return (q->caps.max_runs && q->given >= (unsigned long)q->caps.max_runs) ||
	       (q->caps.deadline_ms && mono_ms() >= q->caps.deadline_ms);
}

/* What a stage gave counts even when the stage does not know its total
 * (random runs). */
static void count_planned(struct seq *q)
{
	int sum = 0;

	for (int i = 0; i < q->n; i++) {
		const struct stage *st = &q->stages[i];

		sum += st->s->planned > st->given_planned ? st->s->planned : st->given_planned;
	}
	q->s.planned = sum;
}

static int seq_next(struct scheduler *s, struct run_request *out)
{
	struct seq *q = (struct seq *)s;
	int r = SCHED_DONE;

	while (!q->cut && q->cur < q->n) {
		struct stage *st = &q->stages[q->cur];

		r = st->s->next(st->s, out);
		if (r == SCHED_DONE && !q->outstanding) {
			q->cur++;
			continue;
		}
		if (r != SCHED_RUN)
			break;	/* an error, or wait: the stage or its runs */
		if (st->capped && cap_reached(q)) {
			/* The request is dropped: nothing runs after a cap. */
			q->cut = true;
			q->capped = st->s->planned > st->given_planned;
			break;
		}
		out->id = q->given++;
		if (out->planned)
			st->given_planned++;
		q->outstanding++;
		count_planned(q);
		return SCHED_RUN;
	}
	count_planned(q);
	if (r < 0)
		return r;
	/* A stage that waits with none of its runs out would wait forever. */
	if (r == SCHED_WAIT && !q->outstanding)
		return -EDEADLK;
	return q->outstanding ? SCHED_WAIT : SCHED_DONE;
}

static void seq_done(struct scheduler *s, const struct run_request *req,
		     const struct run_outcome *out)
{
	struct seq *q = (struct seq *)s;
	struct stage *st;

	/* The barrier between stages: every outstanding run is the current
	 * stage's. */
	if (q->outstanding <= 0 || q->cur >= q->n)
		return;
	q->outstanding--;
	st = &q->stages[q->cur];
	if (st->s->done)
		st->s->done(st->s, req, out);
	count_planned(q);
}

static void seq_free(struct scheduler *s)
{
	struct seq *q = (struct seq *)s;

	for (int i = 0; i < q->n; i++)
		sched_free(q->stages[i].s);
	free(q->stages);
	free(q);
}

int sched_seq_new(const struct sched_caps *caps, struct scheduler **out)
{
	struct seq *q = calloc(1, sizeof(*q));

	if (!q)
		return -ENOMEM;
	q->s.name = "sequence";
	q->s.next = seq_next;
	q->s.done = seq_done;
	q->s.free = seq_free;
	if (caps)
		q->caps = *caps;
	*out = &q->s;
	return 0;
}

static struct seq *as_seq(const struct scheduler *s)
{
	return s && s->next == seq_next ? (struct seq *)s : NULL;
}

int sched_seq_add(struct scheduler *seq, struct scheduler *stage, bool capped)
{
	struct seq *q = as_seq(seq);
	struct stage *ns;

	if (!q || !stage) {
		sched_free(stage);
		return -EINVAL;
	}
	ns = realloc(q->stages, (q->n + 1) * sizeof(*ns));
	if (!ns) {
		sched_free(stage);
		return -ENOMEM;
	}
	q->stages = ns;
	q->stages[q->n++] = (struct stage){ .s = stage, .capped = capped };
	count_planned(q);
	return 0;
}

bool sched_seq_capped(const struct scheduler *seq)
{
	const struct seq *q = as_seq(seq);

	return q && q->capped;
}

const char *sched_seq_stage(const struct scheduler *seq)
{
	const struct seq *q = as_seq(seq);

	if (!q || !q->n)
		return "none";
	return q->stages[q->cur < q->n ? q->cur : q->n - 1].s->name;
}
