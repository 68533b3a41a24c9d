/* sock.c - the control socket: a non-blocking server on the daemon's loop and
 * the one-shot client call of kube-auditctl. The protocol is in sock.h and
 * kube-auditctl(1).
 *
 * Clients live in a fixed array of SOCK_MAX_CLIENTS slots owned by the
 * server. A slot is never freed while the server lives: epoll returns a batch
 * of events, and an event of a client closed earlier in the same batch must
 * still point at valid memory. Handlers therefore treat events as hints and
 * act on what recv/send/poll say now, so a stale event (even one that reaches
 * a slot reused by a new client) does no harm. A client id is
 * (sequence << 8 | slot): sock_reply finds the slot at once and a reused
 * slot never answers to an old id.
 *
 * Time: each client has one deadline (5 s to send its request, then 30 s
 * of no progress while its reply is written); a single timerfd is armed for
 * the earliest, so 256 clients cost one descriptor, not 256.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "sock.h"
#include "util.h"

#define SOCK_BACKLOG 128
#define SOCK_MAX_CLIENTS 256
#define SOCK_MAX_HEADER 64
#define SOCK_ACCEPT_BURST 64 /* accepts per wake-up, so a flood cannot starve the loop */

/* A client id keeps its slot in the low 8 bits. */
_Static_assert(SOCK_MAX_CLIENTS == 256, "client ids carry the slot in 8 bits");

/* Defaults of the contract; only the test hooks below change them. */
#define SOCK_REQUEST_TIMEOUT_MS 5000
#define SOCK_IDLE_TIMEOUT_MS 30000

static int sock_request_timeout_ms = SOCK_REQUEST_TIMEOUT_MS;
static int sock_idle_timeout_ms = SOCK_IDLE_TIMEOUT_MS;
static int sock_force_proc_groups;

/* Test hooks, deliberately not in sock.h: tests/check_sock.c declares them
 * extern. sock_set_timeouts_for_tests shortens the request timeout (5 s) and
 * the idle timeout (30 s) so the suite need not wait that long; a value <= 0
 * restores the default. It applies to clients accepted afterwards.
 * sock_force_proc_groups_for_tests makes the server read supplementary
 * groups from /proc/PID/status, the fallback for kernels without
 * SO_PEERGROUPS (before 4.13), so that path is tested too. */
void sock_set_timeouts_for_tests(int ms_request, int ms_idle);
void sock_force_proc_groups_for_tests(int on);

void
sock_set_timeouts_for_tests(int ms_request, int ms_idle)
{
	sock_request_timeout_ms = ms_request > 0 ? ms_request : SOCK_REQUEST_TIMEOUT_MS;
	sock_idle_timeout_ms = ms_idle > 0 ? ms_idle : SOCK_IDLE_TIMEOUT_MS;
}

void
sock_force_proc_groups_for_tests(int on)
{
	sock_force_proc_groups = on;
}

enum client_state {
	CL_FREE = 0, /* slot unused; w.fd is -1 */
	CL_READ,     /* reading the request line */
	CL_WAIT,     /* handed to the daemon, waiting for sock_reply */
	CL_WRITE,    /* writing the reply; closed after the last byte */
};

struct sock_client {
	struct loop_watch w; /* w.arg is the client itself */
	struct sock_server *srv;
	enum client_state state;
	uint64_t id;
	uid_t uid;
	gid_t gid;
	pid_t pid;
	uint32_t events;   /* what the loop watches for now */
	uint64_t deadline; /* CLOCK_MONOTONIC ms; 0: none (waiting for the daemon) */
	char req[SOCK_MAX_REQUEST];
	size_t reqlen;
	char *out; /* header and body of the reply */
	size_t outlen, outoff;
};

