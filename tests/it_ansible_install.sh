#!/bin/bash
# it_ansible_install.sh - contrib/ansible/install.yml (role kube_auditd) with
# the real ansible-playbook and the package built from this tree
# (tests/lib.sh: ka_deb_build), installed into two scratch image roots, one
# per inventory host (ansible_connection=local, kube_auditd_image_root):
#   - the package is installed with dpkg --root: its file list in the image
#     is the .deb's, the maintainer scripts made the kube-auditd user in the
#     image's /etc/passwd;
#   - /etc/kube-auditd/kube-auditd.conf holds exactly the role variables that
#     were set (a value with quotes and blanks included) and kube-auditd
#     --check-config accepts it;
#   - the unit is enabled in the image (systemctl --root);
#   - a second run changes nothing; a changed variable changes only the
#     configuration; a relative image root is refused with a clear message.
# The live path (apt on the running system, systemctl start) needs a host
# that runs systemd; it is run here with --check --diff only.
# The scratch roots hold no libc: the image install passes --force-depends
# through kube_auditd_dpkg_options, as for an image whose libraries come
# later.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || ka_skip "needs root (dpkg --root, chown in the image)"
command -v ansible-playbook >/dev/null || ka_skip "ansible-playbook not installed (Debian package ansible)"
command -v systemctl >/dev/null || ka_skip "systemctl not installed (Debian package systemd)"
command -v systemd-sysusers >/dev/null || ka_skip "systemd-sysusers not installed (Debian package systemd)"
command -v sudo >/dev/null || ka_skip "sudo not installed (the playbook becomes root with sudo)"
PLAYBOOK=$top_srcdir/contrib/ansible/install.yml
[ -f "$PLAYBOOK" ] || ka_hard_error "$PLAYBOOK: missing"
ka_tmpdir
# the role copies the package to /var/cache/kube-auditd-install on the host,
# here this machine: removed again unless it was there before
cache_dir=/var/cache/kube-auditd-install
if [ ! -e "$cache_dir" ]; then
	trap 'rm -rf "$cache_dir"; ka_cleanup' EXIT
fi
ka_deb_build
deb=$KA_DEB
version=$(dpkg-deb --field "$deb" Version)

fails=0
ok() { ka_log "ok: $*"; }
bad() {
	ka_log "NOT OK: $*"
	fails=$((fails + 1))
}

# two scratch image roots: an empty dpkg database and the base accounts
for h in img1 img2; do
	r=$KA_TMP/$h
	mkdir -p "$r"/var/lib/dpkg/info "$r"/var/lib/dpkg/updates "$r"/etc "$r"/var/log
	: >"$r/var/lib/dpkg/status"
	: >"$r/var/lib/dpkg/available"
	echo 'root:x:0:0:root:/root:/bin/bash' >"$r/etc/passwd"
	echo 'root:x:0:' >"$r/etc/group"
done

ka_ansible_cfg

inv=$KA_TMP/inventory.ini
cat >"$inv" <<EOF
img1 ansible_connection=local kube_auditd_image_root=$KA_TMP/img1
img2 ansible_connection=local kube_auditd_image_root=$KA_TMP/img2
[all:vars]
ansible_python_interpreter=$(command -v python3)
EOF
cat >"$KA_TMP/vars.yml" <<EOF
kube_auditd_deb: $deb
kube_auditd_dpkg_options: [--force-depends]
kube_auditd_interval: 120
kube_auditd_socket_group: kube-auditd
kube_auditd_metrics_file: '/var/lib/node exporter/ka "fleet".prom' 
kube_auditd_skips: ["1.1.1", "4.2"]
kube_auditd_watch: false
kube_auditd_syslog_tag: kube-auditd-fleet
EOF

run_play() { # run_play LOG [args...]: prints the exit status
	local log=$1 rc=0
	shift
	(cd "$KA_TMP" && ansible-playbook -i "$inv" "$PLAYBOOK" -e "@$KA_TMP/vars.yml" "$@") >"$log" 2>&1 || rc=$?
	echo "$rc"
}
changed_of() { # changed_of LOG HOST: the recap's changed= count
	sed -n "s/^$2 *: .*changed=\\([0-9]*\\).*/\\1/p" "$1"
}

# ---------------------------------------------------------------------------
# 1. first run: installs, configures, enables

rc=$(run_play "$KA_TMP/run1.log")
if [ "$rc" = 0 ]; then ok "install.yml exited 0"; else
	tail -n 40 "$KA_TMP/run1.log" >&2
	bad "install.yml exited $rc (log above)"
