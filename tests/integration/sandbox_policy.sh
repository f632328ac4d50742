#!/bin/bash
# The jail's seccomp deny policy (sandbox/policy.c): each escape attempt in
# tests/escape/ makes one denied call from a function named attempt. In
# the jail (--sandbox --inject=none) it must fail AND be a sandbox-violation
# finding naming the syscall with attempt in its stack; its control, the
# same program without the jail, must succeed where it can (the comments
# say where it cannot, and why). --allow-syscall lets a call through.
# Fault injection keeps working under the policy, and a crash after a
# violation is the run's finding. Run as the caller and, as root, again as
# nobody (setpriv) with fzsandbox itself unprivileged.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

E=$top_builddir/tests/escape
PROGS="mount_family setns_host userns_mount io_uring_read ptrace_parent vm_write_parent
	keyctl_user bpf_map tiocsti int80 x32 setid_file"
# shellcheck disable=SC2086 # PROGS is a word list
jail_bin $(printf "$E/%s " $PROGS)
# mount_family's mount point: not above the program, which a mount there
# would hide from the symbolizer.
mkdir -m 755 "$TMP/mnt" || fatal "mkdir $TMP/mnt"
# setid_file's output directory, writable by nobody too.
mkdir -m 777 "$TMP/setid" || fatal "mkdir $TMP/setid"
NOJAIL=--no-sandbox

# Not every kernel serves the i386 ABI (int $0x80 from 64-bit code): one
# built without CONFIG_IA32_EMULATION, booted with ia32_emulation=0, or,
# like this machine's, a PVM guest (docs/kernel-facts.md#i386-abi) raises
# a general protection fault instead, and the program dies of SIGSEGV,
# jailed or not, before seccomp sees a syscall. Probe it once, unjailed,
# outside fzsandbox: where it does not work, int80's control and jailed
# checks cannot mean anything and are skipped with the reason.
I386_MISSING=
( "$B/int80" ) >/dev/null 2>&1
st=$?
if [ "$st" -gt 128 ]; then
	I386_MISSING="this kernel does not serve the i386 ABI: int \$0x80 died of signal $((st - 128)) unjailed"
fi

# jfz USER ARGS...: fzsandbox as USER ("self" or "nobody") from TMP with its
# own --out; sets rc, JOUT (that --out) and SAID (what the program printed:
# captured under --out, or passed through to fzsandbox's stdout).
jfz() {
	local who=$1
	shift

	JOUT=$TMP/out-$who
	rm -rf "$JOUT" && mkdir -p "$JOUT" && chmod 777 "$JOUT"
	fz_as "$who" --out="$JOUT" "$@"
	SAID=$(cat "$TMP/fz.stdout" "$JOUT/run/stdout" 2>/dev/null)
}

# violations CALL: how many sandbox-violation findings name CALL (the
# detail line starts "CALL(") with attempt in their stack.
violations() {
	jqr "[.findings[] | select(.kind == \"sandbox-violation\" and
		(.detail | startswith(\"$1(\")) and any(.frames[]; .function == \"attempt\"))] | length" \
		"$JOUT/report.json"
}

# jailed WHO CALL ALLOW PROG ARGS...: in the jail the attempt fails and is a
# violation naming CALL. ALLOW: comma list of the prerequisites' syscalls
# (let through so that CALL is the first call the policy stops), or "-".
jailed() {
	local who=$1 call=$2 allow=$3 a args=()
	shift 3

	if [ "$allow" != - ]; then
		for a in ${allow//,/ }; do
			args+=("--allow-syscall=$a")
		done
	fi
	jfz "$who" --sandbox --inject=none "${args[@]}" -- "$@"
	case "$rc" in 0 | 1) ;; *) fail "as $who, $*: fzsandbox exit $rc in the jail"; return ;; esac
	grep -q '^escaped' <<<"$SAID" && fail "as $who, $*: escaped the jail: $SAID"
	grep -q '^contained' <<<"$SAID" || fail "as $who, $*: no verdict in the jail: '$SAID'"
	[ "$(violations "$call")" -ge 1 ] ||
		fail "as $who, $*: no sandbox-violation finding for $call from attempt" \
			"($(jq -c '[.findings[] | {kind, detail}]' "$JOUT/report.json"))"
}

# control WHO EXPECT PROG ARGS...: the same attempt without the jail.
# EXPECT: "escaped" (it must work), or "n/a" with the reason in a comment
# at the call (it cannot work outside either; only its output is checked).
control() {
	local who=$1 expect=$2
	shift 2

	jfz "$who" $NOJAIL --inject=none -- "$@"
	case "$rc" in 0 | 1) ;; *) fail "as $who, control $*: fzsandbox exit $rc"; return ;; esac
	if [ "$expect" = escaped ]; then
		grep -q '^escaped' <<<"$SAID" || fail "as $who, control $*: did not work: '$SAID'"
	else
		grep -q '^\(escaped\|contained\|unsupported\)' <<<"$SAID" ||
			fail "as $who, control $*: no verdict: '$SAID'"
	fi
	[ "$(jqr '[.findings[] | select(.kind == "sandbox-violation")] | length' \
		"$JOUT/report.json")" = 0 ] || fail "as $who, control $*: a violation without the jail"
}

