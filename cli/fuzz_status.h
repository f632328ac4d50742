/* fuzz_status.h - --fuzz's status on stderr: a screen redrawn about once a
 * second on a terminal, a line of key=value fields every 10 s, at each
 * new finding and at the end otherwise (cli/fuzz.c calls it; -q: none). */
#ifndef FZ_FUZZ_STATUS_H
#define FZ_FUZZ_STATUS_H

#include <stdbool.h>
#include <stdio.h>

/* What the status shows; times in ms since the loop began, -1: never. */
#define FUZZ_STATUS_KINDS 16
#define FUZZ_STATUS_CLASSES 32
struct fuzz_view {
	long long elapsed_ms;
	long execs;
	int corpus, seeds;
	long long last_new_ms;
	long cycles;
	int cur, cells, cells_max;
	int edges, edges_max;	/* AFL++'s edge map (edges_max 0: none) */
	int findings;
	int kinds[FUZZ_STATUS_KINDS];	/* new findings per enum finding_kind */
	long long last_find_ms;
	unsigned long faults[FUZZ_STATUS_CLASSES];	/* injected, per class */
	int nclasses;
	/* Calibration (inject/fuzz_calib.h): cells that vary, entries that
	 * showed it, AFL++'s stability. */
	int var_cells, variable;
	int stab_cells;		/* of the map stability is measured on */
	bool stab_edges;	/* AFL++'s edge map, not the shape */
	double stability;
	/* The target tree: CPU time over the loop's time, largest peak RSS. */
	double cpu_pct;
	unsigned long long rss_kb;
	long long left_ms;	/* of --budget; -1: none */
	long runs_left;		/* of --max-runs; -1: none */
	const char *prog;
};

/* The screen over the one drawn before (prev: its lines, 0 for none);
 * the lines drawn. */
int fuzz_status_screen(FILE *fp, const struct fuzz_view *v, int prev);
/* One line: "fzsandbox: fuzz: time=12s runs=... left=..." (docs/fuzzing.md). */
void fuzz_status_line(FILE *fp, const struct fuzz_view *v);

#endif
