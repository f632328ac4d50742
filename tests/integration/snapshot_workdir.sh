#!/bin/bash
# --snapshot with --workdir and --check (issue 14): the template's cwd is
# the work copy, reset in place before every run, and --check judges each
# child's files as in exec mode. The journal (it opens journal.log after
# its first openat past the entry point: the point) gives the same
# state-corruption finding in both modes and none in its robust variant;
# snap_append, whose template holds seed.txt open and whose runs append
# to log.txt, sees the same offsets every run (it aborts otherwise), in
# and out of the jail.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v jq >/dev/null || skip "jq is not installed"

chmod 755 "$TMP" || fatal "chmod $TMP"
mkdir -p "$TMP/wd" || fatal "mkdir"
J=$T/journal
VERIFY="$J verify journal.log"
AT=--snapshot-at=syscall:openat@1
calls() { jqr '[.findings[] | select(.kind == "state-corruption") | .faults[0].call] | sort | unique | join(",")'; }

# Exec mode: the reference.
fz -q --out="$OUT" --workdir="$TMP/wd" --check="$VERIFY" -- "$J"
assert_rc 1
want=$(calls)
assert_eq write "$want" "exec mode: the faulted calls of the state-corruption findings"

# Snapshot mode: the same finding, at the same frame, with its work copy.
fz -q --out="$OUT" "$AT" --workdir="$TMP/wd" --check="$VERIFY" -- "$J"
assert_rc 1
assert_eq "$want" "$(calls)" "snapshot mode: the faulted calls"
assert_eq "$(jqr '.findings | length')" \
	"$(jqr '[.findings[] | select(.kind == "state-corruption")] | length')" "snapshot mode: kinds"
jqr '.findings[0].frames[] | select(.system | not) | .function' | grep -qx append_record ||
	fail "snapshot mode: no append_record frame"
[ -f "$OUT/findings/1/workdir/journal.log" ] || fail "snapshot mode: the run's work directory is not kept"
grep -q -- '--snapshot=on' "$OUT/report.json" || fail "report.json does not say --snapshot=on"
[ ! -e "$TMP/wd/journal.log" ] || fail "a run wrote into the user's own --workdir"
assert_no_stray journal

# Robust: faults injected, every run's journal sound.
fz -q --out="$OUT" "$AT" --workdir="$TMP/wd" --check="$VERIFY" -- "$J" --robust
assert_rc 0
assert_eq 0 "$(jqr '.findings | length')" "snapshot mode, --robust: findings"
[ "$(jqr '.faults_injected.io')" -ge 3 ] || fail "snapshot mode, --robust: too few faults injected"

# No --workdir: each run gets the empty one, reset in place too.
fz -q --out="$OUT" "$AT" --check="$J verify {}/journal.log" -- "$J"
assert_rc 1
assert_eq state-corruption "$(jqr '.findings[0].kind')" "snapshot mode without --workdir"

# Offsets and the work directory, every run the same: "4 14".
printf 'seed data\n' >"$TMP/wd/seed.txt" && chmod 644 "$TMP/wd/seed.txt" || fatal "seed.txt"
for jail in --sandbox --no-sandbox; do
	fz $jail --inject=io --out="$OUT" --snapshot-at=syscall:getppid --workdir="$TMP/wd" -- "$T/snap_append"
	assert_rc 0
	assert_eq 0 "$(jqr '.findings | length')" "$jail: findings (a run saw offsets not reset)"
	assert_eq "4 14" "$(cat "$OUT/run/clean-stdout")" "$jail: the clean run's offsets"
	nruns=$(wc -l <"$OUT/runs.jsonl")
	[ "$nruns" -ge 5 ] || fail "$jail: only $nruns runs"
	[ "$(jqr '.faults_injected.io')" -ge 4 ] || fail "$jail: too few faults injected"
	assert_no_stray snap_append
done
[ ! -e "$TMP/wd/log.txt" ] || fail "a run wrote into the user's own --workdir"
true
