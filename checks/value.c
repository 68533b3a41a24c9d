/* value.c - typed setting values, parsed exactly as the Go components do.
 *
 * The rules here decide verdicts, so they follow Go's own code rather than
 * what looks reasonable in C:
 *   bool      strconv.ParseBool
 *   int       strconv.ParseInt(s, 0, 64), the call pflag's and flag's int
 *             values make: base prefixes 0b 0o 0x, a leading 0 is octal,
 *             underscores between digits; 64-bit range
 *   float     strconv.ParseFloat(s, 64)
 *   duration  time.ParseDuration
 *   slice     pflag StringSlice: one record of encoding/csv; "" is empty
 *   map       component-base MapStringBool/MapStringString (feature gates):
 *             split on ',', skip empty pieces, split on the first '=',
 *             strings.TrimSpace key and value; later keys win
 *
 * value_parse and value_copy overwrite their destination without freeing
 * it: pass a zeroed or freed struct value. When value_parse fails it leaves
 * the value empty (zeroed, nothing to free), so callers need no cleanup on
 * the error path; value_free on it is still harmless.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "value.h"

static const char *const vtype_names[] = {
	[VT_STRING] = "string", [VT_BOOL] = "bool",   [VT_INT] = "int", [VT_DURATION] = "duration",
	[VT_SLICE] = "slice",	[VT_ARRAY] = "array", [VT_MAP] = "map", [VT_FLOAT] = "float",
};

#define NVTYPES (sizeof(vtype_names) / sizeof(vtype_names[0]))

const char *
vtype_name(enum vtype t)
{
	if ((size_t)t >= NVTYPES || vtype_names[t] == NULL)
		return "unknown";
	return vtype_names[t];
}

int
vtype_from_name(const char *name, enum vtype *out)
{
	for (size_t i = 0; name && i < NVTYPES; i++) {
		if (vtype_names[i] && strcmp(vtype_names[i], name) == 0) {
			*out = (enum vtype)i;
			return 0;
		}
	}
	errno = EINVAL;
	return -1;
}

void
value_free(struct value *v)
{
	if (v == NULL)
		return;
	free(v->raw);
	strv_free(&v->list);
	strv_free(&v->mapvals);
	memset(v, 0, sizeof(*v));
}

void
value_copy(struct value *dst, const struct value *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->type = src->type;
	dst->raw = src->raw ? xstrdup(src->raw) : NULL;
	dst->b = src->b;
	dst->i = src->i;
	dst->d = src->d;
	dst->dur_ns = src->dur_ns;
	strv_copy(&dst->list, &src->list);
	strv_copy(&dst->mapvals, &src->mapvals);
}

/* ---- bool ---- */

