/* options.c - GNU long options; every bad value is an exit-2 line that
 * names it (cli/die.h). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cpu_pick.h"
#include "cli/die.h"
#include "cli/duration.h"
#include "cli/options.h"
#include "cli/usage.h"
#include "reporters/report.h"
#include "sandbox/policy.h"
#include "sandbox/sandbox.h"
#include "snapshot/snapshot.h"

enum {
	O_INJECT = 256, O_OUT, O_TIMEOUT, O_GRACE, O_REPLY_TIMEOUT, O_BUDGET, O_REQUEST,
	O_SERVICE, O_STDIN, O_FAULT, O_OCCURRENCES, O_MAX_RUNS, O_EXCLUDE_SITE, O_REPLAY,
	O_REPLAY_RUNS, O_SETENV, O_UNSETENV, O_CLEAR_ENV, O_FROM, O_SYSTEM_MODULE, O_DEBUGINFO_PATH,
	O_FAIL_ON_EXIT, O_CPU, O_RANDOM, O_PROBABILITY, O_SEED, O_SUPPRESS, O_SANDBOX, O_UID,
	O_ALLOW_SYSCALL,
	O_RLIMIT_AS, O_RLIMIT_NOFILE, O_RLIMIT_NPROC, O_RLIMIT_CPU, O_RLIMIT_FSIZE, O_MEMORY_LIMIT,
	O_PIDS_LIMIT, O_TMP_SIZE,
	O_VIOLATION_EXIT, O_NET, O_BIND, O_RO_BIND, O_WORKDIR, O_WORKDIR_HASH, O_CONFIG,
	O_NO_AUTO_BIND, O_NO_SANDBOX, O_LIST_CLASSES, O_LIST_FAULTS, O_SHOW_REPLIES, O_ABORT_IS_FINDING,
	O_CHECK, O_CHECK_TIMEOUT, O_SHARD, O_FORMAT, O_SOURCE_ROOT, O_STORE, O_SLOWDOWN,
	O_ONLY_EXE, O_ONLY_PATH, O_ONLY_FD, O_SNAPSHOT, O_SNAPSHOT_AT, O_IGNORE,
	O_MALLOC_CHECK, O_KEEP_ASLR, O_RESTORE, O_CRASH_AT, O_RECOVER, O_CRASH_DROP, O_FUZZ, O_CORPUS, O_FUZZ_FAULTS,
	O_DICT, O_FUZZ_MUTATE, O_CUSTOM_MUTATOR, O_CUSTOM_MUTATOR_ONLY, O_AUTO_DICT, O_FEEDBACK,
	O_RESUME,
	O_STOP_ON_FINDING,
	O_REDACT, O_CAMPAIGN, O_CHANGED_FROM, O_FAIL_ON, O_BASELINE,
};

static const struct option longopts[] = {
	{ "inject", required_argument, NULL, O_INJECT },
	{ "out", required_argument, NULL, O_OUT },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "grace", required_argument, NULL, O_GRACE },
	{ "reply-timeout", required_argument, NULL, O_REPLY_TIMEOUT },
	{ "show-replies", no_argument, NULL, O_SHOW_REPLIES },
	{ "budget", required_argument, NULL, O_BUDGET },
	{ "request", required_argument, NULL, O_REQUEST },
	{ "service", no_argument, NULL, O_SERVICE },
	{ "stdin", required_argument, NULL, O_STDIN },
	{ "fault", required_argument, NULL, O_FAULT },
	{ "occurrences", required_argument, NULL, O_OCCURRENCES },
	{ "max-runs", required_argument, NULL, O_MAX_RUNS },
	{ "stop-on-finding", no_argument, NULL, O_STOP_ON_FINDING },
	{ "exclude-site", required_argument, NULL, O_EXCLUDE_SITE },
	{ "only-exe", required_argument, NULL, O_ONLY_EXE },
	{ "only-path", required_argument, NULL, O_ONLY_PATH },
	{ "only-fd", required_argument, NULL, O_ONLY_FD },
	{ "replay", required_argument, NULL, O_REPLAY },
	{ "replay-runs", required_argument, NULL, O_REPLAY_RUNS },
	{ "setenv", required_argument, NULL, O_SETENV },
	{ "unsetenv", required_argument, NULL, O_UNSETENV },
	{ "clear-env", no_argument, NULL, O_CLEAR_ENV },
	{ "from", required_argument, NULL, O_FROM },
	{ "system-module", required_argument, NULL, O_SYSTEM_MODULE },
	{ "debuginfo-path", required_argument, NULL, O_DEBUGINFO_PATH },
	{ "fail-on-exit", no_argument, NULL, O_FAIL_ON_EXIT },
	{ "abort-is-finding", no_argument, NULL, O_ABORT_IS_FINDING },
	{ "cpu", required_argument, NULL, O_CPU },
	{ "random", no_argument, NULL, O_RANDOM },
	{ "probability", required_argument, NULL, O_PROBABILITY },
	{ "seed", required_argument, NULL, O_SEED },
	{ "suppress", required_argument, NULL, O_SUPPRESS },
	{ "sandbox", no_argument, NULL, O_SANDBOX },
	{ "no-sandbox", no_argument, NULL, O_NO_SANDBOX },
	{ "uid", required_argument, NULL, O_UID },
	{ "allow-syscall", required_argument, NULL, O_ALLOW_SYSCALL },
	{ "rlimit-as", required_argument, NULL, O_RLIMIT_AS },
	{ "rlimit-nofile", required_argument, NULL, O_RLIMIT_NOFILE },
	{ "rlimit-nproc", required_argument, NULL, O_RLIMIT_NPROC },
	{ "rlimit-cpu", required_argument, NULL, O_RLIMIT_CPU },
	{ "rlimit-fsize", required_argument, NULL, O_RLIMIT_FSIZE },
	{ "memory-limit", required_argument, NULL, O_MEMORY_LIMIT },
	{ "pids-limit", required_argument, NULL, O_PIDS_LIMIT },
	{ "tmp-size", required_argument, NULL, O_TMP_SIZE },
	{ "violation-exit", required_argument, NULL, O_VIOLATION_EXIT },
	{ "net", required_argument, NULL, O_NET },
	{ "bind", required_argument, NULL, O_BIND },
	{ "ro-bind", required_argument, NULL, O_RO_BIND },
	{ "no-auto-bind", no_argument, NULL, O_NO_AUTO_BIND },
	{ "workdir", required_argument, NULL, O_WORKDIR },
	{ "check", required_argument, NULL, O_CHECK },
	{ "check-timeout", required_argument, NULL, O_CHECK_TIMEOUT },
	{ "shard", required_argument, NULL, O_SHARD },
	{ "jobs", required_argument, NULL, 'j' },
	{ "format", required_argument, NULL, O_FORMAT },
	{ "source-root", required_argument, NULL, O_SOURCE_ROOT },
	{ "store", required_argument, NULL, O_STORE },
	{ "fail-on", required_argument, NULL, O_FAIL_ON },
	{ "baseline", required_argument, NULL, O_BASELINE },
	{ "slowdown", required_argument, NULL, O_SLOWDOWN },
	{ "snapshot", required_argument, NULL, O_SNAPSHOT },
	{ "snapshot-at", required_argument, NULL, O_SNAPSHOT_AT },
	{ "ignore", required_argument, NULL, O_IGNORE },
	{ "malloc-check", no_argument, NULL, O_MALLOC_CHECK },
	{ "keep-aslr", no_argument, NULL, O_KEEP_ASLR },
	{ "restore", required_argument, NULL, O_RESTORE },
	{ "crash-at", required_argument, NULL, O_CRASH_AT },
	{ "recover", required_argument, NULL, O_RECOVER },
	{ "crash-drop", no_argument, NULL, O_CRASH_DROP },
	{ "fuzz", no_argument, NULL, O_FUZZ },
	{ "corpus", required_argument, NULL, O_CORPUS },
	{ "fuzz-faults", required_argument, NULL, O_FUZZ_FAULTS },
	{ "dict", required_argument, NULL, O_DICT },
	{ "fuzz-mutate", required_argument, NULL, O_FUZZ_MUTATE },
	{ "custom-mutator", required_argument, NULL, O_CUSTOM_MUTATOR },
	{ "custom-mutator-only", no_argument, NULL, O_CUSTOM_MUTATOR_ONLY },
	{ "auto-dict", no_argument, NULL, O_AUTO_DICT },
	{ "resume", no_argument, NULL, O_RESUME },
	{ "feedback", required_argument, NULL, O_FEEDBACK },
	{ "redact", required_argument, NULL, O_REDACT },
	{ "workdir-hash", required_argument, NULL, O_WORKDIR_HASH },
	{ "config", required_argument, NULL, O_CONFIG },
	{ "campaign", required_argument, NULL, O_CAMPAIGN },
	{ "changed-from", required_argument, NULL, O_CHANGED_FROM },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "list-classes", no_argument, NULL, O_LIST_CLASSES },	/* hidden: tests */
	{ "list-faults", no_argument, NULL, O_LIST_FAULTS },	/* hidden: docs, tests */
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void parse_one(struct options *o, int c, const char *arg)
{
	char bad[256];

	switch (c) {
	case O_INJECT:
		if (inject_parse_classes(arg, &o->classes, bad, sizeof(bad)) < 0) {
			char all[128];
			size_t n = 0;

			for (int i = 0; i < inject_nclasses() && n < sizeof(all); i++)
				n += snprintf(all + n, sizeof(all) - n, "%s, ", inject_class_name(i));
			die("--inject: unknown fault class '%s' (classes: %sall, none)", bad, all);
		}
		snprintf(o->inject_str, sizeof(o->inject_str), "%s", arg);
		break;
	case O_OUT: o->out_dir = arg; o->out_set = true; break;
	case O_TIMEOUT:
		o->timeout_ms = duration_arg("--timeout", arg);
		if (o->timeout_ms <= 0)
			die("--timeout: must be more than 0, got '%s'", arg);
		break;
	case O_GRACE: o->grace_ms = duration_arg("--grace", arg); break;
	case O_REPLY_TIMEOUT:
		o->reply_timeout_ms = duration_arg("--reply-timeout", arg);
		if (o->reply_timeout_ms <= 0)
			die("--reply-timeout: must be more than 0, got '%s'", arg);
		break;
	case O_BUDGET: o->budget_ms = duration_arg("--budget", arg); break;
	case O_REQUEST: options_add_requests(o, arg); o->service = true; break;
	case O_SERVICE: o->service = true; break;
	case O_STDIN: o->stdin_path = arg; break;
	case O_FAULT:
		if (o->nfaults == OPT_MAX_FAULTS)
			die("--fault: at most %d faults", OPT_MAX_FAULTS);
		switch (plan_fault_parse(arg, &o->faults[o->nfaults], &o->fault_site_ids[o->nfaults],
					 bad, sizeof(bad))) {
		case 0: break;
		case -EDOM: die("--fault=%s: %s", arg, bad);	/* a predicate */
		default: options_bad_fault(arg, o->faults[o->nfaults].call, bad);
		}
		o->nfaults++;
		break;
	case O_OCCURRENCES: o->occurrences = (int)options_parse_count("--occurrences", arg, 1, 1000); break;
	case O_MAX_RUNS: o->max_runs = options_parse_count("--max-runs", arg, 1, LONG_MAX); break;
	case O_EXCLUDE_SITE:
		if (!*arg)
			die("--exclude-site: empty site key or function");
		options_push(&o->exclude, &o->nexclude, arg);
		break;
	case O_REPLAY: o->replay = arg; break;
	case O_REPLAY_RUNS: o->replay_runs = (int)options_parse_count("--replay-runs", arg, 1, 100000); break;
	case O_SETENV:
		if (!strchr(arg, '=') || arg[0] == '=')
			die("--setenv: expected NAME=VALUE, got '%s'", arg);
		options_push(&o->setenv_list, &o->nsetenv, arg);
		break;
	case O_UNSETENV:
		if (!*arg || strchr(arg, '='))
			die("--unsetenv: bad variable name '%s'", arg);
		options_push(&o->unsetenv_list, &o->nunsetenv, arg);
		break;
	case O_CLEAR_ENV: o->clear_env = true; break;
	case O_FROM:
		if (strcmp(arg, "exec") == 0)
			o->from_exec = true;
		else if (strcmp(arg, "entry") == 0)
			o->from_exec = false;
		else
			die("--from: expected 'entry' or 'exec', got '%s'", arg);
		break;
	case O_SYSTEM_MODULE:
		if (!*arg || unwind_add_system_module(arg) < 0)
			die("--system-module: cannot add '%s'", arg);
		options_push(&o->system_modules, &o->nsystem_modules, arg);
		break;
	case O_DEBUGINFO_PATH:
		if (unwind_set_debuginfo_path(arg) < 0)
			die("--debuginfo-path: expected absolute directories separated by ':', got '%s'",
			    arg);
		break;
	case O_FAIL_ON_EXIT: o->fail_on_exit = true; break;
	case O_ABORT_IS_FINDING: o->abort_is_finding = true; break;
	case O_SNAPSHOT:
		if (strcmp(arg, "off") == 0)
			o->snapshot = SNAPSHOT_OFF;
		else if (strcmp(arg, "on") == 0)
			o->snapshot = SNAPSHOT_ON;
		else if (strcmp(arg, "auto") == 0)
			o->snapshot = SNAPSHOT_AUTO;
		else
			die("--snapshot: expected 'on', 'off' or 'auto', got '%s'", arg);
		o->snapshot_set = true;
		break;
	case O_SNAPSHOT_AT: {
		struct snapshot *sn;
		char why[128];

		if (snapshot_new(arg, &sn, why, sizeof(why)) < 0)
			die("--snapshot-at: %s", why);
		snapshot_free(sn);
		o->snapshot_at = arg;
		if (!o->snapshot_set)
			o->snapshot = SNAPSHOT_ON;	/* implied, unless said */
		break;
	}
	case O_CPU:
		o->cpu_set = true;
		if (strcmp(arg, "off") == 0) {
			o->cpu = -1;
			break;
		}
		o->cpu = (int)options_parse_count("--cpu", arg, 0, 4095);
		if (o->cpu >= sysconf(_SC_NPROCESSORS_CONF))
			die("--cpu: no CPU %d here (CPUs 0 to %ld)", o->cpu, sysconf(_SC_NPROCESSORS_CONF) - 1);
		break;
	case O_RANDOM: o->random = true; break;
	case O_STOP_ON_FINDING: o->stop_on_finding = true; break;
	case O_PROBABILITY: o->probability = options_parse_probability(arg); break;
	case O_SEED:
		o->seed = options_parse_seed(arg);
		o->seed_set = true;
		break;
	case O_SUPPRESS: o->suppress = arg; break;
	case O_SANDBOX: o->sandbox = true; break;
	case O_NO_SANDBOX: o->sandbox = false; break;
	case O_NO_AUTO_BIND: o->no_auto_bind = true; break;
	case O_UID: options_parse_uid(o, arg); break;
	case O_ALLOW_SYSCALL: options_parse_allow_syscall(o, arg); break;
	case O_RLIMIT_AS: o->limits.rlim[SB_RLIM_AS] = options_parse_limit("--rlimit-as", arg, true, true); break;
	case O_RLIMIT_FSIZE:
		o->limits.rlim[SB_RLIM_FSIZE] = options_parse_limit("--rlimit-fsize", arg, true, true);
		break;
	case O_RLIMIT_NOFILE:
		o->limits.rlim[SB_RLIM_NOFILE] = options_parse_limit("--rlimit-nofile", arg, false, true);
		break;
	case O_RLIMIT_NPROC:
		o->limits.rlim[SB_RLIM_NPROC] = options_parse_limit("--rlimit-nproc", arg, false, true);
		break;
	case O_RLIMIT_CPU: o->limits.rlim[SB_RLIM_CPU] = options_parse_limit("--rlimit-cpu", arg, false, true); break;
	case O_MEMORY_LIMIT: o->limits.memory = options_parse_limit("--memory-limit", arg, true, false); break;
	case O_PIDS_LIMIT: o->limits.pids = options_parse_limit("--pids-limit", arg, false, false); break;
	case O_TMP_SIZE: o->tmp_size = options_parse_limit("--tmp-size", arg, true, true); break;
	case O_VIOLATION_EXIT: o->violation_exit = (int)options_parse_count("--violation-exit", arg, 0, 255); break;
	case O_NET:
		if (strcmp(arg, "loopback") == 0)
			o->net = SANDBOX_NET_LOOPBACK;
		else if (strcmp(arg, "none") == 0)
			o->net = SANDBOX_NET_NONE;
		else if (strcmp(arg, "host") == 0)
			o->net = SANDBOX_NET_HOST;
		else
			die("--net: expected 'loopback', 'none' or 'host', got '%s'", arg);
		o->net_set = true;
		break;
	case O_BIND: options_parse_bind("--bind", &o->binds, &o->nbinds, arg); break;
	case O_RO_BIND: options_parse_bind("--ro-bind", &o->ro_binds, &o->nro_binds, arg); break;
	case O_WORKDIR: {
		struct stat st;
		char *real = realpath(arg, NULL);

		if (!real || stat(real, &st) < 0)
			die_errno(errno, "--workdir: cannot use '%s'", arg);
		if (!S_ISDIR(st.st_mode))
			die("--workdir: '%s' is not a directory", arg);
		if (strcmp(real, "/") == 0)
			die("--workdir: '/' cannot be copied for every run");
		o->workdir = real;	/* stored words (replay) are freed */
		break;
	}
	case O_CHECK:
		if (!arg[strspn(arg, " \t")])
			die("--check: empty command");
		if (!options_parse_check_word(o, arg))
			options_push(&o->checks, &o->nchecks, arg);
		break;
	case O_SHARD: options_parse_shard(o, arg); break;
	case 'j': o->jobs = options_parse_jobs(arg); break;
	case O_ONLY_EXE: options_only_exe(o, arg); break;
	case O_ONLY_PATH: options_only_path(o, arg); break;
	case O_ONLY_FD: options_only_fd(o, arg); break;
	case O_FORMAT: {
		char word[64];

		if (report_formats_parse(arg, &o->formats, word, sizeof(word)) < 0)
			die("--format=%s: unknown format '%s' (text, json, sarif, junit)", arg, word);
		break;
	}
	case O_STORE:
		if (!*arg)
			die("--store: empty directory name");
		o->store = arg;
		break;
	case O_FAIL_ON: o->fail_on_new = options_parse_fail_on("--fail-on", arg); break;
	case O_BASELINE:
		if (!*arg)
			die("--baseline: empty file name");
		o->baseline = arg;
		break;
	case O_SOURCE_ROOT: {
		struct stat st;

		if (stat(arg, &st) < 0 || !S_ISDIR(st.st_mode))
			die("--source-root=%s: not a directory", arg);
		o->source_root = arg;
		break;
	}
	case O_CHECK_TIMEOUT:
		o->check_timeout_ms = duration_arg("--check-timeout", arg);
		if (o->check_timeout_ms <= 0)
			die("--check-timeout: must be more than 0, got '%s'", arg);
		break;
	case O_SLOWDOWN: o->slowdown = options_parse_slowdown(arg); break;
	case O_IGNORE: options_parse_ignore(o, arg); break;
	case O_MALLOC_CHECK: o->malloc_check = true; break;
	case O_KEEP_ASLR: o->keep_aslr = true; break;
	case O_RESTORE:
		if (strcmp(arg, "off") != 0 && strcmp(arg, "auto") != 0)
			die("--restore: expected 'auto' or 'off', got '%s'", arg);
		o->restore_off = strcmp(arg, "off") == 0;
		break;
	case O_CRASH_AT: options_parse_crash_at(o, arg); break;
	case O_RECOVER: options_parse_recover(o, arg); break;
	case O_CRASH_DROP: o->crash_drop = true; break;
	case O_FUZZ: o->fuzz = true; break;
	case O_CORPUS: o->corpus = arg; break;
	case O_FUZZ_FAULTS: o->fuzz_faults = options_fuzz_faults(arg); break;
	case O_FUZZ_MUTATE: o->fuzz_mutate = options_fuzz_mutate(arg); break;
	case O_CUSTOM_MUTATOR: o->custom_mutator = arg; break;
	case O_CUSTOM_MUTATOR_ONLY: o->custom_mutator_only = true; break;
	case O_AUTO_DICT: o->auto_dict = true; break;
	case O_RESUME: o->resume = true; break;
	case O_FEEDBACK: o->feedback = options_feedback(arg); o->feedback_set = true; break;
	case O_DICT:
		if (o->ndicts == (int)(sizeof(o->dicts) / sizeof(o->dicts[0])))
			die("--dict: at most %d dictionaries (as afl-fuzz's -x)", o->ndicts);
		o->dicts[o->ndicts++] = arg;
		break;
	case O_WORKDIR_HASH:
		if (strlen(arg) != 16 || strspn(arg, "0123456789abcdef") != 16)
			die("--workdir-hash: bad hash '%s' (16 hex digits)", arg);
		o->workdir_hash = strdup(arg);
		if (!o->workdir_hash)
			die("out of memory");
		break;
	case O_REDACT: options_redact(o, arg); break;
	case O_CONFIG: break;	/* read before the command line (load_config) */
	case O_CAMPAIGN: o->campaign = arg; break;	/* cli/campaign_file.c */
	case O_CHANGED_FROM:
		if (!*arg || *arg == '-')
			die("--changed-from: bad revision '%s'", arg);
		o->changed_from = arg;
		break;
	case 'q': o->quiet = true; break;
	case O_SHOW_REPLIES: o->show_replies = true; break;
	case 'h': options_usage(); exit(0);
	case O_LIST_CLASSES: options_list_classes(); exit(0);
	case O_LIST_FAULTS: options_list_faults(); exit(0);
	case 'V': printf("fzsandbox %s\n", PACKAGE_VERSION); exit(0);
	default: die("unknown option (see fzsandbox --help)");
	}
}

