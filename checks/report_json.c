/* report_json.c - the JSON report (DESIGN 3.3) and its parser.
 *
 * Key order is part of the contract people read (tool, version, benchmark,
 * node, started_at, duration_ms, summary, notes, results); jansson keeps
 * insertion order. json_string() refuses invalid UTF-8, so a string a
 * producer forgot to sanitize is escaped here the way str_sanitize does
 * instead of being dropped or aborting the document.
 */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define JSON_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))

static const char *const summary_keys[RS__COUNT] = {"pass", "fail", "warn", "skip", "error"};

/* ---- writing ---- */

/* Escapes invalid UTF-8 as '\xNN' but keeps control characters, which JSON
 * escapes itself (a remediation may hold newlines). Control bytes are ASCII,
 * never part of a multibyte sequence, so sanitizing the runs between them
 * changes only the invalid bytes. */
static char *
json_fix_utf8(const char *s)
{
	struct sbuf b = {0};

	while (*s) {
		size_t n = 0;

		while (s[n] && (unsigned char)s[n] >= 0x20 && s[n] != 0x7f)
			n++;
		if (n) {
			char *run = xstrndup(s, n);
			char *clean = str_sanitize(run);

			sbuf_add(&b, clean);
			free(clean);
			free(run);
			s += n;
		} else
			sbuf_addc(&b, *s++);
	}
	return sbuf_steal(&b);
}

static json_t *
jstr(const char *s)
{
	json_t *j = json_string(s ? s : "");

	if (j == NULL) {
		char *fixed = json_fix_utf8(s ? s : "");

		j = json_string(fixed);
		free(fixed);
	}
	if (j == NULL)
		fatalx("out of memory");
	return j;
}

static json_t *
jnew(json_t *j)
{
	if (j == NULL)
		fatalx("out of memory");
	return j;
}

static void
jset(json_t *obj, const char *key, json_t *val)
{
	if (val == NULL || json_object_set_new(obj, key, val) < 0)
		fatalx("out of memory");
}

static void
jpush(json_t *arr, json_t *val)
{
	if (val == NULL || json_array_append_new(arr, val) < 0)
		fatalx("out of memory");
}

static json_t *
evidence_to_json(const struct evidence *e)
{
	json_t *o = jnew(json_object());

	jset(o, "source", jstr(ev_source_name(e->source)));
	switch (e->source) {
	case EV_ARGV:
		jset(o, "pid", json_integer(e->pid));
		jset(o, "index", json_integer(e->index));
		jset(o, "text", jstr(e->text));
		break;
	case EV_ENVIRON:
		jset(o, "pid", json_integer(e->pid));
		jset(o, "text", jstr(e->text));
		break;
	case EV_CONFIG:
	case EV_DROPIN:
		jset(o, "file", jstr(e->file));
		jset(o, "line", json_integer(e->line));
		jset(o, "text", jstr(e->text));
		/* a file read through a process's own root says so (DESIGN 4) */
		if (e->view)
			jset(o, "view", jstr(e->view));
		break;
	case EV_FILE:
		jset(o, "path", jstr(e->file));
		if (e->has_stat) {
			char mode[16];

			snprintf(mode, sizeof(mode), "%04o", e->mode & 07777);
			jset(o, "mode", jstr(mode));
			jset(o, "uid", json_integer(e->uid));
			jset(o, "gid", json_integer(e->gid));
		}
		if (e->owner)
			jset(o, "owner", jstr(e->owner));
		if (e->group)
			jset(o, "group", jstr(e->group));
		if (e->link)
			jset(o, "link", jstr(e->link));
		if (e->view)
			jset(o, "view", jstr(e->view));
		/* not in the DESIGN example, but never drop what a collector said */
		if (e->text && *e->text)
			jset(o, "text", jstr(e->text));
		break;
	case EV_DEFAULT:
	case EV_NOTE:
	default:
		jset(o, "text", jstr(e->text));
		break;
	}
	return o;
}

static json_t *
result_to_json(const struct result *res)
{
	json_t *o = jnew(json_object());
	json_t *ev = jnew(json_array());

	jset(o, "id", jstr(res->id));
	jset(o, "section", jstr(res->section));
	jset(o, "title", jstr(res->title));
	jset(o, "status", jstr(result_state_name(result_state_of(res))));
	jset(o, "automated", json_boolean(res->automated));
	jset(o, "component", jstr(res->component));
	jset(o, "expected", jstr(res->expected));
	jset(o, "actual", jstr(res->actual));
	for (size_t i = 0; i < res->nev; i++)
		jpush(ev, evidence_to_json(&res->ev[i]));
	jset(o, "evidence", ev);
	jset(o, "reason", jstr(res->reason));
	jset(o, "remediation", jstr(res->remediation));
	return o;
}

