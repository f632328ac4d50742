/* campaign_drive.c - --campaign=FILE run: each component a child
 * fzsandbox (this binary) with its options, --out=OUT/NAME and its part
 * of the budget, one after another; then the combined report. A child
 * per component keeps each campaign exactly what a plain invocation
 * would do (its own report, replay lines, store), and the single-campaign
 * loop (cli/campaign.c, -j included) untouched. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/campaign_file.h"
#include "cli/die.h"
#include "cli/duration.h"
#include "cli/target.h"
#include "util/util.h"

/* The child being waited for: SIGINT and SIGTERM sent to us alone (kill
 * PID, a CI runner's cancel) are passed on; it ends as an interrupted
 * campaign does and so do we. A terminal's ^C reaches both: the same
 * flag set twice. */
static volatile pid_t current;
static volatile int interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
	if (current > 0)
		kill(current, sig);
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Run argv, its stdout into *out (malloc'd), the first line of its stderr
 * into err: its exit status, or -errno (-ENOENT: not installed). */
static int capture(char *const argv[], char **out, char *err, size_t errlen)
{
	int po[2], pe[2], status;
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;
	pid_t pid;

	*out = NULL;
	err[0] = 0;
	if (!buf)
		die("out of memory");
	if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0)
		die_errno(errno, "cannot make a pipe");
	pid = fork();
	if (pid < 0)
		die_errno(errno, "cannot fork");
	if (pid == 0) {
		if (dup2(po[1], 1) < 0 || dup2(pe[1], 2) < 0)
			_exit(126);
		execvp(argv[0], argv);
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(po[1]);
	close(pe[1]);
	/* stdout first: git's stderr is a line or two, never enough to block */
	while ((n = read(po[0], buf + len, cap - len - 1)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die_errno(errno, "cannot read from %s", argv[0]);
		}
		len += n;
		if (cap - len < 1024 && !(buf = realloc(buf, cap *= 2)))
			die("out of memory");
	}
	buf[len] = 0;
	n = read(pe[0], err, errlen - 1);
	err[n > 0 ? n : 0] = 0;
	err[strcspn(err, "\n")] = 0;
	close(po[0]);
	close(pe[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die_errno(errno, "cannot wait for %s", argv[0]);
	*out = buf;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && !err[0])
		return -ENOENT;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The files changed since rev (git diff --name-only: the working tree
 * against rev, paths relative to the repository's top), one a line. */
static char *changed_files(const char *rev, int *nfiles)
{
	char spec[256], err[512], *out, *top;
	char *toplevel[] = { "git", "rev-parse", "--show-toplevel", NULL };
	char *verify[] = { "git", "rev-parse", "--verify", "--quiet", "--end-of-options", spec, NULL };
	char *diff[] = { "git", "-c", "core.quotepath=off", "diff", "--name-only", spec, "--", NULL };
	int e;

	e = capture(toplevel, &top, err, sizeof(err));
	if (e == -ENOENT)
		die("--changed-from: git is not installed (it lists the changed files)");
	if (e != 0)
		die("--changed-from: not in a git repository (%s)", err[0] ? err : "git rev-parse failed");
	free(top);
	snprintf(spec, sizeof(spec), "%s^{commit}", rev);
	e = capture(verify, &out, err, sizeof(err));
	free(out);
	if (e != 0)
		die("--changed-from=%s: unknown revision in this repository", rev);
	snprintf(spec, sizeof(spec), "%s", rev);
	e = capture(diff, &out, err, sizeof(err));
	if (e != 0)
		die("--changed-from=%s: git diff failed (%s)", rev, err[0] ? err : "no message");
	*nfiles = 0;
	for (char *p = out; *p; p++)
		*nfiles += *p == '\n';
	return out;
}

/* A glob matches a changed path as fnmatch(3) without flags ('*' crosses
 * '/'), or as a directory when it ends in '/'. */
static bool touches(const struct component *c, const char *files)
{
	char path[PATH_MAX];

	for (const char *p = files; *p;) {
		size_t len = strcspn(p, "\n");

		snprintf(path, sizeof(path), "%.*s", (int)len, p);
		p += len + (p[len] == '\n');
		for (int i = 0; i < c->npaths; i++) {
			size_t gl = strlen(c->paths[i]);

			if (fnmatch(c->paths[i], path, 0) == 0 ||
			    (gl && c->paths[i][gl - 1] == '/' && strncmp(c->paths[i], path, gl) == 0))
				return true;
		}
	}
	return false;
}

static void push_opt(char ***v, int *n, const char *opt, const char *a)
{
	char *w;

	if (asprintf(&w, "%s=%s", opt, a) < 0)
		die("out of memory");
	options_push(v, n, w);
	free(w);
}

static void push_all(char ***v, int *n, char *const *words)
{
	for (int i = 0; words && words[i]; i++)
		options_push(v, n, words[i]);
}

/* The child's words: defaults, the section, the command line (it wins,
 * as over --config), then what the campaign sets, the command last. */
static char **child_argv(const struct options *o, const struct campaign_file *cf,
			 const struct component *c, long budget_ms)
{
	static const struct {
		unsigned bit;
		const char *name;
	} fmts[] = { { REPORT_FMT_TEXT, "text" }, { REPORT_FMT_JSON, "json" },
		     { REPORT_FMT_SARIF, "sarif" }, { REPORT_FMT_JUNIT, "junit" } };
	char **v = NULL, fmt[64] = "", dur[32];
	int n = 0;

	options_push(&v, &n, target_self_path());
	push_all(&v, &n, cf->defaults);
	push_all(&v, &n, c->words);
	push_all(&v, &n, o->campaign_words);
	push_opt(&v, &n, "--out", c->rc.out_dir);
	if (budget_ms)
		push_opt(&v, &n, "--budget", format_duration(budget_ms, dur, sizeof(dur)));
	/* json always: the combined report reads each report.json */
	for (size_t i = 0; i < sizeof(fmts) / sizeof(*fmts); i++)
		if ((o->formats | REPORT_FMT_JSON) & fmts[i].bit)
			snprintf(fmt + strlen(fmt), sizeof(fmt) - strlen(fmt), "%s%s",
				 fmt[0] ? "," : "", fmts[i].name);
	push_opt(&v, &n, "--format", fmt);
	options_push(&v, &n, "--");
	push_all(&v, &n, c->argv);
	return v;
}

/* Every component's whole command line (defaults, section, the command
 * line's options: some conflict only together) parsed by a child before
 * the first runs: a bad one is the campaign's exit 2, named, at once. */
static void check_components(const struct options *o, const struct campaign_file *cf)
{
	static char ctx[PATH_MAX + 128];
	char err[512], *out;

	if (setenv(CAMPAIGN_PARSE_ONLY_ENV, "1", 1) < 0)
		die_errno(errno, "cannot set %s", CAMPAIGN_PARSE_ONLY_ENV);
	for (int i = 0; i < cf->n; i++) {
		const struct component *c = &cf->v[i];
		char **argv = child_argv(o, cf, c, o->budget_ms);
		int e = capture(argv, &out, err, sizeof(err));

		free(out);
		options_argv_free(argv);
		if (e == 0)
			continue;
		snprintf(ctx, sizeof(ctx), "%s:%d: component %s: ", cf->path, c->line, c->name);
		die_set_context(ctx);
		die("%s", strncmp(err, "fzsandbox: ", 11) == 0 ? err + 11 :
		    err[0] ? err : "its options cannot be parsed");
	}
	if (unsetenv(CAMPAIGN_PARSE_ONLY_ENV) < 0)
		die_errno(errno, "cannot unset %s", CAMPAIGN_PARSE_ONLY_ENV);
}

static int run_child(char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die_errno(errno, "cannot fork");
	if (pid == 0) {
		execv(argv[0], argv);
		fprintf(stderr, "fzsandbox: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(EXIT_USAGE);
	}
	current = pid;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die_errno(errno, "cannot wait for a component");
	current = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Each component's budget: its weight's part of the time left, so what
 * one leaves unused goes to the next ones, and what one overruns (by at
 * most its few seconds of grace) is taken from them. */
static long share_left(const struct options *o, const struct campaign_file *cf, int i,
		       long long start)
{
	double rest = 0;
	long left = o->budget_ms - (long)(mono_ms() - start);

	if (!o->budget_ms)
		return 0;
	if (left < 1)
		return -1;
	for (int k = i; k < cf->n; k++)
		rest += cf->v[k].rc.weight;
	return (long)(left * (cf->v[i].rc.weight / rest)) ?: 1;
}

/* One component, run; its status kind for the campaign's exit status. */
static void run_component(const struct options *o, struct campaign_file *cf, int i,
			  long long start)
{
	struct component *c = &cf->v[i];
	char why[PATH_MAX + 128], dur[32], path[PATH_MAX + 32];
	static const char *const stale[] = { "report.json", "report.sarif", "junit.xml" };
	long long t0 = mono_ms();
	long budget = share_left(o, cf, i, start);
	char **argv;

	if (budget < 0) {	/* the campaign's budget is spent */
		c->rc.capped = true;
		snprintf(c->rc.capped_by, sizeof(c->rc.capped_by), "budget");
		fprintf(stderr, "fzsandbox: component %s: not run, --budget spent\n", c->name);
		return;
	}
	/* A report a previous campaign left there is not this one's. */
	for (size_t k = 0; k < sizeof(stale) / sizeof(*stale); k++) {
		snprintf(path, sizeof(path), "%s/%s", c->rc.out_dir, stale[k]);
		if (unlink(path) < 0 && errno != ENOENT)
			die_errno(errno, "cannot remove %s", path);
	}
	c->rc.budget_ms = budget;
	if (!o->quiet)
		fprintf(stderr, "fzsandbox: component %s (%d of %d)%s%s%s\n", c->name, i + 1, cf->n,
			budget ? ", budget " : "", budget ? format_duration(budget, dur, sizeof(dur)) : "",
			c->rc.changed ? ", changed" : "");
	argv = child_argv(o, cf, c, budget);
	c->rc.status = run_child(argv);
	options_argv_free(argv);
	c->rc.ran = true;
	c->rc.wall_ms = (long)(mono_ms() - t0);
	if (c->rc.status <= EXIT_BUDGET && c->rc.status != EXIT_USAGE &&
	    report_component_read(&c->rc, why, sizeof(why)) < 0)
		die("component %s: %s", c->name, why);
}

/* Shares, weights and planned budgets, before anything runs. */
static void plan_shares(const struct options *o, struct campaign_file *cf, const char *files)
{
	double all = 0;

	for (int i = 0; i < cf->n; i++) {
		struct report_component *rc = &cf->v[i].rc;
		char *out;

		if (asprintf(&out, "%s/%s", o->out_dir, cf->v[i].name) < 0)
			die("out of memory");
		rc->name = cf->v[i].name;
		rc->out_dir = out;
		rc->argv = cf->v[i].argv;
		rc->share = cf->v[i].share;
		rc->changed = files && touches(&cf->v[i], files);
		rc->weight = rc->share * (rc->changed ? CAMPAIGN_CHANGED_FACTOR : 1);
		rc->status = -1;
		all += rc->weight;
	}
	for (int i = 0; i < cf->n && o->budget_ms; i++)
		cf->v[i].rc.planned_budget_ms = (long)(o->budget_ms * (cf->v[i].rc.weight / all)) ?: 1;
}

static void summary(const struct options *o, const struct campaign_file *cf,
		    const struct report_campaign *cp, int nfound)
{
	fprintf(stderr, "fzsandbox: campaign %s: %d component%s\n", cf->path, cf->n,
		cf->n == 1 ? "" : "s");
	for (int i = 0; i < cf->n; i++) {
		const struct report_component *rc = &cf->v[i].rc;

		fprintf(stderr, "  %-16s ", rc->name);
		if (!rc->ran)
			fprintf(stderr, "not run (--budget spent)");
		else if (rc->status == EXIT_USAGE || rc->status > EXIT_BUDGET)
			fprintf(stderr, "failed (exit %d)", rc->status);
		else
			fprintf(stderr, "%d finding%s  runs %ld/%ld%s%s", rc->findings,
				rc->findings == 1 ? "" : "s", rc->runs, rc->runs_planned,
				rc->capped ? "  capped by " : "", rc->capped ? rc->capped_by : "");
		fprintf(stderr, "%s  %s\n", rc->changed ? "  changed" : "", rc->out_dir);
	}
	if (cp->changed_from)
		fprintf(stderr, "fzsandbox: changed since %s: %d file%s; changed components' "
			"shares x%d\n", cp->changed_from, cp->nchanged_files,
			cp->nchanged_files == 1 ? "" : "s", CAMPAIGN_CHANGED_FACTOR);
	fprintf(stderr, "fzsandbox: campaign: %d finding%s (exit %d); combined report in %s\n",
		nfound, nfound == 1 ? "" : "s", cp->status, o->out_dir);
}

int campaign_file_run(struct options *o)
{
	static struct campaign_file cf;	/* static: reachable to the end */
	struct report_campaign cp = { 0 };
	char why[PATH_MAX + 128], *files = NULL;
	long long start;
	int nfound = 0, e, nbudget = 0, nfailed = 0;
	const char *failed = NULL;
	struct report_component *rcs;

	campaign_file_load(o->campaign, &cf);
	if (o->changed_from)
		files = changed_files(o->changed_from, &cp.nchanged_files);
	plan_shares(o, &cf, files);
	check_components(o, &cf);
	e = report_prepare_dir(o->out_dir);
	if (e < 0)
		die_errno(e, "cannot use output directory '%s'", o->out_dir);
	install_signals();
	start = mono_ms();
	for (int i = 0; i < cf.n && !failed && !interrupted; i++) {
		struct report_component *rc = &cf.v[i].rc;

		run_component(o, &cf, i, start);
		if (rc->ran && (rc->status == EXIT_USAGE || rc->status > EXIT_BUDGET) &&
		    rc->status != 128 + interrupted) {
			failed = rc->name;
			nfailed = i;
		}
		nfound += rc->findings;
		nbudget += rc->capped && strcmp(rc->capped_by, "budget") == 0;
	}
	cp.file = o->campaign;
	cp.changed_from = o->changed_from;
	cp.changed_factor = CAMPAIGN_CHANGED_FACTOR;
	cp.budget_ms = o->budget_ms;
	cp.wall_ms = (long)(mono_ms() - start);
	cp.status = interrupted ? 128 + interrupted : failed ? EXIT_USAGE : nfound ? EXIT_FINDINGS :
		    nbudget ? EXIT_BUDGET : EXIT_CLEAN;
	rcs = calloc(cf.n, sizeof(*rcs));
	if (!rcs)
		die("out of memory");
	for (int i = 0; i < cf.n; i++)
		rcs[i] = cf.v[i].rc;
	if (report_campaign_write(&cp, rcs, cf.n, o->out_dir, o->formats, why, sizeof(why)) < 0)
		die("%s", why);
	free(rcs);
	free(files);
	if (failed) {
		fprintf(stderr, "fzsandbox: component %s: %s (its message is above); "
			"the campaign stops\n", failed,
			cf.v[nfailed].rc.status == EXIT_USAGE ? "exited 2, a usage or environment error" :
			"fzsandbox failed");
		return EXIT_USAGE;
	}
	if ((o->formats & REPORT_FMT_TEXT) && (!o->quiet || nfound))
		summary(o, &cf, &cp, nfound);
	return cp.status;
}
