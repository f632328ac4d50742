#!/bin/bash
# Escape attempts (tests/escape/) inside --sandbox, each with its control:
# the same attempt without the jail succeeds, so a typo cannot pass. Run as
# the caller and, when the caller is root, again as nobody (setpriv) with
# fzsandbox itself unprivileged. The host side is checked too: a file the
# jailed program claims it could not create really does not exist.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

E=$top_builddir/tests/escape
jail_bin "$E/see_pids" "$E/write_host" "$E/read_shadow"

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
assert_no_stray see_pids write_host read_shadow
