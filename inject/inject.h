/* inject.h - fault classes, sites and plans, as seen by the campaign.
 *
 * The engine implements the tracer's hooks: it records every site a run
 * reaches (a call or syscall plus its first caller outside the system
 * libraries) and fails exactly the planned occurrences, faithfully.
 */
#ifndef FZ_INJECT_H
#define FZ_INJECT_H

#include <stdbool.h>
#include <stdint.h>

#include "reporters/report.h"
#include "tracer/tracer.h"

/* Fault classes, one row each of inject/classes.c's table. A set of classes
 * is a mask: bit i is class i. */
#define INJECT_MAX_CLASSES 8
int inject_nclasses(void);
const char *inject_class_name(int i);		/* NULL past the last */
const char *inject_class_summary(int i);	/* one line, for --help */
bool inject_class_default(int i);
/* The faults class i may inject, as --fault names them ("NULL ENOMEM ..."). */
char *inject_class_faults(int i, char *buf, int len);
/* The faults some row gives call ("" if none: no class fails it). */
char *inject_call_faults(const char *call, char *buf, int len);
/* Row i of the fault table (fault_table.c) as one line, tab-separated:
 * class, calls, fd type, mode, size condition, fault, its other name,
 * when, man page ("-": none). NULL past the last row. */
char *inject_fault_row(int i, char *buf, int len);
/* Does some row give call this fault (a --fault name)? */
bool inject_call_takes(const char *call, const char *fault);
/* The calls class i fails: library calls, then syscalls by number. */
char *inject_class_calls(int i, char *buf, int len);
/* Every class's name, by index, NULL-terminated. */
const char *const *inject_class_names(void);
/* The set without --inject. */
unsigned inject_default_classes(void);
/* "io,alloc" -> mask; "all": every class; "none" -> 0. Returns -EINVAL
 * and the bad word. */
int inject_parse_classes(const char *s, unsigned *mask, char *bad, int badlen);
/* mask -> "io,alloc" (table order), or "none". */
char *inject_format_classes(unsigned mask, char *buf, int len);

/* FT_EXHAUST: memory stays exhausted from this kernel allocation on (every
 * later one in the run fails too, as under RLIMIT_AS); the errno is ENOMEM.
 * FT_STEP: the clock steps by count ns from this read on, for the whole
 * traced tree (clock_step.c): "step=-1h", "step=+1h@clock=monotonic".
 * FT_TIMEOUT: a wait with a finite timeout (poll, select, epoll) sees
 * nothing arrive: it returns 0 once its timeout has passed (delay class).
 * FT_DELAY: the call starts count ns late, its thread held at the call's
 * entry while the rest of the tree runs on (delay_hold.c): "delay=2s";
 * count 0 ("delay", the kind) is 2 s. */
enum fault_type { FT_NULL, FT_ERRNO, FT_SHORT, FT_EXHAUST, FT_STEP, FT_TIMEOUT, FT_DELAY };
struct fault {
	enum fault_type type;
	int err;		/* FT_ERRNO; FT_STEP: the clock (enum step_clock,
				 * clock_step.h) */
	long count;		/* FT_SHORT: bytes to transfer; 0 = half.
				 * FT_STEP: the step in ns, signed; 0 = the
				 * kind only ("step"). FT_DELAY: ns. */
};
/* Same fault, its argument included (a step's size and clock). */
bool fault_same(const struct fault *a, const struct fault *b);
int fault_parse(const char *s, struct fault *f);
char *fault_format(const struct fault *f, char *buf, int len);

/* Predicates on the calling process and the file a call acts on
 * (inject/pred.c): --fault's @exe=, @path=, @fd=, and the campaign-wide
 * --only-exe/--only-path/--only-fd. "" or 0: any. */
enum { PRED_FD_FILE = 1, PRED_FD_PIPE = 2, PRED_FD_SOCKET = 4, PRED_FD_TTY = 8 };
struct fault_pred {
	char exe[128];		/* glob on /proc/PID/exe (its basename without '/') */
	char path[192];		/* fnmatch(FNM_PATHNAME) glob on the call's path */
	unsigned fd;		/* PRED_FD_* mask */
};

