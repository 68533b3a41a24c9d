/* builtins.c - the named rules profiles may call (see eval.h): each reads
 * the files a component names and judges them as the component would. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certs.h"
#include "eval_int.h"
#include "snapshot_int.h"

/* ---- helpers ---- */

static void ev_cfg(struct ectx *x, const struct cfgfile *f, const struct ynode *at, const char *fmt,
		   ...) __attribute__((format(printf, 4, 5)));

static void
ev_cfg(struct ectx *x, const struct cfgfile *f, const struct ynode *at, const char *fmt, ...)
{
	struct evidence *e = result_add_evidence(x->res);
	struct sbuf b = {0};
	va_list ap;
	char *raw;

	va_start(ap, fmt);
	sbuf_vaddf(&b, fmt, ap);
	va_end(ap);
	raw = sbuf_steal(&b);
	e->source = EV_CONFIG;
	e->file = str_sanitize(f->path);
	e->line = at ? at->line : 0;
	e->text = str_sanitize(raw);
	if (f->view_pid)
		e->view = snap_view_name(f->view_pid);
	free(raw);
}

static int
scalar_is(const struct ynode *n, const char *s)
{
	return n && n->kind == YN_SCALAR && strcmp(n->scalar, s) == 0;
}

static int
scalar_true(const struct ynode *n)
{
	return n && n->kind == YN_SCALAR && !n->quoted &&
	       (strcmp(n->scalar, "true") == 0 || strcmp(n->scalar, "True") == 0 ||
		strcmp(n->scalar, "TRUE") == 0);
}

static int
seq_has(const struct ynode *seq, const char *s)
{
	if (seq == NULL || seq->kind != YN_SEQ)
		return 0;
	for (size_t i = 0; i < seq->nitems; i++)
		if (scalar_is(seq->items[i], s))
			return 1;
	return 0;
}

static int
seq_empty(const struct ynode *seq)
{
	return seq == NULL || seq->kind != YN_SEQ || seq->nitems == 0;
}

/* The config file named by a path setting of component comp. Returns the
 * document root; on FALSE/ERROR/SKIP conditions returns NULL and sets *tv. */
static const struct ynode *
named_file(struct ectx *x, const char *comp, const char *setting, const struct cfgfile **out,
	   enum tv *tv)
{
	const struct setting *st = snap_setting(x->s, comp, setting);
	const struct cfgfile *f;

	if (st == NULL) {
		ectx_reason(x, "%s has no setting %s", comp, setting);
		*tv = TV_ERROR;
		return NULL;
	}
	if (st->status == SET_NOT_RUNNING) {
		ectx_reason(x, "%s not running on this node", comp);
		*tv = TV_SKIP;
		return NULL;
	}
	snap_add_setting_evidence(x->res, st);
	if (st->status == SET_ERROR) {
		ectx_reason(x, "%s", st->error);
		*tv = TV_ERROR;
		return NULL;
	}
	if (!st->has_value || st->path == NULL) {
		ectx_actual(x, "--%s not set", setting);
		*tv = TV_FALSE;
		return NULL;
	}
	f = snap_config(x->s, st->view_pid, st->path);
	*out = f;
	if (f->error) {
		ectx_reason(x, "--%s: %s", setting, f->error);
		*tv = TV_ERROR;
		return NULL;
	}
	if (f->doc->root == NULL || f->doc->root->kind != YN_MAP) {
		ectx_reason(x, "--%s: %s: not a YAML mapping", setting, f->path);
		*tv = TV_ERROR;
		return NULL;
	}
	return f->doc->root;
}

/* ---- encryption-secrets (1.2.28) ---- */

static int
matches_secrets(const struct ynode *resources)
{
	return seq_has(resources, "secrets") || seq_has(resources, "*.") ||
	       seq_has(resources, "*.*");
}

