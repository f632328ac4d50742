/* crash.h - --crash-at=durability and --recover=CMD (cli/ only): the
 * clean run's durability points (a write, rename, fsync or truncate on a
 * file in the work directory), then a run per point killed right after
 * it, then the recovery and the checkers on what it left
 * (docs/oracles.md#crash-and-recover). */
#ifndef FZ_CRASH_H
#define FZ_CRASH_H

#include <stdbool.h>

#include "inject/sched.h"
#include "reporters/report.h"
#include "tracer/tracer.h"

struct crash;
struct runner;

/* Before an episode: the observer that counts (the clean run) or kills
 * at r->crash_point (a crash run), wrapping inner (NULL: none); inner
 * itself without --crash-at. Adds the durability calls to r->run_set.
 * Makes r->crash at its first call (die()s on a setup that cannot work). */
const struct tracer_observer *crash_observe(struct runner *r, bool record,
					    const struct tracer_observer *inner);
/* After an episode: 0 when it was no crash run or never reached its
 * point (the usual verdicts judge it); 2 when the recovery and checkers
 * passed; 1 and *f a crash-recovery finding; < 0 when a checker or the
 * recovery could not run (r->err, fatal). */
int crash_judge(struct runner *r, bool record, struct run_finding *f);
void crash_free(struct crash **c);
/* The crash runs, one per point the clean run counted (mode "crash",
 * tag the point): after the clean run, before the plan. */
int crash_sched_new(struct runner *r, struct scheduler **out);
/* The point a run request asks to kill at, 0: none. */
int crash_request_point(const struct run_request *req);

#endif