/* One fault the next run must inject. */
struct plan_fault {
	char call[24];
	struct fault fault;
	char site[64];		/* site key; "" = any */
	char caller[128];	/* caller function; "" = any */
	int thread;		/* thread ordinal; -1 = any */
	int occurrence;		/* 1-based, per site and thread when a site
				 * or caller is given, else per call */
	struct fault_pred pred;	/* only calls these match count */
};
/* --fault=CALL:FAULT[=ARG][@PRED=VALUE...][@WHERE]; WHERE = N | site#K[:N]
 * | caller=F[:N]; PRED = exe | path | fd. site#K is returned in *site_id
 * for the caller to resolve (else -1). On error returns -EINVAL and names
 * the bad token in bad[] (pf->call holds the call as understood once it
 * was read: pread is pread64), or -EDOM with a whole message in bad[] (a
 * predicate that is unknown, malformed or does not apply to the call). */
int plan_fault_parse(const char *spec, struct plan_fault *pf, int *site_id, char *bad, int badlen);
/* One predicate "NAME=VALUE" into *p, checked against call (NULL: any).
 * 0, or -EDOM with a message in bad[]. */
int fault_pred_parse(const char *call, const char *word, struct fault_pred *p, char *bad,
		     int badlen);
/* *p back as "@exe=G@path=G@fd=T" ("" for none). */
char *fault_pred_format(const struct fault_pred *p, char *buf, int len);
/* Is glob usable (non-empty, brackets closed, no trailing backslash)? */
bool fault_glob_ok(const char *glob);
/* "file,pipe" -> PRED_FD_* mask; -EINVAL on an unknown word. */
int fault_fd_types(const char *s, unsigned *mask);

/* An allocation site's key goes at most this many program frames deep
 * (the caller, then the wrapper's callers). */
#define INJECT_PATH_DEPTH 4
/* At most this many call paths per call site, and overall. */
#define INJECT_PATHS_PER_SITE 64
#define INJECT_MAX_PATH_SITES 8192

/* A site as the engine recorded it in the clean run. */
struct inject_site {
	char call[24];
	char key[64];
	struct frame caller;
	/* Occurrences per thread ordinal, for any number of threads (a
	 * fixed array once merged threads 64 and up into one): one entry per
	 * thread that reached the site, the last one used tried first. */
	struct site_occ {
		int thread;
		unsigned n;
	} *occ;
	int nocc, cap_occ, last_occ;
	unsigned total;
	int nfaults;
	struct fault faults[8];	/* faithful faults seen at this site */
	int report_id;		/* id in the report, -1 before */
	/* The occurrences at which each fault was faithful, the first K per
	 * thread: the plan tries exactly these (a read that only meets an
	 * empty pipe at its 5th occurrence gets EAGAIN there, not at 1-3). */
	struct site_try {
		uint16_t fault;	/* index into faults[] */
		int thread;
		unsigned occurrence;
	} *tries;
	int ntries, cap_tries;
	/* Allocation calls (inject/site_path.c): the call path, one hash
	 * per program frame from the caller out (path[0]), up to
	 * INJECT_PATH_DEPTH; key_depth of them name the site (1: the caller
	 * alone, the key as ever). While recording, a wrapper's sites hang
	 * off a group head (head: never planned, gone after
	 * inject_sites_finish) by its index (group; -1 none). */
	uint32_t path[INJECT_PATH_DEPTH];
	char path_fn[INJECT_PATH_DEPTH][64];	/* the frames' functions */
	int npath, key_depth, group;
	bool head;
	unsigned members;	/* a head: the paths recorded under it */
	unsigned long dropped;	/* a head: occurrences past the bound */
};

