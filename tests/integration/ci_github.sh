#!/bin/bash
# harnesses/ci/github-actions.yml (issue 15), run here: its jobs in their
# `needs` order, every matrix value, every `run:` step under bash -eo
# pipefail with the workflow's env, GITHUB_* variables and ${{ }}
# expressions filled in, each job in a fresh workspace at one path (as on
# GitHub's runners: only artifacts carry files between jobs). The actions are
# played by what they do: checkout copies the example, upload/download-
# artifact copy directories, upload-sarif and the JUnit action need their
# file. Machine set-up (`sudo ...`) and the build step are not run: the
# tree under test is already built, and its binaries are the build job's
# artifact. The example service has a planted bug, so every step passes
# but the last ("Fail on findings"), and the merged SARIF points at it.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

# Debian's python3-yaml (./quickstart installs it); a pyenv python3 may
# lack it.
PY=
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import yaml' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || skip "no python3 with the yaml module (apt-get install python3-yaml)"

WF=$SRC/harnesses/ci/github-actions.yml
WS=$TMP/ws
ART=$TMP/artifacts
mkdir -p "$WS" "$ART"

cd "$TMP" || fatal "cd $TMP"
"$PY" - "$WF" "$WS" "$ART" "$SRC" "$FZ" "$top_builddir" >"$TMP/ci.log" 2>&1 <<'EOF'
import glob, os, re, shutil, subprocess, sys, yaml

wf_path, ws, art, src, fz, build = sys.argv[1:7]
wf = yaml.safe_load(open(wf_path))
jobs = wf["jobs"]
env0 = {k: str(v) for k, v in (wf.get("env") or {}).items()}
results = []  # (job, step name, status)

def order(jobs):
    done, out = set(), []
    def visit(j):
        if j in done:
            return
        needs = jobs[j].get("needs") or []
        for n in [needs] if isinstance(needs, str) else needs:
            visit(n)
        done.add(j)
        out.append(j)
    for j in jobs:
        visit(j)
    return out

def expand(text, ctx):
    def sub(m):
        expr = m.group(1).strip()
        if expr in ctx:
            return str(ctx[expr])
        raise SystemExit(f"unknown expression ${{{{ {expr} }}}} in: {text}")
    return re.sub(r"\$\{\{(.*?)\}\}", sub, text)

def copy_in(path, dst):
    os.makedirs(os.path.dirname(dst) or ".", exist_ok=True)
    if os.path.isdir(path):
        shutil.copytree(path, dst, dirs_exist_ok=True)
    else:
        shutil.copy2(path, dst)

def action(job, step, ctx, cwd):
    uses = step["uses"].split("@")[0]
    w = {k: expand(str(v), ctx) for k, v in (step.get("with") or {}).items()}
    if uses == "actions/checkout":
        # The files the workflow reads from the repository.
        for rel in ["harnesses/examples/requests", "harnesses/examples/kvd.c"]:
            copy_in(os.path.join(src, rel), os.path.join(cwd, rel))
        return 0
    if uses == "actions/upload-artifact":
        # Paths are stored relative to their least common ancestor: one
        # directory is stored as its contents.
        name, paths = w["name"], w["path"].split()
        for rel in paths:
            if not os.path.exists(os.path.join(cwd, rel)):
                print(f"upload-artifact {name}: {rel} missing")
                return 1
        root = os.path.commonpath(paths) if len(paths) > 1 else paths[0]
        if len(paths) > 1 or not os.path.isdir(os.path.join(cwd, root)):
            root = os.path.dirname(root) if not os.path.isdir(os.path.join(cwd, root)) else root
        for rel in paths:
            copy_in(os.path.join(cwd, rel), os.path.join(art, name, os.path.relpath(rel, root or ".")))
        return 0
    if uses == "actions/download-artifact":
        if "name" in w:
            shutil.copytree(os.path.join(art, w["name"]), cwd, dirs_exist_ok=True)
        else:  # pattern: each artifact in a directory of its name
            for d in glob.glob(os.path.join(art, w["pattern"])):
                shutil.copytree(d, os.path.join(cwd, os.path.basename(d)), dirs_exist_ok=True)
        return 0
    if uses in ("github/codeql-action/upload-sarif", "mikepenz/action-junit-report"):
        f = w.get("sarif_file") or w.get("report_paths")
        ok = os.path.isfile(os.path.join(cwd, f))
        print(f"{uses}: {f} {'present' if ok else 'MISSING'}")
        return 0 if ok else 1
    print(f"no local stand-in for {uses}")
    return 1

