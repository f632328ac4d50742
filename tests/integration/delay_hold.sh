#!/bin/bash
# Latency (issue 12, delay class): --fault=CALL:delay=DUR holds the
# calling thread at the call's entry for DUR, then lets the call run: the
# read returns what the kernel gives, DUR late, while a forked child that
# makes traced reads all along is served without a pause (the tracer
# never sleeps: its loop keeps going and releases the held thread at its
# tick). The held time moves the run's --timeout on (no hang of
# fzsandbox's making); bad durations and calls
# with no delay row exit 2.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

# "held read: R after MS ms" / "child: N reads, longest gap G ms"
held_ms() { sed -n 's/^held read: 1 after \([0-9]*\) ms$/\1/p' "$1"; }
gap_ms() { sed -n 's/^child: [0-9]* reads, longest gap \([0-9]*\) ms$/\1/p' "$1"; }

fz --timeout=2s --fault=read:delay=2s@caller=held_read --out="$TMP/held" -- "$T/delay_hold"
assert_rc 0
R=$TMP/held/report.json
assert_eq 0 "$(jqr '.findings | length' "$R")" "held: findings"
assert_eq "delay=2s" "$(jq -r '.faults[0].fault' "$TMP/held/runs.jsonl")" "held: the fault"
assert_eq "exit 0" "$(jq -r '.outcome' "$TMP/held/runs.jsonl")" "held: outcome (not a hang)"
ms=$(held_ms "$TMP/held/run/stdout")
gap=$(gap_ms "$TMP/held/run/stdout")
[ -n "$ms" ] && [ "$ms" -ge 1990 ] && [ "$ms" -lt 4000 ] ||
	fail "held: the read took '$ms' ms, not 2 s: $(cat "$TMP/held/run/stdout")"
# The child's reads stop at the tracer too: a tracer that waited out the
# delay would leave a 2 s gap.
[ -n "$gap" ] && [ "$gap" -lt 1000 ] ||
	fail "held: the child's longest gap was '$gap' ms: $(cat "$TMP/held/run/stdout")"

fz --fault=read:delay=1s@caller=held_read --out="$TMP/again" -- "$T/delay_hold"
assert_rc 0
ms=$(held_ms "$TMP/again/run/stdout")
[ -n "$ms" ] && [ "$ms" -ge 990 ] && [ "$ms" -lt 1900 ] ||
	fail "delay=1s: the read took '$ms' ms"

# Without the fault the read is immediate.
fz --fault=read:delay=1s@caller=no_such_function --out="$TMP/none" -- "$T/delay_hold"
ms=$(held_ms "$TMP/none/run/stdout")
[ -n "$ms" ] && [ "$ms" -lt 500 ] || fail "no delay: the read took '$ms' ms"

# Bad input: exit 2, one line.
for spec in read:delay=-1s read:delay=0s read:delay=2h read:delay=abc; do
	fz --fault="$spec" -- "$T/delay_hold"
	assert_rc 2
	grep -q "bad specification '$spec'" "$TMP/fz.stderr" || fail "$spec: $(cat "$TMP/fz.stderr")"
done
fz --fault=poll:delay=1s -- "$T/delay_hold"
assert_rc 2
grep -q "poll never fails with delay=1s" "$TMP/fz.stderr" || fail "poll:delay: $(cat "$TMP/fz.stderr")"

assert_no_stray delay_hold
exit 0
