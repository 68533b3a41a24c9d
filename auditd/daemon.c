/* daemon.c - the continuous audit: one event loop (epoll over a signalfd,
 * timerfds, inotify, the control socket) and a worker thread for scans.
 *
 * Why a thread for scans: a scan only reads the node and the (immutable)
 * loaded profile, and hands back one report; a thread shares both without
 * serialising them, and the loop keeps serving the socket meanwhile. The
 * profile is swapped (SIGHUP) only between scans. Network probes of a later
 * stage will run in a forked worker that alone loads libcurl (DESIGN 2), so
 * a crash in response parsing cannot take the daemon down.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "drift.h"
#include "loop.h"
#include "options.h"
#include "procs.h"
#include "profile.h"
#include "scan.h"
#include "slog.h"
#include "sock.h"
#include "state.h"

#ifndef KA_SYSCONFDIR
#define KA_SYSCONFDIR "/etc"
#endif
#define DEFAULT_CONFIG KA_SYSCONFDIR "/kube-auditd/kube-auditd.conf"
#define DEBOUNCE_MS 250

/* The settings in force: the command line over the configuration file. */
struct settings {
	struct conf conf;
	const char *root, *benchmark, *profile_dir, *socket, *state_dir, *metrics_file;
	long interval, jitter;
	int syslog;
	struct eval_opts eval;
};

struct pending {
	uint64_t id;
	enum report_format format;
};

struct pidwatch {
	pid_t pid;
	unsigned long long start;
	char *name;
};

struct scan_done {
	struct report *r;
	char *err;
};

struct daemon {
	struct opts *o;
	struct settings set;
	struct profile *prof;
	struct loop *loop;
	struct loop_watch w_sig, w_scan, w_pid, w_ino, w_deb, w_done, w_wd;
	struct sock_server *sock;
	struct report *last;
	int from_state; /* last came from the state file, not this run's scan */
	/* worker */
	pthread_t thr;
	int busy, again;
	int done_pipe[2];
	int req_pipe[2];
	int have_thread;
	/* a reload that waits for the running scan to finish */
	struct settings *new_set;
	struct profile *new_prof;
	struct pending *pend; /* waiting for the running scan */
	size_t npend;
	struct pending *pend_next; /* asked while a scan ran: wait for the next one */
	size_t npend_next;
	struct pidwatch *pids;
	size_t npids;
	struct procs_watch newprocs;   /* components that start between scans */
	char *socket_path, *state_dir; /* fixed at start: a change needs a restart */
	/* the last report rendered once per format: a report request costs a copy */
	char *rendered[FMT_PROMETHEUS + 1];
	size_t rendered_len[FMT_PROMETHEUS + 1];
	uint64_t wd_usec;
	time_t started, next_scan;
	unsigned long nscans;
	int stop;
};

/* ---- sd_notify, in the few lines it needs ---- */

static void
notify(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t n;
	int fd;

	if (path == NULL || (path[0] != '/' && path[0] != '@') ||
	    (n = strlen(path)) >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, n);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0'; /* abstract namespace */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	(void)sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa,
		     (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n));
	close(fd);
}

/* ---- settings ---- */

static void
settings_free(struct settings *s)
{
	conf_free(&s->conf);
	strv_free(&s->eval.targets);
	strv_free(&s->eval.only);
	strv_free(&s->eval.skip);
}

/* Builds the settings from the configuration file and the command line.
 * Returns 0, or -1 with *err (file:line) when the file is broken. */
