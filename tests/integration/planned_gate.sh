#!/bin/bash
# Issue 11, planned runs at near-native speed: a planned run keeps the
# allocator breakpoints out of memory except while a call of one of its
# plan's sites runs (inject/alloc_gate.c), and traces only the syscalls
# its plan names (inject_run_trace_set). It must fail exactly the calls
# a run that stops at every allocator call fails: same plan, same faults
# and occurrences, same findings, at -O0 and -O2 -g, with a site called
# when it allocates nothing (qsort of a small array) and a site inside its
# own recursion, and for faults pinned at caller=FUNC (windows on FUNC's
# calls found statically, a sibling call to malloc through a wrapper at
# -O2, a FUNC of the same name in a library loaded later). The gate must really be used (the debug log says where),
# and the finding replays.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

# What a report says about every run's faults, in a comparable form.
summary() {
	jq -S '{runs, faults_injected, plan_classes,
		findings: [.findings[] | {kind, signal,
			top: ([.frames[] | select(.system | not)][0].function),
			faults: [.faults[] | {call, site, occurrence, fault}]}],
		sites: [.sites[] | {key, call, occurrences, failed}]}' "$1"
}

for prog in gate_alloc gate_alloc_O2; do
	FZ_DEBUG=1 fz --out="$OUT" -- "$T/$prog"
	assert_rc 1
	cp "$OUT/report.json" "$TMP/gated.json"
	cp -r "$OUT" "$TMP/out-$prog"
	assert_eq 1 "$(jqr '.findings | length')" "$prog: findings"
	# -O2 may clone it (late_copy.constprop.0).
	top=$(jqr "$(top_frame '.findings') | .function")
	case $top in late_copy|late_copy.*) ;; *) fail "$prog: top frame is '$top', want late_copy" ;; esac
	# Planned runs set their site breakpoints and took everything out
	# once the plan was done; no run fell back to stopping everywhere.
	# (A run planned at a kernel allocation, brk or mmap, needs no
	# allocator stop at all.)
	gated=$(grep -c -e "alloc gate: site " -e "alloc gate: no allocation fault planned" "$TMP/fz.stderr")
	out=$(grep -c "alloc gate: no allocation fault pending: breakpoints out" "$TMP/fz.stderr")
	planned=$(jqr '.plan_classes.alloc.done')
	[ "$gated" -ge "$planned" ] || fail "$prog: $gated gated runs of $planned planned alloc runs"
	[ "$out" -ge 1 ] || fail "$prog: no planned run took its breakpoints out"
	if grep -q "alloc gate: not used" "$TMP/fz.stderr"; then
		fail "$prog: a planned run could not use the gate: $(grep -m1 'alloc gate: not used' "$TMP/fz.stderr")"
	fi

	# Planned runs traced only the syscalls their plan names (and those
	# every run watches): fewer than the clean run.
	sets=$(sed -n 's/.*filter: compiled for a trace set of \([0-9]*\) syscalls.*/\1/p' "$TMP/fz.stderr")
	first=$(echo "$sets" | head -1)
	least=$(echo "$sets" | sort -n | head -1)
	[ -n "$first" ] && [ "$least" -lt "$first" ] ||
		fail "$prog: no planned run traced fewer syscalls than the clean run's $first"

	# The same campaign stopping at every allocator call and syscall.
	FZ_DEBUG=nogate fz --out="$OUT" -- "$T/$prog"
	assert_rc 1
	if ! diff <(summary "$TMP/gated.json") <(summary "$OUT/report.json") >"$TMP/diff"; then
		fail "$prog: the gated campaign differs from the ungated one:"
		head -40 "$TMP/diff" >&2
	fi

	# Faults pinned at caller=FUNC (no clean run): windows on FUNC's own
	# calls, found statically, fail what stopping everywhere fails.
	jq -r '.sites[] | select(.call == "malloc" or .call == "calloc") |
		"\(.call):NULL@caller=\(.function):\(if .occurrences > 1 then 2 else 1 end)"' \
		"$TMP/gated.json" | sort -u >"$TMP/pins"
	[ "$(wc -l <"$TMP/pins")" -ge 3 ] || fail "$prog: fewer than 3 allocation callers: $(cat "$TMP/pins")"
	while read -r pin; do
		FZ_DEBUG=1 fz --inject=alloc --fault="$pin" --out="$OUT" -- "$T/$prog"
		grep -q "alloc gate: caller " "$TMP/fz.stderr" || fail "$prog: --fault=$pin: no gate"
		cp "$OUT/report.json" "$TMP/pinned.json"
		FZ_DEBUG=nogate fz --inject=alloc --fault="$pin" --out="$OUT" -- "$T/$prog"
		diff <(summary "$TMP/pinned.json") <(summary "$OUT/report.json") >"$TMP/diff" ||
			fail "$prog: --fault=$pin: gated and ungated runs differ: $(head -20 "$TMP/diff")"
		[ "$(jq '.faults_injected.alloc' "$TMP/pinned.json")" -ge 1 ] ||
			fail "$prog: --fault=$pin injected nothing"
	done <"$TMP/pins"

	FZ_DEBUG=1 fz --replay="$TMP/out-$prog/report.json#1"
	assert_rc 1
	grep -q "reproduced 1 of 1" "$TMP/fz.stderr" "$TMP/fz.stdout" ||
		fail "$prog: the replay did not reproduce"
	grep -q "alloc gate: site " "$TMP/fz.stderr" || fail "$prog: the replay did not use the gate"
done
# A pinned caller's name may be in a library loaded later with dlopen
# (gate_dl's libgatedl.so has a helper of its own, whose allocation it uses
# unchecked): the gate, built from the modules mapped at the entry point,
# must keep the allocators in once a file is mapped executable.
cp "$T/libgatedl.so" "$TMP/libgatedl.so" || fatal "cp"
FZ_DEBUG=1 fz --no-sandbox --inject=alloc --fault=malloc:NULL@caller=helper:2 --out="$OUT" -- \
	"$T/gate_dl" "$TMP/libgatedl.so"
assert_rc 1
grep -q "alloc gate: caller helper" "$TMP/fz.stderr" || fail "gate_dl: no gate"
grep -q "alloc gate: a file mapped executable" "$TMP/fz.stderr" ||
	fail "gate_dl: the dlopen did not put the allocators back"
cp "$OUT/report.json" "$TMP/dl.json"
FZ_DEBUG=nogate fz --no-sandbox --inject=alloc --fault=malloc:NULL@caller=helper:2 --out="$OUT" -- \
	"$T/gate_dl" "$TMP/libgatedl.so"
assert_rc 1
diff <(summary "$TMP/dl.json") <(summary "$OUT/report.json") >"$TMP/diff" ||
	fail "gate_dl: gated and ungated runs differ: $(head -20 "$TMP/diff")"
assert_eq 1 "$(jqr '.findings | length' "$TMP/dl.json")" "gate_dl: findings"
finish
