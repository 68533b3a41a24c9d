/* yamlcfg.c - YAML/JSON documents into a small tree with positions, built
 * from libyaml's event stream (not its document loader, whose aliases are
 * indices we would have to chase, and which has no depth or size limits). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "util.h"
#include "yamlcfg.h"

#define YAML_KEY_SHOWN 80 /* longest key text quoted in a message */

/* A collection being filled: its items array grows here, since struct ynode
 * has no capacity field. */
struct yframe {
	struct ynode *node;
	size_t cap;
};

struct yanchor {
	char *name;
	struct ynode *node;
};

/* Anchors are looked up for every alias: a hash keeps hostile documents with
 * many anchors and many aliases linear. */
struct yanchors {
	struct yanchor *tab;
	size_t cap; /* power of two, 0 when empty */
	size_t n;
};

struct yparse {
	yaml_parser_t parser;
	struct ydoc *doc;
	const char *name;
	const unsigned char *buf;
	size_t len;
	struct yframe stack[YAML_MAX_DEPTH];
	int depth;
	struct yanchors anchors;
	char *err;
	int err_errno;
};

/* ---- messages ---- */

static int
clamp_int(size_t v)
{
	return v >= INT_MAX ? INT_MAX : (int)v;
}

static int yp_fail(struct yparse *p, int eno, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Records the first error only: later ones are consequences. */
static int
yp_fail(struct yparse *p, int eno, const char *fmt, ...)
{
	va_list ap;
	struct sbuf b = {0};
	char *name;

	if (p->err != NULL)
		return -1;
	name = str_sanitize(p->name);
	sbuf_add(&b, name);
	free(name);
	va_start(ap, fmt);
	sbuf_vaddf(&b, fmt, ap);
	va_end(ap);
	p->err = sbuf_steal(&b);
	p->err_errno = eno;
	return -1;
}

/* Key text for messages: sanitized (it comes from the file) and shortened. */
static char *
shown_key(const char *s)
{
	char *t = str_sanitize(s);

	if (strlen(t) > YAML_KEY_SHOWN)
		strcpy(t + YAML_KEY_SHOWN - 3, "...");
	return t;
}

/* Reader errors carry a byte offset, not a mark: count lines and UTF-8
 * characters ourselves so the message still says where. */
static void
offset_to_pos(const unsigned char *buf, size_t len, size_t off, int *line, int *col)
{
	size_t l = 1, c = 1, i = 0;

	if (off > len)
		off = len;
	/* libyaml does not count a byte order mark as a column */
	if (len >= 3 && off >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (; i < off; i++) {
		if (buf[i] == '\n') {
			l++;
			c = 1;
		} else if ((buf[i] & 0xc0) != 0x80) {
			c++;
		}
	}
	*line = clamp_int(l);
	*col = clamp_int(c);
}

/* The character at 1-based line:col of a UTF-8 buffer, or -1. */
static int
char_at(const unsigned char *buf, size_t len, size_t line, size_t col)
{
	size_t i = 0;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (size_t l = 1; l < line; l++) {
		const unsigned char *nl = memchr(buf + i, '\n', len - i);

		if (nl == NULL)
			return -1;
		i = (size_t)(nl - buf) + 1;
	}
	for (size_t c = 1; i < len; i++) {
		if ((buf[i] & 0xc0) == 0x80)
			continue;
		if (c++ == col)
			return buf[i];
	}
	return -1;
}

static int
yp_reader_error(struct yparse *p)
{
	yaml_parser_t *ps = &p->parser;
	const char *problem = ps->problem ? ps->problem : "cannot read input";
	size_t off, lead;
	int line, col, utf8;

	if (ps->encoding != YAML_UTF8_ENCODING && ps->encoding != YAML_ANY_ENCODING)
		return yp_fail(p, EINVAL, ": byte offset %zu: %s", ps->problem_offset, problem);
	off = ps->problem_offset;
	utf8 = strstr(problem, "UTF-8") != NULL || strstr(problem, "Unicode") != NULL;
	/* a bad trailing octet is reported at itself: point at the start of
	 * its sequence, where the editor shows the wrong character */
	if (strstr(problem, "trailing") && off < p->len && off > 0) {
		lead = off - 1;
		while (lead > 0 && off - lead < 4 && (p->buf[lead] & 0xc0) == 0x80)
			lead--;
		offset_to_pos(p->buf, p->len, lead, &line, &col);
		return yp_fail(p, EINVAL,
			       ":%d:%d: %s (byte 0x%02x after 0x%02x): input is not valid UTF-8",
			       line, col, problem, p->buf[off], p->buf[lead]);
	}
	offset_to_pos(p->buf, p->len, off, &line, &col);
	if (ps->problem_value < 0)
		return yp_fail(p, EINVAL, ":%d:%d: %s%s", line, col, problem,
			       utf8 ? ": input is not valid UTF-8" : "");
	/* libyaml gives the offending byte for UTF-8 decoding problems and the
	 * code point for characters YAML forbids */
	if (strstr(problem, "octet") != NULL)
		return yp_fail(p, EINVAL, ":%d:%d: %s (byte 0x%02x): input is not valid UTF-8",
			       line, col, problem, (unsigned)ps->problem_value & 0xff);
	return yp_fail(p, EINVAL, ":%d:%d: %s (character U+%04X)%s", line, col, problem,
		       (unsigned)ps->problem_value, utf8 ? ": input is not valid UTF-8" : "");
}

static int
yp_libyaml_error(struct yparse *p)
{
	yaml_parser_t *ps = &p->parser;
	const char *problem = ps->problem ? ps->problem : "unknown error";
	const char *hint = "";
	size_t pl = ps->problem_mark.line + 1, pc = ps->problem_mark.column + 1;
	size_t cl = ps->context_mark.line + 1, cc = ps->context_mark.column + 1;

	if (ps->error == YAML_MEMORY_ERROR)
		return yp_fail(p, ENOMEM, ": out of memory while parsing YAML");
	if (ps->error == YAML_READER_ERROR)
		return yp_reader_error(p);
	/* libyaml's wording for a tab in indentation does not say "tab" */
	if (ps->encoding == YAML_UTF8_ENCODING && strstr(problem, "tab") == NULL &&
	    char_at(p->buf, p->len, pl, pc) == '\t')
		hint = ": tabs cannot indent YAML";
	if (ps->context == NULL)
		return yp_fail(p, EINVAL, ":%d:%d: %s%s", clamp_int(pl), clamp_int(pc), problem,
			       hint);
	if (pl == cl && pc == cc)
		return yp_fail(p, EINVAL, ":%d:%d: %s (%s)%s", clamp_int(pl), clamp_int(pc),
			       problem, ps->context, hint);
	return yp_fail(p, EINVAL, ":%d:%d: %s (%s at %d:%d)%s", clamp_int(pl), clamp_int(pc),
		       problem, ps->context, clamp_int(cl), clamp_int(cc), hint);
}

/* ---- anchors ---- */

static size_t
anchor_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return (size_t)h;
}

static struct yanchor *
anchor_slot(struct yanchors *a, const char *name)
{
	size_t i = anchor_hash(name) & (a->cap - 1);

	while (a->tab[i].name != NULL && strcmp(a->tab[i].name, name) != 0)
		i = (i + 1) & (a->cap - 1);
	return &a->tab[i];
}

static void
anchor_grow(struct yanchors *a)
{
	struct yanchors n = {0};

	n.cap = a->cap ? a->cap * 2 : 16;
	n.tab = xcalloc(n.cap, sizeof(*n.tab));
	for (size_t i = 0; i < a->cap; i++) {
		if (a->tab[i].name != NULL)
			*anchor_slot(&n, a->tab[i].name) = a->tab[i];
	}
	n.n = a->n;
	free(a->tab);
	*a = n;
}

/* A redefined anchor replaces the old one for the aliases that follow. */
static void
anchor_set(struct yanchors *a, const char *name, struct ynode *node)
{
	struct yanchor *slot;

	if ((a->n + 1) * 2 > a->cap)
		anchor_grow(a);
	slot = anchor_slot(a, name);
	if (slot->name == NULL) {
		slot->name = xstrdup(name);
		a->n++;
	}
	slot->node = node;
}

static struct ynode *
anchor_get(struct yanchors *a, const char *name)
{
	return a->cap ? anchor_slot(a, name)->node : NULL;
}

static void
anchors_free(struct yanchors *a)
{
	for (size_t i = 0; i < a->cap; i++)
		free(a->tab[i].name);
	free(a->tab);
}

/* ---- tree building ---- */

static struct ynode *
node_new(struct yparse *p, enum ynode_kind kind, const yaml_mark_t *m)
{
	struct ydoc *d = p->doc;
	struct ynode *n;

	if (d->nall >= YAML_MAX_NODES) {
		yp_fail(p, EINVAL, ":%d:%d: too many nodes (limit %d)", clamp_int(m->line + 1),
			clamp_int(m->column + 1), YAML_MAX_NODES);
		return NULL;
	}
	if (d->nall == d->capall) {
		d->capall = d->capall ? d->capall * 2 : 64;
		d->all = xrealloc(d->all, d->capall * sizeof(*d->all));
	}
	n = xcalloc(1, sizeof(*n));
	n->kind = kind;
	n->line = clamp_int(m->line + 1);
	n->col = clamp_int(m->column + 1);
	d->all[d->nall++] = n;
	return n;
}

/* Adds a node (new or aliased) to the open collection, or makes it the root. */
static void
node_attach(struct yparse *p, struct ynode *n)
{
	struct yframe *f;

	if (p->depth == 0) {
		if (p->doc->root == NULL)
			p->doc->root = n;
		return;
	}
	f = &p->stack[p->depth - 1];
	if (f->node->nitems == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 4;
		f->node->items = xrealloc(f->node->items, f->cap * sizeof(*f->node->items));
	}
	f->node->items[f->node->nitems++] = n;
}

static int
tag_is(const yaml_char_t *tag, const char *what)
{
	return tag != NULL && strcmp((const char *)tag, what) == 0;
}

static int
is_null_text(const char *s)
{
	return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	       strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

static int
on_scalar(struct yparse *p, const yaml_event_t *ev)
{
	const unsigned char *v = ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	const yaml_char_t *tag = ev->data.scalar.tag;
	struct ynode *n;

	/* "\0" in a double-quoted scalar would silently cut our C string: a
	 * truncated path or name must not be compared as if it were whole. */
	if (memchr(v, '\0', len) != NULL)
		return yp_fail(p, EINVAL, ":%d:%d: scalar contains a NUL character",
			       clamp_int(ev->start_mark.line + 1),
			       clamp_int(ev->start_mark.column + 1));
	n = node_new(p, YN_SCALAR, &ev->start_mark);
	if (n == NULL)
		return -1;
	n->scalar = xstrndup((const char *)v, len);
	/* An explicit !!str makes "true" a string just as quotes do. */
	n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || tag_is(tag, YAML_STR_TAG);
	n->is_null = (!n->quoted && is_null_text(n->scalar) && tag == NULL) ||
		     tag_is(tag, YAML_NULL_TAG);
	if (ev->data.scalar.anchor)
		anchor_set(&p->anchors, (const char *)ev->data.scalar.anchor, n);
	node_attach(p, n);
	return 0;
}

static int
on_collection_start(struct yparse *p, const yaml_event_t *ev, enum ynode_kind kind)
{
	const yaml_char_t *anchor =
		kind == YN_MAP ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
	struct ynode *n;

	if (p->depth >= YAML_MAX_DEPTH)
		return yp_fail(p, EINVAL, ":%d:%d: nesting deeper than %d levels",
			       clamp_int(ev->start_mark.line + 1),
			       clamp_int(ev->start_mark.column + 1), YAML_MAX_DEPTH);
	n = node_new(p, kind, &ev->start_mark);
	if (n == NULL)
		return -1;
	/* Registered before the content, as YAML says, so "&a [*a]" finds
	 * this node and on_alias can refuse it. */
	if (anchor)
		anchor_set(&p->anchors, (const char *)anchor, n);
	node_attach(p, n);
	p->stack[p->depth].node = n;
	p->stack[p->depth].cap = 0;
	p->depth++;
	return 0;
}

static int
on_alias(struct yparse *p, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	struct ynode *target = anchor_get(&p->anchors, name);
	int line = clamp_int(ev->start_mark.line + 1);
	int col = clamp_int(ev->start_mark.column + 1);
	char *shown;

	if (target == NULL) {
		shown = shown_key(name);
		yp_fail(p, EINVAL, ":%d:%d: alias *%s refers to an unknown anchor", line, col,
			shown);
		free(shown);
		return -1;
	}
	/* An alias inside its own anchored collection would make the tree
	 * cyclic; Go's yaml refuses it too ("value contains itself"). Keeping
	 * the tree acyclic lets every walker terminate. */
	for (int i = 0; i < p->depth; i++) {
		if (p->stack[i].node == target) {
			shown = shown_key(name);
			yp_fail(p, EINVAL, ":%d:%d: alias *%s refers to a node that contains it",
				line, col, shown);
			free(shown);
			return -1;
		}
	}
	node_attach(p, target);
	return 0;
}

struct keyref {
	const char *s;
	size_t idx;
};

static int
keyref_cmp(const void *a, const void *b)
{
	const struct keyref *x = a, *y = b;
	int c = strcmp(x->s, y->s);

	if (c != 0)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Strict decoding (as the kubelet does its config) refuses duplicate keys;
 * "last wins" would let a second key hide the one a reviewer reads. Sorting
 * keeps huge hostile mappings O(n log n). Non-scalar keys are not compared. */
static int
map_check_dups(struct yparse *p, const struct ynode *map)
{
	size_t npairs = map->nitems / 2, nk = 0, dup = SIZE_MAX, first = 0;
	struct keyref *k;
	const struct ynode *key;
	char *shown;

	if (npairs < 2)
		return 0;
	k = xmalloc(npairs * sizeof(*k));
	for (size_t i = 0; i < npairs; i++) {
		key = map->items[2 * i];
		if (key->kind == YN_SCALAR) {
			k[nk].s = key->scalar;
			k[nk].idx = i;
			nk++;
		}
	}
	qsort(k, nk, sizeof(*k), keyref_cmp);
	/* report the duplicate that comes first in the file */
	for (size_t i = 1; i < nk; i++) {
		if (strcmp(k[i - 1].s, k[i].s) == 0 && k[i].idx < dup &&
		    (i < 2 || strcmp(k[i - 2].s, k[i].s) != 0)) {
			dup = k[i].idx;
			first = k[i - 1].idx;
		}
	}
	free(k);
	if (dup == SIZE_MAX)
		return 0;
	key = map->items[2 * dup];
	shown = shown_key(key->scalar);
	yp_fail(p, EINVAL, ":%d:%d: duplicate key \"%s\" (first at line %d)", key->line, key->col,
		shown, map->items[2 * first]->line);
	free(shown);
	return -1;
}

static int
on_collection_end(struct yparse *p)
{
	struct yframe *f = &p->stack[--p->depth];

	if (f->node->kind == YN_MAP && map_check_dups(p, f->node) < 0)
		return -1;
	if (f->cap > f->node->nitems)
		f->node->items =
			xrealloc(f->node->items, f->node->nitems * sizeof(*f->node->items));
	return 0;
}

/* Returns 1 when the first document is complete, 0 to go on, -1 on error. */
static int
on_event(struct yparse *p, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return on_scalar(p, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_collection_start(p, ev, YN_SEQ);
	case YAML_MAPPING_START_EVENT:
		return on_collection_start(p, ev, YN_MAP);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return on_collection_end(p);
	case YAML_ALIAS_EVENT:
		return on_alias(p, ev);
	case YAML_DOCUMENT_END_EVENT:
	case YAML_STREAM_END_EVENT:
		return 1;
	default:
		return 0;
	}
}

static int
yp_run(struct yparse *p)
{
	yaml_event_t ev;
	int r = 0;

	while (r == 0) {
		if (!yaml_parser_parse(&p->parser, &ev))
			return yp_libyaml_error(p);
		r = on_event(p, &ev);
		yaml_event_delete(&ev);
	}
	return r < 0 ? -1 : 0;
}

struct ydoc *
yaml_parse_buf(const char *buf, size_t len, const char *name, char **err)
{
	struct yparse p = {0};
	struct ydoc *d = xcalloc(1, sizeof(*d));
	int ok;

	if (err)
		*err = NULL;
	p.name = name ? name : "<input>";
	p.buf = (const unsigned char *)(buf ? buf : "");
	p.len = buf ? len : 0;
	p.doc = d;
	d->path = xstrdup(p.name);
	if (!yaml_parser_initialize(&p.parser))
		fatalx("out of memory");
	yaml_parser_set_input_string(&p.parser, p.buf, p.len);
	ok = yp_run(&p) == 0;
	yaml_parser_delete(&p.parser);
	anchors_free(&p.anchors);
	/* "---" alone yields an empty plain scalar: that is an empty document */
	if (ok && d->root && d->root->kind == YN_SCALAR && !d->root->quoted &&
	    d->root->scalar[0] == '\0')
		d->root = NULL;
	if (!ok) {
		ydoc_free(d);
		d = NULL;
		if (err)
			*err = p.err;
		else
			free(p.err);
		errno = p.err_errno ? p.err_errno : EINVAL;
	}
	return d;
}

/* Reads at most YAML_MAX_FILE bytes; a longer file is EFBIG. */
static char *
read_limited(int fd, size_t *lenp)
{
	int more;
	char *buf = fd_read_max(fd, YAML_MAX_FILE, lenp, &more);

	if (buf && more) {
		free(buf);
		errno = EFBIG;
		return NULL;
	}
	return buf;
}

char *
yaml_read_fd(int fd, size_t *lenp, const char *name, char **err)
{
	char *buf, *shown;
	int saved;

	if (err)
		*err = NULL;
	buf = read_limited(fd, lenp);
	if (buf == NULL) {
		saved = errno;
		if (err) {
			shown = str_sanitize(name ? name : "<input>");
			if (saved == EFBIG)
				*err = xasprintf("%s: larger than %u MiB", shown,
						 YAML_MAX_FILE >> 20);
			else
				*err = xasprintf("%s: read: %s", shown, strerror(saved));
			free(shown);
		}
		errno = saved;
	}
	return buf;
}

struct ydoc *
yaml_parse_fd(int fd, const char *name, char **err)
{
	struct ydoc *d;
	size_t len = 0;
	char *buf;
	int saved;

	buf = yaml_read_fd(fd, &len, name, err);
	if (buf == NULL)
		return NULL;
	d = yaml_parse_buf(buf, len, name, err);
	saved = errno;
	free(buf);
	errno = saved;
	return d;
}

void
ydoc_free(struct ydoc *d)
{
	if (d == NULL)
		return;
	if (d->arena == NULL) {
		for (size_t i = 0; i < d->nall; i++) {
			free(d->all[i]->scalar);
			free(d->all[i]->items);
			free(d->all[i]);
		}
	}
	free(d->arena);
	free(d->all);
	free(d->path);
	free(d);
}

/* ---- lookups ---- */

/* Index of the pair whose scalar key equals key[0..len), or -1. */
static long
map_find(const struct ynode *map, const char *key, size_t len)
{
	if (map == NULL || map->kind != YN_MAP)
		return -1;
	for (size_t i = 0; i + 1 < map->nitems; i += 2) {
		const struct ynode *k = map->items[i];

		if (k->kind == YN_SCALAR && strlen(k->scalar) == len &&
		    memcmp(k->scalar, key, len) == 0)
			return (long)i;
	}
	return -1;
}

const struct ynode *
ynode_map_get(const struct ynode *map, const char *key)
{
	long i;

	if (key == NULL)
		return NULL;
	i = map_find(map, key, strlen(key));
	return i < 0 ? NULL : map->items[i + 1];
}

/* Walks every segment; *keyp gets the key node of the last one. Each step
 * consumes a segment, so this ends even on shared (aliased) subtrees. */
static const struct ynode *
lookup_path(const struct ynode *n, const char *dotted, const struct ynode **keyp)
{
	const char *seg = dotted, *dot;
	long i;

	*keyp = NULL;
	if (dotted == NULL)
		return NULL;
	for (;;) {
		dot = strchr(seg, '.');
		i = map_find(n, seg, dot ? (size_t)(dot - seg) : strlen(seg));
		if (i < 0)
			return NULL;
		*keyp = n->items[i];
		n = n->items[i + 1];
		if (dot == NULL)
			return n;
		seg = dot + 1;
	}
}

const struct ynode *
ynode_lookup(const struct ynode *n, const char *dotted)
{
	const struct ynode *key;

	return lookup_path(n, dotted, &key);
}

const struct ynode *
ynode_lookup_key(const struct ynode *n, const char *dotted)
{
	const struct ynode *key;

	return lookup_path(n, dotted, &key) ? key : NULL;
}