struct sock_server {
	struct loop *loop;
	char *path;
	dev_t dev; /* our socket file: unlinked at exit only if still ours */
	ino_t ino;
	int have_group;
	gid_t gid;
	char *group; /* as given, for messages */
	sock_request_fn fn;
	void *arg;
	struct loop_watch lw;  /* the listening socket */
	uint32_t lev;	       /* its watched events: EPOLLIN, or 0 while full */
	struct loop_watch tw;  /* the one timerfd */
	uint64_t armed;	       /* deadline the timer is armed for; 0: none */
	uint64_t accept_retry; /* after EMFILE and the like: accept again then */
	int closing;
	uint64_t seq;
	size_t nclients;
	struct sock_client cl[SOCK_MAX_CLIENTS];
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void
timer_want(struct sock_server *s, uint64_t when)
{
	uint64_t now;

	if (s->armed != 0 && s->armed <= when)
		return;
	now = now_ms();
	s->armed = when;
	/* 0 would disarm the timerfd: a deadline already past fires in 1 ms */
	if (loop_timer_set(s->tw.fd, when > now ? when - now : 1) < 0)
		log_warn("%s: timerfd", s->path);
}

static void
listener_update(struct sock_server *s)
{
	uint32_t want = 0;

	if (s->closing)
		return;
	if (s->nclients < SOCK_MAX_CLIENTS && s->accept_retry == 0)
		want = EPOLLIN;
	if (want == s->lev)
		return;
	/* Full: new clients wait in the listen backlog instead of being
	 * accepted and refused. */
	if (loop_mod(s->loop, &s->lw, want) < 0)
		log_warn("%s: epoll", s->path);
	else
		s->lev = want;
}

static void
client_set_events(struct sock_client *c, uint32_t events)
{
	if (c->events == events)
		return;
	if (loop_mod(c->srv->loop, &c->w, events) < 0)
		log_warn("%s: epoll", c->srv->path);
	else
		c->events = events;
}

static void
client_close(struct sock_client *c)
{
	struct sock_server *s = c->srv;

	if (c->state == CL_FREE)
		return;
	loop_del(s->loop, &c->w);
	close(c->w.fd);
	free(c->out);
	c->out = NULL;
	c->outlen = c->outoff = 0;
	c->reqlen = 0;
	c->w.fd = -1;
	c->state = CL_FREE;
	c->deadline = 0;
	c->id = 0;
	s->nclients--;
	listener_update(s);
}

/* Writes what the socket takes now. After the last byte: shutdown and close.
 * Returns 0, or -1 when the peer is gone (the client is closed). */
static int
client_flush(struct sock_client *c)
{
	while (c->outoff < c->outlen) {
		ssize_t n = send(c->w.fd, c->out + c->outoff, c->outlen - c->outoff,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				client_set_events(c, EPOLLOUT);
				return 0;
			}
			log_debug("%s: client pid %ld went away: %s", c->srv->path, (long)c->pid,
				  strerror(errno));
			client_close(c);
			return -1;
		}
		c->outoff += (size_t)n;
		/* the idle timeout counts time without progress */
		c->deadline = now_ms() + (uint64_t)sock_idle_timeout_ms;
	}
	shutdown(c->w.fd, SHUT_WR);
	client_close(c);
	return 0;
}

static int
client_queue(struct sock_client *c, int ok, int exit_status, const char *body, size_t len)
{
	char head[SOCK_MAX_HEADER];
	int hlen;

	if (exit_status < 0 || exit_status > 255)
		exit_status = 2;
	hlen = snprintf(head, sizeof(head), "%s %s %d %zu\n", SOCK_PROTO, ok ? "OK" : "ERR",
			exit_status, len);
	c->out = xmalloc((size_t)hlen + len);
	memcpy(c->out, head, (size_t)hlen);
	if (len)
		memcpy(c->out + hlen, body, len);
	c->outlen = (size_t)hlen + len;
	c->outoff = 0;
	c->state = CL_WRITE;
	c->deadline = now_ms() + (uint64_t)sock_idle_timeout_ms;
	timer_want(c->srv, c->deadline);
	return client_flush(c);
}

/* An error reply, then the connection ends: the message is small and the
 * peer has not been sent anything yet, so it goes out at once; a peer that
 * does not take even that is closed all the same. */
static void
client_fail(struct sock_client *c, int exit_status, const char *msg)
{
	uint64_t id = c->id;

	if (exit_status == 3)
		log_warnx("%s: uid %lu gid %lu pid %ld: %s", c->srv->path, (unsigned long)c->uid,
			  (unsigned long)c->gid, (long)c->pid, msg);
	else
		log_info("%s: request of uid %lu pid %ld refused: %s", c->srv->path,
			 (unsigned long)c->uid, (long)c->pid, msg);
	client_queue(c, 0, exit_status, msg, strlen(msg));
	if (c->state != CL_FREE && c->id == id)
		client_close(c);
}

/* Supplementary groups from /proc/PID/status, for kernels without
 * SO_PEERGROUPS. Racy by nature (the peer could exit and its pid be reused
 * between connect and this read), which is why it is only a fallback. */
