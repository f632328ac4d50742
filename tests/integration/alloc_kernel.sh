#!/bin/bash
# The kernel level of the alloc class: anonymous mmap, growing mremap and
# brk, writable mprotect fail as the kernel fails them, one-shot (ENOMEM)
# or exhausted from the Nth call on (exhaust).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

# An unchecked anonymous mmap in map_buffer: one finding, caused by mmap.
fz --inject=alloc --out="$OUT" -- "$T/mem_unchecked"
assert_rc 1
assert_eq 1 "$(jqr '.findings | length')" "findings (mem_unchecked)"
sel=$(finding_with map_buffer)
assert_eq SIGSEGV "$(jqr "$sel | .[0].signal_name")" "signal_name"
assert_eq map_buffer "$(jqr "$(top_frame "$sel") | .function")" "top non-system frame"
assert_eq mmap "$(jqr "$sel | .[0].faults[0].call")" "faults[0].call"
assert_eq map_buffer "$(jqr "$sel | .[0].faults[0].caller")" "faults[0].caller"

# A program that checks every allocation, direct mmap and pthread_create
# included: no finding, and its kernel sites were really failed.
"$T/mem_robust" >/dev/null || fail "mem_robust fails natively"
fz --inject=alloc --out="$OUT.2" -- "$T/mem_robust"
assert_rc 0
assert_eq 0 "$(jqr '.findings | length' "$OUT.2/report.json")" "findings (mem_robust)"
for call in mmap brk; do
	n=$(jqr "[.sites[] | select(.call == \"$call\" and .failed >= 1)] | length" "$OUT.2/report.json")
	[ "$n" -ge 1 ] || fail "no $call site of mem_robust was failed"
done
n=$(jqr '[.sites[] | select(.call == "mprotect" or .call == "mremap")] | length' "$OUT.2/report.json")
[ "$n" -ge 1 ] || fail "no mprotect or mremap site in mem_robust"
unfailed=$(jqr '[.sites[] | select(.failed < 1) | "\(.id):\(.call)@\(.function)"] | join(" ")' \
	"$OUT.2/report.json")
[ -z "$unfailed" ] || fail "mem_robust sites never failed: $unfailed"

# Enough input for robust's reader to realloc past the mmap threshold.
for i in $(seq 1 6000); do
	echo "line $i the quick brown fox jumps over the lazy dog $((i % 97))"
done >"$TMP/in.txt"
"$T/robust" "$TMP/in.txt" "$TMP/native.txt" >/dev/null || fail "robust fails natively"

# Memory exhausted from the first growing brk: glibc's malloc really returns
# NULL (its mmap fallbacks fail too) and robust says so and exits 1.
for spec in brk:exhaust@1 mmap:exhaust@1; do
	o=$OUT.$spec
	fz --inject=alloc --fault="$spec" --out="$o" -- "$T/robust" "$TMP/in.txt" "$TMP/out.txt"
	assert_rc 0
	assert_eq 0 "$(jqr '.findings | length' "$o/report.json")" "findings ($spec)"
	grep -q "robust: out of memory" "$o/run/stderr" ||
		fail "$spec: malloc did not return NULL (robust's stderr: $(head -c 300 "$o/run/stderr"))"
	n=$(jqr '.faults_injected.alloc' "$o/report.json")
	[ "$n" -ge 2 ] || fail "$spec: only $n kernel allocations failed"
done

# One growing brk fails as the kernel fails it (break unchanged): glibc
# falls back to mmap, no crash.
fz --inject=alloc --fault=brk:ENOMEM@1 --out="$OUT.3" -- "$T/robust" "$TMP/in.txt" "$TMP/out.txt"
assert_rc 0
assert_eq 0 "$(jqr '.findings | length' "$OUT.3/report.json")" "findings (brk:ENOMEM@1)"
assert_eq 1 "$(jqr '.faults_injected.alloc' "$OUT.3/report.json")" "faults injected (brk:ENOMEM@1)"
assert_no_stray mem_unchecked mem_robust robust
