#!/bin/bash
# --fail-on=new (issue 15): with a findings store, only findings the
# store did not know before this invocation (nor --baseline lists) fail
# the campaign. tests/targets/newonly_bugs has one bug that always runs
# (parse_record) and one reached only with the argument "header"
# (parse_header). The first campaign stores parse_record's finding
# (new: exit 1); the second finds it again: exit 0 with --fail-on=new,
# still 1 with the default --fail-on=any; then "header" reaches the other
# bug: exit 1, report.json marks one new and one known. A baseline
# accepts a finding not in the store; `merge --fail-on=new` judges the
# same way; bad input exits 2 with one line.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

P=$TMP/prog
S=$TMP/store
cp "$T/newonly_bugs" "$P" || fatal "cannot copy newonly_bugs"

# 1: an empty store: the finding is new.
fz --inject=alloc --store="$S" --fail-on=new --out="$TMP/o1" -- "$P"
assert_rc 1
assert_eq "1 true" "$(jqr '"\(.findings | length) \(.findings[0].new)"' "$TMP/o1/report.json")" \
	"first campaign: one new finding"
assert_eq 1 "$(jqr '.new_findings' "$TMP/o1/report.json")" "new_findings"
grep -q "^fzsandbox: finding #1 (signal in parse_record): new$" "$TMP/fz.stderr" ||
	fail "first campaign: no 'new' line: $(cat "$TMP/fz.stderr")"
grep -q "^fzsandbox: 1 finding, 1 new against the store --store=$S$" "$TMP/fz.stderr" ||
	fail "first campaign: summary: $(cat "$TMP/fz.stderr")"
assert_eq 1 "$(ls "$S"/*.json | wc -l)" "store files after the first campaign"
key1=$(jqr '.findings[0].key' "$TMP/o1/report.json")

