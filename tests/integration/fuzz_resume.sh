#!/bin/bash
# --fuzz --resume goes on with the campaign in OUT. fuzz_header crashes
# only on "FZ" with a length byte above 16; from one "FY" record, --seed=7
# keeps "FZ..." at run 73 and crashes at run 127. A campaign of 800 runs is
# the reference; the same command twice makes the same runs (runs.jsonl
# without times). One stopped by --max-runs=50, then resumed for the rest,
# and one stopped by SIGINT, then resumed, make the reference's runs after
# their own: the same queue (ids going on, earlier entries kept byte for
# byte), the same crash found after the resume, once in crashes/, the same
# hits; execs_done goes on. Resumed again, the known crash is hit again but
# is not a new finding and its input is not saved again (serial, -j2, and
# after kill -9, which leaves no loop state: every entry runs as it is
# first). The fault schedule dimension resumes the same, schedules/
# included. Bad input exits 2 with one line.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

mkdir -p "$TMP/seeds" || fatal "mkdir"
printf 'FY\004abcd' >"$TMP/seeds/a" || fatal "seed"

stat_of() {	# KEY DIR
	sed -n "s/^$1 *: //p" "$2/fuzzer_stats"
}
# runs.jsonl without run numbers and times, from line FIRST on.
runs_from() {	# DIR FIRST
	jq -c 'del(.run, .ms)' "$1/runs.jsonl" | tail -n "+$2"
}
# queue/ (or schedules/): each file's name without its time and execs, and its bytes.
files_of() {	# DIR
	local f

	for f in "$1"/*; do
		[ -f "$f" ] || continue
		echo "$(basename "$f" | sed 's/,time:[0-9]*,execs:[0-9]*//') $(od -An -tx1 <"$f" | tr -d ' \n')"
	done
}
hits() {	# DIR
	jqr '[.findings[].hits] | add // 0' "$1/report.json"
}
H=("$T/fuzz_header")

# The reference.
fz --fuzz --corpus="$TMP/seeds" --max-runs=800 --seed=7 --out="$TMP/a" -- "${H[@]}"
assert_rc 1
assert_eq 1 "$(jqr '.findings | length' "$TMP/a/report.json")" "reference: findings"
assert_eq 2 "$(ls "$TMP/a/queue" | wc -l)" "reference: queue entries"

# Stopped by --max-runs before the crash; the same runs as the reference's first.
B=$TMP/b
fz --fuzz --corpus="$TMP/seeds" --max-runs=50 --seed=7 --out="$B" -- "${H[@]}"
assert_rc 0
[ "$(runs_from "$B" 1)" = "$(runs_from "$TMP/a" 1 | head -50)" ] ||
	fail "same --seed and corpus: runs.jsonl differs from the reference's first 50 runs"
assert_eq 1 "$(ls "$B/queue" | wc -l)" "after 50 runs: queue entries"
cp -a "$B/queue" "$TMP/b-queue" || fatal "cp queue"
[ -f "$B/.fuzz_state" ] || fail "no .fuzz_state after --max-runs"

# Resumed for the rest: its runs are the reference's 51st to 800th (its
# own first is the clean run); --seed comes from OUT, --corpus is ignored.
fz --fuzz --resume --corpus="$TMP/seeds" --max-runs=751 --out="$B" -- "${H[@]}"
assert_rc 1
grep -q 'note: --resume: --corpus=.* ignored' "$TMP/fz.stderr" || fail "no note that --corpus is ignored"
grep -q 'no loop state' "$TMP/fz.stderr" && fail "resumed after --max-runs: no loop state"
[ "$(runs_from "$B" 2)" = "$(runs_from "$TMP/a" 51)" ] ||
	fail "resumed after --max-runs: runs.jsonl differs from the reference's runs 51 to 800"
