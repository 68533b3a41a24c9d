/* stub.c - stand-in for kube-apiserver, etcd, kubelet... in tests.
 *
 * Tests copy, hard-link or symlink it under a component's name and start it
 * with a real command line, so that procs_scan and the whole binary see a
 * process that looks like the component. It ignores its arguments, writes
 * its pid to $KA_STUB_PIDFILE when set (so a test knows it is running), and
 * sleeps until SIGTERM or SIGINT, then exits 0. It must stay tiny and must
 * not link libkubeauditd: it is the thing under observation, not a client.
 */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stub_done;

static void
stub_on_signal(int sig)
{
	(void)sig;
	stub_done = 1;
}

/* Written to a temporary name and renamed, so a reader polling for the file
 * never sees it empty. */
static int
stub_write_pidfile(const char *path)
{
	char tmp[4096], buf[32];
	int fd, len, n;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, len) != len) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	sigset_t block, old;
	const char *pidfile;

	(void)argc;
	(void)argv;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = stub_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	/* Block the signals until sigsuspend, so one that arrives between the
	 * check of stub_done and the wait cannot be lost. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);

	pidfile = getenv("KA_STUB_PIDFILE");
	if (pidfile && *pidfile && stub_write_pidfile(pidfile) < 0) {
		perror("ka-stub: pid file");
		return 1;
	}
	while (!stub_done)
		sigsuspend(&old);
	return 0;
}
