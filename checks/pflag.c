/* pflag.c - command lines parsed the way the component itself parses them.
 *
 * PFLAG_GO_PFLAG follows spf13/pflag's parseArgs/parseLongArg as the
 * Kubernetes components configure it:
 *   - flags are interspersed with positionals; "--" ends flags;
 *   - flag names are normalized with component-base's WordSepNormalizeFunc
 *     ('_' becomes '-'), which cli.Run and the kubelet install, so
 *     "--anonymous_auth=false" is --anonymous-auth;
 *   - a single-dash argument ("-v", "-x=1") is kept as a positional: pflag
 *     shorthands are not modelled (no audited setting has one), so such an
 *     argument never consumes the next one;
 *   - "---x" and "--=x" (pflag's "bad flag syntax", the component would not
 *     start) are kept as positionals too.
 * PFLAG_GO_FLAG follows Go's flag.FlagSet.parseOne: one or two dashes, the
 * first non-flag argument ("-" and "" included) ends parsing and it and
 * everything after it are positionals; "--" ends flags and is dropped; bad
 * syntax ends parsing like a non-flag.
 *
 * In both dialects a value flag takes the next argument whatever it looks
 * like, a known bool never does, and a value flag last on the line gets
 * flag->error "flag needs an argument". Flags the type table does not know
 * (the component would reject them) are guessed at: "--f=v" is v, "--f x"
 * takes x when it does not start with '-', otherwise "--f" is "true"; they
 * are VT_STRING with known = 0.
 *
 * Effective values: scalars take the last occurrence; slices and arrays
 * accumulate (value.raw is then the occurrence values joined with ','); maps
 * merge per key, last assignment wins (value.raw is the merged "k=v,..." in
 * first-seen key order). An invalid value anywhere sets flag->error (first
 * error kept), since the component would have refused to start.
 *
 * Names, values and positionals are kept byte for byte (comparisons need
 * the real bytes); only flag_occ.text is sanitized for reports.
 *
 * Lookups during parsing use a hash table (flag names, and map keys while
 * merging), so 10,000 arguments stay linear.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pflag.h"

/* An open-addressing index over strings that are owned elsewhere and do not
 * move (heap strings stored in arrays that may be reallocated). */
struct hslot {
	const char *key; /* NULL: empty */
	size_t idx;
};

struct htab {
	struct hslot *s;
	size_t cap; /* power of two */
	size_t n;
};

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static long
htab_find(const struct htab *h, const char *key)
{
	if (h->cap == 0)
		return -1;
	for (size_t i = hash_str(key) & (h->cap - 1);; i = (i + 1) & (h->cap - 1)) {
		if (h->s[i].key == NULL)
			return -1;
		if (strcmp(h->s[i].key, key) == 0)
			return (long)h->s[i].idx;
	}
}

static void
htab_insert(struct hslot *slots, size_t cap, const char *key, size_t idx)
{
	size_t i = hash_str(key) & (cap - 1);

	while (slots[i].key)
		i = (i + 1) & (cap - 1);
	slots[i].key = key;
	slots[i].idx = idx;
}

/* key must not be present yet. */
static void
htab_put(struct htab *h, const char *key, size_t idx)
{
	if ((h->n + 1) * 2 > h->cap) {
		size_t ncap = h->cap ? h->cap * 2 : 16;
		struct hslot *ns = xcalloc(ncap, sizeof(*ns));

		for (size_t i = 0; i < h->cap; i++)
			if (h->s[i].key)
				htab_insert(ns, ncap, h->s[i].key, h->s[i].idx);
		free(h->s);
		h->s = ns;
		h->cap = ncap;
	}
	htab_insert(h->s, h->cap, key, idx);
	h->n++;
}

static void
htab_free(struct htab *h)
{
	free(h->s);
	memset(h, 0, sizeof(*h));
}

/* Per-flag parsing state, parallel to fs->flags. */
struct fstate {
	size_t occ_cap;
	struct htab mapkeys; /* VT_MAP: key -> index in value.list */
	struct sbuf raw;     /* VT_SLICE: occurrence values joined */
};

