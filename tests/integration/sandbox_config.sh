#!/bin/bash
# --config=FILE: "name = value" lines (long option names), "name" alone for
# an option without a value, '#' comment lines; the command line wins over
# the file; a bad line is an exit-2 error naming FILE:LINE (125 with
# --inject=none, like every usage error in that mode).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

chmod 755 "$TMP" || fatal "chmod $TMP"
C=$TMP/fz.conf
cat >"$C" <<EOC
# the policy of a CI job
inject = none
timeout = 300ms

setenv = FZ_FROM_CONFIG=yes
setenv = FZ_SECOND=also
EOC
# Options from the file: --inject=none (exit status passed through),
# repeatable setenv, timeout (124).
fz --config="$C" -- /bin/sh -c 'echo "$FZ_FROM_CONFIG $FZ_SECOND"; exit 6'
assert_rc 6
assert_eq "yes also" "$(cat "$TMP/fz.stdout")" "environment from the file"
fz --config="$C" -- /bin/sleep 5
assert_rc 124
# The command line wins: a longer timeout, another class.
fz --config="$C" --timeout=10s -- /bin/sh -c 'sleep 0.5; exit 0'
assert_rc 0
fz --config="$C" --inject=io --max-runs=2 --out="$OUT" -- /bin/true
assert_rc 0
assert_eq io "$(jqr '.inject')" "--inject on the line over the file"

# The jail's options, if it works here.
if fz --sandbox --inject=none -- /bin/true && [ "$rc" = 0 ]; then
	mkdir -m 755 "$TMP/data" && echo "bound" >"$TMP/data/f" && chmod 644 "$TMP/data/f"
	cat >"$TMP/jail.conf" <<EOC
sandbox
net = none
ro-bind = $TMP/data:/srv/data
EOC
	fz --config="$TMP/jail.conf" --inject=none -- /bin/cat /srv/data/f
	assert_rc 0
	assert_eq bound "$(cat "$TMP/fz.stdout")" "ro-bind from the file"
fi

# Bad lines name FILE:LINE.
bad() {	# WANT_RC WHAT LINE...
	local want=$1 what=$2
	shift 2
	printf '%s\n' "# comment" "$@" >"$TMP/bad.conf"
	fz --config="$TMP/bad.conf" -- /bin/true
	assert_rc "$want"
	grep -q "^fzsandbox: $TMP/bad.conf:2: " "$TMP/fz.stderr" || fail "$what: no FILE:LINE"
}
bad 2 "unknown option" "no-such-option = 1"
bad 2 "bad value" "timeout = soon"
bad 2 "value on a flag" "sandbox = yes"
bad 2 "missing value" "timeout"
bad 2 "nested config" "config = $C"
fz --config="$TMP/missing.conf" -- /bin/true
assert_rc 2
grep -q "missing.conf" "$TMP/fz.stderr" || fail "the missing file is not named"
printf 'timeout = soon\n' >"$TMP/bad.conf"
fz --inject=none --config="$TMP/bad.conf" -- /bin/true
assert_rc 125
