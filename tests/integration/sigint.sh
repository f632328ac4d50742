#!/bin/bash
# SIGINT stops a campaign: exit 130, a report is still written, and the
# target is not left behind.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

# Job control: a background job of a non-interactive shell would start with
# SIGINT ignored.
set -m
cd "$TMP" || fatal "cd $TMP"
"$FZ" --timeout=30s --out="$OUT" -- "$T/spin" >"$TMP/fz.stdout" 2>"$TMP/fz.stderr" </dev/null &
fzpid=$!

# Wait until the target runs (not a fixed sleep), at most 20 s.
found=
for _ in $(seq 1 200); do
	for pid in $(pgrep -x spin); do
		is_ours "$pid" && found=$pid
	done
	[ -n "$found" ] && break
	kill -0 "$fzpid" 2>/dev/null || break
	sleep 0.1
done
[ -n "$found" ] || { kill -KILL "$fzpid" 2>/dev/null; fatal "spin never started"; }

kill -INT "$fzpid"
wait "$fzpid"
rc=$?
assert_rc 130
[ -f "$OUT/report.json" ] || fail "no report.json after SIGINT"
jq -e . "$OUT/report.json" >/dev/null || fail "report.json is not valid JSON"
assert_no_stray spin
