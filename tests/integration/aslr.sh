#!/bin/bash
# Address randomization is off in the runs (ADDR_NO_RANDOMIZE), so the
# same run meets the same addresses every time: addr_print prints its
# stack, heap and code addresses, and two campaigns' runs print the same
# line; --check=output-diff, which refuses a program whose two runs
# without faults differ, takes it as it is. --keep-aslr turns that off:
# the runs differ again (where the kernel randomizes at all), and the
# report keeps the word, so that a replay lays the addresses out as the
# campaign did. --inject=none without --out (sandboxed execution) keeps
# randomization: the program runs as it would without fzsandbox.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

for i in 1 2; do
	rm -rf "$OUT"
	fz --inject=io --check=output-diff --out="$OUT" -- "$T/addr_print"
	assert_rc 0
	cp "$OUT/run/stdout" "$TMP/stdout$i" || fatal "no run/stdout: $(cat "$TMP/fz.stderr")"
done
grep -q '^stack 0x' "$TMP/stdout1" || fail "addr_print printed: $(cat "$TMP/stdout1")"
cmp -s "$TMP/stdout1" "$TMP/stdout2" ||
	fail "two campaigns' runs met other addresses: $(cat "$TMP/stdout1" "$TMP/stdout2")"

aslr=$(cat /proc/sys/kernel/randomize_va_space 2>/dev/null)
[ "${aslr:-0}" != 0 ] || skip "kernel.randomize_va_space is 0: no randomization to keep"
rm -rf "$OUT"
fz --keep-aslr --inject=io --check=output-diff --out="$OUT" -- "$T/addr_print"
assert_rc 2
grep -q 'the two runs without faults differ' "$TMP/fz.stderr" ||
	fail "--keep-aslr: the runs did not differ: $(cat "$TMP/fz.stderr")"
fz --keep-aslr --inject=io --out="$OUT" -- "$T/addr_print"
assert_rc 0
assert_eq true "$(jqr '.options_argv | index("--keep-aslr") != null')" "--keep-aslr in options_argv"
fz --inject=none -- "$T/addr_print"
assert_rc 0
cp "$TMP/fz.stdout" "$TMP/pass1" || fatal "cp"
fz --inject=none -- "$T/addr_print"
cmp -s "$TMP/fz.stdout" "$TMP/pass1" &&
	fail "--inject=none without --out: the program's addresses did not move"
assert_no_stray addr_print
