#!/bin/bash
# Services that die, and why (issue 11): a clean run that does not serve
# every request is a note with how it ended and its stderr's last lines,
# and its findings are marked; a service that never listened says why in
# its own words; one that never replies has its timeouts counted; the
# driver's counts are in report.json and runs.jsonl; --show-replies shows
# what the service answered.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

REQ=$SRC/tests/targets/requests

# 1. Exits 0 right after listen() (lighttpd without its error log): a
# note with the status and its stderr; the fault runs' findings (the
# unchecked malloc in load_config) are marked as against a service that
# never served.
fz --inject=alloc --request="$REQ" --out="$OUT" -- "$T/svc_die" exit0
assert_rc 1
grep -q "^fzsandbox: note: the run without faults served 0 of 2 requests" "$TMP/fz.stderr" ||
	fail "no note for a clean run that served nothing"
grep -q "exited with status 0 on its own" "$TMP/fz.stderr" || fail "the note does not say it exited 0"
grep -q "stderr ends: .*opening errorlog '/var/log/svc_die/error.log' failed" "$TMP/fz.stderr" ||
	fail "the note does not show the service's stderr"
assert_finding_in load_config
assert_eq false "$(jqr '.service.clean.served')" "service.clean.served"
assert_eq true "$(jqr '.service.clean.listened')" "service.clean.listened"
assert_eq true "$(jqr '.service.clean.exited')" "service.clean.exited"
assert_eq 0 "$(jqr '.service.clean.exit_status')" "service.clean.exit_status"
assert_eq 0 "$(jqr '.service.clean.replied')" "service.clean.replied"
assert_eq 2 "$(jqr '.service.clean.requests')" "service.clean.requests"
assert_eq "$(jqr '.findings | length')" "$(jqr '[.findings[] | select(.clean_run_served == false)] | length')" \
	"findings marked clean_run_served false"
grep -q "note: the run without faults did not serve (0 of 2 requests replied)" "$TMP/fz.stderr" ||
	fail "the finding's text is not marked"
assert_eq "$(jqr '.runs')" "$(jqr '.service.totals.runs')" "service.totals.runs"
n=$(jq -r 'select(.service.requests == 2) | .run' "$OUT/runs.jsonl" | wc -l)
assert_eq "$(jqr '.runs')" "$n" "runs.jsonl lines with the driver's counts"
assert_no_stray svc_die

# 2. Exits 64 before listen(), saying why on stderr: exit 2, one line
# that carries the service's own message.
fz --request="$REQ" --out="$OUT.usage" -- "$T/svc_die" bogus
assert_rc 2
[ "$(wc -l <"$TMP/fz.stderr")" = 1 ] || fail "never listened: want one stderr line"
grep -q "never listened (it exited with status 64; its stderr ends: .*unknown mode 'bogus'" \
	"$TMP/fz.stderr" || fail "never listened: the service's stderr is not shown"

# 3. Listens and never replies: every request times out; a note with the
# counts; report.json and runs.jsonl count the timeouts.
fz --inject=io --max-runs=1 --reply-timeout=300ms --request="$REQ" --out="$OUT.mute" \
	-- "$T/svc_die" mute
assert_rc 0
grep -q "^fzsandbox: note: the run without faults served 0 of 2 requests (2 sent, 0 replied, 2 timed out after --reply-timeout=300ms); it was still running" \
	"$TMP/fz.stderr" || fail "no note with the timeouts"
assert_eq 2 "$(jqr '.service.clean.timeouts' "$OUT.mute/report.json")" "service.clean.timeouts"
assert_eq false "$(jqr '.service.clean.exited' "$OUT.mute/report.json")" "service.clean.exited (stopped)"
assert_eq null "$(jqr '.service.clean.exit_status' "$OUT.mute/report.json")" "service.clean.exit_status"
assert_eq 2 "$(jq -r 'select(.run == 0) | .service.timeouts' "$OUT.mute/runs.jsonl")" \
	"runs.jsonl timeouts of run 0"
assert_no_stray svc_die

# 4. A service that serves: no note, served, findings not marked;
# --show-replies prints what it answered.
fz --inject=io --max-runs=1 --show-replies --request="$REQ" --out="$OUT.ok" \
	-- "$T/service_bug" --port 0
assert_rc 0
grep -q "served .* of .* requests" "$TMP/fz.stderr" && fail "a note for a service that served"
assert_eq true "$(jqr '.service.clean.served' "$OUT.ok/report.json")" "service.clean.served"
assert_eq 2 "$(jqr '.service.clean.replied' "$OUT.ok/report.json")" "service.clean.replied"
grep -q "^fzsandbox: reply 1 (.*get.txt): replied, [0-9]* bytes: '.*\\\\n" "$TMP/fz.stderr" ||
	fail "--show-replies: no escaped reply to get.txt"
grep -q "^fzsandbox: reply 2 (.*set.txt): replied, [0-9]* bytes: 'OK\\\\n" "$TMP/fz.stderr" ||
	fail "--show-replies: no 'OK' reply to set.txt"
# Without a service: no "service" object, no mark.
fz --inject=io --max-runs=1 --out="$OUT.batch" -- "$T/robust"
assert_eq null "$(jqr '.service' "$OUT.batch/report.json")" "service outside service mode"
assert_no_stray service_bug
