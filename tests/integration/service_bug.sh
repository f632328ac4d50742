#!/bin/bash
# Service mode: fzsandbox starts service_bug, waits for listen(), sends the
# request files, stops it with SIGTERM; the SET handler's unchecked malloc
# must show up as a finding in handle_set.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

fz --inject=io,alloc --request="$SRC/tests/targets/requests" --out="$OUT" \
	-- "$T/service_bug" --port 0
assert_finding_in handle_set
sel=$(finding_with handle_set)
assert_eq signal "$(jqr "$sel | .[0].kind")" "kind"
assert_eq SIGSEGV "$(jqr "$sel | .[0].signal_name")" "signal_name"
assert_eq malloc "$(jqr "$sel | .[0].faults[0].call")" "faults[0].call"
# The service stops cleanly on SIGTERM: no hang findings.
assert_eq 0 "$(jqr '[.findings[] | select(.kind == "hang")] | length')" "hang findings"
assert_no_stray service_bug

# A service that ignores fzsandbox's SIGTERM ends by --grace and SIGKILL:
# no finding, even when the grace outlasts --timeout.
fz --inject=io --max-runs=3 --timeout=2s --grace=3s --setenv=FZ_TEST_IGNORE_TERM=1 \
	--request="$SRC/tests/targets/requests" --out="$OUT.ignterm" -- "$T/service_bug" --port 0
assert_rc 0
assert_eq 0 "$(jqr '.findings | length' "$OUT.ignterm/report.json")" "findings of an ignored SIGTERM"

# A service that never listens was never tested: exit 2, not "0 findings".
fz --request="$SRC/tests/targets/requests" --out="$OUT.nolisten" -- "$T/service_bug" --bogus
assert_rc 2
grep -q "never listened" "$TMP/fz.stderr" || fail "no 'never listened' message"
assert_no_stray service_bug
