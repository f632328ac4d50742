#!/bin/bash
# --auto-dict: fuzz_keyword compares its input with the string literal
# "XYZZY=7" (memmem) and crashes on it; it reads its input in one read(),
# so the syscall shape gives random mutation nothing to climb on. With
# --auto-dict the literal comes out of the program's .rodata as a token
# and the extras stage finds the crash within 1,000 runs, in exec and
# snapshot mode; without it, the same --max-runs and --seed do not.
# A program that is not ELF exits 2 with one line.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

mkdir -p "$TMP/seeds" || fatal "mkdir"
printf 'go north' >"$TMP/seeds/a" || fatal "seed"

crashes() {	# WHAT EXPECTED
	assert_eq "$2" "$(jqr '[.findings[] | select(.signal_name == "SIGSEGV")] | length')" \
		"$1: SIGSEGV findings"
	assert_eq "$2" "$(ls "$OUT/crashes" | wc -l)" "$1: files in crashes/"
}

for mode in on off; do
	fz --fuzz --corpus="$TMP/seeds" --auto-dict --max-runs=1000 --seed=7 --snapshot=$mode \
		--out="$OUT" -- "$T/fuzz_keyword"
	assert_rc 1
	crashes "--auto-dict, snapshot=$mode" 1
	grep -q 'XYZZY=7' "$OUT/$(jqr '.findings[0].input')" ||
		fail "--auto-dict, snapshot=$mode: the crash input lacks the keyword"
	ls "$OUT"/crashes/*op:ext_U[OI]* >/dev/null 2>&1 ||
		fail "--auto-dict: the crash not made by the extras stage: $(ls "$OUT/crashes")"
	grep -q "note: --auto-dict: [1-9][0-9]* tokens* from .*fuzz_keyword's .rodata" \
		"$TMP/fz.stderr" || fail "--auto-dict: no note of its tokens"
done
# The ablation: the same budget and seed without it.
fz --fuzz --corpus="$TMP/seeds" --max-runs=1000 --seed=7 --snapshot=on --out="$OUT" \
	-- "$T/fuzz_keyword"
assert_rc 0
crashes "no --auto-dict" 0

# -q: no note.
fz -q --fuzz --corpus="$TMP/seeds" --auto-dict --max-runs=5 --seed=7 --out="$OUT" \
	-- "$T/fuzz_keyword"
grep -q "auto-dict" "$TMP/fz.stderr" && fail "-q --auto-dict: a note on stderr"

# Bad input: a script is not ELF; --auto-dict without --fuzz.
printf '#!/bin/sh\ncat >/dev/null\n' >"$TMP/script.sh" && chmod +x "$TMP/script.sh"
fz --fuzz --corpus="$TMP/seeds" --auto-dict --max-runs=5 --out="$OUT" -- "$TMP/script.sh"
assert_rc 2
assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "not ELF: lines on stderr"
grep -q -- "--auto-dict: cannot read the strings of '$TMP/script.sh'" "$TMP/fz.stderr" ||
	fail "not ELF: $(cat "$TMP/fz.stderr")"
fz --auto-dict --max-runs=5 --out="$OUT" -- "$T/fuzz_keyword"
assert_rc 2
grep -q -- "--auto-dict needs --fuzz" "$TMP/fz.stderr" || fail "--auto-dict alone: $(cat "$TMP/fz.stderr")"
