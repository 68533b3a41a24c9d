/* report.c - the report structure and its text, JUnit and Prometheus formats.
 *
 * Every format is a pure function of the report: counts are recomputed from
 * the results rather than trusted from r->counts, so a caller that forgot
 * report_count still gets a consistent document. Every string that reaches a
 * terminal, an XML document or a metric label goes through str_sanitize first:
 * argv and config text come from the node and may hold escape sequences or
 * invalid UTF-8. The JSON format lives in report_json.c.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"

#define TEXT_WIDTH 78
#define TEXT_INDENT "       " /* under the "[FAIL] " tag */
#define TEXT_LABEL_WIDTH 13   /* strlen("remediation: ") */

static const char *const state_names[RS__COUNT] = {"PASS", "FAIL", "WARN", "SKIP", "ERROR"};
static const char *const state_lower[RS__COUNT] = {"pass", "fail", "warn", "skip", "error"};
static const char *const source_names[] = {"argv",    "environ", "config", "dropin",
					   "default", "file",	 "note"};

const char *
result_state_name(enum result_state s)
{
	if ((unsigned)s >= RS__COUNT)
		return "UNKNOWN";
	return state_names[s];
}

const char *
ev_source_name(enum ev_source s)
{
	if ((unsigned)s >= sizeof(source_names) / sizeof(source_names[0]))
		return "unknown";
	return source_names[s];
}

enum result_state
result_state_of(const struct result *res)
{
	return (unsigned)res->state < RS__COUNT ? res->state : RS_ERROR;
}

/* ---- structure ---- */

struct result *
report_add_result(struct report *r)
{
	struct result *res;

	r->results = xrealloc(r->results, (r->nresults + 1) * sizeof(*r->results));
	res = &r->results[r->nresults++];
	memset(res, 0, sizeof(*res));
	return res;
}

struct evidence *
result_add_evidence(struct result *res)
{
	struct evidence *e;

	res->ev = xrealloc(res->ev, (res->nev + 1) * sizeof(*res->ev));
	e = &res->ev[res->nev++];
	memset(e, 0, sizeof(*e));
	e->index = -1;
	return e;
}

static void
counts_of(const struct report *r, size_t counts[RS__COUNT])
{
	memset(counts, 0, RS__COUNT * sizeof(counts[0]));
	for (size_t i = 0; i < r->nresults; i++)
		counts[result_state_of(&r->results[i])]++;
}

void
report_count(struct report *r)
{
	counts_of(r, r->counts);
}

void
evidence_free(struct evidence *e)
{
	free(e->text);
	free(e->file);
	free(e->owner);
	free(e->group);
	free(e->link);
	free(e->view);
}

void
evidence_copy(struct evidence *dst, const struct evidence *src)
{
	*dst = *src;
	dst->text = src->text ? xstrdup(src->text) : NULL;
	dst->file = src->file ? xstrdup(src->file) : NULL;
	dst->owner = src->owner ? xstrdup(src->owner) : NULL;
	dst->group = src->group ? xstrdup(src->group) : NULL;
	dst->link = src->link ? xstrdup(src->link) : NULL;
	dst->view = src->view ? xstrdup(src->view) : NULL;
}

static void
result_free(struct result *res)
{
	free(res->id);
	free(res->section);
	free(res->title);
	free(res->component);
	free(res->expected);
	free(res->actual);
	free(res->reason);
	free(res->remediation);
	for (size_t i = 0; i < res->nev; i++)
		evidence_free(&res->ev[i]);
	free(res->ev);
}

void
report_free(struct report *r)
{
	if (r == NULL)
		return;
	free(r->tool);
	free(r->version);
	free(r->benchmark);
	free(r->hostname);
	strv_free(&r->roles);
	for (size_t i = 0; i < r->ncomps; i++) {
		free(r->comps[i].name);
		free(r->comps[i].exe);
	}
	free(r->comps);
	free(r->started_at);
	strv_free(&r->notes);
	for (size_t i = 0; i < r->nresults; i++)
		result_free(&r->results[i]);
	free(r->results);
	free(r);
}

