#!/bin/bash
# --fuzz-mutate=faults: the fault pool grows from fuzz runs' error paths.
# fuzz_pair, on a "PQ" input, crashes (a double free, SIGABRT) only when
# its record's malloc fails AND then the write of the error path's save
# fails: a write the clean run never makes, so not in the plan of the
# clean run's sites. The corpus holds a "PQ" input (the input is not the
# problem). Within 300 runs the loop finds it: a run failing the malloc
# records the sites its error path reaches, and the pair (malloc, that
# write) runs once before havoc ("op:pair"). With the pool's growth off
# (FZSANDBOX_FUZZ_NO_PAIRS: the loop as it was, its faults only the clean
# run's sites) the same budget and seed find nothing, in exec and
# snapshot mode; the robust twin gives no finding with it on. And from a
# corpus whose first seed is rejected at once, the second seed's own run
# recording its sites puts the mallocs in the pool. With --fuzz-faults
# (random faults, the input alone mutated) a random run's error path
# grows the pool as well. --resume keeps the
# grown pool: a campaign stopped after 40 or 120 runs and resumed makes
# the uninterrupted one's runs (the pairs not tried yet included).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

mkdir -p "$TMP/seeds" || fatal "mkdir"
printf 'PQrecord' >"$TMP/seeds/a" || fatal "seed"
"$T/fuzz_pair" <"$TMP/seeds/a" || fatal "fuzz_pair fails on its seed without a fault"

loop() {	# TARGET SNAPSHOT [ARGS...]
	local target=$1 snap=$2

	shift 2
	fz --fuzz --corpus="$TMP/seeds" --fuzz-mutate=faults --max-runs=300 --seed=7 \
		--snapshot="$snap" "$@" --out="$OUT" -- "$T/$target"
}

pairs() {	# queue entries kept from a pair run
	ls "$OUT/queue" | grep -c ',op:pair,'
}

