/* check_drift.c - unit tests of drift between reports and its syslog lines.
 *
 * Reports are built by hand. Every message is parsed back by a small
 * key=value parser written here from the grammar in drift.h (bare values end
 * at a space; quoted values undo \", \\ and \xNN) and compared field by
 * field with the results that produced it.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drift.h"
#include "testutil.h"

/* ---- building reports ---- */

static struct report *
rep_new(const char *host)
{
	struct report *r = xcalloc(1, sizeof(*r));

	r->tool = xstrdup("kube-auditd");
	r->version = xstrdup("0.1.0");
	r->benchmark = xstrdup("cis-1.12");
	r->hostname = xstrdup(host);
	r->started_at = xstrdup("2026-11-29T10:00:00Z");
	r->duration_ms = 3.14159;
	return r;
}

static struct result *
rep_add(struct report *r, const char *id, enum result_state st)
{
	struct result *res = report_add_result(r);

	res->id = xstrdup(id);
	res->section = xstrndup(id, strrchr(id, '.') ? (size_t)(strrchr(id, '.') - id) : 0);
	res->title = xasprintf("Ensure that check %s holds", id);
	res->state = st;
	res->automated = 1;
	res->component = xstrdup("kube-apiserver");
	res->expected = xstrdup("something");
	res->actual = xasprintf("actual of %s", id);
	res->reason = xstrdup("");
	return res;
}

static void
ev_argv(struct result *res, pid_t pid, int index, const char *text)
{
	struct evidence *e = result_add_evidence(res);

	e->source = EV_ARGV;
	e->pid = pid;
	e->index = index;
	e->text = xstrdup(text);
}

static void
set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = xstrdup(s);
}

/* ---- a key=value parser, independent of drift.c ---- */

#define KV_MAX 32

struct kv {
	char *key[KV_MAX];
	char *val[KV_MAX];
	size_t n;
};

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Returns 0, or -1 with *why on a syntax error. */
static int
kv_parse(const char *msg, struct kv *out, const char **why)
{
	const char *p = msg;

	memset(out, 0, sizeof(*out));
	while (*p) {
		const char *k = p;
		struct sbuf v = {0};

		while ((*p >= 'a' && *p <= 'z') || *p == '_')
			p++;
		if (p == k || *p != '=') {
			*why = "key not followed by '='";
			return -1;
		}
		if (out->n == KV_MAX) {
			*why = "too many keys";
			return -1;
		}
		out->key[out->n] = xstrndup(k, (size_t)(p - k));
		p++;
		if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (*p == '\0') {
					*why = "unterminated quote";
					goto bad;
				}
				if (*p != '\\') {
					sbuf_addc(&v, *p);
					continue;
				}
				p++;
				if (*p == '"' || *p == '\\')
					sbuf_addc(&v, *p);
				else if (*p == 'x' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
					sbuf_addc(&v, (char)(hexval(p[1]) * 16 + hexval(p[2])));
					p += 2;
				} else {
					*why = "unknown escape";
					goto bad;
				}
			}
			p++;
		} else {
			const char *s = p;

			while (*p && *p != ' ') {
				if (*p == '"' || *p == '\\') {
					*why = "quote or backslash in a bare value";
					goto bad;
				}
				p++;
			}
			sbuf_addn(&v, s, (size_t)(p - s));
		}
		out->val[out->n++] = sbuf_steal(&v);
		if (*p == ' ') {
			p++;
			if (*p == '\0' || *p == ' ') {
				*why = "stray space";
				return -1;
			}
		} else if (*p) {
			*why = "no space after a value";
			return -1;
		}
		continue;
	bad:
		sbuf_free(&v);
		free(out->key[out->n]);
		out->key[out->n] = NULL;
		return -1;
	}
	return 0;
}

static void
kv_free(struct kv *kv)
{
	for (size_t i = 0; i < kv->n; i++) {
		free(kv->key[i]);
		free(kv->val[i]);
	}
	kv->n = 0;
}

static const char *
kv_get(const struct kv *kv, const char *key)
{
	for (size_t i = 0; i < kv->n; i++)
		if (strcmp(kv->key[i], key) == 0)
			return kv->val[i];
	return NULL;
}

/* A message must be one line of valid UTF-8 without control bytes, at most
 * 2048 bytes, and parse with unique keys. */
