#!/bin/bash
# The fs class's full disk (issue 12): the write that fills it writes what
# fits, and every later write to a regular file on that file system fails
# (ENOSPC, EDQUOT), as on a real disk. A program that ignores fclose's
# result loses the end of its file and crashes reading it back: found at
# -O0 and -O2 -g with its frame, the fault's caller, and a replay. A
# program that checks every write, fsync, rename, mkdir, unlink and close
# gives no finding while all of them were failed. write has rows in io
# (short, EIO) and fs (ENOSPC, EDQUOT): a pinned fault counts each call
# once, with both classes on. cp and mv handle every fs fault.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

for target in fs_write_unchecked fs_write_unchecked_O2; do
	out=$TMP/$target
	fz --inject=fs --out="$out" -- "$T/$target"
	assert_rc 1
	R=$out/report.json
	assert_eq 1 "$(jqr '.findings | length' "$R")" "$target: findings"
	assert_eq SIGSEGV "$(jqr '.findings[0].signal_name' "$R")" "$target: signal"
	sel=$(finding_with load_notes)
	assert_eq load_notes "$(jqr "$(top_frame "$sel") | .function" "$R")" "$target: crashing frame"
	assert_eq write "$(jqr "$sel | .[0].faults[0].call" "$R")" "$target: faulted call"
	assert_eq save_notes "$(jqr "$sel | .[0].faults[0].caller" "$R")" "$target: the write's caller"
	case $(jqr "$sel | .[0].faults[0].fault" "$R") in ENOSPC|EDQUOT) ;;
	*) fail "$target: fault $(jqr "$sel | .[0].faults[0].fault" "$R")" ;; esac
	# Both ways a disk fills lose the file's end.
	assert_eq "EDQUOT ENOSPC" "$(jq -rs '[.[] | select(.outcome | startswith("signal SIGSEGV")) |
		.faults[0].fault] | sort | join(" ")' "$out/runs.jsonl")" "$target: crashing runs"
	id=$(jqr "$sel | .[0].id" "$R")
	fz --replay="$R#$id" --out="$TMP/replay-$target"
	grep -q '^replay: reproduced' "$TMP/fz.stdout" "$TMP/fz.stderr" ||
		fail "$target: replay did not reproduce: $(cat "$TMP/fz.stderr")"
	assert_no_stray "$target"
done

# close's EINTR: the descriptor released, the signal really delivered. A
# program that retries close on EINTR meets EBADF and aborts.
for target in fs_close_retry fs_close_retry_O2; do
	out=$TMP/$target
	fz --inject=fs --out="$out" -- "$T/$target"
	assert_rc 1
	R=$out/report.json
	assert_eq 1 "$(jqr '.findings | length' "$R")" "$target: findings"
	assert_eq SIGABRT "$(jqr '.findings[0].signal_name' "$R")" "$target: signal"
	sel=$(finding_with save_log)
	assert_eq save_log "$(jqr "$(top_frame "$sel") | .function" "$R")" "$target: aborting frame"
	assert_eq "close EINTR save_log" "$(jqr "$sel | .[0].faults[0] | \"\\(.call) \\(.fault) \\(.caller)\"" "$R")" \
		"$target: the fault"
	id=$(jqr "$sel | .[0].id" "$R")
	fz --replay="$R#$id" --out="$TMP/replay-$target"
	grep -q '^replay: reproduced' "$TMP/fz.stdout" "$TMP/fz.stderr" ||
		fail "$target: replay did not reproduce: $(cat "$TMP/fz.stderr")"
	assert_no_stray "$target"
done

fz --inject=fs --out="$TMP/robust" -- "$T/fs_write_robust"
assert_rc 0
R=$TMP/robust/report.json
J=$TMP/robust/runs.jsonl
assert_eq 0 "$(jqr '.findings | length' "$R")" "fs_write_robust: findings"
# Each call got each of its faults: fs_write_robust aborts, a finding, if
# unlink or rmdir ever said ENOSPC.
given() {
	jq -rs --arg c "$1" '[.[] | .faults[] | select(.call == $c) | .fault] | unique | join(" ")' "$J"
}
for cf in "write:EDQUOT ENOSPC" "writev:EDQUOT ENOSPC" "pwrite64:EDQUOT ENOSPC" \
	"fsync:EIO" "rename:EIO ENOSPC" "mkdir:EIO ENOSPC" "unlink:EIO" "rmdir:EIO" \
	"fallocate:ENOSPC" "close:EINTR EIO"; do
	assert_eq "${cf#*:}" "$(given "${cf%%:*}")" "fs_write_robust: ${cf%%:*}'s faults"
