#!/bin/bash
# Issue 11: a program whose own SIGSEGV handler logs and re-raises (or
# crashes itself) is reported at the fault, not in the handler: the stack
# is taken when the kernel delivers the first SIGSEGV, before the handler
# runs; the handler's fate is a note. At -O0 and -O2 -g.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

# $1 program, $2 mode, $3 the handler function, $4 text the note must hold.
check_handler() {
	local out=$OUT.$(basename "$1").$2 sel='[.findings[] | select(.kind == "signal")]' note

	fz --inject=alloc --out="$out" -- "$1" "$2"
	assert_rc 1
	assert_eq 1 "$(jqr '.findings | length' "$out/report.json")" "$(basename "$1") $2: findings"
	assert_eq SIGSEGV "$(jqr "$sel | .[0].signal_name" "$out/report.json")" "$(basename "$1") $2: signal"
	assert_eq dup_word "$(jqr "$(top_frame "$sel") | .function" "$out/report.json")" \
		"$(basename "$1") $2: top non-system frame"
	# The fault the kernel raised (si_code 1: SEGV_MAPERR), not the re-raise.
	case "$(jqr "$sel | .[0].detail" "$out/report.json")" in
	*"si_code 1, address"*) ;;
	*) fail "$(basename "$1") $2: detail is not the first fault's" ;;
	esac
	[ "$(jqr "[$sel | .[0].frames[].function] | index(\"$3\")" "$out/report.json")" = null ] ||
		fail "$(basename "$1") $2: the handler $3 is in the finding's stack"
	note=$(jqr "$sel | .[0].note // \"\"" "$out/report.json")
	case "$note" in
	*"$4"*) ;;
	*) fail "$(basename "$1") $2: note '$note' lacks '$4'" ;;
	esac
}

for prog in "$T/oom_policy" "$T/oom_policy_o2"; do
	check_handler "$prog" segv_handler on_segv "died of SIGSEGV"
	check_handler "$prog" handler_crash on_segv_crash "in on_segv_crash"
done
assert_no_stray oom_policy oom_policy_o2
