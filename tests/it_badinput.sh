#!/bin/bash
# shellcheck disable=SC2015  # ok() and bad() never fail, so A && ok || bad is safe
# it_badinput.sh - hostile and broken input: each must give a clear message
# or an ERROR result, never a crash, a hang or invalid output.
#
# Runs the real binary on real trees; processes run in a private PID
# namespace (unshare --pid --fork --mount-proc).
set -uo pipefail

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
BIN=${KA_BIN:-$top_builddir/kube-auditd}
STUB=${KA_STUB:-$top_builddir/tests/ka-stub}
PROF=$top_srcdir/profiles

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (chown, unshare, setpriv)"
	exit 77
fi
for tool in jq unshare setpriv timeout; do
	command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed"; exit 1; }
done

T=$(mktemp -d /tmp/ka-bad-XXXXXX)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
fails=0
n=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
bad() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }

# expect_exit WANT DESC CMD...: the command exits with WANT (not a signal)
# and prints something to stderr when WANT is 2.
expect_exit() {
	local want=$1 desc=$2 rc
	shift 2
	timeout 60 "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		bad "$desc: exit $rc, wanted $want; stderr: $(head -c 400 "$T/err")"
		return 1
	fi
	ok "$desc (exit $rc)"
}

# expect_msg PATTERN DESC: stderr of the last command matches PATTERN
expect_msg() {
	if grep -q -- "$1" "$T/err"; then
		ok "$2"
	else
		bad "$2: stderr was: $(head -c 400 "$T/err")"
	fi
}

# state ID: the status of a check in $T/out (JSON)
state() { jq -r --arg id "$1" '.results[] | select(.id == $id) | .status' "$T/out"; }
reason() { jq -r --arg id "$1" '.results[] | select(.id == $id) | .reason' "$T/out"; }

expect_state() { # expect_state ID STATE [REASON-SUBSTRING]
	local got
	got=$(state "$1")
	if [ "$got" != "$2" ]; then
		bad "$1 is $got, wanted $2 ($(reason "$1"))"
		return
	fi
	if [ -n "${3:-}" ] && ! reason "$1" | grep -qF -- "$3"; then
		bad "$1: reason '$(reason "$1")' lacks '$3'"
		return
	fi
	ok "$1 is $2${3:+ ($3)}"
}

# in_ns SCRIPT: runs a bash script inside a private PID namespace
in_ns() {
	unshare --pid --fork --mount-proc bash -c "$1"
}

# ---- command line ----
expect_exit 2 "unknown --format" "$BIN" --once --format xml
expect_msg '--format' "message names --format"
expect_exit 2 "unknown target" "$BIN" --once --targets master,bogus
expect_msg 'bogus' "message names the target"
expect_exit 2 "malformed --check" "$BIN" --once --check '1..2'
expect_exit 2 "--check of an id not in the benchmark" "$BIN" --once --profile-dir "$PROF" --check 9.9.9
expect_msg '9\.9\.9' "message names 9.9.9"
expect_exit 2 "--root that does not exist" "$BIN" --once --profile-dir "$PROF" --root "$T/nope"
expect_msg "$T/nope" "message names the root"
expect_exit 2 "unknown benchmark" "$BIN" --once --profile-dir "$PROF" --benchmark cis-9.9
expect_exit 2 "benchmark name with a path" "$BIN" --once --profile-dir "$PROF" --benchmark ../etc
expect_exit 2 "unexpected argument" "$BIN" --once extra
expect_exit 2 "--interval 0" "$BIN" --once --interval 0

# ---- --check-config ----
printf '# ok\ninterval = 120\nskip = 1.1.1\n' >"$T/good.conf"
expect_exit 0 "--check-config of a good file" "$BIN" --check-config --config "$T/good.conf" --profile-dir "$PROF"
if grep -q "configuration OK; benchmark cis-1.12, 131 recommendations" "$T/out"; then ok "--check-config says what it loaded"; else bad "--check-config output: $(cat "$T/out")"; fi
printf 'interval = 120\ninterval2 = 3\n' >"$T/bad.conf"
expect_exit 2 "--check-config of an unknown key" "$BIN" --check-config --config "$T/bad.conf" --profile-dir "$PROF"
expect_msg "$T/bad.conf:2" "message names the file and line"
printf 'benchmark = cis-9.9\n' >"$T/bad.conf"
expect_exit 2 "--check-config of a benchmark without profiles" "$BIN" --check-config --config "$T/bad.conf" --profile-dir "$PROF"
expect_msg "cis-9.9" "message names the benchmark"
expect_exit 2 "--check-config of a missing file" "$BIN" --check-config --config "$T/none.conf"
expect_msg "$T/none.conf" "message names the file"
expect_exit 2 "--check-config with --once" "$BIN" --check-config --once

