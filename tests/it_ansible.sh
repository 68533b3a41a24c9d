#!/bin/bash
# it_ansible.sh - the fleet audit with the real ansible-playbook (Debian
# package ansible): contrib/ansible/audit.yml against an inventory of six
# hosts that are all this machine (ansible_connection=local):
#   cp1       the kubeadm control plane     (sample-node layout kubeadm)
#   cp2       a hardened control plane      (hardened)
#   cp3       a misconfigured control plane (misconfigured)
#   worker1   a worker                      (worker-config)
#   broken    kube_auditd_root names no directory: kube-auditd refuses it
#   nokad     kube_auditd_binary names no program
#   gone      an ssh host nothing listens for: unreachable
# Each node's stub processes live in their own private PID and mount
# namespace; the host's kube_auditd_binary is a two-line wrapper that enters
# that namespace (nsenter) and runs the real kube-auditd there, with the
# node's tree as --root (kube_auditd_root).
#
# Asserted: the play succeeds despite the two bad hosts; each report is the
# audit of its own layout (states as tests/expect/LAYOUT.tsv); summary.json
# agrees with the reports host by host (counts, roles) and recommendation
# by recommendation (FAIL/WARN/ERROR host lists); both bad hosts are listed
# with their reason; summary.md and summary.xml (parsed) hold the same;
# benchmark, skips and kube_auditd_fail_on_fail are honoured.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

ka_require_sample_node
command -v ansible-playbook >/dev/null || ka_skip "ansible-playbook not installed (Debian package ansible)"
command -v jq >/dev/null || ka_skip "jq not installed"
command -v nsenter >/dev/null || ka_skip "nsenter (util-linux) not installed"
command -v sudo >/dev/null || ka_skip "sudo not installed (the playbook becomes root with sudo)"
ka_require_ctl
PLAYBOOK=$top_srcdir/contrib/ansible/audit.yml
[ -f "$PLAYBOOK" ] || ka_hard_error "$PLAYBOOK: missing"
ka_tmpdir
export KA_PKI_CACHE=${KA_PKI_CACHE:-$KA_TMP/pki}

fails=0
ok() { ka_log "ok: $*"; }
bad() {
	ka_log "NOT OK: $*"
	fails=$((fails + 1))
}

# ---------------------------------------------------------------------------
# the nodes, each in its own PID and mount namespace

declare -A layout=([cp1]=kubeadm [cp2]=hardened [cp3]=misconfigured [worker1]=worker-config)
nodes=(cp1 cp2 cp3 worker1)
nspids=()
stop_nodes() {
	local p
	for p in "${nspids[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	ka_cleanup
}
trap stop_nodes EXIT

profiles=$KA_TMP/profiles
cp -r "$KA_PROFILE_DIR" "$profiles"
chmod -R go-w "$profiles"
for n in "${nodes[@]}"; do
	"$BASH" "$KA_SAMPLE_NODE" build "$KA_TMP/$n" "${layout[$n]}" >/dev/null
	# the namespace's first process starts the node, then waits for ever
	unshare --pid --fork --mount-proc --kill-child \
		bash -c '"$BASH" "$1" start "$2" && touch "$2/.up" && exec sleep infinity' \
		_ "$KA_SAMPLE_NODE" "$KA_TMP/$n" &
	upid=$!
	for _ in $(seq 200); do [ -e "$KA_TMP/$n/.up" ] && break; sleep 0.05; done
	[ -e "$KA_TMP/$n/.up" ] || ka_hard_error "$n: the sample node did not start"
	inner=$(pgrep -P "$upid" | head -n 1)
	[ -n "$inner" ] || ka_hard_error "$n: no process inside the namespace"
	nspids+=("$upid")
	cat >"$KA_TMP/$n.kube-auditd" <<EOF
#!/bin/sh
exec nsenter --target $inner --pid --mount -- "$KA_BIN" "\$@"
EOF
	chmod 0755 "$KA_TMP/$n.kube-auditd"
done

# ---------------------------------------------------------------------------
# the inventory

inv=$KA_TMP/inventory.ini
{
	echo "[control_plane]"
	for n in cp1 cp2 cp3; do
		echo "$n ansible_connection=local kube_auditd_binary=$KA_TMP/$n.kube-auditd kube_auditd_root=$KA_TMP/$n/root"
	done
	echo "[workers]"
	echo "worker1 ansible_connection=local kube_auditd_binary=$KA_TMP/worker1.kube-auditd kube_auditd_root=$KA_TMP/worker1/root"
	echo "broken ansible_connection=local kube_auditd_binary=$KA_TMP/cp1.kube-auditd kube_auditd_root=$KA_TMP/no-such-node"
	echo "nokad ansible_connection=local kube_auditd_binary=$KA_TMP/no-such-dir/kube-auditd"
	echo "gone ansible_host=127.0.0.1 ansible_port=9 ansible_user=nobody ansible_ssh_common_args='-o ConnectTimeout=5 -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'"
	echo "[all:vars]"
	echo "kube_auditd_profile_dir=$profiles"
	echo "ansible_python_interpreter=$(command -v python3)"
} >"$inv"