static int
settings_load(struct settings *s, const struct opts *o, char **err)
{
	const char *path = o->config ? o->config : DEFAULT_CONFIG;

	memset(s, 0, sizeof(*s));
	conf_defaults(&s->conf);
	if (conf_load(path, &s->conf, err) < 0) {
		if (errno == ENOENT && o->config == NULL) {
			free(*err);
			*err = NULL;
			log_info("%s: not found, using the built-in defaults", path);
		} else {
			conf_free(&s->conf);
			return -1;
		}
	}
	s->root = o->root ? o->root : s->conf.root;
	s->benchmark = o->benchmark ? o->benchmark : s->conf.benchmark;
	s->profile_dir = o->profile_dir	       ? o->profile_dir
			 : s->conf.profile_dir ? s->conf.profile_dir
					       : opts_default_profile_dir();
	s->socket = o->socket ? o->socket : s->conf.socket;
	s->state_dir = o->state_dir ? o->state_dir : s->conf.state_dir;
	s->metrics_file = o->metrics_file ? o->metrics_file : s->conf.metrics_file;
	s->interval = o->interval ? o->interval : s->conf.interval;
	s->jitter = s->conf.jitter >= 0 ? s->conf.jitter
					: (s->interval / 10 < 30 ? s->interval / 10 : 30);
	s->syslog = !o->no_syslog && s->conf.syslog;
	strv_copy(&s->eval.targets, o->eval.targets.n ? &o->eval.targets : &s->conf.targets);
	strv_copy(&s->eval.skip, o->eval.skip.n ? &o->eval.skip : &s->conf.skip);
	strv_copy(&s->eval.only, &o->eval.only);
	return 0;
}

/* ---- the worker ----
 * One long-lived thread: libproc2 keeps per-thread read buffers that a
 * thread made per scan would leak at every exit (valgrind showed 256 KiB a
 * scan). The loop asks for a scan with a byte on req_pipe ('s'; 'q' to
 * quit); the thread answers with a struct scan_done on done_pipe. */

static void *
scan_thread(void *arg)
{
	struct daemon *d = arg;
	char c;

	while (read(d->req_pipe[0], &c, 1) == 1 && c == 's') {
		struct scan_done m = {0};

		m.r = scan_run(d->prof, d->set.root, &d->set.eval, &m.err);
		/* a pipe write of this size is atomic; the loop reads it whole */
		if (write(d->done_pipe[1], &m, sizeof(m)) != (ssize_t)sizeof(m)) {
			report_free(m.r);
			free(m.err);
		}
	}
	return NULL;
}

static void
scan_start(struct daemon *d, const char *why)
{
	if (d->busy) {
		d->again = 1;
		return;
	}
	log_debug("scan: %s", why);
	loop_timer_set(d->w_scan.fd, 0);
	d->busy = 1;
	if (write(d->req_pipe[1], "s", 1) != 1) {
		log_warn("cannot ask the scan thread for a scan");
		d->busy = 0;
		loop_timer_set(d->w_scan.fd, 1000);
	}
}

static void
arm_next_scan(struct daemon *d)
{
	uint32_t r = 0;
	long delay = d->set.interval;

	if (d->set.jitter > 0 && getrandom(&r, sizeof(r), GRND_NONBLOCK) == sizeof(r))
		delay += (long)(r % (uint32_t)(d->set.jitter + 1));
	d->next_scan = time(NULL) + delay;
	loop_timer_set(d->w_scan.fd, (uint64_t)delay * 1000);
}

/* ---- what a finished scan changes ---- */

static void
say(struct daemon *d, int prio, const char *msg)
{
	if (d->set.syslog)
		slog(prio, msg);
	else
		fprintf(stderr, "kube-auditd: %s\n", msg);
}

static int
change_prio(const struct drift_change *c)
{
	if (c->new == NULL)
		return LOG_NOTICE;
	switch (c->new->state) {
	case RS_FAIL:
	case RS_ERROR:
		return LOG_WARNING;
	case RS_WARN:
		return LOG_NOTICE;
	default:
		return LOG_INFO;
	}
}

static void
log_drift(struct daemon *d, const struct report *old, const struct report *r)
{
	struct drift dr = {0};

	drift_compare(old, r, &dr);
	for (size_t i = 0; i < dr.n; i++) {
		char *m = drift_message(r, &dr.v[i]);

		say(d, change_prio(&dr.v[i]), m);
		free(m);
	}
	if (dr.n) {
		char *m = drift_summary(r, &dr);

		say(d, LOG_NOTICE, m);
		free(m);
	}
	drift_free(&dr);
}

