/* report_int.h - private to the reporters/ files that share struct report. */
#ifndef FZ_REPORT_INT_H
#define FZ_REPORT_INT_H

#include "reporters/report.h"

struct fthread {
	pid_t tid;
	int thread;
	int nframes;
	struct frame *frames;	/* nframes of them, malloc'd */
};

struct finding {
	int id;
	enum finding_kind kind;
	int signal;
	int exit_status;
	pid_t pid, tid;
	int thread;
	bool loader;
	char sanitizer[64];
	char detail[256];
	char note[256];
	bool counted;		/* not a deliberate abort, or --abort-is-finding */
	int nthreads;
	struct fthread *threads;	/* threads[0] faulted */
	int nfaults;
	struct fault_rec faults[FINDING_MAX_FAULTS];
	unsigned hits;
	char *key;		/* dedupe key */
	char *replay;		/* shell command line */
	char *stdout_rel;	/* relative to out_dir, NULL if not kept */
	char *stderr_rel;
	char *input_rel;	/* a fuzz run's input (findings/ID/input) */
	bool exec_run;		/* snapshot mode: found in an exec-mode run */
	/* FIND_STATE: the --check command, its output kept (NULL: none). */
	char check[256];
	char *check_stdout_rel, *check_stderr_rel;
	struct finding_slowdown slow;	/* FIND_SLOWDOWN */
	struct finding_output out;	/* FIND_SILENT */
	struct finding_crash crash;	/* FIND_CRASH */
};

/* A slowdown's hottest stack: its index in threads[], -1 none. */
static inline int finding_hot(const struct finding *f)
{
	return f->kind == FIND_SLOWDOWN && f->slow.hot_hits > 0 && f->slow.hot_index >= 0 &&
	       f->slow.hot_index < f->nthreads ? f->slow.hot_index : -1;
}

struct fault_class {
	char *name;
	unsigned long long count;
};

/* Deep copies of report_meta: the caller's strings need not outlive us. */
struct report {
	char **argv;
	char **envp;
	char **requests;
	char *cwd;
	char *stdin_path;
	char *inject;
	char *options;
	char **options_argv;
	uint64_t seed;
	char *out_dir;
	char *self;
	bool abort_is_finding;
	unsigned shard_k, shard_n;
	char **plan_options;
	char build_id[129];	/* argv[0]'s GNU build-id, hex; "" none */

	struct site *sites;
	int nsites, sites_cap;
	struct finding *findings;
	int nfindings, findings_cap;
	struct fault_class *classes;
	int nclasses;

	unsigned runs;
	unsigned runs_planned, runs_done;
	bool plan_set, plan_capped;
	const char *capped_by;	/* a static name, or NULL */

	/* Service mode (report_set_service_clean): the clean run's counts
	 * and the totals over every run. */
	bool service;
	struct run_service svc_clean, svc_total;
	bool svc_exited;
	int svc_status;
	unsigned svc_runs, svc_listened;

	/* --replay (report_set_replay): replay_file non-NULL. */
	char *replay_file;
	int replay_finding, replay_runs, replay_reproduced;
	bool coverage_set;
	struct report_coverage coverage;
	struct exe_count *exes;	/* report_set_executables; NULL: not set */
	int nexes;

	/* What each faulted run did (report_add_outcome), and the clean
	 * run (clean_set). */
	struct outcome *outcomes;
	int noutcomes, outcomes_cap;
	struct outcome clean;
	bool clean_set;
	/* report_set_jail_refusals: the clean run's, in the jail. */
	struct report_refusal *refusals;
	int nrefusals;
	/* --resume (report_take_prior): the earlier campaign's findings and
	 * aborts, as report.json had them; new ids come after prior_max_id. */
	struct json_object *prior[2];
	int prior_max_id;
};

/* prior.c (--resume): the id of the earlier campaign's finding of that
 * key, its hits counted, or 0; how many findings (aborts true: aborts) it
 * had; and them, into report.json's arrays. */
int report_prior_hit(struct report *r, const char *key);
int report_prior_count(const struct report *r, bool aborts);
void report_prior_push(const struct report *r, struct json_object *findings,
		       struct json_object *aborts);
