#!/bin/bash
# sample-node.sh - builds the file tree of a Kubernetes node (kubeadm v1.33
# style) and runs stand-in processes with the components' real command lines,
# so that kube-auditd can audit something realistic without a cluster.
#
#   sample-node.sh build DIR [LAYOUT]     make DIR/root and DIR/procs.d
#   sample-node.sh run DIR -- CMD [ARG..] start the processes of DIR in a
#                                         private PID namespace, run CMD there
#   sample-node.sh start DIR | stop DIR   the processes of DIR in the current
#                                         PID namespace (a test's own)
#   sample-node.sh restart DIR NAME [ARG..] restart one with ARGs appended
#                                         (SN_RESTART_DELAY=SECONDS: wait that
#                                         long between stop and start)
#   sample-node.sh demo [KUBE-AUDITD ARGS] build the kubeadm layout, audit it
#   sample-node.sh pki DIR                make (or reuse) the sample PKI in DIR
#   sample-node.sh layouts                list the layouts
#
# Layouts: kubeadm (default), hardened, misconfigured, worker-config,
# worker-tricky, missing-files. tests/expect/LAYOUT.tsv holds what each must
# yield.
#
# DIR/procs.d/NN-NAME.argv lists one process: its argv, one argument a line
# (argv[0] first); NAME is the binary the stub is linked as (DIR/bin/NAME).
# NN-NAME.env (optional) is its whole environment, KEY=VALUE a line;
# NN-NAME.cwd (optional) its working directory, as a path inside the node.
# Paths in argv are the node's own absolute paths (/etc/kubernetes/...):
# kube-auditd is run with --root DIR/root and resolves them there.
#
# Environment: KA_STUB (stub binary), KA_BIN (kube-auditd), KA_PROFILE_DIR,
# KA_PKI_CACHE (directory where the generated PKI is kept and shared),
# top_srcdir / top_builddir (set by make check).

# Commas inside argv words (--authorization-mode=Node,RBAC) are meant.
# shellcheck disable=SC2054
set -euo pipefail
shopt -s lastpipe
umask 022

SN_SELF=$(readlink -f "${BASH_SOURCE[0]}")
SN_HERE=$(dirname "$SN_SELF")
SN_LAYOUTS="kubeadm hardened misconfigured worker-config worker-tricky missing-files"
SN_PKI_VERSION=pki-v2

# Addresses are from the documentation ranges: nothing is ever sent to them.
SN_CP_IP=192.0.2.10
SN_CP_NAME=cp1
SN_W_NAME=worker1
SN_K8S_VERSION=v1.33.4
SN_ETCD_IMAGE=registry.k8s.io/etcd:3.5.21-0
SN_PAUSE_IMAGE=registry.k8s.io/pause:3.10
SN_CRI=unix:///var/run/containerd/containerd.sock

die() {
	printf 'sample-node.sh: %s\n' "$*" >&2
	exit 2
}

usage() {
	sed -n '2,/^$/{/^#/s/^# \{0,1\}//p}' "$SN_SELF"
}

# ---------------------------------------------------------------------------
# PKI: real keys and certificates made with the openssl CLI. EC P-256 keeps
# it fast; sa.key is RSA 2048 as kubeadm makes it.

SN_OPENSSL_LOG=

ossl() {
	if ! openssl "$@" 2>>"$SN_OPENSSL_LOG"; then
		cat "$SN_OPENSSL_LOG" >&2
		die "openssl $1 failed"
	fi
}

# pki_ca DIR NAME CN
pki_ca() {
	ossl req -config "$1/.cnf" -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$1/$2.key" -out "$1/$2.crt" -subj "/CN=$3" -days 3650 \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign
}

# pki_leaf DIR NAME CA SUBJECT EKU [SAN]
pki_leaf() {
	local ext=(-addext basicConstraints=critical,CA:FALSE
		-addext keyUsage=critical,digitalSignature,keyEncipherment
		-addext "extendedKeyUsage=$5")
	[ -n "${6:-}" ] && ext+=(-addext "subjectAltName=$6")
	ossl req -config "$1/.cnf" -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$1/$2.key" -out "$1/$2.crt" -subj "$4" -days 365 \
		-CA "$1/$3.crt" -CAkey "$1/$3.key" "${ext[@]}"
}

