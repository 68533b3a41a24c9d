/* summary.c - the fleet summary of many reports (summary.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "summary.h"

/* A report larger than this is not a report of one node. */
#define SUMMARY_MAX_FILE (256u << 20)

static const char *const state_keys[RS__COUNT] = {"pass", "fail", "warn", "skip", "error"};

/* ---- a string index over the hosts or the recommendations ---- */

typedef const char *(*ix_key_fn)(const struct summary *s, size_t i);

static const char *
rec_key(const struct summary *s, size_t i)
{
	return s->recs[i].id;
}

static const char *
host_key(const struct summary *s, size_t i)
{
	return s->hosts[i].name;
}

static size_t
ix_hash(const char *k)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ull;
	return (size_t)h;
}

/* The slot of key: where it is, or the empty slot where it would go. */
static size_t
ix_slot(const struct summary *s, const struct summary_index *ix, ix_key_fn key, const char *k)
{
	size_t i = ix_hash(k) & (ix->cap - 1);

	while (ix->slots[i] && strcmp(key(s, ix->slots[i] - 1), k) != 0)
		i = (i + 1) & (ix->cap - 1);
	return i;
}

/* Index of key, or (size_t)-1. */
static size_t
ix_find(const struct summary *s, const struct summary_index *ix, ix_key_fn key, const char *k)
{
	size_t i;

	if (ix->cap == 0)
		return (size_t)-1;
	i = ix_slot(s, ix, key, k);
	return ix->slots[i] ? ix->slots[i] - 1 : (size_t)-1;
}

/* Inserts entry (not present yet), keeping the load under one half. */
static void
ix_insert(const struct summary *s, struct summary_index *ix, ix_key_fn key, size_t entry)
{
	if (2 * (ix->n + 1) > ix->cap) {
		struct summary_index old = *ix;

		ix->cap = old.cap ? old.cap * 2 : 64;
		ix->slots = xcalloc(ix->cap, sizeof(*ix->slots));
		for (size_t i = 0; i < old.cap; i++)
			if (old.slots[i])
				ix->slots[ix_slot(s, ix, key, key(s, old.slots[i] - 1))] =
					old.slots[i];
		free(old.slots);
	}
	ix->slots[ix_slot(s, ix, key, key(s, entry))] = entry + 1;
	ix->n++;
}

/* ---- building ---- */

void
summary_init(struct summary *s, const char *version, const char *benchmark)
{
	memset(s, 0, sizeof(*s));
	s->version = xstrdup(nz(version));
	s->benchmark = benchmark ? xstrdup(benchmark) : NULL;
}

void
summary_free(struct summary *s)
{
	for (size_t i = 0; i < s->nhosts; i++) {
		struct summary_host *h = &s->hosts[i];

		free(h->name);
		free(h->hostname);
		strv_free(&h->roles);
		for (size_t c = 0; c < h->ncells; c++)
			free(h->cells[c].reason);
		free(h->cells);
	}
	for (size_t i = 0; i < s->nrecs; i++) {
		free(s->recs[i].id);
		free(s->recs[i].title);
		for (int st = 0; st < RS__COUNT; st++)
			strv_free(&s->recs[i].hosts[st]);
	}
	for (size_t i = 0; i < s->nbad; i++) {
		free(s->bad[i].name);
		free(s->bad[i].file);
		free(s->bad[i].reason);
	}
	free(s->hosts);
	free(s->recs);
	free(s->bad);
	free(s->rec_ix.slots);
	free(s->host_ix.slots);
	free(s->version);
	free(s->benchmark);
	memset(s, 0, sizeof(*s));
}

char *
summary_name_from_path(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n <= 5 || strcmp(base + n - 5, ".json") != 0)
		return NULL;
	return xstrndup(base, n - 5);
}

/* "major.minor" of a version string: its length, 0 when it has none. */
static size_t
major_minor_len(const char *v)
{
	const char *p = v;

	if (!isdigit((unsigned char)*p))
		return 0;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p++ != '.' || !isdigit((unsigned char)*p))
		return 0;
	while (isdigit((unsigned char)*p))
		p++;
	return (size_t)(p - v);
}

