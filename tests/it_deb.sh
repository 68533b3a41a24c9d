#!/bin/bash
# it_deb.sh - the Debian package (debian/):
#
# 1. dpkg-buildpackage -us -uc -b builds kube-auditd_*.deb in a copy of the
#    source tree (tests/lib.sh: ka_deb_build).
# 2. lintian reports no error (E:) on the .deb; its other tags are shown.
# 3. dpkg -x into a scratch root: the binaries, the profiles (the 131
#    recommendations of cis-1.12 load from them), the man pages, the unit,
#    the sysusers.d and tmpfiles.d snippets and the conffile are there; the
#    extracted kube-auditd runs and defaults to the packaged profiles.
# 4. dpkg-deb: /etc/kube-auditd/kube-auditd.conf is a conffile; postinst
#    creates the user (systemd-sysusers) before systemd-tmpfiles chowns
#    its directories to it; no maintainer script enables or starts the
#    service (a deb-systemd-helper enable only for a unit installed before,
#    which keeps an operator's choice across upgrades; try-restart only).
#
# Skipped (77) without dpkg-buildpackage, debhelper, fakeroot or lintian.
# KA_DEB_OPTIONS: extra DEB_BUILD_OPTIONS (nocheck skips the unit tests the
# package build runs).
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

KA_NCHECKS=131

command -v lintian >/dev/null || ka_skip "lintian not installed (Debian package lintian)"
ka_tmpdir

# ---------------------------------------------------------------------------
# 1. build in a copy (tests/lib.sh: ka_deb_build, shared with it_ansible.sh)

ka_deb_build
deb=$KA_DEB
ka_log "ok: built $(basename "$deb")"

fails=0
ok() { ka_log "ok: $*"; }
bad() {
	ka_log "NOT OK: $*"
	fails=$((fails + 1))
}

# ---------------------------------------------------------------------------
# 2. lintian: no error; warnings kept are documented in debian/README.source

lint=$KA_TMP/lintian.out
# exit status 1 only for errors with --fail-on error; the E: lines are what
# is asserted, so it is ignored
lintian --fail-on error --display-info --suppress-tags-from-file /dev/null "$deb" >"$lint" 2>&1 || true
if grep -q '^E: ' "$lint"; then
	cat "$lint" >&2
	bad "lintian reports errors (above)"
else
	ok "lintian: no error ($(grep -c '^W: ' "$lint" || true) warning(s), $(grep -c '^I: ' "$lint" || true) info)"
	sed 's/^/  /' "$lint"
fi

# ---------------------------------------------------------------------------
# 3. contents

root=$KA_TMP/root
dpkg -x "$deb" "$root"
list=$KA_TMP/files
dpkg-deb -c "$deb" | awk '{ print $NF }' | sed 's|^\./|/|' >"$list"

unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /lib/systemd/system)
expect_file() { # expect_file PATH [mode]
	if ! grep -qxF "$1" "$list"; then
		bad "$1: not in the package"
		return
	fi
	if [ -n "${2:-}" ] && [ "$(stat -c %a "$root$1")" != "$2" ]; then
		bad "$1: mode $(stat -c %a "$root$1"), expected $2"
		return
	fi
	ok "$1"
}
expect_file /usr/sbin/kube-auditd 755
expect_file /usr/bin/kube-auditctl 755
expect_file /etc/kube-auditd/kube-auditd.conf 644
expect_file "${unitdir%/}/kube-auditd.service" 644
expect_file /usr/lib/sysusers.d/kube-auditd.conf 644
expect_file /usr/lib/tmpfiles.d/kube-auditd.conf 644
for m in man5/kube-auditd-profile.5 man5/kube-auditd.conf.5 man8/kube-auditd.8 man1/kube-auditctl.1; do
	expect_file "/usr/share/man/$m.gz" 644
