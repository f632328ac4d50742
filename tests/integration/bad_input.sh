#!/bin/bash
# Usage and environment errors: exit 2 and exactly one stderr line that
# starts with "fzsandbox: " and names what was wrong; nothing left running.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

# expect_usage_error TOKEN ARGS...: TOKEN must appear in the message.
expect_usage_error() {
	local token=$1 lines
	shift
	fz "$@"
	[ "$rc" = 2 ] || fail "fzsandbox $*: exit $rc, want 2"
	lines=$(wc -l <"$TMP/fz.stderr")
	[ "$lines" = 1 ] || fail "fzsandbox $*: $lines stderr lines, want 1"
	grep -q '^fzsandbox: ' "$TMP/fz.stderr" || fail "fzsandbox $*: message does not start with 'fzsandbox: '"
	grep -qF -- "$token" "$TMP/fz.stderr" || fail "fzsandbox $*: message does not mention '$token'"
}

expect_usage_error bogus --inject=bogus --out="$OUT" -- "$T/unchecked_malloc"
expect_usage_error short=x --fault=read:short=x --out="$OUT" -- "$T/unchecked_malloc"
expect_usage_error abc --timeout=abc --out="$OUT" -- "$T/unchecked_malloc"
# Every duration needs its unit (issue 11): a bare number is refused, by
# each duration option and in a --config file alike.
for opt in --budget --timeout --grace --reply-timeout; do
	expect_usage_error "no unit" "$opt=90" --out="$OUT" -- "$T/unchecked_malloc"
done
printf 'budget = 90\n' >"$TMP/bare.conf"
expect_usage_error "no unit" --config="$TMP/bare.conf" --out="$OUT" -- "$T/unchecked_malloc"
expect_usage_error "$TMP/no-such-program" --out="$OUT" -- "$TMP/no-such-program"

printf '#!/bin/sh\nexit 0\n' >"$TMP/not-executable"
chmod 644 "$TMP/not-executable"
expect_usage_error "$TMP/not-executable" --out="$OUT" -- "$TMP/not-executable"

echo 'this is not JSON {' >"$TMP/garbage.json"
expect_usage_error "$TMP/garbage.json" --replay="$TMP/garbage.json#1" --out="$OUT"
expect_usage_error "$TMP/missing.json" --replay="$TMP/missing.json#1" --out="$OUT"

# A program before "--": the first word may be a subcommand (merge), so
# the program always comes after "--" (issue 15).
expect_usage_error "after '--'" --out="$OUT" "$T/unchecked_malloc"
expect_usage_error "after '--'" --inject=io merge

# No program at all: still one line.
fz --out="$OUT"
[ "$rc" = 2 ] || fail "no program: exit $rc, want 2"
[ "$(wc -l <"$TMP/fz.stderr")" = 1 ] || fail "no program: want one stderr line"

assert_no_stray unchecked_malloc
