/* certs.c - PEM certificate bundles through a dlopen'ed libcrypto. */
#include "config.h"

#include <dlfcn.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
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
	BIO *(*bio_new_mem_buf)(const void *, int);
	int (*pem_read_bio)(BIO *, char **, char **, unsigned char **, long *);
	int (*evp_digest)(const void *, size_t, unsigned char *, unsigned int *, const EVP_MD *,
			  ENGINE *);
	const EVP_MD *(*evp_sha256)(void);
	X509 *(*d2i_x509)(X509 **, const unsigned char **, long);
	void (*crypto_free)(void *, const char *, int);
	int (*init_crypto)(uint64_t, const void *);
	X509_NAME *(*x509_get_subject_name)(const X509 *);
	char *(*x509_name_oneline)(const X509_NAME *, char *, int);
	void (*x509_free)(X509 *);
	int (*bio_free)(BIO *);
	unsigned long (*err_get_error)(void);
	void (*err_clear_error)(void);
} lc;

static int
libcrypto_open(char **err)
{
	static const char *const names[] = {KA_LIBCRYPTO_SONAME, "libcrypto.so.3", "libcrypto.so.1.1",
					    "libcrypto.so", NULL};

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
	SYM(bio_new_mem_buf, "BIO_new_mem_buf");
	SYM(pem_read_bio, "PEM_read_bio");
	SYM(evp_digest, "EVP_Digest");
	SYM(evp_sha256, "EVP_sha256");
	SYM(d2i_x509, "d2i_X509");
	SYM(crypto_free, "CRYPTO_free");
	SYM(init_crypto, "OPENSSL_init_crypto");
	SYM(x509_get_subject_name, "X509_get_subject_name");
	SYM(x509_name_oneline, "X509_NAME_oneline");
	SYM(x509_free, "X509_free");
	SYM(bio_free, "BIO_free");
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

/* Counts PEM certificate blocks, so that a block OpenSSL cannot parse is an
 * error rather than a silently shorter list. */
static int
count_blocks(const char *buf, size_t len)
{
	static const char marker[] = "-----BEGIN CERTIFICATE-----";
	int n = 0;

	for (const char *p = buf; p && (size_t)(p - buf) < len;) {
		p = memmem(p, len - (size_t)(p - buf), marker, sizeof(marker) - 1);
		if (p) {
			n++;
			p += sizeof(marker) - 1;
		}
	}
	return n;
}

/* Only the certificate blocks of a bundle count; keys are never read. */
static int
is_cert_block(const char *name)
{
	return strcmp(name, "CERTIFICATE") == 0 || strcmp(name, "X509 CERTIFICATE") == 0 ||
	       strcmp(name, "TRUSTED CERTIFICATE") == 0;
}

int
certs_load(const char *buf, size_t len, struct certlist *out, char **err)
{
	BIO *bio;
	int n = 0, want, rc = 0;
	char *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	long derlen = 0;

	if (libcrypto_open(err) < 0)
		return -1;
	if (len > 16u << 20) {
		*err = xasprintf("certificate bundle larger than 16 MiB");
		return -1;
	}
	want = count_blocks(buf, len);
	bio = lc.bio_new_mem_buf(buf, (int)len);
	if (bio == NULL) {
		*err = xasprintf("out of memory in libcrypto");
		return -1;
	}
	/* Certificates are compared by their DER bytes. Hashing (provider
	 * fetches) and decoding the whole X.509 structure (public key decoders)
	 * cost far more, so they are left to certs_sha256 / certs_subject. */
	while (lc.pem_read_bio(bio, &name, &header, &der, &derlen) == 1) {
		if (is_cert_block(name)) {
			out->der = xrealloc(out->der, (out->n + 1) * sizeof(*out->der));
			out->derlen = xrealloc(out->derlen, (out->n + 1) * sizeof(*out->derlen));
			out->der[out->n] = xmalloc((size_t)derlen);
			memcpy(out->der[out->n], der, (size_t)derlen);
			out->derlen[out->n] = derlen;
			out->n++;
			n++;
		}
		lc.crypto_free(name, __FILE__, __LINE__);
		lc.crypto_free(header, __FILE__, __LINE__);
		lc.crypto_free(der, __FILE__, __LINE__);
		name = header = NULL;
		der = NULL;
		if (rc < 0)
			break;
	}
	lc.err_clear_error();
	lc.bio_free(bio);
	if (rc == 0 && n < want) {
		*err = xasprintf("%d of %d certificate blocks could not be parsed", want - n, want);
		rc = -1;
	}
	return rc < 0 ? -1 : n;
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
	    lc.evp_digest(cl->der[i], (size_t)cl->derlen[i], md, &mdlen, lc.evp_sha256(), NULL) != 1) {
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
