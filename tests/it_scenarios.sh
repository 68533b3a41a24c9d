#!/bin/bash
# it_scenarios.sh - the whole program on sample nodes: for each layout of
# sample-node.sh, build the node, start its processes in a private PID
# namespace, run kube-auditd --once on it and compare the state of every
# check with tests/expect/LAYOUT.tsv (an oracle written from the benchmark
# text, not from the program's output). Also checks the exit status rule
# (DESIGN 3.1), the text and junit formats, and that no secret of the node
# (encryption keys, tokens) appears in any output.
#
#   tests/it_scenarios.sh [LAYOUT...]     default: every layout
# make check may run this with a POSIX sh: the rest needs bash
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

ka_require_sample_node
ka_require_json_tool
ka_tmpdir
export KA_PKI_CACHE=${KA_PKI_CACHE:-$KA_TMP/pki}

if [ $# -gt 0 ]; then
	layouts=("$@")
else
	mapfile -t layouts < <("$BASH" "$KA_SAMPLE_NODE" layouts)
fi
profiles=$(readlink -f "$KA_PROFILE_DIR")

nmatch=0
nmismatch=0
nproblems=0
failed_layouts=()

problem() {
	printf '  PROBLEM %s: %s\n' "$layout" "$*"
	nproblems=$((nproblems + 1))
	bad=1
}

# audit DIR OUT FORMAT...: runs kube-auditd on the node; sets rc
audit() {
	local node=$1 out=$2
	shift 2
	rc=0
	"$BASH" "$KA_SAMPLE_NODE" run "$node" -- "$KA_BIN" --once --root "$node/root" \
		--profile-dir "$profiles" "$@" >"$out" 2>"$out.err" || rc=$?
}

# no secret of the node may be copied into a report or a log
check_secrets() {
	local node=$1 f s
	shift
	while IFS= read -r s; do
		[ -n "$s" ] || continue
		for f in "$@"; do
			if grep -qF -- "$s" "$f" 2>/dev/null; then
				problem "a secret of the node appears in $(basename "$f")"
			fi
		done
	done <"$node/secrets"
}

for layout in "${layouts[@]}"; do
	bad=0
	node=$KA_TMP/$layout
	expect=$KA_EXPECT_DIR/$layout.tsv
	[ -f "$expect" ] || ka_hard_error "no expectation file $expect"
	"$BASH" "$KA_SAMPLE_NODE" build "$node" "$layout" || ka_hard_error "building $layout failed"
	ka_log "layout $layout"

	out=$KA_TMP/$layout.json
	audit "$node" "$out" --format json
	json_rc=$rc
	if ! ka_json_ok "$out"; then
		problem "--format json: not a JSON document (exit $rc)"
		sed 's/^/    stderr: /' "$out.err" | head -20
		nmismatch=$((nmismatch + $(grep -vc '^#' "$expect")))
		failed_layouts+=("$layout")
		continue
	fi
	ka_results "$out" >"$out.tsv"

	# every expected check, compared by id
	while IFS=$'\t' read -r id want why; do
		case $id in '#'* | '') continue ;; esac
		# fields split on US, not TAB: read would merge empty TAB-separated fields
		got=$(awk -F'\t' -v id="$id" '$1 == id { print; exit }' "$out.tsv" | tr '\t' '\037')
		if [ -z "$got" ]; then
			printf '  MISMATCH %s %s: expected %s (%s), missing from the report\n' \
				"$layout" "$id" "$want" "$why"
			nmismatch=$((nmismatch + 1))
			bad=1
			continue
		fi
		IFS=$'\037' read -r _ state reason actual evidence <<<"$got"
		if [ "$state" = "$want" ]; then
			nmatch=$((nmatch + 1))
			continue
		fi
		printf '  MISMATCH %s %s: expected %s (%s), got %s\n' "$layout" "$id" "$want" "$why" "$state"
		printf '      reason: %s\n      actual: %s\n      evidence: %s\n' \
			"${reason:-(none)}" "${actual:-(none)}" "${evidence:-(none)}"
		nmismatch=$((nmismatch + 1))
		bad=1
	done <"$expect"
	# and nothing the oracle does not know about
	cut -f1 "$out.tsv" | sort >"$out.ids"
	grep -v '^#' "$expect" | cut -f1 | sort >"$out.want"
	for id in $(comm -23 "$out.ids" "$out.want"); do
		problem "result $id is not in the benchmark's expectation file"
	done
	if [ "$(uniq -d "$out.ids" | wc -l)" != 0 ]; then
		problem "duplicate result ids: $(uniq -d "$out.ids" | tr '\n' ' ')"
	fi

	# exit status (DESIGN 3.1) from the states the report gives
	want_rc=$(cut -f2 "$out.tsv" | ka_status_for_states)
	[ "$json_rc" = "$want_rc" ] ||
		problem "exit status $json_rc, but the report's states call for $want_rc"
	oracle_rc=$(grep -v '^#' "$expect" | cut -f2 | ka_status_for_states)
	[ "$json_rc" = "$oracle_rc" ] ||
		problem "exit status $json_rc, the expectation calls for $oracle_rc"
	# the summary counts the results
	read -r sp sf sw ss se < <(ka_summary "$out")
	counts=$(cut -f2 "$out.tsv" | awk '{ n[$1]++ } END {
		printf "%d %d %d %d %d", n["PASS"], n["FAIL"], n["WARN"], n["SKIP"], n["ERROR"] }')
	[ "$sp $sf $sw $ss $se" = "$counts" ] ||
		problem "summary says pass/fail/warn/skip/error $sp $sf $sw $ss $se, results count $counts"
	# diagnostics belong on stderr, the report alone on stdout
	[ ! -s "$out.err" ] || sed 's/^/    stderr: /' "$out.err" | head -10

	# the other formats: same exit status, output on stdout
	for fmt in text junit; do
		audit "$node" "$KA_TMP/$layout.$fmt" --format "$fmt"
		[ "$rc" = "$json_rc" ] || problem "--format $fmt: exit $rc, json gave $json_rc"
		[ -s "$KA_TMP/$layout.$fmt" ] || problem "--format $fmt: empty output"
	done
	if ! grep -q '<testsuite' "$KA_TMP/$layout.junit"; then
		problem "--format junit: no <testsuite> element"
	elif command -v python3 >/dev/null &&
		! python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' \
			"$KA_TMP/$layout.junit" 2>/dev/null; then
		problem "--format junit: not well-formed XML"
	fi
	if [ "$layout" = kubeadm ]; then
		# the text report ends with a summary line giving every count
		line=$(grep -iE "\<$sp\>.*pass|pass.*\<$sp\>" "$KA_TMP/$layout.text" |
			grep -iE "fail" | grep -iE "warn" | grep -iE "skip" | grep -iE "error" | tail -1 || true)
		if [ -z "$line" ]; then
			problem "--format text: no summary line with pass/fail/warn/skip/error counts"
		else
			for n in "$sf" "$sw" "$ss" "$se"; do
				grep -qE "(^|[^0-9])$n([^0-9]|$)" <<<"$line" ||
					problem "--format text: summary line '$line' lacks the count $n"
			done
		fi
	fi
	check_secrets "$node" "$out" "$out.err" "$KA_TMP/$layout.text" "$KA_TMP/$layout.text.err" \
		"$KA_TMP/$layout.junit" "$KA_TMP/$layout.junit.err"

	if [ "$bad" = 0 ]; then
		ka_log "ok $layout: $(grep -vc '^#' "$expect") checks as expected, exit $json_rc"
	else
		failed_layouts+=("$layout")
	fi
	[ -n "${KA_KEEP:-}" ] || rm -rf "$node"
done

echo "checks: $nmatch passed, $nmismatch failed"
if [ "$nmismatch" -gt 0 ] || [ "$nproblems" -gt 0 ]; then
	ka_fail "layouts with mismatches or problems: ${failed_layouts[*]}"
fi
ka_log "all layouts as expected"
