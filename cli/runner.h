/* runner.h - one run of the target and what it amounted to (cli/ only). */
#ifndef FZ_RUNNER_H
#define FZ_RUNNER_H

#include <limits.h>
#include <stdbool.h>

#include "cli/options.h"
#include "inject/inject.h"
#include "reporters/report.h"
#include "sandbox/sandbox.h"

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
	struct workdir *wd;	/* --workdir, else NULL */
	char wd_hash[17];	/* the hash of --workdir's contents */
	bool wd_used;		/* the copy has seen a run: reset it first */
	/* --memory-limit / --pids-limit (NULL: none, or no cgroup usable) and
	 * the rlimits every run's target gets. */
	struct sandbox_cgroup *cg;
	struct sandbox_rlimits rl;
	uint8_t trace_set[SYSCALL_MAX / 8];
	char out_stdout[PATH_MAX], out_stderr[PATH_MAX];
	char exec_path[PATH_MAX];	/* absolute argv[0] when given relative, else "" */
	struct run_finding cur;	/* filled by the stack callback */
	int baseline_exit;
	bool have_baseline;
	/* The next run is a random one (inject_set_random). */
	bool random;
	uint64_t random_seed;
};

/* Prepare run files under dir and the engine. die()s on bad environment.
 * run_dir NULL: passthrough (the target's output is not captured). */
void runner_init(struct runner *r, const struct options *o, char **argv, char **env,
		 const char *run_dir);
void runner_fini(struct runner *r);
/* One run. Returns 1 and fills *f when it is a finding, 0 when not; *res
 * gets the tracer's view. die()s when the tracer itself cannot work. */
int runner_run(struct runner *r, bool record, const struct plan_fault *plan, int nplan,
	       struct run_result *res, struct run_finding *f);

/* --workdir: copy the run's work directory, as the run left it, to
 * OUT/findings/ID/workdir (a warning if that fails). */
void runner_keep_workdir(struct runner *r, const char *out_dir, int id);

/* Set by the SIGINT/SIGTERM handler. */
extern volatile int runner_interrupted;
/* Before anything runs: make --out and check it is writable (one line
 * and exit else); fresh: remove what an earlier campaign left there. */
void runner_prepare_out(const char *out_dir, bool fresh);
void runner_install_signals(void);

#endif
