#!/bin/bash
# --stop-on-finding: the campaign ends at its first finding, a normal end
# (exit 1, report.json capped_by "stop-on-finding", the note on stderr).
# A plan campaign on snap_startup (two bugs, many planned runs) stops
# after the run that found the first, with -j2 too (the first in request
# order; the runs handed out after it are not taken in);
# a --fuzz campaign on fuzz_header stops at its first crash, well before
# its --max-runs.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

chmod 755 "$TMP" || fatal "chmod $TMP"
echo "name=test" >"$TMP/cfg" && chmod 644 "$TMP/cfg" || fatal "cannot write the config"
seq 1 100 >"$TMP/in.txt"

# The whole campaign: the reference.
fz --inject=io,fs --out="$OUT" --stdin="$TMP/in.txt" -- "$T/snap_startup" "$TMP/cfg"
assert_rc 1
all=$(wc -l <"$OUT/runs.jsonl")
[ "$(jqr '.findings | length')" -ge 2 ] || fail "the whole campaign finds fewer than 2 bugs"

for how in -j1 -j2; do
	fz $how --stop-on-finding --inject=io,fs --out="$OUT" --stdin="$TMP/in.txt" -- \
		"$T/snap_startup" "$TMP/cfg"
	assert_rc 1
	assert_eq 1 "$(jqr '.findings | length')" "$how: findings"
	assert_eq stop-on-finding "$(jqr '.capped_by')" "$how: capped_by"
	n=$(wc -l <"$OUT/runs.jsonl")
	[ "$n" -lt "$all" ] || fail "$how: $n runs, as many as the whole campaign's $all"
	grep -q 'note: --stop-on-finding stopped the campaign at its first finding' "$TMP/fz.stderr" ||
		fail "$how: no note on stderr"
	assert_no_stray snap_startup
done
# Serially the run that found it is the last.
fz --stop-on-finding --inject=io,fs --out="$OUT" --stdin="$TMP/in.txt" -- "$T/snap_startup" "$TMP/cfg"
assert_eq "$(tail -n 1 "$OUT/runs.jsonl" | jq -r .finding)" 1 "the last run's finding"

# --fuzz: the first crash ends the loop.
mkdir -p "$TMP/seeds" || fatal "mkdir"
printf 'FY\004abcd' >"$TMP/seeds/a" || fatal "seed"
fz --fuzz --corpus="$TMP/seeds" --max-runs=5000 --seed=7 --stop-on-finding --out="$OUT" \
	-- "$T/fuzz_header"
assert_rc 1
assert_eq 1 "$(jqr '.findings | length')" "--fuzz: findings"
assert_eq stop-on-finding "$(jqr '.capped_by')" "--fuzz: capped_by"
n=$(wc -l <"$OUT/runs.jsonl")
[ "$n" -lt 5000 ] || fail "--fuzz: $n runs, its whole --max-runs"
assert_eq 1 "$(ls "$OUT/crashes" | grep -vc README)" "--fuzz: crashes kept"
finish
