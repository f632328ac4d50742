#!/bin/bash
# --campaign=FILE (issue 15): two components in one file (the example
# service with its requests, and a batch target with unchecked
# allocations) run one after another; each keeps its own report under
# OUT/NAME, and one combined campaign.json, SARIF (a run per component)
# and JUnit (a testsuite per component) sum them; exit 1 with findings, 0
# when no component has a bug. --changed-from=REV gives the component
# whose paths changed the larger share of --budget. Bad input: exit 2 and
# one line each.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

kvd=$top_builddir/harnesses/examples/kvd
[ -x "$kvd" ] || fatal "$kvd not built (it is part of plain make)"
command -v python3 >/dev/null || skip "python3 is not installed (it parses the JUnit XML)"

# Exactly one line on stderr, containing $1.
one_line() {
	grep -q -- "$1" "$TMP/fz.stderr" || fail "$2: no '$1' in: $(cat "$TMP/fz.stderr")"
	assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "$2: lines on stderr"
}

cat >"$TMP/two.ini" <<EOF
# defaults for both components
timeout = 10s

[component kvd]
command = $kvd --port 0
request = $SRC/harnesses/examples/requests
inject = io,alloc
paths = harnesses/examples/

[component bugs]
command = '$T/shard_bugs'
inject = alloc
share = 2
EOF
fz --campaign="$TMP/two.ini" --out="$TMP/o" --format=text,json,sarif,junit
assert_rc 1
C=$TMP/o/campaign.json
assert_eq "kvd bugs" "$(jqr '[.components[].name] | join(" ")' "$C")" "components, in file order"
assert_eq 1 "$(jqr '.exit_status' "$C")" "campaign.json exit_status"
# Each component's own report, as a plain invocation writes it.
assert_eq 1 "$(jqr "$(finding_with cmd_set) | length" "$TMP/o/kvd/report.json")" "kvd: the cmd_set finding"
assert_eq "$(jqr '.findings | length' "$TMP/o/kvd/report.json")" \
	"$(jqr '.components[0].findings' "$C")" "kvd: findings in campaign.json"
nbugs=$(jqr '.findings | length' "$TMP/o/bugs/report.json")
[ "$nbugs" -ge 3 ] || fail "bugs: $nbugs findings, want the unchecked allocations'"
assert_eq "$nbugs" "$(jqr '.components[1].findings' "$C")" "bugs: findings in campaign.json"
assert_eq 0 "$(jqr "$(finding_with cmd_set) | length" "$TMP/o/bugs/report.json")" \
	"bugs: no finding of the other component"
for i in 0 1; do
	assert_eq 1 "$(jqr ".components[$i].exit_status" "$C")" "component $i: exit status"
	assert_eq "$(jqr ".runs" "$TMP/o/$(jqr ".components[$i].name" "$C")/report.json")" \
		"$(jqr ".components[$i].runs" "$C")" "component $i: runs"
	assert_eq false "$(jqr ".components[$i].capped" "$C")" "component $i: capped"
done
grep -q "^  kvd .*1 finding" "$TMP/fz.stderr" || fail "summary: no kvd line"
grep -q "^fzsandbox: campaign: $((nbugs + 1)) findings (exit 1)" "$TMP/fz.stderr" ||
	fail "summary: no total line"

# SARIF: a run per component, told apart by automationDetails.id, with
# the component's results; JUnit: a testsuite per component.
python3 - "$TMP/o" "$nbugs" <<'EOF' || fail "combined SARIF/JUnit: see above"
import json, sys, xml.etree.ElementTree as ET
out, nbugs = sys.argv[1], int(sys.argv[2])
ok = True
def check(what, want, got):
    global ok
    if want != got:
        print(f"{what}: want {want!r}, got {got!r}", file=sys.stderr)
        ok = False
s = json.load(open(out + "/report.sarif"))
check("SARIF version", "2.1.0", s["version"])
check("SARIF runs", ["fzsandbox/kvd/", "fzsandbox/bugs/"],
      [r["automationDetails"]["id"] for r in s["runs"]])
check("SARIF results", [1, nbugs], [len(r["results"]) for r in s["runs"]])
root = ET.parse(out + "/junit.xml").getroot()
suites = root.findall("testsuite")
check("JUnit testsuites", ["kvd", "bugs"], [t.get("name") for t in suites])
for t, comp in zip(suites, ["kvd", "bugs"]):
    rep = json.load(open(f"{out}/{comp}/report.json"))
    fails = [f for c in t.findall("testcase") for f in c.findall("failure")]
    check(f"JUnit {comp} failures", len(rep["findings"]), len(fails))
