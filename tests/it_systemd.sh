#!/bin/bash
# it_systemd.sh - the systemd integration (systemd/, systemd/README):
#
# 1. The unit, made from kube-auditd.service.in with the substitution of
#    Makefile.am's template rule into a scratch directory: it has the
#    settings the daemon relies on, systemd-analyze verify says nothing
#    about it, and systemd-analyze security --offline=yes rates its
#    exposure 2.0 or lower.
# 2. The sysusers.d snippet makes the user and group in a scratch root and
#    the tmpfiles.d snippet (as root) the directories, with the modes and
#    owners the unit uses; unit, snippets and the daemon's built-in paths
#    agree.
# 3. As root, with a private PID namespace, a C compiler and libseccomp:
#    kube-auditd --once on the sample node with the unit's privileges (an
#    ordinary uid, the unit's capabilities, its system call filter) gives
#    the verdicts it gives as root, and without any one of the capabilities
#    it does not (the unit grants none it does not need). The daemon, with
#    the same privileges, starts, serves its first report to kube-auditctl,
#    survives SIGHUP and exits 0 on SIGTERM. The rest of the sandbox is
#    systemd's to apply and is not emulated.
#
# Skipped (77) without systemd-analyze. Part 3 is left out, and says why,
# when what it needs is missing.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

# LeakSanitizer (in the sanitizer build) stops the world with ptrace, which the
# unit's system call filter forbids: leaks are checked by the other suites.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

KA_MAX_EXPOSURE=2.0
unit_in=$top_srcdir/systemd/kube-auditd.service.in
sysusers=$top_srcdir/systemd/kube-auditd.sysusers
tmpfiles=$top_srcdir/systemd/kube-auditd.tmpfiles

command -v systemd-analyze >/dev/null ||
	ka_skip "systemd-analyze not installed (Debian package systemd)"
systemd-analyze --help 2>/dev/null | grep -q -- '--offline' ||
	ka_skip "systemd-analyze has no --offline (systemd 250 or later is needed)"
for f in "$unit_in" "$sysusers" "$tmpfiles"; do
	[ -f "$f" ] || ka_hard_error "$f: missing"
done
ka_require_bin
ka_tmpdir

fails=0
ok() { ka_log "ok: $*"; }
bad() {
	ka_log "NOT OK: $*"
	fails=$((fails + 1))
}
note() { ka_log "note: $*"; }

# ---------------------------------------------------------------------------
# 1. the unit

# Makefile.am's template rule with this test's paths. sbindir holds a link
# to the built binary: systemd-analyze verify insists that ExecStart's
# program exists. Keep the variable list in step with the Makefile rule.
sbin=$KA_TMP/sbin
unit=$KA_TMP/unit/kube-auditd.service
mkdir -p "$sbin" "$KA_TMP/unit"
ln -s "$(readlink -f "$KA_BIN")" "$sbin/kube-auditd"
sed -e "s|@sbindir@|$sbin|g" \
	-e "s|@bindir@|$KA_TMP/bin|g" \
	-e "s|@sysconfdir@|/etc|g" \
	-e "s|@localstatedir@|/var|g" \
	-e "s|@runstatedir@|/run|g" \
	-e "s|@pkgdatadir@|/usr/share/kube-auditd|g" \
	-e "s|@PACKAGE_VERSION@|0.0|g" \
	"$unit_in" >"$unit"
if left=$(grep -n '@[A-Za-z_]*@' "$unit"); then
	bad "template variables that the Makefile rule does not substitute:"
	printf '    %s\n' "$left"
fi

# unit_get KEY: the values of every KEY= line, in order
unit_get() {
	sed -n "s/^$1=//p" "$unit"
}

# want KEY VALUE: the last KEY= of the unit is VALUE
want() {
	local v
	v=$(unit_get "$1" | tail -n 1)
	if [ "$v" = "$2" ]; then
		ok "$1=$2"
	else
		bad "$1 is \"$v\", the daemon needs \"$2\""
	fi
}

