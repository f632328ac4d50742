#!/bin/bash
# --fault pins exact faults: one run, no exploration.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

# By caller: the unchecked malloc in copy_name.
fz --fault=malloc:NULL@caller=copy_name --out="$OUT" -- "$T/unchecked_malloc"
assert_rc 1
assert_eq 1 "$(jqr '.runs')" "runs"
assert_eq 1 "$(jqr '.findings | length')" "findings"
assert_eq copy_name "$(jqr "$(top_frame '.findings') | .function")" "top non-system frame"
assert_eq NULL "$(jqr '.findings[0].faults[0].fault')" "fault"
assert_eq 1 "$(jqr '.findings[0].faults[0].occurrence')" "occurrence"

# The 2nd call from copy_name: same crash, occurrence 2.
fz --fault=malloc:NULL@caller=copy_name:2 --out="$OUT.2" -- "$T/unchecked_malloc"
assert_rc 1
assert_eq 1 "$(jqr '.runs' "$OUT.2/report.json")" "runs (caller=copy_name:2)"
assert_eq 2 "$(jqr '.findings[0].faults[0].occurrence' "$OUT.2/report.json")" "occurrence"

# A checked allocation (in parse): the same fault is handled, no finding.
fz --fault=malloc:NULL@caller=parse --out="$OUT.3" -- "$T/unchecked_malloc"
assert_rc 0
assert_eq 1 "$(jqr '.runs' "$OUT.3/report.json")" "runs (caller=parse)"
assert_eq 0 "$(jqr '.findings | length' "$OUT.3/report.json")" "findings (caller=parse)"

# A short read of exactly 7 bytes on the first read().
"$T/short_read" --make "$TMP/header.bin" || fatal "cannot create the input file"
fz --fault=read:short=7@1 --out="$OUT.4" -- "$T/short_read" "$TMP/header.bin"
assert_rc 1
assert_eq 1 "$(jqr '.runs' "$OUT.4/report.json")" "runs (read:short=7@1)"
assert_eq load_header "$(jqr "$(top_frame '.findings') | .function" "$OUT.4/report.json")" "top frame"
assert_eq short=7 "$(jqr '.findings[0].faults[0].fault' "$OUT.4/report.json")" "fault"

# By site id, taken from an exploring run's sites[].
fz --inject=alloc --out="$OUT.5" -- "$T/unchecked_malloc"
site=$(jqr '[.sites[] | select(.call == "malloc" and .function == "copy_name")][0].id' "$OUT.5/report.json")
[ "$site" != null ] || fail "no malloc site in copy_name in sites[]"
fz --fault="malloc:NULL@site#$site" --out="$OUT.6" -- "$T/unchecked_malloc"
assert_rc 1
# site#K names a site of this invocation's clean run, so it costs one more run.
assert_eq 2 "$(jqr '.runs' "$OUT.6/report.json")" "runs (clean + site#$site)"
assert_eq copy_name "$(jqr "$(top_frame '.findings') | .function" "$OUT.6/report.json")" "top frame (site#$site)"
assert_no_stray unchecked_malloc short_read
