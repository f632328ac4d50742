#!/bin/bash
# The proc class (issue 12): a program that ignores pthread_create's
# failure and uses what the thread should have made crashes when the
# kernel refuses the clone; --inject=proc finds it at -O0 and -O2 -g, with
# the faulting frame, and its replay reproduces. A program that handles
# every proc failure (threads, fork, execve, posix_spawn, pipe, pipe2, dup,
# fcntl F_DUPFD_CLOEXEC) gives no finding although faults were injected.
# --fault names only faults a call really gets: dup2 never gets EMFILE.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

"$FZ" --list-classes | grep -q "^proc	optional	" || fail "proc is not an optional class"

for target in proc_unchecked proc_unchecked_O2; do
	out=$TMP/$target
	fz --inject=proc --out="$out" -- "$T/$target"
	assert_rc 1
	R=$out/report.json
	assert_eq 1 "$(jqr '.findings | length' "$R")" "$target: findings"
	assert_eq SIGSEGV "$(jqr '.findings[0].signal_name' "$R")" "$target: signal"
	sel=$(finding_with print_result)
	assert_eq print_result "$(jqr "$(top_frame "$sel") | .function" "$R")" "$target: faulting frame"
	call=$(jqr "$sel | .[0].faults[0].call" "$R")
	case $call in clone|clone3) ;; *) fail "$target: faulted call '$call', not clone or clone3" ;; esac
	fault=$(jqr "$sel | .[0].faults[0].fault" "$R")
	case $fault in EAGAIN|ENOMEM) ;; *) fail "$target: fault '$fault'" ;; esac
	assert_eq main "$(jqr "$sel | .[0].faults[0].caller" "$R")" "$target: the clone's caller"
	[ "$(jqr '.faults_injected.proc' "$R")" -gt 0 ] || fail "$target: no proc fault counted"
	id=$(jqr "$sel | .[0].id" "$R")
	fz --replay="$R#$id" --out="$TMP/replay-$target"
	grep -q '^replay: reproduced' "$TMP/fz.stdout" "$TMP/fz.stderr" ||
		fail "$target: replay did not reproduce: $(cat "$TMP/fz.stderr")"
	assert_no_stray "$target"
done

fz --inject=proc --out="$TMP/robust" -- "$T/proc_robust"
assert_rc 0
R=$TMP/robust/report.json
assert_eq 0 "$(jqr '.findings | length' "$R")" "proc_robust: findings"
n=$(jqr '.faults_injected.proc' "$R")
[ "$n" -ge 8 ] || fail "proc_robust: only $n proc faults injected"
# Each kind of call was failed in some run.
# glibc's pipe() is the pipe2 syscall.
for call in pipe2 dup fcntl execve; do
	jq -e --arg c "$call" 'any(.sites[]; .call == $c)' "$R" >/dev/null ||
		fail "proc_robust: no $call site"
done
assert_no_stray proc_robust

# all = every class.
fz --inject=all --max-runs=1 --out="$TMP/all" -- "$T/proc_robust"
assert_eq "$("$FZ" --list-classes | cut -f1 | tr '\n' ',' | sed 's/,$//')" \
	"$(jqr '.faults_injected | keys_unsorted | join(",")' "$TMP/all/report.json")" "--inject=all"

# Bad input: exit 2, one line naming the call and what it can take.
fz --inject=proc --fault=dup2:EMFILE -- "$T/proc_robust"
assert_rc 2
assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "stderr lines for dup2:EMFILE"
grep -q "dup2 never fails with EMFILE; faults dup2 can take: none" "$TMP/fz.stderr" ||
	fail "dup2:EMFILE: $(cat "$TMP/fz.stderr")"
fz --inject=proc --fault=pipe:EAGAIN -- "$T/proc_robust"
assert_rc 2
grep -q "pipe never fails with EAGAIN; faults pipe can take: EMFILE" "$TMP/fz.stderr" ||
	fail "pipe:EAGAIN: $(cat "$TMP/fz.stderr")"
