#!/bin/bash
# A program that handles every failure gives no finding, and every site
# fzsandbox recorded was really failed at least once. An injector that
# injects nothing passes the first check but not the second and third.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

# > 256 bytes so the reader's realloc runs; many words for the hash table.
for i in $(seq 1 40); do
	echo "line $i the quick brown fox jumps over the lazy dog $((i % 7))"
done >"$TMP/in.txt"
"$T/robust" "$TMP/in.txt" "$TMP/native.txt" >"$TMP/native.stdout" || fail "robust fails natively"

fz --inject=io,alloc --out="$OUT" -- "$T/robust" "$TMP/in.txt" "$TMP/result.txt"
assert_rc 0
assert_eq 0 "$(jqr '.findings | length')" "number of findings"

nsites=$(jqr '.sites | length')
[ "$nsites" -ge 3 ] || fail "only $nsites sites recorded"
for call in malloc read write; do
	n=$(jqr "[.sites[] | select(.call == \"$call\")] | length")
	[ "$n" -ge 1 ] || fail "no $call site recorded"
done
unfailed=$(jqr '[.sites[] | select(.failed < 1) | "\(.id):\(.call)@\(.function)"] | join(" ")')
[ -z "$unfailed" ] || fail "sites never failed: $unfailed"
[ "$(jqr '.runs')" -gt "$nsites" ] || fail "fewer runs than sites"
n=$(jqr '[.faults_injected[]] | add // 0')
[ "$n" -ge "$nsites" ] || fail "only $n faults injected for $nsites sites"
assert_no_stray robust
