# lib.sh - shared helpers for tests/integration/*.sh (bash; source it).
#
# Gives: FZ (the fzsandbox binary), T (built test targets), SRC (source
# tree), TMP (a private directory removed on exit), OUT (TMP/out, the --out
# directory for `fz`), and:
#   fz ARGS...          run fzsandbox (stdout/stderr to TMP/fz.stdout/.stderr,
#                       exit status in $rc); never exits the test itself
#   fail MSG            print and record a failed check (with the last run's
#                       output) and go on: the script fails at its end
#   fatal MSG           the same, then stop now: for setup that later checks
#                       need (a mkdir, a copy, a start-up probe)
#   skip REASON         print "SKIP: REASON", exit 77 (automake's skip code),
#                       or exit 1 if a check already failed
#   skip_check REASON   print "SKIP-CHECK: REASON": one check cannot run here
#                       (the kernel lacks a feature); the script goes on
#   at_exit CMD         run CMD (shell text) at exit, before TMP is removed;
#                       scripts never set their own EXIT trap
#   assert_eq WANT GOT WHAT
#   assert_rc WANT      compare with $rc from the last fz
#   jqr FILTER [FILE]   jq -r FILTER on FILE (default $OUT/report.json)
#   finding_with FUNC   jq filter text: findings with FUNC in some frame
#   assert_no_stray NAME...  no process named NAME from this test is left
#
# Tests run in parallel (make -j check) and several use the same target, so
# "our" processes are told apart by FZ_TEST_TAG in their environment (the
# target inherits it through fzsandbox) or by their working directory (TMP).

set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
SRC=$top_srcdir
FZ=$top_builddir/fzsandbox
T=$top_builddir/tests/targets
TEST_NAME=$(basename "$0" .sh)

TMP=$(mktemp -d "${TMPDIR:-/tmp}/fzt-$TEST_NAME.XXXXXX") || exit 99
OUT=$TMP/out
FZ_TEST_TAG=$TMP
export FZ_TEST_TAG
rc=

# Failed checks, one message a line: a file, so that a fail inside $(...)
# or a pipeline (a subshell) counts too.
FAILED=$TMP/.failed-checks

AT_EXIT=
at_exit() {
	AT_EXIT="$AT_EXIT$1;"
}

# At exit: a script that recorded a failed check exits 1 after listing
# them, whatever its last command returned; otherwise its own status
# stands (0, 77 for a skip, ...).
finish() {
	local status=$? n=0

	eval "$AT_EXIT"
	[ -s "$FAILED" ] && n=$(wc -l <"$FAILED")
	if [ "$n" -gt 0 ]; then
		echo "$TEST_NAME: $n failed check(s):" >&2
		sed 's/^/  /' "$FAILED" >&2
		status=1
	fi
	rm -rf -- "$TMP"
	exit "$status"
}
trap finish EXIT

fail() {
	echo "FAIL: $TEST_NAME: $*" >&2
	echo "$*" >>"$FAILED"
	for f in "$TMP/fz.stdout" "$TMP/fz.stderr"; do
		if [ -s "$f" ]; then
			echo "--- $(basename "$f") (last 30 lines)" >&2
			tail -n 30 -- "$f" >&2
		fi
	done
	return 1
}

fatal() {
	fail "$@"
	echo "$TEST_NAME: stopping here: the checks after this one need it" >&2
	exit 1
}

skip() {
	echo "SKIP: $*"
	exit 77
}

skip_check() {
	echo "SKIP-CHECK: $TEST_NAME: $*"
}

assert_eq() {
	# $1 expected, $2 actual, $3 what
	if [ "$1" != "$2" ]; then
		fail "${3:-value}: expected '$1', got '$2'"
	fi
}

assert_rc() {
	assert_eq "$1" "$rc" "fzsandbox exit status"
}

# fzsandbox ARGS... refused as bad input: exit 2 and one line on stderr.
assert_refused() {	# WHAT ARGS...
	local what=$1

	shift
	fz "$@"
	assert_rc 2
	assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "$what: lines on stderr"
}

