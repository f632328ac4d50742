#!/bin/bash
# --shard=K/N and fzsandbox merge (issue 15): three shards of one campaign
# fail every site of the unsharded campaign exactly once between them;
# their merged report has the unsharded report's sites and findings (by
# key, hits summed), does not depend on the order the shards are given in,
# and its replay lines reproduce. Reports that are not parts of one
# campaign (another build, other options, another shard count, a shard
# twice, an unsharded report) are refused with exit 2 and one line.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

P=$T/shard_bugs
fz --inject=alloc --out="$TMP/all" -- "$P"
assert_rc 1
A=$TMP/all/report.json
nfind=$(jqr '.findings | length' "$A")
[ "$nfind" -ge 4 ] || fatal "unsharded campaign: only $nfind findings"

for k in 0 1 2; do
	fz --inject=alloc --shard=$k/3 --out="$TMP/s$k" -- "$P"
	case $rc in 0|1) ;; *) fail "shard $k: exit $rc" ;; esac
	assert_eq "$k/3" "$(jqr '"\(.shard.index)/\(.shard.count)"' "$TMP/s$k/report.json")" "shard $k's report"
done

# Every site the unsharded plan failed is failed in exactly one shard.
for key in $(jqr '.sites[] | select(.failed > 0) | .key' "$A"); do
	n=0
	for k in 0 1 2; do
		f=$(jq -r --arg k "$key" '[.sites[] | select(.key == $k) | .failed][0] // 0' "$TMP/s$k/report.json")
		[ "$f" -gt 0 ] && n=$((n + 1))
	done
	assert_eq 1 "$n" "shards that failed site $key"
done
sum=0
for k in 0 1 2; do
	sum=$((sum + $(jqr '.faults_injected.alloc' "$TMP/s$k/report.json")))
done
assert_eq "$(jqr '.faults_injected.alloc' "$A")" "$sum" "alloc faults over the shards"

# The merge: the unsharded campaign's findings and sites.
fz merge --out="$TMP/merged" "$TMP/s1" "$TMP/s0/report.json" "$TMP/s2"
assert_rc 1
M=$TMP/merged/report.json
grep -q "^fzsandbox: merged 3 of 3 shards: .* $nfind findings" "$TMP/fz.stdout" ||
	fail "merge's summary: $(cat "$TMP/fz.stdout")"
keys() { jq -r '[.findings[] | "\(.key) \(.hits)"] | sort | .[]' "$1"; }
assert_eq "$(keys "$A")" "$(keys "$M")" "findings (key, hits) merged against unsharded"
sites() { jqr '[.sites[] | "\(.call) \(.key) \(.failed)"] | sort | join(",")' "$1"; }
assert_eq "$(sites "$A")" "$(sites "$M")" "sites (call, key, failed)"
assert_eq "$(jqr '.faults_injected.alloc' "$A")" "$(jqr '.faults_injected.alloc' "$M")" "merged alloc faults"
# Each shard makes its own clean run.
assert_eq "$(($(jqr '.runs' "$A") + 2))" "$(jqr '.runs' "$M")" "merged runs"
assert_eq "$(seq -s, 1 "$nfind")" "$(jqr '[.findings[].id] | join(",")' "$M")" "merged ids"
assert_eq "null [0,1,2]" "$(jqr '"\(.shard) \(.merged.shards | tojson)"' "$M")" "merged shards"
# Faults name the merged report's sites.
bad=$(jqr '. as $r | [.findings[].faults[] | select(.site_id >= 0 and $r.sites[.site_id].key != .site)] | length' "$M")
assert_eq 0 "$bad" "faults whose site_id is not their site"
for id in $(jqr '.findings[] | select(.stderr != null) | .id' "$M"); do
	[ -f "$TMP/merged/findings/$id/stderr" ] || fail "finding $id: its stderr was not copied"
done
[ "$(wc -l <"$TMP/merged/runs.jsonl")" -eq "$(jqr '.runs' "$M")" ] || fail "merged runs.jsonl"

# What each error path did, from every shard, their findings the merged ids.
assert_eq "$(jqr '[.sites[].outcomes[]?] | length' "$A")" "$(jqr '[.sites[].outcomes[]?] | length' "$M")" \
	"merged outcomes"
bad=$(jqr '[.sites[].outcomes[]? | select(.finding != null and .finding > '"$nfind"')] | length' "$M")
assert_eq 0 "$bad" "merged outcomes naming a finding past the merged ones"
fz outcomes "$TMP/merged"
assert_rc 0
grep -q "crashed" "$TMP/fz.stdout" || fail "fzsandbox outcomes on the merged report: $(cat "$TMP/fz.stdout")"

# The order the shards are given in does not matter.
cp "$M" "$TMP/merged-first.json"
fz merge -q --out="$TMP/merged" "$TMP/s2" "$TMP/s1" "$TMP/s0"
assert_rc 1
cmp -s "$M" "$TMP/merged-first.json" || fail "the merged report depends on the shards' order"

