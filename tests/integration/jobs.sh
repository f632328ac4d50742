#!/bin/bash
# -j N (issue 15): runs made by N worker processes give the report -j1
# gives (the same findings with the same ids, keys, hits and frames, the
# same sites, outcomes and runs.jsonl but for times), for a batch program,
# a service, --workdir with --check (each worker has its own work copy and
# checker) and a finding's kept files; nothing is left running, a SIGTERM
# ends every worker, and the modes that cannot run two at a time are
# refused with exit 2 and one line.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

# A report without what differs from run to run (times, paths of the
# invocation, the options line that names -j).
norm() {
	jq -S 'del(.options, .options_argv, .clean_outcome.wall_us, .clean_outcome.cpu_us)
	       | (.sites[]?.outcomes[]?) |= del(.wall_us, .cpu_us)
	       | .findings |= map(del(.replay, .stdout, .stderr, .tids, .pid, .tid)
	                          ) | walk(if type == "object" then del(.pc, .wall_us, .cpu_us, .tid, .pid) else . end)' "$1" |
		sed -E "s|$2|OUT|g; s/0x[0-9a-f]{8,}/0xADDR/g"
}
runs_norm() {
	jq -c -S 'del(.ms)' "$1/runs.jsonl" | sed -E 's/0x[0-9a-f]{8,}/0xADDR/g'
}
same_reports() {	# $1 $2: two --out directories; $3: what
	norm "$1/report.json" "$1" >"$TMP/a.json"
	norm "$2/report.json" "$2" >"$TMP/b.json"
	diff -u "$TMP/a.json" "$TMP/b.json" >"$TMP/diff" ||
		fail "$3: -j1 and -j2 reports differ: $(head -c 1500 "$TMP/diff")"
	runs_norm "$1" >"$TMP/a.runs"
	runs_norm "$2" >"$TMP/b.runs"
	diff -q "$TMP/a.runs" "$TMP/b.runs" >/dev/null ||
		fail "$3: runs.jsonl differs: $(diff "$TMP/a.runs" "$TMP/b.runs" | head -5)"
}

for prog in shard_bugs; do
	P=$T/$prog
	fz --inject=alloc --out="$TMP/j1" -- "$P"
	assert_rc 1
	n=$(jqr '.findings | length' "$TMP/j1/report.json")
	[ "$n" -ge 4 ] || fatal "$prog: only $n findings with -j1"
	fz -j2 --inject=alloc --out="$TMP/j2" -- "$P"
	assert_rc 1
	same_reports "$TMP/j1" "$TMP/j2" "$prog"
	# The finding's files are the run's, kept from the worker's spool.
	for id in $(jqr '.findings[].id' "$TMP/j2/report.json"); do
		[ -f "$TMP/j2/findings/$id/stdout" ] || fail "$prog: no findings/$id/stdout with -j2"
		cmp -s "$TMP/j1/findings/$id/stdout" "$TMP/j2/findings/$id/stdout" ||
			fail "$prog: findings/$id/stdout differs between -j1 and -j2"
	done
	ls -d "$TMP"/j2/run/w*/spool-* >/dev/null 2>&1 && fail "$prog: spool directories left in run/"
	# Its replay line works as any other.
	fz --replay="$TMP/j2/report.json#1" --out="$TMP/rp"
	assert_rc 1
	# -j0: one worker per CPU this process may use.
	fz -j0 --inject=alloc --out="$TMP/j0" -- "$P"
	assert_rc 1
	assert_eq "$n" "$(jqr '.findings | length' "$TMP/j0/report.json")" "$prog: findings with -j0"
	rm -rf "$TMP/j1" "$TMP/j2" "$TMP/j0" "$TMP/rp"
done

# Snapshot mode: each worker parks a template of its own; the runs count
# occurrences from the point as -j1's do.
printf 'b\na\nc\n' >"$TMP/in"
for j in 1 2; do
	fz -j$j --snapshot=on --inject=io --stdin="$TMP/in" --out="$TMP/s$j" -- sort
	assert_rc 0
done
same_reports "$TMP/s1" "$TMP/s2" "sort --snapshot=on"
[ "$(jqr '.runs' "$TMP/s2/report.json")" -gt 2 ] || fail "sort --snapshot=on: too few runs"
assert_no_stray sort

