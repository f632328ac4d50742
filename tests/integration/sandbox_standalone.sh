#!/bin/bash
# --inject=none: the program once, no fault, its stdin/stdout/stderr
# fzsandbox's own, and its own exit status passed through (128+N on signal
# N, 124 at --timeout); fzsandbox's failures exit 125, a program that
# cannot be executed 126, one that is not found 127 (as env(1)). A crash is
# reported on stderr and in --out. With and without --sandbox.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

chmod 755 "$TMP" || fatal "chmod $TMP"
jail=
if fz --sandbox --inject=none -- /bin/true && [ "$rc" = 0 ]; then
	jail=--sandbox
fi

for sb in --no-sandbox $jail; do
	what="--inject=none${sb:+ $sb}"
	# stdout/stderr passed through, the program's status.
	fz $sb --inject=none -- /bin/sh -c 'echo out; echo err >&2; exit 3'
	assert_rc 3
	assert_eq out "$(cat "$TMP/fz.stdout")" "$what: stdout"
	assert_eq err "$(cat "$TMP/fz.stderr")" "$what: stderr (nothing of fzsandbox's)"
	[ ! -e "$TMP/fzsandbox-out" ] || fail "$what: a report directory without --out or a finding"
	# stdin passed through (fz gives /dev/null: use a pipe here).
	out=$(cd "$TMP" && echo piped | "$FZ" $sb --inject=none -- /bin/cat) ||
		fail "$what: cat through fzsandbox failed"
	assert_eq piped "$out" "$what: stdin"
	# A signal: 128+N, and the crash reported on stderr and in --out.
	fz $sb --inject=none --out="$OUT" -- /bin/sh -c 'kill -SEGV $$'
	assert_rc 139
	grep -q "signal SIGSEGV" "$TMP/fz.stderr" || fail "$what: the crash is not reported on stderr"
	assert_eq signal "$(jqr '.findings[0].kind')" "$what: finding in report.json"
	rm -rf "$OUT"
	# A clean run with --out writes a report without findings.
	fz $sb --inject=none --out="$OUT" -- /bin/true
	assert_rc 0
	assert_eq 0 "$(jqr '.findings | length')" "$what: findings of a clean run"
	# --timeout: 124 (timeout(1)'s status), reported as a hang.
	fz $sb --inject=none --timeout=300ms --out="$OUT" -- /bin/sleep 10
	assert_rc 124
	assert_eq hang "$(jqr '.findings[0].kind')" "$what: --timeout finding"
	# Not found, not executable.
	fz $sb --inject=none -- "$TMP/does-not-exist"
	assert_rc 127
	fz $sb --inject=none -- no-such-program-fzsandbox
	assert_rc 127
	printf 'data\n' >"$TMP/not-exec" && chmod 644 "$TMP/not-exec"
	fz $sb --inject=none -- "$TMP/not-exec"
	assert_rc 126
	# fzsandbox's own failures: 125, even for a usage error anywhere on
	# the line, and whatever --inject=none's position.
	fz $sb --bogus-option --inject=none -- /bin/true
	assert_rc 125
	fz $sb --inject=none --timeout=soon -- /bin/true
	assert_rc 125
	grep -q "bad duration 'soon'" "$TMP/fz.stderr" || fail "$what: no line naming the bad value"
	fz $sb --inject=none --fault=read:EIO -- /bin/true
	assert_rc 125
	fz $sb --inject=none --stdin=/nonexistent -- /bin/true
	assert_rc 125
done

# A campaign keeps its codes: a usage error is 2, --violation-exit is only
# for --inject=none.
fz --bogus-option -- /bin/true
assert_rc 2
fz --inject=io --violation-exit=3 -- /bin/true
assert_rc 2
fz --inject=none --violation-exit=300 -- /bin/true
assert_rc 125
# --violation-exit does not change a run without a violation.
fz --inject=none --violation-exit=99 -- /bin/sh -c 'exit 4'
assert_rc 4

# --violation-exit=N: a run that makes a call the jail's policy denies.
if [ -n "$jail" ]; then
	fz --sandbox --inject=none --violation-exit=42 --out="$OUT" -- /bin/sh -c 'unshare -U true; exit 0'
	assert_rc 42
	assert_eq sandbox-violation "$(jqr '.findings[0].kind')" "violation finding"
	grep -q "sandbox violation unshare" "$TMP/fz.stderr" || fail "the violation is not on stderr"
	# Without --violation-exit the program's own status.
	fz --sandbox --inject=none -- /bin/sh -c 'unshare -U true; exit 5'
	assert_rc 5
fi

# An --out that cannot be written is an error before the program runs (its
# status would otherwise be lost to the report afterwards).
: >"$TMP/out-is-a-file"
fz --inject=none --out="$TMP/out-is-a-file" -- /bin/sh -c 'echo ran'
assert_rc 125
assert_eq "" "$(cat "$TMP/fz.stdout")" "the program's output with an unwritable --out"
grep -q "^fzsandbox: --out: cannot write to '$TMP/out-is-a-file'" "$TMP/fz.stderr" ||
	fail "no line naming the unwritable --out"
# The same for a campaign (exit 2), naming --out itself.
fz --inject=io --out="$TMP/out-is-a-file" -- /bin/true
assert_rc 2
grep -q "^fzsandbox: --out: cannot write to '$TMP/out-is-a-file'" "$TMP/fz.stderr" ||
	fail "no line naming the unwritable --out of a campaign"

# Where user namespaces cannot be made, a one-shot run says so in one line
# and exits 125 as before, although it no longer probes before planning
# the jail (the plan or the jail's clone fails, then the probe says why).
if unshare --user --map-root-user true 2>/dev/null; then
	(cd "$TMP" && unshare --user --map-root-user sh -c \
		'echo 0 >/proc/sys/user/max_user_namespaces && exec "$0" --inject=none -- /bin/sh -c "echo ran"' \
		"$FZ") >"$TMP/fz.stdout" 2>"$TMP/fz.stderr"
	rc=$?
	assert_rc 125
	assert_eq "" "$(cat "$TMP/fz.stdout")" "the program's output without user namespaces"
	assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "lines on stderr without user namespaces (one-shot)"
	grep -q "^fzsandbox: sandbox: cannot create a user namespace: .*max_user_namespaces.*--no-sandbox" \
		"$TMP/fz.stderr" || fail "one-shot: no line saying how to enable user namespaces: $(cat "$TMP/fz.stderr")"
fi
