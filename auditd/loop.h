/* loop.h - the daemon's one event loop: epoll over descriptors, each with a
 * handler. Signals come in through a signalfd, time through timerfds, so
 * every event is a readable descriptor.
 *
 * Ownership: the loop owns its epoll descriptor (loop_free closes it); a
 * struct loop_watch belongs to whoever registered it and must stay valid
 * until loop_del. Handlers run on the loop's thread only.
 */
#ifndef KA_LOOP_H
#define KA_LOOP_H

#include <stdint.h>
#include <sys/epoll.h>

struct loop;
struct loop_watch;

typedef void (*loop_fn)(struct loop_watch *w, uint32_t events);

struct loop_watch {
	int fd;
	loop_fn fn;
	void *arg; /* the owner's context */
};

struct loop *loop_new(void); /* NULL with errno */
void loop_free(struct loop *l);
int loop_add(struct loop *l, struct loop_watch *w, uint32_t events); /* EPOLLIN... */
int loop_mod(struct loop *l, struct loop_watch *w, uint32_t events);
void loop_del(struct loop *l, struct loop_watch *w);
/* Waits up to timeout_ms (-1: forever) and runs the handlers of ready
 * descriptors. Returns the number run, or -1 with errno (EINTR is not an
 * error: 0). */
int loop_run_once(struct loop *l, int timeout_ms);

/* A timerfd (CLOCK_MONOTONIC, non-blocking, CLOEXEC). loop_timer_set arms it
 * to fire once after ms milliseconds (0 disarms); loop_timer_ack reads the
 * expiration count so the descriptor is no longer readable. */
int loop_timer_new(void);
int loop_timer_set(int fd, uint64_t ms);
void loop_timer_ack(int fd);

#endif
