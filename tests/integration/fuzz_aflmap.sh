#!/bin/bash
# --fuzz with AFL++'s edge map as feedback: fuzz_magic crashes only past
# the 4-byte magic "EQIa", compared byte by byte after one read(), so
# every input makes the same syscalls and the shape sees nothing. Built
# with Debian's afl-cc here, the loop reads the map the runtime shmats
# (in the jail's IPC namespace; without the jail, ours) and climbs the
# magic byte by byte: the crash within 2,000 runs, in snapshot and exec
# mode, without the jail (with fds 198/199 open in fzsandbox's caller:
# the runtime must not see a forkserver), with -j2 and with a map past
# 64 KiB (AFL_MAP_SIZE). With
# --feedback=shape, the same seed and budget do not find it. The plain
# build works as before: no map, the same runs as --feedback=shape;
# --feedback=afl refuses it. Stability is the edge map's: 100% for
# fuzz_magic, below it for a program whose edges follow its pid, whose
# variable edges never make an input new. Skips without afl-cc.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v afl-cc >/dev/null 2>&1 || skip "afl-cc not installed (Debian's afl++; ./quickstart installs it)"
AFLBIN=$TMP/fuzz_magic.afl
AFL_QUIET=1 afl-cc -O1 -o "$AFLBIN" "$SRC/tests/targets/fuzz_magic.c" >"$TMP/afl-cc.log" 2>&1 ||
	skip "afl-cc cannot build here: $(tail -1 "$TMP/afl-cc.log")"

declare -A edges
mkdir -p "$TMP/seeds" || fatal "mkdir"
printf 'AAAA' >"$TMP/seeds/a" || fatal "seed"

stat_of() {	# FIELD: its value in OUT/fuzzer_stats
	sed -n "s/^$1 *: //p" "$OUT/fuzzer_stats"
}

found() {	# WHAT [SIZE]: one SIGSEGV finding, its input past the magic
	assert_rc 1
	assert_eq 1 "$(jqr '[.findings[] | select(.signal_name == "SIGSEGV")] | length')" \
		"$1: SIGSEGV findings"
	assert_eq EQIa "$(head -c 4 "$OUT/$(jqr '.findings[0].input')" 2>/dev/null)" \
		"$1: the crash input's magic"
	assert_eq "${2:-65536}" "$(stat_of total_edges)" "$1: fuzzer_stats total_edges (the AFL map's size)"
	[ "$(stat_of edges_found)" -ge 5 ] 2>/dev/null ||
		fail "$1: edges_found $(stat_of edges_found): the AFL map's edges not counted"
	grep -q "^fzsandbox: fuzz: .* cells=[0-9]* edges=[0-9]* stability=" "$TMP/fz.stderr" ||
		fail "$1: no edges= in the status line: $(grep 'fuzz:' "$TMP/fz.stderr" | tail -1)"
}

not_found() {	# WHAT
	assert_rc 0
	assert_eq 0 "$(ls "$OUT/crashes" | wc -l)" "$1: files in crashes/"
	assert_eq 4096 "$(stat_of total_edges)" "$1: fuzzer_stats total_edges (the shape's cells)"
}

for mode in on off; do
	fz --fuzz --corpus="$TMP/seeds" --max-runs=2000 --seed=1 --snapshot=$mode \
		--stop-on-finding --out="$OUT" -- "$AFLBIN"
	found "AFL map, snapshot=$mode"
	edges[$mode]=$(stat_of edges_found)
	fz --fuzz --corpus="$TMP/seeds" --max-runs=2000 --seed=1 --snapshot=$mode \
		--feedback=shape --out="$OUT" -- "$AFLBIN"
	not_found "--feedback=shape, snapshot=$mode"
done

# Without the jail: our own segment. AFL++'s runtime would take fds
# 198/199 for a forkserver and never crash (its read of 198 fails).
# The jail's map, read through the template or each process at its end
# (the crash's at its signal), sees the edges our own attachment sees.
for mode in on off; do
	{ fz --fuzz --corpus="$TMP/seeds" --max-runs=2000 --seed=1 --snapshot=$mode \
		--no-sandbox --stop-on-finding --out="$OUT" -- "$AFLBIN"; } 198</dev/null 199>/dev/null
	found "AFL map, --no-sandbox, snapshot=$mode"
	assert_eq "${edges[$mode]}" "$(stat_of edges_found)" \
		"snapshot=$mode: edges_found without the jail (with it: ${edges[$mode]})"