done
# The report shows every site failed.
for call in write writev pwrite64 fsync rename mkdir unlink rmdir fallocate close; do
	jq -e --arg c "$call" 'any(.sites[]; .call == $c and .failed > 0)' "$R" >/dev/null ||
		fail "fs_write_robust: no $call site failed in the report"
done
# An overwrite inside the file needs no new block: never a full disk.
jq -se 'any(.[]; any(.faults[]; .caller == "stamp_head"))' "$J" >/dev/null &&
	fail "stamp_head's overwrite was failed"
assert_no_stray fs_write_robust

# The disk fills at write_all's third call (its third chunk): half of it
# is written, the retry gets ENOSPC, and so do a later one-byte write and
# fallocate on another file of that file system. With io on too, the
# occurrence is counted once per call (io and fs both decide write).
fz --inject=io,fs --fault=write:ENOSPC@caller=write_all:3 --out="$TMP/full" -- "$T/fs_write_robust"
assert_rc 0
out=$TMP/full/run/stdout
assert_eq "short: 1024 of 2048|write: ENOSPC|chunk 3 failed|after: ENOSPC|fallocate: ENOSPC" \
	"$(grep -E '^(short|write|chunk|after|fallocate):? ' "$out" | paste -sd'|')" "the full disk as seen"
assert_eq 3 "$(jq -r '.faults[0].occurrence' "$TMP/full/runs.jsonl")" "logged occurrence"
# One logged fault, three lasting failures counted.
assert_eq 4 "$(jqr '.faults_injected.fs' "$TMP/full/report.json")" "fs failures counted"
# A pinned fault brings its class: the same without --inject=fs (the
# default io,alloc) still fills the disk (held-out evaluation: it used to
# inject nothing, silently), and a pin that cannot fire says so.
fz --fault=write:ENOSPC@caller=write_all:3 --out="$TMP/full2" -- "$T/fs_write_robust"
assert_rc 0
assert_eq "io,alloc,fs" "$(jqr '.inject' "$TMP/full2/report.json")" "classes with a pinned fs fault"
assert_eq 4 "$(jqr '.faults_injected.fs' "$TMP/full2/report.json")" "fs failures counted, class from the pin"
fz --fault=write:ENOSPC@caller=no_such_function --out="$TMP/never" -- "$T/fs_write_robust"
assert_rc 0
grep -q "^fzsandbox: note: 0 of the 1 --fault faults were injected" "$TMP/fz.stderr" ||
	fail "no note for a pinned fault that never fired: $(cat "$TMP/fz.stderr")"
# A one-byte write cannot be cut: ENOSPC at once, and the disk stays full.
fz --inject=fs --fault=write:EDQUOT@caller=after --out="$TMP/one" -- "$T/fs_write_robust"
assert_rc 0
assert_eq "after: EDQUOT|fallocate: EDQUOT" \
	"$(grep -E '^(short|after|fallocate):' "$TMP/one/run/stdout" | paste -sd'|')" "one byte"

# close's EINTR ran the handler, the descriptor gone (else it aborts).
fz --inject=fs --fault=close:EINTR@caller=save --out="$TMP/intr" -- "$T/fs_write_robust"
assert_rc 0
assert_eq "close: EINTR|SIGUSR1 handled" \
	"$(grep -E '^(close|SIGUSR1)' "$TMP/intr/run/stdout" | paste -sd'|')" "close EINTR as seen"

# The file size limit, pinned only (a campaign never plans it): lowered
# for real, the kernel cuts the write, then sends SIGXFSZ. It kills a
# program that keeps SIGXFSZ's default (a resource finding); one that
# ignores it gets EFBIG from every write at or past the limit, and a write
# below it still succeeds.
fz --inject=fs --fault=write:EFBIG@caller=save_notes --out="$TMP/xfsz" -- "$T/fs_write_unchecked"
assert_rc 1
assert_eq "resource SIGXFSZ" "$(jqr '.findings[0] | "\(.kind) \(.signal_name)"' "$TMP/xfsz/report.json")" \
	"killed by the file size limit"