struct parser {
	struct flagset *fs;
	enum pflag_dialect dialect;
	pflag_type_fn typefn;
	void *arg;
	char *const *argv;
	size_t argc;
	struct htab names;
	struct fstate *st;
	size_t cap;
};

static const char *
arg_at(const struct parser *p, size_t i)
{
	return p->argv[i] ? p->argv[i] : "";
}

/* Error messages quote argv; keep them readable when a value is huge. */
static char *
quote_short(const char *s)
{
	size_t n = strlen(s);
	char *cut, *out;

	if (n <= 80)
		return str_sanitize(s);
	cut = xstrndup(s, 80);
	out = str_sanitize(cut);
	free(cut);
	cut = xasprintf("%s...", out);
	free(out);
	return cut;
}

static void
flag_set_error(struct flag *f, char *msg)
{
	if (f->error)
		free(msg);
	else
		f->error = msg;
}

static void
flag_set_invalid(struct parser *p, struct flag *f, const char *written, const char *val,
		 const char *why)
{
	char *q = quote_short(val), *n = quote_short(written);

	if (p->dialect == PFLAG_GO_FLAG)
		flag_set_error(f, xasprintf("invalid value \"%s\" for flag %s: %s", q, n, why));
	else
		flag_set_error(f,
			       xasprintf("invalid argument \"%s\" for \"%s\" flag: %s", q, n, why));
	free(q);
	free(n);
}

static size_t
flag_lookup_or_add(struct parser *p, char *name)
{
	struct flagset *fs = p->fs;
	long found = htab_find(&p->names, name);
	struct flag *f;
	enum vtype t = VT_STRING;
	int known;

	if (found >= 0) {
		free(name);
		return (size_t)found;
	}
	known = p->typefn && p->typefn(name, &t, p->arg) == 0;
	if (!known)
		t = VT_STRING;
	if (fs->nflags == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		fs->flags = xrealloc(fs->flags, p->cap * sizeof(*fs->flags));
		p->st = xrealloc(p->st, p->cap * sizeof(*p->st));
	}
	f = &fs->flags[fs->nflags];
	memset(f, 0, sizeof(*f));
	memset(&p->st[fs->nflags], 0, sizeof(p->st[0]));
	f->name = name;
	f->type = t;
	f->known = known;
	f->value.type = t;
	f->value.raw = xstrdup("");
	htab_put(&p->names, f->name, fs->nflags);
	return fs->nflags++;
}

static void
flag_add_occ(struct parser *p, size_t fi, size_t index, const char *text, const char *value)
{
	struct flag *f = &p->fs->flags[fi];
	struct fstate *st = &p->st[fi];
	struct flag_occ *o;

	if (f->nocc == st->occ_cap) {
		st->occ_cap = st->occ_cap ? st->occ_cap * 2 : 2;
		f->occ = xrealloc(f->occ, st->occ_cap * sizeof(*f->occ));
	}
	o = &f->occ[f->nocc++];
	o->index = index > INT32_MAX ? INT32_MAX : (int)index;
	o->text = str_sanitize(text);
	o->value = xstrdup(value);
}

static void
flag_merge_map(struct parser *p, size_t fi, const struct value *add)
{
	struct value *v = &p->fs->flags[fi].value;
	struct htab *keys = &p->st[fi].mapkeys;

	for (size_t k = 0; k < add->list.n && k < add->mapvals.n; k++) {
		long at = htab_find(keys, add->list.v[k]);

		if (at >= 0) {
			free(v->mapvals.v[at]);
			v->mapvals.v[at] = xstrdup(add->mapvals.v[k]);
			continue;
		}
		strv_push(&v->list, add->list.v[k]);
		strv_push(&v->mapvals, add->mapvals.v[k]);
		htab_put(keys, v->list.v[v->list.n - 1], v->list.n - 1);
	}
}