static char *
render(const struct report *r, enum report_format fmt, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (f == NULL)
		return NULL;
	if (report_write(r, fmt, f, 0) < 0) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

static void
cache_clear(struct daemon *d)
{
	for (int f = 0; f <= FMT_PROMETHEUS; f++) {
		free(d->rendered[f]);
		d->rendered[f] = NULL;
	}
}

/* The last report in a format, rendered at most once. NULL on failure. */
static const char *
render_last(struct daemon *d, enum report_format fmt, size_t *len)
{
	if ((int)fmt < 0 || fmt > FMT_PROMETHEUS || d->last == NULL)
		return NULL;
	if (d->rendered[fmt] == NULL)
		d->rendered[fmt] = render(d->last, fmt, &d->rendered_len[fmt]);
	*len = d->rendered_len[fmt];
	return d->rendered[fmt];
}

/* The textfile collector reads whole files: write beside, then rename. */
static void
write_metrics(struct daemon *d, const struct report *r)
{
	const char *path = d->set.metrics_file;
	size_t len = 0;
	char *body, *tmp;
	int fd;

	if (path == NULL)
		return;
	body = render(r, FMT_PROMETHEUS, &len);
	tmp = xasprintf("%s.tmpXXXXXX", path);
	fd = body ? mkostemp(tmp, O_CLOEXEC) : -1;
	if (fd < 0) {
		log_warn("metrics file %s", path);
		goto out;
	}
	(void)fchmod(fd, 0644);
	if (write(fd, body, len) != (ssize_t)len || fsync(fd) < 0) {
		log_warn("metrics file %s: write", path);
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		log_warn("metrics file %s: rename", path);
		unlink(tmp);
	}
out:
	free(tmp);
	free(body);
}

static void
reply_pending(struct daemon *d, const struct report *r, const char *err)
{
	for (size_t i = 0; i < d->npend; i++) {
		size_t len = 0;
		const char *body = r ? render_last(d, d->pend[i].format, &len) : NULL;

		if (body)
			(void)sock_reply(d->sock, d->pend[i].id, 1, report_exit_status(r), body,
					 len);
		else
			(void)sock_reply(d->sock, d->pend[i].id, 0, 2, err ? err : "scan failed",
					 strlen(err ? err : "scan failed"));
	}
	free(d->pend);
	/* those who asked during that scan wait for the next one */
	d->pend = d->pend_next;
	d->npend = d->npend_next;
	d->pend_next = NULL;
	d->npend_next = 0;
}

static unsigned long long
proc_start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long st = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* the command name may hold spaces and parentheses: fields follow the last ')' */
	p = strrchr(buf, ')');
	if (p == NULL)
		return 0;
	for (int field = 3; p && field <= 22; field++) {
		p = strchr(p + 1, ' ');
		if (p && field == 22)
			st = strtoull(p + 1, NULL, 10);
	}
	return st;
}

static void
pids_refresh(struct daemon *d, const struct report *r)
{
	for (size_t i = 0; i < d->npids; i++)
		free(d->pids[i].name);
	free(d->pids);
	d->pids = xcalloc(r->ncomps ? r->ncomps : 1, sizeof(*d->pids));
	d->npids = 0;
	for (size_t i = 0; i < r->ncomps; i++) {
		d->pids[d->npids].pid = r->comps[i].pid;
		d->pids[d->npids].start = proc_start_time(r->comps[i].pid);
		d->pids[d->npids].name = xstrdup(r->comps[i].name);
		d->npids++;
	}
}

/* Directories whose changes can change a verdict: those of every file the
 * last scan cited, plus the usual places where files may appear. */
