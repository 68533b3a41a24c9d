/* fuzz_yamlcfg.c - libFuzzer target for the YAML/JSON tree parser.
 *
 * Build: clang -fsanitize=fuzzer,address -I. -Ichecks checks/util.c
 *        checks/yamlcfg.c tests/fuzz_yamlcfg.c $(pkg-config --cflags --libs yaml-0.1)
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "yamlcfg.h"

/* Touches every field of a node; a visit budget bounds the walk, since
 * aliases make the tree a DAG whose unfolding can be exponential. */
static size_t
walk(const struct ynode *n, int depth, size_t *budget)
{
	size_t sum = 0;

	if (n == NULL || *budget == 0 || depth > 100)
		return 0;
	(*budget)--;
	sum += (size_t)n->line + (size_t)n->col + (size_t)n->kind;
	if (n->kind == YN_SCALAR) {
		sum += strlen(n->scalar) + (size_t)n->quoted + (size_t)n->is_null;
		return sum;
	}
	if (n->kind == YN_MAP && n->nitems % 2 != 0)
		abort(); /* keys and values must pair up */
	for (size_t i = 0; i < n->nitems; i++)
		sum += walk(n->items[i], depth + 1, budget);
	return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *paths[] = {
		"kind", "authentication.anonymous.enabled", "a.b.c", "", "a..b", "readOnlyPort"};
	char *err = NULL;
	struct ydoc *d = yaml_parse_buf((const char *)data, size, "fuzz.yaml", &err);
	volatile size_t sink = 0;
	size_t budget = 100000;

	if (d == NULL) {
		/* every failure must explain itself */
		if (err == NULL || strncmp(err, "fuzz.yaml", 9) != 0)
			abort();
		free(err);
		return 0;
	}
	if (err != NULL)
		abort();
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		const struct ynode *v = ynode_lookup(d->root, paths[i]);
		const struct ynode *k = ynode_lookup_key(d->root, paths[i]);

		if ((v == NULL) != (k == NULL))
			abort();
		sink += v ? (size_t)v->line : 0;
	}
	if (d->root && d->root->kind == YN_MAP) {
		for (size_t i = 0; i + 1 < d->root->nitems; i += 2) {
			const struct ynode *k = d->root->items[i];

			if (k->kind == YN_SCALAR && ynode_map_get(d->root, k->scalar) == NULL)
				abort();
			if (k->kind == YN_SCALAR)
				sink += ynode_lookup(d->root->items[i + 1], k->scalar) != NULL;
		}
	}
	sink += walk(d->root, 0, &budget);
	(void)sink;
	ydoc_free(d);
	return 0;
}
