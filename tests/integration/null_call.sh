#!/bin/bash
# A crash from a call through a NULL function pointer keeps its caller:
# frame 0 is the bad pc (0, in no module), then the function that made the
# call at the call's line, then main, as gdb shows it; at -O0 (where
# libdwfl alone skipped the caller by following rbp) and -O2 (where it
# stopped at frame 0). Two call sites are two findings: their keys differ
# (before, every NULL call in any program was "signal:11|+0x0"). A call
# into data (mapped, not executable) is unwound the same way. Wild
# pointers of two values from one call site are one finding (its pc in
# no file is no part of the key).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

src=${top_srcdir:-$(dirname "$0")/../..}/tests/targets/null_call.c
for which in a b c; do
	printf '%s' "$which" >"$TMP/in_$which"
	# The line of dispatch_X's call through the pointer.
	line=$(awk -v f="dispatch_$which" '$0 ~ f "\\(" { in_f = 1 }
		in_f && /[])]\(\);/ { print NR; exit }' "$src")
	[ -n "$line" ] || fatal "no call line for dispatch_$which in $src"
	eval "line_$which=$line"
done

for prog in null_call null_call_O2; do
	for which in a b c; do
		rm -rf "$OUT"
		fz --inject=none --stdin="$TMP/in_$which" --out="$OUT" -- "$T/$prog"
		assert_rc 139
		assert_eq 1 "$(jqr '.findings | length')" "$prog $which: findings"
		fr='.findings[0].frames'
		if [ "$which" = c ]; then
			assert_eq not_code "$(jqr "$fr[0].function")" "$prog $which: frame 0"
		else
			assert_eq "0x0 ??" "$(jqr "$fr[0] | \"\\(.pc) \\(.function)\"")" "$prog $which: frame 0"
		fi
		assert_eq "dispatch_$which" "$(jqr "$fr[1].function")" "$prog $which: frame 1"
		assert_eq null_call.c "$(basename -- "$(jqr "$fr[1].file")")" "$prog $which: frame 1 file"
		eval "want=\$line_$which"
		assert_eq "$want" "$(jqr "$fr[1].line")" "$prog $which: frame 1 line"
		assert_eq main "$(jqr "$fr[2].function")" "$prog $which: frame 2"
		eval "key_$which=\$(jqr '.findings[0].key')"
	done
	case "$key_a" in
	*"|dispatch_a@$prog|main@$prog"*) ;;
	*) fail "$prog: key of a lacks the caller: $key_a" ;;
	esac
	[ "$key_a" != "$key_b" ] || fail "$prog: two call sites, one key: $key_a"
	for v in 12 34; do
		printf "w$v" >"$TMP/in_w"
		rm -rf "$OUT"
		fz --inject=none --stdin="$TMP/in_w" --out="$OUT" -- "$T/$prog"
		assert_rc 139
		assert_eq dispatch_w "$(jqr '.findings[0].frames[1].function')" "$prog w$v: frame 1"
		eval "pc_$v=\$(jqr '.findings[0].frames[0].pc')"
		eval "key_$v=\$(jqr '.findings[0].key')"
	done
	[ "$pc_12" != "$pc_34" ] || fail "$prog: two wild values, one pc: $pc_12"
	assert_eq "$key_12" "$key_34" "$prog: the key of two wild values"
done
assert_no_stray null_call null_call_O2