/* The first provider of resources[i] (its name node), or NULL with a reason. */
static const struct ynode *
first_provider(struct ectx *x, const struct cfgfile *f, const struct ynode *ent, size_t i,
	       const struct ynode **body)
{
	const struct ynode *pl = ynode_map_get(ent, "providers");
	const struct ynode *first;

	if (pl == NULL || pl->kind != YN_SEQ || pl->nitems == 0) {
		ectx_reason(x, "%s:%d: resources[%zu] has no providers", f->path, ent->line, i);
		return NULL;
	}
	first = pl->items[0];
	if (first->kind != YN_MAP || first->nitems < 2 || first->items[0]->kind != YN_SCALAR) {
		ectx_reason(x, "%s:%d: resources[%zu]: malformed provider", f->path, first->line,
			    i);
		return NULL;
	}
	*body = first->items[1];
	/* the provider's name is its only key; its keys are never read out */
	return first->items[0];
}

/* 1.2.28: only the first provider encrypts new writes. For secrets it must
 * be one of the allowed providers; no listed resource may have identity
 * first (listing a resource only to store it in plain text). */
static enum tv
b_encryption(struct ectx *x, const struct test *t)
{
	const struct cfgfile *f = NULL;
	enum tv tv = TV_ERROR, verdict = TV_FALSE;
	const struct ynode *root =
		named_file(x, "kube-apiserver", "encryption-provider-config", &f, &tv);
	const struct ynode *res;
	int seen_secrets = 0;

	if (root == NULL)
		return tv;
	res = ynode_map_get(root, "resources");
	if (res == NULL || res->kind != YN_SEQ) {
		ectx_reason(x, "%s: no resources list", f->path);
		return TV_ERROR;
	}
	for (size_t i = 0; i < res->nitems; i++) {
		const struct ynode *ent = res->items[i];
		const struct ynode *rl = ynode_map_get(ent, "resources");
		const struct ynode *body = NULL;
		const struct ynode *name = first_provider(x, f, ent, i, &body);
		int secrets = !seen_secrets && matches_secrets(rl);
		char *list;

		if (name == NULL)
			return TV_ERROR;
		list = rl && rl->kind == YN_SEQ && rl->nitems && rl->items[0]->kind == YN_SCALAR
			       ? xasprintf("%s%s", rl->items[0]->scalar,
					   rl->nitems > 1 ? ",..." : "")
			       : xstrdup("?");
		if (secrets) {
			seen_secrets = 1;
			ev_cfg(x, f, name, "resources[%zu] (%s): first provider %s", i, list,
			       name->scalar);
			ectx_actual(x, "first provider for secrets: %s", name->scalar);
			if (strcmp(name->scalar, "kms") == 0) {
				const struct ynode *ver = ynode_map_get(body, "apiVersion");

				if (ver == NULL || !scalar_is(ver, "v2"))
					ectx_note(x, "KMS v1 is deprecated: prefer apiVersion: v2");
			}
			if (strcmp(name->scalar, "identity") != 0 &&
			    strv_index(&t->args, name->scalar) >= 0)
				verdict = TV_TRUE;
		} else if (strcmp(name->scalar, "identity") == 0) {
			ev_cfg(x, f, name, "resources[%zu] (%s): first provider identity", i, list);
			ectx_actual(x, "resources[%zu] (%s) is stored unencrypted (identity first)",
				    i, list);
			free(list);
			return TV_FALSE;
		}
		free(list);
	}
	if (!seen_secrets)
		ectx_actual(x, "no resources entry of %s covers secrets", f->path);
	return verdict;
}

/* ---- admission-config-has ---- */

