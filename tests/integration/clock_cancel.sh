#!/bin/bash
# The clock class (issue 12): a REALTIME step cancels
# TFD_TIMER_CANCEL_ON_SET timers as a real clock_settime does. A
# systemd-style watcher (a non-blocking timerfd armed far ahead, polled)
# becomes ready and its read fails with ECANCELED once, then reads are
# plain again; a thread already blocked in read on another such timer is
# woken with ECANCELED. A BOOTTIME jump (a suspend: REALTIME moves against
# MONOTONIC) cancels too; a MONOTONIC jump (a stall: every clock moves
# alike) does not, and the blocked read ends with its own expiry.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

cancelled="blocked read: Operation canceled
poll: ready
read again: Resource temporarily unavailable
read: Operation canceled"
plain="blocked read: ticks
poll: timeout
read again: Resource temporarily unavailable
read: Resource temporarily unavailable"

for step in step=+1h step=-1h step=+1h@clock=boottime step=+1h@clock=monotonic; do
	fz --inject=clock --timeout=20s --fault="clock_gettime:$step@caller=step_here" \
		--out="$TMP/c" -- "$T/clock_cancel"
	assert_rc 0
	assert_eq 1 "$(jqr '.faults_injected.clock' "$TMP/c/report.json")" "$step: steps"
	want=$cancelled
	[ "$step" = step=+1h@clock=monotonic ] && want=$plain
	assert_eq "$want" "$(LC_ALL=C sort "$TMP/c/run/stdout")" "$step: what the target saw"
	assert_no_stray clock_cancel
done

# Without a step nothing is cancelled.
fz --inject=clock --timeout=20s --fault="clock_gettime:step=+1h@caller=nowhere" \
	--out="$TMP/n" -- "$T/clock_cancel"
assert_rc 0
assert_eq "$plain" "$(LC_ALL=C sort "$TMP/n/run/stdout")" "no step: what the target saw"
