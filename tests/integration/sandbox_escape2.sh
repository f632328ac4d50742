#!/bin/bash
# Issue 5's remaining escape attempts (tests/escape/), each with its
# control (the same attempt without the jail works, so a typo cannot pass)
# and the host side checked: a host TCP port and a host abstract unix
# socket (a listener the test starts, tests/escape/listen_once), the
# memory of a host process through /proc/PID/mem and killing a host
# process (a sacrificial sleep the test starts, never fzsandbox itself),
# descriptors fzsandbox's caller left open, and the size of the jail's
# tmpfs /tmp and /dev/shm (--tmp-size) and its read-only /dev. Run as the
# caller and, when the caller is root, again as nobody (setpriv) with
# fzsandbox itself unprivileged. Every fzsandbox goes through fz
# (tests/lib.sh: bounded by a timeout); every host-side helper is bounded
# by its own timeout and killed on exit.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

E=$top_builddir/tests/escape
PROGS="connect_host mem_tracer kill_host inherited_fd disk_fill sock_swap"
# shellcheck disable=SC2086 # PROGS is a word list
jail_bin $(printf "$E/%s " $PROGS)
NOJAIL=--no-sandbox

# Host-side helpers (listeners, sacrificial processes) still running at
# exit are killed: only ours (FZ_TEST_TAG in their environment, so a pid
# the shell already reaped and the kernel reused is left alone).
HELPERS=
stop_helpers() {
	local p

	for p in $HELPERS; do
		if is_ours "$p"; then
			kill -KILL "$p" 2>/dev/null
			wait "$p" 2>/dev/null
		fi
	done
}
at_exit stop_helpers

# jfz WHO ARGS...: fzsandbox as WHO through fz, with its own --out
# (writable by WHO); sets rc, JOUT and SAID (the program's standard output:
# --inject=none passes it through).
jfz() {
	local who=$1
	shift

	JOUT=$TMP/out-$who
	rm -rf "$JOUT" && mkdir -p "$JOUT" && chmod 777 "$JOUT" || fatal "cannot make $JOUT"
	fz_as "$who" --out="$JOUT" "$@"
	SAID=$(cat "$TMP/fz.stdout")
}

# verdict WHAT escaped|contained: the last run's program said so, with
# its exit status (42 escaped, 0 contained).
verdict() {
	local what=$1 want=$2

	if [ "$want" = escaped ]; then
		[ "$rc" = 42 ] && grep -q '^escaped' <<<"$SAID" ||
			fail "$what: the attempt should work here (exit $rc): '$SAID'"
	else
		[ "$rc" = 0 ] && grep -q '^contained' <<<"$SAID" && ! grep -q '^escaped' <<<"$SAID" ||
			fail "$what: not contained (exit $rc): '$SAID'"
	fi
}

# The first word after KEY in the program's "KEY VALUE..." line.
val() {
	sed -n "s/^$1 \([^ ]*\).*/\1/p" <<<"$SAID" | head -n 1
}

# listen tcp|unix NAME: a host listener (listen_once, at most 60 s) as the
# test's own user; sets LPID, LADDR (its port, or NAME) and LLOG.
listen() {
	local ready=$TMP/ready.$RANDOM i

	LLOG=$TMP/listen.$RANDOM
	"$E/listen_once" "$1" "$2" "$ready" 60 >"$LLOG" 2>&1 &
	LPID=$!
	HELPERS="$HELPERS $LPID"
	for i in $(seq 100); do
		[ -s "$ready" ] && break
		sleep 0.05
	done
	[ -s "$ready" ] || fatal "listen_once $1 did not start: $(cat "$LLOG")"
	LADDR=$(cat "$ready")
}

# listened WHAT yes|no: did the host listener accept a connection? (It
# exits after one; one that got none is killed.)
listened() {
	local what=$1 want=$2

	if [ "$want" = yes ]; then
		wait "$LPID"	# it accepted (the program read its greeting): exiting
		grep -qx accepted "$LLOG" || fail "$what: the host listener says '$(cat "$LLOG")'"
	else
		kill "$LPID" 2>/dev/null
		wait "$LPID" 2>/dev/null
		grep -q accepted "$LLOG" && fail "$what: the host listener accepted a connection"
	fi
	return 0
}

# alive PID: running (not gone, not a zombie).
alive() {
	local s

	s=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)
	[ -n "$s" ] && [ "$s" != Z ]
}

