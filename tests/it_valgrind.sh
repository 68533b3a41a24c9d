#!/bin/bash
# it_valgrind.sh - one daemon run under valgrind on the sample node, with
# KA_VALGRIND_SCANS scans requested over the socket (default 200 in make
# check; the issue's acceptance run uses 1000): no memory error and no leak.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

ka_require_sample_node
command -v valgrind >/dev/null || ka_skip "valgrind not installed"
ka_require_ctl
if ldd "$KA_BIN" | grep -q 'libasan\|libubsan'; then
	ka_skip "sanitizer build: valgrind cannot run it (the sanitizers check this build)"
fi
SCANS=${KA_VALGRIND_SCANS:-200}
ka_tmpdir
export KA_PKI_CACHE=${KA_PKI_CACHE:-$KA_TMP/pki}
"$BASH" "$KA_SAMPLE_NODE" build "$KA_TMP/node" kubeadm >/dev/null
mkdir -p "$KA_TMP/state"

cat >"$KA_TMP/inner.sh" <<EOF
set -euo pipefail
T=$KA_TMP
"$BASH" "$KA_SAMPLE_NODE" start \$T/node
valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=9 \
	--suppressions=$top_srcdir/tests/valgrind.supp \
	--log-file=\$T/vg.log "$KA_BIN" --no-syslog --root \$T/node/root \
	--profile-dir "$KA_PROFILE_DIR" --socket \$T/s --state-dir \$T/state --interval 3600 \
	--metrics-file \$T/metrics.prom 2>\$T/err &
d=\$!
for i in \$(seq 600); do "$CTL" --socket \$T/s status >/dev/null 2>&1 && break; sleep 0.1; done
n=0
for i in \$(seq $SCANS); do
	"$CTL" --socket \$T/s --timeout 60 scan --format json >\$T/r.json || [ \$? -le 2 ]
	n=\$((n + 1))
	# a file change now and then: drift, inotify and the debounce timer run too
	[ \$((i % 50)) -eq 0 ] && chmod 0644 \$T/node/root/etc/kubernetes/manifests/etcd.yaml
	[ \$((i % 50)) -eq 25 ] && chmod 0600 \$T/node/root/etc/kubernetes/manifests/etcd.yaml
done
"$CTL" --socket \$T/s status >\$T/status.txt
kill -TERM \$d
rc=0
wait \$d || rc=\$?
"$BASH" "$KA_SAMPLE_NODE" stop \$T/node
echo "\$n scans requested; valgrind exit \$rc"
grep '^scans:' \$T/status.txt
exit \$rc
EOF
rc=0
unshare --pid --fork --mount-proc bash "$KA_TMP/inner.sh" || rc=$?
if [ "$rc" -ne 0 ] || [ -s "$KA_TMP/vg.log" ]; then
	cat "$KA_TMP/vg.log" >&2
	tail -n 20 "$KA_TMP/err" >&2
	ka_fail "valgrind found errors or leaks (exit $rc)"
fi
ka_log "no valgrind error and no leak over $SCANS scans"