static enum tv
b_admission_config(struct ectx *x, const struct test *t)
{
	const struct cfgfile *f = NULL;
	enum tv tv = TV_ERROR;
	const struct ynode *root =
		named_file(x, "kube-apiserver", "admission-control-config-file", &f, &tv);
	const struct ynode *pl;
	const char *want = t->args.n ? t->args.v[0] : "";

	if (root == NULL)
		return tv;
	pl = ynode_map_get(root, "plugins");
	for (size_t i = 0; pl && pl->kind == YN_SEQ && i < pl->nitems; i++) {
		const struct ynode *name = ynode_map_get(pl->items[i], "name");

		if (scalar_is(name, want)) {
			ev_cfg(x, f, name, "plugins[%zu].name: %s", i, want);
			ectx_actual(x, "%s configured in %s", want, f->path);
			return TV_TRUE;
		}
	}
	ectx_actual(x, "%s has no %s entry", f->path, want);
	return TV_FALSE;
}

/* ---- audit policy (3.2.1, 3.2.2) ---- */

enum level { LV_NONE = 0, LV_METADATA, LV_REQUEST, LV_REQRESP, LV_BAD };

static enum level
level_of(const struct ynode *n)
{
	static const char *const names[] = {"None", "Metadata", "Request", "RequestResponse"};

	for (int i = 0; i < 4; i++)
		if (scalar_is(n, names[i]))
			return (enum level)i;
	return LV_BAD;
}

static const char *
level_name(enum level l)
{
	static const char *const names[] = {"None", "Metadata", "Request", "RequestResponse", "?"};

	return names[l];
}

static const struct ynode *
audit_rules(struct ectx *x, const struct cfgfile **f, enum tv *tv)
{
	const struct ynode *root = named_file(x, "kube-apiserver", "audit-policy-file", f, tv);
	const struct ynode *rules;

	if (root == NULL)
		return NULL;
	rules = ynode_map_get(root, "rules");
	if (rules == NULL || rules->kind != YN_SEQ || rules->nitems == 0) {
		ectx_actual(x, "%s has no rules", (*f)->path);
		*tv = TV_FALSE;
		return NULL;
	}
	for (size_t i = 0; i < rules->nitems; i++)
		if (level_of(ynode_map_get(rules->items[i], "level")) == LV_BAD) {
			ectx_reason(x, "%s:%d: rules[%zu]: missing or invalid level", (*f)->path,
				    rules->items[i]->line, i);
			*tv = TV_ERROR;
			return NULL;
		}
	return rules;
}

static void
audit_backend_note(struct ectx *x)
{
	const struct setting *lp = snap_setting(x->s, "kube-apiserver", "audit-log-path");
	const struct setting *wh =
		snap_setting(x->s, "kube-apiserver", "audit-webhook-config-file");
	int have = (lp && lp->has_value && lp->val.raw && *lp->val.raw) ||
		   (wh && wh->has_value && wh->val.raw && *wh->val.raw);

	ectx_note(x, have ? "an audit backend is configured (--audit-log-path or "
			    "--audit-webhook-config-file)"
			  : "no audit backend is configured (neither --audit-log-path nor "
			    "--audit-webhook-config-file): the policy records nothing");
}

/* A rule that matches every request, whatever its user, verb or resource. */
static int
rule_catch_all(const struct ynode *r)
{
	return seq_empty(ynode_map_get(r, "users")) && seq_empty(ynode_map_get(r, "userGroups")) &&
	       seq_empty(ynode_map_get(r, "verbs")) && seq_empty(ynode_map_get(r, "namespaces")) &&
	       seq_empty(ynode_map_get(r, "resources")) &&
	       seq_empty(ynode_map_get(r, "nonResourceURLs"));
}