int
report_exit_status(const struct report *r)
{
	size_t counts[RS__COUNT];

	counts_of(r, counts);
	if (counts[RS_ERROR])
		return 2;
	if (counts[RS_FAIL])
		return 1;
	return 0;
}

int
report_format_from_name(const char *name, enum report_format *out)
{
	static const struct {
		const char *name;
		enum report_format fmt;
	} names[] = {
		{"text", FMT_TEXT},
		{"json", FMT_JSON},
		{"junit", FMT_JUNIT},
		{"prometheus", FMT_PROMETHEUS},
	};

	for (size_t i = 0; name && i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i].name) == 0) {
			*out = names[i].fmt;
			return 0;
		}
	}
	errno = EINVAL;
	return -1;
}

/* Sections in order of first appearance: results arrive in profile order, but
 * a filtered or merged report may interleave them. */
static void
sections_of(const struct report *r, struct strv *out)
{
	for (size_t i = 0; i < r->nresults; i++) {
		const char *sec = nz(r->results[i].section);

		if (strv_index(out, sec) < 0)
			strv_push(out, sec);
	}
}

static void
add_clean(struct sbuf *b, const char *s)
{
	char *c = str_sanitize(s);

	sbuf_add(b, c);
	free(c);
}

static void
sbuf_add_nz(struct sbuf *b, const char *s)
{
	sbuf_add(b, s ? s : "");
}

/* Sanitizes each line of s, keeping the newlines (XML element text). */
static void
add_clean_lines(struct sbuf *b, const char *s)
{
	for (;;) {
		size_t n = strcspn(s, "\n");
		char *line = xstrndup(s, n);

		add_clean(b, line);
		free(line);
		if (s[n] == '\0')
			break;
		sbuf_addc(b, '\n');
		s += n + 1;
	}
}

/* One evidence item on one line (text, JUnit and drift lines). */
void
report_evidence_line(struct sbuf *b, const struct evidence *e, int sanitize)
{
	void (*add)(struct sbuf *, const char *) = sanitize ? add_clean : sbuf_add_nz;

	sbuf_add(b, ev_source_name(e->source));
	switch (e->source) {
	case EV_ARGV:
	case EV_ENVIRON:
		sbuf_addf(b, " pid %ld", (long)e->pid);
		if (e->index >= 0)
			sbuf_addf(b, " [%d]", e->index);
		sbuf_add(b, ": ");
		add(b, e->text);
		break;
	case EV_CONFIG:
	case EV_DROPIN:
		sbuf_addc(b, ' ');
		add(b, e->file ? e->file : "?");
		if (e->line > 0)
			sbuf_addf(b, ":%d", e->line);
		if (e->view) {
			sbuf_add(b, " (view ");
			add(b, e->view);
			sbuf_addc(b, ')');
		}
		sbuf_add(b, ": ");
		add(b, e->text);
		break;
	case EV_FILE:
		sbuf_addc(b, ' ');
		add(b, e->file ? e->file : "?");
		if (e->has_stat) {
			sbuf_addf(b, " mode %04o owner ", e->mode & 07777);
			if (e->owner) {
				add(b, e->owner);
				sbuf_addf(b, "(%u)", e->uid);
			} else
				sbuf_addf(b, "%u", e->uid);
			sbuf_addc(b, ':');
			if (e->group) {
				add(b, e->group);
				sbuf_addf(b, "(%u)", e->gid);
			} else
				sbuf_addf(b, "%u", e->gid);
		}
		if (e->link) {
			sbuf_add(b, " -> ");
			add(b, e->link);
		}
		if (e->view) {
			sbuf_add(b, " (view ");
			add(b, e->view);
			sbuf_addc(b, ')');
		}
		if (e->text && *e->text) {
			sbuf_add(b, ": ");
			add(b, e->text);
		}
		break;
	case EV_DEFAULT:
	case EV_NOTE:
	default:
		sbuf_add(b, ": ");
		add(b, e->text);
		break;
	}
}