static void
watches_refresh(struct daemon *d, const struct report *r)
{
	static const char *const fixed[] = {
		"/etc/kubernetes",
		"/etc/kubernetes/manifests",
		"/etc/kubernetes/pki",
		"/etc/kubernetes/pki/etcd",
		"/var/lib/kubelet",
		"/etc/systemd/system/kubelet.service.d",
		"/usr/lib/systemd/system/kubelet.service.d",
		"/etc/cni/net.d",
		NULL,
	};
	struct strv dirs = {0};
	int fd;

	if (!d->set.conf.watch)
		return;
	/* the new watches are in place before the old ones go, and what the
	 * old ones caught since the loop last read them (while the scan's
	 * result was saved and sent) is not thrown away with them */
	fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0) {
		log_warn("inotify");
		return;
	}
	for (int i = 0; fixed[i]; i++)
		strv_push(&dirs, fixed[i]);
	for (size_t i = 0; i < r->nresults; i++)
		for (size_t j = 0; j < r->results[i].nev; j++) {
			const struct evidence *e = &r->results[i].ev[j];
			char *copy;

			if (e->file == NULL || e->file[0] != '/' ||
			    (e->view && strcmp(e->view, "root") != 0))
				continue;
			copy = xstrdup(e->file);
			if (e->source == EV_FILE && e->has_stat && S_ISDIR(e->mode))
				strv_index(&dirs, copy) < 0 ? strv_push(&dirs, copy) : (void)0;
			{
				const char *dir = dirname(copy);

				if (strv_index(&dirs, dir) < 0)
					strv_push(&dirs, dir);
			}
			free(copy);
		}
	for (size_t i = 0; i < dirs.n; i++) {
		char *full =
			xasprintf("%s%s", strcmp(d->set.root, "/") ? d->set.root : "", dirs.v[i]);

		(void)inotify_add_watch(fd, full,
					IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE |
						IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF |
						IN_MOVE_SELF | IN_ONLYDIR);
		free(full);
	}
	strv_free(&dirs);
	if (d->w_ino.fd >= 0) {
		char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
		int pending = 0;

		while (read(d->w_ino.fd, buf, sizeof(buf)) > 0)
			pending = 1;
		loop_del(d->loop, &d->w_ino);
		close(d->w_ino.fd);
		d->w_ino.fd = -1;
		if (pending) {
			log_debug(
				"a watched file changed while the last scan was saved: rescanning");
			loop_timer_set(d->w_deb.fd, DEBOUNCE_MS);
		}
	}
	d->w_ino.fd = fd;
	loop_add(d->loop, &d->w_ino, EPOLLIN);
}

static void
set_status(struct daemon *d)
{
	char buf[256];
	const struct report *r = d->last;

	if (r == NULL)
		return;
	snprintf(buf, sizeof(buf),
		 "STATUS=%s: %zu pass, %zu fail, %zu warn, %zu skip, %zu error (scan %lu)",
		 r->benchmark ? r->benchmark : "?", r->counts[RS_PASS], r->counts[RS_FAIL],
		 r->counts[RS_WARN], r->counts[RS_SKIP], r->counts[RS_ERROR], d->nscans);
	notify(buf);
}

static void apply_reload(struct daemon *d);

static void
on_done(struct loop_watch *w, uint32_t events)
{
	struct daemon *d = w->arg;
	struct scan_done m;
	char *err = NULL;

	(void)events;
	if (read(w->fd, &m, sizeof(m)) != (ssize_t)sizeof(m))
		return;
	d->busy = 0;
	if (m.r == NULL) {
		log_warnx("scan failed: %s", m.err ? m.err : "?");
		reply_pending(d, NULL, m.err);
	} else {
		d->nscans++;
		/* drift continues across restarts: the first scan is compared
		 * with the saved report; without one, every non-compliant
		 * state is logged once */
		log_drift(d, d->last, m.r);
		report_free(d->last);
		cache_clear(d);
		d->last = m.r;
		d->from_state = 0;
		if (state_save(d->state_dir, d->last, &err) < 0) {
			log_warnx("state: %s", err);
			free(err);
		}
		write_metrics(d, d->last);
		set_status(d);
		reply_pending(d, d->last, NULL);
		pids_refresh(d, d->last);
		watches_refresh(d, d->last);
	}
	free(m.err);
	/* a scan's garbage is not resident memory between scans */
	malloc_trim(0);
	apply_reload(d);
	if (d->again) {
		d->again = 0;
		scan_start(d, "requested during the last scan");
	} else {
		arm_next_scan(d);
	}
}

/* ---- reload (SIGHUP) ---- */

