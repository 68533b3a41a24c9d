/* eval.c - the evaluator: tests over the snapshot, verdicts with evidence. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "eval_int.h"
#include "snapshot_int.h"

/* Evidence lists of huge trees are capped; offenders are always listed. */
#define EV_MAX_PASSING_FILES 64

static void sbuf_sep_vaddf(struct sbuf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void
sbuf_sep_vaddf(struct sbuf *b, const char *fmt, va_list ap)
{
	if (b->len)
		sbuf_add(b, "; ");
	sbuf_vaddf(b, fmt, ap);
}

#define ECTX_FN(fn, field)                                                                         \
	void fn(struct ectx *x, const char *fmt, ...)                                              \
	{                                                                                          \
		va_list ap;                                                                        \
		va_start(ap, fmt);                                                                 \
		sbuf_sep_vaddf(&x->field, fmt, ap);                                                \
		va_end(ap);                                                                        \
	}

ECTX_FN(ectx_actual, actual)
ECTX_FN(ectx_reason, reason)

void
ectx_note(struct ectx *x, const char *fmt, ...)
{
	struct evidence *e = result_add_evidence(x->res);
	struct sbuf b = {0};
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(&b, fmt, ap);
	va_end(ap);
	e->source = EV_NOTE;
	e->text = sbuf_steal(&b);
}

static enum tv eval_test(struct ectx *x, const struct test *t);

/* ---- settings ---- */

static const char *
test_comp(const struct ectx *x, const struct test *t)
{
	return t->component ? t->component : x->c->component;
}

static int
is_loopback(const char *v)
{
	char host[256];
	const char *p;
	size_t n;
	struct in_addr a4;
	struct in6_addr a6;

	if (v == NULL || *v == '\0')
		return 1; /* an empty address disables the server */
	if (v[0] == '[') {
		p = strchr(v, ']');
		if (p == NULL)
			return 0;
		n = (size_t)(p - v - 1);
		if (n >= sizeof(host))
			return 0;
		memcpy(host, v + 1, n);
		host[n] = '\0';
	} else if ((p = strchr(v, ':')) != NULL && strchr(p + 1, ':') == NULL) {
		n = (size_t)(p - v);
		if (n >= sizeof(host))
			return 0;
		memcpy(host, v, n);
		host[n] = '\0';
	} else {
		snprintf(host, sizeof(host), "%s", v);
	}
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1) {
		if (IN6_IS_ADDR_LOOPBACK(&a6))
			return 1;
		return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
	}
	return 0;
}

/* Compares the setting's value with text by type: <0, 0, >0, or 2 when the
 * operand cannot be read as that type. */
static int
typed_cmp(enum vtype t, const struct value *v, const char *text)
{
	long long i;
	int b;
	double d;
	char *end;

	switch (t) {
	case VT_BOOL:
		if (go_parse_bool(text, &b) < 0)
			return 2;
		return v->b - b;
	case VT_INT:
		if (go_parse_int(text, &i) < 0)
			return 2;
		return v->i < i ? -1 : v->i > i;
	case VT_DURATION:
		if (go_parse_duration(text, &i) < 0)
			return 2;
		return v->dur_ns < i ? -1 : v->dur_ns > i;
	case VT_FLOAT:
		d = strtod(text, &end);
		if (*end)
			return 2;
		return v->d < d ? -1 : v->d > d;
	default:
		return strcmp(v->raw ? v->raw : "", text) != 0;
	}
}

/* A map entry's value compared with text: as Go bools when both are bools. */
static int
map_cmp(const char *val, const char *text)
{
	int a, b;

	if (go_parse_bool(val, &a) == 0 && go_parse_bool(text, &b) == 0)
		return a - b;
	return strcmp(val, text) != 0;
}

static int
list_of(const struct setting *st, const struct strv **out)
{
	if (st->val.type == VT_SLICE || st->val.type == VT_ARRAY || st->val.type == VT_MAP) {
		*out = &st->val.list;
		return 0;
	}
	return -1;
}