static int
version_ok(const struct summary *s, const char *v, char **err)
{
	size_t mine = major_minor_len(s->version), theirs;

	if (v == NULL) {
		*err = xstrdup("the report has no \"version\"");
		return -1;
	}
	theirs = major_minor_len(v);
	if (theirs == 0 || mine != theirs || strncmp(v, s->version, mine) != 0) {
		char *sv = str_sanitize(v);

		*err = xasprintf("schema version %s differs from this program's %.*s.x "
				 "(major.minor must match)",
				 sv, (int)mine, s->version);
		free(sv);
		return -1;
	}
	return 0;
}

static struct summary_rec *
rec_get(struct summary *s, const struct result *res)
{
	size_t i = ix_find(s, &s->rec_ix, rec_key, res->id);
	struct summary_rec *rec;

	if (i != (size_t)-1)
		return &s->recs[i];
	if (s->nrecs == s->recs_cap) {
		s->recs_cap = s->recs_cap ? 2 * s->recs_cap : 64;
		s->recs = xrealloc(s->recs, s->recs_cap * sizeof(*s->recs));
	}
	rec = &s->recs[s->nrecs];
	memset(rec, 0, sizeof(*rec));
	rec->id = xstrdup(res->id);
	rec->title = xstrdup(nz(res->title));
	ix_insert(s, &s->rec_ix, rec_key, s->nrecs);
	s->nrecs++;
	return rec;
}

int
summary_add_report(struct summary *s, const char *name, const struct report *r, char **err)
{
	struct summary_host *h;
	char *e = NULL;

	if (name == NULL || *name == '\0')
		name = r->hostname;
	if (name == NULL || *name == '\0') {
		e = xstrdup("the report names no host (node.hostname is empty)");
		goto reject;
	}
	if (version_ok(s, r->version, &e) < 0)
		goto reject;
	if (r->benchmark == NULL) {
		e = xstrdup("the report has no \"benchmark\"");
		goto reject;
	}
	if (s->benchmark && strcmp(s->benchmark, r->benchmark) != 0) {
		char *b = str_sanitize(r->benchmark), *want = str_sanitize(s->benchmark);

		e = xasprintf("benchmark %s differs from the summary's %s", b, want);
		free(b);
		free(want);
		goto reject;
	}
	if (ix_find(s, &s->host_ix, host_key, name) != (size_t)-1) {
		e = xstrdup("duplicate host: a report of this host was already added");
		goto reject;
	}
	if (s->benchmark == NULL)
		s->benchmark = xstrdup(r->benchmark);

	if (s->nhosts == s->hosts_cap) {
		s->hosts_cap = s->hosts_cap ? 2 * s->hosts_cap : 64;
		s->hosts = xrealloc(s->hosts, s->hosts_cap * sizeof(*s->hosts));
	}
	h = &s->hosts[s->nhosts];
	memset(h, 0, sizeof(*h));
	h->name = xstrdup(name);
	h->hostname = xstrdup(nz(r->hostname));
	strv_copy(&h->roles, &r->roles);
	h->cells = r->nresults ? xcalloc(r->nresults, sizeof(*h->cells)) : NULL;
	ix_insert(s, &s->host_ix, host_key, s->nhosts);
	s->nhosts++;
	for (size_t i = 0; i < r->nresults; i++) {
		const struct result *res = &r->results[i];
		enum result_state st = (unsigned)res->state < RS__COUNT ? res->state : RS_ERROR;
		struct summary_rec *rec;
		struct strv *hv;

		h->counts[st]++;
		if (res->id == NULL)
			continue;
		rec = rec_get(s, res);
		h->cells[h->ncells].rec = (size_t)(rec - s->recs);
		h->cells[h->ncells].state = st;
		if (st != RS_PASS)
			h->cells[h->ncells].reason = xstrdup(nz(res->reason));
		h->ncells++;
		hv = &rec->hosts[st];
		/* a report listing one id twice names its host once */
		if ((st == RS_FAIL || st == RS_WARN || st == RS_ERROR) &&
		    (hv->n == 0 || strcmp(hv->v[hv->n - 1], name) != 0))
			strv_push(hv, name);
	}
	if (err)
		*err = NULL;
	return 0;
reject:
	if (err)
		*err = e;
	else
		free(e);
	errno = EINVAL;
	return -1;
}

