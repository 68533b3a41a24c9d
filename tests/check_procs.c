/* check_procs.c - tests of checks/procs.c against real processes.
 *
 * The stub (tests/ka-stub, or $KA_STUB) is started under component names
 * with real flags. The scan sees every process of the host, including other
 * suites' stubs, so tests only assert about the pids they started. Every
 * child gets PR_SET_PDEATHSIG: Check ends a failing test with _exit, which
 * runs no teardown, and a stub left behind would sleep forever.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "procs.h"
#include "testutil.h"

#ifndef TOP_BUILDDIR
#define TOP_BUILDDIR "."
#endif

enum { C_API, C_KCM, C_ETCD, C_KUBELET, NCOMPS };
static const char *const n_api[] = {"kube-apiserver", NULL};
static const char *const n_kcm[] = {"kube-controller-manager", NULL};
static const char *const n_etcd[] = {"etcd", NULL};
static const char *const n_kubelet[] = {"kubelet", NULL};
static const char *const *const names[NCOMPS] = {n_api, n_kcm, n_etcd, n_kubelet};

/* The tree, made by the unchecked fixture in the runner process, so that it
 * is removed even when a test fails:
 *   bin/kube-apiserver, bin/notkube, bin/kubelet   copies of the stub
 *   bin/kube-controller-manager                    symlink to the stub
 *   run/                                           pid files */
static char *tdir;
static char stub[PATH_MAX];
static char bin_api[PATH_MAX], bin_kcm[PATH_MAX], bin_notkube[PATH_MAX], bin_kubelet[PATH_MAX];

/* Children of the current test (in the test's own process). */
#define MAXKIDS 64
static pid_t kids[MAXKIDS];
static int nkids;

#define TP_UNSHARE_MNT 1 /* start the child in a new mount namespace */

/* ---- helpers ---- */

static void
tp_copy(const char *src, const char *dst)
{
	char buf[65536];
	ssize_t n;
	int in, out;

	in = open(src, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(in >= 0, "open %s: %s", src, strerror(errno));
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	ck_assert_msg(out >= 0, "open %s: %s", dst, strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ck_assert_int_eq(write(out, buf, (size_t)n), n);
	ck_assert_int_eq(n, 0);
	close(in);
	ck_assert_int_eq(close(out), 0);
}

static void
tree_setup(void)
{
	const char *s = getenv("KA_STUB");
	char path[PATH_MAX];

	if (s == NULL || *s == '\0')
		s = TOP_BUILDDIR "/tests/ka-stub";
	ck_assert_msg(realpath(s, stub) != NULL, "stub %s: %s (build tests/ka-stub or set KA_STUB)",
		      s, strerror(errno));
	tdir = tu_mkdtemp();
	/* mkdtemp's parent may itself be a symlink: exe links are canonical */
	ck_assert(realpath(tdir, path) != NULL);
	free(tdir);
	tdir = strdup(path);
	tu_mkdirs(tdir, "bin");
	tu_mkdirs(tdir, "run");
	snprintf(bin_api, sizeof(bin_api), "%s/bin/kube-apiserver", tdir);
	snprintf(bin_kcm, sizeof(bin_kcm), "%s/bin/kube-controller-manager", tdir);
	snprintf(bin_notkube, sizeof(bin_notkube), "%s/bin/notkube", tdir);
	snprintf(bin_kubelet, sizeof(bin_kubelet), "%s/bin/kubelet", tdir);
	tp_copy(stub, bin_api);
	tp_copy(stub, bin_notkube);
	tp_copy(stub, bin_kubelet);
	ck_assert_int_eq(symlink(stub, bin_kcm), 0);
	/* test_exe_unprivileged execs bin/kubelet as uid 65534 */
	ck_assert_int_eq(chmod(tdir, 0755), 0);
}

static void
tree_teardown(void)
{
	tu_rmtree(tdir);
	free(tdir);
	tdir = NULL;
}

static void
tp_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* Starts file with argv and a minimal environment (the pid file and the
 * strings of extra). Waits until the stub has written its pid file, i.e.
 * until /proc shows the new program, and checks the pid in it. */
static pid_t
tp_start(const char *file, char *const argv[], const char *const extra[], int flags)
{
	static int seq;
	char pidfile[PATH_MAX], envpid[PATH_MAX + 32], *content;
	char *envp[16];
	pid_t parent = getpid(), pid;
	int n = 0, status;

	ck_assert_int_lt(nkids, MAXKIDS);
	snprintf(pidfile, sizeof(pidfile), "%s/run/%d-%d.pid", tdir, (int)parent, seq++);
	unlink(pidfile);
	snprintf(envpid, sizeof(envpid), "KA_STUB_PIDFILE=%s", pidfile);
	envp[n++] = envpid;
	for (int i = 0; extra && extra[i] && n < 15; i++)
		envp[n++] = (char *)extra[i];
	envp[n] = NULL;

	pid = fork();
	ck_assert_msg(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		struct rlimit rl;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(126);
		/* The kernel sizes the argument area from the stack limit at
		 * execve: make room for the megabyte-sized command lines. */
		if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
		    rl.rlim_cur < 32UL << 20) {
			rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 32UL << 20
					      ? 32UL << 20
					      : rl.rlim_max;
			setrlimit(RLIMIT_STACK, &rl);
		}
		if ((flags & TP_UNSHARE_MNT) && unshare(CLONE_NEWNS) < 0)
			_exit(77);
		execve(file, argv, envp);
		_exit(127);
	}
	kids[nkids++] = pid;
	for (int ms = 0; access(pidfile, F_OK) < 0; ms++) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			kids[nkids - 1] = 0;
			if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
				return 0; /* could not unshare: the caller skips */
			ck_abort_msg("%s exited early (status 0x%x)", file, status);
		}
		ck_assert_msg(ms < 10000, "%s: no pid file after 10 s", file);
		tp_sleep_ms(1);
	}
	content = tu_slurp(pidfile);
	ck_assert_ptr_nonnull(content);
	ck_assert_int_eq(atoi(content), pid);
	free(content);
	return pid;
}