/* DESIGN 3.2: a file named by a running component that is missing is an
 * ERROR, never a PASS because the flag merely has a value. Every element of
 * a path-valued setting (one path, or a list of them) must exist. */
static enum tv
named_files_exist(struct ectx *x, const char *comp, const struct setting *st)
{
	const struct compdef *cd;
	const struct flagdef *fd;
	struct comp *c = snap_comp(x->s, comp);
	enum tv rc = TV_TRUE;

	if (c == NULL || (cd = c->def) == NULL || (fd = compdef_flag(cd, st->name)) == NULL ||
	    !fd->is_path || !st->has_value)
		return TV_TRUE;
	for (size_t i = 0; i < (st->val.list.n ? st->val.list.n : 1); i++) {
		const char *v = st->val.list.n ? st->val.list.v[i] : st->val.raw;
		char *path = NULL, *err = NULL;
		pid_t view = 0;
		struct ffacts f;

		if (v == NULL || *v == '\0')
			continue;
		if (st->val.list.n == 0 && st->path) {
			path = xstrdup(st->path);
			view = st->view_pid;
		} else if (snap_resolve_path(x->s, c, v, NULL, 0, &path, &view, &err) < 0) {
			ectx_reason(x, "%s", err);
			free(err);
			rc = TV_ERROR;
			continue;
		}
		snap_stat(x->s, view, path, &f);
		if (!f.exists || f.err) {
			evidence_add_file(x->res, &f, view);
			ectx_reason(x, "%s (named by %s %s) %s", path, comp, st->name,
				    !f.exists ? "does not exist" : files_strerror(f.err));
			rc = TV_ERROR;
		}
		ffacts_free(&f);
		free(path);
	}
	return rc;
}

static enum tv
eval_setting(struct ectx *x, const struct test *t)
{
	const char *comp = test_comp(x, t);
	const struct setting *st = snap_setting(x->s, comp, t->setting);
	const char *text = NULL;
	const struct strv *list = NULL;
	int set, holds = 0, c;

	if (st == NULL) {
		ectx_reason(x, "%s has no setting %s", comp, t->setting);
		return TV_ERROR;
	}
	if (st->status == SET_NOT_RUNNING) {
		ectx_reason(x, "%s not running on this node", comp);
		return TV_SKIP;
	}
	snap_add_setting_evidence(x->res, st);
	if (st->status == SET_ERROR) {
		ectx_reason(x, "%s", st->error ? st->error : "could not resolve the setting");
		return TV_ERROR;
	}
	set = st->has_value;
	if (set)
		text = st->val.raw ? st->val.raw : "";
	if (t->key) {
		text = set ? value_map_get(&st->val, t->key) : NULL;
		set = text != NULL;
		ectx_actual(x, "%s %s=%s", t->setting, t->key, set ? text : "(unset)");
	} else {
		ectx_actual(x, "%s=%s%s", t->setting, set ? (text[0] ? text : "\"\"") : "(unset)",
			    set && st->from_default ? " (default)" : "");
	}
	switch (t->op) {
	case OP_PRESENT:
		holds = t->key ? set : st->explicit;
		if (holds && !t->key && named_files_exist(x, comp, st) == TV_ERROR)
			return TV_ERROR;
		break;
	case OP_ABSENT:
		holds = t->key ? !set : !st->explicit;
		break;
	case OP_NONEMPTY:
		holds = set && text[0] != '\0';
		if (holds && !t->key && named_files_exist(x, comp, st) == TV_ERROR)
			return TV_ERROR;
		break;
	case OP_EMPTY:
		holds = !set || text[0] == '\0';
		break;
	case OP_EQ:
	case OP_NE:
		if (!set) {
			holds = t->op == OP_NE;
			break;
		}
		c = t->key ? map_cmp(text, t->value) : typed_cmp(st->type, &st->val, t->value);
		if (c == 2) {
			ectx_reason(x, "profile operand \"%s\" is not a valid %s", t->value,
				    vtype_name(st->type));
			return TV_ERROR;
		}
		holds = (c == 0) == (t->op == OP_EQ);
		break;
	case OP_IN:
		holds = set && strv_index(&t->values, text) >= 0;
		break;
	case OP_HAS:
	case OP_LACKS:
	case OP_SUBSET:
		if (set && list_of(st, &list) < 0) {
			ectx_reason(x, "%s is not a list", t->setting);
			return TV_ERROR;
		}
		if (t->op == OP_HAS)
			holds = set && strv_index(list, t->value) >= 0;
		else if (t->op == OP_LACKS)
			holds = !set || strv_index(list, t->value) < 0;
		else {
			holds = set && list->n > 0;
			for (size_t i = 0; holds && i < list->n; i++)
				if (strv_index(&t->values, list->v[i]) < 0) {
					holds = 0;
					ectx_actual(x, "%s not allowed", list->v[i]);
				}
		}
		break;
	case OP_GT:
	case OP_GE:
	case OP_LT:
	case OP_LE:
		if (!set)
			break;
		c = typed_cmp(st->type, &st->val, t->value);
		if (c == 2) {
			ectx_reason(x, "profile operand \"%s\" is not a valid %s", t->value,
				    vtype_name(st->type));
			return TV_ERROR;
		}
		holds = t->op == OP_GT	 ? c > 0
			: t->op == OP_GE ? c >= 0
			: t->op == OP_LT ? c < 0
					 : c <= 0;
		break;
	case OP_REGEX:
		holds = t->has_re && regexec(&t->re, set ? text : "", 0, NULL, 0) == 0;
		break;
	case OP_LOOPBACK:
		holds = is_loopback(set ? text : "");
		break;
	default:
		ectx_reason(x, "unknown operator");
		return TV_ERROR;
	}
	return holds ? TV_TRUE : TV_FALSE;
}

