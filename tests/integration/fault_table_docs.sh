#!/bin/bash
# fzsandbox(1) (FAULT FIDELITY, "The fault table") and docs/faults.md list
# every row of the fault table (inject/fault_table.c): each is what
# docs/fault-table.sh makes from the hidden --list-faults. A row added,
# changed or dropped without `docs/fault-table.sh --update ./fzsandbox`
# fails here.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

GEN=$SRC/docs/fault-table.sh
"$FZ" --list-faults >"$TMP/rows" || fail "fzsandbox --list-faults failed"
[ -s "$TMP/rows" ] || fail "--list-faults printed nothing"
# Nine fields a row, none empty.
awk -F'\t' 'NF != 9 { exit 1 } { for (i = 1; i <= NF; i++) if ($i == "") exit 1 }' "$TMP/rows" ||
	fail "--list-faults: a row without its nine fields"
# Every class has rows, every row's class is a class.
cut -f1 "$TMP/rows" | sort -u >"$TMP/row_classes"
"$FZ" --list-classes | cut -f1 | sort >"$TMP/classes"
assert_eq "$(cat "$TMP/classes")" "$(cat "$TMP/row_classes")" "classes with rows"

for fmt in man md; do
	case $fmt in man) doc=$SRC/docs/fzsandbox.1 ;; md) doc=$SRC/docs/faults.md ;; esac
	sh "$GEN" "$fmt" <"$TMP/rows" >"$TMP/want.$fmt"
	sh "$GEN" --extract "$fmt" "$doc" >"$TMP/have.$fmt"
	[ -s "$TMP/have.$fmt" ] || fail "no fault table section in $doc (its markers moved?)"
	diff -u "$TMP/have.$fmt" "$TMP/want.$fmt" >"$TMP/diff.$fmt" ||
		fail "$doc's fault table differs from the code (run docs/fault-table.sh --update ./fzsandbox): $(head -20 "$TMP/diff.$fmt")"
done
