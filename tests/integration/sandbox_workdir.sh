#!/bin/bash
# --workdir=DIR: every run starts in a fresh copy of DIR, so a run that
# spoils its working directory (workdir_spoil deletes data.txt and counts
# its runs; it aborts when it sees another run's change) cannot affect the
# next; a failing run's copy is kept in OUT/findings/ID/workdir; DIR's hash
# is stored and a replay refuses a changed DIR (exit 2). With and without
# --sandbox.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

chmod 755 "$TMP" || fatal "chmod $TMP"
B=$TMP/bin
mkdir -m 755 "$B" && cp "$T/workdir_spoil" "$B/" || fatal "cannot copy workdir_spoil"
W=$TMP/w
# The copies go to TMPDIR: a private one, to check none is left behind.
TMPDIR=$TMP/tmpdir
export TMPDIR
mkdir -m 755 "$TMPDIR" || fatal "mkdir $TMPDIR"
fresh() {
	rm -rf "$W" && mkdir -m 755 "$W" && echo "keep me" >"$W/data.txt" || fatal "cannot make $W"
	mkdir -m 755 "$W/sub" && echo nested >"$W/sub/n" || fatal "cannot fill $W"
}
unchanged() {	# WHAT: W is as fresh() made it
	[ -f "$W/data.txt" ] && [ ! -e "$W/counter" ] && [ "$(cat "$W/sub/n")" = nested ] ||
		fail "$1: the original directory changed: $(ls -l "$W")"
}

# Control: without --workdir the second run sees the first one's changes.
fresh
(cd "$W" && "$FZ" --inject=io --max-runs=5 --out="$OUT" -- "$B/workdir_spoil") \
	>"$TMP/fz.stdout" 2>"$TMP/fz.stderr" </dev/null
rc=$?
assert_rc 1
grep -q "another run spoiled" "$OUT"/findings/*/stderr || fail "control: no spoiled-directory abort"

jail=
fz --sandbox --inject=none -- /bin/true && [ "$rc" = 0 ] && jail=--sandbox
for sb in --no-sandbox $jail; do
	what="--workdir${sb:+ $sb}"
	fresh
	rm -rf "$OUT"
	fz $sb --workdir="$W" --inject=io --max-runs=8 --out="$OUT" -- "$B/workdir_spoil"
	assert_rc 0
	runs=$(jqr '.runs')
	[ "$runs" -ge 3 ] || fail "$what: only $runs runs"
	assert_eq 0 "$(jqr '.findings | length')" "$what: findings (no run saw another's changes)"
	unchanged "$what"
	jqr '.options' | grep -q -- "--workdir=$W --workdir-hash=" || fail "$what: workdir not stored"

	# A failing run's directory is kept, as the run left it.
	rm -rf "$OUT"
	fz $sb --workdir="$W" --inject=none --out="$OUT" -- "$B/workdir_spoil" crash
	assert_rc 134	# SIGABRT
	kept=$OUT/findings/1/workdir
	[ -d "$kept" ] || fail "$what: no kept work directory at $kept"
	assert_eq 1 "$(cat "$kept/counter")" "$what: kept counter"
	[ ! -e "$kept/data.txt" ] || fail "$what: the kept directory still has data.txt"
	assert_eq nested "$(cat "$kept/sub/n")" "$what: kept subdirectory"
	unchanged "$what, crash"

	# Replay starts from the original, checked by its hash.
	cp "$OUT/report.json" "$TMP/report.json"
	fz --replay="$TMP/report.json" --out="$OUT"
	assert_rc 1
	grep -q "replay: reproduced 1 of 1" "$TMP/fz.stderr" || fail "$what: replay did not reproduce"
	unchanged "$what, replay"
	echo changed >>"$W/sub/n"
	fz --replay="$TMP/report.json" --out="$OUT"
	assert_rc 2
	grep -q "changed: its contents hash to" "$TMP/fz.stderr" || fail "$what: changed directory replayed"
done

# The output directory inside the work directory (run from there, the
# default --out; the held-out evaluation's case): it is no part of the
# program's files, so it is not copied into the runs, and the replay run
# from there, whose output changes it, still finds the hash it stored.
fresh
(cd "$W" && timeout 120 "$FZ" --workdir=. --inject=none -- "$B/workdir_spoil" crash) \
	>"$TMP/fz.stdout" 2>"$TMP/fz.stderr" </dev/null
assert_eq 134 "$?" "crash with --out inside the work directory"
[ ! -e "$W/fzsandbox-out/findings/1/workdir/fzsandbox-out" ] ||
	fail "the output directory was copied into the run's work directory"
(cd "$W" && timeout 120 "$FZ" --replay=fzsandbox-out/report.json) \
	>"$TMP/fz.stdout" 2>"$TMP/fz.stderr" </dev/null
rc=$?
assert_rc 1
grep -q "replay: reproduced 1 of 1" "$TMP/fz.stderr" ||
	fail "replay from inside the work directory: $(cat "$TMP/fz.stderr")"
rm -rf "$W/fzsandbox-out"

# A program named relative to where fzsandbox was started, without the
# jail too (where the target's cwd is the copy).
fresh
for sb in --no-sandbox --sandbox; do
	(cd "$TMP" && timeout 60 "$FZ" $sb --workdir="$W" --inject=none -- ./bin/workdir_spoil) \
		>"$TMP/fz.stdout" 2>"$TMP/fz.stderr" </dev/null
	rc=$?
	assert_rc 0
done

# Usage errors name the value.
fz --workdir="$TMP/missing" -- /bin/true
assert_rc 2
grep -q "$TMP/missing" "$TMP/fz.stderr" || fail "the missing directory is not named"
fresh
fz --workdir="$W" --workdir-hash=0123456789abcdef --inject=none -- /bin/true
assert_rc 125
grep -q "changed" "$TMP/fz.stderr" || fail "--workdir-hash mismatch accepted"
fz --workdir="$W" --workdir-hash=xyz -- /bin/true
assert_rc 2
# No copy is left behind.
left=$(ls -A "$TMPDIR")
[ -z "$left" ] || fail "copies left in TMPDIR: $left"
assert_no_stray workdir_spoil
