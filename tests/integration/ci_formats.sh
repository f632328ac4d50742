#!/bin/bash
# --format=sarif,junit (issue 15): a campaign's findings as SARIF 2.1.0
# located in the repository's files (relative to --source-root, the stack
# as a code flow, the dedupe key as a fingerprint, the replay line in the
# message) and as JUnit XML (a testcase per site, a failure per finding);
# a merge of shards writes them too; --format=json alone prints no
# summary; a bad format or source root is exit 2 with one line.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

ROOT=$(cd "$SRC" && pwd -P)
P=$T/shard_bugs
fz --inject=alloc --format=text,json,sarif,junit --source-root="$ROOT" --out="$TMP/o" -- "$P"
assert_rc 1
R=$TMP/o/report.json
S=$TMP/o/report.sarif
J=$TMP/o/junit.xml
[ -f "$S" ] || fatal "no report.sarif"
[ -f "$J" ] || fatal "no junit.xml"
grep -q "^finding #1: " "$TMP/fz.stderr" || fail "--format=text: no summary on stderr"
nfind=$(jqr '.findings | length' "$R")

# SARIF: one result per finding, its rule the kind, located where the
# finding's top frame is (a file of this repository, relative to the root).
assert_eq 2.1.0 "$(jqr '.version' "$S")" "SARIF version"
assert_eq "$nfind" "$(jqr '.runs[0].results | length' "$S")" "SARIF results"
assert_eq "file://$ROOT/" "$(jqr '.runs[0].originalUriBaseIds.SRCROOT.uri' "$S")" "SRCROOT"
for i in $(seq 0 $((nfind - 1))); do
	f=".findings[$i]"
	r=".runs[0].results[$i]"
	assert_eq "$(jqr "$f.kind" "$R")" "$(jqr "$r.ruleId" "$S")" "result $i: ruleId"
	assert_eq "$(jqr "$f.kind" "$R")" "$(jqr ".runs[0].tool.driver.rules[$r.ruleIndex].id" "$S")" \
		"result $i: ruleIndex"
	top=$(jqr "[$f.frames[] | select(.system | not)][0]" "$R")
	assert_eq "$(echo "$top" | jq -r .file)" \
		"$(jqr "$r.locations[0].physicalLocation.artifactLocation.uri" "$S")" "result $i: file"
	assert_eq "$(echo "$top" | jq -r .line)" \
		"$(jqr "$r.locations[0].physicalLocation.region.startLine" "$S")" "result $i: line"
	assert_eq SRCROOT "$(jqr "$r.locations[0].physicalLocation.artifactLocation.uriBaseId" "$S")" \
		"result $i: uriBaseId"
	assert_eq "$(jqr "$f.key" "$R")" "$(jqr "$r.partialFingerprints[\"fzsandboxFindingKey/v1\"]" "$S")" \
		"result $i: fingerprint"
	jqr "$r.message.text" "$S" | grep -qF -- "$(jqr "$f.replay" "$R")" ||
		fail "result $i: no replay line in the message"
	# The code flow runs outermost first and ends at the top frame.
	assert_eq "$(jqr "$f.frames | length" "$R")" \
		"$(jqr "$r.codeFlows[0].threadFlows[0].locations | length" "$S")" "result $i: code flow"
	assert_eq "$(echo "$top" | jq -r .function)" \
		"$(jqr "$r.codeFlows[0].threadFlows[0].locations | map(.location.logicalLocations[0].name // empty) | last" "$S")" \
		"result $i: code flow's last program frame"
done

# JUnit: well-formed, a testcase per site, a failure per finding.
python3 - "$J" "$R" <<'EOF' || fail "junit.xml: see above"
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
rep = json.load(open(sys.argv[2]))
suite = root.find("testsuite")
cases = suite.findall("testcase")
fails = [f for c in cases for f in c.findall("failure")]
ok = True
def check(what, want, got):
    global ok
    if want != got:
        print(f"junit.xml: {what}: want {want}, got {got}", file=sys.stderr)
        ok = False
check("testcases", len(rep["sites"]), len(cases))
check("failures", len(rep["findings"]), len(fails))
check("suite failures attribute", str(sum(1 for c in cases if c.find("failure") is not None)),
      suite.get("failures"))
replays = sorted(f["replay"] for f in rep["findings"])
check("replay lines", replays, sorted(f.text.split("replay: ")[1] for f in fails))
sys.exit(0 if ok else 1)
EOF

# A merge writes them from the merged report.
for k in 0 1; do
	fz --inject=alloc --shard=$k/2 --format=json --out="$TMP/s$k" -- "$P"
	[ -f "$TMP/s$k/report.sarif" ] && fail "--format=json wrote report.sarif"
	grep -q "finding" "$TMP/fz.stderr" && fail "--format=json printed a summary: $(cat "$TMP/fz.stderr")"
done
fz merge --format=sarif,junit --source-root="$ROOT" --out="$TMP/m" "$TMP/s0" "$TMP/s1"
assert_rc 1
assert_eq "$nfind" "$(jqr '.runs[0].results | length' "$TMP/m/report.sarif")" "merged SARIF results"
jqr '.runs[0].results[0].message.text' "$TMP/m/report.sarif" | grep -qF -- "--replay=$TMP/m/report.json#1" ||
	fail "merged SARIF: replay line not the merged report's"
python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$TMP/m/junit.xml" ||
	fail "merged junit.xml does not parse"

# Bad input.
fz --format=text,pdf --out="$TMP/b" -- "$P"
assert_rc 2
grep -q "unknown format 'pdf'" "$TMP/fz.stderr" || fail "--format=text,pdf: $(cat "$TMP/fz.stderr")"
fz --format=text, --out="$TMP/b" -- "$P"
assert_rc 2
fz --source-root="$TMP/nowhere" --out="$TMP/b" -- "$P"
assert_rc 2
grep -q "source-root=.*not a directory" "$TMP/fz.stderr" || fail "--source-root: $(cat "$TMP/fz.stderr")"

exit 0
