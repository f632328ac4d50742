#!/bin/bash
# --custom-mutator=SO: AFL++'s custom mutator ABI. libkeywordmut.so writes
# fuzz_keyword's keyword "XYZZY=7" into a fraction of its runs (its
# afl_custom_fuzz_count: 32 a queue entry) and its post_process ends every
# input in a newline. fuzz_keyword crashes only on the keyword and reads
# its input in one read(): with the mutator the crash is found, made by
# the "custom" stage, within 1,000 runs (after the seed's deterministic
# stages) and within 50 with --custom-mutator-only; without it, at the
# same --max-runs and --seed, not. Bad mutators exit 2 with one line.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

CM=$T/libkeywordmut.so
[ -f "$CM" ] || fatal "no $CM"
mkdir -p "$TMP/seeds" || fatal "mkdir"
printf 'go north' >"$TMP/seeds/a" || fatal "seed"

crashes() {	# WHAT EXPECTED
	assert_eq "$2" "$(jqr '[.findings[] | select(.signal_name == "SIGSEGV")] | length')" \
		"$1: SIGSEGV findings"
	assert_eq "$2" "$(ls "$OUT/crashes" | wc -l)" "$1: files in crashes/"
}

for mode in on off; do
	fz --fuzz --corpus="$TMP/seeds" --custom-mutator="$CM" --max-runs=1000 --seed=7 \
		--snapshot=$mode --out="$OUT" -- "$T/fuzz_keyword"
	assert_rc 1
	crashes "--custom-mutator, snapshot=$mode" 1
	input=$OUT/$(jqr '.findings[0].input')
	grep -q 'XYZZY=7' "$input" || fail "snapshot=$mode: the crash input lacks the keyword"
	# post_process's newline: what the program read is what is kept.
	assert_eq 0a "$(tail -c 1 "$input" | od -An -tx1 | tr -d ' ')" \
		"snapshot=$mode: post_process's last byte in the finding's input"
	ls "$OUT"/crashes/*op:custom* >/dev/null 2>&1 ||
		fail "snapshot=$mode: the crash not made by the custom stage: $(ls "$OUT/crashes")"
done

# AFL_CUSTOM_MUTATOR_ONLY's: no deterministic stage, the custom one at once.
fz --fuzz --corpus="$TMP/seeds" --custom-mutator="$CM" --custom-mutator-only --max-runs=50 \
	--seed=7 --snapshot=on --out="$OUT" -- "$T/fuzz_keyword"
assert_rc 1
crashes "--custom-mutator-only" 1
[ -z "$(ls "$OUT"/queue | grep -v 'orig:\|op:custom')" ] ||
	fail "--custom-mutator-only: queue entries of other stages: $(ls "$OUT/queue")"

# The ablation: the same budgets and seed without the mutator.
for runs in 1000 50; do
	fz --fuzz --corpus="$TMP/seeds" --max-runs=$runs --seed=7 --snapshot=on --out="$OUT" \
		-- "$T/fuzz_keyword"
	assert_rc 0
	crashes "no --custom-mutator, $runs runs" 0
done

# Bad input: exit 2, one line.
bad() {	# WHAT EXPECTED-TEXT ARGS...
	local what=$1 want=$2

	shift 2
	fz --fuzz --corpus="$TMP/seeds" --max-runs=10 --out="$OUT" "$@" -- "$T/fuzz_keyword"
	assert_rc 2
	assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "$what: lines on stderr"
	grep -qF -- "$want" "$TMP/fz.stderr" || fail "$what: stderr lacks '$want': $(cat "$TMP/fz.stderr")"
}
bad "missing file" "--custom-mutator: cannot load '$TMP/none.so'" --custom-mutator="$TMP/none.so"
bad "not a shared object" "--custom-mutator: cannot load '$TMP/seeds/a'" \
	--custom-mutator="$TMP/seeds/a"
bad "missing symbol" "has no symbol 'afl_custom_deinit'" --custom-mutator="$T/libbadmut.so"
bad "only without SO" "--custom-mutator-only needs --custom-mutator" --custom-mutator-only
fz --custom-mutator="$CM" --max-runs=10 --out="$OUT" -- "$T/fuzz_keyword"
assert_rc 2
grep -q -- "--custom-mutator needs --fuzz" "$TMP/fz.stderr" ||
	fail "--custom-mutator alone: $(cat "$TMP/fz.stderr")"