static void
parse_msg(const char *msg, struct kv *kv)
{
	const char *why = NULL;
	char *clean = str_sanitize(msg);

	ck_assert_msg(strlen(msg) <= 2048, "message of %zu bytes", strlen(msg));
	/* str_sanitize changes exactly the control bytes and invalid UTF-8 */
	ck_assert_msg(strcmp(clean, msg) == 0, "not clean UTF-8: %s", clean);
	free(clean);
	ck_assert_msg(kv_parse(msg, kv, &why) == 0, "unparsable (%s): %s", why, msg);
	for (size_t i = 0; i < kv->n; i++)
		for (size_t j = i + 1; j < kv->n; j++)
			ck_assert_msg(strcmp(kv->key[i], kv->key[j]) != 0, "key %s twice",
				      kv->key[i]);
}

static void
assert_field(const struct kv *kv, const char *key, const char *want)
{
	const char *got = kv_get(kv, key);

	ck_assert_msg(got != NULL, "no %s=", key);
	ck_assert_msg(strcmp(got, want) == 0, "%s=[%s], want [%s]", key, got, want);
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* The message of change c parsed, with the fields every message has
 * checked against the results. */
static void
check_message(const struct report *new, const struct drift_change *c, struct kv *kv)
{
	const struct result *res = c->new ? c->new : c->old;
	char *msg = drift_message(new, c);
	char *why = c->new ? drift_why(c->new) : xstrdup("");

	parse_msg(msg, kv);
	ck_assert_str_eq(kv->key[0], "event");
	assert_field(kv, "event", "drift");
	assert_field(kv, "benchmark", new->benchmark);
	assert_field(kv, "node", new->hostname);
	assert_field(kv, "id", res->id);
	assert_field(kv, "old", c->old ? result_state_name(c->old->state) : "NEW");
	assert_field(kv, "new", c->new ? result_state_name(c->new->state) : "GONE");
	assert_field(kv, "automated", res->automated ? "true" : "false");
	assert_field(kv, "component", res->component);
	assert_field(kv, "why", why);
	/* always quoted, so that a SIEM rule can rely on it */
	ck_assert_msg(strstr(msg, " title=\"") != NULL, "%s", msg);
	ck_assert_msg(strstr(msg, " why=\"") != NULL, "%s", msg);
	free(why);
	free(msg);
}

/* ---- compare ---- */

START_TEST(test_first_scan)
{
	struct report *new = rep_new("cp1");
	enum result_state st[] = {RS_PASS, RS_FAIL, RS_WARN, RS_SKIP, RS_ERROR, RS_FAIL, RS_PASS};
	const char *want[] = {"1.1", "1.2", "1.4", "1.5"};
	struct drift d;

	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		char id[16];

		snprintf(id, sizeof(id), "1.%zu", i);
		rep_add(new, id, st[i]);
	}
	drift_compare(NULL, new, &d);
	ck_assert_uint_eq(d.n, 4);
	for (size_t i = 0; i < d.n; i++) {
		struct kv kv;

		ck_assert_ptr_null(d.v[i].old);
		ck_assert_ptr_nonnull(d.v[i].new);
		ck_assert_str_eq(d.v[i].new->id, want[i]);
		check_message(new, &d.v[i], &kv);
		assert_field(&kv, "old", "NEW");
		kv_free(&kv);
	}
	drift_free(&d);
	ck_assert_ptr_null(d.v);
	ck_assert_uint_eq(d.n, 0);
	report_free(new);
}
END_TEST

START_TEST(test_no_change)
{
	struct report *old = rep_new("cp1"), *new = rep_new("cp1");
	struct drift d;
	char *sum;
	struct kv kv;

	for (int i = 0; i < RS__COUNT; i++) {
		char id[16];

		snprintf(id, sizeof(id), "2.%d", i);
		rep_add(old, id, (enum result_state)i);
		/* same state, other evidence and order: not a change */
		rep_add(new, id, (enum result_state)i);
		ev_argv(&new->results[i], 99, 1, "--other=evidence");
	}
	drift_compare(old, new, &d);
	ck_assert_uint_eq(d.n, 0);
	sum = drift_summary(new, &d);
	parse_msg(sum, &kv);
	assert_field(&kv, "changed", "0");
	kv_free(&kv);
	free(sum);
	drift_free(&d);
	report_free(old);
	report_free(new);
}
END_TEST