# What the daemon relies on (kube-auditd(8), DESIGN 3.1): it notifies
# systemd itself, exits 2 on a configuration error, reloads on SIGHUP.
want Type notify
want NotifyAccess main
want ExecStart "$sbin/kube-auditd --config /etc/kube-auditd/kube-auditd.conf"
# shellcheck disable=SC2016 # $MAINPID is systemd's, not ours
want ExecReload '/bin/kill -HUP $MAINPID'
want Restart on-failure
want RestartPreventExitStatus 2
want User kube-auditd
want Group kube-auditd
want NoNewPrivileges yes
want RuntimeDirectory kube-auditd
want RuntimeDirectoryMode 0750
want StateDirectory kube-auditd
want StateDirectoryMode 0750
want UMask 0027
if [ -n "$(unit_get WatchdogSec)" ]; then
	ok "WatchdogSec=$(unit_get WatchdogSec)"
else
	bad "no WatchdogSec=: the daemon's WATCHDOG=1 would go unchecked"
fi

# Exactly the two capabilities (systemd/README says why each).
caps_of() { # KEY: its capabilities, sorted, one a line
	unit_get "$1" | tr ' ' '\n' | sed '/^$/d' | sort -u
}
for key in AmbientCapabilities CapabilityBoundingSet; do
	got=$(caps_of "$key" | tr '\n' ' ')
	if [ "$got" = "CAP_DAC_READ_SEARCH CAP_SYS_PTRACE " ]; then
		ok "$key= is CAP_DAC_READ_SEARCH CAP_SYS_PTRACE"
	else
		bad "$key= is \"$got\", not CAP_DAC_READ_SEARCH CAP_SYS_PTRACE"
	fi
done

# STYLE.md: hidepid would hide the processes the daemon must see; a user
# namespace would make both capabilities worthless on the host.
case $(unit_get ProtectProc | tail -n 1) in
invisible | ptraceable | noaccess) bad "ProtectProc= hides processes from the daemon" ;;
*) ok "no ProtectProc= that hides processes" ;;
esac
if [ "$(unit_get ProcSubset | tail -n 1)" = pid ]; then
	bad "ProcSubset=pid: see systemd/README"
fi
if [ "$(unit_get PrivateUsers | tail -n 1)" = yes ]; then
	bad "PrivateUsers=yes: the capabilities would not apply to the host"
fi
if [ -n "$(unit_get ReadWritePaths)" ]; then
	bad "ReadWritePaths= in the shipped unit (a drop-in's job, systemd/README)"
fi

