#!/bin/bash
# it_daemon.sh - the real daemon on the sample node, with a real rsyslog and
# a real node_exporter (Debian packages), in a private PID and mount
# namespace:
#   - a manifest's mode changed => the drift line in rsyslog's output and the
#     new state in `kube-auditctl report` within 2 s;
#   - a component restarted with other flags is noticed;
#   - SIGHUP with a broken profile keeps the old one and logs why;
#   - stop and start keeps drift continuity (the saved report is the baseline);
#   - node_exporter serves kube_auditd_ metrics that match the report.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

ka_require_sample_node
ka_require_json_tool
[ "$KA_JSON" = jq ] || ka_skip "jq not installed"
ka_require_ctl
command -v rsyslogd >/dev/null || ka_skip "rsyslog not installed (Debian package rsyslog)"
NODE_EXPORTER=$(command -v prometheus-node-exporter || command -v node_exporter || true)
ka_tmpdir
export KA_PKI_CACHE=${KA_PKI_CACHE:-$KA_TMP/pki}

"$BASH" "$KA_SAMPLE_NODE" build "$KA_TMP/node" kubeadm >/dev/null
mkdir -p "$KA_TMP/state" "$KA_TMP/metrics"
cp -r "$KA_PROFILE_DIR" "$KA_TMP/profiles"
chmod -R go-w "$KA_TMP/profiles"

cat >"$KA_TMP/kube-auditd.conf" <<EOF
# test configuration
interval = 3600
root = $KA_TMP/node/root
profile-dir = $KA_TMP/profiles
socket = $KA_TMP/ka.sock
state-dir = $KA_TMP/state
metrics-file = $KA_TMP/metrics/kube_auditd.prom
syslog-tag = ka-test
pid-check = 1
EOF

port=$((20000 + RANDOM % 20000))
cat >"$KA_TMP/inner.sh" <<EOF
set -euo pipefail
T=$KA_TMP
fails=0
ok() { echo "ok: \$*"; }
bad() { echo "NOT OK: \$*"; fails=\$((fails + 1)); }
# the daemon logs to /dev/log: in this mount namespace only, /dev gets a log
# socket owned by the test's rsyslog
"$BASH" "$top_srcdir/tests/devlog.sh" \$T

start_daemon() {
	"$KA_BIN" --config \$T/kube-auditd.conf 2>>\$T/daemon.err &
	daemon=\$!
	for i in \$(seq 200); do [ -S \$T/ka.sock ] && "$CTL" --socket \$T/ka.sock status >/dev/null 2>&1 && break; sleep 0.05; done
	# wait for the first scan
	for i in \$(seq 200); do "$CTL" --socket \$T/ka.sock report --format json >\$T/r.json 2>/dev/null && [ "\$(jq -r .started_at \$T/r.json)" != "\${1:-x}" ] && break; sleep 0.05; done
}
wait_log() { # wait_log PATTERN SECONDS
	local n=\$((\$2 * 20))
	for i in \$(seq \$n); do grep -q -e "\$1" \$T/syslog.out 2>/dev/null && return 0; sleep 0.05; done
	return 1
}
wait_log_after() { # wait_log_after LINE PATTERN SECONDS: PATTERN after line LINE
	local n=\$((\$3 * 20))
	for i in \$(seq \$n); do tail -n +\$((\$1 + 1)) \$T/syslog.out 2>/dev/null | grep -q -e "\$2" && return 0; sleep 0.05; done
	return 1
}
state_of() { "$CTL" --socket \$T/ka.sock report --format json | jq -r --arg id "\$1" '.results[] | select(.id == \$id) | .status'; }

"$BASH" "$KA_SAMPLE_NODE" start \$T/node
start_daemon
"$CTL" --socket \$T/ka.sock status >\$T/status.txt && ok "kube-auditctl status" || bad "status failed"
[ "\$(state_of 1.1.1)" = PASS ] && ok "1.1.1 PASS at start" || bad "1.1.1 is \$(state_of 1.1.1) at start"
wait_log "ka-test" 5 && ok "the first scan logged to rsyslog" || bad "nothing in rsyslog: \$(cat \$T/daemon.err)"

# 1. a manifest's mode changes: syslog and the report within 2 s
chmod 0644 \$T/node/root/etc/kubernetes/manifests/kube-apiserver.yaml
if wait_log "id=1.1.1 old=PASS new=FAIL" 2; then ok "drift line for 1.1.1 in rsyslog within 2 s"; else bad "no drift line for 1.1.1 within 2 s"; fi
[ "\$(state_of 1.1.1)" = FAIL ] && ok "kube-auditctl report shows 1.1.1 FAIL" || bad "report shows \$(state_of 1.1.1)"

# 1b. a change made just after a scan's reply, while the daemon is still
# refreshing its watches, is not lost (it was, until the old inotify
# descriptor was drained before being replaced)
lost=0
for mode in 0600 0644 0600 0644 0600 0644; do
	"$CTL" --socket \$T/ka.sock scan >/dev/null 2>&1 || true
	chmod \$mode \$T/node/root/etc/kubernetes/manifests/kube-apiserver.yaml
	want=\$([ \$mode = 0600 ] && echo PASS || echo FAIL)
	seen=0
	for i in \$(seq 60); do [ "\$(state_of 1.1.1)" = \$want ] && seen=1 && break; sleep 0.05; done
	[ \$seen = 1 ] || lost=\$((lost + 1))
done
[ \$lost = 0 ] && ok "six changes made right after a scan's reply were all rescanned" || bad "\$lost of 6 changes right after a scan were not noticed"

