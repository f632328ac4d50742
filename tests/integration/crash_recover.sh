#!/bin/bash
# --crash-at=durability and --recover (issue 13, crash and recover): a
# store saved in place (ftruncate, then write) killed between the two
# steps leaves an empty file its restart cannot read: one crash-recovery
# finding naming the ftruncate, its caller and the file, replayed by
# killing at the same point; the same store saved safely (a temp file,
# fsync, rename, fsync of the directory) gives none over all its points;
# a checker failing after the crash is a finding too. --crash-drop (the
# page cache lost): a store written to a new file renamed over it with no
# fsync is found at the rename (the new file emptied), and replayed; the
# safe store still gives none. Bad input exits 2.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v jq >/dev/null || skip "jq is not installed"

K=$T/crash_kv
mkdir -p "$TMP/wd" || fatal "mkdir"
printf 'count=1\nend\n' >"$TMP/wd/kv"
(cd "$TMP/wd" && cp kv kv.orig && "$K" inplace && "$K" verify kv && mv kv.orig kv) ||
	fatal "crash_kv fails natively"

# In place: 2 points (ftruncate, write), one crash run each; only the
# kill after the ftruncate breaks the restart. --inject=proc: a plan of
# (almost) nothing, the crash runs are what is tested.
fz -q --out="$OUT" --inject=proc --workdir="$TMP/wd" --crash-at=durability \
	--recover="$K inplace" --check="$K verify kv" -- "$K" inplace
assert_rc 1
assert_eq 2 "$(jq -s '[.[] | select(.mode == "crash")] | length' "$OUT/runs.jsonl")" \
	"inplace: crash runs"
assert_eq 1 "$(jqr '.findings | length')" "inplace: findings"
assert_eq crash-recovery "$(jqr '.findings[0].kind')" "inplace: kind"
assert_eq "1 ftruncate 1 kv recover" \
	"$(jqr '.findings[0].crash | "\(.point) \(.call) \(.occurrence) \(.file) \(.failed)"')" \
	"inplace: the crash point"
assert_eq "$K inplace" "$(jqr '.findings[0].check.command')" "inplace: the recovery named"
jqr '.findings[0].detail' | grep -q 'ftruncate #1 on kv.*corrupt store' ||
	fail "inplace: the detail does not name the point and the recovery's line"
assert_eq save_inplace "$(jqr '.findings[0].frames | map(select(.system | not)) | .[0].function')" \
	"inplace: the caller of the killed call"
# The replay kills at the same point again.
fz --replay="$OUT/report.json#1" --out="$TMP/rp"
assert_rc 1
grep -q 'replay: reproduced 1 of 1 (crash-recovery in save_inplace)' "$TMP/fz.stderr" ||
	fail "the replay did not reproduce"

# Without --recover, the checker alone judges what the kill left.
rm -rf "$OUT"
fz -q --out="$OUT" --inject=proc --workdir="$TMP/wd" --crash-at=durability \
	--check="$K verify kv" -- "$K" inplace
assert_rc 1
assert_eq "crash-recovery check ftruncate" \
	"$(jqr '.findings[0] | "\(.kind) \(.crash.failed) \(.crash.call)"')" "inplace: a checker's finding"

# Saved safely: 3 points (the temp file's write and fsync, the rename;
# the directory's fsync is no file's), no finding. Without the jail too.
for jail in --sandbox --no-sandbox; do
	rm -rf "$OUT"
	fz -q --out="$OUT" $jail --inject=proc --workdir="$TMP/wd" --crash-at=durability \
		--recover="$K safe" --check="$K verify kv" -- "$K" safe
	assert_rc 0
	assert_eq 3 "$(jq -s '[.[] | select(.mode == "crash")] | length' "$OUT/runs.jsonl")" \
		"safe $jail: crash runs"
	assert_eq 0 "$(jqr '.findings | length')" "safe $jail: findings"
done

# A new file renamed over the store, no fsync: sound while the page cache
# lives, empty after a power cut.
rm -rf "$OUT"
fz -q --out="$OUT" --inject=proc --workdir="$TMP/wd" --crash-at=durability \
	--recover="$K rename" --check="$K verify kv" -- "$K" rename
assert_rc 0
assert_eq 0 "$(jqr '.findings | length')" "rename without --crash-drop: findings"
fz -q --out="$OUT" --inject=proc --workdir="$TMP/wd" --crash-at=durability --crash-drop \
	--recover="$K rename" --check="$K verify kv" -- "$K" rename
assert_rc 1
assert_eq 1 "$(jqr '.findings | length')" "rename --crash-drop: findings"
assert_eq "crash-recovery 2 rename kv" \
	"$(jqr '.findings[0] | "\(.kind) \(.crash.point) \(.crash.call) \(.crash.file)"')" \
	"rename --crash-drop: the crash point"
