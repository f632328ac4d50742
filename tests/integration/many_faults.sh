#!/bin/bash
# A random run that injected many faults (more than the 8 a finding once
# kept): its finding keeps every fault of the run, in order, and --replay
# fails exactly those calls again (many_faults prints a hash of which of
# its calls failed) and reproduces the crash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

# many_faults crashes only at 20 failed reads or more: the plan's one-fault
# runs find nothing, the random runs at p=0.5 (400 calls) do.
fz --inject=io,alloc --random --probability=0.5 --seed=3 --occurrences=1 --max-runs=16 \
	--out="$OUT" -- "$T/many_faults"
assert_rc 1
sel=$(finding_with too_many)
n=$(jqr "$sel | length")
[ "$n" = 1 ] || fatal "$n findings in too_many, want 1"
id=$(jqr "$sel | .[0].id")
# The finding's faults are those of its first run, as runs.jsonl logged it.
first=$(jq -c "select(.finding == $id)" "$OUT/runs.jsonl" | head -n 1)
[ -n "$first" ] || fatal "no run of finding $id in runs.jsonl"
assert_eq random "$(jq -r .mode <<<"$first")" "mode of the finding's first run"
n_run=$(jq '.faults | length' <<<"$first")
n_kept=$(jqr "$sel | .[0].faults | length")
[ "$n_run" -ge 20 ] || fail "the finding's run injected only $n_run faults"
assert_eq "$n_run" "$n_kept" "faults kept by the finding of a $n_run-fault run"
[ "$(jq -c '[.faults[] | [.call, .fault, .site, .thread, .occurrence]]' <<<"$first")" = \
	"$(jqr "$sel | .[0].faults | map([.call, .fault, .site, .thread, .occurrence]) | tostring")" ] ||
	fail "the finding's faults are not those of its run in runs.jsonl"

# The replay fails the very same calls and crashes the same way.
fz --replay="$OUT/report.json#$id" --replay-runs=3 --out="$TMP/replay"
assert_rc 1
grep -q 'reproduced 3 of 3' "$TMP/fz.stderr" || fail "the many-fault finding did not replay 3 of 3"
want=$(grep '^many_faults:' "$OUT/$(jqr "$sel | .[0].stderr")")
got=$(grep '^many_faults:' "$TMP/replay/replay/stderr")
[ -n "$want" ] || fail "no line of many_faults in the finding's stderr"
assert_eq "$want" "$got" "which calls failed, in the run and in its replay"
assert_no_stray many_faults

# fzsandbox minimize (issue 15): of the run's faults, exactly the 20 failed
# preads it needs (too_many's threshold) still crash it: the smallest set
# is written as a report of its own, which replays.
fz minimize --out="$TMP/min" "$OUT/report.json#$id"
assert_rc 1
MR=$TMP/min/minimize/report.json
assert_eq 20 "$(jqr '.findings[0].faults | length' "$MR")" "faults left by minimize (from $n_run)"
assert_eq 0 "$(jqr '[.findings[0].faults[] | select(.call != "pread64")] | length' "$MR")" \
	"minimized faults that are not preads"
grep -q "^minimize: 20 of $n_run faults reproduce finding #$id" "$TMP/fz.stderr" ||
	fail "minimize's summary: $(head -3 "$TMP/fz.stderr")"
fz --replay="$MR" --out="$TMP/min-replay"
assert_rc 1
grep -q 'reproduced 1 of 1' "$TMP/fz.stderr" || fail "the minimized finding does not replay"
fz minimize
assert_rc 2
fz minimize --out="$TMP/min2" "$TMP/no-such-report.json"
assert_rc 2
assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "minimize of a missing report: stderr lines"