fz --inject=fs --fault=write:EFBIG@caller=write_all:2 --out="$TMP/fbig" -- "$T/fs_write_robust"
assert_rc 0
assert_eq "short: 1024 of 2048|write: EFBIG|chunk 2 failed|after: ok|fallocate: EFBIG" \
	"$(grep -E '^(short|write|chunk|after|fallocate):? ' "$TMP/fbig/run/stdout" | paste -sd'|')" \
	"the file size limit as seen"
jq -se 'all(.[]; all(.faults[]; .fault != "EFBIG"))' "$TMP/robust/runs.jsonl" >/dev/null ||
	fail "a campaign planned EFBIG"

# io and fs together on one campaign: no finding, both classes failed write.
fz --inject=io,fs --out="$TMP/both" -- "$T/fs_write_robust"
assert_rc 0
assert_eq 0 "$(jqr '.findings | length' "$TMP/both/report.json")" "io,fs: findings"
assert_eq "EDQUOT EIO ENOSPC short" "$(jq -rs '[.[] | .faults[] | select(.call == "write" and
	.caller == "write_all") | .fault | sub("=.*"; "")] | unique | join(" ")' "$TMP/both/runs.jsonl")" \
	"io,fs: write_all's faults"
assert_eq "EIO short" "$(jq -rs '[.[] | .faults[] | select(.caller == "stamp_head") | .fault |
	sub("=.*"; "")] | unique | join(" ")' "$TMP/both/runs.jsonl")" "io,fs: stamp_head's faults (io only)"
# io alone never fills a disk.
fz --inject=io --out="$TMP/io" -- "$T/fs_write_robust"
assert_rc 0
assert_eq "" "$(jq -rs '[.[] | .faults[] | select(.fault == "ENOSPC" or .fault == "EDQUOT")] |
	map(.call) | join(" ")' "$TMP/io/runs.jsonl")" "io: ENOSPC or EDQUOT"

# Bad input: unlink never ENOSPC, rename never EXDEV, ftruncate nothing.
fz --inject=fs --fault=unlink:ENOSPC -- "$T/fs_write_robust"
assert_rc 2
grep -q "unlink never fails with ENOSPC; faults unlink can take: EIO" "$TMP/fz.stderr" ||
	fail "unlink:ENOSPC: $(cat "$TMP/fz.stderr")"
fz --inject=fs --fault=rename:EXDEV -- "$T/fs_write_robust"
assert_rc 2
fz --inject=fs --fault=ftruncate:ENOSPC -- "$T/fs_write_robust"
assert_rc 2

# coreutils: cp writes a copy, mv renames (renameat2); both check it all.
if cp=$(command -v cp) && mv=$(command -v mv); then
	mkdir -p "$TMP/wd" "$TMP/dst" || fatal "mkdir"
	seq 1 3000 >"$TMP/wd/a"
	fz --inject=fs --out="$TMP/cp" -- "$cp" "$TMP/wd/a" "$TMP/dst/b"
	assert_rc 0
	assert_eq 0 "$(jqr '.findings | length' "$TMP/cp/report.json")" "cp: findings"
	jq -se 'any(.[]; any(.faults[]; (.call == "write" or .call == "copy_file_range") and .fault == "ENOSPC"))' \
		"$TMP/cp/runs.jsonl" >/dev/null || fail "cp: no write or copy_file_range failed with ENOSPC"
	fz --inject=fs --workdir="$TMP/wd" --out="$TMP/mv" -- "$mv" a b
	assert_rc 0
	assert_eq 0 "$(jqr '.findings | length' "$TMP/mv/report.json")" "mv: findings"
	# renameat2 (coreutils 9), rename in older ones.
	assert_eq "EIO ENOSPC" "$(jq -rs '[.[] | .faults[] | select(.call | startswith("rename")) |
		.fault] | unique | join(" ")' "$TMP/mv/runs.jsonl")" "mv: its rename's faults"
	assert_no_stray cp mv
else
	skip_check "cp or mv not installed"
fi
