#!/bin/bash
# Issue 11, allocation wrappers: every allocation of wrap_alloc goes
# through xmalloc (another translation unit), so keyed by its caller alone
# they are one site whose first 3 occurrences are checked ones. The
# default plan must key the wrapper's call by its call paths and find the
# unchecked one, from a second caller and from one of twenty, at -O0 and
# -O2 -g; the replay of the finding reproduces it. The 10th occurrence on
# one call path is a documented miss unless --occurrences asks.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

for prog in wrap_alloc wrap_alloc_O2; do
	for mode in second twenty; do
		case $mode in
		second) want=set_label ;;
		twenty) want=user13_unchecked ;;
		esac
		fz --out="$OUT" -- "$T/$prog" "$mode"
		assert_rc 1
		assert_eq 1 "$(jqr '.findings | length')" "$prog $mode: findings"
		top=$(jqr '.findings[0].frames | map(select(.system | not)) | .[0].function')
		# -O2 may clone it (set_label.constprop.0).
		case $top in "$want"|"$want".*) ;; *) fail "$prog $mode: top frame is '$top', want $want" ;; esac
		assert_eq malloc "$(jqr '.findings[0].faults[0].call')" "$prog $mode: fault call"
		assert_eq xmalloc "$(jqr '.findings[0].faults[0].caller')" "$prog $mode: fault caller"
		site=$(jqr '.findings[0].faults[0].site')
		[[ $site == */2.* ]] || fail "$prog $mode: site '$site' is not a call path key"
		sid=$(jqr '.findings[0].faults[0].site_id')
		via=$(jqr ".sites[$sid].path[0]")
		case $via in "$want"|"$want".*) ;; *) fail "$prog $mode: site path is '$via', want $want" ;; esac
		grep -q "faults: malloc NULL at xmalloc .* via $want" "$TMP/fz.stderr" ||
			fail "$prog $mode: the fault line does not say via $want"
		# The clean run told the wrapper's call paths apart, and the plan
		# tried them.
		paths=$(jqr '.call_paths.wrapped')
		case $mode in
		second) [ "$paths" -ge 2 ] || fail "$prog $mode: $paths wrapped paths, want 2+" ;;
		twenty) [ "$paths" -ge 20 ] || fail "$prog $mode: $paths wrapped paths, want 20+" ;;
		esac
		grep -q "^call paths: .* past a wrapper" "$TMP/fz.stderr" ||
			fail "$prog $mode: no call paths line in the summary"
		# The finding's replay fails the same call path again.
		cp -r "$OUT" "$TMP/out-$prog-$mode"
		fz --replay="$TMP/out-$prog-$mode/report.json#1"
		assert_rc 1
		grep -q "reproduced 1 of 1" "$TMP/fz.stderr" "$TMP/fz.stdout" ||
			fail "$prog $mode: the replay did not reproduce"
	done
done

# One path, 12 occurrences, the 10th unchecked: past the default 3.
fz --out="$OUT" -- "$T/wrap_alloc" deep
assert_rc 0
assert_eq 0 "$(jqr '.findings | length')" "deep: findings by default"
fz --occurrences=10 --out="$OUT" -- "$T/wrap_alloc" deep
assert_rc 1
assert_eq 1 "$(jqr '.findings | length')" "deep: findings with --occurrences=10"
assert_eq 10 "$(jqr '.findings[0].faults[0].occurrence')" "deep: occurrence"

# A program without wrappers keeps its sites keyed by the caller alone.
fz --out="$OUT" -- "$T/unchecked_malloc"
n=$(jqr '[.sites[].key | select(contains("/"))] | length')
assert_eq 0 "$n" "unchecked_malloc: call path keys"
assert_no_stray wrap_alloc wrap_alloc_O2