static void
apply_reload(struct daemon *d)
{
	if (d->new_set == NULL || d->busy)
		return;
	/* the socket and the state directory in use stay until a restart */
	if (strcmp(d->new_set->socket, d->socket_path) != 0 ||
	    strcmp(d->new_set->state_dir, d->state_dir) != 0)
		log_warnx("reload: socket and state-dir changes take effect at the next restart");
	settings_free(&d->set);
	d->set = *d->new_set;
	free(d->new_set);
	d->new_set = NULL;
	profile_free(d->prof);
	d->prof = d->new_prof;
	d->new_prof = NULL;
	log_info("reload: configuration and profile %s loaded", d->prof->benchmark);
	scan_start(d, "reloaded");
}

static void
reload(struct daemon *d, const struct signalfd_siginfo *si)
{
	struct settings *s = xcalloc(1, sizeof(*s));
	struct profile *p;
	char *err = NULL;

	log_info("reload requested by pid %u (uid %u)", si->ssi_pid, si->ssi_uid);
	if (settings_load(s, d->o, &err) < 0) {
		log_warnx("reload failed, keeping the running configuration: %s", err);
		goto fail;
	}
	p = profile_load(s->profile_dir, s->benchmark, &err);
	if (p == NULL) {
		log_warnx("reload failed, keeping the running profile: %s", err);
		settings_free(s);
		goto fail;
	}
	if (d->new_set) { /* an earlier reload still waiting: the newest wins */
		settings_free(d->new_set);
		free(d->new_set);
		profile_free(d->new_prof);
	}
	d->new_set = s;
	d->new_prof = p;
	apply_reload(d);
	return;
fail:
	free(err);
	free(s);
}

/* ---- loop handlers ---- */

static void
on_signal(struct loop_watch *w, uint32_t events)
{
	struct daemon *d = w->arg;
	struct signalfd_siginfo si;

	(void)events;
	while (read(w->fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			reload(d, &si);
			break;
		case SIGTERM:
		case SIGINT:
			log_info("stopping on signal %u from pid %u", si.ssi_signo, si.ssi_pid);
			d->stop = 1;
			break;
		default:
			break;
		}
	}
}

static void
on_scan_timer(struct loop_watch *w, uint32_t events)
{
	(void)events;
	loop_timer_ack(w->fd);
	scan_start(w->arg, "interval");
}

static void
on_debounce(struct loop_watch *w, uint32_t events)
{
	(void)events;
	loop_timer_ack(w->fd);
	scan_start(w->arg, "files changed");
}

static void
on_inotify(struct loop_watch *w, uint32_t events)
{
	struct daemon *d = w->arg;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	(void)events;
	while (read(w->fd, buf, sizeof(buf)) > 0)
		;
	/* a burst of changes (an editor, a package upgrade) is one rescan */
	loop_timer_set(d->w_deb.fd, DEBOUNCE_MS);
}

/* New component processes since the last poll (see procs.h); a component
 * that was not running at the last scan is noticed here. */
static int
poll_new_components(struct daemon *d, pid_t *pid, const char **name)
{
	const struct profile *p = d->prof;
	const char ***names = xcalloc(p->ncomps ? p->ncomps : 1, sizeof(*names));
	int comp = -1, n;

	for (size_t i = 0; i < p->ncomps; i++)
		names[i] = (const char **)p->comps[i].names.v;
	n = procs_watch_poll(&d->newprocs, (const char *const *const *)names, (int)p->ncomps, pid,
			     &comp);
	free(names);
	if (n > 0 && comp >= 0 && (size_t)comp < p->ncomps)
		*name = p->comps[comp].name;
	return n;
}

