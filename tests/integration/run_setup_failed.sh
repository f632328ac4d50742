#!/bin/bash
# A run after the first that cannot start does not end the campaign: it is
# noted once on stderr, kept in runs.jsonl with the outcome "setup-failed",
# and the campaign goes on to its end. The first run's failure still ends
# the invocation (exit 2, its own message). Runs write their output in a
# run directory of their own; at the end OUT/run/stdout and stderr are the
# last run's and no run directory is left.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

# The program removes --workdir's original (it runs in a copy): the clean
# run works, then no later run's copy can be made. Without the jail, which
# would not show the original at all.
W=$TMP/w
mkdir -m 755 "$W" && echo "some data" >"$W/in.txt" || fail "cannot make $W"
fz --no-sandbox --workdir="$W" --inject=io --max-runs=4 --out="$OUT" -- \
	/bin/sh -c 'rm -rf "$1"; cat in.txt; echo "to stderr" >&2' sh "$W"
assert_rc 0
[ ! -e "$W" ] || fail "the program did not remove the original (no failure provoked)"
assert_eq 1 "$(grep -c "run [0-9]* could not start" "$TMP/fz.stderr")" "lines about runs that could not start"
grep -q "^fzsandbox: run 1 could not start: --workdir: cannot copy '$W': No such file or directory$" \
	"$TMP/fz.stderr" || fail "no note naming run 1 and why"
grep -q "^fzsandbox: note: 3 of 4 runs could not start" "$TMP/fz.stderr" ||
	fail "no count of the runs that could not start"
assert_eq 4 "$(wc -l <"$OUT/runs.jsonl")" "runs.jsonl lines"
assert_eq "exit 0" "$(jq -r 'select(.run == 0) | .outcome' "$OUT/runs.jsonl")" "run 0's outcome"
assert_eq "setup-failed setup-failed setup-failed" \
	"$(jq -r 'select(.run > 0) | .outcome' "$OUT/runs.jsonl" | tr '\n' ' ' | sed 's/ $//')" \
	"later runs' outcomes"
[ -f "$OUT/report.json" ] || fail "no report after runs that could not start"
assert_eq 1 "$(jqr '.runs')" "runs made, in report.json"
# The last run that ran left its output; no run's own directory is left.
assert_eq "some data" "$(cat "$OUT/run/stdout")" "OUT/run/stdout"
assert_eq "to stderr" "$(cat "$OUT/run/stderr")" "OUT/run/stderr"
[ -z "$(ls -d "$OUT"/run/episode-* 2>/dev/null)" ] || fail "run directories left: $(ls "$OUT/run")"

# The first run cannot fail that way: it is the invocation's failure.
rm -rf "$OUT"
fz --no-sandbox --service --inject=io --out="$OUT" -- /bin/true
assert_rc 2
assert_eq "fzsandbox: service mode: '/bin/true' never listened (it exited with status 0)" \
	"$(cat "$TMP/fz.stderr")" "the first run's failure"
exit 0
