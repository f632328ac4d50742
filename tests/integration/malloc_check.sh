#!/bin/bash
# --malloc-check (issue 13): glibc's debugging malloc preloaded with
# MALLOC_CHECK_=3. heap_offbyone builds its read-error message one byte
# past a 31-byte buffer: plain glibc never notices (the byte is padding),
# the debugging malloc aborts at the free: a SIGABRT finding in
# report_failure, after the read's EIO, replayed. --robust: none. The
# alloc class's breakpoints bind to the preloaded malloc (the program's
# calls reach it, not libc's): unchecked_malloc's NULL is still found.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v jq >/dev/null || skip "jq is not installed"
lib=$(ldd "$FZ" | sed -n 's|.*=> \(/.*\)/libc\.so\.6 .*|\1|p')/libc_malloc_debug.so.0
[ -r "$lib" ] || skip "glibc's $lib is not here (glibc 2.34 or later has it)"
seq 1 300 >"$TMP/in"

# Missed without it: the run exits 1 with its message, as a handled
# failure does.
fz -q --inject=io --out="$OUT" -- "$T/heap_offbyone" "$TMP/in"
assert_rc 0
assert_eq 0 "$(jqr '.findings | length')" "without --malloc-check: findings"

fz -q --inject=io --malloc-check --out="$OUT" -- "$T/heap_offbyone" "$TMP/in"
assert_rc 1
assert_eq "signal SIGABRT read" \
	"$(jqr '.findings[0] | "\(.kind) \(.signal_name) \(.faults[0].call)"')" "the finding"
assert_eq 1 "$(jqr '.findings | length')" "findings"
assert_eq report_failure "$(jqr "$(top_frame '[.findings[]]').function")" \
	"the corrupting call's caller"
jqr '.findings[0].frames[] | select(.function == "free_check") | .module' | grep -q libc_malloc_debug ||
	fail "the abort is not the debugging malloc's"
assert_eq 1 "$(jqr '[.env[] | select(. == "LD_PRELOAD='"$lib"'" or . == "MALLOC_CHECK_=3")] | length / 2')" \
	"the program's environment"
jqr '.options_argv | index("--malloc-check")' | grep -q '[0-9]' || fail "--malloc-check not stored"
fz --replay="$OUT/report.json#1" --replay-runs=2 --out="$TMP/rp"
assert_rc 1
grep -q 'replay: reproduced 2 of 2 (signal in report_failure)' "$TMP/fz.stderr" ||
	fail "the replay did not reproduce"

fz -q --inject=io --malloc-check --out="$OUT" -- "$T/heap_offbyone" --robust "$TMP/in"
assert_rc 0
assert_eq 0 "$(jqr '.findings | length')" "--robust: findings"
[ "$(jqr '.faults_injected.io')" -ge 3 ] || fail "--robust: too few faults injected"

# The allocation faults reach the preloaded malloc.
fz -q --inject=alloc --malloc-check --out="$OUT" -- "$T/unchecked_malloc"
assert_rc 1
assert_eq "signal malloc copy_name" \
	"$(jqr '.findings[0] | "\(.kind) \(.faults[0].call) \(.faults[0].caller)"')" \
	"--inject=alloc: the NULL from the debugging malloc"
assert_no_stray heap_offbyone unchecked_malloc
true
