#!/bin/bash
# Debian's sqlite3 under io,fs with a checker (issue 13, real programs):
# two bank transfers, each one transaction, every I/O and file-system
# fault of the plan; after each run `PRAGMA integrity_check` and the
# bank's invariants (tests/sqlite_bank.sh). SQLite is built for this:
# zero findings, though most of its writes, reads and syncs failed. With
# its rollback journal turned off, the same plan tears a transaction: a
# state-corruption finding at the failed pwrite64, which shows the checker
# can see what it is there for. 15-25 s on a loaded 2-vCPU machine.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
. "$SRC/tests/sqlite_bank.sh"

fz -q --out="$OUT" --inject=io,fs --workdir="$TMP/wd" --stdin="$TMP/bank.sql" \
	--check="$CHECK" -- "$SQLITE" -batch -bail bank.db
assert_rc 0
assert_eq 0 "$(jqr '.findings | length')" "sqlite3: findings"
# The faults were there: failed writes, reads and syncs of the database
# and its journal, most of them ending the run with a message.
[ "$(jqr '.faults_injected.fs')" -ge 20 ] || fail "sqlite3: too few fs faults"
for call in pwrite64 pread64 fdatasync; do
	[ "$(jqr "[.sites[] | select(.call == \"$call\") | .failed] | add // 0")" -ge 3 ] ||
		fail "sqlite3: $call not failed"
done
[ "$(jqr '[.sites[].outcomes[] | select(.exit_status == 1 and .stderr)] | length')" -ge 10 ] ||
	fail "sqlite3: too few runs ended by an error it reported"

# No rollback journal: a failed write in a commit leaves a torn database.
rm -rf "$OUT"
fz -q --out="$OUT" --inject=io,fs --workdir="$TMP/wd" --stdin="$TMP/bank-nojournal.sql" \
	--check="$CHECK" -- "$SQLITE" -batch -bail bank.db
assert_rc 1
n=$(jqr '[.findings[] | select(.kind == "state-corruption" and .faults[0].call == "pwrite64")] | length')
[ "$n" -ge 1 ] || fail "journal_mode=OFF: no state-corruption finding at a pwrite64"
