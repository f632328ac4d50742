#!/bin/bash
# --fuzz-mutate=input,faults: the fault schedule as a mutated dimension.
# fuzz_fault crashes only on an input starting "FZ" with a length above
# 16 AND a failed write of its log file; the corpus holds one "FY" record.
# Within 2,000 runs the loop finds it: the systematic part runs the seed
# with each fault of the plan (every one a single-fault run) and keeps
# the seed with a failed write (its error path's shape is new), then that
# entry's mutations carry its schedule.
# Ablation at the same --max-runs and --seed: with faults off
# (--fuzz-mutate=input) and with mutation off (--fuzz-mutate=faults: the
# seed with schedules only) nothing is found. The finding replays (input
# and faults). Bad values exit 2 with one line.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

mkdir -p "$TMP/seeds" || fatal "mkdir"
printf 'FY\004abcd' >"$TMP/seeds/a" || fatal "seed"
"$T/fuzz_fault" <"$TMP/seeds/a" && fatal "fuzz_fault accepts its seed"
printf 'FZ\024abcdefghijklmnopqrst' | "$T/fuzz_fault" >/dev/null ||
	fatal "fuzz_fault fails on a long record without a fault"

runs() {	# MODE: fuzz runs with MODE's fault count ("one", "any")
	jq -c 'select(.mode == "fuzz") | .faults | length' "$OUT/runs.jsonl"
}

for mode in on off; do
	fz --fuzz --corpus="$TMP/seeds" --fuzz-mutate=input,faults --max-runs=2000 --seed=7 \
		--snapshot=$mode --out="$OUT" -- "$T/fuzz_fault"
	assert_rc 1
	assert_eq 1 "$(jqr '[.findings[] | select(.signal_name == "SIGSEGV")] | length')" \
		"snapshot=$mode: SIGSEGV findings"
	assert_eq report_failure "$(jqr '.findings[0].frames[0].function')" \
		"snapshot=$mode: the crash's top frame"
	assert_eq write "$(jqr '.findings[0].faults[0].call')" "snapshot=$mode: the finding's fault"
	in=$OUT/$(jqr '.findings[0].input')
	assert_eq FZ "$(head -c 2 "$in")" "snapshot=$mode: the crash input's magic"
	len=$(od -An -tu1 -j2 -N1 "$in" | tr -d ' ')
	[ "${len:-0}" -gt 16 ] || fail "snapshot=$mode: the crash input's length byte is ${len:-none}"
	ls "$OUT"/crashes/id:000000,sig:11,* >/dev/null 2>&1 ||
		fail "snapshot=$mode: crashes/: $(ls "$OUT/crashes")"
	# The systematic part: after the seed's run as it is and its 3
	# calibration runs (no fault: the seed's schedule), one fault a run;
	# the failed write's error path writes to stderr, a new shape, so
	# that (seed, write fault) pair is kept, its schedule beside it.
	assert_eq "0 0 0 0 1" "$(runs | sed -n 1,5p | tr '\n' ' ' | sed 's/ $//')" \
		"snapshot=$mode: faults of the seed's runs and the first systematic run"
	kept=$(ls "$OUT/queue" | grep -m1 'op:plan' | sed 's/,.*//')
	[ -n "$kept" ] || fail "snapshot=$mode: no (input, schedule) pair kept by the plan: $(ls "$OUT/queue")"
	grep -q '^write:[A-Z]* site=[^ ]* occurrence=1 thread=0$' "$OUT/schedules/$kept" ||
		fail "snapshot=$mode: schedules/$kept: $(cat "$OUT/schedules/$kept" 2>&1)"
done

# The finding replays: its input, its fault pinned.
fz --replay="$OUT/report.json#1" --out="$TMP/replay"
assert_rc 1
grep -q '^replay: reproduced 1 of 1' "$TMP/fz.stderr" || fail "replay did not reproduce"

# Ablation, the same budget and seed.
fz --fuzz --corpus="$TMP/seeds" --fuzz-mutate=input --max-runs=2000 --seed=7 --snapshot=on \
	--out="$OUT" -- "$T/fuzz_fault"
