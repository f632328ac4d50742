/* inject_int.h - engine state shared by inject/'s own files. */
#ifndef FZ_INJECT_INT_H
#define FZ_INJECT_INT_H

#include "inject/alloc_bp.h"
#include "inject/inject.h"
#include "reporters/unwind.h"

#define INJ_MAX_PLAN 16
#define INJ_MAX_LOG 64
#define INJ_UW_CACHE 32

/* Per address space. */
struct inj_mm {
	struct bp_mm *bp;
	uint64_t handled;	/* signals with a handler */
	uint64_t interrupting;	/* ... installed without SA_RESTART */
};

struct uw_slot {
	pid_t pid;
	struct unwinder *uw;
};

struct inject {
	struct inject_config cfg;
	struct tracer_hooks hooks;
	struct inject_site *sites;
	int nsites, cap;
	/* The current run. */
	bool record;
	struct plan_fault plan[INJ_MAX_PLAN];
	unsigned plan_seen[INJ_MAX_PLAN];
	bool plan_done[INJ_MAX_PLAN];
	int nplan;
	struct fault_rec log[INJ_MAX_LOG];
	int nlog;
	unsigned counts[INJECT_NCLASSES];
	char alloc_problem[256];
	struct uw_slot uw[INJ_UW_CACHE];
};

const char *errno_fault_name(int err);

/* engine.c */
struct unwinder *inj_unwinder(struct inject *inj, pid_t pid);
void inj_unwinder_drop(struct inject *inj, pid_t pid);
struct inject_site *inj_site_get(struct inject *inj, const char *call, const char *key,
				 const struct frame *caller);

#endif