static int
write_buf(FILE *out, struct sbuf *b)
{
	int ret = 0;

	if (b->len && fwrite(b->s, 1, b->len, out) != b->len)
		ret = -1;
	if (fflush(out) == EOF || ferror(out))
		ret = -1;
	if (ret < 0 && errno == 0)
		errno = EIO;
	return ret;
}

/* ---- text ---- */

static const char *const state_color[RS__COUNT] = {
	"\033[32m", /* PASS green */
	"\033[31m", /* FAIL red */
	"\033[33m", /* WARN yellow */
	"\033[2m",  /* SKIP dim */
	"\033[35m", /* ERROR magenta */
};
#define COLOR_RESET "\033[0m"

/* Display columns of a UTF-8 string (code points; good enough for the
 * mostly ASCII text of the benchmark). */
static size_t
text_cols(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static void
text_label(struct sbuf *b, const char *label)
{
	sbuf_add(b, TEXT_INDENT);
	sbuf_add(b, label);
	for (size_t n = strlen(label); n < TEXT_LABEL_WIDTH; n++)
		sbuf_addc(b, ' ');
}

static void
text_field(struct sbuf *b, const char *label, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	text_label(b, label);
	add_clean(b, value);
	sbuf_addc(b, '\n');
}

/* Word-wraps text after a label; newlines in the text start new lines (a
 * remediation often lists steps). Words are sanitized one by one so the
 * escapes never split. */
static void
text_wrapped(struct sbuf *b, const char *label, const char *text)
{
	const size_t avail = TEXT_WIDTH - strlen(TEXT_INDENT) - TEXT_LABEL_WIDTH;
	size_t col = 0;
	int first_line = 1;
	const char *p = text;

	text_label(b, label);
	while (*p) {
		size_t wl = strcspn(p, " \t\n");

		if (wl == 0) {
			if (*p == '\n' && col > 0) {
				sbuf_addc(b, '\n');
				col = 0;
				first_line = 0;
			}
			p++;
			continue;
		}
		char *raw = xstrndup(p, wl);
		char *w = str_sanitize(raw);
		size_t cols = text_cols(w);

		free(raw);
		p += wl;
		if (col > 0 && col + 1 + cols > avail) {
			sbuf_addc(b, '\n');
			col = 0;
			first_line = 0;
		}
		if (col == 0 && !first_line) {
			sbuf_add(b, TEXT_INDENT);
			for (size_t i = 0; i < TEXT_LABEL_WIDTH; i++)
				sbuf_addc(b, ' ');
		} else if (col > 0) {
			sbuf_addc(b, ' ');
			col++;
		}
		sbuf_add(b, w);
		col += cols;
		/* first_line only marks whether the label was printed */
		first_line = 0;
		free(w);
	}
	sbuf_addc(b, '\n');
}

static void
text_header(struct sbuf *b, const struct report *r)
{
	add_clean(b, r->tool ? r->tool : "kube-auditd");
	sbuf_addc(b, ' ');
	add_clean(b, r->version ? r->version : "?");
	sbuf_add(b, " - CIS Kubernetes Benchmark ");
	add_clean(b, r->benchmark ? r->benchmark : "?");
	sbuf_add(b, "\n  host:       ");
	add_clean(b, r->hostname ? r->hostname : "?");
	sbuf_add(b, "\n  roles:      ");
	if (r->roles.n == 0)
		sbuf_add(b, "(none)");
	for (size_t i = 0; i < r->roles.n; i++) {
		if (i)
			sbuf_add(b, ", ");
		add_clean(b, r->roles.v[i]);
	}
	sbuf_add(b, "\n  components: ");
	if (r->ncomps == 0)
		sbuf_add(b, "(none found)");
	for (size_t i = 0; i < r->ncomps; i++) {
		if (i)
			sbuf_add(b, "\n              ");
		add_clean(b, r->comps[i].name);
		sbuf_addf(b, " (pid %ld)", (long)r->comps[i].pid);
		if (r->comps[i].exe) {
			sbuf_addc(b, ' ');
			add_clean(b, r->comps[i].exe);
		}
	}
	sbuf_add(b, "\n  started:    ");
	add_clean(b, r->started_at ? r->started_at : "?");
	if (isfinite(r->duration_ms))
		sbuf_addf(b, " (%.1f ms)", r->duration_ms);
	sbuf_addc(b, '\n');
	if (r->notes.n) {
		sbuf_add(b, "\nNotes:\n");
		for (size_t i = 0; i < r->notes.n; i++) {
			sbuf_add(b, "  ! ");
			add_clean(b, r->notes.v[i]);
			sbuf_addc(b, '\n');
		}
	}
}

static void
text_result(struct sbuf *b, const struct result *res, int flags)
{
	enum result_state st = result_state_of(res);
	int color = flags & REPORT_COLOR;

	if (color)
		sbuf_addf(b, "%s[%s]%s ", state_color[st], state_names[st], COLOR_RESET);
	else
		sbuf_addf(b, "[%s] ", state_names[st]);
	add_clean(b, res->id ? res->id : "?");
	sbuf_addc(b, ' ');
	add_clean(b, res->title);
	if (!res->automated)
		sbuf_add(b, " (Manual)");
	sbuf_addc(b, '\n');
	if (st == RS_PASS && !(flags & REPORT_DETAILS))
		return;
	text_field(b, "expected:", res->expected);
	text_field(b, "actual:", res->actual);
	text_field(b, "reason:", res->reason);
	for (size_t i = 0; i < res->nev; i++) {
		text_label(b, i == 0 ? "evidence:" : "");
		report_evidence_line(b, &res->ev[i], 1);
		sbuf_addc(b, '\n');
	}
	if ((st == RS_FAIL || st == RS_WARN) && res->remediation && *res->remediation)
		text_wrapped(b, "remediation:", res->remediation);
}

static void
text_format(struct sbuf *b, const struct report *r, int flags)
{
	struct strv secs = {0};
	size_t counts[RS__COUNT];

	text_header(b, r);
	sections_of(r, &secs);
	for (size_t s = 0; s < secs.n; s++) {
		sbuf_add(b, "\n== Section ");
		add_clean(b, *secs.v[s] ? secs.v[s] : "(none)");
		sbuf_add(b, " ==\n");
		for (size_t i = 0; i < r->nresults; i++)
			if (strcmp(nz(r->results[i].section), secs.v[s]) == 0)
				text_result(b, &r->results[i], flags);
	}
	strv_free(&secs);
	counts_of(r, counts);
	sbuf_addf(b, "\n== Summary: %zu pass, %zu fail, %zu warn, %zu skip, %zu error ==\n",
		  counts[RS_PASS], counts[RS_FAIL], counts[RS_WARN], counts[RS_SKIP],
		  counts[RS_ERROR]);
}

/* ---- JUnit XML ---- */

/* Escapes already sanitized text for XML 1.0. Sanitized text still may hold
 * U+FFFE and U+FFFF (valid UTF-8, not XML characters). */
static void
xml_escape(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		const unsigned char *u = (const unsigned char *)s;

		switch (*s) {
		case '&':
			sbuf_add(b, "&amp;");
			continue;
		case '<':
			sbuf_add(b, "&lt;");
			continue;
		case '>':
			sbuf_add(b, "&gt;");
			continue;
		case '"':
			sbuf_add(b, "&quot;");
			continue;
		case '\'':
			sbuf_add(b, "&apos;");
			continue;
		default:
			break;
		}
		if (u[0] == 0xef && u[1] == 0xbf && (u[2] == 0xbe || u[2] == 0xbf)) {
			sbuf_addf(b, "\\x%02x\\x%02x\\x%02x", u[0], u[1], u[2]);
			s += 2;
		} else if ((*u < 0x20 && *u != '\n' && *u != '\t') || *u == 0x7f) {
			sbuf_addf(b, "\\x%02x", *u);
		} else
			sbuf_addc(b, *s);
	}
}

