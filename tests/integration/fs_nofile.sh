#!/bin/bash
# Descriptors exhausted for real (issue 12, fs's exhaust on the open
# family): at the open chosen, RLIMIT_NOFILE is lowered (prlimit) to the
# descriptors the process has, so the kernel refuses that open and every
# later one with EMFILE until one is closed. A cache that closes its
# oldest file and retries gives no finding, although the fault is
# injected; one that waits for a descriptor to come back, closing
# nothing, passes a one-shot EMFILE but spins forever once descriptors
# are exhausted: a hang finding at its open, whose replay reproduces.
# Not offered where the descriptor table has a hole (the process cannot
# have reached its limit by itself). The same at accept (net, --fault
# only): a server that retries at once spins, one with a spare
# descriptor goes on.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

"$FZ" --list-faults | grep -q "exhaust" || fail "--list-faults has no exhaust row"

# The cache that evicts: zero findings, exhaust tried at each occurrence.
fz --inject=fs --out="$TMP/evict" -- "$T/fs_nofile"
assert_rc 0
R=$TMP/evict/report.json
J=$TMP/evict/runs.jsonl
assert_eq 0 "$(jqr '.findings | length' "$R")" "evict: findings"
n=$(jq -s '[.[] | select(.faults[0].fault == "exhaust" and .faults[0].caller == "open_evicting")] | length' "$J")
[ "$n" -ge 3 ] || fail "evict: exhaust tried $n times at open_evicting"

# Pinned at the third open: the kernel refuses it, the cache evicts its
# oldest file and the retry gets that number: no message, all opened.
fz --fault=openat:exhaust@3 --out="$TMP/pin" -- "$T/fs_nofile"
assert_rc 0
assert_eq 1 "$(jq -s '[.[] | .faults[] | select(.fault == "exhaust")] | length' "$TMP/pin/runs.jsonl")" \
	"pinned: exhaust injected"
assert_eq done "$(cat "$TMP/pin/run/stdout")" "pinned: stdout"
assert_eq "" "$(cat "$TMP/pin/run/stderr")" "pinned: stderr"

# The one that waits: a one-shot EMFILE passes, exhaust hangs it.
fz --inject=fs --timeout=2s --out="$TMP/spin" -- "$T/fs_nofile" spin
assert_rc 1
R=$TMP/spin/report.json
assert_eq 1 "$(jqr '.findings | length' "$R")" "spin: findings"
assert_eq hang "$(jqr '.findings[0].kind' "$R")" "spin: kind"
sel=$(finding_with open_waiting)
assert_eq exhaust "$(jqr "$sel | .[0].faults[0].fault" "$R")" "spin: the fault"
assert_eq open_waiting "$(jqr "$sel | .[0].faults[0].caller" "$R")" "spin: the open's caller"
jq -se '[.[] | select(.faults[0].fault == "EMFILE" and .outcome == "exit 0")] | length >= 1' \
	"$TMP/spin/runs.jsonl" >/dev/null || fail "spin: a one-shot EMFILE did not pass"
id=$(jqr "$sel | .[0].id" "$R")
fz --replay="$R#$id" --timeout=2s --out="$TMP/replay"
grep -q '^replay: reproduced' "$TMP/fz.stdout" "$TMP/fz.stderr" ||
	fail "spin: replay did not reproduce: $(cat "$TMP/fz.stderr")"

# A hole below the highest descriptor: never exhausted there.
fz --fault=openat:exhaust@3 --out="$TMP/hole" -- "$T/fs_nofile" hole
assert_rc 0
grep -q "0 of the 1 --fault faults were injected" "$TMP/fz.stderr" ||
	fail "hole: exhaust injected with a hole in the descriptor table"

# accept (class net, --fault only): the connection stays queued; a
# server that retries at once spins, one with a spare descriptor sheds
# the connection and goes on; a one-shot EMFILE does not show the spin.
fz --timeout=2s --fault=accept:exhaust@1 --out="$TMP/aspin" -- "$T/net_nofile" spin
assert_rc 1
assert_eq hang "$(jqr '.findings[0].kind' "$TMP/aspin/report.json")" "accept spin: kind"
assert_eq accept_spin "$(jqr '.findings[0].faults[0].caller' "$TMP/aspin/report.json")" \
	"accept spin: the accept's caller"
fz --fault=accept:EMFILE@1 --out="$TMP/aone" -- "$T/net_nofile" spin
assert_rc 0
fz --fault=accept:exhaust@1 --out="$TMP/areserve" -- "$T/net_nofile" reserve
assert_rc 0
assert_eq "served, shed 1" "$(cat "$TMP/areserve/run/stdout")" "accept reserve: stdout"
assert_eq 1 "$(jq -s '[.[] | .faults[] | select(.fault == "exhaust")] | length' \
	"$TMP/areserve/runs.jsonl")" "accept reserve: exhaust injected"
# Pinned only there: a campaign does not plan it.
fz --inject=net --out="$TMP/aplan" -- "$T/net_nofile" reserve
jq -se '[.[] | .faults[] | select(.fault == "exhaust")] | length == 0' "$TMP/aplan/runs.jsonl" \
	>/dev/null || fail "net campaign planned exhaust"

assert_no_stray fs_nofile net_nofile
exit 0