static int
proc_in_group(pid_t pid, gid_t gid)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return 0;
	while (getline(&line, &cap, f) > 0) {
		char *p, *end;

		if (!str_has_prefix(line, "Groups:"))
			continue;
		for (p = line + 7;; p = end) {
			unsigned long g;

			while (*p == ' ' || *p == '\t')
				p++;
			if (*p < '0' || *p > '9')
				break;
			errno = 0;
			g = strtoul(p, &end, 10);
			if (errno == 0 && g == (unsigned long)gid)
				found = 1;
		}
		break;
	}
	free(line);
	fclose(f);
	return found;
}

static int
peer_in_group(int fd, pid_t pid, gid_t gid)
{
#ifdef SO_PEERGROUPS
	gid_t small[64], *g = small;
	socklen_t len = sizeof(small);
	int found = 0;

	if (sock_force_proc_groups)
		return proc_in_group(pid, gid);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &len) < 0) {
		if (errno == ENOPROTOOPT)
			return proc_in_group(pid, gid);
		if (errno != ERANGE)
			return 0;
		/* len now says how much the kernel needs */
		g = xmalloc(len);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &len) < 0)
			len = 0;
	}
	for (size_t i = 0; i < len / sizeof(gid_t); i++)
		if (g[i] == gid)
			found = 1;
	if (g != small)
		free(g);
	return found;
#else
	(void)fd;
	return proc_in_group(pid, gid);
#endif
}

static int
peer_allowed(const struct sock_server *s, const struct sock_client *c)
{
	if (c->uid == 0 || c->uid == geteuid())
		return 1;
	if (!s->have_group)
		return 0;
	if (c->gid == s->gid)
		return 1;
	return peer_in_group(c->w.fd, c->pid, s->gid);
}

static void on_client(struct loop_watch *w, uint32_t events);

static void
client_start(struct sock_server *s, int fd)
{
	struct sock_client *c = NULL;
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	size_t slot;

	for (slot = 0; slot < SOCK_MAX_CLIENTS; slot++) {
		if (s->cl[slot].state == CL_FREE) {
			c = &s->cl[slot];
			break;
		}
	}
	if (c == NULL || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0) {
		if (c != NULL)
			log_warn("%s: SO_PEERCRED", s->path);
		close(fd);
		return;
	}
	c->srv = s;
	c->w.fd = fd;
	c->w.fn = on_client;
	c->w.arg = c;
	c->uid = cred.uid;
	c->gid = cred.gid;
	c->pid = cred.pid;
	c->reqlen = 0;
	c->id = (++s->seq << 8) | slot;
	c->events = EPOLLIN;
	if (loop_add(s->loop, &c->w, EPOLLIN) < 0) {
		log_warn("%s: epoll", s->path);
		close(fd);
		c->w.fd = -1;
		return;
	}
	c->state = CL_READ;
	s->nclients++;
	/* Decided before a byte of the request is read: nothing an
	 * unauthorised peer sends is ever parsed. */
	if (!peer_allowed(s, c)) {
		char *msg = s->have_group
				    ? xasprintf("access denied: root or members of group %s only",
						s->group)
				    : xstrdup("access denied: root only");

		client_fail(c, 3, msg);
		free(msg);
		return;
	}
	c->deadline = now_ms() + (uint64_t)sock_request_timeout_ms;
	timer_want(s, c->deadline);
}