void
report_xml_add(struct sbuf *b, const char *s)
{
	char *c = str_sanitize(s);

	xml_escape(b, c);
	free(c);
}

void
report_xml_attr(struct sbuf *b, const char *name, const char *value)
{
	sbuf_addf(b, " %s=\"", name);
	report_xml_add(b, value);
	sbuf_addc(b, '"');
}

static void
xml_property(struct sbuf *b, const char *name, const char *value)
{
	sbuf_add(b, "        <property");
	report_xml_attr(b, "name", name);
	report_xml_attr(b, "value", value);
	sbuf_add(b, "/>\n");
}

/* The body of a failure, error or system-out: one sanitized line per fact. */
static void
junit_details(struct sbuf *b, const struct result *res, int with_remediation)
{
	struct sbuf d = {0};

	if (res->expected && *res->expected) {
		sbuf_add(&d, "expected: ");
		add_clean(&d, res->expected);
		sbuf_addc(&d, '\n');
	}
	if (res->actual && *res->actual) {
		sbuf_add(&d, "actual: ");
		add_clean(&d, res->actual);
		sbuf_addc(&d, '\n');
	}
	if (res->reason && *res->reason) {
		sbuf_add(&d, "reason: ");
		add_clean(&d, res->reason);
		sbuf_addc(&d, '\n');
	}
	for (size_t i = 0; i < res->nev; i++) {
		sbuf_add(&d, "evidence: ");
		report_evidence_line(&d, &res->ev[i], 1);
		sbuf_addc(&d, '\n');
	}
	if (with_remediation && res->remediation && *res->remediation) {
		sbuf_add(&d, "remediation: ");
		add_clean_lines(&d, res->remediation);
		sbuf_addc(&d, '\n');
	}
	xml_escape(b, sbuf_str(&d));
	sbuf_free(&d);
}

