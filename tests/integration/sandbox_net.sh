#!/bin/bash
# --net=loopback (the jail's default: its own namespace, lo up), none (its
# own namespace, lo down: not even 127.0.0.1) and host (no namespace).
# --net=none with service mode, and none/loopback without --sandbox, are
# usage errors.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

chmod 755 "$TMP" || fatal "chmod $TMP"
require_jail
command -v bash >/dev/null || skip "no bash for /dev/tcp"
BASH_BIN=$(command -v bash)
# What connecting to a closed port on 127.0.0.1 says, and the interfaces.
probe='exec 3<>/dev/tcp/127.0.0.1/1; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | sort | tr "\n" " "'
host_ifs=$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort | tr '\n' ' ')

net() {	# MODE: run the probe in the jail with --net=MODE
	fz --sandbox ${1:+--net=$1} --inject=none -- "$BASH_BIN" -c "$probe"
	assert_rc 0
}

net ""	# the default
grep -q "Connection refused" "$TMP/fz.stderr" || fail "default: loopback is not up"
assert_eq "lo " "$(cat "$TMP/fz.stdout")" "default: interfaces"
net loopback
grep -q "Connection refused" "$TMP/fz.stderr" || fail "loopback: lo is not up"
assert_eq "lo " "$(cat "$TMP/fz.stdout")" "loopback: interfaces"
net none
grep -q "Network is unreachable" "$TMP/fz.stderr" || fail "none: 127.0.0.1 is reachable"
assert_eq "lo " "$(cat "$TMP/fz.stdout")" "none: interfaces"
net host
grep -q "Connection refused" "$TMP/fz.stderr" || fail "host: no loopback"
assert_eq "$host_ifs" "$(cat "$TMP/fz.stdout")" "host: the host's interfaces"

# Service mode works with the host's network too (no socket made beside).
B=$TMP/bin
mkdir -m 755 "$B" && cp "$T/service_bug" "$B/" || fatal "cannot copy service_bug"
fz --sandbox --net=host --inject=alloc --max-runs=6 --out="$OUT" \
	--request="$SRC/tests/targets/requests" -- "$B/service_bug" --port 0
[ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "--net=host service campaign: exit $rc"
assert_eq 6 "$(jqr '.runs')" "--net=host service runs"

# A service on a unix socket: its path is the jail's (/tmp is the jail's
# own tmpfs, a relative path is under its cwd); the driver reaches it
# through /proc/PID/root or /proc/PID/cwd, with either network. The
# finding (handle_set's unchecked malloc) needs the requests delivered.
# Relative ones too through a symlink to an absolute path, and with "..".
ln -s /tmp "$TMP/rundir" || fatal "ln -s"
for sock in /tmp/fz-svc.sock rel.sock rundir/fz-svc2.sock "../$(basename "$TMP")/rel2.sock"; do
	for n in "" --net=host; do
		fz $n --inject=alloc --out="$OUT" --request="$SRC/tests/targets/requests" \
			-- "$B/service_bug" --unix "$sock"
		assert_rc 1
		assert_eq handle_set "$(jqr "$(top_frame '[.findings[]]') | .function")" \
			"unix socket $sock ${n:-(own network)}: top frame"
	done
done
[ -e /tmp/fz-svc.sock ] && fail "the jail's socket appeared in the host's /tmp"

# Usage errors.
fz --sandbox --net=none --request="$SRC/tests/targets/requests" -- "$B/service_bug" --port 0
assert_rc 2
grep -q -- "--net=none" "$TMP/fz.stderr" || fail "no line naming --net=none"
fz --sandbox --net=none --service -- /bin/true
assert_rc 2
fz --no-sandbox --net=none -- /bin/true
assert_rc 2
grep -q "needs the jail" "$TMP/fz.stderr" || fail "--net=none without the jail accepted"
fz --net=wifi --sandbox -- /bin/true
assert_rc 2
grep -q "'wifi'" "$TMP/fz.stderr" || fail "no line naming the bad value"
# --net=host without the jail is what a run has anyway.
fz --net=host --inject=none -- /bin/true
assert_rc 0
assert_no_stray service_bug