/* Stops a child with sig and returns its wait status. */
static int
tp_stop(pid_t pid, int sig)
{
	int status = -1;

	for (int i = 0; i < nkids; i++)
		if (kids[i] == pid)
			kids[i] = 0;
	kill(pid, sig);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

static void
kids_setup(void)
{
	nkids = 0;
}

static void
kids_teardown(void)
{
	for (int i = 0; i < nkids; i++)
		if (kids[i] > 0)
			tp_stop(kids[i], SIGTERM);
	nkids = 0;
}

static const struct proc *
tp_find(const struct proclist *pl, pid_t pid)
{
	for (size_t i = 0; i < pl->nprocs; i++)
		if (pl->procs[i].pid == pid)
			return &pl->procs[i];
	return NULL;
}

static const char *
tp_base(const char *s)
{
	const char *b = strrchr(s, '/');

	return b ? b + 1 : s;
}

/* Start time read the way proc(5) describes it, independently of procs.c:
 * the 20th space-separated field after the last ')'. */
static unsigned long long
tp_start_time(pid_t pid)
{
	char path[64], *buf, *s, *save = NULL;
	unsigned long long v = 0;
	int field = 2;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	buf = tu_slurp(path);
	ck_assert_ptr_nonnull(buf);
	s = strrchr(buf, ')');
	ck_assert_ptr_nonnull(s);
	for (char *t = strtok_r(s + 1, " ", &save); t; t = strtok_r(NULL, " ", &save))
		if (++field == 22) {
			v = strtoull(t, NULL, 10);
			break;
		}
	free(buf);
	return v;
}

static void
tp_assert_argv(const struct proc *p, char *const argv[])
{
	size_t n = 0;

	while (argv[n])
		n++;
	ck_assert_uint_eq(p->argv.n, n);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_eq(strlen(p->argv.v[i]), strlen(argv[i]));
		ck_assert_msg(memcmp(p->argv.v[i], argv[i], strlen(argv[i])) == 0,
			      "pid %d argv[%zu] differs", (int)p->pid, i);
	}
	ck_assert_ptr_null(p->argv.v[n]);
}

static int
tp_count_fds(void)
{
	char path[64];
	int n = 0;

	for (int fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (access(path, F_OK) == 0)
			n++;
	}
	return n;
}

static int nwarnings;

static void
tp_log_hook(enum log_level lvl, const char *msg, void *arg)
{
	(void)arg;
	if (lvl <= LOG_LVL_WARN) {
		nwarnings++;
		fprintf(stderr, "procs warning: %s\n", msg);
	}
}

/* ---- identity ---- */

