#!/bin/bash
# --replay=REPORT#ID re-runs a finding: the unchecked_malloc finding must
# reproduce every time (5 of 5), and say so.
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
