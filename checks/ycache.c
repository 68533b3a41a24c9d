/* ycache.c - the binary form of a parsed YAML document; see ycache.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "ycache.h"

#define YC_MAGIC "KAYCACHE"
#define YC_VERSION 1u
#define YC_BOM 0x01020304u
#define YC_NONE 0xffffffffu

/* flags of a node record */
#define YC_QUOTED 1u
#define YC_NULL 2u
#define YC_SCALAR 4u /* has a scalar (scalar nodes always do) */

struct yc_header {
	char magic[8];
	uint32_t version;
	uint32_t bom;
	uint64_t srclen;
	uint64_t srchash;
	uint32_t nnodes;
	uint32_t root;	/* index, or YC_NONE for an empty document */
	uint32_t nrefs; /* item indices in all */
	uint32_t strbytes;
	uint64_t seal; /* hash of the whole file with this field 0: damage is refused */
};

struct yc_node {
	uint8_t kind;
	uint8_t flags;
	uint16_t pad;
	int32_t line;
	int32_t col;
	uint32_t nitems;
	uint32_t first; /* first item index in the refs array */
	uint32_t slen;	/* scalar length, without its NUL */
};

/* Eight bytes at a time, multiply and shift to mix (in the manner of
 * FNV and splitmix64): an identity check and a guard against damage, not a
 * defence against someone who can write the files (the loader's owner and
 * mode checks are that). */
_Static_assert(sizeof(struct yc_header) == YCACHE_HEADER_SIZE, "cache header layout");
_Static_assert(sizeof(struct yc_node) == YCACHE_NODE_SIZE, "cache node layout");

uint64_t
ycache_hash(const char *buf, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull ^ (len * 0x9e3779b97f4a7c15ull), w;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, buf + i, 8);
		h = (h ^ w) * 0x100000001b3ull;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, buf + i, len - i);
	h = (h ^ w) * 0x100000001b3ull;
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	return h ^ (h >> 31);
}

/* Index of node n in d->all (nodes are few per lookup: a linear search
 * would be quadratic, so the encoder builds a sorted map once). */
struct yc_ix {
	const struct ynode *n;
	uint32_t i;
};

static int
ix_cmp(const void *a, const void *b)
{
	const struct ynode *x = ((const struct yc_ix *)a)->n, *y = ((const struct yc_ix *)b)->n;

	return x < y ? -1 : x > y;
}

static uint32_t
ix_find(const struct yc_ix *ix, size_t n, const struct ynode *node)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix[mid].n == node)
			return ix[mid].i;
		if (ix[mid].n < node)
			lo = mid + 1;
		else
			hi = mid;
	}
	return YC_NONE;
}

char *
ycache_encode(const struct ydoc *d, const char *src, size_t srclen, size_t *out_len)
{
	struct yc_header h;
	struct yc_ix *ix = xcalloc(d->nall ? d->nall : 1, sizeof(*ix));
	size_t nrefs = 0, strbytes = 0, off, len;
	char *buf, *refs_at, *str_at;

	for (size_t i = 0; i < d->nall; i++) {
		ix[i].n = d->all[i];
		ix[i].i = (uint32_t)i;
		nrefs += d->all[i]->nitems;
		if (d->all[i]->scalar)
			strbytes += strlen(d->all[i]->scalar) + 1;
	}
	qsort(ix, d->nall, sizeof(*ix), ix_cmp);
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, YC_MAGIC, sizeof(h.magic));
	h.version = YC_VERSION;
	h.bom = YC_BOM;
	h.srclen = srclen;
	h.srchash = ycache_hash(src, srclen);
	h.nnodes = (uint32_t)d->nall;
	h.root = d->root ? ix_find(ix, d->nall, d->root) : YC_NONE;
	h.nrefs = (uint32_t)nrefs;
	h.strbytes = (uint32_t)strbytes;
	len = sizeof(h) + d->nall * sizeof(struct yc_node) + nrefs * sizeof(uint32_t) + strbytes;
	buf = xcalloc(1, len);
	memcpy(buf, &h, sizeof(h));
	refs_at = buf + sizeof(h) + d->nall * sizeof(struct yc_node);
	str_at = refs_at + nrefs * sizeof(uint32_t);
	nrefs = 0;
	off = 0;
	for (size_t i = 0; i < d->nall; i++) {
		const struct ynode *n = d->all[i];
		struct yc_node r;

		memset(&r, 0, sizeof(r));
		r.kind = (uint8_t)n->kind;
		r.flags = (uint8_t)((n->quoted ? YC_QUOTED : 0) | (n->is_null ? YC_NULL : 0) |
				    (n->scalar ? YC_SCALAR : 0));
		r.line = n->line;
		r.col = n->col;
		r.nitems = (uint32_t)n->nitems;
		r.first = (uint32_t)nrefs;
		for (size_t k = 0; k < n->nitems; k++) {
			uint32_t t = ix_find(ix, d->nall, n->items[k]);

			memcpy(refs_at + nrefs++ * sizeof(t), &t, sizeof(t));
		}
		if (n->scalar) {
			size_t sl = strlen(n->scalar);

			r.slen = (uint32_t)sl;
			memcpy(str_at + off, n->scalar, sl + 1);
			off += sl + 1;
		}
		memcpy(buf + sizeof(h) + i * sizeof(r), &r, sizeof(r));
	}
	free(ix);
	ycache_reseal(buf, len);
	*out_len = len;
	return buf;
}

