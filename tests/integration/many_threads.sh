#!/bin/bash
# More threads than the engine once had per-thread slots (64; ordinals 64
# and up were merged into 63): each of many_threads' 80 workers has its own
# occurrences, so the plan fails the malloc of every one of them, and the
# run that fails it in thread 70 is the finding in worker_70, in thread
# 70, and replays.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

"$T/many_threads" >/dev/null || fatal "many_threads fails without fzsandbox"
# One occurrence per site and thread; main's own sites (thread stacks)
# are not this test's.
fz --inject=alloc --occurrences=1 --exclude-site=main --out="$OUT" -- "$T/many_threads"
assert_rc 1
# Planned: a malloc fault in each worker, threads 1 to 80.
threads=$(jq -r 'select(.mode == "plan") | .faults[] | select(.call == "malloc" and .caller == "worker") |
	.thread' "$OUT/runs.jsonl" | sort -n | uniq | tr '\n' ' ')
assert_eq "$(seq -s ' ' 1 80) " "$threads" "threads whose malloc the plan failed"
# The run planned on thread 70 failed that thread's call and crashed there.
run=$(jq -c 'select(.mode == "plan" and .faults[0].call == "malloc" and .faults[0].thread == 70)' \
	"$OUT/runs.jsonl")
[ -n "$run" ] || fatal "no run planned on thread 70"
assert_eq "signal SIGSEGV" "$(jq -r .outcome <<<"$run")" "outcome of the run faulting thread 70"
sel=$(finding_with worker_70)
n=$(jqr "$sel | length")
[ "$n" = 1 ] || fatal "$n findings in worker_70, want 1"
assert_eq 70 "$(jqr "$sel | .[0].thread")" "thread of the worker_70 finding"
assert_eq "malloc 70" "$(jqr "$sel | .[0].faults[0] | \"\(.call) \(.thread)\"")" \
	"call and thread of the finding's fault"
# No other worker's fault is a finding (they check their malloc).
assert_eq 1 "$(jqr '.findings | length')" "findings"
fz --replay="$OUT/report.json#$(jqr "$sel | .[0].id")" --replay-runs=2 --out="$TMP/replay"
assert_rc 1
grep -q 'reproduced 2 of 2' "$TMP/fz.stderr" || fail "the thread-70 finding did not replay"
assert_no_stray many_threads