static void
on_accept(struct loop_watch *w, uint32_t events)
{
	struct sock_server *s = w->arg;

	(void)events;
	for (int i = 0; i < SOCK_ACCEPT_BURST && s->nclients < SOCK_MAX_CLIENTS; i++) {
		int fd = accept4(s->lw.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd >= 0) {
			client_start(s, fd);
			continue;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;
		if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
			continue;
		/* Out of descriptors or memory: the listener stays readable,
		 * so stop watching it for a moment rather than spin. */
		log_warn("%s: accept", s->path);
		s->accept_retry = now_ms() + 100;
		timer_want(s, s->accept_retry);
		break;
	}
	listener_update(s);
}

/* Splits line on single spaces into at most max words; returns the number of
 * words (more than max when there were too many), or -1 on an empty word. */
static int
split_words(char *line, char **words, int max)
{
	int n = 0;

	for (char *p = line;;) {
		char *sp = strchr(p, ' ');

		if (sp)
			*sp = '\0';
		if (*p == '\0')
			return -1;
		if (n < max)
			words[n] = p;
		n++;
		if (sp == NULL)
			return n;
		p = sp + 1;
	}
}

/* Parses "KA/1 COMMAND [FORMAT]" (without the newline). Returns 0, or -1
 * with *msg (caller frees) for the ERR reply. */
static int
parse_request(char *line, size_t len, struct sock_request *req, char **msg)
{
	char *w[3], *clean;
	int n;

	if (memchr(line, '\0', len) != NULL) {
		*msg = xstrdup("malformed request: it contains a NUL byte");
		return -1;
	}
	n = split_words(line, w, 3);
	if (n < 0) {
		*msg = xstrdup("malformed request: expected \"" SOCK_PROTO
			       " COMMAND [FORMAT]\" with single spaces");
		return -1;
	}
	if (strcmp(w[0], SOCK_PROTO) != 0) {
		if (str_has_prefix(w[0], "KA/"))
			*msg = xstrdup(
				"unsupported protocol version, this daemon speaks " SOCK_PROTO);
		else
			*msg = xstrdup("malformed request: expected \"" SOCK_PROTO
				       " COMMAND [FORMAT]\"");
		return -1;
	}
	if (n < 2) {
		*msg = xstrdup("malformed request: no command (status, report, scan)");
		return -1;
	}
	if (strcmp(w[1], "status") == 0) {
		req->cmd = SOCK_STATUS;
	} else if (strcmp(w[1], "report") == 0) {
		req->cmd = SOCK_REPORT;
	} else if (strcmp(w[1], "scan") == 0) {
		req->cmd = SOCK_SCAN;
	} else {
		clean = str_sanitize(w[1]);
		*msg = xasprintf("unknown command \"%s\" (status, report, scan)", clean);
		free(clean);
		return -1;
	}
	req->format = FMT_TEXT;
	if (n > 3 || (n == 3 && req->cmd == SOCK_STATUS)) {
		*msg = xasprintf("too many words: %s takes %s", w[1],
				 req->cmd == SOCK_STATUS ? "no format" : "one format at most");
		return -1;
	}
	if (n == 3 && report_format_from_name(w[2], &req->format) < 0) {
		clean = str_sanitize(w[2]);
		*msg = xasprintf("unknown format \"%s\" (text, json, junit, prometheus)", clean);
		free(clean);
		return -1;
	}
	return 0;
}

/* A complete line is in the buffer (nl points at its "\n"). */
static void
client_request(struct sock_client *c, char *nl)
{
	struct sock_server *s = c->srv;
	struct sock_request req = {0};
	size_t len = (size_t)(nl - c->req);
	char *msg = NULL;

	if (nl + 1 != c->req + c->reqlen) {
		client_fail(c, 2,
			    "malformed request: data after the newline (one request per "
			    "connection)");
		return;
	}
	*nl = '\0';
	if (parse_request(c->req, len, &req, &msg) < 0) {
		client_fail(c, 2, msg);
		free(msg);
		return;
	}
	req.client = c->id;
	req.uid = c->uid;
	req.pid = c->pid;
	c->state = CL_WAIT;
	c->deadline = 0;
	/* Nothing to read any more, nothing to write yet: epoll still
	 * reports EPOLLHUP and EPOLLERR, which tells us the peer left. */
	client_set_events(c, 0);
	log_debug("%s: request from uid %lu pid %ld: %s", s->path, (unsigned long)c->uid,
		  (long)c->pid, c->req);
	/* Last: the handler may reply (and so close this client) at once. */
	s->fn(s->arg, &req);
}

static void
client_read(struct sock_client *c)
{
	for (;;) {
		size_t room = SOCK_MAX_REQUEST - c->reqlen;
		ssize_t n = recv(c->w.fd, c->req + c->reqlen, room, MSG_DONTWAIT);
		char *nl;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				client_close(c);
			return;
		}
		if (n == 0) {
			/* A connect-and-close (such as another daemon probing
			 * for a stale socket) is no error worth a reply. */
			if (c->reqlen == 0)
				client_close(c);
			else
				client_fail(c, 2,
					    "incomplete request: end of data before the newline");
			return;
		}
		nl = memchr(c->req + c->reqlen, '\n', (size_t)n);
		c->reqlen += (size_t)n;
		if (nl) {
			client_request(c, nl);
			return;
		}
		if (c->reqlen == SOCK_MAX_REQUEST) {
			client_fail(c, 2, "request too long");
			return;
		}
	}
}

static void
on_client(struct loop_watch *w, uint32_t events)
{
	struct sock_client *c = w->arg;
	struct pollfd p;

	(void)events;
	switch (c->state) {
	case CL_FREE:
		break; /* an event of a client closed earlier in this batch */
	case CL_READ:
		client_read(c);
		break;
	case CL_WAIT:
		p.fd = c->w.fd;
		p.events = 0;
		p.revents = 0;
		if (poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR))) {
			log_debug("%s: client pid %ld left before its reply", c->srv->path,
				  (long)c->pid);
			client_close(c);
		}
		break;
	case CL_WRITE:
		client_flush(c);
		break;
	}
}