pki_generate() {
	local d=$1 f
	local api_san="DNS:$SN_CP_NAME,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc"
	api_san+=",DNS:kubernetes.default.svc.cluster.local,IP:10.96.0.1,IP:$SN_CP_IP"
	local etcd_san="DNS:$SN_CP_NAME,DNS:localhost,IP:$SN_CP_IP,IP:127.0.0.1,IP:0:0:0:0:0:0:0:1"

	mkdir -p "$d"
	printf '[req]\ndistinguished_name = dn\n[dn]\n' >"$d/.cnf"
	SN_OPENSSL_LOG=$d/.log
	: >"$SN_OPENSSL_LOG"
	pki_ca "$d" ca kubernetes
	pki_ca "$d" front-proxy-ca front-proxy-ca
	pki_ca "$d" etcd-ca etcd-ca
	pki_leaf "$d" apiserver ca /CN=kube-apiserver serverAuth "$api_san"
	pki_leaf "$d" apiserver-kubelet-client ca \
		"/O=kubeadm:cluster-admins/CN=kube-apiserver-kubelet-client" clientAuth
	pki_leaf "$d" front-proxy-client front-proxy-ca /CN=front-proxy-client clientAuth
	pki_leaf "$d" etcd-server etcd-ca "/CN=$SN_CP_NAME" serverAuth,clientAuth "$etcd_san"
	pki_leaf "$d" etcd-peer etcd-ca "/CN=$SN_CP_NAME" serverAuth,clientAuth "$etcd_san"
	pki_leaf "$d" etcd-healthcheck-client etcd-ca /CN=kube-etcd-healthcheck-client clientAuth
	pki_leaf "$d" apiserver-etcd-client etcd-ca /CN=kube-apiserver-etcd-client clientAuth
	pki_leaf "$d" admin ca "/O=kubeadm:cluster-admins/CN=kubernetes-admin" clientAuth
	pki_leaf "$d" super-admin ca "/O=system:masters/CN=kubernetes-super-admin" clientAuth
	pki_leaf "$d" controller-manager ca /CN=system:kube-controller-manager clientAuth
	pki_leaf "$d" scheduler ca /CN=system:kube-scheduler clientAuth
	pki_leaf "$d" kubelet-client ca "/O=system:nodes/CN=system:node:$SN_CP_NAME" clientAuth
	pki_leaf "$d" kube-proxy ca /CN=system:kube-proxy clientAuth
	# the kubelet's own self-signed serving pair (kubelet.crt/kubelet.key)
	pki_ca "$d" kubelet-serving "$SN_CP_NAME-ca@1767225600"
	ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$d/sa.key"
	ossl pkey -in "$d/sa.key" -pubout -out "$d/sa.pub"
	rm -f "$d/.cnf" "$d/.log"
	for f in "$d"/*.crt "$d"/*.key; do
		base64 -w0 <"$f" >"$f.b64"
	done
	touch "$d/.complete"
}

# Prints the directory holding the PKI, making it when needed. With
# KA_PKI_CACHE set, one PKI is shared (under a lock) by every caller.
pki_dir() {
	local fallback=$1 cache d tmp
	if [ -z "${KA_PKI_CACHE:-}" ]; then
		[ -f "$fallback/.complete" ] || pki_generate "$fallback"
		printf '%s\n' "$fallback"
		return
	fi
	cache=$KA_PKI_CACHE
	mkdir -p "$cache"
	d=$cache/$SN_PKI_VERSION
	if [ ! -f "$d/.complete" ]; then
		exec 9>"$cache/.lock"
		flock 9
		if [ ! -f "$d/.complete" ]; then
			tmp=$(mktemp -d "$cache/.gen.XXXXXX")
			pki_generate "$tmp"
			rm -rf "$d"
			mv "$tmp" "$d"
		fi
		exec 9>&-
	fi
	printf '%s\n' "$d"
}

# ---------------------------------------------------------------------------
# Tree helpers. R is the node root, P the PKI directory, D the build dir.

R=
P=
D=

# Modes and owners are applied at the end of the build, one chown/chmod per
# distinct value (forks are what makes a build slow). PATH (inside the node)
# -> mode / owner.
declare -A SN_MODE=() SN_OWNER=()

# setmode PATH MODE [OWNER]: what PATH gets (set again later = last wins)
setmode() {
	SN_MODE[$R$1]=$2
	SN_OWNER[$R$1]=${3:-0:0}
}

# put PATH MODE [OWNER]: writes stdin (text) to the node's PATH
put() {
	local f=$R$1 c=
	[ -d "${f%/*}" ] || mkdir -p "${f%/*}"
	IFS= read -r -d '' c || true
	printf '%s' "$c" >"$f"
	setmode "$1" "$2" "${3:-0:0}"
}

# unput PATH: removes a file written earlier
unput() {
	rm -f "$R$1"
	unset "SN_MODE[$R$1]" "SN_OWNER[$R$1]"
}

# dir PATH MODE [OWNER]
dir() {
	[ -d "$R$1" ] || mkdir -p "$R$1"
	setmode "$1" "$2" "${3:-0:0}"
}

# cpf SRC PATH MODE [OWNER]: copies a PKI file into the node
cpf() {
	put "$2" "$3" "${4:-0:0}" <"$P/$1"
}

apply_modes() {
	local -A groups=()
	local f v
	for f in "${!SN_OWNER[@]}"; do
		groups[${SN_OWNER[$f]}]+="$f"$'\n'
	done
	for v in "${!groups[@]}"; do
		printf '%s' "${groups[$v]}" | tr '\n' '\0' | xargs -0 chown -h "$v" --
	done
	groups=()
	for f in "${!SN_MODE[@]}"; do
		groups[${SN_MODE[$f]}]+="$f"$'\n'
	done
	for v in "${!groups[@]}"; do
		printf '%s' "${groups[$v]}" | tr '\n' '\0' | xargs -0 chmod "$v" --
	done
}

# b64 NAME: base64 of the PKI file NAME, made once with the PKI
b64() {
	local v
	IFS= read -r v <"$P/$1.b64"
	printf '%s' "$v"
}

# kubeconfig USER CERT-NAME [SERVER]: a kubeconfig with embedded credentials
kubeconfig() {
	cat <<EOF
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: $(b64 ca.crt)
    server: ${3:-https://$SN_CP_IP:6443}
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: $1
  name: $1@kubernetes
current-context: $1@kubernetes
kind: Config
preferences: {}
users:
- name: $1
  user:
    client-certificate-data: $(b64 "$2.crt")
    client-key-data: $(b64 "$2.key")
EOF
}

# kubelet.conf as kubeadm writes it once the client certificate rotates
kubelet_kubeconfig() {
	cat <<EOF
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: $(b64 ca.crt)
    server: https://$SN_CP_IP:6443
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: system:node:$1
  name: system:node:$1@kubernetes
current-context: system:node:$1@kubernetes
kind: Config
preferences: {}
users:
- name: system:node:$1
  user:
    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem
    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem
EOF
}

# proc ID ARGV...: one process of the node
proc() {
	local id=$1
	shift
	mkdir -p "$D/procs.d"
	printf '%s\n' "$@" >"$D/procs.d/$id.argv"
}

# proc_env ID KEY=VALUE...
proc_env() {
	local id=$1
	shift
	printf '%s\n' "$@" >"$D/procs.d/$id.env"
}

proc_cwd() {
	printf '%s\n' "$2" >"$D/procs.d/$1.cwd"
}

# The environment a static pod container starts with.
pod_env() {
	proc_env "$1" PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		"HOSTNAME=$SN_CP_NAME" "${@:2}"
}

# The environment systemd gives the kubelet with kubeadm's drop-in.
kubelet_env() {
	proc_env "$1" LANG=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		INVOCATION_ID=5f0c4d1e9a8b4c7d8e2f3a4b5c6d7e8f JOURNAL_STREAM=8:23817 \
		"${@:2}"
}

# yaml_item WORD: sets REPLY to WORD as a YAML scalar (quoted when needed)
yaml_item() {
	REPLY=$1
	case $1 in
	'' | *[!0-9.]* | .) ;;
	*)
		REPLY="\"$1\""
		return
		;;
	esac
	case $1 in
	'') REPLY='""' ;;
	true | false | yes | no | null | *': '* | *' #'* | \"* | \'* | '*'* | '&'* | '!'* | '{'* | '['*)
		REPLY="'${1//\'/\'\'}'"
		;;
	esac
}

# static_pod NAME IMAGE PROBE-HOST PROBE-PORT PROBE-SCHEME PROBE-PATH VOLUMES ENV
# The container command is the process's argv (procs.d/NN-NAME.argv).
# VOLUMES: "name:hostpath:type:ro|rw" words; ENV: "KEY=VALUE" words.
static_pod() {
	local name=$1 image=$2 host=$3 port=$4 scheme=$5 path=$6 vols=$7 envs=$8
	local argvf a v vn vp vt vro e
	argvf=$(printf '%s\n' "$D"/procs.d/*-"$name".argv)
	cat <<EOF
apiVersion: v1
kind: Pod
metadata:
  labels:
    component: $name
    tier: control-plane
  name: $name
  namespace: kube-system
spec:
  containers:
  - command:
EOF
	while IFS= read -r a; do
		yaml_item "$a"
		printf '    - %s\n' "$REPLY"
	done <"$argvf"
	if [ -n "$envs" ]; then
		printf '    env:\n'
		# shellcheck disable=SC2086 # words without blanks
		for e in $envs; do
			yaml_item "${e#*=}"
			printf '    - name: %s\n      value: %s\n' "${e%%=*}" "$REPLY"
		done
	fi
	cat <<EOF
    image: $image
    imagePullPolicy: IfNotPresent
    livenessProbe:
      failureThreshold: 8
      httpGet:
        host: $host
        path: $path
        port: $port
        scheme: $scheme
      initialDelaySeconds: 10
      periodSeconds: 10
      timeoutSeconds: 15
    name: $name
    resources:
      requests:
        cpu: 100m
    volumeMounts:
EOF
	# shellcheck disable=SC2086 # words without blanks
	for v in $vols; do
		IFS=: read -r vn vp vt vro <<<"$v"
		printf '    - mountPath: %s\n      name: %s\n' "$vp" "$vn"
		[ "$vro" = ro ] && printf '      readOnly: true\n'
	done
	cat <<EOF
  hostNetwork: true
  priority: 2000001000
  priorityClassName: system-node-critical
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  volumes:
EOF
	# shellcheck disable=SC2086 # words without blanks
	for v in $vols; do
		IFS=: read -r vn vp vt vro <<<"$v"
		printf '  - hostPath:\n      path: %s\n      type: %s\n    name: %s\n' "$vp" "$vt" "$vn"
	done
	printf 'status: {}\n'
}

SN_CERT_VOLS="ca-certs:/etc/ssl/certs:DirectoryOrCreate:ro etc-ca-certificates:/etc/ca-certificates:DirectoryOrCreate:ro k8s-certs:/etc/kubernetes/pki:DirectoryOrCreate:ro usr-local-share-ca-certificates:/usr/local/share/ca-certificates:DirectoryOrCreate:ro usr-share-ca-certificates:/usr/share/ca-certificates:DirectoryOrCreate:ro"

# ---------------------------------------------------------------------------
# Pieces shared by the layouts.

node_base() {
	local hostname=$1 extra_users=${2:-} extra_groups=${3:-}
	dir / 0755
	dir /etc 0755
	put /etc/hostname 0644 <<<"$hostname"
	put /etc/passwd 0644 <<EOF
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
man:x:6:12:man:/var/cache/man:/usr/sbin/nologin
_apt:x:42:65534::/nonexistent:/usr/sbin/nologin
messagebus:x:100:101::/nonexistent:/usr/sbin/nologin
sshd:x:101:65534::/run/sshd:/usr/sbin/nologin
systemd-network:x:998:998:systemd Network Management:/:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
ops:x:1000:1000:Cluster Operator,,,:/home/ops:/bin/bash
${extra_users}
EOF
	put /etc/group 0644 <<EOF
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:ops
man:x:12:
sudo:x:27:ops
messagebus:x:101:
systemd-network:x:998:
nogroup:x:65534:
ops:x:1000:
${extra_groups}
EOF
	# an empty last line would be a malformed entry
	sed -i '/^$/d' "$R/etc/passwd" "$R/etc/group"
	dir /etc/kubernetes 0755
	dir /etc/kubernetes/manifests 0700
	dir /var 0755
	dir /var/lib 0755
	dir /usr/lib/systemd/system 0755
	dir /etc/systemd/system 0755
}

# The kubelet unit as the pkgs.k8s.io packages install it.
kubelet_units() {
	local mode=${1:-0644} owner=${2:-0:0}
	put /usr/lib/systemd/system/kubelet.service 0644 <<'EOF'
[Unit]
Description=kubelet: The Kubernetes Node Agent
Documentation=https://kubernetes.io/docs/
Wants=network-online.target
After=network-online.target

[Service]
ExecStart=/usr/bin/kubelet
Restart=always
StartLimitInterval=0
RestartSec=10

[Install]
WantedBy=multi-user.target
EOF
	dir /usr/lib/systemd/system/kubelet.service.d 0755
	kubeadm_dropin | put /usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf "$mode" "$owner"
}

kubeadm_dropin() {
	cat <<'EOF'
# Note: This dropin only works with kubeadm and kubelet v1.11+
[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
# This is a file that "kubeadm init" and "kubeadm join" generates at runtime, populating the KUBELET_KUBEADM_ARGS variable dynamically
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
# This is a file that the user can use for overrides of the kubelet args as a last resort. Preferably, the user should use
# the .NodeRegistration.KubeletExtraArgs object in the configuration files instead. KUBELET_EXTRA_ARGS should be sourced from this file.
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
EOF
}

SN_KUBEADM_FLAGS="--container-runtime-endpoint=$SN_CRI --pod-infra-container-image=$SN_PAUSE_IMAGE"

# The KubeletConfiguration kubeadm v1.33 writes (zero values included, as
# kubeadm marshals them); EXTRA is appended (later keys are not repeated).
kubelet_config() {
	local extra=${1:-}
	cat <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 0s
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
  webhook:
    cacheAuthorizedTTL: 0s
    cacheUnauthorizedTTL: 0s
cgroupDriver: systemd
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
containerRuntimeEndpoint: ""
cpuManagerReconcilePeriod: 0s
crashLoopBackOff: {}
evictionPressureTransitionPeriod: 0s
fileCheckFrequency: 0s
healthzBindAddress: 127.0.0.1
healthzPort: 10248
httpCheckFrequency: 0s
imageMaximumGCAge: 0s
imageMinimumGCAge: 0s
kind: KubeletConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
    text:
      infoBufferSize: "0"
  verbosity: 0
memorySwap: {}
nodeStatusReportFrequency: 0s
nodeStatusUpdateFrequency: 0s
rotateCertificates: true
runtimeRequestTimeout: 0s
shutdownGracePeriod: 0s
shutdownGracePeriodCriticalPods: 0s
staticPodPath: /etc/kubernetes/manifests
streamingConnectionIdleTimeout: 0s
syncFrequency: 0s
volumeStatsAggPeriod: 0s
${extra}
EOF
}

# /var/lib/kubelet with its pki (rotated client certificate, self-signed
# serving pair). $1: node name.
kubelet_dir() {
	dir /var/lib/kubelet 0700
	dir /var/lib/kubelet/pki 0755
	cat "$P/kubelet-client.crt" "$P/kubelet-client.key" |
		put /var/lib/kubelet/pki/kubelet-client-2026-01-01-00-00-00.pem 0600
	ln -s /var/lib/kubelet/pki/kubelet-client-2026-01-01-00-00-00.pem \
		"$R/var/lib/kubelet/pki/kubelet-client-current.pem"
	cpf kubelet-serving.crt /var/lib/kubelet/pki/kubelet.crt 0644
	cpf kubelet-serving.key /var/lib/kubelet/pki/kubelet.key 0600
	dir /var/lib/kubelet/pods 0750
	printf 'KUBELET_KUBEADM_ARGS="%s"\n' "$SN_KUBEADM_FLAGS" |
		put /var/lib/kubelet/kubeadm-flags.env 0644
	kubelet_kubeconfig "$1" | put /etc/kubernetes/kubelet.conf 0600
}

# The kubelet process as systemd starts it from kubeadm's drop-in.
kubelet_proc() {
	local id=$1 extra
	shift
	extra="$*"
	proc "$id" /usr/bin/kubelet \
		--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf \
		--kubeconfig=/etc/kubernetes/kubelet.conf \
		--config=/var/lib/kubelet/config.yaml \
		"--container-runtime-endpoint=$SN_CRI" \
		"--pod-infra-container-image=$SN_PAUSE_IMAGE" "$@"
	kubelet_env "$id" \
		"KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf" \
		"KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml" \
		"KUBELET_KUBEADM_ARGS=$SN_KUBEADM_FLAGS" \
		${extra:+"KUBELET_EXTRA_ARGS=$extra"}
}

# Every file of /etc/kubernetes/pki as kubeadm writes it: dirs 0755, *.crt
# 0644, *.key and sa.pub 0600.
control_plane_pki() {
	local f
	dir /etc/kubernetes/pki 0755
	dir /etc/kubernetes/pki/etcd 0755
	for f in ca apiserver apiserver-kubelet-client front-proxy-ca front-proxy-client \
		apiserver-etcd-client; do
		cpf "$f.crt" "/etc/kubernetes/pki/$f.crt" 0644
		cpf "$f.key" "/etc/kubernetes/pki/$f.key" 0600
	done
	for f in ca server peer healthcheck-client; do
		cpf "etcd-$f.crt" "/etc/kubernetes/pki/etcd/$f.crt" 0644
		cpf "etcd-$f.key" "/etc/kubernetes/pki/etcd/$f.key" 0600
	done
	cpf sa.key /etc/kubernetes/pki/sa.key 0600
	cpf sa.pub /etc/kubernetes/pki/sa.pub 0600
}

control_plane_kubeconfigs() {
	kubeconfig kubernetes-admin admin | put /etc/kubernetes/admin.conf 0600
	kubeconfig kubernetes-super-admin super-admin | put /etc/kubernetes/super-admin.conf 0600
	kubeconfig system:kube-controller-manager controller-manager |
		put /etc/kubernetes/controller-manager.conf 0600
	kubeconfig system:kube-scheduler scheduler | put /etc/kubernetes/scheduler.conf 0600
}

etcd_data() {
	local mode=${1:-0700} owner=${2:-0:0}
	dir /var/lib/etcd "$mode" "$owner"
	dir /var/lib/etcd/member 0700 "$owner"
	dir /var/lib/etcd/member/snap 0700 "$owner"
	dir /var/lib/etcd/member/wal 0700 "$owner"
	: | put /var/lib/etcd/member/snap/db 0600 "$owner"
	: | put /var/lib/etcd/member/wal/0000000000000000-0000000000000000.wal 0600 "$owner"
}

cni_flannel() {
	local mode=${1:-0644} owner=${2:-0:0}
	dir /etc/cni 0755
	dir /etc/cni/net.d 0755
	put /etc/cni/net.d/10-flannel.conflist "$mode" "$owner" <<'EOF'
{
  "name": "cbr0",
  "cniVersion": "0.3.1",
  "plugins": [
    {
      "type": "flannel",
      "delegate": {
        "hairpinMode": true,
        "isDefaultGateway": true
      }
    },
    {
      "type": "portmap",
      "capabilities": {
        "portMappings": true
      }
    }
  ]
}
EOF
	dir /var/lib/cni 0755
	dir /var/lib/cni/networks 0755
	dir /var/lib/cni/networks/cbr0 0755
	printf 'a3f1c0de5b7e\r\neth0' | put /var/lib/cni/networks/cbr0/10.244.0.2 "$mode" "$owner"
	printf '10.244.0.2' | put /var/lib/cni/networks/cbr0/last_reserved_ip.0 "$mode" "$owner"
	: | put /var/lib/cni/networks/cbr0/lock 0600
}

# The control-plane static pods: write the processes first (their argv are
# the manifests' commands), then the manifests. Arrays APISERVER, KCM,
# SCHEDULER, ETCD hold the argv; ETCD_ENV optional environment.
control_plane_procs() {
	proc 10-kube-apiserver "${APISERVER[@]}"
	pod_env 10-kube-apiserver
	proc 20-kube-controller-manager "${KCM[@]}"
	pod_env 20-kube-controller-manager
	proc 30-kube-scheduler "${SCHEDULER[@]}"
	pod_env 30-kube-scheduler
	proc 40-etcd "${ETCD[@]}"
	pod_env 40-etcd "${ETCD_ENV[@]}"
}

control_plane_manifests() {
	local mode_api=${1:-0600} own_api=${2:-0:0} mode_kcm=${3:-0600} own_kcm=${4:-0:0}
	local mode_sch=${5:-0600} own_sch=${6:-0:0} mode_etcd=${7:-0600} own_etcd=${8:-0:0}
	local extra_api_vols=${9:-}
	static_pod kube-apiserver "registry.k8s.io/kube-apiserver:$SN_K8S_VERSION" "$SN_CP_IP" 6443 \
		HTTPS /livez "$SN_CERT_VOLS $extra_api_vols" "" |
		put /etc/kubernetes/manifests/kube-apiserver.yaml "$mode_api" "$own_api"
	static_pod kube-controller-manager "registry.k8s.io/kube-controller-manager:$SN_K8S_VERSION" \
		127.0.0.1 10257 HTTPS /healthz \
		"$SN_CERT_VOLS flexvolume-dir:/usr/libexec/kubernetes/kubelet-plugins/volume/exec:DirectoryOrCreate:rw kubeconfig:/etc/kubernetes/controller-manager.conf:FileOrCreate:ro" "" |
		put /etc/kubernetes/manifests/kube-controller-manager.yaml "$mode_kcm" "$own_kcm"
	static_pod kube-scheduler "registry.k8s.io/kube-scheduler:$SN_K8S_VERSION" 127.0.0.1 10259 \
		HTTPS /livez "kubeconfig:/etc/kubernetes/scheduler.conf:FileOrCreate:ro" "" |
		put /etc/kubernetes/manifests/kube-scheduler.yaml "$mode_sch" "$own_sch"
	static_pod etcd "$SN_ETCD_IMAGE" 127.0.0.1 2381 HTTP /livez \
		"etcd-certs:/etc/kubernetes/pki/etcd:DirectoryOrCreate:rw etcd-data:/var/lib/etcd:DirectoryOrCreate:rw" \
		"${ETCD_ENV[*]}" |
		put /etc/kubernetes/manifests/etcd.yaml "$mode_etcd" "$own_etcd"
}

kubeadm_argv() {
	APISERVER=(kube-apiserver
		"--advertise-address=$SN_CP_IP"
		--allow-privileged=true
		--authorization-mode=Node,RBAC
		--client-ca-file=/etc/kubernetes/pki/ca.crt
		--enable-admission-plugins=NodeRestriction
		--enable-bootstrap-token-auth=true
		--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt
		--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt
		--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key
		--etcd-servers=https://127.0.0.1:2379
		--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt
		--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key
		--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname
		--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt
		--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key
		--requestheader-allowed-names=front-proxy-client
		--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt
		--requestheader-extra-headers-prefix=X-Remote-Extra-
		--requestheader-group-headers=X-Remote-Group
		--requestheader-username-headers=X-Remote-User
		--secure-port=6443
		--service-account-issuer=https://kubernetes.default.svc.cluster.local
		--service-account-key-file=/etc/kubernetes/pki/sa.pub
		--service-account-signing-key-file=/etc/kubernetes/pki/sa.key
		--service-cluster-ip-range=10.96.0.0/12
		--tls-cert-file=/etc/kubernetes/pki/apiserver.crt
		--tls-private-key-file=/etc/kubernetes/pki/apiserver.key)
	KCM=(kube-controller-manager
		--allocate-node-cidrs=true
		--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf
		--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf
		--bind-address=127.0.0.1
		--client-ca-file=/etc/kubernetes/pki/ca.crt
		--cluster-cidr=10.244.0.0/16
		--cluster-name=kubernetes
		--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt
		--cluster-signing-key-file=/etc/kubernetes/pki/ca.key
		--controllers=*,bootstrapsigner,tokencleaner
		--kubeconfig=/etc/kubernetes/controller-manager.conf
		--leader-elect=true
		--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt
		--root-ca-file=/etc/kubernetes/pki/ca.crt
		--service-account-private-key-file=/etc/kubernetes/pki/sa.key
		--service-cluster-ip-range=10.96.0.0/12
		--use-service-account-credentials=true)
	SCHEDULER=(kube-scheduler
		--authentication-kubeconfig=/etc/kubernetes/scheduler.conf
		--authorization-kubeconfig=/etc/kubernetes/scheduler.conf
		--bind-address=127.0.0.1
		--kubeconfig=/etc/kubernetes/scheduler.conf
		--leader-elect=true)
	ETCD=(etcd
		"--advertise-client-urls=https://$SN_CP_IP:2379"
		--cert-file=/etc/kubernetes/pki/etcd/server.crt
		--client-cert-auth=true
		--data-dir=/var/lib/etcd
		--experimental-initial-corrupt-check=true
		--experimental-watch-progress-notify-interval=5s
		"--initial-advertise-peer-urls=https://$SN_CP_IP:2380"
		"--initial-cluster=$SN_CP_NAME=https://$SN_CP_IP:2380"
		--key-file=/etc/kubernetes/pki/etcd/server.key
		"--listen-client-urls=https://127.0.0.1:2379,https://$SN_CP_IP:2379"
		--listen-metrics-urls=http://127.0.0.1:2381
		"--listen-peer-urls=https://$SN_CP_IP:2380"
		"--name=$SN_CP_NAME"
		--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt
		--peer-client-cert-auth=true
		--peer-key-file=/etc/kubernetes/pki/etcd/peer.key
		--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
		--snapshot-count=10000
		--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt)
	ETCD_ENV=()
}

# ---------------------------------------------------------------------------
# Layouts

# Stock kubeadm v1.33 control plane: `kubeadm init` with flannel.
layout_kubeadm() {
	node_base "$SN_CP_NAME"
	kubeadm_argv
	control_plane_procs
	kubelet_proc 50-kubelet
	control_plane_pki
	control_plane_kubeconfigs
	control_plane_manifests
	etcd_data
	kubelet_dir "$SN_CP_NAME"
	kubelet_config | put /var/lib/kubelet/config.yaml 0644
	kubelet_units
	cni_flannel
}

# Everything the benchmark asks for.
layout_hardened() {
	local key
	node_base "$SN_CP_NAME" "etcd:x:1501:1501:etcd user:/var/lib/etcd:/usr/sbin/nologin" \
		"etcd:x:1501:"
	kubeadm_argv
	local strong=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305
	APISERVER=(kube-apiserver
		"--admission-control-config-file=/etc/kubernetes/admission/admission.yaml"
		"--advertise-address=$SN_CP_IP"
		--allow-privileged=true
		--anonymous-auth=false
		--audit-log-maxage=30
		--audit-log-maxbackup=10
		--audit-log-maxsize=100
		--audit-log-path=/var/log/kubernetes/audit/audit.log
		--audit-policy-file=/etc/kubernetes/audit/policy.yaml
		--authorization-mode=Node,RBAC
		--client-ca-file=/etc/kubernetes/pki/ca.crt
		--enable-admission-plugins=NodeRestriction,EventRateLimit,AlwaysPullImages,DenyServiceExternalIPs,ImagePolicyWebhook
		--enable-bootstrap-token-auth=true
		--encryption-provider-config=/etc/kubernetes/enc/encryption.yaml
		--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt
		--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt
		--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key
		--etcd-servers=https://127.0.0.1:2379
		--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt
		--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt
		--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key
		--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname
		--profiling=false
		--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt
		--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key
		--request-timeout=60s
		--requestheader-allowed-names=front-proxy-client
		--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt
		--requestheader-extra-headers-prefix=X-Remote-Extra-
		--requestheader-group-headers=X-Remote-Group
		--requestheader-username-headers=X-Remote-User
		--secure-port=6443
		--service-account-extend-token-expiration=false
		--service-account-issuer=https://kubernetes.default.svc.cluster.local
		--service-account-key-file=/etc/kubernetes/pki/sa.pub
		--service-account-lookup=true
		--service-account-signing-key-file=/etc/kubernetes/pki/sa.key
		--service-cluster-ip-range=10.96.0.0/12
		"--tls-cipher-suites=$strong"
		--tls-cert-file=/etc/kubernetes/pki/apiserver.crt
		--tls-private-key-file=/etc/kubernetes/pki/apiserver.key)
	KCM+=(--feature-gates=RotateKubeletServerCertificate=true --profiling=false
		--terminated-pod-gc-threshold=10)
	SCHEDULER+=(--profiling=false)
	control_plane_procs
	kubelet_proc 50-kubelet
	control_plane_pki
	control_plane_kubeconfigs
	control_plane_manifests 0600 0:0 0600 0:0 0600 0:0 0600 0:0 \
		"audit:/etc/kubernetes/audit:DirectoryOrCreate:ro audit-log:/var/log/kubernetes/audit:DirectoryOrCreate:rw admission:/etc/kubernetes/admission:DirectoryOrCreate:ro enc:/etc/kubernetes/enc:DirectoryOrCreate:ro"
	etcd_data 0700 1501:1501
	kubelet_dir "$SN_CP_NAME"
	kubelet_config "$(
		cat <<EOF
eventRecordQPS: 50
featureGates:
  RotateKubeletServerCertificate: true
makeIPTablesUtilChains: true
podPidsLimit: 4096
protectKernelDefaults: true
readOnlyPort: 0
seccompDefault: true
tlsCertFile: /var/lib/kubelet/pki/kubelet.crt
tlsCipherSuites:
- TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
- TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
- TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
- TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
tlsPrivateKeyFile: /var/lib/kubelet/pki/kubelet.key
EOF
	)" | put /var/lib/kubelet/config.yaml 0600
	kubelet_units 0600
	cni_flannel 0600
	kubeconfig system:kube-proxy kube-proxy | put /etc/kubernetes/proxy.conf 0600

	dir /etc/kubernetes/audit 0700
	put /etc/kubernetes/audit/policy.yaml 0600 <<'EOF'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages:
  - RequestReceived
rules:
  # Secrets, ConfigMaps and TokenReviews carry credentials: metadata only.
  - level: Metadata
    resources:
      - group: ""
        resources: ["secrets", "configmaps"]
      - group: authentication.k8s.io
        resources: ["tokenreviews"]
  - level: RequestResponse
    resources:
      - group: ""
        resources: ["pods/exec", "pods/portforward", "pods/proxy", "services/proxy"]
  - level: Request
    verbs: ["create", "update", "patch", "delete"]
    resources:
      - group: ""
        resources: ["pods"]
      - group: apps
        resources: ["deployments"]
  - level: Metadata
    resources:
      - group: certificates.k8s.io
        resources: ["certificatesigningrequests"]
      - group: ""
        resources: ["serviceaccounts/token"]
  - level: Metadata
EOF
	dir /var/log/kubernetes 0755
	dir /var/log/kubernetes/audit 0700
	dir /etc/kubernetes/admission 0700
	put /etc/kubernetes/admission/admission.yaml 0600 <<'EOF'
apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
  - name: EventRateLimit
    path: /etc/kubernetes/admission/eventratelimit.yaml
  - name: ImagePolicyWebhook
    configuration:
      imagePolicy:
        kubeConfigFile: /etc/kubernetes/admission/imagepolicy.kubeconfig
        allowTTL: 50
        denyTTL: 50
        retryBackoff: 500
        defaultAllow: false
EOF
	put /etc/kubernetes/admission/eventratelimit.yaml 0600 <<'EOF'
apiVersion: eventratelimit.admission.k8s.io/v1alpha1
kind: Configuration
limits:
  - type: Namespace
    qps: 50
    burst: 100
    cacheSize: 2000
  - type: User
    qps: 10
    burst: 50
EOF
	kubeconfig image-policy-webhook admin https://127.0.0.1:8443/image-policy |
		put /etc/kubernetes/admission/imagepolicy.kubeconfig 0600
	dir /etc/kubernetes/enc 0700
	key=$(openssl rand -base64 32)
	printf '%s\n' "$key" >>"$D/secrets"
	put /etc/kubernetes/enc/encryption.yaml 0600 <<EOF
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources:
      - secrets
    providers:
      - aescbc:
          keys:
            - name: key1
              secret: $key
      - identity: {}
EOF
}

# A control plane set up badly by hand.
layout_misconfigured() {
	local key token
	node_base "$SN_CP_NAME"
	kubeadm_argv
	APISERVER=(kube-apiserver
		"--advertise-address=$SN_CP_IP"
		--allow-privileged=true
		--anonymous-auth=true
		--audit-log-maxage=7
		--audit-log-path=/var/log/kube-apiserver-audit.log
		--audit-policy-file=/etc/kubernetes/audit-policy.yaml
		--authorization-mode=AlwaysAllow
		--client-ca-file=/etc/kubernetes/pki/ca.crt
		--disable-admission-plugins=ServiceAccount
		--enable-admission-plugins=AlwaysAdmit
		--encryption-provider-config=/etc/kubernetes/encryption.yaml
		--etcd-servers=http://127.0.0.1:2379
		--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt
		--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key
		--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt
		--secure-port=6443
		--service-account-extend-token-expiration=true
		--service-account-issuer=https://kubernetes.default.svc.cluster.local
		--service-account-key-file=/etc/kubernetes/pki/sa.pub
		--service-account-lookup=false
		--service-account-signing-key-file=/etc/kubernetes/pki/sa.key
		--service-cluster-ip-range=10.96.0.0/12
		--tls-cipher-suites=TLS_RSA_WITH_AES_128_CBC_SHA,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
		--tls-cert-file=/etc/kubernetes/pki/apiserver.crt
		--tls-private-key-file=/etc/kubernetes/pki/apiserver.key
		--token-auth-file=/etc/kubernetes/tokens.csv
		--audit-log-maxsize 50)
	KCM=(kube-controller-manager
		--bind-address=0.0.0.0
		--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt
		--cluster-signing-key-file=/etc/kubernetes/pki/ca.key
		--feature-gates=RotateKubeletServerCertificate=False
		--kubeconfig=/etc/kubernetes/controller-manager.conf
		--service-account-private-key-file=/etc/kubernetes/pki/sa.key
		--terminated-pod-gc-threshold=0
		--use-service-account-credentials=0)
	SCHEDULER=(kube-scheduler
		--bind-address=0.0.0.0
		--kubeconfig=/etc/kubernetes/scheduler.conf
		--profiling=true)
	# single member on loopback; client side without TLS; the trusted CA comes
	# from the environment and is a copy of the cluster CA
	ETCD=(etcd
		--advertise-client-urls=http://127.0.0.1:2379
		--auto-tls=true
		--client-cert-auth=false
		--data-dir=/var/lib/etcd
		--initial-advertise-peer-urls=https://127.0.0.1:2380
		"--initial-cluster=$SN_CP_NAME=https://127.0.0.1:2380"
		--listen-client-urls=http://127.0.0.1:2379
		--listen-peer-urls=https://127.0.0.1:2380
		"--name=$SN_CP_NAME"
		--peer-auto-tls=true)
	ETCD_ENV=(ETCD_TRUSTED_CA_FILE=/etc/kubernetes/pki/etcd/ca.crt)
	control_plane_procs
	kubelet_proc 50-kubelet --anonymous-auth=true --authorization-mode=AlwaysAllow \
		--read-only-port=10255 --streaming-connection-idle-timeout=0s \
		--make-iptables-util-chains=false "--hostname-override=$SN_CP_NAME" --event-qps=0 \
		--rotate-certificates=false --feature-gates=RotateKubeletServerCertificate=false \
		--tls-cipher-suites=TLS_RSA_WITH_AES_256_CBC_SHA --pod-max-pids=-1 --seccomp-default=false
	control_plane_pki
	setmode /etc/kubernetes/pki/ca.crt 0666
	setmode /etc/kubernetes/pki/apiserver.key 0644
	setmode /etc/kubernetes/pki/front-proxy-client.key 0600 1000:1000
	# the "etcd CA" is the cluster CA copied under another name
	cpf ca.crt /etc/kubernetes/pki/etcd/ca.crt 0644
	kubeconfig kubernetes-admin admin | put /etc/kubernetes/admin.conf 0644 1000:1000
	kubeconfig system:kube-controller-manager controller-manager |
		put /etc/kubernetes/controller-manager.conf 0600 0:1000
	kubeconfig system:kube-scheduler scheduler | put /etc/kubernetes/scheduler.conf 0644
	control_plane_manifests 0644 1000:1000 0640 0:1000 0577 0:0 0400 0:0
	# owned by the ids the auditing host's own etcd account may have: only
	# the node's passwd (which has no etcd user) may decide
	etcd_data 0755 102:105
	kubelet_dir "$SN_CP_NAME"
	setmode /etc/kubernetes/kubelet.conf 0644 1000:0
	kubelet_config | put /var/lib/kubelet/config.yaml 0644
	kubelet_units
	printf 'KUBELET_EXTRA_ARGS="%s"\n' "$(tail -n +7 "$D/procs.d/50-kubelet.argv" | paste -sd " ")" |
		put /etc/default/kubelet 0644
	dir /etc/systemd/system/kubelet.service.d 0755
	put /etc/systemd/system/kubelet.service.d/20-extra.conf 0600 1000:1000 <<'EOF'
[Service]
Environment="KUBELET_EXTRA_ARGS=--v=2"
EOF
	cni_flannel 0644 1000:1000
	kubeconfig system:kube-proxy kube-proxy | put /etc/kubernetes/proxy.conf 0644

	token=$(openssl rand -hex 16)
	printf '%s\n' "$token" >>"$D/secrets"
	printf '%s,admin,1000,"system:masters"\n' "$token" | put /etc/kubernetes/tokens.csv 0600
	put /etc/kubernetes/audit-policy.yaml 0600 <<'EOF'
apiVersion: audit.k8s.io/v1
kind: Policy
rules:
  # meant to cut noise, silences everything after it
  - level: None
  - level: Metadata
    resources:
      - group: ""
        resources: ["secrets"]
  - level: RequestResponse
EOF
	key=$(openssl rand -base64 32)
	printf '%s\n' "$key" >>"$D/secrets"
	put /etc/kubernetes/encryption.yaml 0600 <<EOF
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources:
      - configmaps
    providers:
      - aescbc:
          keys:
            - name: key1
              secret: $key
      - identity: {}
  - resources:
      - secrets
    providers:
      - identity: {}
      - aescbc:
          keys:
            - name: key1
              secret: $key
EOF
}

worker_common() {
	node_base "$SN_W_NAME"
	dir /etc/kubernetes/pki 0755
	cpf ca.crt /etc/kubernetes/pki/ca.crt 0644
	kubelet_dir "$SN_W_NAME"
}

# A worker whose kubelet is configured by its --config file and --config-dir
# drop-ins, with kube-proxy in the host namespace.
layout_worker-config() {
	worker_common
	kubelet_units
	# a same-named drop-in earlier in the unit path masks the packaged one
	dir /etc/systemd/system/kubelet.service.d 0755
	{
		kubeadm_dropin
		printf 'Environment="KUBELET_EXTRA_ARGS=--config-dir=/etc/kubernetes/kubelet.conf.d"\n'
	} | put /etc/systemd/system/kubelet.service.d/10-kubeadm.conf 0600
	kubelet_proc 50-kubelet --config-dir=/etc/kubernetes/kubelet.conf.d
	kubelet_config "$(
		cat <<'EOF'
podPidsLimit: 1024
readOnlyPort: 10255
seccompDefault: false
serverTLSBootstrap: true
EOF
	)" | put /var/lib/kubelet/config.yaml 0600
	dir /etc/kubernetes/kubelet.conf.d 0755
	put /etc/kubernetes/kubelet.conf.d/10-base.conf 0600 <<'EOF'
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
podPidsLimit: -1
tlsCipherSuites:
- TLS_RSA_WITH_AES_128_CBC_SHA
- TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
EOF
	put /etc/kubernetes/kubelet.conf.d/50-hardening.conf 0644 <<'EOF'
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
readOnlyPort: 0
seccompDefault: true
podPidsLimit: 4096
tlsCipherSuites:
- TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
- TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
EOF
	# not a *.conf: the kubelet ignores it
	put /etc/kubernetes/kubelet.conf.d/90-old.conf.disabled 0600 <<'EOF'
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
readOnlyPort: 10255
seccompDefault: false
EOF
	proc 60-kube-proxy /usr/local/bin/kube-proxy --config=/var/lib/kube-proxy/config.conf \
		"--hostname-override=$SN_W_NAME"
	proc_env 60-kube-proxy PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		"NODE_NAME=$SN_W_NAME"
	dir /var/lib/kube-proxy 0755
	put /var/lib/kube-proxy/config.conf 0644 <<'EOF'
apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
clientConnection:
  acceptContentTypes: ""
  burst: 0
  contentType: ""
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
  qps: 0
clusterCIDR: 10.244.0.0/16
configSyncPeriod: 0s
conntrack:
  maxPerCore: null
  min: null
enableProfiling: false
healthzBindAddress: ""
hostnameOverride: ""
iptables:
  masqueradeAll: false
  minSyncPeriod: 0s
  syncPeriod: 0s
kind: KubeProxyConfiguration
metricsBindAddress: 127.0.0.1:10249
mode: iptables
EOF
	kubeconfig system:kube-proxy kube-proxy | put /var/lib/kube-proxy/kubeconfig.conf 0600
	cni_flannel
}

# A worker whose command line fights its config file.
layout_worker-tricky() {
	worker_common
	# no drop-ins anywhere: the unit file itself is judged
	put /etc/systemd/system/kubelet.service 0640 <<'EOF'
[Unit]
Description=kubelet
After=containerd.service

[Service]
WorkingDirectory=/var/lib/kubelet
ExecStart=/usr/bin/kubelet --config=conf/config.yaml --kubeconfig=/etc/kubernetes/kubelet.conf
Restart=always

[Install]
WantedBy=multi-user.target
EOF
	proc 50-kubelet /usr/bin/kubelet \
		--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf \
		--kubeconfig=/etc/kubernetes/kubelet.conf \
		--config=conf/config.yaml \
		--anonymous-auth false \
		--authorization-mode=Webhook \
		--read-only-port=10255 \
		--read-only-port 0 \
		--feature-gates=RotateKubeletServerCertificate=true \
		--feature-gates=RotateKubeletServerCertificate=false,SeccompDefault=true \
		--feature-gates=SeccompDefault=false \
		--rotate-certificates \
		--seccomp-default=1 \
		--make-iptables-util-chains=F \
		--streaming-connection-idle-timeout=0h0m0s \
		--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 \
		--pod-max-pids=0 \
		--hostname-override= \
		"--container-runtime-endpoint=$SN_CRI" \
		--kubeconfig=/etc/kubernetes/kubelet-rotated.conf
	proc_env 50-kubelet LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	proc_cwd 50-kubelet /var/lib/kubelet
	dir /var/lib/kubelet/conf 0700
	put /var/lib/kubelet/conf/config.yaml 0600 <<'EOF'
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: pki/ca.crt
authorization:
  mode: AlwaysAllow
featureGates:
  RotateKubeletServerCertificate: true
podPidsLimit: 4096
readOnlyPort: 10255
rotateCertificates: false
seccompDefault: false
staticPodPath: /etc/kubernetes/pods
tlsCertFile: pki/kubelet.crt
tlsCipherSuites:
- TLS_RSA_WITH_3DES_EDE_CBC_SHA
tlsPrivateKeyFile: pki/kubelet.key
EOF
	# relative paths in the config resolve against conf/, not the cwd
	dir /var/lib/kubelet/conf/pki 0755
	ln -s /srv/kubernetes/ca.pem "$R/var/lib/kubelet/conf/pki/ca.crt"
	ln -s ../../pki/kubelet.crt "$R/var/lib/kubelet/conf/pki/kubelet.crt"
	ln -s ../../pki/kubelet.key "$R/var/lib/kubelet/conf/pki/kubelet.key"
	dir /srv 0755
	dir /srv/kubernetes 0755
	cpf ca.crt /srv/kubernetes/ca.pem 0644
	# decoys where a guess (cwd-relative, default path) would look
	cpf ca.crt /var/lib/kubelet/pki/ca.crt 0666 1000:1000
	kubelet_config | put /var/lib/kubelet/config.yaml 0666 1000:1000
	dir /etc/kubernetes/pods 0700
	kubeadm_argv
	proc 10-kube-apiserver "${APISERVER[@]}"
	static_pod kube-apiserver "registry.k8s.io/kube-apiserver:$SN_K8S_VERSION" "$SN_CP_IP" 6443 \
		HTTPS /livez "$SN_CERT_VOLS" "" |
		put /etc/kubernetes/manifests/kube-apiserver.yaml 0644 1000:1000
	rm -f "$D/procs.d/10-kube-apiserver.argv"

	proc 60-kube-proxy /usr/local/bin/kube-proxy --config=/var/lib/kube-proxy/config.conf \
		--metrics-bind-address=127.0.0.1:10249 "--hostname-override=$SN_W_NAME"
	proc_env 60-kube-proxy PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	dir /var/lib/kube-proxy 0755
	put /var/lib/kube-proxy/config.conf 0644 <<'EOF'
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
bindAddress: 0.0.0.0
clientConnection:
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
clusterCIDR: 10.244.0.0/16
metricsBindAddress: 0.0.0.0:10249
mode: iptables
EOF
	kubeconfig system:kube-proxy kube-proxy | put /etc/kubernetes/proxy.conf 0600
	ln -s /etc/kubernetes/proxy.conf "$R/var/lib/kube-proxy/kubeconfig.conf"
	cni_flannel
}

# A kubeadm control plane after a botched restore: files the running
# components name are gone (each check naming one must say ERROR, never PASS).
layout_missing-files() {
	layout_kubeadm
	unput /etc/kubernetes/pki/ca.crt
	unput /etc/kubernetes/pki/etcd/ca.crt
	unput /etc/kubernetes/pki/sa.pub
	unput /etc/kubernetes/pki/sa.key
	unput /etc/kubernetes/pki/apiserver-kubelet-client.crt
	unput /etc/kubernetes/scheduler.conf
	# the controller manager runs, but not from a manifest of this kubelet
	unput /etc/kubernetes/manifests/kube-controller-manager.yaml
}

# ---------------------------------------------------------------------------
# Subcommands

cmd_build() {
	if [ $# -lt 1 ] || [ $# -gt 2 ]; then
		die "usage: build DIR [LAYOUT]"
	fi
	local layout=${2:-kubeadm}
	case " $SN_LAYOUTS " in
	*" $layout "*) ;;
	*) die "unknown layout '$layout' (one of: $SN_LAYOUTS)" ;;
	esac
	[ "$(id -u)" = 0 ] || die "build needs root (it sets owners with chown)"
	mkdir -p "$1"
	D=$(readlink -f "$1")
	[ ! -e "$D/root" ] || die "$D/root exists already"
	R=$D/root
	rm -rf "${D:?}/procs.d" "${D:?}/bin" "${D:?}/run"
	: >"$D/secrets"
	P=$(pki_dir "$D/.pki")
	mkdir -p "$R"
	"layout_$layout"
	apply_modes
	printf '%s\n' "$layout" >"$D/layout"
}

cmd_pki() {
	[ $# -eq 1 ] || die "usage: pki DIR"
	mkdir -p "$1"
	pki_dir "$(readlink -f "$1")"
}

default_stub() {
	local c
	for c in "${KA_STUB:-}" "${top_builddir:+$top_builddir/tests/ka-stub}" \
		"$SN_HERE/ka-stub" "$PWD/tests/ka-stub"; do
		[ -n "$c" ] && [ -x "$c" ] && { readlink -f "$c"; return; }
	done
	die "no stub binary: build tests/ka-stub (make check) or set KA_STUB"
}

cmd_run() {
	if [ $# -lt 3 ] || [ "$2" != -- ]; then
		die "usage: run DIR -- CMD [ARGS...]"
	fi
	[ -d "$1/procs.d" ] || die "$1: not a built node (no procs.d)"
	[ "$(id -u)" = 0 ] || die "run needs root (private PID namespace)"
	local d stub
	d=$(readlink -f "$1")
	stub=$(default_stub)
	shift 2
	exec unshare --pid --fork --mount-proc -- "$BASH" "$SN_SELF" __inner "$d" "$stub" "$@"
}

# start_one DIR STUB ARGVFILE [EXTRA-ARGS...]: starts one process of the
# node in the background (its argv, environment and cwd, extra arguments
# appended), records its pid in DIR/run, and prints it once it has exec'd.
start_one() {
	local d=$1 stub=$2 f=$3 base id name bin cwd n pid
	local -a argv envs
	shift 3
	base=${f%.argv}
	id=${base##*/}
	name=${id#*-}
	bin=$d/bin/$name
	mkdir -p "$d/bin" "$d/run"
	[ -e "$bin" ] || ln "$stub" "$bin" 2>/dev/null || cp "$stub" "$bin"
	mapfile -t argv <"$f"
	argv+=("$@")
	envs=()
	[ -f "$base.env" ] && mapfile -t envs <"$base.env"
	cwd=/
	[ -f "$base.cwd" ] && cwd=$(<"$base.cwd")
	(
		cd "$d/root$cwd"
		# exactly the process's own environment, nothing of ours
		while IFS= read -r v; do
			unset "$v" 2>/dev/null || true
		done < <(compgen -e)
		for e in "${envs[@]}"; do
			export "${e?}"
		done
		exec -a "${argv[0]}" "$bin" "${argv[@]:1}"
	) </dev/null >/dev/null 2>&1 &
	pid=$!
	printf '%s\n' "$pid" >"$d/run/$id.pid"
	# running means exec'd: /proc/PID/exe is the stub, no longer bash
	n=0
	until [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$bin" ]; do
		n=$((n + 1))
		if [ "$n" -gt 500 ] || ! kill -0 "$pid" 2>/dev/null; then
			echo "sample-node.sh: $bin did not start" >&2
			return 125
		fi
		sleep 0.01
	done
	printf '%s\n' "$pid"
}

# start_all DIR STUB: every process of the node; prints their pids.
start_all() {
	local f
	for f in "$1"/procs.d/*.argv; do
		[ -e "$f" ] || continue
		start_one "$1" "$2" "$f" || return
	done
}

stop_all() {
	local f pids=()
	for f in "$1"/run/*.pid; do
		[ -e "$f" ] || continue
		pids+=("$(<"$f")")
		rm -f "$f"
	done
	if [ "${#pids[@]}" -gt 0 ]; then
		kill -TERM "${pids[@]}" 2>/dev/null || true
		wait "${pids[@]}" 2>/dev/null || true
	fi
}

# Runs as PID 1 of the new namespace.
cmd_inner() {
	local d=$1 stub=$2 rc
	shift 2
	start_all "$d" "$stub" >/dev/null || exit 125
	rc=0
	"$@" || rc=$?
	stop_all "$d"
	exit "$rc"
}

# start DIR: the node's processes in the current PID namespace (for tests
# that make their own namespace and keep the processes across commands).
cmd_start() {
	if [ $# -ne 1 ] || [ ! -d "$1/procs.d" ]; then
		die "usage: start DIR (a built node)"
	fi
	start_all "$(readlink -f "$1")" "$(default_stub)" >/dev/null
}

cmd_stop() {
	[ $# -eq 1 ] || die "usage: stop DIR"
	stop_all "$(readlink -f "$1")"
}

# restart DIR NAME [EXTRA-ARGS...]: stops the process NAME (kube-apiserver,
# kubelet, ...) and starts it again with EXTRA-ARGS appended to its argv (for
# a flag, the last occurrence wins).
cmd_restart() {
	[ $# -ge 2 ] || die "usage: restart DIR NAME [EXTRA-ARGS...]"
	local d f g pidf pid
	d=$(readlink -f "$1")
	shift
	f=
	for g in "$d"/procs.d/*-"$1".argv; do
		[ -e "$g" ] && f=$g && break
	done
	[ -n "$f" ] || die "$d: no process named $1"
	pidf=$d/run/$(basename "${f%.argv}").pid
	if [ -f "$pidf" ]; then
		pid=$(<"$pidf")
		kill -TERM "$pid" 2>/dev/null || true
		# as a service manager does: the new one starts when the old is gone
		for _ in $(seq 100); do
			# gone, or a zombie its reaper has not collected yet
			[ -r /proc/"$pid"/stat ] || break
			[ "$(cut -d' ' -f3 /proc/"$pid"/stat 2>/dev/null)" != Z ] || break
			sleep 0.05
		done
		rm -f "$pidf"
	fi
	shift
	[ -z "${SN_RESTART_DELAY:-}" ] || sleep "$SN_RESTART_DELAY"
	start_one "$d" "$(default_stub)" "$f" "$@" >/dev/null
}

cmd_demo() {
	local bin profiles tmp rc
	bin=${KA_BIN:-}
	if [ -z "$bin" ]; then
		for bin in "${top_builddir:+$top_builddir/kube-auditd}" "$SN_HERE/../kube-auditd" \
			"$PWD/kube-auditd"; do
			[ -n "$bin" ] && [ -x "$bin" ] && break
		done
	fi
	[ -x "$bin" ] || die "kube-auditd not found: build it (make) or set KA_BIN"
	profiles=${KA_PROFILE_DIR:-${top_srcdir:-$SN_HERE/..}/profiles}
	[ -d "$profiles" ] || die "$profiles: no profile directory (set KA_PROFILE_DIR)"
	[ "$(id -u)" = 0 ] || die "demo needs root (file owners, private PID namespace)"
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/ka-demo.XXXXXX")
	# shellcheck disable=SC2064 # expand now: tmp is local
	trap "rm -rf '$tmp'" EXIT
	"$BASH" "$SN_SELF" build "$tmp/node" kubeadm
	rc=0
	"$BASH" "$SN_SELF" run "$tmp/node" -- "$(readlink -f "$bin")" --once \
		--root "$tmp/node/root" --profile-dir "$(readlink -f "$profiles")" "$@" || rc=$?
	return "$rc"
}

main() {
	[ $# -ge 1 ] || {
		usage >&2
		exit 2
	}
	local sub=$1
	shift
	case $sub in
	build) cmd_build "$@" ;;
	run) cmd_run "$@" ;;
	__inner) cmd_inner "$@" ;;
	start) cmd_start "$@" ;;
	stop) cmd_stop "$@" ;;
	restart) cmd_restart "$@" ;;
	demo) cmd_demo "$@" ;;
	pki) cmd_pki "$@" ;;
	layouts) tr ' ' '\n' <<<"$SN_LAYOUTS" ;;
	-h | --help | help) usage ;;
	*) die "unknown subcommand '$sub' (build, run, start, stop, restart, demo, pki, layouts)" ;;
	esac
}

main "$@"
