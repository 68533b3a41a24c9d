/* certs.h - certificate bundles, read with OpenSSL's libcrypto.
 *
 * libcrypto is opened with dlopen on first use, so a scan that reads no
 * certificate (and the daemon's resident image) never pays for loading it
 * (DESIGN 2, "what linking costs"). Only certificates are parsed; key files
 * are never opened and no key material is ever copied.
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

/* Parses every PEM certificate in buf. Returns the number found (0 when the
 * buffer holds none), or -1 with *err (caller frees) when libcrypto cannot be
 * loaded or a certificate block is malformed. */
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
