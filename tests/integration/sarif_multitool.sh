#!/bin/bash
# report.sarif passes Microsoft's SARIF multitool (the SARIF 2.1.0 schema
# and its rules), for a campaign and for a merge of shards (issue 15).
# ./quickstart check installs the multitool from npm; without it this test
# is skipped, saying so.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

MT=${FZ_SARIF_MULTITOOL:-${XDG_CACHE_HOME:-$HOME/.cache}/fzsandbox-tools/node_modules/.bin/sarif-multitool}
[ -x "$MT" ] || skip "SARIF multitool not installed ($MT; ./quickstart check installs it from npm)"

ROOT=$(cd "$SRC" && pwd -P)
P=$T/shard_bugs
fz --inject=alloc --format=sarif --source-root="$ROOT" --out="$TMP/o" -- "$P"
assert_rc 1
S=$TMP/o/report.sarif
[ -f "$S" ] || fatal "no report.sarif"
for k in 0 1; do
	fz --inject=alloc --shard=$k/2 --format=json --out="$TMP/s$k" -- "$P"
done
fz merge --format=sarif --source-root="$ROOT" --out="$TMP/m" "$TMP/s0" "$TMP/s1"
assert_rc 1

# It exits 0 whatever it finds: its own log is read. A file with a
# property the schema does not allow shows that it does check.
validate() {	# file -> number of errors in the validator's log
	rm -f "$TMP/val.sarif"
	DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 timeout 120 "$MT" validate "$1" -o "$TMP/val.sarif" \
		>"$TMP/val.out" 2>&1
	[ -f "$TMP/val.sarif" ] || { fail "the multitool wrote no log: $(cat "$TMP/val.out")"; echo 1; return; }
	jq '[.runs[].results[]? | select(.level == "error")] | length' "$TMP/val.sarif"
}
jq '. + {bogusTop: 1}' "$S" >"$TMP/planted.sarif"
[ "$(validate "$TMP/planted.sarif")" -gt 0 ] || fail "the multitool accepted a planted error"
assert_eq 0 "$(validate "$S")" "multitool errors on report.sarif ($(grep -i error "$TMP/val.out" | head -3))"
assert_eq 0 "$(validate "$TMP/m/report.sarif")" "multitool errors on the merged report.sarif"
exit 0