# A run after the crash runs that has no point of its own (a pinned
# fault: the store cannot be opened, exit 1, nothing written) is judged
# as any run, not by the last crash run's point (its checker passes).
rm -rf "$OUT"
fz -q --out="$OUT" --inject=proc --workdir="$TMP/wd" --crash-at=durability --crash-drop \
	--recover="$K rename" --check="$K verify kv" --fault=openat:EACCES@1 -- "$K" rename
assert_rc 1
assert_eq "null" "$(jq -s -c '[.[] | select(.mode == "pinned") | .finding][0]' "$OUT/runs.jsonl")" \
	"the pinned run after the crash runs: its finding"
assert_eq 1 "$(jqr '.findings[0].hits')" "the crash-recovery finding's runs"
jqr '.findings[0].crash.dropped' | grep -q '^kv (emptied' ||
	fail "rename --crash-drop: the dropped data is not named"
fz --replay="$OUT/report.json#1" --out="$TMP/rp"
assert_rc 1
grep -q 'replay: reproduced 1 of 1 (crash-recovery in save_renamed)' "$TMP/fz.stderr" ||
	fail "rename --crash-drop: the replay did not reproduce"
rm -rf "$OUT"
fz -q --out="$OUT" --inject=proc --workdir="$TMP/wd" --crash-at=durability --crash-drop \
	--recover="$K safe" --check="$K verify kv" -- "$K" safe
assert_rc 0
assert_eq 0 "$(jqr '.findings | length')" "safe --crash-drop: findings"

# Names under --crash-drop: kv.tmp fsynced and renamed over kv, the
# directory never fsynced, then the count acknowledged (appended to acked,
# fsynced): after a power cut the rename may be undone and kv is older
# than what was acknowledged, found at the acknowledgement's fsync (point
# 5), kv restored; replayed. With the directory fsynced, or syncfs(2)
# before and after the rename (no fsync at all), or the temp file's
# data made durable by msync(MS_SYNC) of a shared mapping, none.
mkdir -p "$TMP/wda" || fatal "mkdir"
printf 'count=1\nend\n' >"$TMP/wda/kv"
: >"$TMP/wda/acked"
rm -rf "$OUT"
fz -q --out="$OUT" --inject=proc --workdir="$TMP/wda" --crash-at=durability --crash-drop \
	--check="$K verify-acked kv acked" -- "$K" nodirsync ack
assert_rc 1
assert_eq 1 "$(jqr '.findings | length')" "nodirsync --crash-drop: findings"
assert_eq "crash-recovery 5 fsync acked check" \
	"$(jqr '.findings[0] | "\(.kind) \(.crash.point) \(.crash.call) \(.crash.file) \(.crash.failed)"')" \
	"nodirsync --crash-drop: the crash point"
jqr '.findings[0].crash.dropped' | grep -q 'kv (name undone.*kv (name restored' ||
	fail "nodirsync --crash-drop: the undone rename is not named"
jqr '.findings[0].detail' | grep -q 'count=1, but count=2 was acknowledged' ||
	fail "nodirsync --crash-drop: the checker's line is not in the detail"
fz --replay="$OUT/report.json#1" --out="$TMP/rp"
assert_rc 1
grep -q 'replay: reproduced 1 of 1 (crash-recovery in ack)' "$TMP/fz.stderr" ||
	fail "nodirsync --crash-drop: the replay did not reproduce"
for mode in safe syncfs msync; do
	rm -rf "$OUT"
	fz -q --out="$OUT" --inject=proc --workdir="$TMP/wda" --crash-at=durability --crash-drop \
		--check="$K verify-acked kv acked" -- "$K" $mode ack
	assert_rc 0
	assert_eq 0 "$(jqr '.findings | length')" "$mode ack --crash-drop: findings"
done

# Bad input: one line, exit 2.
fz -q --out="$OUT" --crash-at=durability --recover="$K safe" -- "$K" safe
assert_rc 2
grep -q -- "--crash-at needs --workdir" "$TMP/fz.stderr" || fail "--crash-at without --workdir"
fz -q --out="$OUT" --workdir="$TMP/wd" --crash-at=power -- "$K" safe
assert_rc 2
grep -q -- "--crash-at: unknown point 'power'" "$TMP/fz.stderr" || fail "bad --crash-at"
fz -q --out="$OUT" --workdir="$TMP/wd" --recover="$K safe" -- "$K" safe
assert_rc 2
grep -q -- "--recover needs --crash-at" "$TMP/fz.stderr" || fail "--recover without --crash-at"
fz -q --out="$OUT" --workdir="$TMP/wd" --crash-at=durability -- "$K" safe
assert_rc 2
grep -q -- "--crash-at needs --recover=CMD or --check=CMD" "$TMP/fz.stderr" ||
	fail "--crash-at with nothing to judge"
fz -q --out="$OUT" --workdir="$TMP/wd" --check="$K verify kv" --crash-drop -- "$K" safe
assert_rc 2
grep -q -- "--crash-drop needs --crash-at" "$TMP/fz.stderr" || fail "--crash-drop without --crash-at"
true
