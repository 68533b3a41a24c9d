/* check_sock.c - the control socket: access by peer credentials (not file
 * modes), the protocol's errors, request and idle timeouts, many and slow
 * clients, the client limit, stale and live sockets, sock_reply to a client
 * that left, sock_call's errors and kube-auditctl's exit status.
 *
 * Real sockets in a temporary directory. The server runs on a loop from
 * loop.c, driven either by a thread of the test (clients then block in
 * sock_call, or in forked children that drop to an unprivileged uid) or by
 * the test itself (loop_run_once between steps). Tests that change uid need
 * root; without it they are left out of the suite, and main() says so.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"
#include "sock.h"
#include "testutil.h"
#include "util.h"

/* Test hooks of sock.c, deliberately not in sock.h. */
extern void sock_set_timeouts_for_tests(int ms_request, int ms_idle);
extern void sock_force_proc_groups_for_tests(int on);

#define T_UID 4242	 /* an unprivileged user */
#define T_GROUP 4243	 /* the socket's group */
#define T_GROUP_S "4243" /* ... as sock_server_new takes it */
#define T_OTHER_GID 4244 /* a group that grants nothing */
#define T_MAX_PENDING 1024

static const char *const fmt_names[] = {"text", "json", "junit", "prometheus"};

/* ---- a test server ---- */

struct tsrv {
	char *dir;
	char path[PATH_MAX];
	struct loop *l;
	struct sock_server *s;
	pthread_t th;
	int threaded;
	atomic_int stop;
	/* behaviour of the handler */
	int work_us;	   /* busy work per request */
	int defer_scan_ms; /* scan replies after this long; -1: never */
	int fail_scan;	   /* scan replies ERR 2 */
	size_t big_report; /* report body of this many bytes (0: the normal one) */
	/* what the handler saw (loop thread writes, test reads) */
	atomic_int nrequests;
	atomic_ullong last_id;
	atomic_size_t nclients; /* sock_nclients, copied by the loop thread */
	atomic_size_t maxclients;
	/* deferred scans, on the loop thread only */
	struct loop_watch tw;
	int armed;
	uint64_t pending[T_MAX_PENDING];
	enum report_format pending_fmt[T_MAX_PENDING];
	size_t npending;
};

/* Messages logged by sock.c (any thread). */
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static struct sbuf log_text;

static void
log_capture(enum log_level lvl, const char *msg, void *arg)
{
	(void)lvl;
	(void)arg;
	pthread_mutex_lock(&log_mu);
	sbuf_add(&log_text, msg);
	sbuf_addc(&log_text, '\n');
	pthread_mutex_unlock(&log_mu);
}

static int
log_has(const char *needle)
{
	int found;

	pthread_mutex_lock(&log_mu);
	found = strstr(sbuf_str(&log_text), needle) != NULL;
	pthread_mutex_unlock(&log_mu);
	return found;
}

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The body the handler sends for a request, so clients can check theirs. */
static char *
expected_body(enum sock_cmd cmd, enum report_format fmt, size_t big, size_t *len, int *exit_status)
{
	struct sbuf b = {0};

	switch (cmd) {
	case SOCK_STATUS:
		sbuf_add(&b, "status: running\n");
		*exit_status = 0;
		break;
	case SOCK_REPORT:
		sbuf_addf(&b, "report format=%s\n", fmt_names[fmt]);
		/* larger than a socket buffer: the reply goes out in pieces */
		for (int i = 0; !big && b.len < 256 * 1024; i++)
			sbuf_addf(&b, "%s line %06d\n", fmt_names[fmt], i);
		while (b.len < big)
			sbuf_addn(&b, "0123456789abcdef0123456789abcdef", 32);
		*exit_status = 1;
		break;
	case SOCK_SCAN:
		sbuf_addf(&b, "scan format=%s\n", fmt_names[fmt]);
		for (int i = 0; i < 100; i++)
			sbuf_addf(&b, "scan result %d of %s\n", i, fmt_names[fmt]);
		*exit_status = 0;
		break;
	}
	*len = b.len;
	return sbuf_steal(&b);
}

static void
t_reply(struct tsrv *t, uint64_t id, enum sock_cmd cmd, enum report_format fmt)
{
	size_t len;
	int ex;
	char *body = expected_body(cmd, fmt, t->big_report, &len, &ex);

	sock_reply(t->s, id, 1, ex, body, len);
	free(body);
}

static void
t_scan_done(struct loop_watch *w, uint32_t events)
{
	struct tsrv *t = w->arg;

	(void)events;
	loop_timer_ack(w->fd);
	t->armed = 0;
	for (size_t i = 0; i < t->npending; i++)
		t_reply(t, t->pending[i], SOCK_SCAN, t->pending_fmt[i]);
	t->npending = 0;
}

static void
t_handler(void *arg, const struct sock_request *req)
{
	struct tsrv *t = arg;
	uint64_t until = mono_ms() * 1000 + (uint64_t)t->work_us;
	size_t n = sock_nclients(t->s);

	/* a daemon does some work per request: the loop is busy meanwhile */
	while (t->work_us && mono_ms() * 1000 < until)
		;
	if (n > atomic_load(&t->maxclients))
		atomic_store(&t->maxclients, n);
	atomic_store(&t->last_id, req->client);
	atomic_fetch_add(&t->nrequests, 1);
	if (req->cmd != SOCK_SCAN) {
		t_reply(t, req->client, req->cmd, req->format);
		return;
	}
	if (t->fail_scan) {
		sock_reply(t->s, req->client, 0, 2, "scan failed: test", 17);
		return;
	}
	if (t->npending < T_MAX_PENDING) {
		t->pending[t->npending] = req->client;
		t->pending_fmt[t->npending++] = req->format;
	}
	if (t->defer_scan_ms >= 0 && !t->armed) {
		loop_timer_set(t->tw.fd, (uint64_t)t->defer_scan_ms + 1);
		t->armed = 1;
	}
}

static void *
t_thread(void *arg)
{
	struct tsrv *t = arg;

	while (!atomic_load(&t->stop)) {
		loop_run_once(t->l, 10);
		atomic_store(&t->nclients, sock_nclients(t->s));
	}
	return NULL;
}

/* Runs the loop of an unthreaded server for up to ms. */
static void
t_pump(struct tsrv *t, int ms)
{
	uint64_t end = mono_ms() + (uint64_t)ms;

	do {
		loop_run_once(t->l, 5);
	} while (mono_ms() < end);
	atomic_store(&t->nclients, sock_nclients(t->s));
}

static void
t_init(struct tsrv *t)
{
	memset(t, 0, sizeof(*t));
	t->dir = tu_mkdtemp();
	/* the unprivileged peers must reach the socket */
	ck_assert_int_eq(chmod(t->dir, 0755), 0);
	snprintf(t->path, sizeof(t->path), "%s/kube-auditd.sock", t->dir);
	t->l = loop_new();
	ck_assert_ptr_nonnull(t->l);
	t->tw.fd = loop_timer_new();
	t->tw.fn = t_scan_done;
	t->tw.arg = t;
	ck_assert_int_ge(t->tw.fd, 0);
	ck_assert_int_eq(loop_add(t->l, &t->tw, EPOLLIN), 0);
	log_set_hook(log_capture, NULL);
}

