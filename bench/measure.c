/* measure.c - benchmark harness (not part of kube-auditd).
 *
 *   measure RUNS -- COMMAND [ARGS...]
 *       runs COMMAND RUNS times (stdout to /dev/null) and prints the median,
 *       p90 and minimum wall time in ms and the median and maximum peak RSS
 *       in KiB, from wait4()'s rusage.
 *   measure --sweep RUNS
 *       reads every /proc/PID/cmdline RUNS times (the cost of a bare sweep)
 *       and prints the median time in ms and the number of processes.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
sweep(int *nprocs)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char path[64], buf[65536];
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		int fd;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		close(fd);
		n++;
	}
	closedir(d);
	*nprocs = n;
	return 0;
}

int
main(int argc, char **argv)
{
	int runs;
	double *t;
	long *rss;

	if (argc >= 3 && strcmp(argv[1], "--sweep") == 0) {
		int n = 0;

		runs = atoi(argv[2]);
		t = calloc(runs, sizeof(*t));
		for (int i = 0; i < runs; i++) {
			double t0 = now_ms();

			sweep(&n);
			t[i] = now_ms() - t0;
		}
		qsort(t, runs, sizeof(*t), cmp_d);
		printf("sweep processes=%d runs=%d median_ms=%.3f min_ms=%.3f\n", n, runs,
		       t[runs / 2], t[0]);
		return 0;
	}
	if (argc < 4 || strcmp(argv[2], "--") != 0) {
		fprintf(stderr,
			"usage: measure RUNS -- COMMAND [ARGS...] | measure --sweep RUNS\n");
		return 2;
	}
	runs = atoi(argv[1]);
	t = calloc(runs, sizeof(*t));
	rss = calloc(runs, sizeof(*rss));
	for (int i = 0; i < runs; i++) {
		struct rusage ru;
		int status;
		double t0 = now_ms();
		pid_t pid = fork();

		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);

			dup2(null, 1);
			execv(argv[3], argv + 3);
			_exit(127);
		}
		wait4(pid, &status, 0, &ru);
		t[i] = now_ms() - t0;
		rss[i] = ru.ru_maxrss;
		if (!WIFEXITED(status) || WEXITSTATUS(status) > 2) {
			fprintf(stderr, "measure: command failed (status %d)\n", status);
			return 1;
		}
	}
	qsort(t, runs, sizeof(*t), cmp_d);
	{
		long max = 0;
		double *r = calloc(runs, sizeof(*r));

		for (int i = 0; i < runs; i++) {
			r[i] = rss[i];
			if (rss[i] > max)
				max = rss[i];
		}
		qsort(r, runs, sizeof(*r), cmp_d);
		printf("runs=%d median_ms=%.3f p90_ms=%.3f min_ms=%.3f median_rss_kib=%.0f "
		       "max_rss_kib=%ld\n",
		       runs, t[runs / 2], t[runs * 9 / 10], t[0], r[runs / 2], max);
	}
	return 0;
}