# 2. a component restarted with other flags
[ "\$(state_of 1.2.15)" = FAIL ] || bad "1.2.15 not FAIL before the restart"
"$BASH" "$KA_SAMPLE_NODE" restart \$T/node kube-apiserver --profiling=false
# a pid check may fall between the stop and the start: then the scan sees no
# kube-apiserver and 1.2.15 passes through another state on its way to PASS
if wait_log "id=1\\.2\\.15 old=[A-Z_]* new=PASS" 5; then ok "restarted kube-apiserver noticed (1.2.15 -> PASS)"; else bad "restart not noticed within 5 s"; fi
[ "\$(state_of 1.2.15)" = PASS ] && ok "kube-auditctl report shows 1.2.15 PASS" || bad "1.2.15 is \$(state_of 1.2.15) after the restart"

# 2b. a component that comes back seconds after it went (as the kubelet
# brings back a static pod): the scan when it went saw no kube-apiserver;
# the new process is noticed by the pid check's look at new PIDs
mark=\$(wc -l <\$T/syslog.out)
SN_RESTART_DELAY=3 "$BASH" "$KA_SAMPLE_NODE" restart \$T/node kube-apiserver --profiling=true
if wait_log_after \$mark "id=1\\.2\\.15 old=[A-Z_]* new=FAIL" 5; then ok "kube-apiserver back after 3 s noticed (1.2.15 -> FAIL)"; else bad "a kube-apiserver started after the last scan was not noticed"; fi
[ "\$(state_of 1.2.15)" = FAIL ] && ok "kube-auditctl report shows 1.2.15 FAIL" || bad "1.2.15 is \$(state_of 1.2.15) after the delayed restart"

# 3. SIGHUP with a broken profile keeps the old one and logs why
printf 'benchmark: cis-1.12\nchecks: [unclosed\n' >\$T/profiles/cis-1.12/99-broken.yaml
kill -HUP \$daemon
if wait_log "reload failed" 5; then ok "broken profile: reload refused and logged"; else bad "no reload failure in the log"; fi
grep -q "99-broken.yaml:" \$T/syslog.out && ok "the log names the file and line" || bad "the log does not name 99-broken.yaml"
rc=0; "$CTL" --socket \$T/ka.sock scan --format json >\$T/r2.json || rc=\$?
[ "\$(jq '.results | length' \$T/r2.json)" = 131 ] && ok "old profile still in use after the failed reload" || bad "profile changed after a failed reload"
rm \$T/profiles/cis-1.12/99-broken.yaml

# 4. node_exporter serves the metrics
if [ -n "$NODE_EXPORTER" ]; then
	"$NODE_EXPORTER" --web.listen-address=127.0.0.1:$port --collector.disable-defaults --collector.textfile --collector.textfile.directory=\$T/metrics >\$T/ne.log 2>&1 &
	ne=\$!
	for i in \$(seq 100); do curl -sf http://127.0.0.1:$port/metrics >\$T/metrics.txt 2>/dev/null && break; sleep 0.1; done
	fail_metric=\$(awk '/^kube_auditd_checks\\{status="fail"\\}/ {print \$2}' \$T/metrics.txt)
	fail_report=\$(jq .summary.fail \$T/r2.json)
	if [ -n "\$fail_metric" ] && [ "\${fail_metric%.*}" = "\$fail_report" ]; then ok "node_exporter serves kube_auditd_checks{status=fail} = \$fail_report"; else bad "metric fail='\$fail_metric' report fail='\$fail_report'"; fi
	# node_exporter sorts labels: match them in any order
	st=\$(jq -r '.results[] | select(.id == "1.1.1") | .status' \$T/r2.json)
	if grep '^kube_auditd_check_status{' \$T/metrics.txt | grep 'id="1.1.1"' | grep -q "status=\"\$st\""; then ok "per-check series served (1.1.1 \$st)"; else bad "no kube_auditd_check_status series for 1.1.1 with status \$st"; fi
	kill \$ne
else
	echo "node_exporter not installed: metrics not checked through it"
fi

# 5. stop and start: drift continues from the saved report
kill -TERM \$daemon; wait \$daemon || true
[ -s \$T/state/report.json ] && ok "state saved" || bad "no state file"
before=\$(jq -r .started_at \$T/state/report.json)
chmod 0600 \$T/node/root/etc/kubernetes/manifests/kube-apiserver.yaml
: >\$T/syslog.mark; lines=\$(wc -l <\$T/syslog.out)
start_daemon "\$before"
if wait_log "id=1.1.1 old=FAIL new=PASS" 5; then ok "a change made while stopped is drift after the restart"; else bad "no drift for 1.1.1 after restart"; fi
tail -n +\$((lines + 1)) \$T/syslog.out >\$T/after.out
if grep -q "id=1.2.5 " \$T/after.out; then bad "unchanged 1.2.5 logged again after restart"; else ok "unchanged results are not logged again"; fi
kill -TERM \$daemon; wait \$daemon || true
"$BASH" "$KA_SAMPLE_NODE" stop \$T/node
kill \$(cat \$T/rs/pid) 2>/dev/null || true
echo "fails=\$fails"
[ \$fails -eq 0 ]
EOF
if unshare --pid --fork --mount-proc bash "$KA_TMP/inner.sh"; then
	ka_log "all assertions passed"
else
	[ -f "$KA_TMP/daemon.err" ] && tail -n 30 "$KA_TMP/daemon.err" >&2
	[ -f "$KA_TMP/syslog.out" ] && tail -n 30 "$KA_TMP/syslog.out" >&2
	ka_fail "see above"
fi
