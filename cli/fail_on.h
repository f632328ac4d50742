/* fail_on.h - --fail-on=new (cli/fail_on.c): a campaign or a merge with
 * a findings store fails only on findings the store does not know. */
#ifndef FZ_FAIL_ON_H
#define FZ_FAIL_ON_H

#include <stdbool.h>
#include <stdio.h>

/* Before the campaign: with new_only, the keys already in store (and in
 * the --baseline file, NULL: none) are what "known" means; a store made
 * later by this invocation or a parallel shard does not count. who
 * prefixes error lines ("" or "merge: "). die()s on bad input. */
void fail_on_begin(bool new_only, const char *store, const char *baseline, const char *who);
/* After out_dir/report.json is written (before --store adds to the
 * store): does the job fail? Without --fail-on=new, when there is a
 * finding; with it, when a finding is new, and report.json's findings
 * are marked "new" or "known_in". */
bool fail_on_judge(const char *out_dir, int nfindings);
/* With --fail-on=new: a line per finding (new or known) and a summary
 * to fp, after the report's own text (unless quiet and nothing is new). */
void fail_on_summary(bool quiet, FILE *fp);

#endif
