#!/bin/bash
# An unchecked malloc in copy_name(): fzsandbox must report exactly one
# finding, a SIGSEGV whose innermost non-system frame is copy_name in
# unchecked_malloc.c, caused by malloc failing with NULL.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

fz --inject=io,alloc --out="$OUT" -- "$T/unchecked_malloc"
assert_rc 1
assert_eq 1 "$(jqr '.findings | length')" "number of findings"

sel=$(finding_with copy_name)
assert_eq 1 "$(jqr "$sel | length")" "findings in copy_name"
assert_eq signal "$(jqr "$sel | .[0].kind")" "kind"
assert_eq SIGSEGV "$(jqr "$sel | .[0].signal_name")" "signal_name"
assert_eq 11 "$(jqr "$sel | .[0].signal")" "signal"
assert_eq copy_name "$(jqr "$(top_frame "$sel") | .function")" "top non-system frame"
file=$(jqr "$(top_frame "$sel") | .file")
[ "$(basename -- "$file")" = unchecked_malloc.c ] || fail "top frame file is '$file'"
line=$(jqr "$(top_frame "$sel") | .line")
[ "$line" -gt 0 ] 2>/dev/null || fail "top frame has no line number ('$line')"
assert_eq malloc "$(jqr "$sel | .[0].faults[0].call")" "faults[0].call"
assert_eq NULL "$(jqr "$sel | .[0].faults[0].fault")" "faults[0].fault"
assert_eq copy_name "$(jqr "$sel | .[0].faults[0].caller")" "faults[0].caller"

# The clean run plus at least one run per malloc occurrence in copy_name.
runs=$(jqr '.runs')
[ "$runs" -ge 4 ] || fail "only $runs runs"
[ -n "$(jqr "$sel | .[0].replay // empty")" ] || fail "finding has no replay command"
id=$(jqr "$sel | .[0].id")
[ -d "$OUT/findings/$id" ] || fail "no $OUT/findings/$id directory"
grep -q copy_name "$TMP/fz.stdout" "$TMP/fz.stderr" || fail "copy_name not in fzsandbox's output"
assert_no_stray unchecked_malloc
