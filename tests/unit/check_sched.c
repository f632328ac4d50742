/* check_sched.c - inject/sched*.c: the real clean, plan, pinned and random
 * schedulers chained by the sequencer, over hand-built plans: order, seeds,
 * second chances, caps, and done() out of order as a worker pool gives it. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inject/fuzz_calib.h"
#include "inject/feedback.h"
#include "inject/fuzz_faults.h"
#include "inject/fuzz_pool.h"
#include "inject/mutate.h"
#include "inject/sched.h"
#include "util/util.h"

/* check_sched_fuzz.c: the fuzz loop's scheduler, mutators and feedback. */
void check_sched_fuzz_tests(TCase *tc);

#define GOLDEN 0x9e3779b97f4a7c15ULL

/* Plan entry i calls "eI"; no_fire: the run injects nothing. */
struct entry {
	int thread;
	bool no_fire;
};

static struct plan_fault *make_plan(const struct entry *e, int n)
{
	struct plan_fault *p = calloc(n ? n : 1, sizeof(*p));

	ck_assert_ptr_nonnull(p);
	for (int i = 0; i < n; i++) {
		snprintf(p[i].call, sizeof(p[i].call), "e%d", i);
		p[i].fault.type = FT_NULL;
		p[i].thread = e[i].thread;
		p[i].occurrence = 1;
	}
	return p;
}

/* clean (uncapped) -> plan -> random (random_limit < 0: none). */
static struct scheduler *chain(long max_runs, long long deadline, const struct entry *e, int n,
			       int random_limit)
{
	struct sched_caps caps = { .max_runs = max_runs, .deadline_ms = deadline };
	struct plan_fault *plan = make_plan(e, n);
	struct scheduler *seq, *s;

	ck_assert_int_eq(sched_seq_new(&caps, &seq), 0);
	ck_assert_int_eq(sched_clean_new(&s), 0);
	ck_assert_int_eq(sched_seq_add(seq, s, false), 0);
	ck_assert_int_eq(sched_plan_from(plan, n, &s), 0);
	free(plan);	/* copied */
	ck_assert_int_eq(sched_seq_add(seq, s, true), 0);
	if (random_limit >= 0) {
		ck_assert_int_eq(sched_random_new(42, 0.25, random_limit, &s), 0);
		ck_assert_int_eq(sched_seq_add(seq, s, true), 0);
	}
	return seq;
}

/* What the fake-free loop needs from a run: plan entries marked no_fire
 * inject nothing, every other run injects one fault. */
static struct run_outcome outcome_of(const struct entry *e, const struct run_request *r)
{
	struct run_outcome o = { .faults = 1 };

	if (strcmp(r->mode, "plan") == 0 && e[r->tag].no_fire)
		o.faults = 0;
	if (strcmp(r->mode, "plan-any-thread") == 0 || r->record)
		o.faults = 0;
	return o;
}

/* The campaign's serial loop; the modes and calls it ran, space-separated
 * ("clean plan:e0 plan-any-thread:e2 random:0"). */
static void drive(struct scheduler *seq, const struct entry *e, char *trace, size_t len)
{
	struct run_request r;
	unsigned long want_id = 0;
	int k;

	trace[0] = 0;
	while ((k = seq->next(seq, &r)) == SCHED_RUN) {
		struct run_outcome o = outcome_of(e, &r);
		size_t at = strlen(trace);

		ck_assert_uint_eq(r.id, want_id++);
		ck_assert(r.record == (strcmp(r.mode, "clean") == 0));
		if (r.nfaults)
			snprintf(trace + at, len - at, "%s%s:%s", at ? " " : "", r.mode, r.faults[0].call);
		else if (r.random)
			snprintf(trace + at, len - at, "%s%s:%ld", at ? " " : "", r.mode, r.tag);
		else
			snprintf(trace + at, len - at, "%s%s", at ? " " : "", r.mode);
		seq->done(seq, &r, &o);
	}
	ck_assert_int_eq(k, SCHED_DONE);
	ck_assert_int_eq(seq->next(seq, &r), SCHED_DONE);	/* and stays done */
}

static const struct entry four[] = {
	{ 0, false },	/* first thread */
	{ 1, false },	/* a later thread, fired */
	{ 2, true },	/* a later thread, injected nothing: a second chance */
	{ 0, true },	/* first thread, nothing: no second chance */
};


