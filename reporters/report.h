/* report.h - findings, deduplication and report output.
 *
 * The campaign (cli/) feeds finished runs in; this module decides which
 * are findings, deduplicates them and writes the text summary,
 * report.json and per-finding files. Schema: docs/report-schema.md.
 */
#ifndef FZ_REPORT_H
#define FZ_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "symbols/symbols.h"

#define FZ_VERSION_STR PACKAGE_VERSION

enum finding_kind {
	FIND_SIGNAL,
	FIND_HANG,
	FIND_SANITIZER,
	FIND_EXIT,
	FIND_RESOURCE,
	/* A call the jail's seccomp policy refused ("sandbox-violation"):
	 * detail is the call as made, stacks[0] the calling thread. */
	FIND_VIOLATION,
	/* The program chose to die of an out-of-memory fault (abort or a
	 * nonzero exit with the faulted call's caller frame still running:
	 * xmalloc, assert(p), bad_alloc). Not a bug: reported apart and not
	 * counted unless --abort-is-finding. */
	FIND_ABORT,
	/* A --check command failed on what a faulted run left in its work
	 * directory ("state-corruption"): detail is its status and first
	 * line, stacks[i] the stack where the run's fault i was injected. */
	FIND_STATE,
	/* A faulted run that finished but burnt --slowdown's factor times the
	 * clean runs' CPU time or traced calls ("slowdown"): detail and slow
	 * say by how much, stacks[i] where fault i was injected. */
	FIND_SLOWDOWN,
	/* A faulted run that exited 0 with less output than the clean run's
	 * (--check=output, "silent-corruption"): stdout or a file cut short,
	 * lines lost, a file missing; with --check=output-diff any
	 * difference. out says which file and how, stacks[i] where fault i
	 * was injected. */
	FIND_SILENT,
	/* --crash-at: the run was killed right after a durability point and
	 * --recover or a --check then failed on what it left
	 * ("crash-recovery"): crash says where, stacks[0] the killed call's
	 * stack, check the command that failed. */
	FIND_CRASH,
};
const char *finding_kind_name(enum finding_kind k);

/* One injected fault, as planned and as it happened. */
struct fault_rec {
	char call[24];		/* "malloc", "read" */
	char fault[32];		/* "NULL", "EIO", "short=7" */
	int site_id;		/* index into report sites[], -1 if none */
	char site[64];		/* "<build-id>+0x<offset>" of the caller */
	int thread;		/* ordinal of the thread it happened in */
	int occurrence;		/* 1-based, per site and thread */
	char caller[128];	/* function */
	char file[192];
	int line;
	char syscall[96];	/* the call as made: "read(3, 0x7ffd..., 4096)"; "" for calls */
	char where[192];	/* the --fault predicates it was counted under,
				 * "@exe=G@path=G@fd=T"; "" none */
	char exe[128];		/* the process's executable, as the jail sees it */
};

struct thread_stack {
	pid_t tid;
	int thread;		/* ordinal */
	int nframes;
	struct frame frames[FRAME_MAX];
};

/* A finding keeps every fault of its run, so --replay plans all of them:
 * the engine logs at most this many per run (inject/inject_int.h sizes its
 * log and plan from it) and a random run stops injecting once its log is
 * full. */
#define FINDING_MAX_FAULTS 64
#define FINDING_MAX_THREADS 8

/* FIND_SLOWDOWN: the faulted run against the runs without faults. */
struct finding_slowdown {
	char measure[16];	/* "cpu" or "syscalls": the ratio's */
	double ratio, factor;
	int64_t cpu_us, clean_cpu_us, clean_cpu_min_us;	/* clean: max, min */
	int64_t wall_us, clean_wall_us;
	uint64_t calls, clean_calls;	/* seccomp stops of the run's traced calls */
	int samples;		/* clean runs measured */
	/* The hottest stack (cli/hotstack.h): stacks[hot_index], sampled
	 * hot_hits times of hot_samples in the confirming run; hot_hits 0:
	 * none (no sample, or no confirming run). */
	int hot_index, hot_hits, hot_samples;
};