START_TEST(test_identity)
{
	char *api_argv[] = {bin_api, "--authorization-mode=Node,RBAC",	      "--anonymous-auth",
			    "false", "--etcd-servers=https://127.0.0.1:2379", NULL};
	char *kcm_argv[] = {bin_kcm, "--use-service-account-credentials=true", "--profiling=false",
			    NULL};
	char *sh_argv[] = {"sh", "-c", "kube-apiserver --x", NULL};
	char *grep_argv[] = {bin_notkube, "kube-apiserver", "--x", NULL};
	char *etcd_argv[] = {"/weird/path/etcd", "--data-dir=/var/lib/etcd", NULL};
	char *kubelet_argv[] = {"node-agent", "--config=/var/lib/kubelet/config.yaml", NULL};
	pid_t api, kcm, sh, grep, etcd, kubelet;
	struct proclist pl;
	const struct proc *p;

	api = tp_start(bin_api, api_argv, NULL, 0);
	kcm = tp_start(bin_kcm, kcm_argv, NULL, 0);
	sh = tp_start(bin_notkube, sh_argv, NULL, 0);
	grep = tp_start(bin_notkube, grep_argv, NULL, 0);
	etcd = tp_start(stub, etcd_argv, NULL, 0);
	kubelet = tp_start(bin_kubelet, kubelet_argv, NULL, 0);

	ck_assert_int_eq(procs_scan(&pl, names, NCOMPS), 0);
	ck_assert_int_ge(pl.nvisited, 7);
	ck_assert_int_ge(pl.nvisited, (int)pl.nprocs);
	ck_assert_int_eq(pl.hidepid, procs_hidepid() == 1);

	/* by argv[0], a copy of the stub under the component's name */
	p = tp_find(&pl, api);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->comp, C_API);
	tp_assert_argv(p, api_argv);
	ck_assert_ptr_nonnull(p->exe);
	ck_assert_str_eq(p->exe, bin_api);
	ck_assert_uint_eq(p->euid, geteuid());
	ck_assert_uint_ne(p->start_time, 0);
	ck_assert_uint_eq(p->start_time, tp_start_time(api));
	ck_assert_int_eq(p->other_mntns, 0);
	ck_assert_int_eq(p->env_loaded, 0);

	/* by argv[0] through a symlink: exe names the stub, comm is cut to
	 * "kube-controller" */
	p = tp_find(&pl, kcm);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->comp, C_KCM);
	tp_assert_argv(p, kcm_argv);
	ck_assert_str_eq(p->exe, stub);
	ck_assert_uint_eq(p->start_time, tp_start_time(kcm));

	/* mentioning a component in argv does not make one */
	ck_assert_ptr_null(tp_find(&pl, sh));
	ck_assert_ptr_null(tp_find(&pl, grep));

	/* by argv[0]'s basename when the file has another name */
	p = tp_find(&pl, etcd);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->comp, C_ETCD);
	tp_assert_argv(p, etcd_argv);
	ck_assert_str_eq(p->exe, stub);

	/* by exe when argv[0] names something else */
	p = tp_find(&pl, kubelet);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->comp, C_KUBELET);
	ck_assert_str_eq(p->argv.v[0], "node-agent");
	ck_assert_str_eq(p->exe, bin_kubelet);

	ck_assert_ptr_null(tp_find(&pl, getpid()));
	for (size_t i = 1; i < pl.nprocs; i++)
		ck_assert_int_lt(pl.procs[i - 1].pid, pl.procs[i].pid);
	for (size_t i = 0; i < pl.nprocs; i++) {
		ck_assert_int_ge(pl.procs[i].comp, 0);
		ck_assert_int_lt(pl.procs[i].comp, NCOMPS);
		ck_assert_uint_gt(pl.procs[i].argv.n, 0);
	}
	proclist_free(&pl);
	ck_assert_ptr_null(pl.procs);
	ck_assert_uint_eq(pl.nprocs, 0);
}
END_TEST

/* A binary replaced on disk since it started still identifies its process:
 * the kernel appends " (deleted)" to the exe link. */
START_TEST(test_deleted_exe)
{
	char dir[64], file[PATH_MAX + 80];
	char *argv[] = {"runner", "--listen-client-urls=https://127.0.0.1:2379", NULL};
	struct proclist pl;
	const struct proc *p;
	pid_t pid;

	snprintf(dir, sizeof(dir), "del-%d", (int)getpid());
	tu_mkdirs(tdir, dir);
	snprintf(file, sizeof(file), "%s/%s/etcd", tdir, dir);
	tp_copy(stub, file);
	pid = tp_start(file, argv, NULL, 0);
	ck_assert_int_eq(unlink(file), 0);

	ck_assert_int_eq(procs_scan(&pl, names, NCOMPS), 0);
	p = tp_find(&pl, pid);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->comp, C_ETCD);
	ck_assert_ptr_nonnull(p->exe);
	ck_assert_msg(str_has_suffix(p->exe, "/etcd (deleted)"), "exe %s", p->exe);
	proclist_free(&pl);
}
END_TEST

/* Kernel threads and zombies have an empty cmdline (libproc2 shows "-"),
 * and are never components, whatever the names. */
START_TEST(test_kernel_threads_and_zombies)
{
	static const char *const odd[] = {"-", "kthreadd", "[kthreadd]", NULL};
	static const char *const *const oddnames[] = {n_api, odd};
	char *argv[] = {bin_api, "--soon-a-zombie=true", NULL};
	struct proclist pl;
	char *comm;
	pid_t z;
	int zombie = 0;

	z = tp_start(bin_api, argv, NULL, 0);
	ck_assert_int_eq(procs_scan(&pl, oddnames, 2), 0);
	ck_assert_ptr_nonnull(tp_find(&pl, z));
	proclist_free(&pl);

	/* killed but not reaped (the teardown reaps it): a zombie */
	kill(z, SIGTERM);
	for (int i = 0; i < 10000 && !zombie; i++) {
		char path[64], *st;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)z);
		st = tu_slurp(path);
		zombie = st && strstr(st, ") Z ");
		free(st);
		if (!zombie)
			tp_sleep_ms(1);
	}
	ck_assert(zombie);
	ck_assert_int_eq(procs_scan(&pl, oddnames, 2), 0);
	ck_assert_ptr_null(tp_find(&pl, z));
	comm = tu_slurp("/proc/2/comm");
	if (comm && strcmp(comm, "kthreadd\n") == 0)
		ck_assert_ptr_null(tp_find(&pl, 2));
	free(comm);
	for (size_t i = 0; i < pl.nprocs; i++) {
		ck_assert_uint_gt(pl.procs[i].argv.n, 0);
		ck_assert_int_eq(pl.procs[i].comp, 0);
	}
	proclist_free(&pl);
}
END_TEST

