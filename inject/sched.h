/* sched.h - which run comes next: the campaign's schedule as schedulers.
 *
 * A scheduler hands out run requests and hears how each run went. The
 * campaign (cli/campaign.c) chains the ones it needs in a sequencer (clean
 * run, then the systematic plan or the pinned faults, then random runs)
 * and loops: next, run, done. The schedule is a plan of runs, so it
 * lives with the plans in inject/: snapshot/'s fuzz loop, downstream, adds
 * schedulers without reaching into cli/.
 *
 * Calling convention, serial today, a worker pool (-j N) later:
 * - next() and done() of one scheduler are never called concurrently: a
 *   pool calls them from its dispatching thread (or under one lock).
 * - next() may be called again before the runs it handed out are done;
 *   done() may come in any order, not the order of next(). A request
 *   carries what its scheduler needs to recognise it (id, tag).
 * - A run that did not complete (the campaign was interrupted) gets no
 *   done(): the loop ends there.
 * - next() returns SCHED_WAIT when it has nothing to give until some run
 *   handed out is done (a serial loop never sees it: everything it handed
 *   out is done before it asks again). Once it returned SCHED_DONE it
 *   returns SCHED_DONE ever after.
 * Library code: errors are -errno, never an exit.
 */
#ifndef FZ_SCHED_H
#define FZ_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "inject/inject.h"

struct fb_map;

/* The most faults one run injects on purpose (--fault may repeat up to
 * OPT_MAX_FAULTS times; cli/campaign.c checks it fits). */
#define SCHED_MAX_FAULTS 16

/* One run to do. */
struct run_request {
	/* Numbered by the outermost scheduler, the one the loop talks to (the
	 * sequencer counts 0, 1, 2 ... in the order of next()): runs.jsonl's
	 * run number. A scheduler below it must not rely on it: see tag. */
	unsigned long id;
	/* runs.jsonl's mode: "clean", "plan", "plan-any-thread", "pinned",
	 * "random" (later "fuzz"). Static storage. */
	const char *mode;
	bool record;		/* record every site reached (the clean run) */
	/* Snapshot mode: exec the program for this run (the start-up's
	 * faults, occurrences from its start), the template left parked. */
	bool exec;
	/* Counts among the campaign's planned runs (report.json's
	 * runs_planned): a second chance for a plan entry does not. */
	bool planned;
	struct plan_fault faults[SCHED_MAX_FAULTS];	/* inject exactly these */
	int nfaults;
	/* A random run (inject_set_random): every faithful fault may fire
	 * with this probability, decided by a generator seeded with seed. */
	bool random;
	uint64_t seed;
	double probability;
	long tag;		/* the issuing scheduler's own note (the plan: its entry) */
	/* A fuzz run (sched_fuzz_new): the input to feed the program, owned
	 * by the scheduler and valid until its next next() (a loop with runs
	 * outstanding copies it; NULL: the invocation's own --stdin); the
	 * mutation that made it ("havoc", "flip1", "seed"). done() reads the
	 * request's input and tag (its queue entry), whichever run came last. */
	const uint8_t *input;
	size_t input_len;
	const char *stage;
	/* A fuzz run that records, from its start, the sites the clean run
	 * did not reach (inject_set_sites): an input's first run of them. */
	bool sites;
};

/* How a run went, for the scheduler that asked for it. */
struct run_outcome {
	bool finding;		/* a finding the report kept (not suppressed) */
	int finding_id;		/* its id in the report, 0 for none */
	bool new_finding;	/* the first run to find it */
	int faults;		/* faults the run really injected; -1: it could not start */
	int new_sites;		/* sites first seen in this run */
	/* The run's feedback maps (inject/feedback.h: the shape,
	 * inject_run_shape, and AFL++'s edge map when there is one), and
	 * whether it ended at --timeout: the fuzz scheduler's feedback. */
	const struct fb_map *maps;
	int nmaps;
	bool hang;
	/* A fuzz run's error path (inject_run_late): the plan entries of the
	 * sites it reached after its first fault that the clean run did not. */
	const struct plan_fault *late;
	int nlate;
	/* The random faults it injected besides its schedule's
	 * (inject_run_fired): those late's sites are in the error path of. */
	const struct plan_fault *fired;
	int nfired;
};

enum { SCHED_DONE = 0, SCHED_RUN = 1, SCHED_WAIT = 2 };

struct scheduler {
	const char *name;
	/* SCHED_RUN and *out filled, SCHED_DONE, SCHED_WAIT, or -errno. */
	int (*next)(struct scheduler *s, struct run_request *out);
	/* Feedback for a request next() gave (any order); may be NULL. */
	void (*done)(struct scheduler *s, const struct run_request *req,
		     const struct run_outcome *out);
	void (*free)(struct scheduler *s);
	/* Planned runs known so far: the whole plan once it is built; 0 for
	 * an open-ended scheduler (the sequencer counts what it gave). */
	int planned;
};