suite() {
	local who=$1 root=false call need

	[ "$who" = self ] && [ "$(id -u)" = 0 ] && root=true
	jfz "$who" --sandbox --inject=none -- /bin/true
	if [ "$rc" != 0 ]; then
		grep -q "user namespace" "$TMP/fz.stderr" && skip "as $who: $(cat "$TMP/fz.stderr")"
		fatal "as $who: --sandbox cannot run /bin/true (exit $rc)"
	fi

	# The mount family, each call on its own. Its prerequisites (a user
	# and mount namespace of its own, a tmpfs) are let through in the
	# jail; outside they make the control work for any user without
	# touching the host's mounts.
	for need in mount:unshare umount2:unshare,mount pivot_root:unshare,mount \
		move_mount:unshare,mount open_tree:unshare,mount fsopen:unshare \
		fsconfig:unshare,fsopen fsmount:unshare,fsopen,fsconfig \
		fspick:unshare,mount mount_setattr:unshare,mount; do
		call=${need%%:*}
		control "$who" escaped "$B/mount_family" "$call" "$TMP/mnt"
		jailed "$who" "$call" "${need#*:}" "$B/mount_family" "$call" "$TMP/mnt"
	done

	# A set-user-ID file left in a read-write bind (as root: host root's,
	# through the idmapped bind), by chmod and by open's mode.
	control "$who" escaped "$B/setid_file" chmod "$TMP/setid/f"
	jailed "$who" chmod - "$B/setid_file" chmod "$TMP/setid/f"
	[ -u "$TMP/setid/f" ] && fail "as $who: the jail left a set-user-ID file on the host"
	control "$who" escaped "$B/setid_file" open "$TMP/setid/f"
	jailed "$who" openat - "$B/setid_file" open "$TMP/setid/f"
	[ -u "$TMP/setid/f" ] && fail "as $who: the jail left a set-user-ID file on the host"

	# A nested user namespace, then a mount: the unshare is stopped.
	control "$who" escaped "$B/userns_mount"
	jailed "$who" unshare - "$B/userns_mount"

	# setns: as root the control joins a network namespace; unprivileged,
	# joining needs CAP_SYS_ADMIN over it, so the control cannot work.
	control "$who" "$($root && echo escaped || echo n/a)" "$B/setns_host"
	jailed "$who" setns - "$B/setns_host"

	# io_uring reads a host file without a read syscall. In the jail
	# io_uring_setup fails with ENOSYS, as on a kernel without io_uring,
	# and is no violation: programs probe it and fall back.
	control "$who" escaped "$B/io_uring_read" /etc/passwd
	jfz "$who" --inject=none -- "$B/io_uring_read" /etc/passwd
	case "$rc" in 0 | 1) ;; *) fail "as $who, io_uring_read: fzsandbox exit $rc in the jail" ;; esac
	grep -q '^contained io_uring setup: Function not implemented' <<<"$SAID" ||
		fail "as $who, io_uring_read: not ENOSYS in the jail: '$SAID'"
	[ "$(jqr '[.findings[] | select(.kind == "sandbox-violation")] | length' \
		"$JOUT/report.json" 2>/dev/null || echo 0)" = 0 ] ||
		fail "as $who, io_uring_read: a probe of io_uring is a violation"

	# The parent: outside, fzsandbox itself (same user, no Yama here).
	control "$who" escaped "$B/ptrace_parent"
	jailed "$who" ptrace - "$B/ptrace_parent"
	control "$who" escaped "$B/vm_write_parent"
	jailed "$who" process_vm_writev - "$B/vm_write_parent"

	# The keyrings; --allow-syscall=keyctl lets the same call through.
	control "$who" escaped "$B/keyctl_user"
	jailed "$who" keyctl - "$B/keyctl_user"
	jfz "$who" --sandbox --inject=none --allow-syscall=keyctl -- "$B/keyctl_user"
	grep -q '^escaped keyctl' <<<"$SAID" || fail "as $who: --allow-syscall=keyctl: '$SAID'"
	[ "$(jqr '[.findings[] | select(.kind == "sandbox-violation")] | length' \
		"$JOUT/report.json")" = 0 ] || fail "as $who: a violation despite --allow-syscall=keyctl"

	# bpf: kernel.unprivileged_bpf_disabled leaves it to root outside.
	control "$who" "$($root && echo escaped || echo n/a)" "$B/bpf_map"
	jailed "$who" bpf - "$B/bpf_map"

	# TIOCSTI into a new pseudo-terminal (never the caller's): on a
	# terminal that is not one's controlling terminal it needs
	# CAP_SYS_ADMIN, so the control works as root only.
	control "$who" "$($root && echo escaped || echo n/a)" "$B/tiocsti"
	jailed "$who" ioctl - "$B/tiocsti"

	# Other ABIs. int80 needs the i386 ABI (probed above). This kernel
	# has no x32 (CONFIG_X86_X32_ABI unset): its control says
	# "unsupported" (the kernel's own ENOSYS); in the jail the call must
	# still be stopped and reported.
	if [ -z "$I386_MISSING" ]; then
		control "$who" escaped "$B/int80"
		jailed "$who" i386:getpid - "$B/int80"
	else
		skip_check "as $who, int80 (control and jailed): $I386_MISSING"
	fi
	control "$who" n/a "$B/x32"
	grep -q '^\(escaped\|unsupported\)' <<<"$SAID" || fail "as $who, control x32: '$SAID'"
	jailed "$who" x32:getpid - "$B/x32"
}

