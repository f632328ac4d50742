/* pool.h - what one run amounted to, as plain data, and -j N's worker
 * processes that make runs and send that back (cli/ only).
 *
 * A run is made by one process (runner_run, then what only that process
 * can see: its fault log, its output files, its work copy) and taken in
 * by the campaign (report, runs.jsonl, schedulers). With -j N the two are
 * different processes: each worker is forked from the campaign after the
 * clean run, so it starts with the clean run's sites and baselines, and
 * gets a jail, a work copy, a cgroup and a tracer session of its own
 * (runner_rehome). The campaign takes results in in the order it asked
 * for the runs, whatever order they end in: a report does not depend on
 * -j (docs/design.md, "Workers").
 */
#ifndef FZ_POOL_H
#define FZ_POOL_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "cli/runner.h"
#include "inject/sched.h"
#include "reporters/report.h"

struct run_exec {
	unsigned long id;	/* the request's */
	int r;			/* runner_run's: 1 finding, 0 none, < 0 not made */
	struct run_result res;
	/* r == 1: the finding (its output paths: the runner's files, or a
	 * worker's copies under spool, which its next run leaves alone). */
	struct run_finding *f;
	char spool[PATH_MAX];	/* "": none; else SPOOL/findings/0/{workdir,outputs} too */
	struct {
		int status;
		bool fatal;
		char msg[PATH_MAX + 256];
	} err;			/* r < 0: the runner's err */
	char problem[256];	/* inject_problem, "" none */
	int problem_cls;
	struct run_service svc;
	int64_t us;
	/* The target tree's CPU time in this run (us) and the largest peak
	 * RSS of this process's runs so far (KiB): runner_usage. */
	uint64_t cpu_us, maxrss_kb;
	bool has_outcome;
	struct outcome oc;
	unsigned counts[INJECT_MAX_CLASSES];
	int nlate;		/* inject_run_late's entries (fuzz_pool.h) */
	struct plan_fault late[INJECT_LATE_MAX];
	int nfired;		/* inject_run_fired's */
	struct plan_fault fired[INJECT_FIRED_MAX];
	bool has_shape;
	uint8_t shape[INJECT_SHAPE_SIZE];
	/* AFL++'s edge map (cli/aflmap.h; afl_size 0: none), sparse: afl_n
	 * cells, the runner's or received after the log. */
	uint32_t afl_size, afl_n;
	const uint32_t *afl;
	int nlog;
	const struct fault_rec *log;	/* nlog records: the engine's, or received */
};

/* One run of req by this process's runner: the run, then everything of it
 * the campaign takes in, into *x; a finding into *f (x->log and f's paths
 * point into the runner until its next run). */
void run_exec(struct runner *rn, const struct run_request *req, struct run_exec *x,
	      struct run_finding *f);

struct pool;
/* Fork n workers from this process (after the clean run: they inherit its
 * sites and baselines); each makes its runs under RUN_DIR/wK. Dies on a
 * failure (nothing ran in parallel yet). */
struct pool *pool_start(struct runner *rn, int n, const char *run_dir);
/* A worker without a run (-1: none, or too many results wait their turn
 * behind a slow run). */
int pool_idle(const struct pool *p);
/* Hand req to idle worker w. 0, or -errno and *why: the worker is gone. */
int pool_send(struct pool *p, int w, const struct run_request *req, char *why, int whylen);
/* Runs handed out whose result is not taken in yet. */
int pool_busy(const struct pool *p);
/* The result of the oldest run handed out (results that come first wait
 * their turn; their workers go on with other runs meanwhile). 0 and *x,
 * valid until pool_release; or -errno with *why: a worker died without
 * a result (or the pipes failed). */
int pool_next_result(struct pool *p, struct run_exec **x, char *why, int whylen);
/* After the campaign took x in: its spool removed, x freed. */
void pool_release(struct pool *p, struct run_exec *x);
/* --workdir, a finding: the run's work copy and outputs into
 * OUT/findings/ID (from the spool, or the runner's own). */
void pool_keep_workdir(struct runner *rn, const struct run_exec *x, const char *out_dir, int id);
/* End every worker (interrupted: at once) and reap them. A pool not
 * stopped is stopped at exit(), interrupted (a die() in the campaign). */
void pool_stop(struct pool *p, bool interrupted);

#endif
