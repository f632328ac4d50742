#!/bin/bash
# The target's environment: --setenv, --unsetenv and --clear-env, the
# ASAN_OPTIONS fzsandbox always adds (detect_leaks=0: LeakSanitizer cannot
# run under ptrace), the env array of report.json that replays reuse, and
# a malformed --setenv rejected with exit 2 and one line.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

ENV=/usr/bin/env
[ -x "$ENV" ] || skip "no $ENV"

# Inherited variables the options below change.
export HOME=$TMP/home FZ_B=old ASAN_OPTIONS=verbosity=0

has_line() {	# FILE LINE
	grep -qxF -- "$2" "$1"
}

# --- --setenv / --unsetenv on the inherited environment --------------------
out=$TMP/set
fz --inject=none --setenv=FZ_A=1 --setenv=FZ_B=new --setenv=FZ_C=x=y \
	--unsetenv=HOME --out="$out" -- "$ENV"
assert_rc 0
so=$TMP/fz.stdout	# --inject=none: the program's own stdout
[ -s "$so" ] || fail "no output of env in $so"
has_line "$so" FZ_A=1 || fail "FZ_A=1 not in the target's environment"
has_line "$so" FZ_C=x=y || fail "FZ_C=x=y (a value with '=') not in the target's environment"
assert_eq FZ_B=new "$(grep '^FZ_B=' "$so")" "FZ_B (--setenv over an inherited value)"
! grep -q '^HOME=' "$so" || fail "HOME is set after --unsetenv=HOME: $(grep '^HOME=' "$so")"
has_line "$so" "FZ_TEST_TAG=$TMP" || fail "inherited FZ_TEST_TAG not passed on"
# ASAN_OPTIONS: the inherited options kept, detect_leaks=0 added (once).
asan=$(grep '^ASAN_OPTIONS=' "$so")
assert_eq 1 "$(grep -c '^ASAN_OPTIONS=' "$so")" "ASAN_OPTIONS lines"
case ":${asan#ASAN_OPTIONS=}:" in
:verbosity=0:*) ;;
*) fail "ASAN_OPTIONS is '$asan', want the inherited verbosity=0 first" ;;
esac
case ":${asan#ASAN_OPTIONS=}:" in
*:detect_leaks=0:*) ;;
*) fail "ASAN_OPTIONS is '$asan', want detect_leaks=0 added" ;;
esac
# report.json records the environment the target got, for --replay.
rep=$out/report.json
assert_eq 1 "$(jqr '[.env[] | select(. == "FZ_A=1")] | length' "$rep")" "FZ_A=1 in report env"
assert_eq 1 "$(jqr '[.env[] | select(. == "FZ_B=new")] | length' "$rep")" "FZ_B=new in report env"
assert_eq 0 "$(jqr '[.env[] | select(startswith("HOME="))] | length' "$rep")" "HOME in report env"
assert_eq "$asan" "$(jqr '.env[] | select(startswith("ASAN_OPTIONS="))' "$rep")" \
	"ASAN_OPTIONS in report env"

# --- --clear-env: only what --setenv gives, plus ASAN_OPTIONS --------------
out=$TMP/clear
fz --inject=none --clear-env --setenv=ONLY=1 --out="$out" -- "$ENV"
assert_rc 0
so=$TMP/fz.stdout	# --inject=none: the program's own stdout
has_line "$so" ONLY=1 || fail "ONLY=1 not in the target's environment"
! grep -q '^PATH=' "$so" || fail "PATH is set after --clear-env"
! grep -q '^FZ_B=' "$so" || fail "FZ_B is set after --clear-env"
assert_eq "ASAN_OPTIONS=detect_leaks=0" "$(grep -o '^ASAN_OPTIONS=detect_leaks=0' "$so")" \
	"ASAN_OPTIONS after --clear-env"
assert_eq 2 "$(grep -c . "$so")" "variables after --clear-env --setenv=ONLY=1"
assert_eq '["ONLY=1"]' "$(jqr '[.env[] | select(startswith("ASAN_OPTIONS=") | not)] | tojson' "$out/report.json")" \
	"report env after --clear-env"

# --- malformed --setenv: a usage error, one line, nothing run --------------
out=$TMP/bad
fz --setenv=novalue --out="$out" -- "$ENV"
assert_rc 2
assert_eq 1 "$(grep -c . "$TMP/fz.stderr")" "lines on stderr for --setenv=novalue"
grep -q -- '--setenv' "$TMP/fz.stderr" || fail "the error does not name --setenv"
grep -q novalue "$TMP/fz.stderr" || fail "the error does not quote 'novalue'"
[ ! -s "$TMP/fz.stdout" ] || fail "output on stdout for a usage error"
[ ! -e "$out/report.json" ] || fail "a report was written for a usage error"
