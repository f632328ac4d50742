#!/bin/bash
# Daemons behave in the jail as outside (issue 10): real Debian daemons,
# started as root the way their packages start them, each run once in the
# default jail and once with --no-sandbox (fzsandbox --inject=none) by
# daemon_driver.sh, which gives each its own configuration in a temporary
# directory, listens on 127.0.0.1 only, sends the same requests, raises
# its limits (soft up to hard) and stops it with SIGTERM as root. Same
# replies, same exit, same stderr (timestamps and pids removed).
# memcached runs with -u memcache: it drops its groups and its user, which
# needs a range of ids mapped and CAP_SETUID/CAP_SETGID/CAP_KILL kept in
# the jail's user namespace; lighttpd and dnsmasq drop to www-data and
# nobody (65534, mapped only with the range). The one documented
# difference in stderr: the jail has no /var/tmp, which lighttpd names.
# A missing daemon is skipped (exit 77 at the end, the rest still run).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

[ "$(id -u)" = 0 ] || skip "the daemons start as root and drop privileges: run as root"
[ -x /usr/bin/python3 ] || skip "/usr/bin/python3 is missing (dnsmasq's query)"
require_jail
DRIVER=$SRC/tests/integration/daemon_driver.sh
missing=

# The jailed run has its own loopback; outside, a port unlikely to be taken.
host_port=$((20000 + RANDOM % 20000))

for d in memcached lighttpd dnsmasq redis-server; do
	case $d in
	memcached) pkg=memcached bin=/usr/bin/memcached ;;
	lighttpd) pkg=lighttpd bin=/usr/sbin/lighttpd ;;
	dnsmasq) pkg=dnsmasq-base bin=/usr/sbin/dnsmasq ;;
	redis-server) pkg=redis-server bin=/usr/bin/redis-server ;;
	esac
	if [ ! -x "$bin" ]; then
		missing="$missing $d (apt-get install $pkg)"
		continue
	fi
	fz --inject=none --timeout=60s --out="$OUT" -- /bin/bash "$DRIVER" "$d" 21000
	jrc=$rc
	cp "$TMP/fz.stdout" "$TMP/$d.jail.out"
	# fzsandbox's notes on what the jail refused are its own lines.
	grep -v -e "server.upload-dirs doesn't exist: /var/tmp$" -e "^fzsandbox: note: the jail refused " \
		"$TMP/fz.stderr" >"$TMP/$d.jail.err"
	# lighttpd's one jailed difference, no /var/tmp, is a lookup: a
	# campaign's clean run notes it (jail_refusals.sh), --inject=none's
	# one run does not stop at lookups (docs/jail.md).
	fz --no-sandbox --inject=none --timeout=60s --out="$OUT" -- /bin/bash "$DRIVER" "$d" "$host_port"
	assert_eq 0 "$jrc" "$d: the jailed driver's exit status"
	assert_eq 0 "$rc" "$d: the driver's exit status outside the jail"
	grep -q '^exit 0$' "$TMP/fz.stdout" || fail "$d outside the jail: did not exit 0 on SIGTERM"
	grep -q '^limits raised$' "$TMP/$d.jail.out" || fail "$d: limits not raised in the jail"
	diff -u "$TMP/fz.stdout" "$TMP/$d.jail.out" >"$TMP/diff" ||
		fail "$d: replies differ in the jail: $(cat "$TMP/diff")"
	diff -u "$TMP/fz.stderr" "$TMP/$d.jail.err" >"$TMP/diff" ||
		fail "$d: stderr differs in the jail: $(cat "$TMP/diff")"
done

# Each reply checked once (the same in both, compared above).
check_reply() {
	[ -f "$TMP/$1.jail.out" ] || return 0
	grep -q "$2" "$TMP/$1.jail.out" || fail "$1 in the jail: no '$2' in its replies"
}
check_reply memcached '^hello$'
check_reply lighttpd '^HTTP/1.0 200 OK$'
check_reply dnsmasq '^rcode 0 answers 1 A 10.0.0.1$'
check_reply redis-server '^+PONG$'
check_reply redis-server '^hello$'
assert_no_stray memcached lighttpd dnsmasq redis-server
[ -z "$missing" ] || skip "not installed:$missing"
