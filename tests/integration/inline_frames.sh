#!/bin/bash
# Issue 11, inlined functions are frames: programs built at -O1/-O2 -g
# inline their static helpers, and findings, sites and caller= must still
# name them. inline_alloc's grow_table is inlined into main: its crash is
# reported as grow_table (inlined: true) then main, its malloc's caller is
# grow_table, and --fault=malloc:NULL@caller=grow_table pins it. The -O2
# copies of unchecked_malloc and short_read name the same functions as
# their -O0 builds.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

for lvl in O1 O2; do
	prog=$T/inline_alloc_$lvl
	# The premise: grow_table really is inlined (no symbol of its own).
	if nm "$prog" 2>/dev/null | grep -q grow_table; then
		fail "$lvl: grow_table was not inlined: the test proves nothing"
	fi
	rm -rf "$OUT"
	fz --inject=alloc --out="$OUT" -- "$prog"
	assert_rc 1
	sel=$(finding_with grow_table)
	assert_eq 1 "$(jqr "$sel | length")" "$lvl: findings in grow_table"
	assert_eq grow_table "$(jqr "$(top_frame "$sel") | .function")" "$lvl: top frame"
	assert_eq true "$(jqr "$(top_frame "$sel") | .inlined")" "$lvl: top frame inlined"
	file=$(jqr "$(top_frame "$sel") | .file")
	assert_eq inline_alloc.c "$(basename -- "$file")" "$lvl: top frame file"
	# The next frame is the function it was inlined into, at the call.
	own=$(printf '%s | .[0].frames | map(select(.system | not))' "$sel")
	assert_eq main "$(jqr "$own | .[1].function")" "$lvl: frame after grow_table"
	assert_eq false "$(jqr "$own | .[1].inlined")" "$lvl: main is not inlined"
	[ "$(jqr "$own | .[1].line")" -gt 0 ] 2>/dev/null || fail "$lvl: main has no line"
	assert_eq "$(jqr "$own | .[0].pc")" "$(jqr "$own | .[1].pc")" "$lvl: one pc for the chain"
	assert_eq grow_table "$(jqr "$sel | .[0].faults[0].caller")" "$lvl: fault's caller"
	assert_eq grow_table "$(jqr '.sites[0].function')" "$lvl: site's function"
	grep -q 'grow_table at .*inline_alloc.c:[0-9]* (inline_alloc_'"$lvl"') \[inlined\]' \
		"$TMP/fz.stderr" || fail "$lvl: text output lacks the inlined grow_table frame"

	rm -rf "$OUT"
	fz --fault=malloc:NULL@caller=grow_table --out="$OUT" -- "$prog"
	assert_rc 1
	assert_eq 1 "$(jqr "$(finding_with grow_table) | length")" "$lvl: caller=grow_table"
done

# Excluding a site or suppressing a finding by function sees the inlined
# function too.
rm -rf "$OUT"
fz --inject=alloc --exclude-site=grow_table --out="$OUT" -- "$T/inline_alloc_O2"
assert_rc 0
assert_eq 0 "$(jqr '.findings | length')" "findings with --exclude-site=grow_table"
rm -rf "$OUT"
printf 'finding grow_table\n' >"$TMP/supp"
fz --inject=alloc --suppress="$TMP/supp" --out="$OUT" -- "$T/inline_alloc_O2"
assert_rc 0
assert_eq 0 "$(jqr '.findings | length')" "findings with 'finding grow_table' suppressed"

# The bug targets at -O2 name the same functions as at -O0.
rm -rf "$OUT"
fz --inject=alloc --out="$OUT" -- "$T/unchecked_malloc_O2"
assert_rc 1
sel=$(finding_with copy_name)
assert_eq 1 "$(jqr "$sel | length")" "-O2: findings in copy_name"
assert_eq copy_name "$(jqr "$(top_frame "$sel") | .function")" "-O2: top frame"
assert_eq copy_name "$(jqr "$sel | .[0].faults[0].caller")" "-O2: faults[0].caller"

"$T/short_read" --make "$TMP/header.bin" || fatal "cannot create the input file"
rm -rf "$OUT"
fz --inject=io --out="$OUT" -- "$T/short_read_O2" "$TMP/header.bin"
assert_rc 1
sel=$(finding_with load_header)
[ "$(jqr "$sel | length")" -ge 1 ] || fail "-O2: no finding in load_header"
assert_eq load_header "$(jqr "$(top_frame "$sel") | .function")" "-O2: short_read top frame"
assert_no_stray inline_alloc_O1 inline_alloc_O2 unchecked_malloc_O2 short_read_O2