/* The daemon's look at new PIDs: the first poll only learns; a component
 * started afterwards is reported once (by argv[0] and, under another name,
 * by exe), a plain process never, and nothing twice. The components have
 * names of this test's own, so that processes other tests start on the
 * machine meanwhile are not theirs. */
START_TEST(test_watch_new)
{
	char wa[PATH_MAX], wb[PATH_MAX], na[64], nb[64];
	const char *ka[] = {na, NULL}, *kb[] = {nb, NULL};
	const char *const *const wnames[2] = {ka, kb};
	char *a_argv[] = {wa, "--x", NULL};
	char *b_argv[] = {"node-agent", "--config=/c.yaml", NULL};
	char *plain_argv[] = {bin_notkube, na, NULL};
	struct procs_watch w = {0};
	pid_t old, found = 0, a, b;
	int comp = -1;

	snprintf(na, sizeof(na), "kawatch-a-%d", (int)getpid());
	snprintf(nb, sizeof(nb), "kawatch-b-%d", (int)getpid());
	snprintf(wa, sizeof(wa), "%s/bin/%s", tdir, na);
	snprintf(wb, sizeof(wb), "%s/bin/%s", tdir, nb);
	tp_copy(stub, wa);
	tp_copy(stub, wb);
	old = tp_start(wa, a_argv, NULL, 0);
	ck_assert_int_eq(procs_watch_poll(&w, wnames, 2, &found, &comp), 0);
	ck_assert_int_eq(w.primed, 1);
	/* nothing new: nothing reported, the running one included */
	ck_assert_int_eq(procs_watch_poll(&w, wnames, 2, &found, &comp), 0);
	/* a process that only mentions a component */
	tp_start(bin_notkube, plain_argv, NULL, 0);
	ck_assert_int_eq(procs_watch_poll(&w, wnames, 2, &found, &comp), 0);
	/* a new one, by argv[0] */
	a = tp_start(wa, a_argv, NULL, 0);
	ck_assert_int_eq(procs_watch_poll(&w, wnames, 2, &found, &comp), 1);
	ck_assert_int_eq(found, a);
	ck_assert_int_eq(comp, 0);
	ck_assert_int_eq(procs_watch_poll(&w, wnames, 2, &found, &comp), 0);
	/* one known only by its executable */
	b = tp_start(wb, b_argv, NULL, 0);
	ck_assert_int_eq(procs_watch_poll(&w, wnames, 2, &found, &comp), 1);
	ck_assert_int_eq(found, b);
	ck_assert_int_eq(comp, 1);
	/* one that exits is simply gone */
	tp_stop(old, SIGTERM);
	ck_assert_int_eq(procs_watch_poll(&w, wnames, 2, &found, &comp), 0);
	procs_watch_free(&w);
	ck_assert_ptr_null(w.pids);
}
END_TEST

START_TEST(test_no_components)
{
	static const char *const *const nullnames[] = {NULL, n_api};
	struct proclist pl;
	pid_t api;
	char *argv[] = {bin_api, NULL};

	ck_assert_int_eq(procs_scan(&pl, names, 0), 0);
	ck_assert_uint_eq(pl.nprocs, 0);
	ck_assert_int_ge(pl.nvisited, 1);
	proclist_free(&pl);
	proclist_free(&pl); /* idempotent */

	/* a NULL name list is a component that matches nothing */
	api = tp_start(bin_api, argv, NULL, 0);
	ck_assert_int_eq(procs_scan(&pl, nullnames, 2), 0);
	ck_assert_ptr_nonnull(tp_find(&pl, api));
	ck_assert_int_eq(tp_find(&pl, api)->comp, 1);
	proclist_free(&pl);
}
END_TEST

/* ---- argv bytes ---- */

