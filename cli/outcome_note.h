/* outcome_note.h - what each run did, kept for the outcome table
 * (reporters/outcomes.c): cli/ knows the run, reporters/ the table. */
#ifndef FZ_OUTCOME_NOTE_H
#define FZ_OUTCOME_NOTE_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/runner.h"
#include "reporters/report.h"

/* After run number run (clean: the run without faults) ended as res, with
 * finding id (0: none) and wall time wall_us: its outcome goes in the
 * report, for the site of its first fault (a faulted run), or as the
 * clean run's (whose stdout is kept to compare later runs' with). A run
 * without any fault injected, or one interrupted, is not noted. */
void outcome_note(struct report *rep, struct runner *rn, const struct run_result *res, bool clean,
		  int run, int finding, int64_t wall_us);

#endif
