#!/bin/bash
# it_etcd.sh - kube-auditd against a REAL etcd (Debian's etcd-server): client
# and peer TLS with client-certificate authentication, on loopback ports,
# with its data directory in a temporary tree, inside a private PID
# namespace. The auditor reads the real paths (--root /).
#
#   run 1, flags:       2.1 2.2 2.3 2.6 PASS; 2.4 2.5 SKIP (one member, every
#                       peer URL on loopback); 2.7 WARN (no kube-apiserver to
#                       compare CAs with); 1.1.11 PASS (0700); 1.1.12 by the
#                       host's passwd (etcd user present => its owner => PASS)
#   run 2, ETCD_* env:  the same etcd configured only by its environment with
#                       ETCD_CLIENT_CERT_AUTH=false => 2.2 FAIL, evidence from
#                       environ; 2.1 PASS from the environment too
#   run 3, config file: --config-file decides alone (etcd ignores the other
#                       flags and ETCD_*): the file says client-cert-auth
#                       false while argv and environ say true => 2.2 FAIL,
#                       evidence from the config file
# make check may run this with a POSIX sh: the rest needs bash
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

if [ -z "${KA_ETCD_INNER:-}" ]; then
	ka_require_root_ns
	ka_require_bin
	ka_require_json_tool
	command -v etcd >/dev/null || ka_skip "etcd not installed (Debian package etcd-server)"
	exec unshare --pid --fork --mount-proc -- env KA_ETCD_INNER=1 "$BASH" "$0" "$@"
fi

# From here on we are PID 1 of a private PID namespace: whatever we start
# dies with us.
ka_require_json_tool
ka_tmpdir
etcd_pid=
stop_etcd() {
	if [ -n "$etcd_pid" ]; then
		kill -TERM "$etcd_pid" 2>/dev/null || true
		wait "$etcd_pid" 2>/dev/null || true
		etcd_pid=
	fi
}
trap 'stop_etcd; ka_cleanup' EXIT

nfail=0
npass=0
check() { # check WHAT CONDITION-RESULT(0/1) MESSAGE
	if [ "$2" = 0 ]; then
		npass=$((npass + 1))
	else
		nfail=$((nfail + 1))
		printf '  FAIL %s: %s\n' "$1" "$3"
	fi
}

# A free loopback TCP port (nothing listens on it now).
free_port() {
	local p n=0
	while :; do
		p=$((20000 + RANDOM % 30000))
		if ! command -v ss >/dev/null || [ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ]; then
			case " ${used_ports:-} " in *" $p "*) ;; *) break ;; esac
		fi
		n=$((n + 1))
		[ "$n" -lt 100 ] || ka_hard_error "no free port found"
	done
	used_ports="${used_ports:-} $p"
	printf '%s\n' "$p"
}

# --- certificates (made with openssl by sample-node.sh) and the tree
pki=$("$BASH" "$KA_SAMPLE_NODE" pki "${KA_PKI_CACHE:-$KA_TMP/pki}")
T=$KA_TMP/node
mkdir -p "$T/etc/etcd/pki"
chmod 0755 "$T" "$T/etc" "$T/etc/etcd" "$T/etc/etcd/pki"
for f in ca server peer healthcheck-client; do
	install -m 0644 "$pki/etcd-$f.crt" "$T/etc/etcd/pki/$f.crt"
	install -m 0600 "$pki/etcd-$f.key" "$T/etc/etcd/pki/$f.key"
done
E=$T/etc/etcd/pki

# The data directory's owner: the node's (here: this host's) etcd account
# when it has one, so that 1.1.12 can pass; root otherwise (1.1.12 FAIL).
if getent passwd etcd >/dev/null && getent group etcd >/dev/null; then
	data_owner=etcd:etcd
	want_1_1_12=PASS
else
	data_owner=0:0
	want_1_1_12=FAIL
fi
mkdata() {
	mkdir -p "$1"
	chown "$data_owner" "$1"
	chmod 0700 "$1"
}

