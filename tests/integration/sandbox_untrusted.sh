#!/bin/bash
# --sandbox: a module the jailed program wrote itself (plugin_host copies
# libfzplugin.so from its read-only directory into the jail's /tmp and
# dlopen()s it) is symbolized by the confined helper, never parsed by
# fzsandbox: the crash's stack names the plugin's functions, file and line
# with the build-id read from memory, the program's own frames (read-only
# directory) and libc's are symbolized in-process as before, a replay asks
# the helper once per address however many runs map the plugin, a static
# program in the (writable) working directory keeps its sites, and
# without the jail nothing goes through the helper.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v readelf >/dev/null 2>&1 || skip "readelf (binutils) is not installed"
# As root the jail runs as nobody. The program's directory is not under
# the working directory, so it is bound read-only: plugin_host is trusted.
chmod 755 "$TMP" || fatal "chmod $TMP"
B=$TMP/bin
W=$TMP/work
mkdir -m 755 "$B" "$W" || fatal "mkdir"
cp "$T/plugin_host" "$T/libfzplugin.so" "$B/" || fatal "cannot copy the targets"
id=$(readelf -n "$B/libfzplugin.so" | awk '/Build ID/ {print $3}')
[ -n "$id" ] || fail "libfzplugin.so has no build-id"

require_jail --out="$OUT"

# fz from W, with FZ_DEBUG: one "symhelper:" line per helper request.
fzw() {
	(cd "$W" && FZ_DEBUG=1 timeout -k 5 180 "$FZ" "$@") \
		>"$TMP/fz.stdout" 2>"$TMP/fz.stderr" </dev/null
	rc=$?
}
helper_lines() {
	grep -c "^fzsandbox: debug: symhelper: $1" "$TMP/fz.stderr"
}
frame() {
	jqr ".findings[0].frames[$1].$2"
}

# In the jail: the run is normal (the program's output, its signal).
fzw --sandbox --inject=none --out="$OUT" -- "$B/plugin_host" "$B/libfzplugin.so"
assert_rc 139
grep -q '^loaded /tmp/fzplugin-......\.so$' "$TMP/fz.stdout" ||
	fail "the plugin was not loaded from /tmp"
assert_eq 1 "$(jqr '.findings | length')" "findings"
assert_eq SIGSEGV "$(jqr '.findings[0].signal_name')" "signal"

# The plugin's frames: its copy under /tmp, names from the helper.
assert_eq plugin_store "$(frame 0 function)" "frame 0"
case $(frame 0 module) in
/tmp/fzplugin-*.so) ;;
*) fail "frame 0 is not in the /tmp copy: $(frame 0 module)" ;;
esac
case $(frame 0 file) in
*tests/targets/plugin.c) ;;
*) fail "frame 0 file: $(frame 0 file)" ;;
esac
[ "$(frame 0 line)" -gt 0 ] 2>/dev/null || fail "frame 0 has no line"
assert_eq "$id" "$(frame 0 build_id)" "frame 0 build-id (read from memory)"
assert_eq plugin_crash "$(frame 1 function)" "frame 1"
[ "$(helper_lines /tmp/fzplugin-)" -ge 1 ] || fail "the plugin was not symbolized by the helper"
grep -q "symhelper: /tmp/fzplugin-.*: plugin_store " "$TMP/fz.stderr" ||
	fail "no helper answer for plugin_store"

# Trusted modules are parsed in-process as before: main (read-only
# program directory) and libc (the jail's /usr) with names and lines.
main=$(jqr '[.findings[0].frames[] | select(.function == "main")][0]')
[ "$main" != null ] || fail "no main frame below the plugin's"
assert_eq "$B/plugin_host" "$(jq -r .module <<<"$main")" "main's module"
[ "$(jq -r .line <<<"$main")" -gt 0 ] || fail "main has no line"
assert_eq 0 "$(helper_lines "$B/")" "helper requests for the program itself"
[ "$(jqr '[.findings[0].frames[] | select(.system and .function != "??")] | length')" -ge 1 ] ||
	fail "no symbolized libc frame"

# Replay: three runs, each with its own copy (another name, the same
# build-id): the helper is asked once per address, not once per run.
fzw --replay="$OUT/report.json#1" --replay-runs=3 --out="$TMP/replay"
assert_rc 1
grep -q "reproduced 3 of 3" "$TMP/fz.stdout" "$TMP/fz.stderr" ||
	fail "replay did not reproduce 3 of 3"
assert_eq 1 "$(grep -c "symhelper: .*: plugin_store " "$TMP/fz.stderr")" \
	"helper requests for plugin_store in 3 runs"

# A static program in a directory bound read-write (--bind: untrusted) is
# symbolized by the helper and never parsed by the tracer, not even for
# its allocator's symbols: --inject=alloc cannot fail its calls and says
# so (exit 2, one line naming --ro-bind) rather than silently failing
# nothing. In the working directory the program itself is bound
# read-only, so trusted: the same sites and runs as without the jail.
SD=$TMP/sbin
mkdir -m 755 "$SD" && cp "$T/static_malloc" "$SD/" || fatal "cannot copy static_malloc"
sites='[[.sites[] | .function] | sort | .[]] | join(",")'
fzw --no-sandbox --inject=alloc --out="$OUT" -- "$SD/static_malloc"
assert_rc 1
plain="$(jqr "$sites") $(jqr .runs)"
fzw --bind="$SD" --inject=alloc --out="$OUT" -- "$SD/static_malloc"
assert_rc 2
grep -q "^fzsandbox: alloc: the program is on a mount the jail can write.*--ro-bind" "$TMP/fz.stderr" ||
	fail "no line saying why an untrusted static program's allocations are not failed"
[ "$(helper_lines "$SD/static_malloc")" -ge 1 ] ||
	fail "the static program was not symbolized by the helper"
cp "$T/static_malloc" "$W/" || fatal "cannot copy static_malloc"
fzw --inject=alloc --out="$OUT" -- ./static_malloc
assert_rc 1
assert_eq "$plain" "$(jqr "$sites") $(jqr .runs)" "static program in the working directory"
assert_eq 0 "$(helper_lines "")" "helper requests for a program in the working directory"

# Unprivileged: fzsandbox itself as nobody, the helper too (no ids to
# change; still no capabilities, no_new_privs, the filter).
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	cp "$FZ" "$B/" || fatal "cannot copy fzsandbox"
	mkdir -m 777 "$TMP/uout" || fatal "mkdir"
	(cd "$W" && FZ_DEBUG=1 setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$B/fzsandbox" --sandbox --inject=none --out="$TMP/uout" -- \
		"$B/plugin_host" "$B/libfzplugin.so") >"$TMP/fz.stdout" 2>"$TMP/fz.stderr" </dev/null
	rc=$?
	assert_rc 139
	assert_eq plugin_store "$(jqr '.findings[0].frames[0].function' "$TMP/uout/report.json")" \
		"frame 0 as nobody"
	[ "$(helper_lines /tmp/fzplugin-)" -ge 1 ] || fail "no helper request as nobody"
fi

# Without the jail the user runs their program at their own risk: the
# same stack, parsed in-process, no helper.
fzw --no-sandbox --inject=none --out="$OUT" -- "$B/plugin_host" "$B/libfzplugin.so" "$TMP"
assert_rc 139
assert_eq plugin_store "$(frame 0 function)" "frame 0 without the jail"
assert_eq 0 "$(helper_lines "")" "helper requests without the jail"
exit 0