int
go_parse_bool(const char *s, int *out)
{
	static const char *const t[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const f[] = {"0", "f", "F", "FALSE", "false", "False"};

	for (size_t i = 0; s && i < sizeof(t) / sizeof(t[0]); i++) {
		if (strcmp(s, t[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcmp(s, f[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	errno = EINVAL;
	return -1;
}

/* ---- integers ---- */

static int
lower(int c)
{
	return c | 0x20;
}

/* Go's strconv.underscoreOK: underscores only between digits (a base
 * prefix counts as a digit), never first or last. */
static int
underscore_ok(const char *s, size_t len)
{
	char saw = '^';
	size_t i = 0;
	int hex = 0;

	if (len >= 1 && (s[0] == '-' || s[0] == '+')) {
		s++;
		len--;
	}
	if (len >= 2 && s[0] == '0' &&
	    (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
		i = 2;
		saw = '0';
		hex = lower(s[1]) == 'x';
	}
	for (; i < len; i++) {
		int c = (unsigned char)s[i];

		if ((c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
			saw = '0';
			continue;
		}
		if (c == '_') {
			if (saw != '0')
				return 0;
			saw = '_';
			continue;
		}
		if (saw == '_')
			return 0;
		saw = '!';
	}
	return saw != '_';
}

static int
digit_val(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (lower(c) >= 'a' && lower(c) <= 'z')
		return lower(c) - 'a' + 10;
	return 99;
}

/* strconv.ParseUint(s, 0, 64). */
static int
parse_uint0(const char *s, unsigned long long *out)
{
	const char *s0 = s;
	unsigned base = 10;
	unsigned long long n = 0;
	int underscores = 0;

	if (*s == '\0')
		goto syntax;
	if (s[0] == '0') {
		size_t len = strlen(s);

		if (len >= 3 && lower(s[1]) == 'b') {
			base = 2;
			s += 2;
		} else if (len >= 3 && lower(s[1]) == 'o') {
			base = 8;
			s += 2;
		} else if (len >= 3 && lower(s[1]) == 'x') {
			base = 16;
			s += 2;
		} else {
			base = 8;
			s += 1;
		}
	}
	for (; *s; s++) {
		int d;

		if (*s == '_') {
			underscores = 1;
			continue;
		}
		d = digit_val((unsigned char)*s);
		if (d >= (int)base)
			goto syntax;
		if (n > (ULLONG_MAX - (unsigned)d) / base) {
			errno = ERANGE;
			return -1;
		}
		n = n * base + (unsigned)d;
	}
	if (underscores && !underscore_ok(s0, strlen(s0)))
		goto syntax;
	*out = n;
	return 0;
syntax:
	errno = EINVAL;
	return -1;
}

/* Base 0, as pflag's intValue.Set and flag's intValue.Set call it: "0x10",
 * "0o17", "017" (octal 15), "0b101" and "1_000" are all valid. */
int
go_parse_int(const char *s, long long *out)
{
	unsigned long long u;
	int neg = 0;

	if (s == NULL || *s == '\0') {
		errno = EINVAL;
		return -1;
	}
	if (*s == '+' || *s == '-') {
		neg = *s == '-';
		s++;
	}
	if (parse_uint0(s, &u) < 0)
		return -1;
	if ((!neg && u > (unsigned long long)LLONG_MAX) ||
	    (neg && u > (unsigned long long)LLONG_MAX + 1)) {
		errno = ERANGE;
		return -1;
	}
	*out = neg ? (long long)(0 - u) : (long long)u;
	return 0;
}

/* ---- floats ---- */

static size_t
prefix_icase(const char *s, const char *word)
{
	size_t n = 0;

	while (s[n] && word[n] && lower((unsigned char)s[n]) == word[n])
		n++;
	return n;
}

/* strconv.ParseFloat(s, 64): Go's grammar is checked here, strtod then
 * does the rounding (both are correctly rounded). */
static int
go_parse_float(const char *s, double *out)
{
	const char *p = s;
	int hex = 0, digits = 0, underscores = 0;
	char *clean, *end;
	size_t n = 0;
	double d;

	if (*p == '+' || *p == '-')
		p++;
	/* Inf/Infinity take a sign, NaN does not (strconv.special) */
	if (lower((unsigned char)*p) == 'i') {
		size_t k = prefix_icase(p, "infinity");

		if ((k == 3 && p[3] == '\0') || (k == 8 && p[8] == '\0')) {
			*out = s[0] == '-' ? -HUGE_VAL : HUGE_VAL;
			return 0;
		}
		goto syntax;
	}
	if (p == s && prefix_icase(p, "nan") == 3 && p[3] == '\0') {
		*out = NAN;
		return 0;
	}
	if (p[0] == '0' && lower((unsigned char)p[1]) == 'x' && p[2] != '\0') {
		hex = 1;
		p += 2;
	}
	for (int dot = 0; *p; p++) {
		if (*p == '_') {
			underscores = 1;
		} else if (*p == '.' && !dot) {
			dot = 1;
		} else if (hex ? digit_val((unsigned char)*p) < 16
			       : digit_val((unsigned char)*p) < 10) {
			digits = 1;
		} else {
			break;
		}
	}
	if (!digits)
		goto syntax;
	if (lower((unsigned char)*p) == (hex ? 'p' : 'e')) {
		int edigits = 0;

		p++;
		if (*p == '+' || *p == '-')
			p++;
		for (; (*p >= '0' && *p <= '9') || *p == '_'; p++) {
			if (*p == '_')
				underscores = 1;
			else
				edigits = 1;
		}
		if (!edigits)
			goto syntax;
	} else if (hex) {
		goto syntax; /* a hex mantissa needs a 'p' exponent */
	}
	if (*p != '\0')
		goto syntax;
	if (underscores && !underscore_ok(s, strlen(s)))
		goto syntax;
	clean = xmalloc(strlen(s) + 1);
	for (p = s; *p; p++)
		if (*p != '_')
			clean[n++] = *p;
	clean[n] = '\0';
	errno = 0;
	d = strtod(clean, &end);
	if (*end != '\0') {
		free(clean);
		goto syntax;
	}
	free(clean);
	if (errno == ERANGE && isinf(d)) {
		errno = ERANGE;
		return -1;
	}
	*out = d;
	return 0;
syntax:
	errno = EINVAL;
	return -1;
}

/* ---- durations ---- */

#define DUR_MAX ((uint64_t)1 << 63)

struct dur_unit {
	const char *name;
	uint64_t ns;
};

static const struct dur_unit dur_units[] = {
	{"ns", 1ULL},
	{"us", 1000ULL},
	{"\xc2\xb5s", 1000ULL}, /* U+00B5 micro sign */
	{"\xce\xbcs", 1000ULL}, /* U+03BC greek mu */
	{"ms", 1000000ULL},
	{"s", 1000000000ULL},
	{"m", 60ULL * 1000000000ULL},
	{"h", 3600ULL * 1000000000ULL},
};

/* time.leadingInt: [0-9]*, -1 on overflow past 1<<63. */
static int
dur_leading_int(const char **sp, uint64_t *x)
{
	const char *s = *sp;

	*x = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (*x > DUR_MAX / 10)
			return -1;
		*x = *x * 10 + (uint64_t)(*s - '0');
		if (*x > DUR_MAX)
			return -1;
	}
	*sp = s;
	return 0;
}

/* time.leadingFraction: stops gaining precision instead of overflowing. */
static void
dur_leading_fraction(const char **sp, uint64_t *x, double *scale)
{
	const char *s = *sp;
	int overflow = 0;

	*x = 0;
	*scale = 1;
	for (; *s >= '0' && *s <= '9'; s++) {
		uint64_t y;

		if (overflow)
			continue;
		if (*x > (DUR_MAX - 1) / 10) {
			overflow = 1;
			continue;
		}
		y = *x * 10 + (uint64_t)(*s - '0');
		if (y > DUR_MAX) {
			overflow = 1;
			continue;
		}
		*x = y;
		*scale *= 10;
	}
	*sp = s;
}

/* time.ParseDuration, step for step: [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+ with
 * "0" (optionally signed) the only number allowed without a unit. */
int
go_parse_duration(const char *s, long long *ns)
{
	uint64_t d = 0;
	int neg = 0;

	if (s == NULL)
		goto invalid;
	if (*s == '-' || *s == '+') {
		neg = *s == '-';
		s++;
	}
	if (strcmp(s, "0") == 0) {
		*ns = 0;
		return 0;
	}
	if (*s == '\0')
		goto invalid;
	while (*s) {
		uint64_t v, f = 0, unit = 0;
		double scale = 1;
		const char *start, *u;
		int pre, post = 0;
		size_t ulen;

		if (!(*s == '.' || (*s >= '0' && *s <= '9')))
			goto invalid;
		start = s;
		if (dur_leading_int(&s, &v) < 0)
			goto range;
		pre = s != start;
		if (*s == '.') {
			s++;
			start = s;
			dur_leading_fraction(&s, &f, &scale);
			post = s != start;
		}
		if (!pre && !post)
			goto invalid;
		for (u = s; *s && *s != '.' && !(*s >= '0' && *s <= '9'); s++)
			;
		ulen = (size_t)(s - u);
		if (ulen == 0)
			goto invalid; /* missing unit */
		for (size_t i = 0; i < sizeof(dur_units) / sizeof(dur_units[0]); i++) {
			if (strlen(dur_units[i].name) == ulen &&
			    memcmp(dur_units[i].name, u, ulen) == 0) {
				unit = dur_units[i].ns;
				break;
			}
		}
		if (unit == 0)
			goto invalid; /* unknown unit */
		if (v > DUR_MAX / unit)
			goto range;
		v *= unit;
		if (f > 0) {
			/* float64, as Go does, to stay exact for fractions of hours */
			v += (uint64_t)((double)f * ((double)unit / scale));
			if (v > DUR_MAX)
				goto range;
		}
		d += v;
		if (d > DUR_MAX)
			goto range;
	}
	if (neg) {
		*ns = d == DUR_MAX ? LLONG_MIN : -(long long)d;
		return 0;
	}
	if (d > DUR_MAX - 1)
		goto range;
	*ns = (long long)d;
	return 0;
range:
	errno = ERANGE;
	return -1;
invalid:
	errno = EINVAL;
	return -1;
}

/* ---- CSV (encoding/csv Reader.Read, default settings, one record) ---- */

/* Reader.readLine: one line with its '\n', "\r\n" folded to "\n", a
 * trailing '\r' at end of input dropped. -1 at end of input. */
static int
csv_readline(const char **pp, struct sbuf *line)
{
	const char *p = *pp, *nl;
	size_t n;

	line->len = 0;
	if (line->s)
		line->s[0] = '\0';
	if (*p == '\0')
		return -1;
	nl = strchr(p, '\n');
	n = nl ? (size_t)(nl - p) + 1 : strlen(p);
	sbuf_addn(line, p, n);
	*pp = p + n;
	if (!nl && line->s[line->len - 1] == '\r')
		line->s[--line->len] = '\0';
	if (line->len >= 2 && line->s[line->len - 2] == '\r' && line->s[line->len - 1] == '\n') {
		line->s[line->len - 2] = '\n';
		line->s[--line->len] = '\0';
	}
	return 0;
}

static size_t
csv_nl_len(const char *s, size_t len)
{
	return len > 0 && s[len - 1] == '\n';
}

/* Splits like pflag's readAsCSV: "" is an empty list; otherwise the first
 * record of encoding/csv with its defaults (no lazy quotes, empty lines
 * skipped, quoted fields may span lines, later lines ignored). */
int
go_split_csv(const char *s, struct strv *out)
{
	struct sbuf line = {0}, field = {0};
	const char *in = s ? s : "";
	const char *l;
	size_t len, n0 = out->n;
	int rc = -1;

	if (*in == '\0')
		return 0;
	for (;;) {
		if (csv_readline(&in, &line) < 0)
			goto done; /* only empty lines: Read returns io.EOF */
		if (line.len != csv_nl_len(line.s, line.len))
			break;
	}
	l = line.s;
	len = line.len;
	for (;;) {
		field.len = 0;
		sbuf_addn(&field, "", 0);
		if (len == 0 || l[0] != '"') {
			const char *comma = memchr(l, ',', len);
			size_t flen = comma ? (size_t)(comma - l) : len - csv_nl_len(l, len);

			if (memchr(l, '"', flen))
				goto done; /* bare quote in non-quoted field */
			strv_push_take(out, xstrndup(l, flen));
			if (!comma)
				break;
			len -= flen + 1;
			l = comma + 1;
			continue;
		}
		/* quoted field */
		l++;
		len--;
		for (;;) {
			const char *q = memchr(l, '"', len);

			if (q) {
				sbuf_addn(&field, l, (size_t)(q - l));
				len -= (size_t)(q - l) + 1;
				l = q + 1;
				if (len > 0 && l[0] == '"') {
					sbuf_addc(&field, '"');
					l++;
					len--;
				} else if (len > 0 && l[0] == ',') {
					l++;
					len--;
					strv_push(out, sbuf_str(&field));
					break;
				} else if (csv_nl_len(l, len) == len) {
					strv_push(out, sbuf_str(&field));
					goto ok;
				} else {
					goto done; /* extraneous character after a closing quote */
				}
			} else if (len > 0) {
				/* the field goes on on the next line */
				sbuf_addn(&field, l, len);
				if (csv_readline(&in, &line) < 0) {
					line.len = 0;
				}
				l = line.s ? line.s : "";
				len = line.len;
			} else {
				goto done; /* end of input inside quotes */
			}
		}
	}
ok:
	rc = 0;
done:
	sbuf_free(&line);
	sbuf_free(&field);
	if (rc < 0) {
		while (out->n > n0)
			strv_remove_at(out, out->n - 1);
		errno = EINVAL;
	}
	return rc;
}

/* ---- maps ---- */

/* Length of a Unicode white-space rune (unicode.IsSpace) at p, or 0. */
static size_t
space_at(const unsigned char *p, size_t avail)
{
	if (avail >= 1 && (p[0] == ' ' || (p[0] >= '\t' && p[0] <= '\r')))
		return 1;
	if (avail >= 2 && p[0] == 0xc2 && (p[1] == 0x85 || p[1] == 0xa0))
		return 2;
	if (avail >= 3) {
		unsigned cp;

		if ((p[0] & 0xf0) != 0xe0 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		cp = ((p[0] & 0x0fu) << 12) | ((p[1] & 0x3fu) << 6) | (p[2] & 0x3fu);
		if (cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 ||
		    cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000)
			return 3;
	}
	return 0;
}

/* strings.TrimSpace on s[0..len) into a new string. */
static char *
trim_space(const char *s, size_t len)
{
	const unsigned char *b = (const unsigned char *)s, *e = b + len;
	size_t n;

	while (b < e && (n = space_at(b, (size_t)(e - b))) > 0)
		b += n;
	while (e > b) {
		size_t k;

		for (k = 1; k <= 3 && k <= (size_t)(e - b); k++)
			if (space_at(e - k, k) == k)
				break;
		if (k > 3 || k > (size_t)(e - b))
			break;
		e -= k;
	}
	return xstrndup((const char *)b, (size_t)(e - b));
}

static int
map_find(const struct value *v, const char *key)
{
	return strv_index(&v->list, key);
}

static void
map_set(struct value *v, const char *key, const char *val)
{
	int i = map_find(v, key);

	if (i >= 0 && (size_t)i < v->mapvals.n) {
		free(v->mapvals.v[i]);
		v->mapvals.v[i] = xstrdup(val);
		return;
	}
	strv_push(&v->list, key);
	strv_push(&v->mapvals, val);
}

const char *
value_map_get(const struct value *v, const char *key)
{
	int i = map_find(v, key);

	if (i < 0 || (size_t)i >= v->mapvals.n)
		return NULL;
	return v->mapvals.v[i];
}

/* raw is left alone: callers that merge many keys rebuild it once. */
void
value_map_set(struct value *v, const char *key, const char *val)
{
	v->type = VT_MAP;
	map_set(v, key, val ? val : "");
}

/* A piece without '=' is the component's "malformed pair" error. */
static int
map_parse(struct value *v, const char *text)
{
	const char *p = text;
	int rc = 0;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		const char *eq = memchr(p, '=', n);

		if (n > 0 && eq == NULL) {
			rc = -1;
		} else if (n > 0) {
			char *k = trim_space(p, (size_t)(eq - p));
			char *val = trim_space(eq + 1, n - (size_t)(eq - p) - 1);

			map_set(v, k, val);
			free(k);
			free(val);
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	if (rc < 0)
		errno = EINVAL;
	return rc;
}

/* ---- value_parse ---- */

int
value_parse(struct value *v, enum vtype t, const char *text, const char **err)
{
	const char *e = NULL;

	if (text == NULL)
		text = "";
	memset(v, 0, sizeof(*v));
	v->type = t;
	v->raw = xstrdup(text);
	switch (t) {
	case VT_STRING:
		break;
	case VT_BOOL:
		if (go_parse_bool(text, &v->b) < 0)
			e = "invalid Go bool (want 1, t, T, TRUE, true, True, 0, f, F, FALSE, "
			    "false or False)";
		break;
	case VT_INT:
		if (go_parse_int(text, &v->i) < 0)
			e = errno == ERANGE ? "integer out of range" : "invalid integer";
		break;
	case VT_FLOAT:
		if (go_parse_float(text, &v->d) < 0)
			e = errno == ERANGE ? "float out of range" : "invalid float";
		break;
	case VT_DURATION:
		if (go_parse_duration(text, &v->dur_ns) < 0)
			e = errno == ERANGE ? "Go duration out of range"
					    : "invalid Go duration (e.g. 5m0s, 1h30m, 300ms, 0)";
		break;
	case VT_SLICE:
		if (go_split_csv(text, &v->list) < 0)
			e = "invalid comma-separated list (CSV quoting)";
		break;
	case VT_ARRAY:
		strv_push(&v->list, text);
		break;
	case VT_MAP:
		if (map_parse(v, text) < 0)
			e = "malformed pair, expect key=value";
		break;
	default:
		e = "unknown value type";
		break;
	}
	if (e) {
		value_free(v);
		if (err)
			*err = e;
		errno = EINVAL;
		return -1;
	}
	return 0;
}
