#!/bin/bash
# Correct programs that fzsandbox once reported because it injected what
# the kernel or glibc cannot produce (signals from other processes, a
# failed realloc shrink, EAGAIN at end of file, a fake SIGCHLD, glibc's own
# pthread_exit abort, a split atomic pipe message, a re-raised delivered
# SIGINT, EAGAIN on a write that partly fits, a pipeline writer ending by
# SIGPIPE, which needs SIGPIPE at its default, not fzsandbox's ignore):
# zero findings each,
# while faults were still injected into them.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

for mode in kidkill rshrink eof_drain sigchld pexit atomic_msg reraise part_write pipe_head writev_loop; do
	"$T/fidelity" "$mode" || fail "$mode: the program itself fails without fzsandbox"
	fz --inject=io,alloc --timeout=10s --out="$OUT.$mode" -- "$T/fidelity" "$mode"
	n=$(jqr '.findings | length' "$OUT.$mode/report.json")
	if [ "$rc" != 0 ] || [ "$n" != 0 ]; then
		fail "$mode: exit $rc, $n findings: $(jqr '[.findings[] | .kind + " " + (.signal_name // "") + " " + (.faults[0].call // "") + " " + (.faults[0].fault // "")] | join("; ")' "$OUT.$mode/report.json")"
	fi
	# Under fzsandbox, unfaulted, the program behaves as it does outside.
	clean=$(jq -r 'select(.run == 0) | .outcome' "$OUT.$mode/runs.jsonl")
	assert_eq "exit 0" "$clean" "$mode: clean run outcome"
	inj=$(jqr '[.faults_injected[]] | add // 0' "$OUT.$mode/report.json")
	[ "$inj" -gt 0 ] || fail "$mode: no fault was injected at all"
done
# writev_loop's vector calls really were cut short, and the bytes stayed exact.
for call in writev readv; do
	grep -q "\"call\":\"$call\",\"fault\":\"short=" "$OUT.writev_loop/runs.jsonl" ||
		fail "writev_loop: no short $call was injected"
done
# reraise really got an EINTR with its SIGINT delivered, and died of it.
grep -q '"fault":"EINTR".*"outcome":"exit 130"' "$OUT.reraise/runs.jsonl" ||
	fail "reraise: no run injected EINTR and died of the delivered SIGINT"
# The realloc shrink and realloc(p, 0) are not published as sites.
assert_eq 0 "$(jqr '[.sites[] | select(.call == "realloc")] | length' "$OUT.rshrink/report.json")" \
	"rshrink: realloc sites"
assert_no_stray fidelity
