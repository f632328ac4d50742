#!/bin/bash
# The fs class (issue 12), the open family: a program that ignores
# fopen's failure crashes when the open is refused; --inject=fs finds it
# at -O0 and -O2 -g, with the faulting frame, and its replay reproduces.
# A program that handles every open and close failure gives no finding
# although faults were injected; a close failed with EIO has really
# released its descriptor. ENOSPC only where a new name is created (never an
# O_CREAT of a name that exists); --fault names only faults a call gets.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

"$FZ" --list-classes | grep -q "^fs	optional	" || fail "fs is not an optional class"

for target in fs_unchecked fs_unchecked_O2; do
	out=$TMP/$target
	fz --inject=fs --out="$out" -- "$T/$target"
	assert_rc 1
	R=$out/report.json
	assert_eq 1 "$(jqr '.findings | length' "$R")" "$target: findings"
	assert_eq SIGSEGV "$(jqr '.findings[0].signal_name' "$R")" "$target: signal"
	sel=$(finding_with save_note)
	assert_eq save_note "$(jqr "$(top_frame "$sel") | .function" "$R")" "$target: faulting frame"
	assert_eq openat "$(jqr "$sel | .[0].faults[0].call" "$R")" "$target: faulted call"
	fault=$(jqr "$sel | .[0].faults[0].fault" "$R")
	case $fault in EACCES|EMFILE|ENFILE|ENOSPC|exhaust) ;; *) fail "$target: fault '$fault'" ;; esac
	assert_eq save_note "$(jqr "$sel | .[0].faults[0].caller" "$R")" "$target: the open's caller"
	[ "$(jqr '.faults_injected.fs' "$R")" -gt 0 ] || fail "$target: no fs fault counted"
	# Each of the five faults was tried at the fopen, and each crashes.
	assert_eq 5 "$(jq -s '[.[] | select(.faults[0].caller == "save_note" and
		(.outcome | startswith("signal SIGSEGV")))] | length' "$out/runs.jsonl")" \
		"$target: crashing runs"
	id=$(jqr "$sel | .[0].id" "$R")
	fz --replay="$R#$id" --out="$TMP/replay-$target"
	grep -q '^replay: reproduced' "$TMP/fz.stdout" "$TMP/fz.stderr" ||
		fail "$target: replay did not reproduce: $(cat "$TMP/fz.stderr")"
	assert_no_stray "$target"
done

fz --inject=fs --out="$TMP/robust" -- "$T/fs_robust"
assert_rc 0
R=$TMP/robust/report.json
J=$TMP/robust/runs.jsonl
assert_eq 0 "$(jqr '.findings | length' "$R")" "fs_robust: findings"
n=$(jqr '.faults_injected.fs' "$R")
[ "$n" -ge 16 ] || fail "fs_robust: only $n fs faults injected"
for call in openat creat; do
	jq -e --arg c "$call" 'any(.sites[]; .call == $c)' "$R" >/dev/null ||
		fail "fs_robust: no $call site"
done
# faults given at the opens of function $1, each once, sorted
faults_at() {
	jq -rs --arg f "$1" '[.[] | .faults[] | select(.caller == $f and (.call | test("^(open|openat|openat2|creat)$"))) | .fault] |
		unique | join(" ")' "$J"
}
# A new name (an absolute path, one under a directory fd) may get ENOSPC;
# the same open with O_CREAT of a name that exists never does.
assert_eq "EACCES EMFILE ENFILE ENOSPC exhaust" "$(faults_at create_new)" "create_new's faults"
assert_eq "EACCES EMFILE ENFILE ENOSPC exhaust" "$(faults_at make_existing)" "make_existing's faults"
jq -se '[.[] | .faults[] | select(.caller == "create_in_dir" and .fault == "ENOSPC")] | length == 1' \
	"$J" >/dev/null || fail "create_in_dir: no ENOSPC for openat(dirfd, new name)"
assert_eq "EACCES EMFILE ENFILE exhaust" "$(faults_at reopen_existing)" "reopen_existing's faults (no ENOSPC)"
# close's EIO lets the close run: the descriptor is gone (close_checked
# aborts if it is not), so that run ends cleanly.
jq -se '[.[] | select(.outcome == "exit 0") | .faults[] |
	select(.caller == "close_checked" and .call == "close" and .fault == "EIO")] | length == 1' \
	"$J" >/dev/null || fail "close_checked: no clean run with close EIO"
assert_no_stray fs_robust

# Bad input: exit 2, one line naming the call and what it can take.
fz --inject=fs --fault=creat:EXDEV -- "$T/fs_robust"
assert_rc 2
assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "stderr lines for creat:EXDEV"
grep -q "creat never fails with EXDEV; faults creat can take: EACCES EMFILE ENFILE ENOSPC exhaust" \
	"$TMP/fz.stderr" || fail "creat:EXDEV: $(cat "$TMP/fz.stderr")"
fz --inject=fs --fault=openat:ENOENT -- "$T/fs_robust"
assert_rc 2
grep -q "openat never fails with ENOENT; faults openat can take: EACCES EMFILE ENFILE ENOSPC exhaust" \
	"$TMP/fz.stderr" || fail "openat:ENOENT: $(cat "$TMP/fz.stderr")"

# Disk faults only where a disk is (held-out evaluation, session of
# 2026-12-07): a file of procfs stores nothing, so a write to
# /proc/self/comm never fills a disk and its close never fails; a file
# open only for reading has nothing to write back at close (NFS and CIFS
# flush only a file open for writing). cat of a file and of a proc file:
# no close site, no write site on them; a copy's output keeps its close.
printf 'some data\n' >"$TMP/in.txt"
fz --inject=fs --out="$TMP/ro" -- /bin/sh -c "cat '$TMP/in.txt' /proc/sys/kernel/ostype >/dev/null; echo fz >/proc/self/comm"
assert_rc 0
assert_eq 0 "$(jqr '[.sites[] | select(.call == "close" or .call == "write")] | length' "$TMP/ro/report.json")" \
	"close or write sites on read-only and procfs files"
fz --inject=fs --out="$TMP/cp" -- /bin/cp "$TMP/in.txt" "$TMP/out.txt"
[ "$(jqr '[.sites[] | select(.call == "close")] | length' "$TMP/cp/report.json")" -ge 1 ] ||
	fail "cp: no close site for its output"
