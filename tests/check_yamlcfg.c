/* check_yamlcfg.c - unit tests for the YAML/JSON tree (checks/yamlcfg.c). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "util.h"
#include "yamlcfg.h"

/* Parses s (must succeed) and returns the document. */
static struct ydoc *
parse_ok(const char *s)
{
	char *err = NULL;
	struct ydoc *d = yaml_parse_buf(s, strlen(s), "t.yaml", &err);

	ck_assert_msg(d != NULL, "parse failed: %s", err ? err : "(no message)");
	ck_assert_ptr_null(err);
	return d;
}

/* Parses s (must fail with EINVAL) and returns the message. */
static char *
parse_err_n(const char *s, size_t len)
{
	char *err = NULL;
	struct ydoc *d;

	errno = 0;
	d = yaml_parse_buf(s, len, "t.yaml", &err);
	ck_assert_msg(d == NULL, "parse of \"%s\" should have failed", s);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(err);
	return err;
}

static char *
parse_err(const char *s)
{
	return parse_err_n(s, strlen(s));
}

#define ck_assert_prefix(s, p)                                                                     \
	ck_assert_msg(strncmp((s), (p), strlen(p)) == 0, "\"%s\" does not start with \"%s\"", (s), \
		      (p))
#define ck_assert_contains(s, p)                                                                   \
	ck_assert_msg(strstr((s), (p)) != NULL, "\"%s\" does not contain \"%s\"", (s), (p))

static const struct ynode *
scalar_at(const struct ynode *root, const char *path)
{
	const struct ynode *n = ynode_lookup(root, path);

	ck_assert_msg(n != NULL, "%s missing", path);
	ck_assert_int_eq(n->kind, YN_SCALAR);
	return n;
}

/* ---- positions ---- */

START_TEST(test_positions)
{
	struct ydoc *d = parse_ok("apiVersion: v1\n"
				  "authentication:\n"
				  "  anonymous:\n"
				  "    enabled: false\n"
				  "  webhook:\n"
				  "      enabled:   true\n"
				  "list:\n"
				  "  - a\n"
				  "  - b: c\n");
	const struct ynode *k, *v, *list;

	ck_assert_int_eq(d->root->kind, YN_MAP);
	ck_assert_int_eq(d->root->line, 1);
	ck_assert_int_eq(d->root->col, 1);
	ck_assert_str_eq(d->path, "t.yaml");

	k = ynode_lookup_key(d->root, "authentication.anonymous.enabled");
	v = ynode_lookup(d->root, "authentication.anonymous.enabled");
	ck_assert_ptr_nonnull(k);
	ck_assert_str_eq(k->scalar, "enabled");
	ck_assert_int_eq(k->line, 4);
	ck_assert_int_eq(k->col, 5);
	ck_assert_str_eq(v->scalar, "false");
	ck_assert_int_eq(v->line, 4);
	ck_assert_int_eq(v->col, 14);

	k = ynode_lookup_key(d->root, "authentication.webhook.enabled");
	v = ynode_lookup(d->root, "authentication.webhook.enabled");
	ck_assert_int_eq(k->line, 6);
	ck_assert_int_eq(k->col, 7);
	ck_assert_int_eq(v->col, 18);

	k = ynode_lookup_key(d->root, "authentication");
	ck_assert_int_eq(k->line, 2);
	ck_assert_int_eq(k->col, 1);
	v = ynode_lookup(d->root, "authentication");
	ck_assert_int_eq(v->kind, YN_MAP);
	ck_assert_int_eq(v->line, 3);
	ck_assert_int_eq(v->col, 3);

	list = ynode_lookup(d->root, "list");
	ck_assert_int_eq(list->kind, YN_SEQ);
	ck_assert_uint_eq(list->nitems, 2);
	ck_assert_int_eq(list->items[0]->line, 8);
	ck_assert_int_eq(list->items[0]->col, 5);
	ck_assert_int_eq(list->items[1]->kind, YN_MAP);
	ck_assert_uint_eq(list->items[1]->nitems, 2);
	ck_assert_int_eq(list->items[1]->line, 9);
	ck_assert_int_eq(list->items[1]->col, 5);
	ck_assert_str_eq(ynode_map_get(list->items[1], "b")->scalar, "c");
	ydoc_free(d);
}
END_TEST

START_TEST(test_positions_flow_and_multibyte)
{
	/* columns count characters, not bytes */
	struct ydoc *d = parse_ok("name: \"é\"\nx: {a: 1, bb: [2, 3]}\n");
	const struct ynode *k = ynode_lookup_key(d->root, "x.bb");
	const struct ynode *v = ynode_lookup(d->root, "x.bb");

	ck_assert_int_eq(k->line, 2);
	ck_assert_int_eq(k->col, 11);
	ck_assert_int_eq(v->kind, YN_SEQ);
	ck_assert_int_eq(v->col, 15);
	ck_assert_int_eq(v->items[1]->col, 19);
	ck_assert_str_eq(scalar_at(d->root, "name")->scalar, "é");
	ydoc_free(d);
}
END_TEST