/* ---- files ---- */

struct fcand {
	char *path;
	pid_t view;
	int missing;  /* MISSING_SKIP or MISSING_ERROR */
	char *origin; /* what named it, for messages */
};

struct fset {
	struct fcand *v;
	size_t n;
};

static void
fset_add(struct fset *fs, const char *path, pid_t view, int missing, const char *origin)
{
	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].view == view && strcmp(fs->v[i].path, path) == 0)
			return;
	fs->v = xrealloc(fs->v, (fs->n + 1) * sizeof(*fs->v));
	fs->v[fs->n].path = xstrdup(path);
	fs->v[fs->n].view = view;
	fs->v[fs->n].missing = missing;
	fs->v[fs->n].origin = xstrdup(origin);
	fs->n++;
}

static void
fset_free(struct fset *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->v[i].path);
		free(fs->v[i].origin);
	}
	free(fs->v);
}

static const char *const unit_dirs[] = {
	"/etc/systemd/system",	   "/run/systemd/system", "/usr/local/lib/systemd/system",
	"/usr/lib/systemd/system", "/lib/systemd/system", NULL,
};

/* systemd's view of a unit: the *.conf drop-ins of NAME.service.d over the search
 * path (an earlier directory masks a same-named file later), else the unit
 * file itself. Returns the number of files added. */
