#!/bin/bash
# The start-up's faults in snapshot mode (docs/snapshots.md, "The
# start-up"): snap_startup reads its config with an unchecked fopen()
# before it touches stdin (the snapshot point), then crashes in
# report_error() when a read of stdin fails. --snapshot=on must find
# both: the set-up's bug in a run that execs the program (runs.jsonl
# mode "startup", report.json run_mode "exec"), the other in a child of
# the template; both replay. With -j 2 and without the jail too. The
# same with the alloc class: unchecked mallocs on both sides, and under
# --fuzz (the start-up's sites in exec runs among the loop's).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

chmod 755 "$TMP" || fatal "chmod $TMP"
echo "name=test" >"$TMP/cfg" && chmod 644 "$TMP/cfg" || fatal "cannot write the config"
seq 1 100 >"$TMP/in.txt"

for how in --sandbox --no-sandbox -j2; do
	fz $how --inject=io,fs --snapshot=on --out="$OUT" --stdin="$TMP/in.txt" -- \
		"$T/snap_startup" "$TMP/cfg"
	assert_finding_in load_config
	assert_finding_in report_error
	assert_eq exec "$(jqr "$(finding_with load_config) | .[0].run_mode")" \
		"$how: run_mode of the set-up's finding"
	assert_eq null "$(jqr "$(finding_with report_error) | .[0].run_mode")" \
		"$how: run_mode of the finding after the point"
	# The set-up's open failed in a startup run, occurrence 1 from the start.
	n=$(jq -c 'select(.mode == "startup" and .faults[0].call == "openat" and
		.faults[0].caller == "load_config" and .faults[0].occurrence == 1)' \
		"$OUT/runs.jsonl" | wc -l)
	[ "$n" -ge 1 ] || fail "$how: no startup run failed the config's open"
	n=$(jq -c 'select(.mode == "startup" and .faults[0].caller == "main")' "$OUT/runs.jsonl" | wc -l)
	assert_eq 0 "$n" "$how: startup runs at a site reached only after the point"
	n=$(jq -c 'select(.mode == "plan" and .faults[0].caller == "load_config")' \
		"$OUT/runs.jsonl" | wc -l)
	assert_eq 0 "$n" "$how: forked runs at a site reached only before the point"
	assert_no_stray snap_startup
done

# The alloc class under snapshots: the template's allocator breakpoints
# are inherited by every child, which arms them for its own plan
# (inject/alloc_gate.c). An unchecked malloc before the point (a startup
# run) and one after it (a child), with and without -j.
for how in --sandbox -j2; do
	fz $how --inject=alloc --snapshot=on --out="$TMP/alloc" --stdin="$TMP/in.txt" -- \
		"$T/snap_startup" "$TMP/cfg" alloc
	assert_rc 1
	grep -q 'alloc class is not tried' "$TMP/fz.stderr" && fail "$how: alloc left out"
	r=$TMP/alloc/report.json
	assert_eq exec "$(jqr "$(finding_with make_name) | .[0].run_mode" "$r")" \
		"$how: the set-up's malloc (make_name)"
	assert_eq null "$(jqr "$(finding_with keep_total) | .[0].run_mode" "$r")" \
		"$how: the malloc after the point (keep_total), in a child"
	assert_eq plan "$(jq -r 'select(.faults[0].caller == "keep_total") | .mode' \
		"$TMP/alloc/runs.jsonl" | head -1)" "$how: keep_total's run"
	assert_no_stray snap_startup
done
# --fuzz from the template: the start-up's sites get their exec runs
# too (mode "startup", one run in 8), so make_name's malloc before the
# point is found beside keep_total's after it, in snapshot mode.
mkdir -p "$TMP/seeds" && cp -- "$TMP/in.txt" "$TMP/seeds/a" || fatal "seeds"
fz --fuzz --inject=alloc --snapshot=on --fuzz-mutate=faults --seed=1 --max-runs=200 \
	--corpus="$TMP/seeds" --out="$TMP/fuzz" -- "$T/snap_startup" "$TMP/cfg" alloc
assert_rc 1
r=$TMP/fuzz/report.json
assert_eq exec "$(jqr "$(finding_with make_name) | .[0].run_mode" "$r")" \
	"--fuzz: the set-up's malloc (make_name), in an exec run"
assert_eq null "$(jqr "$(finding_with keep_total) | .[0].run_mode" "$r")" \
	"--fuzz: the malloc after the point (keep_total), in a child"
[ "$(jq -r 'select(.mode == "startup") | .mode' "$TMP/fuzz/runs.jsonl" | wc -l)" -ge 1 ] ||
	fail "--fuzz: no startup run"
assert_no_stray snap_startup

id=$(jqr "$(finding_with keep_total) | .[0].id" "$TMP/alloc/report.json")
cp -- "$TMP/alloc/report.json" "$TMP/alloc.json"
fz --replay="$TMP/alloc.json#$id" --out="$TMP/replay0"
assert_rc 1
grep -q '^replay: reproduced' "$TMP/fz.stderr" || fail "keep_total's finding did not reproduce"

# Replay both (the last campaign's report): the start-up's in exec mode
# as found, without the snapshot note; the other says it changed mode.
cp -- "$OUT/report.json" "$TMP/snap.json"
id=$(jqr "$(finding_with load_config) | .[0].id")
fz --replay="$TMP/snap.json#$id" --out="$TMP/replay1"
assert_rc 1
grep -q '^replay: reproduced' "$TMP/fz.stderr" || fail "the set-up's finding did not reproduce"
grep -q 'found in snapshot mode' "$TMP/fz.stderr" && fail "a startup finding said it changed mode"
id=$(jqr "$(finding_with report_error) | .[0].id")
fz --replay="$TMP/snap.json#$id" --out="$TMP/replay2"
assert_rc 1
grep -q '^replay: reproduced' "$TMP/fz.stderr" || fail "the finding after the point did not reproduce"
grep -q '^replay: found in snapshot mode, replayed in exec mode$' "$TMP/fz.stderr" ||
	fail "replay does not say it ran in exec mode"
finish
