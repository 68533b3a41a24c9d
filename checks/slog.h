/* slog.h - a syslog client that never blocks its callers.
 *
 * syslog(3) writes to /dev/log with a blocking send: when the log daemon
 * stops reading (stopped, stuck, overloaded) and the socket's queue is
 * full (10 datagrams by default), the caller stops with it. For a daemon
 * whose event loop must keep answering its socket and its watchdog, that
 * is an outage caused by logging. slog queues the same lines (the RFC 3164
 * form glibc uses: "<PRI>Mmm dd hh:mm:ss TAG[PID]: MSG") and a thread of its
 * own sends them, waiting for a slow log daemon as long as it takes. Lines
 * are dropped only when SLOG_QUEUE of them wait (the log daemon has not
 * read for a long while) or no log daemon listens at all; they are counted,
 * and the next line queued is preceded by one saying how many were lost.
 * A log daemon that went away is reconnected to (at most once a second).
 *
 * Thread-safe; process-wide, like openlog(3).
 */
#ifndef KA_SLOG_H
#define KA_SLOG_H

#include <stddef.h>

#define SLOG_PATH "/dev/log"
#define SLOG_QUEUE 4096 /* lines waiting for the log daemon, at most */

/* Sets the tag, the facility (LOG_DAEMON, ...) and the socket path (NULL:
 * SLOG_PATH) and connects if it can; a log daemon that is not there yet is
 * not an error. */
void slog_open(const char *tag, int facility, const char *path);
/* Queues msg at priority prio (LOG_ERR, ...); never blocks. Nothing
 * happens before slog_open. */
void slog(int prio, const char *msg);
/* Lines dropped since slog_open; lines waiting to be sent. */
unsigned long slog_dropped(void);
size_t slog_queued(void);
/* Sends what is queued for at most a second, then stops the thread. */
void slog_close(void);

#endif
