/* inject_int.h - engine state shared by inject/'s own files. */
#ifndef FZ_INJECT_INT_H
#define FZ_INJECT_INT_H

#include "inject/alloc_call.h"
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
	uint64_t siginfo;	/* ... with SA_SIGINFO: we cannot fake its data */
	/* The process whose handlers these are: a vfork child shares the
	 * address space but not the handlers (0 until first seen). */
	pid_t sig_owner;
	uint64_t brk_cur;	/* the break, from the last brk's result */
	bool brk_known;
};

struct occ_count {
	char call[24];
	char key[64];
	int thread;
	unsigned n;
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
	bool sanitized;		/* a process of this run carried a sanitizer */
	bool mem_exhausted;	/* an exhaust fault fired: kernel memory is gone */
	/* Random runs. */
	bool random;
	double probability;
	uint64_t rng;
	char *const *exclude;
	struct occ_count *occ;	/* per run: occurrences per site and thread */
	int nocc, occ_cap;
	struct uw_slot uw[INJ_UW_CACHE];
};

const char *errno_fault_name(int err);

/* random.c */
unsigned inj_occurrence(struct inject *inj, const char *call, const char *key, int thread);
bool inj_excluded(char *const *exclude, const char *key, const char *function);
/* Decide a random fault among opts; 1 and *out if this call fails. */
int inj_random_pick(struct inject *inj, const struct fault *opts, int nopts, struct fault *out);

/* alloc_kernel.c: anonymous mmap, growing mremap and brk, writable
 * mprotect fail as the kernel fails them (class alloc). */
int alloc_kernel_on_syscall(struct inject *inj, struct tracer_task *t, const struct syscall_stop *s);
int alloc_kernel_on_exit(void *ctx, struct tracer_task *t, const struct syscall_stop *s, int64_t ret);

/* decide.c: the site/plan/record decision for deciders in other files.
 * opts are the faults faithful at this call; if one must be injected now,
 * fail(arg, t, fault) injects it (0 or -errno) and the fault is logged.
 * Returns 1 if injected, else 0. */
typedef int (*inj_fail_fn)(void *arg, struct tracer_task *t, const struct fault *f);
int inj_decide(struct inject *inj, struct tracer_task *t, int cls, const struct syscall_stop *s,
	       const struct fault *opts, int nopts, inj_fail_fn fail, void *arg);

/* sanitized.c: at the entry point, does the image carry a sanitizer? */
bool inj_has_sanitizer(pid_t pid);

/* decide.c */
char *inj_site_key(const struct frame *f, char *buf, int len);

/* engine.c */
struct unwinder *inj_unwinder(struct inject *inj, pid_t pid);
void inj_unwinder_drop(struct inject *inj, pid_t pid);
struct inject_site *inj_site_get(struct inject *inj, const char *call, const char *key,
				 const struct frame *caller);
/* The recording run reached site s in thread with these faithful faults:
 * count the occurrence and remember which faults the plan may try at it. */
int inj_site_record(struct inject *inj, struct inject_site *s, int thread,
		    const struct fault *opts, int nopts);

#endif