# Documentation= must name pages this tree has (verify --man=no below:
# man would look for installed pages, which a build tree does not have).
while read -r -a docs; do
	for d in "${docs[@]}"; do
		case $d in
		man:*\(*\))
			page=${d#man:}
			sec=${page##*(}
			sec=${sec%)}
			page=${page%(*}
			if [ -f "$top_srcdir/man/$page.$sec" ]; then
				ok "Documentation= $d is man/$page.$sec"
			else
				bad "Documentation= names $d, but man/$page.$sec does not exist"
			fi
			;;
		*) bad "Documentation= $d: only man: pages are expected" ;;
		esac
	done
done < <(unit_get Documentation)

# systemd-analyze verify: not one line about our unit
vrc=0
vout=$(cd "$KA_TMP/unit" && systemd-analyze verify --man=no "$unit" 2>&1) || vrc=$?
ours=$(printf '%s\n' "$vout" | grep -F 'kube-auditd' || true)
if [ -n "$ours" ]; then
	bad "systemd-analyze verify complains about the unit:"
	printf '    %s\n' "$ours"
else
	ok "systemd-analyze verify says nothing about the unit"
fi
others=$(printf '%s\n' "$vout" | grep -vF 'kube-auditd' | sed '/^$/d' || true)
[ -z "$others" ] || note "systemd-analyze verify, about other units: $others"
[ "$vrc" = 0 ] || [ -n "$ours" ] || note "systemd-analyze verify exited $vrc"

# systemd-analyze security: the overall exposure level
src=0
sout=$(systemd-analyze security --offline=yes --no-pager "$unit" 2>&1) || src=$?
level=$(printf '%s\n' "$sout" |
	sed -n 's/.*Overall exposure level for kube-auditd\.service: *\([0-9][0-9.]*\).*/\1/p' |
	head -n 1)
if [ -z "$level" ]; then
	bad "systemd-analyze security (exit $src) printed no exposure level:"
	printf '%s\n' "$sout"
elif LC_ALL=C awk -v l="$level" -v m="$KA_MAX_EXPOSURE" 'BEGIN { exit !(l + 0 <= m + 0) }'; then
	ok "exposure level $level (at most $KA_MAX_EXPOSURE)"
else
	bad "exposure level $level is above $KA_MAX_EXPOSURE:"
	printf '%s\n' "$sout"
fi

# ---------------------------------------------------------------------------
# 2. sysusers.d, tmpfiles.d, and their agreement with the unit and the code

sroot=$KA_TMP/sysroot
mkdir -p "$sroot/etc"
user=$(awk '$1 == "u" { print $2 }' "$sysusers")
nlines=$(grep -cv '^[[:space:]]*\(#\|$\)' "$sysusers" || true)
if [ "$user" = kube-auditd ] && [ "$nlines" = 1 ]; then
	ok "sysusers: one line, user kube-auditd"
else
	bad "sysusers: expected one line \"u kube-auditd ...\" ($nlines lines, user \"$user\")"
fi
[ "$user" = "$(unit_get User)" ] || bad "sysusers makes \"$user\", the unit runs as \"$(unit_get User)\""

if command -v systemd-sysusers >/dev/null; then
	src=0
	sout=$(systemd-sysusers --dry-run --root="$sroot" "$sysusers" 2>&1) || src=$?
	if [ "$src" = 0 ]; then
		ok "systemd-sysusers --dry-run accepts the file"
	else
		bad "systemd-sysusers --dry-run exited $src: $sout"
	fi
	src=0
	sout=$(systemd-sysusers --root="$sroot" "$sysusers" 2>&1) || src=$?
	# it announces what it creates; anything else is a complaint
	extra=$(printf '%s\n' "$sout" | grep -v '^Creating \(group\|user\) ' | sed '/^$/d' || true)
	if [ "$src" != 0 ] || [ -n "$extra" ]; then
		bad "systemd-sysusers exited $src: $sout"
	fi
else
	# Without it, the user it would make, so that part 2 goes on.
	note "systemd-sysusers not installed: the sysusers file is only parsed"
	printf 'kube-auditd:x:999:999:kube-auditd:/:/usr/sbin/nologin\n' >"$sroot/etc/passwd"
	printf 'kube-auditd:x:999:\n' >"$sroot/etc/group"
fi
pw=$(grep '^kube-auditd:' "$sroot/etc/passwd" || true)
IFS=: read -r _ _ uid gid _ home shell <<<"${pw:-::::::}"
sysmax=$(pkg-config --variable=systemuidmax systemd 2>/dev/null || true)
sysmax=${sysmax:-999}
if [ -z "$pw" ]; then
	bad "no kube-auditd in the scratch root's /etc/passwd"
else
	if [ "$uid" -le "$sysmax" ]; then
		ok "kube-auditd is a system user (uid $uid)"
	else
		bad "uid $uid is not a system uid (at most $sysmax)"
	fi
	if grep -q "^kube-auditd:[^:]*:$gid:" "$sroot/etc/group"; then
		ok "its primary group is kube-auditd (gid $gid)"
	else
		bad "primary group $gid is not the group kube-auditd"
	fi
	case $shell in
	*/nologin | */false) ok "no login shell ($shell)" ;;
	*) bad "login shell $shell" ;;
	esac
	case $home in
	/ | /nonexistent) ok "no home directory of its own ($home)" ;;
	*) bad "home directory $home" ;;
	esac
fi

# The tmpfiles lines: the unit's directories, its modes, the user's owner.
rmode=$(unit_get RuntimeDirectoryMode | tail -n 1)
smode=$(unit_get StateDirectoryMode | tail -n 1)
rdir=/run/$(unit_get RuntimeDirectory | tail -n 1)
sdir=/var/lib/$(unit_get StateDirectory | tail -n 1)
for want_line in "d $rdir $rmode $user $user -" "d $sdir $smode $user $user -"; do
	if grep -v '^#' "$tmpfiles" | tr -s ' \t' '  ' | grep -qxF "$want_line"; then
		ok "tmpfiles: $want_line"
	else
		bad "tmpfiles has no line \"$want_line\" (what the unit makes)"
	fi
done

