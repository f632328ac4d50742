#!/bin/bash
# The program's stdout and stderr are pipes its own user may open again
# (/dev/stdout, /dev/stderr: issue 10), relayed by fzsandbox into the
# run's captured files (a campaign) or to fzsandbox's own streams
# (--inject=none): nothing truncated, nothing lost, no deadlock past a
# pipe's 64 KiB; lighttpd logging to /dev/stderr serves.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

chmod 755 "$TMP" || fatal "chmod $TMP"
require_jail
# "first" went out on fd 1 before /dev/stdout was opened: a reopen of a
# captured file (O_TRUNC) would have wiped it.
reopen='echo first; echo hi > /dev/stderr; echo out > /dev/stdout'
want_out=$(printf 'first\nout')
# 3 MB and 1.5 MB: far past a pipe's 64 KiB, which nobody draining would
# leave the writer blocked in the pipe for good.
big='yes abcdefghi | head -c 3000000; yes err | head -c 1500000 >&2'
order='for i in 1 2 3; do echo a$i; echo b$i >/dev/stderr; done'
# Without the jail --inject=none hands its own descriptors over, like
# env(1): reopening the caller's file truncates it there as it does
# without fzsandbox.
(cd "$TMP" && /bin/sh -c "$reopen" >"$TMP/native.out" 2>"$TMP/native.err" &&
	/bin/sh -c "$order" >"$TMP/native.both" 2>&1) || fatal "the shell fails natively"

for sb in --sandbox --no-sandbox; do
	# A campaign: the clean run's output as captured (--max-runs=1: the
	# run left in OUT/run is that one).
	rm -rf "$OUT"
	fz $sb --max-runs=1 --timeout=20s --out="$OUT" -- /bin/sh -c "$reopen"
	assert_rc 0
	assert_eq "$want_out" "$(cat "$OUT/run/stdout" 2>&1)" "$sb campaign: captured stdout"
	assert_eq hi "$(cat "$OUT/run/stderr" 2>&1)" "$sb campaign: captured stderr"
	rm -rf "$OUT"
	fz $sb --max-runs=1 --timeout=20s --out="$OUT" -- /bin/sh -c "$big"
	assert_rc 0
	assert_eq "3000000 1500000" "$(stat -c %s "$OUT/run/stdout" "$OUT/run/stderr" | xargs)" \
		"$sb campaign: bytes captured of a big writer"
	# Writes to a pipe never get a file's ENOSPC or EIO (faults.md#stdio).
	rm -rf "$OUT"
	fz $sb --inject=io --out="$OUT" -- /bin/sh -c 'echo a; echo b >&2; echo c'
	assert_rc 0
	assert_eq "" "$(jq -r '.faults[] | select(.fault == "ENOSPC" or .fault == "EIO") |
		.call + ":" + .fault' "$OUT/runs.jsonl" | sort -u | xargs)" "$sb: file faults on stdout/stderr"
	# --inject=none: fzsandbox's own streams (here files of the test's
	# user, i.e. root's, which the jail's nobody may not open itself).
	# With the jail they are pipes, which no open truncates.
	w_out=$want_out w_err=hi w_both="a1 b1 a2 b2 a3 b3"
	if [ "$sb" = --no-sandbox ]; then
		w_out=$(cat "$TMP/native.out") w_err=$(cat "$TMP/native.err")
		w_both=$(xargs <"$TMP/native.both")
	fi
	fz $sb --inject=none --timeout=20s -- /bin/sh -c "$reopen"
	assert_rc 0
	assert_eq "$w_out" "$(cat "$TMP/fz.stdout")" "$sb --inject=none: stdout"
	assert_eq "$w_err" "$(cat "$TMP/fz.stderr")" "$sb --inject=none: stderr"
	# (Not through fz: a failed check would print megabytes.)
	(cd "$TMP" && timeout -k 5 60 "$FZ" $sb --inject=none --timeout=20s -- /bin/sh -c "$big" \
		>"$TMP/big.stdout" 2>"$TMP/big.stderr" </dev/null) || fail "$sb --inject=none: a big writer"
	assert_eq "3000000 1500000" "$(stat -c %s "$TMP/big.stdout" "$TMP/big.stderr" | xargs)" \
		"$sb --inject=none: bytes of a big writer"
	# 2>&1: one stream, in the program's order.
	(cd "$TMP" && "$FZ" $sb --inject=none -- /bin/sh -c "$order" >"$TMP/both" 2>&1 </dev/null)
	assert_eq "$w_both" "$(xargs <"$TMP/both")" "$sb --inject=none 2>&1: order"
	# Into a pipe whose reader leaves: the program meets EPIPE, as it
	# would writing there itself (yes dies of SIGPIPE: 141).
	got=$(cd "$TMP" && { timeout -k 5 30 "$FZ" $sb --inject=none -- /usr/bin/yes </dev/null 2>/dev/null
			     echo "rc=$?" >"$TMP/yes.rc"; } | head -n 2 | xargs)
	assert_eq "y y" "$got" "$sb --inject=none | head: output"
	assert_eq rc=141 "$(cat "$TMP/yes.rc")" "$sb --inject=none | head: yes's status"
done

# lighttpd with server.errorlog = "/dev/stderr" (a daemon's usual set-up)
# starts and serves; its log is in the run's stderr.
LIGHTTPD=$(command -v lighttpd || echo /usr/sbin/lighttpd)
if [ -x "$LIGHTTPD" ]; then
	mkdir -m 755 "$TMP/www" && echo hello >"$TMP/www/index.html" || fatal "cannot make the document root"
	cat >"$TMP/lighttpd.conf" <<CONF
server.document-root = "$TMP/www"
server.bind = "127.0.0.1"
server.port = 8089
server.errorlog = "/dev/stderr"
CONF
	chmod 644 "$TMP/lighttpd.conf"
	printf 'GET /index.html HTTP/1.0\r\n\r\n' >"$TMP/get.txt"
	rm -rf "$OUT"
	fz --inject=alloc --max-runs=1 --request="$TMP/get.txt" --out="$OUT" \
		-- "$LIGHTTPD" -D -f "$TMP/lighttpd.conf"
	assert_rc 0
	assert_eq true "$(jqr '.service.clean.served')" "lighttpd: service.clean.served"
	grep -q "server started" "$OUT/run/stderr" || fail "lighttpd: its log is not in the run's stderr"
	assert_no_stray lighttpd
else
	skip_check "lighttpd is not installed (apt-get install lighttpd)"
fi
