/* refusals.h - what the jail changed: the calls of the run without faults
 * that the jail refused and the host would have allowed (issue 10). A
 * program whose input open fails in the jail ("is not a file!", exit 0)
 * would otherwise have every planned run test that path with no word.
 * Only the clean run watches (its trace set gains these syscalls, and an
 * exit observer reads their results): planned runs pay nothing. */
#ifndef FZ_REFUSALS_H
#define FZ_REFUSALS_H

#include <stdint.h>
#include <stdio.h>

#include "reporters/report.h"
#include "sandbox/sandbox.h"
#include "tracer/tracer.h"

#define REFUSALS_MAX 16

struct refusals {
	const struct sandbox *sb;	/* NULL: no jail, nothing watched */
	const struct sandbox_rlimits *rl;
	bool lookups;		/* also hidden host paths (stat, read-only opens) */
	uint8_t exit_set[SYSCALL_MAX / 8];
	/* Without lookups, open and openat stop only with a write's flags
	 * (a seccomp rule); the rest of exit_set stops at every call. */
	uint8_t always[SYSCALL_MAX / 8];
	struct tracer_cond conds[TRACER_MAX_CONDS];
	int nconds;
	struct tracer_observer ob;
	int n, dropped;
	struct report_refusal v[REFUSALS_MAX];
	/* The path as the program gave it, for its stderr's lines. */
	char given[REFUSALS_MAX][256];
};

/* lookups: also watch lookups of host paths the jail hides (every stat
 * and read-only open: a campaign's clean run); without, --inject=none's
 * one run pays only for the rare calls (writes, entries, limits, ids). */
void refusals_init(struct refusals *rf, const struct sandbox *sb, const struct sandbox_rlimits *rl,
		   bool lookups);
/* Before the clean run: forget the last one's, add the watched syscalls
 * to its trace set and *conds (the episode's conditional stops); the
 * episode's observer (NULL without the jail). */
const struct tracer_observer *refusals_begin(struct refusals *rf, uint8_t *trace_set,
					     const struct tracer_cond **conds, int *nconds);
/* After it: the lines of its captured stderr (NULL: not captured) that
 * mention each path or error. */
void refusals_quote(struct refusals *rf, const char *stderr_path);
/* The notes on fp (one per refusal and its stderr lines) and the
 * report's jail_refusals (rep NULL: none). Nothing without the jail. */
void refusals_report(const struct refusals *rf, struct report *rep, FILE *fp);

#endif
