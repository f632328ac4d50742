#!/bin/bash
# --fuzz's status on stderr. Not a terminal: one line of key=value fields
# every 10 s, at each new finding and at the end (its format checked
# field by field: runs, rate, corpus, findings by kind, faults by class,
# what is left of --max-runs and --budget). On a terminal (a pty from
# script(1), when there is one): a screen redrawn in place, and no such
# lines. -q: neither. Stability (calibration): 100% for a program whose
# calls depend on its input only, below for one whose calls change from
# run to run; the target tree's CPU time and peak RSS (a program that
# touches 50 MiB shows at least that), on the line and in fuzzer_stats.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

mkdir -p "$TMP/seeds" || fatal "mkdir"
printf 'go north' >"$TMP/seeds/a" || fatal "seed"
printf 'k="XYZZY=7"\n' >"$TMP/k.dict" || fatal "dict"

D='[0-9]+(h[0-9]{2}m|m[0-9]{2}s|s)'	# a duration: 12s, 3m04s, 1h02m
LINE="^fzsandbox: fuzz: time=$D runs=[0-9]+ rate=[0-9]+\.[0-9]/s corpus=[0-9]+ new=[0-9]+ \
last_new=(-|$D) cells=[0-9]+ stability=[0-9]+\.[0-9]{2}% cpu=[0-9]+% rss=[0-9]+\.[0-9][MG] \
findings=[0-9]+ \((none|[a-z-]+=[0-9]+( [a-z-]+=[0-9]+)*)\) last_finding=(-|$D) \
faults=[0-9]+ \((none|[a-z]+=[0-9]+( [a-z]+=[0-9]+)*)\)( left_time=$D)?( left_runs=[0-9]+)?$"
lines() { grep '^fzsandbox: fuzz: ' "$TMP/fz.stderr"; }
stat_of() { sed -n "s/^$1 *: //p" "$OUT/fuzzer_stats"; }

# A finding (the dictionary's keyword): a line when it is found, one at
# the end; --max-runs's runs left.
fz --fuzz --corpus="$TMP/seeds" --dict="$TMP/k.dict" --max-runs=1000 --seed=7 --snapshot=on \
	--out="$OUT" -- "$T/fuzz_keyword"
assert_rc 1
[ "$(lines | wc -l)" -ge 2 ] || fail "max-runs: fewer than 2 status lines: $(lines)"
lines | grep -Evq "$LINE" && fail "max-runs: a line not in the format: $(lines | grep -Ev "$LINE")"
lines | grep -q 'findings=1 (signal=1) last_finding=0s .* left_runs=[1-9]' ||
	fail "max-runs: no line at the finding: $(lines)"
last=$(lines | tail -n 1)
echo "$last" | grep -q ' runs=1000 .*findings=1 (signal=1) .* left_runs=0$' ||
	fail "max-runs: the last line: $last"
echo "$last" | grep -q 'left_time' && fail "max-runs: left_time without --budget: $last"
# One read whatever the input: every calibration run alike.
echo "$last" | grep -q ' stability=100.00% ' || fail "max-runs: not stable: $last"
[ "$(stat_of stability)" = "100.00%" ] && [ "$(stat_of var_byte_count)" = 0 ] &&
	[ "$(stat_of corpus_variable)" = 0 ] ||
	fail "max-runs: fuzzer_stats not stable: $(cat "$OUT/fuzzer_stats")"

# Calls that change from run to run for the same input (64 random
# bits): variable cells, stability below 100%. (That they are never new
# again is check_sched's: a cell that varies only rarely may show first
# after calibration, as in AFL++.)
fz --fuzz --corpus="$TMP/seeds" --max-runs=40 --seed=7 --snapshot=on --out="$OUT" \
	-- "$T/fuzz_unstable"
