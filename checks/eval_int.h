/* eval_int.h - shared between eval.c and builtins.c. */
#ifndef KA_EVAL_INT_H
#define KA_EVAL_INT_H

#include "eval.h"

struct ectx {
	struct snapshot *s;
	const struct check *c;
	struct result *res;
	struct sbuf actual; /* the decisive facts, "; "-separated */
	struct sbuf reason; /* why SKIP / ERROR (or context), "; "-separated */
};

void ectx_actual(struct ectx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ectx_reason(struct ectx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ectx_note(struct ectx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Runs a builtin test (builtins.c). */
enum tv builtin_eval(struct ectx *x, const struct test *t);

#endif
