# shellcheck shell=bash
# lib.sh - helpers shared by the integration tests (tests/it_*.sh), sourced.
#
# make check sets top_srcdir and top_builddir; run by hand, both default to
# the source tree (a build in place). Exit codes follow Automake: 0 pass,
# 1 fail, 77 skip, 99 hard error (the test could not run at all).
#
# Overridable: KA_BIN (kube-auditd), KA_STUB (stub binary), KA_PROFILE_DIR,
# KA_PKI_CACHE (shared sample PKI), KA_KEEP=1 (keep the temporary tree).

ka_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${top_srcdir:=$(cd "$ka_lib_dir/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
export top_srcdir top_builddir

KA_BIN=${KA_BIN:-$top_builddir/kube-auditd}
KA_STUB=${KA_STUB:-$top_builddir/tests/ka-stub}
KA_PROFILE_DIR=${KA_PROFILE_DIR:-$top_srcdir/profiles}
KA_SAMPLE_NODE=$top_srcdir/tests/sample-node.sh
KA_EXPECT_DIR=$top_srcdir/tests/expect
export KA_BIN KA_STUB KA_PROFILE_DIR KA_SAMPLE_NODE KA_EXPECT_DIR

ka_name=$(basename "$0" .sh)

ka_log() {
	printf '%s: %s\n' "$ka_name" "$*"
}

ka_fail() {
	printf '%s: FAIL: %s\n' "$ka_name" "$*" >&2
	exit 1
}

# A skip always says why, on stderr and in the log; under CI (which runs as
# root, where no skip is expected) it says so loudly.
ka_skip() {
	printf '%s: SKIP: %s\n' "$ka_name" "$*" >&2
	if [ -n "${CI:-}" ]; then
		printf '%s: WARNING: skipped under CI, this test did not run: %s\n' "$ka_name" "$*" >&2
	fi
	exit 77
}

ka_hard_error() {
	printf '%s: ERROR: %s\n' "$ka_name" "$*" >&2
	exit 99
}

# Root (file owners, namespaces) and a working unshare --pid --mount-proc.
ka_require_root_ns() {
	local err
	[ "$(id -u)" = 0 ] || ka_skip "needs root (chown of the sample tree, private PID namespace)"
	command -v unshare >/dev/null || ka_skip "unshare (util-linux) not installed"
	command -v openssl >/dev/null || ka_skip "openssl CLI not installed"
	if ! err=$(unshare --pid --fork --mount-proc true 2>&1); then
		ka_skip "cannot make a private PID namespace: ${err:-unshare failed}"
	fi
}

# The program under test and the stub must exist: make check builds both,
# so their absence is an error, not a reason to skip.
ka_require_bin() {
	[ -x "$KA_BIN" ] || ka_hard_error "$KA_BIN not built (run make, or set KA_BIN)"
	[ -d "$KA_PROFILE_DIR" ] || ka_hard_error "$KA_PROFILE_DIR: no profile directory"
}

ka_require_stub() {
	[ -x "$KA_STUB" ] || ka_hard_error "$KA_STUB not built (make check builds tests/ka-stub, or set KA_STUB)"
}

# A test on a sample node: root, a private PID namespace, the program under
# test and the stub that stands in for the components.
ka_require_sample_node() {
	ka_require_root_ns
	ka_require_bin
	ka_require_stub
}

# kube-auditctl, built by make check: sets CTL (KA_CTL overrides it).
ka_require_ctl() {
	CTL=${KA_CTL:-$top_builddir/kube-auditctl}
	[ -x "$CTL" ] || ka_hard_error "$CTL not built"
}

ka_require_json_tool() {
	if command -v jq >/dev/null; then
		KA_JSON=jq
	elif command -v python3 >/dev/null; then
		KA_JSON=python3
	else
		ka_skip "neither jq nor python3 to read the JSON report"
	fi
}

# Makes KA_TMP (a real path: the auditor refuses symlinks on the way) and
# removes it on exit unless KA_KEEP is set.
ka_tmpdir() {
	KA_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ka-$ka_name.XXXXXX")
	KA_TMP=$(readlink -f "$KA_TMP")
	trap ka_cleanup EXIT
	trap 'exit 130' INT TERM
}

ka_cleanup() {
	local rc=$?
	if [ -n "${KA_KEEP:-}" ]; then
		printf '%s: kept %s\n' "$ka_name" "$KA_TMP" >&2
	else
		rm -rf "$KA_TMP"
	fi
	return "$rc"
}

# ka_results FILE: one line per result of a JSON report:
#   id TAB status TAB reason TAB actual TAB evidence (summarised)
ka_results() {
	if [ "$KA_JSON" = jq ]; then
		jq -r '.results[] | [.id, .status, (.reason // ""), (.actual // "" | tostring),
			([.evidence[]? | .source + "{" + ([to_entries[] | select(.key != "source")
			| .key + "=" + (.value | tostring)] | join(" ")) + "}"] | join(" "))] | @tsv' "$1"
	else
		python3 - "$1" <<'EOF'
import json, sys
def clean(s):
    return str(s).replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n')
for r in json.load(open(sys.argv[1]))['results']:
    ev = ' '.join(e.get('source', '') + '{' + ' '.join(
        f'{k}={v}' for k, v in e.items() if k != 'source') + '}' for e in r.get('evidence') or [])
    print('\t'.join(clean(x) for x in (r['id'], r['status'], r.get('reason') or '',
                                         r.get('actual') or '', ev)))
EOF
	fi
}

# ka_summary FILE: "pass fail warn skip error" from the report's summary
ka_summary() {
	if [ "$KA_JSON" = jq ]; then
		jq -r '.summary | "\(.pass) \(.fail) \(.warn) \(.skip) \(.error)"' "$1"
	else
		python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print(s["pass"], s["fail"], s["warn"], s["skip"], s["error"])' "$1"
	fi
}

# ka_json_ok FILE: the file is one valid JSON document
ka_json_ok() {
	if [ "$KA_JSON" = jq ]; then
		jq -e . "$1" >/dev/null 2>&1
	else
		python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null
	fi
}

# The exit status DESIGN 3.1 gives for a set of states on stdin.
ka_status_for_states() {
	awk '$1 == "ERROR" { e = 1 } $1 == "FAIL" { f = 1 }
		END { print (e ? 2 : (f ? 1 : 0)) }'
}

# ka_deb_build: sets KA_DEB to a kube-auditd .deb built by
# `dpkg-buildpackage -us -uc -b` from a copy of the source tree (never in the
# tree itself: make check may run out of tree, on a read-only source). The
# copy is `git archive HEAD` of a clean git checkout, else the tree without
# its build directories. Tests of one build directory share the package:
# it is kept in tests/deb-cache/KEY under the build directory, KEY being the
# hash of the copied tree, and built once under a lock.
# Skips (77) without dpkg-buildpackage, debhelper, fakeroot or the build
# dependencies. KA_DEB_OPTIONS: extra DEB_BUILD_OPTIONS.
ka_deb_build() {
	local tool err src key cache log start
	for tool in dpkg-buildpackage:dpkg-dev dh:debhelper fakeroot:fakeroot \
		dpkg-checkbuilddeps:dpkg-dev flock:util-linux; do
		command -v "${tool%%:*}" >/dev/null ||
			ka_skip "${tool%%:*} not installed (Debian package ${tool#*:})"
	done
	[ -f "$top_srcdir/debian/control" ] || ka_hard_error "$top_srcdir/debian/control: missing"
	if ! err=$(cd "$top_srcdir" && dpkg-checkbuilddeps 2>&1); then
		ka_skip "build dependencies missing: ${err#dpkg-checkbuilddeps: }"
	fi
	[ -n "${KA_TMP:-}" ] || ka_tmpdir
	src=$KA_TMP/deb-src
	mkdir -p "$src"
	# git archive stores directories 0775 (its tar.umask is 002) and tar as
	# root keeps that; the build's unit tests rightly refuse group-writable
	# profile directories, so modes go through a umask of 022
	(
		umask 022
		if git -C "$top_srcdir" rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
			[ "$(git -C "$top_srcdir" rev-parse --show-toplevel)" = "$(cd "$top_srcdir" && pwd -P)" ] &&
			[ -z "$(git -C "$top_srcdir" status --porcelain)" ]; then
			ka_log "source: git archive HEAD of $top_srcdir"
			git -C "$top_srcdir" archive HEAD | tar -C "$src" --no-same-permissions -xf -
		else
			ka_log "source: copy of $top_srcdir (not a clean git checkout)"
			# leave out VCS data, configured build directories and the
			# products of an earlier package build
			local excl=(--exclude=./.git --exclude=./autom4te.cache --exclude=./debian/.debhelper
				--exclude=./debian/build --exclude=./debian/tmp --exclude=./debian/kube-auditd
				--exclude=./debian/files --exclude='./debian/*.substvars'
				--exclude=./debian/debhelper-build-stamp --exclude='./debian/*.debhelper.log')
			local d
			for d in "$top_srcdir"/*/; do
				[ -f "$d/config.status" ] && excl+=("--exclude=./$(basename "$d")")
			done
			tar -C "$top_srcdir" "${excl[@]}" -cf - . | tar -C "$src" --no-same-permissions -xf -
			# a build in place would make the package's out-of-tree
			# configure refuse
			if [ -f "$src/config.status" ]; then
				make -C "$src" distclean >/dev/null 2>&1 ||
					ka_hard_error "make distclean of the copied in-place build failed"
			fi
		fi
	)
	key=$(tar -C "$src" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf - . |
		sha256sum | cut -c1-16)
	cache=$top_builddir/tests/deb-cache/$key
	mkdir -p "$cache"
	exec 8>"$cache/.lock"
	flock 8
	KA_DEB=$(find "$cache" -maxdepth 1 -name 'kube-auditd_*.deb' -print -quit)
	if [ -n "$KA_DEB" ]; then
		ka_log "package: $KA_DEB (built earlier from the same tree)"
	else
		mkdir -p "$cache/build"
		mv "$src" "$cache/build/src"
		log=$cache/build.log
		start=$(date +%s)
		# a build like a Debian one: the distribution's flags, not the
		# caller's (make check's CFLAGS, CI's -Werror) nor make's
		# jobserver of make check
		if ! (
			cd "$cache/build/src" &&
				unset CFLAGS CPPFLAGS CXXFLAGS LDFLAGS MAKEFLAGS MFLAGS MAKELEVEL &&
				DEB_BUILD_OPTIONS="parallel=$(nproc) ${KA_DEB_OPTIONS:-}" dpkg-buildpackage -us -uc -b
		) >"$log" 2>&1; then
			tail -n 80 "$log" >&2
			rm -rf "$cache/build"
			exec 8>&-
			ka_fail "dpkg-buildpackage -us -uc -b failed (log above, last 80 lines)"
		fi
		ka_log "ok: dpkg-buildpackage -us -uc -b built the package in $(($(date +%s) - start)) s"
		mv "$cache/build"/kube-auditd_*.deb "$cache/"
		rm -rf "$cache/build"
		KA_DEB=$(find "$cache" -maxdepth 1 -name 'kube-auditd_*.deb' -print -quit)
		[ -n "$KA_DEB" ] || ka_fail "no kube-auditd_*.deb was built"
	fi
	exec 8>&-
	rm -rf "$src"
}

# ka_ansible_cfg: an ansible.cfg of the test's own in KA_TMP (nothing from
# the machine's or the user's), exported as ANSIBLE_CONFIG; temporary files
# stay in KA_TMP.
ka_ansible_cfg() {
	cat >"$KA_TMP/ansible.cfg" <<EOF
[defaults]
nocolor = True
host_key_checking = False
retry_files_enabled = False
local_tmp = $KA_TMP/ansible-local
remote_tmp = $KA_TMP/ansible-remote
EOF
	export ANSIBLE_CONFIG=$KA_TMP/ansible.cfg
}