/* ---- scalars ---- */

START_TEST(test_quoted_vs_plain)
{
	struct ydoc *d = parse_ok("plain: true\n"
				  "dq: \"true\"\n"
				  "sq: 'it''s'\n"
				  "lit: |\n"
				  "  line1\n"
				  "  line2\n"
				  "fold: >\n"
				  "  a\n"
				  "  b\n"
				  "tagged: !!str 10\n"
				  "num: 10\n");

	ck_assert_int_eq(scalar_at(d->root, "plain")->quoted, 0);
	ck_assert_str_eq(scalar_at(d->root, "plain")->scalar, "true");
	ck_assert_int_eq(scalar_at(d->root, "dq")->quoted, 1);
	ck_assert_str_eq(scalar_at(d->root, "dq")->scalar, "true");
	ck_assert_int_eq(scalar_at(d->root, "sq")->quoted, 1);
	ck_assert_str_eq(scalar_at(d->root, "sq")->scalar, "it's");
	ck_assert_int_eq(scalar_at(d->root, "lit")->quoted, 1);
	ck_assert_str_eq(scalar_at(d->root, "lit")->scalar, "line1\nline2\n");
	ck_assert_int_eq(scalar_at(d->root, "fold")->quoted, 1);
	ck_assert_str_eq(scalar_at(d->root, "fold")->scalar, "a b\n");
	ck_assert_int_eq(scalar_at(d->root, "tagged")->quoted, 1);
	ck_assert_int_eq(scalar_at(d->root, "num")->quoted, 0);
	/* keys are scalars too */
	ck_assert_int_eq(ynode_lookup_key(d->root, "plain")->quoted, 0);
	ydoc_free(d);
}
END_TEST

START_TEST(test_null_forms)
{
	static const char *nulls[] = {"tilde", "null", "Null", "NULL", "empty", "tagged"};
	static const char *not_nulls[] = {"nULL", "dq", "sq", "dqempty", "word", "zero", "nulls"};
	struct ydoc *d = parse_ok("tilde: ~\n"
				  "null: null\n"
				  "Null: Null\n"
				  "NULL: NULL\n"
				  "empty:\n"
				  "tagged: !!null\n"
				  "nULL: nULL\n"
				  "dq: \"null\"\n"
				  "sq: '~'\n"
				  "dqempty: \"\"\n"
				  "word: none\n"
				  "zero: 0\n"
				  "nulls: nulls\n");

	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		ck_assert_msg(scalar_at(d->root, nulls[i])->is_null, "%s should be null", nulls[i]);
	for (size_t i = 0; i < sizeof(not_nulls) / sizeof(not_nulls[0]); i++)
		ck_assert_msg(!scalar_at(d->root, not_nulls[i])->is_null, "%s should not be null",
			      not_nulls[i]);
	ck_assert_str_eq(scalar_at(d->root, "empty")->scalar, "");
	ck_assert_str_eq(scalar_at(d->root, "tilde")->scalar, "~");
	ydoc_free(d);
}
END_TEST

START_TEST(test_nul_in_scalar)
{
	char *err = parse_err("a: ok\nb: \"x\\0y\"\n");

	ck_assert_prefix(err, "t.yaml:2:4: ");
	ck_assert_contains(err, "NUL");
	free(err);
}
END_TEST

/* ---- anchors and aliases ---- */

START_TEST(test_aliases)
{
	struct ydoc *d = parse_ok("base: &b\n"
				  "  x: 1\n"
				  "  y: [a, b]\n"
				  "copy: *b\n"
				  "name: &n hello\n"
				  "again: *n\n"
				  "list: [*n, *b]\n"
				  "redef: &n bye\n"
				  "after: *n\n");
	const struct ynode *base = ynode_lookup(d->root, "base");
	const struct ynode *list = ynode_lookup(d->root, "list");

	ck_assert_int_eq(base->kind, YN_MAP);
	ck_assert_ptr_eq(ynode_lookup(d->root, "copy"), base);
	ck_assert_ptr_eq(ynode_lookup(d->root, "copy.y"), ynode_lookup(d->root, "base.y"));
	ck_assert_str_eq(scalar_at(d->root, "copy.x")->scalar, "1");
	/* the shared node keeps the anchored node's position (its anchor) */
	ck_assert_int_eq(ynode_lookup(d->root, "copy")->line, 1);
	ck_assert_int_eq(ynode_lookup(d->root, "copy")->col, 7);
	ck_assert_ptr_eq(ynode_lookup(d->root, "again"), ynode_lookup(d->root, "name"));
	ck_assert_uint_eq(list->nitems, 2);
	ck_assert_ptr_eq(list->items[0], ynode_lookup(d->root, "name"));
	ck_assert_ptr_eq(list->items[1], base);
	/* a redefined anchor applies to the aliases after it */
	ck_assert_str_eq(scalar_at(d->root, "after")->scalar, "bye");
	ck_assert_str_eq(scalar_at(d->root, "again")->scalar, "hello");
	/* the key's own position is still the alias's */
	ck_assert_int_eq(ynode_lookup_key(d->root, "copy")->line, 4);
	ydoc_free(d);
}
END_TEST