START_TEST(test_pass_to_fail)
{
	struct report *old = rep_new("cp1"), *new = rep_new("cp1");
	struct result *res;
	struct drift d;
	struct kv kv;

	rep_add(old, "1.2.5", RS_PASS);
	rep_add(old, "1.2.6", RS_PASS);
	rep_add(new, "1.2.5", RS_PASS);
	res = rep_add(new, "1.2.6", RS_FAIL);
	set_str(&res->title,
		"Ensure that the --authorization-mode argument is not set to AlwaysAllow");
	set_str(&res->reason, "not shown for FAIL");
	ev_argv(res, 812, 7, "--authorization-mode=AlwaysAllow");
	drift_compare(old, new, &d);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_ptr_eq(d.v[0].old, &old->results[1]);
	ck_assert_ptr_eq(d.v[0].new, &new->results[1]);
	check_message(new, &d.v[0], &kv);
	assert_field(&kv, "old", "PASS");
	assert_field(&kv, "new", "FAIL");
	assert_field(&kv, "id", "1.2.6");
	assert_field(&kv, "title", res->title);
	assert_field(&kv, "why", "argv pid 812 [7]: --authorization-mode=AlwaysAllow");
	ck_assert_ptr_null(kv_get(&kv, "reason"));
	kv_free(&kv);
	drift_free(&d);
	report_free(old);
	report_free(new);
}
END_TEST

START_TEST(test_fail_to_pass)
{
	struct report *old = rep_new("cp1"), *new = rep_new("cp1");
	struct drift d;
	struct kv kv;

	rep_add(old, "4.2.1", RS_FAIL);
	rep_add(new, "4.2.1", RS_PASS);
	new->results[0].automated = 0;
	drift_compare(old, new, &d);
	ck_assert_uint_eq(d.n, 1);
	check_message(new, &d.v[0], &kv);
	assert_field(&kv, "old", "FAIL");
	assert_field(&kv, "new", "PASS");
	assert_field(&kv, "automated", "false");
	/* no evidence: the actual value explains */
	assert_field(&kv, "why", "actual of 4.2.1");
	kv_free(&kv);
	drift_free(&d);
	report_free(old);
	report_free(new);
}
END_TEST

START_TEST(test_vanished_and_new)
{
	struct report *old = rep_new("cp1"), *new = rep_new("cp1");
	struct drift d;
	struct kv kv;

	rep_add(old, "a", RS_PASS);
	rep_add(old, "b", RS_FAIL);
	rep_add(old, "c", RS_WARN);
	rep_add(old, "z", RS_SKIP);
	/* new order differs; d is new and failing, e new and passing, f new
	 * and skipped; b and z vanished */
	rep_add(new, "d", RS_FAIL);
	rep_add(new, "c", RS_ERROR);
	rep_add(new, "e", RS_PASS);
	rep_add(new, "a", RS_PASS);
	rep_add(new, "f", RS_SKIP);
	rep_add(new, "g", RS_WARN);
	drift_compare(old, new, &d);
	ck_assert_uint_eq(d.n, 5);
	/* new's order first */
	ck_assert_ptr_null(d.v[0].old);
	ck_assert_str_eq(d.v[0].new->id, "d");
	ck_assert_str_eq(d.v[1].old->id, "c");
	ck_assert_str_eq(d.v[1].new->id, "c");
	ck_assert_ptr_null(d.v[2].old);
	ck_assert_str_eq(d.v[2].new->id, "g");
	/* then the vanished, in old's order */
	ck_assert_str_eq(d.v[3].old->id, "b");
	ck_assert_ptr_null(d.v[3].new);
	ck_assert_str_eq(d.v[4].old->id, "z");
	ck_assert_ptr_null(d.v[4].new);
	for (size_t i = 0; i < d.n; i++) {
		check_message(new, &d.v[i], &kv);
		kv_free(&kv);
	}
	check_message(new, &d.v[0], &kv);
	assert_field(&kv, "old", "NEW");
	assert_field(&kv, "new", "FAIL");
	kv_free(&kv);
	check_message(new, &d.v[3], &kv);
	assert_field(&kv, "old", "FAIL");
	assert_field(&kv, "new", "GONE");
	assert_field(&kv, "title", old->results[1].title);
	kv_free(&kv);
	drift_free(&d);

	/* an empty previous report is not the first scan: only new
	 * non-compliant checks count, every old one is gone */
	drift_compare(new, old, &d);
	ck_assert_uint_eq(d.n, 6);
	drift_free(&d);
	report_free(old);
	report_free(new);
}
END_TEST