wait_healthy() { # wait_healthy CLIENT-PORT LOG
	local n=0
	while :; do
		if ! kill -0 "$etcd_pid" 2>/dev/null; then
			sed 's/^/    etcd: /' "$2" | tail -20
			ka_fail "etcd exited before it became healthy"
		fi
		if command -v etcdctl >/dev/null; then
			ETCDCTL_API=3 etcdctl --endpoints="https://127.0.0.1:$1" --cacert="$E/ca.crt" \
				--cert="$E/healthcheck-client.crt" --key="$E/healthcheck-client.key" \
				--dial-timeout=1s endpoint health >/dev/null 2>&1 && return 0
		elif (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
			return 0
		fi
		n=$((n + 1))
		if [ "$n" -gt 100 ]; then
			sed 's/^/    etcd: /' "$2" | tail -20
			ka_fail "etcd not healthy after 20 s"
		fi
		sleep 0.2
	done
}

# audit NAME: runs kube-auditd, leaves the report in $KA_TMP/NAME.json
audit() {
	rc=0
	"$KA_BIN" --once --targets etcd,master --format json --root / \
		--profile-dir "$(readlink -f "$KA_PROFILE_DIR")" \
		>"$KA_TMP/$1.json" 2>"$KA_TMP/$1.err" || rc=$?
	if ! ka_json_ok "$KA_TMP/$1.json"; then
		sed 's/^/    stderr: /' "$KA_TMP/$1.err" | head -20
		ka_fail "$1: no JSON report (exit $rc)"
	fi
	ka_results "$KA_TMP/$1.json" >"$KA_TMP/$1.tsv"
	local want
	want=$(cut -f2 "$KA_TMP/$1.tsv" | ka_status_for_states)
	check "$1 exit" "$([ "$rc" = "$want" ] && echo 0 || echo 1)" \
		"exit status $rc, the report's states call for $want"
}

# expect NAME ID STATE...: the state of ID is one of STATE...
expect() {
	local name=$1 id=$2 line state s
	shift 2
	line=$(awk -F'\t' -v id="$id" '$1 == id { print; exit }' "$KA_TMP/$name.tsv")
	state=$(cut -f2 <<<"$line")
	for s in "$@"; do
		if [ "$state" = "$s" ]; then
			check "$name $id" 0 ""
			return
		fi
	done
	check "$name $id" 1 "expected $*, got ${state:-nothing}: $(cut -f3- <<<"$line" | tr '\t' '|')"
}

# the evidence of ID names source SOURCE
expect_source() {
	local name=$1 id=$2 src=$3 found
	if [ "$KA_JSON" = jq ]; then
		found=$(jq -r --arg id "$id" '.results[] | select(.id == $id) | .evidence[]?.source' \
			"$KA_TMP/$name.json")
	else
		found=$(python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]:
    if r["id"] == sys.argv[2]:
        for e in r.get("evidence") or []: print(e.get("source"))' "$KA_TMP/$name.json" "$id")
	fi
	local st=0
	grep -qx -- "$src" <<<"$found" || st=1
	check "$name $id evidence" "$st" "no evidence with source $src (sources: ${found//$'\n'/ })"
}

# the report found etcd with this pid
expect_component() {
	local name=$1 pid=$2 found
	if [ "$KA_JSON" = jq ]; then
		found=$(jq -r '.node.components[]? | select(.name == "etcd") | .pid' "$KA_TMP/$name.json")
	else
		found=$(python3 -c 'import json,sys
for c in json.load(open(sys.argv[1]))["node"].get("components") or []:
    if c.get("name") == "etcd": print(c.get("pid"))' "$KA_TMP/$name.json")
	fi
	check "$name component" "$([ "$found" = "$pid" ] && echo 0 || echo 1)" \
		"etcd pid $pid not in node.components (found: ${found:-none})"
}

base_env=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8)

# --- run 1: configured by flags
cport=$(free_port)
pport=$(free_port)
mport=$(free_port)
mkdata "$T/var/lib/etcd"
ka_log "etcd with flags on 127.0.0.1:$cport (peer $pport)"
env -i "${base_env[@]}" etcd \
	--name=ka-it \
	--data-dir="$T/var/lib/etcd" \
	--listen-client-urls="https://127.0.0.1:$cport" \
	--advertise-client-urls="https://127.0.0.1:$cport" \
	--listen-peer-urls="https://127.0.0.1:$pport" \
	--initial-advertise-peer-urls="https://127.0.0.1:$pport" \
	--initial-cluster="ka-it=https://127.0.0.1:$pport" \
	--listen-metrics-urls="http://127.0.0.1:$mport" \
	--cert-file="$E/server.crt" --key-file="$E/server.key" \
	--client-cert-auth=true --trusted-ca-file="$E/ca.crt" \
	--peer-cert-file="$E/peer.crt" --peer-key-file="$E/peer.key" \
	--peer-client-cert-auth=true --peer-trusted-ca-file="$E/ca.crt" \
	>"$KA_TMP/etcd-flags.log" 2>&1 &
etcd_pid=$!
wait_healthy "$cport" "$KA_TMP/etcd-flags.log"
audit flags
expect_component flags "$etcd_pid"
expect flags 2.1 PASS
expect flags 2.2 PASS
expect flags 2.3 PASS
# one member whose every peer URL is loopback: CIS calls 2.4/2.5 not applicable
expect flags 2.4 SKIP
expect flags 2.5 SKIP
expect flags 2.6 PASS
expect flags 2.7 WARN
expect flags 1.1.11 PASS
expect flags 1.1.12 "$want_1_1_12"
expect_source flags 2.2 argv
stop_etcd

# --- run 2: the same etcd configured by ETCD_* environment variables only
cport=$(free_port)
pport=$(free_port)
mport=$(free_port)
mkdata "$T/var/lib/etcd-env"
ka_log "etcd with ETCD_* environment on 127.0.0.1:$cport (peer $pport)"
env -i "${base_env[@]}" \
	ETCD_NAME=ka-it-env \
	ETCD_DATA_DIR="$T/var/lib/etcd-env" \
	ETCD_LISTEN_CLIENT_URLS="https://127.0.0.1:$cport" \
	ETCD_ADVERTISE_CLIENT_URLS="https://127.0.0.1:$cport" \
	ETCD_LISTEN_PEER_URLS="https://127.0.0.1:$pport" \
	ETCD_INITIAL_ADVERTISE_PEER_URLS="https://127.0.0.1:$pport" \
	ETCD_INITIAL_CLUSTER="ka-it-env=https://127.0.0.1:$pport" \
	ETCD_LISTEN_METRICS_URLS="http://127.0.0.1:$mport" \
	ETCD_CERT_FILE="$E/server.crt" ETCD_KEY_FILE="$E/server.key" \
	ETCD_CLIENT_CERT_AUTH=false ETCD_TRUSTED_CA_FILE="$E/ca.crt" \
	ETCD_PEER_CERT_FILE="$E/peer.crt" ETCD_PEER_KEY_FILE="$E/peer.key" \
	ETCD_PEER_CLIENT_CERT_AUTH=true ETCD_PEER_TRUSTED_CA_FILE="$E/ca.crt" \
	etcd >"$KA_TMP/etcd-env.log" 2>&1 &
etcd_pid=$!
wait_healthy "$cport" "$KA_TMP/etcd-env.log"
audit env
expect_component env "$etcd_pid"
expect env 2.1 PASS
expect env 2.2 FAIL
expect_source env 2.2 environ
expect env 2.3 PASS
expect env 2.4 SKIP
expect env 2.5 SKIP
expect env 2.6 PASS
expect env 2.7 WARN
expect env 1.1.11 PASS
expect env 1.1.12 "$want_1_1_12"
stop_etcd

# --- run 3: a config file, which silences the flags and ETCD_* next to it
cport=$(free_port)
pport=$(free_port)
mport=$(free_port)
mkdata "$T/var/lib/etcd-cfg"
cat >"$T/etc/etcd/etcd.yaml" <<EOF
name: ka-it-cfg
data-dir: $T/var/lib/etcd-cfg
listen-client-urls: https://127.0.0.1:$cport
advertise-client-urls: https://127.0.0.1:$cport
listen-peer-urls: https://127.0.0.1:$pport
initial-advertise-peer-urls: https://127.0.0.1:$pport
initial-cluster: ka-it-cfg=https://127.0.0.1:$pport
listen-metrics-urls: http://127.0.0.1:$mport
client-transport-security:
  cert-file: $E/server.crt
  key-file: $E/server.key
  client-cert-auth: false
  trusted-ca-file: $E/ca.crt
peer-transport-security:
  cert-file: $E/peer.crt
  key-file: $E/peer.key
  client-cert-auth: true
  trusted-ca-file: $E/ca.crt
EOF
chmod 0600 "$T/etc/etcd/etcd.yaml"
ka_log "etcd with --config-file on 127.0.0.1:$cport (peer $pport)"
env -i "${base_env[@]}" ETCD_CLIENT_CERT_AUTH=true \
	etcd --config-file="$T/etc/etcd/etcd.yaml" --client-cert-auth=true \
	>"$KA_TMP/etcd-cfg.log" 2>&1 &
etcd_pid=$!
wait_healthy "$cport" "$KA_TMP/etcd-cfg.log"
audit cfg
expect_component cfg "$etcd_pid"
expect cfg 2.1 PASS
expect cfg 2.2 FAIL
expect_source cfg 2.2 config
expect cfg 2.3 PASS
expect cfg 2.4 SKIP
expect cfg 2.5 SKIP
expect cfg 2.6 PASS
expect cfg 2.7 WARN
expect cfg 1.1.11 PASS
expect cfg 1.1.12 "$want_1_1_12"
stop_etcd

echo "$npass passed, $nfail failed"
[ "$nfail" = 0 ] || ka_fail "$nfail assertions failed"
ka_log "real etcd audited as expected"