static inline void sched_free(struct scheduler *s)
{
	if (s)
		s->free(s);
}

/* One run: the clean run, recording every site (mode "clean"). */
int sched_clean_new(struct scheduler **out);
/* One run injecting faults[0..n) (mode "pinned"). The faults are read when
 * the run is handed out, so the caller may still resolve them (site#K
 * after the clean run); they must live as long as the scheduler. */
int sched_pinned_new(const struct plan_fault *faults, int n, struct scheduler **out);
/* The systematic plan (inject_plan_explore), built at the first next()
 * from the sites inj holds then: after the clean run. One run per entry;
 * an entry for a thread other than the first (ordinal > 0) that injected
 * nothing gets one more run in any thread ("plan-any-thread"): which
 * worker of a prefork server meets a site changes from run to run. */
int sched_plan_new(struct inject *inj, char *const *exclude, struct scheduler **out);
/* Snapshot mode's start-up plan (inject_plan_startup): one exec run per
 * entry of *plan (mode "startup"), read at the first next(): the clean
 * run fills it. The pointers must outlive the scheduler. */
int sched_startup_new(struct plan_fault *const *plan, const int *n, struct scheduler **out);
/* How much of the plan the runs done covered (sched_plan_new's only):
 * planned and done runs per class, and the distinct sites (call paths)
 * it plans and those with at least one run done. -EINVAL for another
 * scheduler. */
struct plan_coverage {
	unsigned planned[INJECT_MAX_CLASSES], done[INJECT_MAX_CLASSES];
	unsigned paths, paths_done;
};
int sched_plan_coverage(const struct scheduler *s, struct plan_coverage *c);
/* The same over a plan built elsewhere (copied). */
int sched_plan_from(const struct plan_fault *plan, int n, struct scheduler **out);
/* Random runs: run i's seed is seed + i * 0x9e3779b97f4a7c15, so one run
 * can be redone alone. limit: how many (0 = until the sequencer's caps). */
int sched_random_new(uint64_t seed, double probability, int limit, struct scheduler **out);

/* The fuzz loop (sched_fuzz.c): every seed once as it is, then from each
 * queue entry in turn its deterministic mutations (inject/mutate.h; small
 * inputs only) and havoc runs (splicing with other entries among them);
 * an input whose run shows a shape cell in a count bucket no run showed
 * before joins the queue (not one that crashed or hung). Each seed and
 * each entry kept is calibrated first (inject/fuzz_calib.h): run again
 * as it ran (stage "calibration", its input, schedule and seed), the cells
 * that vary marked, never "new" again. Each run is a
 * random one at faults_p (0: no fault, but every call stopped and seen),
 * seed + i * golden as --random's. Open-ended: the sequencer's caps end
 * it. Seeds are copied (sched_fuzz_add, before the first next()). */
int sched_fuzz_new(uint64_t seed, double faults_p, struct scheduler **out);
int sched_fuzz_add(struct scheduler *s, const uint8_t *data, size_t len);
/* A dictionary token (--dict), for the deterministic "extras" stages
 * and havoc (inject/mutate.h); before the first next(). Duplicates are
 * dropped; -EINVAL for an empty one or one over MUTATE_TOKEN_MAX bytes. */
int sched_fuzz_token(struct scheduler *s, const uint8_t *data, size_t len);
int sched_fuzz_ntokens(const struct scheduler *s);
/* What the loop mutates (--fuzz-mutate): the input (the default), and/or
 * the fault schedule. With FUZZ_MUTATE_FAULTS a queue entry is an
 * (input, schedule) pair (inject/fuzz_faults.h): after the seeds, each
 * seed runs with each entry of the systematic plan of inj's sites (the
 * clean run's; exclude as the plan's), then every mutation of an entry
 * carries its schedule, and havoc changes it (add, drop or change one
 * fault; without FUZZ_MUTATE_INPUT, only that). The faults ride on the
 * run's random mode (inject_set_random at faults_p, 0 included: every
 * call seen), and an entry is kept when the run's shape is new. Before
 * the first next(). */
enum { FUZZ_MUTATE_INPUT = 1, FUZZ_MUTATE_FAULTS = 2 };
void sched_fuzz_faults(struct scheduler *s, unsigned mutate, struct inject *inj,
		       char *const *exclude);
/* With FUZZ_MUTATE_FAULTS the pool grows (inject/fuzz_pool.h): the
 * sites a run's error path reached (run_outcome.late) join it, each with
 * a pair to run once ("pair" stage) before havoc; with
 * FUZZ_MUTATE_INPUT too, each new input (a seed after the first, an
 * input unlike its source) has one run recording its sites from its
 * start first ("sites", run_request.sites). On by default; off only to
 * measure what it adds. */