START_TEST(test_duplicate_ids)
{
	struct report *old = rep_new("cp1"), *new = rep_new("cp1");
	struct drift d;

	/* a merged report may hold an id twice: they pair up in order */
	rep_add(old, "x", RS_PASS);
	rep_add(old, "x", RS_FAIL);
	rep_add(old, "x", RS_WARN);
	rep_add(new, "x", RS_PASS);
	rep_add(new, "x", RS_PASS);
	drift_compare(old, new, &d);
	ck_assert_uint_eq(d.n, 2);
	ck_assert_ptr_eq(d.v[0].old, &old->results[1]);
	ck_assert_ptr_eq(d.v[0].new, &new->results[1]);
	ck_assert_ptr_eq(d.v[1].old, &old->results[2]);
	ck_assert_ptr_null(d.v[1].new);
	drift_free(&d);
	report_free(old);
	report_free(new);
}
END_TEST

/* Thousands of results in opposite orders (a fleet summary): every
 * other one changed. Not timed; a quadratic match would still finish, but
 * this is the size it must handle. */
START_TEST(test_many)
{
	struct report *old = rep_new("cp1"), *new = rep_new("cp1");
	const size_t n = 20000;
	size_t fails = 0;
	struct drift d;

	for (size_t i = 0; i < n; i++) {
		char id[32];

		snprintf(id, sizeof(id), "%zu.%zu", i % 97, i);
		rep_add(old, id, RS_PASS);
	}
	for (size_t i = n; i-- > 0;) {
		char id[32];

		snprintf(id, sizeof(id), "%zu.%zu", i % 97, i);
		rep_add(new, id, i % 2 ? RS_FAIL : RS_PASS);
		fails += i % 2;
	}
	drift_compare(old, new, &d);
	ck_assert_uint_eq(d.n, fails);
	for (size_t i = 0; i < d.n; i++) {
		ck_assert_str_eq(d.v[i].old->id, d.v[i].new->id);
		ck_assert_int_eq(d.v[i].new->state, RS_FAIL);
		ck_assert_int_eq(d.v[i].old->state, RS_PASS);
	}
	drift_free(&d);
	report_free(old);
	report_free(new);
}
END_TEST

/* ---- messages ---- */

START_TEST(test_message_escapes)
{
	struct report *old = rep_new("node with space"), *new = rep_new("node with space");
	struct result *res;
	struct evidence *e;
	struct drift d;
	struct kv kv;
	/* NEL and LINE SEPARATOR are valid UTF-8 that some viewers break on */
	const char *title = "Ensure \"quoted\" a=b back\\slash \xff\xfe bad\tand é"
			    "\xc2\x85nel\xe2\x80\xa8ls";
	char *msg;
	char *why;

	rep_add(old, "1.1.1", RS_PASS);
	res = rep_add(new, "1.1.1", RS_ERROR);
	set_str(&res->title, title);
	set_str(&res->component, "comp=onent");
	set_str(&res->reason, "could not read \"x\"\nsecond line");
	e = result_add_evidence(res);
	e->source = EV_CONFIG;
	e->file = xstrdup("/etc/kubernetes/kubelet conf.yaml");
	e->line = 12;
	e->text = xstrdup("key: va\nlue\r\x01=\"x\"\\");
	drift_compare(old, new, &d);
	ck_assert_uint_eq(d.n, 1);
	check_message(new, &d.v[0], &kv);
	msg = drift_message(new, &d.v[0]);
	ck_assert_ptr_null(strstr(msg, "\xc2\x85"));
	ck_assert_ptr_null(strstr(msg, "\xe2\x80\xa8"));
	ck_assert_ptr_nonnull(strstr(msg, "é"));
	free(msg);
	/* values come back byte for byte, invalid UTF-8 included */
	assert_field(&kv, "title", title);
	assert_field(&kv, "node", "node with space");
	assert_field(&kv, "component", "comp=onent");
	assert_field(&kv, "reason", res->reason);
	/* why is the sanitized evidence (control bytes as text escapes) */
	why = drift_why(res);
	ck_assert_str_eq(why, "config /etc/kubernetes/kubelet conf.yaml:12: "
			      "key: va\\x0alue\\x0d\\x01=\"x\"\\");
	assert_field(&kv, "why", why);
	free(why);
	kv_free(&kv);
	drift_free(&d);
	report_free(old);
	report_free(new);
}
END_TEST

