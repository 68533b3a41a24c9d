/* check_conf.c - kube-auditd.conf(5): every key, defaults, every error with
 * its line, quoting, comments, CRLF, file trust, and the shipped file. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "conf.h"
#include "testutil.h"

#define ALL_BITS ((1u << 16) - 1)

static char *tmpdir;

static void
setup(void)
{
	tmpdir = tu_mkdtemp();
}

static void
teardown(void)
{
	tu_rmtree(tmpdir);
	free(tmpdir);
	tmpdir = NULL;
}

/* Writes len bytes (NULs allowed) to tmpdir/name with mode; returns the
 * path (caller frees). */
static char *
write_conf(const char *name, const char *content, size_t len, mode_t mode)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");

	ck_assert_msg(f != NULL, "fopen %s: %s", path, strerror(errno));
	ck_assert_uint_eq(fwrite(content, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
	return path;
}

static char *
write_str(const char *name, const char *content)
{
	return write_conf(name, content, strlen(content), 0644);
}

static int
str_eq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static int
strv_eq(const struct strv *a, const struct strv *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return 0;
	return 1;
}

/* Every field but .set */
static void
assert_conf_eq(const struct conf *a, const struct conf *b)
{
	ck_assert_int_eq(a->interval, b->interval);
	ck_assert_int_eq(a->jitter, b->jitter);
	ck_assert(str_eq(a->socket, b->socket));
	ck_assert(str_eq(a->socket_group, b->socket_group));
	ck_assert(str_eq(a->state_dir, b->state_dir));
	ck_assert(str_eq(a->metrics_file, b->metrics_file));
	ck_assert(str_eq(a->root, b->root));
	ck_assert(str_eq(a->benchmark, b->benchmark));
	ck_assert(str_eq(a->profile_dir, b->profile_dir));
	ck_assert(strv_eq(&a->targets, &b->targets));
	ck_assert(strv_eq(&a->skip, &b->skip));
	ck_assert_int_eq(a->syslog, b->syslog);
	ck_assert_int_eq(a->syslog_facility, b->syslog_facility);
	ck_assert(str_eq(a->syslog_tag, b->syslog_tag));
	ck_assert_int_eq(a->watch, b->watch);
	ck_assert_int_eq(a->pid_check, b->pid_check);
}

START_TEST(test_defaults)
{
	struct conf c;

	conf_defaults(&c);
	ck_assert_int_eq(c.interval, 300);
	ck_assert_int_eq(c.jitter, -1);
	ck_assert_str_eq(c.socket, "/run/kube-auditd/kube-auditd.sock");
	ck_assert_ptr_null(c.socket_group);
	ck_assert_str_eq(c.state_dir, "/var/lib/kube-auditd");
	ck_assert_ptr_null(c.metrics_file);
	ck_assert_str_eq(c.root, "/");
	ck_assert_str_eq(c.benchmark, "cis-1.12");
	ck_assert_ptr_null(c.profile_dir);
	ck_assert_uint_eq(c.targets.n, 0);
	ck_assert_uint_eq(c.skip.n, 0);
	ck_assert_int_eq(c.syslog, 1);
	ck_assert_int_eq(c.syslog_facility, LOG_DAEMON);
	ck_assert_str_eq(c.syslog_tag, "kube-auditd");
	ck_assert_int_eq(c.watch, 1);
	ck_assert_int_eq(c.pid_check, 2);
	ck_assert_uint_eq(c.set, 0);
	conf_free(&c);
	conf_free(&c); /* freed twice: harmless */
}
END_TEST

START_TEST(test_every_key)
{
	struct conf c;
	char *err = NULL;
	char *path = write_str("all.conf", "interval = 60\n"
					   "jitter = 7\n"
					   "socket = /tmp/ka.sock\n"
					   "socket-group = Kube_audit.1$\n"
					   "state-dir = /srv/state\n"
					   "metrics-file = /var/lib/node_exporter/ka.prom\n"
					   "root = /host\n"
					   "benchmark = cis-1.11\n"
					   "profile-dir = /opt/profiles\n"
					   "targets = node, etcd,node\n"
					   "skip = 1.2.6,4.2\n"
					   "syslog = off\n"
					   "syslog-facility = local3\n"
					   "syslog-tag = ka_test.1\n"
					   "watch = false\n"
					   "pid-check = 0\n");

	conf_defaults(&c);
	ck_assert_msg(conf_load(path, &c, &err) == 0, "%s", err);
	ck_assert_ptr_null(err);
	ck_assert_int_eq(c.interval, 60);
	ck_assert_int_eq(c.jitter, 7);
	ck_assert_str_eq(c.socket, "/tmp/ka.sock");
	ck_assert_str_eq(c.socket_group, "Kube_audit.1$");
	ck_assert_str_eq(c.state_dir, "/srv/state");
	ck_assert_str_eq(c.metrics_file, "/var/lib/node_exporter/ka.prom");
	ck_assert_str_eq(c.root, "/host");
	ck_assert_str_eq(c.benchmark, "cis-1.11");
	ck_assert_str_eq(c.profile_dir, "/opt/profiles");
	ck_assert_uint_eq(c.targets.n, 2); /* duplicates dropped, order kept */
	ck_assert_str_eq(c.targets.v[0], "node");
	ck_assert_str_eq(c.targets.v[1], "etcd");
	ck_assert_uint_eq(c.skip.n, 2);
	ck_assert_str_eq(c.skip.v[0], "1.2.6");
	ck_assert_str_eq(c.skip.v[1], "4.2");
	ck_assert_int_eq(c.syslog, 0);
	ck_assert_int_eq(c.syslog_facility, LOG_LOCAL3);
	ck_assert_str_eq(c.syslog_tag, "ka_test.1");
	ck_assert_int_eq(c.watch, 0);
	ck_assert_int_eq(c.pid_check, 0);
	ck_assert_uint_eq(c.set, ALL_BITS);
	conf_free(&c);
	free(path);
}
END_TEST

/* Each key alone sets its own bit and nothing else. */
START_TEST(test_set_bits)
{
	static const struct {
		const char *line;
		unsigned bit;
	} t[] = {
		{"interval = 1", CONF_INTERVAL},
		{"jitter = 0", CONF_JITTER},
		{"socket = /a", CONF_SOCKET},
		{"socket-group = 4294967294", CONF_SOCKET_GROUP},
		{"state-dir = /", CONF_STATE_DIR},
		{"metrics-file = /m", CONF_METRICS},
		{"root = /", CONF_ROOT},
		{"benchmark = x", CONF_BENCHMARK},
		{"profile-dir = /p", CONF_PROFILE_DIR},
		{"targets = policies", CONF_TARGETS},
		{"skip = 5", CONF_SKIP},
		{"syslog = 1", CONF_SYSLOG},
		{"syslog-facility = auth", CONF_FACILITY},
		{"syslog-tag = t", CONF_TAG},
		{"watch = on", CONF_WATCH},
		{"pid-check = 60", CONF_PID_CHECK},
	};
	unsigned all = 0;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct conf c;
		char *err = NULL, *path = write_str("one.conf", t[i].line);

		conf_defaults(&c);
		ck_assert_msg(conf_load(path, &c, &err) == 0, "%s: %s", t[i].line, err);
		ck_assert_msg(c.set == t[i].bit, "%s: set %#x", t[i].line, c.set);
		all |= c.set;
		conf_free(&c);
		free(path);
	}
	ck_assert_uint_eq(all, ALL_BITS);
}
END_TEST