static json_t *
node_to_json(const struct report *r)
{
	json_t *node = jnew(json_object());
	json_t *roles = jnew(json_array());
	json_t *comps = jnew(json_array());

	jset(node, "hostname", jstr(r->hostname));
	for (size_t i = 0; i < r->roles.n; i++)
		jpush(roles, jstr(r->roles.v[i]));
	jset(node, "roles", roles);
	for (size_t i = 0; i < r->ncomps; i++) {
		json_t *c = jnew(json_object());

		jset(c, "name", jstr(r->comps[i].name));
		jset(c, "pid", json_integer(r->comps[i].pid));
		jset(c, "exe", r->comps[i].exe ? jstr(r->comps[i].exe) : json_null());
		jpush(comps, c);
	}
	jset(node, "components", comps);
	return node;
}

static json_t *
report_to_jobj(const struct report *r)
{
	json_t *root = jnew(json_object());
	json_t *summary = jnew(json_object());
	json_t *results = jnew(json_array());
	size_t counts[RS__COUNT] = {0};

	jset(root, "tool", jstr(r->tool ? r->tool : "kube-auditd"));
	jset(root, "version", jstr(r->version));
	jset(root, "benchmark", jstr(r->benchmark));
	jset(root, "node", node_to_json(r));
	jset(root, "started_at", jstr(r->started_at));
	/* json_real refuses NaN and infinities */
	jset(root, "duration_ms", json_real(isfinite(r->duration_ms) ? r->duration_ms : 0.0));
	for (size_t i = 0; i < r->nresults; i++)
		counts[result_state_of(&r->results[i])]++;
	for (int s = 0; s < RS__COUNT; s++)
		jset(summary, summary_keys[s], json_integer((json_int_t)counts[s]));
	jset(root, "summary", summary);
	if (r->notes.n) {
		json_t *notes = jnew(json_array());

		for (size_t i = 0; i < r->notes.n; i++)
			jpush(notes, jstr(r->notes.v[i]));
		jset(root, "notes", notes);
	}
	for (size_t i = 0; i < r->nresults; i++)
		jpush(results, result_to_json(&r->results[i]));
	jset(root, "results", results);
	return root;
}

char *
report_to_json(const struct report *r)
{
	json_t *root = report_to_jobj(r);
	char *s = json_dumps(root, JSON_FLAGS);

	json_decref(root);
	if (s == NULL)
		fatalx("out of memory");
	return s;
}

/* ---- parsing ---- */

/* Each getter returns 0, or -1 with *err set to "CTX: ..." (err may be NULL). */

/* Optional string: absent or null leaves *out NULL. */
static int
get_str(json_t *o, const char *key, int required, char **out, const char *ctx, char **err)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v)) {
		if (required && err)
			*err = xasprintf("%s: missing \"%s\"", ctx, key);
		return required ? -1 : 0;
	}
	if (!json_is_string(v)) {
		if (err)
			*err = xasprintf("%s: \"%s\" must be a string", ctx, key);
		return -1;
	}
	*out = xstrdup(json_string_value(v));
	return 0;
}

static int
get_int(json_t *o, const char *key, long long lo, long long hi, long long *out, const char *ctx,
	char **err)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v)) {
		if (err)
			*err = xasprintf("%s: \"%s\" must be an integer", ctx, key);
		return -1;
	}
	if (json_integer_value(v) < lo || json_integer_value(v) > hi) {
		if (err)
			*err = xasprintf("%s: \"%s\" is out of range", ctx, key);
		return -1;
	}
	*out = json_integer_value(v);
	return 0;
}

static int
get_strv(json_t *o, const char *key, struct strv *out, const char *ctx, char **err)
{
	json_t *v = json_object_get(o, key), *item;
	size_t i;

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_array(v)) {
		if (err)
			*err = xasprintf("%s: \"%s\" must be an array of strings", ctx, key);
		return -1;
	}
	json_array_foreach(v, i, item)
	{
		if (!json_is_string(item)) {
			if (err)
				*err = xasprintf("%s: %s[%zu] must be a string", ctx, key, i);
			return -1;
		}
		strv_push(out, json_string_value(item));
	}
	return 0;
}

static int
get_object(json_t *o, const char *key, json_t **out, const char *ctx, char **err)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_object(v)) {
		if (err)
			*err = xasprintf("%s: \"%s\" must be an object", ctx, key);
		return -1;
	}
	*out = v;
	return 0;
}

