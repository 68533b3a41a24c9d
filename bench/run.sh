#!/bin/bash
# bench/run.sh - measures kube-auditd; records nothing by itself: copy the
# figures it prints into bench/RESULTS.md with the machine and the date.
#
#   1. whole-process time and peak RSS of `kube-auditd --once` on the sample
#      control-plane node (kubeadm layout), median of RUNS runs, with the
#      profiles as installed (with their caches) and as plain YAML;
#   2. the same with 5,000 extra idle processes in the PID namespace, next to
#      a bare sweep of /proc/*/cmdline over the same processes;
#   3. the floor under those figures: an empty program, one linked with
#      libproc2, one that opens a libproc2 pids context (bench/floor.c);
#   4. instructions of one scan (valgrind --tool=callgrind), which do not
#      depend on the machine's load, when valgrind is installed.
# Needs root (the sample node sets owners and uses a private PID namespace).
set -euo pipefail

# shellcheck source=paths.sh source-path=SCRIPTDIR
. "$(dirname "$0")/paths.sh"
RUNS=${RUNS:-200}
EXTRA=${EXTRA:-5000}

T=$(mktemp -d /tmp/ka-bench-XXXXXX)
trap 'rm -rf "$T"' EXIT
cc -O2 -o "$T/measure" "$top/bench/measure.c"
# the floor: an empty program, one linked with libproc2, one that also opens
# a pids context (bench/floor.c)
cc -O2 -o "$T/floor-empty" "$top/bench/floor.c"
# shellcheck disable=SC2046
cc -O2 -DFLOOR_LINK -o "$T/floor-link" "$top/bench/floor.c" $(pkg-config --cflags --libs libproc2)
# shellcheck disable=SC2046
cc -O2 -DFLOOR_PIDS -o "$T/floor-pids" "$top/bench/floor.c" $(pkg-config --cflags --libs libproc2)
export KA_STUB="$STUB" KA_BIN="$BIN" KA_PROFILE_DIR="$PROF"
"$top/tests/sample-node.sh" build "$T/node" kubeadm >/dev/null
# the installed form of the profiles: a copy with FILE.yaml.cache beside each
# file (ka-profile-cache, as make install does); PROF stays the plain YAML
PROFC=$T/profiles-cached
cp -r "$PROF" "$PROFC"
chmod -R go-w "$PROFC"
"$build/ka-profile-cache" "$PROFC" >/dev/null

echo "machine: $(uname -srm); $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "date:    $(date -u +%Y-%m-%d)"
echo "binary:  $BIN ($(stat -c %s "$BIN") bytes); shared libraries: $(ldd "$BIN" | wc -l)"

cat >"$T/inner.sh" <<INNER
set -e
echo "== floor: an empty C program"
"$T/measure" $RUNS -- "$T/floor-empty"
echo "== floor: the same linked with libproc2 (not called)"
"$T/measure" $RUNS -- "$T/floor-link"
echo "== floor: libproc2 linked, one pids context opened and closed"
"$T/measure" $RUNS -- "$T/floor-pids"
echo "== kube-auditd --version (process start with the linked libraries)"
"$T/measure" $RUNS -- "$BIN" --version
echo "== kube-auditd --once (text), sample control-plane node, \$(ls /proc | grep -c '^[0-9]') processes, installed profiles (cached)"
"$T/measure" $RUNS -- "$BIN" --once --root "$T/node/root" --profile-dir "$PROFC"
echo "== the same, profiles parsed from YAML (no cache)"
"$T/measure" $RUNS -- "$BIN" --once --root "$T/node/root" --profile-dir "$PROF"
echo "== kube-auditd --once --format json, same node, cached profiles"
"$T/measure" $RUNS -- "$BIN" --once --format json --root "$T/node/root" --profile-dir "$PROFC"
if command -v valgrind >/dev/null; then
	for p in "$PROFC" "$PROF"; do
		valgrind --tool=callgrind --callgrind-out-file="$T/cg0.out" "$BIN" --once --format json \
			--root "$T/node/root" --profile-dir "\$p" >/dev/null 2>"$T/cg.err" || true
		echo "== instructions of one --once --format json (callgrind), \$(basename "\$p"): \$(sed -n 's/^summary: //p' "$T/cg0.out")"
	done
fi
echo "== profile load alone (--check 5.6.4: one cluster-scope check, nothing to read), cached"
"$T/measure" $RUNS -- "$BIN" --once --format json --root "$T/node/root" --profile-dir "$PROFC" --check 5.6.4
echo "== the same, YAML"
"$T/measure" $RUNS -- "$BIN" --once --format json --root "$T/node/root" --profile-dir "$PROF" --check 5.6.4
echo "== bare sweep of /proc/*/cmdline"
"$T/measure" --sweep $RUNS
for i in \$(seq $EXTRA); do "$STUB" idle & done
sleep 1
echo "== with $EXTRA extra idle processes (\$(ls /proc | grep -c '^[0-9]') processes)"
"$T/measure" $((RUNS / 4)) -- "$BIN" --once --format json --root "$T/node/root" --profile-dir "$PROFC"
echo "== bare sweep of /proc/*/cmdline"
"$T/measure" --sweep $((RUNS / 4))
if command -v valgrind >/dev/null; then
	valgrind --tool=callgrind --callgrind-out-file="$T/cg.out" "$BIN" --once --format json \
		--root "$T/node/root" --profile-dir "$PROFC" >/dev/null 2>"$T/cg.err" || true
	echo "== instructions of one scan with $EXTRA extra processes (callgrind): \$(sed -n 's/^summary: //p' "$T/cg.out")"
fi
INNER
"$top/tests/sample-node.sh" run "$T/node" -- bash "$T/inner.sh"
