#!/bin/bash
# The man page's list of fault classes (under --inject) is the class table's
# (inject/classes.c, printed by the hidden --list-classes): the same
# classes in the same order, the same default set, and each entry names
# every fault its class can inject and every call it fails. A class added
# to the table without its man page entry, or a fault or call added to a
# class without its mention, fails here.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

MAN=$SRC/docs/fzsandbox.1
[ -r "$MAN" ] || fail "no man page at $MAN"
"$FZ" --list-classes >"$TMP/table" || fail "fzsandbox --list-classes failed"
[ -s "$TMP/table" ] || fail "--list-classes printed nothing"

# The entries: from the marker comment to .RE, one ".TP / .B NAME" each;
# troff font macros and escapes dropped, one entry per line: NAME TEXT.
awk '
	/^\.\\" The list below must match the class table/ { on = 1; next }
	on && /^\.RE/ { if (name != "") print name "\t" text; exit }
	on && /^\.TP/ { if (name != "") print name "\t" text; name = ""; text = ""; want = 1; next }
	on && want && /^\.B / { name = $2; want = 0; next }
	on && name != "" { gsub(/^\.[A-Z]+ /, ""); gsub(/\\-/, "-"); text = text " " $0 }
' "$MAN" >"$TMP/man"
[ -s "$TMP/man" ] || fail "no class list found in $MAN (its marker comment moved?)"

assert_eq "$(cut -f1 "$TMP/table" | tr '\n' ' ')" "$(cut -f1 "$TMP/man" | tr '\n' ' ')" \
	"classes in the man page (in table order)"

default=$(awk -F'\t' '$2 == "default" { printf "%s%s", sep, $1; sep = "," }' "$TMP/table")
[ -n "$default" ] || default=none
# "Default:" then ".BR SET ." in the --inject entry, before the list.
awk '/^\.BI \\-\\-inject= CLASSES/ { on = 1 } on && /^\.RS/ { exit } on' "$MAN" |
	grep -A1 -x 'Default:' | grep -qx "\.BR $default \." ||
	fail "the man page's default set under --inject is not '$default'"

while IFS=$'\t' read -r name _ faults calls _; do
	text=" $(awk -F'\t' -v n="$name" '$1 == n { print $2 }' "$TMP/man") "
	# Words only: "mmap" must not be found inside "mmap2".
	words=" $(printf '%s' "$text" | tr -c 'A-Za-z0-9_\n' ' ' | tr -s ' ') "
	for f in $faults; do
		case $words in *" $f "*) ;; *) fail "man page, class $name: fault $f missing" ;; esac
	done
	for c in $calls; do
		case $words in *" $c "*) ;; *) fail "man page, class $name: call $c missing" ;; esac
	done
done <"$TMP/table"