for job in order(jobs):
    j = jobs[job]
    matrix = (j.get("strategy") or {}).get("matrix") or {}
    combos = [{}]
    for k, vals in matrix.items():
        combos = [dict(c, **{k: v}) for c in combos for v in vals]
    for combo in combos:
        # As on GitHub's runners: every job in a fresh machine, its
        # checkout at the same path; only artifacts carry files over.
        cwd = os.path.join(ws, "repo")
        shutil.rmtree(cwd, ignore_errors=True)
        os.makedirs(cwd)
        ctx = {f"matrix.{k}": v for k, v in combo.items()}
        ctx["strategy.job-total"] = len(combos)
        env = dict(os.environ, **env0, CI="true", GITHUB_ACTIONS="true",
                   GITHUB_WORKSPACE=cwd, GITHUB_JOB=job, RUNNER_TEMP=os.path.join(cwd, ".tmp"),
                   GITHUB_REPOSITORY="example/fzsandbox-demo", GITHUB_SHA="0" * 40)
        for step in j["steps"]:
            name = step.get("name") or step.get("uses") or "?"
            name = expand(name, ctx)
            if "uses" in step:
                rc = action(job, step, ctx, cwd)
            else:
                script = expand(step["run"], ctx)
                if script.lstrip().startswith("sudo "):
                    results.append((job, name, "machine set-up, not run"))
                    continue
                if "./configure" in script:
                    # The build: this tree is built; its binaries stand in.
                    copy_in(fz, os.path.join(cwd, "fzsandbox"))
                    copy_in(os.path.join(build, "harnesses/examples/kvd"),
                            os.path.join(cwd, "harnesses/examples/kvd"))
                    results.append((job, name, "built tree used"))
                    continue
                rc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                                    cwd=cwd, env=env, timeout=900).returncode
            results.append((job, name, rc))
for job, name, st in results:
    print(f"STEP\t{job}\t{name}\t{st}")
EOF
[ $? = 0 ] || fatal "the local runner failed: $(tail -20 "$TMP/ci.log")"

steps=$(grep -c "^STEP" "$TMP/ci.log")
[ "$steps" -ge 16 ] || fail "only $steps steps ran: $(cat "$TMP/ci.log")"
failed=$(awk -F'\t' '$1 == "STEP" && $4 ~ /^[0-9]+$/ && $4 != 0 {print $2 ": " $3}' "$TMP/ci.log")
assert_eq "merge: Fail on findings" "$failed" "steps that failed (the example's bug fails the job)"
for k in 0 1 2; do
	grep -q "^STEP	fuzz	Fuzz shard $k	0$" "$TMP/ci.log" || fail "shard $k did not run: $(cat "$TMP/ci.log")"
done
M=$WS/repo
assert_eq 1 "$(cat "$M/merged/status")" "merge's exit status"
assert_eq "[0,1,2]" "$(jqr '.merged.shards | tojson' "$M/merged/report.json")" "merged shards"
n=$(jqr '.findings | length' "$M/merged/report.json")
[ "$n" -ge 1 ] || fail "no finding in the merged report"
jqr '[.runs[0].results[].locations[0].physicalLocation.artifactLocation.uri] | index("harnesses/examples/kvd.c") != null' \
	"$M/merged/report.sarif" | grep -qx true || fail "no SARIF result in harnesses/examples/kvd.c"
grep -q "cmd_set" "$M/merged/report.sarif" || fail "the planted bug (cmd_set) is not in the SARIF"
"$PY" -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$M/merged/junit.xml" ||
	fail "merged junit.xml does not parse"
exit 0
