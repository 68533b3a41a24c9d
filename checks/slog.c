/* slog.c - a syslog client that never blocks its callers; see slog.h.
 *
 * slog() formats the line and queues it; one thread of its own sends the
 * queue to the log socket, waiting for the log daemon as long as it must
 * (in steps of SLOG_STEP_MS, so that slog_close is never held up for long).
 * Only when the queue is full (SLOG_QUEUE lines: the log daemon has not read
 * for a long while) are lines dropped, counted, and announced before the
 * next line that is queued.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "slog.h"
#include "util.h"

#define SLOG_MAX 8192	   /* longer lines are cut, as syslog(3) implementations do */
#define SLOG_STEP_MS 250   /* a blocked send gives up and looks again this often */
#define SLOG_CLOSE_MS 1000 /* slog_close waits at most this long for the queue */

struct slog_line {
	struct slog_line *next;
	size_t len; /* without the NUL that ends text */
	char text[];
};

static pthread_mutex_t slog_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slog_cv = PTHREAD_COND_INITIALIZER;
static struct {
	/* under slog_mu */
	char *tag;
	char *path;
	int facility;
	struct slog_line *head, *tail;
	size_t queued;
	unsigned long dropped; /* since slog_open */
	unsigned long unsaid;  /* dropped and not yet announced */
	int running, closing;
	struct timespec close_by;
	pthread_t thr;
	/* the sender thread's own */
	int fd;
	int stream; /* SOCK_STREAM: each line ends with a NUL */
	time_t last_try;
} S = {.fd = -1};

static void
disconnect(void)
{
	if (S.fd >= 0)
		close(S.fd);
	S.fd = -1;
}

/* Connects to the log socket: a datagram socket first, a stream one when
 * the log daemon listens that way. At most one failed attempt a second. */
static int
connect_log(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct timeval tv = {.tv_sec = 0, .tv_usec = SLOG_STEP_MS * 1000};
	time_t now = time(NULL);
	int types[] = {SOCK_DGRAM, SOCK_STREAM};

	if (S.fd >= 0)
		return 0;
	if (strlen(path) >= sizeof(sa.sun_path) || now == S.last_try)
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	for (size_t i = 0; i < 2; i++) {
		int fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0);

		if (fd < 0)
			break;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			/* a send waits at most a step, then looks at closing */
			(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
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

static int
past_close_by(void)
{
	struct timespec now;
	int past;

	pthread_mutex_lock(&slog_mu);
	clock_gettime(CLOCK_MONOTONIC, &now);
	past = S.closing && (now.tv_sec > S.close_by.tv_sec || (now.tv_sec == S.close_by.tv_sec &&
								now.tv_nsec >= S.close_by.tv_nsec));
	pthread_mutex_unlock(&slog_mu);
	return past;
}

/* Sends one line, waiting for a log daemon that is there but slow; 0 sent,
 * -1 not (no log daemon, or closing and out of time). */
static int
send_line(const char *path, const struct slog_line *l)
{
	for (int reconnected = 0;;) {
		size_t len;
		ssize_t r;

		if (connect_log(path) < 0)
			return -1;
		len = l->len + (S.stream ? 1 : 0);
		r = send(S.fd, l->text, len, MSG_NOSIGNAL);
		if (r == (ssize_t)len)
			return 0;
		if (r >= 0) {
			/* part of a stream line: its framing is lost */
			disconnect();
			return -1;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ENOBUFS) {
			/* the log daemon is not reading now: wait, unless closing
			 * and out of time */
			if (past_close_by())
				return -1;
			continue;
		}
		/* ECONNREFUSED, ENOTCONN, EPIPE...: the log daemon went away;
		 * try a restarted one once at once */
		disconnect();
		if (reconnected++)
			return -1;
		S.last_try = 0;
	}
}

static void *
sender(void *arg)
{
	char *path = arg;

	for (;;) {
		struct slog_line *l;

		if (past_close_by())
			break; /* slog_close drops what is left */
		pthread_mutex_lock(&slog_mu);
		while (S.head == NULL && !S.closing)
			pthread_cond_wait(&slog_cv, &slog_mu);
		l = S.head;
		if (l == NULL) {
			pthread_mutex_unlock(&slog_mu);
			break; /* closing, and nothing left */
		}
		S.head = l->next;
		if (S.head == NULL)
			S.tail = NULL;
		S.queued--;
		pthread_mutex_unlock(&slog_mu);
		if (send_line(path, l) < 0) {
			pthread_mutex_lock(&slog_mu);
			S.dropped++;
			S.unsaid++;
			pthread_mutex_unlock(&slog_mu);
		}
		free(l);
	}
	disconnect();
	free(path);
	return NULL;
}

/* A line in syslog(3)'s form, "<PRI>Mmm dd hh:mm:ss TAG[PID]: MSG", queued
 * at the tail. Under slog_mu. */
static void
enqueue(int prio, const char *msg)
{
	time_t now = time(NULL);
	struct tm tm;
	char stamp[32];
	struct slog_line *l = xmalloc(sizeof(*l) + SLOG_MAX);
	int n;

	if (localtime_r(&now, &tm) == NULL || strftime(stamp, sizeof(stamp), "%b %e %T", &tm) == 0)
		snprintf(stamp, sizeof(stamp), "Jan  1 00:00:00");
	n = snprintf(l->text, SLOG_MAX, "<%d>%s %s[%ld]: %s", S.facility | LOG_PRI(prio), stamp,
		     S.tag, (long)getpid(), msg);
	l->len = n < 0 ? 0 : (size_t)n >= SLOG_MAX ? SLOG_MAX - 1 : (size_t)n;
	l = xrealloc(l, sizeof(*l) + l->len + 1);
	l->next = NULL;
	if (S.tail)
		S.tail->next = l;
	else
		S.head = l;
	S.tail = l;
	S.queued++;
}

void
slog_open(const char *tag, int facility, const char *path)
{
	sigset_t all, old;

	slog_close();
	pthread_mutex_lock(&slog_mu);
	S.tag = xstrdup(tag ? tag : "kube-auditd");
	S.path = xstrdup(path ? path : SLOG_PATH);
	S.facility = facility & LOG_FACMASK;
	S.dropped = S.unsaid = 0;
	S.closing = 0;
	S.last_try = 0;
	/* the sender takes no signal: a process-directed SIGTERM or SIGHUP
	 * must reach the thread that waits for it (the daemon's signalfd),
	 * not end the process here with the default action */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&S.thr, NULL, sender, xstrdup(S.path)) == 0)
		S.running = 1;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_mutex_unlock(&slog_mu);
}