static void
t_listen(struct tsrv *t, const char *group, int threaded)
{
	char *err = NULL;

	t->s = sock_server_new(t->l, t->path, group, t_handler, t, &err);
	ck_assert_msg(t->s != NULL, "sock_server_new: %s", err ? err : "?");
	t->threaded = threaded;
	if (threaded)
		ck_assert_int_eq(pthread_create(&t->th, NULL, t_thread, t), 0);
}

static void
t_start(struct tsrv *t, const char *group, int threaded)
{
	t_init(t);
	t_listen(t, group, threaded);
}

/* Stops the loop's thread and frees the server. */
static void
t_halt(struct tsrv *t)
{
	if (t->threaded) {
		atomic_store(&t->stop, 1);
		pthread_join(t->th, NULL);
		t->threaded = 0;
	}
	sock_server_free(t->s);
	t->s = NULL;
}

static void
t_stop(struct tsrv *t)
{
	t_halt(t);
	loop_del(t->l, &t->tw);
	close(t->tw.fd);
	loop_free(t->l);
	tu_rmtree(t->dir);
	free(t->dir);
}

/* ---- raw clients ---- */

static int
raw_connect(const char *path, int nonblock)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);

	ck_assert_int_ge(fd, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static void
raw_send(int fd, const char *buf, size_t n)
{
	ck_assert_int_eq(send(fd, buf, n, MSG_NOSIGNAL), (ssize_t)n);
}

/* Reads until end of file (or a reset: the peer closed with our bytes
 * unread) or timeout_ms. *closed: whether the peer closed. */
static char *
raw_read_all(int fd, int timeout_ms, size_t *len, int *closed)
{
	struct sbuf b = {0};
	uint64_t end = mono_ms() + (uint64_t)timeout_ms;
	char buf[65536];

	*closed = 0;
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		uint64_t now = mono_ms();
		ssize_t n;

		if (now >= end || poll(&p, 1, (int)(end - now)) <= 0)
			break;
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0) {
			*closed = 1;
			break;
		}
		sbuf_addn(&b, buf, (size_t)n);
	}
	*len = b.len;
	return b.s ? sbuf_steal(&b) : xstrdup("");
}

/* Checks that raw bytes are one whole ERR reply with exit status ex whose
 * message contains needle. */
static void
assert_err_reply(const char *what, const char *buf, size_t len, int ex, const char *needle)
{
	int got_ex = -1, off = 0;
	size_t got_len = 0;

	ck_assert_msg(sscanf(buf, "KA/1 ERR %d %zu\n%n", &got_ex, &got_len, &off) == 2 && off > 0,
		      "%s: not an ERR reply: \"%.80s\"", what, buf);
	ck_assert_msg(got_ex == ex, "%s: exit %d, expected %d", what, got_ex, ex);
	ck_assert_msg((size_t)off + got_len == len, "%s: header says %zu bytes, got %zu", what,
		      got_len, len - (size_t)off);
	ck_assert_msg(strstr(buf + off, needle) != NULL, "%s: message \"%s\" lacks \"%s\"", what,
		      buf + off, needle);
}

/* ---- clients in a child process, possibly as another user ---- */

struct tcall {
	int rc, err_no, ok, exit_status;
	size_t len;
	char body[4096];
	char err[1024];
};

struct who {
	int drop; /* 0: stay root */
	uid_t uid;
	gid_t gid;
	gid_t groups[4];
	int ngroups;
};

static void
drop_to(const struct who *w)
{
	if (!w->drop)
		return;
	if (setgroups((size_t)w->ngroups, w->groups) < 0 || setresgid(w->gid, w->gid, w->gid) < 0 ||
	    setresuid(w->uid, w->uid, w->uid) < 0)
		_exit(100);
}

static void
call_as(const struct who *w, const char *path, const char *request, struct tcall *out)
{
	struct tcall *shm =
		mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int status;
	pid_t pid;

	ck_assert_ptr_ne(shm, MAP_FAILED);
	memset(shm, 0, sizeof(*shm));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char *body = NULL, *err = NULL;

		drop_to(w);
		shm->rc = sock_call(path, request, 5000, &body, &shm->len, &shm->ok,
				    &shm->exit_status, &err);
		shm->err_no = errno;
		if (body)
			snprintf(shm->body, sizeof(shm->body), "%s", body);
		if (err)
			snprintf(shm->err, sizeof(shm->err), "%s", err);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "client child failed (status %#x): cannot change uid?", status);
	*out = *shm;
	munmap(shm, sizeof(*shm));
}

static const struct who as_root = {0};
static const struct who as_member = {1, T_UID, T_OTHER_GID, {T_GROUP}, 1};
static const struct who as_primary = {1, T_UID, T_GROUP, {0}, 0};
static const struct who as_other = {1, T_UID, T_OTHER_GID, {T_OTHER_GID}, 1};

/* ---- access ---- */

