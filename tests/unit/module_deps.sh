#!/bin/sh
# module_deps.sh - the architecture as a test: modules include each other
# only downstream (no include cycle between modules, tracer/ includes
# nothing from sandbox/ or inject/), and inside a module no two files call
# each other in a circle (checked on the built objects with nm).
set -u
src=${top_srcdir:-.}
bld=${top_builddir:-.}
cd "$src" || exit 99
mods="util symbols cli sandbox tracer inject snapshot reporters harnesses"
bad=0

edges=$(for m in $mods; do
	[ -d "$m" ] || continue
	grep -ho '^#include "[a-z_]*/' "$m"/*.c "$m"/*.h 2>/dev/null |
		sed 's/#include "//; s,/$,,' | sort -u | grep -vx "$m" |
		while read -r d; do echo "$m $d"; done
done)
for m in $mods; do
	[ -d "$m" ] && echo "$m -> $(echo "$edges" | awk -v m="$m" '$1==m{printf "%s ",$2}')"
done
if ! echo "$edges" | tsort >/dev/null 2>"${TMPDIR:-/tmp}/modcycle.$$"; then
	echo "FAIL: include cycle between modules:"
	sed 1d "${TMPDIR:-/tmp}/modcycle.$$"
	bad=1
fi
rm -f "${TMPDIR:-/tmp}/modcycle.$$"
for forbidden in sandbox inject cli reporters harnesses snapshot; do
	if echo "$edges" | grep -qx "tracer $forbidden"; then
		echo "FAIL: tracer/ includes $forbidden/"
		bad=1
	fi
done
for m in util symbols; do
	leak=$(echo "$edges" | awk -v m="$m" '$1==m && $2!="util"{print $2}')
	[ -n "$leak" ] && { echo "FAIL: $m/ is a leaf but includes: $leak"; bad=1; }
done

# File cycles: an edge a.o -> b.o when a uses a symbol b defines.
command -v nm >/dev/null || { echo "SKIP: no nm"; exit 77; }
nobj=0
for m in $mods; do
	objs=$(for c in "$m"/*.c; do o="$bld/${c%.c}.o"; [ -f "$o" ] && echo "$o"; done)
	[ -n "$objs" ] || continue
	nobj=$((nobj + 1))
	defs=$(for o in $objs; do nm --defined-only -g "$o" | awk -v f="$(basename "$o" .o)" 'NF==3{print $3, f}'; done)
	fedges=$(for o in $objs; do
		f=$(basename "$o" .o)
		nm -u "$o" | awk '{print $2}' | while read -r s; do
			echo "$defs" | awk -v s="$s" -v f="$f" '$1==s && $2!=f{print f, $2}'
		done
	done | sort -u)
	[ -n "$fedges" ] || continue
	if ! echo "$fedges" | tsort >/dev/null 2>"${TMPDIR:-/tmp}/filecycle.$$"; then
		echo "FAIL: file cycle in $m/:"
		sed 1d "${TMPDIR:-/tmp}/filecycle.$$"
		bad=1
	fi
	rm -f "${TMPDIR:-/tmp}/filecycle.$$"
done
# A check over no objects would pass without looking: the build names
# objects after their sources (subdir-objects), so none found is an error.
[ $nobj -gt 0 ] || { echo "ERROR: no objects under $bld (build first)"; exit 99; }
[ $bad = 0 ] && echo "module and file dependencies: no cycle"
exit $bad
