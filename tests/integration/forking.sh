#!/bin/bash
# The unchecked malloc runs in a forked child: fzsandbox must follow fork
# and report the child's crash in child_work, although the parent exits 0.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

fz --inject=alloc --out="$OUT" -- "$T/forking"
assert_finding_in child_work
sel=$(finding_with child_work)
assert_eq SIGSEGV "$(jqr "$sel | .[0].signal_name")" "signal_name"
assert_eq child_work "$(jqr "$(top_frame "$sel") | .function")" "top non-system frame"
assert_eq malloc "$(jqr "$sel | .[0].faults[0].call")" "faults[0].call"
assert_no_stray forking