START_TEST(test_absent_keys)
{
	struct conf c, d;
	char *err = NULL;
	char *empty = write_str("empty.conf", "");
	char *comments = write_str("comments.conf", "# nothing\n\n   \t\n\t# indented\n");

	conf_defaults(&d);
	conf_defaults(&c);
	ck_assert_msg(conf_load(empty, &c, &err) == 0, "%s", err);
	assert_conf_eq(&c, &d);
	ck_assert_uint_eq(c.set, 0);
	ck_assert_msg(conf_load(comments, &c, &err) == 0, "%s", err);
	assert_conf_eq(&c, &d);
	ck_assert_uint_eq(c.set, 0);
	conf_free(&c);
	conf_free(&d);
	free(empty);
	free(comments);
}
END_TEST

/* conf_load reads over what c already holds: a second file keeps the
 * first one's keys it does not set, and the set bits add up. */
START_TEST(test_layered)
{
	struct conf c;
	char *err = NULL;
	char *a = write_str("a.conf", "interval = 120\ntargets = etcd\nsyslog = no\n");
	char *b = write_str("b.conf", "interval = 30\nroot = /host\n");

	conf_defaults(&c);
	c.pid_check = 9; /* as a caller might have set it */
	ck_assert_msg(conf_load(a, &c, &err) == 0, "%s", err);
	ck_assert_msg(conf_load(b, &c, &err) == 0, "%s", err);
	ck_assert_int_eq(c.interval, 30);
	ck_assert_str_eq(c.root, "/host");
	ck_assert_uint_eq(c.targets.n, 1);
	ck_assert_str_eq(c.targets.v[0], "etcd");
	ck_assert_int_eq(c.syslog, 0);
	ck_assert_int_eq(c.pid_check, 9);
	ck_assert_str_eq(c.benchmark, "cis-1.12");
	ck_assert_uint_eq(c.set, CONF_INTERVAL | CONF_TARGETS | CONF_SYSLOG | CONF_ROOT);
	conf_free(&c);
	free(a);
	free(b);
}
END_TEST

