#!/bin/bash
# Tracer edge cases, each in a small target:
#  self_kill   - the program SIGKILLs itself while a thread is blocked in
#                read(): fzsandbox must end promptly, exit 0 or 1, and
#                leave nothing behind;
#  stop_cont   - the program SIGSTOPs itself and its child SIGCONTs it: a
#                group-stop is the program's own business, not a finding;
#  sig_handler - SIGALRM handler without SA_RESTART, reads retried on
#                EINTR: fzsandbox injects EINTR there, really delivers the
#                signal (the handler runs), and finds nothing.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

# Lines of OUT/runs.jsonl, and the runs count of OUT/report.json, agree.
check_runs() {	# OUTDIR MIN MAX
	local runs lines

	runs=$(jqr '.runs' "$1/report.json")
	if [ "$runs" -lt "$2" ] || [ "$runs" -gt "$3" ]; then
		fail "$1: $runs runs, want $2..$3"
	fi
	[ -f "$1/runs.jsonl" ] || { fail "no $1/runs.jsonl"; return; }
	lines=$(grep -c . "$1/runs.jsonl")
	assert_eq "$runs" "$lines" "$1: lines of runs.jsonl"
}

# --- (a) self_kill ---------------------------------------------------------
out=$TMP/self_kill
start=$(date +%s)
fz --inject=io --timeout=20s --out="$out" -- "$T/self_kill"
elapsed=$(($(date +%s) - start))
case "$rc" in
0 | 1) ;;
*) fail "self_kill: fzsandbox exited $rc, want 0 or 1" ;;
esac
[ "$elapsed" -le 5 ] || fail "self_kill: fzsandbox took ${elapsed}s (--timeout=20s)"
check_runs "$out" 1 20
# The clean run is the one that killed itself; it died of a signal.
outcome=$(jqr 'select(.run == 0) | .outcome' "$out/runs.jsonl")
case "$outcome" in
"signal "*) ;;
*) fail "self_kill: clean run outcome '$outcome', want a signal" ;;
esac
assert_no_stray self_kill

# --- (b) stop_cont ---------------------------------------------------------
out=$TMP/stop_cont
start=$(date +%s)
# Its only io call is the write of "resumed" to stdout, a pipe with room
# (the relay drains it): no fault is faithful there, so the faulted runs
# that must each get through the group-stop are allocation faults.
fz --inject=io,alloc --timeout=10s --out="$out" -- "$T/stop_cont"
elapsed=$(($(date +%s) - start))
assert_rc 0
assert_eq 0 "$(jqr '.findings | length' "$out/report.json")" "stop_cont: findings"
check_runs "$out" 2 50
# Every run resumed and exited 0 (no hang, no signal death).
bad=$(jqr 'select(.outcome != "exit 0") | "run \(.run): \(.outcome)"' "$out/runs.jsonl")
[ -z "$bad" ] || fail "stop_cont: runs that did not exit 0: $bad"
[ "$elapsed" -le 8 ] || fail "stop_cont: fzsandbox took ${elapsed}s"
# The parent really ran on past raise(SIGSTOP).
fz --inject=none --timeout=10s --out="$out-clean" -- "$T/stop_cont"
assert_rc 0
assert_eq resumed "$(cat "$TMP/fz.stdout")" "stop_cont: stdout of the clean run"
assert_no_stray stop_cont

# --- (c) sig_handler -------------------------------------------------------
out=$TMP/sig_handler
fz --inject=io --out="$out" -- "$T/sig_handler"
assert_rc 0
assert_eq 0 "$(jqr '.findings | length' "$out/report.json")" "sig_handler: findings"
check_runs "$out" 2 50
# EINTR is offered on the pipe read (a non-restarting handler is installed).
n=$(jq -s '[.[] | .faults[] | select(.call == "read" and .fault == "EINTR"
	and .caller == "read_exact")] | length' "$out/runs.jsonl") ||
	fail "jq failed on $out/runs.jsonl"
[ "$n" -ge 1 ] || fail "sig_handler: no run injected EINTR into read in read_exact"
bad=$(jqr 'select(.outcome != "exit 0") | "run \(.run): \(.outcome)"' "$out/runs.jsonl")
[ -z "$bad" ] || fail "sig_handler: runs that did not exit 0: $bad"

# Injecting EINTR delivers the signal: the handler runs once. Without the
# fault it never runs (control).
fz --inject=none --out="$out-clean" -- "$T/sig_handler"
assert_rc 0
assert_eq "handler_calls=0 match=1" "$(cat "$TMP/fz.stdout")" "sig_handler: clean stdout"
fz --fault=read:EINTR@1 --out="$out-eintr" -- "$T/sig_handler"
assert_rc 0
assert_eq 1 "$(jqr '.runs' "$out-eintr/report.json")" "sig_handler --fault: runs"
assert_eq "read EINTR read_exact" \
	"$(jqr '.faults[] | "\(.call) \(.fault) \(.caller)"' "$out-eintr/runs.jsonl")" \
	"sig_handler --fault: injected fault"
stdout=$(cat "$out-eintr/run/stdout")
calls=$(printf '%s\n' "$stdout" | sed -n 's/^handler_calls=\([0-9]*\) match=1$/\1/p')
[ -n "$calls" ] || fail "sig_handler --fault: stdout is '$stdout'"
[ "$calls" -ge 1 ] || fail "sig_handler --fault: the handler did not run ('$stdout')"
assert_no_stray sig_handler