static void
on_timer(struct loop_watch *w, uint32_t events)
{
	struct sock_server *s = w->arg;
	uint64_t now = now_ms(), next = 0;

	(void)events;
	loop_timer_ack(s->tw.fd);
	s->armed = 0;
	if (s->accept_retry && s->accept_retry <= now) {
		s->accept_retry = 0;
		listener_update(s);
	}
	for (size_t i = 0; i < SOCK_MAX_CLIENTS; i++) {
		struct sock_client *c = &s->cl[i];

		if (c->state == CL_FREE || c->deadline == 0 || c->deadline > now)
			continue;
		if (c->state == CL_READ) {
			client_fail(c, 2, "request timeout");
		} else {
			log_info("%s: dropped client pid %ld: it did not read its reply", s->path,
				 (long)c->pid);
			client_close(c);
		}
	}
	for (size_t i = 0; i < SOCK_MAX_CLIENTS; i++) {
		uint64_t d = s->cl[i].state != CL_FREE ? s->cl[i].deadline : 0;

		if (d && (next == 0 || d < next))
			next = d;
	}
	if (s->accept_retry && (next == 0 || s->accept_retry < next))
		next = s->accept_retry;
	if (next)
		timer_want(s, next);
}

static int
resolve_group(const char *group, gid_t *gid, char **err)
{
	struct group gr, *res = NULL;
	size_t cap = 1024;
	char *buf = NULL, *end;
	int rc;

	if (*group == '\0') {
		*err = xstrdup("socket group: empty name");
		return -1;
	}
	if (strspn(group, "0123456789") == strlen(group)) {
		unsigned long n;

		errno = 0;
		n = strtoul(group, &end, 10);
		if (errno || *end || n >= (unsigned long)(gid_t)-1) {
			*err = xasprintf("socket group \"%s\": group number out of range", group);
			return -1;
		}
		*gid = (gid_t)n;
		return 0;
	}
	for (;;) {
		buf = xrealloc(buf, cap);
		rc = getgrnam_r(group, &gr, buf, cap, &res);
		if (rc != ERANGE || cap >= (1u << 20))
			break;
		cap *= 2;
	}
	if (res)
		*gid = gr.gr_gid;
	else if (rc == 0 || rc == ENOENT)
		*err = xasprintf("socket group \"%s\": no such group", group);
	else
		*err = xasprintf("socket group \"%s\": %s", group, strerror(rc));
	free(buf);
	return res ? 0 : -1;
}

/* A socket file at path: live (a connect succeeds, or its backlog is full),
 * stale (refused: its daemon died) and removed, or anything else: refused. */
static int
take_path(const char *path, const struct sockaddr_un *sa, char **err)
{
	struct stat st;
	int fd, e;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		*err = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		*err = xasprintf("%s: exists and is not a socket; refusing to replace it", path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		*err = xasprintf("%s: socket: %s", path, strerror(errno));
		return -1;
	}
	e = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0 ? 0 : errno;
	close(fd);
	if (e == 0 || e == EAGAIN || e == EINPROGRESS) {
		*err = xasprintf("%s: another kube-auditd is already listening", path);
		return -1;
	}
	if (e != ECONNREFUSED && e != ENOENT) {
		*err = xasprintf("%s: cannot tell whether a daemon listens there: %s", path,
				 strerror(e));
		return -1;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		*err = xasprintf("%s: cannot remove the stale socket: %s", path, strerror(errno));
		return -1;
	}
	log_info("%s: replaced a stale socket", path);
	return 0;
}

static int
sockaddr_fill(struct sockaddr_un *sa, const char *path, char **err)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (*path == '\0' || strlen(path) >= sizeof(sa->sun_path)) {
		*err = xasprintf("%s: %s", *path ? path : "\"\"",
				 *path ? "path too long for a Unix socket" : "empty socket path");
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sa->sun_path, path, strlen(path));
	return 0;
}

