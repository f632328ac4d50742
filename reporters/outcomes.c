#include "config.h"

/* outcomes.c - what each error path did: for every faulted run, its end,
 * its first stderr line (normalised so equal messages cluster), whether
 * its stdout was all there; and the table the summary and `fzsandbox
 * outcomes` print, grouped by outcome with messages clustered. */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reporters/report_int.h"
#include "util/redact.h"

/* Indexed by enum outcome_group: report.json's word, the summary's. */
static const struct {
	const char *name, *text;
} groups[OUTCOME_NGROUPS] = {
	[OUTCOME_CRASHED] = { "crashed", "crashed" },
	[OUTCOME_HUNG] = { "hung", "hung (killed at --timeout)" },
	[OUTCOME_FAIL_MSG] = { "exit-nonzero-message", "exited non-zero with a message" },
	[OUTCOME_FAIL_SILENT] = { "exit-nonzero-silent", "exited non-zero silently" },
	[OUTCOME_OK_MSG] = { "exit-0-message", "exited 0 with a message" },
	[OUTCOME_OK_SILENT] = { "exit-0-silent",
				"exited 0 silently, stdout not the clean run's (the failure was swallowed)" },
	[OUTCOME_RECOVERED] = { "recovered", "exited 0 silently with the clean run's stdout (recovered)" },
};

static const char *const stdout_names[] = {
	[STDOUT_UNKNOWN] = "unknown", [STDOUT_SAME] = "same",
	[STDOUT_PREFIX] = "prefix", [STDOUT_DIFFERS] = "differs",
};

enum outcome_group outcome_group_of(const struct outcome *o)
{
	if (o->ending == ENDED_SIGNAL)
		return OUTCOME_CRASHED;
	if (o->ending == ENDED_TIMEOUT)
		return OUTCOME_HUNG;
	if (o->exit_status != 0)
		return o->stderr_any ? OUTCOME_FAIL_MSG : OUTCOME_FAIL_SILENT;
	if (o->stderr_any)
		return OUTCOME_OK_MSG;
	return o->out == STDOUT_SAME ? OUTCOME_RECOVERED : OUTCOME_OK_SILENT;
}

const char *outcome_group_name(enum outcome_group g)
{
	return g < OUTCOME_NGROUPS ? groups[g].name : "?";
}

const char *outcome_stdout_name(enum outcome_stdout s)
{
	return s <= STDOUT_DIFFERS ? stdout_names[s] : "unknown";
}

/* --- Normalising a message ------------------------------------------- */

static bool path_start(const char *s, size_t i)
{
	/* After a separator only: "a/b" inside a word is not a path. */
	if (i > 0 && !strchr(" \t'\"`(=[<,:", s[i - 1]) && (unsigned char)s[i - 1] < 0x80)
		return false;
	return s[i] == '/' || strncmp(s + i, "./", 2) == 0 || strncmp(s + i, "../", 3) == 0 ||
	       strncmp(s + i, "~/", 2) == 0;
}

static size_t path_end(const char *s, size_t i)
{
	/* A path ends where the message goes on: "PATH: error", "'PATH'",
	 * UTF-8 quotes (0xe2 starts '’'). */
	while (s[i] && !isspace((unsigned char)s[i]) && !strchr("'\"`),;:", s[i]) &&
	       (unsigned char)s[i] != 0xe2)
		i++;
	return i;
}

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* What stands for a number, hex number or path (one table: they read as
 * placeholders in the summary). */
enum { TOK_NONE, TOK_PATH, TOK_HEX, TOK_NUM };
static const char *const tok_text[] = { "", "<path>", "<hex>", "<n>" };

