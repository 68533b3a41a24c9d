/* certs.h - certificate bundles, read with OpenSSL's libcrypto.
 *
 * Bundles are decoded from PEM to DER without libcrypto, and certificates
 * are compared by their DER bytes. libcrypto is opened with dlopen only to
 * describe a certificate to a person (subject, fingerprint), so a scan and
 * the daemon's resident image do not pay its 3 MB and ~2 ms (DESIGN 2,
 * "what linking costs"). Only certificate blocks are decoded; key blocks are
 * skipped unread and key material is never copied.
 *
 * Ownership: certs_load fills a caller's struct certlist (certlist_free).
 */
#ifndef KA_CERTS_H
#define KA_CERTS_H

#include "util.h"

struct certlist {
	size_t n;
	unsigned char **der; /* each certificate's DER, in file order */
	long *derlen;
};

/* Decodes every PEM certificate block in buf. Returns the number found (0
 * when the buffer holds none), or -1 with *err (caller frees) when a block is
 * malformed. Entries found before an error stay in out (certlist_free). */
int certs_load(const char *buf, size_t len, struct certlist *out, char **err);
void certlist_free(struct certlist *cl);
/* The one-line subject of certificate i (sanitized, caller frees), decoded
 * on demand: decoding a whole certificate costs far more than hashing it. */
char *certs_subject(const struct certlist *cl, size_t i);
/* Hex SHA-256 of certificate i's DER (caller frees). */
char *certs_sha256(const struct certlist *cl, size_t i);
/* Index in cl of a certificate with exactly the DER of other's i-th, or -1:
 * the same certificate, whatever the file or its name. */
int certs_find(const struct certlist *cl, const struct certlist *other, size_t i);

#endif
