#!/bin/bash
# --fuzz with one worker binds tracer and target to a CPU no other
# process is bound to, as afl-fuzz does (fuzzer_stats' cpu_affinity says
# which; a ptrace stop across CPUs costs several times one on a CPU);
# --cpu=off binds nothing, --cpu=N that one; with a process bound to
# each CPU there is none free and nothing is bound; -j 2 binds nothing.
# The CPU picked is no option of the finding's replay.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v taskset >/dev/null || skip "no taskset (util-linux)"
mkdir -p "$TMP/seeds" || fatal "mkdir"
printf 'PQrecord' >"$TMP/seeds/a" || fatal "seed"
stat_of() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$OUT/fuzzer_stats"; }
run() { fz --fuzz --corpus="$TMP/seeds" --max-runs=50 --seed=1 --out="$OUT" "$@" -- "$T/fuzz_pair"; }
# The CPUs we may run on, as taskset lists them ("0-1", "0,2"...).
allowed=$(taskset -cp $$ | sed 's/.*: *//')
cpus=$(echo "$allowed" | tr ',' '\n' | while IFS=- read -r a b; do seq "$a" "${b:-$a}"; done)

run
assert_rc 0
cpu=$(stat_of cpu_affinity)
echo "$cpus" | grep -qx -- "$cpu" || fail "default: cpu_affinity '$cpu', not one of $allowed"
assert_eq false "$(jqr '.options_argv | map(startswith("--cpu")) | any')" "default: --cpu in options_argv"
run --cpu=off
assert_rc 0
assert_eq -1 "$(stat_of cpu_affinity)" "--cpu=off: cpu_affinity"
last=$(echo "$cpus" | tail -1)
run --cpu="$last"
assert_rc 0
assert_eq "$last" "$(stat_of cpu_affinity)" "--cpu=$last: cpu_affinity"
run -j 2
assert_rc 0
assert_eq -1 "$(stat_of cpu_affinity)" "-j 2: cpu_affinity"

# A sleeper bound to each CPU: none is free.
pids=()
for c in $cpus; do
	taskset -c "$c" sleep 120 &
	pids+=($!)
done
at_exit "kill ${pids[*]} 2>/dev/null"
sleep 0.2
run
assert_rc 0
assert_eq -1 "$(stat_of cpu_affinity)" "every CPU taken: cpu_affinity"
kill "${pids[@]}" 2>/dev/null
assert_no_stray fuzz_pair