void sched_fuzz_pairs(struct scheduler *s, bool on);
/* Snapshot mode: the start-up plan (inject_plan_startup, *plan and *n
 * read when due, filled by the clean run): each site once, in an exec
 * run of the first seed with that fault alone (mode and stage
 * "startup"), one run in 8 until all had theirs; no feedback from them.
 * No call: none. */
void sched_fuzz_startup(struct scheduler *s, struct plan_fault *const *plan, const int *n);
/* A custom mutator (--custom-mutator, AFL++'s ABI: cli/fuzz_custom.c
 * loads it); the hooks take AFL++'s arguments, ctx first. fuzz (may be
 * NULL): a run of the "custom" stage, between the deterministic stages
 * and havoc, fuzz_count(...) runs an entry (HAVOC's count without it);
 * its 0 skips the run. post (may be NULL): applied to every run's input,
 * the result being what the program reads and what is kept. only: no
 * deterministic stage, no havoc (AFL_CUSTOM_MUTATOR_ONLY). Before the
 * first next(). */
struct fuzz_custom {
	void *ctx;
	size_t (*fuzz)(void *ctx, uint8_t *buf, size_t len, uint8_t **out, uint8_t *add,
		       size_t add_len, size_t max);
	uint32_t (*fuzz_count)(void *ctx, const uint8_t *buf, size_t len);
	size_t (*post)(void *ctx, uint8_t *buf, size_t len, uint8_t **out);
	bool only;
};
void sched_fuzz_custom(struct scheduler *s, const struct fuzz_custom *cm);
/* The queue: seeds first, then the inputs kept; src: the entry it was
 * made from (-1: a seed); found_ms: mono_ms() when kept. -EINVAL past it. */
struct fuzz_entry_info {
	const uint8_t *data;
	size_t len;
	int src;
	const char *stage;
	long run;
	const struct plan_fault *faults;	/* its fault schedule */
	int nfaults;
};
int sched_fuzz_nqueue(const struct scheduler *s);
int sched_fuzz_entry(const struct scheduler *s, int i, struct fuzz_entry_info *info);
/* The entry being fuzzed, the queue cycles done, shape cells seen (of
 * cells_max), and AFL++'s edges seen (of edges_max; 0: runs bring no
 * such map); of the cells, the variable ones (inject/fuzz_calib.h), the
 * entries whose calibration found any, the entries not fuzzed yet. */
struct fuzz_stats {
	int cur;
	long cycles;
	int cells, cells_max;
	int edges, edges_max;
	int var_cells, variable, pending;
	/* The map stability is measured on: AFL++'s edge map when runs
	 * bring one, else the shape. var_cells are its variable cells,
	 * stab_cells the cells any run showed in it. */
	int stab_cells;
	bool stab_edges;
};
void sched_fuzz_stats(const struct scheduler *s, struct fuzz_stats *st);

/* --resume (cli/fuzz_resume.c): the queue put back, each entry with its
 * fault schedule (a seed, run as it is first, until sched_fuzz_load says
 * otherwise), before the first next(). The loop's state (its generator,
 * the entry and stage under way, each entry's progress, the cycles, the
 * cells seen) is an opaque blob: sched_fuzz_save writes it into *buf
 * (grown as needed, *cap its size; *len the blob's), sched_fuzz_load puts
 * it back into a scheduler holding the same queue, so the runs that
 * follow are those the saved one would have made next: -EINVAL when the
 * blob is of another queue (count, lengths) or layout. sched_fuzz_cycles
 * sets the cycle count alone (a queue put back without its state). */
int sched_fuzz_add_entry(struct scheduler *s, const uint8_t *data, size_t len,
			 const struct plan_fault *faults, int nfaults);
int sched_fuzz_save(const struct scheduler *s, void **buf, size_t *cap, size_t *len);
int sched_fuzz_load(struct scheduler *s, const void *blob, size_t len);
void sched_fuzz_cycles(struct scheduler *s, long cycles);

/* The sequencer: stages in order, each until it is done; it moves on only
 * when every run of the stage is done (the plan needs the clean run's
 * sites). Caps: max_runs runs handed out, or mono_ms() at deadline_ms (0:
 * none); a capped stage's next run is not handed out when a cap is
 * reached, and nothing after it is. */
struct sched_caps {
	long max_runs;
	long long deadline_ms;
};
int sched_seq_new(const struct sched_caps *caps, struct scheduler **out);
/* Append a stage (the sequencer owns it from here, also on error). An
 * uncapped stage runs whatever the caps say (the clean run: every other
 * run starts from it). */
int sched_seq_add(struct scheduler *seq, struct scheduler *stage, bool capped);
/* Did a cap stop the sequence while a stage still had planned runs to
 * give (report.json's plan_capped)? Cutting an open-ended stage is not. */
bool sched_seq_capped(const struct scheduler *seq);
/* The current stage's name (the one that failed, when next() fails). */
const char *sched_seq_stage(const struct scheduler *seq);

#endif
