/* outcome_note.h - what each run did, kept for the outcome table
 * (reporters/outcomes.c): cli/ knows the run, reporters/ the table. */
#ifndef FZ_OUTCOME_NOTE_H
#define FZ_OUTCOME_NOTE_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/runner.h"
#include "reporters/report.h"

/* After a run (clean: the run without faults) ended as res, with wall
 * time wall_us, by the process that made it (a -j worker's files are its
 * own): its outcome, for the site of its first fault (a faulted run), or
 * the clean run's (whose stdout is kept to compare later runs' with).
 * false: not noted (a run without any fault injected, or interrupted). */
bool outcome_make(struct runner *rn, const struct run_result *res, bool clean, int64_t wall_us,
		  struct outcome *o);
/* ... then into the report as run number run with finding id (0: none). */
void outcome_put(struct report *rep, struct outcome *o, bool clean, int run, int finding);

#endif