START_TEST(test_big_argv)
{
	enum { BIG = 100 * 1024, NBIG = 10 };
	char *argv[NBIG + 4];
	size_t total = 0;
	struct proclist pl;
	const struct proc *p;
	pid_t pid;
	int n = 0;

	argv[n++] = bin_api;
	for (int i = 0; i < NBIG; i++) {
		char *a = malloc(BIG + 1);

		ck_assert_ptr_nonnull(a);
		for (size_t j = 0; j < BIG; j++)
			a[j] = (char)('a' + (j * 7 + (size_t)i) % 26);
		memcpy(a, "--x=", 4);
		a[BIG] = '\0';
		argv[n++] = a;
		total += BIG + 1;
	}
	/* libproc2 splits at newlines: this must stay one argument */
	argv[n++] = "--two=line one\nline two\n";
	argv[n++] = "--last";
	argv[n] = NULL;
	ck_assert_uint_ge(total, 1000 * 1024);

	pid = tp_start(bin_api, argv, NULL, 0);
	ck_assert_int_eq(procs_scan(&pl, names, NCOMPS), 0);
	p = tp_find(&pl, pid);
	ck_assert_ptr_nonnull(p);
	tp_assert_argv(p, argv);
	proclist_free(&pl);
	for (int i = 1; i <= NBIG; i++)
		free(argv[i]);
}
END_TEST

START_TEST(test_raw_bytes)
{
	char *argv[] = {bin_api,
			"--token-auth-file=/etc/k\xff\xfe\x80.csv",
			"caf\xc3\xa9",
			"",
			"--ctl=\x01\x1b[0m\x7f",
			"",
			NULL};
	struct proclist pl;
	const struct proc *p;
	pid_t pid;

	pid = tp_start(bin_api, argv, NULL, 0);
	ck_assert_int_eq(procs_scan(&pl, names, NCOMPS), 0);
	p = tp_find(&pl, pid);
	ck_assert_ptr_nonnull(p);
	tp_assert_argv(p, argv); /* also the empty arguments, the last one too */
	ck_assert_str_eq(p->argv.v[1], "--token-auth-file=/etc/k\xff\xfe\x80.csv");
	proclist_free(&pl);
}
END_TEST

/* ---- environ ---- */

START_TEST(test_environ)
{
	static const char *const env[] = {"KA_TEST_VAR=hello world",
					  "KA_TEST_EQ=a=b=c",
					  "KA_TEST_DUP=first",
					  "KA_TEST_DUP=second",
					  "ETCD_DATA_DIR=/var/lib/etcd-test",
					  "KA_TEST_EMPTY=",
					  NULL};
	char *argv[] = {bin_api, "--v=2", NULL};
	struct proclist pl;
	struct proc *p;
	pid_t pid;
	size_t n;

	pid = tp_start(bin_api, argv, env, 0);
	ck_assert_int_eq(procs_scan(&pl, names, NCOMPS), 0);
	p = (struct proc *)tp_find(&pl, pid);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_null(procs_getenv(p, "KA_TEST_VAR")); /* not read yet */

	ck_assert_int_eq(procs_read_environ(p), 0);
	ck_assert_int_eq(p->env_loaded, 1);
	ck_assert_int_eq(p->env_err, 0);
	ck_assert_uint_eq(p->env.n, 7); /* the pid file and the six above */
	ck_assert_str_eq(procs_getenv(p, "KA_TEST_VAR"), "hello world");
	ck_assert_str_eq(procs_getenv(p, "KA_TEST_EQ"), "a=b=c");
	ck_assert_str_eq(procs_getenv(p, "KA_TEST_DUP"), "first");
	ck_assert_str_eq(procs_getenv(p, "ETCD_DATA_DIR"), "/var/lib/etcd-test");
	ck_assert_str_eq(procs_getenv(p, "KA_TEST_EMPTY"), "");
	ck_assert_ptr_nonnull(procs_getenv(p, "KA_STUB_PIDFILE"));
	ck_assert_ptr_null(procs_getenv(p, "KA_TEST"));
	ck_assert_ptr_null(procs_getenv(p, "KA_TEST_VAR=hello"));
	ck_assert_ptr_null(procs_getenv(p, ""));
	ck_assert_ptr_null(procs_getenv(p, "HOME"));

	/* read once */
	n = p->env.n;
	ck_assert_int_eq(procs_read_environ(p), 0);
	ck_assert_uint_eq(p->env.n, n);
	proclist_free(&pl);
}
END_TEST

