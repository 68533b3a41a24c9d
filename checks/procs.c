/* procs.c - discovery of the audited components' processes through libproc2.
 *
 * Two passes, so that the common case (a process that is no component) costs
 * as little as libproc2 allows:
 *
 * 1. procps_pids_reap with PIDS_ID_PID, PIDS_ID_EUID and PIDS_CMDLINE_V.
 *    The first two are free (libproc2 4.0 stat()s each /proc/PID directory
 *    whatever is asked) and PIDS_CMDLINE_V reads /proc/PID/cmdline; none
 *    needs stat or status. So each process costs stat, open, read, close.
 *    reap rather than a get loop: procps_pids_get re-reads /proc/uptime
 *    for every process, which doubled the cost when measured.
 *    A process whose argv[0] does not name a component gets one readlink
 *    of /proc/PID/exe, because the contract (procs.h) also identifies a
 *    component by its executable (argv[0] can be anything the parent
 *    chose). That readlink is skipped when it cannot succeed: for another
 *    user's process when we have neither euid 0 nor CAP_SYS_PTRACE.
 *    Kernel threads and zombies (an empty cmdline, which libproc2 reports
 *    as the single string "-") are never components and cost nothing more.
 * 2. Each candidate is read again through one descriptor of /proc/PID:
 *    the raw cmdline (libproc2 splits arguments at newlines as well as at
 *    NULs, so its vector is not argv byte for byte), exe, stat (start
 *    time), status (euid) and ns/mnt. Identity is checked again on these
 *    raw bytes, so a pid reused between the passes cannot lend its number
 *    to another program: all facts of a struct proc come from the process
 *    behind that one descriptor.
 *
 * A process that disappears (ENOENT, ESRCH) at any step is skipped quietly.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <libproc2/pids.h>

#include "procs.h"

#define PROCS_DELETED " (deleted)"

/* What one scan needs besides the process at hand. */
struct procs_ctx {
	const char *const *const *names;
	int ncomps;
	char *selfns;	/* readlink /proc/self/ns/mnt, or NULL */
	char *hostns;	/* readlink /proc/1/ns/mnt (the host's), or NULL */
	uid_t euid;	/* ours */
	int ptrace_all; /* we may read any process's exe (root, CAP_SYS_PTRACE) */
};

/* ---- small readers ---- */

/* Reads the whole of dirfd/name into a new buffer (NUL-terminated one byte
 * past the data, so text can be parsed in place). Returns the length, or -1
 * with errno. */
