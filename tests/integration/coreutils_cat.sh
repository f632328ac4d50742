#!/bin/bash
# cat handles every injected I/O and allocation failure: zero findings.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

prog=$(command -v cat) || skip "cat not installed"
seq 1 500 | sed 's/$/ some text to cat/' >"$TMP/input.txt"

fz --inject=io,alloc --max-runs=200 --out="$OUT" -- "$prog" "$TMP/input.txt"
assert_rc 0
assert_eq 0 "$(jqr '.findings | length')" "number of findings"
runs=$(jqr '.runs')
[ "$runs" -gt 10 ] || fail "only $runs runs: nothing was injected"
[ "$(jqr '[.sites[] | select(.call == "read")] | length')" -ge 1 ] || fail "no read site"
assert_no_stray cat