done
# same_tree SRCDIR FIND-ARGS -- DEST-PREFIX NAME [SUFFIX]: the package holds
# every file find selects in SRCDIR, under DEST-PREFIX (and FILE.SUFFIX
# beside each, when given), and no other file there
same_tree() {
	local src=$1 prefix name
	shift
	local args=()
	while [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	prefix=$2 name=$3
	(cd "$src" && find . "${args[@]}" | sed "s|^\\.|$prefix|" |
		if [ -n "${4:-}" ]; then sed "p; s|\$|$4|"; else cat; fi | sort) >"$KA_TMP/want-$name"
	grep "^$prefix/.*[^/]\$" "$list" | sort >"$KA_TMP/got-$name"
	if diff -u "$KA_TMP/want-$name" "$KA_TMP/got-$name" >"$KA_TMP/$name.diff"; then
		ok "$name: all $(wc -l <"$KA_TMP/want-$name") files of ${src#"$top_srcdir"/}"
	else
		cat "$KA_TMP/$name.diff"
		bad "the packaged $name differ from ${src#"$top_srcdir"/} (diff above: - missing, + extra)"
	fi
}
same_tree "$top_srcdir/profiles" -type f -name '*.yaml' -- /usr/share/kube-auditd/profiles profiles .cache
same_tree "$top_srcdir/contrib/ansible" -type f -- /usr/share/kube-auditd/ansible ansible
# no file of a build or of the package build leaked in
if grep -E '(^/usr/local/|\.la$|\.a$|/tests?/)' "$list" >"$KA_TMP/stray"; then
	cat "$KA_TMP/stray"
	bad "unexpected files in the package (above)"
fi

# the packaged binary runs, was configured for /usr, and audits with the
# packaged profiles
bin=$root/usr/sbin/kube-auditd
if out=$("$bin" --version 2>&1); then
	ok "kube-auditd --version: $out"
else
	bad "kube-auditd --version failed: $out"
fi
help=$("$bin" --help 2>&1 || true)
if grep -qF 'default /usr/share/kube-auditd/profiles' <<<"$help"; then
	ok "default profile directory /usr/share/kube-auditd/profiles"
else
	bad "kube-auditd --help does not name /usr/share/kube-auditd/profiles as the default"
fi
"$root/usr/bin/kube-auditctl" --help >/dev/null 2>&1 || bad "kube-auditctl --help failed"
mkdir -p "$KA_TMP/empty"
# in a PID namespace of its own when possible: the components another test
# runs at the same time are not this empty node's
isolate=()
if [ "$(id -u)" = 0 ] && unshare --pid --fork --mount-proc true 2>/dev/null; then
	isolate=(unshare --pid --fork --mount-proc)
fi
rc=0
"${isolate[@]}" "$bin" -vv --once --root "$KA_TMP/empty" --profile-dir "$root/usr/share/kube-auditd/profiles" \
	--format json --color never >"$KA_TMP/report.json" 2>"$KA_TMP/report.err" || rc=$?
# the packaged profiles come with their parsed form (ka-profile-cache at
# make install): every file is read from its cache, and the report is the
# one the YAML itself gives
nfiles=$(($(find "$top_srcdir/profiles/cis-1.12" -maxdepth 1 -name '*.yaml' | wc -l) + 1))
if grep -q "checks from $nfiles files in .* ($nfiles read from their .cache)" "$KA_TMP/report.err"; then
	ok "the packaged profiles load from their caches: $(grep -o "$nfiles files.*" "$KA_TMP/report.err")"
else
	bad "the packaged caches were not used: $(grep 'checks from' "$KA_TMP/report.err")"
fi
if command -v jq >/dev/null; then
	"${isolate[@]}" "$bin" --once --root "$KA_TMP/empty" --profile-dir "$top_srcdir/profiles" \
		--format json --color never >"$KA_TMP/report-yaml.json" 2>/dev/null || true
	if [ -s "$KA_TMP/report-yaml.json" ] && cmp -s <(jq -S 'del(.started_at, .duration_ms)' "$KA_TMP/report.json") \
		<(jq -S 'del(.started_at, .duration_ms)' "$KA_TMP/report-yaml.json"); then
		ok "the report from the caches equals the report from the YAML of the source tree"
	else
		bad "the report from the packaged caches differs from the one of the source profiles"
	fi
fi
n=$(grep -c '^    {$' "$KA_TMP/report.json" || true)
if command -v jq >/dev/null; then
	n=$(jq '.results | length' "$KA_TMP/report.json" 2>/dev/null || echo "?")
elif command -v python3 >/dev/null; then
	n=$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["results"]))' <"$KA_TMP/report.json" 2>/dev/null || echo "?")
fi
if [ "$rc" -le 1 ] && [ "$n" = "$KA_NCHECKS" ]; then
	ok "the packaged profiles give $n recommendations (exit $rc)"
