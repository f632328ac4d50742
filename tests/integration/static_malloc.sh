#!/bin/bash
# The same bug as unchecked_malloc in a static binary: no libc.so to put
# breakpoints in, malloc lives in the program itself.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

file -L "$T/static_malloc" 2>/dev/null | grep -q 'statically linked' ||
	{ ldd "$T/static_malloc" 2>&1 | grep -q 'not a dynamic'; } ||
	fail "static_malloc is not statically linked"

fz --inject=alloc --out="$OUT" -- "$T/static_malloc"
assert_finding_in copy_name
sel=$(finding_with copy_name)
assert_eq copy_name "$(jqr "$(top_frame "$sel") | .function")" "top non-system frame"
assert_eq malloc "$(jqr "$sel | .[0].faults[0].call")" "faults[0].call"
assert_eq NULL "$(jqr "$sel | .[0].faults[0].fault")" "faults[0].fault"
assert_no_stray static_malloc
