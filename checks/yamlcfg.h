/* yamlcfg.h - YAML (and JSON) documents parsed with libyaml into a small tree
 * that keeps line and column numbers for evidence.
 *
 * Only the first document of a stream is kept. Aliases are resolved to the
 * anchored node (no copying, so "billion laughs" inputs cost nothing);
 * merge keys ("<<") are not expanded. Limits: input size (yaml_parse_fd),
 * nesting depth 64, 1,000,000 nodes.
 *
 * Ownership: yaml_parse_* return a struct ydoc the caller frees with
 * ydoc_free; every node belongs to its document.
 */
#ifndef KA_YAMLCFG_H
#define KA_YAMLCFG_H

#include <stddef.h>

enum ynode_kind { YN_SCALAR, YN_SEQ, YN_MAP };

struct ynode {
	enum ynode_kind kind;
	int line;	      /* 1-based */
	int col;	      /* 1-based */
	char *scalar;	      /* YN_SCALAR: the text */
	int quoted;	      /* YN_SCALAR: written in quotes (so "true" is a string) */
	int is_null;	      /* YN_SCALAR: ~, null, Null, NULL or empty plain scalar */
	struct ynode **items; /* YN_SEQ: items; YN_MAP: keys and values alternate */
	size_t nitems;	      /* YN_SEQ: count; YN_MAP: 2 * number of pairs */
};

struct ydoc {
	char *path;	    /* for messages */
	struct ynode *root; /* NULL for an empty document */
	/* private: node storage */
	struct ynode **all;
	size_t nall, capall;
	void *arena; /* non-NULL: nodes, items and scalars live in it (ycache) */
};

#define YAML_MAX_DEPTH 64 /* nested collections */
#define YAML_MAX_NODES 1000000

#define YAML_MAX_FILE (4u << 20) /* 4 MiB: larger config files are refused */

/* Parse errors: return NULL, errno EINVAL, and *err = "file:line:col: problem"
 * (caller frees). I/O errors: NULL with errno from the system call and *err. */
struct ydoc *yaml_parse_buf(const char *buf, size_t len, const char *name, char **err);
/* Reads the file from an already-open descriptor (see files.h), at most
 * YAML_MAX_FILE bytes (EFBIG beyond). The descriptor is not closed. */
struct ydoc *yaml_parse_fd(int fd, const char *name, char **err);
/* The bytes yaml_parse_fd would parse (at most YAML_MAX_FILE, EFBIG
 * beyond): a malloc'd buffer and *len, or NULL with errno and *err. */
char *yaml_read_fd(int fd, size_t *len, const char *name, char **err);
void ydoc_free(struct ydoc *d);

/* Looks up a dotted path from node n: "authentication.anonymous.enabled".
 * A segment "name[]" is not supported here; use ynode_map_get and iterate.
 * Keys containing dots can be looked up with ynode_map_get. Returns NULL
 * when any segment is missing or a node on the way is not a mapping. */
const struct ynode *ynode_lookup(const struct ynode *n, const char *dotted);
const struct ynode *ynode_map_get(const struct ynode *map, const char *key);
/* Line of the key that introduced a value found by lookup (for evidence):
 * ynode_lookup_key returns the key node, or NULL. */
const struct ynode *ynode_lookup_key(const struct ynode *n, const char *dotted);

#endif
