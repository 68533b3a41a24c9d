/* loop.c - epoll and timerfd helpers. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "loop.h"
#include "util.h"

struct loop {
	int epfd;
};

struct loop *
loop_new(void)
{
	struct loop *l = xcalloc(1, sizeof(*l));

	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		free(l);
		return NULL;
	}
	return l;
}

void
loop_free(struct loop *l)
{
	if (l == NULL)
		return;
	close(l->epfd);
	free(l);
}

static int
loop_ctl(struct loop *l, int op, struct loop_watch *w, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = w};

	return epoll_ctl(l->epfd, op, w->fd, &ev);
}

int
loop_add(struct loop *l, struct loop_watch *w, uint32_t events)
{
	return loop_ctl(l, EPOLL_CTL_ADD, w, events);
}

int
loop_mod(struct loop *l, struct loop_watch *w, uint32_t events)
{
	return loop_ctl(l, EPOLL_CTL_MOD, w, events);
}

void
loop_del(struct loop *l, struct loop_watch *w)
{
	(void)epoll_ctl(l->epfd, EPOLL_CTL_DEL, w->fd, NULL);
}

int
loop_run_once(struct loop *l, int timeout_ms)
{
	struct epoll_event evs[32];
	int n = epoll_wait(l->epfd, evs, 32, timeout_ms);

	if (n < 0)
		return errno == EINTR ? 0 : -1;
	for (int i = 0; i < n; i++) {
		struct loop_watch *w = evs[i].data.ptr;

		w->fn(w, evs[i].events);
	}
	return n;
}

int
loop_timer_new(void)
{
	return timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
}

int
loop_timer_set(int fd, uint64_t ms)
{
	struct itimerspec its = {0};

	its.it_value.tv_sec = (time_t)(ms / 1000);
	its.it_value.tv_nsec = (long)(ms % 1000) * 1000000L;
	return timerfd_settime(fd, 0, &its, NULL);
}

void
loop_timer_ack(int fd)
{
	uint64_t n;

	while (read(fd, &n, sizeof(n)) == (ssize_t)sizeof(n))
		;
}
