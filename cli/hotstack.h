/* hotstack.h - --slowdown's hottest stack: in the run that confirms a
 * slowdown, the stacks of the program's running threads are sampled
 * (tracer_episode.sample_ms) and grouped by their top frame in the
 * program's own code (the first frame not in a system module); the group
 * sampled most often gives the finding its stack. */
#ifndef FZ_CLI_HOTSTACK_H
#define FZ_CLI_HOTSTACK_H

#include <sys/types.h>

#include "inject/inject.h"
#include "reporters/report.h"

/* Every tick of the tracer's loop (10 ms): a 150 ms spin gives ~15
 * samples; a sample is one unwind of a stopped thread. */
#define HOT_SAMPLE_MS 10
/* Distinct top frames kept; a sample of an 9th is counted, not kept. */
#define HOT_KEYS 8

struct hotstack;

/* NULL on ENOMEM (then no run is sampled). */
struct hotstack *hotstack_new(struct inject *inj);
void hotstack_free(struct hotstack *h);
/* Before a sampled run. */
void hotstack_reset(struct hotstack *h);
/* tracer_sample_cb: unwind tid (stopped) and count it; arg is the hotstack. */
void hotstack_on_sample(void *arg, pid_t pid, pid_t tid, int ordinal);
/* After the run: the most sampled stack into f (after its fault stacks,
 * or over the last when they fill it) and f->slow.hot_*; nothing when
 * no sample was taken. */
void hotstack_put(const struct hotstack *h, struct run_finding *f);

#endif
