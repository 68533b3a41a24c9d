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
