#!/bin/bash
# An ASan-built target whose malloc error path overflows a heap buffer
# (asan_overflow: make_record falls back to a 16-byte buffer and still
# writes the whole record). fzsandbox must inject the malloc failure through
# ASan's malloc, and report the sanitizer's report as a finding of kind
# "sanitizer" (heap-buffer-overflow, top non-system frame make_record),
# with LeakSanitizer kept off (it cannot run under ptrace).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

prog=$T/asan_overflow
[ -x "$prog" ] || skip "$prog not built (does gcc -fsanitize=address work?)"
# Without fzsandbox the program is clean; if it does not even start, ASan
# is not usable here (libasan missing at run time, unsupported mappings).
clean=$(cd "$TMP" && "$prog" 2>&1 </dev/null)
case "$clean" in
"made 3 records") ;;
*libasan*) skip "libasan is missing: $(printf '%s\n' "$clean" | head -n 1)" ;;
*) skip "ASan does not run here: $(printf '%s\n' "$clean" | head -n 1)" ;;
esac

fz --inject=io,alloc --out="$OUT" -- "$prog"
assert_rc 1

# The finding: ASan's report, not a signal.
sel='[.findings[] | select(.kind == "sanitizer")]'
assert_eq 1 "$(jqr '.findings | length')" "number of findings"
assert_eq 1 "$(jqr "$sel | length")" "sanitizer findings"
assert_eq heap-buffer-overflow "$(jqr "$sel | .[0].sanitizer")" "sanitizer report type"
assert_eq 0 "$(jqr "$sel | .[0].signal")" "signal"
assert_eq make_record "$(jqr "$(top_frame "$sel") | .function")" "top non-system frame"
file=$(jqr "$(top_frame "$sel") | .file")
[ "$(basename -- "$file")" = asan_overflow.c ] || fail "top frame file is '$file'"
line=$(jqr "$(top_frame "$sel") | .line")
[ "$line" -gt 0 ] 2>/dev/null || fail "top frame has no line number ('$line')"
assert_eq main "$(jqr "$sel | .[0].frames | map(select(.system | not)) | .[1].function")" \
	"second non-system frame"
# The same frame data as a signal finding's: module and offset (issue 11).
assert_eq asan_overflow "$(basename -- "$(jqr "$(top_frame "$sel") | .module")")" "top frame module"
[ "$(jqr "$(top_frame "$sel") | .offset")" != 0x0 ] || fail "top frame has no offset"
assert_eq false "$(jqr "$(top_frame "$sel") | .inlined")" "-O0: make_record inlined"
# What caused it: the first malloc in make_record returning NULL.
assert_eq malloc "$(jqr "$sel | .[0].faults[0].call")" "faults[0].call"
assert_eq NULL "$(jqr "$sel | .[0].faults[0].fault")" "faults[0].fault"
assert_eq make_record "$(jqr "$sel | .[0].faults[0].caller")" "faults[0].caller"
# One run per occurrence of that malloc (3 records), all the same finding.
assert_eq 3 "$(jqr "$sel | .[0].hits")" "hits"

# The allocation breakpoints bound to ASan's malloc (the program's malloc
# calls go to the ASan interceptor, not libc's): the clean run recorded the
# site in make_record and the plan really failed it.
n=$(jqr '[.sites[] | select(.call == "malloc" and .function == "make_record"
	and .occurrences == 3 and .failed >= 1)] | length')
assert_eq 1 "$n" "malloc sites in make_record with occurrences 3, failed >= 1"
n=$(jqr '.faults_injected.alloc // 0')
[ "$n" -ge 3 ] || fail "faults_injected.alloc is $n, want >= 3"

# The finding's stderr is ASan's report, and LeakSanitizer was off: with
# it on, every run under ptrace would end in "LeakSanitizer does not work
# under ptrace" (and exit 1).
rel=$(jqr "$sel | .[0].stderr // empty")
[ -n "$rel" ] || fail "the finding has no stderr file"
err=$OUT/$rel
[ -s "$err" ] || fail "finding stderr $err is missing or empty"
grep -q 'ERROR: AddressSanitizer: heap-buffer-overflow' "$err" ||
	fail "no ASan heap-buffer-overflow report in $err"
grep -q 'in make_record .*asan_overflow\.c' "$err" || fail "make_record not in $err"
for f in "$err" "$OUT/run/stderr" "$TMP/fz.stderr"; do
	[ -f "$f" ] || continue
	if grep -Eqi 'LeakSanitizer|does not work under ptrace' "$f"; then
		fail "LeakSanitizer ran under ptrace: $(grep -Ei 'LeakSanitizer|ptrace' "$f" | head -n 1)"
	fi
done
opts=$(jqr '.env[] | select(startswith("ASAN_OPTIONS="))')
case ":${opts#ASAN_OPTIONS=}:" in
*:detect_leaks=0:*) ;;
*) fail "report env has '$opts', want detect_leaks=0 in ASAN_OPTIONS" ;;
esac

# At -O2 make_record is inlined into main: ASan prints both levels with
# one pc, and the finding has them as an inline chain.
if [ -x "$T/asan_overflow_O2" ]; then
	rm -rf "$OUT"
	fz --inject=alloc --out="$OUT" -- "$T/asan_overflow_O2"
	assert_rc 1
	sel='[.findings[] | select(.kind == "sanitizer")]'
	assert_eq 1 "$(jqr "$sel | length")" "-O2: sanitizer findings"
	assert_eq make_record "$(jqr "$(top_frame "$sel") | .function")" "-O2: top frame"
	if nm "$T/asan_overflow_O2" | grep -q make_record; then
		skip_check "-O2: make_record was not inlined by this compiler"
	else
		assert_eq true "$(jqr "$(top_frame "$sel") | .inlined")" "-O2: make_record inlined"
		own="$sel | .[0].frames | map(select(.system | not))"
		assert_eq main "$(jqr "$own | .[1].function")" "-O2: frame after make_record"
		assert_eq false "$(jqr "$own | .[1].inlined")" "-O2: main inlined"
	fi
fi
assert_no_stray asan_overflow asan_overflow_O2