# 2: found again: known, exit 0; stored all the same (hits grow).
hits=$(jqr '.hits' "$S"/*.json)
fz --inject=alloc --store="$S" --fail-on=new --out="$TMP/o2" -- "$P"
assert_rc 0
assert_eq "1 false store" "$(jqr '"\(.findings | length) \(.findings[0].new) \(.findings[0].known_in)"' "$TMP/o2/report.json")" \
	"second campaign: the finding is known"
grep -q "^fzsandbox: finding #1 (signal in parse_record): known (in the store)$" "$TMP/fz.stderr" ||
	fail "second campaign: no 'known' line: $(cat "$TMP/fz.stderr")"
grep -q "^fzsandbox: 1 finding, 0 new against the store" "$TMP/fz.stderr" ||
	fail "second campaign: summary: $(cat "$TMP/fz.stderr")"
grep -q "finding #1: " "$TMP/fz.stderr" || fail "second campaign: the finding is not reported"
[ "$(jqr '.hits' "$S"/*.json)" -gt "$hits" ] || fail "second campaign: not stored (hits $hits)"
# The default (--fail-on=any, as without the option): any finding fails.
fz --inject=alloc --store="$S" --out="$TMP/o2a" -- "$P"
assert_rc 1
fz --inject=alloc --store="$S" --fail-on=any --out="$TMP/o2b" -- "$P"
assert_rc 1
assert_eq null "$(jqr '.findings[0].new' "$TMP/o2b/report.json")" "--fail-on=any: no \"new\""
# In a --config file, as the other options.
printf 'inject = alloc\nstore = %s\nfail-on = new\n' "$S" >"$TMP/fz.conf"
fz --config="$TMP/fz.conf" --out="$TMP/o2c" -- "$P"
assert_rc 0

# 3: a change makes another bug reachable: it is new, the old one known.
fz --inject=alloc --store="$S" --fail-on=new --out="$TMP/o3" -- "$P" header
assert_rc 1
assert_eq 2 "$(jqr '.findings | length' "$TMP/o3/report.json")" "third campaign: two findings"
assert_eq "parse_header:true parse_record:false" \
	"$(jqr '[.findings[] | "\(.key | split("|")[1] | split("@")[0] | split(".")[0]):\(.new)"] | sort | join(" ")' "$TMP/o3/report.json")" \
	"third campaign: which is new"
grep -q "(signal in parse_header[.a-z0-9]*): new$" "$TMP/fz.stderr" ||
	fail "third campaign: parse_header not new: $(cat "$TMP/fz.stderr")"
grep -q "2 findings, 1 new against the store" "$TMP/fz.stderr" ||
	fail "third campaign: summary: $(cat "$TMP/fz.stderr")"
key2=$(jqr '.findings[] | select(.key | contains("parse_header")) | .key' "$TMP/o3/report.json")
# Now stored: known next time.
fz --inject=alloc --store="$S" --fail-on=new --out="$TMP/o4" -- "$P" header
assert_rc 0

# A baseline accepts a finding the store does not have.
S2=$TMP/store2
mkdir -p "$S2"
cp "$(grep -l parse_record "$S"/*.json)" "$S2/" || fatal "cannot copy a store file"
printf '# accepted\n\n%s\n' "$key2" >"$TMP/baseline"
fz --inject=alloc --store="$S2" --fail-on=new --out="$TMP/o5" -- "$P" header
assert_rc 1
fz --inject=alloc --store="$TMP/store3" --fail-on=new --baseline="$TMP/baseline" --out="$TMP/o6" -- "$P" header
assert_rc 1	# parse_record: in neither
rm -f "$TMP/store3"/*.json
cp "$(grep -l parse_record "$S"/*.json)" "$TMP/store3/"
fz --inject=alloc --store="$TMP/store3" --fail-on=new --baseline="$TMP/baseline" --out="$TMP/o7" -- "$P" header
assert_rc 0
assert_eq "baseline" "$(jqr '.findings[] | select(.key | contains("parse_header")) | .known_in' "$TMP/o7/report.json")" \
	"baseline: known_in"
grep -q "(signal in parse_header[.a-z0-9]*): known (in the baseline)" "$TMP/fz.stderr" ||
	fail "baseline: no line: $(cat "$TMP/fz.stderr")"
assert_eq "$key1" "$(jqr '.findings[] | select(.key | contains("parse_record")) | .key' "$TMP/o7/report.json")" "key1"

# merge --fail-on=new: shards merged into a store that knows both.
fz --inject=alloc --shard=0/2 --out="$TMP/s0" -- "$P" header
fz --inject=alloc --shard=1/2 --out="$TMP/s1" -- "$P" header
fz merge --store="$S" --fail-on=new --out="$TMP/m1" "$TMP/s0" "$TMP/s1"
assert_rc 0
grep -q "2 findings, 0 new against the store" "$TMP/fz.stdout" ||
	fail "merge: summary: $(cat "$TMP/fz.stdout")"
assert_eq "false false" "$(jqr '[.findings[].new] | join(" ")' "$TMP/m1/report.json")" "merge: known"
fz merge --store="$TMP/store-empty" --fail-on=new --out="$TMP/m2" "$TMP/s0" "$TMP/s1"
assert_rc 1
fz merge --store="$S" --out="$TMP/m3" "$TMP/s0" "$TMP/s1"
assert_rc 1

# Bad input: exit 2, one line.
bad() {
	local what=$1 want=$2
	shift 2
	fz "$@"
	assert_eq 2 "$rc" "$what: exit status"
	assert_eq 1 "$(wc -l <"$TMP/fz.stderr")" "$what: one stderr line"
	grep -q -- "$want" "$TMP/fz.stderr" || fail "$what: not '$want': $(cat "$TMP/fz.stderr")"
}
bad "no store" "--fail-on=new needs --store" --inject=alloc --fail-on=new --out="$TMP/b" -- "$P"
bad "bogus" "--fail-on=bogus: want 'any'" --inject=alloc --fail-on=bogus --out="$TMP/b" -- "$P"
bad "baseline alone" "--baseline=.* needs --fail-on=new" --inject=alloc --baseline="$TMP/baseline" --out="$TMP/b" -- "$P"
bad "baseline missing" "--baseline=$TMP/nope" --inject=alloc --store="$S" --fail-on=new --baseline="$TMP/nope" --out="$TMP/b" -- "$P"
bad "merge no store" "merge: --fail-on=new needs --store" merge --fail-on=new --out="$TMP/b" "$TMP/s0"
bad "merge bogus" "merge: --fail-on=bogus" merge --fail-on=bogus --store="$S" --out="$TMP/b" "$TMP/s0"
printf 'fail-on = bogus\n' >"$TMP/bad.conf"
bad "config bogus" "bad.conf:1: --fail-on=bogus" --config="$TMP/bad.conf" --inject=alloc -- "$P"