static int token_at(const char *s, size_t i, size_t *end)
{
	size_t j;

	if (path_start(s, i)) {
		*end = path_end(s, i);
		return TOK_PATH;
	}
	if (i > 0 && word_char(s[i - 1]))
		return TOK_NONE;
	if (s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X') && isxdigit((unsigned char)s[i + 2])) {
		for (j = i + 2; isxdigit((unsigned char)s[j]); j++)
			;
		*end = j;
		return word_char(s[j]) ? TOK_NONE : TOK_HEX;
	}
	if (!isdigit((unsigned char)s[i]))
		return TOK_NONE;
	for (j = i; isdigit((unsigned char)s[j]) ||
		    (s[j] == '.' && isdigit((unsigned char)s[j + 1])); j++)
		;
	*end = j;
	/* "64bit", "sha256": a word, not a number. */
	return isalpha((unsigned char)s[j]) ? TOK_NONE : TOK_NUM;
}

void outcome_normalise(char *line, size_t len)
{
	char out[OUTCOME_MSG_MAX * 2];
	size_t i = 0, n = 0, end;

	if (!len)
		return;
	/* "/usr/bin/sort: ..." is the program's name: its base name stays. */
	if (line[0] == '/' && line[path_end(line, 0)] == ':') {
		end = path_end(line, 0);
		while (end > 0 && line[end - 1] != '/')
			end--;
		i = end;
	}
	while (line[i] && n + 8 < sizeof(out)) {
		int t = token_at(line, i, &end);

		if (t != TOK_NONE) {
			n += snprintf(out + n, sizeof(out) - n, "%s", tok_text[t]);
			i = end;
		} else {
			out[n++] = line[i++];
		}
	}
	while (n > 0 && isspace((unsigned char)out[n - 1]))
		n--;
	out[n] = 0;
	snprintf(line, len, "%s", out);
}

/* --- Reading a run's output ------------------------------------------ */

static void first_line(struct outcome *o, const char *path)
{
	char buf[1024];
	struct stat st;
	FILE *fp = fopen(path, "re");
	int lines = 0;

	if (!fp)
		return;
	o->stderr_any = fstat(fileno(fp), &st) == 0 && st.st_size > 0;
	/* A blank line first is not the message; 64 lines are enough. */
	while (lines++ < 64 && fgets(buf, sizeof(buf), fp)) {
		buf[strcspn(buf, "\r\n")] = 0;
		if (strspn(buf, " \t") == strlen(buf))
			continue;
		/* Before it is cut and its numbers become <n> (--redact). */
		(void)redact_line(buf, sizeof(buf));
		buf[OUTCOME_MSG_MAX - 1] = 0;
		snprintf(o->message, sizeof(o->message), "%s", buf);
		outcome_normalise(o->message, sizeof(o->message));
		break;
	}
	fclose(fp);
}

static enum outcome_stdout compare_stdout(const char *run, const char *clean)
{
	char a[8192], b[8192];
	enum outcome_stdout v = STDOUT_UNKNOWN;
	int fa = open(run, O_RDONLY | O_CLOEXEC), fb = open(clean, O_RDONLY | O_CLOEXEC);

	while (fa >= 0 && fb >= 0) {
		ssize_t na = read(fa, a, sizeof(a)), nb;

		if (na < 0)
			break;
		/* The same count from the clean file, so chunks line up. */
		nb = na ? read(fb, b, na) : read(fb, b, 1);
		if (nb < 0)
			break;
		if (na == 0) {
			v = nb == 0 ? STDOUT_SAME : STDOUT_PREFIX;
			break;
		}
		if (nb < na || memcmp(a, b, na) != 0) {
			v = STDOUT_DIFFERS;
			break;
		}
	}
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	return v;
}

void outcome_read_output(struct outcome *o, const char *stderr_path, const char *stdout_path,
			 const char *clean_stdout_path)
{
	o->stderr_any = false;
	o->message[0] = 0;
	o->out = STDOUT_UNKNOWN;
	if (stderr_path)
		first_line(o, stderr_path);
	if (stdout_path && clean_stdout_path)
		o->out = compare_stdout(stdout_path, clean_stdout_path);
}

/* --- In the report ----------------------------------------------------- */

