#!/bin/bash
# --check=output (issue 13): a faulted run that exits 0 with less output
# than the run without faults is a silent-corruption finding. lossy_copy
# takes a failed read for the end of its input: stdout cut short, a named
# output cut short, a --workdir file cut short; --skip loses four lines
# from the middle. Each with the faulted read's stack and a replay that
# reproduces it. --robust (the failure said, exit 1) and --retry (nothing
# lost, a line added) are no finding; --check=output-diff calls the added
# line one. Two runs without faults that differ (a time stamp) are exit 2
# naming the line, unless --ignore normalises it; a bad regex is exit 2.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v jq >/dev/null || skip "jq is not installed"
chmod 755 "$TMP" || fatal "chmod $TMP"
require_jail
seq 1 300 >"$TMP/in"
for i in $(seq 1 100); do printf '%015d\n' "$i"; done >"$TMP/in16"
chmod 644 "$TMP/in" "$TMP/in16"
# Named outputs outside /tmp (the jail's own) and the working directory
# (bound read-write: every run writes the host's file), so that each is
# an overlay the run leaves its copy in.
V=$(mktemp -d /var/tmp/fzt-outcheck.XXXXXX) || fatal "mktemp /var/tmp"
at_exit 'rm -rf -- "$V"'
chmod 1777 "$V" || fatal "chmod $V"

top() {
	jqr "$(top_frame '[.findings[]]').function" "${1:-$OUT/report.json}"
}

# stdout cut short: found, with the read's stack, and replayed.
fz -q --inject=io --check=output --out="$OUT" -- "$T/lossy_copy" "$TMP/in" "$V/o1"
assert_rc 1
assert_eq silent-corruption "$(jqr '[.findings[].kind] | unique | join(",")')" "stdout: kinds"
assert_eq "stdout truncated read" \
	"$(jqr '.findings[0] | "\(.output.file) \(.output.loss) \(.faults[0].call)"')" "stdout: the loss"
assert_eq 1092 "$(jqr '.findings[0].output.clean_bytes')" "stdout: the clean run's bytes"
assert_eq 0 "$(jqr '.findings[0].exit_status')" "stdout: the run's exit status"
assert_eq copy "$(top)" "stdout: the faulted call's function"
grep -q "finding #1: silent corruption (stdout cut short) after read EIO" "$TMP/fz.stderr" ||
	fail "stdout: the summary's headline"
grep -q "exited 0 with stdout cut short: [0-9]* of 1092 bytes" "$TMP/fz.stderr" ||
	fail "stdout: the detail line"
# The run without faults copied the named output to the host: a replay
# would find it there, read-only in the jail, as an input.
rm -f "$V/o1"
fz --replay="$OUT/report.json#1" --replay-runs=2 --out="$TMP/rp"
assert_rc 1
grep -q 'replay: reproduced 2 of 2 (silent-corruption in copy)' "$TMP/fz.stderr" ||
	fail "stdout: the replay did not reproduce"
grep -q -- '"--check=output"' "$OUT/report.json" || fail "the report's options lack --check=output"

# Lines lost from the middle.
fz -q --inject=io --check=output --out="$OUT" -- "$T/lossy_copy" --skip "$TMP/in16" "$V/o2"
assert_rc 1
assert_eq "stdout lines 96 100" \
	"$(jqr '.findings[0].output | "\(.file) \(.loss) \(.lines) \(.clean_lines)"')" "--skip: the loss"

# A named output, as the run left it in the jail.
fz -q --inject=io --check=output --out="$OUT" -- "$T/lossy_copy" --file-only "$TMP/in" "$V/o3"
assert_rc 1
assert_eq "$V/o3 truncated" "$(jqr '.findings[0].output | "\(.file) \(.loss)"')" \
	"a named output: the loss"
assert_eq 1092 "$(wc -c <"$V/o3")" "the run without faults' named output on the host"

# A file of --workdir's copy.
mkdir -m 777 "$TMP/wd" && cp "$TMP/in" "$TMP/wd/in" && chmod 644 "$TMP/wd/in"
# The program starts in the copy: its relative names are there.
fz -q --inject=io --check=output --workdir="$TMP/wd" --out="$OUT" -- \
	"$T/lossy_copy" --file-only in out
assert_rc 1
assert_eq "workdir/out truncated" "$(jqr '.findings[0].output | "\(.file) \(.loss)"')" \
	"--workdir: the loss"
