#!/bin/bash
# The clock class (issue 12): a program that times a request with
# CLOCK_REALTIME, read through the vDSO, and files a negative latency out
# of bounds is found when the clock is stepped back between its two reads
# (-O0, -O2 -g, static glibc, and in a forked child), with the faulting
# frame, and its replay reproduces. A program that relies only on
# MONOTONIC/BOOTTIME never going back gives no finding although every
# clock read site was stepped. Timed waits on REALTIME deadlines still
# last 1 s after a step either way. Bad steps are refused.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

"$FZ" --list-classes | grep -q "^clock	optional	step	" || fail "clock is not an optional class"

for target in clock_elapsed clock_elapsed_O2 clock_elapsed_static; do
	out=$TMP/$target
	fz --inject=clock --out="$out" -- "$T/$target"
	assert_rc 1
	R=$out/report.json
	assert_eq 1 "$(jqr '.findings | length' "$R")" "$target: findings"
	assert_eq SIGSEGV "$(jqr '.findings[0].signal_name' "$R")" "$target: signal"
	sel=$(finding_with record_latency)
	assert_eq record_latency "$(jqr "$(top_frame "$sel") | .function" "$R")" "$target: faulting frame"
	assert_eq clock_gettime "$(jqr "$sel | .[0].faults[0].call" "$R")" "$target: stepped call"
	assert_eq step=-1h "$(jqr "$sel | .[0].faults[0].fault" "$R")" "$target: the step"
	assert_eq stop_timer "$(jqr "$sel | .[0].faults[0].caller" "$R")" "$target: the read stepped"
	# Both reads are sites, each tried with the three steps.
	assert_eq "start_timer stop_timer" "$(jqr '[.sites[] | select(.call == "clock_gettime") |
		.function] | sort | join(" ")' "$R")" "$target: clock read sites"
	assert_eq 6 "$(jqr '.faults_injected.clock' "$R")" "$target: steps made"
	id=$(jqr "$sel | .[0].id" "$R")
	fz --replay="$R#$id" --out="$TMP/replay-$target"
	grep -q '^replay: reproduced' "$TMP/fz.stdout" "$TMP/fz.stderr" ||
		fail "$target: replay did not reproduce: $(cat "$TMP/fz.stderr")"
	assert_no_stray "$target"
done

# A forked child's reads are stepped too (it inherited a libc without
# the vDSO).
fz --inject=clock --out="$TMP/fork" -- "$T/clock_elapsed" fork
assert_rc 1
R=$TMP/fork/report.json
assert_eq 1 "$(jqr '.findings | length' "$R")" "fork: findings"
assert_eq record_latency "$(jqr "$(top_frame "$(finding_with record_latency)") | .function" "$R")" \
	"fork: faulting frame"
assert_eq 1 "$(jqr '.findings[0].faults[0].thread' "$R")" "fork: stepped in the child"

# Without the class the vDSO is left alone: no clock site, no stop.
fz --inject=io,alloc --out="$TMP/noclock" -- "$T/clock_elapsed"
assert_rc 0
assert_eq 0 "$(jqr '[.sites[] | select(.call == "clock_gettime")] | length' "$TMP/noclock/report.json")" \
	"without clock: clock sites"

# Only kernel guarantees: no finding, every read site stepped, in the
# child too, with each of the three steps.
fz --inject=clock --out="$TMP/mono" -- "$T/clock_monotonic"
assert_rc 0
R=$TMP/mono/report.json
J=$TMP/mono/runs.jsonl
assert_eq 0 "$(jqr '.findings | length' "$R")" "clock_monotonic: findings"
n=$(jqr '.faults_injected.clock' "$R")
[ "$n" -ge 18 ] || fail "clock_monotonic: only $n steps"
for call in clock_gettime gettimeofday time; do
	jq -e --arg c "$call" 'any(.sites[]; .call == $c)' "$R" >/dev/null ||
		fail "clock_monotonic: no $call site"
done
assert_eq "step=+1h step=+1h@clock=monotonic step=-1h" \
	"$(jq -rs '[.[] | .faults[] | select(.caller == "ns_of") | .fault] | unique | join(" ")' "$J")" \
	"clock_monotonic: steps at ns_of"
jq -se '[.[] | .faults[] | select(.caller == "ns_of" and .thread == 1)] | length >= 3' "$J" \
	>/dev/null || fail "clock_monotonic: the child's reads were not stepped"

# The filter compares clock_gettime's clock id: a CPU-time read (never
# shifted) costs no stop, a REALTIME read does (a step is planned, past
# the end, so every read of a clock it moves stops).
fz --inject=clock --fault=clock_gettime:step=+1h@1000000000 --out="$TMP/cost" -- \
	"$T/clock_monotonic" cost
assert_rc 0
cpu=$(awk '$1 == "cpu" { print $2 }' "$TMP/cost/run/stdout")
real=$(awk '$1 == "realtime" { print $2 }' "$TMP/cost/run/stdout")
[ -n "$cpu" ] && [ -n "$real" ] && [ $((cpu * 5)) -lt "$real" ] ||
	fail "a CPU-time read ($cpu ns) should cost no stop, a REALTIME read ($real ns) one"

# Absolute REALTIME deadlines (futex, sem_timedwait, clock_nanosleep, a
# timerfd, a POSIX timer) are handed over minus the shift: each wait still
# takes about 1 s.
for step in step=+1h step=-1h step=+1h@clock=monotonic; do
	fz --inject=clock --timeout=20s --fault="clock_gettime:$step@caller=deadline_in" \
		--out="$TMP/tw" -- "$T/clock_timedwait"
	assert_rc 0
	assert_eq 5 "$(grep -c ' ms (' "$TMP/tw/run/stdout")" "$step: waits"
	while read -r what ms _; do
		[ "$ms" -ge 900 ] && [ "$ms" -le 2000 ] || fail "$step: $what took $ms ms"
	done < <(grep ' ms (' "$TMP/tw/run/stdout")
	assert_eq 1 "$(jqr '.faults_injected.clock' "$TMP/tw/report.json")" "$step: steps"
done

# The grammar: a clock predicate anywhere among the predicates, a day
# unit; bad input is exit 2 with one line.
fz --inject=clock --fault=clock_gettime:step=+2d@caller=stop_timer@clock=boottime \
	--out="$TMP/gram" -- "$T/clock_elapsed"
assert_rc 0
assert_eq step=+2d@clock=boottime "$(jq -r '.faults[0].fault' "$TMP/gram/runs.jsonl")" "boottime step"
for bad in clock_gettime:step=-1h@clock=monotonic clock_gettime:step=-1s@clock=boottime \
	clock_gettime:step clock_gettime:step=+1x clock_gettime:step=+1h@clock=lunar \
	clock_gettime:EIO@clock=realtime; do
	fz --inject=clock --fault="$bad" -- "$T/clock_elapsed"
	assert_rc 2
	assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "stderr lines for $bad"
done
fz --inject=clock --fault=read:step=+1h -- "$T/clock_elapsed"
assert_rc 2
grep -q "read never fails with step" "$TMP/fz.stderr" || fail "read:step: $(cat "$TMP/fz.stderr")"
