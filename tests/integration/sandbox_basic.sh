#!/bin/bash
# --sandbox: the spine's targets give the same findings (kind, signal, top
# non-system frame, thread) inside the jail as outside, stacks symbolize
# through /proc/PID/root, --stdin is opened before the jail hides its
# path, and a jail set-up failure is one exit-2 line naming the step.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

# As root the jail runs as host nobody: it must be able to enter TMP (its
# working directory) and run the targets, wherever the build tree is.
chmod 755 "$TMP" || fatal "chmod $TMP"
B=$TMP/bin
mkdir -m 755 "$B" || fatal "mkdir $B"
for t in unchecked_malloc threads forking short_read; do
	cp "$T/$t" "$B/" || fatal "cannot copy $t"
done

require_jail --out="$OUT"

# The findings of one campaign, in a comparable form.
summary_filter() {
	echo '[.findings[] | {kind, signal_name, thread,
		top: ([.frames[] | select(.system | not)][0].function)}] | sort_by(.top) | tostring'
}
summary() {
	jqr "$(summary_filter)"
}

same_findings() {
	local inject=$1 plain jail
	shift

	fz --no-sandbox --inject="$inject" --out="$OUT" "$@"
	assert_rc 1
	plain=$(summary)
	fz --sandbox --inject="$inject" --out="$OUT" "$@"
	assert_rc 1
	jail=$(summary)
	assert_eq "$plain" "$jail" "findings of $* in the jail"
}

same_findings alloc --stdin=/dev/null -- "$B/unchecked_malloc"
assert_eq copy_name "$(jqr "$(top_frame '[.findings[]]') | .function")" "top frame"
line=$(jqr "$(top_frame '[.findings[]]') | .line")
[ "$line" -gt 0 ] 2>/dev/null || fail "no line number in the jail's stack ('$line')"
same_findings alloc -- "$B/threads"
same_findings alloc -- "$B/forking"
"$B/short_read" --make "$TMP/header.bin" || fatal "cannot create the input file"
same_findings io -- "$B/short_read" "$TMP/header.bin"
jqr '.options' | grep -q -- --no-sandbox && fail "replay options of a jailed run say --no-sandbox"
fz --no-sandbox --inject=io --out="$OUT" -- "$B/short_read" "$TMP/header.bin"
jqr '.options' | grep -q -- --no-sandbox || fail "replay options do not keep --no-sandbox"

# Service mode: the driver's sockets are made inside the jail's network
# namespace (sandbox_socket_beside), so requests reach the jailed service.
cp "$T/service_bug" "$B/" || fatal "cannot copy service_bug"
same_findings io,alloc --request="$SRC/tests/targets/requests" -- "$B/service_bug" --port 0
assert_eq handle_set "$(jqr "$(top_frame '[.findings[]]') | .function")" "service top frame"