/* Keys that accept an empty value reset to "none" / the built-in default. */
START_TEST(test_empty_values)
{
	struct conf c;
	char *err = NULL;
	char *a = write_str("a.conf", "metrics-file = /m\nprofile-dir = /p\nsocket-group = g\n"
				      "skip = 1.1\n");
	char *b = write_str("b.conf", "metrics-file =\nprofile-dir = \"\"\nsocket-group = # none\n"
				      "skip =\n");

	conf_defaults(&c);
	ck_assert_msg(conf_load(a, &c, &err) == 0, "%s", err);
	ck_assert_str_eq(c.metrics_file, "/m");
	ck_assert_msg(conf_load(b, &c, &err) == 0, "%s", err);
	ck_assert_ptr_null(c.metrics_file);
	ck_assert_ptr_null(c.profile_dir);
	ck_assert_ptr_null(c.socket_group);
	ck_assert_uint_eq(c.skip.n, 0);
	ck_assert_uint_eq(c.set, CONF_METRICS | CONF_PROFILE_DIR | CONF_SOCKET_GROUP | CONF_SKIP);
	conf_free(&c);
	free(a);
	free(b);
}
END_TEST

static const struct {
	const char *content;
	size_t len; /* 0: strlen(content) */
	unsigned line;
	const char *msg;
} bad[] = {
	{"interval = 60\nfoo = 1\n", 0, 2,
	 "unknown key \"foo\" (valid keys: interval, jitter, socket, socket-group, state-dir, "
	 "metrics-file, root, benchmark, profile-dir, targets, skip, syslog, syslog-facility, "
	 "syslog-tag, watch, pid-check)"},
	{"State_Dir = /x\n", 0, 1, "unknown key \"State_Dir\" (did you mean \"state-dir\"?"},
	{"Interval = 5\n", 0, 1, "did you mean \"interval\"?"},
	{"interval = 60\n\n# c\ninterval = 70\n", 0, 4,
	 "duplicate key \"interval\" (first set on line 1)"},
	{"skip = 1\nwatch = no\n skip = 2\n", 0, 3, "duplicate key \"skip\" (first set on line 1)"},
	{"interval 60\n", 0, 1, "missing '=' after key \"interval\""},
	{"# c\nwatch\n", 0, 2, "missing '=' after key \"watch\""},
	{"= 60\n", 0, 1, "missing key before '='"},
	{"interval =\n", 0, 1, "interval: empty value"},
	{"interval = \"\"\n", 0, 1, "interval: empty value"},
	{"interval = # later\n", 0, 1, "interval: empty value"},
	{"targets =\n", 0, 1, "targets: empty value"},
	{"socket =\n", 0, 1, "socket: empty value"},
	{"syslog-tag = \"\"\n", 0, 1, "syslog-tag: empty value"},
	{"interval = abc\n", 0, 1, "interval: \"abc\" is not a number of seconds (1..86400)"},
	{"interval = -5\n", 0, 1, "interval: \"-5\" is not a number of seconds (1..86400)"},
	{"interval = 5s\n", 0, 1, "interval: \"5s\" is not a number of seconds (1..86400)"},
	{"interval = 0\n", 0, 1, "interval: 0 is out of range (1..86400)"},
	{"interval = 86401\n", 0, 1, "interval: 86401 is out of range (1..86400)"},
	{"interval = 99999999999999999999999\n", 0, 1,
	 "interval: 99999999999999999999999 is out of range (1..86400)"},
	{"jitter = 3601\n", 0, 1, "jitter: 3601 is out of range (0..3600)"},
	{"pid-check = 61\n", 0, 1, "pid-check: 61 is out of range (0..60)"},
	{"watch = maybe\n", 0, 1,
	 "watch: \"maybe\" is not a boolean (yes, no, true, false, on, off, 1 or 0)"},
	{"syslog = Yes\n", 0, 1, "syslog: \"Yes\" is not a boolean"},
	{"syslog-facility = kern\n", 0, 1,
	 "syslog-facility: unknown facility \"kern\" (valid: daemon, auth, authpriv, local0, "
	 "local1, local2, local3, local4, local5, local6, local7)"},
	{"targets = master,workers\n", 0, 1,
	 "targets: unknown target \"workers\" (valid: master, controlplane, etcd, node, "
	 "policies)"},
	{"targets = master,,etcd\n", 0, 1, "targets: empty item in the list"},
	{"targets = master,\n", 0, 1, "targets: empty item in the list"},
	{"skip = 1.2.x\n", 0, 1,
	 "skip: \"1.2.x\" is not a recommendation id (digits and dots, e.g. 1.2.6 or 1.2)"},
	{"skip = 1..2\n", 0, 1, "skip: \"1..2\" is not a recommendation id"},
	{"skip = .1\n", 0, 1, "skip: \".1\" is not a recommendation id"},
	{"skip = 1.2.\n", 0, 1, "skip: \"1.2.\" is not a recommendation id"},
	{"benchmark = .hidden\n", 0, 1,
	 "benchmark: invalid benchmark name \".hidden\" (at most 64 of a-z, 0-9, '.' and '-', "
	 "not starting with '.')"},
	{"benchmark = CIS-1.12\n", 0, 1, "invalid benchmark name \"CIS-1.12\""},
	{"benchmark = a/b\n", 0, 1, "invalid benchmark name \"a/b\""},
	{"socket = run/x.sock\n", 0, 1, "socket: \"run/x.sock\" is not an absolute path"},
	{"socket = /run/\n", 0, 1, "socket: \"/run/\" names a directory, not a file"},
	{"socket = /run/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock\n",
	 0, 1, "socket: path is 121 bytes long; a Unix socket address holds at most 107"},
	{"state-dir = var/lib\n", 0, 1, "state-dir: \"var/lib\" is not an absolute path"},
	{"metrics-file = x.prom\n", 0, 1, "metrics-file: \"x.prom\" is not an absolute path"},
	{"root = ./host\n", 0, 1, "root: \"./host\" is not an absolute path"},
	{"profile-dir = ~/p\n", 0, 1, "profile-dir: \"~/p\" is not an absolute path"},
	{"syslog-tag = a:b\n", 0, 1,
	 "syslog-tag: invalid tag \"a:b\" (at most 32 of A-Z, a-z, 0-9, '.', '_' and '-')"},
	{"syslog-tag = \"a b\"\n", 0, 1, "syslog-tag: invalid tag \"a b\""},
	{"socket-group = -x\n", 0, 1, "socket-group: \"-x\" is not a group name or number"},
	{"socket-group = a b\n", 0, 1, "socket-group: \"a b\" is not a group name or number"},
	{"socket-group = 4294967295\n", 0, 1,
	 "socket-group: \"4294967295\" is not a group name or number (0..4294967294)"},
	{"socket-group = 99999999999\n", 0, 1, "\"99999999999\" is not a group name or number"},
	{"socket-group = $\n", 0, 1, "\"$\" is not a group name or number"},
	{"socket-group = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 0, 1,
	 "is not a group name or number"},
	{"# ok\ninterval = 6\0\n", 19, 2, "NUL byte at column 13 (a configuration file is text)"},
	{"\n\n# caf\xff\n", 0, 3, "invalid UTF-8 (byte 0xff at column 6)"},
	{"root = /\xc0\xaf\n", 0, 1, "invalid UTF-8 (byte 0xc0 at column 9)"},
	{"root = /\xed\xa0\x80\n", 0, 1, "invalid UTF-8 (byte 0xed at column 9)"},
	{"root = /\xe2\x82\n", 0, 1, "invalid UTF-8 (byte 0xe2 at column 9)"},
	{"watch = yes\nroot = /a\x1b[0m\n", 0, 2, "control character 0x1b at column 10"},
	{"root = /a\rb\n", 0, 1, "control character 0x0d at column 10"},
	{"syslog-tag = \"abc\n", 0, 1,
	 "syslog-tag: unterminated quoted value (opened at column 14)"},
	{"syslog-tag = \"abc\\\"\n", 0, 1, "unterminated quoted value"},
	{"syslog-tag = \"abc\\", 0, 1, "unterminated quoted value"},
	{"syslog-tag = \"abc\" x\n", 0, 1, "syslog-tag: unexpected \"x\" after the closing quote"},
	{"syslog-tag = \"abc\"x # c\n", 0, 1, "unexpected \"x # c\" after the closing quote"},
	{"syslog-tag = \"abc\"# c\n", 0, 1, "unexpected \"# c\" after the closing quote"},
	{"root = \"/a\\n\"\n", 0, 1,
	 "root: unknown escape \"\\n\" in a quoted value (only \\\" and \\\\ are escapes)"},
	{"root = \"/a\\\xc3\xa9\"\n", 0, 1, "unknown escape \"\\\xc3\xa9\""},
	{"syslog-tag = ab\"c\n", 0, 1,
	 "syslog-tag: a '\"' inside an unquoted value (quote the whole value)"},
};

