/* fuzz_ycache.c - libFuzzer target for the profile cache decoder
 * (checks/ycache.c). The input is a cache file; the harness points its
 * source fields at an empty source and reseals it, so that the fuzzer gets
 * past the identity and damage checks into the structure the decoder must
 * validate (counts, indices, strings, cycles, depth).
 *
 * Build: ./configure --enable-fuzzer CC=clang; make tests/fuzz_ycache
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "yamlcfg.h"
#include "ycache.h"

/* Touches every node once (the decoder guarantees a DAG of bounded depth,
 * and every node is in d->all). */
static size_t
touch(const struct ydoc *d)
{
	size_t sum = 0;

	for (size_t i = 0; i < d->nall; i++) {
		const struct ynode *n = d->all[i];

		sum += (size_t)n->line + (size_t)n->col + n->nitems;
		if (n->scalar)
			sum += strlen(n->scalar);
		for (size_t k = 0; k < n->nitems; k++)
			sum += (size_t)n->items[k]->kind;
	}
	return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = xmalloc(size + 1);
	struct ydoc *d;
	uint64_t zero = 0, h = ycache_hash("", 0);
	volatile size_t sink;

	memcpy(buf, data, size);
	if (size >= YCACHE_HEADER_SIZE) {
		/* the source: zero bytes (srclen at 16, srchash at 24) */
		memcpy(buf + 16, &zero, sizeof(zero));
		memcpy(buf + 24, &h, sizeof(h));
		ycache_reseal(buf, size);
	}
	d = ycache_decode(buf, size, "", 0, "fuzz");
	if (d) {
		sink = touch(d);
		(void)sink;
		ydoc_free(d);
	}
	free(buf);
	return 0;
}
