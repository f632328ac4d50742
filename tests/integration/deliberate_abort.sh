#!/bin/bash
# Issue 11: a program that chooses to die when memory runs out (an xmalloc
# wrapper, assert(p) after malloc, exit(1) after "out of memory", an
# uncaught std::bad_alloc) is no bug: kind "abort", in report.json's
# "aborts", not counted (exit 0) unless --abort-is-finding. A NULL deref
# after an unchecked malloc, glibc's own abort on heap corruption and an
# abort after a short read stay findings (exit 1). Each at -O0 and -O2 -g.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

# $1 program, $2 mode, $3 words of extra options: deliberate, not counted.
check_deliberate() {
	local out=$OUT.$(basename "$1").$2

	fz --inject=alloc $3 --out="$out" -- "$1" "$2"
	assert_rc 0
	assert_eq 0 "$(jqr '.findings | length' "$out/report.json")" "$(basename "$1") $2: findings"
	[ "$(jqr '.aborts | length' "$out/report.json")" -ge 1 ] ||
		fail "$(basename "$1") $2: no deliberate abort reported"
	assert_eq abort "$(jqr '[.aborts[].kind] | unique | join(",")' "$out/report.json")" \
		"$(basename "$1") $2: kinds of the aborts"
	grep -q "deliberate abort" "$TMP/fz.stderr" || fail "$(basename "$1") $2: no text for it"
}

# $1 program, $2 mode, $3 classes, $4 kind, $5 signal name, $6 top frame.
check_finding() {
	local out=$OUT.$(basename "$1").$2 sel

	fz --inject="$3" --out="$out" -- "$1" "$2"
	assert_rc 1
	assert_eq 0 "$(jqr '.aborts | length' "$out/report.json")" "$(basename "$1") $2: aborts"
	sel="[.findings[] | select(.kind == \"$4\" and .signal_name == \"$5\")]"
	assert_eq 1 "$(jqr "$sel | length" "$out/report.json")" "$(basename "$1") $2: $4 $5 findings"
	assert_eq "$6" "$(jqr "$(top_frame "$sel") | .function" "$out/report.json")" \
		"$(basename "$1") $2: top non-system frame"
}

for prog in "$T/oom_policy" "$T/oom_policy_o2"; do
	check_deliberate "$prog" xmalloc ""
	check_deliberate "$prog" assert ""
	check_deliberate "$prog" ctor_abort ""
	# An exit is a finding only with --fail-on-exit: then, a deliberate one.
	check_deliberate "$prog" exit --fail-on-exit
	assert_eq 1 "$(jqr '.aborts[0].exit_status' "$OUT.$(basename "$prog").exit/report.json")" \
		"$(basename "$prog") exit: exit_status"
	check_finding "$prog" deref alloc signal SIGSEGV dup_word
	check_finding "$prog" heap_corrupt alloc signal SIGABRT with_fallback
	check_finding "$prog" shortread io signal SIGABRT read_header
done

# Stripped, as Debian ships programs: the verdicts must not change (a
# frame's function is its .eh_frame FDE's start, not a symbol's). Outside
# the jail: in it, a program in the writable working directory is an
# untrusted module, which the tracer does not parse at all.
strip -o "$TMP/oom_policy_stripped" "$T/oom_policy_o2" || fatal "strip oom_policy_o2"
for mode in xmalloc assert ctor_abort; do
	check_deliberate "$TMP/oom_policy_stripped" "$mode" --no-sandbox
done
fz --inject=alloc --no-sandbox --out="$OUT.stripped.deref" -- "$TMP/oom_policy_stripped" deref
assert_rc 1
assert_eq 0 "$(jqr '.aborts | length' "$OUT.stripped.deref/report.json")" "stripped deref: aborts"

# The xmalloc abort names its wrapper as the faulted call's caller (-O0:
# at -O2 the wrapper is inlined into main).
assert_eq xmalloc "$(jqr '.aborts[0].faults[0].caller' "$OUT.oom_policy.xmalloc/report.json")" \
	"xmalloc: faults[0].caller"

# --abort-is-finding: the same runs count.
fz --inject=alloc --abort-is-finding --out="$OUT.counted" -- "$T/oom_policy" xmalloc
assert_rc 1
assert_eq abort "$(jqr '.findings[0].kind' "$OUT.counted/report.json")" "counted: kind"
assert_eq 0 "$(jqr '.aborts | length' "$OUT.counted/report.json")" "counted: aborts apart"

# A deliberate abort replays by its id, as kind abort.
id=$(jqr '.aborts[0].id' "$OUT.oom_policy.assert/report.json")
fz --replay="$OUT.oom_policy.assert/report.json#$id" --replay-runs=1
assert_rc 1
grep -q "reproduced 1 of 1 (abort" "$TMP/fz.stderr" || fail "replay of the abort did not reproduce"

# 'finding __assert_fail' names a system frame above the top one.
printf 'finding __assert_fail\n' >"$TMP/supp"
fz --inject=alloc --abort-is-finding --suppress="$TMP/supp" --out="$OUT.supp" -- "$T/oom_policy" assert
assert_rc 0
assert_eq 0 "$(jqr '(.findings | length) + (.aborts | length)' "$OUT.supp/report.json")" \
	"findings left with __assert_fail suppressed"

# C++: operator new throws std::bad_alloc, nothing catches it.
if command -v g++ >/dev/null 2>&1; then
	for opt in "-O0" "-O2"; do
		g++ -g $opt -o "$TMP/bad_alloc$opt" "$SRC/tests/targets/oom_bad_alloc.cc" ||
			fatal "g++ $opt failed on oom_bad_alloc.cc"
		fz --inject=alloc --out="$OUT.cxx$opt" -- "$TMP/bad_alloc$opt"
		assert_rc 0
		assert_eq 0 "$(jqr '.findings | length' "$OUT.cxx$opt/report.json")" "bad_alloc $opt: findings"
		[ "$(jqr '.aborts | length' "$OUT.cxx$opt/report.json")" -ge 1 ] ||
			fail "bad_alloc $opt: no deliberate abort"
	done
else
	skip_check "g++ is not installed: the std::bad_alloc target is not built"
fi
assert_no_stray oom_policy oom_policy_o2