ka_ansible_cfg

run_play() { # run_play LOG [ansible-playbook args...]: prints the exit status
	local log=$1 rc=0
	shift
	(cd "$KA_TMP" && ansible-playbook -i "$inv" "$PLAYBOOK" \
		-e "kube_auditd_ctl=$CTL" "$@") >"$log" 2>&1 || rc=$?
	echo "$rc"
}

# ---------------------------------------------------------------------------
# 1. the audit, with its default variables (summary dir relative to the cwd)

rc=$(run_play "$KA_TMP/play1.log")
if [ "$rc" = 0 ]; then
	ok "ansible-playbook audit.yml exited 0 with two broken hosts and one unreachable"
else
	tail -n 60 "$KA_TMP/play1.log" >&2
	bad "ansible-playbook audit.yml exited $rc (log above)"
fi
[ -d "$KA_TMP/kube-auditd-fleet" ] && ok "default summary dir ./kube-auditd-fleet (cwd of ansible-playbook)" ||
	bad "no ./kube-auditd-fleet"
fleet=$KA_TMP/kube-auditd-fleet
S=$fleet/summary.json
for f in summary.json summary.md summary.xml; do
	[ -s "$fleet/$f" ] && ok "$f written" || bad "$f missing"
done
[ -s "$S" ] || ka_fail "no summary.json: play log in $KA_TMP/play1.log: $(tail -n 30 "$KA_TMP/play1.log")"

# each report audits its own node: the states are those of the layout's oracle
for n in "${nodes[@]}"; do
	r=$fleet/reports/$n.json
	if ! jq -e . "$r" >/dev/null 2>&1; then
		bad "$n: no report fetched"
		continue
	fi
	exp=$KA_EXPECT_DIR/${layout[$n]}.tsv
	diffs=$(jq -r '.results[] | "\(.id)\t\(.status)"' "$r" | sort |
		join -t "$(printf '\t')" -v1 -v2 - <(grep -v '^#' "$exp" | cut -f1,2 | sort) | head -n 5)
	if [ -z "$diffs" ]; then
		ok "$n: its report is the audit of layout ${layout[$n]} ($(jq '.results | length' "$r") results as expected)"
	else
		bad "$n: report differs from tests/expect/${layout[$n]}.tsv: $diffs"
	fi
done

# host by host: counts and roles equal the report's
for n in "${nodes[@]}"; do
	r=$fleet/reports/$n.json
	a=$(jq -c '{s: .summary, roles: (.node.roles | sort)}' "$r")
	b=$(jq -c --arg n "$n" '.hosts[] | select(.name == $n) | {s: .summary, roles: (.roles | sort)}' "$S")
	[ -n "$b" ] && [ "$a" = "$b" ] && ok "$n: summary counts and roles = report ($a)" ||
		bad "$n: summary '$b' vs report '$a'"
done
[ "$(jq '.totals.hosts' "$S")" = 4 ] && ok "totals.hosts = 4" || bad "totals.hosts = $(jq '.totals.hosts' "$S")"
sum_fail=$(for n in "${nodes[@]}"; do jq .summary.fail "$fleet/reports/$n.json"; done | awk '{s += $1} END {print s}')
[ "$(jq '.totals.fail' "$S")" = "$sum_fail" ] && ok "totals.fail = $sum_fail, the sum over the reports" ||
	bad "totals.fail $(jq '.totals.fail' "$S") != $sum_fail"