/* Each bad file: -1, EINVAL, "FILE:LINE: message", and c untouched. */
START_TEST(test_errors)
{
	struct conf c, d;
	char *err = NULL, *want;
	size_t len = bad[_i].len ? bad[_i].len : strlen(bad[_i].content);
	char *path = write_conf("bad.conf", bad[_i].content, len, 0644);

	conf_defaults(&c);
	conf_defaults(&d);
	errno = 0;
	ck_assert_int_eq(conf_load(path, &c, &err), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(err);
	want = xasprintf("%s:%u: ", path, bad[_i].line);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0,
		      "case %d: want prefix \"%s\", got \"%s\"", _i, want, err);
	ck_assert_msg(strstr(err + strlen(want), bad[_i].msg) != NULL,
		      "case %d: want \"%s\" in \"%s\"", _i, bad[_i].msg, err);
	assert_conf_eq(&c, &d);
	ck_assert_uint_eq(c.set, 0);
	free(want);
	free(err);
	conf_free(&c);
	conf_free(&d);
	free(path);
}
END_TEST

/* A bad file after a good one: c keeps what the good one set, including the
 * keys the bad file parsed before its error. */
START_TEST(test_error_keeps_previous)
{
	struct conf c, before;
	char *err = NULL;
	char *good = write_str("good.conf", "interval = 120\nmetrics-file = /m.prom\n"
					    "targets = etcd\nskip = 1.1\nsyslog-tag = a\n");
	char *badf = write_str("bad.conf", "interval = 30\nmetrics-file =\ntargets = node\n"
					   "skip =\nsyslog-tag = b\nprofile-dir = /p\nwatch = no\n"
					   "jitter = x\n");

	conf_defaults(&c);
	ck_assert_msg(conf_load(good, &c, &err) == 0, "%s", err);
	conf_defaults(&before);
	ck_assert_int_eq(conf_load(good, &before, &err), 0);
	ck_assert_int_eq(conf_load(badf, &c, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "bad.conf:8: jitter: \"x\" is not a number"));
	free(err);
	assert_conf_eq(&c, &before);
	ck_assert_uint_eq(c.set, before.set);
	ck_assert_str_eq(c.metrics_file, "/m.prom");
	ck_assert_str_eq(c.targets.v[0], "etcd");
	conf_free(&c);
	conf_free(&before);
	free(good);
	free(badf);
}
END_TEST

