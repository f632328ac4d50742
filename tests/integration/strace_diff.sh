#!/bin/bash
# Differential test against strace -e inject (issue 12). Where a bare
# errno is also what fzsandbox gives (read EIO, openat EACCES/EMFILE/ENFILE,
# write EIO, fsync EIO, mkdir/unlinkat/renameat2 EIO), the same fault at
# the same call makes coreutils exit with the same status and print the
# same stdout and stderr under both. Occurrences are translated: strace's
# when=N counts every call of that syscall from exec, the loader's
# included; fzsandbox's @N counts from the entry point unless --from=exec,
# so the pinned runs use --from=exec --no-sandbox (no jail, same cwd) and
# the same N (the targets are single-threaded: strace counts per thread,
# fzsandbox @N per call in the whole program). An occurrence where
# fzsandbox does not inject the fault (not faithful there) is not compared.
# Then, per class, a case where strace's bare errno is one the kernel
# cannot produce and fzsandbox's is faithful (tests/targets/strace_diff.c):
# fs: a full disk takes what fits first; close's fd is released even when
# close fails; io: a regular-file read never gets EINTR; net: a refused
# non-blocking connect is EINPROGRESS then SO_ERROR; proc: dup2 never
# gives EMFILE.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v strace >/dev/null || skip "strace is not installed (Debian: apt-get install strace)"
command -v jq >/dev/null || skip "jq is not installed"
strace -qq -o /dev/null -e inject=getpid:error=EIO true 2>"$TMP/st.err" ||
	skip "strace cannot trace or inject here: $(head -n1 "$TMP/st.err")"

W=$TMP/w
mkdir -p "$W" || fatal "mkdir $W"
SD=$T/strace_diff

