#!/bin/bash
# What ./quickstart demo shows: the example service's bug in cmd_set, and
# nothing else (every other error path of kvd is handled).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

kvd=$top_builddir/harnesses/examples/kvd
[ -x "$kvd" ] || fatal "$kvd not built (it is part of plain make)"
fz --inject=io,alloc --request="$SRC/harnesses/examples/requests" --out="$OUT" -- "$kvd" --port 0
assert_finding_in cmd_set
assert_eq "$(jqr '.findings | length')" "$(jqr "$(finding_with cmd_set) | length")" "findings outside cmd_set"
assert_eq cmd_set "$(jqr "$(top_frame "$(finding_with cmd_set)") | .function")" "top non-system frame"
assert_no_stray kvd