/* FIND_SILENT: what the faulted run's output lost against the clean run's. */
struct finding_output {
	char file[256];		/* "stdout", a named output's path, "workdir/REL" */
	char loss[16];		/* "missing", "truncated", "lines" or "differs" */
	int64_t bytes, clean_bytes;	/* after --ignore's normalising */
	int64_t lines, clean_lines;
	int64_t line;		/* the first line lost or changed, from 1 */
};

/* FIND_CRASH: the durability point the run was killed at. */
struct finding_crash {
	int point;		/* the Nth durability point of the run, from 1 */
	char call[24];		/* "rename", "write" */
	int occurrence;		/* of that call among the run's points, from 1 */
	char file[256];		/* relative to the work directory */
	int64_t result;		/* what the call returned (bytes written) */
	char stage[16];		/* what failed: "recover" or "check" */
	/* --crash-drop: the files rolled back to their last fsync ("": none). */
	char dropped[192];
};

/* The outcome of one run that is a finding, before deduplication. */
struct run_finding {
	enum finding_kind kind;
	int signal;		/* FIND_SIGNAL/RESOURCE */
	int exit_status;	/* FIND_EXIT, sanitizer */
	pid_t pid, tid;
	int thread;		/* ordinal of the faulting thread */
	bool loader;		/* happened before the program's entry point */
	char sanitizer[64];	/* "heap-buffer-overflow", "runtime-error" */
	char detail[256];	/* one line: signal description, si_addr... */
	/* What happened after the first fatal signal, when the program's own
	 * handler ran ("its handler then died of SIGSEGV in on_segv"); "". */
	char note[256];
	int nthreads;		/* stacks[0] is the faulting thread */
	struct thread_stack stacks[FINDING_MAX_THREADS];
	int nfaults;
	struct fault_rec faults[FINDING_MAX_FAULTS];
	const char *stdout_path;	/* the run's captured output */
	const char *stderr_path;
	/* A fuzz run's input (NULL: the invocation's --stdin): kept with
	 * the finding (findings/ID/input, report.json's "input"). */
	const char *input_path;
	/* Snapshot mode: the run execed the program (the start-up's faults,
	 * occurrences from its start; report.json's "run_mode": "exec"). */
	bool exec_run;
	/* FIND_STATE: the --check command that failed, and its output. */
	char check[256];
	const char *check_stdout_path, *check_stderr_path;
	struct finding_slowdown slow;
	struct finding_output out;	/* FIND_SILENT */
	struct finding_crash crash;	/* FIND_CRASH */
};

/* --- Is a run a finding? (classify.c) ---------------------------------- */

/* A call the jail's seccomp policy refused, with the calling thread's
 * stack, taken while the task was stopped at it. */
struct run_violation {
	bool seen;		/* false: the run had none */
	pid_t pid, tid;
	int thread;		/* ordinal */
	char line[192];		/* the call as made */
	struct thread_stack stack;
};

/* How a run ended. cli/ maps the tracer's enum run_end onto it, so that
 * reporters/ needs nothing of tracer/. */
enum run_ending {
	ENDED_OTHER,		/* never started, or interrupted: no finding */
	ENDED_EXIT,		/* the main process exited */
	ENDED_SIGNAL,		/* a task died of a signal fzsandbox did not send */
	ENDED_TIMEOUT,		/* killed at --timeout */
};