/* Runs to show: the campaign's own count once report_set_plan told it. */
unsigned report_runs(const struct report *r);
/* "SIGSEGV" into buf; "SIG<n>" for signals without a name. */
const char *report_signal_name(int sig, char *buf, size_t len);
/* finding_key.c (calls nothing else of reporters/): the dedupe key of f
 * (malloc'd into *key), 0 or -ENOMEM; and the index of the first frame
 * outside the system modules, or -1. */
int report_finding_key(const struct run_finding *f, char **key);
int frames_top(const struct frame *frames, int n);
/* Is k one of enum finding_kind's values (a name of its own)? */
bool finding_kind_valid(enum finding_kind k);
/* NULL-terminated string vectors; dup of NULL is an empty vector. */
char **report_strv_dup(char *const *v);
void report_strv_free(char **v);
/* The words of s, split at spaces, as a vector (of NULL: empty); NULL
 * when out of memory. */
char **report_words_split(const char *s);
/* mkdir -p with mode 0755. Returns 0 or -errno. */
int report_mkdirs(const char *path);
/* Copy a run's captured output file src to OUT/findings/<id>/<name>;
 * *rel gets "findings/<id>/<name>", or NULL when there was nothing to
 * copy (src NULL or gone). Returns 0 or -errno. */
int report_copy_output(const struct report *r, int id, const char *src,
		       const char *name, char **rel);

/* replay.c: report.json (or any JSON object file of at most 64 MiB) at
 * path, parsed; NULL with a one-line reason in why. json_object_put it. */
struct json_object;
struct json_object *report_json_read(const char *path, char *why, int whylen);
/* o's member key if it is of type t (json_type), else NULL (o NULL too):
 * every reader of a report checks each field's type. */
struct json_object *json_field(struct json_object *o, const char *key, int t);
/* report_json.c: o into path as pretty JSON, through a temporary file
 * beside it renamed over path. 0 or -errno. */
int report_json_write_file(const char *path, struct json_object *o);
/* A one-line reason into why (whylen bytes), and err returned. */
__attribute__((format(printf, 4, 5)))
int report_why(char *why, int whylen, int err, const char *fmt, ...);
/* findings.c: the replay command line of finding id of the report in
 * out_dir, run by the fzsandbox at self (malloc'd), 0 or -ENOMEM. */
int report_replay_line(const char *self, const char *out_dir, int id, char **out);

/* sarif.c, junit.c: report.json (parsed) as SARIF 2.1.0 / JUnit XML at
 * path. 0 or -errno. */
int report_sarif_write(struct json_object *report, const char *path, const char *source_root);
int report_junit_write(struct json_object *report, const char *path);
/* The same with a testsuite per report, named names[i] (names NULL: each
 * program's base name): a --campaign's components. */
int report_junit_write_suites(struct json_object *const *reports, const char *const *names, int n,
			      const char *path);

/* sanitizer.c: scan the file at path for a sanitizer report. Returns 1
 * and fills kind (e.g. "heap-buffer-overflow", "runtime-error") and the
 * stack from the report's "#N 0x... in func file:line" lines, 0 if there
 * is none, -errno on error. */
int sanitizer_scan(const char *path, char *kind, int kindlen, struct thread_stack *stack);

/* redact_json.c (--redact, util/redact.h): mask every string of o, in
 * place; the number masked or -ENOMEM (0 without --redact). _top also
 * marks the document "redacted": true when something was masked. */
int report_redact_json(struct json_object *o);
int report_redact_top(struct json_object *o);
/* OUT/.unredacted.json, mode 0600: report's run fields (argv, env, ...)
 * as they were, for --replay; call before masking. Copied as it is into
 * a merge's OUT. 0 or -errno. */
#define REPORT_UNREDACTED ".unredacted.json"
int report_write_unredacted(const char *out_dir, struct json_object *report);
int report_copy_unredacted(const char *from_dir, const char *out_dir);
/* replay.c: a redacted report without its .unredacted.json: each masked NAME=...
 * of s->envp from fzsandbox's environment, a masked --redact word
 * dropped; -EPERM with a reason when anything else stays masked. */
int replay_unredact(struct replay_spec *s, const char *path, char *why, int whylen);

#endif
