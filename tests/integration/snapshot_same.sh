#!/bin/bash
# Snapshot correctness (issue 14): a target whose output depends only on
# its input gives the same output for the same input in exec and snapshot
# modes, over 1,000 runs. snap_digest logs, for every run, the input bytes
# it read and a digest of its output (which says the input's size, its
# offset at the start and what the run read, folded into state the set-up
# made before the point). `--fuzz --max-runs=1000` runs it in snapshot
# mode on stdin, in snapshot mode with '@@' (-O2 build) and in exec mode;
# then every logged input is given to the bare program, natively, and its
# log line must be the same. A run that starts where an earlier one left
# stdin, or sees an earlier run's size, logs another digest; one that
# reads another input than the loop's leaves a queue entry unlogged.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

RUNS=1000
chmod 755 "$TMP" || fatal "chmod $TMP"	# the jail's user writes the logs
mkdir -p "$TMP/seeds" || fatal "mkdir"
{ seq 1 40 >"$TMP/seeds/a" && printf 'key=value\n\n# comment\nlast line, no newline' >"$TMP/seeds/b" &&
	printf '\000\001\377\n\r\n' >"$TMP/seeds/c"; } || fatal "seeds"
count() { : >"$TMP/$1" && chmod 666 "$TMP/$1" && echo "$TMP/$1"; }
lines() { wc -l <"$1" | tr -d ' '; }

# bare TARGET AT INPUT LOG: TARGET run natively on INPUT, as a file
# argument when AT is '@@', else on stdin.
bare() {
	if [ -n "$2" ]; then
		"$1" /dev/null "$4" "$3"
	else
		"$1" /dev/null "$4" <"$3"
	fi
}

# same NAME TARGET [@@]: re-run each input of NAME's log on the bare
# TARGET (as a file argument with '@@', else on stdin), into a log of its
# own: the two logs must be the same, line for line.
same() {
	local name=$1 tgt=$2 at=${3:-} log=$TMP/$1.log nlog=$TMP/$1.native dir=$TMP/in-$1 n i bad

	n=$(lines "$log")
	[ "$n" -ge "$RUNS" ] || fail "$name: $n runs logged, fewer than --max-runs=$RUNS"
	[ "$n" -ge "$(lines "$OUT/runs.jsonl")" ] || fail "$name: fewer runs logged than in runs.jsonl"
	# Each line's input, a file of its own (numbered from 1).
	mkdir -p "$dir" || fatal "mkdir $dir"
	perl -ne 'chomp; my (undef, $hex) = split / /, $_, 2;
		open(my $f, ">", "'"$dir"'/$.") or die "$!"; print $f pack("H*", $hex // ""); close($f) or die "$!"' \
		"$log" || fatal "$name: cannot split the log"
	: >"$nlog"
	for ((i = 1; i <= n; i++)); do
		bare "$tgt" "$at" "$dir/$i" "$nlog" >/dev/null || fail "$name: the bare program fails on input $i"
	done
	if ! cmp -s "$log" "$nlog"; then
		bad=$(diff <(cut -d' ' -f1 "$log") <(cut -d' ' -f1 "$nlog") | grep -c '^<')
		i=$(cmp "$log" "$nlog" 2>&1 | sed -n 's/.* line \([0-9]*\)$/\1/p')
		fail "$name: $bad of $n runs gave another output than the bare program (first: run $i," \
			"input $(head -c 64 "$dir/${i:-1}" | od -An -c | tr -s ' \n' ' ')...; bare output:" \
			"$(bare "$tgt" "$at" "$dir/${i:-1}" /dev/null | head -1))"
	fi
	# The loop's inputs are what the runs read: every queue entry logged.
	perl -e 'for (@ARGV) { open(my $f, "<", $_) or die "$!"; local $/; print unpack("H*", <$f> // ""), "\n" }' \
		"$OUT"/queue/id:* | sort -u >"$TMP/queue.hex" || fail "$name: cannot read queue/"
	cut -s -d' ' -f2 "$log" | sort -u >"$TMP/logged.hex"
	i=$(comm -23 "$TMP/queue.hex" "$TMP/logged.hex" | grep -c .)
	assert_eq 0 "$i" "$name: queue entries no run read"
	i=$(lines "$TMP/logged.hex")
	[ "$i" -ge 100 ] || fail "$name: only $i distinct inputs in $n runs"
	assert_eq "$(perl -e 'local $/; print unpack("H*", <STDIN> // "")' <"$OUT/.cur_input")" \
		"$(tail -n 1 "$log" | cut -s -d' ' -f2)" "$name: the last run's input"
}

# fuzz NAME TARGET SNAPSHOT [@@]
fuzz() {
	local name=$1 tgt=$2 snap=$3 at=${4:-} c l

	c=$(count "$name.setups") && l=$(count "$name.log") || fatal "count files"
	fz --fuzz --corpus="$TMP/seeds" --max-runs=$RUNS --seed=11 --snapshot="$snap" --out="$OUT" \
		-- "$tgt" "$c" "$l" ${at:+"$at"}
	assert_rc 0
	assert_eq 0 "$(jqr '.findings | length')" "$name: findings"
	if [ "$snap" = on ]; then
		assert_eq "fork snapshot" "$(sed -n 's/^target_mode *: //p' "$OUT/fuzzer_stats")" "$name: target_mode"
		assert_eq 1 "$(lines "$c")" "$name: set-ups before the point"
	else
		assert_eq exec "$(sed -n 's/^target_mode *: //p' "$OUT/fuzzer_stats")" "$name: target_mode"
		assert_eq "$(lines "$l")" "$(lines "$c")" "$name: set-ups (one a run)"
	fi
	same "$name" "$tgt" "$at"
	assert_no_stray "$(basename "$tgt")"
}

fuzz snap-stdin "$T/snap_digest" on
fuzz snap-file "$T/snap_digest_O2" on @@
fuzz exec-stdin "$T/snap_digest" off
finish
