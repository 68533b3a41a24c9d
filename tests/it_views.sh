#!/bin/bash
# it_views.sh - whose filesystem a path belongs to (DESIGN 4), and the older
# benchmarks as overlays.
#
# 1. A kubelet in its own mount namespace (as a static pod or DaemonSet
#    container is) names a config file that exists only in that namespace:
#    kube-auditd, outside it, must read it through /proc/PID/root, say so in
#    the evidence, and judge the file's mode as the container sees it.
# 2. The same kubeadm node audited with cis-1.12, cis-1.11 and cis-1.10: the
#    overlays change exactly what the benchmarks changed.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

ka_require_sample_node
ka_require_json_tool
[ "$KA_JSON" = jq ] || ka_skip "jq not installed (this test reads the reports with jq)"
ka_tmpdir
export KA_PKI_CACHE=${KA_PKI_CACHE:-$KA_TMP/pki}

fails=0
check() { # check DESC JQ-EXPRESSION FILE: the expression is true
	if jq -e "$2" "$3" >/dev/null; then
		ka_log "ok: $1"
	else
		ka_log "NOT OK: $1"
		jq -c '.results[] | {id, status, reason, actual, evidence}' "$3" | head -c 3000 >&2
		fails=$((fails + 1))
	fi
}

# ---- 1. a kubelet in another mount namespace ----
mkdir -p "$KA_TMP/bin" "$KA_TMP/host/etc"
cp "$KA_STUB" "$KA_TMP/bin/kubelet"
printf 'root:x:0:0::/root:/bin/sh\n' >"$KA_TMP/host/etc/passwd"
printf 'root:x:0:\n' >"$KA_TMP/host/etc/group"
cat >"$KA_TMP/inner.sh" <<EOF
set -e
# the kubelet's own namespace: a tmpfs on /mnt that the auditor cannot see
unshare --mount --propagation private bash -c '
	mount -t tmpfs ka-pod /mnt
	mkdir -p /mnt/kubelet
	printf "kind: KubeletConfiguration\nauthentication:\n  anonymous:\n    enabled: false\nreadOnlyPort: 0\n" >/mnt/kubelet/config.yaml
	chmod 0640 /mnt/kubelet/config.yaml
	exec $KA_TMP/bin/kubelet --config=/mnt/kubelet/config.yaml' &
for i in \$(seq 200); do
	pid=\$(for p in /proc/[0-9]*; do [ "\$(readlink \$p/exe 2>/dev/null)" = "$KA_TMP/bin/kubelet" ] && basename \$p; done | head -n 1)
	[ -n "\$pid" ] && [ "\$(readlink /proc/\$pid/ns/mnt)" != "\$(readlink /proc/self/ns/mnt)" ] && break
	sleep 0.02
done
[ ! -e /mnt/kubelet/config.yaml ] || { echo "the pod's file leaked into the host view" >&2; exit 3; }
"$KA_BIN" --once --format json --root "$KA_TMP/host" --profile-dir "$KA_PROFILE_DIR" --check 4.2.1,4.2.4,4.1.9 >"$KA_TMP/views.json" || true
kill %1
EOF
unshare --pid --fork --mount-proc bash "$KA_TMP/inner.sh"
out=$KA_TMP/views.json
ka_json_ok "$out" || ka_fail "no valid JSON report: $(head -c 300 "$out")"
check "4.2.1 PASS from the pod's own config file" \
	'.results[] | select(.id == "4.2.1") | .status == "PASS"' "$out"
check "its evidence was read through /proc/PID/root" \
	'[.results[] | select(.id == "4.2.1") | .evidence[] | select(.source == "config") | .view | startswith("proc:")] | any' "$out"
check "4.2.4 PASS (readOnlyPort 0 in that file)" \
	'.results[] | select(.id == "4.2.4") | .status == "PASS"' "$out"
check "4.1.9 FAIL: the file's mode as the pod sees it (0640)" \
	'.results[] | select(.id == "4.1.9") | .status == "FAIL" and (.actual | test("mode 0640"))' "$out"
check "4.1.9 file evidence names the proc view" \
	'[.results[] | select(.id == "4.1.9") | .evidence[] | select(.source == "file") | .view | startswith("proc:")] | any' "$out"

# ---- 2. older benchmarks as overlays ----
"$BASH" "$KA_SAMPLE_NODE" build "$KA_TMP/node" kubeadm >/dev/null
for b in cis-1.12 cis-1.11 cis-1.10; do
	"$BASH" "$KA_SAMPLE_NODE" run "$KA_TMP/node" -- "$KA_BIN" --once --format json \
		--benchmark "$b" --root "$KA_TMP/node/root" --profile-dir "$KA_PROFILE_DIR" \
		>"$KA_TMP/$b.json" || true
	ka_json_ok "$KA_TMP/$b.json" || ka_fail "$b: no valid JSON report"
done
check "cis-1.12 has 131 recommendations" '(.results | length) == 131 and .benchmark == "cis-1.12"' "$KA_TMP/cis-1.12.json"
check "cis-1.11 names itself" '.benchmark == "cis-1.11"' "$KA_TMP/cis-1.11.json"
check "cis-1.10 has no 1.2.30 (added in 1.11)" '[.results[].id] | index("1.2.30") == null' "$KA_TMP/cis-1.10.json"
check "cis-1.12 1.1.20 PASS: kubeadm's 0644 certificates meet the 644 limit" \
	'.results[] | select(.id == "1.1.20") | .status == "PASS"' "$KA_TMP/cis-1.12.json"
check "cis-1.10 1.1.20 WARN: its limit was 600" \
	'.results[] | select(.id == "1.1.20") | .status == "WARN"' "$KA_TMP/cis-1.10.json"

[ "$fails" -eq 0 ] || ka_fail "$fails assertions failed"
ka_log "all assertions passed"
