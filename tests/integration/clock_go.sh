#!/bin/bash
# The clock class reaches a Go program (issue 12): Go's runtime reads the
# clock through the vDSO, from the g0 stack; with the vDSO hidden it reads
# it by syscall, and a REALTIME step back between two time.Now() calls
# makes the latency negative and recordLatency writes far before its
# histogram. Found with that frame; the replay reproduces. Needs go
# (Debian's golang-go; ./quickstart installs it).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v go >/dev/null 2>&1 || skip "go is not installed (Debian's golang-go; ./quickstart installs it)"
mkdir -p "$TMP/go" && cp "$SRC/tests/targets/clock_elapsed.go" "$TMP/go/" || fatal "copy the Go source"
(cd "$TMP/go" && GOCACHE=$TMP/gocache GOPATH=$TMP/gopath GO111MODULE=off GOFLAGS= \
	go build -o "$TMP/clock_elapsed_go" clock_elapsed.go) >"$TMP/go.log" 2>&1 ||
	fatal "go build failed: $(cat "$TMP/go.log")"

fz --inject=clock --out="$TMP/out" -- "$TMP/clock_elapsed_go"
assert_rc 1
R=$TMP/out/report.json
assert_eq 1 "$(jqr '.findings | length' "$R")" "findings"
assert_eq SIGSEGV "$(jqr '.findings[0].signal_name' "$R")" "signal (the fault, not Go's abort after it)"
sel=$(finding_with main.recordLatency)
assert_eq main.recordLatency "$(jqr "$(top_frame "$sel") | .function" "$R")" "faulting frame"
assert_eq clock_gettime "$(jqr "$sel | .[0].faults[0].call" "$R")" "stepped call"
assert_eq step=-1h "$(jqr "$sel | .[0].faults[0].fault" "$R")" "the step"
assert_eq main.nowMilli "$(jqr "$sel | .[0].faults[0].caller" "$R")" "the read's site"
id=$(jqr "$sel | .[0].id" "$R")
fz --replay="$R#$id" --out="$TMP/replay"
grep -q '^replay: reproduced' "$TMP/fz.stdout" "$TMP/fz.stderr" ||
	fail "replay did not reproduce: $(cat "$TMP/fz.stderr")"
