/* drift.c - what changed between two reports, and the syslog lines that say so.
 *
 * Reports are matched by id through a sorted index of the old report, so a
 * fleet summary comparing thousands of results stays O(n log n).
 *
 * Messages go to syslog and from there to a SIEM: each is one line, valid
 * UTF-8 and at most DRIFT_MSG_MAX bytes whatever the node put into argv or a
 * config file. Every value is encoded with one grammar (header): a value is
 * double-quoted when it holds a space, '"', '=', '\' or a byte that must be
 * escaped; inside quotes '"' and '\' are backslash-escaped and every control
 * byte, invalid byte or Unicode line/C1 control is \xNN. A parser that
 * undoes exactly these escapes gets the original bytes back.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drift.h"

#define DRIFT_MSG_MAX 2048 /* bytes: what every syslog transport carries whole */
#define DRIFT_WHY_MAX 300  /* bytes of drift_why, "..." included */
#define DRIFT_ELLIPSIS "..."
/* Caps of values that are short in any real report (host names, ids,
 * component names); they only bound the worst case. */
#define CAP_BENCHMARK 64
#define CAP_NODE 256
#define CAP_ID 64
#define CAP_COMPONENT 128
/* Title and why keep at least this much before a long reason is cut. */
#define FLEX_RESERVE 160
#define FIELD_MIN 8 /* room for "\"...\"" */

/* ---- comparing ---- */

struct id_ent {
	const char *id;
	size_t idx; /* position in the old report */
};