static int
get_array(json_t *o, const char *key, int required, json_t **out, const char *ctx, char **err)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (required && err)
			*err = xasprintf("%s: missing \"%s\"", ctx, key);
		return required ? -1 : 0;
	}
	if (!json_is_array(v)) {
		if (err)
			*err = xasprintf("%s: \"%s\" must be an array", ctx, key);
		return -1;
	}
	*out = v;
	return 0;
}

static int
parse_mode(json_t *o, struct evidence *e, const char *ctx, char **err)
{
	json_t *v = json_object_get(o, "mode");
	const char *s;

	if (v == NULL || json_is_null(v))
		return 0;
	s = json_is_string(v) ? json_string_value(v) : NULL;
	if (s == NULL || *s == '\0' || strspn(s, "01234567") != strlen(s) || strlen(s) > 7) {
		if (err)
			*err = xasprintf("%s: \"mode\" must be an octal string such as \"0644\"",
					 ctx);
		return -1;
	}
	e->mode = (unsigned)strtoul(s, NULL, 8);
	e->has_stat = 1;
	return 0;
}

static int
evidence_from_json(json_t *o, struct evidence *e, const char *ctx, char **err)
{
	char *src = NULL;
	long long pid = 0, idx = -1, line = 0, uid = 0, gid = 0;
	int ret = -1;

	if (!json_is_object(o)) {
		if (err)
			*err = xasprintf("%s: must be an object", ctx);
		return -1;
	}
	if (get_str(o, "source", 1, &src, ctx, err) < 0)
		goto out;
	e->source = EV_NOTE;
	for (int s = EV_ARGV; s <= EV_NOTE; s++)
		if (strcmp(src, ev_source_name(s)) == 0)
			e->source = s;
	if (get_str(o, "text", 0, &e->text, ctx, err) < 0 ||
	    get_str(o, e->source == EV_FILE ? "path" : "file", 0, &e->file, ctx, err) < 0 ||
	    get_int(o, "pid", 0, INT_MAX, &pid, ctx, err) < 0 ||
	    get_int(o, "index", -1, INT_MAX, &idx, ctx, err) < 0 ||
	    get_int(o, "line", 0, INT_MAX, &line, ctx, err) < 0 ||
	    get_int(o, "uid", 0, UINT_MAX, &uid, ctx, err) < 0 ||
	    get_int(o, "gid", 0, UINT_MAX, &gid, ctx, err) < 0 || parse_mode(o, e, ctx, err) < 0 ||
	    get_str(o, "owner", 0, &e->owner, ctx, err) < 0 ||
	    get_str(o, "group", 0, &e->group, ctx, err) < 0 ||
	    get_str(o, "link", 0, &e->link, ctx, err) < 0 ||
	    get_str(o, "view", 0, &e->view, ctx, err) < 0)
		goto out;
	e->pid = (pid_t)pid;
	e->index = (int)idx;
	e->line = (int)line;
	e->uid = (unsigned)uid;
	e->gid = (unsigned)gid;
	/* A source from a newer kube-auditd (e.g. network probes) is kept as a
	 * note rather than rejecting a whole fleet member's report. */
	if (e->source == EV_NOTE && strcmp(src, "note") != 0) {
		char *t = xasprintf("%s: %s", src, e->text ? e->text : "");

		free(e->text);
		e->text = t;
	}
	ret = 0;
out:
	free(src);
	return ret;
}

static int
result_from_json(json_t *o, struct result *res, const char *ctx, char **err)
{
	char *status = NULL;
	json_t *v, *evs, *item;
	size_t i;
	int ret = -1;

	if (!json_is_object(o)) {
		if (err)
			*err = xasprintf("%s: must be an object", ctx);
		return -1;
	}
	if (get_str(o, "id", 1, &res->id, ctx, err) < 0 ||
	    get_str(o, "status", 1, &status, ctx, err) < 0 ||
	    get_str(o, "section", 0, &res->section, ctx, err) < 0 ||
	    get_str(o, "title", 0, &res->title, ctx, err) < 0 ||
	    get_str(o, "component", 0, &res->component, ctx, err) < 0 ||
	    get_str(o, "expected", 0, &res->expected, ctx, err) < 0 ||
	    get_str(o, "actual", 0, &res->actual, ctx, err) < 0 ||
	    get_str(o, "reason", 0, &res->reason, ctx, err) < 0 ||
	    get_str(o, "remediation", 0, &res->remediation, ctx, err) < 0 ||
	    get_array(o, "evidence", 0, &evs, ctx, err) < 0)
		goto out;
	res->state = RS__COUNT;
	for (int s = 0; s < RS__COUNT; s++)
		if (strcmp(status, result_state_name(s)) == 0)
			res->state = s;
	if (res->state == RS__COUNT) {
		if (err)
			*err = xasprintf("%s: unknown status \"%s\"", ctx, status);
		goto out;
	}
	v = json_object_get(o, "automated");
	if (v && !json_is_boolean(v)) {
		if (err)
			*err = xasprintf("%s: \"automated\" must be true or false", ctx);
		goto out;
	}
	res->automated = v && json_is_true(v);
	if (evs) {
		json_array_foreach(evs, i, item)
		{
			char *ectx = xasprintf("%s.evidence[%zu]", ctx, i);
			int rc = evidence_from_json(item, result_add_evidence(res), ectx, err);

			free(ectx);
			if (rc < 0)
				goto out;
		}
	}
	ret = 0;
out:
	free(status);
	return ret;
}