START_TEST(test_environ_errors)
{
	char *argv[] = {bin_api, NULL};
	struct proc q;
	pid_t pid, gone;
	int status;

	pid = tp_start(bin_api, argv, NULL, 0);

	/* a pid reused by another process: the start time differs */
	memset(&q, 0, sizeof(q));
	q.pid = pid;
	q.start_time = tp_start_time(pid) + 12345;
	ck_assert_int_eq(procs_read_environ(&q), -1);
	ck_assert_int_eq(q.env_loaded, 1);
	ck_assert_int_eq(q.env_err, ESRCH);
	ck_assert_uint_eq(q.env.n, 0);
	ck_assert_int_eq(procs_read_environ(&q), -1); /* the answer is kept */

	/* a process that is gone */
	gone = fork();
	ck_assert_int_ge(gone, 0);
	if (gone == 0)
		_exit(0);
	waitpid(gone, NULL, 0);
	memset(&q, 0, sizeof(q));
	q.pid = gone;
	ck_assert_int_eq(procs_read_environ(&q), -1);
	ck_assert_msg(q.env_err == ENOENT || q.env_err == ESRCH, "env_err %d", q.env_err);

	/* not permitted: another user may not read root's environ */
	if (geteuid() != 0)
		return;
	gone = fork();
	ck_assert_int_ge(gone, 0);
	if (gone == 0) {
		struct proc r;

		memset(&r, 0, sizeof(r));
		r.pid = pid;
		r.start_time = tp_start_time(pid);
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			_exit(100);
		if (procs_read_environ(&r) != -1)
			_exit(101);
		_exit(r.env_err == EACCES ? 0 : 102);
	}
	ck_assert_int_eq(waitpid(gone, &status, 0), gone);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status 0x%x", status);
}
END_TEST

/* ---- processes that come and go ---- */

static volatile sig_atomic_t spawner_stop;

static void
spawner_on_term(int sig)
{
	(void)sig;
	spawner_stop = 1;
}

/* Starts kube-apiserver stubs and plain children that die at once, until
 * SIGTERM. Runs as a child of the test. The short-lived ones get SIGKILL:
 * between fork and exec they still carry our SIGTERM handler, which would
 * swallow a SIGTERM and let the stub live on. */
static void
spawner_run(pid_t parent)
{
	char *argv[] = {bin_api, "--short-lived=true", NULL};
	char *envp[] = {NULL};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = spawner_on_term;
	sigaction(SIGTERM, &sa, NULL);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(0);
	for (unsigned i = 0; !spawner_stop; i++) {
		pid_t me = getpid(), c = fork();

		if (c == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != me)
				_exit(0);
			if (i % 3 == 2)
				_exit(0);
			execve(bin_api, argv, envp);
			_exit(127);
		}
		if (c < 0)
			continue;
		if (i % 3 == 1) /* let some live long enough to be listed */
			tp_sleep_ms((long)(i / 3 % 4));
		kill(c, SIGKILL);
		/* our own SIGTERM interrupts the wait: still reap c */
		while (waitpid(c, NULL, 0) < 0 && errno == EINTR)
			;
	}
	_exit(0);
}

START_TEST(test_vanishing)
{
	char *argv[] = {bin_api, "--long-lived=true", NULL};
	struct proclist pl;
	pid_t api, spawner, parent = getpid();
	int fds, seen = 0, status;

	api = tp_start(bin_api, argv, NULL, 0);
	spawner = fork();
	ck_assert_int_ge(spawner, 0);
	if (spawner == 0)
		spawner_run(parent);
	kids[nkids++] = spawner;

	fds = tp_count_fds();
	nwarnings = 0;
	log_set_hook(tp_log_hook, NULL);
	for (int round = 0; round < 40; round++) {
		const struct proc *p;

		ck_assert_int_eq(procs_scan(&pl, names, NCOMPS), 0);
		p = tp_find(&pl, api);
		ck_assert_ptr_nonnull(p);
		tp_assert_argv(p, argv);
		for (size_t i = 0; i < pl.nprocs; i++) {
			const struct proc *q = &pl.procs[i];
			const char *const *n;
			int ok = 0;

			ck_assert_uint_gt(q->argv.n, 0);
			ck_assert_int_ge(q->comp, 0);
			ck_assert_int_lt(q->comp, NCOMPS);
			for (n = names[q->comp]; *n; n++)
				ok |= strcmp(tp_base(q->argv.v[0]), *n) == 0;
			ck_assert_msg(ok || q->exe, "pid %d: no identity", (int)q->pid);
			if (q->pid != api && q->argv.n == 2 &&
			    strcmp(q->argv.v[1], "--short-lived=true") == 0)
				seen++;
		}
		proclist_free(&pl);
	}
	log_set_hook(NULL, NULL);
	ck_assert_int_eq(nwarnings, 0);
	ck_assert_int_eq(tp_count_fds(), fds);
	status = tp_stop(spawner, SIGTERM);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "spawner 0x%x", status);
	fprintf(stderr, "test_vanishing: short-lived stubs caught in 40 scans: %d\n", seen);
}
END_TEST

/* Unprivileged, exe answers only for our own processes: uid 65534 finds
 * its own stub by exe, but not root's (whose exe it may not read). Exit
 * status bit 0: own found as kubelet, bit 1: root's found; 100+ on errors. */
