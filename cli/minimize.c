/* minimize.c - `fzsandbox minimize FILE[#ID]`: the smallest set of a
 * finding's faults that still reproduces it, by delta debugging (Zeller's
 * ddmin) over its stored fault schedule, then for a fuzz finding the
 * smallest input, by the same ddmin over its bytes. A random run's finding
 * can carry dozens of faults of which one or two matter; the minimized
 * set and input are written back as a report of their own, whose replay
 * line reproduces it.
 *
 * A subset "reproduces" when one of --runs runs of it ends in the same
 * kind of finding at the same top non-system function (replay's rule).
 * Faults keep their site, thread and occurrence: occurrences count every
 * call at a site, failed or not, so dropping an earlier fault does not
 * renumber a later one. The result is 1-minimal: dropping any one of its
 * faults no longer reproduces (within --runs). */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/die.h"
#include "cli/minimize.h"
#include "cli/options.h"
#include "cli/replay.h"
#include "cli/runner.h"
#include "cli/target.h"
#include "util/util.h"

/* Input minimization stops after this many tries (a few minutes of runs
 * at worst), keeping the smallest input found so far. */
#define MAX_INPUT_TESTS 2000

struct mini {
	struct options *o;
	struct replay_spec spec;
	struct plan_fault all[FINDING_MAX_FAULTS];
	struct runner rn;
	int runs;		/* tries per subset */
	int tests;		/* subsets tried */
	struct run_finding last;	/* the last run that reproduced */
	bool have_last;
	/* The faults kept (indexes into all[]); a fuzz finding's input: the
	 * copy the program reads (input_path), its bytes as stored. */
	int idx[FINDING_MAX_FAULTS], n;
	char input_path[PATH_MAX];
	uint8_t *input;
	size_t input_len;
	int input_tests;
};

/* Do the faults idx[0..n) reproduce, with the input as it is now? */
static bool reproduces(struct mini *m, const int *idx, int n)
{
	struct plan_fault plan[FINDING_MAX_FAULTS];
	struct run_result res;
	struct run_finding f;

	for (int i = 0; i < n; i++)
		plan[i] = m->all[idx[i]];
	m->tests++;
	for (int k = 0; k < m->runs && !runner_interrupted; k++) {
		int r = runner_run(&m->rn, false, plan, n, &res, &f);

		if (r < 0 && !runner_interrupted)
			runner_die(&m->rn);
		if (r == 1 && replay_reproduces(&m->spec, &f)) {
			m->last = f;
			m->have_last = true;
			return true;
		}
	}
	return false;
}

/* A subset of the faults, the input as it is. */
static bool test_faults(struct mini *m, const int *in, int n)
{
	return reproduces(m, in, n);
}

/* A subset of the input's bytes (in: their offsets, in order), the faults
 * kept; the input file is left as the last subset tried. */
static bool test_input(struct mini *m, const int *in, int n)
{
	uint8_t *buf = malloc(n ? n : 1);
	int e;

	if (!buf)
		die("out of memory");
	for (int i = 0; i < n; i++)
		buf[i] = m->input[in[i]];
	e = fs_write_file(m->input_path, buf, n, 0644);
	free(buf);
	if (e < 0)
		die_errno(e, "minimize: cannot write '%s'", m->input_path);
	m->input_tests++;
	return reproduces(m, m->idx, m->n);
}

/* ddmin over c[0..*n) with test: on return c[0..*n) is 1-minimal (or as
 * small as it got when stop() said to stop). */
static void ddmin(struct mini *m, int *c, int *n, bool (*test)(struct mini *, const int *, int),
		  bool (*stop)(const struct mini *))
{
	int parts = 2, *sub = malloc((*n ? *n : 1) * sizeof(*sub)), k;

	if (!sub)
		die("out of memory");
	while (*n >= 2 && !runner_interrupted && !(stop && stop(m))) {
		int size = (*n + parts - 1) / parts;
		bool reduced = false;

		/* A part alone, then everything but a part. */
		for (int pass = 0; pass < 2 && !reduced; pass++) {
			for (int p = 0; p < parts && !reduced; p++) {
				int lo = p * size, hi = lo + size < *n ? lo + size : *n;

				if (lo >= *n)
					break;
				k = 0;
				for (int i = 0; i < *n; i++)
					if ((i >= lo && i < hi) == (pass == 0))
						sub[k++] = c[i];
				if (k == 0 || k == *n || (stop && stop(m)) || !test(m, sub, k))
					continue;
				memcpy(c, sub, k * sizeof(*c));
				*n = k;
				parts = pass == 0 ? 2 : (parts - 1 > 2 ? parts - 1 : 2);
				reduced = true;
			}
		}
		if (reduced)
			continue;
		if (parts >= *n)
			break;
		parts = 2 * parts < *n ? 2 * parts : *n;
	}
	free(sub);
}

static bool input_budget_spent(const struct mini *m)
{
	return m->input_tests >= MAX_INPUT_TESTS;
}

/* A fuzz finding: the fewest input bytes that still reproduce it with
 * the faults kept; the input file holds them on return. */
