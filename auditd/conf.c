/* conf.c - kube-auditd.conf(5): a strict "key = value" parser.
 *
 * Strict because the file configures a security tool: a typo that silently
 * fell back to a default (a misspelt "skip" or "targets") would hide exactly
 * the findings the operator wanted to see. Every error names FILE:LINE.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "conf.h"
#include "eval.h"

#ifndef KA_DEFAULT_SOCKET
#define KA_DEFAULT_SOCKET "/run/kube-auditd/kube-auditd.sock"
#endif
#ifndef KA_DEFAULT_STATE_DIR
#define KA_DEFAULT_STATE_DIR "/var/lib/kube-auditd"
#endif

#define CONF_MAX_LINE 4096
#define CONF_MAX_SIZE (1024 * 1024)
/* Values are echoed in messages; a 4 KiB one would drown the message. */
#define SHOWN_MAX 64

static const struct {
	const char *name;
	int value;
} facilities[] = {
	{"daemon", LOG_DAEMON}, {"auth", LOG_AUTH},	{"authpriv", LOG_AUTHPRIV},
	{"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2},
	{"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5},
	{"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
};

struct pctx {
	const char *path;
	unsigned line;
	char *err;
	const char *linestart; /* for columns */
	const struct key *key; /* the key being parsed, for messages */
};

struct key {
	const char *name;
	unsigned bit;
	int may_be_empty; /* an empty value means "none" / the built-in default */
	int (*parse)(struct pctx *p, struct conf *c, const char *v);
};

static int perr(struct pctx *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sets p->err to "FILE:LINE: message" and returns -1. */
static int
perr(struct pctx *p, const char *fmt, ...)
{
	struct sbuf b = {0};
	va_list ap;

	sbuf_addf(&b, "%s:%u: ", p->path, p->line);
	if (p->key)
		sbuf_addf(&b, "%s: ", p->key->name);
	va_start(ap, fmt);
	sbuf_vaddf(&b, fmt, ap);
	va_end(ap);
	free(p->err);
	p->err = sbuf_steal(&b);
	errno = EINVAL;
	return -1;
}

/* A value for a message: the file was checked to be UTF-8 without control
 * characters, so only its length needs bounding (cut on a character). */
static char *
shown(const char *v)
{
	size_t n = strlen(v);

	if (n <= SHOWN_MAX)
		return xstrdup(v);
	n = SHOWN_MAX;
	while (n > 0 && ((unsigned char)v[n] & 0xc0) == 0x80)
		n--;
	return xasprintf("%.*s...", (int)n, v);
}

/* ---- value parsers ---- */

static int
parse_seconds(struct pctx *p, const char *v, long min, long max, long *out)
{
	char *sv;
	long n = 0;
	int big = 0;

	for (const char *s = v; *s; s++) {
		if (*s < '0' || *s > '9') {
			sv = shown(v);
			perr(p, "\"%s\" is not a number of seconds (%ld..%ld)", sv, min, max);
			free(sv);
			return -1;
		}
		if (n > max)
			big = 1; /* keeps going only to reject later non-digits */
		else
			n = n * 10 + (*s - '0');
	}
	if (big || n < min || n > max) {
		sv = shown(v);
		perr(p, "%s is out of range (%ld..%ld)", sv, min, max);
		free(sv);
		return -1;
	}
	*out = n;
	return 0;
}

static int
set_interval(struct pctx *p, struct conf *c, const char *v)
{
	return parse_seconds(p, v, 1, 86400, &c->interval);
}

static int
set_jitter(struct pctx *p, struct conf *c, const char *v)
{
	return parse_seconds(p, v, 0, 3600, &c->jitter);
}

static int
set_pid_check(struct pctx *p, struct conf *c, const char *v)
{
	return parse_seconds(p, v, 0, 60, &c->pid_check);
}

static int
parse_bool(struct pctx *p, const char *v, int *out)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};
	char *sv;

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(v, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcmp(v, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	sv = shown(v);
	perr(p, "\"%s\" is not a boolean (yes, no, true, false, on, off, 1 or 0)", sv);
	free(sv);
	return -1;
}

static int
set_syslog(struct pctx *p, struct conf *c, const char *v)
{
	return parse_bool(p, v, &c->syslog);
}

static int
set_watch(struct pctx *p, struct conf *c, const char *v)
{
	return parse_bool(p, v, &c->watch);
}

static void
replace(char **dst, const char *v)
{
	free(*dst);
	*dst = *v ? xstrdup(v) : NULL;
}

/* ASCII only: isalnum() would follow the locale. */
static int
is_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

static int
check_abs(struct pctx *p, const char *v, int is_file)
{
	char *sv;

	if (v[0] != '/') {
		sv = shown(v);
		perr(p, "\"%s\" is not an absolute path", sv);
		free(sv);
		return -1;
	}
	if (is_file && v[strlen(v) - 1] == '/') {
		sv = shown(v);
		perr(p, "\"%s\" names a directory, not a file", sv);
		free(sv);
		return -1;
	}
	return 0;
}

static int
set_socket(struct pctx *p, struct conf *c, const char *v)
{
	size_t max = sizeof(((struct sockaddr_un *)0)->sun_path) - 1;

	if (check_abs(p, v, 1) < 0)
		return -1;
	if (strlen(v) > max)
		return perr(p, "path is %zu bytes long; a Unix socket address holds at most %zu",
			    strlen(v), max);
	replace(&c->socket, v);
	return 0;
}

static int
set_state_dir(struct pctx *p, struct conf *c, const char *v)
{
	if (check_abs(p, v, 0) < 0)
		return -1;
	replace(&c->state_dir, v);
	return 0;
}

static int
set_metrics(struct pctx *p, struct conf *c, const char *v)
{
	if (*v && check_abs(p, v, 1) < 0)
		return -1;
	replace(&c->metrics_file, v);
	return 0;
}

static int
set_root(struct pctx *p, struct conf *c, const char *v)
{
	if (check_abs(p, v, 0) < 0)
		return -1;
	replace(&c->root, v);
	return 0;
}

static int
set_profile_dir(struct pctx *p, struct conf *c, const char *v)
{
	if (*v && check_abs(p, v, 0) < 0)
		return -1;
	replace(&c->profile_dir, v);
	return 0;
}

/* A group name as useradd and systemd-sysusers accept it, or a GID; it is
 * resolved when the socket is created. */
static int
set_socket_group(struct pctx *p, struct conf *c, const char *v)
{
	size_t n = strlen(v), digits = strspn(v, "0123456789");
	int ok = n <= 32 && v[0] != '-'; /* empty: root only */
	char *sv;

	for (const char *s = v; ok && *s; s++)
		ok = is_alnum(*s) || *s == '_' || *s == '-' || *s == '.' ||
		     (*s == '$' && s[1] == '\0' && s != v);
	/* (gid_t)-1 means "no change" to chown: never a real group */
	if (ok && n > 0 && digits == n)
		ok = n < 10 || (n == 10 && strcmp(v, "4294967294") <= 0);
	if (!ok) {
		sv = shown(v);
		perr(p, "\"%s\" is not a group name or number (0..4294967294)", sv);
		free(sv);
		return -1;
	}
	replace(&c->socket_group, v);
	return 0;
}

static int
set_benchmark(struct pctx *p, struct conf *c, const char *v)
{
	int ok = v[0] != '.' && strlen(v) <= 64;
	char *sv;

	for (const char *s = v; ok && *s; s++)
		ok = (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' || *s == '-';
	if (!ok) {
		sv = shown(v);
		perr(p,
		     "invalid benchmark name \"%s\" (at most 64 of a-z, 0-9, '.' and '-', "
		     "not starting with '.')",
		     sv);
		free(sv);
		return -1;
	}
	replace(&c->benchmark, v);
	return 0;
}

static int
set_tag(struct pctx *p, struct conf *c, const char *v)
{
	int ok = strlen(v) <= 32;
	char *sv;

	/* RFC 3164 caps the tag at 32 characters; the others would need
	 * escaping in RFC 5424's APP-NAME or confuse parsers */
	for (const char *s = v; ok && *s; s++)
		ok = is_alnum(*s) || *s == '-' || *s == '_' || *s == '.';
	if (!ok) {
		sv = shown(v);
		perr(p, "invalid tag \"%s\" (at most 32 of A-Z, a-z, 0-9, '.', '_' and '-')", sv);
		free(sv);
		return -1;
	}
	replace(&c->syslog_tag, v);
	return 0;
}

static int
set_facility(struct pctx *p, struct conf *c, const char *v)
{
	int f = conf_facility(v);
	char *sv;

	if (f < 0) {
		sv = shown(v);
		perr(p,
		     "unknown facility \"%s\" (valid: daemon, auth, authpriv, local0, local1, "
		     "local2, local3, local4, local5, local6, local7)",
		     sv);
		free(sv);
		return -1;
	}
	c->syslog_facility = f;
	return 0;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

static int
bad_item(struct pctx *p, const char *item, int ids)
{
	char *sv = shown(item);

	if (ids)
		perr(p, "\"%s\" is not a recommendation id (digits and dots, e.g. 1.2.6 or 1.2)",
		     sv);
	else
		perr(p, "unknown target \"%s\" (valid: " EVAL_TARGETS_TEXT ")", sv);
	free(sv);
	return -1;
}

/* Replaces out with a comma-separated list (blanks around items ignored,
 * duplicates dropped); an empty value is an empty list. */
static int
parse_list(struct pctx *p, const char *v, struct strv *out, int ids)
{
	struct strv l = {0};
	char *copy = xstrdup(v), *s = copy;
	int rc = -1;

	while (*v) {
		char *e = strchr(s, ','), *item;

		if (e)
			*e = '\0';
		item = trim(s);
		if (*item == '\0') {
			perr(p, "empty item in the list");
			goto out;
		}
		if (ids ? !eval_id_valid(item) : !eval_target_valid(item)) {
			bad_item(p, item, ids);
			goto out;
		}
		if (strv_index(&l, item) < 0)
			strv_push(&l, item);
		if (e == NULL)
			break;
		s = e + 1;
	}
	strv_free(out);
	*out = l;
	memset(&l, 0, sizeof(l));
	rc = 0;
out:
	strv_free(&l);
	free(copy);
	return rc;
}

static int
set_targets(struct pctx *p, struct conf *c, const char *v)
{
	return parse_list(p, v, &c->targets, 0);
}

static int
set_skip(struct pctx *p, struct conf *c, const char *v)
{
	return parse_list(p, v, &c->skip, 1);
}

static const struct key keys[] = {
	{"interval", CONF_INTERVAL, 0, set_interval},
	{"jitter", CONF_JITTER, 0, set_jitter},
	{"socket", CONF_SOCKET, 0, set_socket},
	{"socket-group", CONF_SOCKET_GROUP, 1, set_socket_group},
	{"state-dir", CONF_STATE_DIR, 0, set_state_dir},
	{"metrics-file", CONF_METRICS, 1, set_metrics},
	{"root", CONF_ROOT, 0, set_root},
	{"benchmark", CONF_BENCHMARK, 0, set_benchmark},
	{"profile-dir", CONF_PROFILE_DIR, 1, set_profile_dir},
	{"targets", CONF_TARGETS, 0, set_targets},
	{"skip", CONF_SKIP, 1, set_skip},
	{"syslog", CONF_SYSLOG, 0, set_syslog},
	{"syslog-facility", CONF_FACILITY, 0, set_facility},
	{"syslog-tag", CONF_TAG, 0, set_tag},
	{"watch", CONF_WATCH, 0, set_watch},
	{"pid-check", CONF_PID_CHECK, 0, set_pid_check},
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* ---- lines ---- */

static int
is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid:
 * no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* Text only: no NUL, valid UTF-8, no control characters but tab. */
static int
check_bytes(struct pctx *p, const char *line, size_t len)
{
	const unsigned char *s = (const unsigned char *)line;

	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq(s + i, len - i);

		if (s[i] == '\0')
			return perr(p, "NUL byte at column %zu (a configuration file is text)",
				    i + 1);
		if (n == 0)
			return perr(p, "invalid UTF-8 (byte 0x%02x at column %zu)", s[i], i + 1);
		if (n == 1 && ((s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f))
			return perr(p, "control character 0x%02x at column %zu", s[i], i + 1);
		i += n;
	}
	return 0;
}

static int
unknown_key(struct pctx *p, const char *k, size_t len)
{
	struct sbuf b = {0};
	char *norm = xstrndup(k, len), *sk = shown(norm);
	int rc;

	/* "State_Dir" is the likeliest mistake: suggest the real spelling */
	for (char *s = norm; *s; s++)
		*s = *s == '_' ? '-' : (*s >= 'A' && *s <= 'Z') ? (char)(*s - 'A' + 'a') : *s;
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(norm, keys[i].name) == 0)
			sbuf_addf(&b, "did you mean \"%s\"? ", keys[i].name);
	sbuf_add(&b, "valid keys:");
	for (size_t i = 0; i < NKEYS; i++)
		sbuf_addf(&b, "%s %s", i ? "," : "", keys[i].name);
	rc = perr(p, "unknown key \"%s\" (%s)", sk, sbuf_str(&b));
	sbuf_free(&b);
	free(norm);
	free(sk);
	return rc;
}

/* Reads a double-quoted value starting at *s (on the quote) into out; only
 * blanks or a comment may follow the closing quote. */
static int
parse_quoted(struct pctx *p, char **s, struct sbuf *out)
{
	size_t col = (size_t)(*s - p->linestart) + 1;
	char *q = *s + 1, *sv;

	for (; *q != '"'; q++) {
		if (*q == '\\') {
			q++;
			if (*q != '"' && *q != '\\' && *q != '\0')
				return perr(p,
					    "unknown escape \"\\%.*s\" in a quoted value (only "
					    "\\\" and \\\\ are escapes)",
					    (int)utf8_seq((unsigned char *)q, strlen(q)), q);
		}
		if (*q == '\0')
			return perr(p, "unterminated quoted value (opened at column %zu)", col);
		sbuf_addc(out, *q);
	}
	q++;
	if (*q == '\0' || is_blank(*q)) {
		while (is_blank(*q))
			q++;
		if (*q == '\0' || *q == '#') {
			*s = q;
			return 0;
		}
	}
	sv = shown(q);
	perr(p, "unexpected \"%s\" after the closing quote", sv);
	free(sv);
	return -1;
}

/* The value of an unquoted "key = value": up to a '#' that follows a blank
 * (so "a#b" keeps its '#'), without trailing blanks. */
static int
parse_plain(struct pctx *p, char *s, struct sbuf *out)
{
	char *e = s;

	for (; *e; e++) {
		if (*e == '#' && is_blank(e[-1])) /* e[-1] is at worst the '=' */
			break;
		if (*e == '"')
			return perr(p, "a '\"' inside an unquoted value (quote the whole value)");
	}
	while (e > s && is_blank(e[-1]))
		e--;
	sbuf_addn(out, s, (size_t)(e - s));
	return 0;
}

static int
parse_line(struct pctx *p, char *s, struct conf *c, unsigned *first)
{
	struct sbuf val = {0};
	const struct key *k = NULL;
	char *ks;
	int rc = -1;

	while (is_blank(*s))
		s++;
	if (*s == '\0' || *s == '#')
		return 0;
	ks = s;
	while (*s && !is_blank(*s) && *s != '=')
		s++;
	if (s == ks)
		return perr(p, "missing key before '='");
	for (size_t i = 0; i < NKEYS; i++)
		if (strlen(keys[i].name) == (size_t)(s - ks) &&
		    memcmp(ks, keys[i].name, s - ks) == 0)
			k = &keys[i];
	if (k == NULL)
		return unknown_key(p, ks, (size_t)(s - ks));
	while (is_blank(*s))
		s++;
	if (*s != '=')
		return perr(p, "missing '=' after key \"%s\"", k->name);
	if (first[k - keys])
		return perr(p, "duplicate key \"%s\" (first set on line %u)", k->name,
			    first[k - keys]);
	s++;
	while (is_blank(*s))
		s++;
	p->key = k;
	if (*s == '"' ? parse_quoted(p, &s, &val) < 0 : parse_plain(p, s, &val) < 0)
		goto out;
	if (val.len == 0 && !k->may_be_empty) {
		perr(p, "empty value");
		goto out;
	}
	if (k->parse(p, c, sbuf_str(&val)) < 0)
		goto out;
	first[k - keys] = p->line;
	c->set |= k->bit;
	rc = 0;
out:
	p->key = NULL;
	sbuf_free(&val);
	return rc;
}

static int
parse_buf(struct pctx *p, char *buf, size_t len, struct conf *c)
{
	unsigned first[NKEYS] = {0};
	size_t pos = 0;

	/* an editor's byte-order mark is harmless: skip it */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	for (p->line = 1; pos < len; p->line++) {
		char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len, n = end - pos;

		if (n > 0 && buf[end - 1] == '\r')
			n--;
		if (n > CONF_MAX_LINE)
			return perr(p, "line longer than %d bytes", CONF_MAX_LINE);
		if (check_bytes(p, buf + pos, n) < 0)
			return -1;
		buf[pos + n] = '\0';
		p->linestart = buf + pos;
		if (parse_line(p, buf + pos, c, first) < 0)
			return -1;
		pos = end + 1;
	}
	return 0;
}

/* ---- the file ---- */

/* Opens path following links (config management often links it), then
 * refuses it unless it is a regular file that only root or the caller could
 * have written: a writable configuration would let anyone skip checks. */
static int
open_trusted(const char *path, char **err)
{
	struct stat st;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		e = errno;
		*err = xasprintf("%s: %s", path, strerror(e));
		errno = e;
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		e = errno;
		*err = xasprintf("%s: cannot stat: %s", path, strerror(e));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		*err = xasprintf("%s: not a regular file", path);
		goto fail;
	}
	if (st.st_mode & 022) {
		e = EPERM;
		*err = xasprintf("%s: refusing a configuration file that is %s-writable "
				 "(mode %04o)",
				 path, (st.st_mode & 002) ? "world" : "group",
				 (unsigned)(st.st_mode & 07777));
		goto fail;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		e = EPERM;
		*err = xasprintf("%s: refusing a configuration file owned by uid %u "
				 "(neither root nor the caller)",
				 path, (unsigned)st.st_uid);
		goto fail;
	}
	if (st.st_size > CONF_MAX_SIZE) {
		e = EFBIG;
		*err = xasprintf("%s: larger than 1 MiB (%lld bytes)", path, (long long)st.st_size);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	errno = e;
	return -1;
}

/* Reads at most CONF_MAX_SIZE bytes; the file may grow after fstat. */
static char *
read_all(int fd, const char *path, size_t *len, char **err)
{
	char *buf = xmalloc(CONF_MAX_SIZE + 2);
	size_t n = 0;
	ssize_t r;
	int e;

	while (n <= CONF_MAX_SIZE) {
		r = read(fd, buf + n, CONF_MAX_SIZE + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			e = errno;
			*err = xasprintf("%s: read error: %s", path, strerror(e));
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > CONF_MAX_SIZE) {
		e = EFBIG;
		*err = xasprintf("%s: larger than 1 MiB", path);
		goto fail;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	free(buf);
	errno = e;
	return NULL;
}

static void
conf_copy(struct conf *dst, const struct conf *src)
{
	*dst = *src;
	dst->socket = src->socket ? xstrdup(src->socket) : NULL;
	dst->socket_group = src->socket_group ? xstrdup(src->socket_group) : NULL;
	dst->state_dir = src->state_dir ? xstrdup(src->state_dir) : NULL;
	dst->metrics_file = src->metrics_file ? xstrdup(src->metrics_file) : NULL;
	dst->root = src->root ? xstrdup(src->root) : NULL;
	dst->benchmark = src->benchmark ? xstrdup(src->benchmark) : NULL;
	dst->profile_dir = src->profile_dir ? xstrdup(src->profile_dir) : NULL;
	dst->syslog_tag = src->syslog_tag ? xstrdup(src->syslog_tag) : NULL;
	memset(&dst->targets, 0, sizeof(dst->targets));
	memset(&dst->skip, 0, sizeof(dst->skip));
	strv_copy(&dst->targets, &src->targets);
	strv_copy(&dst->skip, &src->skip);
}

void
conf_defaults(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	c->interval = 300;
	c->jitter = -1;
	c->socket = xstrdup(KA_DEFAULT_SOCKET);
	c->state_dir = xstrdup(KA_DEFAULT_STATE_DIR);
	c->root = xstrdup("/");
	c->benchmark = xstrdup("cis-1.12");
	c->syslog = 1;
	c->syslog_facility = LOG_DAEMON;
	c->syslog_tag = xstrdup("kube-auditd");
	c->watch = 1;
	c->pid_check = 2;
}

int
conf_load(const char *path, struct conf *c, char **err)
{
	struct pctx p = {.path = path};
	struct conf tmp;
	char *buf = NULL;
	size_t len = 0;
	int fd, rc = -1, e;

	*err = NULL;
	fd = open_trusted(path, err);
	if (fd < 0)
		return -1;
	buf = read_all(fd, path, &len, err);
	e = errno;
	close(fd);
	if (buf == NULL) {
		errno = e;
		return -1;
	}
	/* parse into a copy so a bad file leaves c exactly as it was */
	conf_copy(&tmp, c);
	if (parse_buf(&p, buf, len, &tmp) < 0) {
		conf_free(&tmp);
		*err = p.err;
		errno = EINVAL;
		goto out;
	}
	conf_free(c);
	*c = tmp;
	rc = 0;
out:
	free(buf);
	return rc;
}

void
conf_free(struct conf *c)
{
	free(c->socket);
	free(c->socket_group);
	free(c->state_dir);
	free(c->metrics_file);
	free(c->root);
	free(c->benchmark);
	free(c->profile_dir);
	free(c->syslog_tag);
	strv_free(&c->targets);
	strv_free(&c->skip);
	memset(c, 0, sizeof(*c));
}

int
conf_facility(const char *name)
{
	if (name == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcmp(name, facilities[i].name) == 0)
			return facilities[i].value;
	return -1;
}