# --allow-syscall names: unknown or not denied is an exit-2 line naming it.
fz --sandbox --allow-syscall=nosuchcall --out="$OUT" -- /bin/true
assert_rc 2
grep -q "nosuchcall" "$TMP/fz.stderr" || fail "--allow-syscall=nosuchcall: message does not name it"
fz --sandbox --allow-syscall=read --out="$OUT" -- /bin/true
assert_rc 2
grep -q "'read'" "$TMP/fz.stderr" || fail "--allow-syscall=read: message does not name it"

suite self

# Fault injection under the policy: every run makes the violation, so the
# campaign has exactly one finding, the violation, seen in every run.
fz --sandbox --inject=io,alloc --out="$OUT" -- "$B/keyctl_user"
assert_rc 1
assert_eq 1 "$(jqr '.findings | length')" "findings of a violation-only campaign"
assert_eq sandbox-violation "$(jqr '.findings[0].kind')" "finding kind"
[ "$(jqr '.findings[0].hits')" -gt 1 ] || fail "the violation was not seen in every run"
jqr '.options' | grep -q -- '--no-sandbox' && fail "a jailed campaign's replay options say --no-sandbox"
# A crash after the violation is the run's finding.
fz --sandbox --inject=none --out="$OUT" -- "$B/keyctl_user" then-crash
assert_eq signal "$(jqr '[.findings[].kind] | unique | join(",")')" "kind of a crash after a violation"
# --allow-syscall is kept for replay.
fz --sandbox --inject=alloc --allow-syscall=keyctl --out="$OUT" -- "$B/keyctl_user"
jqr '.options' | grep -q -- '--allow-syscall=keyctl' || fail "replay options lose --allow-syscall"

if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null 2>&1 || skip "setpriv is not installed (util-linux)"
	suite nobody
fi
assert_no_stray $PROGS

# Set-group-ID directories are everyday (shared group directories, cp -a,
# tar, install -d -m 2775): no violation, and the bit is really set.
fz --inject=none --out="$OUT" -- /bin/sh -c \
	'mkdir -m 2775 "$1" && chmod g+s "$1" && cp -a "$1" "$1.copy" && stat -c %a "$1" "$1.copy"' \
	sh "$TMP/sgdir"
assert_rc 0
assert_eq "2775 2775" "$(tr '\n' ' ' <"$TMP/fz.stdout" | sed 's/ $//')" "set-group-ID directories in the jail"