static int
id_ent_cmp(const void *a, const void *b)
{
	const struct id_ent *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (c)
		return c;
	/* equal ids (a merged report) pair up in report order */
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int
nonconforming(const struct result *res)
{
	enum result_state s = result_state_of(res);

	return s == RS_FAIL || s == RS_WARN || s == RS_ERROR;
}

static void
drift_push(struct drift *d, size_t *cap, const struct result *old, const struct result *cur)
{
	if (d->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		d->v = xrealloc(d->v, *cap * sizeof(*d->v));
	}
	d->v[d->n].old = old;
	d->v[d->n].new = cur;
	d->n++;
}

/* First entry of ents whose id is id, or nents. */
static size_t
id_lower_bound(const struct id_ent *ents, size_t nents, const char *id)
{
	size_t lo = 0, hi = nents;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(ents[mid].id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void
drift_compare(const struct report *old, const struct report *cur, struct drift *out)
{
	size_t nold = old ? old->nresults : 0, nnew = cur ? cur->nresults : 0;
	struct id_ent *ents = NULL;
	size_t *next = NULL; /* per run of equal ids: the next unmatched entry */
	unsigned char *matched = NULL;
	size_t cap = 0;

	out->v = NULL;
	out->n = 0;
	if (old == NULL) {
		for (size_t i = 0; i < nnew; i++)
			if (nonconforming(&cur->results[i]))
				drift_push(out, &cap, NULL, &cur->results[i]);
		return;
	}
	if (nold) {
		ents = xmalloc(nold * sizeof(*ents));
		next = xmalloc(nold * sizeof(*next));
		matched = xcalloc(nold, 1);
		for (size_t i = 0; i < nold; i++) {
			ents[i].id = nz(old->results[i].id);
			ents[i].idx = i;
		}
		qsort(ents, nold, sizeof(*ents), id_ent_cmp);
		for (size_t i = 0; i < nold; i++)
			next[i] = i;
	}
	for (size_t i = 0; i < nnew; i++) {
		const struct result *nr = &cur->results[i];
		const char *id = nz(nr->id);
		size_t lb = id_lower_bound(ents, nold, id), k;

		k = lb < nold ? next[lb] : nold;
		if (k < nold && strcmp(ents[k].id, id) == 0) {
			const struct result *orr = &old->results[ents[k].idx];

			next[lb] = k + 1;
			matched[ents[k].idx] = 1;
			if (result_state_of(orr) != result_state_of(nr))
				drift_push(out, &cap, orr, nr);
		} else if (nonconforming(nr))
			drift_push(out, &cap, NULL, nr);
	}
	for (size_t i = 0; i < nold; i++)
		if (!matched[i])
			drift_push(out, &cap, &old->results[i], NULL);
	free(ents);
	free(next);
	free(matched);
}

void
drift_free(struct drift *d)
{
	if (d == NULL)
		return;
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

/* ---- encoding ---- */

/* One unit of text at s: *n bytes that are either kept (return 0) or each
 * escaped as \xNN (return 1). strict also escapes the C1 controls and the
 * Unicode line and paragraph separators, which some log viewers treat as
 * line breaks; str_sanitize (and drift_why) keep them. */
static int
text_unit(const unsigned char *s, int strict, size_t *n)
{
	size_t len = str_utf8_len(s);

	if (len == 0) {
		*n = 1;
		return 1;
	}
	*n = len;
	if (len == 1)
		return s[0] < 0x20 || s[0] == 0x7f;
	if (strict && len == 2 && s[0] == 0xc2 && s[1] < 0xa0)
		return 1;
	if (strict && len == 3 && s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0xa8 || s[2] == 0xa9))
		return 1;
	return 0;
}

static int
value_needs_quotes(const char *v)
{
	const unsigned char *s = (const unsigned char *)v;

	if (*s == '\0')
		return 1;
	while (*s) {
		size_t n;

		if (text_unit(s, 1, &n) || strchr(" \"=\\", *s))
			return 1;
		s += n;
	}
	return 0;
}

/* Encoded form of the unit at s into out (at most 16 bytes); returns its
 * length and the bytes consumed in *n. */
static size_t
encode_unit(const unsigned char *s, char out[16], size_t *n)
{
	size_t len = 0;

	if (text_unit(s, 1, n)) {
		for (size_t i = 0; i < *n; i++) {
			static const char hex[] = "0123456789abcdef";

			out[len++] = '\\';
			out[len++] = 'x';
			out[len++] = hex[s[i] >> 4];
			out[len++] = hex[s[i] & 0xf];
		}
		return len;
	}
	if (*s == '"' || *s == '\\')
		out[len++] = '\\';
	memcpy(out + len, s, *n);
	return len + *n;
}

/* Bytes the value takes encoded, quotes included. */
static size_t
value_len(const char *v, int quoted)
{
	const unsigned char *s = (const unsigned char *)v;
	size_t len = quoted ? 2 : 0;

	while (*s) {
		char tmp[16];
		size_t n;

		len += encode_unit(s, tmp, &n);
		s += n;
	}
	return len;
}

static size_t
min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Title, why and reason are always quoted, whatever they hold: a SIEM rule
 * written against title="..." must not break on a one-word title. */
static int
key_quoted(const char *key, const char *v)
{
	return strcmp(key, "title") == 0 || strcmp(key, "why") == 0 || strcmp(key, "reason") == 0 ||
	       value_needs_quotes(v);
}

/* Bytes " key=value" takes, the value capped at max encoded bytes. */
static size_t
field_len(const char *key, const char *v, size_t max)
{
	return 1 + strlen(key) + 1 + min_size(value_len(v, key_quoted(key, v)), max);
}

/* Appends " key=value" (no space first in an empty buffer); a value that
 * would take more than max bytes is cut between units and ends in "...". */
static void
field_add(struct sbuf *b, const char *key, const char *v, size_t max)
{
	const unsigned char *s = (const unsigned char *)v;
	int quoted = key_quoted(key, v);
	size_t room = SIZE_MAX, used = 0;

	if (max < FIELD_MIN)
		max = FIELD_MIN;
	if (value_len(v, quoted) > max)
		room = max - (quoted ? 2 : 0) - strlen(DRIFT_ELLIPSIS);
	if (b->len)
		sbuf_addc(b, ' ');
	sbuf_add(b, key);
	sbuf_addc(b, '=');
	if (quoted)
		sbuf_addc(b, '"');
	while (*s) {
		char tmp[16];
		size_t n, len = encode_unit(s, tmp, &n);

		if (used + len > room)
			break;
		sbuf_addn(b, tmp, len);
		used += len;
		s += n;
	}
	if (*s)
		sbuf_add(b, DRIFT_ELLIPSIS);
	if (quoted)
		sbuf_addc(b, '"');
}

/* ---- messages ---- */

/* Sanitizes raw like str_sanitize, keeping at most max bytes: the cut falls
 * between characters and escapes, never inside one, and is marked "...". */
static char *
sanitize_capped(const char *raw, size_t max)
{
	const unsigned char *s = (const unsigned char *)raw;
	char *full = str_sanitize(raw);
	struct sbuf b = {0};

	if (strlen(full) <= max)
		return full;
	free(full);
	while (*s) {
		size_t n, len;
		int esc = text_unit(s, 0, &n);

		len = esc ? 4 * n : n;
		if (b.len + len > max - strlen(DRIFT_ELLIPSIS))
			break;
		if (esc)
			for (size_t i = 0; i < n; i++)
				sbuf_addf(&b, "\\x%02x", s[i]);
		else
			sbuf_addn(&b, (const char *)s, n);
		s += n;
	}
	sbuf_add(&b, DRIFT_ELLIPSIS);
	return sbuf_steal(&b);
}

char *
drift_why(const struct result *res)
{
	struct sbuf raw = {0};
	char *out;

	if (res == NULL)
		return xstrdup("");
	/* defaults and notes explain, they do not show what the node has */
	for (size_t i = 0; i < res->nev && raw.len == 0; i++) {
		const struct evidence *e = &res->ev[i];

		if (e->source == EV_ARGV || e->source == EV_ENVIRON || e->source == EV_CONFIG ||
		    e->source == EV_DROPIN || e->source == EV_FILE)
			report_evidence_line(&raw, e, 0);
	}
	if (raw.len == 0)
		sbuf_add(&raw, nz(res->actual));
	out = sanitize_capped(sbuf_str(&raw), DRIFT_WHY_MAX);
	sbuf_free(&raw);
	return out;
}

char *
drift_message(const struct report *cur, const struct drift_change *c)
{
	const struct result *res = c->new ? c->new : c->old;
	const char *oldst = c->old ? result_state_name(result_state_of(c->old)) : "NEW";
	const char *newst = c->new ? result_state_name(result_state_of(c->new)) : "GONE";
	const char *title = res ? nz(res->title) : "";
	const char *reason = "";
	/* a vanished check has no evidence of why: its old evidence would
	 * describe a state that no longer exists */
	char *why = c->new ? drift_why(c->new) : xstrdup("");
	struct sbuf b = {0};
	size_t avail, tl, wl, rl, tb, wb, rb;

	if (c->new) {
		enum result_state s = result_state_of(c->new);

		if ((s == RS_SKIP || s == RS_ERROR || s == RS_WARN) && c->new->reason)
			reason = c->new->reason;
	}
	field_add(&b, "event", "drift", CAP_ID);
	field_add(&b, "benchmark", nz(cur ? cur->benchmark : NULL), CAP_BENCHMARK);
	field_add(&b, "node", nz(cur ? cur->hostname : NULL), CAP_NODE);
	field_add(&b, "id", res ? nz(res->id) : "", CAP_ID);
	field_add(&b, "old", oldst, CAP_ID);
	field_add(&b, "new", newst, CAP_ID);
	field_add(&b, "automated", res && res->automated ? "true" : "false", CAP_ID);
	field_add(&b, "component", res ? nz(res->component) : "", CAP_COMPONENT);

	/* What is left is shared: title and why are cut first (down to
	 * FLEX_RESERVE each), then a long reason, so the line never exceeds
	 * DRIFT_MSG_MAX. */
	avail = DRIFT_MSG_MAX - b.len;
	tl = field_len("title", title, SIZE_MAX);
	wl = field_len("why", why, SIZE_MAX);
	rl = *reason ? field_len("reason", reason, SIZE_MAX) : 0;
	rb = rl;
	if (tl + wl + rl > avail) {
		size_t keep = min_size(tl, FLEX_RESERVE) + min_size(wl, FLEX_RESERVE);

		rb = min_size(rl, avail - keep);
	}
	avail -= rb;
	tb = tl;
	wb = wl;
	if (tl + wl > avail) {
		size_t half = avail / 2;

		if (tl <= half)
			wb = avail - tl;
		else if (wl <= half)
			tb = avail - wl;
		else {
			tb = half;
			wb = avail - half;
		}
	}
	/* the budgets above count " key="; the value caps exclude it */
	field_add(&b, "title", title, tb - strlen(" title="));
	field_add(&b, "why", why, wb - strlen(" why="));
	if (*reason)
		field_add(&b, "reason", reason, rb - strlen(" reason="));
	free(why);
	return sbuf_steal(&b);
}

char *
drift_summary(const struct report *cur, const struct drift *d)
{
	size_t counts[RS__COUNT] = {0};
	struct sbuf b = {0};
	double ms = 0.0;

	/* counted here rather than trusted from cur->counts: a caller that
	 * forgot report_count still logs the truth */
	for (size_t i = 0; cur && i < cur->nresults; i++)
		counts[result_state_of(&cur->results[i])]++;
	if (cur && isfinite(cur->duration_ms))
		ms = cur->duration_ms;
	field_add(&b, "event", "scan", CAP_ID);
	field_add(&b, "benchmark", nz(cur ? cur->benchmark : NULL), CAP_BENCHMARK);
	field_add(&b, "node", nz(cur ? cur->hostname : NULL), CAP_NODE);
	sbuf_addf(&b, " changed=%zu pass=%zu fail=%zu warn=%zu skip=%zu error=%zu duration_ms=%.1f",
		  d ? d->n : 0, counts[RS_PASS], counts[RS_FAIL], counts[RS_WARN], counts[RS_SKIP],
		  counts[RS_ERROR], ms);
	return sbuf_steal(&b);
}