START_TEST(test_quoting)
{
	struct conf c;
	char *err = NULL;
	char *path = write_str("q.conf", "root = \"/with space/# not a comment\"   # comment\n"
					 "state-dir = \"/a \\\"quoted\\\" \\\\ b\"\n"
					 "metrics-file = \"/x\"\n"
					 "profile-dir=\"/tight\"\n"
					 "socket = \"/caf\xc3\xa9.sock\"\t\n"
					 "targets = \" node , etcd \"\n"
					 "syslog-tag = \"kube-auditd\"#\n"
					 "benchmark = \"cis-1.10\"\n");

	conf_defaults(&c);
	/* '#' right after the closing quote is not a comment */
	ck_assert_int_eq(conf_load(path, &c, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "q.conf:7: syslog-tag: unexpected \"#\""));
	free(err);
	free(path);
	path = write_str("q.conf", "root = \"/with space/# not a comment\"   # comment\n"
				   "state-dir = \"/a \\\"quoted\\\" \\\\ b\"\n"
				   "metrics-file = \"/x\"\n"
				   "profile-dir=\"/tight\"\n"
				   "socket = \"/caf\xc3\xa9.sock\"\t\n"
				   "targets = \" node , etcd \"\n"
				   "syslog-tag = \"kube-auditd\" #\n"
				   "benchmark = \"cis-1.10\"\n");
	ck_assert_msg(conf_load(path, &c, &err) == 0, "%s", err);
	ck_assert_str_eq(c.root, "/with space/# not a comment");
	ck_assert_str_eq(c.state_dir, "/a \"quoted\" \\ b");
	ck_assert_str_eq(c.metrics_file, "/x");
	ck_assert_str_eq(c.profile_dir, "/tight");
	ck_assert_str_eq(c.socket, "/caf\xc3\xa9.sock");
	ck_assert_uint_eq(c.targets.n, 2);
	ck_assert_str_eq(c.targets.v[0], "node");
	ck_assert_str_eq(c.targets.v[1], "etcd");
	ck_assert_str_eq(c.syslog_tag, "kube-auditd");
	ck_assert_str_eq(c.benchmark, "cis-1.10");
	conf_free(&c);
	free(path);
}
END_TEST