fi
expected_files=$KA_TMP/deb.files
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|; s|/$||' | grep -v '^/*$' | sort >"$expected_files"
for h in img1 img2; do
	r=$KA_TMP/$h
	[ "$(changed_of "$KA_TMP/run1.log" "$h")" -gt 0 ] 2>/dev/null && ok "$h: changed=$(changed_of "$KA_TMP/run1.log" "$h")" ||
		bad "$h: no change reported by the first run"
	st=$(dpkg-query --admindir="$r/var/lib/dpkg" --show --showformat='${Version} ${db:Status-Abbrev}' kube-auditd 2>&1 || true)
	[ "$st" = "$version ii " ] && ok "$h: dpkg database of the image: kube-auditd $version installed" || bad "$h: dpkg-query says '$st'"
	if diff -u "$expected_files" <(dpkg-query --admindir="$r/var/lib/dpkg" -L kube-auditd | sed 's|/$||' | grep -v '^/\.$' | grep -v '^/*$' | sort -u) >"$KA_TMP/$h.listdiff"; then
		ok "$h: the image's file list is the package's ($(wc -l <"$expected_files") entries)"
	else
		head -n 20 "$KA_TMP/$h.listdiff" >&2
		bad "$h: file list differs from the package's"
	fi
	missing=0
	while read -r f; do [ -e "$r$f" ] || [ -L "$r$f" ] || missing=$((missing + 1)); done <"$expected_files"
	[ $missing = 0 ] && ok "$h: every listed file is in the image" || bad "$h: $missing listed files missing from the image"
	grep -q '^kube-auditd:x:[0-9]*:[0-9]*:.*:/usr/sbin/nologin$' "$r/etc/passwd" &&
		ok "$h: postinst made the kube-auditd user in the image's /etc/passwd" || bad "$h: no kube-auditd user in the image"
	grep -q "^kube-auditd:" /etc/passwd && [ "$h" = img1 ] && ka_log "note: this machine has a kube-auditd user of its own"
	en=$(systemctl --root="$r" is-enabled kube-auditd.service 2>&1 || true)
	[ "$en" = enabled ] && ok "$h: kube-auditd.service enabled in the image" || bad "$h: is-enabled says '$en'"
	conf=$r/etc/kube-auditd/kube-auditd.conf
	keys=$(grep -v '^#' "$conf" | sed 's/ = .*//' | tr '\n' ' ')
	[ "$keys" = "interval socket-group metrics-file skip syslog-tag watch " ] &&
		ok "$h: the configuration holds the keys set, nothing else ($keys)" || bad "$h: keys written: $keys"
	grep -qxF 'skip = "1.1.1,4.2"' "$conf" && grep -qxF 'watch = no' "$conf" &&
		grep -qxF 'metrics-file = "/var/lib/node exporter/ka \"fleet\".prom"' "$conf" &&
		ok "$h: lists joined, booleans as yes/no, quotes escaped" || bad "$h: configuration values: $(grep -v '^#' "$conf" | tr '\n' '|')"
	if out=$("$r/usr/sbin/kube-auditd" --check-config --config "$conf" --profile-dir "$r/usr/share/kube-auditd/profiles" 2>&1); then
		ok "$h: the image's kube-auditd --check-config accepts it: $out"
	else
		bad "$h: --check-config: $out"
	fi
done

# ---------------------------------------------------------------------------
# 2. second run: nothing changes

rc=$(run_play "$KA_TMP/run2.log")
c1=$(changed_of "$KA_TMP/run2.log" img1)
c2=$(changed_of "$KA_TMP/run2.log" img2)
if [ "$rc" = 0 ] && [ "$c1" = 0 ] && [ "$c2" = 0 ]; then
	ok "second run: idempotent (changed=0 on both hosts)"
else
	grep -B2 '^changed:' "$KA_TMP/run2.log" | head -n 20 >&2 || true
	bad "second run: exit $rc, changed img1=$c1 img2=$c2"
fi

# ---------------------------------------------------------------------------
# 3. one variable changed: only the configuration changes

rc=$(run_play "$KA_TMP/run3.log" -e kube_auditd_interval=60 --diff)
c1=$(changed_of "$KA_TMP/run3.log" img1)
if [ "$rc" = 0 ] && [ "$c1" = 1 ] && grep -qxF 'interval = "60"' "$KA_TMP/img1/etc/kube-auditd/kube-auditd.conf" &&
	grep -q '^+interval = "60"' "$KA_TMP/run3.log"; then
	ok "a changed variable: one change (the configuration), shown by --diff"
else
	bad "changed variable: exit $rc, changed=$c1"
fi

# ---------------------------------------------------------------------------
# 4. bad input: a relative image root

rc=$(run_play "$KA_TMP/run4.log" -e kube_auditd_image_root=relative/dir --limit img1)
if [ "$rc" != 0 ] && grep -q "must be an absolute path" "$KA_TMP/run4.log"; then
	ok "relative kube_auditd_image_root refused: $(grep -o 'role kube_auditd: [^"]*' "$KA_TMP/run4.log" | head -n 1 | cut -c1-80)..."
else
	bad "relative image root: exit $rc"
fi

# ---------------------------------------------------------------------------
# 5. the live path, in check mode

# Without systemd as PID 1 (this machine) the service task cannot even be
# checked; everything before it must pass in check mode, and the failure must
# be that one, for that reason.
rc=$(run_play "$KA_TMP/run5.log" -e kube_auditd_image_root= --limit img1 --check --diff)
last_task=$(grep '^TASK \[' "$KA_TMP/run5.log" | tail -n 1)
if [ "$rc" = 0 ]; then
	ok "the live path passes --check --diff (systemd runs here)"
elif [ ! -d /run/systemd/system ] && [[ $last_task == *"Enable and start the service"* ]] &&
	grep -q "System has not been booted with systemd" "$KA_TMP/run5.log" &&
	! grep -B3 '^fatal' "$KA_TMP/run5.log" | grep -q 'TASK \[kube_auditd : \(Install\|Write\|Copy\|Make\)'; then
	ok "the live path passes --check --diff up to the service task, which needs systemd as PID 1 (not here)"
	grep -q '^+interval = "120"' "$KA_TMP/run5.log" && ok "check mode shows the configuration it would write" ||
		bad "no diff of the configuration in check mode"
else
	ka_log "live path in check mode: exit $rc; last task: $last_task; $(grep -E '^(fatal|failed)' "$KA_TMP/run5.log" | head -n 2)"
	bad "live path --check --diff failed"
fi

if [ "$fails" -ne 0 ]; then
	KA_KEEP=1
	ka_fail "$fails assertion(s) failed"
fi
ka_log "all assertions passed"