struct inject_config {
	unsigned classes;
	int occurrences;	/* K: occurrences per site and thread to fail */
	bool service;		/* trace listen() too */
	/* The run's stderr is captured (not passed through): only then
	 * can a sanitizer report be read, so only then is each image
	 * checked for a sanitizer runtime at its entry point. */
	bool captured_stderr;
	/* Called with the task still stopped at each fault logged (index in
	 * the run's log), so the caller can take its stack there (--check);
	 * NULL: none. */
	void (*on_fault)(void *arg, pid_t pid, pid_t tid, int index);
	void *fault_arg;
	/* --only-exe, --only-path (globs, NULL-terminated; NULL: any) and
	 * --only-fd (PRED_FD_* mask; 0: any): calls they do not match are
	 * counted and recorded but never failed. */
	char *const *only_exe, *const *only_path;
	unsigned only_fd;
	/* Globs of paths never failed where a call names them (open, stat,
	 * access...; NULL-terminated, NULL: none): --fuzz's input file, the
	 * harness's and not the program's environment. Calls on a descriptor
	 * of it still may fail (a read's EIO is the program's to handle).
	 * inject_set_skip_path replaces them. */
	char *const *skip_path;
	/* Called with each process stopped at its exit_group (traced in
	 * every run then), its memory still there: the fuzz loop reads
	 * AFL++'s edge map out of it (cli/aflmap.c); NULL: none. */
	void (*on_exit_group)(void *arg, struct tracer_task *t);
	void *exit_arg;
};

struct inject;

int inject_new(const struct inject_config *cfg, struct inject **out);
void inject_free(struct inject *inj);
const struct tracer_hooks *inject_hooks(struct inject *inj);
/* Fill the bitmap of syscalls the filter must stop on: in any run (the
 * session's set), and in the run just begun (a subset for a planned run:
 * the syscalls its plan names and those every run watches). */
void inject_trace_set(const struct inject *inj, uint8_t set[SYSCALL_MAX / 8]);
void inject_run_trace_set(const struct inject *inj, uint8_t set[SYSCALL_MAX / 8]);
/* Narrow the run's set: syscalls that need stopping only for some values
 * of an argument (clock_gettime's clock id) leave set and become
 * conditional stops in conds (at most max). Returns how many. */
int inject_run_conds(const struct inject *inj, uint8_t set[SYSCALL_MAX / 8],
		     struct tracer_cond *conds, int max);

/* Start a run: record sites (the clean run) and/or inject these faults. */
void inject_begin_run(struct inject *inj, bool record, const struct plan_fault *plan, int nplan);
/* Start a snapshot's set-up run (tracer_session_template), no fault:
 * classes arm as for every run (the allocator breakpoints all in), and
 * each child the template forks arms for its own plan at its start. */
void inject_begin_template(struct inject *inj, bool record);
/* Make the run just begun a random one: every intercepted call with a
 * faithful fault fails with probability p (one of its faults, chosen by the
 * same generator). Decisions come from a generator seeded with seed, in
 * call order, so the same seed on the same program gives the same run.
 * Sites in exclude (keys or caller functions) never fail. */
void inject_set_random(struct inject *inj, double p, uint64_t seed,
		       char *const *exclude);

/* The executables the recording run saw (/proc/PID/exe as the jail sees
 * it), with the intercepted calls each made and whether --only-exe lets
 * them be failed; at most INJECT_MAX_EXES, the rest under "(other)". */
#define INJECT_MAX_EXES 16
int inject_executables(const struct inject *inj, const struct exe_count **out);

/* The shape of the run just ended (inject/shape.c), the fuzz loop's
 * coverage proxy without instrumentation: for each pair of consecutive
 * traced syscall stops (previous syscall, this one) a hit count in one of
 * INJECT_SHAPE_SIZE cells (hashed, AFL-style). Only the stops the run's
 * trace set makes are seen: recording and random runs stop at every call
 * an enabled class watches or fails. */
#define INJECT_SHAPE_SIZE 4096
const uint8_t *inject_run_shape(const struct inject *inj);

/* A fuzz run's error path (late.c): once a planned fault of a random
 * run at probability 0 fired, each site the run reaches from there that
 * the site table (the clean run's) does not hold is counted as the
 * recording run counts it, and its first occurrences with a faithful
 * fault become plan entries (call, site key, thread, occurrence, fault):
 * at most INJECT_LATE_MAX a run. Their number, *out valid until the next
 * run. */
#define INJECT_LATE_MAX 16
int inject_run_late(const struct inject *inj, const struct plan_fault **out);
/* The random faults the run injected (probability above 0), as plan
 * entries in the order they fired, at most INJECT_FIRED_MAX: with the
 * run's schedule, the faults whose error path inject_run_late's entries
 * are in (a fuzz run at --fuzz-faults records that path too). */
