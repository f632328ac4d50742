#!/bin/bash
# The unchecked malloc runs in a worker thread: the finding must be in
# worker_build and in a thread other than the first.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

fz --inject=alloc --out="$OUT" -- "$T/threads"
assert_finding_in worker_build
sel=$(finding_with worker_build)
assert_eq SIGSEGV "$(jqr "$sel | .[0].signal_name")" "signal_name"
assert_eq worker_build "$(jqr "$(top_frame "$sel") | .function")" "top non-system frame"
thread=$(jqr "$sel | .[0].thread")
[ "$thread" -ne 0 ] 2>/dev/null || fail "finding is in thread '$thread', want a worker (!= 0)"
tid=$(jqr "$sel | .[0].tid")
pid=$(jqr "$sel | .[0].pid")
[ "$tid" != "$pid" ] || fail "tid $tid equals pid: not a worker thread"
assert_eq "$thread" "$(jqr "$sel | .[0].faults[0].thread")" "thread of the injected fault"
assert_no_stray threads