static enum tv
b_audit_minimal(struct ectx *x, const struct test *t)
{
	const struct cfgfile *f = NULL;
	enum tv tv = TV_ERROR;
	const struct ynode *rules = audit_rules(x, &f, &tv);

	(void)t;
	if (rules == NULL) {
		audit_backend_note(x);
		return tv;
	}
	audit_backend_note(x);
	for (size_t i = 0; i < rules->nitems; i++) {
		const struct ynode *r = rules->items[i];
		enum level l = level_of(ynode_map_get(r, "level"));

		if (l != LV_NONE) {
			ev_cfg(x, f, r, "rules[%zu]: level %s", i, level_name(l));
			ectx_actual(x, "%zu rules, rules[%zu] records at level %s", rules->nitems,
				    i, level_name(l));
			return TV_TRUE;
		}
		if (rule_catch_all(r)) {
			ev_cfg(x, f, r, "rules[%zu]: level None for every request", i);
			ectx_actual(x, "rules[%zu] silences every request before any rule records",
				    i);
			return TV_FALSE;
		}
	}
	ectx_actual(x, "every rule has level None");
	return TV_FALSE;
}

/* A request by a user, group and namespace that no rule singles out. */
struct areq {
	const char *group, *resource, *sub, *verb;
};

/* ruleMatches of k8s.io/apiserver/pkg/audit/policy/checker.go */
static int
rule_matches(const struct ynode *r, const struct areq *q)
{
	const struct ynode *grs;

	if (!seq_empty(ynode_map_get(r, "users")) || !seq_empty(ynode_map_get(r, "userGroups")))
		return 0;
	if (!seq_empty(ynode_map_get(r, "verbs")) && !seq_has(ynode_map_get(r, "verbs"), q->verb))
		return 0;
	grs = ynode_map_get(r, "resources");
	if (!seq_empty(ynode_map_get(r, "namespaces")))
		return 0;
	if (seq_empty(grs))
		return seq_empty(ynode_map_get(r, "nonResourceURLs"));
	for (size_t i = 0; i < grs->nitems; i++) {
		const struct ynode *gr = grs->items[i];
		const struct ynode *g = ynode_map_get(gr, "group");
		const struct ynode *rl = ynode_map_get(gr, "resources");
		const char *group = g && g->kind == YN_SCALAR && !g->is_null ? g->scalar : "";

		if (strcmp(group, q->group) != 0)
			continue;
		if (!seq_empty(ynode_map_get(gr, "resourceNames")))
			continue; /* our request names no listed object */
		if (seq_empty(rl))
			return 1;
		for (size_t j = 0; j < rl->nitems; j++) {
			const struct ynode *res = rl->items[j];
			char combined[128];
			const char *s;

			if (res->kind != YN_SCALAR)
				continue;
			s = res->scalar;
			snprintf(combined, sizeof(combined), "%s%s%s", q->resource,
				 q->sub ? "/" : "", q->sub ? q->sub : "");
			if (strcmp(s, combined) == 0 || strcmp(s, "*") == 0)
				return 1;
			if (q->sub && str_has_prefix(s, "*/") && strcmp(s + 2, q->sub) == 0)
				return 1;
			if (str_has_suffix(s, "/*") && strlen(s) - 2 == strlen(q->resource) &&
			    strncmp(s, q->resource, strlen(q->resource)) == 0)
				return 1;
		}
	}
	return 0;
}

static enum level
policy_level(const struct ynode *rules, const struct areq *q, size_t *which)
{
	for (size_t i = 0; i < rules->nitems; i++)
		if (rule_matches(rules->items[i], q)) {
			*which = i;
			return level_of(ynode_map_get(rules->items[i], "level"));
		}
	*which = (size_t)-1;
	return LV_NONE;
}

