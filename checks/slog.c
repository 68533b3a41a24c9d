/* slog.c - a syslog client that never blocks; see slog.h. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "slog.h"
#include "util.h"

#define SLOG_MAX 8192 /* longer messages are cut, as syslog(3) implementations do */

static pthread_mutex_t slog_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char *tag;
	char *path;
	int facility;
	int fd;
	int stream;	       /* SOCK_STREAM: each message ends with a NUL */
	time_t last_try;       /* last failed connect */
	unsigned long dropped; /* since slog_open */
	unsigned long unsaid;  /* dropped and not yet reported */
} S = {.fd = -1};

static void
disconnect(void)
{
	if (S.fd >= 0)
		close(S.fd);
	S.fd = -1;
}

/* Connects to S.path; a datagram socket first, a stream one when the log
 * daemon listens that way. At most one failed attempt a second. */
static int
connect_log(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	time_t now = time(NULL);
	int types[] = {SOCK_DGRAM, SOCK_STREAM};

	if (S.fd >= 0)
		return 0;
	if (S.path == NULL || strlen(S.path) >= sizeof(sa.sun_path) || now == S.last_try)
		return -1;
	memcpy(sa.sun_path, S.path, strlen(S.path) + 1);
	for (size_t i = 0; i < 2; i++) {
		int fd = socket(AF_UNIX, types[i] | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

		if (fd < 0)
			break;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			S.fd = fd;
			S.stream = types[i] == SOCK_STREAM;
			return 0;
		}
		close(fd);
		if (errno != EPROTOTYPE)
			break;
	}
	S.last_try = now;
	return -1;
}

/* Formats one message in buf; returns its length (with the NUL a stream
 * needs). */
static size_t
format(char *buf, size_t cap, int prio, const char *msg)
{
	time_t now = time(NULL);
	struct tm tm;
	char stamp[32];
	int n;

	if (localtime_r(&now, &tm) == NULL || strftime(stamp, sizeof(stamp), "%b %e %T", &tm) == 0)
		snprintf(stamp, sizeof(stamp), "Jan  1 00:00:00");
	n = snprintf(buf, cap, "<%d>%s %s[%ld]: %s", S.facility | LOG_PRI(prio), stamp,
		     S.tag ? S.tag : "kube-auditd", (long)getpid(), msg);
	if (n < 0)
		return 0;
	if ((size_t)n >= cap)
		n = (int)cap - 1;
	return (size_t)n + (S.stream ? 1 : 0);
}

/* One send attempt, reconnecting once to a log daemon that restarted.
 * 0 sent, -1 not (the caller counts the drop). */
static int
send_one(int prio, const char *msg)
{
	char buf[SLOG_MAX];
	size_t len;
	ssize_t r;

	for (int attempt = 0; attempt < 2; attempt++) {
		if (connect_log() < 0)
			return -1;
		len = format(buf, sizeof(buf), prio, msg);
		r = send(S.fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (r == (ssize_t)len)
			return 0;
		if (r >= 0) {
			/* part of a stream message: its framing is lost */
			disconnect();
			return -1;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS || errno == EINTR)
			return -1; /* full: drop rather than wait */
		/* ECONNREFUSED, ENOTCONN, EPIPE...: the daemon went away */
		disconnect();
		S.last_try = 0;
	}
	return -1;
}

void
slog_open(const char *tag, int facility, const char *path)
{
	pthread_mutex_lock(&slog_mu);
	disconnect();
	free(S.tag);
	free(S.path);
	S.tag = xstrdup(tag ? tag : "kube-auditd");
	S.path = xstrdup(path ? path : SLOG_PATH);
	S.facility = facility & LOG_FACMASK;
	S.dropped = S.unsaid = 0;
	S.last_try = 0;
	(void)connect_log();
	pthread_mutex_unlock(&slog_mu);
}

void
slog(int prio, const char *msg)
{
	pthread_mutex_lock(&slog_mu);
	if (S.unsaid > 0) {
		char note[128];

		snprintf(note, sizeof(note),
			 "%lu log message(s) dropped: the log socket %s was full or absent",
			 S.unsaid, S.path ? S.path : SLOG_PATH);
		if (send_one(LOG_WARNING, note) == 0)
			S.unsaid = 0;
	}
	if (S.unsaid > 0 || send_one(prio, msg ? msg : "") < 0) {
		/* behind a lost notice, or itself not sent: keep the order */
		S.dropped++;
		S.unsaid++;
	}
	pthread_mutex_unlock(&slog_mu);
}

unsigned long
slog_dropped(void)
{
	unsigned long n;

	pthread_mutex_lock(&slog_mu);
	n = S.dropped;
	pthread_mutex_unlock(&slog_mu);
	return n;
}

void
slog_close(void)
{
	pthread_mutex_lock(&slog_mu);
	disconnect();
	free(S.tag);
	free(S.path);
	S.tag = S.path = NULL;
	pthread_mutex_unlock(&slog_mu);
}
