/* options.h - the command line, parsed into one struct (replay feeds the
 * stored options through the same parser). */
#ifndef FZ_OPTIONS_H
#define FZ_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "inject/inject.h"
#include "sandbox/sandbox.h"

#define OPT_MAX_FAULTS 16

struct options {
	unsigned classes;
	char inject_str[64];
	const char *out_dir;
	long timeout_ms, grace_ms, reply_timeout_ms, budget_ms;
	char **requests;	/* expanded file list, NULL-terminated */
	int nrequests;
	bool service;
	bool show_replies;	/* print the clean run's replies */
	const char *stdin_path;
	struct plan_fault faults[OPT_MAX_FAULTS];
	int fault_site_ids[OPT_MAX_FAULTS];
	int nfaults;
	int occurrences;
	long max_runs;
	bool stop_on_finding;	/* end at the first finding (a normal end) */
	char **exclude;		/* NULL-terminated */
	int nexclude;
	const char *replay;
	int replay_runs;
	char **setenv_list, **unsetenv_list;
	int nsetenv, nunsetenv;
	bool clear_env;
	bool from_exec;
	bool fail_on_exit;
	bool abort_is_finding;	/* count deliberate out-of-memory aborts */
	/* --cpu=N (-1: none, --cpu=off); --fuzz without it: a free CPU
	 * (cpu_auto, cli/cpu_pick.h), not stored for replay. */
	int cpu;
	bool cpu_set, cpu_auto;
	bool quiet;
	char **system_modules;	/* --system-module names, for replay */
	int nsystem_modules;
	bool random;		/* seeded random runs after the plan */
	double probability;
	uint64_t seed;
	bool seed_set;
	const char *suppress;	/* suppressions file */
	/* The jail (sandbox/): on unless --no-sandbox. uid/gid: the host
	 * ids a root caller's jail maps to. */
	bool sandbox;
	bool no_auto_bind;	/* --no-auto-bind: no binds for the program's arguments */
	bool uid_set;
	unsigned uid, gid;
	char **allow_syscalls;	/* --allow-syscall: names the jail's policy lets through */
	int nallow_syscalls;
	/* --rlimit-*, --memory-limit, --pids-limit (sandbox/sandbox.h). */
	struct sandbox_limits limits;
	/* --tmp-size: the jail's /tmp and /dev/shm (sandbox_opts.tmp_size). */
	unsigned long long tmp_size;
	/* --inject=none without --replay: one run, stdio passed through, the
	 * program's exit status (cli/standalone.c). Known before any other
	 * option is checked, so die() already exits 125 on a bad one. */
	bool standalone;
	bool out_set;		/* --out given (standalone writes a report then) */
	int violation_exit;	/* --violation-exit=N, -1 when not given */
	int net;		/* enum sandbox_net (--net) */
	bool net_set;
	/* --bind / --ro-bind: "SRC:DST" with SRC resolved, DST absolute. */
	char **binds, **ro_binds;
	int nbinds, nro_binds;
	const char *workdir;	/* --workdir=DIR: each run gets a fresh copy */
	const char *workdir_hash;	/* --workdir-hash: DIR must hash to this */
	char **redacts;		/* --redact, NULL-terminated (for replay) */
	int nredacts;
	/* --check=CMD: run by /bin/sh -c in the run's work directory after
	 * every run (cli/checker.c); --check-timeout bounds each. */
	char **checks;		/* NULL-terminated */
	int nchecks;
	long check_timeout_ms;
	/* --shard=K/N: fail only the sites of shard K (0 <= K < N); N 0: none. */
	unsigned shard_k, shard_n;
	/* --format: REPORT_FMT_* bits; --source-root: SARIF's base (NULL: cwd). */
	unsigned formats;
	const char *source_root;
	/* --store=DIR: each finding into the findings store (reporters/store.c). */
	const char *store;
	/* --fail-on=new (cli/fail_on.h): only findings neither in the store
	 * nor in --baseline=FILE fail the campaign (exit 1). */
	bool fail_on_new;
	const char *baseline;
	/* --slowdown=FACTOR (cli/slowdown.h): 0 off [10]. */
	double slowdown;
	/* --check=output (OPT_OUTPUT_LOSS) or --check=output-diff
	 * (OPT_OUTPUT_DIFF), 0: neither (cli/outcheck.h); --ignore=REGEX,
	 * each a valid POSIX extended regex. */
	int check_output;
	/* --malloc-check: glibc's debugging malloc preloaded, MALLOC_CHECK_=3
	 * (cli/malloc_check.h). */
	bool malloc_check;
	/* --keep-aslr: the runs keep address randomization (tracer_opts'
	 * no_aslr, else set for every run but --inject=none's). */
	bool keep_aslr;
	/* --crash-at=durability and --recover=CMD (cli/crash.h): a run per
	 * durability point of the clean run, killed right after it. */
	bool crash_at;
	bool crash_drop;	/* --crash-drop: what a power cut leaves (cli/crash_drop.h) */
	const char *recover;
	char **ignores;		/* NULL-terminated */
	int nignores;
	/* --only-exe, --only-path (NULL-terminated globs), --only-fd
	 * (PRED_FD_* mask): cli/options_only.c. */
	char **only_exe, **only_path;
	int nonly_exe, nonly_path;
	unsigned only_fd;
	/* --snapshot (snapshot/, cli/runner_snap.c): fork each run from a
	 * template parked at --snapshot-at's point (NULL: stdin's first call);
	 * auto: exec mode when the template cannot be made. */
	enum { SNAPSHOT_OFF, SNAPSHOT_ON, SNAPSHOT_AUTO } snapshot;
	bool snapshot_set;
	const char *snapshot_at;
	/* --restore=off: every snapshot run a fresh fork; else (auto) a batch
	 * child put back in place at its exit where it can be (tracer/restore.h). */
	bool restore_off;
	/* --fuzz --corpus=DIR (cli/fuzz.h): mutated inputs; each run a
	 * random one at --fuzz-faults=P (0: no fault). */
	bool fuzz;
	const char *corpus;
	double fuzz_faults;
	/* --fuzz-mutate=input,faults: FUZZ_MUTATE_* (inject/sched.h); 0:
	 * not given, the input alone. */
	unsigned fuzz_mutate;
	/* --dict=FILE (cli/fuzz_dict.c), up to 4 as afl-fuzz's -x. */
	const char *dicts[4];
	int ndicts;
	/* --custom-mutator=SO, --custom-mutator-only (cli/fuzz_custom.c). */
	const char *custom_mutator;
	bool custom_mutator_only;
	bool auto_dict;		/* --auto-dict (cli/fuzz_autodict.c) */
	bool resume;		/* --resume: go on from OUT (cli/fuzz_resume.c) */
	/* --feedback: the syscall shape and, for an afl-cc build, AFL++'s
	 * edge map (auto), the shape alone, or the edge map alone
	 * (cli/aflmap.h). */
	enum { FEEDBACK_AUTO, FEEDBACK_SHAPE, FEEDBACK_AFL } feedback;
	bool feedback_set;
	/* -j N / --jobs=N: worker processes making the runs after the
	 * clean one (cli/pool.c); 1: this process alone. -j0: one per CPU. */
	int jobs;
	char *config_text;	/* --config's text: options point into it */
	/* --campaign=FILE (cli/campaign_file.c): no program; --changed-from=REV;
	 * the command line's other options as words for each component. */
	const char *campaign, *changed_from;
	char **campaign_words;	/* NULL-terminated */
	int ncampaign_words;
	char **argv;		/* the program and its arguments */
};

