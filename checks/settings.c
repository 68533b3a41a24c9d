/* settings.c - effective settings, resolved the way each component resolves
 * them (DESIGN 4), with the evidence that decided each value. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snapshot.h"
#include "snapshot_int.h"

/* ---- evidence helpers ---- */

static struct evidence *
st_ev(struct setting *st, enum ev_source src)
{
	struct evidence *e;

	st->ev = xrealloc(st->ev, (st->nev + 1) * sizeof(*st->ev));
	e = &st->ev[st->nev++];
	memset(e, 0, sizeof(*e));
	e->source = src;
	e->index = -1;
	return e;
}

static void st_note(struct setting *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
st_note(struct setting *st, const char *fmt, ...)
{
	struct evidence *e = st_ev(st, EV_NOTE);
	struct sbuf b = {0};
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(&b, fmt, ap);
	va_end(ap);
	e->text = sbuf_steal(&b);
}

static void
st_error(struct setting *st, char *msg)
{
	st->status = SET_ERROR;
	free(st->error);
	st->error = msg;
}

/* Evidence for every occurrence of a flag on the process's argv. */
static void
st_ev_flag(struct setting *st, const struct comp *c, const struct flag *f)
{
	for (size_t i = 0; i < f->nocc; i++) {
		struct evidence *e = st_ev(st, EV_ARGV);

		e->pid = c->proc->pid;
		e->index = f->occ[i].index;
		e->text = xstrdup(f->occ[i].text);
	}
	if (f->nocc > 1 && f->type != VT_SLICE && f->type != VT_ARRAY && f->type != VT_MAP)
		st_note(st, "--%s is given %zu times: the last occurrence wins", f->name, f->nocc);
}

static char *
ynode_text(const struct ynode *n)
{
	struct sbuf b = {0};

	if (n->kind == YN_SCALAR)
		return str_sanitize(n->scalar);
	for (size_t i = 0; i < n->nitems; i++) {
		const struct ynode *it = n->items[i];

		if (i)
			sbuf_add(&b, n->kind == YN_MAP && i % 2 ? "=" : ",");
		sbuf_add(&b, it->kind == YN_SCALAR ? it->scalar : "...");
	}
	{
		char *raw = sbuf_steal(&b);
		char *out = str_sanitize(raw);

		free(raw);
		return out;
	}
}

static void
st_ev_config(struct setting *st, const struct cfgfile *f, const char *key,
	     const struct ynode *keynode, const struct ynode *val)
{
	struct evidence *e = st_ev(st, f->is_dropin ? EV_DROPIN : EV_CONFIG);
	char *text = ynode_text(val);

	e->file = str_sanitize(f->path);
	e->line = keynode ? keynode->line : val->line;
	e->text = xasprintf("%s: %s", key, text);
	if (f->view_pid)
		e->view = snap_view_name(f->view_pid);
	free(text);
}

/* ---- values from YAML ---- */

/* YAML 1.1 booleans, as sigs.k8s.io/yaml (go-yaml v2) reads plain scalars. */
static int
yaml_bool(const struct ynode *n, int *out)
{
	static const char *const yes[] = {"y",	  "Y",	  "yes", "Yes", "YES", "true",
					  "True", "TRUE", "on",	 "On",	"ON",  NULL};
	static const char *const no[] = {"n",	  "N",	   "no",  "No",	 "NO",	"false",
					 "False", "FALSE", "off", "Off", "OFF", NULL};

	if (n->kind != YN_SCALAR || n->quoted)
		return -1;
	for (int i = 0; yes[i]; i++)
		if (strcmp(n->scalar, yes[i]) == 0)
			return *out = 1, 0;
	for (int i = 0; no[i]; i++)
		if (strcmp(n->scalar, no[i]) == 0)
			return *out = 0, 0;
	return -1;
}

/* Converts a config node to a value of type t. Returns 0, 1 when the node is
 * null (treated as not set), -1 with *err on a type mismatch. */
static int
value_from_ynode(struct value *v, enum vtype t, const struct ynode *n, char **err)
{
	const char *perr = NULL;

	memset(v, 0, sizeof(*v));
	v->type = t;
	if (n->kind == YN_SCALAR && n->is_null)
		return 1;
	switch (t) {
	case VT_BOOL:
		if (yaml_bool(n, &v->b) < 0) {
			*err = xasprintf("expected a boolean");
			return -1;
		}
		v->raw = xstrdup(v->b ? "true" : "false");
		return 0;
	case VT_SLICE:
	case VT_ARRAY:
		if (n->kind == YN_SCALAR) /* etcd writes lists as comma-separated strings */
			break;
		if (n->kind != YN_SEQ) {
			*err = xasprintf("expected a list");
			return -1;
		}
		for (size_t i = 0; i < n->nitems; i++) {
			if (n->items[i]->kind != YN_SCALAR) {
				*err = xasprintf("expected a list of strings");
				value_free(v);
				return -1;
			}
			strv_push(&v->list, n->items[i]->scalar);
		}
		v->raw = strv_join(&v->list, ",");
		return 0;
	case VT_MAP:
		if (n->kind != YN_MAP) {
			*err = xasprintf("expected a mapping");
			return -1;
		}
		for (size_t i = 0; i + 1 < n->nitems; i += 2) {
			const struct ynode *k = n->items[i], *val = n->items[i + 1];

			if (k->kind != YN_SCALAR || val->kind != YN_SCALAR) {
				*err = xasprintf("expected a mapping of strings");
				value_free(v);
				return -1;
			}
			value_map_set(v, k->scalar, val->scalar);
		}
		{
			struct sbuf b = {0};

			for (size_t i = 0; i < v->list.n; i++)
				sbuf_addf(&b, "%s%s=%s", i ? "," : "", v->list.v[i],
					  v->mapvals.v[i]);
			v->raw = sbuf_steal(&b);
		}
		return 0;
	default:
		break;
	}
	if (n->kind != YN_SCALAR) {
		*err = xasprintf("expected a scalar");
		return -1;
	}
	if (value_parse(v, t, n->scalar, &perr) < 0) {
		*err = xasprintf("%s", perr ? perr : "invalid value");
		return -1;
	}
	return 0;
}

/* ---- config layers ---- */

static const struct flag *
comp_flag(const struct comp *c, const char *name)
{
	return c->proc ? flagset_get(&c->flags, name) : NULL;
}

/* The value text of a flag (last occurrence), or NULL. */
static const char *
comp_flag_text(const struct comp *c, const char *name)
{
	const struct flag *f = comp_flag(c, name);

	return f && f->nocc ? f->occ[f->nocc - 1].value : NULL;
}

static char *
proc_cwd(pid_t pid)
{
	char link[64], buf[4096];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/cwd", (int)pid);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

int
snap_resolve_path(struct snapshot *s, const struct comp *c, const char *value, const char *base_dir,
		  pid_t base_view, char **path, pid_t *view, char **err)
{
	char *cwd;

	if (base_dir) {
		*view = base_view;
		*path = value[0] == '/' ? xstrdup(value) : xasprintf("%s/%s", base_dir, value);
		return 0;
	}
	if (value[0] == '/') {
		*view = c->proc && c->proc->other_mntns ? c->proc->pid : 0;
		*path = xstrdup(value);
		return 0;
	}
	if (c->proc == NULL) {
		*err = xasprintf("relative path \"%s\" and no process to resolve it against",
				 value);
		return -1;
	}
	/* The cwd's target is already in the auditor's view: read it through
	 * the process's own root rather than prefixing --root to it. When that
	 * target lies inside --root (a node tree whose processes run here),
	 * the path is the node's own and is read in the --root view, so links
	 * in it resolve inside the node as everywhere else. */
	cwd = proc_cwd(c->proc->pid);
	if (cwd == NULL) {
		*err = xasprintf(
			"relative path \"%s\": cannot read the working directory of pid %d: %s",
			value, (int)c->proc->pid, strerror(errno));
		return -1;
	}
	*path = xasprintf("%s%s%s", cwd, str_has_suffix(cwd, "/") ? "" : "/", value);
	if (!c->proc->other_mntns && s->root_real && strcmp(s->root_real, "/") != 0) {
		size_t n = strlen(s->root_real);

		if (strncmp(*path, s->root_real, n) == 0 && (*path)[n] == '/') {
			char *inroot = xstrdup(*path + n);

			free(*path);
			*path = inroot;
			*view = 0;
			free(cwd);
			return 0;
		}
	}
	*view = c->proc->pid;
	free(cwd);
	return 0;
}

static char *
dir_of(const char *path)
{
	char *tmp = xstrdup(path);
	char *d = xstrdup(dirname(tmp));

	free(tmp);
	return d;
}

static const struct cfgfile *
load_layer(struct snapshot *s, struct comp *c, const char *value, int dropin)
{
	char *path = NULL, *err = NULL;
	pid_t view = 0;
	const struct cfgfile *f;

	if (snap_resolve_path(s, c, value, NULL, 0, &path, &view, &err) < 0) {
		free(c->cfg_error);
		c->cfg_error = err;
		return NULL;
	}
	f = snap_config(s, view, path);
	if (dropin)
		((struct cfgfile *)f)->is_dropin = 1;
	if (f->error && c->cfg_error == NULL)
		c->cfg_error = xstrdup(f->error);
	free(path);
	return f;
}

static void
load_dropins(struct snapshot *s, struct comp *c, const char *dirval)
{
	char *dir = NULL, *err = NULL;
	pid_t view = 0;
	struct froot *r;
	struct strv files = {0};

	if (snap_resolve_path(s, c, dirval, NULL, 0, &dir, &view, &err) < 0) {
		c->cfg_error = err;
		return;
	}
	r = snap_view(s, view);
	if (r == NULL || files_list(r, dir, "*.conf", 0, FILES_LIST_REGULAR_ONLY, &files) < 0) {
		c->cfg_error = xasprintf("%s (--config-dir): %s", dir, files_strerror(errno));
		free(dir);
		strv_free(&files);
		return;
	}
	c->dropins = xcalloc(files.n ? files.n : 1, sizeof(*c->dropins));
	for (size_t i = 0; i < files.n; i++) {
		const struct cfgfile *f = snap_config(s, view, files.v[i]);

		((struct cfgfile *)f)->is_dropin = 1;
		c->dropins[c->ndropins++] = f;
		if (f->error && c->cfg_error == NULL)
			c->cfg_error = xstrdup(f->error);
	}
	strv_free(&files);
	free(dir);
}

void
comp_load_config(struct snapshot *s, struct comp *c)
{
	const struct compdef *d = c->def;
	const char *val;

	if (c->cfg_loaded || c->proc == NULL)
		return;
	c->cfg_loaded = 1;
	switch (d->model) {
	case MODEL_FLAGS:
		return;
	case MODEL_ETCD:
		val = d->config_flag ? comp_flag_text(c, d->config_flag) : NULL;
		if ((val == NULL || !*val) && d->config_env) {
			if (procs_read_environ(c->proc) == 0)
				val = procs_getenv(c->proc, d->config_env);
			else
				c->cfg_error =
					xasprintf("cannot read /proc/%d/environ: %s",
						  (int)c->proc->pid, strerror(c->proc->env_err));
		}
		break;
	case MODEL_KUBELET:
		val = d->config_dir_flag ? comp_flag_text(c, d->config_dir_flag) : NULL;
		if (val && *val)
			load_dropins(s, c, val);
		/* fall through */
	case MODEL_CONFIGFILE:
	default:
		val = d->config_flag ? comp_flag_text(c, d->config_flag) : NULL;
		break;
	}
	if (val && *val) {
		c->config_mode = 1;
		c->cfg = load_layer(s, c, val, 0);
	}
}

/* ---- resolution ---- */

static void
set_value(struct setting *st, struct value *v)
{
	value_free(&st->val);
	st->val = *v;
	st->has_value = 1;
}

static void
resolve_default(struct setting *st, struct comp *c, const struct flagdef *fd, const char *why)
{
	const char *def = fd->def;
	struct value v;
	const char *perr = NULL;
	struct evidence *e;
	char *text;

	if (c->def->model == MODEL_KUBELET && c->config_mode && fd->def_config)
		def = fd->def_config;
	st->from_default = 1;
	e = st_ev(st, EV_DEFAULT);
	if (def == NULL) {
		e->text = xasprintf("%s: unset (no default)%s%s%s%s", fd->name,
				    fd->def_note ? "; " : "", fd->def_note ? fd->def_note : "",
				    why ? "; " : "", why ? why : "");
		return;
	}
	text = xstrdup(def);
	/* "${name}.etcd": a default made from another setting */
	if (strstr(def, "${")) {
		const char *b = strstr(def, "${"), *end = strchr(b, '}');

		if (end) {
			char *other = xstrndup(b + 2, (size_t)(end - b - 2));
			const struct setting *o = snap_setting_c(c->snap, c, other);

			free(text);
			text = xasprintf("%.*s%s%s", (int)(b - def), def,
					 o && o->has_value ? o->val.raw : "", end + 1);
			free(other);
		}
	}
	if (value_parse(&v, fd->type, text, &perr) == 0)
		set_value(st, &v);
	e->text = xasprintf("%s: default %s%s%s%s", fd->name, text[0] ? text : "\"\"",
			    c->def->model == MODEL_KUBELET
				    ? (c->config_mode ? " (kubelet started with --config)"
						      : " (kubelet started without --config)")
				    : "",
			    fd->def_note ? "; " : "", fd->def_note ? fd->def_note : "");
	if (why)
		st_note(st, "%s", why);
	free(text);
}

static int
from_flag(struct setting *st, struct comp *c, const struct flagdef *fd)
{
	const struct flag *f = comp_flag(c, fd->name);

	if (f == NULL || f->nocc == 0)
		return 0;
	st_ev_flag(st, c, f);
	if (f->error) {
		st_error(st, xasprintf("--%s: %s", fd->name, f->error));
		return 1;
	}
	st->explicit = 1;
	{
		struct value v;

		value_copy(&v, &f->value);
		set_value(st, &v);
	}
	return 1;
}

static int
from_config(struct setting *st, const struct cfgfile *f, const struct flagdef *fd, const char *key)
{
	const struct ynode *n, *k;
	struct value v;
	char *err = NULL;
	int rc;

	if (f == NULL || f->doc == NULL || f->doc->root == NULL || key == NULL)
		return 0;
	n = ynode_lookup(f->doc->root, key);
	if (n == NULL)
		return 0;
	k = ynode_lookup_key(f->doc->root, key);
	st_ev_config(st, f, key, k, n);
	rc = value_from_ynode(&v, fd->type, n, &err);
	if (rc < 0) {
		st_error(st, xasprintf("%s:%d: %s: %s", f->path, k ? k->line : n->line, key, err));
		free(err);
		return 1;
	}
	if (rc == 1) /* null: as if absent */
		return 0;
	st->explicit = 1;
	st->from_cfg = f;
	set_value(st, &v);
	return 1;
}

static const char *
etcd_env_name(const struct flagdef *fd, char *buf, size_t len)
{
	size_t i, o;

	if (fd->env)
		return fd->env;
	o = (size_t)snprintf(buf, len, "ETCD_");
	for (i = 0; fd->name[i] && o + 1 < len; i++)
		buf[o++] = fd->name[i] == '-' ? '_' : (char)toupper((unsigned char)fd->name[i]);
	buf[o] = '\0';
	return buf;
}

static int
from_env(struct setting *st, struct comp *c, const struct flagdef *fd)
{
	char buf[128];
	const char *name = etcd_env_name(fd, buf, sizeof(buf));
	const char *val, *perr = NULL;
	struct evidence *e;
	struct value v;

	if (procs_read_environ(c->proc) < 0) {
		st_error(st,
			 xasprintf("%s: cannot read /proc/%d/environ to look up %s: %s", fd->name,
				   (int)c->proc->pid, name, strerror(c->proc->env_err)));
		return 1;
	}
	val = procs_getenv(c->proc, name);
	if (val == NULL)
		return 0;
	e = st_ev(st, EV_ENVIRON);
	e->pid = c->proc->pid;
	{
		char *raw = xasprintf("%s=%s", name, val);

		e->text = str_sanitize(raw);
		free(raw);
	}
	if (value_parse(&v, fd->type, val, &perr) < 0) {
		st_error(st, xasprintf("%s: invalid value for %s: %s", name, fd->name,
				       perr ? perr : "invalid"));
		return 1;
	}
	st->explicit = 1;
	set_value(st, &v);
	return 1;
}

/* Merges map entries of a layer into st (kubelet featureGates: per key). */
static void
merge_map(struct setting *st, const struct value *v)
{
	if (!st->has_value) {
		struct value c;

		value_copy(&c, v);
		set_value(st, &c);
		return;
	}
	for (size_t i = 0; i < v->list.n; i++)
		value_map_set(&st->val, v->list.v[i], v->mapvals.v[i]);
	free(st->val.raw);
	{
		struct sbuf b = {0};

		for (size_t i = 0; i < st->val.list.n; i++)
			sbuf_addf(&b, "%s%s=%s", i ? "," : "", st->val.list.v[i],
				  st->val.mapvals.v[i]);
		st->val.raw = sbuf_steal(&b);
	}
}

/* A flag that wins over the config layers: cite what it overrides, so a
 * reader sees why the file's value does not count. */
static void
cite_overridden(struct setting *st, const struct comp *c, const struct flagdef *fd)
{
	const struct cfgfile *layers[64];
	size_t n = 0;

	if (fd->key == NULL || st->status != SET_OK)
		return;
	if (c->cfg)
		layers[n++] = c->cfg;
	for (size_t i = 0; i < c->ndropins && n < 64; i++)
		layers[n++] = c->dropins[i];
	for (size_t i = 0; i < n; i++) {
		const struct ynode *v, *k;

		if (layers[i]->doc == NULL || layers[i]->doc->root == NULL ||
		    (v = ynode_lookup(layers[i]->doc->root, fd->key)) == NULL)
			continue;
		k = ynode_lookup_key(layers[i]->doc->root, fd->key);
		st_ev_config(st, layers[i], fd->key, k, v);
		st_note(st, "the command-line flag --%s overrides %s in %s", fd->name, fd->key,
			layers[i]->path);
	}
}

static void
resolve_kubelet(struct setting *st, struct comp *c, const struct flagdef *fd)
{
	struct setting tmp;

	if (fd->key && c->cfg_error) {
		st_error(st, xstrdup(c->cfg_error));
		return;
	}
	if (fd->type == VT_MAP) {
		/* maps merge per key: config file, then drop-ins, then flags */
		int any = 0;

		memset(&tmp, 0, sizeof(tmp));
		if (fd->key && c->cfg && from_config(&tmp, c->cfg, fd, fd->key)) {
			any = 1;
		}
		if (tmp.status == SET_OK && tmp.has_value)
			merge_map(st, &tmp.val);
		for (size_t i = 0; tmp.status == SET_OK && i < c->ndropins; i++) {
			value_free(&tmp.val);
			tmp.has_value = 0;
			if (fd->key && from_config(&tmp, c->dropins[i], fd, fd->key) &&
			    tmp.status == SET_OK && tmp.has_value) {
				merge_map(st, &tmp.val);
				any = 1;
			}
		}
		/* move evidence over */
		for (size_t i = 0; i < tmp.nev; i++) {
			struct evidence *e = st_ev(st, tmp.ev[i].source);

			*e = tmp.ev[i];
		}
		free(tmp.ev);
		tmp.ev = NULL;
		tmp.nev = 0;
		if (tmp.status == SET_ERROR) {
			st_error(st, tmp.error);
			tmp.error = NULL;
			setting_free(&tmp);
			return;
		}
		setting_free(&tmp);
		{
			const struct flag *f = comp_flag(c, fd->name);

			if (f && f->nocc) {
				st_ev_flag(st, c, f);
				if (f->error) {
					st_error(st, xasprintf("--%s: %s", fd->name, f->error));
					return;
				}
				merge_map(st, &f->value);
				any = 1;
			}
		}
		if (any)
			st->explicit = 1;
		else
			resolve_default(st, c, fd, NULL);
		return;
	}
	if (from_flag(st, c, fd)) {
		cite_overridden(st, c, fd);
		return;
	}
	for (size_t i = c->ndropins; fd->key && i > 0; i--)
		if (from_config(st, c->dropins[i - 1], fd, fd->key))
			return;
	if (fd->key && c->cfg && from_config(st, c->cfg, fd, fd->key)) {
		/* the kubelet's decoder replaces a zero duration by its default */
		if (fd->type == VT_DURATION && st->status == SET_OK && st->val.dur_ns == 0 &&
		    fd->def_config) {
			st_note(st,
				"a zero %s in the config file is replaced by the default when the "
				"kubelet decodes it",
				fd->key);
			value_free(&st->val);
			st->has_value = 0;
			st->explicit = 0;
			resolve_default(st, c, fd, NULL);
		}
		return;
	}
	resolve_default(st, c, fd, NULL);
}

static void
resolve_configfile(struct setting *st, struct comp *c, const struct flagdef *fd)
{
	const struct flag *f;

	if (!c->config_mode || fd->with_config) {
		if (!from_flag(st, c, fd))
			resolve_default(st, c, fd, NULL);
		return;
	}
	if (c->cfg_error) {
		st_error(st, xstrdup(c->cfg_error));
		return;
	}
	f = comp_flag(c, fd->name);
	if (f && f->nocc) {
		st_ev_flag(st, c, f);
		st_note(st, "--%s on the command line is ignored: %s was started with --%s",
			fd->name, c->def->name, c->def->config_flag);
	}
	if (fd->key && from_config(st, c->cfg, fd, fd->key))
		return;
	resolve_default(st, c, fd,
			fd->key ? NULL : "not read from the command line when --config is given");
}

static void
resolve_etcd(struct setting *st, struct comp *c, const struct flagdef *fd)
{
	if (c->config_mode) {
		/* etcd: a config file silences flags and environment alike */
		const struct flag *f = comp_flag(c, fd->name);

		if (c->cfg_error) {
			st_error(st, xstrdup(c->cfg_error));
			return;
		}
		if (f && f->nocc && strcmp(fd->name, c->def->config_flag) != 0) {
			st_ev_flag(st, c, f);
			st_note(st,
				"--%s on the command line is ignored: etcd reads only its config "
				"file when one is given",
				fd->name);
		}
		if (!from_config(st, c->cfg, fd, fd->key ? fd->key : fd->name))
			resolve_default(st, c, fd, "etcd reads only its --config-file");
		return;
	}
	if (c->cfg_error && strcmp(fd->name, c->def->config_flag ? c->def->config_flag : "") != 0) {
		st_error(st, xstrdup(c->cfg_error));
		return;
	}
	if (from_flag(st, c, fd))
		return;
	if (from_env(st, c, fd))
		return;
	resolve_default(st, c, fd, NULL);
}

static void
resolve_path(struct snapshot *s, struct setting *st, struct comp *c, const struct flagdef *fd)
{
	const char *base = NULL;
	pid_t base_view = 0;
	char *dir = NULL, *err = NULL;

	/* lists of paths are resolved element by element where they are used */
	if (!fd->is_path || fd->type != VT_STRING || st->status != SET_OK || !st->has_value ||
	    !st->val.raw || !st->val.raw[0])
		return;
	/* a path read from a config file is relative to that file */
	if (st->from_cfg) {
		dir = dir_of(st->from_cfg->path);
		base = dir;
		base_view = st->from_cfg->view_pid;
	}
	if (snap_resolve_path(s, c, st->val.raw, base, base_view, &st->path, &st->view_pid, &err) <
	    0)
		st_error(st, err);
	free(dir);
}

static struct setting *
cache_add(struct comp *c, const char *name)
{
	struct setting *st = xcalloc(1, sizeof(*st));

	st->name = xstrdup(name);
	c->cache = xrealloc(c->cache, (c->ncache + 1) * sizeof(*c->cache));
	c->cache[c->ncache++] = st;
	return st;
}

const struct setting *
snap_setting_c(struct snapshot *s, struct comp *c, const char *name)
{
	const struct flagdef *fd;
	const struct deriveddef *dd;
	struct setting *st;

	for (size_t i = 0; i < c->ncache; i++)
		if (strcmp(c->cache[i]->name, name) == 0)
			return c->cache[i];
	fd = compdef_flag(c->def, name);
	dd = fd ? NULL : compdef_derived(c->def, name);
	if (fd == NULL && dd == NULL)
		return NULL;
	st = cache_add(c, name);
	if (c->proc == NULL) {
		st->status = SET_NOT_RUNNING;
		st->type = fd ? fd->type : VT_SLICE;
		return st;
	}
	comp_load_config(s, c);
	if (dd) {
		derived_resolve(s, c, dd, st);
		return st;
	}
	st->type = fd->type;
	switch (c->def->model) {
	case MODEL_KUBELET:
		resolve_kubelet(st, c, fd);
		break;
	case MODEL_CONFIGFILE:
		resolve_configfile(st, c, fd);
		break;
	case MODEL_ETCD:
		resolve_etcd(st, c, fd);
		break;
	case MODEL_FLAGS:
	default:
		if (!from_flag(st, c, fd))
			resolve_default(st, c, fd, NULL);
		break;
	}
	resolve_path(s, st, c, fd);
	return st;
}

const struct setting *
snap_setting(struct snapshot *s, const char *comp, const char *name)
{
	struct comp *c = snap_comp(s, comp);

	return c ? snap_setting_c(s, c, name) : NULL;
}

/* ---- derived settings ---- */

static void
derived_admission(struct snapshot *s, struct comp *c, const struct deriveddef *dd,
		  struct setting *st)
{
	const struct setting *en, *dis, *rep;

	rep = dd->flag3 ? snap_setting_c(s, c, dd->flag3) : NULL;
	st->val.type = VT_SLICE;
	st->has_value = 1;
	if (rep && rep->status == SET_OK && rep->explicit) {
		/* the deprecated --admission-control list replaces the defaults */
		snap_copy_evidence(st, rep);
		strv_copy(&st->val.list, &rep->val.list);
		st_note(st, "--%s replaces the default-on plugins", dd->flag3);
		st->explicit = 1;
		goto done;
	}
	strv_copy(&st->val.list, &dd->defaults);
	{
		struct evidence *e = st_ev(st, EV_DEFAULT);
		char *j = strv_join(&dd->defaults, ",");

		e->text = xasprintf("default-on admission plugins: %s", j);
		free(j);
	}
	en = dd->flag ? snap_setting_c(s, c, dd->flag) : NULL;
	dis = dd->flag2 ? snap_setting_c(s, c, dd->flag2) : NULL;
	if (en && en->status == SET_ERROR) {
		st_error(st, xstrdup(en->error));
		return;
	}
	if (en && en->status == SET_OK && en->explicit) {
		snap_copy_evidence(st, en);
		for (size_t i = 0; i < en->val.list.n; i++)
			if (strv_index(&st->val.list, en->val.list.v[i]) < 0)
				strv_push(&st->val.list, en->val.list.v[i]);
		st->explicit = 1;
	}
	if (dis && dis->status == SET_OK && dis->explicit) {
		snap_copy_evidence(st, dis);
		for (size_t i = 0; i < dis->val.list.n; i++) {
			int k = strv_index(&st->val.list, dis->val.list.v[i]);

			if (k >= 0)
				strv_remove_at(&st->val.list, (size_t)k);
		}
		st->explicit = 1;
	}
	if (!st->explicit)
		st->from_default = 1;
done:
	st->val.raw = strv_join(&st->val.list, ",");
}

/* Reads the file named by a path setting of c; returns its document root or
 * NULL with st set to ERROR. */
static const struct ynode *
derived_file(struct snapshot *s, struct comp *c, const char *flag, struct setting *st,
	     const struct cfgfile **out)
{
	const struct setting *fs = snap_setting_c(s, c, flag);
	const struct cfgfile *f;

	if (fs == NULL || fs->status != SET_OK || !fs->explicit || fs->path == NULL)
		return NULL;
	snap_copy_evidence(st, fs);
	f = snap_config(s, fs->view_pid, fs->path);
	*out = f;
	if (f->error) {
		st_error(st, xasprintf("--%s: %s", flag, f->error));
		return NULL;
	}
	if (f->doc->root == NULL) {
		st_error(st, xasprintf("--%s: %s: empty document", flag, f->path));
		return NULL;
	}
	return f->doc->root;
}

static void
derived_authz(struct snapshot *s, struct comp *c, const struct deriveddef *dd, struct setting *st)
{
	const struct cfgfile *f = NULL;
	const struct ynode *root = dd->flag2 ? derived_file(s, c, dd->flag2, st, &f) : NULL;
	const struct setting *fl;

	st->val.type = VT_SLICE;
	if (st->status == SET_ERROR)
		return;
	if (root) {
		const struct ynode *az = ynode_map_get(root, "authorizers");

		if (az == NULL || az->kind != YN_SEQ) {
			st_error(st, xasprintf("%s: no authorizers list", f->path));
			return;
		}
		for (size_t i = 0; i < az->nitems; i++) {
			const struct ynode *t = ynode_map_get(az->items[i], "type");

			if (t && t->kind == YN_SCALAR) {
				strv_push(&st->val.list, t->scalar);
				st_ev_config(st, f, "authorizers[].type", NULL, t);
			}
		}
		st->has_value = st->explicit = 1;
		st->val.raw = strv_join(&st->val.list, ",");
		return;
	}
	fl = snap_setting_c(s, c, dd->flag);
	if (fl && fl->status == SET_ERROR) {
		st_error(st, xstrdup(fl->error));
		return;
	}
	if (fl && fl->status == SET_OK && fl->explicit) {
		snap_copy_evidence(st, fl);
		strv_copy(&st->val.list, &fl->val.list);
		st->explicit = 1;
	} else {
		struct evidence *e = st_ev(st, EV_DEFAULT);
		char *j = strv_join(&dd->defaults, ",");

		strv_copy(&st->val.list, &dd->defaults);
		e->text = xasprintf("authorization modes: default %s (neither --%s nor --%s given)",
				    j, dd->flag, dd->flag2 ? dd->flag2 : "?");
		free(j);
		st->from_default = 1;
	}
	st->has_value = 1;
	st->val.raw = strv_join(&st->val.list, ",");
}

static void
derived_anonymous(struct snapshot *s, struct comp *c, const struct deriveddef *dd,
		  struct setting *st)
{
	const struct cfgfile *f = NULL;
	const struct ynode *root = dd->flag2 ? derived_file(s, c, dd->flag2, st, &f) : NULL;
	const struct ynode *anon, *en;
	const struct setting *fl;

	st->type = st->val.type = VT_BOOL;
	if (st->status == SET_ERROR)
		return;
	if (root && (anon = ynode_map_get(root, "anonymous")) != NULL) {
		int b = 0;

		en = ynode_map_get(anon, "enabled");
		if (en && yaml_bool(en, &b) < 0) {
			st_error(st, xasprintf("%s:%d: anonymous.enabled: expected a boolean",
					       f->path, en->line));
			return;
		}
		st_ev_config(st, f, "anonymous.enabled", NULL, en ? en : anon);
		if (b && ynode_map_get(anon, "conditions"))
			st_note(st, "anonymous access is enabled only for the paths listed in "
				    "anonymous.conditions: a person should review them");
		st->val.b = b;
		st->val.raw = xstrdup(b ? "true" : "false");
		st->has_value = st->explicit = 1;
		return;
	}
	fl = snap_setting_c(s, c, dd->flag);
	if (fl == NULL) {
		st_error(st, xasprintf("component has no flag %s", dd->flag));
		return;
	}
	if (fl->status == SET_ERROR) {
		st_error(st, xstrdup(fl->error));
		return;
	}
	snap_copy_evidence(st, fl);
	value_copy(&st->val, &fl->val);
	st->has_value = fl->has_value;
	st->explicit = fl->explicit;
	st->from_default = fl->from_default;
}

void
derived_resolve(struct snapshot *s, struct comp *c, const struct deriveddef *dd, struct setting *st)
{
	st->type = VT_SLICE;
	switch (dd->kind) {
	case DERIVED_ADMISSION_PLUGINS:
		derived_admission(s, c, dd, st);
		break;
	case DERIVED_AUTHZ_MODES:
		derived_authz(s, c, dd, st);
		break;
	case DERIVED_APISERVER_ANONYMOUS:
		derived_anonymous(s, c, dd, st);
		break;
	}
}

void
snap_copy_evidence(struct setting *dst, const struct setting *src)
{
	for (size_t i = 0; i < src->nev; i++)
		evidence_copy(st_ev(dst, src->ev[i].source), &src->ev[i]);
}
