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

/* The runner's side (crash_observe, crash_judge, crash_free) is declared
 * in cli/runner.h, which runner.c includes. */
/* The crash runs, one per point the clean run counted (mode "crash",
 * tag the point): after the clean run, before the plan. */
int crash_sched_new(struct runner *r, struct scheduler **out);
/* The point a run request asks to kill at, 0: none. */
int crash_request_point(const struct run_request *req);

#endif
