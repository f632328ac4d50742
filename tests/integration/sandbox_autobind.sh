#!/bin/bash
# Auto-bind: the host paths the program's arguments name appear in the jail
# (an existing file or directory read-only, a missing file's directory
# read-write, "--opt=VALUE" and "NAME=PATH" by their value), except what the jail hides
# (/etc/shadow, /root itself and its keys); --no-auto-bind turns it off.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

chmod 755 "$TMP" || fatal "chmod $TMP"
require_jail
# Outside the working directory (TMP) and outside /tmp (the jail's /tmp is
# its own tmpfs): only a bind shows these.
V=$(mktemp -d /var/tmp/fzt-autobind.XXXXXX) || fatal "mktemp /var/tmp"
at_exit 'rm -rf -- "$V"'
mkdir -m 755 "$V/in" "$V/out" && chmod 755 "$V" && chmod 1777 "$V/out" || fatal "mkdir $V"
echo "read me" >"$V/in/file" && chmod 644 "$V/in/file" || fatal "write $V/in/file"
echo "written" >"$TMP/stdin" && chmod 644 "$TMP/stdin"

# An input file named by its absolute path: readable.
fz --sandbox --inject=none -- /bin/cat "$V/in/file"
assert_rc 0
assert_eq "read me" "$(cat "$TMP/fz.stdout")" "an argument's file in the jail"
# Without auto-bind it is not there (control).
fz --sandbox --inject=none --no-auto-bind -- /bin/cat "$V/in/file"
[ "$rc" != 0 ] || fail "--no-auto-bind: the jail sees $V/in/file"
grep -q "No such file" "$TMP/fz.stderr" || fail "--no-auto-bind: not a missing file"
# Read-only (mode 666: only the mount stops a write), and only that
# file: its siblings stay hidden.
echo other >"$V/in/sibling" && chmod 666 "$V/in/file"
fz --sandbox --inject=none -- /bin/sh -c 'echo x >>"$1"; cat "${1%/*}/sibling"' sh "$V/in/file"
grep -q "Read-only file system" "$TMP/fz.stderr" || fail "an argument's file is writable"
[ -z "$(cat "$TMP/fz.stdout")" ] || fail "the sibling of an argument's file is visible"
assert_eq "read me" "$(cat "$V/in/file")" "the host file after a write attempt"
chmod 644 "$V/in/file"
# --opt=VALUE: the value; a relative path resolves from the working directory.
fz --sandbox --inject=none -- /bin/sh -c 'cat "${1#--input=}"' sh --input="$V/in/file"
assert_eq "read me" "$(cat "$TMP/fz.stdout")" "--input=PATH in the jail"
# NAME=PATH (dd's if=, make's VAR=): the value; of= an output (held-out
# evaluation: dd if=/path found nothing in the jail).
fz --sandbox --inject=none -- /bin/dd if="$V/in/file" of="$V/out/dd.out" status=none
assert_rc 0
assert_eq "read me" "$(cat "$V/out/dd.out" 2>/dev/null)" "dd if=PATH of=PATH through the jail"
rel=$(realpath --relative-to="$TMP" "$V/in/file")
fz --sandbox --inject=none -- /bin/cat "$rel"
assert_eq "read me" "$(cat "$TMP/fz.stdout")" "the relative path $rel in the jail"
# A directory: read-only, listed.
fz --sandbox --inject=none -- /bin/ls "$V/in"
assert_eq "file sibling" "$(tr '\n' ' ' <"$TMP/fz.stdout" | sed 's/ $//')" "an argument's directory"

# An output file that does not exist yet: its directory is bound
# read-write (as root the jail's user, nobody, needs write permission:
# 1777 here), and the file is on the host afterwards.
fz --sandbox --inject=none --stdin="$TMP/stdin" -- /usr/bin/tee "$V/out/new"
assert_rc 0
assert_eq "written" "$(cat "$V/out/new" 2>/dev/null)" "the output file on the host"

# A campaign on a program that edits a named file in place: run 0 fails
# on the read-only bind, and the note says what to do.
fz --inject=io --max-runs=2 --out="$OUT" -- /bin/sed -i s/read/READ/ "$V/in/file"
grep -q "^fzsandbox: note: the run without faults exited with status .*Read-only file system.*--bind what the program changes" \
	"$TMP/fz.stderr" || fail "no note for an in-place edit of a read-only named file"

