/* snapshot.c - the node's facts: components found, their parsed command
 * lines, the views through which their files are read, config files. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snapshot.h"
#include "snapshot_int.h"

static int
comp_flag_type(const char *name, enum vtype *type, void *arg)
{
	const struct compdef *def = arg;
	const struct flagdef *fd = compdef_flag(def, name);

	if (fd == NULL)
		return -1;
	*type = fd->type;
	return 0;
}

static char *
read_hostname(struct froot *root)
{
	char buf[256];
	int fd;
	ssize_t n;

	/* The node's own name when auditing a mounted node filesystem. */
	if (strcmp(root->path, "/") != 0 && (fd = files_open(root, "/etc/hostname")) >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			buf[strcspn(buf, " \t\r\n")] = '\0';
			if (buf[0])
				return str_sanitize(buf);
		}
	}
	if (gethostname(buf, sizeof(buf)) == 0) {
		buf[sizeof(buf) - 1] = '\0';
		return str_sanitize(buf);
	}
	return xstrdup("unknown");
}

static void
snap_bind_procs(struct snapshot *s)
{
	for (size_t i = 0; i < s->procs.nprocs; i++) {
		struct proc *p = &s->procs.procs[i];
		struct comp *c;

		if (p->comp < 0 || (size_t)p->comp >= s->ncomps)
			continue;
		c = &s->comps[p->comp];
		c->nprocs++;
		if (c->proc != NULL)
			continue; /* lowest pid wins; the others are noted */
		c->proc = p;
		pflag_parse(&c->flags, c->def->dialect, p->argv.v, p->argv.n, comp_flag_type,
			    (void *)c->def);
	}
	for (size_t i = 0; i < s->ncomps; i++)
		if (s->comps[i].nprocs > 1)
			strv_push_take(
				&s->notes,
				xasprintf("%d %s processes run on this node; pid %d was audited",
					  s->comps[i].nprocs, s->comps[i].def->name,
					  (int)s->comps[i].proc->pid));
}

static struct snapshot *
snap_alloc(const struct profile *prof, const char *rootdir, char **err)
{
	struct snapshot *s = xcalloc(1, sizeof(*s));

	s->prof = prof;
	s->root = froot_open(rootdir ? rootdir : "/");
	if (s->root == NULL) {
		*err = xasprintf("%s: cannot open the root directory: %s", rootdir ? rootdir : "/",
				 strerror(errno));
		free(s);
		return NULL;
	}
	s->root_real = realpath(rootdir ? rootdir : "/", NULL);
	s->ncomps = prof->ncomps;
	s->comps = xcalloc(s->ncomps, sizeof(*s->comps));
	for (size_t i = 0; i < s->ncomps; i++) {
		s->comps[i].def = &prof->comps[i];
		s->comps[i].snap = s;
	}
	s->hostname = read_hostname(s->root);
	return s;
}

struct snapshot *
snap_new(const struct profile *prof, const char *rootdir, char **err)
{
	struct snapshot *s = snap_alloc(prof, rootdir, err);
	const char ***names;

	if (s == NULL)
		return NULL;
	names = xcalloc(s->ncomps ? s->ncomps : 1, sizeof(*names));
	for (size_t i = 0; i < s->ncomps; i++)
		names[i] = (const char **)prof->comps[i].names.v;
	if (procs_scan(&s->procs, (const char *const *const *)names, (int)s->ncomps) < 0) {
		*err = xasprintf("/proc: cannot list processes: %s", strerror(errno));
		free(names);
		snap_free(s);
		return NULL;
	}
	free(names);
	if (s->procs.hidepid)
		strv_push(&s->notes,
			  "/proc is mounted with hidepid and this auditor is not privileged: "
			  "processes of other users are invisible, so a component that is not "
			  "seen cannot be reported absent (its checks are ERROR)");
	snap_bind_procs(s);
	return s;
}

struct snapshot *
snap_new_fake(const struct profile *prof, const char *rootdir, struct proc *procs, size_t nprocs,
	      char **err)
{
	struct snapshot *s = snap_alloc(prof, rootdir, err);

	if (s == NULL)
		return NULL;
	s->procs.procs = procs;
	s->procs.nprocs = nprocs;
	snap_bind_procs(s);
	return s;
}

void
setting_free(struct setting *st)
{
	free(st->name);
	free(st->error);
	free(st->path);
	value_free(&st->val);
	for (size_t i = 0; i < st->nev; i++)
		evidence_free(&st->ev[i]);
	free(st->ev);
}

static void
cfgfile_free(struct cfgfile *f)
{
	free(f->path);
	free(f->error);
	ydoc_free(f->doc);
}