START_TEST(test_comments)
{
	struct conf c;
	char *err = NULL;
	char *path = write_str("c.conf", "# a comment\n"
					 "   # an indented one\n"
					 "\t#\ttabbed\n"
					 "root = /a#b # but this is one\n"
					 "state-dir = /s\t# after a tab\n"
					 "metrics-file =#/not-a-comment\n"
					 "interval = 60# glued: part of the value\n");

	conf_defaults(&c);
	ck_assert_int_eq(conf_load(path, &c, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "c.conf:6: metrics-file: \"#/not-a-comment\" is not an "
					  "absolute path"));
	free(err);
	free(path);
	path = write_str("c.conf", "# a comment\n"
				   "   # an indented one\n"
				   "\t#\ttabbed\n"
				   "root = /a#b # but this is one\n"
				   "state-dir = /s\t# after a tab\n"
				   "interval = 60# glued: part of the value\n");
	ck_assert_int_eq(conf_load(path, &c, &err), -1);
	ck_assert_ptr_nonnull(strstr(
		err, "c.conf:6: interval: \"60# glued: part of the value\" is not a number"));
	free(err);
	free(path);
	path = write_str("c.conf", "# a comment\n"
				   "   # an indented one\n"
				   "\t#\ttabbed\n"
				   "root = /a#b # but this is one\n"
				   "state-dir = /s\t# after a tab\n"
				   "  interval\t=\t60   \n");
	ck_assert_msg(conf_load(path, &c, &err) == 0, "%s", err);
	ck_assert_str_eq(c.root, "/a#b");
	ck_assert_str_eq(c.state_dir, "/s");
	ck_assert_int_eq(c.interval, 60);
	ck_assert_uint_eq(c.set, CONF_ROOT | CONF_STATE_DIR | CONF_INTERVAL);
	conf_free(&c);
	free(path);
}
END_TEST

START_TEST(test_crlf)
{
	struct conf c;
	char *err = NULL;
	char *path = write_str("crlf.conf", "# made on Windows\r\n"
					    "\r\n"
					    "interval = 90\r\n"
					    "syslog-tag = \"tag\"\r\n"
					    "root = /host # c\r\n"
					    "targets = node\r\n"
					    "watch = no");

	conf_defaults(&c);
	ck_assert_msg(conf_load(path, &c, &err) == 0, "%s", err);
	ck_assert_int_eq(c.interval, 90);
	ck_assert_str_eq(c.syslog_tag, "tag");
	ck_assert_str_eq(c.root, "/host");
	ck_assert_str_eq(c.targets.v[0], "node");
	ck_assert_int_eq(c.watch, 0);
	free(path);
	/* line numbers still count CRLF lines */
	path = write_str("crlf.conf", "interval = 90\r\n\r\nwatch = x\r\n");
	ck_assert_int_eq(conf_load(path, &c, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "crlf.conf:3: watch: \"x\" is not a boolean"));
	free(err);
	conf_free(&c);
	free(path);
}
END_TEST

START_TEST(test_bom)
{
	struct conf c;
	char *err = NULL;
	char *path = write_str("bom.conf", "\xef\xbb\xbfinterval = 9\n");

	conf_defaults(&c);
	ck_assert_msg(conf_load(path, &c, &err) == 0, "%s", err);
	ck_assert_int_eq(c.interval, 9);
	conf_free(&c);
	free(path);
}
END_TEST

START_TEST(test_line_length)
{
	struct conf c;
	char *err = NULL, *buf = xmalloc(5000), *path;

	conf_defaults(&c);
	/* exactly 4096 bytes (without the line ending) is allowed, CRLF too */
	memset(buf, 'x', 4096);
	buf[0] = '#';
	memcpy(buf + 4096, "\r\n", 3);
	path = write_str("len.conf", buf);
	ck_assert_msg(conf_load(path, &c, &err) == 0, "%s", err);
	free(path);
	memcpy(buf, "watch = no\n#", 12);
	memset(buf + 12, 'x', 4096);
	memcpy(buf + 12 + 4096, "\n", 2);
	path = write_str("len.conf", buf);
	ck_assert_int_eq(conf_load(path, &c, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "len.conf:2: line longer than 4096 bytes"));
	ck_assert_int_eq(c.watch, 1);
	free(err);
	conf_free(&c);
	free(path);
	free(buf);
}
END_TEST

