#!/bin/bash
# fzsandbox doctor (issue 15): here, where the suite runs, everything a
# campaign needs is there (exit 0, every needed check "ok"); inside the
# jail, which denies ptrace and new user namespaces, it says so with the
# line that fixes each, and exits 2; a stray argument is exit 2.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

fz doctor
assert_rc 0
for c in ptrace seccomp "user namespaces" "jail namespaces" /proc; do
	grep -q "^ok  *$c " "$TMP/fz.stdout" || fail "doctor: '$c' not ok: $(cat "$TMP/fz.stdout")"
done
[ "$(grep -c '^\(ok\|FAIL\|note\) ' "$TMP/fz.stdout")" -ge 8 ] || fail "doctor: fewer than 8 checks"

# In the jail (its policy denies ptrace and unshare/clone of namespaces).
fz --inject=none -- "$FZ" doctor
assert_rc 2
grep -q "^FAIL  *ptrace " "$TMP/fz.stdout" || fail "jailed doctor: ptrace not FAIL: $(cat "$TMP/fz.stdout")"
grep -q "^FAIL  *user namespaces " "$TMP/fz.stdout" || fail "jailed doctor: user namespaces not FAIL"
[ "$(grep -c ' fix: ' "$TMP/fz.stdout")" -ge 2 ] || fail "jailed doctor: no fix lines"
grep -q "^fzsandbox cannot run a default campaign here: " "$TMP/fz.stdout" ||
	fail "jailed doctor: no verdict line"

fz doctor --bogus
assert_rc 2
grep -q "unexpected argument '--bogus'" "$TMP/fz.stderr" || fail "doctor --bogus: $(cat "$TMP/fz.stderr")"
exit 0