# ---- --output ----
expect_exit 2 "--output into a directory that does not exist" "$BIN" --once --profile-dir "$PROF" --check 5.6.4 --output "$T/nodir/r.json"
expect_msg "$T/nodir/r.json" "message names the output file"
echo "previous report" >"$T/keep.txt"
expect_exit 0 "--output writes the report" "$BIN" --once --profile-dir "$PROF" --check 5.6.4 --format json --output "$T/keep.txt"
if jq -e '.results | length == 1' "$T/keep.txt" >/dev/null 2>&1 && [ ! -s "$T/out" ]; then
	ok "--output file holds the JSON report, stdout is empty"
else
	bad "--output: file not a one-result report or stdout not empty"
fi
if ls "$T"/keep.txt.tmp* >/dev/null 2>&1; then
	bad "--output left a temporary file behind"
else
	ok "--output left no temporary file"
fi

# ---- hostile and malformed profiles ----
mkprof() { # a private copy of the profiles to break
	rm -rf "$T/prof"
	cp -r "$PROF" "$T/prof"
	find "$T/prof" -type d -exec chmod 755 {} +
	find "$T/prof" -type f -exec chmod 644 {} +
}
mkprof
printf 'benchmark: cis-1.12\nchecks:\n  - id: "9.1"\n    title: [unclosed\n' >"$T/prof/cis-1.12/99-bad.yaml"
expect_exit 2 "malformed profile YAML" "$BIN" --once --profile-dir "$T/prof"
expect_msg '99-bad\.yaml:[0-9][0-9]*:[0-9][0-9]*' "error has file:line:col"

mkprof
printf 'benchmark: cis-1.12\nchecks:\n  - id: "9.1"\n    title: t\n    target: master\n    component: kube-apiserver\n    automated: true\n    expected: e\n    remediation: r\n    shell: "rm -rf /"\n    test: {setting: profiling, op: eq, value: false}\n' >"$T/prof/cis-1.12/99-bad.yaml"
expect_exit 2 "profile with an unknown key (shell:)" "$BIN" --once --profile-dir "$T/prof"
expect_msg 'shell' "error names the unknown key"

mkprof
chmod 664 "$T/prof/cis-1.12/11-apiserver.yaml"
expect_exit 2 "group-writable profile refused" "$BIN" --once --profile-dir "$T/prof"
expect_msg 'writable' "message says writable"

mkprof
chown 4242 "$T/prof/cis-1.12/11-apiserver.yaml"
expect_exit 2 "profile owned by another user refused" "$BIN" --once --profile-dir "$T/prof"

mkprof
{
	echo 'benchmark: cis-1.12'
	echo 'x0: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'
	for i in $(seq 1 9); do echo "x$i: &a$i [*a,*a,*a,*a,*a,*a,*a,*a,*a]"; done
	echo 'checks: []'
} >"$T/prof/cis-1.12/99-bomb.yaml"
expect_exit 2 "alias bomb profile rejected quickly" "$BIN" --once --profile-dir "$T/prof"

mkprof
head -c 5000000 /dev/zero | tr '\0' 'a' >"$T/prof/cis-1.12/99-huge.yaml"
expect_exit 2 "5 MB profile refused" "$BIN" --once --profile-dir "$T/prof"

mkprof
printf 'benchmark: cis-1.12\nchecks:\n  - id: "9.1"\n    title: "\xff\xfe"\n' >"$T/prof/cis-1.12/99-utf.yaml"
expect_exit 2 "non-UTF-8 profile" "$BIN" --once --profile-dir "$T/prof"

# ---- node trees with broken files ----
R=$T/root
mkdir -p "$R/etc/kubernetes/manifests" "$R/var/lib/kubelet" "$R/etc/kubernetes/pki"
printf 'root:x:0:0::/root:/bin/sh\n' >"$R/etc/passwd"
printf 'root:x:0:\n' >"$R/etc/group"
ln -s loop-b "$R/etc/kubernetes/manifests/kube-apiserver.yaml"
ln -s kube-apiserver.yaml "$R/etc/kubernetes/manifests/loop-b"
ln -s ../../../../../../../../etc/shadow "$R/etc/kubernetes/manifests/etcd.yaml"
printf 'kind: KubeletConfiguration\nauthentication: [unclosed\n' >"$R/var/lib/kubelet/bad.yaml"
{
	echo 'kind: KubeletConfiguration'
	head -c 5000000 /dev/zero | tr '\0' '#'
	echo
} >"$R/var/lib/kubelet/huge.yaml"
printf 'kind: KubeletConfiguration\nreadOnlyPort: "\xff\xfe"\n' >"$R/var/lib/kubelet/utf.yaml"
mkdir -p "$T/bin"
cp "$STUB" "$T/bin/kubelet"
cp "$STUB" "$T/bin/kube-apiserver"

