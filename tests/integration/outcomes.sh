#!/bin/bash
# The outcome table (issue 13): what each error path did. sort under
# io,alloc: every faulted site has its outcomes in report.json and a line
# in the summary's table, with its normalised message; a cat that takes a
# failed read for the end of its file lands in "exited 0 silently" with
# its stdout cut short; `fzsandbox outcomes OUT` prints the summary's
# table again, byte for byte.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v jq >/dev/null || skip "jq is not installed"
prog=$(command -v sort) || skip "sort not installed"
[ -r /etc/services ] || skip "no /etc/services to sort"
cp /etc/services "$TMP/services" || fatal "cp /etc/services"

table() {	# the summary's table, from fz's stderr
	sed -n '/^what each error path did:/,$p' "$TMP/fz.stderr"
}

fz --inject=io,alloc --out="$OUT" -- "$prog" "$TMP/services"
assert_rc 0
table >"$TMP/summary-table"
[ -s "$TMP/summary-table" ] || fail "sort: no outcome table in the summary"
runs=$(jqr '.runs')
n=$(jqr '[.sites[].outcomes[]] | length')
# Every run but the clean one injected a fault and has its outcome.
assert_eq $((runs - 1)) "$n" "sort: outcomes for the runs with faults"
grep -q "^what each error path did: $n runs with faults" "$TMP/summary-table" ||
	fail "sort: the table's count"
assert_eq 0 "$(jqr '.clean_outcome.exit_status')" "sort: the clean run's status"
# Every site failed at least once has outcomes, and is listed in the table.
for id in $(jqr '.sites[] | select(.failed > 0) | .id'); do
	[ "$(jqr ".sites[$id].outcomes | length")" -ge 1 ] || fail "sort: site#$id has no outcome"
	grep -q "^    site#$id " "$TMP/summary-table" || fail "sort: site#$id is not in the table"
done
# Every outcome that printed something has its (normalised) message, and
# a message line heads its cluster in the table.
jqr '.sites[].outcomes[] | select(.stderr and (.message == null))' | grep -q . &&
	fail "sort: an outcome with stderr but no message"
jqr '.sites[].outcomes[] | .message // empty' | sort -u | while IFS= read -r msg; do
	grep -qF ": '$msg'" "$TMP/summary-table" || fail "sort: message '$msg' not in the table"
done
# A failed read: sort says so and exits 2; the path is normalised, the
# program's name kept.
jqr '.sites[] | select(.call == "read") | .outcomes[] | select(.fault == "EIO") | .message' |
	grep -qx 'sort: read failed: <path>: Input/output error' || fail "sort: the read EIO message"
grep -q "^exited non-zero with a message: " "$TMP/summary-table" || fail "sort: no non-zero group"
# sort never swallows a failure: nothing in the "exited 0 silently" group
# (docs/real-programs.md would say why otherwise).
assert_eq 0 "$(jqr '[.sites[].outcomes[] | select(.outcome == "exit-0-silent")] | length')" \
	"sort: runs that exited 0 silently with other output"
# Times: measured for every run.
assert_eq 0 "$(jqr '[.sites[].outcomes[] | select(.wall_us == null or .cpu_us == null)] | length')" \
	"sort: outcomes without times"

# The same table, again, from the report.
fz outcomes "$OUT"
assert_rc 0
cmp -s "$TMP/fz.stdout" "$TMP/summary-table" || {
	diff "$TMP/summary-table" "$TMP/fz.stdout" | head -20 >&2
	fail "fzsandbox outcomes differs from the summary's table"
}
fz outcomes "$OUT/report.json"
cmp -s "$TMP/fz.stdout" "$TMP/summary-table" || fail "fzsandbox outcomes OUT/report.json differs"

# A failure swallowed: exit 0, nothing said, stdout cut short.
seq 1 400 >"$TMP/lines"
fz --inject=io --out="$OUT" -- "$T/swallow" "$TMP/lines"
assert_rc 0
assert_eq 0 "$(jqr '.findings | length')" "swallow: findings"
jqr '.sites[] | select(.call == "read") | .outcomes[] | select(.fault == "EIO") |
     "\(.outcome) \(.exit_status) \(.stderr) \(.stdout)"' | sort -u >"$TMP/eio"
assert_eq "exit-0-silent 0 false prefix" "$(cat "$TMP/eio")" "swallow: the read EIO outcomes"
table >"$TMP/summary-table"
sed -n '/^exited 0 silently, stdout not/,/^[a-z]/p' "$TMP/summary-table" |
	grep -q "site#[0-9]* read EIO at copy_out (swallow.c:[0-9]*), occurrences 1,2,3, stdout cut short" ||
	fail "swallow: the read EIO is not in the 'exited 0 silently' group"
# Its short reads are read on: recovered, not swallowed.
jqr '.sites[].outcomes[] | select(.fault | startswith("short=")) | .outcome' | sort -u >"$TMP/short"
assert_eq recovered "$(cat "$TMP/short")" "swallow: short reads"
fz outcomes "$OUT"
cmp -s "$TMP/fz.stdout" "$TMP/summary-table" || fail "swallow: fzsandbox outcomes differs"

# Bad input: exit 2, one line.
fz outcomes "$TMP/no-such-dir"
assert_rc 2
assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "outcomes of nothing: one line"
grep -q "outcomes: cannot read" "$TMP/fz.stderr" || fail "outcomes of nothing: the line"
echo '{"version": "x"}' >"$TMP/bad.json"
fz outcomes "$TMP/bad.json"
assert_rc 2
grep -q "no sites" "$TMP/fz.stderr" || fail "outcomes of a report without sites"
fz outcomes
assert_rc 2
assert_no_stray sort swallow
true