# The daemon's built-in paths (contracts in auditd/sock.h and conf.h) lie
# in the directories the unit and the snippets make.
sockdef=$(sed -n 's/^#define SOCK_DEFAULT_PATH "\(.*\)"/\1/p' "$top_srcdir/auditd/sock.h")
case $sockdef in
"$rdir"/*) ok "the default socket $sockdef is in $rdir" ;;
*) bad "the default socket \"$sockdef\" (auditd/sock.h) is not in $rdir" ;;
esac
statedef=$(sed -n 's/.*state-dir = DIR *default \(\/[^ ]*\).*/\1/p' "$top_srcdir/auditd/conf.h")
if [ "$statedef" = "$sdir" ]; then
	ok "the default state directory is $sdir"
else
	bad "the default state directory \"$statedef\" (auditd/conf.h) is not $sdir"
fi

if [ "$(id -u)" != 0 ]; then
	note "not root: systemd-tmpfiles --create (which chowns) not run"
elif ! command -v systemd-tmpfiles >/dev/null; then
	note "systemd-tmpfiles not installed: the tmpfiles file is only parsed"
else
	# 252 has no --dry-run: create in the scratch root, whose /etc/passwd
	# has the user now
	src=0
	tout=$(systemd-tmpfiles --create --root="$sroot" "$tmpfiles" 2>&1) || src=$?
	if [ "$src" != 0 ] || [ -n "$tout" ]; then
		bad "systemd-tmpfiles --create exited $src: $tout"
	fi
	for d in "$rdir:$rmode" "$sdir:$smode"; do
		path=${d%%:*}
		mode=${d#*:}
		got=$(stat -c '%F %a %u %g' "$sroot$path" 2>&1 || true)
		if [ "$got" = "directory ${mode#0} $uid $gid" ]; then
			ok "systemd-tmpfiles made $path ${mode#0} kube-auditd:kube-auditd"
		else
			bad "$path is \"$got\", not \"directory ${mode#0} $uid $gid\""
		fi
	done
fi

# ---------------------------------------------------------------------------
# 3. the unit's privileges on the sample node

# Why part 3 cannot run here, or nothing.
part3_missing() {
	local err t
	[ "$(id -u)" = 0 ] || { echo "needs root (setpriv, the sample node's owners)"; return; }
	for t in unshare setpriv openssl; do
		command -v "$t" >/dev/null || { echo "$t not installed"; return; }
	done
	if ! err=$(unshare --pid --fork --mount-proc true 2>&1); then
		echo "cannot make a private PID namespace: ${err:-unshare failed}"
		return
	fi
	command -v jq >/dev/null || command -v python3 >/dev/null ||
		{ echo "neither jq nor python3 to read the reports"; return; }
	command -v "${CC:-cc}" >/dev/null || { echo "no C compiler (${CC:-cc}) for the seccomp helper"; return; }
	[ -n "$(unit_get SystemCallFilter)" ] || { echo "the unit has no SystemCallFilter="; return; }
}

# The system call filter as systemd builds it from the SystemCallFilter=
# lines: an allow list (which systemd completes with @default), then
# "~" lines take away and plain lines add, in order.
syscalls_of() { # ITEM...: system call names, groups expanded
	local item s
	for item in "$@"; do
		case $item in
		@*)
			systemd-analyze syscall-filter "$item" |
				awk 'NR > 1 && /^    [@a-z0-9_]/ { print $1 }' |
				while read -r s; do syscalls_of "$s"; done
			;;
		*) printf '%s\n' "$item" ;;
		esac
	done
}

unit_allow_list() { # FILE: the unit's allowed system calls; 1 if not an allow list
	local line first=1 items
	syscalls_of @default | sort -u >"$1"
	while IFS= read -r line; do
		if [ "${line#\~}" != "$line" ]; then
			[ "$first" = 0 ] || return 1
			read -r -a items <<<"${line#\~}"
			syscalls_of "${items[@]}" | sort -u | comm -23 "$1" - >"$1.new"
		else
			read -r -a items <<<"$line"
			{ cat "$1"; syscalls_of "${items[@]}"; } | sort -u >"$1.new"
		fi
		mv "$1.new" "$1"
		first=0
	done < <(unit_get SystemCallFilter)
}

