#!/bin/bash
# Fork snapshots (--snapshot, snapshot/): snap_setup does an expensive
# set-up (counted in a file), then reads stdin, and crashes in
# report_error() when a read fails. Snapshot mode must find the same bug
# with the same top frame as exec mode, run the set-up once, give every
# run its input from the start and stdin's flags as the template had them
# (the target aborts otherwise: each run sets O_NONBLOCK), replay in
# exec mode, find nothing in the robust variant, and refuse a template
# with a thread (naming it), or fall back to exec mode when asked. A run
# that writes more than the template's output pipe holds (1 MiB) is not
# a hang: its output is drained while it runs, all of it captured.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

chmod 755 "$TMP" || fatal "chmod $TMP"	# the jail's user writes the counts
seq 1 300 >"$TMP/in.txt"
want=$("$T/snap_setup" bug /dev/null <"$TMP/in.txt") || fatal "snap_setup fails on its own input"
count() { touch "$TMP/$1" && chmod 666 "$TMP/$1" && echo "$TMP/$1"; }
setups() { wc -l <"$TMP/$1" | tr -d ' '; }

for jail in --sandbox --no-sandbox; do
	# Exec mode: the reference.
	c=$(count exec$jail)
	fz $jail --inject=io --out="$OUT" --stdin="$TMP/in.txt" -- "$T/snap_setup" bug "$c"
	assert_finding_in report_error
	exec_top=$(jqr "$(top_frame "$(finding_with report_error)") | .function")
	runs=$(jqr '.runs_done // .runs // empty')
	[ "$(setups exec$jail)" -ge 3 ] || fail "$jail exec mode: the set-up ran $(setups exec$jail) times"

	# Snapshot mode: the same bug, the same frame, one set-up.
	c=$(count snap$jail)
	fz $jail --inject=io --snapshot=on --out="$OUT" --stdin="$TMP/in.txt" -- "$T/snap_setup" bug "$c"
	assert_finding_in report_error
	assert_eq "$exec_top" "$(jqr "$(top_frame "$(finding_with report_error)") | .function")" \
		"$jail: top frame in snapshot mode"
	assert_eq SIGSEGV "$(jqr "$(finding_with report_error) | .[0].signal_name")" "$jail: signal"
	assert_eq 0 "$(jqr '[.findings[] | select(.signal_name == "SIGABRT")] | length')" \
		"$jail: runs that did not read their input from the start"
	assert_eq 1 "$(setups snap$jail)" "$jail: set-ups in snapshot mode"
	assert_eq "$want" "$(cat "$OUT/run/clean-stdout")" "$jail: the clean run's output"
	nruns=$(wc -l <"$OUT/runs.jsonl")
	[ "$nruns" -ge 4 ] || fail "$jail: only $nruns runs in snapshot mode"
	grep -q -- '--snapshot=on' "$OUT/report.json" || fail "$jail: report.json does not say --snapshot=on"
	assert_no_stray snap_setup

	# Replay: in exec mode, and it says so.
	id=$(jqr "$(finding_with report_error) | .[0].id")
	cp -- "$OUT/report.json" "$TMP/snap.json"
	fz --replay="$TMP/snap.json#$id" --out="$TMP/replay$jail"
	assert_rc 1
	grep -q '^replay: reproduced' "$TMP/fz.stderr" || fail "$jail: replay did not reproduce"
	grep -q '^replay: found in snapshot mode, replayed in exec mode$' "$TMP/fz.stderr" ||
		fail "$jail: replay does not say it ran in exec mode"

	# Robust: nothing to find, every run read all of its input.
	c=$(count robust$jail)
	fz $jail --inject=io --snapshot=on --out="$OUT" --stdin="$TMP/in.txt" -- "$T/snap_setup" robust "$c"
	assert_rc 0
	assert_eq 0 "$(jqr '.findings | length')" "$jail: findings in the robust variant"
	assert_eq 1 "$(setups robust$jail)" "$jail: set-ups of the robust variant"
done

# A thread at the snapshot point: refused, one line naming it and the way out.
c=$(count threads)
fz --inject=io --snapshot=on --out="$OUT" --stdin="$TMP/in.txt" -- "$T/snap_setup" threads "$c"
assert_rc 2
assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "lines on stderr for a threaded template"
grep -q "not single-threaded at its snapshot point (thread [0-9]* 'snap_setup').*--snapshot-at=" \
	"$TMP/fz.stderr" || fail "the refusal does not name the thread and --snapshot-at"
assert_no_stray snap_setup
# --snapshot=auto: exec mode after all, which finds the bug.
fz --inject=io --snapshot=auto --out="$OUT" --stdin="$TMP/in.txt" -- "$T/snap_setup" threads "$c"
assert_finding_in report_error
grep -q 'every run execs the program' "$TMP/fz.stderr" || fail "--snapshot=auto does not say it fell back"

# --snapshot-at=syscall:read@2: the template read the first 64 bytes
# (its count of them is in its memory), and each run goes on from offset
# 64: the target aborts when a run did not read up to the end from there.
c=$(count at)
fz --inject=io --snapshot-at=syscall:read@2 --out="$OUT" --stdin="$TMP/in.txt" -- "$T/snap_setup" robust "$c"
assert_rc 0
assert_eq 0 "$(jqr '.findings | length')" "findings with --snapshot-at=syscall:read@2"
# The set-up's calls are tried too, in runs that exec the program
# (docs/snapshots.md, "The start-up"): one set-up each (a line counted
# unless the fault was on its write), and the template's.
grep -q '"mode":"startup".*"call":"read"' "$OUT/runs.jsonl" ||
	fail "no startup run at the first read with --snapshot-at=syscall:read@2"
nstart=$(grep '"mode":"startup"' "$OUT/runs.jsonl" | grep -vc '"call":"write"')
assert_eq $((1 + nstart)) "$(setups at)" "set-ups with --snapshot-at"
assert_eq "$want" "$(cat "$OUT/run/clean-stdout")" "the clean run's output with --snapshot-at"

# Bad input: exit 2, one line.
fz --snapshot-at=syscall:nosuchcall -- /bin/true
assert_rc 2
fz --snapshot=maybe -- /bin/true
assert_rc 2
fz --snapshot=on --service -- /bin/true
assert_rc 2
fz --inject=io --snapshot=on -- /bin/true
assert_rc 2
grep -q 'ended before its snapshot point' "$TMP/fz.stderr" || fail "no reason for a program that never read stdin"

# 3 MB out of one run (gzip -dc of 3 KB), three times the pipe, drained
# at the tracer's ticks (it was a hang at --timeout).
command -v gzip >/dev/null || fatal "no gzip"
mkdir -p "$TMP/big" && head -c 3000000 /dev/zero | gzip -nc >"$TMP/big/a.gz" || fatal "big input"
fz --fuzz --snapshot=on --fuzz-mutate=input --seed=1 --max-runs=3 --timeout=20s \
	--corpus="$TMP/big" --out="$OUT" -- gzip -dc
assert_rc 0
assert_eq "exit 0 exit 0 exit 0" "$(jq -r .outcome "$OUT/runs.jsonl" | tr '\n' ' ' | sed 's/ $//')" \
	"3 MB runs: outcomes"
assert_eq 3000000 "$(wc -c <"$OUT/run/stdout")" "3 MB runs: bytes captured"
finish