static void
on_pid_check(struct loop_watch *w, uint32_t events)
{
	struct daemon *d = w->arg;
	const char *name = "a component";
	int restarted = 0;
	pid_t pid = 0;

	(void)events;
	loop_timer_ack(w->fd);
	for (size_t i = 0; i < d->npids; i++) {
		unsigned long long st = proc_start_time(d->pids[i].pid);

		if (st != d->pids[i].start) {
			log_info("%s (pid %d) exited or was restarted: rescanning", d->pids[i].name,
				 (int)d->pids[i].pid);
			d->npids = 0; /* until the rescan refreshes the list */
			scan_start(d, "component restarted");
			restarted = 1;
			break;
		}
	}
	/* after the known PIDs, the new ones: a component that starts after a
	 * scan (a static pod the kubelet brings back seconds after its old
	 * container went, a kubelet started by hand) */
	if (poll_new_components(d, &pid, &name) > 0 && !restarted) {
		log_info("%s started (pid %d): rescanning", name, (int)pid);
		scan_start(d, "component started");
	}
	loop_timer_set(w->fd, (uint64_t)d->set.conf.pid_check * 1000);
}

static void
on_watchdog(struct loop_watch *w, uint32_t events)
{
	struct daemon *d = w->arg;

	(void)events;
	loop_timer_ack(w->fd);
	notify("WATCHDOG=1");
	loop_timer_set(w->fd, d->wd_usec / 2000);
}

static char *
status_text(struct daemon *d, size_t *len)
{
	struct sbuf b = {0};
	char t[32];
	struct tm tm;
	const struct report *r = d->last;

	gmtime_r(&d->started, &tm);
	strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", &tm);
	sbuf_addf(&b, "state: running\npid: %d\nversion: %s\nbenchmark: %s\nstarted: %s\n",
		  (int)getpid(), PACKAGE_VERSION, d->prof->benchmark, t);
	sbuf_addf(&b, "scans: %lu\nscanning: %s\n", d->nscans, d->busy ? "yes" : "no");
	if (r) {
		sbuf_addf(&b, "last-scan: %s (%.1f ms)%s\n", r->started_at ? r->started_at : "?",
			  r->duration_ms, d->from_state ? " (saved before this start)" : "");
		sbuf_addf(&b, "summary: pass=%zu fail=%zu warn=%zu skip=%zu error=%zu\n",
			  r->counts[RS_PASS], r->counts[RS_FAIL], r->counts[RS_WARN],
			  r->counts[RS_SKIP], r->counts[RS_ERROR]);
	} else {
		sbuf_add(&b, "last-scan: none yet\n");
	}
	if (!d->busy && d->next_scan)
		sbuf_addf(&b, "next-scan: in %ld s\n", (long)(d->next_scan - time(NULL)));
	*len = b.len;
	return sbuf_steal(&b);
}

static void
on_request(void *arg, const struct sock_request *req)
{
	struct daemon *d = arg;
	size_t len = 0;
	const char *cached;
	char *body;

	switch (req->cmd) {
	case SOCK_STATUS:
		body = status_text(d, &len);
		(void)sock_reply(d->sock, req->client, 1, 0, body, len);
		free(body);
		break;
	case SOCK_REPORT:
		if (d->last == NULL) {
			static const char msg[] =
				"no scan has completed yet: try again shortly, or "
				"run kube-auditctl scan";

			(void)sock_reply(d->sock, req->client, 0, 2, msg, sizeof(msg) - 1);
			break;
		}
		cached = render_last(d, req->format, &len);
		if (cached)
			(void)sock_reply(d->sock, req->client, 1, report_exit_status(d->last),
					 cached, len);
		else
			(void)sock_reply(d->sock, req->client, 0, 2, "cannot render the report",
					 24);
		break;
	case SOCK_SCAN:
		log_info("scan requested by uid %u (pid %d)", (unsigned)req->uid, (int)req->pid);
		/* "scan now": a scan already running started before the request */
		if (d->busy) {
			d->pend_next =
				xrealloc(d->pend_next, (d->npend_next + 1) * sizeof(*d->pend_next));
			d->pend_next[d->npend_next].id = req->client;
			d->pend_next[d->npend_next].format = req->format;
			d->npend_next++;
		} else {
			d->pend = xrealloc(d->pend, (d->npend + 1) * sizeof(*d->pend));
			d->pend[d->npend].id = req->client;
			d->pend[d->npend].format = req->format;
			d->npend++;
		}
		scan_start(d, "requested on the socket");
		break;
	}
}

/* ---- start and stop ---- */

