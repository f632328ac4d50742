#!/bin/bash
# Issue 11, a capped plan covers every class first: wrap_alloc mixed has
# twenty allocation call paths, reached first, and one write site after
# them (to a file: a write to stdout, a pipe fzsandbox drains, has no
# faithful fault). With --max-runs small the plan must still inject an I/O fault,
# try no site twice before every site once, and say how much of the plan
# it covered, per class, in the summary and in report.json.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

fz --max-runs=8 --out="$OUT" -- "$T/wrap_alloc" mixed "$TMP/said"
assert_rc 0
plan_runs=$(jq -c 'select(.mode == "plan")' "$OUT/runs.jsonl")
assert_eq 7 "$(wc -l <<<"$plan_runs")" "planned runs done"
io=$(jq -r '.faults[].call' <<<"$plan_runs" | grep -c '^write$')
[ "$io" -ge 1 ] || fail "no I/O fault injected in 7 planned runs"
# Every site once first: 7 runs, 7 different sites.
assert_eq 7 "$(jq -r '.faults[0] | .call + " " + .site' <<<"$plan_runs" | sort -u | wc -l)" "distinct sites tried"

# report.json: per class, planned and done runs; they add up.
for cls in io alloc; do
	done_=$(jqr ".plan_classes.$cls.done")
	planned=$(jqr ".plan_classes.$cls.planned")
	[ "$done_" -ge 1 ] && [ "$planned" -gt "$done_" ] ||
		fail "$cls: $done_ of $planned planned runs done"
done
assert_eq 7 "$(jqr '[.plan_classes[].done] | add')" "done runs over the classes"
assert_eq "$(($(jqr .runs_planned) - 1))" "$(jqr '[.plan_classes[].planned] | add')" \
	"planned runs over the classes (all but the clean run)"
assert_eq 7 "$(jqr .call_paths.tried)" "call paths tried"
[ "$(jqr .call_paths.clean_run)" -ge 21 ] || fail "call paths: $(jqr .call_paths.clean_run)"

# The summary says it, findings or not.
io_d=$(jqr .plan_classes.io.done); io_p=$(jqr .plan_classes.io.planned)
al_d=$(jqr .plan_classes.alloc.done); al_p=$(jqr .plan_classes.alloc.planned)
grep -q "^plan: 7 of $((io_p + al_p)) runs (io $io_d/$io_p, alloc $al_d/$al_p)$" "$TMP/fz.stderr" ||
	fail "no plan coverage line in the summary"
grep -q "^call paths: [0-9]* in the clean run" "$TMP/fz.stderr" || fail "no call paths line"
assert_no_stray wrap_alloc
