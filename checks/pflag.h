/* pflag.h - command lines parsed the way the component itself parses them.
 *
 * Two dialects:
 *   PFLAG_GO_PFLAG  spf13/pflag (Kubernetes components): "--f=v", "--f v"; a bool
 *                   flag takes no separate value ("--b false" is b=true plus a
 *                   positional "false"); "--" ends flags; single-dash long
 *                   flags are not flags (pflag shorthands are not used by the
 *                   audited settings and are recorded as positionals).
 *   PFLAG_GO_FLAG   Go's standard flag package (etcd): "-f" and "--f" alike,
 *                   "-f=v", "-f v" for non-bool flags; "--" ends flags;
 *                   parsing stops at the first non-flag argument.
 *
 * Ownership: pflag_parse fills a struct flagset that owns everything in it;
 * flagset_free releases it. The argv passed in is not retained.
 */
#ifndef KA_PFLAG_H
#define KA_PFLAG_H

#include <stddef.h>

#include "value.h"

enum pflag_dialect { PFLAG_GO_PFLAG = 0, PFLAG_GO_FLAG };

/* Returns 0 and sets *type when the component knows flag `name`, -1 when not.
 * Unknown flags are parsed as value flags unless the next argument looks like
 * a flag (starts with '-'), and are marked unknown. */
typedef int (*pflag_type_fn)(const char *name, enum vtype *type, void *arg);

struct flag_occ {    /* one occurrence on the command line */
	int index;   /* argv index of the flag itself */
	char *text;  /* the argument(s) as written, sanitized: "--f=v" or "--f v" */
	char *value; /* the value text given ("true" for a bare bool) */
};

struct flag {
	char *name;
	enum vtype type;
	int known;	      /* type came from the component's table */
	struct flag_occ *occ; /* every occurrence, in argv order */
	size_t nocc;
	struct value value; /* effective value: last occurrence for scalars,
	                         accumulated for slices/arrays, merged for maps */
	char *error;	    /* set when a value is invalid for the type (the
	                         component itself would refuse to start) */
};

struct flagset {
	struct flag *flags;
	size_t nflags;
	struct strv positional; /* non-flag arguments, e.g. the stray "false" */
};

/* Parses argv[1..argc-1]. Never fails on odd input: invalid values are
 * recorded in flag->error. Returns 0. */
int pflag_parse(struct flagset *fs, enum pflag_dialect dialect, char *const *argv, size_t argc,
		pflag_type_fn typefn, void *arg);
const struct flag *flagset_get(const struct flagset *fs, const char *name);
void flagset_free(struct flagset *fs);

#endif
