#!/bin/bash
# Issue 11, stripped programs: a stripped copy of unchecked_malloc gets its
# names back from a separate debug file found the ways gdb finds one:
# .gnu_debuglink beside it, a build-id directory (--debuginfo-path, a
# test-private debug root), and a local debuginfod server. Without any,
# frames name the nearest .dynsym symbol or the section, never a bare
# "??". With the jail, a debug file the program could have written (in
# its writable working directory) is not read.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v objcopy >/dev/null && command -v strip >/dev/null ||
	skip "objcopy and strip (binutils) are needed"

# strip_copy SRC DIR: DIR/um, stripped, and DIR/um.debug with its debug
# information; prints the build-id.
strip_copy() {
	mkdir -p "$2" || fatal "mkdir $2"
	objcopy --only-keep-debug "$1" "$2/um.debug" || fatal "objcopy --only-keep-debug"
	strip --strip-all -o "$2/um" "$1" || fatal "strip $1"
	(cd "$2" && objcopy --add-gnu-debuglink=um.debug um) || fatal "objcopy --add-gnu-debuglink"
	readelf -n "$2/um" | sed -n 's/.*Build ID: \([0-9a-f]*\).*/\1/p'
}

# The finding's top non-system frame must be copy_name at its line.
assert_named() {
	local sel

	assert_rc 1
	sel=$(finding_with copy_name)
	assert_eq 1 "$(jqr "$sel | length")" "$1: findings in copy_name"
	assert_eq copy_name "$(jqr "$(top_frame "$sel") | .function")" "$1: top frame"
	[ "$(jqr "$(top_frame "$sel") | .line")" -gt 0 ] 2>/dev/null || fail "$1: no line"
	assert_eq copy_name "$(jqr "$sel | .[0].faults[0].caller")" "$1: fault's caller"
}

# Runs start in TMP/run: the programs' directories are not under the
# working directory, which the jail binds read-write.
mkdir -p "$TMP/run" || fatal "mkdir"
FZ_CWD=$TMP/run
id=$(strip_copy "$T/unchecked_malloc" "$TMP/link")
[ ${#id} -eq 40 ] || fatal "no build-id in the stripped copy ('$id')"
nm "$TMP/link/um" 2>/dev/null | grep -q copy_name && fatal "the copy is not stripped"

# 1. .gnu_debuglink: um.debug beside the program.
fz --inject=alloc --out="$OUT" -- "$TMP/link/um"
assert_named debuglink

# 2. A build-id directory: DIR/.build-id/xx/yyyy.debug, no debuglink file.
mkdir -p "$TMP/dbg/.build-id/${id:0:2}" "$TMP/bid" || fatal "mkdir"
cp "$TMP/link/um.debug" "$TMP/dbg/.build-id/${id:0:2}/${id:2}.debug" || fatal "cp"
cp "$TMP/link/um" "$TMP/bid/um" || fatal "cp"
rm -rf "$OUT"
fz --inject=alloc --debuginfo-path="$TMP/dbg" --out="$OUT" -- "$TMP/bid/um"
assert_named build-id
fz --debuginfo-path=relative/dir --out="$OUT" -- "$TMP/bid/um"
assert_rc 2

# 3. No debug information: the section and offset, or .dynsym's names.
rm -rf "$OUT"
fz --inject=alloc --out="$OUT" -- "$TMP/bid/um"
assert_rc 1
own='.findings[0].frames | map(select(.system | not))'
fn=$(jqr "$own | .[0].function")
case "$fn" in
.text+0x*) ;;
*) fail "no debug information: top frame is '$fn', not .text+0x..." ;;
esac
# A function is named by its start (from .eh_frame), the pc by its offset
# in it: every pc of one function has one name. The ELF entry is _start.
case "$(jqr "$own | .[0].symbol_offset")" in
0x*) ;;
*) fail "no debug information: the top frame has no offset in its function" ;;
esac
assert_eq _start "$(jqr "$own | .[-1].function")" "no debug information: the ELF entry's frame"
# main has no symbol either, but _start hands it to libc: it is named.
assert_eq main "$(jqr "$own | .[-2].function")" "no debug information: the frame of main"
assert_eq 0 "$(jqr "[.findings[].frames[], .sites[] | select(.function == \"??\")] | length")" \
	"frames or sites named ?? without debug information"
fc=$(jqr '.findings[0].faults[0].caller')
case "$fc" in
.text+0x*) ;;
*) fail "no debug information: the fault's caller is '$fc'" ;;
esac
strip_copy "$T/unchecked_malloc_dyn" "$TMP/dyn" >/dev/null
rm -f "$TMP/dyn/um.debug"
rm -rf "$OUT"
fz --inject=alloc --out="$OUT" -- "$TMP/dyn/um"
assert_rc 1
m=$(jqr '[.findings[0].frames[] | select(.function == "main")][0]')
[ "$m" != null ] || fail ".dynsym: no frame named main (exported by -rdynamic)"
off=$(jqr '[.findings[0].frames[] | select(.function == "main")][0].symbol_offset')
case "$off" in
0x*) ;;
*) fail ".dynsym: main has no symbol_offset ('$off')" ;;
esac
grep -q '#[0-9]* main+0x[0-9a-f]* (um+0x' "$TMP/fz.stderr" || fail "text output lacks main+0x..."