/* message="..." of a failure: what was expected against what was found. */
static char *
junit_fail_message(const struct result *res)
{
	if (res->actual && *res->actual)
		return xasprintf("expected %s, found %s", nz(res->expected), res->actual);
	if (res->reason && *res->reason)
		return xstrdup(res->reason);
	return xasprintf("expected %s", nz(res->expected));
}

static void
junit_testcase(struct sbuf *b, const struct report *r, const struct result *res)
{
	enum result_state st = result_state_of(res);
	char *s;

	sbuf_add(b, "    <testcase");
	s = xasprintf("%s.%s", nz(r->benchmark), nz(res->section));
	report_xml_attr(b, "classname", s);
	free(s);
	s = xasprintf("%s %s", nz(res->id), nz(res->title));
	report_xml_attr(b, "name", s);
	free(s);
	sbuf_add(b, " time=\"0\">\n      <properties>\n");
	xml_property(b, "status", state_names[st]);
	xml_property(b, "automated", res->automated ? "true" : "false");
	xml_property(b, "component", nz(res->component));
	sbuf_add(b, "      </properties>\n");
	switch (st) {
	case RS_FAIL:
		sbuf_add(b, "      <failure");
		s = junit_fail_message(res);
		report_xml_attr(b, "message", s);
		free(s);
		sbuf_add(b, " type=\"FAIL\">");
		junit_details(b, res, 1);
		sbuf_add(b, "</failure>\n");
		break;
	case RS_ERROR:
		sbuf_add(b, "      <error");
		report_xml_attr(b, "message",
				res->reason && *res->reason ? res->reason
							    : "could not be evaluated");
		sbuf_add(b, " type=\"ERROR\">");
		junit_details(b, res, 0);
		sbuf_add(b, "</error>\n");
		break;
	case RS_SKIP:
		sbuf_add(b, "      <skipped");
		report_xml_attr(b, "message", nz(res->reason));
		sbuf_add(b, "/>\n");
		break;
	case RS_WARN:
		/* A WARN is a manual recommendation a person must judge. CI dashboards
		 * fail the build on <failure> and hide <skipped>, so a WARN is a
		 * passed testcase that stays visible: the status property and a
		 * system-out that starts with "WARN". */
		sbuf_add(b, "      <system-out>WARN: manual review needed\n");
		junit_details(b, res, 1);
		sbuf_add(b, "</system-out>\n");
		break;
	case RS_PASS:
	default:
		break;
	}
	sbuf_add(b, "    </testcase>\n");
}

