#!/bin/bash
# The net class (issue 12). A TCP server that trusts accept crashes when
# accept fails; a client that trusts a non-blocking connect's SO_ERROR
# crashes when the connection is refused. --inject=net finds both at -O0
# and -O2 -g, with the faulting frame, and each replay reproduces. The
# refusal is the kernel's (connect is pointed at a loopback port nothing
# listens on): a bare ECONNREFUSED returned by connect (strace -e inject)
# never reaches the client's bug. A program that handles every failure
# gives no finding although faults were injected, and checks what a
# faithful fault keeps: a failed accept leaves the connection queued, a
# refused connect retried with the same address reaches the server.
# getaddrinfo fails at the call (a breakpoint): an unchecked result is
# found; EAI_AGAIN and EAI_NONAME only where a name server is asked. The
# example service kvd answers every request after a failed accept. A TCP
# reset is made for real by the service driver's end: a service that does
# not ignore SIGPIPE dies of its reply, as it would.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

"$FZ" --list-classes | grep -q "^net	optional	" || fail "net is not an optional class"

# $1 target, $2 mode, $3 the buggy function, $4 the failed call's caller,
# $5 the faulted call, $6 the faults it may get (A|B|...); more
# arguments go to fzsandbox.
finds() {
	local target=$1 mode=$2 fn=$3 caller=$4 call=$5 faults=$6 out R sel fault id
	shift 6
	out=$TMP/$target-$mode$*
	out=${out// /}
	fz --inject=net "$@" --out="$out" -- "$T/$target" "$mode"
	assert_rc 1
	R=$out/report.json
	assert_eq 1 "$(jqr '.findings | length' "$R")" "$target $mode $*: findings"
	assert_eq SIGSEGV "$(jqr '.findings[0].signal_name' "$R")" "$target $mode: signal"
	sel=$(finding_with "$fn")
	assert_eq "$fn" "$(jqr "$(top_frame "$sel") | .function" "$R")" "$target $mode: faulting frame"
	assert_eq "$call" "$(jqr "$sel | .[0].faults[0].call" "$R")" "$target $mode: faulted call"
	fault=$(jqr "$sel | .[0].faults[0].fault" "$R")
	case "|$faults|" in *"|$fault|"*) ;; *) fail "$target $mode: fault '$fault'" ;; esac
	assert_eq "$caller" "$(jqr "$sel | .[0].faults[0].caller" "$R")" "$target $mode: the call's caller"
	[ "$(jqr '.faults_injected.net' "$R")" -gt 0 ] || fail "$target $mode: no net fault counted"
	id=$(jqr "$sel | .[0].id" "$R")
	fz --replay="$R#$id" --out="$TMP/replay-$target-$mode"
	grep -q '^replay: reproduced' "$TMP/fz.stdout" "$TMP/fz.stderr" ||
		fail "$target $mode: replay did not reproduce: $(cat "$TMP/fz.stderr")"
	assert_no_stray "$target"
}

for target in net_unchecked net_unchecked_O2; do
	finds "$target" server serve_one serve_one accept 'EMFILE|ENFILE|ENOMEM'
	# Each of accept's three faults crashes, and the socket and connect
	# failures before it are handled.
	assert_eq 3 "$(jq -s '[.[] | select(.faults[0].call == "accept" and
		(.outcome | startswith("signal SIGSEGV")))] | length' "$TMP/$target-server/runs.jsonl")" \
		"$target: crashing accept runs"
	finds "$target" client greet conn_open connect ECONNREFUSED
	finds "$target" resolve print_peer print_peer getaddrinfo EAI_MEMORY
done
# Without the jail the refusing port is found in the host's namespace.
finds net_unchecked client greet conn_open connect ECONNREFUSED --no-sandbox

# A bare errno, as strace injects it, makes connect itself return
# ECONNREFUSED: the client handles that, and its bug stays hidden. The
# kernel reports a real refusal of a non-blocking connect later.
if command -v strace >/dev/null 2>&1 &&
	strace -o /dev/null -e trace=none /bin/true 2>/dev/null; then
	(cd "$TMP" && strace -o /dev/null -e inject=connect:error=ECONNREFUSED \
		"$T/net_unchecked" client >/dev/null 2>"$TMP/strace.err")
	assert_eq 1 "$?" "net_unchecked client under strace's bare ECONNREFUSED (exit, no crash)"
	grep -q "connect: Connection refused" "$TMP/strace.err" ||
		fail "strace: $(cat "$TMP/strace.err")"
else
	skip_check "strace cannot run here: no comparison with a bare errno"
fi

