#!/bin/bash
# --store=DIR and fzsandbox regress (issue 15): a finding stored from one
# build of a program is replayed on later builds of the same source
# (tests/targets/regress_bug.c with -D flags), at the same path. Its fault
# is keyed by (caller, call, ordinal), not by build-id+offset, so:
# an unrelated edit that moves every offset and line: failing (exit 1);
# a checked malloc added before it in the function: unmappable, never
# fixed; the bug fixed: fixed (exit 0); the call site deleted:
# unmappable. A finding found again updates its file (hits), a merged
# report stores into the same files, a baseline accepts a failing
# finding, a corrupt store file is skipped with a warning naming it, and
# a store of a newer version is refused (exit 2).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

P=$TMP/prog
S=$TMP/store
cp "$T/regress_bug" "$P" || fatal "cannot copy regress_bug"

fz --inject=alloc --store="$S" --out="$TMP/o1" -- "$P"
assert_rc 1
nfiles=$(ls "$S"/*.json 2>/dev/null | wc -l)
assert_eq 1 "$nfiles" "store files after the first campaign"
F=$(ls "$S"/*.json | head -n 1)
key=$(jqr '.findings[0].key' "$TMP/o1/report.json")
assert_eq "$key" "$(jqr '.key' "$F")" "the store file's key"
assert_eq 1 "$(jqr '.store_version' "$F")" "store_version"
assert_eq "malloc parse_record 1 1 1 0" \
	"$(jqr '.findings[0].faults[0] | "\(.call) \(.caller) \(.ordinal) \(.calls_in_function) \(.occurrence) \(.thread)"' "$F")" \
	"the stored fault key"
assert_eq "$(jqr '.build_id' "$TMP/o1/report.json")" "$(jqr '.build_ids | join(",")' "$F")" "build_ids"
hits1=$(jqr '.hits' "$F")
first=$(jqr '.first_seen' "$F")

# The same finding again: the same file, hits added, first_seen kept.
fz --inject=alloc --store="$S" --out="$TMP/o2" -- "$P"
assert_rc 1
assert_eq 1 "$(ls "$S"/*.json | wc -l)" "store files after the second campaign"
assert_eq $((hits1 * 2)) "$(jqr '.hits' "$F")" "hits after the second campaign"
assert_eq "$first" "$(jqr '.first_seen' "$F")" "first_seen"

# Shards merged store into the same file.
fz --inject=alloc --shard=0/2 --out="$TMP/s0" -- "$P"
fz --inject=alloc --shard=1/2 --out="$TMP/s1" -- "$P"
fz merge --store="$S" --out="$TMP/merged" "$TMP/s0" "$TMP/s1"
assert_rc 1
assert_eq 1 "$(ls "$S"/*.json | wc -l)" "store files after a merge"
assert_eq $((hits1 * 3)) "$(jqr '.hits' "$F")" "hits after the merge"

# regress VARIANT STATUS RC: the program replaced by a later build.
regress() {
	cp "$T/regress_$1" "$P" || fatal "cannot copy regress_$1"
	fz regress --store="$S" --runs=2 --out="$TMP/r_$1" "${@:4}"
	assert_eq "$3" "$rc" "regress after $1: exit status"
	grep -q "^regress: $2 " "$TMP/fz.stdout" || fail "regress after $1: not '$2': $(cat "$TMP/fz.stdout")"
	assert_eq "$2" "$(jqr '.findings[0].status' "$TMP/r_$1/regress.json")" "regress.json after $1"
}
regress bug failing 1
assert_eq "2 2" "$(jqr '.findings[0] | "\(.reproduced) \(.runs)"' "$TMP/r_bug/regress.json")" "reproduced"
regress shift failing 1
regress earlier unmappable 0
grep -q "malloc calls went from 1 to 2" "$TMP/fz.stdout" || fail "earlier: the reason: $(cat "$TMP/fz.stdout")"
regress fixed fixed 0
regress deleted unmappable 0
grep -q "no such call site" "$TMP/fz.stdout" || fail "deleted: the reason: $(cat "$TMP/fz.stdout")"
assert_eq "0 0 0 1" "$(jqr '.summary | "\(.fixed) \(.failing) \(.flaky) \(.unmappable)"' "$TMP/r_deleted/regress.json")" "summary"

# A committed baseline accepts the failing finding: exit 0.
printf '# accepted\n%s\n' "$key" >"$TMP/baseline"
regress shift failing 0 --baseline="$TMP/baseline"
assert_eq true "$(jqr '.findings[0].baseline' "$TMP/r_shift/regress.json")" "baseline in regress.json"

# A corrupt store file is skipped with a warning naming it.
printf '{"store_version": 1, "key": ' >"$S/0000000000000bad.json"
regress bug failing 1
grep -q "warning: regress: skipping corrupt store file .*0000000000000bad.json" "$TMP/fz.stderr" ||
	fail "no warning naming the corrupt file: $(cat "$TMP/fz.stderr")"
grep -q "1 corrupt file skipped" "$TMP/fz.stdout" || fail "summary: $(cat "$TMP/fz.stdout")"
rm -f "$S/0000000000000bad.json"

# A store from a newer version: exit 2, one line.
jq '.store_version = 99' "$F" >"$S/ffffffffffffffff.json"
fz regress --store="$S" --out="$TMP/r_new"
assert_rc 2
assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "stderr lines for a newer store"
grep -q "store version 99 is newer" "$TMP/fz.stderr" || fail "newer store: $(cat "$TMP/fz.stderr")"
rm -f "$S/ffffffffffffffff.json"

# A known flaky finding never fails the job: flaky_crash crashes on its
# odd runs (a count in a bound file), so its stored finding replays as
# flaky 2/4 and regress exits 0.
mkdir -p "$TMP/cnt" "$TMP/fstore" && chmod 777 "$TMP/cnt" || fatal "mkdir"
fz --inject=io --max-runs=1 --bind="$TMP/cnt" --store="$TMP/fstore" --out="$TMP/fl" -- "$T/flaky_crash" "$TMP/cnt/n"
assert_rc 1
fz regress --store="$TMP/fstore" --runs=4 --out="$TMP/r_flaky"
assert_rc 0
grep -q '^regress: flaky [12]/4 ' "$TMP/fz.stdout" || fail "flaky regress: $(cat "$TMP/fz.stdout")"
assert_eq 1 "$(jqr '.summary.flaky' "$TMP/r_flaky/regress.json")" "summary.flaky"

# Bad input.
fz regress --out="$TMP/r_bad"
assert_rc 2
fz regress --store="$TMP/nonexistent"
assert_rc 2
fz regress --store="$S" --runs=0
assert_rc 2