/* What one finished run left, as plain fields. */
struct run_facts {
	enum run_ending ending;
	int exit_status;	/* ENDED_EXIT (and kept by a sanitizer finding) */
	int signal, si_code;	/* ENDED_SIGNAL, with its siginfo */
	uint64_t fault_addr;
	pid_t fault_pid, fault_tid;
	int fault_ordinal;	/* thread ordinal of the faulting task */
	bool in_loader;		/* before the program's entry point */
	/* Filled while the tasks were stopped: pid, tid, thread, nthreads
	 * and stacks (the rest is overwritten). */
	const struct run_finding *collected;
	const struct run_violation *violation;	/* NULL or !seen: none */
	/* The captured output; NULL when not captured (passthrough). */
	const char *stdout_path, *stderr_path;
	bool sanitized;		/* a process carried a sanitizer runtime */
	int nfaults;		/* faults injected in the run */
	bool check_exit;	/* --fail-on-exit with the clean run's status known */
	int baseline_exit;	/* that status */
	/* Every fault was out of memory and the caller frame of one was
	 * still running where the stack was taken (the signal's delivery). */
	bool deliberate;
	/* ... or where the program called exit_group with this status. */
	bool deliberate_exit;
	int deliberate_status;
	/* The first synchronous fatal signal (a fault the kernel raised, or a
	 * self-sent SIGABRT) that the program's own handler caught: the run's
	 * finding is that one, with its stack, and the handler's fate a note.
	 * first_signal 0: none. */
	int first_signal, first_si_code;
	uint64_t first_addr;
	pid_t first_pid, first_tid;
	int first_ordinal;
	const struct thread_stack *first_stack;
	bool first_deliberate;	/* as deliberate, where first_stack was taken */
};

/* Is the run a finding? Returns 1 and fills *f (all but its faults, which
 * are the caller's), or 0. */
int report_classify(const struct run_facts *run, struct run_finding *f);

/* A site: one call or syscall reached from one caller. */
struct site {
	int id;
	char call[24];
	char key[64];		/* "<build-id>+0x<offset>" */
	char function[128];
	char file[192];
	int line;
	/* 1-based rank of this call site among the sites of the same call
	 * in the same function, by address: with function and file:line it
	 * names the site in a later build, where offsets have moved. */
	int ordinal;
	char module[192];
	/* A call path's site (past an allocation wrapper): the functions
	 * of the key's frames past the caller, innermost first. */
	char path[3][64];
	int npath;
	unsigned occurrences;	/* in the clean run, all threads */
	unsigned failed;	/* runs that failed it */
};

struct report;

struct report_meta {
	char *const *argv;
	char *const *envp;	/* the target's environment, for replay */
	const char *cwd;
	const char *stdin_path;
	char *const *requests;	/* service request files, NULL-terminated */
	const char *inject;	/* "io,alloc" */
	const char *options;	/* other options that change a run, as CLI words */
	/* The same, one word each (NULL-terminated): a word may hold a space
	 * (--bind="/tmp/a b:/data"). NULL: options split at spaces. */
	char *const *options_argv;
	uint64_t seed;
	const char *out_dir;
	const char *self;	/* path of the fzsandbox binary, for replay lines */
	bool abort_is_finding;	/* count FIND_ABORT as findings */
	/* --shard=K/N (shard_n 0: none): report.json's shard, for merge. */
	unsigned shard_k, shard_n;
	/* The options that shape the plan but not a run (--exclude-site,
	 * --random, --probability), as words: report.json's plan_options,
	 * which shards to merge must share. NULL-terminated, or NULL. */
	char *const *plan_options;
};

int report_new(const struct report_meta *meta, struct report **out);
/* Make the output directory (mkdir -p) and check that it is writable,
 * before anything runs: 0 or -errno. */
int report_prepare_dir(const char *out_dir);
/* A new campaign or run in a used output directory: remove what an
 * earlier one left there and this one may not rewrite (runs.jsonl, the
 * numbered directories under findings/), so the directory never mixes
 * two. Never for --replay, which reads the report beside them. */
int report_clear_previous(const char *out_dir);
void report_free(struct report *r);

/* Sites, as discovered by the clean run. Returns the site id. */
int report_add_site(struct report *r, const struct site *s);
struct site *report_site(struct report *r, int id);
int report_nsites(const struct report *r);

/* Count a finished run and the faults injected in it, per class name. */
void report_count_run(struct report *r, int nfaults_by_class_len,
		      const char *const *classes, const unsigned *counts);
void report_set_plan(struct report *r, unsigned planned, unsigned done, bool capped);
/* The limit that cut the plan: "max-runs", "budget" or NULL (none). */
void report_set_capped_by(struct report *r, const char *name);

/* Service mode: what the driver saw in one run (cli/ copies the
 * harness's counts into these plain fields). */