/* The seal: the hash of the header (its seal field zero) mixed with the
 * hash of the rest. */
static uint64_t
seal_of(const char *buf, size_t len)
{
	struct yc_header h;

	memcpy(&h, buf, sizeof(h));
	h.seal = 0;
	return ycache_hash((const char *)&h, sizeof(h)) * 0x9e3779b97f4a7c15ull ^
	       ycache_hash(buf + sizeof(h), len - sizeof(h));
}

void
ycache_reseal(char *buf, size_t len)
{
	struct yc_header h;

	if (len < sizeof(h))
		return;
	memcpy(&h, buf, sizeof(h));
	h.seal = seal_of(buf, len);
	memcpy(buf, &h, sizeof(h));
}

/* The tree below root is acyclic and at most YAML_MAX_DEPTH collections
 * deep, as the parser guarantees for what it builds. Iterative depth-first
 * walk: state 0 new, 1 on the path, 2 done (its height known). */
static int
tree_ok(struct ydoc *d, uint32_t root)
{
	size_t n = d->nall;
	unsigned char *state = xcalloc(n, 1);
	unsigned *height = xcalloc(n, sizeof(*height));
	struct {
		uint32_t node;
		size_t next;
	} *stack = xcalloc(YAML_MAX_DEPTH + 2, sizeof(*stack));
	size_t sp = 0;
	unsigned hmax;
	int ok = 1;

	stack[sp].node = root;
	stack[sp++].next = 0;
	state[root] = 1;
	while (sp > 0 && ok) {
		uint32_t cur = stack[sp - 1].node;
		const struct ynode *c = d->all[cur];

		if (stack[sp - 1].next < c->nitems) {
			const struct ynode *child = c->items[stack[sp - 1].next++];
			/* the arena holds the nodes in index order */
			uint32_t ci = (uint32_t)(child - d->all[0]);

			if (state[ci] == 1) {
				ok = 0; /* a cycle */
			} else if (state[ci] == 0) {
				if (sp == YAML_MAX_DEPTH + 1) {
					ok = 0; /* deeper than the parser allows */
				} else {
					state[ci] = 1;
					stack[sp].node = ci;
					stack[sp++].next = 0;
				}
			}
			continue;
		}
		/* all children done: the height is one more than the highest */
		hmax = 0;
		for (size_t k = 0; k < c->nitems; k++) {
			uint32_t ci = (uint32_t)(c->items[k] - d->all[0]);

			if (height[ci] > hmax)
				hmax = height[ci];
		}
		height[cur] = hmax + 1;
		if (height[cur] > YAML_MAX_DEPTH + 1)
			ok = 0; /* a shared node made a longer path */
		state[cur] = 2;
		sp--;
	}
	free(stack);
	free(height);
	free(state);
	return ok;
}

