#!/bin/bash
# The clock class (issue 12): a program that times an interval with the
# TSC (__rdtsc, __rdtscp) sees it move with a MONOTONIC jump, as on a
# real machine where the whole tree stalled: rdtsc faults under
# PR_TSC_SIGSEGV, set at the entry point, and is emulated with the jump
# added. A REALTIME step leaves the TSC alone.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

grep -qw constant_tsc /proc/cpuinfo || skip "no invariant TSC on this CPU"

val() { awk -v k="$1" '$1 == k { print $2 }' "$TMP/t/run/stdout"; }

fz --inject=clock --timeout=20s --fault=clock_gettime:step=+1h@clock=monotonic@caller=step_here \
	--out="$TMP/t" -- "$T/clock_tsc"
assert_rc 0
tsc=$(val tsc) mono=$(val monotonic)
[ -n "$tsc" ] && [ "$mono" -ge 3600000 ] || fail "monotonic jump: $(cat "$TMP/t/run/stdout")"
# The program's own estimate of the TSC's rate is good to well under 1%.
diff=$((tsc > mono ? tsc - mono : mono - tsc))
[ $((diff * 100)) -lt "$mono" ] || fail "monotonic jump: the TSC saw $tsc ms, MONOTONIC $mono ms"
assert_no_stray clock_tsc

fz --inject=clock --timeout=20s --fault=clock_gettime:step=+1h@caller=step_here \
	--out="$TMP/t" -- "$T/clock_tsc"
assert_rc 0
[ "$(val tsc)" -lt 2000 ] && [ "$(val monotonic)" -lt 2000 ] ||
	fail "realtime step: $(cat "$TMP/t/run/stdout")"