# recommendation by recommendation: the hosts where it FAILs, WARNs, ERRORs
want=$(for n in "${nodes[@]}"; do
	jq -r --arg n "$n" '.results[] | select(.status == "FAIL" or .status == "WARN" or .status == "ERROR")
		| "\(.id) \(.status | ascii_downcase) \($n)"' "$fleet/reports/$n.json"
done | sort)
got=$(jq -r '.recommendations[] | . as $r | ("fail", "warn", "error") as $s
	| ($r[$s] // [])[] | "\($r.id) \($s) \(.)"' "$S" | sort)
if [ "$want" = "$got" ] && [ -n "$want" ]; then
	ok "per recommendation: $(wc -l <<<"$want") (id, state, host) triples equal the reports'"
else
	diff <(echo "$want") <(echo "$got") | head -n 10 >&2 || true
	bad "per-recommendation host lists differ from the reports (diff above)"
fi

# the hosts that could not be audited, with their reason
reason_of() { jq -r --arg n "$1" '.not_audited[] | select(.name == $n) | .reason' "$S"; }
rb=$(reason_of broken)
[[ $rb == *no-such-node* ]] && ok "broken host listed: $rb" || bad "broken host reason: '$rb'"
rn=$(reason_of nokad)
[[ $rn == *no-such-dir/kube-auditd* ]] && ok "host without kube-auditd listed: $rn" || bad "nokad reason: '$rn'"
rg=$(reason_of gone)
[[ $rg == unreachable:* ]] && ok "unreachable host listed: $rg" || bad "unreachable host reason: '$rg'"
[ "$(jq '.totals.not_audited' "$S")" = 3 ] && ok "totals.not_audited = 3" || bad "totals.not_audited = $(jq '.totals.not_audited' "$S")"
[ ! -e "$fleet/reports/broken.json" ] && [ ! -e "$fleet/reports/gone.json" ] &&
	ok "no report file for the hosts not audited" || bad "a report file exists for a host not audited"

# the Markdown and the JUnit say the same
md_ok=1
for n in "${nodes[@]}" broken nokad gone; do grep -q "$n" "$fleet/summary.md" || md_ok=0; done
grep -q '^|' "$fleet/summary.md" || md_ok=0
[ $md_ok = 1 ] && ok "summary.md: a table naming every host" || bad "summary.md lacks a host or the table"
ncases=$(python3 - "$fleet/summary.xml" <<'EOF'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
print(len(root.findall('.//testcase')))
EOF
)
want_cases=$(($(for n in "${nodes[@]}"; do jq '.results | length' "$fleet/reports/$n.json"; done | awk '{s += $1} END {print s}') + 3))
[ "$ncases" = "$want_cases" ] && ok "summary.xml parses: $ncases test cases (one per host and recommendation, one per host not audited)" ||
	bad "summary.xml: $ncases test cases, expected $want_cases"

# ---------------------------------------------------------------------------
# 2. variables: summary dir, benchmark, skips, targets, fail on FAIL

rc=$(run_play "$KA_TMP/play2.log" -e "kube_auditd_summary_dir=$KA_TMP/fleet2" \
	-e '{"kube_auditd_benchmark": "cis-1.11", "kube_auditd_skips": ["1.1.1", "4.2"], "kube_auditd_fail_on_fail": true}' \
	--limit 'all:!gone')
S2=$KA_TMP/fleet2/summary.json
if [ "$rc" != 0 ] && [ -s "$S2" ]; then
	ok "kube_auditd_fail_on_fail=true: the play fails (exit $rc), after writing the summary"
else
	bad "fail_on_fail: exit $rc, summary $( [ -s "$S2" ] && echo written || echo missing)"
fi
failed_hosts=$(sed -n 's/^\([a-z0-9]*\) *: ok=.* failed=\([1-9][0-9]*\).*/\1/p' "$KA_TMP/play2.log" | sort | tr '\n' ' ')
want_failed=$(for n in "${nodes[@]}"; do
	[ "$(jq .summary.fail "$KA_TMP/fleet2/reports/$n.json")" -gt 0 ] && echo "$n"
done | sort | tr '\n' ' ')
[ -n "$want_failed" ] && [ "$failed_hosts" = "$want_failed" ] && ok "exactly the hosts with a FAIL failed: $failed_hosts" ||
	bad "failed hosts '$failed_hosts', hosts with a FAIL '$want_failed'"
[ "$(jq -r .benchmark "$S2")" = cis-1.11 ] && ok "kube_auditd_benchmark: the summary is of cis-1.11" ||
	bad "summary benchmark $(jq -r .benchmark "$S2")"
sk=$(jq -r '[.results[] | select(.id == "1.1.1" or (.id | startswith("4.2."))) | .status] | unique | join(",")' "$KA_TMP/fleet2/reports/cp1.json")
[ "$sk" = SKIP ] && ok "kube_auditd_skips: 1.1.1 and section 4.2 are SKIP" || bad "skipped states: $sk"
[ "$(jq '.totals.not_audited' "$S2")" = 2 ] && ok "--limit: only broken and nokad are not audited" || bad "not_audited = $(jq '.totals.not_audited' "$S2")"

# targets: only the node checks on the worker
rc=$(run_play "$KA_TMP/play3.log" -e "kube_auditd_summary_dir=$KA_TMP/fleet3" \
	-e '{"kube_auditd_targets": ["node"]}' --limit worker1)
r3=$KA_TMP/fleet3/reports/worker1.json
other=$(jq -r '[.results[] | select((.id | startswith("4.")) | not) | select(.status != "SKIP")] | length' "$r3" 2>/dev/null || echo "?")
[ "$rc" = 0 ] && [ "$other" = 0 ] && ok "kube_auditd_targets=[node]: only section 4 evaluated" ||
	bad "targets: exit $rc, $other results outside section 4 not SKIP"

if [ "$fails" -ne 0 ]; then
	ka_log "play logs kept in $KA_TMP" 
	KA_KEEP=1
	ka_fail "$fails assertion(s) failed"
fi
ka_log "all assertions passed"