struct run_service {
	bool listened;		/* listen(2) returned 0 */
	int requests;		/* request files given */
	int sent;		/* sent in full */
	int replied;		/* replies read to EOF */
	int timeouts;		/* replies cut by --reply-timeout */
};
/* The clean run's counts (report.json "service.clean"); exited: it ended
 * on its own before fzsandbox stopped it, with status. A clean run that
 * did not reply to every request marks every finding as found against a
 * service that did not serve (clean_run_served false). */
void report_set_service_clean(struct report *r, const struct run_service *s, bool exited,
			      int status);
/* A call the jail refused in the run without faults that the host would
 * have allowed (cli/refusals.c, sandbox/refusal.h): report.json
 * "jail_refusals". A campaign built on that run tests the path the jail
 * made, so the note says which option changes it. */
#define REPORT_REFUSAL_LINES 4
#define REPORT_REFUSAL_TEXT 320
struct report_refusal {
	char call[24];			/* "openat" */
	int err;			/* errno */
	char path[REPORT_REFUSAL_TEXT];	/* in the jail; "" for none (setrlimit, setuid) */
	char host[REPORT_REFUSAL_TEXT];	/* the host path it stands for; "" for none */
	char option[REPORT_REFUSAL_TEXT];	/* what changes it ("--bind=/srv/in.html") */
	char why[REPORT_REFUSAL_TEXT];	/* "bound read-only in the jail" */
	/* Lines of the run's stderr that mention the path or the error. */
	int nstderr;
	char stderr_lines[REPORT_REFUSAL_LINES][240];
};
/* Copies v; n 0 still says the run was watched ([] in report.json). */
int report_set_jail_refusals(struct report *r, const struct report_refusal *v, int n);
/* --replay's own report (OUT/replay/report.json): "replay": the report
 * and finding replayed, runs made and how many reproduced it. */
void report_set_replay(struct report *r, const char *file, int finding, int runs,
		       int reproduced);
/* Add one run's counts to report.json's "service.totals". */
void report_count_service(struct report *r, const struct run_service *s);
/* Did the clean run serve every request? (true outside service mode.) */
bool report_clean_served(const struct report *r);
/* How much of the systematic plan the runs covered, said in the summary
 * (findings or not) and in report.json: per class name, the planned runs
 * and those done; the call paths (sites) the clean run had, how many of
 * them are keyed past a wrapper, how many the plan has and tried. */
#define REPORT_MAX_CLASSES 8
struct report_coverage {
	int nclasses;
	const char *classes[REPORT_MAX_CLASSES];
	unsigned planned[REPORT_MAX_CLASSES], done[REPORT_MAX_CLASSES];
	unsigned paths, paths_wrapped, paths_planned, paths_tried;
	/* Occurrences on call paths beyond the per-site bound, not planned. */
	unsigned long paths_dropped;
};
void report_set_coverage(struct report *r, const struct report_coverage *c);
/* The executables the clean run saw: the intercepted calls each made and
 * whether --only-exe let them fail (report.json "executables"). */
struct exe_count {
	char path[128];
	unsigned long calls;
	bool faultable;
};
void report_set_executables(struct report *r, const struct exe_count *e, int n);

/* Add a run's finding: deduplicated against earlier ones (kind + top
 * non-system frames of the faulting thread; for hangs, all threads; for
 * deliberate aborts, also the faulted call's caller).
 * Copies the run's stdout/stderr into the finding's directory the first
 * time. Returns the finding id (>= 1) and sets *is_new. */
int report_add_finding(struct report *r, const struct run_finding *f, bool *is_new);
/* Findings that count (exit status 1): all but deliberate aborts, unless
 * --abort-is-finding; and those deliberate aborts, reported apart. */
int report_nfindings(const struct report *r);
int report_naborts(const struct report *r);

/* Text summary of every finding to fp (stderr). */
void report_print_text(const struct report *r, FILE *fp);
/* One finding, as printed when first seen. */
void report_print_finding(const struct report *r, int id, FILE *fp);
/* report.json under out_dir (written atomically). */
int report_write_json(const struct report *r);

