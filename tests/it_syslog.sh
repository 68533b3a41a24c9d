#!/bin/bash
# it_syslog.sh - the daemon keeps working when the log daemon stops reading.
#
# syslog(3) sends with a blocking call: with the log socket's queue full, a
# daemon using it stops until the log daemon reads again, its control socket
# and watchdog with it. kube-auditd logs through checks/slog.c instead.
# Here, in private network, PID and mount namespaces: a real rsyslog (Debian
# package rsyslog) owns /dev/log, the socket queue is cut to 4 datagrams
# (net.unix.max_dgram_qlen, per network namespace), and rsyslog is stopped
# (SIGSTOP) before kube-auditd starts, so the ~60 messages of its first scan
# cannot all be queued in the socket. Asserted:
#   - the first scan completes and kube-auditctl status and scan answer;
#   - once rsyslog runs again, every message of the first scan arrives
#     (slog's own queue held them; nothing is dropped) and so does a new
#     drift line;
#   - SIGTERM still stops the daemon cleanly (exit 0) while rsyslog is
#     stopped again with messages waiting.
# Dropping when slog's own queue is full is tested in tests/check_slog.c.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

ka_require_sample_node
command -v jq >/dev/null || ka_skip "jq not installed"
ka_require_ctl
command -v rsyslogd >/dev/null || ka_skip "rsyslog not installed (Debian package rsyslog)"
if ! unshare --net true 2>/dev/null; then
	ka_skip "cannot make a private network namespace (unshare --net)"
fi
ka_tmpdir
export KA_PKI_CACHE=${KA_PKI_CACHE:-$KA_TMP/pki}

"$BASH" "$KA_SAMPLE_NODE" build "$KA_TMP/node" kubeadm >/dev/null
mkdir -p "$KA_TMP/state"
cp -r "$KA_PROFILE_DIR" "$KA_TMP/profiles"
chmod -R go-w "$KA_TMP/profiles"

cat >"$KA_TMP/kube-auditd.conf" <<EOF
interval = 3600
root = $KA_TMP/node/root
profile-dir = $KA_TMP/profiles
socket = $KA_TMP/ka.sock
state-dir = $KA_TMP/state
syslog-tag = ka-test
EOF

cat >"$KA_TMP/inner.sh" <<EOF
set -euo pipefail
T=$KA_TMP
fails=0
ok() { echo "ok: \$*"; }
bad() { echo "NOT OK: \$*"; fails=\$((fails + 1)); }
echo 4 >/proc/sys/net/unix/max_dgram_qlen
"$BASH" "$top_srcdir/tests/devlog.sh" \$T
rs=\$(cat \$T/rs/pid)
"$BASH" "$KA_SAMPLE_NODE" start \$T/node
# the log daemon stops reading
kill -STOP \$rs

"$KA_BIN" --config \$T/kube-auditd.conf 2>>\$T/daemon.err &
daemon=\$!
up=0
for i in \$(seq 200); do
	if "$CTL" --socket \$T/ka.sock --timeout 10 status >\$T/status.txt 2>/dev/null && grep -q '^scans: [1-9]' \$T/status.txt; then
		up=1
		break
	fi
	sleep 0.05
done
[ \$up = 1 ] && ok "first scan done and status answers while rsyslog is stopped" ||
	bad "no status after the first scan: \$(cat \$T/status.txt 2>/dev/null) \$(tail -n 5 \$T/daemon.err)"
"$CTL" --socket \$T/ka.sock --timeout 10 report --format json >\$T/first.json 2>/dev/null || true
rc=0; "$CTL" --socket \$T/ka.sock --timeout 10 scan >/dev/null 2>&1 || rc=\$?
[ \$rc -le 1 ] && ok "kube-auditctl scan answers (exit \$rc)" || bad "kube-auditctl scan: exit \$rc"

# rsyslog reads again; a change makes a drift line
kill -CONT \$rs
chmod 0644 \$T/node/root/etc/kubernetes/manifests/kube-apiserver.yaml
got=0
for i in \$(seq 100); do grep -q "id=1.1.1 old=PASS new=FAIL" \$T/syslog.out 2>/dev/null && got=1 && break; sleep 0.05; done
[ \$got = 1 ] && ok "drift line delivered once rsyslog reads again" || bad "no drift line after SIGCONT: \$("$CTL" --socket \$T/ka.sock --timeout 10 status 2>&1 | tr '\n' ' ')"
# every first-scan message: one per recommendation not PASS (and not SKIP)
# in the first report, plus its summary line
want=\$(jq '[.results[] | select(.status != "PASS" and .status != "SKIP")] | length' \$T/first.json)
got=\$(grep -c "event=drift .* old=NEW " \$T/syslog.out || true)
[ "\$got" = "\$want" ] && ok "all \$want first-scan drift lines delivered after SIGCONT" ||
	bad "first-scan drift lines: \$got delivered, \$want expected"
grep -q "log message(s) dropped" \$T/syslog.out && bad "messages were dropped" || ok "nothing dropped"

# a stopped rsyslog does not stop SIGTERM either, with messages waiting
kill -STOP \$rs
chmod 0600 \$T/node/root/etc/kubernetes/manifests/kube-apiserver.yaml
"$CTL" --socket \$T/ka.sock --timeout 10 scan >/dev/null 2>&1 || true
kill -TERM \$daemon
rc=0; wait \$daemon || rc=\$?
[ \$rc = 0 ] && ok "SIGTERM with rsyslog stopped: clean exit" || bad "exit status \$rc after SIGTERM"
kill -CONT \$rs
kill \$rs 2>/dev/null || true
"$BASH" "$KA_SAMPLE_NODE" stop \$T/node
echo "fails=\$fails"
[ \$fails -eq 0 ]
EOF
if unshare --net --pid --fork --mount-proc bash "$KA_TMP/inner.sh"; then
	ka_log "all assertions passed"
else
	[ -f "$KA_TMP/daemon.err" ] && tail -n 20 "$KA_TMP/daemon.err" >&2
	[ -f "$KA_TMP/syslog.out" ] && tail -n 20 "$KA_TMP/syslog.out" >&2
	ka_fail "see above"
fi
