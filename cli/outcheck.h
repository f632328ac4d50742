/* outcheck.h - --check=output: silent corruption (cli/ only). The clean
 * run's output (stdout, the named outputs, --workdir's files), normalised
 * by --ignore, is kept; a second run without faults must leave the same;
 * a faulted run that exits 0 with less of it (a file cut short, lines
 * lost, a file missing) is a silent-corruption finding, with
 * --check=output-diff any difference at all. */
#ifndef FZ_OUTCHECK_H
#define FZ_OUTCHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "reporters/report.h"

struct outcheck;
struct options;
struct sandbox;

/* Where one run's output is, as it left it. */
struct outcheck_run {
	const char *stdout_path;
	const struct sandbox *sb;	/* its named outputs; NULL: none */
	const char *workdir;		/* the run's work copy; NULL: none */
};

/* o->check_output and o->ignores; dies on a regex (already checked). */
struct outcheck *outcheck_new(const struct options *o);
void outcheck_free(struct outcheck *oc);

/* A run without faults. first: its output becomes the baseline. Else it
 * is compared with the baseline: 0 when equal, -EINVAL with why[] naming
 * the first line that differs. -errno when the output cannot be read. */
int outcheck_clean(struct outcheck *oc, const struct outcheck_run *run, bool first, char *why,
		   size_t len);

/* A faulted run that exited 0 and is no other finding: 1 and f's kind,
 * detail and out when it lost output (or, output-diff, changed any); 0
 * when not, or without a baseline; -errno (why[]) when it cannot be read. */
int outcheck_judge(struct outcheck *oc, const struct outcheck_run *run, struct run_finding *f,
		   char *why, size_t len);

#endif
