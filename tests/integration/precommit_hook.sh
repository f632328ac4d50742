#!/bin/bash
# harnesses/ci/pre-commit-hook (issue 15), installed as .git/hooks/pre-commit
# in a temporary git repository holding a copy of tests/targets/
# precommit_app.c as the one component of .fzsandbox-components (built by
# its "build =" command). A clean change commits; a change that drops an
# allocation check is refused, naming the new finding and its replay
# line, and refused again when tried again; a change to other paths
# commits without fuzzing, though the unchecked code is still in the
# working tree; --seed stores the finding as known and the commit goes
# through. Then .pre-commit-hooks.yaml: checked by the pre-commit
# framework (validate-manifest, try-repo, offline) when it is installed,
# else structurally with python3-yaml.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

command -v git >/dev/null || skip "no git"
command -v cc >/dev/null || skip "no cc (the component's build command)"
FZABS=$(cd "$(dirname "$FZ")" && pwd)/fzsandbox
SRCABS=$(cd "$SRC" && pwd)
HOOK=$SRCABS/harnesses/ci/pre-commit-hook
R=$TMP/repo
export HOME=$TMP/home GIT_CONFIG_NOSYSTEM=1 FZSANDBOX=$FZABS FZ_BUDGET=60s
export GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.org
export GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.org
mkdir -p "$HOME" "$R/src" "$R/docs" || fatal "mkdir"
cd "$R" || fatal "cd $R"
git init -q . || fatal "git init"
git config commit.gpgsign false || fatal "git config"
cp "$SRCABS/tests/targets/precommit_app.c" src/app.c || fatal "cannot copy precommit_app.c"
echo notes >docs/notes.txt
printf 'app\n.fzsandbox-store/\n' >.gitignore
cat >.fzsandbox-components <<'EOF'
# The program under test: built by cc, run with one argument.
[component app]
paths = src/*.c src/*.h
build = cc -g -O0 -o app src/app.c
options = --inject=alloc
command = ./app "hello world"
EOF
cp "$HOOK" .git/hooks/pre-commit || fatal "cannot install the hook"

# commit MSG: git commit, its output in $TMP/commit.out, status in $rc.
commit() {
	git commit -q -m "$1" >"$TMP/commit.out" 2>&1
	rc=$?
}
ncommits() { git rev-list --count HEAD 2>/dev/null || echo 0; }

# 1. The first commit adds the component: fuzzed, nothing found.
git add -A
commit "the app"
assert_eq 0 "$rc" "first commit: exit status ($(cat "$TMP/commit.out"))"
grep -q "^fzsandbox pre-commit: app: fzsandbox --budget=60s --inject=alloc -- ./app" "$TMP/commit.out" ||
	fail "first commit: app not fuzzed: $(cat "$TMP/commit.out")"
[ -f .git/fzsandbox/app/report.json ] || fail "first commit: no report"
assert_eq 0 "$(jqr '.findings | length' .git/fzsandbox/app/report.json)" "first commit: findings"

# 2. A clean change to the component: fuzzed again, commits.
sed -i 's|^int main|/* The entry point. */\nint main|' src/app.c
git add src/app.c
commit "a comment"
assert_eq 0 "$rc" "clean change: exit status ($(cat "$TMP/commit.out"))"
grep -q "app: fzsandbox" "$TMP/commit.out" || fail "clean change: not fuzzed: $(cat "$TMP/commit.out")"
assert_eq 2 "$(ncommits)" "commits after the clean change"

# 3. The allocation check dropped: an unchecked malloc, refused.
sed -i '/if (!p)$/,/return NULL;/d' src/app.c
grep -q "^		return NULL;" src/app.c && fatal "the bug was not planted"
git add src/app.c
commit "drop a check"
[ "$rc" != 0 ] || fail "the unchecked malloc was committed: $(cat "$TMP/commit.out")"
assert_eq 2 "$(ncommits)" "commits after the refused one"
grep -q "^fzsandbox pre-commit: app: new finding(s): commit refused" "$TMP/commit.out" ||
	fail "refused: no reason: $(cat "$TMP/commit.out")"
grep -q "^fzsandbox: finding #1 (signal in dup_word): new$" "$TMP/commit.out" ||
	fail "refused: the finding is not named: $(cat "$TMP/commit.out")"
