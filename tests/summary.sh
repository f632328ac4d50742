#!/bin/bash
# summary.sh [BUILDDIR] - one summary of the last `make check`.
#
# Reads automake's per-test .trs/.log files. Integration scripts count as
# one test each; a Check unit binary (tests/unit/check_*) counts each of
# its test cases, from Check's "NN%: Checks: C, Failures: F, Errors: E"
# line. Lists failed and skipped tests (with the skip reason), then ends
# with exactly one line "N passed, N failed, N skipped". Exits 1 if anything
# failed or no results were found.
set -u

dir=${1:-.}
if [ ! -d "$dir/tests" ]; then
	dir=$(cd "$(dirname "$0")/.." && pwd)
fi
cd "$dir" || exit 2

passed=0
failed=0
skipped=0
found=0
failures=()
skips=()

# Results of one .trs, e.g. "PASS" or "FAIL" (a test may log several).
trs_results() {
	sed -n 's/^:test-result: *\([A-Z]*\).*/\1/p' "$1"
}

while IFS= read -r trs; do
	found=1
	name=${trs%.trs}
	log=$name.log
	results=$(trs_results "$trs")
	checks=
	if [ -f "$log" ]; then
		checks=$(grep -Eo '[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$log" | tail -n 1)
	fi
	if [ -n "$checks" ]; then
		read -r c f e < <(echo "$checks" | sed -E 's/.*Checks: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+)/\1 \2 \3/')
		passed=$((passed + c - f - e))
		failed=$((failed + f + e))
		if [ $((f + e)) -gt 0 ]; then
			# Check's lines for failed cases: file:line:F|E:suite:case:...
			while IFS= read -r l; do
				failures+=("$name: $l")
			done < <(grep -E '^[^:]+:[0-9]+:[FE]:' "$log")
		elif echo "$results" | grep -qE 'FAIL|ERROR|XPASS'; then
			# Check said all passed but the binary still failed (a crash
			# after the run, a leak report, a bad exit status).
			failed=$((failed + 1))
			failures+=("$name (exited with failure after its checks)")
		fi
		continue
	fi
	for r in $results; do
		case "$r" in
		PASS | XFAIL) passed=$((passed + 1)) ;;
		SKIP)
			skipped=$((skipped + 1))
			reason=
			[ -f "$log" ] && reason=$(sed -n 's/^SKIP: //p' "$log" | tail -n 1)
			skips+=("$name${reason:+: $reason}")
			;;
		*)
			failed=$((failed + 1))
			msg=
			[ -f "$log" ] && msg=$(grep -m 1 '^FAIL: ' "$log")
			failures+=("$name ($r)${msg:+: $msg}")
			;;
		esac
	done
done < <(find tests -name '*.trs' -type f 2>/dev/null | sort)

if [ "${#failures[@]}" -gt 0 ]; then
	echo "Failed:"
	printf '  %s\n' "${failures[@]}"
fi
if [ "${#skips[@]}" -gt 0 ]; then
	echo "Skipped:"
	printf '  %s\n' "${skips[@]}"
fi
if [ "$found" = 0 ]; then
	echo "no test results under $dir/tests (did make check run?)"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ "$found" = 1 ]
