/* replay.h - a stored finding run again: what --replay (cli/replay.c) and
 * fzsandbox minimize (cli/minimize.c) share. */
#ifndef FZ_REPLAY_H
#define FZ_REPLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/options.h"
#include "cli/runner.h"
#include "reporters/report.h"

/* Load o->replay (FILE#ID), apply its stored classes, options, input and
 * program on top of o, and make the runner for runs in OUT/sub (run_dir);
 * *replayed: the report's absolute path (malloc'd, may be NULL). what
 * names the mode in error lines. Dies on bad input. Runs are exec mode:
 * true when the finding was found in snapshot mode. input_copy (PATH_MAX,
 * or NULL): a fuzz finding's input is copied to OUT/sub.input, which the
 * program reads and the caller may rewrite ("" when there is none). */
bool replay_setup(struct options *o, const char *what, const char *sub, struct replay_spec *spec,
		  struct runner *rn, char *run_dir, size_t len, char **replayed, char *input_copy);
/* The stored faults as the engine's plan (spec->nfaults entries). */
void replay_plan(const struct replay_spec *spec, struct plan_fault *plan);
/* A report for runs in dir, with the stored program and options. */
struct report *replay_report(const struct replay_spec *spec, const char *dir);
/* Does a run's finding match the stored one (kind, top non-system frame)? */
bool replay_reproduces(const struct replay_spec *spec, const struct run_finding *f);

#endif