# victim WHO: a sacrificial host process owned by WHO (sleep, at most
# 120 s), once it runs as WHO; sets VPID.
victim() {
	local i

	# Not through as(): $! must be the sleep itself (setpriv execs it).
	if [ "$1" = nobody ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups sleep 120 &
	else
		sleep 120 &
	fi
	VPID=$!
	HELPERS="$HELPERS $VPID"
	for i in $(seq 100); do
		[ "$(cat "/proc/$VPID/comm" 2>/dev/null)" = sleep ] && return 0
		sleep 0.05
	done
	fatal "the sacrificial sleep did not start"
}

suite() {
	local who=$1 name i leak jail

	jfz "$who" --sandbox --inject=none -- /bin/true
	if [ "$rc" != 0 ]; then
		grep -q "user namespace" "$TMP/fz.stderr" && skip "as $who: $(cat "$TMP/fz.stderr")"
		fatal "as $who: --sandbox cannot run /bin/true (exit $rc)"
	fi

	# A host TCP port on 127.0.0.1: the jail's loopback is its own.
	# --net=host shares the host's network (the documented opt-out), so
	# there the attempt works again, from inside the jail.
	listen tcp -
	jfz "$who" $NOJAIL --inject=none -- "$B/connect_host" tcp "$LADDR"
	verdict "as $who, control: tcp" escaped
	listened "as $who, control: tcp" yes
	listen tcp -
	jfz "$who" --sandbox --inject=none -- "$B/connect_host" tcp "$LADDR"
	verdict "as $who: tcp" contained
	grep -q "Connection refused" <<<"$SAID" || fail "as $who: tcp: '$SAID'"
	listened "as $who: tcp" no
	listen tcp -
	jfz "$who" --sandbox --net=host --inject=none -- "$B/connect_host" tcp "$LADDR"
	verdict "as $who, --net=host: tcp" escaped
	listened "as $who, --net=host: tcp" yes

	# A host abstract unix socket: abstract names are per network
	# namespace (no file, no permission check to stop it otherwise).
	name=fzsandbox-test-$$-$who
	listen unix "$name"
	jfz "$who" $NOJAIL --inject=none -- "$B/connect_host" unix "$name"
	verdict "as $who, control: abstract unix" escaped
	listened "as $who, control: abstract unix" yes
	listen unix "$name"
	jfz "$who" --sandbox --inject=none -- "$B/connect_host" unix "$name"
	verdict "as $who: abstract unix" contained
	listened "as $who: abstract unix" no
	listen unix "$name"
	jfz "$who" --sandbox --net=host --inject=none -- "$B/connect_host" unix "$name"
	verdict "as $who, --net=host: abstract unix" escaped
	listened "as $who, --net=host: abstract unix" yes

	# /proc/PID/mem of a process outside the jail, owned by the same
	# host user as the jail (the control writes one byte back as it was).
	victim "$who"
	jfz "$who" $NOJAIL --inject=none --setenv=FZ_TRACER_PID="$VPID" -- "$B/mem_tracer"
	verdict "as $who, control: /proc/$VPID/mem" escaped
	alive "$VPID" || fail "as $who, control: the sacrificial process died of its own byte"
	jfz "$who" --sandbox --inject=none --setenv=FZ_TRACER_PID="$VPID" -- "$B/mem_tracer"
	verdict "as $who: host /proc/$VPID/mem" contained
	# Nor the jail's own init (pid 1 there, not dumpable).
	jfz "$who" --sandbox --inject=none --setenv=FZ_TRACER_PID=1 -- "$B/mem_tracer"
	verdict "as $who: the jail's init's /proc/1/mem" contained

	# See and kill that process: not visible from the jail, and still
	# running on the host afterwards; without the jail it dies.
	jfz "$who" --sandbox --inject=none --setenv=FZ_HOST_PID="$VPID" -- "$B/kill_host"
	verdict "as $who: kill host pid $VPID" contained
	grep -q "No such process" <<<"$SAID" || fail "as $who: kill host pid: '$SAID'"
	alive "$VPID" || fail "as $who: the host process died during the jailed run"
	jfz "$who" $NOJAIL --inject=none --setenv=FZ_HOST_PID="$VPID" -- "$B/kill_host"
	verdict "as $who, control: kill host pid $VPID" escaped
	for i in $(seq 100); do
		alive "$VPID" || break
		sleep 0.05
	done
	alive "$VPID" && fail "as $who, control: the host process is still running after SIGTERM"
	wait "$VPID"
	assert_eq 143 "$?" "as $who, control: the host process's status"

	# The jail's /tmp and /dev/shm are tmpfs of --tmp-size (64M by
	# default) each; 'unlimited' is the control. /dev is read-only.
	jfz "$who" --sandbox --inject=none --tmp-size=unlimited -- "$B/disk_fill" /tmp 80
	assert_eq "0 81920 cap" "$rc $(val wrote) $(val stopped)" "as $who, control: /tmp unlimited"
	jfz "$who" --sandbox --inject=none -- "$B/disk_fill" /tmp 80
	assert_eq "0 ENOSPC" "$rc $(val stopped)" "as $who: /tmp at its default size"
	[ "$(val wrote)" -gt 0 ] && [ "$(val wrote)" -le 65536 ] ||
		fail "as $who: wrote $(val wrote) KiB in /tmp, more than its default 64M"
	jfz "$who" --sandbox --inject=none --tmp-size=1M -- "$B/disk_fill" /tmp 8
	assert_eq "0 ENOSPC" "$rc $(val stopped)" "as $who: /tmp with --tmp-size=1M"
	[ "$(val wrote)" -le 1024 ] || fail "as $who: wrote $(val wrote) KiB in a 1M /tmp"
	jfz "$who" --sandbox --inject=none --tmp-size=1M -- "$B/disk_fill" /dev/shm 8
	assert_eq "0 ENOSPC" "$rc $(val stopped)" "as $who: /dev/shm with --tmp-size=1M"
	[ "$(val wrote)" -le 1024 ] || fail "as $who: wrote $(val wrote) KiB in a 1M /dev/shm"
	jfz "$who" --sandbox --inject=none -- "$B/disk_fill" /dev/shm 1
	assert_eq "0 1024 cap" "$rc $(val wrote) $(val stopped)" "as $who, control: /dev/shm"
	jfz "$who" --sandbox --inject=none -- "$B/disk_fill" /dev 1
	assert_rc 2
	grep -q "Read-only file system" "$TMP/fz.stderr" || fail "as $who: /dev is writable"

	# A descriptor the caller left open on a host file (9>>LEAK): with
	# --inject=none and no jail it is passed on, like env(1) (the
	# control); the jail and every campaign close it.
	leak=$TMP/leak-$who
	: >"$leak" && chmod 666 "$leak" || fatal "cannot make $leak"
	exec 9>>"$leak"
	jfz "$who" $NOJAIL --inject=none -- "$B/inherited_fd"
	verdict "as $who, control: inherited fd" escaped
	grep -qx "escaped fd 9" <<<"$SAID" || fail "as $who, control: fd 9 not written: '$SAID'"
	assert_eq fz-escape "$(cat "$leak")" "as $who, control: the host file"
	: >"$leak"
	jfz "$who" --sandbox --inject=none -- "$B/inherited_fd"
	verdict "as $who: inherited fd" contained
	assert_eq "fds 0 1 2" "$(grep '^fds' <<<"$SAID")" "as $who: the jailed program's descriptors"
	for jail in --sandbox $NOJAIL; do
		jfz "$who" $jail --inject=io --max-runs=3 -- "$B/inherited_fd"
		case "$rc" in 0 | 1) ;; *) fail "as $who, campaign $jail: exit $rc" ;; esac
	done
	exec 9>&-
	assert_eq "" "$(cat "$leak")" "as $who: the host file after the jail and the campaigns"
}