static ssize_t
procs_slurp(int dirfd, const char *name, size_t hint, char **bufp)
{
	size_t cap = hint ? hint : 4096, len = 0;
	char *buf = NULL;
	ssize_t n, rc = -1;
	int fd, saved;

	*bufp = NULL;
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	buf = xmalloc(cap + 1);
	for (;;) {
		if (len == cap) {
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*bufp = buf;
	buf = NULL;
	rc = (ssize_t)len;
out:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return rc;
}

/* readlinkat into a new string, or NULL with errno. */
static char *
procs_readlinkat(int dirfd, const char *name)
{
	size_t cap = 256;
	char *buf = NULL;
	ssize_t n;
	int saved;

	for (;;) {
		buf = xrealloc(buf, cap);
		n = readlinkat(dirfd, name, buf, cap);
		if (n < 0)
			break;
		if ((size_t)n < cap) {
			buf[n] = '\0';
			return buf;
		}
		/* The kernel never produces a link target longer than a page;
		 * stop well after that rather than loop forever. */
		if (cap >= 65536) {
			errno = ENAMETOOLONG;
			break;
		}
		cap *= 2;
	}
	saved = errno;
	free(buf);
	errno = saved;
	return NULL;
}

/* Splits NUL-separated bytes into sv. The kernel ends each string with a
 * NUL; bytes after the last NUL (a process that rewrote its argv area) form
 * one more string rather than being dropped. */
static void
procs_split(struct strv *sv, const char *buf, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		n = strnlen(buf + i, len - i);
		strv_push_take(sv, xstrndup(buf + i, n));
		i += n + 1;
	}
}

/* Start time, field 22 of /proc/PID/stat. The comm field (2) may contain
 * spaces and parentheses, so counting starts after its last ')'. */
static int
procs_start_time(int dirfd, unsigned long long *out)
{
	char *buf = NULL, *s, *end;
	int rc = -1;

	if (procs_slurp(dirfd, "stat", 512, &buf) < 0)
		goto out;
	s = strrchr(buf, ')');
	if (s == NULL) {
		/* empty: the process is gone; anything else is a format we
		 * do not know */
		errno = buf[0] ? EINVAL : ESRCH;
		goto out;
	}
	for (int field = 2; field < 22; field++) {
		s = strchr(s, ' ');
		if (s == NULL) {
			errno = EINVAL;
			goto out;
		}
		s++;
	}
	errno = 0;
	*out = strtoull(s, &end, 10);
	if (end == s || errno != 0) {
		errno = EINVAL;
		goto out;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

/* Effective uid from the "Uid:" line of /proc/PID/status (real, effective,
 * saved, fs). Not the owner of /proc/PID: that is root for a process that
 * is not dumpable. */
static int
procs_euid(int dirfd, uid_t *out)
{
	char *buf = NULL, *s, *end;
	unsigned long v;
	int rc = -1;

	if (procs_slurp(dirfd, "status", 2048, &buf) < 0)
		goto out;
	s = strstr(buf, "\nUid:");
	if (s == NULL) {
		errno = buf[0] ? EINVAL : ESRCH;
		goto out;
	}
	s += 5;
	strtoul(s, &end, 10); /* real uid */
	if (end == s) {
		errno = EINVAL;
		goto out;
	}
	s = end;
	v = strtoul(s, &end, 10);
	if (end == s) {
		errno = EINVAL;
		goto out;
	}
	*out = (uid_t)v;
	rc = 0;
out:
	free(buf);
	return rc;
}

/* Effective capability CAP_SYS_PTRACE, from /proc/self/status. */
static int
procs_have_sys_ptrace(void)
{
	char *buf = NULL, *s;
	unsigned long long caps;
	int rc = 0;

	if (procs_slurp(AT_FDCWD, "/proc/self/status", 2048, &buf) < 0)
		return 0;
	s = strstr(buf, "\nCapEff:");
	if (s) {
		caps = strtoull(s + 8, NULL, 16);
		rc = (caps >> CAP_SYS_PTRACE) & 1;
	}
	free(buf);
	return rc;
}

/* ---- identity ---- */

static int
procs_match(const char *s, size_t len, const struct procs_ctx *cx)
{
	if (len == 0)
		return -1;
	for (int c = 0; c < cx->ncomps; c++) {
		if (cx->names[c] == NULL)
			continue;
		for (const char *const *n = cx->names[c]; *n; n++)
			if (strlen(*n) == len && memcmp(*n, s, len) == 0)
				return c;
	}
	return -1;
}

/* Component named by the basename of s[0..len), or -1. */
static int
procs_match_path(const char *s, size_t len, const struct procs_ctx *cx)
{
	const char *base = s;

	for (size_t i = 0; i < len; i++)
		if (s[i] == '/')
			base = s + i + 1;
	return procs_match(base, len - (size_t)(base - s), cx);
}

static int
procs_match_argv0(const char *argv0, const struct procs_ctx *cx)
{
	return procs_match_path(argv0, strlen(argv0), cx);
}

/* The kernel appends " (deleted)" to the exe link of a binary that was
 * replaced or removed since it started (an upgrade without a restart); it
 * is still the same program. */
static int
procs_match_exe(const char *exe, const struct procs_ctx *cx)
{
	size_t len = strlen(exe), dl = strlen(PROCS_DELETED);

	if (len > dl && memcmp(exe + len - dl, PROCS_DELETED, dl) == 0)
		len -= dl;
	return procs_match_path(exe, len, cx);
}

/* First pass: might this process be a component? argv is libproc2's, owner
 * the owner of /proc/PID (libproc2 stat()s it anyway). */
static int
procs_may_be(pid_t pid, char **argv, uid_t owner, const struct procs_ctx *cx)
{
	char path[64], target[PATH_MAX + sizeof(PROCS_DELETED)];
	ssize_t n;

	if (argv == NULL || argv[0] == NULL)
		return 0;
	if (argv[1] == NULL && strcmp(argv[0], "-") == 0)
		return 0; /* libproc2's stand-in for an empty cmdline */
	if (procs_match_argv0(argv[0], cx) >= 0)
		return 1;
	/* exe needs ptrace read access: without root or CAP_SYS_PTRACE only
	 * our own processes can answer, so spare the others the syscall.
	 * That is the unprivileged daemon's usual case. */
	if (!cx->ptrace_all && owner != cx->euid)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return 0; /* hidden or gone: argv[0] alone decides */
	if ((size_t)n == sizeof(target) - 1)
		return 1; /* too long to judge here; the second pass decides */
	target[n] = '\0';
	return procs_match_exe(target, cx) >= 0;
}

static void
procs_free_one(struct proc *p)
{
	strv_free(&p->argv);
	strv_free(&p->env);
	free(p->exe);
	p->exe = NULL;
}

/* Second pass, see the top of the file. Returns 1 when p was filled, 0 when
 * the process is not (or no longer) a component, -1 with errno on an
 * unexpected error. */
static int
procs_inspect(pid_t pid, const struct procs_ctx *cx, struct proc *p)
{
	char path[64], *buf = NULL, *ns = NULL;
	ssize_t len;
	int dirfd, rc = -1, saved;

	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->comp = -1;
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	dirfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		goto out;
	len = procs_slurp(dirfd, "cmdline", 4096, &buf);
	if (len < 0)
		goto out;
	procs_split(&p->argv, buf, (size_t)len);
	if (p->argv.n == 0) {
		rc = 0; /* exited (zombie) since the first pass */
		goto out;
	}
	p->exe = procs_readlinkat(dirfd, "exe"); /* NULL when not permitted */
	p->comp = procs_match_argv0(p->argv.v[0], cx);
	if (p->comp < 0 && p->exe)
		p->comp = procs_match_exe(p->exe, cx);
	if (p->comp < 0) {
		rc = 0;
		goto out;
	}
	if (procs_start_time(dirfd, &p->start_time) < 0 || procs_euid(dirfd, &p->euid) < 0)
		goto out;
	/* Not being allowed to look (no ptrace access) is common when the
	 * auditor is unprivileged: assume the same namespace then. */
	ns = procs_readlinkat(dirfd, "ns/mnt");
	p->other_mntns = cx->selfns && ns && strcmp(cx->selfns, ns) != 0;
	/* a sandboxed auditor (systemd's ProtectSystem= and friends) has a
	 * mount namespace of its own: "runs in a container" is judged against
	 * init's namespace, not the auditor's */
	p->container = cx->hostns ? (ns && strcmp(cx->hostns, ns) != 0) : p->other_mntns;
	rc = 1;
out:
	saved = errno;
	if (rc < 0 && (saved == ENOENT || saved == ESRCH))
		rc = 0;
	if (rc != 1)
		procs_free_one(p);
	free(buf);
	free(ns);
	if (dirfd >= 0)
		close(dirfd);
	errno = saved;
	return rc;
}

static int
procs_cmp_pid(const void *a, const void *b)
{
	const struct proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

int
procs_scan(struct proclist *pl, const char *const *const *names, int ncomps)
{
	enum pids_item items[] = {PIDS_ID_PID, PIDS_ID_EUID, PIDS_CMDLINE_V};
	enum { I_PID, I_EUID, I_ARGV };
	struct procs_ctx cx = {.names = names, .ncomps = ncomps, .euid = geteuid()};
	struct pids_info *info = NULL;
	struct pids_fetch *fetch;
	size_t cap = 0;
	int rc = -1, r, saved;

	memset(pl, 0, sizeof(*pl));
	pl->hidepid = procs_hidepid() == 1;
	r = procps_pids_new(&info, items, (int)(sizeof(items) / sizeof(items[0])));
	if (r < 0) {
		errno = -r;
		goto out;
	}
	errno = 0;
	fetch = procps_pids_reap(info, PIDS_FETCH_TASKS_ONLY);
	if (fetch == NULL) {
		/* reap also fails when it found nothing: we are a process
		 * ourselves, so an empty /proc is a /proc we cannot read */
		if (errno == 0)
			errno = ENOENT;
		goto out;
	}
	cx.selfns = procs_readlinkat(AT_FDCWD, "/proc/self/ns/mnt");
	cx.hostns = procs_readlinkat(AT_FDCWD, "/proc/1/ns/mnt");
	cx.ptrace_all = cx.euid == 0 || procs_have_sys_ptrace();
	for (int i = 0; fetch->stacks[i]; i++) {
		struct pids_stack *st = fetch->stacks[i];
		pid_t pid = PIDS_VAL(I_PID, s_int, st, info);

		pl->nvisited++;
		if (!procs_may_be(pid, PIDS_VAL(I_ARGV, strv, st, info),
				  (uid_t)PIDS_VAL(I_EUID, u_int, st, info), &cx))
			continue;
		if (pl->nprocs == cap) {
			cap = cap ? cap * 2 : 8;
			pl->procs = xrealloc(pl->procs, cap * sizeof(*pl->procs));
		}
		r = procs_inspect(pid, &cx, &pl->procs[pl->nprocs]);
		if (r > 0)
			pl->nprocs++;
		else if (r < 0)
			log_warn("cannot read process %d", (int)pid);
	}
	if (pl->nprocs > 1)
		qsort(pl->procs, pl->nprocs, sizeof(*pl->procs), procs_cmp_pid);
	rc = 0;
out:
	saved = errno;
	if (info)
		procps_pids_unref(&info);
	free(cx.selfns);
	free(cx.hostns);
	errno = saved;
	return rc;
}

static int
procs_cmp_pid_t(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* Component of a process seen for the first time, or -1: argv[0], then exe
 * (when we may read it). */
static int
procs_watch_judge(pid_t pid, const struct procs_ctx *cx)
{
	char path[64], *buf = NULL, *exe;
	int dirfd, c = -1;
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	dirfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -1;
	len = procs_slurp(dirfd, "cmdline", 512, &buf);
	if (len > 0)
		c = procs_match_argv0(buf, cx); /* buf holds argv[0] first, NUL-ended */
	if (c < 0 && len > 0) {
		exe = procs_readlinkat(dirfd, "exe");
		if (exe)
			c = procs_match_exe(exe, cx);
		free(exe);
	}
	free(buf);
	close(dirfd);
	return c;
}

int
procs_watch_poll(struct procs_watch *w, const char *const *const *names, int ncomps, pid_t *found,
		 int *comp)
{
	struct procs_ctx cx = {.names = names, .ncomps = ncomps, .euid = geteuid()};
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t *now = NULL;
	size_t n = 0, cap = 0, j = 0;
	int nnew = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		char *end;
		long v = strtol(de->d_name, &end, 10);

		if (*end != '\0' || v <= 0 || de->d_name[0] == '0')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			now = xrealloc(now, cap * sizeof(*now));
		}
		now[n++] = (pid_t)v;
	}
	closedir(d);
	if (n > 1)
		qsort(now, n, sizeof(*now), procs_cmp_pid_t);
	/* the PIDs in now and not in w->pids, by a merge of two sorted lists */
	for (size_t i = 0; w->primed && i < n; i++) {
		while (j < w->n && w->pids[j] < now[i])
			j++;
		if (j < w->n && w->pids[j] == now[i])
			continue;
		int c = procs_watch_judge(now[i], &cx);

		if (c >= 0 && nnew++ == 0) {
			if (found)
				*found = now[i];
			if (comp)
				*comp = c;
		}
	}
	free(w->pids);
	w->pids = now;
	w->n = n;
	w->primed = 1;
	return nnew;
}

void
procs_watch_free(struct procs_watch *w)
{
	free(w->pids);
	memset(w, 0, sizeof(*w));
}

void
proclist_free(struct proclist *pl)
{
	if (pl == NULL)
		return;
	for (size_t i = 0; i < pl->nprocs; i++)
		procs_free_one(&pl->procs[i]);
	free(pl->procs);
	memset(pl, 0, sizeof(*pl));
}

/* ---- environ ---- */

int
procs_read_environ(struct proc *p)
{
	char path[64], *buf = NULL;
	unsigned long long start;
	ssize_t len;
	int dirfd = -1, err = 0;

	if (p->env_loaded)
		return p->env_err ? -1 : 0;
	snprintf(path, sizeof(path), "/proc/%d", (int)p->pid);
	dirfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		err = errno;
		goto out;
	}
	/* Opening environ needs ptrace read access (EACCES otherwise). */
	len = procs_slurp(dirfd, "environ", 8192, &buf);
	if (len < 0) {
		err = errno;
		goto out;
	}
	/* The pid may have been reused since the scan: the start time tells.
	 * A hand-made struct proc (start_time 0) is taken at its word. */
	if (p->start_time != 0) {
		if (procs_start_time(dirfd, &start) < 0) {
			err = errno;
			goto out;
		}
		if (start != p->start_time) {
			err = ESRCH;
			goto out;
		}
	}
	procs_split(&p->env, buf, (size_t)len);
out:
	free(buf);
	if (dirfd >= 0)
		close(dirfd);
	p->env_loaded = 1;
	p->env_err = err;
	if (err) {
		strv_free(&p->env);
		errno = err;
		return -1;
	}
	return 0;
}

/* The first definition wins, as in Go's os.Getenv (etcd and the Kubernetes
 * components are Go programs) and glibc's getenv. */
const char *
procs_getenv(const struct proc *p, const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || strchr(name, '='))
		return NULL;
	for (size_t i = 0; i < p->env.n; i++) {
		const char *e = p->env.v[i];

		if (strncmp(e, name, len) == 0 && e[len] == '=')
			return e + len + 1;
	}
	return NULL;
}

/* ---- hidepid ---- */

static int
procs_in_group(gid_t gid)
{
	gid_t *groups;
	int n, rc = 0;

	if (getegid() == gid)
		return 1;
	n = getgroups(0, NULL);
	if (n <= 0)
		return 0;
	groups = xcalloc((size_t)n, sizeof(*groups));
	n = getgroups(n, groups);
	for (int i = 0; i < n && !rc; i++)
		rc = groups[i] == gid;
	free(groups);
	return rc;
}

/* Super options of the topmost mount on /proc (the last /proc line of
 * /proc/self/mountinfo), or NULL. Line format, proc(5):
 *   id parent major:minor root mountpoint options [optional...] - fstype source superoptions */
static char *
procs_proc_superopts(void)
{
	char *buf = NULL, *line, *next, *opts = NULL;

	if (procs_slurp(AT_FDCWD, "/proc/self/mountinfo", 8192, &buf) < 0)
		return NULL;
	for (line = buf; line && *line; line = next) {
		char *f[4], *sep, *tail;
		int nf = 0;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		/* fields 1-5; the mount point is the fifth */
		for (char *s = line; nf < 4 && (s = strchr(s, ' ')); s++)
			f[nf++] = s + 1;
		if (nf < 4 || strncmp(f[3], "/proc ", 6) != 0)
			continue;
		sep = strstr(f[3], " - ");
		if (sep == NULL)
			continue;
		/* fstype source superoptions */
		tail = sep + 3;
		if (strncmp(tail, "proc ", 5) != 0)
			continue;
		tail = strchr(tail + 5, ' ');
		if (tail == NULL)
			continue;
		free(opts);
		opts = xstrdup(tail + 1);
	}
	free(buf);
	return opts;
}

/* The rule. procfs hides other users' /proc/PID (hidepid=1/noaccess: their
 * files; 2/invisible: the directories; 4/ptraceable: all but the
 * processes we may ptrace) from a reader that neither may ptrace them
 * (same uid, or CAP_SYS_PTRACE) nor, for 1 and 2, belongs to the gid=
 * group. So this returns 1 when the topmost /proc mount has a hidepid
 * value other than 0/off (an unknown value counts as hiding), or has
 * subset=pid (as the contract asks: a /proc made for a sandbox), and we are
 * not exempt: euid 0, or CAP_SYS_PTRACE effective, or (hidepid 1/2 without
 * subset=pid) a member of the gid= group. Returns 0 otherwise, and when
 * /proc/self/mountinfo cannot be read (nothing is known then). */
int
procs_hidepid(void)
{
	char *opts, *o, *save = NULL;
	int hide = 0, subset = 0, grpok = 0, have_gid = 0;
	gid_t gid = 0;

	opts = procs_proc_superopts();
	if (opts == NULL)
		return 0;
	for (o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		if (strncmp(o, "hidepid=", 8) == 0) {
			const char *v = o + 8;

			hide = !(strcmp(v, "0") == 0 || strcmp(v, "off") == 0);
			grpok = strcmp(v, "1") == 0 || strcmp(v, "2") == 0 ||
				strcmp(v, "noaccess") == 0 || strcmp(v, "invisible") == 0;
		} else if (strcmp(o, "subset=pid") == 0) {
			subset = 1;
		} else if (strncmp(o, "gid=", 4) == 0) {
			char *end;
			unsigned long v = strtoul(o + 4, &end, 10);

			if (end != o + 4 && *end == '\0') {
				gid = (gid_t)v;
				have_gid = 1;
			}
		}
	}
	free(opts);
	if (!hide && !subset)
		return 0;
	if (geteuid() == 0 || procs_have_sys_ptrace())
		return 0;
	if (hide && !subset && grpok && have_gid && procs_in_group(gid))
		return 0;
	return 1;
}