/* options_oracles.c: --slowdown's FACTOR (0, or at least 2); die()s on
 * anything else. */
double options_parse_slowdown(const char *arg);
#define OPT_SLOWDOWN_DEFAULT 10.0
/* --check=WORD: "output" and "output-diff" are fzsandbox's own oracle,
 * not a command (true: taken). --ignore=REGEX: die()s on a bad regex. */
enum { OPT_OUTPUT_LOSS = 1, OPT_OUTPUT_DIFF = 2 };
bool options_parse_check_word(struct options *o, const char *arg);
void options_parse_ignore(struct options *o, const char *arg);
/* --crash-at=WHERE ("durability" only), and the oracles' options that
 * need one another (after the command line): die()s on bad input. */
void options_parse_crash_at(struct options *o, const char *arg);
void options_parse_recover(struct options *o, const char *arg);
void options_check_oracles(const struct options *o);

/* --fuzz-faults=P: a probability in [0, 1] (cli/fuzz.c); die()s else. */
double options_fuzz_faults(const char *arg);
/* --fuzz-mutate=LIST: "input", "faults" or both, comma-separated
 * (cli/fuzz.c); die()s else. */
unsigned options_fuzz_mutate(const char *arg);
/* --feedback=auto|shape|afl: FEEDBACK_* (cli/aflmap.c); die()s else. */
int options_feedback(const char *arg);
/* options_values.c: the values options take, each bad one a die() line
 * naming the option (opt) and the value. */