static size_t
units_collect(struct ectx *x, const char *unit, struct fset *fs)
{
	struct strv seen = {0};
	size_t added = 0;
	struct froot *r = x->s->root;

	for (int i = 0; unit_dirs[i]; i++) {
		char *dir = xasprintf("%s/%s.service.d", unit_dirs[i], unit);
		struct strv files = {0};

		if (files_list(r, dir, "*.conf", 0, FILES_LIST_REGULAR_ONLY, &files) == 0) {
			for (size_t j = 0; j < files.n; j++) {
				const char *base = strrchr(files.v[j], '/') + 1;
				struct ffacts f;

				if (strv_index(&seen, base) >= 0)
					continue;
				/* /lib may be a link to /usr/lib: judge each real file once */
				files_stat(r, files.v[j], &f);
				if (f.link && strv_index(&seen, f.link) >= 0) {
					ffacts_free(&f);
					continue;
				}
				strv_push(&seen, base);
				if (f.link)
					strv_push(&seen, f.link);
				ffacts_free(&f);
				fset_add(fs, files.v[j], 0, MISSING_SKIP, "systemd drop-in");
				added++;
			}
		}
		strv_free(&files);
		free(dir);
	}
	if (added == 0) {
		for (int i = 0; unit_dirs[i]; i++) {
			char *path = xasprintf("%s/%s.service", unit_dirs[i], unit);
			struct ffacts f;

			files_stat(r, path, &f);
			if (f.exists) {
				fset_add(fs, path, 0, MISSING_SKIP, "systemd unit");
				added = 1;
			}
			ffacts_free(&f);
			free(path);
			if (added)
				break;
		}
	}
	strv_free(&seen);
	return added;
}

/* Adds the files of one FILESEL. Returns TV_TRUE, or TV_ERROR with reason. */
static enum tv
filesel_collect(struct ectx *x, const struct filesel *fsel, struct fset *fs)
{
	char *base = NULL, *origin = NULL;
	pid_t view = 0;
	int missing = MISSING_SKIP;
	enum tv rc = TV_TRUE;

	if (fsel->units) {
		if (units_collect(x, fsel->units, fs) == 0)
			ectx_reason(x,
				    "%s is not managed by systemd here (no %s.service unit or "
				    "drop-in in the unit search path)",
				    fsel->units, fsel->units);
		return TV_TRUE;
	}
	if (fsel->path) {
		base = xstrdup(fsel->path);
		origin = xstrdup("default path");
	} else {
		const char *comp = fsel->component ? fsel->component : x->c->component;
		const struct setting *st = snap_setting(x->s, comp, fsel->setting);

		if (st == NULL) {
			ectx_reason(x, "%s has no setting %s", comp, fsel->setting);
			return TV_ERROR;
		}
		if (st->status == SET_ERROR) {
			snap_add_setting_evidence(x->res, st);
			ectx_reason(x, "%s", st->error);
			return TV_ERROR;
		}
		if (fsel->host_ns_only && st->status == SET_OK && st->has_value &&
		    snap_comp(x->s, comp)->proc->container) {
			/* the component runs in a container: the file it names is in
			 * its own view (e.g. a projected volume), not a host file */
			ectx_note(x,
				  "%s runs in its own mount namespace: its %s is not a host file; "
				  "judging %s",
				  comp, fsel->setting, fsel->def);
			base = xstrdup(fsel->def);
			origin = xasprintf("default path (%s in a container)", comp);
		} else if (st->status == SET_OK && st->has_value && st->path) {
			snap_add_setting_evidence(x->res, st);
			base = xstrdup(st->path);
			view = st->view_pid;
			/* named by a running component: it must exist */
			missing = MISSING_ERROR;
			origin = xasprintf("%s %s", comp, fsel->setting);
		} else if (fsel->def) {
			base = xstrdup(fsel->def);
			origin = xasprintf("default path (%s %s)", comp,
					   st->status == SET_NOT_RUNNING ? "not running" : "unset");
		} else {
			if (st->status == SET_NOT_RUNNING)
				ectx_reason(x, "%s not running on this node", comp);
			else
				ectx_reason(x, "%s runs without %s", comp, fsel->setting);
			return TV_TRUE;
		}
	}
	if (fsel->missing != MISSING_AUTO)
		missing = fsel->missing;
	if (fsel->join) {
		char *j =
			xasprintf("%s%s%s", base, str_has_suffix(base, "/") ? "" : "/", fsel->join);

		free(base);
		base = j;
	}
	if (fsel->glob || fsel->dir_all) {
		struct strv files = {0};
		struct froot *r = snap_view(x->s, view);
		int flags = fsel->dir_all ? FILES_LIST_DIRS : FILES_LIST_REGULAR_ONLY;

		if (r == NULL || files_list(r, base, fsel->glob, fsel->recursive || fsel->dir_all,
					    flags, &files) < 0) {
			if (errno == ENOENT && missing == MISSING_SKIP) {
				ectx_reason(x, "%s is absent", base);
			} else {
				ectx_reason(x, "%s: %s", base, files_strerror(errno));
				rc = TV_ERROR;
			}
		}
		for (size_t i = 0; i < files.n; i++)
			fset_add(fs, files.v[i], view, MISSING_ERROR, origin);
		strv_free(&files);
	} else {
		fset_add(fs, base, view, missing, origin);
	}
	free(base);
	free(origin);
	return rc;
}

