#!/bin/bash
# bench/daemon.sh - measures the daemon on the sample control-plane node:
#   idle RSS; CPU time per scan; drift latency (a file's mode changed -> the
#   syslog line, median and p99 over CHANGES changes); socket report requests
#   per second while scans run.
# Prints the figures; copy them into bench/RESULTS.md with the date.
# Needs root (sample node owners, private PID and mount namespace).
set -euo pipefail

# shellcheck source=paths.sh source-path=SCRIPTDIR
. "$(dirname "$0")/paths.sh"
CHANGES=${CHANGES:-100}
REQUESTS=${REQUESTS:-2000}

T=$(mktemp -d /tmp/ka-bench-daemon-XXXXXX)
[ -n "${KA_KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
export KA_STUB="$STUB"
"$top/tests/sample-node.sh" build "$T/node" kubeadm >/dev/null
mkdir -p "$T/state"
cc -O2 -o "$T/lat" -x c - <<'EOF'
/* lat SOCKFILE FILE N: chmod FILE N times, each time waiting for the syslog
 * line that reports it on the datagram socket SOCKFILE; prints the
 * latencies in ms, one a line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }
int main(int argc, char **argv) {
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0), n = atoi(argv[3]);
	char buf[8192];
	struct timeval tv = {5, 0};
	strncpy(sa.sun_path, argv[1], sizeof(sa.sun_path) - 1);
	unlink(argv[1]);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) { perror("bind"); return 1; }
	/* read the daemon's first scan and its log lines until quiet for 1 s
	 * (never stop reading: a full datagram queue blocks syslog(3)) */
	{
		struct timeval q = {1, 0}, w = {30, 0};
		ssize_t r;
		/* the first scan's summary line, then quiet */
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &w, sizeof(w));
		while ((r = recv(fd, buf, sizeof(buf) - 1, 0)) > 0) {
			buf[r] = 0;
			if (strstr(buf, "event=scan")) break;
		}
		if (r <= 0) { fprintf(stderr, "the daemon logged no first scan\n"); return 1; }
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &q, sizeof(q));
		while (recv(fd, buf, sizeof(buf), 0) > 0) ;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (int i = 0; i < n; i++) {
		const char *want = i % 2 == 0 ? "id=1.1.1 old=PASS new=FAIL" : "id=1.1.1 old=FAIL new=PASS";
		double t0 = now();
		ssize_t r;
		chmod(argv[2], i % 2 == 0 ? 0644 : 0600);
		for (;;) {
			r = recv(fd, buf, sizeof(buf) - 1, 0);
			if (r <= 0) { fprintf(stderr, "no syslog line within 5 s\n"); return 1; }
			buf[r] = 0;
			if (strstr(buf, want)) break;
		}
		printf("%.3f\n", now() - t0);
		/* the summary line follows; then quiet for 300 ms */
		{
			struct timeval q = {0, 300000};
			setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &q, sizeof(q));
			while (recv(fd, buf, sizeof(buf), 0) > 0) ;
			setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		}
	}
	return 0;
}
EOF

cc -O2 -o "$T/req" -x c - <<'EOF'
/* req SOCKET N: N "report json" requests one after another, in-process */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
int main(int argc, char **argv) {
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char buf[65536];
	strncpy(sa.sun_path, argv[1], sizeof(sa.sun_path) - 1);
	for (int i = 0, n = atoi(argv[2]); i < n; i++) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) { perror("connect"); return 1; }
		if (write(fd, "KA/1 report json\n", 17) != 17) return 1;
		while (read(fd, buf, sizeof(buf)) > 0) ;
		close(fd);
	}
	return 0;
}
EOF
cat >"$T/inner.sh" <<EOF
set -euo pipefail
T=$T
# /dev/log of this mount namespace is the benchmark's own datagram socket
mkdir -p \$T/dev
for n in null zero full random urandom tty; do touch \$T/dev/\$n; mount --bind /dev/\$n \$T/dev/\$n; done
ln -s /proc/self/fd \$T/dev/fd
"$top/tests/sample-node.sh" start \$T/node
\$T/lat \$T/dev/log \$T/node/root/etc/kubernetes/manifests/kube-apiserver.yaml $CHANGES >\$T/lat.txt &
lat=\$!
sleep 0.5
mount --rbind \$T/dev /dev
"$BIN" --root \$T/node/root --profile-dir "$PROF" --socket \$T/s --state-dir \$T/state --interval 3600 2>\$T/err &
d=\$!
wait \$lat
sort -n \$T/lat.txt | awk '{a[NR]=\$1} END {printf "drift latency over %d changes: median %.1f ms, p99 %.1f ms, max %.1f ms\n", NR, a[int(NR/2)+1], a[int(NR*0.99)+(NR*0.99>int(NR*0.99))], a[NR]}'
sleep 2
echo "daemon idle RSS: \$(awk '/VmRSS/ {print \$2, \$3}' /proc/\$d/status) (VmHWM \$(awk '/VmHWM/ {print \$2, \$3}' /proc/\$d/status))"
t0=\$(awk '{print \$14 + \$15}' /proc/\$d/stat)
for i in \$(seq 100); do "$CTL" --socket \$T/s scan --format json >/dev/null || true; done
t1=\$(awk '{print \$14 + \$15}' /proc/\$d/stat)
hz=\$(getconf CLK_TCK)
echo "CPU per scan (100 scans requested on the socket): \$(awk -v a=\$t0 -v b=\$t1 -v hz=\$hz 'BEGIN {printf "%.2f ms", (b - a) * 1000 / hz / 100}')"
# report requests while scans run back to back
( for i in \$(seq 400); do "$CTL" --socket \$T/s scan >/dev/null || true; done ) &
scanner=\$!
s=\$(date +%s%N)
for i in \$(seq 200); do "$CTL" --socket \$T/s report --format json >/dev/null || true; done
e=\$(date +%s%N)
echo "socket: 200 report requests (json, one kube-auditctl process each) while scans run: \$(awk -v s=\$s -v e=\$e 'BEGIN {printf "%.0f requests/s", 200 / ((e - s) / 1e9)}')"
s=\$(date +%s%N)
\$T/req \$T/s $REQUESTS
e=\$(date +%s%N)
echo "socket: $REQUESTS report requests (json, one client process, sequential) while scans run: \$(awk -v s=\$s -v e=\$e -v n=$REQUESTS 'BEGIN {printf "%.0f requests/s", n / ((e - s) / 1e9)}')"
kill \$scanner 2>/dev/null || true
wait \$scanner 2>/dev/null || true
kill -TERM \$d; wait \$d || true
"$top/tests/sample-node.sh" stop \$T/node
EOF
echo "machine: $(uname -srm); $(nproc) cores; date $(date -u +%Y-%m-%d)"
unshare --pid --fork --mount-proc bash "$T/inner.sh"