static void
junit_format(struct sbuf *b, const struct report *r)
{
	struct strv secs = {0};
	size_t counts[RS__COUNT];

	counts_of(r, counts);
	sbuf_add(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
	report_xml_attr(b, "name", r->tool ? r->tool : "kube-auditd");
	sbuf_addf(b, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\"", r->nresults,
		  counts[RS_FAIL], counts[RS_ERROR], counts[RS_SKIP]);
	if (isfinite(r->duration_ms) && r->duration_ms >= 0)
		sbuf_addf(b, " time=\"%.6f\"", r->duration_ms / 1000.0);
	sbuf_add(b, ">\n");
	sections_of(r, &secs);
	for (size_t s = 0; s < secs.n; s++) {
		size_t sc[RS__COUNT] = {0}, n = 0;
		char *name;

		for (size_t i = 0; i < r->nresults; i++) {
			if (strcmp(nz(r->results[i].section), secs.v[s]) == 0) {
				sc[result_state_of(&r->results[i])]++;
				n++;
			}
		}
		sbuf_add(b, "  <testsuite");
		name = xasprintf("%s %s", nz(r->benchmark), secs.v[s]);
		report_xml_attr(b, "name", name);
		free(name);
		sbuf_addf(b, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\"", n,
			  sc[RS_FAIL], sc[RS_ERROR], sc[RS_SKIP]);
		report_xml_attr(b, "hostname", nz(r->hostname));
		if (r->started_at)
			report_xml_attr(b, "timestamp", r->started_at);
		sbuf_add(b, ">\n");
		for (size_t i = 0; i < r->nresults; i++)
			if (strcmp(nz(r->results[i].section), secs.v[s]) == 0)
				junit_testcase(b, r, &r->results[i]);
		sbuf_add(b, "  </testsuite>\n");
	}
	strv_free(&secs);
	sbuf_add(b, "</testsuites>\n");
}

/* ---- Prometheus textfile collector ---- */

/* Label values: sanitized (so no raw newline is left), then \\ and \" as the
 * exposition format requires. */
static void
prom_label(struct sbuf *b, const char *name, const char *value, int last)
{
	char *c = str_sanitize(value);

	sbuf_addf(b, "%s=\"", name);
	for (const char *p = c; *p; p++) {
		if (*p == '\\' || *p == '"')
			sbuf_addc(b, '\\');
		if (*p == '\n')
			sbuf_add(b, "\\n");
		else
			sbuf_addc(b, *p);
	}
	sbuf_add(b, last ? "\"" : "\",");
	free(c);
}

static void
prom_meta(struct sbuf *b, const char *name, const char *help)
{
	sbuf_addf(b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static int
digits(const char **p, int n, int *out)
{
	*out = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return -1;
		*out = *out * 10 + (**p - '0');
	}
	return 0;
}

/* RFC 3339 ("2026-11-29T10:00:00Z", fractions and offsets allowed) to epoch
 * seconds. */
static int
rfc3339_to_epoch(const char *s, double *out)
{
	struct tm tm = {0};
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	double frac = 0, scale = 0.1;
	time_t t;

	if (s == NULL || digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) || *s++ != '-' ||
	    digits(&s, 2, &d) || (*s != 'T' && *s != 't' && *s != ' '))
		return -1;
	s++;
	if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &mi) || *s++ != ':' ||
	    digits(&s, 2, &sec))
		return -1;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, scale /= 10)
			frac += (*s - '0') * scale;
	}
	if (*s == 'Z' || *s == 'z')
		s++;
	else if (*s == '+' || *s == '-') {
		sign = *s++ == '-' ? -1 : 1;
		if (digits(&s, 2, &oh) || *s++ != ':' || digits(&s, 2, &om))
			return -1;
	} else
		return -1;
	if (*s != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	*out = (double)t + frac - sign * (oh * 3600 + om * 60);
	return 0;
}