static int
watch_timer(struct daemon *d, struct loop_watch *w, loop_fn fn)
{
	w->fd = loop_timer_new();
	w->fn = fn;
	w->arg = d;
	return w->fd < 0 ? -1 : loop_add(d->loop, w, EPOLLIN);
}

static int
daemon_start(struct daemon *d, char **err)
{
	sigset_t mask;
	const char *wd = getenv("WATCHDOG_USEC");
	struct report *saved;

	d->started = time(NULL);
	d->loop = loop_new();
	if (d->loop == NULL) {
		*err = xasprintf("epoll: %s", strerror(errno));
		return -1;
	}
	/* signals only wake the loop; the scan thread inherits the mask */
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	d->w_sig.fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	d->w_sig.fn = on_signal;
	d->w_sig.arg = d;
	if (d->w_sig.fd < 0 || loop_add(d->loop, &d->w_sig, EPOLLIN) < 0 ||
	    pipe2(d->done_pipe, O_CLOEXEC) < 0 || pipe2(d->req_pipe, O_CLOEXEC) < 0) {
		*err = xasprintf("signalfd/pipe: %s", strerror(errno));
		return -1;
	}
	d->w_done.fd = d->done_pipe[0];
	d->w_done.fn = on_done;
	d->w_done.arg = d;
	d->w_ino.fn = on_inotify;
	d->w_ino.arg = d;
	if (loop_add(d->loop, &d->w_done, EPOLLIN) < 0 ||
	    watch_timer(d, &d->w_scan, on_scan_timer) < 0 ||
	    watch_timer(d, &d->w_deb, on_debounce) < 0 ||
	    watch_timer(d, &d->w_pid, on_pid_check) < 0 ||
	    watch_timer(d, &d->w_wd, on_watchdog) < 0) {
		*err = xasprintf("timerfd: %s", strerror(errno));
		return -1;
	}
	/* the latest report of the previous run: served at once, and the
	 * baseline of drift */
	saved = state_load(d->state_dir, err);
	if (saved) {
		d->last = saved;
		d->from_state = 1;
		log_info("state: loaded the report of %s",
			 saved->started_at ? saved->started_at : "?");
	} else if (*err) {
		log_warnx("state: %s", *err);
		free(*err);
	}
	*err = NULL;
	d->sock = sock_server_new(d->loop, d->socket_path, d->set.conf.socket_group, on_request, d,
				  err);
	if (d->sock == NULL)
		return -1;
	if (pthread_create(&d->thr, NULL, scan_thread, d) != 0) {
		*err = xasprintf("cannot start the scan thread: %s", strerror(errno));
		return -1;
	}
	d->have_thread = 1;
	if (d->set.conf.pid_check > 0) {
		pid_t none;
		const char *unused;

		/* learn what runs before the first scan: what starts after it
		 * is new */
		(void)poll_new_components(d, &none, &unused);
		loop_timer_set(d->w_pid.fd, (uint64_t)d->set.conf.pid_check * 1000);
	}
	if (wd && (d->wd_usec = strtoull(wd, NULL, 10)) > 0)
		loop_timer_set(d->w_wd.fd, d->wd_usec / 2000);
	return 0;
}

static void
daemon_free(struct daemon *d)
{
	if (d->have_thread) {
		/* the running scan finishes first: the thread reads 'q' after it */
		if (write(d->req_pipe[1], "q", 1) != 1)
			log_warn("cannot stop the scan thread");
		pthread_join(d->thr, NULL);
	}
	if (d->req_pipe[0] >= 0) {
		close(d->req_pipe[0]);
		close(d->req_pipe[1]);
	}
	if (d->done_pipe[0] >= 0) {
		struct scan_done m;

		/* a scan that finished while stopping */
		while (fcntl(d->done_pipe[0], F_SETFL, O_NONBLOCK) == 0 &&
		       read(d->done_pipe[0], &m, sizeof(m)) == (ssize_t)sizeof(m)) {
			report_free(m.r);
			free(m.err);
		}
		close(d->done_pipe[0]);
		close(d->done_pipe[1]);
	}
	sock_server_free(d->sock);
	{
		struct loop_watch *ws[] = {&d->w_sig, &d->w_scan, &d->w_pid,
					   &d->w_ino, &d->w_deb,  &d->w_wd};

		for (size_t i = 0; i < sizeof(ws) / sizeof(ws[0]); i++)
			if (ws[i]->fd >= 0)
				close(ws[i]->fd);
	}
	loop_free(d->loop);
	cache_clear(d);
	report_free(d->last);
	for (size_t i = 0; i < d->npids; i++)
		free(d->pids[i].name);
	free(d->pids);
	procs_watch_free(&d->newprocs);
	free(d->pend);
	free(d->pend_next);
	if (d->new_set) {
		settings_free(d->new_set);
		free(d->new_set);
	}
	profile_free(d->new_prof);
	profile_free(d->prof);
	settings_free(&d->set);
	free(d->socket_path);
	free(d->state_dir);
}