assert_rc 0
assert_eq 0 "$(jqr '.findings | length')" "faults off: findings"
assert_eq 0 "$(runs | grep -vcx 0)" "faults off: runs with faults"
[ "$(ls "$OUT/queue" | wc -l)" -ge 2 ] || fail "faults off: the input was not fuzzed"
fz --fuzz --corpus="$TMP/seeds" --fuzz-mutate=faults --max-runs=2000 --seed=7 --snapshot=on \
	--out="$OUT" -- "$T/fuzz_fault"
assert_rc 0
assert_eq 0 "$(jqr '.findings | length')" "mutation off: findings"
# The summary says each occurrence once: a site's hundreds of runs fit
# on a line (they were listed one by one, 1,1,1,... past 1,000 characters).
long=$(awk 'length($0) > 400' "$TMP/fz.stderr")
[ -z "$long" ] || fail "mutation off: a summary line over 400 characters: ${long:0:200}"
grep -q 'occurrences\? [0-9,]* in [0-9]* runs' "$TMP/fz.stderr" ||
	fail "mutation off: no site's runs counted: $(tail -5 "$TMP/fz.stderr")"
[ "$(runs | grep -vcx 0)" -ge 1000 ] || fail "mutation off: few runs with faults: $(runs | grep -vcx 0)"
[ -z "$(ls "$OUT/queue" | grep -v -e 'orig:a$' -e 'op:plan,' -e 'op:faults,')" ] ||
	fail "mutation off: an input was mutated: $(ls "$OUT/queue")"
[ "$(runs | sort -u | sort -n | tail -1)" -ge 2 ] || fail "mutation off: no schedule of 2 faults (a pair)"
for q in "$OUT"/queue/id:*; do
	cmp -s "$q" "$TMP/seeds/a" || fail "mutation off: $(basename "$q") is not the seed"
done

# -j2: the workers share the one queue; the schedules go with the runs.
fz --fuzz --corpus="$TMP/seeds" --fuzz-mutate=input,faults --max-runs=300 --seed=7 -j2 \
	--out="$OUT" -- "$T/fuzz_fault"
[ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "-j2: exit status $rc"
assert_eq 300 "$(wc -l <"$OUT/runs.jsonl")" "-j2: runs made"
[ "$(runs | grep -vcx 0)" -ge 1 ] || fail "-j2: no run injected a fault"

# '@@': the program's calls naming the fuzz input file (its stat and
# open in snap_input's main, exit 1 when they fail) are never failed,
# nor its -j2 worker's copy; the other opens (count's, exit 3) are.
# Without the exemption 21 of these 400 runs failed the input's open.
for j in 1 2; do
	fz --fuzz --corpus="$TMP/seeds" --fuzz-mutate=input,faults --inject=fs --fuzz-faults=0.2 \
		--snapshot=off --max-runs=400 --seed=3 -j$j --out="$OUT" -- \
		"$T/snap_input" "$TMP/count" @@
	[ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "@@ -j$j: exit status $rc"
	assert_eq 400 "$(wc -l <"$OUT/runs.jsonl")" "@@ -j$j: runs made"
	assert_eq 0 "$(jq -c '.faults[]? | select(.caller == "main")' "$OUT/runs.jsonl" | wc -l)" \
		"@@ -j$j: faults in main (the input's stat and open)"
	assert_eq 0 "$(jq -c 'select(.outcome == "exit 1")' "$OUT/runs.jsonl" | wc -l)" \
		"@@ -j$j: runs that could not open their input"
	[ "$(jq -c '.faults[]? | select(.call == "openat" and .caller == "count")' "$OUT/runs.jsonl" |
		wc -l)" -ge 10 ] || fail "@@ -j$j: count's open was (almost) never failed"
done

# Bad input: exit 2, one line.
assert_refused "unknown dimension" --fuzz --corpus="$TMP/seeds" --fuzz-mutate=input,bytes --max-runs=10 \
	--out="$OUT" -- "$T/fuzz_fault"
assert_refused "nothing to mutate" --fuzz --corpus="$TMP/seeds" --fuzz-mutate=, --max-runs=10 \
	--out="$OUT" -- "$T/fuzz_fault"
assert_refused "without --fuzz" --fuzz-mutate=faults --max-runs=10 --out="$OUT" -- "$T/fuzz_fault"