/* Gives one occurrence's value to the flag, as the component's Set would. */
static void
flag_apply(struct parser *p, size_t fi, const char *written, const char *val)
{
	struct flag *f = &p->fs->flags[fi];
	struct value tmp;
	const char *why = NULL, *err = NULL;
	struct strv parts = {0};

	switch (f->type) {
	case VT_SLICE:
		if (go_split_csv(val, &parts) < 0) {
			why = "invalid comma-separated list (CSV quoting)";
			break;
		}
		for (size_t k = 0; k < parts.n; k++)
			strv_push_take(&f->value.list, parts.v[k]);
		parts.n = 0;
		if (*val) {
			if (p->st[fi].raw.len)
				sbuf_addc(&p->st[fi].raw, ',');
			sbuf_add(&p->st[fi].raw, val);
		}
		break;
	case VT_ARRAY:
		strv_push(&f->value.list, val);
		break;
	case VT_MAP:
		/* piece by piece, so the valid pieces of a bad value still show */
		for (const char *c = val;; c++) {
			const char *comma = strchr(c, ',');
			char *piece = comma ? xstrndup(c, (size_t)(comma - c)) : xstrdup(c);

			if (value_parse(&tmp, VT_MAP, piece, &err) == 0) {
				flag_merge_map(p, fi, &tmp);
				value_free(&tmp);
			} else if (why == NULL) {
				why = err;
			}
			free(piece);
			if (!comma)
				break;
			c = comma;
		}
		break;
	default:
		value_free(&f->value);
		if (value_parse(&f->value, f->type, val, &err) < 0) {
			/* keep the text that was refused, to show it */
			why = err;
			f->value.type = f->type;
			f->value.raw = xstrdup(val);
		}
		break;
	}
	strv_free(&parts);
	if (why)
		flag_set_invalid(p, f, written, val, why);
}

/* One flag at argv[i], its name already split off; eqval is the text after
 * '=' or NULL. Returns the index of the last argument used. */
static size_t
flag_occurrence(struct parser *p, size_t i, char *name, const char *eqval)
{
	size_t fi = flag_lookup_or_add(p, name);
	struct flag *f = &p->fs->flags[fi];
	const char *s = arg_at(p, i);
	const char *val;
	char *text = NULL, *written;
	size_t last = i;

	if (eqval) {
		val = eqval;
	} else if (f->known && f->type == VT_BOOL) {
		val = "true"; /* a bool never takes the next argument */
	} else if (!f->known) {
		/* guess: the next argument is its value unless it looks like a flag */
		if (i + 1 < p->argc && arg_at(p, i + 1)[0] != '-')
			last = i + 1;
		val = last > i ? arg_at(p, last) : "true";
	} else if (i + 1 < p->argc) {
		last = i + 1; /* whatever it looks like, as pflag and flag do */
		val = arg_at(p, last);
	} else {
		char *n = quote_short(s);

		flag_add_occ(p, fi, i, s, "");
		flag_set_error(f, xasprintf("flag needs an argument: %s", n));
		free(n);
		return i;
	}
	if (last > i)
		text = xasprintf("%s %s", s, val);
	flag_add_occ(p, fi, i, text ? text : s, val);
	free(text);
	/* messages name the flag as written ("--name", "-name"), without "=v" */
	written = eqval ? xstrndup(s, (size_t)(eqval - 1 - s)) : xstrdup(s);
	flag_apply(p, fi, written, val);
	free(written);
	return last;
}

static void
positional_rest(struct parser *p, size_t from)
{
	for (size_t i = from; i < p->argc; i++)
		strv_push(&p->fs->positional, arg_at(p, i));
}

static char *
split_name(const char *name, const char **eqval, int normalize)
{
	const char *eq = strchr(name, '=');
	char *n = eq ? xstrndup(name, (size_t)(eq - name)) : xstrdup(name);

	*eqval = eq ? eq + 1 : NULL;
	if (normalize)
		for (char *c = n; *c; c++)
			if (*c == '_')
				*c = '-';
	return n;
}