# The helper that loads the filter and runs the program, as systemd does
# between fork and exec: libseccomp through dlopen, so no -dev package.
seccomp_helper() {
	cat >"$KA_TMP/seccomp-exec.c" <<'EOF'
/* seccomp-exec ALLOW-LIST ACTION PROGRAM [ARG...]: allows the system calls
 * named in ALLOW-LIST (one a line); every other one fails with the errno
 * ACTION names or, when ACTION is "kill", kills the process. */
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	static const struct { const char *name; int e; } errnos[] = {
		{"EPERM", EPERM}, {"EACCES", EACCES}, {"ENOSYS", ENOSYS}, {"EINVAL", EINVAL}};
	void *(*init)(uint32_t);
	int (*resolve)(const char *);
	int (*add)(void *, uint32_t, int, unsigned int, ...);
	int (*load)(void *);
	uint32_t def = 0x80000000U; /* SCMP_ACT_KILL_PROCESS */
	char line[128];
	void *lib, *ctx;
	FILE *f;
	int n = 0;

	if (argc < 4)
		return 99;
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (strcmp(argv[2], errnos[i].name) == 0)
			def = 0x00050000U | (uint32_t)errnos[i].e; /* SCMP_ACT_ERRNO */
	if (def == 0x80000000U && strcmp(argv[2], "kill") != 0) {
		fprintf(stderr, "seccomp-exec: unknown action %s\n", argv[2]);
		return 99;
	}
	lib = dlopen("libseccomp.so.2", RTLD_NOW);
	if (lib == NULL) {
		fprintf(stderr, "seccomp-exec: %s\n", dlerror());
		return 77;
	}
	*(void **)&init = dlsym(lib, "seccomp_init");
	*(void **)&resolve = dlsym(lib, "seccomp_syscall_resolve_name");
	*(void **)&add = dlsym(lib, "seccomp_rule_add");
	*(void **)&load = dlsym(lib, "seccomp_load");
	if (!init || !resolve || !add || !load || !(ctx = init(def)) || !(f = fopen(argv[1], "r")))
		return 99;
	while (fgets(line, sizeof(line), f)) {
		int nr;

		line[strcspn(line, "\n")] = '\0';
		nr = resolve(line);
		/* names of other architectures do not resolve natively */
		if (nr < 0)
			continue;
		if (add(ctx, 0x7fff0000U /* SCMP_ACT_ALLOW */, nr, 0) < 0)
			return 99;
		n++;
	}
	fclose(f);
	if (n == 0 || load(ctx) < 0) {
		fprintf(stderr, "seccomp-exec: cannot load the filter (%d calls)\n", n);
		return 99;
	}
	execv(argv[3], argv + 3);
	perror(argv[3]);
	return 99;
}
EOF
	"${CC:-cc}" -o "$KA_TMP/seccomp-exec" "$KA_TMP/seccomp-exec.c" -ldl 2>"$KA_TMP/cc.err"
}