# A fresh working directory for every run: in.txt, a.txt, f.txt, no more.
reset_w() {
	rm -rf "${W:?}"/* && printf 'hello\nworld\n' >"$W/in.txt" && cp "$W/in.txt" "$W/a.txt" &&
		cp "$W/in.txt" "$W/f.txt" || fatal "reset $W"
}

# strace's log of CALL for PROG..., one line per call (signals and exits
# left out): the occurrences as when= counts them.
strace_calls() {
	local call=$1
	shift
	reset_w
	(cd "$W" && strace -f -qq -o "$TMP/trace.log" -e trace="$call" -e signal=none "$@" \
		2>&1 </dev/null | cat >/dev/null)
	grep -v -e ' +++ ' -e ' --- ' "$TMP/trace.log"
}

# Run PROG... under strace with CALL failed by ERR at occurrence N:
# S_RC, TMP/s.out, TMP/s.err. Its stdout and stderr are pipes, as under
# fzsandbox: cat copies to a regular file with copy_file_range, not
# read and write.
mkfifo "$TMP/out.fifo" "$TMP/err.fifo" || fatal "mkfifo"
strace_run() {
	local call=$1 err=$2 n=$3 p1 p2
	shift 3
	reset_w
	cat <"$TMP/out.fifo" >"$TMP/s.out" &
	p1=$!
	cat <"$TMP/err.fifo" >"$TMP/s.err" &
	p2=$!
	(cd "$W" && exec strace -f -qq -o /dev/null -e inject="$call:error=$err:when=$n" "$@" \
		>"$TMP/out.fifo" 2>"$TMP/err.fifo" </dev/null)
	S_RC=$?
	wait "$p1" "$p2"
}

# The same under fzsandbox: F_RC (the program's exit status, 128+signal),
# F_HIT (1 if the fault was injected), TMP/f.out, TMP/f.err.
fz_run() {
	local call=$1 err=$2 n=$3 outcome sig
	shift 3
	reset_w
	rm -rf "$TMP/o"
	FZ_CWD=$W fz --no-sandbox --from=exec --fault="$call:$err@$n" --out="$TMP/o" -- "$@"
	[ "$rc" -le 1 ] || fail "fzsandbox --fault=$call:$err@$n -- $*: exit $rc"
	F_HIT=$(jq -r '.faults | length' "$TMP/o/runs.jsonl")
	outcome=$(jq -r .outcome "$TMP/o/runs.jsonl")
	case $outcome in
	"exit "*) F_RC=${outcome#exit } ;;
	"signal "*)
		sig=${outcome#signal SIG}
		F_RC=$((128 + $(kill -l "${sig%% *}")))
		;;
	*) F_RC="$outcome" ;;
	esac
	cp "$TMP/o/run/stdout" "$TMP/f.out" && cp "$TMP/o/run/stderr" "$TMP/f.err" ||
		fail "$call:$err@$n: no run/stdout or run/stderr"
}

# Plain errno cases: every occurrence of CALL (the first 6) in PROG...
compared=0
plain() {
	local call=$1 err=$2 n count same=0
	shift 2
	count=$(strace_calls "$call" "$@" | wc -l)
	[ "$count" -ge 1 ] || { fail "$*: no $call call in strace's log"; return; }
	[ "$count" -le 6 ] || count=6
	for n in $(seq 1 "$count"); do
		fz_run "$call" "$err" "$n" "$@"
		[ "$F_HIT" -ge 1 ] || continue
		strace_run "$call" "$err" "$n" "$@"
		assert_eq "$S_RC" "$F_RC" "$* with $call $err at $n: exit status"
		cmp -s "$TMP/s.out" "$TMP/f.out" ||
			fail "$* with $call $err at $n: stdout differs: $(diff "$TMP/s.out" "$TMP/f.out" | head -4)"
		cmp -s "$TMP/s.err" "$TMP/f.err" ||
			fail "$* with $call $err at $n: stderr differs: $(diff "$TMP/s.err" "$TMP/f.err" | head -4)"
		same=$((same + 1))
	done
	[ "$same" -ge 1 ] || fail "$* with $call $err: fzsandbox injected at none of $count occurrences"
	compared=$((compared + same))
}

plain read EIO /usr/bin/cat in.txt
plain openat EACCES /usr/bin/cat in.txt
plain openat EMFILE /usr/bin/cat in.txt
plain read EIO /usr/bin/sha256sum in.txt
plain openat ENFILE /usr/bin/sha256sum in.txt
plain read EIO /usr/bin/sort in.txt
plain write EIO /usr/bin/dd if=in.txt of=out.txt status=none
plain fsync EIO /usr/bin/dd if=in.txt of=out.txt conv=fsync status=none
plain mkdir EIO /usr/bin/mkdir d
plain unlinkat EIO /usr/bin/rm f.txt
plain renameat2 EIO /usr/bin/mv a.txt b.txt
echo "$compared occurrences compared with strace"
[ "$compared" -ge 15 ] || fail "only $compared occurrences compared"

# The occurrence of CALL (from exec) whose strace line matches REGEX: the
# first, or the last with "last".
nth() {
	local call=$1 re=$2 which=$3
	shift 3
	strace_calls "$call" "$@" | grep -n -E "$re" | { [ "$which" = last ] && tail -n1 || head -n1; } |
		cut -d: -f1
}

# fs: a write that fills the disk takes what fits first; strace fails the
# whole write.
n=$(nth write 'write\(3' first "$SD" enospc out.bin)
fz_run write ENOSPC "$n" "$SD" enospc out.bin
strace_run write ENOSPC "$n" "$SD" enospc out.bin
assert_eq 1 "$F_HIT" "enospc: fzsandbox injected"
assert_eq "write 8: 4
write rest: -1 ENOSPC" "$(cat "$TMP/f.out")" "enospc: fzsandbox's writes"
assert_eq "write 8: -1 ENOSPC" "$(cat "$TMP/s.out")" "enospc: strace's write"

# fs: close fails with the descriptor released (close(2)); strace skips
# the call, so the fd stays open, which the kernel never does.
n=$(nth close 'close\(3' last "$SD" close out.bin)
for err in EIO EINTR; do
	fz_run close "$err" "$n" "$SD" close out.bin
	strace_run close "$err" "$n" "$SD" close out.bin
	assert_eq 1 "$F_HIT" "close $err: fzsandbox injected"
	assert_eq "close: -1 $err
fd after close: closed" "$(cat "$TMP/f.out")" "close $err: fzsandbox"
	assert_eq "close: -1 $err
fd after close: open" "$(cat "$TMP/s.out")" "close $err: strace"
done

# io: a regular-file read is never interrupted (signal(7)); strace makes
# it EINTR, fzsandbox does not inject it.
n=$(nth read 'read\(3, .*4095\)' first "$SD" eintr in.txt)
fz_run read EINTR "$n" "$SD" eintr in.txt
strace_run read EINTR "$n" "$SD" eintr in.txt
assert_eq 0 "$F_HIT" "eintr: fzsandbox injected EINTR on a regular file"
assert_eq 0 "$F_RC" "eintr: fzsandbox's run"
assert_eq 3 "$S_RC" "eintr: strace's run (the target exits 3 on EINTR)"

# net: a refusal the kernel makes: a non-blocking connect is EINPROGRESS,
# then SO_ERROR says ECONNREFUSED; strace's bare errno leaves SO_ERROR 0.
n=$(nth connect 'connect\(' first "$SD" connect)
fz_run connect ECONNREFUSED "$n" "$SD" connect
strace_run connect ECONNREFUSED "$n" "$SD" connect
assert_eq 1 "$F_HIT" "connect: fzsandbox injected"
assert_eq "connect: -1 EINPROGRESS" "$(sed -n 1p "$TMP/f.out")" "connect: fzsandbox's connect"
assert_eq "SO_ERROR: ECONNREFUSED" "$(sed -n 3p "$TMP/f.out")" "connect: fzsandbox's SO_ERROR"
assert_eq "connect: -1 ECONNREFUSED" "$(sed -n 1p "$TMP/s.out")" "connect: strace's connect"
assert_eq "SO_ERROR: 0" "$(sed -n 3p "$TMP/s.out")" "connect: strace's SO_ERROR"

# proc: dup2 never gives EMFILE (dup2(2)): strace injects it, fzsandbox
# refuses the spec (exit 2, naming the call).
n=$(nth dup2 'dup2\(' first "$SD" dup2)
strace_run dup2 EMFILE "$n" "$SD" dup2
assert_eq 3 "$S_RC" "dup2: strace's run (the target exits 3 on EMFILE)"
FZ_CWD=$W fz --no-sandbox --from=exec --fault="dup2:EMFILE@$n" --out="$TMP/o" -- "$SD" dup2
assert_rc 2
grep -q "dup2 never fails with EMFILE" "$TMP/fz.stderr" || fail "dup2: $(cat "$TMP/fz.stderr")"

exit 0
