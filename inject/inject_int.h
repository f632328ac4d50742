/* inject_int.h - engine state shared by inject/'s own files. */
#ifndef FZ_INJECT_INT_H
#define FZ_INJECT_INT_H

#include "inject/inject.h"
#include "symbols/symbols.h"

/* One constant with the report's (reporters/report.h): every logged fault
 * reaches the finding, and a replay can plan all of them. */
#define INJ_MAX_PLAN FINDING_MAX_FAULTS
#define INJ_MAX_LOG FINDING_MAX_FAULTS
/* Frames named per out-of-memory fault: its site's caller and two out. */
#define INJ_OOM_FRAMES 3
#define INJ_UW_CACHE 32

/* Per address space: each enabled class's own state (classes.h, mm_*). */
struct inj_mm {
	void *state[INJECT_MAX_CLASSES];
	char *exe;		/* /proc/PID/exe, read when first needed (pred.c) */
	struct pred_fdcache *fds;	/* paths behind fds (pred.c) */
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
	bool taking;	/* a snapshot's template (inject_begin_template) */
	struct plan_fault plan[INJ_MAX_PLAN];
	unsigned plan_seen[INJ_MAX_PLAN];
	bool plan_done[INJ_MAX_PLAN];
	int8_t plan_cls[INJ_MAX_PLAN];	/* the class that gives each entry's
					 * fault (class_of_fault), -1 none */
	int nplan;
	/* Stops, numbered (engine.c): a call several classes fail is decided
	 * by each, but its occurrence counted once (counted_seq, counted_occ)
	 * and it is failed at most once (failed_seq). */
	unsigned long stop_seq, counted_seq, failed_seq;
	unsigned counted_occ;
	struct fault_rec log[INJ_MAX_LOG];
	int nlog;
	unsigned counts[INJECT_MAX_CLASSES];	/* faults injected, per class */
	/* Per class: why it could not arm in this run ("" if it did), and
	 * its per-run state (class_hooks.run_size, zeroed at each start). */
	char problem[INJECT_MAX_CLASSES][256];
	/* What the snapshot's template could not arm (its set-up is the only
	 * run that reaches the entry point): every child says it again. */
	char tmpl_problem[INJECT_MAX_CLASSES][256];
	void *run_state[INJECT_MAX_CLASSES];
	bool sanitized;		/* a process of this run carried a sanitizer */
	bool tmpl_sanitized;	/* the snapshot's template did: its children never
				 * pass the entry point where that is seen */
	/* The run's syscall shape (shape.c): edge counts between the
	 * syscalls of consecutive traced stops, the fuzz loop's feedback. */
	uint8_t shape[INJECT_SHAPE_SIZE];
	uint16_t shape_prev;
	/* Random runs. */
	bool random;
	double probability;
	uint64_t rng;
	char *const *exclude;
	/* --shard=K/N (shard.c): only sites hashing to K fail; n 0 or 1: all. */
	unsigned shard_k, shard_n;
	struct occ_count *occ;	/* per run: occurrences per site and thread */
	int nocc, occ_cap;
	struct uw_slot uw[INJ_UW_CACHE];
	/* The site table's hash index: slot holds site index + 1, 0 empty. */
	int *site_slot;
	int nslot;
	int npath_sites;	/* sites under a group head, for the bound */
	unsigned long paths_dropped;	/* heads' dropped, once finished */
	/* Built once from the table (engine.c): per syscall number, the
	 * enabled classes (masks) that fail it and that watch it. */
	uint8_t site_classes[SYSCALL_MAX];
	uint8_t watch_classes[SYSCALL_MAX];
	/* ... and that watch it in runs that may inject a lasting fault
	 * (fault_class.watch_lasting). */
	uint8_t lasting_classes[SYSCALL_MAX];
	unsigned oom_classes;	/* mask of the classes whose faults are OOM */
	/* This run, for telling a deliberate death (deliberate.c): the
	 * caller frame of each logged out-of-memory fault, whether any
	 * other fault was injected, and a nonzero exit_group made while
	 * such a frame was live (its status + 1; 0: none). */
	struct inj_oom_frame {
		pid_t pid, tid;
		struct frame_id id[INJ_OOM_FRAMES];
		int nid;
	} oom[INJ_MAX_LOG];
	int noom;
	bool other_fault;
	int exit_deliberate;
	/* The recording run's executables (pred.c), and whether a path or fd
	 * predicate is in use (then close, dup2, dup3 and close_range stop,
	 * to forget the paths cached for the fds they close). */
	struct exe_count exes[INJECT_MAX_EXES];
	int nexes;
	unsigned long exe_seq;	/* the stop last counted under its exe */
	bool fd_preds;
	/* A fuzz run's error path (late.c): the plan entries of the sites it
	 * reached after its first fault that the site table does not hold. */
	struct plan_fault late[INJECT_LATE_MAX];
	int nlate;
	bool late_all;		/* from the run's start (inject_set_sites) */
	/* The random faults it injected, as plan entries (late.c). */
	struct plan_fault fired[INJECT_FIRED_MAX];
	int nfired;
};