int report_add_outcome(struct report *r, const struct outcome *o)
{
	if (!r || !o)
		return -EINVAL;
	if (r->noutcomes == r->outcomes_cap) {
		int cap = r->outcomes_cap ? r->outcomes_cap * 2 : 64;
		struct outcome *n = reallocarray(r->outcomes, cap, sizeof(*n));

		if (!n)
			return -ENOMEM;
		r->outcomes = n;
		r->outcomes_cap = cap;
	}
	r->outcomes[r->noutcomes++] = *o;
	return 0;
}

void report_set_clean_outcome(struct report *r, const struct outcome *o)
{
	if (!r || !o)
		return;
	r->clean = *o;
	r->clean_set = true;
}

/* --- The table ----------------------------------------------------------- */

/* Equal in the table's eyes: the same group, status or signal, message. */
static int cluster_cmp(const struct outcome *a, const struct outcome *b)
{
	int ga = outcome_group_of(a), gb = outcome_group_of(b);

	if (ga != gb)
		return ga - gb;
	if (a->signal != b->signal)
		return a->signal - b->signal;
	if (a->exit_status != b->exit_status && ga != OUTCOME_CRASHED && ga != OUTCOME_HUNG)
		return a->exit_status - b->exit_status;
	return strcmp(a->message, b->message);
}

/* Runs of one site that read the same on a line but for their
 * occurrence: one line, their occurrences listed. */
static int same_line(const struct outcome *a, const struct outcome *b)
{
	int c = strcmp(a->fault, b->fault);

	if (c)
		return c;
	if (a->out != b->out)
		return (int)a->out - (int)b->out;
	if (a->finding != b->finding)
		return a->finding - b->finding;
	return (a->nfaults > 1) - (b->nfaults > 1);
}

static int entry_cmp(const void *x, const void *y, void *arg)
{
	const struct outcome *v = arg;
	const struct outcome *a = &v[*(const int *)x], *b = &v[*(const int *)y];
	int c = cluster_cmp(a, b);

	if (c)
		return c;
	if (a->site_id != b->site_id)
		return a->site_id - b->site_id;
	if ((c = same_line(a, b)))
		return c;
	return a->run - b->run;
}

/* Lines per cluster at most (one a site and fault). */
#define OUTCOME_CLUSTER_LINES 50

struct cluster {
	int start, len, nsites;
	enum outcome_group g;
};

