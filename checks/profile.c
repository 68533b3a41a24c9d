/* profile.c - loads components.yaml and a benchmark directory into the plain
 * data of profile.h, validating everything up front.
 *
 * A profile is trusted to describe checks, never to run anything, but it is
 * still input: every file and directory is opened without following links and
 * refused when someone other than root or the caller could have written it,
 * and every value is checked here so that the evaluator never meets a
 * malformed test. The first problem found ends the load with
 * "FILE:LINE:COL: message".
 *
 * Aliases in the YAML share nodes, so a small file can name the same subtree
 * millions of times. Everything copied out of the tree is therefore counted
 * against fixed budgets (nodes read, test nodes built, bytes copied).
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "profile.h"
#include "util.h"
#include "value.h"
#include "yamlcfg.h"
#include "ycache.h"

#define PROFILE_MAX_CHECKS 10000
#define PROFILE_MAX_TEST_DEPTH 32
#define PROFILE_MAX_BASE_DEPTH 8
#define PROFILE_MAX_FILES 1000 /* *.yaml files in one benchmark directory */
#define PROFILE_MAX_COMPS 64
#define PROFILE_MAX_NODES 2000000UL    /* YAML nodes read, every alias use counted */
#define PROFILE_MAX_TESTS 100000UL     /* test nodes built */
#define PROFILE_MAX_BYTES (64UL << 20) /* bytes of text copied out of the YAML */
#define REGEX_MAX_LEN 1024
#define REGEX_MAX_REPEAT 255   /* largest bound of an interval {m,n} */
#define REGEX_MAX_COST 10000UL /* product of all interval bounds */
#define SHOW_MAX 80	       /* longest quoted text in a message */

struct pos {
	const char *file;
	int line, col;
};

/* The checks of one benchmark level, with where each id was written. */
struct clist {
	struct check *v;
	struct pos *pos; /* only for the level being parsed */
	size_t n, cap;
};

struct lctx {
	const char *file; /* file being read, for messages (sanitized) */
	char *err;	  /* the first error */
	int err_errno;
	int pdfd; /* the profile directory */
	char *pdir_shown;
	struct profile *p;			       /* components, for validating checks */
	const char *stack[PROFILE_MAX_BASE_DEPTH + 2]; /* benchmarks being loaded */
	size_t nstack;
	unsigned long nodes, tests, bytes;
	size_t files, cached; /* YAML files read; of those, trees from their cache */
	char *shown[4];	      /* rotating buffers for qs() */
	unsigned shown_i;
};

/* ---- messages ---- */

/* Quotes user text for a message: sanitized (control characters and invalid
 * UTF-8 escaped) and shortened. Valid until three more calls. */
static const char *
qs(struct lctx *c, const char *s)
{
	char *t = str_sanitize(s ? s : "");
	unsigned i = c->shown_i++ % 4;

	if (strlen(t) > SHOW_MAX)
		strcpy(t + SHOW_MAX - 3, "...");
	free(c->shown[i]);
	c->shown[i] = t;
	return t;
}

