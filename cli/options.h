/* options.h - the command line, parsed into one struct (replay feeds the
 * stored options through the same parser). */
#ifndef FZ_OPTIONS_H
#define FZ_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "inject/inject.h"

#define OPT_MAX_FAULTS 16

struct options {
	unsigned classes;
	char inject_str[64];
	const char *out_dir;
	long timeout_ms, grace_ms, reply_timeout_ms, budget_ms;
	char **requests;	/* expanded file list, NULL-terminated */
	int nrequests;
	bool service;
	const char *stdin_path;
	struct plan_fault faults[OPT_MAX_FAULTS];
	int fault_site_ids[OPT_MAX_FAULTS];
	int nfaults;
	int occurrences;
	long max_runs;
	char **exclude;		/* NULL-terminated */
	int nexclude;
	const char *replay;
	int replay_runs;
	char **setenv_list, **unsetenv_list;
	int nsetenv, nunsetenv;
	bool clear_env;
	bool from_exec;
	bool fail_on_exit;
	int cpu;
	bool quiet;
	bool random;		/* seeded random runs after the plan */
	double probability;
	uint64_t seed;
	bool seed_set;
	const char *suppress;	/* suppressions file */
	/* The jail (sandbox/): opt-in until issue 5 is complete, then the
	 * default. uid/gid: the host ids a root caller's jail maps to. */
	bool sandbox;
	bool uid_set;
	unsigned uid, gid;
	char **argv;		/* the program and its arguments */
};

/* Parse argv; on bad input die() with one line naming it. */
void options_parse(int argc, char **argv, struct options *o);
/* The options that change what a run does, as CLI words (for replay). */
char *options_describe(const struct options *o);
/* Apply stored words (from a report) on top of o. */
void options_apply_words(const char *words, struct options *o);

#endif
