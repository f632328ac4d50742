#!/bin/bash
# A read() whose short count is ignored in load_header(): a short read must
# be reported as a SIGSEGV in load_header, caused by read short=N.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

"$T/short_read" --make "$TMP/header.bin" || fatal "cannot create the input file"
assert_eq 64 "$(stat -c %s "$TMP/header.bin")" "header size"
"$T/short_read" "$TMP/header.bin" >/dev/null || fail "short_read fails on its own input"

fz --inject=io --out="$OUT" -- "$T/short_read" "$TMP/header.bin"
assert_rc 1
sel=$(finding_with load_header)
[ "$(jqr "$sel | length")" -ge 1 ] || fail "no finding in load_header"
assert_eq "$(jqr '.findings | length')" "$(jqr "$sel | length")" "findings outside load_header"
assert_eq load_header "$(jqr "$(top_frame "$sel") | .function")" "top non-system frame"
assert_eq SIGSEGV "$(jqr "$sel | .[0].signal_name")" "signal_name"
n=$(jqr "$sel | map(select(any(.faults[]; .call == \"read\" and (.fault | startswith(\"short=\"))))) | length")
[ "$n" -ge 1 ] || fail "no load_header finding caused by a short read"
# A read that fails with EIO is checked: it must not be blamed.
n=$(jqr '[.findings[].faults[] | select(.fault == "EIO")] | length')
assert_eq 0 "$n" "findings caused by EIO"
assert_no_stray short_read
