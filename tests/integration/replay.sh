#!/bin/bash
# --replay=REPORT#ID re-runs a finding: the unchecked_malloc finding must
# reproduce every time (5 of 5), and say so. A program rebuilt since the
# campaign (another build id) is named as such when the finding does not
# reproduce.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

fz --inject=alloc --out="$OUT" -- "$T/unchecked_malloc"
assert_finding_in copy_name
id=$(jqr "$(finding_with copy_name) | .[0].id")
cp -- "$OUT/report.json" "$TMP/report.json"

# Five separate replays, so each one has to reproduce on its own.
for i in 1 2 3 4 5; do
	fz --replay="$TMP/report.json#$id" --out="$TMP/replay$i"
	grep -q '^replay: reproduced' "$TMP/fz.stdout" "$TMP/fz.stderr" || fail "replay $i: not reproduced"
	assert_rc 1
done

# And --replay-runs=5 in one go.
fz --replay="$TMP/report.json#$id" --replay-runs=5 --out="$TMP/replay-runs"
assert_rc 1
grep -q '^replay: reproduced' "$TMP/fz.stdout" "$TMP/fz.stderr" || fail "--replay-runs=5: not reproduced"
grep -q '^replay: not reproduced' "$TMP/fz.stdout" "$TMP/fz.stderr" && fail "--replay-runs=5: some runs did not reproduce"

# The verdict is in OUT/replay/report.json too (issue 11): the report's
# schema plus "replay", for scripts.
R=$TMP/replay-runs/replay/report.json
[ -s "$R" ] || fatal "no $R"
assert_eq "$id" "$(jqr '.replay.finding' "$R")" "replay.finding"
assert_eq 5 "$(jqr '.replay.runs' "$R")" "replay.runs"
assert_eq 5 "$(jqr '.replay.reproduced' "$R")" "replay.reproduced"
assert_eq "$(realpath "$TMP/report.json")" "$(jqr '.replay.report' "$R")" "replay.report"
assert_eq 5 "$(jqr '.runs' "$R")" "runs of the replay's report"
assert_eq "$T/unchecked_malloc" "$(jqr '.target' "$R")" "target of the replay's report"
assert_eq 5 "$(jqr "$(finding_with copy_name) | .[0].hits" "$R")" "the replayed finding's hits"
# A replay that does not reproduce says so there as well.
jq '(.findings[].faults[].occurrence) |= 99' "$TMP/report.json" >"$TMP/never.json" ||
	fatal "cannot write never.json"
fz --replay="$TMP/never.json#$id" --replay-runs=2 --out="$TMP/replay-never"
assert_rc 0
assert_eq 0 "$(jqr '.replay.reproduced' "$TMP/replay-never/replay/report.json")" "replay.reproduced (not)"
assert_eq 0 "$(jqr '.findings | length' "$TMP/replay-never/replay/report.json")" "findings of a replay that did not reproduce"
# A replay's report replays in turn, but is never written over itself.
fz --replay="$R#1" --out="$TMP/replay-runs"
assert_rc 2
grep -q "would replace" "$TMP/fz.stderr" || fail "a replay over its own report was not refused"
[ "$(wc -l <"$TMP/fz.stderr")" = 1 ] || fail "the refusal is not one line"
assert_eq 5 "$(jqr '.replay.runs' "$R")" "the replayed report after a refused replay"
fz --replay="$R#1" --out="$TMP/replay-of-replay"
assert_rc 1
assert_eq 1 "$(jqr '.replay.reproduced' "$TMP/replay-of-replay/replay/report.json")" "a replay of a replay"

# The replay command stored in the report is a working command line.
cmd=$(jqr "$(finding_with copy_name) | .[0].replay")
case "$cmd" in
*fzsandbox*) ;;
*) fail "replay command does not run fzsandbox: $cmd" ;;
esac
# A relative --out is where the replay was asked for (from a directory
# other than the campaign's), not under the campaign's directory.
mkdir -p "$TMP/elsewhere" || fatal "mkdir"
rm -rf "$TMP/fzsandbox-out"
(cd "$TMP/elsewhere" && timeout 120 "$FZ" --replay="$TMP/report.json#$id" --out=rel-out) \
	>"$TMP/fz.stdout" 2>"$TMP/fz.stderr" </dev/null
rc=$?
assert_rc 1
[ -d "$TMP/elsewhere/rel-out/replay" ] || fail "a relative --out of a replay went elsewhere"

# A campaign in a used --out leaves no earlier findings or run log there;
# --inject=none prints an absolute replay path.
fz --inject=io --out="$TMP/replay-runs" -- /bin/true
assert_rc 0
[ -e "$TMP/replay-runs/findings/1" ] && fail "an earlier campaign's finding left in a reused --out"
(cd "$TMP/elsewhere" && timeout 60 "$FZ" --inject=none --out=none-out -- /bin/sh -c 'kill -SEGV $$') \
	>"$TMP/fz.stdout" 2>"$TMP/fz.stderr" </dev/null
grep -q "replay: .* --replay=$TMP/elsewhere/none-out/report.json#1" "$TMP/fz.stderr" ||
	fail "--inject=none's replay line is not absolute: $(grep replay: "$TMP/fz.stderr")"
grep -q "sent by pid" "$TMP/fz.stderr" || fail "a sent signal is described with an address"

assert_no_stray unchecked_malloc

# Some runs but not all (issue 15): "flaky k/N" and an exit status of its
# own, 4. flaky_crash crashes on its odd runs, counted in a bound file:
# the campaign's only run (the first) crashes, the replay's four runs
# (counts 2 to 5) crash twice.
mkdir -p "$TMP/cnt" && chmod 777 "$TMP/cnt"
fz --inject=io --max-runs=1 --bind="$TMP/cnt" --out="$TMP/flaky" -- "$T/flaky_crash" "$TMP/cnt/n"
assert_rc 1
fz --replay="$TMP/flaky/report.json#1" --replay-runs=4 --out="$TMP/flaky-replay"
assert_rc 4
grep -q '^replay: flaky 2/4 (signal in main)' "$TMP/fz.stderr" || fail "flaky replay: $(cat "$TMP/fz.stderr")"
assert_eq 2 "$(jqr '.replay.reproduced' "$TMP/flaky-replay/replay/report.json")" "replay.reproduced (flaky)"

# Another build at the campaign's path: the line says so (build ids).
cp -- "$T/unchecked_malloc" "$TMP/prog" || fatal "cp"
fz --inject=alloc --out="$TMP/b1" -- "$TMP/prog"
assert_rc 1
grep -q 'another build' "$TMP/fz.stderr" && fail "a campaign's own stderr names another build"
fz --replay="$TMP/b1/report.json#1" --out="$TMP/b2"
assert_rc 1
grep -q 'another build' "$TMP/fz.stderr" && fail "the same build named another: $(cat "$TMP/fz.stderr")"
cp -- "$T/unchecked_malloc_O2" "$TMP/prog" || fatal "cp"
fz --replay="$TMP/b1/report.json#1" --out="$TMP/b3"
grep -q "^replay: '$TMP/prog' is another build than the campaign's (build id [0-9a-f]*, now [0-9a-f]*)" \
	"$TMP/fz.stderr" || fail "a rebuilt program not named: $(cat "$TMP/fz.stderr")"
