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
# artifact. The workflow runs twice, as two pushes, with an Actions cache
# stand-in between them. The example service has a planted bug: in the
# first run it is new, so every step passes but the last ("Fail on new
# findings"), and the merged SARIF points at it; the second run restores
# the store, regress replays the bug (failing), and it is known: every
# step passes.
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
CACHE=$TMP/cache
mkdir -p "$WS" "$ART" "$CACHE"

cd "$TMP" || fatal "cd $TMP"
"$PY" - "$WF" "$WS" "$ART" "$SRC" "$FZ" "$top_builddir" "$CACHE" >"$TMP/ci.log" 2>&1 <<'EOF'
import glob, os, re, shutil, subprocess, sys, yaml

wf_path, ws, art, src, fz, build, cache = sys.argv[1:8]
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
        # As upload-artifact: a missing path is skipped, none at all fails.
        name, paths = w["name"], w["path"].split()
        paths = [p for p in paths if os.path.exists(os.path.join(cwd, p))]
        if not paths:
            print(f"upload-artifact {name}: {w['path']} missing")
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
    if uses == "actions/cache/restore":
        # The newest saved cache whose key starts with a restore key.
        keys = [w["key"]] + w.get("restore-keys", "").split()
        saved = sorted(os.listdir(cache), key=lambda k: os.path.getmtime(os.path.join(cache, k)))
        for want in keys:
            hits = [k for k in saved if k == want or k.startswith(want)]
            if hits:
                copy_in(os.path.join(cache, hits[-1]), os.path.join(cwd, w["path"]))
                print(f"cache restored from {hits[-1]}")
                break
        return 0
    if uses == "actions/cache/save":
        if os.path.exists(os.path.join(cwd, w["path"])):
            copy_in(os.path.join(cwd, w["path"]), os.path.join(cache, w["key"]))
        return 0
    if uses in ("github/codeql-action/upload-sarif", "mikepenz/action-junit-report"):
        f = w.get("sarif_file") or w.get("report_paths")
        ok = os.path.isfile(os.path.join(cwd, f))
        print(f"{uses}: {f} {'present' if ok else 'MISSING'}")
        return 0 if ok else 1
    print(f"no local stand-in for {uses}")
    return 1

def run_workflow(run):
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
          ctx["github.run_id"] = 1000 + run
          ctx["github.event_name"] = "push"
          ctx.update({f"env.{k}": v for k, v in env0.items()})
          env = dict(os.environ, **env0, CI="true", GITHUB_ACTIONS="true",
                     GITHUB_WORKSPACE=cwd, GITHUB_JOB=job, RUNNER_TEMP=os.path.join(cwd, ".tmp"),
                     GITHUB_REPOSITORY="example/fzsandbox-demo", GITHUB_SHA="0" * 40,
                       GITHUB_RUN_ID=str(1000 + run), GITHUB_EVENT_NAME="push")
          for step in j["steps"]:
              name = step.get("name") or step.get("uses") or "?"
              name = expand(name, ctx)
              if "uses" in step:
                  rc = action(job, step, ctx, cwd)
              else:
                  script = expand(step["run"], ctx)
                  if script.lstrip().startswith("sudo "):
                      results.append((run, job, name, "machine set-up, not run"))
                      continue
                  if "./configure" in script:
                      # The build: this tree is built; its binaries stand in.
                      copy_in(fz, os.path.join(cwd, "fzsandbox"))
                      copy_in(os.path.join(build, "harnesses/examples/kvd"),
                              os.path.join(cwd, "harnesses/examples/kvd"))
                      results.append((run, job, name, "built tree used"))
                      continue
                  rc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                                      cwd=cwd, env=env, timeout=900).returncode
              results.append((run, job, name, rc))

# Twice, as two pushes: the second run restores the first one's store
# from the cache (the artifacts are per run).
for run in (1, 2):
    shutil.rmtree(art, ignore_errors=True)
    os.makedirs(art)
    run_workflow(run)
    # Each run's last merge job, kept for the checks.
    shutil.copytree(os.path.join(ws, "repo"), os.path.join(ws, f"run{run}"))
for run, job, name, st in results:
    print(f"STEP{run}\t{job}\t{name}\t{st}")
EOF
[ $? = 0 ] || fatal "the local runner failed: $(tail -20 "$TMP/ci.log")"

steps=$(grep -c "^STEP1" "$TMP/ci.log")
[ "$steps" -ge 19 ] || fail "only $steps steps ran: $(cat "$TMP/ci.log")"
failed=$(awk -F'\t' '$1 == "STEP1" && $4 ~ /^[0-9]+$/ && $4 != 0 {print $2 ": " $3}' "$TMP/ci.log")
assert_eq "merge: Fail on new findings" "$failed" "run 1: steps that failed (the example's bug is new)"
for k in 0 1 2; do
	grep -q "^STEP1	fuzz	Fuzz shard $k	0$" "$TMP/ci.log" || fail "shard $k did not run: $(cat "$TMP/ci.log")"
done
M=$WS/run1
assert_eq 1 "$(cat "$M/merged/status")" "merge's exit status"
assert_eq "[0,1,2]" "$(jqr '.merged.shards | tojson' "$M/merged/report.json")" "merged shards"
n=$(jqr '.findings | length' "$M/merged/report.json")
[ "$n" -ge 1 ] || fail "no finding in the merged report"
assert_eq "$n" "$(jqr '[.findings[] | select(.new)] | length' "$M/merged/report.json")" "run 1: every finding new"
jqr '[.runs[0].results[].locations[0].physicalLocation.artifactLocation.uri] | index("harnesses/examples/kvd.c") != null' \
	"$M/merged/report.sarif" | grep -qx true || fail "no SARIF result in harnesses/examples/kvd.c"
grep -q "cmd_set" "$M/merged/report.sarif" || fail "the planted bug (cmd_set) is not in the SARIF"
"$PY" -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$M/merged/junit.xml" ||
	fail "merged junit.xml does not parse"
assert_eq "$n" "$(ls "$M/fzsandbox-store"/*.json | wc -l)" "run 1: the store"

# Run 2: the store from the cache knows the bug. regress replays it
# (failing, not fixed) and nothing fails the job.
failed=$(awk -F'\t' '$1 == "STEP2" && $4 ~ /^[0-9]+$/ && $4 != 0 {print $2 ": " $3}' "$TMP/ci.log")
assert_eq "" "$failed" "run 2: steps that failed (the bug is known)"
M=$WS/run2
assert_eq 0 "$(cat "$M/merged/status")" "run 2: merge's exit status"
assert_eq "$n 0" "$(jqr '"\(.findings | length) \([.findings[] | select(.new)] | length)"' "$M/merged/report.json")" \
	"run 2: the findings, none new"
assert_eq "$n" "$(jqr '.summary.failing' "$M/regress/regress.json")" "run 2: regress says failing"
exit 0