/* state.c: a class's state in t's address space, and in this run. */
void *inj_mm_state(struct tracer_task *t, int cls);
void *inj_run_state(struct inject *inj, int cls);

const char *errno_fault_name(int err);

/* random.c */
unsigned inj_occurrence(struct inject *inj, const char *call, const char *key, int thread);
/* late.c: after a fault fired in a fuzz run, this stop (its site
 * resolved) with the faults faithful at it. */
void inj_late_note(struct inject *inj, const char *call, const char *key, const char *function,
		   int thread, const struct fault *opts, int nopts);
/* late.c: a random fault that fired at this stop, as a plan entry. */
void inj_fired_note(struct inject *inj, const char *call, const char *key, int thread,
		    int occurrence, const struct fault *f);
/* shape.c: the run's syscall shape, reset at each run's start. */
void inj_shape_reset(struct inject *inj);
void inj_shape_note(struct inject *inj, int nr);
bool inj_excluded(char *const *exclude, const char *key, const char *function);
/* iov.c: the n-entry iovec array at addr (at most cap entries), its byte
 * total in *total (may be NULL); the entry count, or -1. */
struct iovec;
int inj_iov_read(struct tracer_task *t, uint64_t addr, uint64_t n, struct iovec *iov, int cap,
		 long *total);
/* Let a vector call (array in argument 1, count in 2) move only its first
 * keep bytes: a copy of iov[0..cnt) cut there, below the red zone of the
 * stopped thread's stack, the arguments pointed at it. 0 or -errno. */
int inj_iov_cut(struct tracer_task *t, struct iovec *iov, int cnt, long keep);
/* shard.c: is the site with this key one this shard fails? */
bool inj_in_shard(const struct inject *inj, const char *key);
/* Decide a random fault among opts; 1 and *out if this call fails. */
int inj_random_pick(struct inject *inj, const struct fault *opts, int nopts, struct fault *out);

/* decide.c: the site/plan/record decision, for the classes' hooks. */
struct inj_call {
	int cls;		/* the class deciding (its counter) */
	const char *name;	/* the call, as sites and plans name it */
	const struct syscall_stop *sc;	/* a syscall as stopped (args before
					 * rewriting); NULL for a library call */
	uint64_t ret_addr;	/* a library call's return address: a direct
				 * call from the program is its own site */
};
/* opts are the faults faithful at this call; if one must be injected now,
 * fail(arg, t, f) injects *f (0 or -errno), updating *f to the fault as it
 * happened (a short transfer's real count), and it is logged. Returns 1
 * if injected, else 0. */
typedef int (*inj_fail_fn)(void *arg, struct tracer_task *t, struct fault *f);
int inj_decide(struct inject *inj, struct tracer_task *t, const struct inj_call *c,
	       const struct fault *opts, int nopts, inj_fail_fn fail, void *arg);
/* Cheap pre-check before any costly look at the call: can this run fail
 * it at all (recording, random, or a pending plan entry names it)? */
bool inj_may_fail(const struct inject *inj, const char *call);
/* A random run that may make faults of its own (probability above 0).
 * --fuzz's runs are random runs at probability 0 by default: they stop
 * everywhere for the shape, but fail only their schedule's entries, so
 * they are gated like planned runs. */
static inline bool inj_random_faults(const struct inject *inj)
{
	return inj->random && inj->probability > 0;
}