static enum tv
b_audit_coverage(struct ectx *x, const struct test *t)
{
	static const char *const rw[] = {"get",	   "list",  "watch",  "create",
					 "update", "patch", "delete", NULL};
	static const char *const w[] = {"create", "update", "patch", "delete", NULL};
	static const struct {
		const char *group, *resource, *sub;
		const char *const *verbs;
		int exact; /* exactly Metadata (secret data must not be logged) */
	} items[] = {
		{"", "secrets", NULL, rw, 1},
		{"", "configmaps", NULL, rw, 1},
		{"authentication.k8s.io", "tokenreviews", NULL, w, 1},
		{"", "pods", "exec", w, 0},
		{"", "pods", "portforward", w, 0},
		{"", "pods", "proxy", rw, 0},
		{"", "services", "proxy", rw, 0},
		{"", "pods", NULL, w, 0},
		{"apps", "deployments", NULL, w, 0},
		{"certificates.k8s.io", "certificatesigningrequests", NULL, w, 0},
		{"", "serviceaccounts", "token", w, 0},
	};
	const struct cfgfile *f = NULL;
	enum tv tv = TV_ERROR;
	const struct ynode *rules = audit_rules(x, &f, &tv);
	struct sbuf bad = {0};

	(void)t;
	if (rules == NULL)
		return tv;
	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		for (int v = 0; items[i].verbs[v]; v++) {
			struct areq q = {items[i].group, items[i].resource, items[i].sub,
					 items[i].verbs[v]};
			size_t which;
			enum level l = policy_level(rules, &q, &which);
			int ok =
				items[i].exact ? l == LV_METADATA : l >= LV_METADATA && l != LV_BAD;

			if (!ok) {
				sbuf_addf(&bad, "%s%s %s%s%s%s%s at %s", bad.len ? ", " : "",
					  q.verb, q.group[0] ? q.group : "", q.group[0] ? "/" : "",
					  q.resource, q.sub ? "/" : "", q.sub ? q.sub : "",
					  level_name(l));
				if (which != (size_t)-1)
					ev_cfg(x, f, rules->items[which],
					       "rules[%zu] decides %s %s%s%s: %s", which, q.verb,
					       q.resource, q.sub ? "/" : "", q.sub ? q.sub : "",
					       level_name(l));
				break; /* one verb per item is enough to name it */
			}
		}
	}
	if (bad.len) {
		ectx_actual(x, "not covered as required: %s", sbuf_str(&bad));
		sbuf_free(&bad);
		return TV_FALSE;
	}
	ectx_actual(x, "secrets, configmaps and tokenreviews at Metadata; exec, portforward, proxy "
		       "and pod/deployment changes recorded");
	return TV_TRUE;
}

/* ---- etcd-ca-unique (2.7) ---- */

static int
read_bundle(struct ectx *x, const struct setting *st, struct certlist *cl)
{
	struct froot *r = snap_view(x->s, st->view_pid);
	int fd = r ? files_open(r, st->path) : -1;
	struct sbuf b = {0};
	char buf[65536];
	ssize_t n;
	char *err = NULL;
	int rc;

	if (fd < 0) {
		ectx_reason(x, "%s: %s", st->path, files_strerror(errno));
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0 && b.len < (16u << 20))
		sbuf_addn(&b, buf, (size_t)n);
	close(fd);
	rc = certs_load(sbuf_str(&b), b.len, cl, &err);
	sbuf_free(&b);
	if (rc < 0) {
		ectx_reason(x, "%s: %s", st->path, err);
		free(err);
		return -1;
	}
	return rc;
}