struct ydoc *
ycache_decode(const char *buf, size_t len, const char *src, size_t srclen, const char *name)
{
	struct yc_header h;
	const char *recs, *refs, *strs;
	struct ynode *nodes;
	struct ynode **items;
	char *arena, *pool;
	size_t need, stroff = 0;
	struct ydoc *d;

	if (buf == NULL || len < sizeof(h))
		return NULL;
	memcpy(&h, buf, sizeof(h));
	if (memcmp(h.magic, YC_MAGIC, sizeof(h.magic)) != 0 || h.version != YC_VERSION ||
	    h.bom != YC_BOM || h.srclen != srclen || h.nnodes > YAML_MAX_NODES ||
	    h.nrefs > 4u * YAML_MAX_NODES || h.strbytes > YAML_MAX_FILE + (size_t)h.nnodes ||
	    (h.root != YC_NONE && h.root >= h.nnodes) || (h.root == YC_NONE) != (h.nnodes == 0))
		return NULL;
	need = sizeof(h) + (size_t)h.nnodes * sizeof(struct yc_node) +
	       (size_t)h.nrefs * sizeof(uint32_t) + h.strbytes;
	if (len != need || h.srchash != ycache_hash(src, srclen) || h.seal != seal_of(buf, len))
		return NULL;
	recs = buf + sizeof(h);
	refs = recs + (size_t)h.nnodes * sizeof(struct yc_node);
	strs = refs + (size_t)h.nrefs * sizeof(uint32_t);
	if (h.strbytes > 0 && strs[h.strbytes - 1] != '\0')
		return NULL;

	/* one block: nodes, then item pointers, then the scalars */
	arena = xmalloc((size_t)h.nnodes * sizeof(struct ynode) +
			(size_t)h.nrefs * sizeof(struct ynode *) + h.strbytes + 1);

	nodes = (struct ynode *)arena;
	items = (struct ynode **)(arena + (size_t)h.nnodes * sizeof(struct ynode));
	pool = (char *)(items + h.nrefs);
	memcpy(pool, strs, h.strbytes);
	d = xcalloc(1, sizeof(*d));
	d->arena = arena;
	d->path = xstrdup(name ? name : "<input>");
	d->all = xcalloc(h.nnodes ? h.nnodes : 1, sizeof(*d->all));
	d->nall = d->capall = h.nnodes;
	for (uint32_t i = 0; i < h.nnodes; i++) {
		struct yc_node r;
		struct ynode *n = &nodes[i];

		memcpy(&r, recs + (size_t)i * sizeof(r), sizeof(r));
		d->all[i] = n;
		memset(n, 0, sizeof(*n));
		if (r.kind > YN_MAP || r.line < 1 || r.col < 1 ||
		    (size_t)r.first + r.nitems > h.nrefs ||
		    (r.kind == YN_SCALAR) != ((r.flags & YC_SCALAR) != 0) ||
		    (r.kind == YN_SCALAR && r.nitems != 0) ||
		    (r.kind == YN_MAP && r.nitems % 2 != 0))
			goto bad;
		n->kind = (enum ynode_kind)r.kind;
		n->line = r.line;
		n->col = r.col;
		n->quoted = (r.flags & YC_QUOTED) != 0;
		n->is_null = (r.flags & YC_NULL) != 0;
		if (r.flags & YC_SCALAR) {
			/* the next string of the pool, exactly slen bytes long */
			if (stroff + r.slen >= h.strbytes || pool[stroff + r.slen] != '\0' ||
			    memchr(pool + stroff, '\0', r.slen) != NULL)
				goto bad;
			n->scalar = pool + stroff;
			stroff += (size_t)r.slen + 1;
		}
		n->nitems = r.nitems;
		n->items = r.nitems ? items + r.first : NULL;
		for (uint32_t k = 0; k < r.nitems; k++) {
			uint32_t t;

			memcpy(&t, refs + ((size_t)r.first + k) * sizeof(t), sizeof(t));
			if (t >= h.nnodes)
				goto bad;
			items[r.first + k] = &nodes[t];
		}
	}
	if (stroff != h.strbytes)
		goto bad;
	if (h.nnodes > 0) {
		d->root = &nodes[h.root];
		if (!tree_ok(d, h.root))
			goto bad;
	}
	return d;
bad:
	ydoc_free(d);
	return NULL;
}