static int lerr_va(struct lctx *c, int eno, const char *file, const struct ynode *n,
		   const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static int
lerr_va(struct lctx *c, int eno, const char *file, const struct ynode *n, const char *fmt,
	va_list ap)
{
	struct sbuf b = {0};

	if (c->err != NULL)
		return -1;
	if (n != NULL)
		sbuf_addf(&b, "%s:%d:%d: ", file, n->line, n->col);
	else
		sbuf_addf(&b, "%s: ", file);
	sbuf_vaddf(&b, fmt, ap);
	c->err = sbuf_steal(&b);
	c->err_errno = eno;
	return -1;
}

static int __attribute__((format(printf, 3, 4)))
lerr(struct lctx *c, const struct ynode *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lerr_va(c, EINVAL, c->file, n, fmt, ap);
	va_end(ap);
	return -1;
}

static int __attribute__((format(printf, 4, 5)))
lerr_file(struct lctx *c, int eno, const char *file, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lerr_va(c, eno, file, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

static int __attribute__((format(printf, 3, 4)))
lerr_pos(struct lctx *c, const struct pos *p, const char *fmt, ...)
{
	struct ynode n = {.line = p->line, .col = p->col};
	va_list ap;

	va_start(ap, fmt);
	lerr_va(c, EINVAL, p->file, &n, fmt, ap);
	va_end(ap);
	return -1;
}

static char *
join_names(const char *const *names)
{
	struct sbuf b = {0};

	for (size_t i = 0; names[i]; i++) {
		if (i)
			sbuf_add(&b, ", ");
		sbuf_add(&b, names[i]);
	}
	return sbuf_steal(&b);
}

static int
name_in(const char *s, const char *const *names)
{
	for (size_t i = 0; names[i]; i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

/* ---- budgets ---- */

static int
budget_nodes(struct lctx *c, const struct ynode *n, size_t k)
{
	c->nodes += k;
	if (c->nodes > PROFILE_MAX_NODES)
		return lerr(c, n,
			    "profile too large: more than %lu YAML nodes to read "
			    "(every use of an alias counts)",
			    PROFILE_MAX_NODES);
	return 0;
}

static int
cstr(struct lctx *c, const struct ynode *n, const char *s, char **out)
{
	size_t len = strlen(s);

	c->bytes += len + 1;
	if (c->bytes > PROFILE_MAX_BYTES)
		return lerr(c, n,
			    "profile too large: more than %lu MiB of text "
			    "(every use of an alias counts)",
			    PROFILE_MAX_BYTES >> 20);
	*out = xstrndup(s, len);
	return 0;
}

/* ---- typed access to YAML nodes ---- */

#define MAX_KEYS 32

/* Checks that m is a mapping whose keys are all in `keys` (NULL-terminated,
 * at most MAX_KEYS) and each appears once; vals[i] receives the value of
 * keys[i] or NULL. */
static int
map_fields(struct lctx *c, const struct ynode *m, const char *what, const char *const *keys,
	   const struct ynode **vals)
{
	const struct ynode *knodes[MAX_KEYS];
	size_t nk;

	for (nk = 0; keys[nk]; nk++) {
		vals[nk] = NULL;
		knodes[nk] = NULL;
	}
	if (m == NULL || m->kind != YN_MAP)
		return lerr(c, m, "%s must be a mapping", what);
	if (budget_nodes(c, m, m->nitems + 1) < 0)
		return -1;
	for (size_t i = 0; i + 1 < m->nitems; i += 2) {
		const struct ynode *k = m->items[i];
		int j;

		if (k->kind != YN_SCALAR || k->is_null)
			return lerr(c, k, "a key of %s must be a plain string", what);
		j = name_in(k->scalar, keys);
		if (j < 0) {
			char *allowed = join_names(keys);

			lerr(c, k, "unknown key '%s' in %s (allowed: %s)", qs(c, k->scalar), what,
			     allowed);
			free(allowed);
			return -1;
		}
		if (vals[j] != NULL)
			return lerr(c, k, "duplicate key '%s' in %s (first at line %d)", keys[j],
				    what, knodes[j]->line);
		vals[j] = m->items[i + 1];
		knodes[j] = k;
	}
	return 0;
}

static int
need(struct lctx *c, const struct ynode *m, const struct ynode *v, const char *key,
     const char *what)
{
	if (v == NULL)
		return lerr(c, m, "%s needs '%s'", what, key);
	return 0;
}

static int
want_scalar(struct lctx *c, const struct ynode *n, const char *what)
{
	if (n->kind != YN_SCALAR)
		return lerr(c, n, "%s must be a scalar, not a %s", what,
			    n->kind == YN_MAP ? "mapping" : "sequence");
	if (n->is_null)
		return lerr(c, n, "%s must not be null", what);
	return 0;
}

/* A scalar copied out; nonempty: "" is refused too. */
static int
get_str(struct lctx *c, const struct ynode *n, const char *what, int nonempty, char **out)
{
	if (want_scalar(c, n, what) < 0)
		return -1;
	if (nonempty && n->scalar[0] == '\0')
		return lerr(c, n, "%s must not be empty", what);
	return cstr(c, n, n->scalar, out);
}

/* YAML 1.2 core schema booleans only: yes/no/on/off are typos here, and a
 * quoted "true" is a string. */
static int
get_bool(struct lctx *c, const struct ynode *n, const char *what, int *out)
{
	static const char *const t[] = {"true", "True", "TRUE", NULL};
	static const char *const f[] = {"false", "False", "FALSE", NULL};

	if (n->kind == YN_SCALAR && !n->quoted && !n->is_null) {
		if (name_in(n->scalar, t) >= 0) {
			*out = 1;
			return 0;
		}
		if (name_in(n->scalar, f) >= 0) {
			*out = 0;
			return 0;
		}
	}
	return lerr(c, n, "%s must be true or false", what);
}

/* A sequence of scalars. */
static int
get_strv(struct lctx *c, const struct ynode *n, const char *what, int nonempty, struct strv *out)
{
	if (n->kind != YN_SEQ)
		return lerr(c, n, "%s must be a sequence", what);
	if (nonempty && n->nitems == 0)
		return lerr(c, n, "%s must not be empty", what);
	if (budget_nodes(c, n, n->nitems + 1) < 0)
		return -1;
	for (size_t i = 0; i < n->nitems; i++) {
		char item[64];
		char *s;

		snprintf(item, sizeof(item), "an item of %s", what);
		if (get_str(c, n->items[i], item, 1, &s) < 0)
			return -1;
		strv_push_take(out, s);
	}
	return 0;
}

static int
str_in(struct lctx *c, const struct ynode *n, const char *what, const char *const *allowed,
       char **out)
{
	char *s;

	if (get_str(c, n, what, 0, &s) < 0)
		return -1;
	if (name_in(s, allowed) < 0) {
		char *a = join_names(allowed);

		lerr(c, n, "invalid %s '%s' (allowed: %s)", what, qs(c, s), a);
		free(a);
		free(s);
		return -1;
	}
	*out = s;
	return 0;
}

/* Names of things (components, flags, settings, users): printable ASCII
 * without spaces or slashes. */
static int
valid_name(const char *s, const char *extra)
{
	if (*s == '\0' || *s == '-' || *s == '.')
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && strchr("._-", *s) == NULL &&
		    (extra == NULL || strchr(extra, *s) == NULL))
			return 0;
	return 1;
}

static int
get_name(struct lctx *c, const struct ynode *n, const char *what, const char *extra, char **out)
{
	if (want_scalar(c, n, what) < 0)
		return -1;
	if (!valid_name(n->scalar, extra))
		return lerr(c, n, "invalid %s '%s' (letters, digits, '.', '_' and '-' only)", what,
			    qs(c, n->scalar));
	return cstr(c, n, n->scalar, out);
}

/* ---- components.yaml ---- */

static const char *const comp_targets[] = {"master", "etcd", "node", NULL};
static const char *const roles[] = {"control-plane", "etcd", "worker", NULL};
static const char *const parsers[] = {"pflag", "goflag", NULL};
static const char *const models[] = {"flags", "kubelet", "configfile", "etcd", NULL};
static const char *const derived_kinds[] = {"admission-plugins", "authorization-modes",
					    "apiserver-anonymous", NULL};
static const char *const reserved_comps[] = {"(files)", "cluster", NULL};

/* Flags and derived settings are kept sorted by name: a component may have
 * hundreds, and every setting a test names is looked up. */
static int
flagdef_cmp(const void *a, const void *b)
{
	return strcmp(((const struct flagdef *)a)->name, ((const struct flagdef *)b)->name);
}

static int
deriveddef_cmp(const void *a, const void *b)
{
	return strcmp(((const struct deriveddef *)a)->name, ((const struct deriveddef *)b)->name);
}

const struct flagdef *
compdef_flag(const struct compdef *c, const char *name)
{
	struct flagdef key = {.name = (char *)name};

	if (c == NULL || name == NULL || c->nflags == 0)
		return NULL;
	return bsearch(&key, c->flags, c->nflags, sizeof(*c->flags), flagdef_cmp);
}

const struct deriveddef *
compdef_derived(const struct compdef *c, const char *name)
{
	struct deriveddef key = {.name = (char *)name};

	if (c == NULL || name == NULL || c->nderived == 0)
		return NULL;
	return bsearch(&key, c->derived, c->nderived, sizeof(*c->derived), deriveddef_cmp);
}

static void
flagdef_clear(struct flagdef *f)
{
	free(f->name);
	free(f->key);
	free(f->env);
	free(f->def);
	free(f->def_config);
	free(f->def_note);
}

static void
compdef_clear(struct compdef *cd)
{
	free(cd->name);
	strv_free(&cd->names);
	free(cd->target);
	free(cd->role);
	free(cd->config_flag);
	free(cd->config_dir_flag);
	free(cd->config_env);
	for (size_t i = 0; i < cd->nflags; i++)
		flagdef_clear(&cd->flags[i]);
	free(cd->flags);
	for (size_t i = 0; i < cd->nderived; i++) {
		free(cd->derived[i].name);
		free(cd->derived[i].flag);
		free(cd->derived[i].flag2);
		free(cd->derived[i].flag3);
		strv_free(&cd->derived[i].defaults);
	}
	free(cd->derived);
}

static int
valid_env(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

/* A dotted config key: no empty segment. */
static int
valid_key(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || s[0] == '.' || s[len - 1] == '.' || strstr(s, "..") != NULL)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return 0;
	return 1;
}

/* Every flag of a component, in file order, for duplicate detection. */
struct named {
	const char *name;
	const struct ynode *n;
	size_t order;
};

static int
named_cmp(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	if (r != 0)
		return r;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Reports the second occurrence of any name. */
static int
dup_names(struct lctx *c, struct named *v, size_t n, const char *what)
{
	qsort(v, n, sizeof(*v), named_cmp);
	for (size_t i = 1; i < n; i++)
		if (strcmp(v[i - 1].name, v[i].name) == 0)
			return lerr(c, v[i].n, "duplicate %s '%s' (first at line %d)", what,
				    qs(c, v[i].name), v[i - 1].n->line);
	return 0;
}

/* A default refers to other settings as ${name}; each must be a flag. */
static int
check_refs(struct lctx *c, const struct ynode *n, const struct compdef *cd, const char *s)
{
	const char *p = s;

	while ((p = strstr(p, "${")) != NULL) {
		const char *end = strchr(p, '}');
		char *name;
		int ok;

		if (end == NULL)
			return lerr(c, n, "unterminated '${' in default '%s'", qs(c, s));
		name = xstrndup(p + 2, (size_t)(end - p - 2));
		ok = compdef_flag(cd, name) != NULL;
		if (!ok)
			lerr(c, n, "default '%s' refers to '%s', which is not a flag of %s",
			     qs(c, s), qs(c, name), qs(c, cd->name));
		free(name);
		if (!ok)
			return -1;
		p = end + 1;
	}
	return 0;
}

static int
check_default(struct lctx *c, const struct ynode *n, const struct compdef *cd,
	      const struct flagdef *f, const char *def)
{
	struct value v = {0};
	const char *msg = NULL;
	int r;

	if (strstr(def, "${") != NULL)
		return check_refs(c, n, cd, def);
	r = value_parse(&v, f->type, def, &msg);
	value_free(&v);
	if (r < 0)
		return lerr(c, n, "default '%s' of flag %s is not a valid %s: %s", qs(c, def),
			    qs(c, f->name), vtype_name(f->type), msg ? msg : "invalid value");
	return 0;
}

enum { FK_TYPE, FK_KEY, FK_ENV, FK_DEFAULT, FK_DEFCONFIG, FK_NOTE, FK_WITHCONFIG, FK_PATH };
static const char *const flag_keys[] = {
	"type",		"key",	       "env",  "default", "default_config",
	"default_note", "with_config", "path", NULL};

static int
flagdef_parse(struct lctx *c, struct compdef *cd, const struct ynode *kn, const struct ynode *m,
	      struct flagdef *f)
{
	const struct ynode *v[MAX_KEYS];
	char *t = NULL;
	int r;

	if (get_name(c, kn, "flag name", NULL, &f->name) < 0)
		return -1;
	if (map_fields(c, m, "a flag definition", flag_keys, v) < 0 ||
	    need(c, m, v[FK_TYPE], "type", "a flag definition") < 0)
		return -1;
	if (get_str(c, v[FK_TYPE], "type", 1, &t) < 0)
		return -1;
	r = vtype_from_name(t, &f->type);
	if (r < 0)
		lerr(c, v[FK_TYPE],
		     "invalid type '%s' (allowed: string, bool, int, duration, "
		     "slice, array, map, float)",
		     qs(c, t));
	free(t);
	if (r < 0)
		return -1;
	if (v[FK_KEY]) {
		if (cd->model == MODEL_FLAGS)
			return lerr(c, v[FK_KEY], "key: the flags model reads no config file");
		if (get_str(c, v[FK_KEY], "key", 1, &f->key) < 0)
			return -1;
		if (!valid_key(f->key))
			return lerr(c, v[FK_KEY], "invalid config key '%s'", qs(c, f->key));
	}
	if (v[FK_ENV]) {
		if (cd->model != MODEL_ETCD)
			return lerr(c, v[FK_ENV], "env: only the etcd model reads the environment");
		if (get_str(c, v[FK_ENV], "env", 1, &f->env) < 0)
			return -1;
		if (!valid_env(f->env))
			return lerr(c, v[FK_ENV], "invalid environment variable name '%s'",
				    qs(c, f->env));
	}
	if (v[FK_DEFAULT] && get_str(c, v[FK_DEFAULT], "default", 0, &f->def) < 0)
		return -1;
	if (v[FK_DEFCONFIG]) {
		if (cd->model != MODEL_KUBELET)
			return lerr(c, v[FK_DEFCONFIG],
				    "default_config: only for the kubelet model");
		if (get_str(c, v[FK_DEFCONFIG], "default_config", 0, &f->def_config) < 0)
			return -1;
	}
	if (v[FK_NOTE] && get_str(c, v[FK_NOTE], "default_note", 1, &f->def_note) < 0)
		return -1;
	if (v[FK_WITHCONFIG]) {
		if (cd->model != MODEL_CONFIGFILE)
			return lerr(c, v[FK_WITHCONFIG],
				    "with_config: only for the configfile model");
		if (get_bool(c, v[FK_WITHCONFIG], "with_config", &f->with_config) < 0)
			return -1;
	}
	if (v[FK_PATH]) {
		if (get_bool(c, v[FK_PATH], "path", &f->is_path) < 0)
			return -1;
		if (f->is_path && f->type != VT_STRING && f->type != VT_ARRAY &&
		    f->type != VT_SLICE)
			return lerr(
				c, v[FK_PATH],
				"path: true needs a flag of type string, array or slice, not %s",
				vtype_name(f->type));
	}
	return 0;
}

/* Defaults may name other flags, so they are checked once all are known
 * (and sorted), in file order for the messages. */
static int
flagdefs_check(struct lctx *c, struct compdef *cd, const struct ynode *flags)
{
	for (size_t i = 0; i + 1 < flags->nitems; i += 2) {
		const struct ynode *m = flags->items[i + 1];
		const struct flagdef *f = compdef_flag(cd, flags->items[i]->scalar);

		if (f->def && check_default(c, ynode_map_get(m, "default"), cd, f, f->def) < 0)
			return -1;
		if (f->def_config &&
		    check_default(c, ynode_map_get(m, "default_config"), cd, f, f->def_config) < 0)
			return -1;
	}
	return 0;
}

static int
flagdefs_parse(struct lctx *c, struct compdef *cd, const struct ynode *flags)
{
	struct named *nv;
	int r = -1;

	if (flags->kind != YN_MAP)
		return lerr(c, flags, "flags must be a mapping of flag names");
	if (budget_nodes(c, flags, flags->nitems) < 0)
		return -1;
	cd->flags = xcalloc(flags->nitems / 2 + 1, sizeof(*cd->flags));
	nv = xcalloc(flags->nitems / 2 + 1, sizeof(*nv));
	for (size_t i = 0; i + 1 < flags->nitems; i += 2) {
		struct flagdef *f = &cd->flags[cd->nflags++];

		if (flagdef_parse(c, cd, flags->items[i], flags->items[i + 1], f) < 0)
			goto out;
		nv[i / 2] = (struct named){f->name, flags->items[i], i};
	}
	if (dup_names(c, nv, cd->nflags, "flag") < 0)
		goto out;
	qsort(cd->flags, cd->nflags, sizeof(*cd->flags), flagdef_cmp);
	if (flagdefs_check(c, cd, flags) < 0)
		goto out;
	r = 0;
out:
	free(nv);
	return r;
}

/* A flag named by a derived setting or a config_*_flag, of the right type. */
static int
ref_flag(struct lctx *c, const struct ynode *n, const struct compdef *cd, const char *what,
	 const char *const *types, char **out)
{
	const struct flagdef *f;

	if (get_str(c, n, what, 1, out) < 0)
		return -1;
	f = compdef_flag(cd, *out);
	if (f == NULL)
		return lerr(c, n, "%s '%s' is not a flag of %s", what, qs(c, *out),
			    qs(c, cd->name));
	if (types != NULL && name_in(vtype_name(f->type), types) < 0) {
		char *a = join_names(types);

		lerr(c, n, "%s '%s' has type %s (needs %s)", what, qs(c, *out), vtype_name(f->type),
		     a);
		free(a);
		return -1;
	}
	return 0;
}

enum { DK_KIND, DK_FLAG, DK_FLAG2, DK_FLAG3, DK_DEFAULTS };
static const char *const derived_keys[] = {"kind", "flag", "flag2", "flag3", "defaults", NULL};

static int
deriveddef_parse(struct lctx *c, struct compdef *cd, const struct ynode *kn, const struct ynode *m,
		 struct deriveddef *d)
{
	static const char *const lists[] = {"slice", "array", NULL};
	static const char *const bools[] = {"bool", NULL};
	static const char *const strs[] = {"string", NULL};
	const struct ynode *v[MAX_KEYS];
	char *kind = NULL;
	int k;

	if (get_name(c, kn, "derived setting name", NULL, &d->name) < 0)
		return -1;
	if (compdef_flag(cd, d->name) != NULL)
		return lerr(c, kn, "derived setting '%s' has the name of a flag", qs(c, d->name));
	if (map_fields(c, m, "a derived setting", derived_keys, v) < 0 ||
	    need(c, m, v[DK_KIND], "kind", "a derived setting") < 0 ||
	    need(c, m, v[DK_FLAG], "flag", "a derived setting") < 0)
		return -1;
	if (str_in(c, v[DK_KIND], "derived kind", derived_kinds, &kind) < 0)
		return -1;
	k = name_in(kind, derived_kinds);
	free(kind);
	d->kind = k == 0   ? DERIVED_ADMISSION_PLUGINS
		  : k == 1 ? DERIVED_AUTHZ_MODES
			   : DERIVED_APISERVER_ANONYMOUS;
	switch (d->kind) {
	case DERIVED_ADMISSION_PLUGINS:
		if (need(c, m, v[DK_FLAG2], "flag2", "an admission-plugins setting") < 0 ||
		    ref_flag(c, v[DK_FLAG], cd, "flag", lists, &d->flag) < 0 ||
		    ref_flag(c, v[DK_FLAG2], cd, "flag2", lists, &d->flag2) < 0)
			return -1;
		if (v[DK_FLAG3] && ref_flag(c, v[DK_FLAG3], cd, "flag3", lists, &d->flag3) < 0)
			return -1;
		break;
	case DERIVED_AUTHZ_MODES:
		if (ref_flag(c, v[DK_FLAG], cd, "flag", lists, &d->flag) < 0)
			return -1;
		if (v[DK_FLAG2] && ref_flag(c, v[DK_FLAG2], cd, "flag2", strs, &d->flag2) < 0)
			return -1;
		if (v[DK_FLAG3])
			return lerr(c, v[DK_FLAG3], "flag3: only for admission-plugins");
		break;
	case DERIVED_APISERVER_ANONYMOUS:
		if (ref_flag(c, v[DK_FLAG], cd, "flag", bools, &d->flag) < 0)
			return -1;
		if (v[DK_FLAG2] && ref_flag(c, v[DK_FLAG2], cd, "flag2", strs, &d->flag2) < 0)
			return -1;
		if (v[DK_FLAG3])
			return lerr(c, v[DK_FLAG3], "flag3: only for admission-plugins");
		if (v[DK_DEFAULTS])
			return lerr(c, v[DK_DEFAULTS],
				    "defaults: an apiserver-anonymous setting "
				    "takes its default from its flag");
		break;
	}
	if (v[DK_DEFAULTS] && get_strv(c, v[DK_DEFAULTS], "defaults", 0, &d->defaults) < 0)
		return -1;
	return 0;
}

static int
derived_parse(struct lctx *c, struct compdef *cd, const struct ynode *m)
{
	struct named *nv;
	int r = -1;

	if (m->kind != YN_MAP)
		return lerr(c, m, "derived must be a mapping of setting names");
	if (budget_nodes(c, m, m->nitems) < 0)
		return -1;
	cd->derived = xcalloc(m->nitems / 2 + 1, sizeof(*cd->derived));
	nv = xcalloc(m->nitems / 2 + 1, sizeof(*nv));
	for (size_t i = 0; i + 1 < m->nitems; i += 2) {
		struct deriveddef *d = &cd->derived[cd->nderived++];

		if (deriveddef_parse(c, cd, m->items[i], m->items[i + 1], d) < 0)
			goto out;
		nv[i / 2] = (struct named){d->name, m->items[i], i};
	}
	r = dup_names(c, nv, cd->nderived, "derived setting");
	if (r == 0)
		qsort(cd->derived, cd->nderived, sizeof(*cd->derived), deriveddef_cmp);
out:
	free(nv);
	return r;
}

enum {
	CK_NAME,
	CK_NAMES,
	CK_TARGET,
	CK_ROLE,
	CK_PARSER,
	CK_MODEL,
	CK_CONFIG_FLAG,
	CK_CONFIG_DIR_FLAG,
	CK_CONFIG_ENV,
	CK_FLAGS,
	CK_DERIVED
};
static const char *const comp_keys[] = {"name",	      "names", "target",      "role",
					"parser",     "model", "config_flag", "config_dir_flag",
					"config_env", "flags", "derived",     NULL};

static int
compdef_parse(struct lctx *c, const struct ynode *m, struct compdef *cd)
{
	static const char *const strs[] = {"string", NULL};
	const struct ynode *v[MAX_KEYS];
	char *s = NULL;

	if (map_fields(c, m, "a component", comp_keys, v) < 0)
		return -1;
	for (int k = CK_NAME; k <= CK_MODEL; k++)
		if (k != CK_NAMES && k != CK_ROLE &&
		    need(c, m, v[k], comp_keys[k], "a component") < 0)
			return -1;
	if (get_name(c, v[CK_NAME], "component name", NULL, &cd->name) < 0)
		return -1;
	if (name_in(cd->name, reserved_comps) >= 0)
		return lerr(c, v[CK_NAME], "'%s' is reserved and cannot name a component",
			    cd->name);
	if (v[CK_NAMES]) {
		if (get_strv(c, v[CK_NAMES], "names", 1, &cd->names) < 0)
			return -1;
		for (size_t i = 0; i < cd->names.n; i++)
			if (strchr(cd->names.v[i], '/') != NULL)
				return lerr(c, v[CK_NAMES]->items[i], "a process name has no '/'");
	} else {
		strv_push(&cd->names, cd->name);
	}
	if (str_in(c, v[CK_TARGET], "component target", comp_targets, &cd->target) < 0)
		return -1;
	if (v[CK_ROLE] && str_in(c, v[CK_ROLE], "role", roles, &cd->role) < 0)
		return -1;
	if (str_in(c, v[CK_PARSER], "parser", parsers, &s) < 0)
		return -1;
	cd->dialect = strcmp(s, "goflag") == 0 ? PFLAG_GO_FLAG : PFLAG_GO_PFLAG;
	free(s);
	if (str_in(c, v[CK_MODEL], "model", models, &s) < 0)
		return -1;
	cd->model = (enum comp_model)name_in(s, models);
	free(s);

	if (v[CK_FLAGS] && flagdefs_parse(c, cd, v[CK_FLAGS]) < 0)
		return -1;
	if (v[CK_DERIVED] && derived_parse(c, cd, v[CK_DERIVED]) < 0)
		return -1;

	if (cd->model == MODEL_FLAGS) {
		if (v[CK_CONFIG_FLAG])
			return lerr(c, v[CK_CONFIG_FLAG],
				    "config_flag: the flags model reads no "
				    "config file");
	} else {
		if (need(c, m, v[CK_CONFIG_FLAG], "config_flag", "a component of this model") < 0 ||
		    ref_flag(c, v[CK_CONFIG_FLAG], cd, "config_flag", strs, &cd->config_flag) < 0)
			return -1;
	}
	if (v[CK_CONFIG_DIR_FLAG]) {
		if (cd->model != MODEL_KUBELET)
			return lerr(c, v[CK_CONFIG_DIR_FLAG],
				    "config_dir_flag: only for the kubelet "
				    "model");
		if (ref_flag(c, v[CK_CONFIG_DIR_FLAG], cd, "config_dir_flag", strs,
			     &cd->config_dir_flag) < 0)
			return -1;
	}
	if (v[CK_CONFIG_ENV]) {
		if (cd->model != MODEL_ETCD)
			return lerr(c, v[CK_CONFIG_ENV], "config_env: only for the etcd model");
		if (get_str(c, v[CK_CONFIG_ENV], "config_env", 1, &cd->config_env) < 0)
			return -1;
		if (!valid_env(cd->config_env))
			return lerr(c, v[CK_CONFIG_ENV], "invalid environment variable name '%s'",
				    qs(c, cd->config_env));
	}
	return 0;
}

/* No two components may share a name or a process name. */
static int
comps_unique(struct lctx *c, const struct ynode *seq)
{
	struct profile *p = c->p;
	struct named *nv;
	size_t n = 0, cap = 0;
	int r;

	for (size_t i = 0; i < p->ncomps; i++)
		cap += 1 + p->comps[i].names.n;
	nv = xcalloc(cap + 1, sizeof(*nv));
	for (size_t i = 0; i < p->ncomps; i++) {
		const struct ynode *m = seq->items[i];
		const struct ynode *nn = ynode_map_get(m, "name");

		nv[n] = (struct named){p->comps[i].name, nn, n};
		n++;
	}
	r = dup_names(c, nv, n, "component");
	if (r == 0) {
		n = 0;
		for (size_t i = 0; i < p->ncomps; i++) {
			const struct ynode *names = ynode_map_get(seq->items[i], "names");

			for (size_t j = 0; j < p->comps[i].names.n; j++) {
				const struct ynode *at = names ? names->items[j] : seq->items[i];

				nv[n] = (struct named){p->comps[i].names.v[j], at, n};
				n++;
			}
		}
		r = dup_names(c, nv, n, "process name");
	}
	free(nv);
	return r;
}

static int
comps_parse(struct lctx *c, const struct ydoc *doc)
{
	static const char *const top_keys[] = {"components", NULL};
	const struct ynode *v[MAX_KEYS];
	const struct ynode *seq;
	struct profile *p = c->p;

	if (doc->root == NULL)
		return lerr(c, NULL, "empty file: expected a mapping with 'components:'");
	if (map_fields(c, doc->root, "components.yaml", top_keys, v) < 0 ||
	    need(c, doc->root, v[0], "components", "components.yaml") < 0)
		return -1;
	seq = v[0];
	if (seq->kind != YN_SEQ)
		return lerr(c, seq, "components must be a sequence");
	if (seq->nitems == 0)
		return lerr(c, seq, "components must not be empty");
	if (seq->nitems > PROFILE_MAX_COMPS)
		return lerr(c, seq, "more than %d components", PROFILE_MAX_COMPS);
	if (budget_nodes(c, seq, seq->nitems) < 0)
		return -1;
	p->comps = xcalloc(seq->nitems, sizeof(*p->comps));
	for (size_t i = 0; i < seq->nitems; i++) {
		p->ncomps++;
		if (compdef_parse(c, seq->items[i], &p->comps[i]) < 0)
			return -1;
	}
	return comps_unique(c, seq);
}

const struct compdef *
profile_comp(const struct profile *p, const char *name)
{
	int i = profile_comp_index(p, name);

	return i < 0 ? NULL : &p->comps[i];
}

int
profile_comp_index(const struct profile *p, const char *name)
{
	for (size_t i = 0; p != NULL && name != NULL && i < p->ncomps; i++)
		if (strcmp(p->comps[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* ---- tests ---- */

static const char *const op_names[OP__COUNT + 1] = {
	/* NULL-terminated */
	[OP_PRESENT] = "present",
	[OP_ABSENT] = "absent",
	[OP_NONEMPTY] = "nonempty",
	[OP_EMPTY] = "empty",
	[OP_EQ] = "eq",
	[OP_NE] = "ne",
	[OP_IN] = "in",
	[OP_HAS] = "has",
	[OP_LACKS] = "lacks",
	[OP_SUBSET] = "subset",
	[OP_GT] = "gt",
	[OP_GE] = "ge",
	[OP_LT] = "lt",
	[OP_LE] = "le",
	[OP_REGEX] = "regex",
	[OP_LOOPBACK] = "loopback",
	[OP__COUNT] = NULL,
};

const char *
test_op_name(enum test_op op)
{
	if ((unsigned)op >= OP__COUNT)
		return "?";
	return op_names[op];
}

static const char *const builtin_names[] = {"encryption-secrets",   "admission-config-has",
					    "audit-policy-minimal", "audit-policy-coverage",
					    "etcd-ca-unique",	    "etcd-single-member",
					    "static-pods",	    NULL};
static const char *const encryption_providers[] = {"aescbc", "aesgcm", "secretbox", "kms", NULL};
static const char *const static_pod_fields[] = {"privileged",
						"hostPID",
						"hostIPC",
						"hostNetwork",
						"allowPrivilegeEscalation",
						"runAsRoot",
						"NET_RAW",
						"capabilities",
						"hostPath",
						"hostPort",
						"seccomp",
						"securityContext",
						NULL};

static void
filesel_clear(struct filesel *f)
{
	free(f->path);
	free(f->setting);
	free(f->component);
	free(f->def);
	free(f->join);
	free(f->glob);
	free(f->units);
}

static void
test_free(struct test *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nsub; i++)
		test_free(t->sub[i]);
	free(t->sub);
	free(t->component);
	free(t->setting);
	free(t->key);
	free(t->value);
	strv_free(&t->values);
	if (t->has_re)
		regfree(&t->re);
	for (size_t i = 0; i < t->nfiles; i++)
		filesel_clear(&t->files[i]);
	free(t->files);
	free(t->user);
	free(t->group);
	free(t->builtin);
	strv_free(&t->args);
	free(t);
}

enum {
	TK_ALL,
	TK_ANY,
	TK_NOT,
	TK_SETTING,
	TK_COMPONENT,
	TK_KEY,
	TK_OP,
	TK_VALUE,
	TK_VALUES,
	TK_FILE,
	TK_FILES,
	TK_MODE,
	TK_OWNER,
	TK_BUILTIN,
	TK_ARGS
};
static const char *const test_keys[] = {
	"all",	  "any",  "not",   "setting",  "component", "key",     "op",   "value",
	"values", "file", "files", "mode_max", "owner",	    "builtin", "args", NULL};
#define TB(k) (1u << (k))
/* The keys each kind of test may have, besides the one that names it. */
static const unsigned kind_keys[] = {
	[T_ALL] = TB(TK_ALL),
	[T_ANY] = TB(TK_ANY),
	[T_NOT] = TB(TK_NOT),
	[T_SETTING] = TB(TK_SETTING) | TB(TK_COMPONENT) | TB(TK_KEY) | TB(TK_OP) | TB(TK_VALUE) |
		      TB(TK_VALUES),
	[T_FILE] = TB(TK_FILE) | TB(TK_FILES) | TB(TK_MODE) | TB(TK_OWNER),
	[T_BUILTIN] = TB(TK_BUILTIN) | TB(TK_ARGS),
};
static const char *const kind_names[] = {
	[T_ALL] = "an all",	   [T_ANY] = "an any",	[T_NOT] = "a not",
	[T_SETTING] = "a setting", [T_FILE] = "a file", [T_BUILTIN] = "a builtin",
};

/* What the loader needs to know about the check a test belongs to. */
struct tctx {
	const struct check *chk;
	int depth;
};

/* The component a setting or FILESEL names: explicit, else the check's. */
static int
resolve_comp(struct lctx *c, const struct ynode *m, const struct ynode *compn,
	     const struct check *chk, const char *what, char **name, const struct compdef **out)
{
	const char *cname;

	if (compn != NULL) {
		if (get_str(c, compn, "component", 1, name) < 0)
			return -1;
		cname = *name;
		*out = profile_comp(c->p, cname);
		if (*out == NULL)
			return lerr(c, compn, "unknown component '%s' in %s", qs(c, cname), what);
		return 0;
	}
	cname = chk->component;
	*out = profile_comp(c->p, cname);
	if (*out == NULL)
		return lerr(c, m, "%s in a '%s' check must name a component", what, qs(c, cname));
	return 0;
}

/* The type of a setting: a flag's, or a derived setting's (lists and a bool). */
static int
setting_type(const struct compdef *cd, const char *name, enum vtype *t)
{
	const struct flagdef *f = compdef_flag(cd, name);
	const struct deriveddef *d;

	if (f != NULL) {
		*t = f->type;
		return 0;
	}
	d = compdef_derived(cd, name);
	if (d == NULL)
		return -1;
	*t = d->kind == DERIVED_APISERVER_ANONYMOUS ? VT_BOOL : VT_SLICE;
	return 0;
}

static int
is_list_type(enum vtype t)
{
	return t == VT_SLICE || t == VT_ARRAY || t == VT_MAP;
}

/* A value an operator compares with must be valid for the setting's type. */
static int
check_operand(struct lctx *c, const struct ynode *n, enum vtype t, const char *setting,
	      const char *val)
{
	struct value v = {0};
	const char *msg = NULL;
	int r;

	r = value_parse(&v, t, val, &msg);
	value_free(&v);
	if (r < 0)
		return lerr(c, n, "value '%s' is not a valid %s for setting %s: %s", qs(c, val),
			    vtype_name(t), qs(c, setting), msg ? msg : "invalid value");
	return 0;
}

/* glibc's regcomp unrolls interval expressions, so nested {m,n} bounds
 * multiply into memory and time; a bounded product keeps hostile patterns
 * cheap. Counted without regard to nesting, which only errs on the safe
 * side. */
static int
regex_cost_ok(const char *re)
{
	unsigned long cost = 1;

	for (const char *p = re; *p; p++) {
		unsigned long m = 0, n;

		if (*p == '\\' && p[1] != '\0') {
			/* back-references make matching exponential */
			if (isdigit((unsigned char)p[1]))
				return 0;
			p++;
			continue;
		}
		if (*p != '{' || !isdigit((unsigned char)p[1]))
			continue;
		for (p++; isdigit((unsigned char)*p) && m <= REGEX_MAX_REPEAT; p++)
			m = m * 10 + (unsigned long)(*p - '0');
		n = m;
		if (*p == ',') {
			n = 0;
			for (p++; isdigit((unsigned char)*p) && n <= REGEX_MAX_REPEAT; p++)
				n = n * 10 + (unsigned long)(*p - '0');
			if (n < m)
				n = m;
		}
		if (n > REGEX_MAX_REPEAT)
			return 0;
		cost *= n + 1;
		if (cost > REGEX_MAX_COST)
			return 0;
		if (*p == '\0')
			break;
	}
	return 1;
}

static int
compile_regex(struct lctx *c, const struct ynode *n, struct test *t)
{
	char msg[256];
	int r;

	if (strlen(t->value) > REGEX_MAX_LEN)
		return lerr(c, n, "regular expression longer than %d bytes", REGEX_MAX_LEN);
	if (!regex_cost_ok(t->value))
		return lerr(c, n,
			    "regular expression '%s' is too complex (a back-reference, or "
			    "interval bounds above %d or multiplying beyond %lu)",
			    qs(c, t->value), REGEX_MAX_REPEAT, REGEX_MAX_COST);
	r = regcomp(&t->re, t->value, REG_EXTENDED | REG_NOSUB);
	if (r != 0) {
		regerror(r, &t->re, msg, sizeof(msg));
		regfree(&t->re);
		return lerr(c, n, "invalid regular expression '%s': %s", qs(c, t->value), msg);
	}
	t->has_re = 1;
	return 0;
}

enum { ARITY_NONE, ARITY_VALUE, ARITY_VALUES };

static int
op_arity(enum test_op op)
{
	switch (op) {
	case OP_IN:
	case OP_SUBSET:
		return ARITY_VALUES;
	case OP_PRESENT:
	case OP_ABSENT:
	case OP_NONEMPTY:
	case OP_EMPTY:
	case OP_LOOPBACK:
		return ARITY_NONE;
	default:
		return ARITY_VALUE;
	}
}

/* Which operators make sense for a setting of type t (with a map key, the
 * entry is a single text value). */
static const char *
op_type_problem(enum test_op op, enum vtype t, int keyed)
{
	switch (op) {
	case OP_PRESENT:
	case OP_ABSENT:
	case OP_NONEMPTY:
	case OP_EMPTY:
	case OP_REGEX:
		return NULL;
	case OP_EQ:
	case OP_NE:
	case OP_IN:
		if (!keyed && is_list_type(t))
			return "needs a single-valued setting (use has, lacks or subset on a list)";
		return NULL;
	case OP_HAS:
	case OP_LACKS:
	case OP_SUBSET:
		if (keyed)
			return "compares a whole list, not a map entry";
		if (!is_list_type(t))
			return "needs a list setting (slice, array, map or a derived list)";
		return NULL;
	case OP_GT:
	case OP_GE:
	case OP_LT:
	case OP_LE:
		if (keyed || (t != VT_INT && t != VT_FLOAT && t != VT_DURATION))
			return "needs a setting of type int, float or duration";
		return NULL;
	case OP_LOOPBACK:
		if (keyed || (t != VT_STRING && t != VT_SLICE && t != VT_ARRAY))
			return "needs an address setting (string, slice or array)";
		return NULL;
	default:
		return "is unknown";
	}
}

static int
setting_test_parse(struct lctx *c, const struct ynode *m, const struct ynode **v,
		   const struct tctx *tc, struct test *t)
{
	const struct compdef *cd;
	enum vtype type;
	char *op = NULL;
	int keyed, i;
	const char *problem;

	if (need(c, m, v[TK_OP], "op", "a setting test") < 0 ||
	    get_str(c, v[TK_SETTING], "setting", 1, &t->setting) < 0 ||
	    resolve_comp(c, m, v[TK_COMPONENT], tc->chk, "a setting test", &t->component, &cd) < 0)
		return -1;
	if (setting_type(cd, t->setting, &type) < 0)
		return lerr(c, v[TK_SETTING],
			    "unknown setting '%s' of component %s (not a flag or "
			    "derived setting in components.yaml)",
			    qs(c, t->setting), qs(c, cd->name));
	if (get_str(c, v[TK_OP], "op", 1, &op) < 0)
		return -1;
	i = name_in(op, op_names);
	if (i < 0) {
		char *a = join_names(op_names);

		lerr(c, v[TK_OP], "unknown op '%s' (allowed: %s)", qs(c, op), a);
		free(a);
		free(op);
		return -1;
	}
	free(op);
	t->op = (enum test_op)i;
	keyed = v[TK_KEY] != NULL;
	if (keyed) {
		if (type != VT_MAP)
			return lerr(c, v[TK_KEY], "key: setting %s is a %s, not a map",
				    qs(c, t->setting), vtype_name(type));
		if (get_str(c, v[TK_KEY], "key", 1, &t->key) < 0)
			return -1;
	}
	problem = op_type_problem(t->op, type, keyed);
	if (problem != NULL)
		return lerr(c, v[TK_OP], "op %s %s; setting %s%s%s has type %s", op_names[t->op],
			    problem, qs(c, t->setting), keyed ? " with key " : "",
			    keyed ? qs(c, t->key) : "", vtype_name(type));

	switch (op_arity(t->op)) {
	case ARITY_NONE:
		if (v[TK_VALUE] || v[TK_VALUES])
			return lerr(c, v[TK_VALUE] ? v[TK_VALUE] : v[TK_VALUES],
				    "op %s takes no value", op_names[t->op]);
		break;
	case ARITY_VALUE:
		if (v[TK_VALUES])
			return lerr(c, v[TK_VALUES], "op %s takes 'value', not 'values'",
				    op_names[t->op]);
		if (v[TK_VALUE] == NULL)
			return lerr(c, m, "op %s needs 'value'", op_names[t->op]);
		if (get_str(c, v[TK_VALUE], "value", 0, &t->value) < 0)
			return -1;
		if (t->op == OP_REGEX)
			return compile_regex(c, v[TK_VALUE], t);
		if ((t->op == OP_HAS || t->op == OP_LACKS) && t->value[0] == '\0')
			return lerr(c, v[TK_VALUE], "op %s needs a non-empty element",
				    op_names[t->op]);
		if (!keyed && !is_list_type(type) &&
		    check_operand(c, v[TK_VALUE], type, t->setting, t->value) < 0)
			return -1;
		break;
	case ARITY_VALUES:
		if (v[TK_VALUE])
			return lerr(c, v[TK_VALUE], "op %s takes 'values' (a list), not 'value'",
				    op_names[t->op]);
		if (v[TK_VALUES] == NULL)
			return lerr(c, m, "op %s needs 'values' (a list)", op_names[t->op]);
		if (get_strv(c, v[TK_VALUES], "values", 1, &t->values) < 0)
			return -1;
		for (size_t j = 0; !keyed && !is_list_type(type) && j < t->values.n; j++)
			if (check_operand(c, v[TK_VALUES]->items[j], type, t->setting,
					  t->values.v[j]) < 0)
				return -1;
		break;
	}
	return 0;
}

static int
valid_abs_path(const char *s)
{
	const char *p;

	if (s[0] != '/')
		return 0;
	for (p = s; (p = strstr(p, "..")) != NULL; p += 2)
		if (p[-1] == '/' && (p[2] == '/' || p[2] == '\0'))
			return 0;
	return 1;
}

static int
valid_rel_path(const char *s)
{
	const char *p;

	if (s[0] == '/' || s[0] == '\0')
		return 0;
	for (p = s; (p = strstr(p, "..")) != NULL; p += 2)
		if ((p == s || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
			return 0;
	return 1;
}

enum {
	FS_PATH,
	FS_SETTING,
	FS_COMPONENT,
	FS_DEFAULT,
	FS_JOIN,
	FS_GLOB,
	FS_RECURSIVE,
	FS_TREE,
	FS_UNITS,
	FS_MISSING,
	FS_HOSTNS
};
static const char *const filesel_keys[] = {"path",  "setting", "component",	 "default",
					   "join",  "glob",    "recursive",	 "tree",
					   "units", "missing", "host_namespace", NULL};

static int
filesel_parse(struct lctx *c, const struct ynode *m, const struct check *chk, struct filesel *f)
{
	static const char *const missing[] = {"skip", "error", NULL};
	const struct ynode *v[MAX_KEYS];
	int nsrc;

	if (map_fields(c, m, "a file selector", filesel_keys, v) < 0)
		return -1;
	nsrc = !!v[FS_PATH] + !!v[FS_SETTING] + !!v[FS_UNITS];
	if (nsrc != 1)
		return lerr(c, m, "a file selector needs exactly one of path, setting, units");
	if (v[FS_PATH]) {
		if (get_str(c, v[FS_PATH], "path", 1, &f->path) < 0)
			return -1;
		if (!valid_abs_path(f->path))
			return lerr(c, v[FS_PATH], "path '%s' must be absolute, without '..'",
				    qs(c, f->path));
	}
	if (v[FS_SETTING]) {
		const struct compdef *cd;
		const struct flagdef *fd;

		if (get_str(c, v[FS_SETTING], "setting", 1, &f->setting) < 0 ||
		    resolve_comp(c, m, v[FS_COMPONENT], chk, "a file selector with setting",
				 &f->component, &cd) < 0)
			return -1;
		fd = compdef_flag(cd, f->setting);
		if (fd == NULL || !fd->is_path)
			return lerr(c, v[FS_SETTING],
				    "setting '%s' is not a path setting of %s (a "
				    "flag with path: true in components.yaml)",
				    qs(c, f->setting), qs(c, cd->name));
		if (v[FS_DEFAULT]) {
			if (get_str(c, v[FS_DEFAULT], "default", 1, &f->def) < 0)
				return -1;
			if (!valid_abs_path(f->def))
				return lerr(c, v[FS_DEFAULT],
					    "default '%s' must be an absolute "
					    "path, without '..'",
					    qs(c, f->def));
		}
		if (v[FS_HOSTNS]) {
			if (get_bool(c, v[FS_HOSTNS], "host_namespace", &f->host_ns_only) < 0)
				return -1;
			if (f->host_ns_only && f->def == NULL)
				return lerr(c, v[FS_HOSTNS],
					    "host_namespace: needs a default (the host "
					    "file judged when the component runs in "
					    "a container)");
		}
	} else {
		if (v[FS_HOSTNS])
			return lerr(c, v[FS_HOSTNS], "host_namespace: only with setting");
		if (v[FS_COMPONENT])
			return lerr(c, v[FS_COMPONENT], "component: only with setting");
		if (v[FS_DEFAULT])
			return lerr(c, v[FS_DEFAULT], "default: only with setting");
	}
	if (v[FS_UNITS]) {
		static const char *const no[] = {"join", "glob", "recursive", "tree"};

		for (int k = FS_JOIN; k <= FS_TREE; k++)
			if (v[k])
				return lerr(c, v[k], "%s: not with units", no[k - FS_JOIN]);
		if (get_name(c, v[FS_UNITS], "unit name", "@:", &f->units) < 0)
			return -1;
	}
	if (v[FS_JOIN]) {
		if (get_str(c, v[FS_JOIN], "join", 1, &f->join) < 0)
			return -1;
		if (!valid_rel_path(f->join))
			return lerr(c, v[FS_JOIN],
				    "join '%s' must be a relative path, without '..'",
				    qs(c, f->join));
	}
	if (v[FS_GLOB]) {
		if (get_str(c, v[FS_GLOB], "glob", 1, &f->glob) < 0)
			return -1;
		if (strchr(f->glob, '/') != NULL)
			return lerr(c, v[FS_GLOB], "glob '%s' matches entry names: no '/'",
				    qs(c, f->glob));
	}
	if (v[FS_TREE] && get_bool(c, v[FS_TREE], "tree", &f->dir_all) < 0)
		return -1;
	if (f->glob && f->dir_all)
		return lerr(c, v[FS_TREE], "tree: not with glob (tree takes every entry)");
	if (v[FS_RECURSIVE]) {
		if (get_bool(c, v[FS_RECURSIVE], "recursive", &f->recursive) < 0)
			return -1;
		if (!f->glob && !f->dir_all)
			return lerr(c, v[FS_RECURSIVE], "recursive: only with glob or tree");
	}
	if (f->dir_all)
		f->recursive = 1;
	f->missing = MISSING_AUTO;
	if (v[FS_MISSING]) {
		char *s;

		if (str_in(c, v[FS_MISSING], "missing", missing, &s) < 0)
			return -1;
		f->missing = strcmp(s, "skip") == 0 ? MISSING_SKIP : MISSING_ERROR;
		free(s);
	}
	return 0;
}

static int
get_id_number(struct lctx *c, const struct ynode *n, const char *what, unsigned *out)
{
	unsigned long long x = 0;
	const char *s;

	if (want_scalar(c, n, what) < 0)
		return -1;
	s = n->scalar;
	if (*s == '\0' || strlen(s) > 10)
		goto bad;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			goto bad;
		x = x * 10 + (unsigned)(*s - '0');
	}
	/* (uid_t)-1 means "no change" to chown and is no one's id */
	if (x >= 4294967295ULL)
		goto bad;
	*out = (unsigned)x;
	return 0;
bad:
	return lerr(c, n, "%s '%s' must be a decimal number below 4294967295", what,
		    qs(c, n->scalar));
}

static int
owner_parse(struct lctx *c, const struct ynode *m, struct test *t)
{
	static const char *const keys[] = {"uid", "gid", "user", "group", NULL};
	const struct ynode *v[MAX_KEYS];

	if (map_fields(c, m, "an owner", keys, v) < 0)
		return -1;
	t->has_owner = 1;
	if (v[0] && v[1] && !v[2] && !v[3]) {
		if (get_id_number(c, v[0], "uid", &t->uid) < 0 ||
		    get_id_number(c, v[1], "gid", &t->gid) < 0)
			return -1;
		return 0;
	}
	if (!v[0] && !v[1] && v[2] && v[3]) {
		t->owner_by_name = 1;
		if (get_name(c, v[2], "user name", NULL, &t->user) < 0 ||
		    get_name(c, v[3], "group name", NULL, &t->group) < 0)
			return -1;
		return 0;
	}
	return lerr(c, m, "owner needs uid and gid, or user and group");
}

static int
mode_parse(struct lctx *c, const struct ynode *n, struct test *t)
{
	const char *s;
	unsigned m = 0;

	if (want_scalar(c, n, "mode_max") < 0)
		return -1;
	s = n->scalar;
	if (*s == '\0' || strlen(s) > 5)
		goto bad;
	for (; *s; s++) {
		if (*s < '0' || *s > '7')
			goto bad;
		m = m * 8 + (unsigned)(*s - '0');
	}
	if (m > 07777)
		goto bad;
	t->has_mode_max = 1;
	t->mode_max = m;
	return 0;
bad:
	return lerr(c, n, "mode_max '%s' must be octal digits, at most 07777 (e.g. \"0600\")",
		    qs(c, n->scalar));
}

static int
file_test_parse(struct lctx *c, const struct ynode *m, const struct ynode **v,
		const struct tctx *tc, struct test *t)
{
	if (v[TK_FILE]) {
		t->files = xcalloc(1, sizeof(*t->files));
		t->nfiles = 1;
		if (filesel_parse(c, v[TK_FILE], tc->chk, &t->files[0]) < 0)
			return -1;
	} else {
		const struct ynode *seq = v[TK_FILES];

		if (seq->kind != YN_SEQ || seq->nitems == 0)
			return lerr(c, seq, "files must be a non-empty sequence of file selectors");
		if (budget_nodes(c, seq, seq->nitems) < 0)
			return -1;
		t->files = xcalloc(seq->nitems, sizeof(*t->files));
		for (size_t i = 0; i < seq->nitems; i++) {
			t->nfiles++;
			if (filesel_parse(c, seq->items[i], tc->chk, &t->files[i]) < 0)
				return -1;
		}
	}
	if (!v[TK_MODE] && !v[TK_OWNER])
		return lerr(c, m, "a file test needs mode_max or owner (or both)");
	if (v[TK_MODE] && mode_parse(c, v[TK_MODE], t) < 0)
		return -1;
	if (v[TK_OWNER] && owner_parse(c, v[TK_OWNER], t) < 0)
		return -1;
	return 0;
}

static int
builtin_test_parse(struct lctx *c, const struct ynode *m, const struct ynode **v, struct test *t)
{
	const char *b;

	if (str_in(c, v[TK_BUILTIN], "builtin", builtin_names, &t->builtin) < 0)
		return -1;
	if (v[TK_ARGS] && get_strv(c, v[TK_ARGS], "args", 0, &t->args) < 0)
		return -1;
	b = t->builtin;
	if (strcmp(b, "encryption-secrets") == 0) {
		if (t->args.n == 0)
			return lerr(c, v[TK_ARGS] ? v[TK_ARGS] : m,
				    "builtin encryption-secrets needs args: the allowed providers");
		for (size_t i = 0; i < t->args.n; i++)
			if (name_in(t->args.v[i], encryption_providers) < 0) {
				char *a = join_names(encryption_providers);

				lerr(c, v[TK_ARGS]->items[i],
				     "invalid provider '%s' for "
				     "encryption-secrets (allowed: %s)",
				     qs(c, t->args.v[i]), a);
				free(a);
				return -1;
			}
	} else if (strcmp(b, "admission-config-has") == 0) {
		if (t->args.n != 1)
			return lerr(c, v[TK_ARGS] ? v[TK_ARGS] : m,
				    "builtin admission-config-has needs exactly one arg: the "
				    "plugin name");
		if (!valid_name(t->args.v[0], NULL))
			return lerr(c, v[TK_ARGS]->items[0], "invalid plugin name '%s'",
				    qs(c, t->args.v[0]));
	} else if (strcmp(b, "static-pods") == 0) {
		if (t->args.n != 1)
			return lerr(c, v[TK_ARGS] ? v[TK_ARGS] : m,
				    "builtin static-pods needs exactly one arg: the field");
		if (name_in(t->args.v[0], static_pod_fields) < 0) {
			char *a = join_names(static_pod_fields);

			lerr(c, v[TK_ARGS]->items[0],
			     "invalid static-pods field '%s' (allowed: %s)", qs(c, t->args.v[0]),
			     a);
			free(a);
			return -1;
		}
	} else if (v[TK_ARGS]) {
		return lerr(c, v[TK_ARGS], "builtin %s takes no args", b);
	}
	return 0;
}

static struct test *test_parse(struct lctx *c, const struct ynode *m, const struct tctx *tc);

static int
combo_parse(struct lctx *c, const struct ynode *n, const struct tctx *tc, struct test *t)
{
	struct tctx sub = {tc->chk, tc->depth + 1};

	if (t->kind == T_NOT) {
		t->sub = xcalloc(1, sizeof(*t->sub));
		t->sub[0] = test_parse(c, n, &sub);
		if (t->sub[0] == NULL)
			return -1;
		t->nsub = 1;
		return 0;
	}
	if (n->kind != YN_SEQ || n->nitems == 0)
		return lerr(c, n, "%s must be a non-empty sequence of tests",
			    t->kind == T_ALL ? "all" : "any");
	if (budget_nodes(c, n, n->nitems) < 0)
		return -1;
	t->sub = xcalloc(n->nitems, sizeof(*t->sub));
	for (size_t i = 0; i < n->nitems; i++) {
		t->sub[i] = test_parse(c, n->items[i], &sub);
		if (t->sub[i] == NULL)
			return -1;
		t->nsub++;
	}
	return 0;
}

static struct test *
test_parse(struct lctx *c, const struct ynode *m, const struct tctx *tc)
{
	static const int namer[] = {TK_ALL,  TK_ANY,   TK_NOT,	  TK_SETTING,
				    TK_FILE, TK_FILES, TK_BUILTIN};
	const struct ynode *v[MAX_KEYS];
	struct test *t;
	int first = -1, r;

	if (tc->depth > PROFILE_MAX_TEST_DEPTH) {
		lerr(c, m, "tests nested deeper than %d levels", PROFILE_MAX_TEST_DEPTH);
		return NULL;
	}
	if (++c->tests > PROFILE_MAX_TESTS) {
		lerr(c, m,
		     "profile too large: more than %lu test nodes (every use of an alias "
		     "counts)",
		     PROFILE_MAX_TESTS);
		return NULL;
	}
	if (map_fields(c, m, "a test", test_keys, v) < 0)
		return NULL;
	for (size_t i = 0; i < sizeof(namer) / sizeof(namer[0]); i++) {
		if (v[namer[i]] == NULL)
			continue;
		if (first >= 0) {
			lerr(c, m,
			     "a test has both '%s' and '%s' (one test per node; combine "
			     "tests with all or any)",
			     test_keys[first], test_keys[namer[i]]);
			return NULL;
		}
		first = namer[i];
	}
	if (first < 0) {
		lerr(c, m, "a test needs one of all, any, not, setting, file, files, builtin");
		return NULL;
	}
	t = xcalloc(1, sizeof(*t));
	t->line = m->line;
	t->col = m->col;
	t->kind = first == TK_ALL	? T_ALL
		  : first == TK_ANY	? T_ANY
		  : first == TK_NOT	? T_NOT
		  : first == TK_SETTING ? T_SETTING
		  : first == TK_BUILTIN ? T_BUILTIN
					: T_FILE;
	for (int k = 0; test_keys[k]; k++) {
		if (v[k] != NULL && !(kind_keys[t->kind] & TB(k))) {
			char *a;
			struct strv allowed = {0};

			for (int j = 0; test_keys[j]; j++)
				if (kind_keys[t->kind] & TB(j))
					strv_push(&allowed, test_keys[j]);
			a = strv_join(&allowed, ", ");
			lerr(c, v[k], "key '%s' does not belong in %s test (allowed: %s)",
			     test_keys[k], kind_names[t->kind], a);
			free(a);
			strv_free(&allowed);
			goto fail;
		}
	}
	switch (t->kind) {
	case T_ALL:
	case T_ANY:
	case T_NOT:
		r = combo_parse(c, v[first], tc, t);
		break;
	case T_SETTING:
		r = setting_test_parse(c, m, v, tc, t);
		break;
	case T_FILE:
		r = file_test_parse(c, m, v, tc, t);
		break;
	default:
		r = builtin_test_parse(c, m, v, t);
		break;
	}
	if (r == 0)
		return t;
fail:
	test_free(t);
	return NULL;
}

/* ---- checks ---- */

static const char *const check_targets[] = {"master", "controlplane", "etcd",
					    "node",   "policies",     NULL};

static void
check_clear(struct check *k)
{
	free(k->id);
	free(k->section);
	free(k->title);
	free(k->target);
	free(k->component);
	free(k->role);
	free(k->expected);
	free(k->manual_reason);
	test_free(k->test);
	test_free(k->skip_if);
	free(k->skip_reason);
	test_free(k->evidence);
	free(k->remediation);
	free(k->file);
	memset(k, 0, sizeof(*k));
}

/* Dotted parts of letters and digits: "1.2.15", "5.1.1", "4.2.10a". */
static int
valid_id(const char *s)
{
	size_t part = 0;

	if (strlen(s) > 64)
		return 0;
	for (; *s; s++) {
		if (*s == '.') {
			if (part == 0)
				return 0;
			part = 0;
		} else if (isalnum((unsigned char)*s)) {
			part++;
		} else {
			return 0;
		}
	}
	return part > 0;
}

static int
get_id(struct lctx *c, const struct ynode *n, const char *what, char **out)
{
	if (want_scalar(c, n, what) < 0)
		return -1;
	if (!valid_id(n->scalar))
		return lerr(c, n,
			    "invalid %s '%s' (dotted parts of letters and digits, like "
			    "\"1.2.15\")",
			    what, qs(c, n->scalar));
	return cstr(c, n, n->scalar, out);
}

/* "1.2.15" -> "1.2"; "2.1" -> "2"; "5" -> "5". */
static char *
id_section(const char *id)
{
	const char *dot = strrchr(id, '.');

	return dot ? xstrndup(id, (size_t)(dot - id)) : xstrdup(id);
}

enum {
	KK_ID,
	KK_SECTION,
	KK_TITLE,
	KK_TARGET,
	KK_COMPONENT,
	KK_ROLE,
	KK_AUTOMATED,
	KK_EXPECTED,
	KK_TEST,
	KK_MANUAL,
	KK_CLUSTER,
	KK_EVIDENCE,
	KK_SKIPIF,
	KK_REMEDIATION
};
static const char *const check_keys[] = {
	"id",	     "section",	    "title", "target",	      "component",     "role",
	"automated", "expected",    "test",  "manual_reason", "cluster_scope", "evidence",
	"skip_if",   "remediation", NULL};

static int
skip_if_parse(struct lctx *c, const struct ynode *m, struct check *k)
{
	static const char *const keys[] = {"test", "reason", NULL};
	const struct ynode *v[MAX_KEYS];
	struct tctx tc = {k, 1};

	if (map_fields(c, m, "skip_if", keys, v) < 0 || need(c, m, v[0], "test", "skip_if") < 0 ||
	    need(c, m, v[1], "reason", "skip_if") < 0)
		return -1;
	if (get_str(c, v[1], "skip_if reason", 1, &k->skip_reason) < 0)
		return -1;
	k->skip_if = test_parse(c, v[0], &tc);
	return k->skip_if ? 0 : -1;
}

static int
check_parse(struct lctx *c, const struct ynode *m, struct check *k, struct pos *idpos)
{
	static const int required[] = {KK_ID,	     KK_TITLE,	  KK_TARGET,	 KK_COMPONENT,
				       KK_AUTOMATED, KK_EXPECTED, KK_REMEDIATION};
	const struct ynode *v[MAX_KEYS];
	struct tctx tc = {k, 1};

	if (map_fields(c, m, "a check", check_keys, v) < 0)
		return -1;
	if (v[KK_ID] && get_id(c, v[KK_ID], "check id", &k->id) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (v[required[i]] == NULL)
			return lerr(c, m, "check%s%s needs '%s'", k->id ? " " : "",
				    k->id ? k->id : "", check_keys[required[i]]);
	k->file = xstrdup(c->file);
	k->line = m->line;
	*idpos = (struct pos){c->file, v[KK_ID]->line, v[KK_ID]->col};
	if (v[KK_SECTION]) {
		size_t len;

		if (get_id(c, v[KK_SECTION], "section", &k->section) < 0)
			return -1;
		len = strlen(k->section);
		if (strncmp(k->id, k->section, len) != 0 || k->id[len] != '.')
			return lerr(c, v[KK_SECTION], "section '%s' is not a prefix of id %s",
				    k->section, k->id);
	} else {
		k->section = id_section(k->id);
	}
	if (get_str(c, v[KK_TITLE], "title", 1, &k->title) < 0 ||
	    str_in(c, v[KK_TARGET], "target", check_targets, &k->target) < 0 ||
	    get_str(c, v[KK_COMPONENT], "component", 1, &k->component) < 0)
		return -1;
	if (name_in(k->component, reserved_comps) < 0 && profile_comp(c->p, k->component) == NULL)
		return lerr(c, v[KK_COMPONENT],
			    "unknown component '%s' (a component of "
			    "components.yaml, \"(files)\" or \"cluster\")",
			    qs(c, k->component));
	if (v[KK_ROLE] && str_in(c, v[KK_ROLE], "role", roles, &k->role) < 0)
		return -1;
	if (get_bool(c, v[KK_AUTOMATED], "automated", &k->automated) < 0 ||
	    get_str(c, v[KK_EXPECTED], "expected", 1, &k->expected) < 0 ||
	    get_str(c, v[KK_REMEDIATION], "remediation", 1, &k->remediation) < 0)
		return -1;
	if (v[KK_MANUAL] && get_str(c, v[KK_MANUAL], "manual_reason", 1, &k->manual_reason) < 0)
		return -1;
	if (v[KK_CLUSTER] && get_bool(c, v[KK_CLUSTER], "cluster_scope", &k->cluster_scope) < 0)
		return -1;
	if (v[KK_TEST]) {
		if (k->cluster_scope)
			return lerr(c, v[KK_TEST],
				    "a cluster_scope check is not judged on the "
				    "node: use evidence, not test");
		k->test = test_parse(c, v[KK_TEST], &tc);
		if (k->test == NULL)
			return -1;
	} else if (!k->manual_reason && !k->cluster_scope) {
		return lerr(c, m, "check %s needs 'test', 'manual_reason' or 'cluster_scope: true'",
			    k->id);
	} else if (k->automated && !k->cluster_scope) {
		return lerr(c, v[KK_AUTOMATED], "check %s is automated but has no test", k->id);
	}
	if (v[KK_EVIDENCE]) {
		k->evidence = test_parse(c, v[KK_EVIDENCE], &tc);
		if (k->evidence == NULL)
			return -1;
	}
	if (v[KK_SKIPIF] && skip_if_parse(c, v[KK_SKIPIF], k) < 0)
		return -1;
	return 0;
}

static int
check_cmp(const void *a, const void *b)
{
	return str_natcmp(((const struct check *)a)->id, ((const struct check *)b)->id);
}

static void
clist_free(struct clist *l)
{
	for (size_t i = 0; i < l->n; i++)
		check_clear(&l->v[i]);
	free(l->v);
	free(l->pos);
	memset(l, 0, sizeof(*l));
}

/* Appends an empty check (and its position slot). */
static struct check *
clist_add(struct clist *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
		l->pos = xrealloc(l->pos, l->cap * sizeof(*l->pos));
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	memset(&l->pos[l->n], 0, sizeof(l->pos[0]));
	return &l->v[l->n++];
}

/* ---- files and directories ---- */

/* Refuses an open file or directory unless it is of the expected type, not
 * group- or world-writable, and owned by root or the caller. */
static int
fd_trusted(struct lctx *c, int fd, const char *shown, int want_dir)
{
	const char *what = want_dir ? "directory" : "file";
	struct stat st;

	if (fstat(fd, &st) < 0)
		return lerr_file(c, errno, shown, "cannot stat: %s", strerror(errno));
	if (want_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
		return lerr_file(c, EINVAL, shown, "refusing a profile %s that is not a %s", what,
				 want_dir ? "directory" : "regular file");
	if ((st.st_mode & 022) != 0)
		return lerr_file(c, EPERM, shown,
				 "refusing a profile %s that is group- or "
				 "world-writable (mode %04o)",
				 what, (unsigned)(st.st_mode & 07777));
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return lerr_file(c, EPERM, shown,
				 "refusing a profile %s owned by uid %u "
				 "(neither root nor the caller)",
				 what, (unsigned)st.st_uid);
	return 0;
}

/* Opens name under dirfd without following a final symlink, and refuses it
 * unless it is of the expected type, not group- or world-writable, and owned
 * by root or the caller. */
static int
open_checked(struct lctx *c, int dirfd, const char *name, const char *shown, int want_dir)
{
	const char *what = want_dir ? "directory" : "file";
	int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;
	struct stat st;
	int fd;

	if (want_dir)
		flags |= O_DIRECTORY;
	fd = openat(dirfd, name, flags);
	if (fd < 0) {
		int e = errno;

		if ((e == ELOOP || e == ENOTDIR) &&
		    fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			return lerr_file(c, EPERM, shown,
					 "refusing a profile %s that is a symbolic "
					 "link",
					 what);
		if (e == ENOTDIR)
			return lerr_file(c, e, shown, "not a directory");
		return lerr_file(c, e, shown, "cannot open %s: %s",
				 want_dir ? "benchmark directory" : "profile file", strerror(e));
	}
	if (fd_trusted(c, fd, shown, want_dir) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The parsed tree of NAME from NAME.cache (see ycache.h) when that file is
 * trustworthy as a profile file is (regular, not a link, not group- or
 * world-writable, owned by root or the caller) and was made from exactly
 * src; NULL otherwise, quietly: the YAML is then parsed. */
static struct ydoc *
cached_tree(struct lctx *c, int dirfd, const char *name, const char *src, size_t srclen,
	    const char *shown)
{
	char *cname = xasprintf("%s%s", name, YCACHE_SUFFIX), *buf;
	struct ydoc *doc = NULL;
	struct stat st;
	size_t len = 0;
	int fd, more = 0;

	fd = openat(dirfd, cname, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	free(cname);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (st.st_mode & 022) != 0 ||
	    (st.st_uid != 0 && st.st_uid != geteuid()) || st.st_size < 1 ||
	    (uintmax_t)st.st_size > 16 * (uintmax_t)YAML_MAX_FILE) {
		close(fd);
		return NULL;
	}
	buf = fd_read_max(fd, (size_t)st.st_size, &len, &more);
	close(fd);
	if (buf && !more && len == (size_t)st.st_size)
		doc = ycache_decode(buf, len, src, srclen, shown);
	free(buf);
	if (doc)
		c->cached++;
	return doc;
}

static struct ydoc *
parse_file(struct lctx *c, int dirfd, const char *name, const char *shown)
{
	struct ydoc *doc = NULL;
	char *yerr = NULL, *src;
	size_t srclen = 0;
	int fd, e;

	fd = open_checked(c, dirfd, name, shown, 0);
	if (fd < 0)
		return NULL;
	src = yaml_read_fd(fd, &srclen, shown, &yerr);
	e = errno;
	close(fd);
	c->files++;
	if (src) {
		doc = cached_tree(c, dirfd, name, src, srclen, shown);
		if (doc == NULL) {
			doc = yaml_parse_buf(src, srclen, shown, &yerr);
			e = errno;
		}
		free(src);
	}
	if (doc == NULL) {
		if (c->err == NULL) {
			c->err =
				yerr ? yerr : xasprintf("%s: cannot parse: %s", shown, strerror(e));
			c->err_errno = e ? e : EINVAL;
		} else {
			free(yerr);
		}
		return NULL;
	}
	free(yerr);
	return doc;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.yaml files of a benchmark directory in byte order; names starting
 * with a dot (editor and package-manager leftovers) are ignored. */
static int
list_yaml(struct lctx *c, int fd, const char *shown, struct strv *out)
{
	DIR *d;
	struct dirent *de;
	int dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);

	if (dfd < 0 || (d = fdopendir(dfd)) == NULL) {
		int e = errno;

		if (dfd >= 0)
			close(dfd);
		return lerr_file(c, e, shown, "cannot list: %s", strerror(e));
	}
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !str_has_suffix(de->d_name, ".yaml"))
			continue;
		if (out->n >= PROFILE_MAX_FILES) {
			closedir(d);
			return lerr_file(c, E2BIG, shown, "more than %d *.yaml files",
					 PROFILE_MAX_FILES);
		}
		strv_push(out, de->d_name);
		errno = 0;
	}
	if (errno != 0) {
		int e = errno;

		closedir(d);
		return lerr_file(c, e, shown, "cannot list: %s", strerror(e));
	}
	closedir(d);
	if (out->n == 0)
		return lerr_file(c, ENOENT, shown, "no *.yaml files in the benchmark directory");
	qsort(out->v, out->n, sizeof(*out->v), name_cmp);
	return 0;
}

/* ---- benchmarks and overlays ---- */

/* Everything one benchmark directory says, before its base is applied. */
struct level {
	const char *name;
	struct strv shown; /* file paths for messages, kept while pos[] points in */
	struct ydoc **docs;
	size_t ndocs;
	struct clist checks;
	char *title;
	const struct ynode *base; /* base: node, or NULL */
	const char *base_file;
	struct {
		const struct ynode *n;
		const char *file;
	} * rm;
	size_t nrm;
};

static void
level_free(struct level *lv)
{
	for (size_t i = 0; i < lv->ndocs; i++)
		ydoc_free(lv->docs[i]);
	free(lv->docs);
	strv_free(&lv->shown);
	clist_free(&lv->checks);
	free(lv->title);
	free(lv->rm);
}

static int
valid_bench_name(const char *s)
{
	return valid_name(s, NULL) && strlen(s) <= NAME_MAX;
}

enum { BK_BENCHMARK, BK_TITLE, BK_CHECKS, BK_BASE, BK_REMOVE };
static const char *const bench_keys[] = {"benchmark", "title", "checks", "base", "remove", NULL};

static int
bench_file_parse(struct lctx *c, struct level *lv, const struct ydoc *doc)
{
	const struct ynode *v[MAX_KEYS];
	const struct ynode *seq;

	if (doc->root == NULL)
		return lerr(c, NULL,
			    "empty file: expected a mapping with 'benchmark:' and 'checks:'");
	if (map_fields(c, doc->root, "a benchmark file", bench_keys, v) < 0 ||
	    need(c, doc->root, v[BK_BENCHMARK], "benchmark", "a benchmark file") < 0)
		return -1;
	if (want_scalar(c, v[BK_BENCHMARK], "benchmark") < 0)
		return -1;
	if (strcmp(v[BK_BENCHMARK]->scalar, lv->name) != 0)
		return lerr(c, v[BK_BENCHMARK], "benchmark '%s' does not match its directory '%s'",
			    qs(c, v[BK_BENCHMARK]->scalar), qs(c, lv->name));
	if (v[BK_TITLE]) {
		char *t;

		if (get_str(c, v[BK_TITLE], "title", 1, &t) < 0)
			return -1;
		if (lv->title == NULL)
			lv->title = t;
		else
			free(t);
	}
	if (v[BK_BASE]) {
		if (lv->base != NULL)
			return lerr(c, v[BK_BASE], "base: set again (first in %s at line %d)",
				    lv->base_file, lv->base->line);
		if (want_scalar(c, v[BK_BASE], "base") < 0)
			return -1;
		if (!valid_bench_name(v[BK_BASE]->scalar))
			return lerr(c, v[BK_BASE], "invalid benchmark name '%s'",
				    qs(c, v[BK_BASE]->scalar));
		lv->base = v[BK_BASE];
		lv->base_file = c->file;
	}
	if (v[BK_REMOVE]) {
		const struct ynode *r = v[BK_REMOVE];

		if (r->kind != YN_SEQ)
			return lerr(c, r, "remove must be a sequence of check ids");
		if (budget_nodes(c, r, r->nitems) < 0)
			return -1;
		lv->rm = xrealloc(lv->rm, (lv->nrm + r->nitems + 1) * sizeof(*lv->rm));
		for (size_t i = 0; i < r->nitems; i++) {
			if (want_scalar(c, r->items[i], "a removed id") < 0)
				return -1;
			if (!valid_id(r->items[i]->scalar))
				return lerr(c, r->items[i], "invalid check id '%s'",
					    qs(c, r->items[i]->scalar));
			lv->rm[lv->nrm].n = r->items[i];
			lv->rm[lv->nrm].file = c->file;
			lv->nrm++;
		}
	}
	if (v[BK_CHECKS] == NULL)
		return 0;
	seq = v[BK_CHECKS];
	if (seq->kind != YN_SEQ)
		return lerr(c, seq, "checks must be a sequence");
	if (budget_nodes(c, seq, seq->nitems) < 0)
		return -1;
	for (size_t i = 0; i < seq->nitems; i++) {
		struct check *k;

		if (lv->checks.n >= PROFILE_MAX_CHECKS)
			return lerr(c, seq->items[i], "more than %d checks", PROFILE_MAX_CHECKS);
		k = clist_add(&lv->checks);
		if (check_parse(c, seq->items[i], k, &lv->checks.pos[lv->checks.n - 1]) < 0)
			return -1;
	}
	return 0;
}

/* Duplicate ids within one level; the later one is reported. */
struct idref {
	const char *id;
	size_t ix;
};

static int
idref_cmp(const void *a, const void *b)
{
	const struct idref *x = a, *y = b;
	int d = str_natcmp(x->id, y->id);

	if (d != 0)
		return d;
	return x->ix < y->ix ? -1 : x->ix > y->ix;
}

static int
level_dups(struct lctx *c, struct level *lv)
{
	size_t n = lv->checks.n;
	struct idref *v = xcalloc(n + 1, sizeof(*v));
	int r = 0;

	for (size_t i = 0; i < n; i++)
		v[i] = (struct idref){lv->checks.v[i].id, i};
	qsort(v, n, sizeof(*v), idref_cmp);
	for (size_t i = 1; i < n && r == 0; i++) {
		const struct pos *first = &lv->checks.pos[v[i - 1].ix];

		if (strcmp(v[i - 1].id, v[i].id) == 0)
			r = lerr_pos(c, &lv->checks.pos[v[i].ix],
				     "duplicate check id '%s' (first in %s at line %d)", v[i].id,
				     first->file, first->line);
	}
	free(v);
	return r;
}

/* Looks an id up in the first n checks of l, which are sorted by id. */
static struct check *
sorted_find(struct clist *l, size_t n, const char *id)
{
	struct check key = {.id = (char *)id};

	return n ? bsearch(&key, l->v, n, sizeof(*l->v), check_cmp) : NULL;
}

/* Applies an overlay level to its loaded base (sorted by id): removals,
 * replacements in place, additions at the end. */
static int
overlay_apply(struct lctx *c, struct level *lv, struct clist *base)
{
	size_t orig = base->n, nadd = 0, w = 0;
	char *removed = xcalloc(orig + 1, 1);
	int r = -1;

	for (size_t i = 0; i < lv->nrm; i++) {
		const char *id = lv->rm[i].n->scalar;
		struct pos p = {lv->rm[i].file, lv->rm[i].n->line, lv->rm[i].n->col};
		struct check *k = sorted_find(base, orig, id);

		if (k == NULL) {
			lerr_pos(c, &p, "remove: no check '%s' in base benchmark %s", id,
				 lv->base->scalar);
			goto out;
		}
		if (removed[k - base->v]) {
			lerr_pos(c, &p, "remove: '%s' is listed twice", id);
			goto out;
		}
		removed[k - base->v] = 1;
	}
	for (size_t i = 0; i < lv->checks.n; i++) {
		struct check *k = sorted_find(base, orig, lv->checks.v[i].id);

		if (k != NULL && removed[k - base->v]) {
			lerr_pos(c, &lv->checks.pos[i], "check '%s' is both removed and replaced",
				 lv->checks.v[i].id);
			goto out;
		}
		if (k == NULL)
			nadd++;
	}
	if (orig - lv->nrm + nadd > PROFILE_MAX_CHECKS) {
		lerr_file(c, EINVAL, lv->base_file, "more than %d checks with the base benchmark",
			  PROFILE_MAX_CHECKS);
		goto out;
	}
	for (size_t i = 0; i < lv->checks.n; i++) {
		struct check *dst = sorted_find(base, orig, lv->checks.v[i].id);

		if (dst != NULL)
			check_clear(dst); /* replaced where it was */
		else
			dst = clist_add(base);
		*dst = lv->checks.v[i];
		memset(&lv->checks.v[i], 0, sizeof(lv->checks.v[i]));
	}
	lv->checks.n = 0;
	for (size_t i = 0; i < base->n; i++) {
		if (i < orig && removed[i]) {
			check_clear(&base->v[i]);
			continue;
		}
		if (w != i)
			base->v[w] = base->v[i];
		w++;
	}
	base->n = w;
	r = 0;
out:
	free(removed);
	return r;
}

/* Loads benchmark `name` (and, for an overlay, its bases) into out, sorted by
 * id. from: where the name came from (a base: node), or NULL at the top. */
static int
load_bench(struct lctx *c, const char *name, const struct pos *from, int depth, struct clist *out,
	   char **title)
{
	struct level lv = {.name = name};
	char *dshown = xasprintf("%s/%s", c->pdir_shown, qs(c, name));
	const char *saved_file = c->file;
	int dfd = -1, r = -1;

	if (depth > PROFILE_MAX_BASE_DEPTH) {
		lerr_pos(c, from, "overlays nested deeper than %d levels", PROFILE_MAX_BASE_DEPTH);
		goto out;
	}
	for (size_t i = 0; i < c->nstack; i++) {
		if (strcmp(c->stack[i], name) == 0) {
			struct sbuf b = {0};

			for (size_t j = i; j < c->nstack; j++)
				sbuf_addf(&b, "%s -> ", c->stack[j]);
			sbuf_add(&b, name);
			lerr_pos(c, from, "overlay cycle: %s", sbuf_str(&b));
			sbuf_free(&b);
			goto out;
		}
	}
	c->stack[c->nstack++] = name;
	dfd = open_checked(c, c->pdfd, name, dshown, 1);
	if (dfd < 0) {
		if (from != NULL && c->err != NULL) {
			char *inner = c->err;

			c->err = xasprintf("%s:%d:%d: base %s: %s", from->file, from->line,
					   from->col, qs(c, name), inner);
			free(inner);
		}
		goto pop;
	}
	{
		struct strv names = {0};

		if (list_yaml(c, dfd, dshown, &names) < 0) {
			strv_free(&names);
			goto pop;
		}
		lv.docs = xcalloc(names.n, sizeof(*lv.docs));
		for (size_t i = 0; i < names.n; i++)
			strv_push_take(&lv.shown, xasprintf("%s/%s", dshown, qs(c, names.v[i])));
		for (size_t i = 0; i < names.n; i++) {
			c->file = lv.shown.v[i];
			lv.docs[i] = parse_file(c, dfd, names.v[i], c->file);
			if (lv.docs[i] == NULL)
				break;
			lv.ndocs++;
			if (bench_file_parse(c, &lv, lv.docs[i]) < 0)
				break;
		}
		strv_free(&names);
		if (c->err != NULL)
			goto pop;
	}
	if (level_dups(c, &lv) < 0)
		goto pop;
	if (lv.base == NULL) {
		if (lv.nrm > 0) {
			c->file = lv.rm[0].file;
			lerr(c, lv.rm[0].n, "remove: only in an overlay (a file with base:)");
			goto pop;
		}
		for (size_t i = 0; i < lv.checks.n; i++) {
			*clist_add(out) = lv.checks.v[i];
			memset(&lv.checks.v[i], 0, sizeof(lv.checks.v[i]));
		}
		lv.checks.n = 0;
	} else {
		struct pos bp = {lv.base_file, lv.base->line, lv.base->col};

		if (load_bench(c, lv.base->scalar, &bp, depth + 1, out, title) < 0 ||
		    overlay_apply(c, &lv, out) < 0)
			goto pop;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), check_cmp);
	if (lv.title != NULL) {
		free(*title);
		*title = lv.title;
		lv.title = NULL;
	}
	r = 0;
pop:
	c->nstack--;
out:
	if (dfd >= 0)
		close(dfd);
	c->file = saved_file;
	level_free(&lv);
	free(dshown);
	return r;
}

/* ---- the profile ---- */

void
profile_free(struct profile *p)
{
	if (p == NULL)
		return;
	free(p->benchmark);
	free(p->title);
	free(p->dir);
	for (size_t i = 0; i < p->ncomps; i++)
		compdef_clear(&p->comps[i]);
	free(p->comps);
	for (size_t i = 0; i < p->nchecks; i++)
		check_clear(&p->checks[i]);
	free(p->checks);
	free(p);
}

const struct check *
profile_check(const struct profile *p, const char *id)
{
	struct check key = {.id = (char *)id};

	if (p == NULL || id == NULL || p->nchecks == 0)
		return NULL;
	/* checks are kept in natural id order */
	return bsearch(&key, p->checks, p->nchecks, sizeof(*p->checks), check_cmp);
}

static int
load_components(struct lctx *c)
{
	char *shown = xasprintf("%s/components.yaml", c->pdir_shown);
	struct ydoc *doc;
	int r = -1;

	c->file = shown;
	doc = parse_file(c, c->pdfd, "components.yaml", shown);
	if (doc != NULL) {
		r = comps_parse(c, doc);
		ydoc_free(doc);
	}
	c->file = NULL;
	free(shown);
	return r;
}

struct profile *
profile_load(const char *profile_dir, const char *benchmark, char **err)
{
	struct lctx c = {.pdfd = -1};
	struct profile *p = xcalloc(1, sizeof(*p));
	struct clist checks = {0};
	char *unused = NULL;
	int e = 0;

	if (err == NULL)
		err = &unused;
	*err = NULL;
	c.p = p;
	c.pdir_shown = str_sanitize(profile_dir);
	p->dir = xstrdup(profile_dir);
	p->benchmark = xstrdup(benchmark);
	if (benchmark == NULL || !valid_bench_name(benchmark)) {
		lerr_file(&c, EINVAL, c.pdir_shown, "invalid benchmark name '%s'",
			  qs(&c, benchmark));
		goto fail;
	}
	/* the directory the administrator named may be reached through links;
	 * nothing inside it may be one */
	c.pdfd = open(profile_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c.pdfd < 0) {
		lerr_file(&c, errno, c.pdir_shown, "cannot open profile directory: %s",
			  strerror(errno));
		goto fail;
	}
	if (fd_trusted(&c, c.pdfd, c.pdir_shown, 1) < 0)
		goto fail;
	if (load_components(&c) < 0)
		goto fail;
	if (load_bench(&c, benchmark, NULL, 0, &checks, &p->title) < 0)
		goto fail;
	if (checks.n == 0) {
		lerr_file(&c, EINVAL, c.pdir_shown, "benchmark %s has no checks",
			  qs(&c, benchmark));
		goto fail;
	}
	free(checks.pos);
	p->checks = checks.v;
	p->nchecks = checks.n;
	checks = (struct clist){0};
	if (p->title == NULL)
		p->title = xstrdup(benchmark);
	p->nfiles = c.files;
	p->ncached = c.cached;
	goto done;
fail:
	e = c.err_errno ? c.err_errno : EINVAL;
	*err = c.err ? c.err : xstrdup("profile: unknown error");
	c.err = NULL;
	clist_free(&checks);
	profile_free(p);
	p = NULL;
done:
	if (c.pdfd >= 0)
		close(c.pdfd);
	for (size_t i = 0; i < 4; i++)
		free(c.shown[i]);
	free(c.pdir_shown);
	free(c.err);
	free(unused);
	if (p == NULL)
		errno = e;
	return p;
}