struct sock_server *
sock_server_new(struct loop *l, const char *path, const char *group, sock_request_fn fn, void *arg,
		char **err)
{
	struct sock_server *s = xcalloc(1, sizeof(*s));
	struct sockaddr_un sa;
	struct stat st;
	mode_t old;
	int rc;

	*err = NULL;
	s->loop = l;
	s->path = xstrdup(path);
	s->fn = fn;
	s->arg = arg;
	s->lw.fd = s->tw.fd = -1;
	for (size_t i = 0; i < SOCK_MAX_CLIENTS; i++)
		s->cl[i].w.fd = -1;
	if (sockaddr_fill(&sa, path, err) < 0)
		goto fail;
	if (group) {
		if (resolve_group(group, &s->gid, err) < 0)
			goto fail;
		s->have_group = 1;
		s->group = xstrdup(group);
	}
	if (take_path(path, &sa, err) < 0)
		goto fail;
	s->lw.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->lw.fd < 0) {
		*err = xasprintf("%s: socket: %s", path, strerror(errno));
		goto fail;
	}
	/* Born 0660, so there is no moment when others could connect. The
	 * umask is process-wide: this runs at start-up and on the loop's
	 * thread, before any worker could create a file. */
	old = umask(0117);
	rc = bind(s->lw.fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc < 0) {
		*err = xasprintf("%s: bind: %s", path, strerror(errno));
		goto fail;
	}
	if (lstat(path, &st) < 0) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		goto fail;
	}
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	if (s->have_group && lchown(path, (uid_t)-1, s->gid) < 0) {
		*err = xasprintf("%s: cannot give the socket to group %s: %s", path, s->group,
				 strerror(errno));
		goto fail_unlink;
	}
	if (listen(s->lw.fd, SOCK_BACKLOG) < 0) {
		*err = xasprintf("%s: listen: %s", path, strerror(errno));
		goto fail_unlink;
	}
	s->tw.fd = loop_timer_new();
	if (s->tw.fd < 0) {
		*err = xasprintf("timerfd: %s", strerror(errno));
		goto fail_unlink;
	}
	s->tw.fn = on_timer;
	s->tw.arg = s;
	s->lw.fn = on_accept;
	s->lw.arg = s;
	if (loop_add(l, &s->tw, EPOLLIN) < 0) {
		*err = xasprintf("epoll: %s", strerror(errno));
		close(s->tw.fd);
		s->tw.fd = -1;
		goto fail_unlink;
	}
	if (loop_add(l, &s->lw, EPOLLIN) < 0) {
		*err = xasprintf("epoll: %s", strerror(errno));
		loop_del(l, &s->tw);
		close(s->tw.fd);
		s->tw.fd = -1;
		goto fail_unlink;
	}
	s->lev = EPOLLIN;
	return s;

fail_unlink:
	unlink(path);
fail:
	if (s->lw.fd >= 0)
		close(s->lw.fd);
	free(s->group);
	free(s->path);
	free(s);
	return NULL;
}

void
sock_server_free(struct sock_server *s)
{
	struct stat st;

	if (s == NULL)
		return;
	s->closing = 1;
	for (size_t i = 0; i < SOCK_MAX_CLIENTS; i++)
		client_close(&s->cl[i]);
	loop_del(s->loop, &s->tw);
	close(s->tw.fd);
	loop_del(s->loop, &s->lw);
	close(s->lw.fd);
	/* A newer daemon may have replaced our socket: leave its file alone. */
	if (lstat(s->path, &st) == 0 && st.st_dev == s->dev && st.st_ino == s->ino)
		unlink(s->path);
	free(s->group);
	free(s->path);
	free(s);
}

int
sock_reply(struct sock_server *s, uint64_t client, int ok, int exit_status, const char *body,
	   size_t len)
{
	struct sock_client *c = &s->cl[client & 0xff];
	char *msg;
	int rc;

	if (c->state != CL_WAIT || c->id != client) {
		errno = c->state == CL_WRITE && c->id == client ? EALREADY : ENOENT;
		return -1;
	}
	if (len > SOCK_MAX_REPLY) {
		msg = xasprintf("reply too large (%zu bytes; the limit is %u MiB)", len,
				SOCK_MAX_REPLY >> 20);
		log_warnx("%s: %s", s->path, msg);
		rc = client_queue(c, 0, 2, msg, strlen(msg));
		free(msg);
		return rc;
	}
	return client_queue(c, ok, exit_status, body, len);
}

size_t
sock_nclients(const struct sock_server *s)
{
	return s->nclients;
}

/* ---- client ---- */

/* Milliseconds left before deadline (0: none, -1 returned), at least 0. */
static int
ms_left(uint64_t deadline)
{
	uint64_t now;

	if (deadline == 0)
		return -1;
	now = now_ms();
	return now >= deadline ? 0 : (int)(deadline - now);
}

static char *
timeout_text(int timeout_ms)
{
	if (timeout_ms % 1000 == 0)
		return xasprintf("no reply from kube-auditd within %d s", timeout_ms / 1000);
	return xasprintf("no reply from kube-auditd within %.1f s", timeout_ms / 1000.0);
}

