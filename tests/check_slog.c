/* check_slog.c - the non-blocking syslog client (checks/slog.c) against a
 * real datagram socket made here:
 *   - a message arrives in syslog(3)'s form: <PRI>Mmm dd hh:mm:ss TAG[PID]: MSG;
 *   - a burst far larger than the socket's queue is delivered whole, in
 *     order, to a receiver that reads slowly (nothing dropped);
 *   - a receiver that never reads: 10,000 messages return at once (a
 *     blocking client would hang here until Check's timeout); what does not
 *     fit the queue is counted as dropped; once the receiver reads again,
 *     the queue drains, and the next message is preceded by a notice
 *     saying how many were dropped; on a busy machine notices may come
 *     in between, and together they announce every drop;
 *   - drops, then room again: the notice takes the first free slot, before
 *     the next message, and counts exactly the drops until then;
 *   - the receiver goes away and comes back at the same path: a message
 *     meanwhile is dropped, and delivery resumes with the notice.
 */
#include "config.h"

#include <check.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "slog.h"
#include "testutil.h"
#include "util.h"

static int
receiver(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* A log daemon of the test's own: a datagram socket at DIR/log, and slog
 * opened on it with the tag "ka-test". */
struct rx {
	char *dir, *path;
	int fd;
};

static void
rx_open(struct rx *r, int facility)
{
	r->dir = tu_mkdtemp();
	r->path = xasprintf("%s/log", r->dir);
	r->fd = receiver(r->path);
	slog_open("ka-test", facility, r->path);
}

static void
rx_close(struct rx *r)
{
	slog_close();
	close(r->fd);
	unlink(r->path);
	free(r->path);
	tu_rmtree(r->dir);
	free(r->dir);
}

/* The next datagram, waiting up to 3 s for it (delivery is asynchronous),
 * or NULL when none comes. */
static char *
take(int fd)
{
	char buf[9000];
	struct pollfd p = {.fd = fd, .events = POLLIN};
	ssize_t n;

	if (poll(&p, 1, 3000) != 1)
		return NULL;
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

START_TEST(t_format)
{
	struct rx r;
	char *m, *want;

	rx_open(&r, LOG_LOCAL3);
	slog(LOG_WARNING, "id=1.1.1 old=PASS new=FAIL");
	m = take(r.fd);
	ck_assert_ptr_nonnull(m);
	/* <PRI> is facility | severity: local3 (19 << 3) + warning (4) */
	ck_assert_msg(strncmp(m, "<156>", 5) == 0, "%s", m);
	/* "Mmm dd hh:mm:ss " then the tag, the pid and the text */
	ck_assert_msg(strlen(m) > 21 && m[8] == ' ' && m[14] == ':' && m[17] == ':' && m[20] == ' ',
		      "timestamp: %s", m);
	want = xasprintf("ka-test[%ld]: id=1.1.1 old=PASS new=FAIL", (long)getpid());
	ck_assert_str_eq(m + 21, want);
	ck_assert_uint_eq(slog_dropped(), 0);
	free(want);
	free(m);
	rx_close(&r);
}
END_TEST

START_TEST(t_burst)
{
	struct rx r;
	char *m;

	rx_open(&r, LOG_DAEMON);
	for (int i = 0; i < 1000; i++) {
		char msg[32];

		snprintf(msg, sizeof(msg), "message %d", i);
		slog(LOG_INFO, msg);
	}
	/* the receiver reads only now, one at a time */
	for (int i = 0; i < 1000; i++) {
		char want[40];

		m = take(r.fd);
		ck_assert_msg(m != NULL, "message %d never came", i);
		snprintf(want, sizeof(want), ": message %d", i);
		ck_assert_msg(strstr(m, want) != NULL && strstr(m, want)[strlen(want)] == '\0',
			      "message %d out of order: %s", i, m);
		free(m);
	}
	ck_assert_uint_eq(slog_dropped(), 0);
	rx_close(&r);
}
END_TEST

/* The count a drop notice announces ("... N log message(s) dropped: ..."),
 * or 0 when M is not a notice. */
static unsigned long
notice_count(const char *m)
{
	const char *p = strstr(m, " log message(s) dropped");
	const char *q;

	if (p == NULL)
		return 0;
	ck_assert_msg(strstr(m, "<28>") == m, "the notice is a warning: %s", m);
	for (q = p; q > m && q[-1] >= '0' && q[-1] <= '9'; q--)
		;
	ck_assert_msg(q < p && q[-1] == ' ', "a notice without its count: %s", m);
	return strtoul(q, NULL, 10);
}

START_TEST(t_full_queue)
{
	struct rx r;
	char *m;
	size_t got = 0;
	unsigned long dropped, announced = 0, n;

	rx_open(&r, LOG_DAEMON);
	for (int i = 0; i < 10000; i++) {
		char msg[32];

		snprintf(msg, sizeof(msg), "message %d", i);
		slog(LOG_INFO, msg);
	}
	/* only slog() drops here (the receiver is there, the sender waits for
	 * it), so the count is final */
	dropped = slog_dropped();
	ck_assert_msg(dropped > 0, "10,000 unread messages and none dropped");
	/* the receiver reads again: every message queued arrives, in order.
	 * On a busy machine the sender may free a slot while slog() is still
	 * dropping, and slog() queues a notice of the drops so far there: in
	 * between the messages, or last when only drops followed it. */
	while (got + dropped < 10000 && (m = take(r.fd)) != NULL) {
		n = notice_count(m);
		if (n > 0)
			announced += n;
		else
			got++;
		free(m);
	}
	ck_assert_uint_eq(got + dropped, 10000);
	ck_assert_uint_eq(slog_dropped(), dropped);
	/* the next message comes after notices that, with those above,
	 * announce every drop (one notice of all of them on an idle machine) */
	slog(LOG_INFO, "after");
	while ((m = take(r.fd)) != NULL && (n = notice_count(m)) > 0) {
		announced += n;
		free(m);
	}
	ck_assert_uint_eq(announced, dropped);
	ck_assert_ptr_nonnull(m);
	ck_assert_msg(strstr(m, ": after") != NULL, "%s", m);
	free(m);
	rx_close(&r);
}
END_TEST

/* Drops, then room again: the notice goes in the first free slot, before
 * the next message, and says exactly how many were dropped until then. */
START_TEST(t_notice_between)
{
	struct rx r;
	char *m;
	unsigned long first, announced = 0;
	int waited = 0;

	rx_open(&r, LOG_DAEMON);
	for (int i = 0; i < 2 * SLOG_QUEUE; i++)
		slog(LOG_INFO, "before");
	first = slog_dropped();
	ck_assert_msg(first > 0, "%d unread messages and none dropped", 2 * SLOG_QUEUE);
	/* the receiver reads a few: the sender moves on and frees slots */
	for (int i = 0; i < 8; i++) {
		m = take(r.fd);
		ck_assert_ptr_nonnull(m);
		ck_assert_uint_eq(notice_count(m), 0);
		free(m);
	}
	/* room for the notice, "between" and "after" */
	while (slog_queued() > SLOG_QUEUE - 3 && waited++ < 300)
		usleep(10000);
	ck_assert_uint_le(slog_queued(), SLOG_QUEUE - 3);
	ck_assert_uint_eq(slog_dropped(), first);
	slog(LOG_INFO, "between");
	slog(LOG_INFO, "after");
	/* read everything: notices before "between" announce every drop so far
	 * (one notice of all of them, or, when the sender freed a slot while
	 * slog() was still dropping, one earlier too); nothing was dropped
	 * since, so "after" follows "between" with no notice */
	while ((m = take(r.fd)) != NULL && strstr(m, ": between") == NULL) {
		announced += notice_count(m);
		free(m);
	}
	ck_assert_msg(m != NULL, "\"between\" never came");
	free(m);
	ck_assert_uint_eq(announced, first);
	m = take(r.fd);
	ck_assert_ptr_nonnull(m);
	ck_assert_msg(strstr(m, ": after") != NULL, "%s", m);
	free(m);
	ck_assert_uint_eq(slog_dropped(), first);
	rx_close(&r);
}
END_TEST

START_TEST(t_reconnect)
{
	struct rx r;
	char *m;

	rx_open(&r, LOG_DAEMON);
	slog(LOG_INFO, "one");
	m = take(r.fd);
	ck_assert_ptr_nonnull(m);
	free(m);
	/* the log daemon goes away */
	close(r.fd);
	unlink(r.path);
	slog(LOG_INFO, "lost");
	for (int i = 0; i < 300 && slog_dropped() == 0; i++)
		usleep(10000);
	ck_assert_uint_eq(slog_dropped(), 1);
	/* and comes back at the same path; reconnecting waits a second after
	 * a failed attempt */
	r.fd = receiver(r.path);
	sleep(2);
	slog(LOG_INFO, "two");
	m = take(r.fd);
	ck_assert_ptr_nonnull(m);
	ck_assert_msg(strstr(m, "1 log message(s) dropped") != NULL, "%s", m);
	free(m);
	m = take(r.fd);
	ck_assert_ptr_nonnull(m);
	ck_assert_msg(strstr(m, ": two") != NULL, "%s", m);
	free(m);
	rx_close(&r);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("slog");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, t_format);
	tcase_add_test(tc, t_burst);
	tcase_add_test(tc, t_full_queue);
	tcase_add_test(tc, t_notice_between);
	tcase_add_test(tc, t_reconnect);
	suite_add_tcase(s, tc);
	return tu_run_suite(s);
}