void
snap_free(struct snapshot *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->ncomps; i++) {
		struct comp *c = &s->comps[i];

		flagset_free(&c->flags);
		for (size_t j = 0; j < c->ncache; j++) {
			setting_free(c->cache[j]);
			free(c->cache[j]);
		}
		free(c->cache);
		free(c->dropins); /* the cfgfiles themselves live in s->cfgs */
		free(c->cfg_error);
	}
	free(s->comps);
	for (size_t i = 0; i < s->ncfgs; i++) {
		cfgfile_free(s->cfgs[i]);
		free(s->cfgs[i]);
	}
	free(s->cfgs);
	for (size_t i = 0; i < s->nviews; i++)
		froot_close(s->views[i].root);
	free(s->views);
	proclist_free(&s->procs);
	froot_close(s->root);
	free(s->root_real);
	free(s->hostname);
	strv_free(&s->notes);
	free(s);
}

struct comp *
snap_comp(struct snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->ncomps; i++)
		if (strcmp(s->comps[i].def->name, name) == 0)
			return &s->comps[i];
	return NULL;
}

int
snap_has_role(struct snapshot *s, const char *role)
{
	for (size_t i = 0; i < s->ncomps; i++)
		if (s->comps[i].proc && s->comps[i].def->role &&
		    strcmp(s->comps[i].def->role, role) == 0)
			return 1;
	return 0;
}

struct froot *
snap_view(struct snapshot *s, pid_t pid)
{
	char path[64];
	struct froot *r;

	if (pid == 0)
		return s->root;
	for (size_t i = 0; i < s->nviews; i++)
		if (s->views[i].pid == pid)
			return s->views[i].root;
	snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
	r = froot_open(path);
	if (r == NULL)
		return NULL;
	s->views = xrealloc(s->views, (s->nviews + 1) * sizeof(*s->views));
	s->views[s->nviews].pid = pid;
	s->views[s->nviews].root = r;
	s->nviews++;
	return r;
}

char *
snap_view_name(pid_t pid)
{
	return pid ? xasprintf("proc:%d", (int)pid) : xstrdup("root");
}

int
snap_stat(struct snapshot *s, pid_t view, const char *path, struct ffacts *f)
{
	struct froot *r = snap_view(s, view);

	if (r == NULL) {
		memset(f, 0, sizeof(*f));
		f->path = xstrdup(path);
		f->err = errno ? errno : ENOENT;
		return 0;
	}
	if (files_stat(r, path, f) < 0)
		return -1;
	if (view != 0 && f->exists && f->err == 0) {
		/* names always come from the node's own passwd and group */
		f->owner = froot_user_name(s->root, f->uid);
		f->group = froot_group_name(s->root, f->gid);
	}
	return 0;
}

const struct cfgfile *
snap_config(struct snapshot *s, pid_t view, const char *path)
{
	struct cfgfile *f;
	struct froot *r;
	char *err = NULL;
	int fd;

	for (size_t i = 0; i < s->ncfgs; i++)
		if (s->cfgs[i]->view_pid == view && strcmp(s->cfgs[i]->path, path) == 0)
			return s->cfgs[i];
	f = xcalloc(1, sizeof(*f));
	f->path = xstrdup(path);
	f->view_pid = view;
	r = snap_view(s, view);
	fd = r ? files_open(r, path) : -1;
	if (fd < 0) {
		f->error = xasprintf("%s: %s", path, files_strerror(errno));
	} else {
		f->doc = yaml_parse_fd(fd, path, &err);
		if (f->doc == NULL)
			f->error = err ? err : xasprintf("%s: %s", path, files_strerror(errno));
		close(fd);
	}
	s->cfgs = xrealloc(s->cfgs, (s->ncfgs + 1) * sizeof(*s->cfgs));
	s->cfgs[s->ncfgs++] = f;
	return f;
}

static int
streq_null(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static int
evidence_same(const struct evidence *a, const struct evidence *b)
{
	return a->source == b->source && a->pid == b->pid && a->index == b->index &&
	       a->line == b->line && streq_null(a->text, b->text) && streq_null(a->file, b->file);
}

void
snap_add_setting_evidence(struct result *res, const struct setting *st)
{
	/* a check that tests one setting twice (all: [...]) cites it once */
	for (size_t i = 0; i < st->nev; i++) {
		struct evidence *e;
		int dup = 0;

		for (size_t j = 0; j < res->nev && !dup; j++)
			dup = evidence_same(&res->ev[j], &st->ev[i]);
		if (dup)
			continue;
		e = result_add_evidence(res);
		evidence_copy(e, &st->ev[i]);
	}
}

void
evidence_add_file(struct result *res, const struct ffacts *f, pid_t view)
{
	struct evidence *e = result_add_evidence(res);

	e->source = EV_FILE;
	e->file = str_sanitize(f->path);
	e->view = snap_view_name(view);
	if (f->exists && f->err == 0) {
		e->has_stat = 1;
		e->mode = f->mode;
		e->uid = f->uid;
		e->gid = f->gid;
		e->owner = f->owner ? str_sanitize(f->owner) : NULL;
		e->group = f->group ? str_sanitize(f->group) : NULL;
	} else if (!f->exists) {
		e->text = xstrdup("absent");
	} else {
		e->text = xstrdup(files_strerror(f->err));
	}
	if (f->link)
		e->link = str_sanitize(f->link);
}