START_TEST(test_alias_as_key)
{
	struct ydoc *d = parse_ok("k: &key enabled\nm:\n  *key : yes\n");

	ck_assert_str_eq(scalar_at(d->root, "m.enabled")->scalar, "yes");
	ydoc_free(d);
}
END_TEST

START_TEST(test_alias_unknown)
{
	char *err = parse_err("a: 1\nb:\n  c: *nope\n");

	ck_assert_prefix(err, "t.yaml:3:6: ");
	ck_assert_contains(err, "nope");
	free(err);
	/* an anchor is known only after it is defined */
	err = parse_err("a: *x\nb: &x 1\n");
	ck_assert_prefix(err, "t.yaml:1:4: ");
	free(err);
}
END_TEST

START_TEST(test_alias_loop)
{
	char *err = parse_err("&a [*a]");

	ck_assert_prefix(err, "t.yaml:1:5: ");
	ck_assert_contains(err, "*a");
	free(err);

	err = parse_err("top:\n  m: &m\n    inner:\n      - x\n      - *m\n");
	ck_assert_prefix(err, "t.yaml:5:9: ");
	free(err);

	/* the inner definition shadows the outer one while it is open */
	err = parse_err("- &a 1\n- &a [2, *a]\n");
	ck_assert_prefix(err, "t.yaml:2:10: ");
	free(err);
}
END_TEST

START_TEST(test_alias_sibling_not_loop)
{
	/* referring to a finished sibling is fine, even under the same parent */
	struct ydoc *d = parse_ok("&top\n- &a [1]\n- *a\n- [*a, *a]\n");

	ck_assert_uint_eq(d->root->nitems, 3);
	ck_assert_ptr_eq(d->root->items[0], d->root->items[1]);
	ck_assert_ptr_eq(d->root->items[2]->items[0], d->root->items[0]);
	ydoc_free(d);
}
END_TEST

START_TEST(test_billion_laughs)
{
	struct sbuf b = {0};
	struct ydoc *d;
	const struct ynode *n;
	char *err = NULL;

	/* 9 levels of 9 aliases each: a copying parser would build 9^9 nodes */
	sbuf_add(&b, "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (int i = 1; i <= 9; i++) {
		sbuf_addf(&b, "l%d: &l%d [", i, i);
		for (int j = 0; j < 9; j++)
			sbuf_addf(&b, "%s*l%d", j ? ", " : "", i - 1);
		sbuf_add(&b, "]\n");
	}
	sbuf_add(&b, "deep: {x: *l9}\n");
	d = yaml_parse_buf(b.s, b.len, "laughs.yaml", &err);
	ck_assert_msg(d != NULL, "%s", err);
	/* nodes actually stored: root + 11 keys + 10 sequences + 9 lols + map + key */
	ck_assert_uint_le(d->nall, 40);
	n = ynode_lookup(d->root, "deep.x");
	ck_assert_ptr_eq(n, ynode_lookup(d->root, "l9"));
	for (int i = 9; i > 0; i--) {
		ck_assert_int_eq(n->kind, YN_SEQ);
		ck_assert_uint_eq(n->nitems, 9);
		for (size_t j = 1; j < 9; j++)
			ck_assert_ptr_eq(n->items[j], n->items[0]);
		n = n->items[8];
	}
	ck_assert_str_eq(n->items[0]->scalar, "lol");
	ydoc_free(d);
	sbuf_free(&b);
}
END_TEST

/* ---- duplicates ---- */

