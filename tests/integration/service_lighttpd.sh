#!/bin/bash
# Debian's lighttpd with a server.errorlog it cannot open (issue 11): it
# listens, then exits at once ("Opening errorlog failed. Going down."),
# so no request is ever served. The campaign must say so, with its exit
# status and its own words, and mark whatever findings it has.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

LIGHTTPD=$(command -v lighttpd || echo /usr/sbin/lighttpd)
[ -x "$LIGHTTPD" ] || skip "lighttpd is not installed (apt-get install lighttpd)"
chmod 755 "$TMP" || fatal "chmod $TMP"
require_jail
mkdir -m 755 "$TMP/www" && echo hello >"$TMP/www/index.html" || fatal "cannot make the document root"
# The jail's own loopback: a fixed port cannot meet another test's.
cat >"$TMP/lighttpd.conf" <<CONF
server.document-root = "$TMP/www"
server.bind = "127.0.0.1"
server.port = 8089
server.errorlog = "/nonexistent-fzsandbox-dir/lighttpd/error.log"
CONF
chmod 644 "$TMP/lighttpd.conf"
printf 'GET /index.html HTTP/1.0\r\n\r\n' >"$TMP/get.txt"

fz --inject=alloc --max-runs=3 --request="$TMP/get.txt" --out="$OUT" \
	-- "$LIGHTTPD" -D -f "$TMP/lighttpd.conf"
[ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "exit status $rc, want 0 or 1"
grep -q "^fzsandbox: note: the run without faults served 0 of 1 requests" "$TMP/fz.stderr" ||
	fail "no note for a lighttpd that never served"
grep -q "exited with status 255 on its own" "$TMP/fz.stderr" || fail "the note has not lighttpd's status"
grep -q "stderr ends: .*Opening errorlog failed" "$TMP/fz.stderr" ||
	fail "the note does not show lighttpd's own message"
assert_eq false "$(jqr '.service.clean.served')" "service.clean.served"
assert_eq 255 "$(jqr '.service.clean.exit_status')" "service.clean.exit_status"
assert_eq 0 "$(jqr '[.findings[] | select(.clean_run_served != false)] | length')" \
	"findings not marked clean_run_served false"
assert_no_stray lighttpd
