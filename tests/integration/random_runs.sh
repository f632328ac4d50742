#!/bin/bash
# Seeded random runs: --random adds runs after the plan; the same seed
# gives the same faults; runs.jsonl logs every run; a random finding
# replays from what the report stored (no generator needed).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

nums=$TMP/nums.txt
seq 1 50 >"$nums"

# robust handles everything: random runs must stay finding-free too.
fz --inject=io,alloc --random --probability=0.2 --seed=42 --max-runs=60 --out="$OUT" \
	-- "$T/robust" "$nums" "$TMP/r.out"
assert_rc 0
assert_eq 60 "$(jqr '.runs')" "runs (plan + random up to --max-runs)"
assert_eq 42 "$(jqr '.seed')" "seed recorded"
lines=$(wc -l <"$OUT/runs.jsonl")
assert_eq 60 "$lines" "runs.jsonl lines"
random=$(jq -r 'select(.mode == "random") | .run' "$OUT/runs.jsonl" | wc -l)
[ "$random" -gt 0 ] || fail "no random run in runs.jsonl"
injected=$(jq -s '[.[] | select(.mode == "random") | .faults | length] | add' "$OUT/runs.jsonl")
[ "$injected" -gt 0 ] || fail "random runs injected no fault at p=0.2"
assert_eq clean "$(jq -r 'select(.run == 0) | .mode' "$OUT/runs.jsonl")" "run 0 is the clean run"

# Same seed, same program: the same faults in the same runs.
cp "$OUT/runs.jsonl" "$TMP/first.jsonl"
fz --inject=io,alloc --random --probability=0.2 --seed=42 --max-runs=60 --out="$OUT" \
	-- "$T/robust" "$nums" "$TMP/r.out"
assert_rc 0
diff <(jq -c 'select(.mode == "random") | .faults' "$TMP/first.jsonl") \
	<(jq -c 'select(.mode == "random") | .faults' "$OUT/runs.jsonl") >/dev/null ||
	fail "the same seed gave different faults"

# A random-only campaign on the unchecked malloc: p=1 fails the first
# malloc-family call of every random run; the finding replays.
fz --inject=alloc --random --probability=1 --seed=7 --occurrences=1 --out="$OUT.2" \
	--exclude-site=main --exclude-site=parse -- "$T/unchecked_malloc"
[ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "exit status $rc"
n=$(jq -r 'select(.mode == "random" and .finding != null) | .run' "$OUT.2/runs.jsonl" | wc -l)
[ "$n" -gt 0 ] || fail "p=1 random runs found nothing in unchecked_malloc"
fz --replay="$OUT.2/report.json#1" --replay-runs=3
assert_rc 1
grep -q 'reproduced 3 of 3' "$TMP/fz.stderr" || fail "random finding did not replay 3 of 3"
assert_no_stray robust unchecked_malloc

# --budget: a campaign stopped before its plan is covered exits 3 and
# says so. (robust's real work gives the plan; its usage message alone,
# written to stderr, a pipe with room, has nothing faithful to fail.)
fz --inject=io,alloc --budget=1ms --out="$OUT" -- "$T/robust" "$nums" "$TMP/r.out"
assert_rc 3
grep -q "^fzsandbox: --budget ended after [0-9]* of [0-9]* runs (the clean run included) (exit 3)" "$TMP/fz.stderr" ||
	fail "no line for an ended --budget"
assert_eq budget "$(jqr '.capped_by')" "capped_by of an ended --budget"
# Both limits given, the run count reached first (issue 11): that is the
# limit named, and the exit status is --max-runs' own.
fz --inject=io,alloc --max-runs=1 --budget=4m --out="$OUT" -- "$T/robust" "$nums" "$TMP/r.out"
assert_rc 0
grep -q "^fzsandbox: note: --max-runs stopped the campaign after 1 of [0-9]* runs (the clean run included)" \
	"$TMP/fz.stderr" || fail "--max-runs with --budget: the line does not name --max-runs"
grep -q -- "--budget" "$TMP/fz.stderr" && fail "--max-runs with --budget: --budget named"
assert_eq max-runs "$(jqr '.capped_by')" "capped_by with --max-runs and --budget"
# --max-runs: exit 0 (a cap asked for), but a line says the plan was cut.
fz --inject=io,alloc --max-runs=1 --out="$OUT" -- "$T/robust" "$nums" "$TMP/r.out"
assert_rc 0
grep -q "^fzsandbox: note: --max-runs stopped the campaign after 1 of [0-9]* runs (the clean run included)" \
	"$TMP/fz.stderr" || fail "no line for a campaign cut by --max-runs"
