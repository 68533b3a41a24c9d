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
	struct strv sha256;  /* hex SHA-256 of each certificate's DER, in file order */
	struct strv subject; /* one-line subject of each certificate (sanitized) */
};

/* Parses every PEM certificate in buf. Returns the number found (0 when the
 * buffer holds none), or -1 with *err (caller frees) when libcrypto cannot be
 * loaded or a certificate block is malformed. */
int certs_load(const char *buf, size_t len, struct certlist *out, char **err);
void certlist_free(struct certlist *cl);

#endif
