#!/bin/bash
# The delay class (issue 12): waits that end otherwise than the program
# hoped, made for real. A client whose poll-timeout path dereferences the
# reply it never got is found when its server is slow (poll returns 0
# after its whole timeout), and a program whose EINTR paths of nanosleep
# and poll are wrong is found when a handled signal really arrives while
# they wait (SA_RESTART does not restart them, signal(7)); its recv with
# SO_RCVTIMEO gets io's EINTR despite SA_RESTART. Each at -O0 and -O2 -g,
# with the faulting frame and a replay that reproduces. A program that
# retries every wait and asserts what the kernel guarantees (accept and
# wait4 restart under SA_RESTART, a regular file's read is never
# interrupted, a zero-timeout epoll_wait never fails, a select that timed
# out leaves its set empty, a blocking connect never gives EINPROGRESS)
# gives no finding although faults were injected at every kind of wait.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

"$FZ" --list-classes | grep -q "^delay	optional	" || fail "delay is not an optional class"

replays() {	# report, finding id, target
	fz --replay="$1#$2" --out="$TMP/replay-$3-$2"
	grep -q '^replay: reproduced' "$TMP/fz.stdout" "$TMP/fz.stderr" ||
		fail "$3: replay of #$2 did not reproduce: $(cat "$TMP/fz.stderr")"
}

for target in delay_timeout delay_timeout_O2; do
	fz --inject=delay --out="$TMP/$target" -- "$T/$target"
	assert_rc 1
	R=$TMP/$target/report.json
	assert_eq 1 "$(jqr '.findings | length' "$R")" "$target: findings"
	assert_eq SIGSEGV "$(jqr '.findings[0].signal_name' "$R")" "$target: signal"
	sel=$(finding_with report_timeout)
	assert_eq report_timeout "$(jqr "$(top_frame "$sel") | .function" "$R")" "$target: faulting frame"
	assert_eq poll "$(jqr "$sel | .[0].faults[0].call" "$R")" "$target: faulted call"
	assert_eq timeout "$(jqr "$sel | .[0].faults[0].fault" "$R")" "$target: fault"
	assert_eq ask "$(jqr "$sel | .[0].faults[0].caller" "$R")" "$target: the poll's caller"
	replays "$R" "$(jqr "$sel | .[0].id" "$R")" "$target"
	assert_no_stray "$target"
done

for target in delay_eintr delay_eintr_O2; do
	fz --inject=io,delay --out="$TMP/$target" -- "$T/$target"
	assert_rc 1
	R=$TMP/$target/report.json
	assert_eq 3 "$(jqr '.findings | length' "$R")" "$target: findings"
	for f in pause_failed:clock_nanosleep channel_closed:poll peer_gone:recvfrom; do
		fn=${f%%:*} call=${f#*:}
		sel=$(finding_with "$fn")
		assert_eq "$fn" "$(jqr "$(top_frame "$sel") | .function" "$R")" "$target: $fn's frame"
		assert_eq "$call" "$(jqr "$sel | .[0].faults[0].call" "$R")" "$target: $fn's call"
		assert_eq EINTR "$(jqr "$sel | .[0].faults[0].fault" "$R")" "$target: $fn's fault"
		replays "$R" "$(jqr "$sel | .[0].id" "$R")" "$target"
	done
	assert_no_stray "$target"
done

fz --inject=delay --out="$TMP/robust" -- "$T/delay_robust"
assert_rc 0
R=$TMP/robust/report.json
assert_eq 0 "$(jqr '.findings | length' "$R")" "delay_robust: findings"
n=$(jqr '.faults_injected.delay' "$R")
[ "$n" -ge 20 ] || fail "delay_robust: only $n delay faults injected"
# Every kind of wait was failed, each way it can be (glibc's select is
# the pselect6 syscall, its sleeps clock_nanosleep).
for cf in poll:EINTR poll:timeout ppoll:timeout pselect6:EINTR pselect6:timeout \
	epoll_wait:EINTR epoll_wait:timeout epoll_pwait:EINTR epoll_pwait:timeout clock_nanosleep:EINTR accept:EINTR wait4:EINTR; do
	jq -e --arg c "${cf%:*}" --arg f "${cf#*:}" \
		'any(.sites[]; .call == $c and any(.outcomes[]?; .fault == $f))' "$R" >/dev/null ||
		fail "delay_robust: no $cf site"
done
# SA_RESTART restarts accept and wait4: only the waits made under the
# handler without it were interrupted (their second occurrence).
for call in accept wait4; do
	assert_eq 2 "$(jq -r --arg c "$call" '[.sites[] | select(.call == $c) | .outcomes[].occurrence] | unique | join(",")' "$R")" \
		"delay_robust: $call's interrupted occurrences"
done
assert_no_stray delay_robust

# Bad input: a fault the call cannot take.
fz --inject=delay --fault=nanosleep:timeout -- "$T/delay_robust"
assert_rc 2
assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "stderr lines for nanosleep:timeout"
grep -q "nanosleep never fails with timeout; faults nanosleep can take: EINTR" "$TMP/fz.stderr" ||
	fail "nanosleep:timeout: $(cat "$TMP/fz.stderr")"