check("JUnit total failures", str(sum(int(t.get("failures")) for t in suites)),
      root.get("failures"))
sys.exit(0 if ok else 1)
EOF

# The combined SARIF passes Microsoft's SARIF multitool, when installed
# (./quickstart check; tests/integration/sarif_multitool.sh).
MT=${FZ_SARIF_MULTITOOL:-${XDG_CACHE_HOME:-$HOME/.cache}/fzsandbox-tools/node_modules/.bin/sarif-multitool}
if [ -x "$MT" ]; then
	DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 timeout 120 "$MT" validate "$TMP/o/report.sarif" \
		-o "$TMP/val.sarif" >"$TMP/val.out" 2>&1
	if [ -f "$TMP/val.sarif" ]; then
		assert_eq 0 "$(jq '[.runs[].results[]? | select(.level == "error")] | length' "$TMP/val.sarif")" \
			"multitool errors on the combined report.sarif"
	else
		fail "the multitool wrote no log: $(cat "$TMP/val.out")"
	fi
else
	skip_check "SARIF multitool not installed: the combined SARIF is checked by python only"
fi

# Nothing with a bug: exit 0.
for i in $(seq 1 40); do echo "line $i the quick brown fox jumps over the lazy dog"; done >"$TMP/in.txt"
cat >"$TMP/clean.ini" <<EOF
[component words]
command = "$T/robust" "$TMP/in.txt" "$TMP/result.txt"
inject = io,alloc

[component mem]
command = $T/mem_robust
inject = alloc
EOF
fz --campaign="$TMP/clean.ini" --out="$TMP/c" --format=json,junit
assert_rc 0
assert_eq "0 0" "$(jqr '[.components[].findings] | map(tostring) | join(" ")' "$TMP/c/campaign.json")" \
	"clean campaign: findings"
[ -f "$TMP/c/report.sarif" ] && fail "--format=json,junit wrote report.sarif"
python3 -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); sys.exit(len(r.findall("testsuite")) != 2)' \
	"$TMP/c/junit.xml" || fail "clean campaign: junit.xml has not 2 testsuites"

# A budget too short for the plans and no finding: exit 3; a component
# the budget did not reach is listed, not run.
fz --campaign="$TMP/clean.ini" --budget=10ms --out="$TMP/t"
assert_rc 3
assert_eq "true 3" "$(jqr '.components[0] | "\(.capped) \(.exit_status)"' "$TMP/t/campaign.json")" \
	"short budget: the first component capped"
assert_eq "false budget" "$(jqr '.components[1] | "\(.ran) \(.capped_by)"' "$TMP/t/campaign.json")" \
	"short budget: the second not run"

# --changed-from: a repository where only b/ changed since HEAD.
if command -v git >/dev/null; then
	R=$TMP/repo
	mkdir -p "$R/a" "$R/b" || fatal "mkdir $R"
	echo one >"$R/a/a.c"
	echo one >"$R/b/b.c"
	git -C "$R" init -q && git -C "$R" add . &&
		git -C "$R" -c user.name=t -c user.email=t@t commit -qm one || fatal "git commit"
	echo two >>"$R/b/b.c"
	cat >"$R/campaign.ini" <<EOF