# A service: each worker's run has the jail's own network, the same port.
kvd=$top_builddir/harnesses/examples/kvd
for j in 1 2; do
	OUT=$TMP/k$j
	fz -j$j --inject=io,alloc --request="$SRC/harnesses/examples/requests" --out="$TMP/k$j" -- "$kvd" --port 0
	assert_finding_in cmd_set
	cp "$TMP/fz.stderr" "$TMP/k$j.stderr"
done
# How a service's clean run reads its requests varies with the load (the
# plan with it): the findings are compared, not the plans.
assert_eq "$(jqr '[.findings[] | {id, key, kind}]' "$TMP/k1/report.json")" \
	"$(jqr '[.findings[] | {id, key, kind}]' "$TMP/k2/report.json")" "kvd: -j1 and -j2 findings"
assert_no_stray kvd

# --workdir and --check: every worker its own copy and checker.
J=$T/journal
mkdir -p "$TMP/wd" || fatal "mkdir"
for j in 1 2; do
	fz -q -j$j --out="$TMP/c$j" --workdir="$TMP/wd" --check="$J verify journal.log" -- "$J"
	assert_rc 1
done
same_reports "$TMP/c1" "$TMP/c2" journal
for id in $(jqr '.findings[].id' "$TMP/c2/report.json"); do
	[ -f "$TMP/c2/findings/$id/workdir/journal.log" ] ||
		fail "journal: no findings/$id/workdir/journal.log with -j2"
	cmp -s "$TMP/c1/findings/$id/workdir/journal.log" "$TMP/c2/findings/$id/workdir/journal.log" ||
		fail "journal: the kept journal of finding $id differs between -j1 and -j2"
done
[ -z "$(ls -A "$TMP/wd")" ] || fail "the work directory itself was written: $(ls -A "$TMP/wd")"

# SIGTERM to the campaign ends every worker and their runs.
# (Each run takes 2 s: the clean run is over and the workers are busy.)
( cd "$TMP" && exec timeout -k 5 60 "$FZ" -j2 -q --inject=alloc --out="$TMP/t" \
	-- /bin/sh -c 'sort /etc/services >/dev/null; exec sleep 2' >/dev/null 2>"$TMP/term.stderr" ) &
pid=$!
sleep 4
kill -TERM $pid 2>/dev/null
wait $pid
rc=$?
assert_eq 143 "$rc" "exit status after SIGTERM during -j2 ($(tail -2 "$TMP/term.stderr"))"
sleep 0.5
assert_no_stray sleep fzsandbox
[ -f "$TMP/t/report.json" ] || fail "no report after SIGTERM during -j2"

# A worker killed between or during runs ends the campaign with exit 2
# and its report written, and leaves nothing running.
( cd "$TMP" && exec timeout -k 5 60 "$FZ" -j2 -q --inject=alloc --slowdown=0 --out="$TMP/wk" \
	-- /bin/sh -c 'sort /etc/services >/dev/null; exec sleep 1' >/dev/null 2>"$TMP/wk.stderr" ) &
pid=$!
sleep 2.5
fzpid=$(pgrep -P "$pid" -x fzsandbox)
worker=$(pgrep -P "${fzpid:-1}" -x fzsandbox | head -1)
[ -n "$worker" ] || fail "no worker of the -j2 campaign found"
kill -TERM $worker 2>/dev/null
wait $pid
rc=$?
assert_eq 2 "$rc" "exit status after a worker was killed ($(tail -2 "$TMP/wk.stderr"))"
grep -q -- "-j: worker [01] " "$TMP/wk.stderr" || fail "no line naming the worker: $(cat "$TMP/wk.stderr")"
[ -f "$TMP/wk/report.json" ] || fail "no report after a worker was killed"
sleep 0.5
assert_no_stray sleep fzsandbox

# Bad input: exit 2, one line naming the reason.
bad() {	# $1: what the line must say; the rest: fzsandbox's arguments
	local want=$1
	shift
	fz "$@"
	assert_rc 2
	[ "$(wc -l <"$TMP/fz.stderr")" = 1 ] || fail "$*: not one line: $(cat "$TMP/fz.stderr")"
	grep -q -- "$want" "$TMP/fz.stderr" || fail "$*: '$want' not in: $(cat "$TMP/fz.stderr")"
}
bad "bad number" -j x -- /bin/true
bad "bad number" -j -1 -- /bin/true
bad "bad number" --jobs=100000 -- /bin/true
bad "cpu" -j2 --cpu=0 -- /bin/true
bad "host's port" -j2 --no-sandbox --request="$SRC/harnesses/examples/requests" -- "$kvd" --port 0
bad "replay" -j2 --replay="$TMP/nothing.json"
