#!/bin/bash
# gzip and xz from Debian under io,fs with a round-trip checker (issue 13,
# real programs): each compresses a file of the work directory (-k, the
# input kept); after each run, the compressed file, when the run left
# one, must decompress to the input byte for byte. Both remove their
# output when a read, write or close fails and say so: zero findings,
# though every write, read and the output's close failed in some run.
# The control: a checker that cuts the decompressed stream short fails
# on the run without faults (exit 2, named): the checker really runs and
# compares. 5-12 s on a loaded 2-vCPU machine.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v jq >/dev/null || skip "jq is not installed"
mkdir -p "$TMP/wd" || fatal "mkdir"
seq 1 20000 >"$TMP/wd/data.txt" || fatal "seq"	# 108 KB: several reads and writes

for z in gzip:gz xz:xz; do
	prog=${z%%:*} ext=${z#*:}
	path=$(command -v "$prog") || skip "$prog is not installed (apt-get install $prog)"
	check="[ ! -e data.txt.$ext ] || $prog -dc data.txt.$ext | cmp - data.txt"
	rm -rf "$OUT"
	fz -q --out="$OUT" --inject=io,fs --workdir="$TMP/wd" --check="$check" -- "$path" -k data.txt
	assert_rc 0
	assert_eq 0 "$(jqr '.findings | length')" "$prog: findings"
	for call in read write close; do
		[ "$(jqr "[.sites[] | select(.call == \"$call\") | .failed] | add // 0")" -ge 1 ] ||
			fail "$prog: $call not failed"
	done
	# Every failure that ended the run was said: none exited silently
	# with other output (a close EINTR's signal is the one exit without
	# a word: gzip's SIGHUP handler removes the output and dies by it).
	assert_eq 0 "$(jqr '[.sites[].outcomes[] | select(.outcome == "exit-0-silent")] | length')" \
		"$prog: runs that swallowed a failure"
done

# The control: a checker that cuts the decompressed stream short.
rm -rf "$OUT"
fz -q --out="$OUT" --inject=io --max-runs=4 --workdir="$TMP/wd" \
	--check="[ ! -e data.txt.gz ] || gzip -dc data.txt.gz | head -c 1000 | cmp - data.txt" \
	-- "$(command -v gzip)" -k data.txt
assert_rc 2
grep -q "^fzsandbox: --check: .*head -c 1000.* fails on the run without faults (status 1): cmp: EOF" \
	"$TMP/fz.stderr" || fail "control: the failing checker is not named"