void
slog(int prio, const char *msg)
{
	pthread_mutex_lock(&slog_mu);
	if (!S.running || S.closing) {
		pthread_mutex_unlock(&slog_mu);
		return;
	}
	if (S.unsaid > 0 && S.queued < SLOG_QUEUE) {
		char note[160];

		snprintf(note, sizeof(note),
			 "%lu log message(s) dropped: the log socket %s was full or absent",
			 S.unsaid, S.path);
		enqueue(LOG_WARNING, note);
		S.unsaid = 0;
	}
	if (S.queued < SLOG_QUEUE) {
		enqueue(prio, msg ? msg : "");
		pthread_cond_signal(&slog_cv);
	} else {
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

size_t
slog_queued(void)
{
	size_t n;

	pthread_mutex_lock(&slog_mu);
	n = S.queued;
	pthread_mutex_unlock(&slog_mu);
	return n;
}

void
slog_close(void)
{
	struct slog_line *l;
	int running;

	pthread_mutex_lock(&slog_mu);
	running = S.running;
	if (running) {
		S.closing = 1;
		clock_gettime(CLOCK_MONOTONIC, &S.close_by);
		S.close_by.tv_sec += SLOG_CLOSE_MS / 1000;
		pthread_cond_signal(&slog_cv);
	}
	pthread_mutex_unlock(&slog_mu);
	if (running)
		pthread_join(S.thr, NULL);
	pthread_mutex_lock(&slog_mu);
	/* what could not be sent in time */
	while ((l = S.head) != NULL) {
		S.head = l->next;
		free(l);
	}
	S.tail = NULL;
	S.queued = 0;
	S.running = S.closing = 0;
	free(S.tag);
	free(S.path);
	S.tag = S.path = NULL;
	pthread_mutex_unlock(&slog_mu);
}