START_TEST(test_file_size)
{
	struct conf c;
	size_t max = 1024 * 1024;
	char *err = NULL, *buf = xmalloc(max + 1), *path, *want;

	conf_defaults(&c);
	for (size_t i = 0; i < max; i += 64) {
		memset(buf + i, ' ', 63);
		buf[i] = '#';
		buf[i + 63] = '\n';
	}
	path = write_conf("big.conf", buf, max, 0644);
	ck_assert_msg(conf_load(path, &c, &err) == 0, "%s", err);
	free(path);
	buf[max] = '\n';
	path = write_conf("big.conf", buf, max + 1, 0644);
	errno = 0;
	ck_assert_int_eq(conf_load(path, &c, &err), -1);
	ck_assert_int_eq(errno, EFBIG);
	want = xasprintf("%s: larger than 1 MiB (1048577 bytes)", path);
	ck_assert_str_eq(err, want);
	free(want);
	free(err);
	conf_free(&c);
	free(path);
	free(buf);
}
END_TEST

START_TEST(test_missing)
{
	struct conf c, d;
	char *err = NULL, *path = xasprintf("%s/nope.conf", tmpdir), *want;

	conf_defaults(&c);
	conf_defaults(&d);
	errno = 0;
	ck_assert_int_eq(conf_load(path, &c, &err), -1);
	ck_assert_int_eq(errno, ENOENT);
	want = xasprintf("%s: No such file or directory", path);
	ck_assert_str_eq(err, want);
	assert_conf_eq(&c, &d);
	free(want);
	free(err);
	/* a dangling link is missing too */
	free(path);
	path = xasprintf("%s/dangling.conf", tmpdir);
	ck_assert_int_eq(symlink("nope.conf", path), 0);
	errno = 0;
	ck_assert_int_eq(conf_load(path, &c, &err), -1);
	ck_assert_int_eq(errno, ENOENT);
	free(err);
	conf_free(&c);
	conf_free(&d);
	free(path);
}
END_TEST

START_TEST(test_trust)
{
	struct conf c;
	char *err = NULL, *path, *want, *link, *dir;

	conf_defaults(&c);
	path = write_conf("m.conf", "interval = 5\n", 13, 0666);
	errno = 0;
	ck_assert_int_eq(conf_load(path, &c, &err), -1);
	ck_assert_int_eq(errno, EPERM);
	want = xasprintf("%s: refusing a configuration file that is world-writable (mode 0666)",
			 path);
	ck_assert_str_eq(err, want);
	free(want);
	free(err);

	ck_assert_int_eq(chmod(path, 0620), 0);
	ck_assert_int_eq(conf_load(path, &c, &err), -1);
	want = xasprintf("%s: refusing a configuration file that is group-writable (mode 0620)",
			 path);
	ck_assert_str_eq(err, want);
	free(want);
	free(err);

	/* followed links are fine, but the target is what is judged */
	link = xasprintf("%s/link.conf", tmpdir);
	ck_assert_int_eq(symlink("m.conf", link), 0);
	ck_assert_int_eq(conf_load(link, &c, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "group-writable (mode 0620)"));
	free(err);
	ck_assert_int_eq(chmod(path, 0600), 0);
	ck_assert_msg(conf_load(link, &c, &err) == 0, "%s", err);
	ck_assert_int_eq(c.interval, 5);

	if (geteuid() == 0) {
		ck_assert_int_eq(chown(path, 4242, 0), 0);
		errno = 0;
		ck_assert_int_eq(conf_load(path, &c, &err), -1);
		ck_assert_int_eq(errno, EPERM);
		want = xasprintf("%s: refusing a configuration file owned by uid 4242 (neither "
				 "root nor the caller)",
				 path);
		ck_assert_str_eq(err, want);
		free(want);
		free(err);
		/* owned by root: fine whoever reads it */
		ck_assert_int_eq(chown(path, 0, 4242), 0);
		ck_assert_msg(conf_load(path, &c, &err) == 0, "%s", err);
	}

	dir = xasprintf("%s/d.conf", tmpdir);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	ck_assert_int_eq(conf_load(dir, &c, &err), -1);
	want = xasprintf("%s: not a regular file", dir);
	ck_assert_str_eq(err, want);
	free(want);
	free(err);
	conf_free(&c);
	free(dir);
	free(link);
	free(path);
}
END_TEST

