#!/bin/bash
# Escape attempts (tests/escape/) inside --sandbox, each with its control:
# the same attempt without the jail succeeds, so a typo cannot pass. Run as
# the caller and, when the caller is root, again as nobody (setpriv) with
# fzsandbox itself unprivileged. The host side is checked too: a file the
# jailed program claims it could not create really does not exist.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

E=$top_builddir/tests/escape
jail_bin "$E/see_pids" "$E/write_host" "$E/read_shadow" "$E/write_sibling"

# jfz USER ARGS...: fzsandbox as USER ("self" or "nobody"), from TMP, with
# its own --out (writable by that user); sets rc and RUN_OUT (the program's
# standard output: --inject=none passes it through).
jfz() {
	local who=$1 out=$TMP/out-$1
	shift

	mkdir -p "$out" && chmod 777 "$out"
	RUN_OUT=$TMP/fz.stdout
	fz_as "$who" --out="$out" "$@"
}

suite() {
	local who=$1 n tag uid

	uid=$([ "$who" = nobody ] && echo 65534 || id -u)
	jfz "$who" --sandbox --inject=none -- /bin/true
	if [ "$rc" != 0 ]; then
		grep -q "user namespace" "$TMP/fz.stderr" && skip "as $who: $(cat "$TMP/fz.stderr")"
		fatal "as $who: --sandbox cannot run /bin/true (exit $rc)"
	fi

	# Host pids: the jail sees its init and itself.
	jfz "$who" --no-sandbox --inject=none -- "$B/see_pids"
	assert_rc 0
	n=$(sed -n 's/^pids //p' "$RUN_OUT")
	[ "${n:-0}" -gt 3 ] || fail "as $who, control: only '$n' pids visible without the jail"
	jfz "$who" --sandbox --inject=none -- "$B/see_pids"
	assert_rc 0
	n=$(sed -n 's/^pids //p' "$RUN_OUT")
	[ -n "$n" ] && [ "$n" -le 3 ] || fail "as $who: the jail sees '$n' pids"

	# Host files outside the binds.
	tag=$who-$$-$RANDOM
	jfz "$who" --no-sandbox --inject=none -- "$B/write_host" "$tag"
	assert_rc 42	# the program's own status: it escaped
	[ -e "/var/tmp/fz-escape-$tag" ] || fail "as $who, control: /var/tmp file not created"
	grep -q "^escaped /var/tmp/" "$RUN_OUT" || fail "as $who, control: no escape reported"
	if [ "$uid" = 0 ]; then
		[ -e "/root/fz-escape-$tag" ] || fail "as root, control: /root file not created"
	fi
	rm -f "/var/tmp/fz-escape-$tag" "/root/fz-escape-$tag"
	jfz "$who" --sandbox --inject=none -- "$B/write_host" "$tag"
	assert_rc 0
	grep -q "^escaped" "$RUN_OUT" && fail "as $who: the jail wrote $(grep ^escaped "$RUN_OUT")"
	assert_eq 2 "$(grep -c '^contained' "$RUN_OUT")" "contained write attempts"
	for f in "/var/tmp/fz-escape-$tag" "/root/fz-escape-$tag"; do
		if [ -e "$f" ]; then
			rm -f "$f"
			fail "as $who: $f exists on the host after the jailed run"
		fi
	done

	# /etc/shadow: readable without the jail only by root (the control).
	if [ "$uid" = 0 ]; then
		jfz "$who" --no-sandbox --inject=none -- "$B/read_shadow"
		assert_rc 42
		grep -q "^escaped" "$RUN_OUT" || fail "as root, control: /etc/shadow not readable"
	fi
	jfz "$who" --sandbox --inject=none -- "$B/read_shadow"
	assert_rc 0
	grep -q "^contained" "$RUN_OUT" || fail "as $who: the jail read /etc/shadow"

	siblings "$who" "$uid"
}

