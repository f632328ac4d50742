/* runner.h - one run of the target and what it amounted to (cli/ only). */
#ifndef FZ_RUNNER_H
#define FZ_RUNNER_H

#include <limits.h>
#include <stdbool.h>

#include "cli/options.h"
#include "cli/refusals.h"
#include "cli/slowdown.h"
#include "harnesses/service.h"
#include "inject/inject.h"
#include "reporters/report.h"
#include "sandbox/sandbox.h"
#include "tracer/tracer.h"

struct runner {
	const struct options *o;
	char **argv, **env;
	char cwd[PATH_MAX];
	const char *stdin_path;
	struct inject *inj;
	struct sandbox *sb;	/* --sandbox, else NULL */
	/* The jail's seccomp deny policy (sandbox/policy.h), with sb. */
	struct sandbox_policy *policy;
	/* The run's first policy violation, unwound while it was stopped. */
	struct run_violation viol;
	/* No run directory: the target uses fzsandbox's stdin/stdout/stderr
	 * (--inject=none, cli/standalone.c). */
	bool passthrough;
	/* The tracer's session (one per runner; each run is an episode) and
	 * what it knows of the sandbox: a launcher and, with the jail, the
	 * deny policy as its gate. */
	struct tracer_session *ts;
	struct sandbox_launch launch;
	struct tracer_launcher launcher;
	struct tracer_gate gate;
	/* Each run writes its output in a run directory of its own under
	 * RUN_DIR, recycled for the next run (runner.c); at runner_fini the
	 * last run's files become RUN_DIR/stdout and RUN_DIR/stderr. */
	char run_dir[PATH_MAX];
	char episode_dir[PATH_MAX];	/* "" until the first run */
	/* Why the last runner_run returned < 0: the message die() would
	 * print, and the status to exit with (0: die's own). fatal: no later
	 * run can be trusted either (the jail found the program file
	 * replaced): the invocation must end, whichever run it was. */
	struct {
		int status;
		bool fatal;
		char msg[PATH_MAX + 256];
	} err;
	struct workdir *wd;	/* --workdir, else NULL */
	/* The directory each run gets a copy of: --workdir's, or with --check
	 * and no --workdir an empty one made here (wd_auto, removed at
	 * runner_fini); NULL: none. */
	const char *wd_dir;
	char wd_auto[PATH_MAX];
	struct checker *chk;	/* --check (cli/checker.h), else NULL */
	struct outcheck *oc;	/* --check=output (cli/outcheck.h), else NULL */
	/* --crash-at (cli/crash.h; made at the first run), else NULL; the
	 * durability point the next run is killed at, 0: none. */
	struct crash *crash;
	int crash_point;
	volatile int *interrupted;	/* &runner_interrupted, for crash.c */
	char wd_hash[17];	/* the hash of --workdir's contents */
	bool wd_used;		/* the copy has seen a run: reset it first */
	/* --memory-limit / --pids-limit (NULL: none, or no cgroup usable) and
	 * the rlimits every run's target gets. */
	struct sandbox_cgroup *cg;
	struct sandbox_rlimits rl;
	uint8_t trace_set[SYSCALL_MAX / 8];
	uint8_t run_set[SYSCALL_MAX / 8];	/* this run's subset (planned runs) */
	char out_stdout[PATH_MAX], out_stderr[PATH_MAX];
	/* The clean run's stdout, kept to compare others' with ("": none). */
	char clean_stdout[PATH_MAX + 16];
	/* The last run's CPU time: user + system of the traced tree (its
	 * reaped processes; cli/outcome_note.h); -1: not measured. */
	int64_t cpu_us;
	int64_t wall_us;	/* the last episode's, start to end */
	/* --slowdown: the runs without faults measured (cli/slowdown.h). */
	struct slowdown slow;
	/* The stack of each of a run's first faults, taken when it was
	 * injected (--check, --slowdown: the run's end says nothing of
	 * where it went wrong). */
	struct thread_stack fault_stacks[FINDING_MAX_THREADS];
	/* Take them in this run: always with --check; for a slowdown, only in
	 * the run made again to confirm it (a stack costs milliseconds). */
	bool stacks_now;
	/* --slowdown's confirming run samples where its threads spin
	 * (cli/hotstack.h); hot is NULL without --slowdown. */
	struct hotstack *hot;
	bool hot_on;
	bool hot_stops;		/* a slowdown by calls: sample at the stops */
	/* The run's capture files, open from one run to the next (-1: none
	 * yet), and the relay of the target's stdout/stderr pipes into them
	 * (cli/relay.h; NULL: none). */
	int cap[2];
	struct relay *relay;
	char exec_path[PATH_MAX];	/* absolute argv[0] when given relative, else "" */
	struct run_finding cur;	/* filled by the stack callback */
	/* Where the run dies, taken while stopped there: is the out-of-memory
	 * fault's caller still running (a deliberate death)? And the first
	 * fatal signal the program's handler caught, its stack and the same
	 * answer there. */
	bool deliberate;
	struct thread_stack first;
	bool first_deliberate;
	int baseline_exit;
	bool have_baseline;
	/* Service mode: what the driver saw in the last run (zero else). */
	struct service_result svc;
	/* What the jail refused in the last run without faults that the
	 * host would have allowed (cli/refusals.h). */
	struct refusals refusals;
	/* --snapshot (cli/runner_snap.c): the point and the fd state, the
	 * template's stdout/stderr pipes (our read ends), drained into each
	 * run's capture files; gave_up: exec mode after all (--snapshot=auto). */
	struct snapshot *snap;
	char snap_at[PATH_MAX + 8];	/* a worker's own file:INPUT; "": o's */
	int snap_out[2];
	bool snap_gave_up;
	/* The next run execs the program, the template left parked (the
	 * start-up's faults); and the start-up's plan, from the template's
	 * set-up when the clean run made it (malloc'd; inject_plan_startup). */
	bool exec_run;
	struct plan_fault *startup;
	int nstartup;
	/* --fuzz: the file this runner's program reads its input from (the
	 * '@@' argument or stdin), kept with a finding; NULL: none. */
	const char *fuzz_input;
	/* ... as a glob, the engine's cfg.skip_path (runner_set_input). */
	char input_glob[2 * PATH_MAX];
	char *skip_path[2];
	/* --fuzz of an afl-cc build: AFL++'s edge map (cli/aflmap.h), else
	 * NULL. */
	struct aflmap *afl;
	/* The next run is a random one (inject_set_random). */
	bool random;
	uint64_t random_seed;
	bool sites;	/* ... recording new sites from its start (inject_set_sites) */
};