command -v jq >/dev/null 2>&1 || skip "jq is not installed (./quickstart installs it)"
[ -x "$FZ" ] || fatal "fzsandbox not built at $FZ"

# Run from TMP (or FZ_CWD, under TMP) so our targets' cwd marks them as ours.
fz() {
	local here=$PWD

	cd "${FZ_CWD:-$TMP}" || fatal "cd ${FZ_CWD:-$TMP}"
	# A hung fzsandbox fails its test (status 124) instead of hanging
	# the whole suite.
	timeout -k 5 "${FZ_TEST_TIMEOUT:-180}" "$FZ" "$@" >"$TMP/fz.stdout" 2>"$TMP/fz.stderr" </dev/null
	rc=$?
	cd "$here" || fatal "cd $here"
	return 0
}

jqr() {
	local file=${2:-$OUT/report.json}

	[ -f "$file" ] || { fail "no report at $file"; return 1; }
	jq -r "$1" "$file" || fail "jq failed on $file: $1"
}

# A jq expression selecting findings that have FUNC in some frame.
finding_with() {
	printf '[.findings[] | select(any(.frames[]?; .function == "%s"))]' "$1"
}

# The first frame not in a system library, of the finding selected by $1.
top_frame() {
	printf '%s | .[0].frames | map(select(.system | not)) | .[0]' "$1"
}

# A process is ours if FZ_TEST_TAG=$TMP is in its environment or its cwd is
# TMP (or below). Zombies have neither and are not a leak of ours.
is_ours() {
	local pid=$1 cwd

	if tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -qxF "FZ_TEST_TAG=$TMP"; then
		return 0
	fi
	cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || return 1
	case "$cwd" in
	"$TMP" | "$TMP"/*) return 0 ;;
	esac
	return 1
}

assert_no_stray() {
	local name comm pid left=

	for name in "$@"; do
		comm=${name:0:15}	# the kernel truncates comm to 15 characters
		for pid in $(pgrep -x -- "$comm"); do
			if is_ours "$pid"; then
				left="$left $pid($name)"
			fi
		done
	done
	if [ -n "$left" ]; then
		for pid in $left; do
			kill -KILL "${pid%%(*}" 2>/dev/null
		done
		fail "stray processes left after fzsandbox exited:$left"
	fi
}

# Assert that the last run exited 1 with at least one finding that has
# FUNC in a frame; prints nothing.
assert_finding_in() {
	local n

	assert_rc 1
	n=$(jqr "$(finding_with "$1") | length")
	[ "$n" -ge 1 ] || fail "no finding with $1 in its stack"
}

# The jail must work here: skip (with fzsandbox's reason) where user
# namespaces are unavailable, fail on any other refusal. Extra arguments go
# to that probe run (e.g. --out).
# jail_bin PROG...: fzsandbox and the PROGs copied into B=$TMP/bin, with
# TMP searchable, so that nobody can run them: the jail's tests run
# fzsandbox itself as nobody too (setpriv), and as root the jail's own
# processes are nobody. B/fz-nobody is fzsandbox run as nobody.
jail_bin() {
	chmod 755 "$TMP" || fatal "chmod $TMP"
	B=$TMP/bin
	mkdir -p -m 755 "$B" || fatal "mkdir $B"
	cp "$FZ" "$@" "$B/" || fatal "cannot copy $*"
	printf '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups "%s" "$@"\n' \
		"$B/fzsandbox" >"$B/fz-nobody" && chmod 755 "$B/fz-nobody" || fatal "cannot write $B/fz-nobody"
}

# fz_as WHO ARGS...: fz with jail_bin's fzsandbox, run as WHO ("self" or
# "nobody").
fz_as() {
	local who=$1
	shift

	if [ "$who" = nobody ]; then
		FZ=$B/fz-nobody fz "$@"
	else
		FZ=$B/fzsandbox fz "$@"
	fi
}

require_jail() {
	fz --sandbox --inject=none "$@" -- /bin/true
	[ "$rc" = 0 ] && return 0
	grep -q "user namespace" "$TMP/fz.stderr" && skip "$(cat "$TMP/fz.stderr")"
	fatal "--sandbox cannot run /bin/true (exit $rc)"
}