static enum tv
b_etcd_ca(struct ectx *x, const struct test *t)
{
	const struct setting *ca = snap_setting(x->s, "etcd", "trusted-ca-file");
	const struct setting *api = snap_setting(x->s, "kube-apiserver", "client-ca-file");
	struct certlist ce = {0}, ca2 = {0};
	enum tv tv = TV_TRUE;
	int n;

	(void)t;
	if (ca == NULL || api == NULL) {
		ectx_reason(x, "components.yaml lacks etcd trusted-ca-file or kube-apiserver "
			       "client-ca-file");
		return TV_ERROR;
	}
	if (ca->status == SET_NOT_RUNNING) {
		ectx_reason(x, "etcd not running on this node");
		return TV_SKIP;
	}
	snap_add_setting_evidence(x->res, ca);
	if (ca->status == SET_ERROR) {
		ectx_reason(x, "%s", ca->error);
		return TV_ERROR;
	}
	if (!ca->has_value || ca->path == NULL) {
		ectx_actual(x, "etcd has no trusted CA file");
		return TV_FALSE;
	}
	if ((n = read_bundle(x, ca, &ce)) < 0) {
		certlist_free(&ce);
		return TV_ERROR;
	}
	if (api->status != SET_OK || !api->has_value || api->path == NULL) {
		ectx_reason(x,
			    "no kube-apiserver --client-ca-file on this node to compare etcd's CA "
			    "with");
		ectx_actual(
			x,
			"etcd trusts %d CA certificate%s; no kube-apiserver --client-ca-file on "
			"this node to compare with",
			n, n == 1 ? "" : "s");
		certlist_free(&ce);
		return TV_FALSE;
	}
	snap_add_setting_evidence(x->res, api);
	if (read_bundle(x, api, &ca2) < 0) {
		certlist_free(&ce);
		certlist_free(&ca2);
		return TV_ERROR;
	}
	for (size_t i = 0; i < ce.n; i++)
		if (certs_find(&ca2, &ce, i) >= 0) {
			char *subj = certs_subject(&ce, i);
			char *fp = certs_sha256(&ce, i);

			ectx_actual(
				x,
				"certificate %s (sha256 %.16s...) is trusted by both etcd and the "
				"apiserver's client CA bundle",
				subj, fp);
			free(subj);
			free(fp);
			tv = TV_FALSE;
		}
	if (tv == TV_TRUE)
		ectx_actual(x, "etcd's %zu CA certificate%s and the apiserver's %zu share none",
			    ce.n, ce.n == 1 ? "" : "s", ca2.n);
	certlist_free(&ce);
	certlist_free(&ca2);
	return tv;
}

/* ---- etcd-single-member (skip_if of 2.4, 2.5) ---- */

static int
url_loopback(const char *url)
{
	const char *h = strstr(url, "://");
	char host[256];
	size_t n;

	h = h ? h + 3 : url;
	if (*h == '[') {
		const char *e = strchr(h, ']');

		if (e == NULL)
			return 0;
		n = (size_t)(e - h - 1);
		if (n >= sizeof(host))
			return 0;
		memcpy(host, h + 1, n);
	} else {
		n = strcspn(h, ":/");
		if (n >= sizeof(host))
			return 0;
		memcpy(host, h, n);
	}
	host[n] = '\0';
	return strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 ||
	       strcmp(host, "::1") == 0;
}

static enum tv
b_etcd_single(struct ectx *x, const struct test *t)
{
	static const char *const urlsets[] = {"listen-peer-urls", "initial-advertise-peer-urls",
					      NULL};
	const struct setting *ic = snap_setting(x->s, "etcd", "initial-cluster");
	const struct setting *name = snap_setting(x->s, "etcd", "name");
	const char *me;

	(void)t;
	if (ic == NULL || name == NULL || ic->status != SET_OK || name->status != SET_OK)
		return TV_FALSE;
	me = name->has_value ? name->val.raw : "default";
	if (ic->has_value && ic->val.list.n) {
		for (size_t i = 0; i < ic->val.list.n; i++) {
			const char *e = ic->val.list.v[i];
			const char *eq = strchr(e, '=');

			if (eq == NULL || strncmp(e, me, (size_t)(eq - e)) != 0 ||
			    me[eq - e] != '\0' || !url_loopback(eq + 1))
				return TV_FALSE;
		}
	}
	for (int s = 0; urlsets[s]; s++) {
		const struct setting *u = snap_setting(x->s, "etcd", urlsets[s]);

		if (u == NULL || u->status != SET_OK)
			return TV_FALSE;
		for (size_t i = 0; u->has_value && i < u->val.list.n; i++)
			if (!url_loopback(u->val.list.v[i]))
				return TV_FALSE;
	}
	return TV_TRUE;
}

