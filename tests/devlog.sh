#!/bin/bash
# devlog.sh DIR - run inside a private mount namespace (unshare --mount):
# gives /dev a log socket owned by a real rsyslog (Debian package rsyslog),
# so that what a daemon sends to /dev/log lands in DIR/syslog.out as
# "TAG[PID]: MESSAGE" lines. The rest of /dev (null, zero, full, random,
# urandom, tty, fd, stdin, stdout, stderr) is the host's. rsyslog runs on in
# the background; its pid is in DIR/rs/pid (for kill -STOP/-CONT/-TERM).
# Rate limiting is off: a test counts every line.
set -euo pipefail
T=$1
mkdir -p "$T/rs" "$T/dev"
cat >"$T/rsyslog.conf" <<EOF
global(workDirectory="$T/rs")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$T/dev/log" CreatePath="on" RateLimit.Interval="0")
template(name="plain" type="string" string="%syslogtag%%msg%\n")
*.* action(type="omfile" file="$T/syslog.out" template="plain")
EOF
for n in null zero full random urandom tty; do
	[ -e "/dev/$n" ] && touch "$T/dev/$n" && mount --bind "/dev/$n" "$T/dev/$n"
done
ln -s /proc/self/fd "$T/dev/fd"
ln -s /proc/self/fd/0 "$T/dev/stdin"
ln -s /proc/self/fd/1 "$T/dev/stdout"
ln -s /proc/self/fd/2 "$T/dev/stderr"
rsyslogd -n -f "$T/rsyslog.conf" -i "$T/rs/pid" </dev/null >"$T/rs/rsyslogd.log" 2>&1 &
for _ in $(seq 100); do
	[ -S "$T/dev/log" ] && [ -s "$T/rs/pid" ] && break
	sleep 0.05
done
[ -S "$T/dev/log" ] || { echo "devlog.sh: rsyslogd made no $T/dev/log: $(cat "$T/rs/rsyslogd.log")" >&2; exit 1; }
mount --rbind "$T/dev" /dev
