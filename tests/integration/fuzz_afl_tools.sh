#!/bin/bash
# afl-showmap, afl-cmin and afl-tmin (Debian's afl++) work on a --fuzz
# campaign's OUT, with an afl-cc build of the same source run outside
# fzsandbox (the loop itself fuzzes the uninstrumented build): queue/'s
# entries give afl-showmap maps of their own, afl-cmin keeps both (the
# entry fzsandbox kept by its syscall shape reaches edges the seed does
# not), afl-showmap sees crashes/'s input crash, and afl-tmin shrinks it
# to the 3 bytes that matter. Skips without afl++ or when afl-cc cannot
# build.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

for tool in afl-cc afl-showmap afl-cmin afl-tmin; do
	command -v $tool >/dev/null 2>&1 ||
		skip "$tool not installed (Debian's afl++; ./quickstart installs it)"
done
SRC=${top_srcdir:-$(dirname "$0")/../..}
AFLBIN=$TMP/fuzz_header.afl
AFL_QUIET=1 afl-cc -O1 -g -o "$AFLBIN" "$SRC/tests/targets/fuzz_header.c" >"$TMP/afl-cc.log" 2>&1 ||
	skip "afl-cc cannot build here: $(tail -1 "$TMP/afl-cc.log")"
# The test's directories are under /tmp, which afl-cmin refuses unless told.
export AFL_ALLOW_TMP=1 AFL_QUIET=1 AFL_NO_UI=1

mkdir -p "$TMP/seeds" || fatal "mkdir"
printf 'FY\004abcd' >"$TMP/seeds/a" || fatal "seed"
fz --fuzz --corpus="$TMP/seeds" --max-runs=400 --seed=7 --snapshot=on --out="$OUT" \
	-- "$T/fuzz_header"
assert_rc 1
q0=$(ls -d "$OUT"/queue/id:000000,* | head -1)
q1=$(ls -d "$OUT"/queue/id:000001,* | head -1)
crash=$(ls -d "$OUT"/crashes/id:000000,* | head -1)
[ -f "$q0" ] && [ -f "$q1" ] && [ -f "$crash" ] || fatal "the campaign left no queue/crash files"

# afl-showmap: one input at a time (exit 0), a whole queue (-C), a crash (2).
afl-showmap -q -o "$TMP/m0" -- "$AFLBIN" <"$q0" || fail "afl-showmap on the seed: status $?"
afl-showmap -q -o "$TMP/m1" -- "$AFLBIN" <"$q1" || fail "afl-showmap on the kept entry: status $?"
[ -s "$TMP/m0" ] || fail "afl-showmap: an empty map for the seed"
cmp -s "$TMP/m0" "$TMP/m1" && fail "afl-showmap: the kept entry's map is the seed's"
[ "$(wc -l <"$TMP/m1")" -gt "$(wc -l <"$TMP/m0")" ] ||
	fail "afl-showmap: the entry past the magic reaches no more edges than the seed"
afl-showmap -C -i "$OUT/queue" -o "$TMP/mall" -- "$AFLBIN" >"$TMP/showmap.log" 2>&1 ||
	fail "afl-showmap -C -i queue: status $?: $(tail -2 "$TMP/showmap.log")"
[ -s "$TMP/mall" ] || fail "afl-showmap -C: no map"
afl-showmap -q -o "$TMP/mc" -- "$AFLBIN" <"$crash"
assert_eq 2 "$?" "afl-showmap's status on crashes/'s input (2: crashed)"

# afl-cmin: both entries are needed, on stdin and as @@.
for at in "" "@@"; do
	rm -rf "$TMP/cmin"
	afl-cmin -i "$OUT/queue" -o "$TMP/cmin" -- "$AFLBIN" $at >"$TMP/cmin.log" 2>&1 ||
		fail "afl-cmin ${at:-stdin}: status $?: $(tail -2 "$TMP/cmin.log")"
	assert_eq 2 "$(ls "$TMP/cmin" 2>/dev/null | wc -l)" "afl-cmin ${at:-stdin}: inputs kept"
done

# afl-tmin: the crash input down to "FZ" and a length byte above 16.
afl-tmin -i "$crash" -o "$TMP/tmin" -- "$AFLBIN" >"$TMP/tmin.log" 2>&1 ||
	fail "afl-tmin: status $?: $(tail -2 "$TMP/tmin.log")"
assert_eq 3 "$(wc -c <"$TMP/tmin" 2>/dev/null)" "afl-tmin: bytes left"
assert_eq FZ "$(head -c 2 "$TMP/tmin" 2>/dev/null)" "afl-tmin: the magic"