static void
add_bad(struct summary *s, const char *name, const char *file, const char *reason)
{
	struct summary_bad *b;

	if (s->nbad == s->bad_cap) {
		s->bad_cap = s->bad_cap ? 2 * s->bad_cap : 16;
		s->bad = xrealloc(s->bad, s->bad_cap * sizeof(*s->bad));
	}
	b = &s->bad[s->nbad++];
	b->name = xstrdup(name);
	b->file = file ? xstrdup(file) : NULL;
	b->reason = xstrdup(reason);
}

int
summary_add_json(struct summary *s, const char *name, const char *file, const char *text)
{
	struct report *r;
	char *err = NULL, *why;
	int rc;

	r = report_from_json(text, &err);
	if (r == NULL) {
		/* report_from_json says "not a kube-auditd report" itself when
		 * the JSON is valid but something else */
		if (err && str_has_prefix(err, "not a kube-auditd report"))
			why = xstrdup(err);
		else
			why = xasprintf("not a valid kube-auditd report: %s",
					err ? err : "invalid");
		rc = -1;
	} else {
		rc = summary_add_report(s, name, r, &err);
		why = rc < 0 ? xstrdup(err ? err : "rejected") : NULL;
	}
	if (rc < 0) {
		const char *bad_name = name && *name			  ? name
				       : r && r->hostname && *r->hostname ? r->hostname
									  : nz(file);

		add_bad(s, bad_name, file, why);
	}
	free(why);
	free(err);
	report_free(r);
	return rc;
}

/* Reads a whole file; NULL with errno on error (EFBIG when too large, EINVAL
 * when it holds a NUL byte, which JSON text cannot). */
static char *
slurp(const char *path)
{
	struct sbuf b = {0};
	char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return NULL;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (memchr(buf, '\0', (size_t)n)) {
			errno = EINVAL;
			goto fail;
		}
		if (b.len + (size_t)n > SUMMARY_MAX_FILE) {
			errno = EFBIG;
			goto fail;
		}
		sbuf_addn(&b, buf, (size_t)n);
	}
	close(fd);
	sbuf_str(&b);
	return b.s ? sbuf_steal(&b) : xstrdup("");
fail:
	n = errno;
	close(fd);
	sbuf_free(&b);
	errno = (int)n;
	return NULL;
}

int
summary_add_file(struct summary *s, const char *path)
{
	char *name = summary_name_from_path(path), *text, *why;
	int rc;

	text = slurp(path);
	if (text == NULL) {
		why = xasprintf("cannot read the report: %s",
				errno == EINVAL ? "it holds a NUL byte" : strerror(errno));
		add_bad(s, name ? name : path, path, why);
		free(why);
		free(name);
		return -1;
	}
	if (text[strspn(text, " \t\r\n")] == '\0') {
		/* what a failed "kube-auditd --once > HOST.json" leaves behind */
		add_bad(s, name ? name : path, path, "the report file is empty");
		rc = -1;
	} else {
		rc = summary_add_json(s, name, path, text);
	}
	free(text);
	free(name);
	return rc;
}

void
summary_add_unreachable(struct summary *s, const char *name, const char *reason)
{
	add_bad(s, name, NULL, reason && *reason ? reason : "unreachable");
}

int
summary_add_unreachable_arg(struct summary *s, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *name;

	if (eq == NULL || eq == arg) {
		errno = EINVAL;
		return -1;
	}
	name = xstrndup(arg, (size_t)(eq - arg));
	summary_add_unreachable(s, name, eq + 1);
	free(name);
	return 0;
}

int
summary_exit_status(const struct summary *s)
{
	int rc = 0;

	if (s->nbad)
		return 2;
	for (size_t i = 0; i < s->nhosts; i++) {
		if (s->hosts[i].counts[RS_ERROR])
			return 2;
		if (s->hosts[i].counts[RS_FAIL])
			rc = 1;
	}
	return rc;
}