/* --inject=none (without --replay) is a different tool: env(1)-like exit
 * codes, 125 for its own failures. Find it before anything is checked, so
 * a bad option anywhere on the line already exits 125 in that mode. The
 * same getopt_long as below, so abbreviations and "--inject none" count;
 * the last --inject wins, as in the real parse. */
struct prescan {
	bool inject_seen, none, replay, campaign;
	const char *config;	/* the last --config */
};

static void prescan_mode(int argc, char **argv, struct options *o, struct prescan *p)
{
	int c;

	memset(p, 0, sizeof(*p));
	while ((c = getopt_long(argc, argv, "+qhVj:", longopts, NULL)) != -1) {
		if (c == O_INJECT) {
			p->inject_seen = true;
			p->none = strcmp(optarg, "none") == 0;
		} else if (c == O_REPLAY) {
			p->replay = true;
		} else if (c == O_CONFIG) {
			p->config = optarg;
		} else if (c == O_CAMPAIGN) {
			p->campaign = true;
		}
	}
	optind = 0;	/* glibc: start over, re-initialised */
	o->standalone = p->none && !p->replay && !p->campaign;
	if (o->standalone)
		die_set_status(EXIT_FZ_FAILED);
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = 0;
	return s;
}

void options_config_line(struct options *o, const char *name, const char *value)
{
	static const char *const refused[] = { "config", "replay", "help", "version",
						"list-classes", "list-faults", "campaign",
						"changed-from" };
	const struct option *lo;

	for (lo = longopts; lo->name; lo++)
		if (strcmp(lo->name, name) == 0)
			break;
	if (!lo->name)
		die("unknown option '%s' (the long option names, without '--')", name);
	for (size_t i = 0; i < sizeof(refused) / sizeof(*refused); i++)
		if (strcmp(name, refused[i]) == 0)
			die("'%s' cannot be set in a configuration file", name);
	if (lo->has_arg == no_argument && value)
		die("'%s' takes no value", name);
	if (lo->has_arg == required_argument && (!value || !*value))
		die("'%s' needs a value ('%s = VALUE')", name, name);
	parse_one(o, lo->val, value);
}