START_TEST(serial_order_seeds_and_second_chance)
{
	struct scheduler *seq = chain(0, 0, four, 4, 3);
	struct run_request r;
	char trace[512];

	drive(seq, four, trace, sizeof(trace));
	ck_assert_str_eq(trace, "clean plan:e0 plan:e1 plan:e2 plan-any-thread:e2 plan:e3 "
				"random:0 random:1 random:2");
	/* clean + 4 entries + 3 random; the second chance is not planned. */
	ck_assert_int_eq(seq->planned, 8);
	ck_assert(!sched_seq_capped(seq));
	sched_free(seq);

	/* The random runs' seeds, and the second chance's any thread. */
	seq = chain(0, 0, four, 4, 3);
	for (int i = 0; seq->next(seq, &r) == SCHED_RUN; i++) {
		struct run_outcome o = outcome_of(four, &r);

		if (strcmp(r.mode, "plan-any-thread") == 0) {
			ck_assert_int_eq(r.faults[0].thread, -1);
			ck_assert(!r.planned);
		}
		if (strcmp(r.mode, "plan") == 0)
			ck_assert_int_eq(r.faults[0].thread, four[r.tag].thread);
		if (r.random) {
			ck_assert_uint_eq(r.seed, 42 + (uint64_t)r.tag * GOLDEN);
			ck_assert(r.probability == 0.25);
			ck_assert_int_eq(r.nfaults, 0);
		}
		seq->done(seq, &r, &o);
	}
	sched_free(seq);
}
END_TEST

/* Without a cap of their own random runs stop at the limit they are
 * given (the campaign gives 100 when neither --max-runs nor --budget). */
START_TEST(random_limit_and_open_ended_cut)
{
	struct scheduler *seq = chain(0, 0, four, 1, 100);
	char trace[4096];

	drive(seq, four, trace, sizeof(trace));
	ck_assert_int_eq(seq->planned, 102);
	ck_assert(!sched_seq_capped(seq));
	sched_free(seq);

	/* Cut by --max-runs in the random runs: not a cut plan. */
	seq = chain(5, 0, four, 1, 0);
	drive(seq, four, trace, sizeof(trace));
	ck_assert_str_eq(trace, "clean plan:e0 random:0 random:1 random:2");
	ck_assert_int_eq(seq->planned, 5);
	ck_assert(!sched_seq_capped(seq));
	sched_free(seq);
}
END_TEST

START_TEST(max_runs_cuts_the_plan)
{
	static const struct entry last_retry[] = { { 0, false }, { 1, true } };
	struct scheduler *seq = chain(3, 0, four, 4, 0);
	char trace[512];

	/* "stopped after 3 of 5 planned runs": clean + the 4 entries. */
	drive(seq, four, trace, sizeof(trace));
	ck_assert_str_eq(trace, "clean plan:e0 plan:e1");
	ck_assert_int_eq(seq->planned, 5);
	ck_assert(sched_seq_capped(seq));
	sched_free(seq);

	/* Cut at a second chance with entries left: the plan is cut. */
	seq = chain(4, 0, four, 4, 0);
	drive(seq, four, trace, sizeof(trace));
	ck_assert_str_eq(trace, "clean plan:e0 plan:e1 plan:e2");
	ck_assert(sched_seq_capped(seq));
	sched_free(seq);

	/* Cut at the second chance of the last entry: the plan is covered. */
	seq = chain(3, 0, last_retry, 2, 0);
	drive(seq, last_retry, trace, sizeof(trace));
	ck_assert_str_eq(trace, "clean plan:e0 plan:e1");
	ck_assert_int_eq(seq->planned, 3);
	ck_assert(!sched_seq_capped(seq));
	sched_free(seq);

	/* Cut right after a second chance, with e3 left. */
	seq = chain(5, 0, four, 4, -1);
	drive(seq, four, trace, sizeof(trace));
	ck_assert_str_eq(trace, "clean plan:e0 plan:e1 plan:e2 plan-any-thread:e2");
	ck_assert(sched_seq_capped(seq));	/* e3 was left */
	sched_free(seq);
}
END_TEST

/* A deadline already past (--budget spent before run 0 ends): the clean
 * run still runs, nothing after it. */
START_TEST(deadline_spares_the_clean_run)
{
	struct scheduler *seq = chain(0, 1, four, 4, 0);
	char trace[512];

	ck_assert_int_ge(mono_ms(), 1);
	drive(seq, four, trace, sizeof(trace));
	ck_assert_str_eq(trace, "clean");
	ck_assert_int_eq(seq->planned, 5);
	ck_assert(sched_seq_capped(seq));
	sched_free(seq);

	/* An empty plan: only random runs were left, nothing planned cut. */
	seq = chain(0, 1, four, 0, 0);
	drive(seq, four, trace, sizeof(trace));
	ck_assert_str_eq(trace, "clean");
	ck_assert_int_eq(seq->planned, 1);
	ck_assert(!sched_seq_capped(seq));
	sched_free(seq);
}
END_TEST