/* ---- outputs ---- */

static const struct summary *sort_ctx; /* qsort has no context argument */

static int
rec_order(const void *pa, const void *pb)
{
	const struct summary_rec *a = &sort_ctx->recs[*(const size_t *)pa];
	const struct summary_rec *b = &sort_ctx->recs[*(const size_t *)pb];
	int c = str_natcmp(a->id, b->id);

	return c ? c : strcmp(a->id, b->id);
}

static int
rec_flagged(const struct summary_rec *r)
{
	return r->hosts[RS_FAIL].n || r->hosts[RS_WARN].n || r->hosts[RS_ERROR].n;
}

/* Indices of the recommendations, sorted by id; only flagged ones when asked. */
static size_t *
sorted_recs(const struct summary *s, int flagged_only, size_t *n)
{
	size_t *v = xcalloc(s->nrecs + 1, sizeof(*v));

	*n = 0;
	for (size_t i = 0; i < s->nrecs; i++)
		if (!flagged_only || rec_flagged(&s->recs[i]))
			v[(*n)++] = i;
	sort_ctx = s;
	qsort(v, *n, sizeof(*v), rec_order);
	sort_ctx = NULL;
	return v;
}

static void
totals(const struct summary *s, size_t t[RS__COUNT])
{
	memset(t, 0, RS__COUNT * sizeof(*t));
	for (size_t i = 0; i < s->nhosts; i++)
		for (int st = 0; st < RS__COUNT; st++)
			t[st] += s->hosts[i].counts[st];
}

/* A string as JSON: sanitized so the document stays valid UTF-8. */
static json_t *
jstr(const char *s)
{
	char *c = str_sanitize(nz(s));
	json_t *j = json_string(c);

	free(c);
	return j ? j : json_string("");
}

static json_t *
jstrv(const struct strv *sv)
{
	json_t *a = json_array();

	for (size_t i = 0; i < sv->n; i++)
		json_array_append_new(a, jstr(sv->v[i]));
	return a;
}

static json_t *
jcounts(const size_t c[RS__COUNT])
{
	json_t *o = json_object();

	for (int st = 0; st < RS__COUNT; st++)
		json_object_set_new(o, state_keys[st], json_integer((json_int_t)c[st]));
	return o;
}

char *
summary_to_json(const struct summary *s)
{
	json_t *root = json_object(), *hosts = json_array(), *recs = json_array(),
	       *bad = json_array(), *tot;
	size_t t[RS__COUNT], *order, n;
	char *out, *json;

	json_object_set_new(root, "tool", json_string("kube-auditctl"));
	json_object_set_new(root, "version", jstr(s->version));
	json_object_set_new(root, "benchmark", s->benchmark ? jstr(s->benchmark) : json_null());
	totals(s, t);
	tot = jcounts(t);
	json_object_set_new(tot, "hosts", json_integer((json_int_t)s->nhosts));
	json_object_set_new(tot, "not_audited", json_integer((json_int_t)s->nbad));
	json_object_set_new(root, "totals", tot);
	for (size_t i = 0; i < s->nhosts; i++) {
		const struct summary_host *h = &s->hosts[i];
		json_t *o = json_object();

		json_object_set_new(o, "name", jstr(h->name));
		json_object_set_new(o, "hostname", jstr(h->hostname));
		json_object_set_new(o, "roles", jstrv(&h->roles));
		json_object_set_new(o, "summary", jcounts(h->counts));
		json_array_append_new(hosts, o);
	}
	json_object_set_new(root, "hosts", hosts);
	order = sorted_recs(s, 1, &n);
	for (size_t i = 0; i < n; i++) {
		const struct summary_rec *r = &s->recs[order[i]];
		json_t *o = json_object();

		json_object_set_new(o, "id", jstr(r->id));
		json_object_set_new(o, "title", jstr(r->title));
		json_object_set_new(o, "fail", jstrv(&r->hosts[RS_FAIL]));
		json_object_set_new(o, "warn", jstrv(&r->hosts[RS_WARN]));
		json_object_set_new(o, "error", jstrv(&r->hosts[RS_ERROR]));
		json_array_append_new(recs, o);
	}
	free(order);
	json_object_set_new(root, "recommendations", recs);
	for (size_t i = 0; i < s->nbad; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "name", jstr(s->bad[i].name));
		if (s->bad[i].file)
			json_object_set_new(o, "file", jstr(s->bad[i].file));
		json_object_set_new(o, "reason", jstr(s->bad[i].reason));
		json_array_append_new(bad, o);
	}
	json_object_set_new(root, "not_audited", bad);
	out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (out == NULL)
		fatalx("out of memory");
	json = xasprintf("%s\n", out);
	free(out);
	return json;
}