# An output in directories that do not exist yet: the nearest existing
# one above it is bound read-write, so mkdir -p works and the files reach
# the host.
fz --sandbox --inject=none -- /bin/sh -c 'mkdir -p "${1%/*}" && echo deep >"$1"' sh "$V/out/a/b/c.txt"
assert_rc 0
assert_eq deep "$(cat "$V/out/a/b/c.txt" 2>/dev/null)" "an output in new directories, on the host"
# Only the run without faults writes the host's copy of a named output
# (a faulted run's may be cut short on purpose): each run numbers its
# output, from a counter in the working directory.
mkdir -p "$TMP/cnt" || fatal "mkdir $TMP/cnt"
FZ_CWD=$TMP/cnt fz --inject=io --max-runs=4 --out="$OUT" -- /bin/sh -c \
	'n=$(cat count 2>/dev/null || echo 0); echo $((n + 1)) >count; echo "run $n" >"$1"' sh "$V/out/numbered"
assert_rc 0
[ "$(cat "$TMP/cnt/count" 2>/dev/null)" -ge 2 ] || fail "the faulted runs never wrote (no control)"
assert_eq "run 0" "$(cat "$V/out/numbered" 2>/dev/null)" "the named output after a campaign"
# A named output the program makes a directory: its regular files reach
# the host, its symlinks do not.
fz --sandbox --inject=none -- /bin/sh -c 'mkdir "$1" && echo f >"$1/f" && ln -s /etc/passwd "$1/l"' \
	sh "$V/out/dir"
assert_rc 0
assert_eq f "$(cat "$V/out/dir/f" 2>/dev/null)" "a file in a named output directory, on the host"
[ -L "$V/out/dir/l" ] && fail "a symlink in a named output directory reached the host"
grep -q "^fzsandbox: warning: 1 path at or under the named outputs not copied to the host: '$V/out/dir/l' (a symbolic link" \
	"$TMP/fz.stderr" || fail "no warning for a symlink in a named output directory"
# An output that would stay in the jail's own /tmp, or in too wide a
# directory, is not silently lost: a warning names it.
fz --sandbox --inject=none -- /bin/sh -c 'echo x >"$1"' sh /tmp/fzt-autobind-lost-$$.txt
grep -q "^fzsandbox: warning: '/tmp/fzt-autobind-lost-$$.txt' is in the jail's own /tmp" \
	"$TMP/fz.stderr" || fail "no warning for an output in the jail's own /tmp"
[ -e /tmp/fzt-autobind-lost-$$.txt ] && fail "the jail's /tmp reached the host"
fz --sandbox --inject=none -- /bin/mkdir -p /var/fzt-autobind-$$/x
[ "$rc" != 0 ] || fail "mkdir -p under /var worked: /var was bound read-write"
grep -q "^fzsandbox: warning: '/var' is not bound read-write" "$TMP/fz.stderr" ||
	fail "no warning for an output under a top-level directory"
# A value with slashes whose top-level directory does not exist names no
# path (dnsmasq's --address=/domain/ip): nothing bound, nothing said.
fz --sandbox --inject=none -- /bin/echo --address=/fzt-test.local/10.0.0.1
assert_rc 0
grep -q "warning" "$TMP/fz.stderr" && fail "a warning for an option value that is no path: $(cat "$TMP/fz.stderr")"

# Widening stops below homes and dot-directories: an output under a
# missing directory inside one is not worth binding the whole of it.
mkdir -p "$V/.cfg" || fatal "mkdir $V/.cfg"
fz --sandbox --inject=none -- /bin/sh -c 'mkdir -p "${1%/*}"' sh "$V/.cfg/new/x.conf"
grep -q "^fzsandbox: warning: '$V/.cfg' is not bound read-write for the output" "$TMP/fz.stderr" ||
	fail "an output's directory was widened into a dot-directory"
[ -d "$V/.cfg/new" ] && fail "the jail created a directory inside a dot-directory"