/* --fault: resolved after the clean run, read when handed out. */
START_TEST(pinned_reads_faults_late)
{
	struct plan_fault pins[2] = { { .call = "malloc" }, { .call = "read" } };
	struct sched_caps caps = { .max_runs = 1 };
	struct scheduler *seq, *s;
	struct run_request r;
	struct run_outcome o = { 0 };

	ck_assert_int_eq(sched_pinned_new(pins, SCHED_MAX_FAULTS + 1, &s), -EINVAL);
	for (int cap = 0; cap < 2; cap++) {
		caps.max_runs = cap ? 1 : 0;
		ck_assert_int_eq(sched_seq_new(&caps, &seq), 0);
		ck_assert_int_eq(sched_clean_new(&s), 0);
		ck_assert_int_eq(sched_seq_add(seq, s, false), 0);
		ck_assert_int_eq(sched_pinned_new(pins, 2, &s), 0);
		ck_assert_int_eq(sched_seq_add(seq, s, true), 0);
		ck_assert_int_eq(seq->next(seq, &r), SCHED_RUN);
		ck_assert_str_eq(r.mode, "clean");
		snprintf(pins[0].site, sizeof(pins[0].site), "resolved%d", cap);
		seq->done(seq, &r, &o);
		if (cap) {
			/* "stopped after 1 of 2 planned runs" */
			ck_assert_int_eq(seq->next(seq, &r), SCHED_DONE);
			ck_assert(sched_seq_capped(seq));
		} else {
			ck_assert_int_eq(seq->next(seq, &r), SCHED_RUN);
			ck_assert_str_eq(r.mode, "pinned");
			ck_assert_int_eq(r.nfaults, 2);
			ck_assert_str_eq(r.faults[0].site, "resolved0");
			ck_assert_str_eq(r.faults[1].call, "read");
			seq->done(seq, &r, &o);
			ck_assert_int_eq(seq->next(seq, &r), SCHED_DONE);
			ck_assert(!sched_seq_capped(seq));
		}
		ck_assert_int_eq(seq->planned, 2);
		sched_free(seq);
	}
}
END_TEST

/* A worker pool: next() while runs are out, done() in any order. */
START_TEST(pool_order_out_of_order_done)
{
	static const struct entry e[] = {
		{ 0, false }, { 1, true }, { 2, false }, { 3, true },
	};
	struct scheduler *seq = chain(0, 0, e, 4, 2);
	struct run_request clean, plan[4], retry[2], rnd[2], r;
	struct run_outcome fired = { .faults = 1 }, nothing = { 0 };

	ck_assert_int_eq(seq->next(seq, &clean), SCHED_RUN);
	/* The plan needs the clean run's sites: wait for it. */
	ck_assert_int_eq(seq->next(seq, &r), SCHED_WAIT);
	seq->done(seq, &clean, &nothing);
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(seq->next(seq, &plan[i]), SCHED_RUN);
		ck_assert_uint_eq(plan[i].id, 1 + i);
	}
	/* Entries for later threads are out: a second chance may follow. */
	ck_assert_int_eq(seq->next(seq, &r), SCHED_WAIT);
	seq->done(seq, &plan[3], &nothing);
	ck_assert_int_eq(seq->next(seq, &retry[0]), SCHED_RUN);
	ck_assert_str_eq(retry[0].mode, "plan-any-thread");
	ck_assert_str_eq(retry[0].faults[0].call, "e3");
	ck_assert_uint_eq(retry[0].id, 5);
	seq->done(seq, &plan[0], &nothing);	/* first thread: no second chance */
	ck_assert_int_eq(seq->next(seq, &r), SCHED_WAIT);
	seq->done(seq, &plan[2], &fired);
	ck_assert_int_eq(seq->next(seq, &r), SCHED_WAIT);
	seq->done(seq, &plan[1], &nothing);
	ck_assert_int_eq(seq->next(seq, &retry[1]), SCHED_RUN);
	ck_assert_str_eq(retry[1].faults[0].call, "e1");
	/* The plan has nothing left, but its runs are out: no random run yet. */
	ck_assert_int_eq(seq->next(seq, &r), SCHED_WAIT);
	seq->done(seq, &retry[1], &nothing);
	seq->done(seq, &retry[0], &nothing);
	ck_assert_int_eq(seq->next(seq, &rnd[0]), SCHED_RUN);
	ck_assert_int_eq(seq->next(seq, &rnd[1]), SCHED_RUN);
	ck_assert_str_eq(rnd[1].mode, "random");
	ck_assert_uint_eq(rnd[1].id, 8);
	ck_assert_uint_eq(rnd[1].seed, 42 + GOLDEN);
	ck_assert_int_eq(seq->next(seq, &r), SCHED_WAIT);
	seq->done(seq, &rnd[1], &fired);
	ck_assert_int_eq(seq->next(seq, &r), SCHED_WAIT);
	seq->done(seq, &rnd[0], &fired);
	ck_assert_int_eq(seq->next(seq, &r), SCHED_DONE);
	ck_assert_int_eq(seq->planned, 7);
	sched_free(seq);
}
END_TEST