int
run_check_config(const struct opts *o)
{
	struct settings set;
	struct profile *p;
	char *err = NULL;
	const char *path = o->config ? o->config : DEFAULT_CONFIG;

	if (settings_load(&set, o, &err) < 0) {
		log_warnx("%s", err);
		free(err);
		return 2;
	}
	p = profile_load(set.profile_dir, set.benchmark, &err);
	if (p == NULL) {
		log_warnx("%s: configuration read; profiles: %s", path, err);
		free(err);
		settings_free(&set);
		return 2;
	}
	printf("%s: %s; benchmark %s, %zu recommendations from %s\n", path,
	       access(path, F_OK) == 0 ? "configuration OK"
				       : "not found, the built-in defaults apply",
	       set.benchmark, p->nchecks, set.profile_dir);
	profile_free(p);
	settings_free(&set);
	return 0;
}

int
run_daemon(struct opts *o)
{
	struct daemon d;
	char *err = NULL;
	int rc = 2;

	memset(&d, 0, sizeof(d));
	d.o = o;
	/* one malloc arena: the scan thread's allocations are given back to the
	 * same heap (and trimmed) instead of keeping an arena of their own */
	mallopt(M_ARENA_MAX, 1);
	d.w_sig.fd = d.w_scan.fd = d.w_pid.fd = d.w_ino.fd = d.w_deb.fd = d.w_wd.fd = -1;
	d.done_pipe[0] = d.done_pipe[1] = -1;
	d.req_pipe[0] = d.req_pipe[1] = -1;
	/* configuration and profiles first: their errors are fatal, with file:line */
	if (settings_load(&d.set, o, &err) < 0) {
		log_warnx("%s", err);
		free(err);
		return 2;
	}
	if (d.set.syslog) {
		/* never syslog(3): its blocking send would stop the loop
		 * when the log daemon stops reading (slog.h) */
		slog_open(d.set.conf.syslog_tag, d.set.conf.syslog_facility, NULL);
		log_to_syslog(1);
	}
	if (geteuid() == 0)
		log_warnx("running as root with every capability: the service should run as its "
			  "own user with CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE only (see "
			  "kube-auditd(8))");
	d.prof = profile_load(d.set.profile_dir, d.set.benchmark, &err);
	if (d.prof == NULL) {
		log_warnx("%s", err);
		free(err);
		settings_free(&d.set);
		return 2;
	}
	d.socket_path = xstrdup(d.set.socket);
	d.state_dir = xstrdup(d.set.state_dir);
	if (daemon_start(&d, &err) < 0) {
		log_warnx("%s", err ? err : "cannot start");
		free(err);
		goto out;
	}
	log_info("started: benchmark %s, %zu checks, scan every %ld s, socket %s",
		 d.prof->benchmark, d.prof->nchecks, d.set.interval, d.socket_path);
	notify("READY=1");
	scan_start(&d, "start");
	while (!d.stop)
		if (loop_run_once(d.loop, -1) < 0) {
			log_warn("epoll_wait");
			break;
		}
	notify("STOPPING=1");
	rc = 0;
out:
	daemon_free(&d);
	if (d.set.syslog) {
		/* what is still queued gets a second; later messages go to stderr */
		slog_close();
		log_to_syslog(0);
	}
	return rc;
}