done
fz --fuzz --corpus="$TMP/seeds" --max-runs=2000 --seed=1 --snapshot=on -j2 \
	--out="$OUT" -- "$AFLBIN"
found "AFL map, -j2"
# A map past 64 KiB asked for (instrumented libraries): the segment is
# that big, the program gets AFL_MAP_SIZE with it, the map still read.
fz --fuzz --corpus="$TMP/seeds" --max-runs=2000 --seed=1 --snapshot=off \
	--setenv=AFL_MAP_SIZE=131072 --stop-on-finding --out="$OUT" -- "$AFLBIN"
found "AFL_MAP_SIZE=131072" 131072

# Stability on the edge map: fuzz_magic's edges never vary (100%); a
# program whose branch follows its pid's parity varies in two edges
# every calibration sees (the shape does not: the same calls either
# way), so its entries are variable, var_byte_count counts edges and
# those edges never make an input new (the queue stays the seed).
assert_eq 100.00% "$(stat_of stability)" "fuzz_magic: stability"
cat >"$TMP/vary.c" <<'EOF_C' || fatal "vary.c"
#include <unistd.h>
static volatile int sink;
__attribute__((noinline)) static void odd(void) { sink += 1; }
__attribute__((noinline)) static void even(void) { sink += 2; }
int main(void)
{
	char b[16];
	ssize_t n = read(0, b, sizeof(b));

	if (getpid() & 1)
		odd();
	else
		even();
	return n < 0;
}
EOF_C
AFL_QUIET=1 afl-cc -O1 -o "$TMP/vary.afl" "$TMP/vary.c" >"$TMP/afl-cc.log" 2>&1 ||
	fatal "afl-cc vary.c: $(tail -1 "$TMP/afl-cc.log")"
# With a fork per run (in the jail's pid namespace the template's
# children have consecutive pids) the parity changes every run, so
# calibration always sees it; exec mode gives each run the same pid, and
# so does a process put back in place (--restore=auto), as AFL++'s
# persistent mode does.
fz --fuzz --corpus="$TMP/seeds" --max-runs=300 --seed=1 --snapshot=on --restore=off \
	--out="$OUT" -- "$TMP/vary.afl"
assert_rc 0
[ "$(stat_of var_byte_count)" -ge 1 ] 2>/dev/null ||
	fail "vary: var_byte_count $(stat_of var_byte_count)"
[ "$(stat_of corpus_variable)" -ge 1 ] 2>/dev/null ||
	fail "vary: corpus_variable $(stat_of corpus_variable)"
[ "$(stat_of stability)" != 100.00% ] || fail "vary: stability 100%"
assert_eq 1 "$(stat_of corpus_count)" "vary: corpus_count"

# The plain build: no map, the runs of --feedback=shape.
fz --fuzz --corpus="$TMP/seeds" --max-runs=300 --seed=1 --snapshot=on --out="$OUT" \
	-- "$T/fuzz_magic"
not_found "plain build"
ls "$OUT/queue" >"$TMP/queue.auto"
grep -q "edges=" "$TMP/fz.stderr" && fail "plain build: edges= in the status line"
fz --fuzz --corpus="$TMP/seeds" --max-runs=300 --seed=1 --snapshot=on --feedback=shape \
	--out="$OUT" -- "$T/fuzz_magic"
ls "$OUT/queue" | diff "$TMP/queue.auto" - >/dev/null ||
	fail "plain build: the queue of --feedback=auto is not --feedback=shape's"

# Bad input: --feedback=afl for a plain build, an unknown value, no --fuzz.
fz --fuzz --corpus="$TMP/seeds" --max-runs=5 --feedback=afl --out="$OUT" -- "$T/fuzz_magic"
assert_rc 2
assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "--feedback=afl, plain build: lines on stderr"
grep -q -- "--feedback=afl: '.*fuzz_magic' was not built with afl-cc" "$TMP/fz.stderr" ||
	fail "--feedback=afl, plain build: $(cat "$TMP/fz.stderr")"
fz --fuzz --corpus="$TMP/seeds" --max-runs=5 --feedback=edges --out="$OUT" -- "$AFLBIN"
assert_rc 2
grep -q -- "--feedback: unknown value 'edges'" "$TMP/fz.stderr" || fail "--feedback=edges: $(cat "$TMP/fz.stderr")"
fz --feedback=shape --max-runs=5 --out="$OUT" -- "$AFLBIN"
assert_rc 2
grep -q -- "--feedback needs --fuzz" "$TMP/fz.stderr" || fail "--feedback alone: $(cat "$TMP/fz.stderr")"
