#!/bin/bash
# fsyncgate (issue 13): under --inject=fs, fsync's EIO drops the data
# written since the file's last good fsync, as Linux does (the pages are
# left clean), and a retried fsync succeeds. A journal that retries the
# fsync and then commits (PostgreSQL before 2018) is a state-corruption
# finding at the fsync, the record really gone from the file, replayed;
# one for which the EIO is fatal gives none. Pinned: the data dropped
# is the record's, the file keeps its size (zeros where it was); the
# error is told once to each other open file of it, in the jail.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v jq >/dev/null || skip "jq is not installed"

F=$T/fsync_retry
mkdir -p "$TMP/wd" || fatal "mkdir"
(cd "$TMP/wd" && "$F" retry >/dev/null && "$F" verify wal && rm wal) ||
	fatal "fsync_retry fails natively"

fz -q --out="$OUT" --inject=fs --workdir="$TMP/wd" --check="$F verify wal" -- "$F" retry
assert_rc 1
n=$(jqr '[.findings[] | select(.kind == "state-corruption")] | length')
[ "$n" -ge 1 ] && [ "$n" = "$(jqr '.findings | length')" ] ||
	fail "retry: $n state-corruption findings of $(jqr '.findings | length')"
assert_eq "fsync EIO" "$(jqr '.findings[0].faults[0] | "\(.call) \(.fault)"')" "retry: the fault"
jqr '.findings[0].detail' | grep -q 'record 1 is missing' ||
	fail "retry: the checker's line is not in the detail"
jqr '.findings[0].frames[] | select(.system | not) | .function' | grep -qx put ||
	fail "retry: no put frame in the stack at injection"
# The record is gone from the file kept: zeros where it was, then the rest.
W=$OUT/findings/1/workdir/wal
[ -f "$W" ] || fail "retry: the run's work directory is not kept"
assert_eq "$(printf '\0\0\0\0\0\0\0\0\0' | od -An -c)" "$(head -c 9 "$W" | od -An -c)" \
	"retry: the first record dropped"
assert_eq "record 2" "$(tail -c +10 "$W" | head -n 1)" "retry: the next record kept"
fz --replay="$OUT/report.json#1" --out="$TMP/rp"
assert_rc 1
grep -q 'replay: reproduced 1 of 1 (state-corruption' "$TMP/fz.stderr" ||
	fail "retry: the replay did not reproduce"

# The EIO fatal: exit 1 without the commit, nothing claimed: no finding.
rm -rf "$OUT"
fz -q --out="$OUT" --inject=fs --workdir="$TMP/wd" --check="$F verify wal" -- "$F" fatal
assert_rc 0
assert_eq 0 "$(jqr '.findings | length')" "fatal: findings"
[ "$(jqr '.faults_injected.fs')" -ge 2 ] || fail "fatal: too few faults injected"

# Pinned at the third fsync: records 1 and 2 synced stay, the third is
# dropped, the retry succeeds and the run exits 0 claiming it.
rm -rf "$OUT"
fz -q --out="$OUT" --workdir="$TMP/wd" --check="$F verify wal" --fault=fsync:EIO@3 -- "$F" retry
assert_rc 1
jqr '.findings[0].detail' | grep -q 'record 3 is missing' ||
	fail "pinned: the third record is not the one dropped"
# Who else sees it: the parent's EIO, its retry 0; a child's own open
# file (opened before) EIO once; its copy of the parent's descriptor (the
# same open file, already told) 0. The bytes written are gone: zeros.
rm -rf "$OUT" "$TMP/wd2"
mkdir -p "$TMP/wd2" || fatal "mkdir"
fz -q --out="$OUT" --workdir="$TMP/wd2" --fault=fsync:EIO@1 -- "$F" others
assert_rc 0
assert_eq "parent Input/output error|parent again 0|child own Input/output error|child inherited 0" \
	"$(paste -sd'|' "$OUT/run/stdout")" "others: who sees the error"
true