grep -q "^    replay: .*fzsandbox --replay=.*report.json#1" "$TMP/commit.out" ||
	fail "refused: no replay line: $(cat "$TMP/commit.out")"
# Tried again: still new (the hook does not add to the store).
commit "drop a check, again"
[ "$rc" != 0 ] || fail "the second try was committed: $(cat "$TMP/commit.out")"
[ -d .fzsandbox-store ] && fail "the hook wrote the store"

# 4. Other paths only: not fuzzed, although the bug is in the working tree.
git reset -q src/app.c
echo more >>docs/notes.txt
git add docs/notes.txt
sum=$(cat .git/fzsandbox/app.log | cksum)
commit "notes"
assert_eq 0 "$rc" "unrelated change: exit status ($(cat "$TMP/commit.out"))"
grep -q "no component touched" "$TMP/commit.out" || fail "unrelated change: $(cat "$TMP/commit.out")"
grep -q "app: fzsandbox" "$TMP/commit.out" && fail "unrelated change: app was fuzzed"
assert_eq "$sum" "$(cat .git/fzsandbox/app.log | cksum)" "unrelated change: app's log"
assert_eq 3 "$(ncommits)" "commits after the unrelated change"

# 5. The pre-commit framework's view of .pre-commit-hooks.yaml.
git add src/app.c
if command -v pre-commit >/dev/null; then
	H=$TMP/hookrepo
	mkdir -p "$H/harnesses/ci" && cp "$SRCABS/.pre-commit-hooks.yaml" "$H/" &&
		cp "$HOOK" "$H/harnesses/ci/" || fatal "cannot make the hook repository"
	(cd "$H" && git init -q . && git add -A && git commit -q -m hook) || fatal "hook repository"
	pre-commit validate-manifest "$H/.pre-commit-hooks.yaml" >"$TMP/pc.out" 2>&1 ||
		fail "validate-manifest: $(cat "$TMP/pc.out")"
	# try-repo clones the local repository: no network for language: script.
	PRE_COMMIT_HOME=$TMP/pc-home pre-commit try-repo "$H" fzsandbox >"$TMP/pc.out" 2>&1
	pcrc=$?
	[ "$pcrc" != 0 ] || fail "try-repo passed the unchecked malloc: $(cat "$TMP/pc.out")"
	grep -q "signal in dup_word): new" "$TMP/pc.out" ||
		fail "try-repo: the finding is not named: $(cat "$TMP/pc.out")"
elif python3 -c "import yaml" 2>/dev/null; then
	skip_check "no pre-commit (apt-get install pre-commit): .pre-commit-hooks.yaml checked structurally"
	python3 - "$SRCABS/.pre-commit-hooks.yaml" <<'EOF' || fail ".pre-commit-hooks.yaml is malformed"
import sys, yaml
hooks = yaml.safe_load(open(sys.argv[1]))
assert isinstance(hooks, list) and len(hooks) == 1, hooks
h = hooks[0]
for k in ("id", "name", "entry", "language"):
    assert isinstance(h.get(k), str) and h[k], k
assert h["id"] == "fzsandbox" and h["language"] == "script", h
assert h["pass_filenames"] is False, h
EOF
else
	skip_check "neither pre-commit nor python3-yaml: .pre-commit-hooks.yaml not checked"
fi
[ -x "$SRCABS/$(sed -n 's/^ *entry: *//p' "$SRCABS/.pre-commit-hooks.yaml")" ] ||
	fail ".pre-commit-hooks.yaml's entry is not an executable of the repository"

# 6. --seed: the finding stored as known; the same change now commits.
"$HOOK" --seed >"$TMP/seed.out" 2>&1
assert_eq 0 "$?" "--seed: exit status ($(cat "$TMP/seed.out"))"
ls .fzsandbox-store/*.json >/dev/null 2>&1 || fail "--seed stored nothing: $(cat "$TMP/seed.out")"
commit "drop a check, accepted"
assert_eq 0 "$rc" "after --seed: exit status ($(cat "$TMP/commit.out"))"
grep -q "^fzsandbox: finding #1 (signal in dup_word): known" .git/fzsandbox/app.log ||
	fail "after --seed: not known: $(cat .git/fzsandbox/app.log)"
exit 0
