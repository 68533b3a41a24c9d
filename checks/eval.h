/* eval.h - the evaluator: (snapshot, profile, options) -> results.
 *
 * Verdicts are data: a test evaluates to TRUE, FALSE, SKIP (not applicable,
 * with a reason) or ERROR (could not be evaluated, with a reason), and the
 * check's kind maps that to a result state (DESIGN 3.2):
 *   automated: TRUE -> PASS, FALSE -> FAIL;   manual: TRUE -> PASS, FALSE -> WARN
 *   no test (manual) -> WARN;   cluster scope -> WARN "cluster scope"
 *   SKIP -> SKIP, ERROR -> ERROR.
 * all/any/not combine with Kleene logic: a FALSE part makes `all` FALSE even
 * beside an ERROR; a TRUE part makes `any` TRUE; SKIP parts are ignored
 * unless every part is SKIP.
 *
 * Builtins (T_BUILTIN), named in profiles:
 *   encryption-secrets      1.2.28: first provider for secrets in the
 *                           EncryptionConfiguration; args: allowed providers
 *   admission-config-has    args: [plugin]: --admission-control-config-file
 *                           names an AdmissionConfiguration with that plugin
 *   audit-policy-minimal    3.2.1: a reachable rule with level above None
 *   audit-policy-coverage   3.2.2: first-match coverage of key resources
 *   etcd-ca-unique          2.7: etcd trusted CA shares no certificate with
 *                           the apiserver's client CA bundle
 *   etcd-single-member      skip_if of 2.4/2.5
 *   static-pods             args: [field]: static pod manifests setting it
 *                           (evidence for cluster-scope checks)
 *
 * Ownership: results are added to the caller's report.
 */
#ifndef KA_EVAL_H
#define KA_EVAL_H

#include "profile.h"
#include "report.h"
#include "snapshot.h"

enum tv { TV_TRUE = 0, TV_FALSE, TV_SKIP, TV_ERROR };

struct eval_opts {
	struct strv targets; /* empty: all */
	struct strv only;    /* --check: empty = every check */
	struct strv skip;    /* --skip */
};

/* What --targets and the configuration's targets may name, and as text for
 * messages. */
#define EVAL_TARGETS_TEXT "master, controlplane, etcd, node, policies"
int eval_target_valid(const char *name);
/* A recommendation id or section: digits separated by single dots. */
int eval_id_valid(const char *s);

/* Evaluates one check into res (id, title etc. are filled too). */
void eval_check(struct snapshot *s, const struct check *c, struct result *res);

/* Evaluates every selected check of the profile into r, in profile order. */
void eval_profile(struct snapshot *s, const struct profile *p, const struct eval_opts *o,
		  struct report *r);

#endif