# setpriv's spelling of a capability list: CAP_SYS_PTRACE -> ,+sys_ptrace
# ("-" for none, so that the plan keeps three fields)
setpriv_caps() {
	local c out=""
	for c in "$@"; do
		c=${c#CAP_}
		out="$out,+${c,,}"
	done
	printf '%s' "${out:--}"
}

# verdicts FILE: "id status" a line
verdicts() {
	ka_results "$1" | cut -f1,2
}

part3() {
	local node=$KA_TMP/node out=$KA_TMP/out profiles=$KA_TMP/profiles bin=$sbin/kube-auditd-copy
	local action name c drop rc_root rc
	local -a unitcaps caps

	ka_require_stub
	if command -v jq >/dev/null; then KA_JSON=jq; else KA_JSON=python3; fi
	export KA_PKI_CACHE=${KA_PKI_CACHE:-$KA_TMP/pki}
	if ! seccomp_helper; then
		bad "the seccomp helper does not build: $(cat "$KA_TMP/cc.err")"
		return
	fi
	if ! unit_allow_list "$KA_TMP/allow"; then
		bad "the unit's SystemCallFilter= is not an allow list (this test emulates allow lists)"
		return
	fi
	action=$(unit_get SystemCallErrorNumber | tail -n 1)
	action=${action:-kill}
	rc=0
	"$KA_TMP/seccomp-exec" "$KA_TMP/allow" "$action" "$BASH" -c : 2>"$KA_TMP/helper.err" || rc=$?
	if [ "$rc" = 77 ]; then
		ka_log "part 3 (the unit's privileges on the sample node) not run: $(cat "$KA_TMP/helper.err")"
		return
	elif [ "$rc" != 0 ]; then
		bad "the seccomp helper fails (exit $rc): $(cat "$KA_TMP/helper.err")"
		return
	fi
	mapfile -t unitcaps < <(caps_of AmbientCapabilities)

	# An unprivileged uid must reach the program, the profiles and the node
	# through ordinary permissions, or the runs without
	# CAP_DAC_READ_SEARCH would fail for the test's own sake.
	chmod 0755 "$KA_TMP"
	cp "$(readlink -f "$KA_BIN")" "$bin"
	cp -R "$(readlink -f "$KA_PROFILE_DIR")" "$profiles"
	chmod -R a+rX "$profiles"
	mkdir -p "$out"
	"$BASH" "$KA_SAMPLE_NODE" build "$node" kubeadm >"$KA_TMP/build.log" 2>&1 ||
		ka_hard_error "building the sample node failed: $(tail -5 "$KA_TMP/build.log")"

	# plan: NAME CAPS FILTER(0/1); "root" runs unconfined
	{
		printf 'root - 0\n'
		printf 'unit %s 1\n' "$(setpriv_caps "${unitcaps[@]}")"
		for drop in "${unitcaps[@]}"; do
			caps=()
			for c in "${unitcaps[@]}"; do [ "$c" = "$drop" ] || caps+=("$c"); done
			printf 'without_%s %s 0\n' "$drop" "$(setpriv_caps "${caps[@]}")"
		done
	} >"$KA_TMP/plan"
	cat >"$KA_TMP/runs.sh" <<'EOF'
# In the node's PID namespace: one kube-auditd --once per line of the plan.
set -u
plan=$1 out=$2 bin=$3 root=$4 profiles=$5 helper=$6 allow=$7 action=$8
while read -r name caps filter; do
	set -- "$bin" --once --root "$root" --profile-dir "$profiles" --format json
	if [ "$name" = root ]; then
		"$@" >"$out/$name.json" 2>"$out/$name.err"
	else
		[ "$caps" = - ] && caps=
		[ "$filter" = 1 ] && set -- "$helper" "$allow" "$action" "$@"
		setpriv --no-new-privs --reuid=65534 --regid=65534 --clear-groups \
			--inh-caps="-all$caps" --ambient-caps="-all$caps" --bounding-set="-all$caps" \
			"$@" >"$out/$name.json" 2>"$out/$name.err"
	fi
	echo $? >"$out/$name.rc"
done <"$plan"
EOF
	"$BASH" "$KA_SAMPLE_NODE" run "$node" -- "$BASH" "$KA_TMP/runs.sh" "$KA_TMP/plan" "$out" \
		"$bin" "$node/root" "$profiles" "$KA_TMP/seccomp-exec" "$KA_TMP/allow" "$action" ||
		ka_hard_error "running the sample node failed"

	while read -r name _ _; do
		if ! [ -s "$out/$name.json" ] || ! ka_json_ok "$out/$name.json"; then
			bad "$name: no JSON report (exit $(cat "$out/$name.rc")):"
			head -20 "$out/$name.err" >&2
			return
		fi
		verdicts "$out/$name.json" >"$out/$name.tsv"
	done <"$KA_TMP/plan"
	rc_root=$(cat "$out/root.rc")
	[ "$(grep -c . "$out/root.tsv")" -gt 0 ] || ka_hard_error "the root audit has no results"

	rc=$(cat "$out/unit.rc")
	if cmp -s "$out/root.tsv" "$out/unit.tsv" && [ "$rc" = "$rc_root" ]; then
		ok "the unit's user, capabilities and system call filter ($action): verdicts and exit $rc as root's"
	else
		bad "with the unit's privileges the audit differs from root's (exit $rc, root $rc_root):"
		diff "$out/root.tsv" "$out/unit.tsv" | head -20 >&2 || true
		ka_results "$out/unit.json" | awk -F'\t' '$2 == "ERROR"' | cut -f1,3 | head -10 >&2
		head -5 "$out/unit.err" >&2
	fi
	for drop in "${unitcaps[@]}"; do
		name=without_$drop
		if cmp -s "$out/root.tsv" "$out/$name.tsv"; then
			bad "the unit grants $drop, but the sample node audits the same without it"
		else
			ok "$drop is needed: without it $(ka_results "$out/$name.json" |
				awk -F'\t' '$2 == "ERROR"' | wc -l) checks end in ERROR"
		fi
	done
	daemon_run "$node" "$bin" "$profiles" "$action" "$(setpriv_caps "${unitcaps[@]}")"
}

