#!/bin/bash
# --fuzz --dict=FILE: fuzz_keyword crashes only on inputs holding the
# 7-byte keyword "XYZZY=7", and reads its input in one read(), so the
# syscall shape gives random mutation nothing to climb on. With a
# dictionary in AFL++'s format holding the keyword the loop finds the
# crash (the deterministic "extras" stage for a short seed, havoc for a
# long one, a directory of token files as well as a file); without it,
# the same --max-runs and --seed find nothing. A token of a higher level
# (name@1=) is left out unless FILE@1 asks for it. Bad dictionaries exit 2
# with one line naming FILE:LINE.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

mkdir -p "$TMP/short" "$TMP/long" "$TMP/tokens" || fatal "mkdir"
printf 'go north\n' >"$TMP/short/a" || fatal "seed"
head -c 100 /dev/zero | tr '\0' 'n' >"$TMP/long/a" || fatal "seed"
cat >"$TMP/adv.dict" <<'DICT' || fatal "dict"
# AFL++'s format: name="value", a bare "value", escapes, levels
dir_north="north"
magic="XYZZY\x3d7"
"look"
quote="say \"hi\"\\"
deep@1="PLUGH"
DICT
printf 'XYZZY=7' >"$TMP/tokens/magic" && printf 'north' >"$TMP/tokens/dir" &&
	: >"$TMP/tokens/empty" || fatal "tokens"
"$T/fuzz_keyword" <"$TMP/short/a" >/dev/null || fatal "fuzz_keyword fails on its seed"

crashes() {	# WHAT EXPECTED
	assert_eq "$2" "$(jqr '[.findings[] | select(.signal_name == "SIGSEGV")] | length')" \
		"$1: SIGSEGV findings"
	assert_eq "$2" "$(ls "$OUT/crashes" | wc -l)" "$1: files in crashes/"
}

# The short seed: its deterministic stages (about 860 runs), then the
# keyword written over it at each place.
for mode in on off; do
	fz --fuzz --corpus="$TMP/short" --dict="$TMP/adv.dict" --max-runs=1000 --seed=7 \
		--snapshot=$mode --out="$OUT" -- "$T/fuzz_keyword"
	assert_rc 1
	crashes "--dict, snapshot=$mode" 1
	assert_eq run_command "$(jqr '.findings[0].frames[0].function')" "the crash's top frame"
	grep -q 'XYZZY=7' "$OUT/$(jqr '.findings[0].input')" ||
		fail "--dict, snapshot=$mode: the crash input lacks the keyword"
	ls "$OUT"/crashes/*op:ext_U[OI]* >/dev/null 2>&1 ||
		fail "--dict: the crash not made by the extras stage: $(ls "$OUT/crashes")"
done
# The ablation: the same budget and seed, no dictionary, no crash.
fz --fuzz --corpus="$TMP/short" --max-runs=1000 --seed=7 --snapshot=on --out="$OUT" \
	-- "$T/fuzz_keyword"
assert_rc 0
crashes "no --dict" 0

# A seed over 64 bytes gets havoc only: the tokens are among its changes.
# A directory of token files (the empty one skipped, as AFL++ does).
fz --fuzz --corpus="$TMP/long" --dict="$TMP/tokens" --max-runs=500 --seed=7 --snapshot=on \
	--out="$OUT" -- "$T/fuzz_keyword"
assert_rc 1
crashes "--dict=DIR, havoc" 1
ls "$OUT"/crashes/*op:havoc* "$OUT"/crashes/*op:splice* >/dev/null 2>&1 ||
	[ -n "$(ls "$OUT"/crashes/*op:havoc* "$OUT"/crashes/*op:splice* 2>/dev/null)" ] ||
	fail "--dict=DIR: the crash not made by havoc: $(ls "$OUT/crashes")"
fz --fuzz --corpus="$TMP/long" --max-runs=500 --seed=7 --snapshot=on --out="$OUT" \
	-- "$T/fuzz_keyword"
assert_rc 0
crashes "long seed, no --dict" 0

# Levels: PLUGH (level 1) only with FILE@1. A dictionary of it alone,
# at level 0, has no tokens (exit 2).
printf 'deep@1="XYZZY=7"\n' >"$TMP/deep.dict"
fz --fuzz --corpus="$TMP/short" --dict="$TMP/deep.dict" --max-runs=10 --out="$OUT" \
	-- "$T/fuzz_keyword"
assert_rc 2
grep -q "no tokens in" "$TMP/fz.stderr" || fail "level 1 at level 0: $(cat "$TMP/fz.stderr")"
fz --fuzz --corpus="$TMP/short" --dict="$TMP/deep.dict@1" --max-runs=1000 --seed=7 \
	--snapshot=on --out="$OUT" -- "$T/fuzz_keyword"
assert_rc 1
crashes "--dict=FILE@1" 1

# Bad input: exit 2, one line, naming the file (and line).
bad() {	# WHAT EXPECTED-TEXT DICT
	fz --fuzz --corpus="$TMP/short" --dict="$3" --max-runs=10 --out="$OUT" -- "$T/fuzz_keyword"
	assert_rc 2
	assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "$1: lines on stderr"
	grep -qF -- "$2" "$TMP/fz.stderr" || fail "$1: stderr lacks '$2': $(cat "$TMP/fz.stderr")"
}
printf '# ok\nk="ok"\nk="no end\n' >"$TMP/bad1.dict"
bad "no closing quote" "$TMP/bad1.dict:3: malformed" "$TMP/bad1.dict"
printf 'k=ok"\n' >"$TMP/bad2.dict"
bad "no opening quote" "$TMP/bad2.dict:1: malformed" "$TMP/bad2.dict"
printf '\nk="a\\qb"\n' >"$TMP/bad3.dict"
bad "bad escape" "$TMP/bad3.dict:2: a bad escape" "$TMP/bad3.dict"
printf 'k="%s"\n' "$(head -c 129 /dev/zero | tr '\0' x)" >"$TMP/big.dict"
bad "token over 128 bytes" "$TMP/big.dict:1: a token of 129 bytes" "$TMP/big.dict"
mkdir -p "$TMP/bigdir" && head -c 129 /dev/zero >"$TMP/bigdir/t"
bad "token file over 128 bytes" "$TMP/bigdir/t: a token of 129 bytes" "$TMP/bigdir"
bad "missing file" "cannot read '$TMP/none.dict'" "$TMP/none.dict"
if [ "$(id -u)" != 0 ]; then
	cp "$TMP/adv.dict" "$TMP/locked.dict" && chmod 000 "$TMP/locked.dict"
	bad "unreadable file" "cannot read '$TMP/locked.dict'" "$TMP/locked.dict"
fi
fz --dict="$TMP/adv.dict" --max-runs=10 --out="$OUT" -- "$T/fuzz_keyword"
assert_rc 2
grep -q -- "--dict needs --fuzz" "$TMP/fz.stderr" || fail "--dict alone: $(cat "$TMP/fz.stderr")"