static void
exe_unprivileged(pid_t rootpid)
{
	char *argv[] = {"node-agent", "--unprivileged=true", NULL};
	char *envp[] = {NULL};
	char path[64], *cmd = NULL;
	struct proclist pl;
	const struct proc *p;
	pid_t me, kid;
	int code = 0, fd;

	/* opened while still root, for when the tree sits in a directory
	 * that uid 65534 cannot search (a 0700 /tmp) */
	fd = open(bin_kubelet, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
		_exit(100);
	/* setuid made us undumpable, which closes /proc/self/fd: fexecve
	 * falls back to that path where execveat is missing (valgrind) */
	prctl(PR_SET_DUMPABLE, 1);
	me = getpid();
	kid = fork();
	if (kid < 0)
		_exit(101);
	if (kid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != me)
			_exit(0);
		execve(bin_kubelet, argv, envp);
		fexecve(fd, argv, envp);
		_exit(127);
	}
	close(fd);
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)kid);
	for (int ms = 0; ms < 10000; ms++) {
		cmd = tu_slurp(path);
		if (cmd && strcmp(cmd, "node-agent") == 0)
			break;
		free(cmd);
		cmd = NULL;
		/* both execs failed: valgrind turns fexecve into an exec
		 * by path, which fails where execve did */
		if (waitpid(kid, NULL, WNOHANG) == kid)
			_exit(77);
		tp_sleep_ms(1);
	}
	if (cmd == NULL)
		code = 102;
	free(cmd);
	if (code == 0 && procs_scan(&pl, names, NCOMPS) == 0) {
		p = tp_find(&pl, kid);
		code |= p && p->comp == C_KUBELET && p->exe ? 1 : 0;
		code |= tp_find(&pl, rootpid) ? 2 : 0;
		proclist_free(&pl);
	} else if (code == 0) {
		code = 103;
	}
	kill(kid, SIGKILL);
	waitpid(kid, NULL, 0);
	_exit(code);
}

START_TEST(test_exe_unprivileged)
{
	char *argv[] = {"node-agent", "--root=true", NULL};
	pid_t rootpid, pid;
	int status;

	if (geteuid() != 0) {
		fprintf(stderr, "test_exe_unprivileged: not root, skipped\n");
		return;
	}
	rootpid = tp_start(bin_kubelet, argv, NULL, 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		exe_unprivileged(rootpid);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77) {
		fprintf(stderr, "test_exe_unprivileged: uid 65534 cannot exec the stub, skipped\n");
		return;
	}
	ck_assert_msg(WEXITSTATUS(status) == 1, "status %d", WEXITSTATUS(status));
}
END_TEST

/* ---- namespaces and hidepid ---- */

START_TEST(test_other_mntns)
{
	char *argv[] = {bin_api, "--in-a-pod=true", NULL};
	struct proclist pl;
	const struct proc *p;
	pid_t pid, host;

	host = tp_start(bin_api, argv, NULL, 0);
	pid = tp_start(bin_api, argv, NULL, TP_UNSHARE_MNT);
	if (pid == 0) {
		fprintf(stderr, "test_other_mntns: cannot unshare a mount namespace, skipped\n");
		return;
	}
	ck_assert_int_eq(procs_scan(&pl, names, NCOMPS), 0);
	p = tp_find(&pl, pid);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->other_mntns, 1);
	p = tp_find(&pl, host);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->other_mntns, 0);
	proclist_free(&pl);
}
END_TEST

struct hp_case {
	const char *opts;
	int root;    /* expected procs_hidepid() as root */
	int nobody;  /* ... as uid 65534 */
	gid_t group; /* supplementary group for the unprivileged reader */
};

/* As uid 65534: procs_hidepid(), and whether a scan sees pid. Exit status
 * bit 0: hidepid, bit 1: pid seen, bit 2: pl.hidepid; 100+ on errors.
 * No scan under subset=pid: /proc/uptime is hidden there, and libproc2 4.0.2
 * then computes with an uninitialised value that valgrind reports (harmless:
 * it only feeds the elapsed-time items, which procs.c does not ask for). */
