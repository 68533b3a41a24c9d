/* certs.c - PEM certificate bundles through a dlopen'ed libcrypto. */
#include "config.h"

#include <dlfcn.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
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
	X509 *(*pem_read_bio_x509)(BIO *, X509 **, pem_password_cb *, void *);
	int (*x509_digest)(const X509 *, const EVP_MD *, unsigned char *, unsigned int *);
	const EVP_MD *(*evp_sha256)(void);
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
	SYM(pem_read_bio_x509, "PEM_read_bio_X509");
	SYM(x509_digest, "X509_digest");
	SYM(evp_sha256, "EVP_sha256");
	SYM(x509_get_subject_name, "X509_get_subject_name");
	SYM(x509_name_oneline, "X509_NAME_oneline");
	SYM(x509_free, "X509_free");
	SYM(bio_free, "BIO_free");
	SYM(err_get_error, "ERR_get_error");
	SYM(err_clear_error, "ERR_clear_error");
#undef SYM
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

int
certs_load(const char *buf, size_t len, struct certlist *out, char **err)
{
	BIO *bio;
	X509 *x;
	int n = 0, want;

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
	while ((x = lc.pem_read_bio_x509(bio, NULL, NULL, NULL)) != NULL) {
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned int mdlen = 0;
		char hex[2 * EVP_MAX_MD_SIZE + 1], subj[512];

		if (lc.x509_digest(x, lc.evp_sha256(), md, &mdlen) == 1) {
			for (unsigned i = 0; i < mdlen; i++)
				snprintf(hex + 2 * i, 3, "%02x", md[i]);
			strv_push(&out->sha256, hex);
			lc.x509_name_oneline(lc.x509_get_subject_name(x), subj, sizeof(subj));
			strv_push_take(&out->subject, str_sanitize(subj));
			n++;
		}
		lc.x509_free(x);
	}
	lc.err_clear_error();
	lc.bio_free(bio);
	if (n < want) {
		*err = xasprintf("%d of %d certificate blocks could not be parsed", want - n, want);
		return -1;
	}
	return n;
}

void
certlist_free(struct certlist *cl)
{
	strv_free(&cl->sha256);
	strv_free(&cl->subject);
}