static void
parse_pflag(struct parser *p)
{
	for (size_t i = 1; i < p->argc; i++) {
		const char *s = arg_at(p, i), *eqval;
		char *name;

		if (s[0] != '-' || s[1] == '\0' || s[1] != '-' || s[2] == '-' || s[2] == '=') {
			/* non-flag, "-", shorthand, or bad syntax ("---x", "--=x") */
			strv_push(&p->fs->positional, s);
			continue;
		}
		if (s[2] == '\0') {
			positional_rest(p, i + 1);
			return;
		}
		name = split_name(s + 2, &eqval, 1);
		i = flag_occurrence(p, i, name, eqval);
	}
}

static void
parse_goflag(struct parser *p)
{
	for (size_t i = 1; i < p->argc; i++) {
		const char *s = arg_at(p, i), *eqval;
		size_t dashes = 1;
		char *name;

		if (s[0] != '-' || s[1] == '\0') {
			positional_rest(p, i);
			return;
		}
		if (s[1] == '-') {
			dashes = 2;
			if (s[2] == '\0') {
				positional_rest(p, i + 1);
				return;
			}
		}
		if (s[dashes] == '-' || s[dashes] == '=') {
			/* "bad flag syntax": etcd would not start; stop like a non-flag */
			positional_rest(p, i);
			return;
		}
		name = split_name(s + dashes, &eqval, 0);
		i = flag_occurrence(p, i, name, eqval);
	}
}

static void
flags_finish(struct parser *p)
{
	struct flagset *fs = p->fs;

	for (size_t fi = 0; fi < fs->nflags; fi++) {
		struct flag *f = &fs->flags[fi];
		char *raw = NULL;

		switch (f->type) {
		case VT_SLICE:
			raw = sbuf_steal(&p->st[fi].raw);
			break;
		case VT_ARRAY:
			raw = strv_join(&f->value.list, ",");
			break;
		case VT_MAP: {
			struct sbuf b = {0};

			for (size_t k = 0; k < f->value.list.n; k++)
				sbuf_addf(&b, "%s%s=%s", k ? "," : "", f->value.list.v[k],
					  f->value.mapvals.v[k]);
			raw = sbuf_steal(&b);
			break;
		}
		default:
			break;
		}
		if (raw) {
			free(f->value.raw);
			f->value.raw = raw;
		}
		f->value.type = f->type;
		htab_free(&p->st[fi].mapkeys);
		sbuf_free(&p->st[fi].raw);
	}
	free(p->st);
	htab_free(&p->names);
}

int
pflag_parse(struct flagset *fs, enum pflag_dialect dialect, char *const *argv, size_t argc,
	    pflag_type_fn typefn, void *arg)
{
	struct parser p = {
		.fs = fs,
		.dialect = dialect,
		.typefn = typefn,
		.arg = arg,
		.argv = argv,
		.argc = argv ? argc : 0,
	};

	memset(fs, 0, sizeof(*fs));
	if (dialect == PFLAG_GO_FLAG)
		parse_goflag(&p);
	else
		parse_pflag(&p);
	flags_finish(&p);
	return 0;
}

const struct flag *
flagset_get(const struct flagset *fs, const char *name)
{
	for (size_t i = 0; fs && name && i < fs->nflags; i++)
		if (strcmp(fs->flags[i].name, name) == 0)
			return &fs->flags[i];
	return NULL;
}

void
flagset_free(struct flagset *fs)
{
	if (fs == NULL)
		return;
	for (size_t i = 0; i < fs->nflags; i++) {
		struct flag *f = &fs->flags[i];

		for (size_t k = 0; k < f->nocc; k++) {
			free(f->occ[k].text);
			free(f->occ[k].value);
		}
		free(f->occ);
		free(f->name);
		free(f->error);
		value_free(&f->value);
	}
	free(fs->flags);
	strv_free(&fs->positional);
	memset(fs, 0, sizeof(*fs));
}
