/* conf.h - the daemon's configuration file, kube-auditd.conf(5).
 *
 * Format: one "key = value" per line; '#' starts a comment line; blank lines
 * ignored; values may be double-quoted (with \" and \\ escapes) to keep
 * spaces or '#'. Unknown keys, duplicate keys and bad values are errors
 * reported as "FILE:LINE: message". Lists are comma-separated.
 *
 * Keys (command-line options win over every one of them):
 *   interval = SECONDS            1..86400, default 300
 *   jitter = SECONDS              0..3600, default 10% of interval (max 30)
 *   socket = PATH                 default /run/kube-auditd/kube-auditd.sock
 *   socket-group = NAME|GID       group allowed to use the socket (besides root)
 *   state-dir = DIR               default /var/lib/kube-auditd
 *   metrics-file = PATH           Prometheus textfile (default: none)
 *   root = DIR                    default /
 *   benchmark = NAME              default cis-1.12
 *   profile-dir = DIR
 *   targets = LIST                master,controlplane,etcd,node,policies
 *   skip = ID[,ID...]
 *   syslog = yes|no               default yes
 *   syslog-facility = NAME        daemon (default), auth, authpriv, local0..local7
 *   syslog-tag = TAG              default kube-auditd
 *   watch = yes|no                rescan on file changes (inotify), default yes
 *   pid-check = SECONDS           cheap component restart check, 0..60, default 2 (0 off)
 *
 * Ownership: conf_load fills a struct conf the caller frees with conf_free.
 */
#ifndef KA_CONF_H
#define KA_CONF_H

#include <sys/types.h>

#include "util.h"

struct conf {
	long interval;
	long jitter; /* -1: default (10% of interval, at most 30 s) */
	char *socket;
	char *socket_group; /* NULL: root only */
	char *state_dir;
	char *metrics_file; /* NULL: none */
	char *root;
	char *benchmark;
	char *profile_dir; /* NULL: built-in default */
	struct strv targets;
	struct strv skip;
	int syslog;
	int syslog_facility; /* LOG_DAEMON... */
	char *syslog_tag;
	int watch;
	long pid_check;
	/* which keys the file set (so command-line options can override) */
	unsigned set;
};

/* Bits of conf.set */
enum {
	CONF_INTERVAL = 1 << 0,
	CONF_JITTER = 1 << 1,
	CONF_SOCKET = 1 << 2,
	CONF_SOCKET_GROUP = 1 << 3,
	CONF_STATE_DIR = 1 << 4,
	CONF_METRICS = 1 << 5,
	CONF_ROOT = 1 << 6,
	CONF_BENCHMARK = 1 << 7,
	CONF_PROFILE_DIR = 1 << 8,
	CONF_TARGETS = 1 << 9,
	CONF_SKIP = 1 << 10,
	CONF_SYSLOG = 1 << 11,
	CONF_FACILITY = 1 << 12,
	CONF_TAG = 1 << 13,
	CONF_WATCH = 1 << 14,
	CONF_PID_CHECK = 1 << 15,
};

/* Fills c with the defaults. */
void conf_defaults(struct conf *c);
/* Reads path over the defaults already in c. A missing file is ENOENT
 * (the caller decides whether that is an error: it is for an explicit
 * --config). Returns 0, or -1 with *err = "FILE:LINE: message" (caller
 * frees). */
int conf_load(const char *path, struct conf *c, char **err);
void conf_free(struct conf *c);
/* "daemon" -> LOG_DAEMON etc.; -1 when unknown. */
int conf_facility(const char *name);

#endif
