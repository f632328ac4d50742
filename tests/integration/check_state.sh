#!/bin/bash
# --check (state oracles, issue 13): a journal that leaves a torn record
# on a failed write but exits 0 is a state-corruption finding with the
# faulted write's frame, and its replay reruns the checker and reproduces;
# the variant that truncates back gives none though faults were injected;
# a checker failing on the run without faults, or one that cannot run,
# is an error (exit 2), never a finding. At -O0 and at -O2 -g.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v jq >/dev/null || skip "jq is not installed"

for prog in journal journal_O2; do
	J=$T/$prog
	VERIFY="$J verify journal.log"
	rm -rf "$TMP/wd" "$OUT"
	mkdir -p "$TMP/wd" || fatal "mkdir"
	"$J" 2 && (cd "$TMP/wd" && "$J" 2) && "$J" verify "$TMP/wd/journal.log" >/dev/null ||
		fatal "$prog: the journal fails natively"
	rm -f "$TMP/wd/journal.log"

	# The bug: a torn record, exit 0. The finding names the checker, the
	# faulted write, and the stack where it was injected.
	fz -q --out="$OUT" --workdir="$TMP/wd" --check="$VERIFY" -- "$J"
	assert_rc 1
	# One per write site (the key): -O2 inlines write_all twice.
	n=$(jqr '[.findings[] | select(.kind == "state-corruption")] | length')
	[ "$n" -ge 1 ] && [ "$n" = "$(jqr '.findings | length')" ] ||
		fail "$prog: $n state-corruption findings of $(jqr '.findings | length')"
	assert_eq "$VERIFY" "$(jqr '.findings[0].check.command')" "$prog: the checker"
	assert_eq 1 "$(jqr '.findings[0].check.exit_status')" "$prog: the checker's status"
	jqr '.findings[0].detail' | grep -q 'torn record' || fail "$prog: detail without the checker's line"
	grep -q 'torn record' "$OUT/$(jqr '.findings[0].check.stderr')" ||
		fail "$prog: the checker's stderr is not kept"
	assert_eq write "$(jqr '.findings[0].faults[0].call')" "$prog: the faulted call"
	# The stack at injection: the write's frame in append_record (an
	# inlined level at -O2), not where the run ended.
	jqr '.findings[0].frames[] | select(.system | not) | .function' | grep -qx append_record ||
		fail "$prog: no append_record frame in the stack at injection"
	[ "$(jqr '.findings[0].frames | map(select(.system | not)) | .[0].line')" -gt 0 ] ||
		fail "$prog: the faulted call has no source line"
	[ "$(jqr '.findings[0].threads | length')" -ge 1 ] || fail "$prog: no stacks"
	# The dirty copy is kept for the user to look at.
	[ -f "$OUT/findings/1/workdir/journal.log" ] || fail "$prog: the run's work directory is not kept"

	# Replay reruns the checker and reproduces.
	fz --replay="$OUT/report.json#1" --out="$TMP/rp"
	assert_rc 1
	grep -q 'replay: reproduced 1 of 1 (state-corruption' "$TMP/fz.stderr" ||
		fail "$prog: the replay did not reproduce"

	# Handled failures: faults injected, the state stays sound.
	fz -q --out="$OUT" --workdir="$TMP/wd" --check="$VERIFY" -- "$J" --robust
	assert_rc 0
	assert_eq 0 "$(jqr '.findings | length')" "$prog --robust: findings"
	[ "$(jqr '.faults_injected.io')" -ge 3 ] || fail "$prog --robust: too few faults injected"
done

# No --workdir: each run gets an empty one (the journal is made there).
fz -q --out="$OUT" --check="$T/journal verify {}/journal.log" -- "$T/journal"
assert_rc 1
assert_eq state-corruption "$(jqr '.findings[0].kind')" "without --workdir"

# A checker that fails on the run without faults: exit 2, its first
# stderr line.
fz -q --out="$OUT" --workdir="$TMP/wd" --check='echo "first complaint" >&2; echo second >&2; exit 3' -- "$T/journal"
assert_rc 2
grep -q "fails on the run without faults (status 3): first complaint" "$TMP/fz.stderr" ||
	fail "the clean run's checker failure is not said with its first stderr line"

# A checker that does not exist, is killed, or times out: an error naming
# it, never a finding.
rm -rf "$OUT"
fz -q --out="$OUT" --workdir="$TMP/wd" --check="$TMP/no-such-checker journal.log" -- "$T/journal"
assert_rc 2
grep -q "no-such-checker journal.log' could not run" "$TMP/fz.stderr" || fail "missing checker not named"
[ ! -e "$OUT/findings/1" ] || fail "a missing checker made a finding"
fz -q --out="$OUT" --workdir="$TMP/wd" --check='sleep 5' --check-timeout=300ms -- "$T/journal"
assert_rc 2
grep -q "'sleep 5' did not finish within" "$TMP/fz.stderr" || fail "checker timeout not said"
fz -q --out="$OUT" --workdir="$TMP/wd" --check='kill -SEGV $$' -- "$T/journal"
assert_rc 2
grep -q "was killed by SIGSEGV" "$TMP/fz.stderr" || fail "killed checker not said"

# Bad input: one line, exit 2 (125 with --inject=none, where --check
# has nothing to judge).
fz -q --out="$OUT" --check=' ' -- "$T/journal"
assert_rc 2
grep -q -- "--check: empty command" "$TMP/fz.stderr" || fail "empty --check not refused"
fz --inject=none --check=true -- "$T/journal"
assert_rc 125
grep -q -- "--check needs a campaign" "$TMP/fz.stderr" || fail "--check with --inject=none not refused"

# The checker runs untraced (nothing of it stops), in its own jail under
# the same deny policy: a denied call fails with ENOSYS there.
fz -q --out="$OUT" --workdir="$TMP/wd" --check='grep TracerPid /proc/self/status >&2; exit 3' -- "$T/journal"
grep -q "TracerPid:.0" "$TMP/fz.stderr" || fail "the checker is traced"
if command -v unshare >/dev/null; then
	fz -q --out="$OUT" --workdir="$TMP/wd" --check='unshare -U true 2>&1 | head -1 >&2; exit 3' -- "$T/journal"
	grep -q "Function not implemented" "$TMP/fz.stderr" || fail "the checker's jail lets unshare through"
fi
true