/* One Markdown table cell: sanitized, '|' and '\' escaped, line breaks as spaces. */
static void
md_cell(struct sbuf *b, const char *raw)
{
	char *s, *p;

	s = xstrdup(nz(raw));
	for (p = s; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	p = str_sanitize(s);
	free(s);
	sbuf_addc(b, ' ');
	for (s = p; *s; s++) {
		if (*s == '|' || *s == '\\' || *s == '`' || *s == '<' || *s == '>')
			sbuf_addc(b, '\\');
		sbuf_addc(b, *s);
	}
	sbuf_add(b, " |");
	free(p);
}

static void
md_list(struct sbuf *b, const struct strv *sv)
{
	char *j = strv_join(sv, ", ");

	md_cell(b, j);
	free(j);
}

char *
summary_to_markdown(const struct summary *s)
{
	struct sbuf b = {0};
	size_t t[RS__COUNT], *order, n;

	sbuf_add(&b, "# kube-auditd fleet summary");
	if (s->benchmark) {
		char *bm = str_sanitize(s->benchmark);

		sbuf_addf(&b, " (%s)", bm);
		free(bm);
	}
	sbuf_add(&b, "\n\n## Hosts\n\n");
	if (s->nhosts == 0) {
		sbuf_add(&b, "No host was audited.\n");
	} else {
		sbuf_add(&b, "| Host | Hostname | Roles | PASS | FAIL | WARN | SKIP | ERROR |\n"
			     "|------|----------|-------|-----:|-----:|-----:|-----:|------:|\n");
		for (size_t i = 0; i < s->nhosts; i++) {
			const struct summary_host *h = &s->hosts[i];

			sbuf_addc(&b, '|');
			md_cell(&b, h->name);
			md_cell(&b, h->hostname);
			md_list(&b, &h->roles);
			for (int st = 0; st < RS__COUNT; st++)
				sbuf_addf(&b, " %zu |", h->counts[st]);
			sbuf_addc(&b, '\n');
		}
	}
	order = sorted_recs(s, 1, &n);
	sbuf_add(&b, "\n## Recommendations with FAIL, ERROR or WARN\n\n");
	if (n == 0) {
		sbuf_add(&b, "None.\n");
	} else {
		sbuf_add(&b, "| ID | Title | FAIL | ERROR | WARN |\n"
			     "|----|-------|------|-------|------|\n");
		for (size_t i = 0; i < n; i++) {
			const struct summary_rec *r = &s->recs[order[i]];

			sbuf_addc(&b, '|');
			md_cell(&b, r->id);
			md_cell(&b, r->title);
			md_list(&b, &r->hosts[RS_FAIL]);
			md_list(&b, &r->hosts[RS_ERROR]);
			md_list(&b, &r->hosts[RS_WARN]);
			sbuf_addc(&b, '\n');
		}
	}
	free(order);
	if (s->nbad) {
		sbuf_add(&b, "\n## Not audited\n\n| Host | Reason |\n|------|--------|\n");
		for (size_t i = 0; i < s->nbad; i++) {
			sbuf_addc(&b, '|');
			md_cell(&b, s->bad[i].name);
			md_cell(&b, s->bad[i].reason);
			sbuf_addc(&b, '\n');
		}
	}
	totals(s, t);
	sbuf_addf(&b,
		  "\n**Totals:** %zu hosts audited, %zu not audited; "
		  "%zu PASS, %zu FAIL, %zu WARN, %zu SKIP, %zu ERROR.\n",
		  s->nhosts, s->nbad, t[RS_PASS], t[RS_FAIL], t[RS_WARN], t[RS_SKIP], t[RS_ERROR]);
	return sbuf_steal(&b);
}

/* Raw text into XML 1.0: sanitized, markup escaped, and the characters XML
 * forbids (controls, U+FFFE, U+FFFF) written as \xNN. */
static void
junit_cell(struct sbuf *b, const struct summary *s, const struct summary_host *h,
	   const struct summary_cell *c)
{
	const struct summary_rec *r = &s->recs[c->rec];
	char *name = xasprintf("%s %s", r->id, r->title);
	const char *reason = c->reason && *c->reason ? c->reason : result_state_name(c->state);

	sbuf_add(b, "    <testcase");
	report_xml_attr(b, "classname", h->name);
	report_xml_attr(b, "name", name);
	free(name);
	switch (c->state) {
	case RS_FAIL:
	case RS_ERROR:
		sbuf_addf(b, ">\n      <%s", c->state == RS_FAIL ? "failure" : "error");
		report_xml_attr(b, "message", reason);
		sbuf_addf(b, " type=\"%s\"/>\n    </testcase>\n", result_state_name(c->state));
		break;
	case RS_SKIP:
		sbuf_add(b, ">\n      <skipped");
		report_xml_attr(b, "message", reason);
		sbuf_add(b, "/>\n    </testcase>\n");
		break;
	case RS_WARN:
		sbuf_add(b, ">\n      <system-out>WARN: ");
		report_xml_add(b, reason);
		sbuf_add(b, "</system-out>\n    </testcase>\n");
		break;
	default:
		sbuf_add(b, "/>\n");
		break;
	}
}

char *
summary_to_junit(const struct summary *s)
{
	struct sbuf b = {0};
	size_t t[RS__COUNT], ncases = 0;

	totals(s, t);
	for (size_t i = 0; i < s->nhosts; i++)
		ncases += s->hosts[i].ncells;
	sbuf_add(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
	report_xml_attr(&b, "name", s->benchmark ? s->benchmark : "kube-auditd fleet");
	sbuf_addf(&b, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\">\n",
		  ncases + s->nbad, t[RS_FAIL], t[RS_ERROR] + s->nbad, t[RS_SKIP]);
	for (size_t i = 0; i < s->nhosts; i++) {
		const struct summary_host *h = &s->hosts[i];
		size_t c[RS__COUNT] = {0};

		for (size_t k = 0; k < h->ncells; k++)
			c[h->cells[k].state]++;
		sbuf_add(&b, "  <testsuite");
		report_xml_attr(&b, "name", h->name);
		report_xml_attr(&b, "hostname", h->hostname);
		sbuf_addf(&b, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\">\n",
			  h->ncells, c[RS_FAIL], c[RS_ERROR], c[RS_SKIP]);
		for (size_t k = 0; k < h->ncells; k++)
			junit_cell(&b, s, h, &h->cells[k]);
		sbuf_add(&b, "  </testsuite>\n");
	}
	if (s->nbad) {
		sbuf_addf(&b,
			  "  <testsuite name=\"not audited\" tests=\"%zu\" failures=\"0\" "
			  "errors=\"%zu\" skipped=\"0\">\n",
			  s->nbad, s->nbad);
		for (size_t i = 0; i < s->nbad; i++) {
			sbuf_add(&b, "    <testcase");
			report_xml_attr(&b, "classname", s->bad[i].name);
			report_xml_attr(&b, "name", "audit");
			sbuf_add(&b, ">\n      <error");
			report_xml_attr(&b, "message", s->bad[i].reason);
			sbuf_add(&b, " type=\"not audited\"/>\n    </testcase>\n");
		}
		sbuf_add(&b, "  </testsuite>\n");
	}
	sbuf_add(&b, "</testsuites>\n");
	return sbuf_steal(&b);
}