# Unprivileged: fzsandbox itself as nobody gives the same findings.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	cp "$FZ" "$B/" && cp -r "$SRC/tests/targets/requests" "$TMP/requests" || fatal "cannot copy"
	chmod -R a+rX "$TMP/requests"
	for args in "--inject=alloc -- $B/threads" \
		"--inject=io,alloc --request=$TMP/requests -- $B/service_bug --port 0"; do
		# shellcheck disable=SC2086 # args are word lists on purpose
		fz --no-sandbox --out="$OUT" $args
		assert_rc 1
		plain=$(summary)
		mkdir -p "$TMP/uout" && chmod 777 "$TMP/uout"
		(cd "$TMP" && setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$B/fzsandbox" --sandbox --out="$TMP/uout" $args) \
			>"$TMP/fz.stdout" 2>"$TMP/fz.stderr" </dev/null
		rc=$?
		assert_rc 1
		assert_eq "$plain" "$(jqr "$(summary_filter)" "$TMP/uout/report.json")" \
			"findings as nobody in the jail: $args"
	done
fi

# --stdin from a directory the jail cannot see: fzsandbox opens it first.
mkdir -m 700 "$TMP/private" && echo "stdin reached the jail" >"$TMP/private/in"
fz --sandbox --inject=none --stdin="$TMP/private/in" --out="$OUT" -- /bin/cat
assert_rc 0
assert_eq "stdin reached the jail" "$(cat "$TMP/fz.stdout")" "the jailed cat's output"

# The jail's view: its own uid as the caller's, no capabilities, loopback.
fz --sandbox --inject=none --out="$OUT" -- /bin/sh -c \
	'id -u; grep CapEff /proc/self/status; cat /sys/class/net/lo/operstate 2>/dev/null; hostname'
assert_rc 0
assert_eq "$(id -u)" "$(sed -n 1p "$TMP/fz.stdout")" "uid inside the jail"
# No capability, but for root's: CAP_CHOWN, CAP_KILL, CAP_SETGID, CAP_SETUID
# (bits 0, 5, 6, 7), in its user namespace, to move in its range of ids.
caps=0000000000000000
[ "$(id -u)" = 0 ] && caps=00000000000000e1
assert_eq "CapEff:	$caps" "$(sed -n 2p "$TMP/fz.stdout")" "capabilities inside"
assert_eq fzsandbox "$(tail -n 1 "$TMP/fz.stdout")" "hostname inside"

# Root: the jail's processes are nobody on the host, but root's binds are
# idmapped, so a program in a 0700 directory reads its 0600 input and
# writes its output there, owned by root as if root had run it.
if [ "$(id -u)" = 0 ]; then
	mkdir -m 700 "$TMP/closed" && cp /bin/cat "$TMP/closed/" || fatal "cannot make $TMP/closed"
	echo secret >"$TMP/closed/in" && chmod 600 "$TMP/closed/in"
	(cd "$TMP/closed" && "$FZ" --inject=none --out="$OUT" -- ./cat in) >"$TMP/fz.stdout" 2>"$TMP/fz.stderr"
	rc=$?
	assert_rc 0
	assert_eq secret "$(cat "$TMP/fz.stdout")" "a 0600 file in a 0700 directory, read in the jail"
	(cd "$TMP/closed" && "$FZ" --inject=none --out="$OUT" -- /bin/sh -c 'echo made >out') \
		>"$TMP/fz.stdout" 2>"$TMP/fz.stderr"
	rc=$?
	assert_rc 0
	assert_eq "made 0" "$(cat "$TMP/closed/out") $(stat -c %u "$TMP/closed/out")" \
		"an output written in the jail, and its owner on the host"
	# Copies keeping ownership (cp -p, tar) work; root's group is not
	# mapped in the jail (its root could join any group it sees: issue
	# 10), so the copies get the jail's nogroup, a host id of its range;
	# a set-group-ID bit on them is dropped, set-user-ID refused (@setid).
	(cd "$TMP/closed" && "$FZ" --inject=none --out="$OUT" -- /bin/sh -c \
		'cp -p cat cat2 && tar cf t.tar cat && mkdir x && tar xpf t.tar -C x && chmod 2755 cat2') \
		>"$TMP/fz.stdout" 2>"$TMP/fz.stderr"
	rc=$?
	assert_rc 0
	g=$(stat -c %g "$TMP/closed/cat2")
	[ "$g" -gt 65535 ] || fail "cp -p in the jail: group $g, want one of the jail's range"
	assert_eq "0:$g 0:$g 755" "$(stat -c %u:%g "$TMP/closed/cat2") $(stat -c %u:%g "$TMP/closed/x/cat") $(stat -c %a "$TMP/closed/cat2")" \
		"owner kept by cp -p and tar in the jail, and no set-group-ID"
	# A user's project (root running in a directory uid 1000 owns): the
	# jail acts as that owner there, and what it writes is the owner's.
	mkdir -m 700 "$TMP/proj" && echo theirs >"$TMP/proj/in" && chmod 600 "$TMP/proj/in" &&
		chown -R 1000:1000 "$TMP/proj" || fatal "cannot make $TMP/proj"
	(cd "$TMP/proj" && "$FZ" --inject=none --out="$OUT" -- /bin/sh -c 'cat in; echo made >out') \
		>"$TMP/fz.stdout" 2>"$TMP/fz.stderr"
	rc=$?
	assert_rc 0
	assert_eq theirs "$(cat "$TMP/fz.stdout")" "a 0600 file of uid 1000's, read in the jail"
	assert_eq "made 1000:65534" "$(cat "$TMP/proj/out") $(stat -c %u:%g "$TMP/proj/out")" \
		"an output in uid 1000's directory, and its owner on the host"
fi

# The jail's hostname resolves, as a host's own does (its /etc/hosts is
# the host's plus that line, a temporary file gone after the campaign,
# even one that ends in an error).
fz --inject=none --out="$OUT" -- /usr/bin/getent hosts fzsandbox
assert_rc 0
assert_eq "127.0.1.1 fzsandbox" "$(tr -s ' \t' ' ' <"$TMP/fz.stdout")" "the jail's hostname resolved"
# and /etc/hostname names it, as on a host (daemons read it, not uname).
fz --inject=none --out="$OUT" -- /bin/sh -c 'cat /etc/hostname; uname -n'
assert_rc 0
assert_eq "fzsandbox fzsandbox" "$(tr '\n' ' ' <"$TMP/fz.stdout" | sed 's/ $//')" "/etc/hostname and the UTS name"
mkdir -m 700 "$TMP/htmp" || fatal "mkdir $TMP/htmp"
TMPDIR=$TMP/htmp fz --inject=io --fault=read:EIO@site#99 --out="$OUT" -- /bin/true
assert_rc 2
assert_eq "" "$(ls -A "$TMP/htmp")" "files left in TMPDIR by a campaign that failed"

# Pseudo-terminals: the jail's own devpts instance, for the caller and
# (below, in the unprivileged part of the escape tests) for nobody.
fz --inject=none --out="$OUT" -- /bin/sh -c 'exec 3<>/dev/ptmx && ls /dev/pts'
assert_rc 0
assert_eq "0 ptmx" "$(tr '\n' ' ' <"$TMP/fz.stdout" | sed 's/ $//')" "a pty opened in the jail"

# A campaign whose run without faults fails says so (every planned run
# starts from that failure).
fz --inject=io --out="$OUT" -- /bin/sh -c 'echo "cannot open config" >&2; exit 3'
assert_rc 0
grep -q "^fzsandbox: note: the run without faults exited with status 3 (its stderr: 'cannot open config')" \
	"$TMP/fz.stderr" || fail "no note for a failing run without faults"

# Set-up failures: one line naming the step (here: the working directory,
# on a filesystem that cannot be idmapped, is not reachable by the jail's
# host user; a warning says so first); exit 2 in a campaign, 125 (as
# env(1)) with --inject=none.
if [ "$(id -u)" = 0 ] && mkdir "$TMP/ramfs" && mount -t ramfs -o mode=755 ramfs "$TMP/ramfs"; then
	mkdir -m 700 "$TMP/ramfs/closed"
	(cd "$TMP/ramfs/closed" && "$FZ" --inject=none --out="$OUT" -- /bin/true) \
		>"$TMP/fz.stdout" 2>"$TMP/fz.stderr"
	rc=$?
	umount "$TMP/ramfs"
	assert_rc 125
	assert_eq 2 "$(wc -l <"$TMP/fz.stderr")" "lines on stderr"
	grep -q "^fzsandbox: warning: cannot idmap '$TMP/ramfs/closed'" "$TMP/fz.stderr" ||
		fail "no warning naming the directory that cannot be idmapped"
	grep -q "^fzsandbox: .*Permission denied" "$TMP/fz.stderr" || fail "no step/errno line"
fi
fz --no-sandbox --uid=nobody --inject=io --out="$OUT" -- /bin/true
assert_rc 2
grep -q -- "--uid needs the jail" "$TMP/fz.stderr" || fail "--uid with --no-sandbox accepted"
assert_no_stray unchecked_malloc threads forking short_read

# Where user namespaces cannot be made (here: a user namespace whose
# user.max_user_namespaces is 0, so the host is untouched), the jail is an
# environment error: exit 2 and one line saying how to enable them; and
# --no-sandbox still runs.
if unshare --user --map-root-user true 2>/dev/null; then
	(cd "$TMP" && unshare --user --map-root-user sh -c \
		'echo 0 >/proc/sys/user/max_user_namespaces && exec "$0" --inject=io --out="$1" -- /bin/true' \
		"$FZ" "$OUT") >"$TMP/fz.stdout" 2>"$TMP/fz.stderr"
	rc=$?
	assert_rc 2
	assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "lines on stderr without user namespaces"
	grep -q "^fzsandbox: sandbox: cannot create a user namespace: .*max_user_namespaces.*--no-sandbox" \
		"$TMP/fz.stderr" || fail "no line saying how to enable user namespaces: $(cat "$TMP/fz.stderr")"
	(cd "$TMP" && unshare --user --map-root-user sh -c \
		'echo 0 >/proc/sys/user/max_user_namespaces && exec "$0" --no-sandbox --inject=io --out="$1" -- /bin/true' \
		"$FZ" "$OUT") >"$TMP/fz.stdout" 2>"$TMP/fz.stderr"
	rc=$?
	assert_rc 0
fi