START_TEST(test_message_reason)
{
	struct report *old = rep_new("cp1"), *new = rep_new("cp1");
	const enum result_state st[] = {RS_SKIP, RS_ERROR, RS_WARN, RS_FAIL, RS_PASS, RS_WARN};
	const char *reasons[] = {"not running", "unreadable", "manual", "n/a", "n/a", ""};
	const int shown[] = {1, 1, 1, 0, 0, 0};
	struct drift d;

	for (size_t i = 0; i < 6; i++) {
		char id[16];

		snprintf(id, sizeof(id), "3.%zu", i);
		/* from an old state each new one differs from */
		rep_add(old, id, st[i] == RS_PASS ? RS_FAIL : RS_PASS);
		set_str(&rep_add(new, id, st[i])->reason, reasons[i]);
	}
	drift_compare(old, new, &d);
	ck_assert_uint_eq(d.n, 6);
	for (size_t i = 0; i < d.n; i++) {
		struct kv kv;

		check_message(new, &d.v[i], &kv);
		if (shown[i])
			assert_field(&kv, "reason", reasons[i]);
		else
			ck_assert_msg(kv_get(&kv, "reason") == NULL, "reason for %zu", i);
		kv_free(&kv);
	}
	drift_free(&d);
	report_free(old);
	report_free(new);
}
END_TEST

START_TEST(test_why)
{
	struct result res = {0};
	struct evidence *e;
	char *why;

	why = drift_why(&res);
	ck_assert_str_eq(why, "");
	free(why);

	res.actual = xstrdup("RotateKubeletServerCertificate=false");
	e = result_add_evidence(&res);
	e->source = EV_DEFAULT;
	e->text = xstrdup("kubelet default: true");
	e = result_add_evidence(&res);
	e->source = EV_NOTE;
	e->text = xstrdup("a note");
	/* defaults and notes are not evidence of what the node has */
	why = drift_why(&res);
	ck_assert_str_eq(why, "RotateKubeletServerCertificate=false");
	free(why);

	e = result_add_evidence(&res);
	e->source = EV_FILE;
	e->file = xstrdup("/etc/kubernetes/manifests/kube-apiserver.yaml");
	e->has_stat = 1;
	e->mode = 0100644;
	why = drift_why(&res);
	ck_assert_str_eq(why, "file /etc/kubernetes/manifests/kube-apiserver.yaml mode 0644 "
			      "owner 0:0");
	free(why);
	e->owner = xstrdup("root");
	e->group = xstrdup("kube");
	e->gid = 990;
	why = drift_why(&res);
	ck_assert_str_eq(why, "file /etc/kubernetes/manifests/kube-apiserver.yaml mode 0644 "
			      "owner root(0):kube(990)");
	free(why);

	/* the first item of a decisive kind wins, whatever follows */
	e = result_add_evidence(&res);
	e->source = EV_ENVIRON;
	e->pid = 5;
	e->text = xstrdup("ETCD_X=1");
	why = drift_why(&res);
	ck_assert(str_has_prefix(why, "file "));
	free(why);

	for (size_t i = 0; i < res.nev; i++)
		evidence_free(&res.ev[i]);
	free(res.ev);
	res.ev = NULL;
	res.nev = 0;
	e = result_add_evidence(&res);
	e->source = EV_DROPIN;
	e->file = xstrdup("/etc/systemd/system/kubelet.service.d/10.conf");
	e->line = 3;
	e->text = xstrdup("--anonymous-auth=true");
	why = drift_why(&res);
	ck_assert_str_eq(
		why,
		"dropin /etc/systemd/system/kubelet.service.d/10.conf:3: --anonymous-auth=true");
	free(why);
	for (size_t i = 0; i < res.nev; i++)
		evidence_free(&res.ev[i]);
	free(res.ev);
	free(res.actual);
}
END_TEST