static int clusters_cmp(const void *x, const void *y)
{
	const struct cluster *a = x, *b = y;

	if (a->g != b->g)
		return (int)a->g - (int)b->g;
	if (a->len != b->len)
		return b->len - a->len;	/* the biggest first */
	return a->start - b->start;	/* then as sorted: by status, message */
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static void print_end(const struct outcome *o, FILE *fp)
{
	char sig[32];

	if (o->ending == ENDED_SIGNAL)
		fprintf(fp, "%s", report_signal_name(o->signal, sig, sizeof(sig)));
	else if (o->ending == ENDED_TIMEOUT)
		fprintf(fp, "hang");
	else
		fprintf(fp, "exit %d", o->exit_status);
}

static int int_cmp(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;

	return (a > b) - (a < b);
}

/* Occurrences listed on a line at most: a fuzz campaign's thousands of
 * runs at one site mostly share a few. */
#define OUTCOME_OCC_SHOWN 16

/* Each distinct occurrence of the n runs at p once, ascending, and how
 * many runs when more runs than occurrences: "occurrences 1,2 in 412 runs". */
static void print_occurrences(const struct outcome *v, const int *p, int n, FILE *fp)
{
	int *occ = malloc((size_t)n * sizeof(*occ)), k = 0;

	if (!occ) {
		fprintf(fp, ", %d runs", n);
		return;
	}
	for (int i = 0; i < n; i++)
		occ[i] = v[p[i]].occurrence;
	qsort(occ, (size_t)n, sizeof(*occ), int_cmp);
	for (int i = 0; i < n; i++)
		if (i == 0 || occ[i] != occ[k - 1])
			occ[k++] = occ[i];
	fprintf(fp, ", occurrence%s", k > 1 ? "s" : "");
	for (int i = 0; i < k && i < OUTCOME_OCC_SHOWN; i++)
		fprintf(fp, "%s%d", i ? "," : " ", occ[i]);
	if (k > OUTCOME_OCC_SHOWN)
		fprintf(fp, ",... (%d more)", k - OUTCOME_OCC_SHOWN);
	if (n > k)
		fprintf(fp, " in %d runs", n);
	free(occ);
}

/* One line: the site, the fault, the occurrences of the n runs at p
 * that read the same (same_line), what set them apart from a clean run. */
static void print_entry(const struct site *sites, int nsites, const struct outcome *v,
			const int *p, int n, FILE *fp)
{
	const struct outcome *o = &v[p[0]];
	const struct site *s = o->site_id >= 0 && o->site_id < nsites ? &sites[o->site_id] : NULL;

	fprintf(fp, "    ");
	if (s)
		fprintf(fp, "site#%d ", s->id);
	fprintf(fp, "%s %s", o->call, o->fault);
	if (s && s->function[0]) {
		fprintf(fp, " at %s", s->function);
		if (s->file[0])
			fprintf(fp, " (%s:%d)", base_name(s->file), s->line);
		for (int i = 0; i < s->npath; i++)
			fprintf(fp, " %s %s", i ? "<" : "via", s->path[i]);
	}
	if (n > 1 || o->occurrence > 1)
		print_occurrences(v, p, n, fp);
	if (o->nfaults > 1)
		fprintf(fp, ", with other faults");
	if (o->out == STDOUT_PREFIX || o->out == STDOUT_DIFFERS)
		fprintf(fp, ", stdout %s", o->out == STDOUT_PREFIX ? "cut short" : "differs");
	if (o->finding)
		fprintf(fp, ", finding #%d", o->finding);
	fputc('\n', fp);
}

static int count_sites(const struct outcome *v, const int *idx, int n)
{
	int k = 0;

	/* idx is sorted by site within a cluster. */
	for (int i = 0; i < n; i++)
		if (i == 0 || v[idx[i]].site_id != v[idx[i - 1]].site_id)
			k++;
	return k;
}

static void print_cluster(const struct site *sites, int nsites, const struct outcome *v,
			  const int *idx, const struct cluster *c, FILE *fp)
{
	const struct outcome *o = &v[idx[c->start]];

	fprintf(fp, "  %d site%s", c->nsites, c->nsites == 1 ? "" : "s");
	if (c->len != c->nsites)
		fprintf(fp, " (%d runs)", c->len);
	if (c->g < OUTCOME_OK_MSG) {
		fprintf(fp, ", ");
		print_end(o, fp);
	}
	if (o->message[0])
		fprintf(fp, ": '%s'", o->message);
	else if (o->stderr_any)
		fprintf(fp, ": (only blank lines on stderr)");
	fputc('\n', fp);
	for (int i = c->start, lines = 0; i < c->start + c->len; lines++) {
		int n = 1;

		while (i + n < c->start + c->len && v[idx[i + n]].site_id == v[idx[i]].site_id &&
		       !same_line(&v[idx[i + n]], &v[idx[i]]))
			n++;
		/* A random campaign's thousands of runs: the first lines only. */
		if (lines == OUTCOME_CLUSTER_LINES) {
			fprintf(fp, "    ... %d more run%s (report.json: sites[].outcomes)\n",
				c->start + c->len - i, c->start + c->len - i == 1 ? "" : "s");
			break;
		}
		print_entry(sites, nsites, v, idx + i, n, fp);
		i += n;
	}
}

static void print_clean(const struct outcome *clean, FILE *fp)
{
	fprintf(fp, "  the run without faults: ");
	print_end(clean, fp);
	if (clean->message[0])
		fprintf(fp, ", stderr '%s'", clean->message);
	else
		fprintf(fp, ", %s", clean->stderr_any ? "blank lines on stderr" : "nothing on stderr");
	fputc('\n', fp);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The distribution of the runs' CPU and wall times, so a degradation
 * shows without reading report.json: median, 90th percentile, maximum
 * (and where), against the run without faults. */
static void print_times(const struct outcome *v, int n, const struct outcome *clean, FILE *fp)
{
	int64_t *cpu = calloc(n ? n : 1, sizeof(*cpu)), *wall = calloc(n ? n : 1, sizeof(*wall));
	int k = 0, top = -1;

	for (int i = 0; cpu && wall && i < n; i++) {
		if (v[i].cpu_us < 0 || v[i].wall_us < 0)
			continue;
		cpu[k] = v[i].cpu_us;
		wall[k++] = v[i].wall_us;
		/* Ties by site and run: the summary (runs in order) and a
		 * report read back (runs by site) name the same one. */
		if (top < 0 || v[i].cpu_us > v[top].cpu_us ||
		    (v[i].cpu_us == v[top].cpu_us &&
		     (v[i].site_id < v[top].site_id ||
		      (v[i].site_id == v[top].site_id && v[i].run < v[top].run))))
			top = i;
	}
	if (k > 0) {
		qsort(cpu, k, sizeof(*cpu), cmp_i64);
		qsort(wall, k, sizeof(*wall), cmp_i64);
		fprintf(fp, "  times with faults: CPU median %.1f ms, 90%% %.1f ms, max %.1f ms (",
			cpu[k / 2] / 1000.0, cpu[(k * 9) / 10] / 1000.0, cpu[k - 1] / 1000.0);
		if (v[top].site_id >= 0)
			fprintf(fp, "site#%d ", v[top].site_id);
		fprintf(fp, "%s %s); wall median %.1f ms, max %.1f ms", v[top].call, v[top].fault,
			wall[k / 2] / 1000.0, wall[k - 1] / 1000.0);
		if (clean && clean->cpu_us >= 0 && clean->wall_us >= 0)
			fprintf(fp, "; without faults CPU %.1f ms, wall %.1f ms",
				clean->cpu_us / 1000.0, clean->wall_us / 1000.0);
		fputc('\n', fp);
	}
	free(cpu);
	free(wall);
}

void report_print_outcomes(const struct site *sites, int nsites, const struct outcome *v, int n,
			   const struct outcome *clean, FILE *fp)
{
	int *idx = n ? calloc(n, sizeof(*idx)) : NULL;
	struct cluster *cl = n ? calloc(n, sizeof(*cl)) : NULL;
	int ncl = 0, runs[OUTCOME_NGROUPS] = { 0 };

	if (n && (!idx || !cl)) {
		fprintf(fp, "what each error path did: out of memory\n");
		goto out;
	}
	for (int i = 0; i < n; i++)
		idx[i] = i;
	/* qsort of NULL, even with no element, is undefined. */
	if (n)
		qsort_r(idx, n, sizeof(*idx), entry_cmp, (void *)v);
	for (int i = 0; i < n; i++) {
		if (i == 0 || cluster_cmp(&v[idx[i]], &v[idx[i - 1]]) != 0)
			cl[ncl++] = (struct cluster){ .start = i, .g = outcome_group_of(&v[idx[i]]) };
		cl[ncl - 1].len++;
	}
	for (int i = 0; i < ncl; i++) {
		cl[i].nsites = count_sites(v, idx + cl[i].start, cl[i].len);
		runs[cl[i].g] += cl[i].len;
	}
	if (ncl)
		qsort(cl, ncl, sizeof(*cl), clusters_cmp);
	fprintf(fp, "what each error path did: %d run%s with faults\n", n, n == 1 ? "" : "s");
	if (clean)
		print_clean(clean, fp);
	print_times(v, n, clean, fp);
	for (int g = 0; g < OUTCOME_NGROUPS; g++) {
		if (!runs[g])
			continue;
		fprintf(fp, "%s: %d run%s\n", groups[g].text, runs[g], runs[g] == 1 ? "" : "s");
		for (int i = 0; i < ncl; i++)
			if (cl[i].g == (enum outcome_group)g)
				print_cluster(sites, nsites, v, idx, &cl[i], fp);
	}
out:
	free(idx);
	free(cl);
}