START_TEST(test_status_root)
{
	struct tsrv t;
	struct tcall r;
	struct stat st;
	size_t len;
	int ex;
	char *want = expected_body(SOCK_STATUS, FMT_TEXT, 0, &len, &ex);

	t_start(&t, T_GROUP_S, 1);
	/* born 0660 and given to the group */
	ck_assert_int_eq(lstat(t.path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0660);
	ck_assert_uint_eq(st.st_gid, T_GROUP);
	call_as(&as_root, t.path, "KA/1 status", &r);
	ck_assert_msg(r.rc == 0, "sock_call: %s", r.err);
	ck_assert_int_eq(r.ok, 1);
	ck_assert_int_eq(r.exit_status, ex);
	ck_assert_uint_eq(r.len, len);
	ck_assert_str_eq(r.body, want);
	ck_assert_int_eq(atomic_load(&t.nrequests), 1);
	t_halt(&t);
	/* sock_server_free removed its socket */
	ck_assert_int_eq(lstat(t.path, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
	t_stop(&t);
	free(want);
}
END_TEST

START_TEST(test_group_member_served)
{
	struct tsrv t;
	struct tcall r;

	/* _i: 0 with SO_PEERGROUPS, 1 with the /proc fallback */
	sock_force_proc_groups_for_tests(_i);
	t_start(&t, T_GROUP_S, 1);
	call_as(&as_member, t.path, "KA/1 status", &r);
	ck_assert_msg(r.rc == 0 && r.ok == 1, "member: rc %d ok %d: %s%s", r.rc, r.ok, r.err,
		      r.body);
	ck_assert_str_eq(r.body, "status: running\n");
	call_as(&as_primary, t.path, "KA/1 report json", &r);
	ck_assert_msg(r.rc == 0 && r.ok == 1, "primary: rc %d ok %d: %s%s", r.rc, r.ok, r.err,
		      r.body);
	ck_assert_int_eq(r.exit_status, 1);
	ck_assert(str_has_prefix(r.body, "report format=json\n"));
	ck_assert_int_eq(atomic_load(&t.nrequests), 2);
	t_stop(&t);
	sock_force_proc_groups_for_tests(0);
}
END_TEST

START_TEST(test_other_denied_despite_mode)
{
	struct tsrv t;
	struct tcall r;

	sock_force_proc_groups_for_tests(_i);
	t_start(&t, T_GROUP_S, 1);
	/* the file mode would let anyone connect: credentials must still decide */
	ck_assert_int_eq(chmod(t.path, 0666), 0);
	call_as(&as_other, t.path, "KA/1 report json", &r);
	ck_assert_msg(r.rc == 0, "sock_call: %s", r.err);
	ck_assert_int_eq(r.ok, 0);
	ck_assert_int_eq(r.exit_status, 3);
	ck_assert_str_eq(r.body, "access denied: root or members of group " T_GROUP_S " only");
	ck_assert_int_eq(atomic_load(&t.nrequests), 0);
	ck_assert(log_has("uid 4242 gid 4244"));
	/* and the daemon goes on serving those allowed */
	call_as(&as_member, t.path, "KA/1 status", &r);
	ck_assert_msg(r.rc == 0 && r.ok == 1, "member after a denial: %s", r.err);
	t_stop(&t);
	sock_force_proc_groups_for_tests(0);
}
END_TEST

START_TEST(test_no_group_root_only)
{
	struct tsrv t;
	struct tcall r;

	t_start(&t, NULL, 1);
	ck_assert_int_eq(chmod(t.path, 0666), 0);
	call_as(&as_member, t.path, "KA/1 status", &r);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_int_eq(r.ok, 0);
	ck_assert_int_eq(r.exit_status, 3);
	ck_assert_str_eq(r.body, "access denied: root only");
	call_as(&as_root, t.path, "KA/1 status", &r);
	ck_assert_int_eq(r.ok, 1);
	t_stop(&t);
}
END_TEST

START_TEST(test_sock_call_denied_by_mode)
{
	struct tsrv t;
	struct tcall r;
	char want[PATH_MAX + 100];

	t_start(&t, T_GROUP_S, 1);
	/* 0660 and not in the group: the kernel refuses the connect */
	call_as(&as_other, t.path, "KA/1 status", &r);
	ck_assert_int_eq(r.rc, -1);
	ck_assert_int_eq(r.err_no, EACCES);
	snprintf(want, sizeof(want),
		 "permission denied on %s: root or members of the socket's group only", t.path);
	ck_assert_str_eq(r.err, want);
	t_stop(&t);
}
END_TEST

START_TEST(test_group_names)
{
	struct tsrv t;
	struct group *g;
	struct stat st;
	char *err = NULL;
	struct sock_server *s;
	gid_t gid = 0;
	char name[256] = "";

	/* a named group other than root, if the system has one */
	setgrent();
	while ((g = getgrent()) != NULL) {
		if (g->gr_gid != 0 && strlen(g->gr_name) < sizeof(name)) {
			snprintf(name, sizeof(name), "%s", g->gr_name);
			gid = g->gr_gid;
			break;
		}
	}
	endgrent();
	t_init(&t);
	/* only root may give a file to a group it is not in */
	if (name[0] && geteuid() == 0) {
		t_listen(&t, name, 0);
		ck_assert_int_eq(lstat(t.path, &st), 0);
		ck_assert_uint_eq(st.st_gid, gid);
		sock_server_free(t.s);
	}
	s = sock_server_new(t.l, t.path, "ka-no-such-group", t_handler, &t, &err);
	ck_assert_ptr_null(s);
	ck_assert_str_eq(err, "socket group \"ka-no-such-group\": no such group");
	free(err);
	s = sock_server_new(t.l, t.path, "99999999999", t_handler, &t, &err);
	ck_assert_ptr_null(s);
	ck_assert_str_eq(err, "socket group \"99999999999\": group number out of range");
	free(err);
	s = sock_server_new(t.l, t.path, "", t_handler, &t, &err);
	ck_assert_ptr_null(s);
	ck_assert_str_eq(err, "socket group: empty name");
	free(err);
	/* nothing was left behind by the failures */
	ck_assert_int_eq(lstat(t.path, &st), -1);
	t_listen(&t, NULL, 0); /* for t_stop */
	t_stop(&t);
}
END_TEST

/* ---- many, slow and silent clients ---- */

#define NCONC 200

struct conc {
	const char *path;
	pthread_barrier_t *bar;
	enum sock_cmd cmd;
	enum report_format fmt;
	int rc, ok, exit_status, match;
	uint64_t ms;
	char err[256];
};

static void *
conc_client(void *arg)
{
	static const char *const cmds[] = {"status", "report", "scan"};
	struct conc *c = arg;
	char req[64], *body = NULL, *err = NULL, *want;
	size_t len, wlen;
	int wex;
	uint64_t t0;

	if (c->cmd == SOCK_STATUS)
		snprintf(req, sizeof(req), "KA/1 status\n");
	else
		snprintf(req, sizeof(req), "KA/1 %s %s\n", cmds[c->cmd], fmt_names[c->fmt]);
	want = expected_body(c->cmd, c->fmt, 0, &wlen, &wex);
	pthread_barrier_wait(c->bar);
	t0 = mono_ms();
	c->rc = sock_call(c->path, req, 30000, &body, &len, &c->ok, &c->exit_status, &err);
	c->ms = mono_ms() - t0;
	c->match =
		c->rc == 0 && len == wlen && memcmp(body, want, len) == 0 && c->exit_status == wex;
	if (err)
		snprintf(c->err, sizeof(c->err), "%s", err);
	free(body);
	free(err);
	free(want);
	return NULL;
}

START_TEST(test_concurrent_clients)
{
	struct tsrv t;
	static struct conc c[NCONC];
	pthread_t th[NCONC];
	pthread_barrier_t bar;
	pthread_attr_t attr;

	t_init(&t);
	t.work_us = 2000;      /* 2 ms of work per request on the loop */
	t.defer_scan_ms = 300; /* scans pile up meanwhile */
	t_listen(&t, NULL, 1);
	pthread_barrier_init(&bar, NULL, NCONC);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (int i = 0; i < NCONC; i++) {
		c[i].path = t.path;
		c[i].bar = &bar;
		c[i].cmd = (enum sock_cmd)(i % 3);
		c[i].fmt = (enum report_format)((i / 3) % 4);
		if (c[i].cmd == SOCK_STATUS)
			c[i].fmt = FMT_TEXT;
		ck_assert_int_eq(pthread_create(&th[i], &attr, conc_client, &c[i]), 0);
	}
	for (int i = 0; i < NCONC; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < NCONC; i++) {
		ck_assert_msg(c[i].rc == 0, "client %d: %s", i, c[i].err);
		ck_assert_msg(c[i].ok == 1 && c[i].match, "client %d (%d %d): wrong reply", i,
			      (int)c[i].cmd, (int)c[i].fmt);
	}
	ck_assert_int_eq(atomic_load(&t.nrequests), NCONC);
	/* they really were served side by side */
	ck_assert_uint_ge(atomic_load(&t.maxclients), 30);
	pthread_barrier_destroy(&bar);
	pthread_attr_destroy(&attr);
	t_stop(&t);
}
END_TEST

START_TEST(test_slow_client)
{
	static const char req[] = "KA/1 status\n";
	struct tsrv t;
	char *buf, *body, *err;
	size_t len;
	int fd, closed = 0, ok, ex, ncalls = 0;
	uint64_t t0, took;

	sock_set_timeouts_for_tests(2500, 0);
	t_start(&t, NULL, 1);
	fd = raw_connect(t.path, 0);
	ck_assert_int_ge(fd, 0);
	t0 = mono_ms();
	for (int i = 0; i < 8 && !closed; i++) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		uint64_t c0 = mono_ms();

		/* one byte a second (a send after the server closed fails: fine) */
		(void)send(fd, req + i, 1, MSG_NOSIGNAL);
		/* meanwhile others are served at once */
		ck_assert_int_eq(
			sock_call(t.path, "KA/1 status", 5000, &body, &len, &ok, &ex, &err), 0);
		ck_assert_str_eq(body, "status: running\n");
		free(body);
		ncalls++;
		ck_assert_uint_lt(mono_ms() - c0, 500);
		if (poll(&p, 1, 1000) > 0)
			closed = 1;
	}
	ck_assert_msg(closed, "the slow client was never answered");
	buf = raw_read_all(fd, 2000, &len, &closed);
	took = mono_ms() - t0;
	ck_assert(closed);
	assert_err_reply("slow client", buf, len, 2, "request timeout");
	ck_assert_msg(took >= 2400 && took < 4500, "dropped after %llu ms, expected 2.5 s",
		      (unsigned long long)took);
	ck_assert_int_eq(atomic_load(&t.nrequests), ncalls); /* only the other clients */
	free(buf);
	close(fd);
	t_stop(&t);
	sock_set_timeouts_for_tests(0, 0);
}
END_TEST

START_TEST(test_request_timeout_default)
{
	struct tsrv t;
	struct pollfd p;
	char *buf;
	size_t len;
	int fd, closed;
	uint64_t t0, took;

	sock_set_timeouts_for_tests(0, 0); /* the real 5 s */
	t_start(&t, NULL, 1);
	fd = raw_connect(t.path, 0);
	ck_assert_int_ge(fd, 0);
	t0 = mono_ms();
	raw_send(fd, "KA/1 st", 7);
	p.fd = fd;
	p.events = POLLIN;
	ck_assert_int_eq(poll(&p, 1, 4500), 0); /* still waiting for the rest */
	buf = raw_read_all(fd, 3000, &len, &closed);
	took = mono_ms() - t0;
	ck_assert(closed);
	assert_err_reply("silent client", buf, len, 2, "request timeout");
	ck_assert_msg(took >= 4900 && took < 7000, "dropped after %llu ms, expected 5 s",
		      (unsigned long long)took);
	free(buf);
	close(fd);
	t_stop(&t);
}
END_TEST

START_TEST(test_idle_reader_dropped)
{
	struct tsrv t;
	char *buf, *body, *err;
	size_t len;
	int fd, closed, ok, ex;
	uint64_t t0, t1, took;

	sock_set_timeouts_for_tests(0, 800);
	t_init(&t);
	t.big_report = 8u << 20; /* far more than a socket buffer */
	t_listen(&t, NULL, 1);
	fd = raw_connect(t.path, 0);
	ck_assert_int_ge(fd, 0);
	raw_send(fd, "KA/1 report text\n", 17);
	t0 = mono_ms();
	while (atomic_load(&t.nrequests) == 0 && mono_ms() - t0 < 2000)
		usleep(1000);
	ck_assert_int_eq(atomic_load(&t.nrequests), 1);
	/* it reads nothing; others are served meanwhile */
	ck_assert_int_eq(sock_call(t.path, "KA/1 status", 5000, &body, &len, &ok, &ex, &err), 0);
	free(body);
	/* its reply was started before the status was served */
	t1 = mono_ms();
	while (atomic_load(&t.nclients) != 0 && mono_ms() - t1 < 5000)
		usleep(1000);
	took = mono_ms() - t0;
	ck_assert_uint_eq(atomic_load(&t.nclients), 0);
	ck_assert_msg(took >= 700 && mono_ms() - t1 < 3000, "dropped after %llu ms, expected 0.8 s",
		      (unsigned long long)took);
	/* what it gets now is a cut reply */
	buf = raw_read_all(fd, 2000, &len, &closed);
	ck_assert(closed);
	ck_assert(str_has_prefix(buf, "KA/1 OK 1 "));
	ck_assert_uint_lt(len, 8u << 20);
	ck_assert(log_has("did not read its reply"));
	free(buf);
	close(fd);
	t_stop(&t);
	sock_set_timeouts_for_tests(0, 0);
}
END_TEST

START_TEST(test_client_limit)
{
	enum { N = 256 };
	struct tsrv t;
	struct rlimit rl;
	int fds[N + 1], closed;
	char *buf;
	size_t len;

	/* 2 descriptors per client in this one process */
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_cur < 1024 && rl.rlim_max >= 1024) {
		rl.rlim_cur = 1024;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	sock_set_timeouts_for_tests(60000, 0); /* the idle clients must stay */
	t_start(&t, NULL, 0);
	for (int i = 0; i < N; i++) {
		for (int tries = 0; (fds[i] = raw_connect(t.path, 1)) < 0; tries++) {
			/* the backlog is full until the loop accepts */
			ck_assert_msg(errno == EAGAIN && tries < 100, "connect %d: %s", i,
				      strerror(errno));
			t_pump(&t, 5);
		}
	}
	for (int i = 0; i < 100 && sock_nclients(t.s) < N; i++)
		t_pump(&t, 5);
	ck_assert_uint_eq(sock_nclients(t.s), N);
	/* the next one waits in the backlog, not accepted */
	fds[N] = raw_connect(t.path, 0);
	ck_assert_int_ge(fds[N], 0);
	raw_send(fds[N], "KA/1 status\n", 12);
	t_pump(&t, 200);
	ck_assert_uint_eq(sock_nclients(t.s), N);
	ck_assert_int_eq(atomic_load(&t.nrequests), 0);
	/* and the listener is not watched meanwhile: nothing wakes the loop */
	ck_assert_int_eq(loop_run_once(t.l, 50), 0);
	/* one leaves: the waiting one gets in and is answered */
	close(fds[0]);
	t_pump(&t, 200);
	buf = raw_read_all(fds[N], 1000, &len, &closed);
	ck_assert_msg(str_has_prefix(buf, "KA/1 OK 0 16\nstatus: running\n"), "got \"%s\"", buf);
	ck_assert(closed);
	ck_assert_int_eq(atomic_load(&t.nrequests), 1);
	ck_assert_uint_eq(sock_nclients(t.s), N - 1);
	free(buf);
	for (int i = 1; i <= N; i++)
		close(fds[i]);
	t_pump(&t, 100);
	ck_assert_uint_eq(sock_nclients(t.s), 0);
	t_stop(&t);
	sock_set_timeouts_for_tests(0, 0);
}
END_TEST

/* ---- bad requests ---- */

static const struct {
	const char *req;
	size_t len; /* 0: strlen */
	const char *msg;
} bad[] = {
	{"hello\n", 0, "malformed request: expected \"KA/1 COMMAND [FORMAT]\""},
	{"GET / HTTP/1.0\n", 0, "malformed request"},
	{"KA/2 status\n", 0, "unsupported protocol version, this daemon speaks KA/1"},
	{"KA/1 frobnicate\n", 0, "unknown command \"frobnicate\" (status, report, scan)"},
	{"KA/1 report xml\n", 0, "unknown format \"xml\" (text, json, junit, prometheus)"},
	{"KA/1 status json\n", 0, "too many words: status takes no format"},
	{"KA/1 report json json\n", 0, "too many words"},
	{"KA/1  status\n", 0, "single spaces"},
	{"KA/1 status \n", 0, "single spaces"},
	{"KA/1\n", 0, "no command"},
	{"\n", 0, "malformed request"},
	{"KA/1 status\r\n", 0, "unknown command \"status\\x0d\""},
	{"KA/1 sta\0tus\n", 13, "NUL byte"},
	{"KA/1 status\nKA/1 status\n", 0, "data after the newline"},
	{"KA/1 \x1b[31mred\n", 0, "unknown command \"\\x1b[31mred\""},
	{"\xff\xfe\xfd\n", 0, "malformed request"},
};

START_TEST(test_bad_request)
{
	struct tsrv t;
	char *buf;
	size_t len, n = bad[_i].len ? bad[_i].len : strlen(bad[_i].req);
	int fd, closed;

	t_start(&t, NULL, 1);
	fd = raw_connect(t.path, 0);
	ck_assert_int_ge(fd, 0);
	raw_send(fd, bad[_i].req, n);
	buf = raw_read_all(fd, 3000, &len, &closed);
	ck_assert_msg(closed, "request %d: connection left open", _i);
	assert_err_reply(bad[_i].req, buf, len, 2, bad[_i].msg);
	/* the message quotes the request safely */
	for (size_t i = 0; i < len; i++)
		ck_assert_msg(buf[i] == '\n' || (buf[i] >= 0x20 && buf[i] < 0x7f),
			      "request %d: byte %#x in the reply", _i, (unsigned char)buf[i]);
	ck_assert_int_eq(atomic_load(&t.nrequests), 0);
	free(buf);
	close(fd);
	t_stop(&t);
}
END_TEST

START_TEST(test_request_size)
{
	struct tsrv t;
	char req[1024], *buf;
	size_t len;
	int fd, closed;

	t_start(&t, NULL, 1);
	/* 256 bytes with the newline: the largest request, judged on content */
	memset(req, 'A', 255);
	req[255] = '\n';
	fd = raw_connect(t.path, 0);
	raw_send(fd, req, 256);
	buf = raw_read_all(fd, 3000, &len, &closed);
	ck_assert(closed);
	assert_err_reply("256 bytes", buf, len, 2, "malformed request");
	free(buf);
	close(fd);
	/* 256 bytes and no newline yet: too long, answered at once */
	req[255] = 'A';
	fd = raw_connect(t.path, 0);
	raw_send(fd, req, 256);
	buf = raw_read_all(fd, 3000, &len, &closed);
	ck_assert(closed);
	assert_err_reply("256 bytes without newline", buf, len, 2, "request too long");
	free(buf);
	close(fd);
	/* far more, with a valid start */
	memset(req, 'x', sizeof(req));
	memcpy(req, "KA/1 status ", 12);
	req[sizeof(req) - 1] = '\n';
	fd = raw_connect(t.path, 0);
	raw_send(fd, req, sizeof(req));
	buf = raw_read_all(fd, 3000, &len, &closed);
	ck_assert(closed);
	assert_err_reply("1 KiB", buf, len, 2, "request too long");
	free(buf);
	close(fd);
	/* a request cut short by the client */
	fd = raw_connect(t.path, 0);
	raw_send(fd, "KA/1 sta", 8);
	shutdown(fd, SHUT_WR);
	buf = raw_read_all(fd, 3000, &len, &closed);
	ck_assert(closed);
	assert_err_reply("half-closed", buf, len, 2, "incomplete request");
	free(buf);
	close(fd);
	ck_assert_int_eq(atomic_load(&t.nrequests), 0);
	t_stop(&t);
}
END_TEST

START_TEST(test_formats_parsed)
{
	struct tsrv t;
	char req[64], *body, *err;
	size_t len;
	int ok, ex;

	t_init(&t);
	t.defer_scan_ms = 0;
	t_listen(&t, NULL, 1);
	for (int f = 0; f < 4; f++) {
		snprintf(req, sizeof(req), "KA/1 scan %s\n", fmt_names[f]);
		ck_assert_int_eq(sock_call(t.path, req, 5000, &body, &len, &ok, &ex, &err), 0);
		snprintf(req, sizeof(req), "scan format=%s\n", fmt_names[f]);
		ck_assert(str_has_prefix(body, req));
		free(body);
	}
	/* no format: text */
	ck_assert_int_eq(sock_call(t.path, "KA/1 report", 5000, &body, &len, &ok, &ex, &err), 0);
	ck_assert(str_has_prefix(body, "report format=text\n"));
	ck_assert_int_eq(ex, 1);
	ck_assert_uint_eq(len, strlen(body));
	free(body);
	t_stop(&t);
}
END_TEST

/* ---- the socket file ---- */

static void
make_stale_socket(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(fd, 1), 0);
	close(fd); /* the file stays: a daemon that died */
}

START_TEST(test_stale_replaced)
{
	struct tsrv t;
	struct stat st;
	char *body, *err;
	size_t len;
	int ok, ex;

	t_init(&t);
	make_stale_socket(t.path);
	ck_assert_int_eq(lstat(t.path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	t_listen(&t, NULL, 1);
	ck_assert(log_has("replaced a stale socket"));
	ck_assert_int_eq(sock_call(t.path, "KA/1 status", 5000, &body, &len, &ok, &ex, &err), 0);
	ck_assert_str_eq(body, "status: running\n");
	free(body);
	t_stop(&t);
}
END_TEST

START_TEST(test_live_refused)
{
	struct tsrv t;
	struct stat before, after;
	struct sock_server *s2;
	char *err = NULL, *body, want[PATH_MAX + 64];
	size_t len;
	int ok, ex;

	t_start(&t, NULL, 1);
	ck_assert_int_eq(lstat(t.path, &before), 0);
	s2 = sock_server_new(t.l, t.path, T_GROUP_S, t_handler, &t, &err);
	ck_assert_ptr_null(s2);
	snprintf(want, sizeof(want), "%s: another kube-auditd is already listening", t.path);
	ck_assert_str_eq(err, want);
	free(err);
	/* the first daemon's socket is untouched and still answers */
	ck_assert_int_eq(lstat(t.path, &after), 0);
	ck_assert_uint_eq(before.st_ino, after.st_ino);
	ck_assert_int_eq(sock_call(t.path, "KA/1 status", 5000, &body, &len, &ok, &ex, &err), 0);
	ck_assert_int_eq(ok, 1);
	free(body);
	/* the probe's connection did not leave a client behind */
	usleep(100 * 1000);
	ck_assert_uint_eq(atomic_load(&t.nclients), 0);
	t_stop(&t);
}
END_TEST

START_TEST(test_not_a_socket_refused)
{
	struct tsrv t;
	struct sock_server *s;
	struct stat st;
	char *err = NULL, *text, link[PATH_MAX + 8];

	t_init(&t);
	tu_write(t.dir, "kube-auditd.sock", "precious data\n", 0644);
	s = sock_server_new(t.l, t.path, NULL, t_handler, &t, &err);
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(err, "exists and is not a socket") != NULL, "%s", err);
	free(err);
	text = tu_slurp(t.path);
	ck_assert_str_eq(text, "precious data\n");
	free(text);
	/* a symbolic link, even to a socket, is not ours to replace */
	unlink(t.path);
	snprintf(link, sizeof(link), "%s/stale", t.dir);
	make_stale_socket(link);
	ck_assert_int_eq(symlink(link, t.path), 0);
	s = sock_server_new(t.l, t.path, NULL, t_handler, &t, &err);
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(err, "exists and is not a socket") != NULL, "%s", err);
	free(err);
	ck_assert_int_eq(lstat(t.path, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(lstat(link, &st), 0);
	/* a directory */
	unlink(t.path);
	ck_assert_int_eq(mkdir(t.path, 0755), 0);
	s = sock_server_new(t.l, t.path, NULL, t_handler, &t, &err);
	ck_assert_ptr_null(s);
	free(err);
	ck_assert_int_eq(lstat(t.path, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	rmdir(t.path);
	/* a path that does not fit in sun_path */
	{
		char longp[200];

		memset(longp, 'a', sizeof(longp) - 1);
		longp[0] = '/';
		longp[sizeof(longp) - 1] = '\0';
		s = sock_server_new(t.l, longp, NULL, t_handler, &t, &err);
		ck_assert_ptr_null(s);
		ck_assert(strstr(err, "path too long") != NULL);
		free(err);
	}
	t_listen(&t, NULL, 0);
	t_stop(&t);
}
END_TEST

START_TEST(test_free_leaves_other_socket)
{
	struct tsrv t;
	char *text;

	t_start(&t, NULL, 0);
	/* someone replaced our socket file meanwhile */
	ck_assert_int_eq(unlink(t.path), 0);
	tu_write(t.dir, "kube-auditd.sock", "not yours\n", 0644);
	sock_server_free(t.s);
	text = tu_slurp(t.path);
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text, "not yours\n");
	free(text);
	unlink(t.path);
	t_listen(&t, NULL, 0);
	t_stop(&t);
}
END_TEST

/* ---- replies to clients that left ---- */

static uint64_t
request_scan(struct tsrv *t, int *fd)
{
	int before = atomic_load(&t->nrequests);

	*fd = raw_connect(t->path, 0);
	ck_assert_int_ge(*fd, 0);
	raw_send(*fd, "KA/1 scan json\n", 15);
	for (int i = 0; i < 200 && atomic_load(&t->nrequests) == before; i++)
		t_pump(t, 5);
	ck_assert_int_eq(atomic_load(&t->nrequests), before + 1);
	return atomic_load(&t->last_id);
}

START_TEST(test_reply_vanished)
{
	struct tsrv t;
	uint64_t id1, id2, id3, id4;
	int fd, closed;
	char *buf;
	size_t len;

	t_init(&t);
	t.defer_scan_ms = -1; /* the test replies itself */
	t_listen(&t, NULL, 0);
	/* gone, and the loop has not noticed yet */
	id1 = request_scan(&t, &fd);
	close(fd);
	ck_assert_int_eq(sock_reply(t.s, id1, 1, 0, "late", 4), -1);
	ck_assert_uint_eq(sock_nclients(t.s), 0);
	/* gone, and the loop noticed */
	id2 = request_scan(&t, &fd);
	ck_assert_uint_ne(id1, id2);
	close(fd);
	t_pump(&t, 50);
	ck_assert_uint_eq(sock_nclients(t.s), 0);
	ck_assert_int_eq(sock_reply(t.s, id2, 1, 0, "late", 4), -1);
	/* half-closed after its request: still there, and served */
	id3 = request_scan(&t, &fd);
	shutdown(fd, SHUT_WR);
	t_pump(&t, 50);
	ck_assert_uint_eq(sock_nclients(t.s), 1);
	ck_assert_int_eq(sock_reply(t.s, id3, 1, 0, "done\n", 5), 0);
	/* a second reply to the same client */
	ck_assert_int_eq(sock_reply(t.s, id3, 1, 0, "again", 5), -1);
	buf = raw_read_all(fd, 1000, &len, &closed);
	ck_assert_str_eq(buf, "KA/1 OK 0 5\ndone\n");
	ck_assert(closed);
	free(buf);
	close(fd);
	/* a new client in the same slot does not answer to an old id */
	id4 = request_scan(&t, &fd);
	ck_assert_uint_eq(id4 & 0xff, id3 & 0xff);
	ck_assert_int_eq(sock_reply(t.s, id3, 1, 0, "old", 3), -1);
	ck_assert_int_eq(sock_reply(t.s, 12345, 1, 0, "never", 5), -1);
	ck_assert_int_eq(sock_reply(t.s, id4, 0, 2, "scan failed", 11), 0);
	buf = raw_read_all(fd, 1000, &len, &closed);
	ck_assert_str_eq(buf, "KA/1 ERR 2 11\nscan failed");
	free(buf);
	close(fd);
	t_stop(&t);
}
END_TEST

/* ---- sock_call's errors ---- */

struct fake {
	char path[PATH_MAX];
	const char *reply;
	size_t len;
	int lfd;
	pthread_t th;
};

/* A server that answers whatever it is told to, once. */
static void *
fake_serve(void *arg)
{
	struct fake *f = arg;
	char buf[512];
	int fd = accept4(f->lfd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return NULL;
	(void)recv(fd, buf, sizeof(buf), 0);
	if (f->len)
		(void)send(fd, f->reply, f->len, MSG_NOSIGNAL);
	close(fd);
	return NULL;
}

static char *
call_fake(const char *dir, const char *reply, size_t len)
{
	struct fake f = {.reply = reply, .len = len};
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char *body = NULL, *err = NULL;
	size_t blen;
	int ok, ex, rc, e;

	snprintf(f.path, sizeof(f.path), "%s/fake.sock", dir);
	ck_assert_uint_lt(strlen(f.path), sizeof(sa.sun_path));
	memcpy(sa.sun_path, f.path, strlen(f.path) + 1);
	unlink(f.path);
	f.lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_eq(bind(f.lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(f.lfd, 4), 0);
	ck_assert_int_eq(pthread_create(&f.th, NULL, fake_serve, &f), 0);
	rc = sock_call(f.path, "KA/1 status", 3000, &body, &blen, &ok, &ex, &err);
	e = errno;
	pthread_join(f.th, NULL);
	close(f.lfd);
	unlink(f.path);
	if (rc == 0) {
		free(err);
		return body; /* the test expected a failure: it compares */
	}
	ck_assert_ptr_null(body);
	ck_assert_int_eq(e, EPROTO);
	return err;
}

START_TEST(test_sock_call_errors)
{
	struct tsrv t;
	char path[PATH_MAX], want[PATH_MAX + 100], *body = NULL, *err = NULL, *m;
	size_t len;
	int ok, ex, rc, e;
	uint64_t t0, took;

	t_init(&t);
	/* nothing at the path */
	snprintf(path, sizeof(path), "%s/absent.sock", t.dir);
	ck_assert_int_eq(sock_call(path, "KA/1 status", 1000, &body, &len, &ok, &ex, &err), -1);
	snprintf(want, sizeof(want), "kube-auditd is not running (nothing listens on %s)", path);
	ck_assert_str_eq(err, want);
	ck_assert_ptr_null(body);
	free(err);
	/* a socket file nobody listens on */
	make_stale_socket(path);
	ck_assert_int_eq(sock_call(path, "KA/1 status", 1000, &body, &len, &ok, &ex, &err), -1);
	ck_assert_str_eq(err, want);
	free(err);
	/* a path too long for a socket */
	{
		char longp[200];

		memset(longp, 'a', sizeof(longp) - 1);
		longp[0] = '/';
		longp[sizeof(longp) - 1] = '\0';
		ck_assert_int_eq(sock_call(longp, "KA/1 status", 1000, &body, &len, &ok, &ex, &err),
				 -1);
		ck_assert(strstr(err, "path too long for a Unix socket") != NULL);
		free(err);
	}
	/* malformed replies */
	m = call_fake(t.dir, "HTTP/1.1 400 Bad Request\r\n\r\n", 28);
	ck_assert_str_eq(
		m, "protocol error: malformed reply header \"HTTP/1.1 400 Bad Request\\x0d\"");
	free(m);
	m = call_fake(t.dir, "KA/2 OK 0 5\nhello", 17);
	ck_assert_str_eq(m, "protocol error: the daemon speaks KA/2, this client KA/1");
	free(m);
	m = call_fake(t.dir, "KA/1 OK 0 100\nshort", 19);
	ck_assert_str_eq(m, "protocol error: reply truncated (5 of 100 bytes)");
	free(m);
	m = call_fake(t.dir, "KA/1 OK 0 67108865\n", 19);
	ck_assert_str_eq(m, "protocol error: reply of 67108865 bytes exceeds the limit of 64 MiB");
	free(m);
	m = call_fake(t.dir, "KA/1 OK 256 0\n", 14);
	ck_assert(str_has_prefix(m, "protocol error: malformed reply header"));
	free(m);
	m = call_fake(t.dir, "KA/1 OK -1 0\n", 13);
	ck_assert(str_has_prefix(m, "protocol error: malformed reply header"));
	free(m);
	m = call_fake(t.dir, "KA/1 MAYBE 0 0\n", 15);
	ck_assert(str_has_prefix(m, "protocol error: malformed reply header"));
	free(m);
	m = call_fake(t.dir, "KA/1 OK 0 5", 11);
	ck_assert_str_eq(m, "protocol error: truncated reply header");
	free(m);
	m = call_fake(t.dir, "", 0);
	ck_assert_str_eq(m, "protocol error: kube-auditd closed the connection without a reply");
	free(m);
	{
		char longh[100];

		memset(longh, 'K', sizeof(longh));
		m = call_fake(t.dir, longh, sizeof(longh));
		ck_assert_str_eq(m, "protocol error: reply header longer than 64 bytes");
		free(m);
	}
	/* a well-formed reply, through the same fake: the body is exact */
	m = call_fake(t.dir, "KA/1 ERR 3 4\ndeny", 17);
	ck_assert_str_eq(m, "deny");
	free(m);
	/* a daemon that does not answer in time */
	t.defer_scan_ms = -1;
	t_listen(&t, NULL, 1);
	t0 = mono_ms();
	rc = sock_call(t.path, "KA/1 scan text", 300, &body, &len, &ok, &ex, &err);
	e = errno;
	took = mono_ms() - t0;
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(e, ETIMEDOUT);
	ck_assert_str_eq(err, "no reply from kube-auditd within 0.3 s");
	ck_assert_msg(took >= 290 && took < 2000, "timed out after %llu ms",
		      (unsigned long long)took);
	free(err);
	t_stop(&t);
}
END_TEST

/* ---- kube-auditctl ---- */

#ifdef TOP_BUILDDIR
#define CTL TOP_BUILDDIR "/kube-auditctl"

/* The build tree may be closed to the unprivileged user: run a copy. */
static void
copy_ctl(const struct tsrv *t)
{
	char dst[PATH_MAX + 16], buf[65536];
	int in = open(CTL, O_RDONLY | O_CLOEXEC), out;
	ssize_t n;

	snprintf(dst, sizeof(dst), "%s/kube-auditctl", t->dir);
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	ck_assert_int_ge(in, 0);
	ck_assert_int_ge(out, 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ck_assert_int_eq(write(out, buf, (size_t)n), n);
	ck_assert_int_eq(n, 0);
	close(in);
	close(out);
}

/* Runs kube-auditctl as who; returns its exit status, its stdout and stderr. */
static int
run_ctl(const struct tsrv *t, const struct who *w, char **out, char **errout, ...)
{
	char *argv[16], op[PATH_MAX + 16], ep[PATH_MAX + 16], exe[PATH_MAX + 16];
	int n = 0, status;
	va_list ap;
	pid_t pid;

	argv[n++] = (char *)"kube-auditctl";
	va_start(ap, errout);
	while (n < 15 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	snprintf(exe, sizeof(exe), "%s/kube-auditctl", t->dir);
	snprintf(op, sizeof(op), "%s/ctl.out", t->dir);
	snprintf(ep, sizeof(ep), "%s/ctl.err", t->dir);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int o = open(op, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int e = open(ep, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(101);
		drop_to(w);
		execv(exe, argv);
		_exit(102);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status), "kube-auditctl died (status %#x)", status);
	ck_assert_msg(WEXITSTATUS(status) < 100, "cannot run %s (%d)", exe, WEXITSTATUS(status));
	*out = tu_slurp(op);
	*errout = tu_slurp(ep);
	ck_assert_ptr_nonnull(*out);
	ck_assert_ptr_nonnull(*errout);
	return WEXITSTATUS(status);
}

START_TEST(test_ctl)
{
	struct tsrv t;
	char *out, *err, *want, absent[PATH_MAX + 32], msg[PATH_MAX + 100];
	size_t len;
	int ex;

	ck_assert_msg(access(CTL, X_OK) == 0, "%s is not built", CTL);
	t_init(&t);
	copy_ctl(&t);
	t.defer_scan_ms = 0;
	t_listen(&t, T_GROUP_S, 1);

	ck_assert_int_eq(run_ctl(&t, &as_root, &out, &err, "--socket", t.path, "status", NULL), 0);
	ck_assert_str_eq(out, "status: running\n");
	ck_assert_str_eq(err, "");
	free(out);
	free(err);

	/* the daemon's exit status, options after the command */
	want = expected_body(SOCK_REPORT, FMT_JSON, 0, &len, &ex);
	ck_assert_int_eq(run_ctl(&t, &as_member, &out, &err, "report", "--format", "json",
				 "--socket", t.path, NULL),
			 1);
	ck_assert_str_eq(out, want);
	free(want);
	free(out);
	free(err);

	ck_assert_int_eq(run_ctl(&t, &as_root, &out, &err, "--socket", t.path, "scan", "--format",
				 "prometheus", "--timeout", "5", NULL),
			 0);
	ck_assert(str_has_prefix(out, "scan format=prometheus\n"));
	free(out);
	free(err);

	/* an ERR reply goes to stderr, with the daemon's exit status */
	t.fail_scan = 1;
	ck_assert_int_eq(run_ctl(&t, &as_root, &out, &err, "--socket", t.path, "scan", NULL), 2);
	ck_assert_str_eq(out, "");
	ck_assert_str_eq(err, "kube-auditctl: scan failed: test\n");
	free(out);
	free(err);

	/* denied by the daemon (mode 0666) and by the kernel (mode 0660): 3 */
	ck_assert_int_eq(chmod(t.path, 0666), 0);
	ck_assert_int_eq(run_ctl(&t, &as_other, &out, &err, "--socket", t.path, "report", NULL), 3);
	ck_assert_str_eq(err, "kube-auditctl: access denied: root or members of group " T_GROUP_S
			      " only\n");
	free(out);
	free(err);
	ck_assert_int_eq(chmod(t.path, 0660), 0);
	ck_assert_int_eq(run_ctl(&t, &as_other, &out, &err, "--socket", t.path, "status", NULL), 3);
	snprintf(msg, sizeof(msg),
		 "kube-auditctl: permission denied on %s: root or members of the socket's group "
		 "only\n",
		 t.path);
	ck_assert_str_eq(err, msg);
	free(out);
	free(err);

	/* no daemon: 2 */
	snprintf(absent, sizeof(absent), "%s/absent.sock", t.dir);
	ck_assert_int_eq(run_ctl(&t, &as_root, &out, &err, "--socket", absent, "status", NULL), 2);
	snprintf(msg, sizeof(msg),
		 "kube-auditctl: kube-auditd is not running (nothing listens on %s)\n", absent);
	ck_assert_str_eq(err, msg);
	free(out);
	free(err);

	/* usage errors name the argument: 2, and nothing is asked */
	ck_assert_int_eq(run_ctl(&t, &as_root, &out, &err, "--socket", t.path, "report", "--format",
				 "xml", NULL),
			 2);
	ck_assert(str_has_prefix(err, "kube-auditctl: --format: unknown format \"xml\""));
	free(out);
	free(err);
	ck_assert_int_eq(run_ctl(&t, &as_root, &out, &err, "--socket", t.path, "frob", NULL), 2);
	ck_assert(str_has_prefix(err, "kube-auditctl: unknown command \"frob\""));
	free(out);
	free(err);
	ck_assert_int_eq(run_ctl(&t, &as_root, &out, &err, "status", "--timeout", "0", NULL), 2);
	ck_assert(str_has_prefix(err, "kube-auditctl: --timeout: \"0\""));
	free(out);
	free(err);
	ck_assert_int_eq(run_ctl(&t, &as_root, &out, &err, "status", "--format", "json", NULL), 2);
	ck_assert(strstr(err, "--format") != NULL);
	free(out);
	free(err);
	ck_assert_int_eq(run_ctl(&t, &as_root, &out, &err, "--bogus", NULL), 2);
	ck_assert(str_has_prefix(err, "kube-auditctl: unknown option \"--bogus\""));
	free(out);
	free(err);
	ck_assert_int_eq(run_ctl(&t, &as_root, &out, &err, NULL), 2);
	ck_assert(strstr(err, "missing command") != NULL);
	free(out);
	free(err);
	ck_assert_int_eq(run_ctl(&t, &as_root, &out, &err, "--version", NULL), 0);
	ck_assert_str_eq(out, "kube-auditctl " PACKAGE_VERSION "\n");
	free(out);
	free(err);
	ck_assert_int_eq(atomic_load(&t.nrequests), 4);
	t_stop(&t);
}
END_TEST
#endif

static Suite *
sock_suite(int root)
{
	Suite *s = suite_create("sock");
	TCase *tc = tcase_create("server");
	TCase *tp = tcase_create("peers");
	TCase *tl = tcase_create("load");

	tcase_add_test(tc, test_group_names);
	tcase_add_loop_test(tc, test_bad_request, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_request_size);
	tcase_add_test(tc, test_formats_parsed);
	tcase_add_test(tc, test_stale_replaced);
	tcase_add_test(tc, test_live_refused);
	tcase_add_test(tc, test_not_a_socket_refused);
	tcase_add_test(tc, test_free_leaves_other_socket);
	tcase_add_test(tc, test_reply_vanished);
	tcase_add_test(tc, test_sock_call_errors);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	/* changing uid and gid needs root */
	if (root) {
		tcase_add_test(tp, test_status_root);
		tcase_add_loop_test(tp, test_group_member_served, 0, 2);
		tcase_add_loop_test(tp, test_other_denied_despite_mode, 0, 2);
		tcase_add_test(tp, test_no_group_root_only);
		tcase_add_test(tp, test_sock_call_denied_by_mode);
#ifdef TOP_BUILDDIR
		tcase_add_test(tp, test_ctl);
#endif
		tcase_set_timeout(tp, 60);
		suite_add_tcase(s, tp);
	}

	tcase_add_test(tl, test_concurrent_clients);
	tcase_add_test(tl, test_slow_client);
	tcase_add_test(tl, test_request_timeout_default);
	tcase_add_test(tl, test_idle_reader_dropped);
	tcase_add_test(tl, test_client_limit);
	tcase_set_timeout(tl, 60);
	suite_add_tcase(s, tl);
	return s;
}

int
main(void)
{
	int root = geteuid() == 0;
	SRunner *sr = srunner_create(sock_suite(root));
	int failed;

	if (!root)
		fprintf(stderr, "check_sock: not root: the tests that change uid, gid or a "
				"socket's group are left out\n");
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