/* Each long evidence text is cut to 300 bytes on a character boundary. */
static const char *const long_unit[] = {"a",	"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x94\x91",
					"\x01", "\xff"};

START_TEST(test_why_cap)
{
	struct result res = {0};
	struct sbuf text = {0};
	char *why, *clean, *full;
	const char *unit = long_unit[_i];
	size_t len;

	sbuf_add(&text, "--x=");
	for (int i = 0; i < 400; i++)
		sbuf_add(&text, unit);
	ev_argv(&res, 1, 2, sbuf_str(&text));
	why = drift_why(&res);
	len = strlen(why);
	ck_assert_msg(len <= 300 && len >= 290, "%zu bytes", len);
	ck_assert(ends_with(why, "..."));
	clean = str_sanitize(why);
	ck_assert_str_eq(clean, why);
	/* what precedes "..." is a prefix of the whole sanitized line */
	full = str_sanitize("argv pid 1 [2]: ");
	ck_assert(str_has_prefix(why, full));
	free(full);
	{
		char *fulltext = str_sanitize(sbuf_str(&text));
		char *all = xasprintf("argv pid 1 [2]: %s", fulltext);

		ck_assert(strncmp(all, why, len - 3) == 0);
		/* and it ends at a whole character or escape */
		ck_assert(all[len - 3] != '\0');
		ck_assert((all[len - 3] & 0xc0) != 0x80);
		if ((unsigned char)unit[0] < 0x20 || (unsigned char)unit[0] == 0xff)
			ck_assert_int_eq(all[len - 3], '\\'); /* not inside \xNN */
		free(all);
		free(fulltext);
	}
	free(clean);
	free(why);
	sbuf_free(&text);
	for (size_t i = 0; i < res.nev; i++)
		evidence_free(&res.ev[i]);
	free(res.ev);
}
END_TEST

/* Everything huge at once: the line stays within 2048 bytes, the short
 * fields stay whole, the long ones end in "...". */
START_TEST(test_message_cap)
{
	static const char *const fill[] = {"T", "\"", "\x01", "\xff", "\xe2\x82\xac", "\\="};
	const char *f = fill[_i];
	struct report *new = rep_new("cp1");
	struct sbuf title = {0}, reason = {0}, text = {0};
	struct result *res;
	struct drift_change c;
	struct kv kv;
	const char *v;
	char *msg;

	for (int i = 0; i < 3000; i++) {
		sbuf_add(&title, f);
		sbuf_add(&reason, f);
		sbuf_add(&text, f);
	}
	res = rep_add(new, "1.2.3", RS_WARN);
	set_str(&res->title, sbuf_str(&title));
	set_str(&res->reason, sbuf_str(&reason));
	ev_argv(res, 1, 1, sbuf_str(&text));
	c.old = NULL;
	c.new = res;
	msg = drift_message(new, &c);
	parse_msg(msg, &kv);
	ck_assert_msg(strlen(msg) > 1900, "%zu bytes: room wasted", strlen(msg));
	assert_field(&kv, "id", "1.2.3");
	assert_field(&kv, "node", "cp1");
	assert_field(&kv, "new", "WARN");
	assert_field(&kv, "component", "kube-apiserver");
	v = kv_get(&kv, "title");
	ck_assert(v && ends_with(v, "...") && strlen(v) > 20);
	ck_assert(strncmp(v, res->title, strlen(v) - 3) == 0);
	v = kv_get(&kv, "why");
	ck_assert(v && ends_with(v, "...") && strlen(v) > 50);
	v = kv_get(&kv, "reason");
	ck_assert(v && ends_with(v, "..."));
	ck_assert(strncmp(v, res->reason, strlen(v) - 3) == 0);
	kv_free(&kv);
	free(msg);

	/* a long title alone is cut, a short why and reason stay whole */
	set_str(&res->reason, "short reason");
	for (size_t i = 0; i < res->nev; i++)
		evidence_free(&res->ev[i]);
	res->nev = 0;
	ev_argv(res, 1, 1, "--short");
	msg = drift_message(new, &c);
	parse_msg(msg, &kv);
	assert_field(&kv, "reason", "short reason");
	assert_field(&kv, "why", "argv pid 1 [1]: --short");
	v = kv_get(&kv, "title");
	ck_assert(v && ends_with(v, "..."));
	ck_assert_msg(strlen(msg) > 2000, "%zu bytes: room wasted", strlen(msg));
	kv_free(&kv);
	free(msg);

	/* a huge node name and component are capped too */
	set_str(&new->hostname, sbuf_str(&title));
	set_str(&res->component, sbuf_str(&title));
	msg = drift_message(new, &c);
	parse_msg(msg, &kv);
	assert_field(&kv, "id", "1.2.3");
	ck_assert(ends_with(kv_get(&kv, "node"), "..."));
	kv_free(&kv);
	free(msg);

	sbuf_free(&title);
	sbuf_free(&reason);
	sbuf_free(&text);
	report_free(new);
}
END_TEST