/* formats.c: --format=LIST, comma-separated: text (the summary on
 * stderr), json (report.json, always written: replay reads it), sarif
 * (OUT/report.sarif), junit (OUT/junit.xml). -EINVAL with the bad word. */
enum {
	REPORT_FMT_TEXT = 1,
	REPORT_FMT_JSON = 2,
	REPORT_FMT_SARIF = 4,
	REPORT_FMT_JUNIT = 8,
};
int report_formats_parse(const char *s, unsigned *mask, char *bad, int badlen);
/* Make the SARIF and JUnit files formats asks for from out_dir's
 * report.json; SARIF locations relative to source_root (NULL: the
 * current directory). 0 or -errno with a one-line reason in why. */
int report_write_formats(const char *out_dir, unsigned formats, const char *source_root,
			 char *why, int whylen);

/* campaign_report.c (--campaign=FILE, cli/campaign_file.h): one
 * component, its share of the budget and its result. */
struct report_component {
	const char *name, *out_dir;	/* out_dir: OUT/NAME, its own report */
	char *const *argv;		/* its command */
	double share, weight;		/* weight: share, times the factor if changed */
	bool changed;			/* its paths match a --changed-from file */
	bool ran;
	long planned_budget_ms;		/* budget * weight / all weights; 0: no --budget */
	long budget_ms;			/* given: its weight's part of what was left */
	int status;			/* its exit status; -1: not run */
	long wall_ms;
	/* From its report.json (report_component_read): */
	int findings;
	long runs, runs_planned;
	bool capped;
	char capped_by[16];
};
int report_component_read(struct report_component *c, char *why, int whylen);
struct report_campaign {
	const char *file, *changed_from;	/* changed_from NULL: not given */
	int nchanged_files, changed_factor;
	long budget_ms, wall_ms;
	int status;			/* the campaign's exit status */
};
/* OUT/campaign.json, and for formats' sarif and junit one OUT/report.sarif
 * (each ran component's runs) and OUT/junit.xml (a testsuite each). 0 or
 * -errno with a one-line reason in why. */
int report_campaign_write(const struct report_campaign *cp, const struct report_component *v,
			  int n, const char *out_dir, unsigned formats, char *why, int whylen);

/* merge.c (fzsandbox merge): the reports of one campaign's shards
 * (--shard=K/N; each a report.json or its directory) into
 * out_dir/report.json and runs.jsonl: sites and findings united by key,
 * counts summed, each finding's files copied, replay lines pointing at
 * out_dir (run by the fzsandbox at self). Refuses reports of different
 * builds, options or shard counts, and a shard given twice. 0 or -errno
 * with a one-line reason in why. */
struct report_merged {
	int shards, count;	/* reports merged, of the campaign's count */
	long runs;
	int sites, findings, aborts;
};
int report_merge(char *const *inputs, int n, const char *out_dir, const char *self,
		 struct report_merged *res, char *why, int whylen);
/* --- What each error path did: the outcome table (outcomes.c) --------- */

/* The groups of the text summary, in its order; report.json's names in
 * outcome_group_name. "Exited 0 silently" is the suspicious one: the
 * failure was swallowed (its stdout is not the clean run's, or was not
 * compared); the same with the clean run's stdout is a recovery (a
 * retry, a fallback, a short read read on). */
enum outcome_group {
	OUTCOME_CRASHED,	/* a signal */
	OUTCOME_HUNG,		/* killed at --timeout */
	OUTCOME_FAIL_MSG,	/* exit != 0, something on stderr */
	OUTCOME_FAIL_SILENT,	/* exit != 0, stderr empty */
	OUTCOME_OK_MSG,		/* exit 0, something on stderr */
	OUTCOME_OK_SILENT,	/* exit 0, stderr empty, stdout not the clean run's */
	OUTCOME_RECOVERED,	/* exit 0, stderr empty, the clean run's stdout */
	OUTCOME_NGROUPS
};
/* The run's stdout against the clean run's. */
enum outcome_stdout {
	STDOUT_UNKNOWN,		/* not captured */
	STDOUT_SAME,		/* the same bytes */
	STDOUT_PREFIX,		/* a strict prefix (shorter, empty included) */
	STDOUT_DIFFERS,		/* anything else */
};
#define OUTCOME_MSG_MAX 160

