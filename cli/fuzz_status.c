/* fuzz_status.c - --fuzz's live status: AFL++'s screen, shorter. On a
 * terminal a few lines redrawn in place (the cursor moved back up over
 * them); elsewhere one line of key=value fields, for logs and scripts. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/fuzz_status.h"
#include "inject/inject.h"
#include "reporters/report.h"

/* "1h02m", "3m04s", "12s"; "-" for never. */
static const char *dur(long long ms, char *buf, size_t n)
{
	long long s = ms / 1000;

	if (ms < 0)
		snprintf(buf, n, "-");
	else if (s >= 3600)
		snprintf(buf, n, "%lldh%02lldm", s / 3600, s / 60 % 60);
	else if (s >= 60)
		snprintf(buf, n, "%lldm%02llds", s / 60, s % 60);
	else
		snprintf(buf, n, "%llds", s);
	return buf;
}

/* "12.3M", "1.2G": KiB as a peak RSS. */
static const char *mem(unsigned long long kb, char *buf, size_t n)
{
	if (kb >= 1024 * 1024)
		snprintf(buf, n, "%.1fG", kb / (1024.0 * 1024.0));
	else
		snprintf(buf, n, "%.1fM", kb / 1024.0);
	return buf;
}

static double rate(const struct fuzz_view *v)
{
	return v->elapsed_ms > 0 ? v->execs * 1000.0 / v->elapsed_ms : 0.0;
}

static long long since(const struct fuzz_view *v, long long at)
{
	return at < 0 ? -1 : v->elapsed_ms - at;
}

/* "signal=1 hang=2" (sep '='), or "signal 1, hang 2" (sep ' '); "none". */
static void kinds(const struct fuzz_view *v, char sep, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = 0;
	for (int k = 0; k < FUZZ_STATUS_KINDS && len < n; k++)
		if (v->kinds[k])
			len += snprintf(buf + len, n - len, "%s%s%c%d", len ? (sep == '=' ? " " : ", ") : "",
					finding_kind_name((enum finding_kind)k), sep, v->kinds[k]);
	if (!buf[0])
		snprintf(buf, n, "none");
}

/* Faults per class, the classes that injected any; their sum. */
static unsigned long faults(const struct fuzz_view *v, char sep, char *buf, size_t n)
{
	unsigned long sum = 0;
	size_t len = 0;

	buf[0] = 0;
	for (int i = 0; i < v->nclasses && len < n; i++) {
		if (!v->faults[i])
			continue;
		sum += v->faults[i];
		len += snprintf(buf + len, n - len, "%s%s%c%lu", len ? (sep == '=' ? " " : ", ") : "",
				inject_class_name(i), sep, v->faults[i]);
	}
	if (!buf[0])
		snprintf(buf, n, "none");
	return sum;
}

/* "3m12s or 241 runs" on the screen; " left_time=3m12s left_runs=241"
 * on the line: each limit given. */
static void left(const struct fuzz_view *v, char *buf, size_t n, bool words)
{
	char d[32];
	int len = 0;

	buf[0] = 0;
	if (v->left_ms >= 0)
		len = snprintf(buf, n, words ? "%s" : " left_time=%s", dur(v->left_ms, d, sizeof(d)));
	if (v->runs_left >= 0 && words)
		snprintf(buf + len, n - (size_t)len, "%s%ld runs", len ? " or " : "", v->runs_left);
	else if (v->runs_left >= 0)
		snprintf(buf + len, n - (size_t)len, " left_runs=%ld", v->runs_left);
}

int fuzz_status_screen(FILE *fp, const struct fuzz_view *v, int prev)
{
	char a[32], b[32], k[256], f[256], l[64], m[32];
	unsigned long nf = faults(v, ' ', f, sizeof(f));
	int lines = 0;

	if (prev)
		fprintf(fp, "\033[%dA", prev);	/* back up over the last screen */
#define LINE(...) (fprintf(fp, "\r\033[K" __VA_ARGS__), fputc('\n', fp), lines++)
	LINE("fzsandbox --fuzz: %s", v->prog);
	left(v, l, sizeof(l), true);
	LINE("  runs      %ld, %.1f/s; %s run, %s left", v->execs, rate(v),
	     dur(v->elapsed_ms, a, sizeof(a)), l);
	LINE("  corpus    %d (%d new), last new %s%s; cycle %ld, entry %d", v->corpus,
	     v->corpus - v->seeds, v->last_new_ms < 0 ? "none yet" : dur(since(v, v->last_new_ms), b,
									 sizeof(b)),
	     v->last_new_ms < 0 ? "" : " ago", v->cycles, v->cur);
	LINE("  shape     %d of %d cells (%.2f%%)", v->cells, v->cells_max,
	     v->cells_max ? v->cells * 100.0 / v->cells_max : 0.0);
	if (v->edges_max)
		LINE("  edges     %d of %d (AFL++ map, %.2f%%)", v->edges, v->edges_max,
		     v->edges * 100.0 / v->edges_max);
	kinds(v, ' ', k, sizeof(k));
	LINE("  findings  %d: %s%s%s%s", v->findings, k, v->last_find_ms < 0 ? "" : "; last ",
	     v->last_find_ms < 0 ? "" : dur(since(v, v->last_find_ms), a, sizeof(a)),
	     v->last_find_ms < 0 ? "" : " ago");
	LINE("  faults    %lu: %s", nf, f);
	LINE("  stability %.2f%% (%d of %d %s vary, in %d entr%s)", v->stability, v->var_cells,
	     v->stab_cells, v->stab_edges ? "edges" : "cells", v->variable,
	     v->variable == 1 ? "y" : "ies");
	LINE("  target    cpu %.0f%%, peak rss %s", v->cpu_pct, mem(v->rss_kb, m, sizeof(m)));
#undef LINE
	fflush(fp);
	return lines;
}

void fuzz_status_line(FILE *fp, const struct fuzz_view *v)
{
	char a[32], b[32], c[32], k[256], f[256], l[64], m[32], e[32] = "";
	unsigned long nf = faults(v, '=', f, sizeof(f));

	kinds(v, '=', k, sizeof(k));
	left(v, l, sizeof(l), false);
	if (v->edges_max)
		snprintf(e, sizeof(e), " edges=%d", v->edges);
	fprintf(fp, "fzsandbox: fuzz: time=%s runs=%ld rate=%.1f/s corpus=%d new=%d last_new=%s "
		"cells=%d%s stability=%.2f%% cpu=%.0f%% rss=%s findings=%d (%s) last_finding=%s "
		"faults=%lu (%s)%s\n",
		dur(v->elapsed_ms, a, sizeof(a)), v->execs, rate(v), v->corpus, v->corpus - v->seeds,
		dur(since(v, v->last_new_ms), b, sizeof(b)), v->cells, e, v->stability, v->cpu_pct,
		mem(v->rss_kb, m, sizeof(m)), v->findings, k, dur(since(v, v->last_find_ms), c, sizeof(c)),
		nf, f, l);
	fflush(fp);
}
