/* checker.h - --check=CMD: state oracles (cli/ only). After a run, each
 * checker runs on what the run left in its work directory, in a jail of
 * its own; one that fails after a faulted run makes the run a
 * state-corruption finding (reporters/classify.c does not see it: the
 * runner asks here once the run is no other finding). */
#ifndef FZ_CHECKER_H
#define FZ_CHECKER_H

#include <stddef.h>
#include <sys/types.h>

#include "reporters/report.h"

struct runner;
struct checker;

/* From runner_init, once the work directory and the jail's policy are
 * ready: a tracer session and, with --sandbox, a jail per checker. Dies on
 * a setup that cannot work (exit 2). Nothing when no --check is given. */
void checker_init(struct runner *r);
void checker_fini(struct runner *r);

/* The engine's on_fault callback (inject_config): the stack of the fault
 * just logged, taken while its task is stopped there (the first
 * FINDING_MAX_THREADS faults of a run). arg is the runner. */
void checker_on_fault(void *arg, pid_t pid, pid_t tid, int index);

/* Run every checker, in order, on the work directory as the run left it.
 * 0: all passed. 1: one failed; *f becomes the state-corruption finding
 * (kind, detail, the stacks at the run's faults, the checker's output),
 * its faults left to the caller. < 0: a checker could not run, or (clean
 * run) failed: why[] says so in one line. */
int checker_run(struct runner *r, bool clean, struct run_finding *f, char *why, size_t len);

#endif