static void minimize_input(struct mini *m)
{
	int *off, n;
	void *data;
	size_t len;
	int e;

	if ((e = fs_read_file(m->input_path, 64 << 20, &data, &len)) < 0)
		die_errno(e, "minimize: cannot read '%s'", m->input_path);
	if (len > INT_MAX / 2 || !(off = malloc((len ? len : 1) * sizeof(*off))))
		die("out of memory");
	m->input = data;
	m->input_len = len;
	n = (int)len;
	for (int i = 0; i < n; i++)
		off[i] = i;
	ddmin(m, off, &n, test_input, input_budget_spent);
	/* The file as the smallest set that reproduced (ddmin tried others
	 * after it). */
	(void)test_input(m, off, n);
	if (input_budget_spent(m))
		fprintf(stderr, "minimize: stopped the input's reduction after %d tries\n",
			MAX_INPUT_TESTS);
	fprintf(stderr, "minimize: %d of %zu input bytes reproduce it\n", n, len);
	free(off);
}

static const char usage[] =
	"usage: fzsandbox minimize [--out=DIR] [--runs=N] FILE[#ID]\n"
	"Find the fewest of finding ID's faults (default: the first finding) that\n"
	"still reproduce it, then for a --fuzz finding the fewest bytes of its input,\n"
	"and write them as DIR/minimize/report.json\n"
	"(DIR default ./fzsandbox-out). Exit 1: minimized, 0: the finding does not\n"
	"reproduce with all its faults, 2: bad input.\n";

int minimize_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "runs", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct options o;
	static struct mini m;
	char *words[4], run_dir[PATH_MAX], *replayed, *end, arg_replay[PATH_MAX + 16],
		arg_out[PATH_MAX + 16];
	const char *out = "fzsandbox-out";
	int c, n, e;
	int *idx = m.idx;
	struct report *rep;
	bool is_new;

	m.runs = 1;
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, "+o:r:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'r':
			m.runs = (int)strtol(optarg, &end, 10);
			if (*end || end == optarg || m.runs < 1 || m.runs > 100)
				die("minimize: --runs=%s: want 1 to 100", optarg);
			break;
		case 'h': fputs(usage, stdout); return EXIT_CLEAN;
		default:
			die("minimize: unknown or incomplete option '%s' (see fzsandbox minimize --help)",
			    argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		die("minimize: want one report (usage: fzsandbox minimize [--out=DIR] FILE[#ID])");
	/* The defaults and the stored options, through the one parser. */
	snprintf(arg_replay, sizeof(arg_replay), "--replay=%s", argv[optind]);
	snprintf(arg_out, sizeof(arg_out), "--out=%s", out);
	words[0] = "fzsandbox";
	words[1] = arg_replay;
	words[2] = arg_out;
	words[3] = NULL;
	optind = 0;
	options_parse(3, words, &o);
	runner_install_signals();
	m.o = &o;
	(void)replay_setup(&o, "minimize", "minimize", &m.spec, &m.rn, run_dir, sizeof(run_dir), &replayed,
			   m.input_path);
	replay_plan(&m.spec, m.all);
	n = m.spec.nfaults;
	for (int i = 0; i < n; i++)
		idx[i] = i;
	if (n == 0 && !m.input_path[0])
		die("minimize: finding #%d has no fault to minimize (the program fails without one)",
		    m.spec.id);
	if (!test_faults(&m, idx, n)) {
		fprintf(stderr, "minimize: finding #%d does not reproduce with its %d fault%s "
			"(try --runs=N); nothing written\n", m.spec.id, n, n == 1 ? "" : "s");
		runner_fini(&m.rn);
		return runner_interrupted ? 128 + runner_interrupted : EXIT_CLEAN;
	}
	ddmin(&m, idx, &n, test_faults, NULL);
	m.n = n;
	if (m.input_path[0] && !runner_interrupted)
		minimize_input(&m);
	if (runner_interrupted) {
		runner_fini(&m.rn);
		return 128 + runner_interrupted;
	}
	/* The last reproducing run was of the final set (or a later-rejected
	 * larger one only if ddmin never reduced: then it is the full set). */
	if (!test_faults(&m, idx, n))
		fprintf(stderr, "fzsandbox: warning: the minimized set did not reproduce once more "
			"(a timing-dependent finding: try --runs=N)\n");
	rep = replay_report(&m.spec, run_dir);
	/* The input as minimized goes with the finding (findings/1/input). */
	if (m.have_last && m.input_path[0])
		m.last.input_path = m.input_path;
	report_count_run(rep, inject_nclasses(), inject_class_names(), inject_run_counts(m.rn.inj));
	if (m.have_last && (e = report_add_finding(rep, &m.last, &is_new)) < 0)
		die_errno(e, "minimize: cannot keep the finding");
	report_set_plan(rep, m.tests, m.tests, false);
	e = report_write_json(rep);
	if (e < 0)
		die_errno(e, "cannot write %s/report.json", run_dir);
	fprintf(stderr, "minimize: %d of %d fault%s reproduce finding #%d (%s in %s), %d subsets "
		"tried:\n", n, m.spec.nfaults, m.spec.nfaults == 1 ? "" : "s", m.spec.id,
		finding_kind_name(m.spec.kind), m.spec.top_function[0] ? m.spec.top_function : "??",
		m.tests);
	for (int i = 0; i < n; i++) {
		const struct fault_rec *f = &m.spec.faults[idx[i]];

		fprintf(stderr, "  %s %s at %s, occurrence %d, thread %d\n", f->call, f->fault,
			f->caller[0] ? f->caller : f->site, f->occurrence, f->thread);
	}
	fprintf(stderr, "replay: %s --replay=%s/report.json\n", target_self_path(), run_dir);
	report_free(rep);
	free(m.input);
	free(replayed);
	runner_fini(&m.rn);
	replay_spec_free(&m.spec);
	return EXIT_FINDINGS;
}