void options_parse_shard(struct options *o, const char *v);
/* options_jobs.c: -j N (0: one per CPU this process may use); after the
 * command line, the modes that cannot run two at a time (exit 2). */
int options_parse_jobs(const char *arg);
void options_check_jobs(struct options *o);
long options_parse_count(const char *opt, const char *v, long min, long max);
double options_parse_probability(const char *v);
uint64_t options_parse_seed(const char *v);
void options_push(char ***list, int *n, const char *s);	/* a string to a NULL-terminated list */
void options_add_requests(struct options *o, const char *path);	/* a file, or a directory's files */
void options_parse_uid(struct options *o, const char *arg);
void options_parse_bind(const char *opt, char ***list, int *n, const char *arg);
unsigned long long options_parse_limit(const char *opt, const char *v, bool size, bool unlimited);
void options_parse_allow_syscall(struct options *o, const char *arg);
/* A bad --fault: which faults its call can take, or the bad token. */
__attribute__((noreturn)) void options_bad_fault(const char *arg, const char *call, const char *bad);
/* options_redact.c: --redact=REGEX into util/redact.h's list (exit 2 on
 * a bad one), fzsandbox's own stdout/stderr masked from then on; _arg
 * without keeping the word (subcommands). */
void options_redact(struct options *o, const char *re);
void options_redact_arg(const char *re);
/* options_only.c: --only-exe, --only-path, --only-fd; die()s on bad input. */
void options_only_exe(struct options *o, const char *arg);
void options_only_path(struct options *o, const char *arg);
void options_only_fd(struct options *o, const char *arg);

/* One "name = value" line of a --config or --campaign file (value NULL:
 * none) applied to o: die()s on an unknown or refused name or a bad value
 * (the caller sets the FILE:LINE context). */
void options_config_line(struct options *o, const char *name, const char *value);
/* fail_on.c: --fail-on=any|new (true: new), die()s naming opt on
 * anything else; and what it needs of the other options. */
bool options_parse_fail_on(const char *opt, const char *arg);
void options_check_fail_on(const struct options *o);

/* Parse argv; on bad input die() with one line naming it. */
void options_parse(int argc, char **argv, struct options *o);
/* The options that change what a run does, as CLI words (for replay):
 * one word each, NULL-terminated (report.json "options_argv"), or joined
 * with spaces (its "options", for people: a word may hold a space). */
char **options_describe_argv(const struct options *o);
char *options_describe(const struct options *o);
void options_argv_free(char **v);
/* Apply stored words (from a report), one option each, on top of o. */
void options_apply_argv(char *const *words, struct options *o);

#endif