static enum tv
eval_files(struct ectx *x, const struct test *t)
{
	struct fset fs = {0};
	size_t nok = 0, nbad = 0, nerr = 0, nskip = 0, shown = 0;
	unsigned want_uid = t->uid, want_gid = t->gid;
	enum tv rc = TV_TRUE;
	struct sbuf bad = {0};

	for (size_t i = 0; i < t->nfiles; i++)
		if (filesel_collect(x, &t->files[i], &fs) == TV_ERROR)
			nerr++;
	if (t->has_owner && t->owner_by_name) {
		int u = froot_user_id(x->s->root, t->user, &want_uid);
		int g = froot_group_id(x->s->root, t->group, &want_gid);

		if (u < 0 || g < 0) {
			if (fs.n == 0 && nerr == 0)
				goto done; /* nothing to judge: SKIP below */
			ectx_actual(x, "%s%s%s%s%s in the node's /etc/passwd and /etc/group",
				    u < 0 ? "no user " : "", u < 0 ? t->user : "",
				    u < 0 && g < 0 ? ", " : "", g < 0 ? "no group " : "",
				    g < 0 ? t->group : "");
			for (size_t i = 0; i < fs.n; i++) {
				struct ffacts f;

				snap_stat(x->s, fs.v[i].view, fs.v[i].path, &f);
				evidence_add_file(x->res, &f, fs.v[i].view);
				ffacts_free(&f);
			}
			rc = TV_FALSE;
			goto out;
		}
	}
	for (size_t i = 0; i < fs.n; i++) {
		struct ffacts f;
		int ok = 1;
		char mb[8];

		snap_stat(x->s, fs.v[i].view, fs.v[i].path, &f);
		if (!f.exists) {
			if (fs.v[i].missing == MISSING_ERROR) {
				ectx_reason(x, "%s (named by %s) does not exist", fs.v[i].path,
					    fs.v[i].origin);
				evidence_add_file(x->res, &f, fs.v[i].view);
				nerr++;
			} else {
				nskip++;
			}
			ffacts_free(&f);
			continue;
		}
		if (f.err) {
			ectx_reason(x, "%s: %s", fs.v[i].path, files_strerror(f.err));
			evidence_add_file(x->res, &f, fs.v[i].view);
			nerr++;
			ffacts_free(&f);
			continue;
		}
		if (t->has_mode_max && (f.mode & 07777 & ~t->mode_max) != 0) {
			ok = 0;
			sbuf_addf(&bad, "%s%s mode %s", bad.len ? ", " : "", fs.v[i].path,
				  files_mode_str(f.mode, mb));
		}
		if (t->has_owner && (f.uid != want_uid || f.gid != want_gid)) {
			ok = 0;
			sbuf_addf(&bad, "%s%s owner %u:%u", bad.len ? ", " : "", fs.v[i].path,
				  (unsigned)f.uid, (unsigned)f.gid);
		}
		if (ok)
			nok++;
		else
			nbad++;
		if (!ok || shown++ < EV_MAX_PASSING_FILES)
			evidence_add_file(x->res, &f, fs.v[i].view);
		ffacts_free(&f);
	}
	if (nok > EV_MAX_PASSING_FILES)
		ectx_note(x, "%zu compliant files not listed", nok - EV_MAX_PASSING_FILES);
done:
	if (nbad) {
		char *s = str_sanitize(sbuf_str(&bad));

		ectx_actual(x, "%s", s);
		free(s);
		rc = TV_FALSE;
	} else if (nerr) {
		rc = TV_ERROR;
	} else if (nok == 0) {
		if (nskip)
			ectx_reason(x, "%zu file%s absent", nskip, nskip > 1 ? "s" : "");
		else if (x->reason.len == 0)
			ectx_reason(x, "no such files on this node");
		rc = TV_SKIP;
	} else {
		ectx_actual(x, "%zu file%s compl%s", nok, nok > 1 ? "s" : "",
			    nok > 1 ? "y" : "ies");
		if (nskip)
			ectx_note(x, "%zu listed file%s absent", nskip, nskip > 1 ? "s" : "");
	}
out:
	sbuf_free(&bad);
	fset_free(&fs);
	return rc;
}