static void
hp_unprivileged(gid_t group, pid_t pid, int scan)
{
	struct proclist pl;
	int r, code;

	if (setgroups(group ? 1 : 0, &group) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
		_exit(100);
	r = procs_hidepid();
	if (r != 0 && r != 1)
		_exit(101);
	if (!scan)
		_exit(r);
	if (procs_scan(&pl, names, NCOMPS) < 0)
		_exit(102);
	code = r | (tp_find(&pl, pid) ? 2 : 0) | (pl.hidepid ? 4 : 0);
	proclist_free(&pl);
	_exit(code);
}

/* procs_hidepid() as uid 65534, from a child. */
static int
hp_nobody(void)
{
	pid_t kid = fork();
	int status;

	if (kid == 0)
		hp_unprivileged(0, 0, 0);
	if (kid < 0 || waitpid(kid, &status, 0) != kid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* In its own mount namespace: mounts a fresh proc on /proc for each case
 * and checks the answers. Exit 0 when all hold, 77 when mounting is not
 * possible here, the failing case's number + 1 otherwise. */
static void
hp_run(pid_t api)
{
	static const struct hp_case cases[] = {
		{"hidepid=2", 0, 1, 0},
		{"hidepid=invisible", 0, 1, 0},
		{"hidepid=1", 0, 1, 0},
		{"hidepid=0", 0, 0, 0},
		{"", 0, 0, 0},
		{"subset=pid", 0, 1, 0},
		{"hidepid=ptraceable", 0, 1, 0},
		{"hidepid=2,gid=4242", 0, 0, 4242},
		{"hidepid=2,gid=4242", 0, 1, 0},
	};

	const unsigned long fl = MS_NOSUID | MS_NODEV | MS_NOEXEC;

	if (unshare(CLONE_NEWNS) < 0 || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0)
		_exit(77);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct hp_case *c = &cases[i];
		int scan = strstr(c->opts, "subset=pid") == NULL;
		pid_t kid;
		int status, hidden, bad;

		if (mount("proc", "/proc", "proc", fl, c->opts) < 0) {
			if (i == 0)
				_exit(77);
			fprintf(stderr, "mount proc -o %s: %s\n", c->opts, strerror(errno));
			_exit((int)i + 1);
		}
		if (procs_hidepid() != c->root) {
			fprintf(stderr, "case %zu (%s): root got 1\n", i, c->opts);
			_exit((int)i + 1);
		}
		kid = fork();
		if (kid == 0)
			hp_unprivileged(c->group, api, scan);
		if (kid < 0 || waitpid(kid, &status, 0) != kid || !WIFEXITED(status))
			_exit((int)i + 1);
		status = WEXITSTATUS(status);
		/* hidepid=2/invisible hides the directories themselves */
		hidden = strstr(c->opts, "hidepid=2") || strstr(c->opts, "invisible") ||
			 strstr(c->opts, "ptraceable");
		bad = status >= 100 || (status & 1) != c->nobody;
		if (scan) /* bit 2 as expected; the stub seen unless hidden */
			bad |= !!(status & 4) != c->nobody ||
			       (hidden && c->nobody && (status & 2)) ||
			       (!c->nobody && !(status & 2));
		if (bad) {
			fprintf(stderr, "case %zu (%s): status %d as uid 65534\n", i, c->opts,
				status);
			_exit((int)i + 1);
		}
		if (umount2("/proc", MNT_DETACH) < 0)
			_exit((int)i + 1);
	}
	/* stacked mounts: the topmost one counts */
	if (mount("proc", "/proc", "proc", fl, "hidepid=0") < 0 ||
	    mount("proc", "/proc", "proc", fl, "hidepid=2") < 0 || hp_nobody() != 1)
		_exit(50);
	if (umount2("/proc", MNT_DETACH) < 0 || hp_nobody() != 0)
		_exit(51);
	_exit(0);
}

START_TEST(test_hidepid)
{
	char *argv[] = {bin_api, "--root-owned=true", NULL};
	pid_t api, pid;
	int status;

	ck_assert_int_ge(procs_hidepid(), 0);
	ck_assert_int_le(procs_hidepid(), 1);
	if (geteuid() != 0) {
		fprintf(stderr, "test_hidepid: not root, mount cases skipped\n");
		return;
	}
	api = tp_start(bin_api, argv, NULL, 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		hp_run(api);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77) {
		fprintf(stderr, "test_hidepid: cannot mount proc here, mount cases skipped\n");
		return;
	}
	/* exit status: failing case number + 1; 50, 51: stacked mounts */
	ck_assert_msg(WEXITSTATUS(status) == 0, "hidepid: exit %d", WEXITSTATUS(status));
}
END_TEST

/* ---- the stub itself ---- */

START_TEST(test_stub_contract)
{
	char *argv[] = {bin_api, "--any", "args", NULL};
	pid_t pid;
	int status;

	pid = tp_start(bin_api, argv, NULL, 0); /* checks the pid file */
	status = tp_stop(pid, SIGTERM);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "SIGTERM: 0x%x", status);
	pid = tp_start(bin_api, argv, NULL, 0);
	status = tp_stop(pid, SIGINT);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "SIGINT: 0x%x", status);
}
END_TEST

static Suite *
procs_suite(void)
{
	Suite *s = suite_create("procs");
	TCase *tc = tcase_create("procs");

	tcase_add_unchecked_fixture(tc, tree_setup, tree_teardown);
	tcase_add_checked_fixture(tc, kids_setup, kids_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_identity);
	tcase_add_test(tc, test_watch_new);
	tcase_add_test(tc, test_deleted_exe);
	tcase_add_test(tc, test_kernel_threads_and_zombies);
	tcase_add_test(tc, test_no_components);
	tcase_add_test(tc, test_big_argv);
	tcase_add_test(tc, test_raw_bytes);
	tcase_add_test(tc, test_environ);
	tcase_add_test(tc, test_environ_errors);
	tcase_add_test(tc, test_vanishing);
	tcase_add_test(tc, test_exe_unprivileged);
	tcase_add_test(tc, test_other_mntns);
	tcase_add_test(tc, test_hidepid);
	tcase_add_test(tc, test_stub_contract);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(procs_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
