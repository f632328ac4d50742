#!/bin/bash
# --bind/--ro-bind add host paths to the jail (read-write / read-only, at
# the same or another path; a missing source is a usage error naming it),
# and the libraries a program finds through its RUNPATH ($ORIGIN) or the
# target's LD_LIBRARY_PATH are bound read-only, so it starts in the jail.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

chmod 755 "$TMP" || fatal "chmod $TMP"
require_jail
# Outside the working directory (TMP/work), so only a bind shows them.
D=$TMP/host
mkdir -p -m 755 "$D/ro" "$D/rw" "$TMP/work" && chmod 777 "$D/rw" || fatal "mkdir"
echo "read me" >"$D/ro/file" && chmod 644 "$D/ro/file"
jfz() {	# fzsandbox from TMP/work
	(cd "$TMP/work" && "$FZ" "$@") >"$TMP/fz.stdout" 2>"$TMP/fz.stderr" </dev/null
	rc=$?
}

# Not visible without a bind (control; an argument's path would be
# auto-bound: sandbox_autobind.sh).
jfz --sandbox --inject=none --no-auto-bind -- /bin/cat "$D/ro/file"
[ "$rc" != 0 ] || fail "the jail sees $D/ro/file without a bind"
# Read-only at its own path: readable, not writable.
jfz --sandbox --inject=none --ro-bind="$D/ro" -- /bin/sh -c \
	"cat $D/ro/file; echo x >$D/ro/new && echo wrote"
assert_eq "read me" "$(cat "$TMP/fz.stdout")" "--ro-bind: contents"
grep -q "Read-only file system" "$TMP/fz.stderr" || fail "--ro-bind is writable"
[ ! -e "$D/ro/new" ] || fail "--ro-bind: a file was created on the host"
# Read-write at another path (relative sources resolve from the caller's cwd).
jfz --sandbox --inject=none --bind=../host/rw:/srv/out --ro-bind="$D/ro/file:/etc/fz-file" \
	-- /bin/sh -c 'echo hello >/srv/out/new && cat /etc/fz-file'
assert_rc 0
assert_eq "read me" "$(cat "$TMP/fz.stdout")" "--ro-bind of a file at another path"
assert_eq hello "$(cat "$D/rw/new" 2>/dev/null)" "--bind: the file written through it"
# Usage errors name the value.
jfz --sandbox --bind="$TMP/missing" -- /bin/true
assert_rc 2
grep -q "$TMP/missing" "$TMP/fz.stderr" || fail "the missing source is not named"
jfz --sandbox --ro-bind="$D/ro:relative" -- /bin/true
assert_rc 2
jfz --no-sandbox --bind="$D/ro" -- /bin/true
assert_rc 2
grep -q "need the jail" "$TMP/fz.stderr" || fail "--bind without the jail accepted"
# Stored for --replay.
jfz --sandbox --inject=none --out="$OUT" --ro-bind="$D/ro:/srv/ro" -- /bin/true
assert_rc 0
jqr '.options' | grep -q -- "--ro-bind=$D/ro:/srv/ro" || fail "--ro-bind not in the stored options"

# Library paths: a program whose library is found through RUNPATH
# ($ORIGIN/../lib) and one through LD_LIBRARY_PATH.
CC=${CC:-cc}
command -v "$CC" >/dev/null 2>&1 || skip "no C compiler for the library test"
A=$TMP/app
mkdir -p -m 755 "$A/bin" "$A/lib" "$A/lib2"
printf 'int fz_lib_answer(void) { return 42; }\n' >"$TMP/lib.c"
printf '#include <stdio.h>\nint fz_lib_answer(void);\nint main(void) { printf("%%d\\n", fz_lib_answer()); return 0; }\n' >"$TMP/main.c"
"$CC" -shared -fPIC -Wl,-soname,libfzt.so -o "$A/lib/libfzt.so" "$TMP/lib.c" &&
	cp "$A/lib/libfzt.so" "$A/lib2/" &&
	"$CC" -o "$A/bin/runpath" "$TMP/main.c" -L"$A/lib" -lfzt \
		-Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN/../lib' &&
	"$CC" -o "$A/bin/plain" "$TMP/main.c" -L"$A/lib" -lfzt || fatal "cannot build the library test"
chmod -R a+rX "$A"
jfz --sandbox --inject=none -- "$A/bin/runpath"
assert_rc 0
assert_eq 42 "$(cat "$TMP/fz.stdout")" "RUNPATH \$ORIGIN/../lib in the jail"
jfz --sandbox --inject=none --setenv=LD_LIBRARY_PATH="$A/lib2" -- "$A/bin/plain"
assert_rc 0
assert_eq 42 "$(cat "$TMP/fz.stdout")" "LD_LIBRARY_PATH in the jail"
# Read-only, and only that directory: its sibling stays hidden.
jfz --sandbox --inject=none --setenv=LD_LIBRARY_PATH="$A/lib2" -- /bin/sh -c \
	"touch $A/lib2/x; ls $A/lib >/dev/null && echo visible"
grep -q "Read-only file system" "$TMP/fz.stderr" || fail "the library directory is writable"
[ -z "$(cat "$TMP/fz.stdout")" ] || fail "$A/lib is visible without being needed"