# A merged finding replays from the merged report.
line=$(jqr '.findings[-1].replay' "$M")
case $line in *"--replay=$TMP/merged/report.json#$nfind") ;; *) fail "replay line: $line" ;; esac
fz --replay="$M#$nfind" --out="$TMP/replay"
assert_rc 1
grep -q '^replay: reproduced' "$TMP/fz.stdout" "$TMP/fz.stderr" ||
	fail "the merged finding did not replay: $(cat "$TMP/fz.stderr")"

# Not parts of one campaign: refused, one line each.
refused() {	# what, expected stderr pattern
	assert_rc 2
	assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "$1: stderr lines"
	grep -q "$2" "$TMP/fz.stderr" || fail "$1: $(cat "$TMP/fz.stderr")"
}
fz merge --out="$TMP/m2" "$TMP/s0" "$TMP/s0"
refused "a shard twice" "are both shard 0"
fz merge --out="$TMP/m2" "$TMP/s0" "$TMP/all"
refused "an unsharded report" 'not a shard.s report'
fz --inject=alloc --shard=1/2 --out="$TMP/h1" -- "$P"
fz merge --out="$TMP/m2" "$TMP/s0" "$TMP/h1"
refused "another shard count" "has 3 shards, .* has 2"
fz --inject=alloc --timeout=7s --shard=1/3 --out="$TMP/t1" -- "$P"
fz merge --out="$TMP/m2" "$TMP/s0" "$TMP/t1"
refused "other options" 'differ in "options_argv"'
# Another plan (an excluded site): not in options_argv (replay needs
# none), in plan_options (the independent review's case).
fz --inject=alloc --exclude-site=parse_header --shard=1/3 --out="$TMP/x1" -- "$P"
fz merge --out="$TMP/m2" "$TMP/s0" "$TMP/x1"
refused "another plan" 'differ in "plan_options"'
# Another build at the same path.
cp "$P" "$TMP/prog"
fz --inject=alloc --shard=0/2 --out="$TMP/b0" -- "$TMP/prog"
cp "$T/mem_unchecked" "$TMP/prog"
fz --inject=alloc --shard=1/2 --out="$TMP/b1" -- "$TMP/prog"
fz merge --out="$TMP/m2" "$TMP/b0" "$TMP/b1"
refused "another build" 'differ in "build_id": shards must test one build'
fz merge --out="$TMP/s0" "$TMP/s0" "$TMP/s1"
refused "--out a shard's own directory" "is shard 0's own directory"
fz merge
refused "no reports" "no shard reports given"

# A shard's directory holds what jailed runs left: untrusted (the
# independent review's cases). A symlink on the way to a finding's files
# or as runs.jsonl is refused, never followed (once a double free); a
# set-user-ID file a run left is copied without its bit.
mkdir -p "$TMP/outside/1" && echo secret >"$TMP/outside/1/stderr"
for k in 0 1 2; do cp -a "$TMP/s$k" "$TMP/u$k"; done
id0=$(jq -r '.findings[0].id // empty' "$TMP/u0/report.json")
[ -n "$id0" ] || id0=$(jq -r '.findings[0].id' "$TMP/u1/report.json")
tk=$([ -n "$(jq -r '.findings[0].id // empty' "$TMP/u0/report.json")" ] && echo 0 || echo 1)
rm -rf "$TMP/u$tk/findings" && ln -s "$TMP/outside" "$TMP/u$tk/findings"
fz merge --out="$TMP/m3" "$TMP/u0" "$TMP/u1" "$TMP/u2"
refused "a symlinked findings directory" "u$tk/findings/[0-9]*: "
grep -rqs secret "$TMP/m3" && fail "merge followed a symlink out of a shard"
rm "$TMP/u$tk/findings" && cp -a "$TMP/s$tk/findings" "$TMP/u$tk/findings"
mv "$TMP/u$tk/runs.jsonl" "$TMP/u$tk/runs.real" && ln -s /dev/zero "$TMP/u$tk/runs.jsonl"
fz merge --out="$TMP/m3" "$TMP/u0" "$TMP/u1" "$TMP/u2"
refused "a symlinked runs.jsonl" "runs.jsonl"
mv "$TMP/u$tk/runs.real" "$TMP/u$tk/runs.jsonl"
cp /bin/true "$TMP/u$tk/findings/$id0/suid" && chmod 4755 "$TMP/u$tk/findings/$id0/suid"
fz merge -q --out="$TMP/m3" "$TMP/u0" "$TMP/u1" "$TMP/u2"
assert_rc 1
n=$(find "$TMP/m3/findings" -name suid | wc -l)
assert_eq 1 "$n" "the planted file copied"
[ -z "$(find "$TMP/m3/findings" -name suid -perm -4000)" ] || fail "merge kept a set-user-ID bit"

# --shard is for a plan: not with pinned faults; K < N.
fz --inject=alloc --shard=0/2 --fault=malloc:NULL -- "$P"
refused "--shard with --fault" "not with --fault"
fz --inject=alloc --shard=3/3 -- "$P"
refused "--shard=3/3" "want K/N"
exit 0
