#!/bin/bash
# The clock class (issue 12): threads already asleep on an absolute
# deadline when a step happens wake as they would after a real clock
# change. clock_asleep's four waiters (pthread_cond_timedwait,
# sem_timedwait, clock_nanosleep on REALTIME, clock_nanosleep on
# MONOTONIC) sleep until 3 s ahead; its main thread reads the clock at
# step_here 300 ms later. A REALTIME step of +2s ends the REALTIME waits
# after about 1 s and leaves the MONOTONIC one at 3 s; -1s makes them 4 s;
# a BOOTTIME jump (a suspend) moves REALTIME as well; a jump of every clock
# (a stall) ends all four after about 1 s of real time, 3 s as the
# program's own (jumped) clock sees it.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

# "name lo hi" for each waiter, in ms as the program measured.
check() {
	local step=$1 real=$2 mono=$3 name ms lo hi

	while read -r name ms; do
		case $name in
		clock_nanosleep_monotonic) lo=${mono% *} hi=${mono#* } ;;
		*) lo=${real% *} hi=${real#* } ;;
		esac
		[ "$ms" -ge "$lo" ] && [ "$ms" -le "$hi" ] ||
			fail "$step: $name slept $ms ms, not $lo-$hi"
	done <"$TMP/a/run/stdout"
	assert_eq 4 "$(wc -l <"$TMP/a/run/stdout")" "$step: waiters"
}

run() {
	fz --inject=clock --timeout=20s --fault="clock_gettime:$1" --out="$TMP/a" -- "$T/clock_asleep"
	assert_rc 0
	assert_no_stray clock_asleep
}

# No step happens (one planned far past the end): every wait takes 3 s.
run step=+2s@1000000
check "no step" "2900 3600" "2900 3600"
for step in step=+2s step=+2s@clock=boottime; do
	run "$step@caller=step_here"
	assert_eq 1 "$(jqr '.faults_injected.clock' "$TMP/a/report.json")" "$step: steps"
	check "$step" "800 1600" "2900 3600"
done
run step=-1s@caller=step_here
check step=-1s "3800 4600" "2900 3600"
start=$(date +%s%N)
run step=+2s@clock=monotonic@caller=step_here
took=$((($(date +%s%N) - start) / 1000000))
check step=+2s@clock=monotonic "2900 3600" "2900 3600"
[ "$took" -lt 2800 ] || fail "step=+2s@clock=monotonic: the run took $took ms, the waits were not woken"