/* A scheduler of the test's own: next() gives what it is told to. */
struct fixed {
	struct scheduler s;
	int ret;
};

static int fixed_next(struct scheduler *s, struct run_request *out)
{
	(void)out;
	return ((struct fixed *)s)->ret;
}

static void fixed_free(struct scheduler *s)
{
	free(s);
}

static struct scheduler *fixed_new(const char *name, int ret)
{
	struct fixed *f = calloc(1, sizeof(*f));

	ck_assert_ptr_nonnull(f);
	f->s = (struct scheduler){ .name = name, .next = fixed_next, .free = fixed_free };
	f->ret = ret;
	return &f->s;
}

START_TEST(errors_and_the_real_engine)
{
	struct inject_config cfg = { .classes = inject_default_classes(), .occurrences = 3 };
	struct scheduler *seq, *s;
	struct inject *inj;
	struct run_request r;

	/* The plan built from a real engine that recorded nothing is empty. */
	ck_assert_int_eq(inject_new(&cfg, &inj), 0);
	ck_assert_int_eq(sched_plan_new(NULL, NULL, &s), -EINVAL);
	ck_assert_int_eq(sched_plan_new(inj, NULL, &s), 0);
	ck_assert_int_eq(sched_seq_new(NULL, &seq), 0);
	ck_assert_int_eq(sched_seq_add(seq, s, true), 0);
	ck_assert_int_eq(seq->next(seq, &r), SCHED_DONE);
	ck_assert_int_eq(seq->planned, 0);
	sched_free(seq);
	inject_free(inj);

	/* A stage's error stops the sequence and names the stage. */
	ck_assert_int_eq(sched_seq_new(NULL, &seq), 0);
	ck_assert_int_eq(sched_clean_new(&s), 0);
	ck_assert_int_eq(sched_seq_add(seq, s, false), 0);
	ck_assert_int_eq(sched_seq_add(seq, fixed_new("broken", -ENOMEM), true), 0);
	ck_assert_int_eq(seq->next(seq, &r), SCHED_RUN);
	ck_assert_int_eq(seq->next(seq, &r), SCHED_WAIT);
	seq->done(seq, &r, &(struct run_outcome){ 0 });
	ck_assert_int_eq(seq->next(seq, &r), -ENOMEM);
	ck_assert_str_eq(sched_seq_stage(seq), "broken");
	sched_free(seq);

	/* Waiting with nothing out would be forever. */
	ck_assert_int_eq(sched_seq_new(NULL, &seq), 0);
	ck_assert_int_eq(sched_seq_add(seq, fixed_new("stuck", SCHED_WAIT), true), 0);
	ck_assert_int_eq(seq->next(seq, &r), -EDEADLK);
	sched_free(seq);
	/* Only a sequencer takes stages (and frees the one it refuses). */
	s = fixed_new("not a sequencer", SCHED_DONE);
	ck_assert_int_eq(sched_seq_add(s, fixed_new("x", SCHED_DONE), true), -EINVAL);
	sched_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sched");
	TCase *tc = tcase_create("sched");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, serial_order_seeds_and_second_chance);
	tcase_add_test(tc, random_limit_and_open_ended_cut);
	tcase_add_test(tc, max_runs_cuts_the_plan);
	tcase_add_test(tc, deadline_spares_the_clean_run);
	tcase_add_test(tc, pinned_reads_faults_late);
	tcase_add_test(tc, pool_order_out_of_order_done);
	tcase_add_test(tc, errors_and_the_real_engine);
	check_sched_fuzz_tests(tc);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}
