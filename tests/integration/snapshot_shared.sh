#!/bin/bash
# What a snapshot child shares with its template beyond offsets and flags
# (snapshot/epoll_state.c, child_calls.c, fdstate.c; docs/snapshots.md,
# "What each run gets back"): snap_shared sets up, before its point, an
# epoll instance (an EPOLLONESHOT entry, a plain one, a socket's), a
# socket option, two timers and a flock() lock; every run checks it finds
# them as the template left them (it aborts otherwise, naming each
# difference on stderr) and then changes them all (epoll_ctl DEL, MOD,
# ADD, a wait that disarms the ONESHOT entry, setsockopt also through a
# dup, timerfd_settime, flock LOCK_EX or LOCK_UN, fcntl O_NONBLOCK).
# - --random runs (faults anywhere) and a --fuzz campaign from the
#   template, in the jail and without it: no run aborts, and most runs
#   made their changes (ran without a fault to its end);
# - an epoll service (snap_epsvc) whose runs that exit on a failed reply
#   leave its EPOLLONESHOT listening entry disarmed: every later run
#   without a fault is still woken and replies;
# - a run that adds a descriptor of the template to the epoll instance
#   under a number of its own (a dup): the template cannot name that
#   entry, so the campaign is refused, exit 2, one line; with
#   --snapshot=auto it goes on in exec mode after that run, with one note,
#   and no later run finds the template's state changed.
# Each restore was checked to be needed: with it disabled (a scratch
# build) the runs abort naming what they found changed.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

chmod 755 "$TMP" || fatal "chmod $TMP"	# the jail's user opens the lock file
: >"$TMP/lockf" && chmod 644 "$TMP/lockf" || fatal "lock file"
at=(--snapshot-at=syscall:getppid)
# A run whose calls all went through, to its end (it printed "changed").
whole='[inputs | select(.faults == [] and .outcome == "exit 0")] | length'

for jail in --sandbox --no-sandbox; do
	# The input's first byte: odd takes the lock exclusively, even drops it.
	for b in a b; do
		printf %s "$b" >"$TMP/in"
		fz $jail --inject=io "${at[@]}" --stdin="$TMP/in" --random --max-runs=50 --seed=5 \
			--out="$OUT" -- "$T/snap_shared" "$TMP/lockf"
		assert_rc 0
		assert_eq 0 "$(jqr '.findings | length')" "$jail '$b': findings"
		grep -h 'not as the template' "$OUT"/findings/*/stderr 2>/dev/null
		assert_eq 50 "$(wc -l <"$OUT/runs.jsonl")" "$jail '$b': runs"
		n=$(jq -n "$whole" "$OUT/runs.jsonl")
		[ "$n" -ge 20 ] || fail "$jail '$b': only $n runs made their changes"
		assert_no_stray snap_shared
	done
done

mkdir -p "$TMP/seeds" && printf a >"$TMP/seeds/a" && printf b >"$TMP/seeds/b" || fatal "seeds"
fz --fuzz --corpus="$TMP/seeds" --max-runs=100 --seed=3 "${at[@]}" --out="$OUT" \
	-- "$T/snap_shared" "$TMP/lockf"
assert_rc 0
assert_eq "fork snapshot" "$(sed -n 's/^target_mode *: //p' "$OUT/fuzzer_stats")" \
	"--fuzz: target_mode"
assert_eq 0 "$(jqr '.findings | length')" "--fuzz: findings"
n=$(jq -n "$whole" "$OUT/runs.jsonl")
[ "$n" -ge 50 ] || fail "--fuzz: only $n runs made their changes"

# The issue's service: snap_epsvc's listening entry is EPOLLONESHOT,
# re-armed once a connection is served; a run that exits on a failed
# reply (a fault) leaves it disarmed in the template. Put back, every
# later run without a fault is woken and replies to both requests (not
# put back, none is: verified with the restore disabled).
printf 'hello\n' >"$TMP/req1" || fatal "req1"
fz --inject=io --snapshot=on --random --max-runs=30 --seed=4 --request="$TMP/req1" \
	--request="$TMP/req1" --out="$OUT" -- "$T/snap_epsvc"
assert_rc 0
exits=$(jq -n '[inputs | select(.outcome == "exit 1")] | length' "$OUT/runs.jsonl")
[ "$exits" -ge 1 ] || fail "snap_epsvc: no run exited with its entry disarmed"
assert_eq "[]" "$(jq -nc '[inputs | select(.faults == [] and .service.replied != 2) | .run]' \
	"$OUT/runs.jsonl")" "snap_epsvc: runs without a fault that did not reply to both requests"
n=$(jq -n '[inputs | select(.faults == [])] | length' "$OUT/runs.jsonl")
[ "$n" -ge 10 ] || fail "snap_epsvc: only $n runs without a fault"
assert_no_stray snap_epsvc

# An entry the template cannot name: refused, never run from.
printf a >"$TMP/in"
fz --inject=io "${at[@]}" --stdin="$TMP/in" --random --max-runs=20 --out="$OUT" \
	-- "$T/snap_shared" "$TMP/lockf" refuse
assert_rc 2
line='snapshot: a run added the entry of descriptor [0-9]* in the template.s epoll instance'
assert_eq 1 "$(grep -c "$line" "$TMP/fz.stderr")" "refused: the line naming the entry"
assert_no_stray snap_shared
fz --inject=io "${at[@]}" --snapshot=auto --stdin="$TMP/in" --random --max-runs=20 \
	--out="$OUT" -- "$T/snap_shared" "$TMP/lockf" refuse
assert_rc 0
assert_eq 1 "$(grep -c "note: --snapshot=auto: ${line#snapshot: }.*the runs after this one exec" \
	"$TMP/fz.stderr")" "auto: the note naming the entry"
assert_eq 20 "$(wc -l <"$OUT/runs.jsonl")" "auto: runs made"
assert_eq 0 "$(jqr '.findings | length')" "auto: findings (a run that found the template changed)"
assert_no_stray snap_shared
