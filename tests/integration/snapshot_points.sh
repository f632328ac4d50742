#!/bin/bash
# Snapshot points besides stdin (snapshot/file_point.c, func_point.c):
# snap_input counts its set-up and each entry of input_begin() in a file,
# then stat()s its input file before it opens and reads it, and aborts
# when the size it was told is not what it read (a stat the template made
# for another input). Its output depends on its input only.
# - --snapshot-at=file:PATH (absolute, and relative to the cwd): the
#   same output as exec mode, the set-up once, no abort;
# - --fuzz with '@@' (snapshots by default): inputs of many sizes, no
#   abort, the set-up once; a point after the stat does abort (the test
#   can fail);
# - a template --fuzz cannot make (snap_setup's thread): exec mode, one
#   note, with -j2 too;
# - --snapshot-at=func:input_begin: the set-up once, input_begin entered
#   by every run (the fork is at its entry, before its body), the same
#   output; an unknown function exits 2 with one line naming it.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

chmod 755 "$TMP" || fatal "chmod $TMP"	# the jail's user writes the counts
seq 1 300 >"$TMP/in.txt"
want=$("$T/snap_input" /dev/null "$TMP/in.txt") || fatal "snap_input fails on its own input"
count() { : >"$TMP/$1" && chmod 666 "$TMP/$1" && echo "$TMP/$1"; }
lines() { grep -cx "$2" "$TMP/$1"; }
# Faults everywhere but in the counting.
io=(--inject=io --exclude-site=count)

# Exec mode: the reference (how many times the program runs).
c=$(count exec)
fz "${io[@]}" --out="$OUT" -- "$T/snap_input" "$c" "$TMP/in.txt"
assert_rc 0
assert_eq "$want" "$(cat "$OUT/run/clean-stdout")" "exec mode: the clean run's output"
execs=$(lines exec setup)
[ "$execs" -ge 3 ] || fail "exec mode: the program ran $execs times"

for at in "file:$TMP/in.txt" "file:in.txt"; do
	c=$(count file)
	arg=$TMP/in.txt
	[ "$at" = file:in.txt ] && arg=in.txt	# fz runs in $TMP
	fz "${io[@]}" --snapshot-at="$at" --out="$OUT" -- "$T/snap_input" "$c" "$arg"
	assert_rc 0
	assert_eq "$want" "$(cat "$OUT/run/clean-stdout")" "$at: the clean run's output"
	assert_eq 1 "$(lines file setup)" "$at: set-ups"
	assert_eq 1 "$(lines file begin)" "$at: input_begin before the point"
	assert_eq 0 "$(jqr '.findings | length')" "$at: findings"
	assert_no_stray snap_input
done

# --fuzz '@@': no --snapshot option, so snapshots (auto), at the file.
mkdir -p "$TMP/seeds" || fatal "mkdir"
printf abc >"$TMP/seeds/a" && seq 1 50 >"$TMP/seeds/b" || fatal "seeds"
c=$(count fuzz)
fz --fuzz --corpus="$TMP/seeds" --max-runs=200 --seed=3 --out="$OUT" -- "$T/snap_input" "$c" @@
assert_rc 0
assert_eq "fork snapshot" "$(sed -n 's/^target_mode *: //p' "$OUT/fuzzer_stats")" "--fuzz @@: target_mode"
assert_eq 1 "$(lines fuzz setup)" "--fuzz @@: set-ups"
assert_eq 0 "$(jqr '.findings | length')" "--fuzz @@: findings (a stale size aborts)"
# The same with a point after the stat: runs of other sizes abort.
c=$(count late)
fz --fuzz --corpus="$TMP/seeds" --max-runs=200 --seed=3 --snapshot-at=syscall:read@2 --out="$OUT" \
	-- "$T/snap_input" "$c" @@
assert_rc 1
[ "$(jqr '[.findings[] | select(.signal_name == "SIGABRT")] | length')" -ge 1 ] ||
	fail "a point after the stat: no run told the template's size"

# --fuzz's default falls back to exec mode for a template it cannot make
# (a thread at the point): one note, with -j2 too, and every run made.
for j in -j1 -j2; do
	c=$(count threads$j)
	fz --fuzz --corpus="$TMP/seeds" --max-runs=30 --seed=3 $j --out="$OUT" \
		-- "$T/snap_setup" threads "$c"
	assert_rc 0
	assert_eq 1 "$(grep -c 'note: --snapshot=auto: .* not single-threaded' "$TMP/fz.stderr")" \
		"$j: notes of the fall-back to exec mode"
	assert_eq exec "$(sed -n 's/^target_mode *: //p' "$OUT/fuzzer_stats")" "$j: target_mode"
	assert_eq 30 "$(wc -l <"$OUT/runs.jsonl")" "$j: runs in exec mode"
done

# func:input_begin, the input on stdin.
for jail in --sandbox --no-sandbox; do
	c=$(count func$jail)
	fz $jail "${io[@]}" --snapshot-at=func:input_begin --stdin="$TMP/in.txt" --out="$OUT" \
		-- "$T/snap_input" "$c"
	assert_rc 0
	assert_eq "$want" "$(cat "$OUT/run/clean-stdout")" "$jail func: the clean run's output"
	assert_eq 1 "$(lines func$jail setup)" "$jail func: set-ups"
	assert_eq "$execs" "$(lines func$jail begin)" "$jail func: entries of input_begin (one a run)"
	assert_no_stray snap_input
done

# Bad input: exit 2, one line naming what is wrong.
fz --inject=io --snapshot-at=func:no_such_function --stdin="$TMP/in.txt" --out="$OUT" \
	-- "$T/snap_input" /dev/null
assert_rc 2
assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "unknown function: lines on stderr"
grep -q "no function 'no_such_function'" "$TMP/fz.stderr" || fail "unknown function not named"
for bad in func: file:; do
	fz --inject=io --snapshot-at=$bad --out="$OUT" -- "$T/snap_input" /dev/null
	assert_rc 2
	assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "--snapshot-at=$bad: lines on stderr"
done
finish
