#!/bin/bash
# quickstart.sh - the README's two set-up commands, on a fresh Debian/Ubuntu.
#
#   contrib/quickstart.sh audit   install dependencies, build, and audit this
#                                 node once (or, when this machine is not a
#                                 Kubernetes node, the bundled sample node)
#   contrib/quickstart.sh test    install dependencies, build, and run every
#                                 test; ends with "N passed, M failed"
#   contrib/quickstart.sh test-sanitizers
#                                 the same suite, built with ASan and UBSan in
#                                 build-sanitizers/
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
# kube-auditd refuses group- or world-writable profiles; a checkout made with
# umask 002 has group-writable directories, so the tree's own are fixed here
chmod -R go-w profiles

# what building and the sample node's audit need
BUILD_DEPS="build-essential autoconf automake pkg-config libproc2-dev libyaml-dev
libjansson-dev libssl-dev libcurl4-openssl-dev check libxml2-dev libsubunit-dev
openssl util-linux procps"
# what the whole test suite needs besides: real services and tools it drives
TEST_DEPS="groff mandoc etcd-server etcd-client jq python3 rsyslog
prometheus-node-exporter curl valgrind systemd libseccomp-dev dpkg-dev
debhelper lintian fakeroot ansible sudo openssh-client iproute2"
DEPS="$BUILD_DEPS $TEST_DEPS"

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_deps() { # install_deps PACKAGES: the missing ones, with apt-get
	local missing=""
	for p in $1; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		echo "quickstart: installing:$missing" >&2
		as_root apt-get update -qq
		# shellcheck disable=SC2086
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
	fi
	# these packages start system services; the tests start their own
	if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
		as_root systemctl disable --now etcd prometheus-node-exporter >/dev/null 2>&1 || true
	fi
}

build() { # build DIR [configure args...]
	local dir=$1
	shift
	[ -x configure ] || ./autogen.sh >/dev/null
	mkdir -p "$dir"
	(cd "$dir" && { [ -f Makefile ] || "$top/configure" -q "$@"; } && make -s -j"$(nproc)")
}

totals() { # totals DIR: prints "passed failed skipped" from automake's log
	# only the summary at the top of test-suite.log counts: the logs of
	# failing tests follow it, and one may hold a nested suite's totals
	# (the package build's unit tests, for one)
	local log=$1/test-suite.log
	awk '/^# (PASS|FAIL|ERROR|XPASS|SKIP): *[0-9]+$/ && !seen[$2]++ { n[$2] = $3 }
		END { printf "%d %d %d\n", n["PASS:"], n["FAIL:"] + n["ERROR:"] + n["XPASS:"], n["SKIP:"] }' "$log"
}

run_suite() { # run_suite DIR [configure args...]
	local dir=$1 rc=0 p f s
	build "$@"
	(cd "$dir" && make -s check) || rc=$?
	if [ ! -f "$dir/test-suite.log" ]; then
		echo "quickstart: the test suite did not run" >&2
		echo "0 passed, 1 failed"
		return 1
	fi
	read -r p f s < <(totals "$dir")
	if [ "$f" -gt 0 ] || [ "$rc" -ne 0 ]; then
		# show what failed, with the end of each failing test's log
		local t
		grep -E '^(FAIL|ERROR|XPASS):' "$dir/test-suite.log" >&2 || true
		for t in $(sed -n 's/^\(FAIL\|ERROR\|XPASS\): //p' "$dir/test-suite.log" | sort -u); do
			[ -f "$dir/$t.log" ] || continue
			echo "--- end of $dir/$t.log" >&2
			tail -n 40 "$dir/$t.log" >&2
		done
	fi
	if [ "$s" -gt 0 ]; then
		echo "$p passed, $f failed, $s skipped"
	else
		echo "$p passed, $f failed"
	fi
	[ "$f" -eq 0 ] && [ "$rc" -eq 0 ]
}

case "${1:-}" in
audit)
	install_deps "$BUILD_DEPS"
	build build
	if pgrep -x kubelet >/dev/null || pgrep -x kube-apiserver >/dev/null; then
		as_root "$top/build/kube-auditd" --once --profile-dir "$top/profiles"
	else
		echo "quickstart: this machine is not a Kubernetes node; auditing the bundled sample node" >&2
		as_root env KA_BIN="$top/build/kube-auditd" KA_STUB="$top/build/tests/ka-stub" \
			KA_PROFILE_DIR="$top/profiles" "$top/tests/sample-node.sh" demo
	fi
	;;
test)
	install_deps "$DEPS"
	run_suite build
	;;
test-sanitizers)
	install_deps "$DEPS"
	run_suite build-sanitizers --enable-sanitizers --disable-hardening
	;;
*)
	echo "usage: $0 audit | test | test-sanitizers" >&2
	exit 2
	;;
esac