audit() { # audit KUBELET-ARGS...: one scan with a kubelet stub running
	# the arguments go through a file: one argument may be up to 128 KiB,
	# a bash -c script holding them all could not be
	printf '%s\n' "$@" >"$T/args"
	in_ns "mapfile -t a <$T/args; KA_STUB_PIDFILE=$T/pid $T/bin/kubelet \"\${a[@]}\" & for i in \$(seq 100); do [ -s $T/pid ] && break; sleep 0.02; done;
	       $BIN --once --format json --root $R --profile-dir $PROF --targets master,node >$T/out 2>$T/err; echo \$? >$T/rc; kill %1"
	rm -f "$T/pid"
	if ! jq -e . "$T/out" >/dev/null 2>&1; then
		bad "output is not valid JSON: $(head -c 300 "$T/out") $(cat "$T/err")"
		return 1
	fi
	ok "valid JSON report (exit $(cat "$T/rc"))"
}

audit --config=/var/lib/kubelet/bad.yaml --pod-manifest-path=/etc/kubernetes/manifests
expect_state 4.2.1 ERROR "bad.yaml:"
# the manifests directory is a kubelet setting: unknowable while its config is broken
expect_state 1.1.1 ERROR "bad.yaml:"
[ "$(cat "$T/rc")" = 2 ] && ok "exit 2 with ERROR results" || bad "exit $(cat "$T/rc"), wanted 2"

audit --pod-manifest-path=/etc/kubernetes/manifests
expect_state 1.1.1 ERROR "too many levels of symbolic links"
expect_state 1.1.7 ERROR "outside the audited root"

audit --config=/var/lib/kubelet/huge.yaml
expect_state 4.2.1 ERROR "huge.yaml"

audit --config=/var/lib/kubelet/utf.yaml
expect_state 4.2.4 ERROR "utf.yaml"

audit --config=/var/lib/kubelet/missing.yaml
expect_state 4.2.1 ERROR "missing.yaml"
expect_state 4.1.9 ERROR

# non-UTF-8 bytes and an argv over 100 KiB (one argument may be at most
# 128 KiB: MAX_ARG_STRLEN)
big=$(head -c 122880 /dev/zero | tr '\0' 'x')
audit "--config=/var/lib/kubelet/$(printf '\xff\xfe').yaml" "--hostname-override=$big" "--node-labels=$big"
expect_state 4.2.7 WARN
len=$(jq -r '[.results[] | select(.id == "4.2.7") | .evidence[] | select(.source == "argv") | .text | length] | max' "$T/out")
[ "${len:-0}" -ge 122880 ] && ok "120 KiB argument (240 KiB argv) kept whole in evidence ($len chars)" ||
	bad "120 KiB argument truncated to ${len:-0}"
jq -r '.results[] | select(.id == "4.2.1") | .reason' "$T/out" | grep -q '\\xff' &&
	ok "non-UTF-8 bytes escaped as \\xNN" || bad "non-UTF-8 bytes not shown escaped: $(reason 4.2.1)"

# ---- unreadable files: audit as an unprivileged user ----
chmod 700 "$R/var/lib/kubelet"
printf 'kind: KubeletConfiguration\n' >"$R/var/lib/kubelet/config.yaml"
in_ns "KA_STUB_PIDFILE=$T/pid $T/bin/kubelet --config=/var/lib/kubelet/config.yaml & for i in \$(seq 100); do [ -s $T/pid ] && break; sleep 0.02; done;
       setpriv --reuid=65534 --regid=65534 --clear-groups $BIN --once --format json --root $R --profile-dir $PROF --targets node >$T/out 2>$T/err; echo \$? >$T/rc; kill %1"
rm -f "$T/pid"
if jq -e . "$T/out" >/dev/null 2>&1; then
	ok "unprivileged audit gives a valid report (exit $(cat "$T/rc"))"
	s=$(state 4.2.1)
	case $s in
	ERROR) ok "4.2.1 is ERROR when the config cannot be read ($(reason 4.2.1))" ;;
	*) bad "4.2.1 is $s when the config cannot be read" ;;
	esac
else
	bad "unprivileged audit: no valid JSON: $(cat "$T/err")"
fi
chmod 755 "$R/var/lib/kubelet"

# ---- processes exiting mid-scan ----
in_ns "for i in \$(seq 400); do $T/bin/kube-apiserver --profiling=false & p=\$!; kill \$p 2>/dev/null; done >/dev/null 2>&1 &
       churn=\$!
       rc=0
       for i in \$(seq 30); do $BIN --once --format json --root $R --profile-dir $PROF --targets master >$T/out 2>>$T/err || rc=\$?;
           [ \$rc -gt 2 ] && break; jq -e . $T/out >/dev/null || { rc=99; break; }; done
       kill \$churn 2>/dev/null; wait 2>/dev/null; echo \$rc >$T/rc"
rc=$(cat "$T/rc")
[ "$rc" -le 2 ] && ok "30 scans while processes start and exit: no crash, valid JSON" ||
	bad "scans during process churn: status $rc: $(tail -c 300 "$T/err")"

echo "1..$n"
[ "$fails" -eq 0 ] && echo "all $n bad-input checks passed" || echo "$fails of $n bad-input checks failed"
[ "$fails" -eq 0 ]