fz --replay="$OUT/report.json#1" --out="$TMP/rp"
grep -q 'replay: reproduced 1 of 1 (silent-corruption in copy)' "$TMP/fz.stderr" ||
	fail "--workdir: the replay did not reproduce"

# Robust: a failed read is said, exit 1; no silent corruption.
fz -q --inject=io --check=output --out="$OUT" -- "$T/lossy_copy" --robust "$TMP/in" "$V/o4"
assert_rc 0
assert_eq 0 "$(jqr '.findings | length')" "--robust: findings"
[ "$(jqr '.faults_injected.io')" -ge 3 ] || fail "--robust: too few faults injected"
# A line added, nothing lost: not corruption; any difference with output-diff.
fz -q --inject=io --check=output --out="$OUT" -- "$T/lossy_copy" --retry "$TMP/in" "$V/o5"
assert_rc 0
assert_eq 0 "$(jqr '.findings | length')" "--retry: findings"
fz -q --inject=io --check=output-diff --out="$OUT" -- "$T/lossy_copy" --retry "$TMP/in" "$V/o6"
assert_rc 1
assert_eq "stdout differs" "$(jqr '.findings[0].output | "\(.file) \(.loss)"')" \
	"--retry, output-diff: the difference"
grep -q "different from line 1 (1105 of 1092 bytes, 301 of 300 lines): 'read retried' (the run without faults: '1')" \
	"$TMP/fz.stderr" ||
	fail "--retry, output-diff: the detail line"

# A real program: tac, given a short first read of a regular file, writes
# 12288 garbled bytes for 12813 and exits 0 (docs/real-programs.md). Its
# first line mixes two records: a change, not a pure loss, so only
# output-diff calls it one.
if prog=$(command -v tac); then
	cp /etc/services "$TMP/services" && chmod 644 "$TMP/services" || fatal "cp /etc/services"
	fz -q --inject=io --check=output --out="$OUT" -- "$prog" "$TMP/services"
	assert_rc 0
	fz -q --inject=io --check=output-diff --out="$OUT" -- "$prog" "$TMP/services"
	assert_rc 1
	assert_eq "stdout differs read short=4096" \
		"$(jqr '.findings[0] | "\(.output.file) \(.output.loss) \(.faults[0].call) \(.faults[0].fault)"')" \
		"tac: the finding"
	[ "$(jqr '.findings[0].output.bytes')" -lt "$(jqr '.findings[0].output.clean_bytes')" ] ||
		fail "tac: not shorter"
else
	skip_check "no tac"
fi

# Runs without faults that differ: exit 2, one line naming it; --ignore.
fz -q --inject=io --check=output --out="$OUT" -- "$T/lossy_copy" --stamp "$TMP/in" "$V/o7"
assert_rc 2
assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "clean runs differ: one line"
grep -q "^fzsandbox: --check=output: the two runs without faults differ: stdout line 1: 'lossy_copy: started at [0-9.]*', then" \
	"$TMP/fz.stderr" || fail "clean runs differ: the line"
fz -q --inject=io --check=output --ignore='at [0-9]+\.[0-9]+$' --out="$OUT" -- \
	"$T/lossy_copy" --stamp "$TMP/in" "$V/o8"
assert_rc 1
assert_eq "stdout truncated" "$(jqr '.findings[0].output | "\(.file) \(.loss)"')" \
	"--ignore: the loss found"

# Bad input: exit 2, one line.
fz -q --check=output --ignore='a(' --out="$OUT" -- "$T/lossy_copy" "$TMP/in" "$V/o9"
assert_rc 2
assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "bad regex: one line"
grep -q "^fzsandbox: --ignore: bad regular expression 'a('" "$TMP/fz.stderr" || fail "bad regex: the line"
fz -q --ignore=x --out="$OUT" -- "$T/lossy_copy" "$TMP/in" "$V/o9"
assert_rc 2
grep -q "^fzsandbox: --ignore needs --check=output" "$TMP/fz.stderr" || fail "--ignore alone: the line"
# --fault without site#K: no run without faults to compare with.
fz -q --check=output --fault=read:EIO@1 --out="$OUT" -- "$T/lossy_copy" "$TMP/in" "$V/o10"
assert_rc 2
assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "--fault: one line"
grep -q "^fzsandbox: --check=output compares with the run without faults" "$TMP/fz.stderr" ||
	fail "--fault: the line"
assert_no_stray lossy_copy
true