/* pred.c: the predicates of a stop, its facts read once, when first
 * needed (an exe per address space, a path per fd until it is closed). */
struct pred_stop {
	struct tracer_task *t;
	const struct syscall_stop *sc;	/* NULL: a library call */
	int exe_state, path_state, fd_state;	/* 0 unread, 1 read, -1 none */
	const char *exe;
	char path[4096];
	unsigned fd;		/* a PRED_FD_* bit, 0 for another type */
};
/* Does the stop match every predicate of p (one that does not apply to
 * the call does not match)? */
bool pred_match(struct pred_stop *ps, const struct fault_pred *p);
/* Do the campaign-wide filters (cfg.only_*) let this stop be failed? */
bool pred_filter_pass(struct inject *inj, struct pred_stop *ps);
/* The stop's executable, or NULL when it cannot be read. */
const char *pred_exe(struct pred_stop *ps);
/* The recording run: count the stop under its executable. */
void pred_count_exe(struct inject *inj, struct pred_stop *ps);
/* The per-mm caches: free, copy for a fork, and forget fds lo..hi. */
void pred_mm_free(struct inj_mm *m);
int pred_mm_fork(const struct inj_mm *p, struct inj_mm *m);
void pred_on_syscall(struct tracer_task *t, const struct syscall_stop *s);
/* Does this run use path or fd predicates (in its plan or filters)? */
bool pred_fd_wanted(const struct inject *inj);

/* sanitized.c: at the entry point, does the image carry a sanitizer? */
bool inj_has_sanitizer(pid_t pid);

/* deliberate.c: an out-of-memory fault was just injected in t, its site's
 * caller frame at pc: name that frame. */
void inj_oom_note(struct inject *inj, struct tracer_task *t, uint64_t pc);
/* An exit_group stop: is it a deliberate nonzero exit? */
void inj_exit_check(struct inject *inj, struct tracer_task *t, const struct syscall_stop *s);

/* state.c: "<build-id>+0x<offset>", the same site in every run. */
char *inj_site_key(const struct frame *f, char *buf, int len);

/* state.c: the unwinder cache and the site table */
struct unwinder *inj_unwinder(struct inject *inj, pid_t pid);
void inj_unwinder_drop(struct inject *inj, pid_t pid);
void inj_unwinders_clear(struct inject *inj);
struct inject_site *inj_site_get(struct inject *inj, const char *call, const char *key,
				 const struct frame *caller);
/* The site of (call, key), or NULL. */
struct inject_site *inj_site_find(struct inject *inj, const char *call, const char *key);
/* Rebuild the hash index (after the table was compacted). */
int inj_site_reindex(struct inject *inj);
/* The recording run reached site s in thread with these faithful faults:
 * count the occurrence and remember which faults the plan may try at it. */
int inj_site_record(struct inject *inj, struct inject_site *s, int thread,
		    const struct fault *opts, int nopts);
/* The same, at occurrence occ if it is not 0 (another class already
 * counted this stop): the occurrence (> 0), or -ENOMEM. */
int inj_site_record_at(struct inject *inj, struct inject_site *s, int thread, unsigned occ,
		       const struct fault *opts, int nopts);

/* site_path.c: allocation call paths. */
struct inj_path {
	uint32_t h[INJECT_PATH_DEPTH];
	char fn[INJECT_PATH_DEPTH][64];	/* each frame's function, for reports */
	int n;			/* 0: none (the stack could not be read) */
};
/* The program frames of t's stack from the caller whose key is key out,
 * hashed. 0 or -errno. */
int inj_path_of(struct inject *inj, struct tracer_task *t, const char *key, struct inj_path *p);
/* The site key of a path at depth d (>= 2): "<key>/<d>.<hash>". */
char *inj_path_key(const char *key, const uint32_t *h, int n, int d, char *buf, int len);
/* The depth a key names: 1 for a caller's key, else its "/<d>." part. */
int inj_key_depth(const char *key);
/* The recording run's site of an allocation call with this path: a
 * path site under the caller's group head; NULL past the bound. */
struct inject_site *inj_path_site(struct inject *inj, const char *call, const char *key,
				  const struct frame *caller, const struct inj_path *p);

#endif