static void
prom_format(struct sbuf *b, const struct report *r)
{
	size_t counts[RS__COUNT];
	struct strv seen = {0};
	double ts;

	prom_meta(b, "kube_auditd_check_status",
		  "Result of each CIS check in the last scan (1 for the check's current status).");
	for (size_t i = 0; i < r->nresults; i++) {
		const struct result *res = &r->results[i];
		struct sbuf series = {0};

		sbuf_add(&series, "kube_auditd_check_status{");
		prom_label(&series, "id", nz(res->id), 0);
		prom_label(&series, "section", nz(res->section), 0);
		prom_label(&series, "status", state_names[result_state_of(res)], 0);
		prom_label(&series, "automated", res->automated ? "true" : "false", 1);
		sbuf_add(&series, "}");
		/* A duplicated series makes node_exporter reject the whole file. */
		if (strv_index(&seen, sbuf_str(&series)) < 0) {
			sbuf_addf(b, "%s 1\n", sbuf_str(&series));
			strv_push_take(&seen, sbuf_steal(&series));
		}
		sbuf_free(&series);
	}
	strv_free(&seen);

	counts_of(r, counts);
	prom_meta(b, "kube_auditd_checks", "Number of CIS checks per status in the last scan.");
	for (int s = 0; s < RS__COUNT; s++)
		sbuf_addf(b, "kube_auditd_checks{status=\"%s\"} %zu\n", state_lower[s], counts[s]);

	if (rfc3339_to_epoch(r->started_at, &ts) == 0) {
		prom_meta(b, "kube_auditd_last_scan_timestamp_seconds",
			  "Start time of the last scan, in seconds since the epoch.");
		sbuf_addf(b, "kube_auditd_last_scan_timestamp_seconds %.15g\n", ts);
	}
	prom_meta(b, "kube_auditd_scan_duration_seconds", "Duration of the last scan in seconds.");
	if (isfinite(r->duration_ms))
		sbuf_addf(b, "kube_auditd_scan_duration_seconds %.15g\n", r->duration_ms / 1000.0);
	else
		sbuf_add(b, "kube_auditd_scan_duration_seconds NaN\n");
	prom_meta(b, "kube_auditd_info", "Version of kube-auditd and benchmark of the last scan.");
	sbuf_add(b, "kube_auditd_info{");
	prom_label(b, "version", nz(r->version), 0);
	prom_label(b, "benchmark", nz(r->benchmark), 1);
	sbuf_add(b, "} 1\n");
}

/* ---- dispatch ---- */

int
report_write(const struct report *r, enum report_format fmt, FILE *out, int flags)
{
	struct sbuf b = {0};
	char *json;
	int ret;

	if (r == NULL || out == NULL) {
		errno = EINVAL;
		return -1;
	}
	switch (fmt) {
	case FMT_TEXT:
		text_format(&b, r, flags);
		break;
	case FMT_JSON:
		json = report_to_json(r);
		sbuf_add(&b, json);
		sbuf_addc(&b, '\n');
		free(json);
		break;
	case FMT_JUNIT:
		junit_format(&b, r);
		break;
	case FMT_PROMETHEUS:
		prom_format(&b, r);
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	ret = write_buf(out, &b);
	sbuf_free(&b);
	return ret;
}