/* Prepare run files under dir and the engine. die()s on bad environment.
 * run_dir NULL: passthrough (the target's output is not captured).
 * r must be zeroed by the caller: a runner is ~350 KiB, mostly finding
 * stacks a run may never touch, and zeroing it here would fault in every
 * page (static or calloc'd storage costs nothing until used). */
void runner_init(struct runner *r, const struct options *o, char **argv, char **env,
		 const char *run_dir);
void runner_fini(struct runner *r);
/* crash.c, --crash-at (cli/crash.h): before an episode, the observer
 * that counts the durability points (the clean run) or kills at
 * r->crash_point (a crash run), wrapping inner (NULL: none); inner itself
 * without --crash-at. Adds the durability calls to r->run_set; makes
 * r->crash at its first call (die()s on a setup that cannot work).
 * crash_judge, after the episode: 0 when it was no crash run or never
 * reached its point (the usual verdicts judge it); 2 when the recovery
 * and checkers passed; 1 and *f a crash-recovery finding; < 0 when one
 * could not run (r->err, fatal). */
const struct tracer_observer *crash_observe(struct runner *r, bool record,
					    const struct tracer_observer *inner);
int crash_judge(struct runner *r, bool record, struct run_finding *f);
void crash_free(struct crash **c);
/* runner_snap.c: snapshot mode's part of a runner. init fills to's
 * snapshot; ensure parks the template before the first run (die()-free:
 * -errno with r->err); parked: runs fork it; drain: its output of the run
 * into the capture files; fini: after the session is freed. */
void runner_snap_init(struct runner *r, struct tracer_opts *to);
/* A -j worker (runner_rehome): the campaign's template and its pipes are
 * left to the campaign; the worker parks a template of its own. Its
 * --fuzz input moves from input to its own copy: a point at that file
 * (file:INPUT, '@@') follows it. */
void runner_snap_forget(struct runner *r, const char *input, const char *copy);
/* record: the clean run's; the set-up's sites become r->startup. */
int runner_snap_ensure(struct runner *r, bool record);
bool runner_snap_parked(const struct runner *r);
/* Snapshot mode's in-place restores so far (tracer.h). */
void runner_restores(const struct runner *r, struct tracer_restores *out);
/* This run is a child of the template (parked, and no exec_run). */
bool runner_snap_forks(const struct runner *r);
/* The parked template's pid when this run is its child, else 0. */
pid_t runner_snap_template(const struct runner *r);
/* What a forked run wrote: drained into the capture files after it, and
 * at each tick of it (runner_snap_tick, tracer_episode.on_tick). */
void runner_snap_drain(struct runner *r);
void runner_snap_tick(void *arg);
/* After a forked run: put back what it changed in descriptions shared
 * with the template (snapshot_restore); what cannot be is fatal, exit 2. */