/* Waits for events on fd until deadline. 1 ready, 0 timed out, -1 error. */
static int
wait_fd(int fd, short events, uint64_t deadline)
{
	struct pollfd p = {.fd = fd, .events = events};

	for (;;) {
		int n = poll(&p, 1, ms_left(deadline));

		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 ? -1 : n > 0;
	}
}

/* Reads up to n bytes. Returns the count, 0 at end of file, -1 with errno
 * (ETIMEDOUT when the deadline passed). */
static ssize_t
read_some(int fd, char *buf, size_t n, uint64_t deadline)
{
	for (;;) {
		ssize_t r = recv(fd, buf, n, MSG_DONTWAIT);

		if (r >= 0)
			return r;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		switch (wait_fd(fd, POLLIN, deadline)) {
		case 0:
			errno = ETIMEDOUT;
			return -1;
		case -1:
			return -1;
		}
	}
}

/* Sends all of buf; -1 with errno (ETIMEDOUT when the deadline passed). */
static int
send_all(int fd, const char *buf, size_t n, uint64_t deadline)
{
	while (n > 0) {
		ssize_t w = send(fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w >= 0) {
			buf += w;
			n -= (size_t)w;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		switch (wait_fd(fd, POLLOUT, deadline)) {
		case 0:
			errno = ETIMEDOUT;
			return -1;
		case -1:
			return -1;
		}
	}
	return 0;
}

/* A decimal number of at most maxdigits digits, nothing else. */
static int
parse_num(const char *s, int maxdigits, unsigned long long *out)
{
	unsigned long long v = 0;
	int n = 0;

	for (; *s; s++, n++) {
		if (*s < '0' || *s > '9' || n == maxdigits)
			return -1;
		v = v * 10 + (unsigned)(*s - '0');
	}
	if (n == 0)
		return -1;
	*out = v;
	return 0;
}

/* "KA/1 OK|ERR EXIT LENGTH" (newline removed). Returns 0, or -1 with *why. */
static int
parse_reply_header(char *line, int *ok, int *exit_status, size_t *len, char **why)
{
	char copy[SOCK_MAX_HEADER + 1], *w[4], *clean;
	unsigned long long ex, ln;
	int n;

	snprintf(copy, sizeof(copy), "%s", line); /* split_words cuts line */
	n = split_words(line, w, 4);
	if (n >= 1 && strcmp(w[0], SOCK_PROTO) != 0 && str_has_prefix(w[0], "KA/")) {
		clean = str_sanitize(w[0]);
		*why = xasprintf("protocol error: the daemon speaks %s, this client %s", clean,
				 SOCK_PROTO);
		free(clean);
		return -1;
	}
	if (n != 4 || strcmp(w[0], SOCK_PROTO) != 0 ||
	    (strcmp(w[1], "OK") != 0 && strcmp(w[1], "ERR") != 0) || parse_num(w[2], 3, &ex) < 0 ||
	    ex > 255 || parse_num(w[3], 10, &ln) < 0) {
		clean = str_sanitize(copy);
		*why = xasprintf("protocol error: malformed reply header \"%s\"", clean);
		free(clean);
		return -1;
	}
	if (ln > SOCK_MAX_REPLY) {
		*why = xasprintf("protocol error: reply of %llu bytes exceeds the limit of %u MiB",
				 ln, SOCK_MAX_REPLY >> 20);
		return -1;
	}
	*ok = strcmp(w[1], "OK") == 0;
	*exit_status = (int)ex;
	*len = (size_t)ln;
	return 0;
}

/* Connects with the deadline. Returns 0, or -1 with *err and errno. */
static int
client_connect(int fd, const char *path, const struct sockaddr_un *sa, int timeout_ms,
	       uint64_t deadline, char **err)
{
	struct timeval tv = {0};
	int left = ms_left(deadline);

	/* A blocking connect to a Unix socket whose backlog is full waits up
	 * to SO_SNDTIMEO, then fails with EAGAIN. */
	if (left >= 0) {
		tv.tv_sec = left / 1000;
		tv.tv_usec = (left % 1000) * 1000 + (left == 0);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	while (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0) {
		int e = errno;

		if (e == EINTR)
			continue;
		if (e == ENOENT || e == ECONNREFUSED || e == ENOTDIR)
			*err = xasprintf("kube-auditd is not running (nothing listens on %s)",
					 path);
		else if (e == EACCES || e == EPERM)
			*err = xasprintf("permission denied on %s: root or members of the "
					 "socket's group only",
					 path);
		else if (e == EAGAIN || e == EWOULDBLOCK || e == ETIMEDOUT)
			*err = timeout_text(timeout_ms);
		else
			*err = xasprintf("cannot connect to %s: %s", path, strerror(e));
		errno = (e == EAGAIN || e == EWOULDBLOCK) ? ETIMEDOUT : e == EPERM ? EACCES : e;
		return -1;
	}
	return 0;
}

/*
 * The request is sent as given, with a "\n" added when it has none, so
 * callers pass the whole line: "KA/1 report json". The reply body is
 * returned NUL-terminated (the terminator not counted in *len). On failure
 * errno tells the kind: ENOENT/ECONNREFUSED (no daemon), EACCES (the socket
 * file's mode or owner refused us), ETIMEDOUT, EPROTO (malformed reply).
 */
int
sock_call(const char *path, const char *request, int timeout_ms, char **body, size_t *len, int *ok,
	  int *exit_status, char **err)
{
	struct sockaddr_un sa;
	char head[SOCK_MAX_HEADER + 1], *nl = NULL, *buf = NULL;
	size_t hlen = 0, got, want = 0, rlen = strlen(request);
	uint64_t deadline = timeout_ms > 0 ? now_ms() + (uint64_t)timeout_ms : 0;
	int fd = -1, send_errno = 0, rc = -1, e = EPROTO;
	struct sbuf req = {0};
	ssize_t n;

	*body = NULL;
	*len = 0;
	*err = NULL;
	if (sockaddr_fill(&sa, path, err) < 0)
		return -1;
	sbuf_add(&req, request);
	if (rlen == 0 || request[rlen - 1] != '\n')
		sbuf_addc(&req, '\n');
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		e = errno;
		*err = xasprintf("socket: %s", strerror(e));
		goto out;
	}
	if (client_connect(fd, path, &sa, timeout_ms, deadline, err) < 0) {
		e = errno;
		goto out;
	}
	if (send_all(fd, req.s, req.len, deadline) < 0) {
		if (errno == ETIMEDOUT) {
			e = ETIMEDOUT;
			*err = timeout_text(timeout_ms);
			goto out;
		}
		/* The daemon may have answered and closed before reading
		 * (access denied): its reply is still there to read. */
		send_errno = errno;
	}
	while (nl == NULL) {
		if (hlen == SOCK_MAX_HEADER) {
			*err = xasprintf("protocol error: reply header longer than %d bytes",
					 SOCK_MAX_HEADER);
			goto out;
		}
		n = read_some(fd, head + hlen, SOCK_MAX_HEADER - hlen, deadline);
		if (n < 0) {
			e = errno;
			if (e == ETIMEDOUT)
				*err = timeout_text(timeout_ms);
			else
				*err = xasprintf("lost the connection to kube-auditd on %s: %s",
						 path, strerror(e));
			goto out;
		}
		if (n == 0) {
			if (hlen == 0 && send_errno) {
				e = send_errno;
				*err = xasprintf("lost the connection to kube-auditd on %s: %s",
						 path, strerror(e));
			} else if (hlen == 0) {
				*err = xstrdup("protocol error: kube-auditd closed the connection "
					       "without a reply");
			} else {
				*err = xstrdup("protocol error: truncated reply header");
			}
			goto out;
		}
		nl = memchr(head + hlen, '\n', (size_t)n);
		hlen += (size_t)n;
	}
	*nl = '\0';
	if (parse_reply_header(head, ok, exit_status, &want, err) < 0)
		goto out;
	buf = xmalloc(want + 1);
	got = hlen - (size_t)(nl + 1 - head);
	if (got > want)
		got = want; /* bytes after the announced length are ignored */
	memcpy(buf, nl + 1, got);
	while (got < want) {
		n = read_some(fd, buf + got, want - got, deadline);
		if (n < 0 && errno == ETIMEDOUT) {
			e = ETIMEDOUT;
			*err = timeout_text(timeout_ms);
			goto out;
		}
		/* ECONNRESET too: our request was still unread when the
		 * daemon closed, so what we have is all there is */
		if (n <= 0) {
			*err = xasprintf("protocol error: reply truncated (%zu of %zu bytes)", got,
					 want);
			goto out;
		}
		got += (size_t)n;
	}
	buf[want] = '\0';
	*body = buf;
	*len = want;
	buf = NULL;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	sbuf_free(&req);
	if (rc < 0)
		errno = e;
	return rc;
}
