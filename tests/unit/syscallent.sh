#!/bin/sh
# syscallent.sh - tracer/syscallent.h is exactly what tracer/gen-syscallent.sh
# makes from the installed kernel headers: a hand edit, or a generator
# change committed without its output, fails here. The output does not
# depend on the headers' version as long as the generator's list covers
# every number they have; a newer header with numbers past the list fails
# too, which is the cue to extend the list and syscall_roles.c.
set -u
src=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
hdr=/usr/include/x86_64-linux-gnu/asm/unistd_64.h
if [ ! -r "$hdr" ]; then
	echo "SKIP: $hdr is not installed (Debian's linux-libc-dev on x86_64)"
	exit 77
fi
tmp=$(mktemp "${TMPDIR:-/tmp}/syscallent.XXXXXX") || exit 99
trap 'rm -f "$tmp"' EXIT
if ! sh "$src/tracer/gen-syscallent.sh" "$hdr" >"$tmp"; then
	echo "FAIL: tracer/gen-syscallent.sh failed"
	exit 1
fi
if ! diff -u "$src/tracer/syscallent.h" "$tmp"; then
	echo "FAIL: tracer/syscallent.h differs from the generator's output;"
	echo "      run: tracer/gen-syscallent.sh >tracer/syscallent.h"
	exit 1
fi
echo "PASS: tracer/syscallent.h is gen-syscallent.sh's output for $hdr"
