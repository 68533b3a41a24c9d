/* certs.c - PEM certificate bundles; libcrypto (dlopen'ed) names them. */
#include "config.h"

#include <dlfcn.h>
#include <netinet/in.h>
#include <resolv.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certs.h"

#ifndef KA_LIBCRYPTO_SONAME
#define KA_LIBCRYPTO_SONAME "libcrypto.so.3"
#endif

static struct {
	int tried;
	void *h;
	int (*evp_digest)(const void *, size_t, unsigned char *, unsigned int *, const EVP_MD *,
			  ENGINE *);
	const EVP_MD *(*evp_sha256)(void);
	X509 *(*d2i_x509)(X509 **, const unsigned char **, long);
	int (*init_crypto)(uint64_t, const void *);
	X509_NAME *(*x509_get_subject_name)(const X509 *);
	char *(*x509_name_oneline)(const X509_NAME *, char *, int);
	void (*x509_free)(X509 *);
	unsigned long (*err_get_error)(void);
	void (*err_clear_error)(void);
} lc;

static int
libcrypto_open(char **err)
{
	static const char *const names[] = {KA_LIBCRYPTO_SONAME, "libcrypto.so.3",
					    "libcrypto.so.1.1", "libcrypto.so", NULL};

	if (lc.tried)
		goto check;
	lc.tried = 1;
	for (int i = 0; names[i] && lc.h == NULL; i++)
		lc.h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (lc.h == NULL)
		goto check;
#define SYM(field, name)                                                                           \
	do {                                                                                       \
		*(void **)&lc.field = dlsym(lc.h, name);                                           \
		if (lc.field == NULL) {                                                            \
			dlclose(lc.h);                                                             \
			lc.h = NULL;                                                               \
			goto check;                                                                \
		}                                                                                  \
	} while (0)
	SYM(evp_digest, "EVP_Digest");
	SYM(evp_sha256, "EVP_sha256");
	SYM(d2i_x509, "d2i_X509");
	SYM(init_crypto, "OPENSSL_init_crypto");
	SYM(x509_get_subject_name, "X509_get_subject_name");
	SYM(x509_name_oneline, "X509_NAME_oneline");
	SYM(x509_free, "X509_free");
	SYM(err_get_error, "ERR_get_error");
	SYM(err_clear_error, "ERR_clear_error");
#undef SYM
	/* openssl.cnf is irrelevant to hashing certificates, and loading it
	 * (with its providers) costs more than the rest of the work */
	lc.init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
check:
	if (lc.h == NULL) {
		*err = xasprintf("cannot load OpenSSL's libcrypto (%s)", KA_LIBCRYPTO_SONAME);
		return -1;
	}
	return 0;
}

/* Only the certificate blocks of a bundle count; keys are never decoded. */
static int
is_cert_label(const char *l, size_t n)
{
	return (n == 11 && memcmp(l, "CERTIFICATE", 11) == 0) ||
	       (n == 16 && memcmp(l, "X509 CERTIFICATE", 16) == 0) ||
	       (n == 19 && memcmp(l, "TRUSTED CERTIFICATE", 19) == 0);
}

/* PEM is base64 between BEGIN and END lines. Decoding it needs no X.509
 * parser: certificates are compared by their DER bytes, and libcrypto (3 MB
 * and ~2 ms to load) is opened only to name a certificate to a person. */
int
certs_load(const char *buf, size_t len, struct certlist *out, char **err)
{
	static const char begin[] = "-----BEGIN ", dashes[] = "-----";
	const char *p = buf, *end = buf + len;
	int n = 0;

	if (len > 16u << 20) {
		*err = xasprintf("certificate bundle larger than 16 MiB");
		return -1;
	}
	while ((p = memmem(p, (size_t)(end - p), begin, sizeof(begin) - 1)) != NULL) {
		const char *label = p + sizeof(begin) - 1, *lend, *body, *bend;
		char endmark[128];
		size_t llen;
		char *b64;
		unsigned char *der;
		int dlen;

		lend = memmem(label, (size_t)(end - label), dashes, sizeof(dashes) - 1);
		if (lend == NULL || (llen = (size_t)(lend - label)) >= 64 ||
		    memchr(label, '\n', llen)) {
			*err = xasprintf("malformed PEM BEGIN line");
			return -1;
		}
		body = lend + sizeof(dashes) - 1;
		snprintf(endmark, sizeof(endmark), "-----END %.*s-----", (int)llen, label);
		bend = memmem(body, (size_t)(end - body), endmark, strlen(endmark));
		if (bend == NULL) {
			*err = xasprintf("PEM block %.*s has no END line", (int)llen, label);
			return -1;
		}
		p = bend + strlen(endmark);
		if (!is_cert_label(label, llen))
			continue;
		b64 = xstrndup(body, (size_t)(bend - body));
		der = xmalloc((size_t)(bend - body) + 1);
		dlen = b64_pton(b64, der, (size_t)(bend - body) + 1);
		free(b64);
		/* a DER certificate is a SEQUENCE */
		if (dlen < 2 || der[0] != 0x30) {
			free(der);
			*err = xasprintf("certificate %d is not valid base64 DER", n + 1);
			return -1;
		}
		out->der = xrealloc(out->der, (out->n + 1) * sizeof(*out->der));
		out->derlen = xrealloc(out->derlen, (out->n + 1) * sizeof(*out->derlen));
		out->der[out->n] = der;
		out->derlen[out->n] = dlen;
		out->n++;
		n++;
	}
	return n;
}

void
certlist_free(struct certlist *cl)
{
	for (size_t i = 0; i < cl->n; i++)
		free(cl->der[i]);
	free(cl->der);
	free(cl->derlen);
	cl->der = NULL;
	cl->derlen = NULL;
	cl->n = 0;
}

char *
certs_subject(const struct certlist *cl, size_t i)
{
	const unsigned char *p;
	char subj[512], *err = NULL;
	X509 *x;

	if (i >= cl->n || libcrypto_open(&err) < 0) {
		free(err);
		return xstrdup("?");
	}
	p = cl->der[i];
	x = lc.d2i_x509(NULL, &p, cl->derlen[i]);
	if (x == NULL) {
		lc.err_clear_error();
		return xstrdup("(not a valid X.509 certificate)");
	}
	lc.x509_name_oneline(lc.x509_get_subject_name(x), subj, sizeof(subj));
	lc.x509_free(x);
	return str_sanitize(subj);
}

char *
certs_sha256(const struct certlist *cl, size_t i)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1], *err = NULL;

	if (i >= cl->n || libcrypto_open(&err) < 0 ||
	    lc.evp_digest(cl->der[i], (size_t)cl->derlen[i], md, &mdlen, lc.evp_sha256(), NULL) !=
		    1) {
		free(err);
		return xstrdup("?");
	}
	for (unsigned k = 0; k < mdlen; k++)
		snprintf(hex + 2 * k, 3, "%02x", md[k]);
	return xstrdup(hex);
}

int
certs_find(const struct certlist *cl, const struct certlist *other, size_t i)
{
	for (size_t k = 0; k < cl->n; k++)
		if (cl->derlen[k] == other->derlen[i] &&
		    memcmp(cl->der[k], other->der[i], (size_t)cl->derlen[k]) == 0)
			return (int)k;
	return -1;
}