int runner_snap_restore(struct runner *r);
/* A service's template listened already: tell the run's driver. */
struct service_driver;
int runner_snap_service(struct runner *r, struct service_driver *drv);
void runner_snap_fini(struct runner *r);
/* One run. Returns 1 and fills *f when it is a finding, 0 when not; *res
 * gets the tracer's view. Returns < 0 (-errno) when the run could not be
 * made or must not count (the tracer failed, the program could not start,
 * a --timeout too short, a service that never listened): r->err says why;
 * the caller decides whether the invocation goes on (runner_die else).
 * *f's output paths stay valid until the next runner_run. */
int runner_run(struct runner *r, bool record, const struct plan_fault *plan, int nplan,
	       struct run_result *res, struct run_finding *f);
/* --slowdown: after the recording run, SLOWDOWN_REPEATS more runs
 * without faults for the spread of its CPU time (none when it is off),
 * none started past deadline_ms (mono_ms; 0: none). */
void runner_slowdown_baseline(struct runner *r, long long deadline_ms);
/* runner_output.c, --check=output: the recording run's output becomes
 * the baseline; a faulted run that exited 0 and is no other finding is
 * judged against it: 1 and *f a silent-corruption finding (with the
 * stacks taken at injection in this run, if any), 0 not, < 0 when its
 * output cannot be read (r->err). runner_output_same: the last run,
 * without faults, left what the recording run left; exit 2 naming the
 * first line that differs else. */
int runner_output_judge(struct runner *r, bool record, const struct run_result *res,
			struct run_finding *f);
void runner_output_same(struct runner *r);
/* --check=output: after the recording run, one more run without faults,
 * whose output must be the recording run's (exit 2 naming the first line
 * that differs else). Nothing when it is off. */
void runner_output_baseline(struct runner *r);
/* runner_episode.c: a run that cannot be made: r->err gets die()'s line
 * (with ": strerror" when err is nonzero, > 0 or -errno) and its exit
 * status (0: die's own); returns -errno (-EIO without one). Before an
 * episode, its capture files and stdout/stderr pipes (0 or runner_fail's);
 * after it, everything relayed and closed. */
__attribute__((format(printf, 4, 5)))
int runner_fail(struct runner *r, int status, int err, const char *fmt, ...);
int runner_episode_open(struct runner *r, struct tracer_episode *ep);
void runner_episode_close(struct runner *r, struct tracer_episode *ep);
/* The capture files, kept open from run to run, closed (runner_fini, a
 * new run directory). */
void runner_episode_done(struct runner *r);
/* Exit with r->err's message and status, as die() would have. */
__attribute__((noreturn)) void runner_die(const struct runner *r);

/* --workdir: copy the run's work directory, as the run left it, to
 * OUT/findings/ID/workdir; with the jail, move what it wrote in the named
 * outputs' directories to OUT/findings/ID/outputs/HOSTDIR (a warning if
 * either fails). */
void runner_keep_workdir(struct runner *r, const char *out_dir, int id);

/* Set by the SIGINT/SIGTERM handler. */
extern volatile int runner_interrupted;
/* Before anything runs: make --out and check it is writable (one line
 * and exit else); fresh: remove what an earlier campaign left there. */
void runner_prepare_out(const char *out_dir, bool fresh);
void runner_install_signals(void);

/* runner_setup.c: from runner_init, the --workdir copy, the jail, its
 * seccomp policy and the limits; dies on an option that cannot work.
 * again: a -j worker's own (warnings were said once already). */
void runner_setup_jail(struct runner *r, const struct options *o, char **argv, bool again);
/* In a -j worker just forked from the campaign (cli/pool.c): the runner
 * keeps what the clean run taught it (sites, baselines) and gets its own
 * run directory, work copy, jail, cgroup, checker and tracer session.
 * The parent's are left alone, not freed: freeing would remove the
 * parent's files. Dies on a failure, as runner_init. */
/* input (--fuzz; NULL: none): the program's input file from now on, in
 * argv and stdin where it read r->fuzz_input; it must exist (the jail
 * binds it). */
void runner_rehome(struct runner *r, const char *run_dir, const char *input);
/* input (--fuzz; NULL: none) becomes r->fuzz_input, and the engine never
 * fails a call that names it (cli/runner_input.c). */
void runner_set_input(struct runner *r, const char *input);
/* The target tree's CPU time (user + system, us) and largest peak RSS
 * (KiB) over every run this process made so far (cli/runner_usage.c):
 * the jail's init's count, or without a jail this process's children's. */
void runner_usage(const struct runner *rn, uint64_t *cpu_us, uint64_t *maxrss_kb);

#endif
