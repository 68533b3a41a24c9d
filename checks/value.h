/* value.h - typed setting values and the Go parsing rules behind them.
 *
 * Ownership: a struct value owns its strings and lists; value_free releases
 * them (the struct itself belongs to whoever embeds it).
 */
#ifndef KA_VALUE_H
#define KA_VALUE_H

#include "util.h"

/* The types a component flag or config key may have (profiles/components.yaml). */
enum vtype {
	VT_STRING = 0, /* plain string */
	VT_BOOL,       /* Go strconv.ParseBool */
	VT_INT,	       /* decimal integer (Go strconv.ParseInt, base 0 for pflag int) */
	VT_DURATION,   /* Go time.ParseDuration: "5m0s", "1h", "300ms", "0" */
	VT_SLICE,      /* pflag StringSlice: comma separated (CSV), repeats accumulate */
	VT_ARRAY,      /* pflag StringArray: no splitting, repeats accumulate */
	VT_MAP,	       /* pflag mapStringBool/mapStringString: k=v,k2=v2; repeats merge per key */
	VT_FLOAT,      /* float64 */
};

const char *vtype_name(enum vtype t);
int vtype_from_name(const char *name, enum vtype *out); /* 0 / -1 */

struct value {
	enum vtype type;
	char *raw;	     /* the text as written (argv value, YAML scalar or joined list) */
	int b;		     /* VT_BOOL */
	long long i;	     /* VT_INT */
	double d;	     /* VT_FLOAT */
	long long dur_ns;    /* VT_DURATION in nanoseconds */
	struct strv list;    /* VT_SLICE / VT_ARRAY elements; VT_MAP keys */
	struct strv mapvals; /* VT_MAP values, parallel to list */
};

void value_free(struct value *v);
void value_copy(struct value *dst, const struct value *src);

/* Parses text as type t into v (v is overwritten, not merged). Returns 0, or
 * -1 with *err set to a static message when the text is not a valid value of
 * that type (e.g. "invalid Go bool"). */
int value_parse(struct value *v, enum vtype t, const char *text, const char **err);

/* Parsing primitives, exactly as Go does them. Each returns 0 or -1. */
int go_parse_bool(const char *s, int *out); /* 1 t T TRUE true True 0 f F FALSE false False */
int go_parse_duration(const char *s, long long *ns); /* time.ParseDuration */
int go_parse_int(const char *s,
		 long long *out); /* strconv.ParseInt base 0: 10, 0x10, 0o17, 017, 0b1, 1_000 */
/* Splits a pflag StringSlice value as encoding/csv does (quotes allowed). */
int go_split_csv(const char *s, struct strv *out);

/* Map helpers (VT_MAP): returns the value for key, or NULL. */
const char *value_map_get(const struct value *v, const char *key);
void value_map_set(struct value *v, const char *key, const char *val);

#endif
