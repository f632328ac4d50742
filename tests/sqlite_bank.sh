# sqlite_bank.sh - the bank both sqlite3 tests run (sourced after
# tests/lib.sh): a database of two accounts holding 1000 between them
# and a log, in $TMP/wd/bank.db; $TMP/bank.sql moves 10 from one to the
# other twice, each move with 20 log rows (several pages, an index) in
# one transaction; $CHECK is the checker: SQLite's own integrity check,
# then the bank's invariants (the sum is 1000, and account 1 lost 10 for
# every 20 log rows: no half transaction survived).
command -v jq >/dev/null || skip "jq is not installed"
SQLITE=$(command -v sqlite3) || skip "sqlite3 is not installed (apt-get install sqlite3)"

mkdir -p "$TMP/wd" || fatal "mkdir"
"$SQLITE" "$TMP/wd/bank.db" "CREATE TABLE acct(id INTEGER PRIMARY KEY, bal INTEGER);
INSERT INTO acct VALUES (1, 500), (2, 500);
CREATE TABLE log(n INTEGER PRIMARY KEY, note TEXT);
CREATE INDEX log_note ON log(note);" || fatal "sqlite3 cannot make the database"
for i in 1 2; do
	cat <<SQL
BEGIN;
UPDATE acct SET bal = bal - 10 WHERE id = 1;
INSERT INTO log(note) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20)
  SELECT 'move$i-' || printf('%0300d', x) FROM c;
UPDATE acct SET bal = bal + 10 WHERE id = 2;
COMMIT;
SQL
done >"$TMP/bank.sql"
echo "SELECT bal FROM acct ORDER BY id;" >>"$TMP/bank.sql"

CHECK="test \"\$(sqlite3 bank.db 'PRAGMA integrity_check')\" = ok &&
test \"\$(sqlite3 bank.db 'SELECT sum(bal) = 1000 AND min(bal) = 500 - 10 * (SELECT count(*) FROM log) / 20 FROM acct')\" = 1"

# Natively: the script runs and leaves a bank the checker passes.
cp -r "$TMP/wd" "$TMP/native" || fatal "cp"
(cd "$TMP/native" && "$SQLITE" -batch -bail bank.db <"$TMP/bank.sql" >/dev/null && sh -c "$CHECK") ||
	fatal "the bank fails natively"
rm -rf "$TMP/native"

# The same script with PRAGMA journal_mode=OFF first: SQLite writes its
# pages in place with no rollback journal, which its documentation says
# a crash or an I/O error in a transaction can corrupt.
{ echo "PRAGMA journal_mode=OFF;"; cat "$TMP/bank.sql"; } >"$TMP/bank-nojournal.sql"