START_TEST(test_facility)
{
	static const struct {
		const char *name;
		int value;
	} t[] = {
		{"daemon", LOG_DAEMON}, {"auth", LOG_AUTH},	{"authpriv", LOG_AUTHPRIV},
		{"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2},
		{"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5},
		{"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_int_eq(conf_facility(t[i].name), t[i].value);
	ck_assert_int_eq(conf_facility("kern"), -1);
	ck_assert_int_eq(conf_facility("DAEMON"), -1);
	ck_assert_int_eq(conf_facility("local8"), -1);
	ck_assert_int_eq(conf_facility(""), -1);
	ck_assert_int_eq(conf_facility(NULL), -1);
}
END_TEST

/* The shipped file, copied so a checkout's modes and owners do not matter. */
static char *
shipped_copy(const char *name, int uncomment, unsigned *nkeys)
{
	char *text = tu_slurp(TOP_SRCDIR "/contrib/kube-auditd.conf"), *path;
	struct sbuf out = {0};
	unsigned n = 0;

	ck_assert_msg(text != NULL, "cannot read %s", TOP_SRCDIR "/contrib/kube-auditd.conf");
	for (char *line = text, *nl; *line; line = nl) {
		char *k = line + 2;
		size_t klen = 0;

		nl = strchr(line, '\n');
		nl = nl ? nl + 1 : line + strlen(line);
		while (strncmp(line, "# ", 2) == 0 && k[klen] >= 'a' && k[klen] <= 'z') {
			klen++;
			while (k[klen] == '-')
				klen++;
		}
		/* "# key = value" (or "# key =" for an empty default) */
		if (strncmp(line, "# ", 2) == 0 && klen > 0 && strncmp(k + klen, " =", 2) == 0) {
			n++;
			if (uncomment) {
				sbuf_addn(&out, k, (size_t)(nl - k));
				continue;
			}
		}
		sbuf_addn(&out, line, (size_t)(nl - line));
	}
	*nkeys = n;
	path = write_conf(name, sbuf_str(&out), out.len, 0644);
	sbuf_free(&out);
	free(text);
	return path;
}

START_TEST(test_shipped_defaults)
{
	struct conf c, d;
	char *err = NULL;
	unsigned n;
	char *path = shipped_copy("shipped.conf", 0, &n);

	ck_assert_uint_eq(n, 16); /* every key is there, commented out */
	conf_defaults(&c);
	conf_defaults(&d);
	ck_assert_msg(conf_load(path, &c, &err) == 0, "%s", err);
	assert_conf_eq(&c, &d);
	ck_assert_uint_eq(c.set, 0);
	conf_free(&c);
	conf_free(&d);
	free(path);
}
END_TEST

/* Uncommented, the shipped file still parses, sets every key once (a second
 * one would be a duplicate), and the defaults it states are the real ones. */
START_TEST(test_shipped_uncommented)
{
	struct conf c, d;
	char *err = NULL, *all;
	unsigned n;
	char *path = shipped_copy("uncommented.conf", 1, &n);

	ck_assert_uint_eq(n, 16);
	conf_defaults(&c);
	conf_defaults(&d);
	ck_assert_msg(conf_load(path, &c, &err) == 0, "%s", err);
	ck_assert_uint_eq(c.set, ALL_BITS);
	/* jitter's default is relative (10% of interval, at most 30): the
	 * file states its value for the default interval */
	ck_assert_int_eq(c.jitter, d.interval / 10 < 30 ? d.interval / 10 : 30);
	c.jitter = d.jitter;
	/* targets: all of them, which is what the empty default means */
	all = strv_join(&c.targets, ",");
	ck_assert_str_eq(all, "master,controlplane,etcd,node,policies");
	free(all);
	strv_free(&c.targets);
	assert_conf_eq(&c, &d);
	conf_free(&c);
	conf_free(&d);
	free(path);
}
END_TEST

static Suite *
conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_every_key);
	tcase_add_test(tc, test_set_bits);
	tcase_add_test(tc, test_absent_keys);
	tcase_add_test(tc, test_layered);
	tcase_add_test(tc, test_empty_values);
	tcase_add_loop_test(tc, test_errors, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_error_keeps_previous);
	tcase_add_test(tc, test_quoting);
	tcase_add_test(tc, test_comments);
	tcase_add_test(tc, test_crlf);
	tcase_add_test(tc, test_bom);
	tcase_add_test(tc, test_line_length);
	tcase_add_test(tc, test_file_size);
	tcase_add_test(tc, test_missing);
	tcase_add_test(tc, test_trust);
	tcase_add_test(tc, test_facility);
	tcase_add_test(tc, test_shipped_defaults);
	tcase_add_test(tc, test_shipped_uncommented);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(conf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
