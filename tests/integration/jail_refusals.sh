#!/bin/bash
# What the jail changed (issue 10): the run without faults notes every call
# the jail refused that the host would have allowed, with the option that
# changes it and the program's stderr lines about it, on stderr and in
# report.json's jail_refusals; planned runs build on that run, so a
# program that takes the refusal quietly ("is not a file!", exit 0) must
# not be tested on that path without a word. Controls: the same runs with
# --no-sandbox note nothing, and the option named makes the note go.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

P=$T/jail_refusals
[ -x "$P" ] || skip "no $P"
chmod 755 "$TMP" || fatal "chmod $TMP"
fz --sandbox --inject=none -- /bin/true
[ "$rc" = 0 ] || skip "no jail here: $(head -1 "$TMP/fz.stderr")"
mkdir -p "$TMP/work" "$TMP/data" && echo '<html></html>' >"$TMP/data/in.html" ||
	fatal "cannot make the input"
input=$(realpath "$TMP/data/in.html")
export FZ_CWD=$TMP/work

# refused CALL ERRNO OPTION STDERR-TEXT WHAT: the first jail_refusals
# entry and the note on stderr.
refused() {
	local call=$1 err=$2 opt=$3 text=$4 what=$5

	assert_eq "$call" "$(jqr '.jail_refusals[0].call')" "$what: call"
	assert_eq "$err" "$(jqr '.jail_refusals[0].errno')" "$what: errno"
	assert_eq "$opt" "$(jqr '.jail_refusals[0].option')" "$what: option"
	grep -qF "note: the jail refused $call" "$TMP/fz.stderr" || fail "$what: no note on stderr"
	grep -qF -- "($opt changes it)" "$TMP/fz.stderr" || fail "$what: the note does not name $opt"
	[ -z "$text" ] && return
	jqr '.jail_refusals[0].stderr[]' | grep -qF -- "$text" ||
		fail "$what: report.json does not quote its stderr line '$text'"
	grep -F "its stderr: '" "$TMP/fz.stderr" | grep -qF -- "$text" ||
		fail "$what: the note does not quote its stderr line '$text'"
}

# not_refused WHAT: the control.
not_refused() {
	assert_eq 0 "$(jqr '.jail_refusals | length')" "$1: jail_refusals"
	! grep -q "the jail refused" "$TMP/fz.stderr" || fail "$1: a note where the jail refused nothing"
}

# (a) The input is bound read-only (named on the command line); the
# program opens it O_RDWR as a check, says so and exits 0.
fz --inject=io --max-runs=1 --out="$OUT" -- "$P" rdwr ../data/in.html
assert_rc 0
refused openat EROFS "--bind=$input" "../data/in.html is not a file!" "campaign, read-only input"
assert_eq "$input" "$(jqr '.jail_refusals[0].path')" "campaign, read-only input: path"
fz --inject=none --out="$OUT" -- "$P" rdwr ../data/in.html
assert_rc 0
refused openat EROFS "--bind=$input" "" "--inject=none, read-only input"
fz --inject=io --max-runs=1 --bind="$input" --out="$OUT" -- "$P" rdwr ../data/in.html
not_refused "--bind of the input"
fz --no-sandbox --inject=io --max-runs=1 --out="$OUT" -- "$P" rdwr ../data/in.html
not_refused "--no-sandbox, read-only input"

# (b) A host file the jail does not show (not an argument: those are bound).
hidden=
for d in /srv /var/lib /opt; do
	hidden=$(mktemp -d "$d/fzt-refusal.XXXXXX" 2>/dev/null) && break
done
if [ -n "$hidden" ]; then
	at_exit "rm -rf '$hidden'"
	echo 'key = value' >"$hidden/settings.conf"
	chmod 755 "$hidden"
	fz --inject=io --max-runs=1 --setenv=FZ_REFUSAL_PATH="$hidden/settings.conf" --out="$OUT" \
		-- "$P" read
	refused openat ENOENT "--ro-bind=$hidden/settings.conf" "no settings in $hidden/settings.conf" \
		"hidden host file"
	fz --inject=io --max-runs=1 --setenv=FZ_REFUSAL_PATH="$hidden/settings.conf" \
		--ro-bind="$hidden/settings.conf" --out="$OUT" -- "$P" read
	not_refused "--ro-bind of the hidden file"
	fz --no-sandbox --inject=io --max-runs=1 --setenv=FZ_REFUSAL_PATH="$hidden/settings.conf" \
		--out="$OUT" -- "$P" read
	not_refused "--no-sandbox, hidden host file"
	# A missing file is the world's, not the jail's: no note.
	fz --inject=io --max-runs=1 --setenv=FZ_REFUSAL_PATH="$hidden/missing.conf" --out="$OUT" \
		-- "$P" read
	not_refused "a file missing on the host too"
else
	skip_check "no writable /srv, /var/lib or /opt for a hidden host file"
fi

# (c) A limit above the jail's.
fz --inject=io --max-runs=1 --rlimit-nofile=64 --out="$OUT" -- "$P" rlimit 128
refused prlimit64 EPERM "--rlimit-nofile=128" "cannot raise the open files limit" "rlimit"
fz --inject=io --max-runs=1 --rlimit-nofile=64 --no-sandbox --out="$OUT" -- "$P" rlimit 128
not_refused "--no-sandbox, rlimit"

# (d) An id the jail does not map (as root: 0-65535 are, 70000 is not).
if [ "$(id -u)" = 0 ]; then
	fz --inject=io --max-runs=1 --out="$OUT" -- "$P" setuid 70000
	refused setuid EINVAL "--no-sandbox" "cannot drop to uid 70000" "setuid"
	jqr '.jail_refusals[0].why' | grep -q "uid 70000 is not mapped" ||
		fail "setuid: the reason does not name the id"
	fz --inject=io --max-runs=1 --out="$OUT" -- "$P" setuid 1000
	not_refused "setuid to a mapped id"
	fz --inject=io --max-runs=1 --no-sandbox --out="$OUT" -- "$P" setuid 70000
	not_refused "--no-sandbox, setuid"
else
	skip_check "setuid to an unmapped id needs root (unprivileged, the host refuses it too)"
fi