# getaddrinfo's EAI_AGAIN and EAI_NONAME need a name server asked: glibc's
# default, or a hosts: line naming dns or resolve.
gai_lookup="EAI_AGAIN EAI_MEMORY EAI_NONAME"
if [ -r /etc/nsswitch.conf ] && ! grep -Eq '^hosts:.*[[:space:]](dns|resolve)([[:space:]]|$)' /etc/nsswitch.conf; then
	gai_lookup=EAI_MEMORY
fi
# faults given at occurrence $2 of getaddrinfo in resolve, in runs.jsonl $1
gai_faults() {
	jq -rs --argjson o "$2" '[.[] | .faults[] | select(.call == "getaddrinfo" and
		.caller == "resolve" and .occurrence == $o) | .fault] | unique | join(" ")' "$1"
}

for sandbox in --sandbox --no-sandbox; do
	out=$TMP/robust$sandbox
	# Without the jail a name server may answer, slowly: no lookup then.
	env=
	[ "$sandbox" = --no-sandbox ] && env=--setenv=NET_ROBUST_NO_DNS=1
	fz --inject=net $sandbox $env --out="$out" -- "$T/net_robust"
	assert_rc 0
	R=$out/report.json
	J=$out/runs.jsonl
	assert_eq 0 "$(jqr '.findings | length' "$R")" "net_robust $sandbox: findings"
	n=$(jqr '.faults_injected.net' "$R")
	[ "$n" -ge 20 ] || fail "net_robust $sandbox: only $n net faults injected"
	for call in socket socketpair connect accept accept4 getaddrinfo; do
		jq -e --arg c "$call" 'any(.sites[]; .call == $c)' "$R" >/dev/null ||
			fail "net_robust $sandbox: no $call site"
	done
	# A refused connect, blocking or not, then retried with the same
	# address, reached the server: the address was put back. A failed
	# accept or accept4 left the connection queued (take aborts if not).
	for fn in dial_blocking dial_nonblocking; do
		jq -se --arg f "$fn" '[.[] | select(.outcome == "exit 0") | .faults[] |
			select(.caller == $f and .call == "connect" and .fault == "ECONNREFUSED")] |
			length >= 1' "$J" >/dev/null || fail "net_robust $sandbox: no clean refused connect in $fn"
	done
	for call in accept accept4; do
		assert_eq "EMFILE ENFILE ENOMEM" "$(jq -rs --arg c "$call" '[.[] | select(.outcome == "exit 0") |
			.faults[] | select(.call == $c) | .fault] | unique | join(" ")' "$J")" \
			"net_robust $sandbox: $call's faults"
	done
	# A name the hosts file answers asks no name server: EAI_MEMORY only.
	assert_eq EAI_MEMORY "$(gai_faults "$J" 1)" "net_robust $sandbox: getaddrinfo(localhost)'s faults"
	[ "$sandbox" = --sandbox ] && assert_eq "$gai_lookup" "$(gai_faults "$J" 2)" \
		"net_robust: getaddrinfo(no-such-host.invalid)'s faults"
	# ENOBUFS only for the inet families, never for socketpair.
	jq -se '[.[] | .faults[] | select(.fault == "ENOBUFS" and .call != "socket")] | length == 0' \
		"$J" >/dev/null || fail "net_robust $sandbox: ENOBUFS outside socket"
	assert_no_stray net_robust
done

# A service driven by fzsandbox (service mode): after each failed accept
# the driver's connection is still queued, and every request is answered.
kvd=$top_builddir/harnesses/examples/kvd
[ -x "$kvd" ] || fatal "$kvd not built (it is part of plain make)"
fz --inject=net --request="$SRC/harnesses/examples/requests" --out="$TMP/kvd" -- "$kvd" --port 0
assert_rc 0
assert_eq 0 "$(jqr '.findings | length' "$TMP/kvd/report.json")" "kvd --inject=net: findings"
read -r nacc nlost < <(jq -rs '[.[] | select(any(.faults[]; .call == "accept4"))] |
	"\(length) \([.[] | select(.service.replied != .service.requests)] | length)"' \
	"$TMP/kvd/runs.jsonl")
[ "${nacc:-0}" -ge 3 ] || fail "kvd: only ${nacc:-0} runs with a failed accept4"
assert_eq 0 "$nlost" "kvd: runs with a failed accept4 and a request unanswered"
assert_no_stray kvd

# Resets made for real by the service driver's end (io's ECONNRESET and
# EPIPE): net_service never ignores SIGPIPE, so its reply written after the
# reset kills it, as it would; a bare EPIPE from write would not.
fz --inject=io --request="$SRC/tests/targets/requests" --out="$TMP/svc" -- "$T/net_service" --port 0
assert_rc 1
R=$TMP/svc/report.json
assert_eq 1 "$(jqr '.findings | length' "$R")" "net_service: findings"
assert_eq SIGPIPE "$(jqr '.findings[0].signal_name' "$R")" "net_service: signal"
sel=$(finding_with send_reply)
assert_eq send_reply "$(jqr "$(top_frame "$sel") | .function" "$R")" "net_service: faulting frame"
assert_eq "write EPIPE" "$(jqr "$sel | .[0].faults[0] | \"\(.call) \(.fault)\"" "$R")" "net_service: fault"
fz --replay="$R#$(jqr "$sel | .[0].id" "$R")" --out="$TMP/replay-svc"
grep -q '^replay: reproduced' "$TMP/fz.stdout" "$TMP/fz.stderr" ||
	fail "net_service: replay did not reproduce: $(cat "$TMP/fz.stderr")"
