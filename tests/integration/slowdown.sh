#!/bin/bash
# --slowdown (issue 13): a client that, after one failed read, busy-waits
# before every later read is a slowdown finding by CPU time; one that
# reads on a byte at a time, by traced calls; each with the faulted
# read's stack, the hottest stack sampled while it ran (the busy wait's
# loop; the reads' caller) and a replay that reproduces it. The same client that
# backs off once, sort and a robust target: no slowdown. --slowdown=0
# turns it off; a bad factor is exit 2 with one line.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v jq >/dev/null || skip "jq is not installed"
seq 1 500 >"$TMP/in"

for mode in cpu syscalls; do
	arg=; [ $mode = syscalls ] && arg=--bytes
	rm -rf "$OUT"
	fz -q --inject=io --out="$OUT" -- "$T/retry_spin" $arg "$TMP/in"
	assert_rc 1
	assert_eq slowdown "$(jqr '[.findings[].kind] | unique | join(",")')" "$mode: finding kinds"
	assert_eq "$mode" "$(jqr '.findings[0].slowdown.measure')" "$mode: the measure"
	assert_eq read "$(jqr '.findings[0].faults[0].call')" "$mode: the faulted call"
	jq -e '.findings[0].slowdown | .ratio >= 10 and .factor == 10 and .clean_runs == 4' \
		"$OUT/report.json" >/dev/null || fail "$mode: ratio, factor or clean runs"
	# The stack where the read was failed: copy_in, with its line.
	assert_eq copy_in "$(jqr '.findings[0].frames | map(select(.system | not)) | .[0].function')" \
		"$mode: the faulted call's function"
	[ "$(jqr '.findings[0].frames | map(select(.system | not)) | .[0].line')" -gt 0 ] ||
		fail "$mode: no source line"
	grep -q "finding #1: slowdown [0-9.]*x (" "$TMP/fz.stderr" || fail "$mode: the summary's headline"
	# The hottest stack, sampled while the confirming run ran: the busy
	# wait's loop (spin_ms, under clock_gettime) for CPU time; for calls,
	# copy_in's loop at its one-byte reads or writes (put). Kept apart
	# from the stacks at the faults.
	if [ $mode = cpu ]; then
		hot=$(jqr '.findings[0].slowdown.hot.frames | map(select(.system | not)) | .[0].function')
		assert_eq spin_ms "$hot" "cpu: the hottest stack's function"
	else
		jqr '.findings[0].slowdown.hot.frames[].function' | grep -qx copy_in ||
			fail "syscalls: copy_in is not in the hottest stack"
	fi
	jq -e '.findings[0].slowdown.hot | .samples >= 1 and .of >= .samples' "$OUT/report.json" \
		>/dev/null || fail "$mode: the hottest stack's sample counts"
	[ $mode = syscalls ] ||
		jq -e '.findings[0].slowdown.hot.samples >= 3' "$OUT/report.json" >/dev/null ||
		fail "cpu: fewer than 3 samples of a spin of over 100 ms"
	assert_eq 0 "$(jqr '[.findings[0].threads[].frames[] | select(.function == "spin_ms")] | length')" \
		"$mode: the sampled stack among the fault stacks"
	grep -q "^    where it ran ([0-9]* of [0-9]* samples of its running threads, thread 0):" \
		"$TMP/fz.stderr" || fail "$mode: the summary's hottest stack"
	[ $mode = syscalls ] || sed -n '/where it ran/,/faults:/p' "$TMP/fz.stderr" |
		grep -q "spin_ms at tests/targets/retry_spin.c:[0-9]*" || fail "cpu: spin_ms not in the summary"
	# The outcome table ties the run to it.
	grep -q "site#[0-9]* read EIO at copy_in (retry_spin.c:[0-9]*), occurrences 1,2,3, finding #1" \
		"$TMP/fz.stderr" ||
		fail "$mode: the outcome table does not name the finding"
	fz --replay="$OUT/report.json#1" --out="$TMP/rp"
	assert_rc 1
	grep -q 'replay: reproduced 1 of 1 (slowdown in copy_in)' "$TMP/fz.stderr" ||
		fail "$mode: the replay did not reproduce"
done

# Off: the same client is no finding.
fz -q --inject=io --slowdown=0 --out="$OUT" -- "$T/retry_spin" "$TMP/in"
assert_rc 0
assert_eq 0 "$(jqr '.findings | length')" "--slowdown=0: findings"
# A factor above what it did: none either.
fz -q --inject=io --slowdown=100000 --out="$OUT" -- "$T/retry_spin" --bytes "$TMP/in"
assert_rc 0

# Robust: one back-off, then full speed; sort; the robust target.
fz -q --inject=io --out="$OUT" -- "$T/retry_spin" --robust "$TMP/in"
assert_rc 0
assert_eq 0 "$(jqr '.findings | length')" "--robust: findings"
[ "$(jqr '.faults_injected.io')" -ge 3 ] || fail "--robust: too few faults injected"
prog=$(command -v sort) && {
	fz -q --inject=io,alloc --out="$OUT" -- "$prog" "$TMP/in"
	assert_rc 0
	assert_eq 0 "$(jqr '[.findings[] | select(.kind == "slowdown")] | length')" "sort: slowdowns"
}
fz -q --out="$OUT" -- "$T/robust" "$TMP/in"
assert_eq 0 "$(jqr '[.findings[] | select(.kind == "slowdown")] | length')" "robust: slowdowns"

# Bad input: exit 2, one line.
for bad in 1 1.5 -3 abc ''; do
	fz -q --slowdown="$bad" --out="$OUT" -- "$T/retry_spin" "$TMP/in"
	assert_rc 2
	assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "--slowdown=$bad: one line"
	grep -q -- "--slowdown: bad factor" "$TMP/fz.stderr" || fail "--slowdown=$bad: the line"
done
assert_no_stray retry_spin
true
