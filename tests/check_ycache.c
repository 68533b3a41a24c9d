/* check_ycache.c - the binary form of parsed YAML (checks/ycache.c):
 * every shipped profile file and a set of YAML shapes come back as the same
 * tree; a cache of other bytes, a truncated or damaged cache, and hostile
 * caches (a cycle, an index out of range, a scalar of the wrong length, a
 * tree deeper than the parser allows) are refused, never read.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"
#include "util.h"
#include "yamlcfg.h"
#include "ycache.h"

/* a and b are the same tree: kinds, positions, flags, text, and shape */
static void
tree_eq(const struct ynode *a, const struct ynode *b, const char *what)
{
	if (a == NULL || b == NULL) {
		ck_assert_msg(a == b, "%s: one tree is empty", what);
		return;
	}
	ck_assert_msg(a->kind == b->kind, "%s:%d:%d: kind", what, a->line, a->col);
	ck_assert_msg(a->line == b->line && a->col == b->col, "%s:%d:%d: position %d:%d", what,
		      a->line, a->col, b->line, b->col);
	ck_assert_msg(a->quoted == b->quoted && a->is_null == b->is_null, "%s:%d:%d: flags", what,
		      a->line, a->col);
	ck_assert_msg((a->scalar == NULL) == (b->scalar == NULL) &&
			      (a->scalar == NULL || strcmp(a->scalar, b->scalar) == 0),
		      "%s:%d:%d: scalar", what, a->line, a->col);
	ck_assert_msg(a->nitems == b->nitems, "%s:%d:%d: items", what, a->line, a->col);
	for (size_t i = 0; i < a->nitems; i++)
		tree_eq(a->items[i], b->items[i], what);
}

/* Parses text, encodes it, decodes it: returns the decoded tree (and the
 * cache in *cache) after checking it equals the parsed one. */
static struct ydoc *
roundtrip(const char *text, size_t len, const char *name, char **cache, size_t *clen)
{
	char *err = NULL;
	struct ydoc *d = yaml_parse_buf(text, len, name, &err), *e;

	ck_assert_msg(d != NULL, "%s: %s", name, err ? err : "?");
	*cache = ycache_encode(d, text, len, clen);
	e = ycache_decode(*cache, *clen, text, len, name);
	ck_assert_msg(e != NULL, "%s: its own cache was refused", name);
	ck_assert_str_eq(e->path, d->path);
	ck_assert_uint_eq(e->nall, d->nall);
	tree_eq(d->root, e->root, name);
	ydoc_free(d);
	return e;
}

static int
roundtrip_dir(const char *dir)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	int n = 0;

	ck_assert_msg(dh != NULL, "%s", dir);
	while ((de = readdir(dh)) != NULL) {
		char *p, *text, *cache;
		struct stat st;
		size_t clen;

		if (de->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (str_has_suffix(de->d_name, ".yaml")) {
			text = tu_slurp(p);
			ydoc_free(roundtrip(text, strlen(text), p, &cache, &clen));
			free(cache);
			free(text);
			n++;
		} else if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			n += roundtrip_dir(p);
		}
		free(p);
	}
	closedir(dh);
	return n;
}

START_TEST(t_profiles)
{
	/* components.yaml, the ten files of cis-1.12 and the two overlays */
	ck_assert_int_ge(roundtrip_dir(TOP_SRCDIR "/profiles"), 13);
}
END_TEST

static const char *const shapes[] = {
	"",
	"~\n",
	"plain\n",
	"'single' \n",
	"a: 1\nb: \"two\"\nc: ~\nd:\ne: ''\n",
	"- [1, 2, {x: y}]\n- {}\n- []\n- |\n  block\n  text\n- >\n  folded\n",
	"k: \"caf\\u00e9 \\t tab\"\nunicode: \xc3\xa9t\xc3\xa9\n",
	"base: &b {x: 1, y: [a, b]}\nuse1: *b\nuse2: *b\n",
	"{\"json\": [true, false, null, 1.5e3, \"s\"]}",
	"? complex key\n: value\n",
};

START_TEST(t_shapes)
{
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		char name[32], *cache;
		size_t clen;
		struct ydoc *e;

		snprintf(name, sizeof(name), "shape-%zu", i);
		e = roundtrip(shapes[i], strlen(shapes[i]), name, &cache, &clen);
		ydoc_free(e);
		free(cache);
	}
}
END_TEST

/* an alias stays one node: both uses point at the anchored mapping */
START_TEST(t_alias_shared)
{
	const char *t = shapes[7];
	char *cache;
	size_t clen;
	struct ydoc *e = roundtrip(t, strlen(t), "alias", &cache, &clen);

	ck_assert_uint_eq(e->root->nitems, 6);
	ck_assert_ptr_eq(e->root->items[1], e->root->items[3]);
	ck_assert_ptr_eq(e->root->items[3], e->root->items[5]);
	ydoc_free(e);
	free(cache);
}
END_TEST

START_TEST(t_stale)
{
	const char *t = "a: 1\nb: [x, y]\n";
	char *cache, *other = xstrdup(t);
	size_t clen;

	ydoc_free(roundtrip(t, strlen(t), "stale", &cache, &clen));
	other[3] = '2'; /* same length, other bytes */
	ck_assert_ptr_null(ycache_decode(cache, clen, other, strlen(other), "stale"));
	ck_assert_ptr_null(ycache_decode(cache, clen, t, strlen(t) - 1, "stale"));
	ck_assert_ptr_null(ycache_decode(NULL, 0, t, strlen(t), "stale"));
	free(other);
	free(cache);
}
END_TEST