/* What one run did, for the site of its first fault (site_id; -1 for the
 * clean run or a fault at no site). */
struct outcome {
	int site_id;
	int run;		/* in runs.jsonl */
	char call[24];		/* the first fault's call and fault */
	char fault[32];
	int occurrence, thread;
	int nfaults;		/* faults the run injected */
	enum run_ending ending;	/* EXIT, SIGNAL or TIMEOUT */
	int exit_status, signal;
	bool stderr_any;	/* it wrote something on stderr */
	char message[OUTCOME_MSG_MAX];	/* the first stderr line, normalised */
	enum outcome_stdout out;
	int64_t wall_us, cpu_us;	/* < 0: not measured */
	int finding;		/* its finding's id, 0: none */
};
enum outcome_group outcome_group_of(const struct outcome *o);
const char *outcome_group_name(enum outcome_group g);
const char *outcome_stdout_name(enum outcome_stdout s);
/* The first non-empty line of the file at stderr_path, normalised so that
 * equal messages cluster (numbers, hex numbers and paths replaced: "sort:
 * read failed: <path>: Input/output error"), into o->message; and
 * o->stderr_any. Then o->out from the two stdout files. NULL paths:
 * unknown. */
void outcome_read_output(struct outcome *o, const char *stderr_path, const char *stdout_path,
			 const char *clean_stdout_path);
/* Normalise one line in place (unit tests). */
void outcome_normalise(char *line, size_t len);
/* Keep a faulted run's outcome in the report (copied); the clean run's
 * with report_set_clean_outcome. 0 or -ENOMEM. */
int report_add_outcome(struct report *r, const struct outcome *o);
void report_set_clean_outcome(struct report *r, const struct outcome *o);
/* The table as the summary prints it: sites grouped by outcome, messages
 * clustered. Also what `fzsandbox outcomes OUT` prints, from
 * report_outcomes_load. */
void report_print_outcomes(const struct site *sites, int nsites, const struct outcome *v, int n,
			   const struct outcome *clean, FILE *fp);
/* Read sites[] and their outcomes[] (and clean_outcome) back from a
 * report.json: 0, or -errno with a one-line reason in why. The arrays
 * are malloc'd (free them). */
int report_outcomes_load(const char *path, struct site **sites, int *nsites,
			 struct outcome **v, int *n, struct outcome *clean, char *why, int whylen);

/* --- The per-run log: OUT/runs.jsonl, one JSON object per run --------- */
struct runlog;
int runlog_open(const char *out_dir, struct runlog **out);
/* mode: "clean", "plan", "pinned", "random"; outcome: "exit 0",
 * "signal SIGSEGV", "hang"...; finding: id, or 0 for none; svc: the
 * service driver's counts, NULL outside service mode; us: the run's wall
 * time, start to report ("ms" in the line; < 0: none). */
int runlog_write(struct runlog *l, int run, const char *mode, const struct fault_rec *faults,
		 int nfaults, const char *outcome, int finding, const struct run_service *svc,
		 int64_t us);
void runlog_close(struct runlog *l);

/* --- Replay: what report.json stored for one finding ------------------- */
struct replay_spec {
	char **argv;		/* NULL-terminated, malloc'd */
	char **envp;
	char *cwd;
	char *stdin_path;
	/* The finding's own input (a fuzz run's), absolute; NULL: none. */
	char *input_path;
	/* "run_mode": "exec": an exec-mode run of a snapshot campaign. */
	bool exec_run;
	char **requests;
	char *inject;
	char *options;
	/* The options to apply, one word each: the report's "options_argv",
	 * or its "options" split at spaces (an older report without it). */
	char **options_argv;
	uint64_t seed;
	int nfaults;
	struct fault_rec faults[FINDING_MAX_FAULTS];
	/* What to reproduce. */
	enum finding_kind kind;
	int signal;
	char top_function[128];	/* top non-system frame of the faulting thread */
	char top_file[192];
	int crash_point;	/* FIND_CRASH: the point to kill at again; 0 none */
	char version[32];
	char build_id[129];	/* the target's when the report was made ("" none) */
	char *file;		/* the report read (FILE of FILE#ID) */
	int id;			/* the finding replayed */
};