static int
node_from_json(json_t *root, struct report *r, char **err)
{
	json_t *node, *comps, *item;
	size_t i;

	if (get_object(root, "node", &node, "report", err) < 0)
		return -1;
	if (node == NULL)
		return 0;
	if (get_str(node, "hostname", 0, &r->hostname, "node", err) < 0 ||
	    get_strv(node, "roles", &r->roles, "node", err) < 0 ||
	    get_array(node, "components", 0, &comps, "node", err) < 0)
		return -1;
	if (comps == NULL)
		return 0;
	r->comps = xcalloc(json_array_size(comps), sizeof(*r->comps));
	json_array_foreach(comps, i, item)
	{
		struct report_comp *c = &r->comps[i];
		char *ctx = xasprintf("node.components[%zu]", i);
		long long pid = 0;
		int rc = -1;

		r->ncomps++;
		if (!json_is_object(item)) {
			if (err)
				*err = xasprintf("%s: must be an object", ctx);
		} else if (get_str(item, "name", 1, &c->name, ctx, err) == 0 &&
			   get_int(item, "pid", 0, INT_MAX, &pid, ctx, err) == 0 &&
			   get_str(item, "exe", 0, &c->exe, ctx, err) == 0)
			rc = 0;
		c->pid = (pid_t)pid;
		free(ctx);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int
header_from_json(json_t *root, struct report *r, char **err)
{
	json_t *v, *summary;

	if (get_str(root, "version", 0, &r->version, "report", err) < 0 ||
	    get_str(root, "benchmark", 0, &r->benchmark, "report", err) < 0 ||
	    get_str(root, "started_at", 0, &r->started_at, "report", err) < 0 ||
	    get_strv(root, "notes", &r->notes, "report", err) < 0 ||
	    get_object(root, "summary", &summary, "report", err) < 0 ||
	    node_from_json(root, r, err) < 0)
		return -1;
	v = json_object_get(root, "duration_ms");
	if (v && !json_is_null(v)) {
		if (!json_is_number(v)) {
			if (err)
				*err = xstrdup("report: \"duration_ms\" must be a number");
			return -1;
		}
		r->duration_ms = json_number_value(v);
	}
	/* The summary is derived from the results (report_count below); it is
	 * only type-checked here. */
	for (int s = 0; summary && s < RS__COUNT; s++) {
		long long n;

		if (get_int(summary, summary_keys[s], 0, LLONG_MAX, &n, "summary", err) < 0)
			return -1;
	}
	return 0;
}

struct report *
report_from_json(const char *text, char **err)
{
	struct report *r = NULL;
	json_error_t jerr;
	json_t *root = NULL, *results, *item;
	size_t i;

	if (err)
		*err = NULL;
	if (text == NULL) {
		if (err)
			*err = xstrdup("no input");
		errno = EINVAL;
		return NULL;
	}
	root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		if (err)
			*err = xasprintf("line %d column %d: %s", jerr.line, jerr.column,
					 jerr.text);
		goto fail;
	}
	if (!json_is_object(root)) {
		if (err)
			*err = xstrdup(
				"not a kube-auditd report: the document is not a JSON object");
		goto fail;
	}
	r = xcalloc(1, sizeof(*r));
	if (get_str(root, "tool", 1, &r->tool, "not a kube-auditd report", err) < 0)
		goto fail;
	if (strcmp(r->tool, "kube-auditd") != 0) {
		if (err)
			*err = xstrdup("not a kube-auditd report: \"tool\" is not \"kube-auditd\"");
		goto fail;
	}
	if (get_array(root, "results", 1, &results, "not a kube-auditd report", err) < 0 ||
	    header_from_json(root, r, err) < 0)
		goto fail;
	json_array_foreach(results, i, item)
	{
		char *ctx = xasprintf("results[%zu]", i);
		int rc = result_from_json(item, report_add_result(r), ctx, err);

		free(ctx);
		if (rc < 0)
			goto fail;
	}
	report_count(r);
	json_decref(root);
	return r;
fail:
	report_free(r);
	json_decref(root);
	errno = EINVAL;
	return NULL;
}
