#!/bin/bash
# --fault's predicates (issue 12): @path= on a path-taking call (openat)
# and on an fd-based one (read, the path behind the fd, a relative name
# made canonical from the cwd), @fd= counting only reads of files, several
# rules on one syscall applied in order, the same rules as `fault =` lines
# of a --config file, replays that count as the run did, the campaign-wide
# --only-path/--only-fd, and bad input (exit 2, one line naming it).
#
# pred_target loads every file through one load() whose open and read are
# unchecked: only the path or the fd type tells its calls apart.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

# The jail runs the target as nobody: it must read TMP.
chmod 755 "$TMP" || fatal "chmod $TMP"
mkdir -m 755 "$TMP/sub" || fatal "mkdir"
echo aaaa >"$TMP/a.txt" && echo bbbbbb >"$TMP/b.txt" || fatal "cannot write the inputs"
chmod 644 "$TMP/a.txt" "$TMP/b.txt"
loaded() {	# OUT NAME: did the finding's run load NAME before it crashed?
	grep -q "^$2: " "$1/findings/1/stderr"
}

# @path on read: the fd's path. "sub/../b.txt" relative to the cwd is
# $TMP/b.txt; a.txt's read (the first one, through the same fd number,
# closed since) is not failed.
fz --fault="read:EIO@path=$TMP/b.txt" --out="$OUT.1" -- "$T/pred_target" a.txt sub/../b.txt
assert_rc 1
R=$OUT.1/report.json
assert_eq 1 "$(jqr '.runs' "$R")" "runs (@path on read)"
assert_eq load "$(jqr "$(top_frame '.findings') | .function" "$R")" "faulting frame"
assert_eq "@path=$TMP/b.txt" "$(jqr '.findings[0].faults[0].where' "$R")" "stored predicate"
loaded "$OUT.1" a.txt || fail "@path: a.txt's read was failed"
# Without the predicate the first read is a.txt's.
fz --fault="read:EIO@1" --out="$OUT.2" -- "$T/pred_target" a.txt b.txt
assert_rc 1
loaded "$OUT.2" a.txt && fail "read:EIO@1 did not fail a.txt's read"
# The replay counts the occurrence among the reads of b.txt, as the run did.
fz --replay="$R" --out="$OUT.1r"
assert_eq 1 "$(jqr '.replay.reproduced' "$OUT.1r/replay/report.json")" "replay of @path"

# @path on openat (fs): the open of b.txt, by a glob.
fz --inject=fs --fault="openat:EACCES@path=$TMP/b*" --out="$OUT.3" -- "$T/pred_target" a.txt b.txt
assert_rc 1
assert_eq openat "$(jqr '.findings[0].faults[0].call' "$OUT.3/report.json")" "call (@path on openat)"
loaded "$OUT.3" a.txt || fail "@path on openat: a.txt's open was failed"
# A glob matching no path the program opens: no fault, no finding.
fz --inject=fs --fault="openat:EACCES@path=$TMP/sub/*" --out="$OUT.4" -- "$T/pred_target" a.txt b.txt
assert_rc 0
assert_eq 0 "$(jqr '.findings | length' "$OUT.4/report.json")" "findings (no path matches)"

# @fd=file@2: the 2nd read of a file (stdin, /dev/null here, is not one).
fz --fault="read:EIO@fd=file@2" --out="$OUT.5" -- "$T/pred_target" - a.txt b.txt
assert_rc 1
loaded "$OUT.5" a.txt || fail "@fd=file@2: a.txt's read was failed"
assert_eq "@fd=file" "$(jqr '.findings[0].faults[0].where' "$OUT.5/report.json")" "stored @fd"

# Several rules on one syscall, in order: a short read of a.txt, then EIO
# on b.txt, in one run; and the same as `fault =` lines of a --config file.
check_two() {	# OUT WHAT
	assert_rc 1
	assert_eq 2 "$(jqr '.findings[0].faults | length' "$1/report.json")" "$2: faults"
	grep -q '^a.txt: 1 bytes' "$1/findings/1/stderr" || fail "$2: a.txt not read short"
	assert_eq EIO "$(jqr '.findings[0].faults[1].fault' "$1/report.json")" "$2: 2nd fault"
}
fz --fault="read:short=1@path=$TMP/a.txt" --fault="read:EIO@path=$TMP/b.txt" --out="$OUT.6" \
	-- "$T/pred_target" a.txt b.txt
check_two "$OUT.6" "two --fault"
cat >"$TMP/faults.conf" <<EOC
# a schedule of faults ('*' never crosses a '/': FNM_PATHNAME)
fault = read:short=1@path=$TMP/a.txt
fault = read:EIO@path=$TMP/b.txt
EOC
fz --config="$TMP/faults.conf" --out="$OUT.7" -- "$T/pred_target" a.txt b.txt
check_two "$OUT.7" "fault = lines"
fz --replay="$OUT.7/report.json" --out="$OUT.7r"
assert_eq 1 "$(jqr '.replay.reproduced' "$OUT.7r/replay/report.json")" "replay of fault = lines"

# Campaign-wide: --only-path fails only b.txt's calls, --only-fd=pipe
# none of a program that reads only files.
fz --inject=io --only-path="$TMP/b.txt" --out="$OUT.8" -- "$T/pred_target" a.txt b.txt
assert_rc 1
assert_eq '[2]' "$(jq -sc '[.[].faults[]?.occurrence] | unique' "$OUT.8/runs.jsonl")" \
	"--only-path: only b.txt's read (the 2nd at load's site) failed"
grep -qxF -- "--only-path=$TMP/b.txt" <<<"$(jqr '.options_argv[]' "$OUT.8/report.json")" ||
	fail "--only-path not stored for replay"
fz --inject=io --only-fd=pipe --out="$OUT.9" -- "$T/pred_target" a.txt b.txt
assert_rc 0
assert_eq 0 "$(jq -s '[.[].faults[]?] | length' "$OUT.9/runs.jsonl")" "--only-fd=pipe: faults"

# Bad input: exit 2, one line naming the predicate.
bad() {	# WHAT WORD ARGS...
	local what=$1 word=$2
	shift 2
	fz "$@" -- "$T/pred_target" a.txt
	assert_rc 2
	assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "$what: one line"
	grep -qF -- "$word" "$TMP/fz.stderr" || fail "$what: does not name '$word': $(cat "$TMP/fz.stderr")"
}
bad "unknown predicate" "@colour" --fault='read:EIO@colour=red'
bad "bad glob" "[ab" --fault='read:EIO@path=[ab'
bad "empty glob" "@exe" --fault='read:EIO@exe='
bad "bad fd type" "disk" --fault='read:EIO@fd=disk'
bad "@path on a library call" "malloc" --fault='malloc:NULL@path=/x'
bad "@fd on a call without an fd" "socket" --inject=net --fault='socket:EMFILE@fd=file'
bad "@fd on a path call" "openat" --inject=fs --fault='openat:EACCES@fd=file'
bad "two WHEREs" "3" --fault='read:EIO@2@3'
bad "--only-exe glob" "--only-exe" --only-exe='[x'
bad "--only-fd type" "--only-fd" --only-fd=disk
printf 'fault = read:EIO@colour=red\n' >"$TMP/bad.conf"
fz --config="$TMP/bad.conf" -- "$T/pred_target" a.txt
assert_rc 2
grep -q "^fzsandbox: $TMP/bad.conf:1: .*@colour" "$TMP/fz.stderr" || fail "config: no FILE:LINE"
assert_no_stray pred_target