/* every truncation and every single-bit change is refused */
START_TEST(t_damage)
{
	const char *t = "top:\n  list: [a, 'b', {c: d}]\n  n: ~\nother: &o [1]\nagain: *o\n";
	size_t len = strlen(t), clen;
	char *cache, *copy;

	ydoc_free(roundtrip(t, len, "damage", &cache, &clen));
	for (size_t n = 0; n < clen; n++)
		ck_assert_msg(ycache_decode(cache, n, t, len, "damage") == NULL,
			      "a cache cut to %zu of %zu bytes was read", n, clen);
	copy = xmalloc(clen);
	for (size_t i = 0; i < clen; i++) {
		for (int bit = 0; bit < 8; bit++) {
			memcpy(copy, cache, clen);
			copy[i] ^= (char)(1 << bit);
			ck_assert_msg(ycache_decode(copy, clen, t, len, "damage") == NULL,
				      "bit %d of byte %zu changed, and the cache was read", bit, i);
		}
	}
	free(copy);
	free(cache);
}
END_TEST

/* Resealed (valid hash) caches with a hostile body. "- [x]\n" makes three
 * nodes: 0 the outer sequence, 1 the inner one, 2 the scalar; refs[0] = 1,
 * refs[1] = 2. */
static char *
small_cache(size_t *clen)
{
	const char *t = "- [x]\n";
	char *cache;

	ydoc_free(roundtrip(t, strlen(t), "hostile", &cache, clen));
	return cache;
}

static void
set_u32(char *buf, size_t off, uint32_t v)
{
	memcpy(buf + off, &v, sizeof(v));
}

START_TEST(t_hostile)
{
	const char *t = "- [x]\n";
	size_t clen, refs = YCACHE_HEADER_SIZE + 3 * YCACHE_NODE_SIZE;
	char *c;

	/* the inner sequence contains the outer one: a cycle */
	c = small_cache(&clen);
	set_u32(c, refs + 4, 0);
	ycache_reseal(c, clen);
	ck_assert_ptr_null(ycache_decode(c, clen, t, strlen(t), "cycle"));
	free(c);
	/* a node contains itself */
	c = small_cache(&clen);
	set_u32(c, refs + 4, 1);
	ycache_reseal(c, clen);
	ck_assert_ptr_null(ycache_decode(c, clen, t, strlen(t), "self"));
	free(c);
	/* an item index past the nodes */
	c = small_cache(&clen);
	set_u32(c, refs, 3);
	ycache_reseal(c, clen);
	ck_assert_ptr_null(ycache_decode(c, clen, t, strlen(t), "range"));
	free(c);
	/* the scalar claims 5 bytes; the pool holds "x" */
	c = small_cache(&clen);
	set_u32(c, YCACHE_HEADER_SIZE + 2 * YCACHE_NODE_SIZE + 20, 5);
	ycache_reseal(c, clen);
	ck_assert_ptr_null(ycache_decode(c, clen, t, strlen(t), "slen"));
	free(c);
	/* a mapping with an odd number of items */
	c = small_cache(&clen);
	c[YCACHE_HEADER_SIZE + YCACHE_NODE_SIZE] = (char)YN_MAP;
	ycache_reseal(c, clen);
	ck_assert_ptr_null(ycache_decode(c, clen, t, strlen(t), "odd map"));
	free(c);
	/* the untouched cache still reads */
	c = small_cache(&clen);
	ycache_reseal(c, clen);
	ydoc_free(ycache_decode(c, clen, t, strlen(t), "intact"));
	free(c);
}
END_TEST

/* A chain of n nested sequences built by hand (the parser refuses more than
 * YAML_MAX_DEPTH), encoded and decoded. */
static struct ydoc *
chain(int n, char **cache, size_t *clen)
{
	struct ydoc *d = xcalloc(1, sizeof(*d)), *e;
	const char *src = "chain";

	d->path = xstrdup("chain");
	d->all = xcalloc((size_t)n + 1, sizeof(*d->all));
	for (int i = 0; i <= n; i++) {
		struct ynode *x = xcalloc(1, sizeof(*x));

		x->kind = i == n ? YN_SCALAR : YN_SEQ;
		x->line = i + 1;
		x->col = 1;
		if (i == n)
			x->scalar = xstrdup("leaf");
		d->all[i] = x;
	}
	for (int i = 0; i < n; i++) {
		d->all[i]->items = xcalloc(1, sizeof(struct ynode *));
		d->all[i]->items[0] = d->all[i + 1];
		d->all[i]->nitems = 1;
	}
	d->nall = d->capall = (size_t)n + 1;
	d->root = d->all[0];
	*cache = ycache_encode(d, src, strlen(src), clen);
	e = ycache_decode(*cache, *clen, src, strlen(src), "chain");
	ydoc_free(d);
	return e;
}

START_TEST(t_depth)
{
	char *cache;
	size_t clen;
	struct ydoc *e;

	e = chain(YAML_MAX_DEPTH, &cache, &clen);
	ck_assert_msg(e != NULL, "%d nested collections, as the parser allows, refused",
		      YAML_MAX_DEPTH);
	ydoc_free(e);
	free(cache);
	e = chain(YAML_MAX_DEPTH + 1, &cache, &clen);
	ck_assert_msg(e == NULL, "%d nested collections read from a cache", YAML_MAX_DEPTH + 1);
	free(cache);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ycache");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_profiles);
	tcase_add_test(tc, t_shapes);
	tcase_add_test(tc, t_alias_shared);
	tcase_add_test(tc, t_stale);
	tcase_add_test(tc, t_damage);
	tcase_add_test(tc, t_hostile);
	tcase_add_test(tc, t_depth);
	suite_add_tcase(s, tc);
	return tu_run_suite(s);
}
