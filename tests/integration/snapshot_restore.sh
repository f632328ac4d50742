#!/bin/bash
# In-place restore (--restore=auto, the default of snapshot mode) gives
# the runs a fork per run gives. snap_restore checks at each run that its
# counter, heap, globals, directory, SIGUSR1 handler, descriptors and
# break are the set-up's (exit 3 if not), then changes them as its input
# says: a directory ('D') cannot be undone in place, so those runs'
# processes exit and the next run is a fresh fork; a handler ('S') is set
# back, stdout closed at the exit ('F') taken from the template again, a
# leaked mapping ('M') unmapped, the break ('B') moved back, the stack
# grown past the set-up's ('G') cut back, stdout's close-on-exec flag
# ('X') set back; a read-only page made writable ('P') or a mapping
# mapped over ('Q') cannot be tracked: forks again. A --fuzz campaign
# from those seeds makes the same runs (runs.jsonl) with --restore=auto
# and --restore=off, none of them stale, most of them begun in a process
# put back; fuzzer_stats says which and why not; no process is left.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

mkdir -p "$TMP/seeds" || fatal "mkdir"
for s in abc S1 D2 F3 M4 B5 G6 X7 P8 Q9; do printf '%s' "$s" >"$TMP/seeds/$s" || fatal "seed"; done
stat_of() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$OUT/fuzzer_stats"; }

for mode in auto off; do
	rm -rf "$OUT"
	fz --fuzz --corpus="$TMP/seeds" --max-runs=400 --seed=5 --snapshot=on --restore=$mode \
		--out="$OUT" -- "$T/snap_restore"
	assert_rc 0
	stale=$(jq -r 'select(.outcome != "exit 0") | .outcome' "$OUT/runs.jsonl" | sort | uniq -c)
	[ -z "$stale" ] || fail "--restore=$mode: runs not exiting 0: $stale"
	jq -c 'del(.run, .ms)' "$OUT/runs.jsonl" >"$TMP/runs.$mode"
	restored=$(stat_of fzsandbox_restored_runs)
	forked=$(stat_of fzsandbox_forked_runs)
	if [ $mode = auto ]; then
		[ "${restored:-0}" -ge 100 ] || fail "--restore=auto: restored runs: '$restored'"
		# D runs (the seed, its mutants) cannot be put back.
		[ "${forked:-0}" -ge 3 ] || fail "--restore=auto: forked runs: '$forked'"
		grep -Eq 'fzsandbox_restore_note +: it called (chdir|mmap|mprotect)' "$OUT/fuzzer_stats" ||
			fail "--restore=auto: note: $(grep restore_note "$OUT/fuzzer_stats")"
	else
		assert_eq 0 "$restored" "--restore=off: restored runs"
	fi
done
cmp -s "$TMP/runs.auto" "$TMP/runs.off" ||
	fail "--restore=auto and off: other runs: $(diff "$TMP/runs.auto" "$TMP/runs.off" | head -4)"
assert_no_stray snap_restore