/* --config=FILE: "name = value" or "name" (an option without a value) a
 * line, the long option names; '#' starts a comment line; blank lines are
 * ignored. Applied before the command line, which therefore wins (repeatable
 * options add up). Every error names FILE:LINE. The text stays allocated:
 * options keep pointers into it. */
static void load_config(struct options *o, const char *path)
{
	char *text, *line, *next, ctx[PATH_MAX + 32];
	size_t len = 0, cap = 0;
	FILE *fp = fopen(path, "re");
	int lineno = 0;

	if (!fp)
		die_errno(errno, "--config: cannot read '%s'", path);
	text = NULL;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			char *t = realloc(text, cap = cap ? 2 * cap : 8192);

			if (!t)
				die("out of memory");
			text = t;
		}
		size_t n = fread(text + len, 1, cap - len - 1, fp);

		len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp))
		die_errno(errno, "--config: cannot read '%s'", path);
	fclose(fp);
	text[len] = 0;
	o->config_text = text;
	for (line = text; line; line = next) {
		char *name, *value = NULL, *eq;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		lineno++;
		name = trim(line);
		if (!*name || *name == '#')
			continue;
		snprintf(ctx, sizeof(ctx), "%s:%d: ", path, lineno);
		die_set_context(ctx);
		eq = strchr(name, '=');
		if (eq) {
			*eq = 0;
			value = trim(eq + 1);
			name = trim(name);
		}
		options_config_line(o, name, value);
		die_set_context(NULL);
	}
}