for mode in on off; do
	loop fuzz_pair $mode
	assert_rc 1
	assert_eq 1 "$(jqr '[.findings[] | select(.signal_name == "SIGABRT")] | length')" \
		"snapshot=$mode: SIGABRT findings"
	assert_eq "malloc write" "$(jqr '[.findings[0].faults[].call] | join(" ")')" \
		"snapshot=$mode: the finding's faults"
	assert_eq save_partial "$(jqr '.findings[0].faults[1].caller')" \
		"snapshot=$mode: the second fault's caller"
	# The write is no site of the clean run: only its error path has it.
	key=$(jqr '.findings[0].faults[1].site')
	assert_eq 0 "$(jqr "[.sites[] | select(.key == \"$key\")] | length")" \
		"snapshot=$mode: clean-run sites at the write's key"
	[ "$(pairs)" -ge 1 ] || fail "snapshot=$mode: no pair kept: $(ls "$OUT/queue")"
	kept=$(ls "$OUT/queue" | grep -m1 ',op:pair,' | sed 's/,.*//')
	assert_eq 2 "$(wc -l <"$OUT/schedules/$kept")" "snapshot=$mode: faults of pair $kept"
	ls "$OUT"/crashes/id:000000,sig:06,* >/dev/null 2>&1 ||
		fail "snapshot=$mode: crashes/: $(ls "$OUT/crashes")"
	[ $mode = on ] && { rm -rf "$TMP/found"; cp -r "$OUT" "$TMP/found" || fatal "cp"; }

	FZSANDBOX_FUZZ_NO_PAIRS=1 loop fuzz_pair $mode
	assert_rc 0
	assert_eq 0 "$(jqr '.findings | length')" "snapshot=$mode, pool not grown: findings"
	assert_eq 0 "$(pairs)" "snapshot=$mode, pool not grown: pairs kept"
	[ "$(jq -c 'select(.mode == "fuzz" and (.faults | length) >= 2)' "$OUT/runs.jsonl" |
		wc -l)" -ge 10 ] || fail "snapshot=$mode, pool not grown: few runs with 2 faults"
done

# The finding replays: its input, both faults pinned by site and occurrence.
fz --replay="$TMP/found/report.json#1" --out="$TMP/replay"
assert_rc 1
grep -q '^replay: reproduced 1 of 1' "$TMP/fz.stderr" || fail "replay did not reproduce"

# The robust twin: the same pairs run, nothing to find.
loop fuzz_pair_robust on
assert_rc 0
assert_eq 0 "$(jqr '.findings | length')" "robust: findings"
[ "$(pairs)" -ge 1 ] || fail "robust: no pair kept: $(ls "$OUT/queue")"

# A call first reached on another input: the clean run reads the first
# seed ("XX", rejected at once), so the plan has neither malloc; the
# second seed's sites run (stage "sites", once per new input) records
# them, and its pairs (the seed, a fault there) lead to the write.
mkdir -p "$TMP/two" || fatal "mkdir"
printf 'XX' >"$TMP/two/a" && cp "$TMP/seeds/a" "$TMP/two/b" || fatal "seeds"
for off in "" 1; do
	FZSANDBOX_FUZZ_NO_PAIRS=$off fz --fuzz --corpus="$TMP/two" --fuzz-mutate=input,faults \
		--max-runs=600 --seed=7 --out="$OUT" -- "$T/fuzz_pair"
	if [ -z "$off" ]; then
		assert_rc 1
		assert_eq "malloc write" "$(jqr '[.findings[0].faults[].call] | join(" ")')" \
			"second seed: the finding's faults"
		assert_eq 0 "$(jqr '[.sites[] | select(.call == "malloc")] | length')" \
			"second seed: malloc sites of the clean run"
	else
		assert_rc 0
		assert_eq 0 "$(jqr '.findings | length')" "second seed, pool not grown: findings"
	fi
done

# -j2: the error paths' sites come back from the workers.
loop fuzz_pair on -j2
assert_rc 1
assert_eq "malloc write" "$(jqr '[.findings[0].faults[].call] | join(" ")')" "-j2: the finding's faults"

# --fuzz-faults, the input alone mutated: a random run past its first
# fault records its error path too, and a pair's schedule is the random
# faults it injected, then the new site's: the malloc, then the write.
# Seed 1 finds nothing in 300 runs with the growth off; the robust twin
# nothing with it on.
for off in "" 1; do
	FZSANDBOX_FUZZ_NO_PAIRS=$off fz --fuzz --fuzz-mutate=input --fuzz-faults=0.05 \
		--corpus="$TMP/seeds" --max-runs=300 --seed=1 --out="$OUT" -- "$T/fuzz_pair"
	if [ -z "$off" ]; then
		assert_rc 1
		assert_eq "malloc write" "$(jqr '[.findings[0].faults[].call] | join(" ")')" \
			"--fuzz-faults: the finding's faults"
		[ "$(pairs)" -ge 1 ] || fail "--fuzz-faults: no pair kept: $(ls "$OUT/queue")"
		kept=$(ls "$OUT/queue" | grep -m1 ',op:pair,' | sed 's/,.*//')
		[ "$(wc -l <"$OUT/schedules/$kept")" -ge 2 ] ||
			fail "--fuzz-faults: pair $kept's schedule: $(cat "$OUT/schedules/$kept")"
	else
		assert_rc 0
		assert_eq 0 "$(jqr '.findings | length')" "--fuzz-faults, pool not grown: findings"
	fi
done
fz --fuzz --fuzz-mutate=input --fuzz-faults=0.05 --corpus="$TMP/seeds" --max-runs=300 \
	--seed=1 --out="$OUT" -- "$T/fuzz_pair_robust"
assert_rc 0
assert_eq 0 "$(jqr '.findings | length')" "--fuzz-faults, robust: findings"

# --resume: the grown pool, the pairs still to try and the entries
# waiting for their sites run are in OUT/.fuzz_state; the runs after the
# resume are the reference's (runs.jsonl without run numbers and times).
R=(--fuzz --fuzz-mutate=faults --snapshot=on --seed=7 --corpus="$TMP/seeds")
fz "${R[@]}" --max-runs=300 --out="$TMP/ref" -- "$T/fuzz_pair"
assert_rc 1
for k in 40 120; do
	fz "${R[@]}" --max-runs=$k --out="$TMP/r$k" -- "$T/fuzz_pair"
	# The part before the stop is the reference's first k runs.
	jq -c 'del(.run, .ms)' "$TMP/r$k/runs.jsonl" >"$TMP/got"
	jq -c 'del(.run, .ms)' "$TMP/ref/runs.jsonl" | head -n "$k" >"$TMP/want"
	cmp -s "$TMP/got" "$TMP/want" ||
		fail "stopped after $k runs: not the uninterrupted campaign's first runs: $(diff \
			"$TMP/want" "$TMP/got" | head -3)"
	fz "${R[@]}" --resume --max-runs=$((301 - k)) --out="$TMP/r$k" -- "$T/fuzz_pair"
	assert_rc 1
	jq -c 'del(.run, .ms)' "$TMP/r$k/runs.jsonl" | tail -n +2 >"$TMP/got"
	jq -c 'del(.run, .ms)' "$TMP/ref/runs.jsonl" | tail -n +$((k + 1)) >"$TMP/want"
	cmp -s "$TMP/got" "$TMP/want" ||
		fail "resumed after $k runs: not the uninterrupted campaign's runs: $(diff \
			"$TMP/want" "$TMP/got" | head -3)"
done
