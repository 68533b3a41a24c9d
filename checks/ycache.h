/* ycache.h - a parsed YAML document (struct ydoc) kept in a compact binary
 * form beside its source, so that loading the profiles does not pay for
 * libyaml's scanner at every `kube-auditd --once`.
 *
 * A cache file FILE.yaml.cache is made at install time (ka-profile-cache)
 * from FILE.yaml. It records the length and a 64-bit hash of the exact bytes
 * it was made from; it is used only when the YAML file read now has the
 * same length and hash, so an edited profile is always parsed afresh. The
 * decoder trusts nothing else of the file: every count, index, length and
 * string is checked, and a tree with a cycle or nested deeper than the
 * parser allows is refused like a stale file (the caller then parses the
 * YAML). Line and column numbers are those of the YAML file, so messages
 * and evidence are the same either way.
 *
 * Layout (host byte order and a byte-order mark; another machine's cache is
 * refused): a 56-byte header, then one 24-byte record a node, then the item
 * indices (u32), then the scalars (NUL-terminated). The header holds a hash
 * of the whole file (a seal), so a damaged file is refused rather than read
 * as another tree.
 */
#ifndef KA_YCACHE_H
#define KA_YCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "yamlcfg.h"

#define YCACHE_SUFFIX ".cache"
#define YCACHE_HEADER_SIZE 56 /* bytes before the first node record */
#define YCACHE_NODE_SIZE                                                                           \
	24 /* one node record: kind u8, flags u8, pad u16,
				 line i32, col i32, nitems u32, first item u32,
				 scalar length u32 */

/* A 64-bit hash of len bytes: the identity of a source file and the check
 * of a cache's body. Not cryptographic. */
uint64_t ycache_hash(const char *buf, size_t len);

/* Encodes d, parsed from src[0..srclen), into a malloc'd buffer of
 * *out_len bytes. */
char *ycache_encode(const struct ydoc *d, const char *src, size_t srclen, size_t *out_len);

/* Recomputes the seal after buf was changed (for tests that build hostile
 * caches). */
void ycache_reseal(char *buf, size_t len);

/* Decodes buf[0..len) when it was made by this format from exactly
 * src[0..srclen); otherwise NULL (stale, foreign, damaged). name becomes the
 * document's path (for messages). The result is freed with ydoc_free. */
struct ydoc *ycache_decode(const char *buf, size_t len, const char *src, size_t srclen,
			   const char *name);

#endif
