#!/bin/sh
# syscall_names.sh - code that picks out a syscall by its name compares with
# a string, and a misspelt one ("pread" for "pread64") would silently never
# match. Every such string in inject/, tracer/, sandbox/, harnesses/ and cli/
# must be in tracer/syscallent.h. Matched: syscall_by_name("x") and
# strcmp(E, "x") where E is some ent->name, e->name, or a variable set from
# ent->name in that file. (The tables of names are check_syscalls' job.)
set -u
src=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
names=$(sed -n 's/^\t\[[0-9]*\] = "\([a-z0-9_]*\)",$/\1/p' "$src/tracer/syscallent.h")
if [ -z "$names" ]; then
	echo "FAIL: no names read from tracer/syscallent.h"
	exit 1
fi
found=0
bad=0
for f in "$src"/inject/*.c "$src"/tracer/*.c "$src"/sandbox/*.c "$src"/harnesses/*.c "$src"/cli/*.c; do
	[ -f "$f" ] || continue
	# Variables holding a syscall's name: "const char *n = s->ent->name;".
	vars=$(sed -n 's/.*[^a-z_]\([a-z_][a-z0-9_]*\) = [a-z0-9_.>-]*ent->name;.*/\1/p' "$f" | sort -u | tr '\n' '|')
	expr="[a-z0-9_.>-]*ent->name|e->name${vars:+|${vars%|}}"
	lits=$(grep -oE "syscall_by_name\(\"[a-z0-9_]+\"\)|strcmp\(($expr), \"[a-z0-9_]+\"\)" "$f" |
		sed 's/.*"\([a-z0-9_]*\)")$/\1/')
	for n in $lits; do
		found=$((found + 1))
		if ! printf '%s\n' "$names" | grep -qx "$n"; then
			echo "FAIL: ${f#"$src"/} names syscall \"$n\", which tracer/syscallent.h does not have"
			bad=$((bad + 1))
		fi
	done
done
# The patterns must still find the names the code compares today.
if [ "$found" -eq 0 ]; then
	echo "FAIL: found no syscall names compared in the code: the patterns are stale"
	exit 1
fi
[ "$bad" -eq 0 ] || exit 1
echo "PASS: $found syscall names in the code are in tracer/syscallent.h"
