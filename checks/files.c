/* files.c - file facts read from under a root directory descriptor.
 *
 * The walker below does by hand what openat2(RESOLVE_IN_ROOT) would do,
 * because the contract differs from the kernel's in two places: a link whose
 * target climbs above the root is refused (EXDEV) instead of clamped, and
 * the caller must learn whether the last component was a link and where it
 * finally led (evidence for a report).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"

#define WALK_MAXLINKS 40      /* the kernel's MAXSYMLINKS */
#define WALK_WINDOW 32	      /* directory descriptors kept open while walking */
#define IDFILE_MAX (4u << 20) /* passwd/group bytes read at most */
#define LIST_MAX 100000
#define LIST_MAX_DEPTH 256

/* ---- the walker ---- */

/*
 * The directories from the root down to the current one. fds[0] is the
 * root (borrowed, never closed); names.v[i] names fds[i + 1]. Only the
 * deepest WALK_WINDOW descriptors stay open so that a very deep path cannot
 * exhaust the descriptor table; a closed one (-1) is reopened from the
 * nearest open ancestor by name when ".." climbs back to it. Reopening uses
 * O_NOFOLLOW|O_DIRECTORY, so a directory swapped for a link meanwhile fails
 * instead of leading out of the root.
 */
struct walk {
	int *fds;
	size_t n;
	size_t cap;
	struct strv names;
	int leaf; /* final object when it is not a directory, else -1 */
	char *leafname;
	struct stat st; /* of the final object */
	int last_link;	/* the path's own last component was a symlink */
	char *rest;	/* on failure: the part of the path not resolved */
};

static void
walk_init(struct walk *w, int rootfd)
{
	memset(w, 0, sizeof(*w));
	w->cap = 16;
	w->fds = xmalloc(w->cap * sizeof(*w->fds));
	w->fds[0] = rootfd;
	w->n = 1;
	w->leaf = -1;
}

static void
walk_free(struct walk *w)
{
	for (size_t i = 1; i < w->n; i++)
		if (w->fds[i] >= 0)
			close(w->fds[i]);
	free(w->fds);
	strv_free(&w->names);
	if (w->leaf >= 0)
		close(w->leaf);
	free(w->leafname);
	free(w->rest);
	memset(w, 0, sizeof(*w));
	w->leaf = -1;
}

static int
walk_top(const struct walk *w)
{
	return w->fds[w->n - 1];
}

/* The descriptor of the final object (O_PATH). */
static int
walk_fd(const struct walk *w)
{
	return w->leaf >= 0 ? w->leaf : walk_top(w);
}

/* The resolved path, absolute in the root's view. */
static char *
walk_path(const struct walk *w)
{
	struct sbuf b = {0};

	for (size_t i = 0; i < w->names.n; i++) {
		sbuf_addc(&b, '/');
		sbuf_add(&b, w->names.v[i]);
	}
	if (w->leafname) {
		sbuf_addc(&b, '/');
		sbuf_add(&b, w->leafname);
	}
	if (b.len == 0)
		sbuf_addc(&b, '/');
	return sbuf_steal(&b);
}

static void
walk_trim(struct walk *w)
{
	for (size_t i = 1; i + WALK_WINDOW < w->n; i++) {
		if (w->fds[i] >= 0) {
			close(w->fds[i]);
			w->fds[i] = -1;
		}
	}
}

static void
walk_push(struct walk *w, int fd, char *name)
{
	if (w->n == w->cap) {
		w->cap *= 2;
		w->fds = xrealloc(w->fds, w->cap * sizeof(*w->fds));
	}
	w->fds[w->n++] = fd;
	strv_push_take(&w->names, name);
	walk_trim(w);
}

