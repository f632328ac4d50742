#!/bin/bash
# --only-exe and @exe= (issue 12): under a driver (a program that runs the
# one under test, as make does) and under a shell wrapper (sh -c), the
# campaign fails only calls of the program whose executable matches:
# the finding is in the target, the driver and sh are never faulted
# (runs.jsonl), their calls are still seen (report.json "executables").
# Without --only-exe the driver's own bug is found too.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

chmod 755 "$TMP" || fatal "chmod $TMP"
echo aaaa >"$TMP/a.txt" && echo bbbbbb >"$TMP/b.txt" || fatal "cannot write the inputs"
chmod 644 "$TMP/a.txt" "$TMP/b.txt"
faulted_exes() {	# OUT: the executables runs.jsonl's faults were injected in
	jq -r '.faults[]?.exe' "$1/runs.jsonl" | sort -u | sed 's|.*/||' | tr '\n' ' '
}
found_in() {	# OUT: the top non-system functions of the findings
	jq -r '.findings[] | [.frames[] | select(.system | not)][0].function' "$1/report.json" |
		sort | tr '\n' ' '
}

# The driver: its own unchecked read is found without --only-exe...
fz --inject=io --out="$OUT.all" -- "$T/pred_driver" a.txt "$T/pred_target" b.txt
assert_rc 1
assert_eq "driver_load load " "$(found_in "$OUT.all")" "findings without --only-exe"
assert_eq "pred_driver pred_target " "$(faulted_exes "$OUT.all")" "faulted without --only-exe"
# ... and with --only-exe (a basename glob) only the target's.
fz --inject=io --only-exe=pred_target --out="$OUT.drv" -- "$T/pred_driver" a.txt "$T/pred_target" b.txt
assert_rc 1
R=$OUT.drv/report.json
assert_eq "load " "$(found_in "$OUT.drv")" "findings under the driver"
assert_eq "pred_target " "$(faulted_exes "$OUT.drv")" "faulted under the driver"
assert_eq "pred_driver:false pred_target:true" \
	"$(jqr '[.executables[] | "\(.path | sub(".*/"; "")):\(.faultable)"] | join(" ")' "$R")" \
	"executables seen"
[ "$(jqr '.executables[0].calls' "$R")" -gt 0 ] || fail "the driver's calls are not counted"
# A whole-path glob, and the replay keeps --only-exe.
fz --inject=io --only-exe="$T/pred_*get" --out="$OUT.path" -- "$T/pred_driver" a.txt "$T/pred_target" b.txt
assert_rc 1
assert_eq "pred_target " "$(faulted_exes "$OUT.path")" "faulted (whole-path glob)"
fz --replay="$R" --out="$OUT.drv.r"
assert_eq 1 "$(jqr '.replay.reproduced' "$OUT.drv.r/replay/report.json")" "replay under the driver"

# A shell wrapper: sh and cat run before the target; none is faulted.
wrapper=(/bin/sh -c 'cat a.txt >/dev/null; "$1" b.txt; echo done' sh "$T/pred_target")
fz --inject=io,fs --out="$OUT.sh0" -- "${wrapper[@]}"
[ "$(faulted_exes "$OUT.sh0")" != "pred_target " ] ||
	skip_check "sh and cat had nothing to fault here (the wrapper case proves less)"
fz --inject=io,fs --only-exe=pred_target --out="$OUT.sh" -- "${wrapper[@]}"
assert_rc 1
assert_eq "load " "$(found_in "$OUT.sh")" "findings under sh -c"
assert_eq "pred_target " "$(faulted_exes "$OUT.sh")" "faulted under sh -c"
assert_eq "false" "$(jqr '[.executables[] | select(.path | endswith("/cat")) | .faultable][0]' \
	"$OUT.sh/report.json")" "cat seen, not faultable"

# @exe on one --fault: the 1st read of pred_target, not the driver's.
fz --fault='read:EIO@exe=pred_target@1' --out="$OUT.pin" -- "$T/pred_driver" a.txt "$T/pred_target" b.txt
assert_rc 1
assert_eq "load " "$(found_in "$OUT.pin")" "finding of @exe"
assert_eq "@exe=pred_target" "$(jqr '.findings[0].faults[0].where' "$OUT.pin/report.json")" "stored @exe"
assert_no_stray pred_driver pred_target