/* ---- combinations ---- */

static enum tv
eval_test(struct ectx *x, const struct test *t)
{
	enum tv r, acc;
	int any_false = 0, any_true = 0, any_err = 0;

	switch (t->kind) {
	case T_SETTING:
		return eval_setting(x, t);
	case T_FILE:
		return eval_files(x, t);
	case T_BUILTIN:
		return builtin_eval(x, t);
	case T_NOT:
		r = eval_test(x, t->sub[0]);
		return r == TV_TRUE ? TV_FALSE : r == TV_FALSE ? TV_TRUE : r;
	case T_ALL:
	case T_ANY:
		for (size_t i = 0; i < t->nsub; i++) {
			r = eval_test(x, t->sub[i]);
			any_true |= r == TV_TRUE;
			any_false |= r == TV_FALSE;
			any_err |= r == TV_ERROR;
		}
		if (t->kind == T_ALL)
			acc = any_false	 ? TV_FALSE
			      : any_err	 ? TV_ERROR
			      : any_true ? TV_TRUE
					 : TV_SKIP;
		else
			acc = any_true	  ? TV_TRUE
			      : any_err	  ? TV_ERROR
			      : any_false ? TV_FALSE
					  : TV_SKIP;
		return acc;
	}
	return TV_ERROR;
}

/* ---- checks ---- */

static void
res_init(struct result *res, const struct check *c)
{
	res->id = xstrdup(c->id);
	res->section = xstrdup(c->section);
	res->title = xstrdup(c->title);
	res->automated = c->automated;
	res->component = xstrdup(c->component);
	res->expected = xstrdup(c->expected ? c->expected : "");
	res->remediation = xstrdup(c->remediation ? c->remediation : "");
}

static int
comp_is_real(const char *name)
{
	return strcmp(name, "(files)") != 0 && strcmp(name, "cluster") != 0;
}