# 4. With the jail, a debug file the program could have written is not
# read: here, beside it in its working directory, which the jail binds
# read-write (the program itself stays read-only). Without the jail it is.
mkdir -p "$TMP/work" || fatal "mkdir"
cp "$TMP/link/um" "$TMP/link/um.debug" "$TMP/work/" || fatal "cp"
rm -rf "$OUT"
FZ_CWD=$TMP/work fz --inject=alloc --out="$OUT" -- "$TMP/work/um"
assert_rc 1
assert_eq 0 "$(jqr "$(finding_with copy_name) | length")" \
	"jail: the debug file in the writable working directory was read"
rm -rf "$OUT"
FZ_CWD=$TMP/work fz --no-sandbox --inject=alloc --out="$OUT" -- "$TMP/work/um"
assert_named "no jail, debug file in the working directory"

# 5. debuginfod (DEBUGINFOD_URLS), on a local server serving the debug
# file, with its client cache kept where it is told. Without debuginfod
# here only this part is skipped.
debuginfod_part() {
	local port srv ok= i

	command -v debuginfod >/dev/null && command -v debuginfod-find >/dev/null || {
		skip_check "debuginfod is not installed (Debian package debuginfod)"
		return
	}
	ldconfig -p 2>/dev/null | grep -q 'libdebuginfod\.so\.1 ' || {
		skip_check "libdebuginfod.so.1 is not installed (libdw cannot ask debuginfod)"
		return
	}
	mkdir -p "$TMP/srv" "$TMP/only" || fatal "mkdir"
	cp "$TMP/link/um.debug" "$TMP/srv/um.debug" || fatal "cp"
	cp "$TMP/link/um" "$TMP/only/um" || fatal "cp"
	# debuginfod 0.188 has no listen address option: it listens on every
	# interface, on a port of this test's own, for this test's life only.
	port=$((20000 + $$ % 20000))
	debuginfod -F -p "$port" -d "$TMP/db.sqlite" -g 0 "$TMP/srv" \
		>"$TMP/debuginfod.log" 2>&1 &
	srv=$!
	at_exit "kill $srv 2>/dev/null; wait $srv 2>/dev/null"
	export DEBUGINFOD_URLS=http://127.0.0.1:$port
	for i in $(seq 1 60); do
		kill -0 "$srv" 2>/dev/null || break
		# A fresh cache each time: the client remembers a miss for minutes.
		if DEBUGINFOD_CACHE_PATH=$TMP/probe-cache-$i \
			debuginfod-find debuginfo "$id" >/dev/null 2>&1; then
			ok=1
			break
		fi
		sleep 0.5
	done
	if [ -z "$ok" ]; then
		skip_check "the local debuginfod server did not serve $id ($(tail -1 "$TMP/debuginfod.log"))"
		unset DEBUGINFOD_URLS
		return
	fi
	export DEBUGINFOD_CACHE_PATH=$TMP/cache
	rm -rf "$OUT"
	fz --inject=alloc --out="$OUT" -- "$TMP/only/um"
	assert_named debuginfod
	[ -s "$TMP/cache/$id/debuginfo" ] || fail "debuginfod: nothing in the client cache $TMP/cache"
	# With the jail, a cache the program could write (in its working
	# directory) is not used: a file planted there would pass as downloaded.
	rm -rf "$OUT"
	DEBUGINFOD_CACHE_PATH=$TMP/work/cache FZ_CWD=$TMP/work \
		fz --inject=alloc --out="$OUT" -- "$TMP/only/um"
	assert_rc 1
	assert_eq 0 "$(jqr "$(finding_with copy_name) | length")" \
		"debuginfod with a cache the program can write"
	# Off when DEBUGINFOD_URLS is unset.
	rm -rf "$OUT" "$TMP/cache"
	unset DEBUGINFOD_URLS
	fz --inject=alloc --out="$OUT" -- "$TMP/only/um"
	assert_rc 1
	assert_eq 0 "$(jqr "$(finding_with copy_name) | length")" "debuginfod without DEBUGINFOD_URLS"
}
debuginfod_part
assert_no_stray um
