#!/bin/bash
# A run that never ends is killed at --timeout and reported as a hang, with
# the stack taken at the timeout (spin_forever).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

fz --inject=alloc --max-runs=3 --timeout=1s --out="$OUT" -- "$T/spin"
assert_rc 1
sel='[.findings[] | select(.kind == "hang")]'
[ "$(jqr "$sel | length")" -ge 1 ] || fail "no hang finding"
n=$(jqr "$sel | map(select(any(.frames[]; .function == \"spin_forever\"))) | length")
[ "$n" -ge 1 ] || fail "no hang finding with spin_forever in its stack"
assert_no_stray spin
