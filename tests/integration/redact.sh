#!/bin/bash
# --redact=REGEX (issue 15): a secret in the program's arguments, in its
# environment (--setenv) and in what it prints is masked as [REDACTED]
# everywhere fzsandbox writes: its own stdout/stderr, report.json,
# runs.jsonl, SARIF, JUnit, the store, the findings' and the last run's
# output, a merge of shards. The values as they were stay only in
# OUT/.unredacted.json (mode 0600), so --replay still reproduces; without
# it a masked variable comes from the environment, and what cannot be
# unmasked is an exit-2 line. A bad expression is exit 2 with one line.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

P=$T/redact_leak
SECRET=s3cr3t-TOKEN-123
RE='s3cr3t-[A-Z]+-[0-9]+'

# The secret nowhere in the given files and directories but the 0600
# file kept for replay.
no_secret() {
	local where=$1
	shift
	if grep -rlF --exclude=.unredacted.json -- "$SECRET" "$@" >"$TMP/leaks" 2>/dev/null; then
		fail "$where: the secret is in $(tr '\n' ' ' <"$TMP/leaks")"
		grep -rnF --exclude=.unredacted.json -- "$SECRET" "$@" | head -5 >&2
	fi
}

fz --redact="$RE" --setenv=API_TOKEN=$SECRET --inject=alloc --format=text,json,sarif,junit \
	--store="$TMP/store" --out="$OUT" -- "$P" "$SECRET"
assert_rc 1
R=$OUT/report.json
[ -f "$R" ] || fatal "no report.json"
for f in report.sarif junit.xml runs.jsonl findings/1/stderr findings/1/stdout run/stderr; do
	[ -f "$OUT/$f" ] || fail "no $f"
done
no_secret "campaign" "$OUT" "$TMP/store" "$TMP/fz.stdout" "$TMP/fz.stderr"
assert_eq true "$(jqr .redacted "$R")" "report.json: redacted"
assert_eq "[REDACTED]" "$(jqr '.argv[1]' "$R")" "report.json: argv[1]"
jqr '.env[]' "$R" | grep -qx 'API_TOKEN=\[REDACTED\]' || fail "report.json: env not masked"
grep -q 'connecting with token \[REDACTED\] (env \[REDACTED\])' "$OUT/findings/1/stderr" ||
	fail "findings/1/stderr: not masked"
grep -qF '[REDACTED]' "$TMP/fz.stderr" || fail "the summary on stderr: no [REDACTED]"
grep -qF '[REDACTED]' "$TMP"/store/*.json || fail "the store: no [REDACTED]"
# The finding itself is intact: its crash in copy_token.
jqr '.findings[0].frames[].function' "$R" | grep -qx copy_token || fail "finding: no copy_token"

# The values as they were, for the owner only.
U=$OUT/.unredacted.json
[ -f "$U" ] || fatal "no .unredacted.json"
assert_eq 600 "$(stat -c %a "$U")" ".unredacted.json mode"
assert_eq "$SECRET" "$(jqr '.argv[1]' "$U")" ".unredacted.json argv[1]"

# --replay runs the program as it was, and masks its own output too.
fz --replay="$R#1" --out="$TMP/r1"
assert_rc 1
grep -q "reproduced 1 of 1" "$TMP/fz.stderr" || fail "replay did not reproduce"
no_secret "replay" "$TMP/r1" "$TMP/fz.stdout" "$TMP/fz.stderr"

# Without .unredacted.json a masked argument cannot be replayed: one line.
mv "$U" "$TMP/saved-unredacted"
fz --replay="$R#1" --out="$TMP/r2"
assert_rc 2
assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "replay without .unredacted.json: stderr lines"
grep -q "argument 1 was masked" "$TMP/fz.stderr" || fail "replay: no reason given"
mv "$TMP/saved-unredacted" "$U"

# A secret only in the environment: without .unredacted.json the replay
# takes it from its own environment (as CI sets it again), else refuses.
E=$TMP/envonly
fz --redact="$RE" --inject=alloc --setenv=API_TOKEN=$SECRET --out="$E" -- "$P" public
assert_rc 1
no_secret "env-only campaign" "$E" "$TMP/fz.stderr"
rm -f "$E/.unredacted.json"
fz --replay="$E/report.json#1" --out="$TMP/r3"
assert_rc 2
grep -q "set API_TOKEN in the environment" "$TMP/fz.stderr" || fail "replay: no variable named"
API_TOKEN=$SECRET fz --replay="$E/report.json#1" --out="$TMP/r3"
assert_rc 1
grep -q "reproduced 1 of 1" "$TMP/fz.stderr" || fail "replay from the environment: not reproduced"
no_secret "replay from the environment" "$TMP/r3" "$TMP/fz.stderr"

# Shards and their merge: nothing unmasked comes back, and the merged
# report replays (its .unredacted.json copied from a shard's).
for k in 0 1; do
	fz --redact="$RE" --setenv=API_TOKEN=$SECRET --inject=alloc --shard=$k/2 --out="$TMP/s$k" \
		-- "$P" "$SECRET"
	[ "$rc" -le 1 ] || fail "shard $k: exit $rc"
done
fz merge --format=text,json,sarif,junit --store="$TMP/mstore" --out="$TMP/m" "$TMP/s0" "$TMP/s1"
assert_rc 1
no_secret "merge" "$TMP/m" "$TMP/mstore" "$TMP/fz.stdout" "$TMP/fz.stderr"
assert_eq 600 "$(stat -c %a "$TMP/m/.unredacted.json")" "merged .unredacted.json mode"
fz --replay="$TMP/m/report.json#1" --out="$TMP/r4"
assert_rc 1

# --inject=none passes the program's output through: masked as well.
fz --redact="$RE" --inject=none -- "$P" "$SECRET"
assert_rc 0
grep -qx 'token \[REDACTED\]' "$TMP/fz.stdout" || fail "--inject=none: stdout not masked"
grep -qF 'connecting with token [REDACTED]' "$TMP/fz.stderr" || fail "--inject=none: stderr not masked"
no_secret "--inject=none" "$TMP/fz.stdout" "$TMP/fz.stderr"

# A bad expression: exit 2, one line naming it and what is wrong.
fz --redact='(' -- "$P"
assert_rc 2
assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "bad --redact: stderr lines"
grep -q -- "--redact=(: bad regular expression: " "$TMP/fz.stderr" || fail "bad --redact: message"
printf 'redact = %s\nredact = a[\n' "$RE" >"$TMP/bad.conf"
fz --config="$TMP/bad.conf" -- "$P"
assert_rc 2
assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "bad redact in --config: stderr lines"
grep -q "bad.conf:2: --redact=a\[: bad regular expression" "$TMP/fz.stderr" ||
	fail "bad redact in --config: message"
exit 0