for f in "$TMP/b-queue"/*; do
	cmp -s "$f" "$B/queue/$(basename "$f")" || fail "queue entry $(basename "$f") changed by --resume"
done
assert_eq "$(files_of "$TMP/a/queue")" "$(files_of "$B/queue")" "resumed queue/ against the reference's"
assert_eq 801 "$(stat_of execs_done "$B")" "execs_done after the resume (50 + 751)"
assert_eq 1 "$(ls "$B/crashes" | wc -l)" "crashes/ after the resume (a finding made after it)"
assert_eq 1 "$(jqr '.findings[0].id' "$B/report.json")" "the finding's id"
assert_eq "$(hits "$TMP/a")" "$(hits "$B")" "the finding's hits against the reference's"

# Resumed again: the known crash comes back, not as new.
h=$(hits "$B")
fz --fuzz --resume --max-runs=400 --out="$B" -- "${H[@]}"
assert_rc 1
again=$(grep -c '"finding":1' "$B/runs.jsonl")
[ "$again" -gt 0 ] || fail "resumed again: the known crash was not hit again (nothing checked)"
assert_eq 1 "$(jqr '.findings | length' "$B/report.json")" "resumed again: findings"
assert_eq 1 "$(jqr '.findings[0].id' "$B/report.json")" "resumed again: the finding's id"
assert_eq $((h + again)) "$(hits "$B")" "resumed again: the finding's hits"
assert_eq 1 "$(ls "$B/crashes" | wc -l)" "resumed again: crashes/"
assert_eq 1 "$(ls "$B/findings" | wc -l)" "resumed again: findings/"
assert_eq 1201 "$(stat_of execs_done "$B")" "resumed again: execs_done"

# With -j2 too.
fz --fuzz --resume -j2 --max-runs=100 --out="$B" -- "${H[@]}"
assert_rc 1
assert_eq 1301 "$(stat_of execs_done "$B")" "resumed with -j2: execs_done"
assert_eq 1 "$(ls "$B/crashes" | wc -l)" "resumed with -j2: crashes/"
assert_eq 1 "$(jqr '.findings | length' "$B/report.json")" "resumed with -j2: findings"

# kill -9 leaves no loop state: every queue entry runs as it is first.
n=$(stat_of execs_done "$B")
"$FZ" --fuzz --resume --budget=300s -q --out="$B" -- "${H[@]}" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 600); do
	[ "$(stat_of execs_done "$B")" -gt "$n" ] 2>/dev/null && break
	sleep 0.1
done
kill -KILL $pid
wait $pid 2>/dev/null
[ -f "$B/.fuzz_state" ] && fail "a campaign killed after its resume left a loop state"
n=$(stat_of execs_done "$B")
fz --fuzz --resume --max-runs=100 --out="$B" -- "${H[@]}"
assert_rc 1
assert_eq $((n + 100)) "$(stat_of execs_done "$B")" "resumed after kill -9: execs_done"
grep -q 'note: --resume: no loop state' "$TMP/fz.stderr" || fail "resumed after kill -9: no note"
assert_eq "$(files_of "$TMP/a/queue")" "$(files_of "$B/queue")" "resumed after kill -9: queue/"
assert_eq 1 "$(jqr '.findings | length' "$B/report.json")" "resumed after kill -9: findings"
assert_eq 1 "$(ls "$B/crashes" | wc -l)" "resumed after kill -9: crashes/"

# SIGINT: report.json, fuzzer_stats and the loop state written (exit 130);
# resumed, the reference's runs after those taken in.
C=$TMP/c
"$FZ" --fuzz --corpus="$TMP/seeds" --budget=300s --seed=7 -q --out="$C" -- "${H[@]}" \
	>/dev/null 2>"$TMP/c.stderr" &
pid=$!
for _ in $(seq 600); do
	[ "$(stat_of execs_done "$C" 2>/dev/null)" -ge 30 ] 2>/dev/null && break
	sleep 0.1
done
kill -INT $pid
wait $pid
assert_eq 130 "$?" "exit status after SIGINT"
for f in report.json fuzzer_stats .fuzz_state; do
	[ -f "$C/$f" ] || fail "no $f after SIGINT"
done
e=$(stat_of execs_done "$C")
assert_eq "$e" "$(jqr .runs "$C/report.json")" "runs after SIGINT: fuzzer_stats against report.json"
if [ "${e:-800}" -lt 790 ]; then
	fz --fuzz --resume --max-runs=$((801 - e)) --out="$C" -- "${H[@]}"
	assert_rc 1
	[ "$(runs_from "$C" 2)" = "$(runs_from "$TMP/a" $((e + 1)))" ] ||
		fail "resumed after SIGINT at $e runs: runs.jsonl differs from the reference's"
	assert_eq "$(files_of "$TMP/a/queue")" "$(files_of "$C/queue")" "resumed after SIGINT: queue/"
	assert_eq 1 "$(ls "$C/crashes" | wc -l)" "resumed after SIGINT: crashes/"
	assert_eq "$(hits "$TMP/a")" "$(hits "$C")" "resumed after SIGINT: the finding's hits"
else
	skip_check "SIGINT came after $e runs: too late to compare"
fi

# The fault schedule dimension: schedules/ read back with the queue.
FF=(--fuzz-mutate=input,faults --snapshot=on)
fz --fuzz --corpus="$TMP/seeds" "${FF[@]}" --max-runs=600 --seed=7 --out="$TMP/fa" -- "$T/fuzz_fault"
[ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "faults reference: exit status $rc"
fz --fuzz --corpus="$TMP/seeds" "${FF[@]}" --max-runs=100 --seed=7 --out="$TMP/fb" -- "$T/fuzz_fault"
[ -n "$(ls "$TMP/fb/schedules")" ] || fail "faults: no schedule after 100 runs (nothing checked)"
fz --fuzz --resume "${FF[@]}" --max-runs=501 --out="$TMP/fb" -- "$T/fuzz_fault"
[ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "faults resumed: exit status $rc"
[ "$(runs_from "$TMP/fb" 2)" = "$(runs_from "$TMP/fa" 101)" ] ||
	fail "faults resumed: runs.jsonl differs from the reference's"
assert_eq "$(files_of "$TMP/fa/queue")" "$(files_of "$TMP/fb/queue")" "faults resumed: queue/"
assert_eq "$(files_of "$TMP/fa/schedules")" "$(files_of "$TMP/fb/schedules")" "faults resumed: schedules/"

# Bad input: exit 2, one line.
assert_refused "nothing to resume" --fuzz --resume --max-runs=10 --out="$TMP/none" -- "${H[@]}"
assert_refused "another command line" --fuzz --resume --max-runs=10 --out="$B" -- /bin/cat
assert_refused "without --fuzz" --resume --max-runs=10 --out="$B" -- "${H[@]}"
mkdir -p "$TMP/nostats/queue" && cp "$TMP/seeds/a" "$TMP/nostats/queue/" || fatal "nostats"
assert_refused "no fuzzer_stats" --fuzz --resume --max-runs=10 --out="$TMP/nostats" -- "${H[@]}"
mkdir -p "$TMP/emptyq/queue" && cp "$B/fuzzer_stats" "$TMP/emptyq/" || fatal "emptyq"
assert_refused "empty queue" --fuzz --resume --max-runs=10 --out="$TMP/emptyq" -- "${H[@]}"
