/* slog.h - a syslog client that never blocks.
 *
 * syslog(3) writes to /dev/log with a blocking send: when the log daemon
 * stops reading (stopped, stuck, overloaded) and the socket's queue is
 * full, the caller stops with it. For a daemon whose event loop must keep
 * answering its socket and its watchdog, that is an outage caused by
 * logging. slog sends the same messages (the RFC 3164 form glibc uses:
 * "<PRI>Mmm dd hh:mm:ss TAG[PID]: MSG") without ever waiting: a message the
 * socket cannot take now is dropped and counted, and the next message that
 * gets through is preceded by one saying how many were lost. A log daemon
 * that went away is reconnected to (at most once a second).
 *
 * Thread-safe (one mutex); process-wide, like openlog(3).
 */
#ifndef KA_SLOG_H
#define KA_SLOG_H

#define SLOG_PATH "/dev/log"

/* Sets the tag, the facility (LOG_DAEMON, ...) and the socket path (NULL:
 * SLOG_PATH) and connects if it can; a log daemon that is not there yet is
 * not an error. */
void slog_open(const char *tag, int facility, const char *path);
/* Sends msg at priority prio (LOG_ERR, ...); never blocks. */
void slog(int prio, const char *msg);
/* Messages dropped since slog_open. */
unsigned long slog_dropped(void);
void slog_close(void);

#endif
