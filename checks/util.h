/* util.h - allocation wrappers, string vectors, string buffers and logging.
 *
 * Ownership: x*alloc never return NULL (out of memory is fatal). A struct strv
 * owns its strings; strv_free frees them and the array. A struct sbuf owns its
 * buffer; sbuf_steal hands it to the caller.
 */
#ifndef KA_UTIL_H
#define KA_UTIL_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* s, or "" for NULL. */
static inline const char *
nz(const char *s)
{
	return s ? s : "";
}

/* Reads fd to its end, but never more than max bytes: a new buffer,
 * NUL-terminated one past the data, and *lenp. When the input holds more
 * than max bytes, *more is 1 and the buffer has the first max (procfs and
 * pipes report no size, so st_size is not trusted). NULL with errno on a
 * read error. */
char *fd_read_max(int fd, size_t max, size_t *lenp, int *more);

/* A growable vector of owned strings, always NULL-terminated (v[n] == NULL). */
struct strv {
	char **v;
	size_t n;
	size_t cap;
};

void strv_push(struct strv *sv, const char *s);	      /* copies s */
void strv_push_take(struct strv *sv, char *s);	      /* takes s */
int strv_index(const struct strv *sv, const char *s); /* -1 when absent */
void strv_remove_at(struct strv *sv, size_t i);
void strv_clear(struct strv *sv); /* frees the strings, keeps the array */
void strv_free(struct strv *sv);
void strv_copy(struct strv *dst, const struct strv *src); /* dst must be empty */
/* Joins with sep into a new string ("" for an empty vector). */
char *strv_join(const struct strv *sv, const char *sep);

/* A growable NUL-terminated byte buffer. */
struct sbuf {
	char *s;
	size_t len;
	size_t cap;
};

void sbuf_add(struct sbuf *b, const char *s);
void sbuf_addn(struct sbuf *b, const char *s, size_t n);
void sbuf_addc(struct sbuf *b, char c);
void sbuf_addf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_vaddf(struct sbuf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
const char *sbuf_str(struct sbuf *b); /* "" when empty, never NULL */
char *sbuf_steal(struct sbuf *b);     /* caller frees; buffer reset */
void sbuf_free(struct sbuf *b);

/* Logging. Foreground: stderr; the daemon may switch to syslog. log_warn
 * appends strerror(errno); log_warnx does not. fatal* exit with status 2. */
enum log_level { LOG_LVL_ERR = 0, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };
typedef void (*log_hook_fn)(enum log_level lvl, const char *msg, void *arg);

void log_init(const char *progname, int verbosity);
void log_set_hook(log_hook_fn fn, void *arg); /* tests capture messages */
void log_to_syslog(int on); /* the daemon: syslog(3) instead of stderr (openlog first) */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Replaces every byte that is not printable ASCII or valid UTF-8 and every
 * control character with a '\xNN' escape, so evidence and messages stay
 * valid UTF-8 whatever argv or a file contains. Returns a new string. */
char *str_sanitize(const char *s);
/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is invalid
 * (overlong forms, surrogates and code points above U+10FFFF included). */
size_t str_utf8_len(const unsigned char *s);
int str_has_prefix(const char *s, const char *prefix);
int str_has_suffix(const char *s, const char *suffix);
/* Natural order, as recommendation ids sort: digit runs compare as numbers,
 * so 1.1.2 < 1.1.10 < 1.2.1 < 2.1 < 5.1.1. Equal numbers written
 * differently ("01" and "1") fall back to byte order: the order is total. */
int str_natcmp(const char *a, const char *b);

#endif
