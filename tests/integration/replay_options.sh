#!/bin/bash
# The options a replay applies are stored one word each (options_argv), so
# a word holding a space survives: a jailed campaign whose input comes
# through --bind="DIR WITH SPACE:/data" replays its finding. A report
# without options_argv (an older one) still replays from its "options".
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

chmod 755 "$TMP" || fatal "chmod $TMP"
require_jail
D="$TMP/in put"
mkdir -m 755 "$D" || fatal "mkdir $D"
"$T/short_read" --make "$D/header.bin" && chmod 644 "$D/header.bin" || fatal "cannot create the input file"

# short_read reads /data/header.bin, there only through the bind: a
# replay without the bind would not even open it.
fz --inject=io --bind="$D:/data" --out="$OUT" -- "$T/short_read" /data/header.bin
assert_rc 1
sel=$(finding_with load_header)
n=$(jqr "$sel | length")
[ "$n" -ge 1 ] || fatal "no finding in load_header"
id=$(jqr "$sel | .[0].id")
assert_eq 1 "$(jqr "[.options_argv[] | select(. == \"--bind=$D:/data\")] | length")" \
	"the --bind word, space and all, in options_argv"
jqr '.options' | grep -qF -- "--bind=$D:/data" || fail "--bind not in the options string"
fz --replay="$OUT/report.json#$id" --replay-runs=2 --out="$TMP/replay"
assert_rc 1
grep -q 'reproduced 2 of 2' "$TMP/fz.stderr" || fail "a finding with a spaced --bind did not replay"

# An older report: no options_argv, the options string split at spaces.
fz --inject=io --bind="$TMP:/data" --out="$OUT.old" -- "$T/short_read" "/data/in put/header.bin"
assert_rc 1
id=$(jqr "$(finding_with load_header) | .[0].id" "$OUT.old/report.json")
jq 'del(.options_argv)' "$OUT.old/report.json" >"$TMP/old.json" &&
	mv "$TMP/old.json" "$OUT.old/report.json" || fatal "cannot strip options_argv"
fz --replay="$OUT.old/report.json#$id" --replay-runs=1 --out="$TMP/replay.old"
assert_rc 1
grep -q 'reproduced 1 of 1' "$TMP/fz.stderr" || fail "a report without options_argv did not replay"
assert_no_stray short_read