assert_no_stray net_service
# Handled (SIGPIPE ignored, EPIPE checked): no finding, and the driver saw
# its connection reset (that reply cut).
fz --inject=io --setenv=NET_SERVICE_SAFE=1 --request="$SRC/tests/targets/requests" \
	--out="$TMP/svc-safe" -- "$T/net_service" --port 0
assert_rc 0
assert_eq 0 "$(jqr '.findings | length' "$TMP/svc-safe/report.json")" "net_service safe: findings"
jq -se '[.[] | select(.outcome == "exit 0" and .service.replied < .service.requests) | .faults[] |
	select(.call == "write" and .fault == "EPIPE")] | length >= 1' "$TMP/svc-safe/runs.jsonl" \
	>/dev/null || fail "net_service safe: no clean run with a reset reply"
assert_no_stray net_service
# A peer inside the traced tree is never reset: no one-off errno there.
fz --inject=io --out="$TMP/io-robust" -- "$T/net_robust"
assert_rc 0
jq -se '[.[] | .faults[] | select(.fault == "ECONNRESET" or .fault == "EPIPE")] | length == 0' \
	"$TMP/io-robust/runs.jsonl" >/dev/null || fail "net_robust --inject=io: a reset from a peer in the tree"

# Every class at once: still nothing to find. Not through getaddrinfo:
# glibc's own crashes and hangs when malloc fails inside it (alloc).
fz --inject=all --setenv=NET_ROBUST_NO_GAI=1 --out="$TMP/all" -- "$T/net_robust"
assert_rc 0
assert_eq 0 "$(jqr '.findings | length' "$TMP/all/report.json")" "net_robust --inject=all: findings"
[ "$(jqr '.faults_injected.net' "$TMP/all/report.json")" -ge 20 ] ||
	fail "net_robust --inject=all: too few net faults"

# A pinned refusal: the same finding.
fz --inject=net --fault=connect:ECONNREFUSED --out="$TMP/pinned" -- "$T/net_unchecked" client
assert_rc 1
assert_eq greet "$(jqr "$(top_frame "$(finding_with greet)") | .function" "$TMP/pinned/report.json")" \
	"--fault=connect:ECONNREFUSED"

# Bad input: exit 2, one line naming the call and what it can take.
fz --inject=net --fault=accept:ECONNABORTED -- "$T/net_robust"
assert_rc 2
assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "stderr lines for accept:ECONNABORTED"
fz --inject=net --fault=accept:ENOBUFS -- "$T/net_robust"
assert_rc 2
grep -q "accept never fails with ENOBUFS; faults accept can take: EMFILE ENFILE ENOMEM" \
	"$TMP/fz.stderr" || fail "accept:ENOBUFS: $(cat "$TMP/fz.stderr")"
fz --inject=net --fault=getaddrinfo:EAI_SYSTEM -- "$T/net_robust"
assert_rc 2
fz --inject=net --fault=getaddrinfo:ENOMEM -- "$T/net_robust"
assert_rc 2
grep -q "getaddrinfo never fails with ENOMEM; faults getaddrinfo can take: EAI_MEMORY EAI_AGAIN EAI_NONAME" \
	"$TMP/fz.stderr" || fail "getaddrinfo:ENOMEM: $(cat "$TMP/fz.stderr")"
fz --inject=net --fault=socketpair:ENOBUFS -- "$T/net_robust"
assert_rc 2
grep -q "socketpair never fails with ENOBUFS; faults socketpair can take: EMFILE ENFILE" \
	"$TMP/fz.stderr" || fail "socketpair:ENOBUFS: $(cat "$TMP/fz.stderr")"