# What the jail hides stays hidden even when named.
fz --sandbox --inject=none -- /bin/cat /etc/shadow
[ "$rc" != 0 ] || fail "/etc/shadow readable in the jail"
grep -q "No such file" "$TMP/fz.stderr" || fail "/etc/shadow bound into the jail"
grep -q "^fzsandbox: warning: '/etc/shadow' is hidden from the jail" "$TMP/fz.stderr" ||
	fail "a hidden path named on the command line is not warned about"
fz --sandbox --inject=none -- /bin/ls /etc
grep -qx shadow "$TMP/fz.stdout" && fail "/etc (holding shadow) bound into the jail"
fz --sandbox --inject=none -- /bin/ls -d /root
grep -q "No such file" "$TMP/fz.stderr" || fail "/root bound into the jail"
# Root: /root as the working directory is an empty one in the jail (with a
# warning), a file in /root named as an argument is shown alone, and an
# output there is refused with a warning (not silently kept from the host).
if [ "$(id -u)" = 0 ] && [ "$(getent passwd root | cut -d: -f6)" = /root ]; then
	R=/root/.fzt-autobind-$$
	echo "root's file" >"$R" && chmod 600 "$R" || fatal "cannot write $R"
	at_exit 'rm -rf -- "$R"'
	FZ_CWD=/root fz --inject=none -- /bin/sh -c 'pwd; ls -A' sh
	assert_rc 0
	assert_eq /root "$(cat "$TMP/fz.stdout")" "/root as the working directory: empty in the jail"
	grep -q "^fzsandbox: warning: the working directory '/root' holds secrets" "$TMP/fz.stderr" ||
		fail "no warning for /root as the working directory"
	FZ_CWD=/root fz --inject=none -- /bin/cat "$R"
	assert_rc 0
	assert_eq "root's file" "$(cat "$TMP/fz.stdout")" "a 0600 file of root's, named, in the jail"
	fz --inject=none -- /bin/sh -c 'echo x >"$1"' sh "$R.out"
	[ -e "$R.out" ] && fail "an output in /root written through the jail"
	grep -q "^fzsandbox: warning: '/root' is not bound into the jail" "$TMP/fz.stderr" ||
		fail "no warning for an output in /root"
	rm -f -- "$R" "$R.out"
fi
# The jail's own /tmp is not replaced by the host's.
# (Only the working directory's mount point is in it.)
if [ "$(dirname "$TMP")" = /tmp ]; then
	fz --sandbox --inject=none -- /bin/ls /tmp
	assert_eq "$(basename "$TMP")" "$(cat "$TMP/fz.stdout")" "the jail's /tmp"
fi

# What the clean run leaves in a writable bind is there for every later
# run: a warning names it (the named output excepted), and --workdir,
# whose copy is fresh per run, has none.
mkdir -p "$TMP/left" || fatal "mkdir $TMP/left"
echo old >"$TMP/left/keep"
FZ_CWD=$TMP/left fz --inject=io --max-runs=1 --out="$OUT" -- /bin/sh -c \
	'echo $$ >app.pid; mkdir -p spool; echo hi >"$1"' sh out.txt
assert_rc 0
grep -q "^fzsandbox: warning: the run without faults left 2 new files in writable directories ('$TMP/left/app.pid', '$TMP/left/spool')" \
	"$TMP/fz.stderr" || fail "no warning naming the files a run left: $(cat "$TMP/fz.stderr")"
rm -rf "$TMP/left/app.pid" "$TMP/left/spool" "$TMP/left/out.txt"
FZ_CWD=$TMP/left fz --inject=io --max-runs=1 --out="$OUT" -- /bin/sh -c 'echo hi >"$1"' sh out.txt
grep -q "left .* new file" "$TMP/fz.stderr" && fail "a named output was warned about as left behind"
FZ_CWD=$TMP/left fz --inject=io --max-runs=1 --workdir="$TMP/left" --out="$OUT" -- \
	/bin/sh -c 'echo $$ >app.pid'
grep -q "left .* new file" "$TMP/fz.stderr" && fail "a warning about leftovers under --workdir"
[ -e "$TMP/left/app.pid" ] && fail "--workdir's run wrote into the original"

# Stored for --replay.
fz --sandbox --inject=none --no-auto-bind --out="$OUT" -- /bin/true
assert_rc 0
jqr '.options' | grep -q -- "--no-auto-bind" ||
	fail "--no-auto-bind not in the stored options"
exit 0