else
	cat "$KA_TMP/report.err" >&2
	bad "audit with the packaged profiles: exit $rc, $n recommendations, expected $KA_NCHECKS"
fi

# ---------------------------------------------------------------------------
# 4. control data

ctl=$KA_TMP/control
dpkg-deb -e "$deb" "$ctl"
if grep -qxF /etc/kube-auditd/kube-auditd.conf "$ctl/conffiles" 2>/dev/null; then
	ok "conffiles: /etc/kube-auditd/kube-auditd.conf"
else
	bad "/etc/kube-auditd/kube-auditd.conf is not a conffile"
fi
if dpkg-deb -I "$deb" conffiles 2>/dev/null | grep -qxF /etc/kube-auditd/kube-auditd.conf; then
	ok "dpkg-deb -I lists the conffile"
else
	bad "dpkg-deb -I kube-auditd.deb conffiles does not list /etc/kube-auditd/kube-auditd.conf"
fi

postinst=$ctl/postinst
if [ ! -f "$postinst" ]; then
	bad "no postinst (the system user is made there)"
else
	users=$(grep -n 'systemd-sysusers.*kube-auditd\.conf' "$postinst" | head -n 1 | cut -d: -f1 || true)
	tmpf=$(grep -n 'systemd-tmpfiles.*--create.*kube-auditd\.conf' "$postinst" | head -n 1 | cut -d: -f1 || true)
	if [ -z "$users" ]; then
		bad "postinst does not run systemd-sysusers on kube-auditd.conf"
	elif [ -n "$tmpf" ] && [ "$tmpf" -lt "$users" ]; then
		bad "postinst runs systemd-tmpfiles (line $tmpf) before it creates the user (line $users)"
	else
		ok "postinst creates the kube-auditd user (systemd-sysusers, line $users) before systemd-tmpfiles"
	fi
	depends=$(dpkg-deb -f "$deb" Depends)
	if grep -qE '(^|[ ,|])(systemd|systemd-sysusers|systemd-standalone-sysusers)([ ,|(]|$)' <<<"$depends"; then
		ok "Depends provides systemd-sysusers: $depends"
	else
		bad "Depends has no provider of systemd-sysusers: $depends"
	fi
fi

# Nothing enables or starts the service: no systemctl enable/start, no
# deb-systemd-invoke start/restart (try-restart only restarts a running
# service), and deb-systemd-helper enable only under was-enabled.
for s in preinst postinst prerm postrm; do
	f=$ctl/$s
	[ -f "$f" ] || continue
	if grep -nE 'systemctl[^#]*[[:space:]](enable|start|restart|reenable|preset)([[:space:]]|$)' "$f"; then
		bad "$s calls systemctl enable/start (above)"
	fi
	# deb-systemd-invoke only to stop it or try-restart it (restarts a running
	# service only); any other action, a variable one too, may start it
	if grep -n 'deb-systemd-invoke' "$f" | grep -vE "deb-systemd-invoke[[:space:]]+(stop|try-restart)[[:space:]]+'?kube-auditd"; then
		bad "$s may start the service with deb-systemd-invoke (above)"
	fi
	# was-enabled is true on a first installation (debhelper's enabling
	# snippet relies on it): an enable is only harmless inside
	# "if deb-systemd-helper debian-installed", true only when the unit
	# was installed (and so possibly enabled by the operator) before
	unguarded=$(awk '
		/^[[:space:]]*if[[:space:]]/ { depth++; guard[depth] = ($0 ~ /deb-systemd-helper[^#]*debian-installed/) }
		/deb-systemd-helper[^#]*[[:space:]](enable|reenable)([[:space:]]|$)/ {
			ok = 0
			for (i = 1; i <= depth; i++) if (guard[i]) ok = 1
			if (!ok) print FILENAME ":" NR ": " $0
		}
		/^[[:space:]]*fi([[:space:]]|;|$)/ { if (depth > 0) depth-- }
		' "$f")
	if [ -n "$unguarded" ]; then
		printf '%s\n' "$unguarded"
		bad "$s enables the service on installation (above)"
	fi
done
ok "maintainer scripts checked for enable/start"

if [ "$fails" -ne 0 ]; then
	ka_fail "$fails check(s) failed"
fi
ka_log "PASS"