# Siblings of a named output (issue 10): a program given S/out.bin writes
# S/out.bin on the host, owned as the old read-write bind of S made it
# (as root: S's owner and the jail's group, nogroup; unprivileged: the
# caller), and nothing else of S: not a new sibling, not an existing one,
# not a symlink or a hard link planted at the named path. S is outside
# the working directory and sticky-writable, so that nobody may write it.
siblings() {
	local who=$1 uid=$2 S owner

	S=$(mktemp -d /var/tmp/fzt-sibling.XXXXXX) || fatal "mktemp /var/tmp"
	at_exit "rm -rf -- '$S'"
	chmod 1777 "$S" && echo original >"$S/victim" && chmod 666 "$S/victim" ||
		fatal "cannot prepare $S"
	if [ "$who" = nobody ]; then
		owner=65534:65534
		# Its own file: the overlay cannot copy up (for the hard
		# link) a file whose owner or group the jail does not map
		# (EOVERFLOW).
		chown 65534:65534 "$S/victim" || fatal "chown $S/victim"
	elif [ "$uid" = 0 ]; then
		owner=$(stat -c %u "$S"):$(getent group nogroup | cut -d: -f3)
	else
		owner=$(id -u):$(id -g)
	fi
	# Control: without the jail every write lands.
	jfz "$who" --no-sandbox --inject=none -- "$B/write_sibling" "$S/out.bin"
	assert_rc 0
	[ -e "$S/fz-sibling" ] || fail "as $who, control: the sibling was not created"
	assert_eq clobbered "$(cat "$S/victim")" "as $who, control: the existing sibling"
	rm -f "$S/fz-sibling" "$S/out.bin"
	echo original >"$S/victim"
	jfz "$who" --sandbox --inject=none -- "$B/write_sibling" "$S/out.bin"
	assert_rc 0
	grep -q "^wrote $S/fz-sibling" "$RUN_OUT" || fail "as $who: the jail did not even write its sibling"
	[ -e "$S/fz-sibling" ] && fail "as $who: a sibling of the named output reached the host"
	assert_eq original "$(cat "$S/victim")" "as $who: an existing sibling after the jailed run"
	assert_eq "named output" "$(cat "$S/out.bin" 2>/dev/null)" "as $who: the named output on the host"
	assert_eq "$owner" "$(stat -c %u:%g "$S/out.bin" 2>/dev/null)" "as $who: the named output's owner"
	rm -f "$S/out.bin"
	# A symlink or a hard link planted at the named path is not followed
	# nor copied (controls: without the jail both are made).
	for how in -s -l; do
		jfz "$who" --no-sandbox --inject=none -- "$B/write_sibling" $how "$S/out.bin" "$S/victim"
		[ -L "$S/out.bin" ] || [ "$(stat -c %h "$S/victim")" = 2 ] ||
			fail "as $who, control: write_sibling $how made no link"
		rm -f "$S/out.bin"
		jfz "$who" --sandbox --inject=none -- "$B/write_sibling" $how "$S/out.bin" "$S/victim"
		# As root with a range of ids, the host's groups are not mapped
		# in the binds (jail.md#other-ids): a hard link to root's file
		# is refused (EOVERFLOW) before it can be planted.
		planted=yes
		if [ "$how" = -l ] && grep -q "^refused $S/out.bin: Value too large" "$RUN_OUT"; then
			planted=no
		elif ! grep -q "^wrote $S/out.bin" "$RUN_OUT"; then
			fail "as $who: write_sibling $how made no link in the jail"
		fi
		if [ -e "$S/out.bin" ] || [ -L "$S/out.bin" ]; then
			fail "as $who: a link planted at the named output (write_sibling $how) reached the host"
		fi
		[ $planted = no ] ||
			grep -q "^fzsandbox: warning: 1 path at or under the named outputs not copied to the host: '$S/out.bin'" \
				"$TMP/fz.stderr" || fail "as $who: no warning for a link at the named output ($how)"
		assert_eq original "$(cat "$S/victim")" "as $who: the link's target after the jailed run ($how)"
		rm -f "$S/out.bin"
	done
	rm -rf -- "$S"
}

suite self
if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null 2>&1 || skip "setpriv is not installed (util-linux)"
	suite nobody
fi
# A program in the writable working directory is bound read-only, but its
# directory is not: self_swap renames it (the read-only mount moves along)
# and plants another file at its own path. The next run must not execute
# (nor the tracer trust) that file: the jail checks the program's inode.
mkdir -p "$TMP/sw/build" && cp "$top_builddir/tests/escape/self_swap" "$TMP/sw/build/" ||
	fatal "cannot copy self_swap"
rm -f "$OUT/report.json"
FZ_CWD=$TMP/sw fz --inject=io --max-runs=3 --out="$OUT" -- ./build/self_swap build
assert_rc 2
[ -d "$TMP/sw/build.old" ] || fail "self_swap did not rename its directory (no attempt made)"
grep -q "^fzsandbox: sandbox: the program file was replaced since the campaign began" \
	"$TMP/fz.stderr" || fail "a swapped program file was not detected"
# The runs made before the error keep their report.
jq -e '.capped_by == "error" and .runs >= 1' "$OUT/report.json" >/dev/null ||
	fail "no report of the runs before the error: $(cat "$TMP/fz.stderr")"
assert_no_stray see_pids write_host read_shadow write_sibling
