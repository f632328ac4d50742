#!/bin/bash
# harnesses/ci/k8s-indexed-job.yaml (issue 15): its structure (an Indexed
# Job whose completions are the shard count its command uses, the pod
# settings the jail needs, one shared volume for shards and merge), then
# its command lines run here: each shard's with JOB_COMPLETION_INDEX set,
# then the merge's, with the volume and the image's /app as directories
# of this test. No cluster is used (kubeconform is not packaged for
# Debian 12); what a cluster would add is its own validation.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"	# SH_LOG_COMPILER may be sh
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

PY=
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import yaml' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || skip "no python3 with the yaml module (apt-get install python3-yaml)"

MF=$SRC/harnesses/ci/k8s-indexed-job.yaml
"$PY" - "$MF" "$TMP" >"$TMP/k8s.out" 2>&1 <<'EOF' || fail "manifest: $(cat "$TMP/k8s.out")"
import re, sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
tmp = sys.argv[2]
bad = []
def need(cond, what):
    if not cond:
        bad.append(what)
kinds = {(d["kind"], d["metadata"]["name"]): d for d in docs}
need(("PersistentVolumeClaim", "fzsandbox-store") in kinds, "a PVC fzsandbox-store")
pvc = kinds.get(("PersistentVolumeClaim", "fzsandbox-store"), {})
need("ReadWriteMany" in pvc.get("spec", {}).get("accessModes", []), "the PVC ReadWriteMany (pods on several nodes)")
shards = kinds[("Job", "fzsandbox-shards")]
merge = kinds[("Job", "fzsandbox-merge")]
for d in docs:
    need(d["apiVersion"] in ("v1", "batch/v1"), f"{d['kind']}: apiVersion {d['apiVersion']}")
    need("fzsandbox/stage" in d["metadata"].get("labels", {}), f"{d['metadata']['name']}: a stage label")
s = shards["spec"]
need(s.get("completionMode") == "Indexed", "shards: completionMode Indexed")
need(s.get("completions") == s.get("parallelism"), "shards: completions == parallelism")
pod = s["template"]["spec"]
need(pod.get("hostUsers") is False, "shards: hostUsers false")
need(pod.get("restartPolicy") == "Never", "shards: restartPolicy Never")
c = pod["containers"][0]
sc = c.get("securityContext", {})
need(sc.get("procMount") == "Unmasked", "shards: procMount Unmasked")
need(sc.get("seccompProfile", {}).get("type") == "Unconfined", "shards: seccomp Unconfined")
env = {e["name"]: e["value"] for e in c.get("env", [])}
need(int(env.get("SHARDS", "0")) == s.get("completions"), "shards: SHARDS == completions")
script = c["command"][-1]
need("--shard=\"$JOB_COMPLETION_INDEX/$SHARDS\"" in script, "shards: --shard from JOB_COMPLETION_INDEX")
for job in (shards, merge):
    p = job["spec"]["template"]["spec"]
    mounts = {m["name"]: m["mountPath"] for m in p["containers"][0]["volumeMounts"]}
    vols = {v["name"]: v.get("persistentVolumeClaim", {}).get("claimName") for v in p["volumes"]}
    need(vols.get("store") == "fzsandbox-store", f"{job['metadata']['name']}: the store volume")
    need(mounts.get("store") == "/store", f"{job['metadata']['name']}: /store mounted")
# The command lines, for the shell part of the test.
mc = merge["spec"]["template"]["spec"]["containers"][0]
open(f"{tmp}/shard.sh", "w").write(script)
open(f"{tmp}/merge.sh", "w").write(mc["command"][-1])
open(f"{tmp}/count", "w").write(str(s["completions"]))
if bad:
    print("\n".join(bad))
    sys.exit(1)
EOF
[ -f "$TMP/shard.sh" ] || fatal "no command lines from the manifest"

# The image's files: fzsandbox on PATH, the example at /app.
mkdir -p "$TMP/bin" "$TMP/app" "$TMP/store"
ln -s "$FZ" "$TMP/bin/fzsandbox"
cp "$top_builddir/harnesses/examples/kvd" "$TMP/app/kvd"
cp -r "$SRC/harnesses/examples/requests" "$TMP/app/requests"
N=$(cat "$TMP/count")
for k in $(seq 0 $((N - 1))); do
	(cd "$TMP" && env PATH="$TMP/bin:$PATH" SHARDS="$N" FZ_STORE="$TMP/store" FZ_APP="$TMP/app" \
		JOB_COMPLETION_INDEX="$k" timeout -k 5 600 /bin/sh "$TMP/shard.sh") \
		>"$TMP/shard-$k.out" 2>&1 || fail "pod $k failed: $(tail -5 "$TMP/shard-$k.out")"
	assert_eq "$k/$N" "$(jqr '"\(.shard.index)/\(.shard.count)"' "$TMP/store/shard-$k/report.json")" "pod $k's shard"
done
(cd "$TMP" && env PATH="$TMP/bin:$PATH" FZ_STORE="$TMP/store" FZ_APP="$TMP/app" \
	timeout -k 5 300 /bin/sh "$TMP/merge.sh") >"$TMP/merge.out" 2>&1
rc=$?
assert_eq 1 "$rc" "the merge pod's exit status (the example's bug)"
M=$TMP/store/merged
assert_eq "$N" "$(jqr '.merged.shards | length' "$M/report.json")" "shards merged"
[ "$(jqr '.findings | length' "$M/report.json")" -ge 1 ] || fail "no finding merged"
[ -f "$M/report.sarif" ] && [ -f "$M/junit.xml" ] || fail "no SARIF or JUnit from the merge pod"
exit 0