START_TEST(test_summary)
{
	struct report *old = rep_new("cp1"), *new = rep_new("cp 1");
	const enum result_state st[] = {RS_PASS, RS_PASS, RS_FAIL,  RS_WARN, RS_WARN,
					RS_WARN, RS_SKIP, RS_ERROR, RS_ERROR};
	size_t counts[RS__COUNT] = {0};
	static const char *const keys[RS__COUNT] = {"pass", "fail", "warn", "skip", "error"};
	struct drift d;
	struct kv kv;
	char *sum, num[32];

	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		char id[16];

		snprintf(id, sizeof(id), "5.%zu", i);
		rep_add(old, id, RS_PASS);
		rep_add(new, id, st[i]);
		counts[st[i]]++;
	}
	new->duration_ms = 12.34;
	drift_compare(old, new, &d);
	sum = drift_summary(new, &d);
	parse_msg(sum, &kv);
	ck_assert_str_eq(kv.key[0], "event");
	assert_field(&kv, "event", "scan");
	assert_field(&kv, "benchmark", "cis-1.12");
	assert_field(&kv, "node", "cp 1");
	snprintf(num, sizeof(num), "%zu", d.n);
	ck_assert_uint_eq(d.n, 7);
	assert_field(&kv, "changed", num);
	for (int s = 0; s < RS__COUNT; s++) {
		snprintf(num, sizeof(num), "%zu", counts[s]);
		assert_field(&kv, keys[s], num);
	}
	assert_field(&kv, "duration_ms", "12.3");
	ck_assert_uint_eq(kv.n, 10);
	kv_free(&kv);
	free(sum);
	drift_free(&d);
	report_free(old);
	report_free(new);
}
END_TEST

START_TEST(test_kv_parser)
{
	/* the test's own parser must reject what it should, or the tests
	 * above prove nothing */
	const char *bad[] = {"a=\"x",	 "a=x\\y",     "a=\"\\q\"", "=x",
			     "a=x  b=y", "a=\"x\"b=y", "a=x "};
	struct kv kv;
	const char *why;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(kv_parse(bad[i], &kv, &why) < 0, "accepted %s", bad[i]);
		kv_free(&kv);
	}
	ck_assert_int_eq(kv_parse("a=1 b=\"x \\\"y\\\" \\\\ \\x0a=\" c=", &kv, &why), 0);
	ck_assert_uint_eq(kv.n, 3);
	ck_assert_str_eq(kv_get(&kv, "b"), "x \"y\" \\ \n=");
	ck_assert_str_eq(kv_get(&kv, "c"), "");
	kv_free(&kv);
}
END_TEST

static Suite *
drift_suite(void)
{
	Suite *s = suite_create("drift");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_kv_parser);
	tcase_add_test(tc, test_first_scan);
	tcase_add_test(tc, test_no_change);
	tcase_add_test(tc, test_pass_to_fail);
	tcase_add_test(tc, test_fail_to_pass);
	tcase_add_test(tc, test_vanished_and_new);
	tcase_add_test(tc, test_duplicate_ids);
	tcase_add_test(tc, test_many);
	tcase_add_test(tc, test_message_escapes);
	tcase_add_test(tc, test_message_reason);
	tcase_add_test(tc, test_why);
	tcase_add_loop_test(tc, test_why_cap, 0, (int)(sizeof(long_unit) / sizeof(long_unit[0])));
	tcase_add_loop_test(tc, test_message_cap, 0, 6);
	tcase_add_test(tc, test_summary);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(drift_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
