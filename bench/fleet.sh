#!/bin/bash
# bench/fleet.sh - measures the fleet audit; records nothing by itself: copy
# the figures it prints into bench/RESULTS.md with the machine and the date.
#
#   1. `kube-auditctl summarize` over N real reports (default 1,000): one
#      `kube-auditd --once --format json` report of each sample-node layout
#      (kubeadm, hardened, misconfigured, worker-config), copied to N host
#      files; wall time and peak RSS of each format, median of RUNS runs;
#   2. `ansible-playbook contrib/ansible/audit.yml` against H local hosts
#      (default 8, ansible_connection=local, forks F, default 8) auditing the
#      kubeadm sample node: wall time of the whole play, and per host.
# Needs root (the sample node sets owners and uses a private PID namespace).
set -euo pipefail

# shellcheck source=paths.sh source-path=SCRIPTDIR
. "$(dirname "$0")/paths.sh"
N=${N:-1000}
RUNS=${RUNS:-5}
H=${H:-8}
F=${F:-8}

T=$(mktemp -d /tmp/ka-bench-fleet-XXXXXX)
ns=
cleanup() {
	# wait returns the killed namespace's 137: under set -e that must not
	# become the script's exit status
	if [ -n "$ns" ]; then
		kill -KILL "$ns" 2>/dev/null || true
		wait "$ns" 2>/dev/null || true
	fi
	rm -rf "$T"
}
trap cleanup EXIT
cc -O2 -o "$T/measure" "$top/bench/measure.c"
export KA_STUB="$STUB" KA_BIN="$BIN" KA_PROFILE_DIR="$PROF"
cp -r "$PROF" "$T/profiles"
chmod -R go-w "$T/profiles"

echo "machine: $(uname -srm); $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "date:    $(date -u +%Y-%m-%d)"

layouts=(kubeadm hardened misconfigured worker-config)
for l in "${layouts[@]}"; do
	"$top/tests/sample-node.sh" build "$T/$l" "$l" >/dev/null
	"$top/tests/sample-node.sh" run "$T/$l" -- "$BIN" --once --format json --root "$T/$l/root" \
		--profile-dir "$T/profiles" --output "$T/$l.json" || [ $? -le 2 ]
done
mkdir "$T/reports"
for i in $(seq "$N"); do
	cp "$T/${layouts[$((i % 4))]}.json" "$T/reports/node-$i.json"
done
echo
echo "== kube-auditctl summarize, $N reports ($(du -sh "$T/reports" | cut -f1) of JSON), $RUNS runs"
for fmt in json markdown junit; do
	printf '%-9s ' "$fmt"
	# summarize exits 1 or 2 when the fleet has a FAIL or an ERROR
	"$T/measure" "$RUNS" -- /bin/sh -c '"$0" summarize --format "$1" "$2"/reports/*.json >/dev/null; [ $? -le 2 ]' \
		"$CTL" "$fmt" "$T"
done

if command -v ansible-playbook >/dev/null; then
	echo
	echo "== ansible-playbook audit.yml, $H local hosts, forks $F"
	unshare --pid --fork --mount-proc --kill-child \
		bash -c '"$1" start "$2" && touch "$2/.up" && exec sleep infinity' \
		_ "$top/tests/sample-node.sh" "$T/kubeadm" &
	ns=$!
	for _ in $(seq 200); do [ -e "$T/kubeadm/.up" ] && break; sleep 0.05; done
	inner=$(pgrep -P "$ns" | head -n 1)
	printf '#!/bin/sh\nexec nsenter --target %s --pid --mount -- "%s" "$@"\n' "$inner" "$BIN" >"$T/ka"
	chmod 0755 "$T/ka"
	{
		for i in $(seq "$H"); do
			echo "node-$i ansible_connection=local kube_auditd_binary=$T/ka kube_auditd_root=$T/kubeadm/root"
		done
		echo "[all:vars]"
		echo "kube_auditd_profile_dir=$T/profiles"
		echo "ansible_python_interpreter=$(command -v python3)"
	} >"$T/inventory"
	start=$(date +%s.%N)
	(cd "$T" && ANSIBLE_NOCOLOR=1 ANSIBLE_FORKS=$F ansible-playbook -i inventory \
		"$top/contrib/ansible/audit.yml" -e "kube_auditd_ctl=$CTL" >"$T/play.log" 2>&1) ||
		{ tail -n 30 "$T/play.log"; exit 1; }
	end=$(date +%s.%N)
	awk -v s="$start" -v e="$end" -v h="$H" 'BEGIN { printf "whole play: %.1f s, %.2f s per host\n", e - s, (e - s) / h }'
	echo "summary: $(jq -c .totals "$T/kube-auditd-fleet/summary.json")"
fi
