#!/bin/bash
# Debian's sqlite3 killed at every durability point (issue 13, real
# programs): the bank of tests/sqlite_bank.sh, --crash-at=durability
# --crash-drop (a power cut: what each file got since its last fsync is
# lost), the restart `PRAGMA integrity_check` (it rolls a hot journal
# back) and the bank's invariants as the checker: zero findings over
# every point. With its rollback journal off, a process kill in a commit
# (no drop) leaves a malformed database: a crash-recovery finding at a
# pwrite64 of bank.db. 10-20 s on a loaded 2-vCPU machine.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$SRC/tests/sqlite_bank.sh"

RECOVER="sqlite3 bank.db 'PRAGMA integrity_check' | grep -qx ok"
# --inject=proc: a plan of (almost) nothing; the crash runs are the test.
fz -q --out="$OUT" --inject=proc --workdir="$TMP/wd" --stdin="$TMP/bank.sql" \
	--crash-at=durability --crash-drop --recover="$RECOVER" --check="$CHECK" \
	-- "$SQLITE" -batch -bail bank.db
assert_rc 0
assert_eq 0 "$(jqr '.findings | length')" "sqlite3 --crash-drop: findings"
crashes=$(jq -s '[.[] | select(.mode == "crash")] | length' "$OUT/runs.jsonl")
[ "$crashes" -ge 30 ] || fail "sqlite3 --crash-drop: only $crashes crash runs"

# The journal off: a kill between two page writes of a commit.
rm -rf "$OUT"
fz -q --out="$OUT" --inject=proc --workdir="$TMP/wd" --stdin="$TMP/bank-nojournal.sql" \
	--crash-at=durability --recover="$RECOVER" --check="$CHECK" \
	-- "$SQLITE" -batch -bail bank.db
assert_rc 1
assert_eq "crash-recovery pwrite64 bank.db" \
	"$(jqr '.findings[0] | "\(.kind) \(.crash.call) \(.crash.file)"')" \
	"journal_mode=OFF: the crash point"
jqr '.findings[0].detail' | grep -q 'malformed' ||
	fail "journal_mode=OFF: the recovery's message is not in the detail"
