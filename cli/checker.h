/* checker.h - --check=CMD: state oracles (cli/ only). After a run, each
 * checker runs on what the run left in its work directory, in a jail of
 * its own; one that fails after a faulted run makes the run a
 * state-corruption finding (reporters/classify.c does not see it: the
 * runner asks here once the run is no other finding). */
#ifndef FZ_CHECKER_H
#define FZ_CHECKER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "reporters/report.h"

struct checker;
struct options;
struct sandbox_policy;
struct sandbox_rlimits;
struct workdir;
struct inject;

/* What a checker is made with: the runner's, once its work directory
 * and the jail's policy are ready. */
struct check_setup {
	const struct options *o;	/* checks, check_timeout_ms, uid... */
	char *const *env;		/* the program's environment */
	bool jail;			/* the program runs jailed: so does CMD */
	/* CMD is the program itself (--recover): its death by a signal is
	 * a failure (128+N), not a checker that could not run. */
	bool signal_fails;
	const struct workdir *wd;	/* the runs' work copy (required) */
	const char *wd_dir;		/* the directory it is a copy of */
	const char *run_dir;		/* where the checker's output goes */
	const struct sandbox_policy *policy;	/* with jail */
	const struct sandbox_rlimits *rl;	/* NULL: none */
	volatile int *interrupted;	/* the runner's SIGINT/SIGTERM flag */
	/* The stack of each of a run's first faults, taken when it was
	 * injected (the runner's, filled by the engine's on_fault). */
	const struct thread_stack *fault_stacks;
};

/* An untraced command and, in the jail, a jail per checker. Dies on a
 * setup that cannot work (exit 2). */
struct checker *checker_new(const struct check_setup *s);
void checker_free(struct checker *k);
/* The engine whose run log names the faults (made after the checker:
 * the runner's on_fault callback is part of the engine's config). */
void checker_set_inject(struct checker *k, struct inject *inj);

/* Run every checker, in order, on the work directory as the run left it.
 * 0: all passed (or interrupted). 1: one failed; *f becomes the
 * state-corruption finding (kind, detail, the stacks at the run's faults,
 * the checker's output), its faults and the program's output left to the
 * caller. < 0: a checker could not run, or (clean run) failed: why[]
 * says so in one line. */
int checker_run(struct checker *k, bool clean, struct run_finding *f, char *why, size_t len);

#endif