# The daemon itself with the unit's privileges, on the node: it starts
# (and hands its socket to its group under the filter), serves the report
# of its first scan, survives SIGHUP and exits 0 on SIGTERM.
daemon_run() { # NODE BIN PROFILES ACTION CAPS
	local node=$1 bin=$2 profiles=$3 action=$4 capstr=$5 d=$KA_TMP/daemon rc
	local ctl=$top_builddir/kube-auditctl

	if [ ! -x "$ctl" ]; then
		note "$ctl not built: the daemon is not run with the unit's privileges"
		return
	fi
	mkdir -p "$d/run" "$d/state"
	chown 65534:65534 "$d/run" "$d/state"
	chmod 0750 "$d/run" "$d/state"
	cat >"$d/kube-auditd.conf" <<EOF
socket = $d/run/kube-auditd.sock
socket-group = 65534
state-dir = $d/state
root = $node/root
profile-dir = $profiles
syslog = no
EOF
	cat >"$KA_TMP/daemon.sh" <<'EOF'
# In the node's PID namespace: the daemon as the unit runs it, then
# kube-auditctl as root.
set -u
d=$1 bin=$2 ctl=$3 helper=$4 allow=$5 action=$6 caps=$7
[ "$caps" = - ] && caps=
sock=$d/run/kube-auditd.sock
setpriv --no-new-privs --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps="-all$caps" --ambient-caps="-all$caps" --bounding-set="-all$caps" \
	"$helper" "$allow" "$action" "$bin" --config "$d/kube-auditd.conf" 2>"$d/daemon.err" &
pid=$!
for _ in $(seq 100); do
	"$ctl" --socket "$sock" report --format json >"$d/report.json" 2>"$d/ctl.err"
	grep -q '"results"' "$d/report.json" && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
kill -HUP "$pid" 2>/dev/null
sleep 0.5
"$ctl" --socket "$sock" status >"$d/status.txt" 2>&1
echo $? >"$d/status.rc"
kill -TERM "$pid" 2>/dev/null
rc=timeout
for _ in $(seq 50); do
	if ! kill -0 "$pid" 2>/dev/null; then
		wait "$pid"
		rc=$?
		break
	fi
	sleep 0.1
done
[ "$rc" != timeout ] || kill -KILL "$pid"
echo "$rc" >"$d/daemon.rc"
EOF
	echo none >"$d/status.rc"
	echo none >"$d/daemon.rc"
	"$BASH" "$KA_SAMPLE_NODE" run "$node" -- "$BASH" "$KA_TMP/daemon.sh" "$d" "$bin" "$ctl" \
		"$KA_TMP/seccomp-exec" "$KA_TMP/allow" "$action" "$capstr" ||
		ka_hard_error "running the sample node failed"

	if [ -s "$d/report.json" ] && ka_json_ok "$d/report.json" &&
		verdicts "$d/report.json" | cmp -s "$KA_TMP/out/root.tsv" -; then
		ok "the daemon with the unit's privileges serves its first scan: root's verdicts"
	else
		bad "the daemon with the unit's privileges served no report like root's --once:"
		head -5 "$d/ctl.err" "$d/daemon.err" >&2
	fi
	if [ "$(cat "$d/status.rc")" = 0 ]; then
		ok "it answers status after SIGHUP"
	else
		bad "no status after SIGHUP (exit $(cat "$d/status.rc")): $(head -3 "$d/status.txt")"
	fi
	rc=$(cat "$d/daemon.rc")
	if [ "$rc" = 0 ]; then
		ok "it exits 0 on SIGTERM"
	else
		bad "on SIGTERM it exited $rc:"
		tail -5 "$d/daemon.err" >&2
	fi
}

why=$(part3_missing)
if [ -n "$why" ]; then
	ka_log "part 3 (the unit's privileges on the sample node) not run: $why"
	[ -z "${CI:-}" ] || ka_log "WARNING: under CI, part 3 did not run: $why"
else
	part3
fi

if [ "$fails" -gt 0 ]; then
	ka_fail "$fails problems"
fi
ka_log "all passed (exposure level $level)"
