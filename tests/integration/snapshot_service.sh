#!/bin/bash
# --service with --snapshot=on (issue 14): the template is parked at the
# service's first wait for a connection (accept4 for snap_svc, ppoll for
# kvd), after its set-up and listen; each run is a child forked there
# that accepts the run's connections itself, killed once back at its
# wait after the driver's requests (never SIGTERMed: snap_svc's handler
# would write "stopped" to its count file). The handler bug is found, the
# set-up runs once, the finding replays in exec mode, nothing is left
# behind. A multi-threaded service (memcached) is refused, naming its
# threads; --snapshot=auto runs it in exec mode.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v jq >/dev/null || skip "jq is not installed"

chmod 755 "$TMP" || fatal "chmod $TMP"	# the jail's user writes the counts
count() { : >"$TMP/$1" && chmod 666 "$TMP/$1" && echo "$TMP/$1"; }
printf 'hello\n' >"$TMP/req1" || fatal "req1"

for jail in --sandbox --no-sandbox; do
	c=$(count svc$jail)
	fz $jail --inject=io --snapshot=on --request="$TMP/req1" --request="$TMP/req1" --out="$OUT" \
		-- "$T/snap_svc" "$c"
	assert_finding_in report_error
	assert_eq report_error "$(jqr "$(top_frame "$(finding_with report_error)") | .function")" \
		"$jail: top frame"
	assert_eq SIGSEGV "$(jqr "$(finding_with report_error) | .[0].signal_name")" "$jail: signal"
	assert_eq write "$(jqr "$(finding_with report_error) | .[0].faults[0].call")" "$jail: faulted call"
	assert_eq 2 "$(jqr '.service.clean.replied')" "$jail: replies in the run without faults"
	# The set-up runs once for the template, and once in each start-up
	# run (its faults are tried in runs that exec the program, which end
	# as in exec mode: SIGTERM); a forked child is never sent SIGTERM.
	nstart=$(grep -c '"mode":"startup"' "$OUT/runs.jsonl")
	# (A start-up run may fault the write of that very line.)
	nset=$(grep -c '^set-up$' "$c")
	[ "$nset" -ge 1 ] && [ "$nset" -le $((1 + nstart)) ] ||
		fail "$jail: $nset set-ups for 1 template and $nstart start-up runs"
	[ "$(grep -c '^stopped$' "$c")" -le "$nstart" ] ||
		fail "$jail: more SIGTERMs than start-up runs: $(tr '\n' ' ' <"$c")"
	nruns=$(wc -l <"$OUT/runs.jsonl")
	[ "$nruns" -ge 4 ] || fail "$jail: only $nruns runs"
	assert_eq "$nruns" "$(jqr '.service.totals.listened')" "$jail: runs that reached the driver"
	grep -q -- '--snapshot=on' "$OUT/report.json" || fail "$jail: report.json does not say --snapshot=on"
	assert_no_stray snap_svc
done

# Replay: in exec mode, and it says so.
id=$(jqr "$(finding_with report_error) | .[0].id")
cp -- "$OUT/report.json" "$TMP/snap.json"
fz --replay="$TMP/snap.json#$id" --out="$TMP/replay"
assert_rc 1
grep -q '^replay: reproduced' "$TMP/fz.stderr" || fail "replay did not reproduce"
grep -q '^replay: found in snapshot mode, replayed in exec mode$' "$TMP/fz.stderr" ||
	fail "replay does not say it ran in exec mode"
assert_no_stray snap_svc

# The example service from its snapshot at ppoll: its I/O errors are all
# handled, every request is replied to, no kvd is left.
kvd=$top_builddir/harnesses/examples/kvd
[ -x "$kvd" ] || fatal "$kvd not built (it is part of plain make)"
fz --inject=io --snapshot=on --request="$SRC/harnesses/examples/requests" --out="$OUT" -- "$kvd" --port 0
assert_rc 0
assert_eq 4 "$(jqr '.service.clean.replied')" "kvd: replies in the run without faults"
[ "$(jqr '.faults_injected.io')" -ge 3 ] || fail "kvd: too few faults injected"
assert_no_stray kvd
# Its planted bug (cmd_set's unchecked malloc) needs the alloc class,
# which snapshot mode leaves out until it is tried there (it says so).
fz --inject=io,alloc --snapshot=on --request="$SRC/harnesses/examples/requests" --out="$OUT" -- "$kvd" --port 0
if grep -q 'alloc class is not tried in snapshot mode' "$TMP/fz.stderr"; then
	assert_rc 0
	echo "note: the alloc class is left out in snapshot mode: cmd_set not looked for"
else
	assert_finding_in cmd_set
fi
assert_no_stray kvd

# memcached starts its threads before it listens: refused, naming them.
if command -v memcached >/dev/null && id memcache >/dev/null 2>&1; then
	fz --inject=io --snapshot=on --request="$TMP/req1" --out="$OUT" -- \
		"$(command -v memcached)" -u memcache -l 127.0.0.1 -p 21211 -U 0
	assert_rc 2
	assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "memcached: lines on stderr"
	grep -q "not single-threaded at its snapshot point (thread [0-9]* 'mc-" "$TMP/fz.stderr" ||
		fail "memcached: the refusal does not name its threads"
	assert_no_stray memcached
else
	echo "note: memcached (and its user) not installed: its refusal not checked"
fi
true