assert_rc 0
last=$(lines | tail -n 1)
lines | grep -Evq "$LINE" && fail "unstable: a line not in the format: $(lines | grep -Ev "$LINE")"
echo "$last" | grep -Eq ' stability=[0-9]{1,2}\.[0-9]{2}% ' || fail "unstable: stability: $last"
[ "$(stat_of var_byte_count)" -ge 1 ] && [ "$(stat_of corpus_variable)" -ge 1 ] &&
	stat_of stability | grep -Eq '^[0-9]{1,2}\.[0-9]{2}%$' ||
	fail "unstable: fuzzer_stats: $(cat "$OUT/fuzzer_stats")"

# The target tree's usage: 50 MiB touched in each run, in the jail with a
# fresh exec per run and from a snapshot, and without the jail.
# --cpu=off: cpu_affinity is -1 (fuzz_cpu.sh checks the CPU picked).
for mode in "--snapshot=off" "--snapshot=on" "--no-sandbox"; do
	fz --fuzz --corpus="$TMP/seeds" --max-runs=10 --seed=7 $mode --cpu=off --out="$OUT" \
		-- "$T/fuzz_rss"
	assert_rc 0
	last=$(lines | tail -n 1)
	echo "$last" | grep -Eq "$LINE" || fail "rss $mode: the line: $last"
	echo "$last" | grep -Eq ' rss=([5-9][0-9]|[1-9][0-9]{2,})\.[0-9]M ' ||
		fail "rss $mode: under 50 MiB: $last"
	[ "$(stat_of peak_rss_mb)" -ge 50 ] && [ "$(stat_of peak_rss_mb)" -lt 1024 ] ||
		fail "rss $mode: peak_rss_mb: $(stat_of peak_rss_mb)"
	# Touching 50 MiB ten times takes CPU time (12800 page faults a run).
	[ "$(stat_of fzsandbox_cpu_ms)" -ge 1 ] ||
		fail "rss $mode: no CPU time: $(stat_of fzsandbox_cpu_ms)"
	[ "$(stat_of cpu_affinity)" = -1 ] || fail "rss $mode: cpu_affinity $(stat_of cpu_affinity)"
done

# Faults per class, --budget's time left; a line every 10 s.
fz --fuzz --corpus="$TMP/seeds" --fuzz-faults=0.2 --inject=io --budget=12s --seed=7 \
	--out="$OUT" -- "$T/fuzz_keyword"
[ "$(lines | wc -l)" -ge 2 ] || fail "budget: no line at 10 s: $(lines)"
lines | grep -Evq "$LINE" && fail "budget: a line not in the format: $(lines | grep -Ev "$LINE")"
lines | head -n 1 | grep -Eq 'time=1[0-9]s .* left_time=[0-9]s$' ||
	fail "budget: the 10 s line: $(lines | head -n 1)"
lines | tail -n 1 | grep -Eq 'faults=[1-9][0-9]* \(io=[1-9][0-9]*\) left_time=0s$' ||
	fail "budget: the last line: $(lines | tail -n 1)"

# -q: no status.
fz -q --fuzz --corpus="$TMP/seeds" --max-runs=20 --seed=7 --out="$OUT" -- "$T/fuzz_keyword"
[ -z "$(lines)" ] || fail "-q: status lines: $(lines)"

# A terminal: the screen, redrawn over itself (cursor up 8 lines), no lines.
if command -v script >/dev/null && script -qc true /dev/null </dev/null >/dev/null 2>&1; then
	script -qc "'$FZ' --fuzz --corpus='$TMP/seeds' --budget=3s --seed=7 --out='$OUT' \
		-- '$T/fuzz_keyword'" /dev/null </dev/null >"$TMP/tty" 2>&1
	grep -q $'\033\\[8A' "$TMP/tty" || fail "pty: the screen not redrawn: $(cat -v "$TMP/tty")"
	for want in 'fzsandbox --fuzz: ' '  runs  ' '  corpus  ' '  shape  ' '  findings  ' \
		'  faults  ' '  stability 100.00% (0 of ' '  target    cpu '; do
		grep -qF -- "$want" "$TMP/tty" || fail "pty: no '$want' line: $(cat -v "$TMP/tty")"
	done
	if grep -q 'fzsandbox: fuzz: time=' "$TMP/tty"; then
		fail "pty: a status line on a terminal"
	fi
else
	skip_check "no script(1) with a pty here"
fi