/* --campaign: the command line's options as words ("--name=VALUE") for
 * every component's invocation (cli/campaign_file.c), but those the
 * campaign itself takes. A short option without a long name as "-cVALUE". */
static void campaign_word(struct options *o, int c, const char *arg)
{
	static const int own[] = { O_CAMPAIGN, O_CHANGED_FROM, O_OUT, O_BUDGET, O_FORMAT };
	const struct option *lo;
	char *w;
	int e;

	for (size_t i = 0; i < sizeof(own) / sizeof(*own); i++)
		if (c == own[i])
			return;
	for (lo = longopts; lo->name && lo->val != c; lo++)
		;
	if (lo->name)
		e = arg ? asprintf(&w, "--%s=%s", lo->name, arg) : asprintf(&w, "--%s", lo->name);
	else
		e = asprintf(&w, "-%c%s", c, arg ? arg : "");
	if (e < 0)
		die("out of memory");
	options_push(&o->campaign_words, &o->ncampaign_words, w);
	free(w);
}

void options_parse(int argc, char **argv, struct options *o)
{
	struct prescan p;
	int c;

	memset(o, 0, sizeof(*o));
	o->classes = inject_default_classes();
	inject_format_classes(o->classes, o->inject_str, sizeof(o->inject_str));
	o->out_dir = "fzsandbox-out";
	o->timeout_ms = 10000;
	o->grace_ms = 2000;
	o->reply_timeout_ms = 2000;
	o->check_timeout_ms = 60000;
	o->formats = REPORT_FMT_TEXT | REPORT_FMT_JSON;
	o->slowdown = OPT_SLOWDOWN_DEFAULT;
	o->occurrences = 3;
	o->replay_runs = 1;
	o->probability = 0.05;
	o->cpu = -1;
	o->uid = o->gid = 65534;	/* nobody / nogroup */
	o->jobs = 1;
	o->sandbox = true;
	o->violation_exit = -1;
	opterr = 0;
	prescan_mode(argc, argv, o, &p);
	if (p.campaign && p.config)
		die("--campaign: not with --config (the campaign file's lines before the first [component] are the defaults)");
	if (p.config) {
		load_config(o, p.config);
		/* inject = none from the file, not overridden on the line. */
		if (!p.inject_seen && !p.replay && o->classes == 0 && !o->standalone) {
			o->standalone = true;
			die_set_status(EXIT_FZ_FAILED);
		}
	}
	while ((c = getopt_long(argc, argv, "+qhVj:", longopts, NULL)) != -1) {
		if (c == '?' || c == ':') {
			const char *w = argv[optind - 1];

			die("unknown or incomplete option '%s' (see fzsandbox --help)", w ? w : "?");
		}
		parse_one(o, c, optarg);
		if (p.campaign)
			campaign_word(o, c, optarg);
	}
	o->argv = argv + optind;
	if (o->campaign) {
		if (o->argv[0])
			die("--campaign takes no program: each [component] names its own (command = PROG ARGS)");
		if (o->replay || !o->classes)
			die("--campaign: not with %s", o->replay ? "--replay" : "--inject=none");
		return;
	}
	if (o->changed_from)
		die("--changed-from needs --campaign=FILE (it shares a campaign's budget)");
	/* Subcommands (fzsandbox merge) own the first word: a program always
	 * comes after "--", so "fzsandbox merge" never runs RCS's merge. */
	if (o->argv[0] && strcmp(argv[optind - 1], "--") != 0)
		die("'%s': put the program after '--' (fzsandbox [OPTIONS] -- PROGRAM [ARGS...])",
		    o->argv[0]);
	if (!o->replay && !o->argv[0])
		die("no program given (usage: fzsandbox [OPTIONS] -- PROGRAM [ARGS...])");
	if (o->replay && o->argv[0])
		die("--replay takes no program: it comes from the report");
	if (o->violation_exit >= 0 && !o->standalone)
		die("--violation-exit needs --inject=none (in a campaign a violation is a finding: exit 1)");
	if (o->nchecks && o->standalone)
		die("--check needs a campaign (it judges what faulted runs leave; drop --inject=none)");
	if (o->check_output && o->standalone)
		die("--check=output needs a campaign (it compares faulted runs' output with the clean run's; drop --inject=none)");
	if (o->nignores && !o->check_output)
		die("--ignore needs --check=output or --check=output-diff");
	options_check_oracles(o);
	/* A pinned fault brings its class (--fault=write:ENOSPC is fs's):
	 * without it the fault could never be injected. */
	for (int i = 0; i < o->nfaults && !o->standalone; i++) {
		int cls = inject_fault_class(o->faults[i].call, &o->faults[i].fault);

		if (cls >= 0 && !(o->classes & (1u << cls))) {
			o->classes |= 1u << cls;
			inject_format_classes(o->classes, o->inject_str, sizeof(o->inject_str));
		}
	}
	if (o->snapshot && o->standalone)
		die("--snapshot: not with --inject=none (--snapshot=off)");
	if (o->corpus && !o->fuzz)
		die("--corpus needs --fuzz");
	if (o->ndicts && !o->fuzz)
		die("--dict needs --fuzz");
	if (o->fuzz_mutate && !o->fuzz)
		die("--fuzz-mutate needs --fuzz");
	if ((o->custom_mutator || o->auto_dict || o->resume) && !o->fuzz)
		die("%s needs --fuzz", o->auto_dict ? "--auto-dict" : o->resume ? "--resume" :
		    "--custom-mutator");
	if (o->feedback_set && !o->fuzz)
		die("--feedback needs --fuzz");
	if (o->custom_mutator_only && !o->custom_mutator)
		die("--custom-mutator-only needs --custom-mutator=SO");
	if (o->fuzz && (o->standalone || o->replay))
		die("--fuzz: not with %s", o->standalone ? "--inject=none" : "--replay");
	/* The loop is where speed matters; a template refused falls back to
	 * exec mode with a note (docs/snapshots.md says why not campaigns). */
	if (o->fuzz && !o->snapshot_set && !o->snapshot_at)
		o->snapshot = SNAPSHOT_AUTO;
	options_check_jobs(o);
	/* One worker: tracer and target on a CPU nobody is bound to, as
	 * afl-fuzz binds itself (--cpu=off: not). */
	if (o->fuzz && !o->cpu_set && o->jobs <= 1 && !o->replay)
		o->cpu_auto = (o->cpu = cpu_pick_free()) >= 0;
	options_check_fail_on(o);
	if (o->shard_n && (o->standalone || o->replay || o->nfaults))
		die("--shard splits a campaign's plan: not with %s",
		    o->standalone ? "--inject=none" : o->replay ? "--replay" : "--fault");
}

void options_apply_argv(char *const *words, struct options *o)
{
	for (int i = 0; words && words[i]; i++) {
		const char *w = words[i], *eq = strchr(w, '=');
		const struct option *lo;
		size_t len = eq ? (size_t)(eq - w) : strlen(w);

		if (strncmp(w, "--", 2) != 0)
			die("--replay: bad stored option '%s'", w);
		for (lo = longopts; lo->name; lo++)
			if (strlen(lo->name) == len - 2 && strncmp(lo->name, w + 2, len - 2) == 0)
				break;
		if (!lo->name || (lo->has_arg == required_argument) != (eq != NULL))
			die("--replay: bad stored option '%s'", w);
		parse_one(o, lo->val, eq ? eq + 1 : NULL);
	}
}
