#!/bin/bash
# The same bug as unchecked_malloc in a static binary: no libc.so to put
# breakpoints in, malloc lives in the program itself. glibc's static
# start-up allocates before main (_dl_init_paths, _dl_find_object_init...)
# and failing those is fatal by design: they must not become sites, so
# calls count from main and the only finding is the program's.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

file -L "$T/static_malloc" 2>/dev/null | grep -q 'statically linked' ||
	{ ldd "$T/static_malloc" 2>&1 | grep -q 'not a dynamic'; } ||
	fail "static_malloc is not statically linked"

fz --inject=alloc --out="$OUT" -- "$T/static_malloc"
assert_finding_in copy_name
assert_eq 1 "$(jqr '.findings | length')" "number of findings"
sel=$(finding_with copy_name)
assert_eq copy_name "$(jqr "$(top_frame "$sel") | .function")" "top non-system frame"
file=$(jqr "$(top_frame "$sel") | .file")
[ "$(basename -- "$file")" = unchecked_malloc.c ] || fail "top frame file is '$file'"
assert_eq malloc "$(jqr "$sel | .[0].faults[0].call")" "faults[0].call"
assert_eq NULL "$(jqr "$sel | .[0].faults[0].fault")" "faults[0].fault"
dl=$(jqr '[.sites[] | select((.function // "") | startswith("_dl_")) | .function] | join(",")')
assert_eq "" "$dl" "sites in glibc's static start-up (before main)"
[ "$(jqr '.sites | length')" -ge 1 ] || fail "no sites recorded"
assert_no_stray static_malloc