/* ---- static-pods (section 5 evidence) ---- */

static int
cap_listed(const struct ynode *caps, const char *key, const char *cap)
{
	const struct ynode *l = caps ? ynode_map_get(caps, key) : NULL;

	return seq_has(l, cap) || seq_has(l, "ALL");
}

/* Whether a container (or the pod, for pod-level fields) sets field; *at is
 * the node to cite. */
static int
container_offends(const char *field, const struct ynode *spec, const struct ynode *ctr,
		  const struct ynode **at)
{
	const struct ynode *sc = ynode_map_get(ctr, "securityContext");
	const struct ynode *psc = ynode_map_get(spec, "securityContext");
	const struct ynode *n;

	*at = ctr;
	if (strcmp(field, "privileged") == 0)
		return (n = sc ? ynode_map_get(sc, "privileged") : NULL) && scalar_true(n) &&
		       (*at = n);
	if (strcmp(field, "allowPrivilegeEscalation") == 0) {
		n = sc ? ynode_map_get(sc, "allowPrivilegeEscalation") : NULL;
		if (n)
			*at = n;
		/* unset means escalation is allowed */
		return !(n && n->kind == YN_SCALAR && strcmp(n->scalar, "false") == 0);
	}
	if (strcmp(field, "runAsRoot") == 0) {
		const struct ynode *nr = sc ? ynode_map_get(sc, "runAsNonRoot") : NULL;
		const struct ynode *u = sc ? ynode_map_get(sc, "runAsUser") : NULL;

		if (nr == NULL && psc)
			nr = ynode_map_get(psc, "runAsNonRoot");
		if (u == NULL && psc)
			u = ynode_map_get(psc, "runAsUser");
		if (scalar_true(nr))
			return 0;
		return u == NULL || scalar_is(u, "0");
	}
	if (strcmp(field, "NET_RAW") == 0) {
		const struct ynode *caps = sc ? ynode_map_get(sc, "capabilities") : NULL;

		return !cap_listed(caps, "drop", "NET_RAW");
	}
	if (strcmp(field, "capabilities") == 0) {
		const struct ynode *caps = sc ? ynode_map_get(sc, "capabilities") : NULL;
		const struct ynode *add = caps ? ynode_map_get(caps, "add") : NULL;

		return !seq_empty(add) && (*at = add);
	}
	if (strcmp(field, "hostPort") == 0) {
		const struct ynode *ports = ynode_map_get(ctr, "ports");

		for (size_t i = 0; ports && ports->kind == YN_SEQ && i < ports->nitems; i++)
			if ((n = ynode_map_get(ports->items[i], "hostPort")) &&
			    !scalar_is(n, "0")) {
				*at = n;
				return 1;
			}
		return 0;
	}
	if (strcmp(field, "seccomp") == 0) {
		const struct ynode *p = sc ? ynode_lookup(sc, "seccompProfile.type") : NULL;

		if (p == NULL && psc)
			p = ynode_lookup(psc, "seccompProfile.type");
		return !(scalar_is(p, "RuntimeDefault") || scalar_is(p, "Localhost"));
	}
	if (strcmp(field, "securityContext") == 0)
		return sc == NULL && psc == NULL;
	return 0;
}