START_TEST(test_duplicate_keys)
{
	char *err = parse_err("a: 1\nb: 2\na: 3\n");

	ck_assert_str_eq(err, "t.yaml:3:1: duplicate key \"a\" (first at line 1)");
	free(err);

	err = parse_err("outer:\n  x: {k: 1, j: 2, k: 3}\n");
	ck_assert_prefix(err, "t.yaml:2:19: duplicate key \"k\"");
	free(err);

	/* quoting does not make a different key */
	err = parse_err("\"enabled\": true\nenabled: false\n");
	ck_assert_prefix(err, "t.yaml:2:1: duplicate key \"enabled\"");
	free(err);

	/* the first duplicate in the file is reported */
	err = parse_err("z: 1\na: 1\nz: 2\na: 2\n");
	ck_assert_prefix(err, "t.yaml:3:1: duplicate key \"z\"");
	free(err);

	err = parse_err("{\"a\": 1, \"a\": 2}");
	ck_assert_prefix(err, "t.yaml:1:10: duplicate key \"a\"");
	free(err);
}
END_TEST

START_TEST(test_same_key_different_maps)
{
	struct ydoc *d = parse_ok("a: {x: 1}\nb: {x: 2}\nc: [{x: 3}, {x: 4}]\n");

	ck_assert_str_eq(scalar_at(d->root, "a.x")->scalar, "1");
	ck_assert_str_eq(scalar_at(d->root, "b.x")->scalar, "2");
	ydoc_free(d);
}
END_TEST

START_TEST(test_duplicate_key_sanitized)
{
	char *err = parse_err("\"a\\x01b\": 1\n\"a\\x01b\": 2\n");

	ck_assert_contains(err, "duplicate key \"a\\x01b\"");
	for (const char *p = err; *p; p++)
		ck_assert_msg((unsigned char)*p >= 0x20, "control byte in message");
	free(err);
}
END_TEST

/* ---- limits ---- */

static char *
nested(int depth)
{
	char *s = xmalloc(2 * (size_t)depth + 1);

	memset(s, '[', (size_t)depth);
	memset(s + depth, ']', (size_t)depth);
	s[2 * depth] = '\0';
	return s;
}

START_TEST(test_depth_limit)
{
	char *s = nested(64);
	struct ydoc *d = parse_ok(s);
	const struct ynode *n = d->root;
	int levels = 0;
	char *err;

	while (n && n->kind == YN_SEQ) {
		levels++;
		n = n->nitems ? n->items[0] : NULL;
	}
	ck_assert_int_eq(levels, 64);
	ydoc_free(d);
	free(s);

	s = nested(65);
	err = parse_err(s);
	ck_assert_prefix(err, "t.yaml:1:65: ");
	ck_assert_contains(err, "64");
	free(err);
	free(s);
}
END_TEST

START_TEST(test_depth_limit_block)
{
	struct sbuf b = {0};
	char *err;

	for (int i = 0; i < 70; i++) {
		for (int j = 0; j < i; j++)
			sbuf_add(&b, " ");
		sbuf_addf(&b, "k%d:\n", i);
	}
	err = parse_err(b.s);
	/* the 65th mapping starts at key k64, on line 65 */
	ck_assert_prefix(err, "t.yaml:65:65: ");
	free(err);
	sbuf_free(&b);
}
END_TEST

/* "[a,a,...]" with count items: count + 1 nodes */
static void
flat_seq(struct sbuf *b, size_t count)
{
	sbuf_free(b);
	sbuf_add(b, "[");
	for (size_t i = 0; i < count; i++)
		sbuf_add(b, i ? ",a" : "a");
	sbuf_add(b, "]");
}

START_TEST(test_node_limit)
{
	size_t limit = 1000000;
	struct sbuf b = {0};
	struct ydoc *d;
	char *err = NULL;

	flat_seq(&b, limit - 1);
	d = yaml_parse_buf(b.s, b.len, "big.yaml", &err);
	ck_assert_msg(d != NULL, "%s", err);
	ck_assert_uint_eq(d->root->nitems, limit - 1);
	ck_assert_uint_eq(d->nall, limit);
	ydoc_free(d);

	flat_seq(&b, limit);
	errno = 0;
	d = yaml_parse_buf(b.s, b.len, "big.yaml", &err);
	ck_assert_ptr_null(d);
	ck_assert_int_eq(errno, EINVAL);
	/* the node over the limit is the last item, at column 2 * limit */
	ck_assert_str_eq(err, "big.yaml:1:2000000: too many nodes (limit 1000000)");
	free(err);

	/* aliases add no nodes, however many there are */
	sbuf_free(&b);
	sbuf_add(&b, "[&x a");
	for (size_t i = 1; i < limit + 10; i++)
		sbuf_add(&b, ",*x");
	sbuf_add(&b, "]");
	d = yaml_parse_buf(b.s, b.len, "aliases.yaml", &err);
	ck_assert_msg(d != NULL, "%s", err);
	ck_assert_uint_eq(d->nall, 2);
	ck_assert_uint_eq(d->root->nitems, limit + 10);
	ydoc_free(d);
	sbuf_free(&b);
}
END_TEST

