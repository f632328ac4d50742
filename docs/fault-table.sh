#!/bin/sh
# fault-table.sh - the fault table's lists in docs/fzsandbox.1 (FAULT
# FIDELITY) and docs/faults.md, made from `fzsandbox --list-faults` (the
# rows of inject/fault_table.c), so the docs cannot drift from the code:
#   fault-table.sh man|md <LIST       print the section, markers included
#   fault-table.sh --update FZSANDBOX rewrite both docs in place
#   fault-table.sh --extract man|md FILE  print a doc's current section
# tests/integration/fault_table_docs.sh compares the docs with the table.
set -eu
BEGIN_MAN='.\" BEGIN fault table: made by docs/fault-table.sh from fzsandbox --list-faults; do not edit'
END_MAN='.\" END fault table'
BEGIN_MD='<!-- BEGIN fault table: made by docs/fault-table.sh from fzsandbox --list-faults; do not edit -->'
END_MD='<!-- END fault table -->'

# One row per line: class calls fd mode size fault alias when man.
gen_man() {
	printf '%s\n' "$BEGIN_MAN"
	awk -F'\t' '
	{
		if ($1 != cls) { cls = $1; printf ".PP\nClass\n.BR %s :\n", cls }
		calls = $2; gsub(/ /, ", ", calls)
		on = ($3 == "-") ? "" : "; " $3
		mode = ($4 == "any") ? "" : "; " $4
		size = ($5 == "-") ? "" : "; " $5
		alias = ($7 == "-") ? "" : " (errno " $7 ")"
		printf ".TP\n.B %s\n%s%s%s%s%s:\n%s; see %s.\n", $6, calls, on, mode, size, alias, $8, $9
	}'
	printf '%s\n' "$END_MAN"
}

gen_md() {
	printf '%s\n' "$BEGIN_MD"
	printf '| class | calls | fd type | mode | condition | fault | when Linux returns it | man page |\n'
	printf '|---|---|---|---|---|---|---|---|\n'
	awk -F'\t' '
	{
		calls = $2; gsub(/ /, "` `", calls)
		fault = "`" $6 "`" (($7 == "-") ? "" : " (errno `" $7 "`)")
		printf "| %s | `%s` | %s | %s | %s | %s | %s | %s |\n", $1, calls, $3, $4, $5, fault, $8, $9
	}'
	printf '%s\n' "$END_MD"
}

# The section of a doc, markers included.
# (Markers go through the environment: awk -v would eat the backslash.)
extract() {
	case $1 in man) B=$BEGIN_MAN E=$END_MAN ;; md) B=$BEGIN_MD E=$END_MD ;; esac
	B=$B E=$E awk '$0 == ENVIRON["B"] { on = 1 } on { print } on && $0 == ENVIRON["E"] { exit }' "$2"
}

# Replace a doc's section with the freshly made one in $3.
replace() {
	case $1 in man) B=$BEGIN_MAN E=$END_MAN ;; md) B=$BEGIN_MD E=$END_MD ;; esac
	grep -qxF "$B" "$2" || { echo "fault-table.sh: no marker in $2" >&2; exit 1; }
	B=$B E=$E N=$3 awk '
		$0 == ENVIRON["B"] { while ((getline l < ENVIRON["N"]) > 0) print l; skip = 1; next }
		skip && $0 == ENVIRON["E"] { skip = 0; next }
		!skip { print }' "$2" >"$2.tmp" && mv "$2.tmp" "$2"
}

case ${1:-} in
man) gen_man ;;
md) gen_md ;;
--extract) extract "$2" "$3" ;;
--update)
	dir=$(dirname "$0")
	tmp=$(mktemp)
	trap 'rm -f "$tmp" "$tmp.man" "$tmp.md"' EXIT
	"$2" --list-faults >"$tmp"
	gen_man <"$tmp" >"$tmp.man"
	gen_md <"$tmp" >"$tmp.md"
	replace man "$dir/fzsandbox.1" "$tmp.man"
	replace md "$dir/faults.md" "$tmp.md"
	;;
*) echo "usage: fault-table.sh man|md <LIST | --update FZSANDBOX | --extract man|md FILE" >&2; exit 2 ;;
esac