[component a]
command = $T/mem_robust
inject = alloc
paths = a/*.c

[component b]
command = $T/mem_robust
inject = alloc
paths = b/*.c
EOF
	FZ_CWD=$R fz --campaign=campaign.ini --changed-from=HEAD --budget=20s --out="$TMP/r"
	assert_rc 0
	J=$TMP/r/campaign.json
	assert_eq "false true" "$(jqr '[.components[].changed] | map(tostring) | join(" ")' "$J")" "changed"
	assert_eq "4000 16000" "$(jqr '[.components[].planned_budget_ms] | map(tostring) | join(" ")' "$J")" \
		"planned shares (b's weight x4)"
	[ "$(jqr '.components[1].budget_ms' "$J")" -gt "$(jqr '.components[0].budget_ms' "$J")" ] ||
		fail "the changed component's budget is not the larger"
	assert_eq 1 "$(jqr '.changed_from.files' "$J")" "changed files"
	grep -q "^fzsandbox: changed since HEAD: 1 file" "$TMP/fz.stderr" || fail "summary: no changed line"
	grep -q "^  b .*changed" "$TMP/fz.stderr" || fail "summary: b not marked changed"

	FZ_CWD=$R fz --campaign=campaign.ini --changed-from=no-such-rev --out="$TMP/r"
	assert_rc 2
	one_line "unknown revision" "--changed-from=no-such-rev"
	mkdir -p "$TMP/nogit" && cp "$R/campaign.ini" "$TMP/nogit/" || fatal "copy"
	FZ_CWD=$TMP/nogit fz --campaign=campaign.ini --changed-from=HEAD --out="$TMP/r"
	assert_rc 2
	one_line "not in a git repository" "--changed-from outside a repository"
	# A PATH with the test's timeout(1) but no git.
	mkdir -p "$TMP/nopath" && ln -s "$(command -v timeout)" "$TMP/nopath/timeout" || fatal "nopath"
	PATH=$TMP/nopath FZ_CWD=$R fz --campaign=campaign.ini --changed-from=HEAD --out="$TMP/r"
	assert_rc 2
	one_line "git is not installed" "--changed-from without git"
else
	skip_check "git is not installed: --changed-from not tried"
fi

# Bad input: exit 2, one line each, before any component runs.
bad() {	# NAME TEXT EXPECT
	printf '%b' "$2" >"$TMP/$1.ini"
	fz --campaign="$TMP/$1.ini" --out="$TMP/b"
	assert_rc 2
	one_line "$3" "$1"
	[ -e "$TMP/b" ] && fail "$1: a component ran"
}
bad empty 'timeout = 1s\n' "has no component"
bad nocommand '[component a]\ninject = io\n[component b]\ncommand = /bin/true\n' "$TMP/nocommand.ini:1: component 'a' has no 'command"
bad unknown '[component a]\ncommand = /bin/true\n\nfrobnicate = 1\n' "$TMP/unknown.ini:4: unknown option 'frobnicate'"
bad section '[comp a]\ncommand = /bin/true\n' "bad section"
bad twice '[component a]\ncommand = /bin/true\n[component a]\ncommand = /bin/true\n' "$TMP/twice.ini:3: component 'a' given twice"
bad quote '[component a]\ncommand = "/bin/true\n' "unterminated quote"
bad missing '[component a]\ncommand = /no/such/program\n' "$TMP/missing.ini:2: "
bad owned '[component a]\ncommand = /bin/true\nbudget = 3s\n' "'budget' is the campaign's"
bad share '[component a]\ncommand = /bin/true\nshare = 0\n' "bad share '0'"
bad value '[component a]\ncommand = /bin/true\ntimeout = soon\n' "$TMP/value.ini:3: --timeout"
# Options that conflict only together (here with the command line's):
# found before anything runs, at the component's line.
bad together '[component a]\ncommand = /bin/true\n\n[component b]\ncommand = /bin/true\ncorpus = /\n' \
	"$TMP/together.ini:4: component b: --corpus needs --fuzz"

# A component that exits 2 while it runs (its checker fails after the
# run without faults): named, the campaign stops with 2, campaign.json
# has what ran.
cat >"$TMP/late.ini" <<EOF
[component first]
command = $T/mem_robust
inject = alloc

[component late]
command = $T/mem_robust
inject = alloc
check = exit 1
EOF
fz --campaign="$TMP/late.ini" --out="$TMP/late"
assert_rc 2
grep -q "^fzsandbox: component late: exited 2" "$TMP/fz.stderr" ||
	fail "a component's exit 2: not named"
assert_eq "0 2" "$(jqr '[.components[].exit_status] | map(tostring) | join(" ")' "$TMP/late/campaign.json")" \
	"a component's exit 2: statuses in campaign.json"

fz --campaign="$TMP/two.ini" --out="$TMP/b" -- "$T/shard_bugs"
assert_rc 2
one_line "takes no program" "--campaign with a program"
fz --campaign="$TMP/nowhere.ini" --out="$TMP/b"
assert_rc 2
one_line "cannot read" "--campaign of a missing file"
fz --changed-from=HEAD -- "$T/shard_bugs"
assert_rc 2
one_line "needs --campaign" "--changed-from alone"
fz --campaign="$TMP/two.ini" --config="$TMP/two.ini"
assert_rc 2
one_line "not with --config" "--campaign with --config"

exit 0