static int
walk_pop(struct walk *w)
{
	size_t k;

	if (w->fds[w->n - 1] >= 0)
		close(w->fds[w->n - 1]);
	w->n--;
	strv_remove_at(&w->names, w->names.n - 1);
	if (walk_top(w) >= 0)
		return 0;
	for (k = w->n - 1; w->fds[k] < 0; k--)
		;
	for (size_t i = k + 1; i < w->n; i++) {
		w->fds[i] = openat(w->fds[i - 1], w->names.v[i - 1],
				   O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
		if (w->fds[i] < 0)
			return -1;
	}
	walk_trim(w);
	return 0;
}

/* Back to the root, for an absolute link target. */
static void
walk_reset(struct walk *w)
{
	while (w->n > 1) {
		if (w->fds[w->n - 1] >= 0)
			close(w->fds[w->n - 1]);
		w->n--;
	}
	strv_clear(&w->names);
}

/* Replaces the link just read (buf up to pos) by its target. The target's
 * characters stay marked as coming from a link (*linkend) so that their
 * ".." can be told apart from the caller's own. */
static char *
walk_splice(int fd, char *buf, size_t *pos, size_t *linkend)
{
	char tgt[PATH_MAX];
	ssize_t len = readlinkat(fd, "", tgt, sizeof(tgt));
	char *nb;
	size_t restlen;

	if (len < 0)
		return NULL;
	if ((size_t)len >= sizeof(tgt)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if (len == 0) { /* as the kernel does for an empty target */
		errno = ENOENT;
		return NULL;
	}
	restlen = strlen(buf + *pos);
	nb = xmalloc((size_t)len + restlen + 1);
	memcpy(nb, tgt, (size_t)len);
	memcpy(nb + len, buf + *pos, restlen + 1);
	*linkend = (size_t)len + (*linkend > *pos ? *linkend - *pos : 0);
	*pos = 0;
	free(buf);
	return nb;
}

static int
only_slashes(const char *s)
{
	while (*s == '/')
		s++;
	return *s == '\0';
}

/* Opens one component below the current directory and files it as a
 * directory on the stack or as the leaf. Returns 1 when it is a link (fd
 * left in *lfd for the caller to read), 0 otherwise, -1 on error. */
static int
walk_step(struct walk *w, const char *name, size_t len, int must_dir, int *lfd)
{
	char *nm;
	struct stat st;
	int fd;

	if (len > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	nm = xstrndup(name, len);
	fd = openat(walk_top(w), nm, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstatat(fd, "", &st, AT_EMPTY_PATH) < 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		free(nm);
		errno = e;
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		free(nm);
		*lfd = fd;
		return 1;
	}
	if (S_ISDIR(st.st_mode)) {
		walk_push(w, fd, nm);
		return 0;
	}
	if (must_dir) { /* "file/" */
		close(fd);
		free(nm);
		errno = ENOTDIR;
		return -1;
	}
	w->leaf = fd;
	w->leafname = nm;
	w->st = st;
	return 0;
}

/*
 * Resolves path (absolute, in the root's view) following every link inside
 * the root. The caller's own ".." stops at the root as "/.." does; a ".."
 * from a link target that would climb above the root is an escape: EXDEV.
 * Returns 0 or -1 with errno; w->rest then holds what was left unresolved.
 */
static int
walk_resolve(struct walk *w, const char *path)
{
	char *buf = xstrdup(path);
	size_t pos = 0, linkend = 0;
	int nlinks = 0, rc = -1;

	for (;;) {
		size_t start, len;
		int from_link, lfd = -1, r;

		while (buf[pos] == '/')
			pos++;
		if (buf[pos] == '\0')
			break;
		start = pos;
		while (buf[pos] != '\0' && buf[pos] != '/')
			pos++;
		len = pos - start;
		from_link = start < linkend;
		if (w->leaf >= 0) {
			errno = ENOTDIR;
			goto fail;
		}
		if (len == 1 && buf[start] == '.')
			continue;
		if (len == 2 && buf[start] == '.' && buf[start + 1] == '.') {
			if (w->n == 1) {
				if (from_link) {
					errno = EXDEV;
					goto fail;
				}
				continue;
			}
			if (walk_pop(w) < 0)
				goto fail;
			continue;
		}
		r = walk_step(w, buf + start, len, buf[pos] == '/', &lfd);
		if (r < 0)
			goto fail;
		if (r == 0)
			continue;
		if (!from_link && only_slashes(buf + pos))
			w->last_link = 1;
		if (++nlinks > WALK_MAXLINKS) {
			close(lfd);
			errno = ELOOP;
			goto fail;
		}
		{
			char *nb = walk_splice(lfd, buf, &pos, &linkend);
			int e = errno;

			close(lfd);
			if (nb == NULL) {
				errno = e;
				goto fail;
			}
			buf = nb;
		}
		if (buf[0] == '/')
			walk_reset(w);
	}
	if (w->leaf < 0 && fstatat(walk_top(w), "", &w->st, AT_EMPTY_PATH) < 0)
		goto fail;
	rc = 0;
	free(buf);
	return rc;
fail : {
	int e = errno;

	/* back to the start of the component that failed */
	while (pos > 0 && buf[pos - 1] != '/')
		pos--;
	w->rest = xstrdup(buf + pos);
	free(buf);
	errno = e;
	return rc;
}
}

/* Where a dangling link points: the resolved part followed by the rest,
 * joined lexically (the rest does not exist, so there is nothing to follow). */
static char *
walk_lexical(const struct walk *w)
{
	struct strv parts = {0};
	const char *s = w->rest ? w->rest : "";
	char *out;

	strv_copy(&parts, &w->names);
	if (w->leafname)
		strv_push(&parts, w->leafname);
	while (*s) {
		const char *e;

		while (*s == '/')
			s++;
		e = s;
		while (*e && *e != '/')
			e++;
		if (e - s == 2 && s[0] == '.' && s[1] == '.') {
			if (parts.n)
				strv_remove_at(&parts, parts.n - 1);
		} else if (e > s && !(e - s == 1 && s[0] == '.')) {
			strv_push_take(&parts, xstrndup(s, (size_t)(e - s)));
		}
		s = e;
	}
	if (parts.n == 0) {
		out = xstrdup("/");
	} else {
		char *j = strv_join(&parts, "/");

		out = xasprintf("/%s", j);
		free(j);
	}
	strv_free(&parts);
	return out;
}

/* Opens the resolved regular file for reading. Refuses anything else so a
 * FIFO or a device cannot block or disturb a scan; the open is non-blocking
 * and checked to be the very inode the walk found. */
static int
walk_open_regular(const struct walk *w)
{
	struct stat st;
	int fd, fl;

	if (w->leaf < 0) {
		errno = EISDIR;
		return -1;
	}
	if (!S_ISREG(w->st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	fd = openat(walk_top(w), w->leafname,
		    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode) || st.st_dev != w->st.st_dev || st.st_ino != w->st.st_ino) {
		errno = ESTALE; /* replaced between the walk and the open */
		goto fail;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		goto fail;
	return fd;
fail : {
	int e = errno;

	close(fd);
	errno = e;
	return -1;
}
}

/* ---- the node's users and groups ---- */

/* Reads at most max bytes; a longer file is cut at its last full line. */
static char *
read_capped(int fd, size_t max, size_t *lenp, int *truncated)
{
	char *buf = fd_read_max(fd, max, lenp, truncated);

	if (buf && *truncated) {
		while (*lenp > 0 && buf[*lenp - 1] != '\n')
			(*lenp)--;
		buf[*lenp] = '\0';
	}
	return buf;
}

static int
parse_id(const char *s, size_t len, unsigned *id)
{
	unsigned long long v = 0;

	if (len == 0 || len > 10)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > UINT_MAX)
		return -1;
	*id = (unsigned)v;
	return 0;
}

/* "name:password:id:..." lines of passwd(5) and group(5). Comments, NIS
 * "+"/"-" entries and malformed lines are skipped: one bad line must not
 * hide every other name. Names are sanitized, they end up in reports. */
static void
ids_parse(const char *file, char *buf, size_t len, struct idmap **out, size_t *nout)
{
	size_t cap = 0, n = 0, lineno = 0;
	struct idmap *m = NULL;
	char *p = buf, *end = buf + len;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end;
		char *c1, *c2, *c3;

		lineno++;
		if (le > p && le[-1] == '\r')
			le--;
		if (le == p || *p == '#' || *p == '+' || *p == '-' ||
		    memchr(p, '\0', (size_t)(le - p)))
			goto next;
		c1 = memchr(p, ':', (size_t)(le - p));
		c2 = c1 ? memchr(c1 + 1, ':', (size_t)(le - c1 - 1)) : NULL;
		c3 = c2 ? memchr(c2 + 1, ':', (size_t)(le - c2 - 1)) : NULL;
		if (c1 == NULL || c1 == p || c2 == NULL) {
			log_debug("%s:%zu: malformed entry skipped", file, lineno);
			goto next;
		}
		if (c3 == NULL)
			c3 = le;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			m = xrealloc(m, cap * sizeof(*m));
		}
		if (parse_id(c2 + 1, (size_t)(c3 - c2 - 1), &m[n].id) < 0) {
			log_debug("%s:%zu: bad id, entry skipped", file, lineno);
			goto next;
		}
		{
			char *raw = xstrndup(p, (size_t)(c1 - p));

			m[n].name = str_sanitize(raw);
			free(raw);
		}
		n++;
	next:
		p = nl ? nl + 1 : end;
	}
	*out = m;
	*nout = n;
}

static void
ids_read(struct froot *r, const char *file, struct idmap **out, size_t *nout)
{
	/* for messages: the root's path without a doubled slash */
	const char *pre = strcmp(r->path, "/") == 0 ? "" : r->path;
	size_t len;
	int fd, truncated;
	char *buf;

	*out = NULL;
	*nout = 0;
	fd = files_open(r, file);
	if (fd < 0) {
		if (errno == ENOENT)
			log_debug("%s%s: %s: no names for ids", pre, file, strerror(errno));
		else
			log_warn("%s%s: no names for ids", pre, file);
		return;
	}
	buf = read_capped(fd, IDFILE_MAX, &len, &truncated);
	close(fd);
	if (buf == NULL) {
		log_warn("%s%s: read", pre, file);
		return;
	}
	if (truncated)
		log_warnx("%s%s: larger than %u bytes, only the first %u read", pre, file,
			  IDFILE_MAX, IDFILE_MAX);
	ids_parse(file, buf, len, out, nout);
	free(buf);
}

static void
ids_load(struct froot *r)
{
	if (r->ids_loaded)
		return;
	r->ids_loaded = 1;
	ids_read(r, "/etc/passwd", &r->users, &r->nusers);
	ids_read(r, "/etc/group", &r->groups, &r->ngroups);
}

/* The first entry wins, as with getpwuid(3). */
static const char *
idmap_name(const struct idmap *m, size_t n, unsigned id)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].id == id)
			return m[i].name;
	return NULL;
}