#define INJECT_FIRED_MAX 4
int inject_run_fired(const struct inject *inj, const struct plan_fault **out);
/* The same from the run's start, not only after a fault (the random run
 * just begun at probability 0: an unwind per stop all along). */
void inject_set_sites(struct inject *inj, bool from_start);

/* Faults actually injected in the run just ended. */
/* --shard=K/N: plans and random runs fail only the sites whose key
 * hashes to K of N (shard.c), so N shards fail each site exactly once.
 * -EINVAL unless k < n. */
int inject_set_shard(struct inject *inj, unsigned k, unsigned n);
/* Replace cfg.skip_path (the caller keeps globs alive; NULL: none). */
void inject_set_skip_path(struct inject *inj, char *const *globs);
/* The shard (0..n-1) a site key belongs to. */
unsigned inject_shard_of(const char *key, unsigned n);
int inject_run_log(const struct inject *inj, const struct fault_rec **log);
/* Per-class counts of the run just ended (index as inject_class_names). */
const unsigned *inject_run_counts(const struct inject *inj);
/* Did a process of the run just ended carry a sanitizer runtime? */
bool inject_run_sanitized(const struct inject *inj);
/* Why a class could not arm in the last run (e.g. no allocator to plant
 * breakpoints on): the first such class in *cls and its reason, or NULL
 * when every class armed. */
const char *inject_problem(const struct inject *inj, int *cls);

/* After the recording run: key each allocation site only as deep as its
 * call paths need (a wrapper's call reached from two paths gets two
 * sites, "<caller key>/<depth>.<hash>"; a call reached by one path keeps
 * its caller's key) and drop the group heads. Before the sites are read. */
void inject_sites_finish(struct inject *inj);
int inject_nsites(const struct inject *inj);
/* The clean run's call paths: its sites with a fault to try, those keyed
 * past an allocation wrapper (deeper than the first caller), and the
 * occurrences on paths past the per-site bound (never planned). */
struct inject_paths {
	unsigned paths, wrapped;
	unsigned long dropped;
};
void inject_path_stats(const struct inject *inj, struct inject_paths *out);
struct inject_site *inject_site(struct inject *inj, int i);

/* The systematic plan: every site x thread x occurrence (<= K) x faithful
 * fault, skipping excluded sites. Returns the number of entries (>= 0) in
 * a malloc'd array, or -errno. */
int inject_plan_explore(struct inject *inj, char *const *exclude, struct plan_fault **out);
/* The same with, per entry, its class and its site's index (the plan's
 * coverage, per class and per call path); *meta malloc'd too. */
struct plan_meta {
	int cls;
	int site;
};
int inject_plan_build(struct inject *inj, char *const *exclude, struct plan_fault **out,
		      struct plan_meta **meta);
/* Snapshot mode (inject/startup.c): after the template's set-up run,
 * recorded, the plan of what it reached (occurrences from the program's
 * start; exec-mode runs), malloc'd in *out; the sites' counts are cleared
 * for the clean run, which counts from the point. Entries or -errno. */
int inject_plan_startup(struct inject *inj, char *const *exclude, struct plan_fault **out);
/* The class (index as inject_class_name) that fails call, or -1. */
int inject_call_class(const char *call);
/* The class whose row gives fault f at call (write:ENOSPC is fs's,
 * write:EIO io's), -1 if none. */
int inject_fault_class(const char *call, const struct fault *f);

/* Deliberate deaths (deliberate.c). With tid stopped where the run dies
 * (a fatal signal's delivery): 1 if every fault of the run was out of
 * memory and the caller frame of one of them is still on tid's stack
 * (the program chose to die of it: xmalloc, assert(p), bad_alloc), else 0. */
int inject_deliberate(struct inject *inj, pid_t pid, pid_t tid);
/* A process of the run just ended called exit_group with a nonzero status
 * while such a frame was live: 1 and *status, else 0. */
int inject_deliberate_exit(const struct inject *inj, int *status);

/* Unwinding for findings, sharing the engine's per-process caches. */
int inject_stack(struct inject *inj, pid_t pid, pid_t tid, struct frame *frames, int max);

#endif
