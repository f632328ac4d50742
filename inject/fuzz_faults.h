/* fuzz_faults.h - the fault schedule as a mutated dimension of the fuzz
 * loop (sched_fuzz.c): a queue entry is an (input, schedule) pair, the
 * schedule a few planned faults taken from the systematic plan of the
 * clean run's sites (inject_plan_explore). Pure functions of their
 * arguments and the generator. */
#ifndef FZ_FUZZ_FAULTS_H
#define FZ_FUZZ_FAULTS_H

#include <stdbool.h>
#include <stdint.h>

#include "inject/inject.h"

/* The most faults one schedule holds (a pair, and room for a chain). */
#define FUZZ_SCHED_MAX 4

/* One change to the schedule s[0..*n): add a fault of pool[0..npool) (one
 * not there yet: a pair, or more), drop one, or change one for another
 * of the pool. An empty schedule gets one. Returns 1 when it changed. */
int fuzz_faults_havoc(struct plan_fault *s, int *n, const struct plan_fault *pool, int npool,
		      uint64_t *rng);
/* The same planned fault: call, site, thread, occurrence and fault,
 * compared by value (the plan's entries carry no caller or predicate; a
 * schedule read back from schedules/ has other bytes past its strings). */
bool fuzz_fault_same(const struct plan_fault *a, const struct plan_fault *b);

#endif