static int
idmap_id(const struct idmap *m, size_t n, const char *name, unsigned *id)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(m[i].name, name) == 0) {
			*id = m[i].id;
			return 0;
		}
	}
	errno = ENOENT;
	return -1;
}

const char *
froot_user_name(struct froot *r, unsigned uid)
{
	ids_load(r);
	return idmap_name(r->users, r->nusers, uid);
}

const char *
froot_group_name(struct froot *r, unsigned gid)
{
	ids_load(r);
	return idmap_name(r->groups, r->ngroups, gid);
}

int
froot_user_id(struct froot *r, const char *name, unsigned *id)
{
	ids_load(r);
	return idmap_id(r->users, r->nusers, name, id);
}

int
froot_group_id(struct froot *r, const char *name, unsigned *id)
{
	ids_load(r);
	return idmap_id(r->groups, r->ngroups, name, id);
}

/* ---- the root ---- */

struct froot *
froot_open(const char *path)
{
	struct froot *r;
	int fd;

	if (path == NULL || *path == '\0')
		path = "/";
	fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->fd = fd;
	r->path = xstrdup(path);
	return r;
}

static void
idmap_free(struct idmap *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(m[i].name);
	free(m);
}

void
froot_close(struct froot *r)
{
	if (r == NULL)
		return;
	if (r->fd >= 0)
		close(r->fd);
	idmap_free(r->users, r->nusers);
	idmap_free(r->groups, r->ngroups);
	free(r->path);
	free(r);
}