/* Parse FILE[#ID] (ID defaults to the first finding). Returns 0, or
 * -errno with a one-line reason in why[]. */
int replay_load(const char *file_and_id, struct replay_spec *spec, char *why, int whylen);
void replay_spec_free(struct replay_spec *spec);

/* --- The findings store (store.c): --store=DIR and fzsandbox regress --- */
/* A store file of a later format than this is refused (exit 2). */
#define REPORT_STORE_VERSION 1
struct store_result {
	int added, updated;	/* files written new, files of a finding seen again */
};
/* Each finding of the report at report_path into store_dir (made if
 * needed): one file per finding key, DIR/<hash of key>.json; a finding
 * already there gets its hits added, last_seen and the build-id. 0 or
 * -errno with a one-line reason in why. */
int report_store_write(const char *report_path, const char *store_dir, struct store_result *res,
		       char *why, int whylen);
/* What a store file adds to the one-finding report replay_load reads:
 * its key and each fault's site ordinal (0: not known) and count. 0; -EINVAL not
 * a store file; -EPROTONOSUPPORT a newer store version. */
struct store_entry {
	int store_version;
	char key[512];
	int nfaults;
	int ordinal[FINDING_MAX_FAULTS];
	/* The sites of the fault's call in its function then (0: unknown):
	 * another number now means the ordinal may name another call. */
	int calls[FINDING_MAX_FAULTS];
};
int report_store_read(const char *path, struct store_entry *se, char *why, int whylen);
/* --- --resume (prior.c): the resumed campaign's findings --------------- */
/* The findings and aborts of the report.json at path (OUT/.unredacted.json
 * instead when there is one: writing masks them again; no file: none),
 * taken as r's, before its first finding: report_add_finding answers a
 * key they hold with its id, not as new (its hits counted); new findings
 * are numbered after them; report.json lists them first and
 * report_nfindings counts them. OUT/findings/N of an id they do not list
 * (a killed campaign's, its report never written) is removed. 0, or
 * -errno with a one-line reason in why. */
int report_take_prior(struct report *r, const char *path, char *why, int whylen);

/* --- --fail-on=new (novelty.c): findings the store does not know ------ */
/* The keys of store_dir's files, a malloc'd NULL-terminated vector
 * (free each and it); none when store_dir does not exist, corrupt files
 * skipped. 0, or -errno with a reason in why (-EPROTONOSUPPORT: a store
 * of a newer fzsandbox). */
int report_store_keys(const char *store_dir, char ***keys, char *why, int whylen);
enum report_known { NOVELTY_NEW, NOVELTY_STORE, NOVELTY_BASELINE };
struct report_novelty {
	int id;
	char kind[32], where[128];	/* from the key: "signal", "parse_record" */
	enum report_known known;
};
/* Each finding of report_path marked "new" (its key in neither list) or
 * "known_in" the store or the baseline, written back; *out (malloc'd,
 * *nout entries, one per finding) says which. Returns the number of new
 * findings, or -errno with a reason in why. */
int report_mark_new(const char *report_path, char *const *store_keys, char *const *baseline,
		    struct report_novelty **out, int *nout, char *why, int whylen);
/* fzsandbox regress's verdicts, as OUT/regress.json. */
enum regress_status { REGRESS_FIXED, REGRESS_FAILING, REGRESS_FLAKY, REGRESS_UNMAPPABLE };
struct regress_entry {
	const char *file, *key, *kind, *top;
	enum regress_status status;
	int reproduced, runs;
	bool baseline;		/* its key is in --baseline */
	char why[256];		/* unmappable: which fault, why */
};
int report_regress_write(const char *out_dir, const struct regress_entry *v, int n, int runs,
			 char *why, int whylen);

#endif