static void
pod_offences(struct ectx *x, const struct cfgfile *f, const char *field, size_t *count)
{
	const struct ynode *root = f->doc ? f->doc->root : NULL;
	const struct ynode *spec = root ? ynode_map_get(root, "spec") : NULL;
	const struct ynode *meta = root ? ynode_lookup(root, "metadata.name") : NULL;
	const char *pod = meta && meta->kind == YN_SCALAR ? meta->scalar : f->path;
	static const char *const podlevel[] = {"hostPID", "hostIPC", "hostNetwork", NULL};

	if (spec == NULL || spec->kind != YN_MAP)
		return;
	for (int i = 0; podlevel[i]; i++)
		if (strcmp(field, podlevel[i]) == 0) {
			const struct ynode *n = ynode_map_get(spec, field);

			if (scalar_true(n)) {
				ev_cfg(x, f, n, "pod %s: %s: true", pod, field);
				(*count)++;
			}
			return;
		}
	if (strcmp(field, "hostPath") == 0) {
		const struct ynode *vols = ynode_map_get(spec, "volumes");

		for (size_t i = 0; vols && vols->kind == YN_SEQ && i < vols->nitems; i++) {
			const struct ynode *hp = ynode_lookup(vols->items[i], "hostPath.path");

			if (hp && hp->kind == YN_SCALAR) {
				ev_cfg(x, f, hp, "pod %s: hostPath volume %s", pod, hp->scalar);
				(*count)++;
			}
		}
		return;
	}
	for (int k = 0; k < 2; k++) {
		const struct ynode *ctrs = ynode_map_get(spec, k ? "initContainers" : "containers");

		for (size_t i = 0; ctrs && ctrs->kind == YN_SEQ && i < ctrs->nitems; i++) {
			const struct ynode *at = NULL;
			const struct ynode *cn = ynode_map_get(ctrs->items[i], "name");

			if (container_offends(field, spec, ctrs->items[i], &at)) {
				ev_cfg(x, f, at, "pod %s container %s: %s", pod,
				       cn && cn->kind == YN_SCALAR ? cn->scalar : "?", field);
				(*count)++;
			}
		}
	}
}

static enum tv
b_static_pods(struct ectx *x, const struct test *t)
{
	const char *field = t->args.n ? t->args.v[0] : "";
	const struct setting *st = snap_setting(x->s, "kubelet", "pod-manifest-path");
	const char *dir = "/etc/kubernetes/manifests";
	pid_t view = 0;
	struct froot *r;
	struct strv files = {0};
	size_t count = 0, npods = 0;

	if (st && st->status == SET_OK && st->has_value && st->path) {
		dir = st->path;
		view = st->view_pid;
	}
	r = snap_view(x->s, view);
	if (r == NULL || files_list(r, dir, NULL, 0, FILES_LIST_REGULAR_ONLY, &files) < 0) {
		ectx_note(x, "node-local evidence: no static pod manifests in %s", dir);
		strv_free(&files);
		return TV_TRUE;
	}
	for (size_t i = 0; i < files.n; i++) {
		const struct cfgfile *f;

		if (!str_has_suffix(files.v[i], ".yaml") && !str_has_suffix(files.v[i], ".yml") &&
		    !str_has_suffix(files.v[i], ".json"))
			continue;
		f = snap_config(x->s, view, files.v[i]);
		if (f->error) {
			ectx_note(x, "%s", f->error);
			continue;
		}
		npods++;
		pod_offences(x, f, field, &count);
	}
	strv_free(&files);
	ectx_note(x, "node-local evidence: %zu static pod manifest%s in %s, %zu finding%s for %s",
		  npods, npods == 1 ? "" : "s", dir, count, count == 1 ? "" : "s", field);
	return count ? TV_FALSE : TV_TRUE;
}

/* ---- dispatch ---- */

enum tv
builtin_eval(struct ectx *x, const struct test *t)
{
	static const struct {
		const char *name;
		enum tv (*fn)(struct ectx *, const struct test *);
	} table[] = {
		{"encryption-secrets", b_encryption},
		{"admission-config-has", b_admission_config},
		{"audit-policy-minimal", b_audit_minimal},
		{"audit-policy-coverage", b_audit_coverage},
		{"etcd-ca-unique", b_etcd_ca},
		{"etcd-single-member", b_etcd_single},
		{"static-pods", b_static_pods},
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(t->builtin, table[i].name) == 0)
			return table[i].fn(x, t);
	ectx_reason(x, "unknown builtin %s", t->builtin);
	return TV_ERROR;
}