static int
open_tmp(const char *dir, const char *rel)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
	return fd;
}

static void
write_filled(const char *dir, const char *rel, size_t size)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	/* a valid document padded with comment lines of 64 bytes */
	fputs("a: 1\n", f);
	for (size_t n = 5; n < size;) {
		size_t chunk = size - n < 64 ? size - n : 64;

		for (size_t i = 0; i + 1 < chunk; i++)
			fputc('#', f);
		fputc('\n', f);
		n += chunk;
	}
	fclose(f);
}

START_TEST(test_fd_size_limit)
{
	char *dir = tu_mkdtemp();
	struct ydoc *d;
	char *err = NULL;
	int fd;

	write_filled(dir, "exact.yaml", YAML_MAX_FILE);
	write_filled(dir, "big.yaml", (size_t)YAML_MAX_FILE + 1);

	fd = open_tmp(dir, "exact.yaml");
	d = yaml_parse_fd(fd, "exact.yaml", &err);
	ck_assert_msg(d != NULL, "%s", err);
	ck_assert_str_eq(scalar_at(d->root, "a")->scalar, "1");
	ydoc_free(d);
	/* the descriptor stays open */
	ck_assert_int_ne(fcntl(fd, F_GETFD), -1);
	close(fd);

	fd = open_tmp(dir, "big.yaml");
	errno = 0;
	d = yaml_parse_fd(fd, "/etc/big.yaml", &err);
	ck_assert_ptr_null(d);
	ck_assert_int_eq(errno, EFBIG);
	ck_assert_str_eq(err, "/etc/big.yaml: larger than 4 MiB");
	free(err);
	close(fd);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_fd_read)
{
	char *dir = tu_mkdtemp();
	struct ydoc *d;
	char *err = NULL;
	int fd;

	tu_write(dir, "k.yaml", "kind: KubeletConfiguration\nbad: [\n", 0600);
	fd = open_tmp(dir, "k.yaml");
	errno = 0;
	d = yaml_parse_fd(fd, "k.yaml", &err);
	ck_assert_ptr_null(d);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_prefix(err, "k.yaml:3:1: ");
	free(err);
	close(fd);

	/* a read error (a directory) keeps the system errno */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	errno = 0;
	d = yaml_parse_fd(fd, "dir.yaml", &err);
	ck_assert_ptr_null(d);
	ck_assert_int_eq(errno, EISDIR);
	ck_assert_prefix(err, "dir.yaml: ");
	free(err);
	close(fd);

	/* a pipe: no size known in advance */
	int pfd[2];
	ck_assert_int_eq(pipe(pfd), 0);
	ck_assert_int_eq(write(pfd[1], "x: [1, 2]\n", 10), 10);
	close(pfd[1]);
	d = yaml_parse_fd(pfd[0], "pipe", &err);
	ck_assert_msg(d != NULL, "%s", err);
	ck_assert_uint_eq(ynode_lookup(d->root, "x")->nitems, 2);
	ydoc_free(d);
	close(pfd[0]);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* ---- malformed input ---- */

START_TEST(test_malformed)
{
	char *err = parse_err("a: b: c\n");

	ck_assert_str_eq(err, "t.yaml:1:5: mapping values are not allowed in this context");
	free(err);

	err = parse_err("a:\n  - 1\n  - [2, 3\nb: 4\n");
	ck_assert_prefix(err, "t.yaml:4:2: ");
	ck_assert_contains(err, "flow sequence at 3:5");
	free(err);

	err = parse_err("a:\n  b: 1\n c: 2\n");
	ck_assert_prefix(err, "t.yaml:3:2: ");
	free(err);

	err = parse_err("key: \"unterminated\n");
	ck_assert_prefix(err, "t.yaml:2:1: ");
	free(err);

	err = parse_err("a:\n\tb: 1\n");
	ck_assert_prefix(err, "t.yaml:2:1: ");
	ck_assert_contains(err, "tab");
	free(err);

	/* NULL err is allowed: the message is just dropped */
	errno = 0;
	ck_assert_ptr_null(yaml_parse_buf("[", 1, "x", NULL));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(test_name_in_message)
{
	char *err = NULL;
	struct ydoc *d = yaml_parse_buf("a: [", 4, "/etc/kubernetes/kubelet.conf", &err);

	ck_assert_ptr_null(d);
	ck_assert_prefix(err, "/etc/kubernetes/kubelet.conf:");
	free(err);
	d = yaml_parse_buf("a: [", 4, "bad\nname", &err);
	ck_assert_ptr_null(d);
	ck_assert_prefix(err, "bad\\x0aname:");
	free(err);
}
END_TEST

START_TEST(test_non_utf8)
{
	char *err = parse_err("a: b\nc: d\xff\n");

	ck_assert_prefix(err, "t.yaml:2:5: ");
	ck_assert_contains(err, "0xff");
	ck_assert_contains(err, "UTF-8");
	free(err);

	/* truncated sequence at the end */
	err = parse_err("x: \xc3");
	ck_assert_prefix(err, "t.yaml:1:4: ");
	ck_assert_contains(err, "UTF-8");
	free(err);

	/* Latin-1 é inside a key on line 3 after a multibyte character: the
	 * position is that of the bad sequence, not of the ':' after it */
	err = parse_err("a: 1\nb: 2\né\xe9: 3\n");
	ck_assert_prefix(err, "t.yaml:3:2: ");
	ck_assert_contains(err, "0xe9");
	free(err);
	err = parse_err("name: caf\xe9\n");
	ck_assert_prefix(err, "t.yaml:1:10: ");
	free(err);
	/* an encoded surrogate is not UTF-8 either */
	err = parse_err("a: \xed\xa0\x80\n");
	ck_assert_prefix(err, "t.yaml:1:4: ");
	ck_assert_contains(err, "UTF-8");
	free(err);

	/* control characters are refused by YAML itself */
	err = parse_err("a: x\x01y\n");
	ck_assert_prefix(err, "t.yaml:1:5: ");
	ck_assert_contains(err, "U+0001");
	free(err);

	/* a NUL byte in the raw input */
	err = parse_err_n("a: x\0y\n", 7);
	ck_assert_prefix(err, "t.yaml:1:5: ");
	free(err);
}
END_TEST

START_TEST(test_bom)
{
	struct ydoc *d = parse_ok("\xef\xbb\xbf"
				  "a: 1\n");
	char *err;

	ck_assert_str_eq(scalar_at(d->root, "a")->scalar, "1");
	ck_assert_int_eq(ynode_lookup_key(d->root, "a")->col, 1);
	ydoc_free(d);
	err = parse_err("\xef\xbb\xbf"
			"a: \xff\n");
	ck_assert_prefix(err, "t.yaml:1:4: ");
	free(err);
}
END_TEST

/* ---- JSON ---- */

START_TEST(test_json_kubelet)
{
	struct ydoc *d = parse_ok("{\n"
				  "\t\"kind\": \"KubeletConfiguration\",\n"
				  "\t\"apiVersion\": \"kubelet.config.k8s.io/v1beta1\",\n"
				  "\t\"authentication\": {\n"
				  "\t\t\"anonymous\": {\"enabled\": false},\n"
				  "\t\t\"x509\": {\"clientCAFile\":"
				  " \"/etc/kubernetes/pki/ca.crt\"}\n"
				  "\t},\n"
				  "\t\"authorization\": {\"mode\": \"Webhook\"},\n"
				  "\t\"readOnlyPort\": 0,\n"
				  "\t\"tlsCipherSuites\": [\"TLS_AES_128_GCM_SHA256\","
				  "\"TLS_AES_256_GCM_SHA384\"],\n"
				  "\t\"staticPodPath\": null,\n"
				  "\t\"eventRecordQPS\":5\n"
				  "}\n");
	const struct ynode *n;

	ck_assert_int_eq(d->root->kind, YN_MAP);
	ck_assert_uint_eq(d->root->nitems, 16);
	n = scalar_at(d->root, "authentication.anonymous.enabled");
	ck_assert_str_eq(n->scalar, "false");
	ck_assert_int_eq(n->quoted, 0);
	ck_assert_int_eq(n->line, 5);
	n = ynode_lookup_key(d->root, "authentication.anonymous.enabled");
	ck_assert_int_eq(n->line, 5);
	ck_assert_int_eq(n->col, 17);
	ck_assert_int_eq(n->quoted, 1);
	n = scalar_at(d->root, "authorization.mode");
	ck_assert_str_eq(n->scalar, "Webhook");
	ck_assert_int_eq(n->quoted, 1);
	ck_assert_str_eq(scalar_at(d->root, "authentication.x509.clientCAFile")->scalar,
			 "/etc/kubernetes/pki/ca.crt");
	ck_assert_str_eq(scalar_at(d->root, "readOnlyPort")->scalar, "0");
	ck_assert_int_eq(scalar_at(d->root, "staticPodPath")->is_null, 1);
	ck_assert_str_eq(scalar_at(d->root, "eventRecordQPS")->scalar, "5");
	n = ynode_lookup(d->root, "tlsCipherSuites");
	ck_assert_int_eq(n->kind, YN_SEQ);
	ck_assert_uint_eq(n->nitems, 2);
	ck_assert_str_eq(n->items[1]->scalar, "TLS_AES_256_GCM_SHA384");
	ydoc_free(d);
}
END_TEST

START_TEST(test_json_compact_and_errors)
{
	struct ydoc *d = parse_ok("{\"a\":{\"b\":[1,2,{\"c\":\"d\"}]},\"e\":\"\"}");
	const struct ynode *n = ynode_lookup(d->root, "a.b");
	char *err;

	ck_assert_uint_eq(n->nitems, 3);
	ck_assert_str_eq(ynode_map_get(n->items[2], "c")->scalar, "d");
	ck_assert_int_eq(scalar_at(d->root, "e")->is_null, 0);
	ydoc_free(d);

	err = parse_err("{\n  \"a\": 1,\n  \"b\": [1, 2\n}\n");
	ck_assert_prefix(err, "t.yaml:4:1: ");
	free(err);
}
END_TEST

/* ---- documents ---- */

START_TEST(test_empty)
{
	static const char *empties[] = {"",	 "\n\n",       "# only a comment\n",
					"---\n", "---\n...\n", "   \n# x\n---\n"};
	struct ydoc *d;
	char *err = NULL;

	for (size_t i = 0; i < sizeof(empties) / sizeof(empties[0]); i++) {
		d = parse_ok(empties[i]);
		ck_assert_msg(d->root == NULL, "\"%s\" should have no root", empties[i]);
		ck_assert_str_eq(ynode_lookup(d->root, "a") ? "found" : "none", "none");
		ydoc_free(d);
	}
	d = yaml_parse_buf(NULL, 0, NULL, &err);
	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_null(d->root);
	ydoc_free(d);

	/* an explicit null is a document, not an empty one */
	d = parse_ok("null\n");
	ck_assert_ptr_nonnull(d->root);
	ck_assert_int_eq(d->root->is_null, 1);
	ydoc_free(d);
	d = parse_ok("--- \"\"\n");
	ck_assert_ptr_nonnull(d->root);
	ck_assert_int_eq(d->root->quoted, 1);
	ydoc_free(d);
}
END_TEST

START_TEST(test_multi_document)
{
	struct ydoc *d = parse_ok("a: 1\n---\na: 2\nb: 3\n");

	ck_assert_str_eq(scalar_at(d->root, "a")->scalar, "1");
	ck_assert_ptr_null(ynode_lookup(d->root, "b"));
	ck_assert_uint_eq(d->root->nitems, 2);
	ydoc_free(d);

	d = parse_ok("---\nkind: A\n...\n---\nkind: B\n");
	ck_assert_str_eq(scalar_at(d->root, "kind")->scalar, "A");
	ck_assert_int_eq(d->root->line, 2);
	ydoc_free(d);

	/* anchors do not cross documents, and later documents are not built */
	d = parse_ok("- &x 1\n---\n- *x\n");
	ck_assert_str_eq(d->root->items[0]->scalar, "1");
	ydoc_free(d);
}
END_TEST

/* ---- lookups ---- */

START_TEST(test_lookups)
{
	struct ydoc *d = parse_ok("a:\n"
				  "  b:\n"
				  "    c: deep\n"
				  "  s: scalar\n"
				  "  l: [x, y]\n"
				  "  n:\n"
				  "dotted.key: v\n"
				  "\"\": emptykey\n"
				  "? [complex, key]\n"
				  ": z\n"
				  "1: one\n");

	ck_assert_str_eq(scalar_at(d->root, "a.b.c")->scalar, "deep");
	/* missing */
	ck_assert_ptr_null(ynode_lookup(d->root, "a.b.x"));
	ck_assert_ptr_null(ynode_lookup(d->root, "nope"));
	ck_assert_ptr_null(ynode_lookup(d->root, "a.b.c.d"));
	ck_assert_ptr_null(ynode_lookup_key(d->root, "a.b.x"));
	ck_assert_ptr_null(ynode_lookup(d->root, "a."));
	ck_assert_ptr_null(ynode_lookup(d->root, ".a"));
	ck_assert_ptr_null(ynode_lookup(d->root, "a.bb"));
	ck_assert_ptr_null(ynode_lookup(d->root, "a.b.cc"));
	/* through non-maps */
	ck_assert_ptr_null(ynode_lookup(d->root, "a.s.x"));
	ck_assert_ptr_null(ynode_lookup(d->root, "a.l.x"));
	ck_assert_ptr_null(ynode_lookup(d->root, "a.l.0"));
	ck_assert_ptr_null(ynode_lookup(d->root, "a.n.x"));
	ck_assert_ptr_null(ynode_lookup(ynode_lookup(d->root, "a.l"), "x"));
	ck_assert_ptr_null(ynode_map_get(ynode_lookup(d->root, "a.s"), "x"));
	ck_assert_ptr_null(ynode_map_get(NULL, "x"));
	ck_assert_ptr_null(ynode_map_get(d->root, NULL));
	ck_assert_ptr_null(ynode_lookup(NULL, "a"));
	ck_assert_ptr_null(ynode_lookup(d->root, NULL));
	ck_assert_ptr_null(ynode_lookup_key(NULL, "a"));
	/* a null value is found, and is null */
	ck_assert_int_eq(scalar_at(d->root, "a.n")->is_null, 1);
	/* keys with dots */
	ck_assert_ptr_null(ynode_lookup(d->root, "dotted.key"));
	ck_assert_str_eq(ynode_map_get(d->root, "dotted.key")->scalar, "v");
	ck_assert_str_eq(ynode_map_get(d->root, "")->scalar, "emptykey");
	ck_assert_str_eq(ynode_lookup(d->root, "")->scalar, "emptykey");
	ck_assert_str_eq(ynode_map_get(d->root, "1")->scalar, "one");
	/* complex keys are kept but never match a string */
	ck_assert_ptr_null(ynode_map_get(d->root, "complex"));
	ck_assert_uint_eq(d->root->nitems, 10);
	ck_assert_int_eq(d->root->items[6]->kind, YN_SEQ);
	ck_assert_str_eq(d->root->items[7]->scalar, "z");
	/* lookup from an inner node */
	ck_assert_str_eq(scalar_at(ynode_lookup(d->root, "a"), "b.c")->scalar, "deep");
	ck_assert_int_eq(ynode_lookup_key(ynode_lookup(d->root, "a"), "b.c")->line, 3);
	ydoc_free(d);
}
END_TEST

START_TEST(test_lookup_root_not_map)
{
	struct ydoc *d = parse_ok("- a\n- b\n");

	ck_assert_ptr_null(ynode_lookup(d->root, "a"));
	ck_assert_ptr_null(ynode_map_get(d->root, "a"));
	ydoc_free(d);
	d = parse_ok("just text\n");
	ck_assert_ptr_null(ynode_lookup(d->root, "just"));
	ck_assert_str_eq(d->root->scalar, "just text");
	ydoc_free(d);
}
END_TEST

START_TEST(test_merge_key_not_expanded)
{
	struct ydoc *d = parse_ok("base: &b {x: 1}\nchild:\n  <<: *b\n  y: 2\n");

	ck_assert_ptr_null(ynode_lookup(d->root, "child.x"));
	ck_assert_ptr_eq(ynode_lookup(d->root, "child.<<"), ynode_lookup(d->root, "base"));
	ydoc_free(d);
}
END_TEST

static Suite *
yamlcfg_suite(void)
{
	Suite *s = suite_create("yamlcfg");
	TCase *tc = tcase_create("core");
	TCase *big = tcase_create("limits");

	tcase_add_test(tc, test_positions);
	tcase_add_test(tc, test_positions_flow_and_multibyte);
	tcase_add_test(tc, test_quoted_vs_plain);
	tcase_add_test(tc, test_null_forms);
	tcase_add_test(tc, test_nul_in_scalar);
	tcase_add_test(tc, test_aliases);
	tcase_add_test(tc, test_alias_as_key);
	tcase_add_test(tc, test_alias_unknown);
	tcase_add_test(tc, test_alias_loop);
	tcase_add_test(tc, test_alias_sibling_not_loop);
	tcase_add_test(tc, test_billion_laughs);
	tcase_add_test(tc, test_duplicate_keys);
	tcase_add_test(tc, test_same_key_different_maps);
	tcase_add_test(tc, test_duplicate_key_sanitized);
	tcase_add_test(tc, test_depth_limit);
	tcase_add_test(tc, test_depth_limit_block);
	tcase_add_test(tc, test_fd_read);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_name_in_message);
	tcase_add_test(tc, test_non_utf8);
	tcase_add_test(tc, test_bom);
	tcase_add_test(tc, test_json_kubelet);
	tcase_add_test(tc, test_json_compact_and_errors);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_multi_document);
	tcase_add_test(tc, test_lookups);
	tcase_add_test(tc, test_lookup_root_not_map);
	tcase_add_test(tc, test_merge_key_not_expanded);
	suite_add_tcase(s, tc);

	/* big inputs: generous time for valgrind and sanitizer builds */
	tcase_set_timeout(big, 300);
	tcase_add_test(big, test_node_limit);
	tcase_add_test(big, test_fd_size_limit);
	suite_add_tcase(s, big);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(yamlcfg_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