# --tmp-size: the jail's; a bad value names it; kept for replay.
fz --no-sandbox --tmp-size=1M -- /bin/true
assert_rc 2
grep -q "needs the jail" "$TMP/fz.stderr" || fail "--tmp-size without the jail accepted"
fz --sandbox --tmp-size=12Q -- /bin/true
assert_rc 2
grep -q "'12Q'" "$TMP/fz.stderr" || fail "--tmp-size=12Q: message does not name it"
fz --sandbox --tmp-size=1M --inject=alloc --max-runs=1 --out="$OUT" -- /bin/true
jqr '.options' | grep -q -- '--tmp-size=1048576' || fail "replay options lose --tmp-size"

# The service driver runs outside the jail (as root, as root): a jailed
# service that swaps its socket's name for a symlink to a host socket
# (sock_swap) must not get the driver to connect there. Control: without
# the jail the same name leads to the host socket, and the driver reaches
# it. The host listener waits 4 s (the service, 5 s at most, exits first).
swap() {	# JAIL HOW SOCK: RESULT is the host listener's verdict
	rm -f "$TMP/hostsock" "$TMP/hostsock.ready" "$TMP/swapsock"
	"$E/listen_once" path "$TMP/hostsock" "$TMP/hostsock.ready" 4 >"$TMP/swap.log" 2>&1 &
	HELPERS="$HELPERS $!"
	for _ in $(seq 50); do [ -s "$TMP/hostsock.ready" ] && break; sleep 0.1; done
	[ -s "$TMP/hostsock.ready" ] || fatal "listen_once path did not start: $(cat "$TMP/swap.log")"
	fz $1 --inject=io --max-runs=1 --out="$OUT" --request="$SRC/tests/targets/requests" \
		-- "$B/sock_swap" "$2" "$3" "$TMP/hostsock"
	wait "$!" 2>/dev/null
	RESULT=$(cat "$TMP/swap.log")
}
swap --no-sandbox symlink "$TMP/swapsock"
assert_eq accepted "$RESULT" "control: the driver follows the name to the host socket"
swap "" symlink /tmp/swapsock
assert_eq timeout "$RESULT" "the driver followed a jailed service's symlink to a host socket"
# The same with a hard link to a host socket the jail can see (in its
# working directory, TMP): the name is a socket, but not the service's.
swap --no-sandbox link "$TMP/swapsock"
assert_eq accepted "$RESULT" "control: the driver reaches the linked host socket"
swap "" link "$TMP/swapsock"
assert_eq timeout "$RESULT" "the driver reached a host socket linked at a jailed service's path"

suite self
if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null 2>&1 || skip "setpriv is not installed (util-linux)"
	suite nobody
fi
assert_no_stray $PROGS listen_once