void
eval_check(struct snapshot *s, const struct check *c, struct result *res)
{
	struct ectx x = {.s = s, .c = c, .res = res};
	enum result_state st = RS_WARN;
	enum tv tv;

	res_init(res, c);
	if (c->cluster_scope) {
		ectx_reason(&x, "cluster scope: judged from the Kubernetes API, not from a node");
		if (c->evidence)
			(void)eval_test(&x, c->evidence);
		st = RS_WARN;
		goto out;
	}
	if (c->role && !snap_has_role(s, c->role)) {
		if (s->procs.hidepid)
			goto hidden;
		ectx_reason(&x, "not a%s %s node", strchr("aeiou", c->role[0]) ? "n" : "", c->role);
		st = RS_SKIP;
		goto out;
	}
	if (comp_is_real(c->component)) {
		struct comp *cp = snap_comp(s, c->component);

		if (cp == NULL) {
			ectx_reason(&x, "unknown component %s in the profile", c->component);
			st = RS_ERROR;
			goto out;
		}
		if (cp->proc == NULL) {
			if (s->procs.hidepid)
				goto hidden;
			ectx_reason(&x, "%s not running on this node", c->component);
			st = RS_SKIP;
			goto out;
		}
	}
	if (c->skip_if) {
		struct ectx y = {.s = s, .c = c, .res = res};

		tv = eval_test(&y, c->skip_if);
		sbuf_free(&y.actual);
		sbuf_free(&y.reason);
		if (tv == TV_TRUE) {
			ectx_reason(&x, "%s", c->skip_reason ? c->skip_reason : "not applicable");
			st = RS_SKIP;
			goto out;
		}
	}
	if (c->test == NULL) {
		ectx_reason(&x, "manual: %s",
			    c->manual_reason ? c->manual_reason : "a person must judge");
		if (c->evidence)
			(void)eval_test(&x, c->evidence);
		st = RS_WARN;
		goto out;
	}
	tv = eval_test(&x, c->test);
	if (c->evidence) {
		/* context for a person: never changes the verdict */
		struct ectx y = {.s = s, .c = c, .res = res};

		(void)eval_test(&y, c->evidence);
		if (y.actual.len)
			ectx_note(&x, "context: %s", sbuf_str(&y.actual));
		sbuf_free(&y.actual);
		sbuf_free(&y.reason);
	}
	switch (tv) {
	case TV_TRUE:
		st = RS_PASS;
		break;
	case TV_FALSE:
		st = c->automated ? RS_FAIL : RS_WARN;
		if (!c->automated)
			ectx_reason(&x, "manual check: not shown to hold, a person must judge");
		break;
	case TV_SKIP:
		st = RS_SKIP;
		break;
	case TV_ERROR:
		st = RS_ERROR;
		break;
	}
	goto out;
hidden:
	ectx_reason(&x,
		    "cannot tell whether %s runs here: /proc hides other users' processes "
		    "(hidepid)",
		    comp_is_real(c->component) ? c->component : "the node's components");
	st = RS_ERROR;
out:
	res->state = st;
	res->actual = str_sanitize(sbuf_str(&x.actual));
	res->reason = str_sanitize(sbuf_str(&x.reason));
	sbuf_free(&x.actual);
	sbuf_free(&x.reason);
}

static int
id_matches(const struct strv *ids, const struct check *c)
{
	for (size_t i = 0; i < ids->n; i++) {
		const char *id = ids->v[i];
		size_t n = strlen(id);

		/* "1.2" selects the whole section, "1.2.6" one check */
		if (strcmp(c->id, id) == 0 || (strncmp(c->id, id, n) == 0 && c->id[n] == '.'))
			return 1;
	}
	return 0;
}

void
eval_profile(struct snapshot *s, const struct profile *p, const struct eval_opts *o,
	     struct report *r)
{
	for (size_t i = 0; i < p->nchecks; i++) {
		const struct check *c = &p->checks[i];
		struct result *res;

		if (o->targets.n && strv_index(&o->targets, c->target) < 0)
			continue;
		if (o->only.n && !id_matches(&o->only, c))
			continue;
		res = report_add_result(r);
		if (o->skip.n && id_matches(&o->skip, c)) {
			res_init(res, c);
			res->state = RS_SKIP;
			res->actual = xstrdup("");
			res->reason = xstrdup("excluded by --skip");
			continue;
		}
		eval_check(s, c, res);
	}
	report_count(r);
}

int
eval_target_valid(const char *name)
{
	static const char *const targets[] = {"master", "controlplane", "etcd", "node", "policies"};

	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (strcmp(name, targets[i]) == 0)
			return 1;
	return 0;
}

int
eval_id_valid(const char *s)
{
	int digits = 0;

	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (*s == '.' && digits)
			digits = 0;
		else
			return 0;
	}
	return digits > 0;
}