/* ---- facts ---- */

/* Fills f from a walk under rootfd; names come from r. An error other than
 * absence leaves exists at 1: "could not check" must never read as "the
 * file is absent" (which a check may take for a SKIP). */
static void
facts_fill(struct froot *r, int rootfd, const char *path, struct ffacts *f)
{
	struct walk w;

	walk_init(&w, rootfd);
	if (walk_resolve(&w, path) == 0) {
		f->exists = 1;
		f->mode = w.st.st_mode;
		f->uid = w.st.st_uid;
		f->gid = w.st.st_gid;
		f->size = w.st.st_size;
		f->owner = froot_user_name(r, w.st.st_uid);
		f->group = froot_group_name(r, w.st.st_gid);
		if (w.last_link)
			f->link = walk_path(&w);
	} else if (errno == ENOENT || errno == ENOTDIR) {
		f->exists = 0;
		if (w.last_link)
			f->link = walk_lexical(&w);
	} else {
		f->exists = 1;
		f->err = errno;
	}
	walk_free(&w);
}

static int
facts_start(const char *path, struct ffacts *f)
{
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	if (path == NULL || path[0] != '/') {
		f->err = EINVAL;
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
files_stat(struct froot *r, const char *path, struct ffacts *f)
{
	if (facts_start(path, f) < 0)
		return -1;
	facts_fill(r, r->fd, path, f);
	return 0;
}

void
ffacts_free(struct ffacts *f)
{
	if (f == NULL)
		return;
	free(f->path);
	free(f->link);
	memset(f, 0, sizeof(*f));
}

static int
walk_open(int rootfd, const char *path)
{
	struct walk w;
	int fd = -1, e;

	if (path == NULL || path[0] != '/') {
		errno = EINVAL;
		return -1;
	}
	walk_init(&w, rootfd);
	if (walk_resolve(&w, path) == 0)
		fd = walk_open_regular(&w);
	e = errno;
	walk_free(&w);
	errno = e;
	return fd;
}

int
files_open(struct froot *r, const char *path)
{
	return walk_open(r->fd, path);
}

/* /proc/PID/root is the process's root as the kernel sees it, mounts of its
 * own namespace included. A vanished process reads as ESRCH, not as an
 * absent file. */
static int
proc_root(pid_t pid)
{
	char p[64];
	int fd;

	snprintf(p, sizeof(p), "/proc/%ld/root", (long)pid);
	fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		errno = ESRCH;
	return fd;
}

int
files_stat_proc(struct froot *r, pid_t pid, const char *path, struct ffacts *f)
{
	int rootfd;

	if (facts_start(path, f) < 0)
		return -1;
	if (pid <= 0) {
		f->exists = 1;
		f->err = ESRCH;
		return 0;
	}
	rootfd = proc_root(pid);
	if (rootfd < 0) {
		f->exists = 1;
		f->err = errno;
		return 0;
	}
	facts_fill(r, rootfd, path, f);
	close(rootfd);
	return 0;
}

int
files_open_proc(pid_t pid, const char *path)
{
	int rootfd, fd, e;

	if (pid <= 0) {
		errno = ESRCH;
		return -1;
	}
	rootfd = proc_root(pid);
	if (rootfd < 0)
		return -1;
	fd = walk_open(rootfd, path);
	e = errno;
	close(rootfd);
	errno = e;
	return fd;
}

/* ---- listing ---- */

struct lister {
	struct froot *r;
	const char *pattern;
	int recursive;
	int flags;
	struct strv *out;
	size_t count;
};

static char *
path_child(const char *dir, const char *name)
{
	return xasprintf("%s%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/", name);
}

static int
list_add(struct lister *l, const char *disp, const char *name)
{
	if (l->count >= LIST_MAX) {
		errno = E2BIG;
		return -1;
	}
	strv_push_take(l->out, path_child(disp, name));
	l->count++;
	return 0;
}

/* A link is kept by FILES_LIST_REGULAR_ONLY when its target, resolved
 * inside the root, is a regular file. */
static int
link_to_regular(struct lister *l, const char *phys, const char *name)
{
	struct walk w;
	char *p = path_child(phys, name);
	int ok;

	walk_init(&w, l->r->fd);
	ok = walk_resolve(&w, p) == 0 && S_ISREG(w.st.st_mode);
	walk_free(&w);
	free(p);
	return ok;
}

static int list_dir(struct lister *l, int pathfd, const char *disp, const char *phys, int depth);

/* Handles one entry of a directory being read; subdirectories are only
 * noted, to be entered once the directory is closed. */
static int
list_entry(struct lister *l, DIR *d, const struct dirent *de, const char *disp, const char *phys,
	   struct strv *subdirs)
{
	int match = l->pattern == NULL || fnmatch(l->pattern, de->d_name, 0) == 0;
	mode_t type;

	switch (de->d_type) {
	case DT_DIR:
		type = S_IFDIR;
		break;
	case DT_REG:
		type = S_IFREG;
		break;
	case DT_LNK:
		type = S_IFLNK;
		break;
	case DT_UNKNOWN: {
		struct stat st;

		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return errno == ENOENT ? 0 : -1; /* gone meanwhile */
		type = st.st_mode & S_IFMT;
		break;
	}
	default:
		type = 0;
		break; /* FIFO, socket, device */
	}
	if (type == S_IFDIR) {
		if (l->recursive)
			strv_push(subdirs, de->d_name);
		return match && (l->flags & FILES_LIST_DIRS) ? list_add(l, disp, de->d_name) : 0;
	}
	if (!match)
		return 0;
	if (l->flags & FILES_LIST_REGULAR_ONLY) {
		if (type == S_IFREG || (type == S_IFLNK && link_to_regular(l, phys, de->d_name)))
			return list_add(l, disp, de->d_name);
		return 0;
	}
	return list_add(l, disp, de->d_name);
}

static int
list_subdirs(struct lister *l, int pathfd, const char *disp, const char *phys, int depth,
	     const struct strv *subdirs)
{
	for (size_t i = 0; i < subdirs->n; i++) {
		/* O_NOFOLLOW|O_DIRECTORY: a directory swapped for a link
		 * since it was read fails here instead of being followed */
		int fd = openat(pathfd, subdirs->v[i],
				O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
		char *cd, *cp;
		int rc;

		if (fd < 0) {
			if (errno == ENOENT || errno == ENOTDIR)
				continue;
			return -1;
		}
		cd = path_child(disp, subdirs->v[i]);
		cp = path_child(phys, subdirs->v[i]);
		rc = list_dir(l, fd, cd, cp, depth + 1);
		free(cd);
		free(cp);
		close(fd);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int
list_dir(struct lister *l, int pathfd, const char *disp, const char *phys, int depth)
{
	struct strv subdirs = {0};
	struct dirent *de;
	DIR *d = NULL;
	int fd, rc = -1, e = 0;

	if (depth > LIST_MAX_DEPTH) {
		log_warnx("%s: more than %d directory levels", disp, LIST_MAX_DEPTH);
		errno = ENAMETOOLONG;
		return -1;
	}
	/* "." of an O_PATH descriptor: the same directory, nothing followed */
	fd = openat(pathfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	d = fdopendir(fd);
	if (d == NULL) {
		e = errno;
		close(fd);
		goto out;
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (de == NULL) {
			e = errno;
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (list_entry(l, d, de, disp, phys, &subdirs) < 0) {
			e = errno;
			break;
		}
	}
	closedir(d);
	if (e == 0 && list_subdirs(l, pathfd, disp, phys, depth, &subdirs) < 0)
		e = errno;
	rc = e ? -1 : 0;
out:
	strv_free(&subdirs);
	errno = e;
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The directory as the caller named it, without repeated or trailing
 * slashes, so that listed paths read like the caller's own. */
static char *
path_tidy(const char *p)
{
	struct sbuf b = {0};

	for (; *p; p++)
		if (*p != '/' || (b.len > 0 && b.s[b.len - 1] != '/') || b.len == 0)
			sbuf_addc(&b, *p);
	while (b.len > 1 && b.s[b.len - 1] == '/')
		b.s[--b.len] = '\0';
	return sbuf_steal(&b);
}

int
files_list(struct froot *r, const char *dir, const char *pattern, int recursive, int flags,
	   struct strv *out)
{
	struct lister l = {r, pattern, recursive, flags, out, 0};
	size_t start = out->n;
	char *disp = NULL, *phys = NULL;
	struct walk w;
	int rc = -1, e = 0;

	if (dir == NULL || dir[0] != '/') {
		errno = EINVAL;
		return -1;
	}
	walk_init(&w, r->fd);
	if (walk_resolve(&w, dir) < 0) {
		e = errno;
		goto out;
	}
	if (w.leaf >= 0) {
		e = ENOTDIR;
		goto out;
	}
	disp = path_tidy(dir);
	phys = walk_path(&w);
	if (recursive && (flags & FILES_LIST_DIRS)) {
		strv_push(out, disp);
		l.count++;
	}
	if (list_dir(&l, walk_fd(&w), disp, phys, 0) < 0) {
		e = errno;
		while (out->n > start)
			free(out->v[--out->n]);
		if (out->v)
			out->v[out->n] = NULL;
		goto out;
	}
	if (out->n > start)
		qsort(out->v + start, out->n - start, sizeof(*out->v), cmp_str);
	rc = 0;
out:
	free(disp);
	free(phys);
	walk_free(&w);
	errno = e;
	return rc;
}

const char *
files_mode_str(mode_t mode, char buf[8])
{
	snprintf(buf, 8, "%04o", (unsigned)(mode & 07777));
	return buf;
}

const char *
files_strerror(int err)
{
	switch (err) {
	case EXDEV:
		return "a symbolic link leads outside the audited root (refused)";
	case ELOOP:
		return "too many levels of symbolic links (a loop?)";
	default:
		return strerror(err);
	}
}
