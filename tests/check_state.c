/* check_state.c - unit tests of the persisted report.
 *
 * Round trips are compared through report_to_json; failures are provoked for
 * real (an unprivileged child, a file size limit, a missing directory); the
 * crash test SIGKILLs a child in the middle of its saves 200 times and
 * requires every load to return one whole report the child wrote.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "state.h"
#include "testutil.h"

#define NOBODY 65534

/* ---- building reports ---- */

/* A report whose size grows with nres; its host name is its marker. */
static struct report *
make_report(const char *marker, size_t nres, size_t remediation_len)
{
	struct report *r = xcalloc(1, sizeof(*r));
	static const enum result_state st[] = {RS_PASS, RS_FAIL, RS_WARN, RS_SKIP, RS_ERROR};

	r->tool = xstrdup("kube-auditd");
	r->version = xstrdup("0.1.0");
	r->benchmark = xstrdup("cis-1.12");
	r->hostname = xstrdup(marker);
	strv_push(&r->roles, "control-plane");
	strv_push(&r->roles, "etcd");
	r->comps = xcalloc(1, sizeof(*r->comps));
	r->comps[0].name = xstrdup("kube-apiserver");
	r->comps[0].pid = 812;
	r->comps[0].exe = xstrdup("/usr/local/bin/kube-apiserver");
	r->ncomps = 1;
	r->started_at = xstrdup("2026-11-29T10:00:00Z");
	r->duration_ms = 3.5;
	strv_push(&r->notes, "a note with é and \"quotes\"");
	for (size_t i = 0; i < nres; i++) {
		struct result *res = report_add_result(r);
		struct evidence *e;

		res->id = xasprintf("%zu.%zu.%zu", i / 100 + 1, i / 10 % 10 + 1, i % 10 + 1);
		res->section = xasprintf("%zu.%zu", i / 100 + 1, i / 10 % 10 + 1);
		res->title = xasprintf("Ensure that check %zu of %s holds", i, marker);
		res->state = st[(i * 7 + strlen(marker)) % RS__COUNT];
		res->automated = (int)(i % 3 != 0);
		res->component = xstrdup(i % 2 ? "kubelet" : "kube-apiserver");
		res->expected = xstrdup("mode 600 or stricter");
		res->actual = xasprintf("%zu", i);
		res->reason = xstrdup(res->state == RS_SKIP ? "not running here" : "");
		res->remediation = xmalloc(remediation_len + 1);
		memset(res->remediation, 'a' + (int)(i % 26), remediation_len);
		res->remediation[remediation_len] = '\0';
		e = result_add_evidence(res);
		e->source = EV_ARGV;
		e->pid = 812;
		e->index = (int)(i % 40);
		e->text = xasprintf("--flag-%zu=value", i);
		e = result_add_evidence(res);
		e->source = EV_FILE;
		e->file = xstrdup("/etc/kubernetes/manifests/kube-apiserver.yaml");
		e->has_stat = 1;
		e->mode = 0644;
		e->owner = xstrdup("root");
		e->group = xstrdup("root");
		e = result_add_evidence(res);
		e->source = EV_CONFIG;
		e->file = xstrdup("/var/lib/kubelet/config.yaml");
		e->line = (int)i + 1;
		e->text = xstrdup("readOnlyPort: 0");
	}
	report_count(r);
	return r;
}

static char *
path_in(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

/* Names in dir other than "." and "..", sorted, joined with spaces. */
static char *
dir_list(const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	struct strv names = {0};
	char *out;

	ck_assert_msg(n >= 0, "scandir %s: %s", dir, strerror(errno));
	for (int i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, ".."))
			strv_push(&names, ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	out = strv_join(&names, " ");
	strv_free(&names);
	return out;
}

static void
assert_dir_is(const char *dir, const char *want)
{
	char *got = dir_list(dir);

	ck_assert_msg(strcmp(got, want) == 0, "%s holds [%s], want [%s]", dir, got, want);
	free(got);
}

/* The name the error message says the corrupt file was moved to. */
static char *
aside_name(const char *err)
{
	const char *p = strstr(err, "; moved to ");
	const char *stamp;

	ck_assert_msg(p != NULL, "no 'moved to' in: %s", err);
	p += strlen("; moved to ");
	ck_assert_msg(str_has_prefix(p, "report.json.corrupt-"), "%s", err);
	stamp = p + strlen("report.json.corrupt-");
	/* YYYYmmddTHHMMSSZ, then an optional -N */
	ck_assert_msg(strlen(stamp) >= 16, "%s", err);
	for (int i = 0; i < 16; i++) {
		if (i == 8)
			ck_assert_int_eq(stamp[i], 'T');
		else if (i == 15)
			ck_assert_int_eq(stamp[i], 'Z');
		else
			ck_assert_msg(stamp[i] >= '0' && stamp[i] <= '9', "%s", err);
	}
	if (stamp[16]) {
		ck_assert_int_eq(stamp[16], '-');
		ck_assert(stamp[17] >= '1' && stamp[17] <= '9');
		ck_assert_uint_eq(strspn(stamp + 17, "0123456789"), strlen(stamp + 17));
	}
	return xstrdup(p);
}

/* ---- tests ---- */

START_TEST(test_round_trip)
{
	char *dir = tu_mkdtemp(), *err = NULL, *file = path_in(dir, "report.json");
	struct report *r = make_report("round \xff trip", 131, 80), *got;
	char *want = report_to_json(r), *text, *again, *content;
	struct stat st;

	ck_assert_msg(state_save(dir, r, &err) == 0, "%s", err);
	ck_assert_ptr_null(err);
	assert_dir_is(dir, "report.json");
	ck_assert_int_eq(stat(file, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	content = tu_slurp(file);
	text = xasprintf("%s\n", want);
	ck_assert_str_eq(content, text);

	got = state_load(dir, &err);
	ck_assert_msg(got != NULL, "%s", err);
	ck_assert_ptr_null(err);
	again = report_to_json(got);
	ck_assert_str_eq(again, want);
	ck_assert_uint_eq(got->nresults, 131);
	assert_dir_is(dir, "report.json");

	free(again);
	free(text);
	free(content);
	free(want);
	report_free(got);
	report_free(r);
	free(file);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_replace)
{
	char *dir = tu_mkdtemp(), *err = NULL;
	struct report *a = make_report("first", 3, 10), *b = make_report("second", 5, 10), *got;

	ck_assert_int_eq(state_save(dir, a, &err), 0);
	/* a umask does not loosen or tighten the state file */
	umask(077);
	ck_assert_int_eq(state_save(dir, b, &err), 0);
	got = state_load(dir, &err);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got->hostname, "second");
	ck_assert_uint_eq(got->nresults, 5);
	report_free(got);
	{
		char *file = path_in(dir, "report.json");
		struct stat st;

		ck_assert_int_eq(stat(file, &st), 0);
		ck_assert_uint_eq(st.st_mode & 07777, 0640);
		free(file);
	}
	assert_dir_is(dir, "report.json");
	report_free(a);
	report_free(b);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_missing)
{
	char *dir = tu_mkdtemp(), *err = (char *)"unset", *gone;
	struct report *got;

	errno = 0;
	got = state_load(dir, &err);
	ck_assert_ptr_null(got);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_null(err);

	gone = path_in(dir, "no/such/dir");
	err = (char *)"unset";
	got = state_load(gone, &err);
	ck_assert_ptr_null(got);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_null(err);
	free(gone);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* Bad state files and what the message must say about each. */
static const struct {
	const char *content;
	const char *says;
} corrupt_cases[] = {
	{"{ \"tool\": \"kube-auditd\", ", "line 1 column"},
	{"", "line 1 column"},
	{"[1, 2, 3]", "not a JSON object"},
	{"{\"tool\": \"other\", \"results\": []}", "not a kube-auditd report"},
	{"{\"tool\": \"kube-auditd\", \"results\": [{\"id\": \"1\", \"status\": \"MAYBE\"}]}",
	 "unknown status"},
	{"\n\n  {\"tool\": \"kube-auditd\"\n  \x01 }", "line 4 column"},
};

START_TEST(test_corrupt)
{
	char *dir = tu_mkdtemp(), *err = NULL, *file = path_in(dir, "report.json");
	const char *content = corrupt_cases[_i].content;
	char *name, *moved, *text, *name2 = NULL, *want_prefix;
	struct report *got, *good = make_report("good", 2, 4);

	tu_write(dir, "report.json", content, 0640);
	errno = 0;
	got = state_load(dir, &err);
	ck_assert_ptr_null(got);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(err);
	want_prefix = xasprintf("%s: corrupt (", file);
	ck_assert_msg(str_has_prefix(err, want_prefix), "%s", err);
	ck_assert_msg(strstr(err, corrupt_cases[_i].says) != NULL, "%s", err);
	{
		/* one clean line for a log, whatever the file held */
		char *clean = str_sanitize(err);

		ck_assert_str_eq(clean, err);
		free(clean);
	}
	name = aside_name(err);
	free(err);
	/* set aside, content intact, for a person to look at */
	ck_assert_int_eq(access(file, F_OK), -1);
	moved = path_in(dir, name);
	text = tu_slurp(moved);
	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text, content);
	free(text);

	/* the next load has nothing and says so quietly */
	err = NULL;
	ck_assert_ptr_null(state_load(dir, &err));
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_null(err);

	/* a second corrupt file never replaces the first */
	tu_write(dir, "report.json", "garbage", 0640);
	ck_assert_ptr_null(state_load(dir, &err));
	name2 = aside_name(err);
	free(err);
	ck_assert_str_ne(name, name2);
	if (strncmp(name, name2, strlen(name)) == 0)
		ck_assert_str_eq(name2 + strlen(name), "-1");
	text = tu_slurp(moved);
	ck_assert_str_eq(text, content);
	free(text);

	/* and the daemon replaces it with its next report */
	ck_assert_int_eq(state_save(dir, good, &err), 0);
	got = state_load(dir, &err);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got->hostname, "good");
	report_free(got);

	report_free(good);
	free(want_prefix);
	free(name);
	free(name2);
	free(moved);
	free(file);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* The same second gives -1, -2, ...: force it by pre-creating the names. */
START_TEST(test_corrupt_suffix)
{
	char *dir = tu_mkdtemp(), *err = NULL, *name;
	char stamp[32];
	struct tm tm;
	time_t now;
	int tries = 0;

	/* pre-create the plain name and -1 for this second and the next, so
	 * the load (within the next second) must use -2 */
	do {
		char *p;

		now = time(NULL);
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
		p = xasprintf("report.json.corrupt-%s", stamp);
		tu_write(dir, p, "first", 0600);
		free(p);
		p = xasprintf("report.json.corrupt-%s-1", stamp);
		tu_write(dir, p, "second", 0600);
		free(p);
		tu_write(dir, "report.json", "bad", 0640);
		ck_assert_ptr_null(state_load(dir, &err));
		name = aside_name(err);
		free(err);
		if (strstr(name, stamp))
			break;
		free(name);
		name = NULL;
	} while (++tries < 5);
	ck_assert_ptr_nonnull(name);
	ck_assert_msg(str_has_suffix(name, "-2"), "%s", name);
	{
		char *p = xasprintf("%s/report.json.corrupt-%s", dir, stamp);
		char *t = tu_slurp(p);

		ck_assert_str_eq(t, "first");
		free(t);
		free(p);
	}
	free(name);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_corrupt_odd_files)
{
	char *dir = tu_mkdtemp(), *err = NULL, *file = path_in(dir, "report.json");
	int fd;

	/* 64 MiB + 1 (sparse, so cheap) */
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (64L << 20) + 1), 0);
	close(fd);
	ck_assert_ptr_null(state_load(dir, &err));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_msg(strstr(err, "corrupt (larger than 64 MiB)") != NULL, "%s", err);
	free(err);
	ck_assert_int_eq(access(file, F_OK), -1);

	/* a NUL byte inside: JSON would stop reading there */
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	ck_assert_int_eq(write(fd, "{}\0{}", 5), 5);
	close(fd);
	ck_assert_ptr_null(state_load(dir, &err));
	ck_assert_msg(strstr(err, "NUL byte at offset 2") != NULL, "%s", err);
	free(err);

	/* a directory or a FIFO under the name: set aside, never a hang */
	ck_assert_int_eq(mkdir(file, 0755), 0);
	ck_assert_ptr_null(state_load(dir, &err));
	ck_assert_msg(strstr(err, "not a regular file") != NULL, "%s", err);
	free(err);
	ck_assert_int_eq(mkfifo(file, 0640), 0);
	ck_assert_ptr_null(state_load(dir, &err));
	ck_assert_msg(strstr(err, "not a regular file") != NULL, "%s", err);
	free(err);
	ck_assert_int_eq(symlink("/etc/passwd", file), 0);
	ck_assert_ptr_null(state_load(dir, &err));
	ck_assert_msg(strstr(err, "symbolic link") != NULL, "%s", err);
	free(err);
	ck_assert_int_eq(access(file, F_OK), -1);
	free(file);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_stale_temporaries)
{
	char *dir = tu_mkdtemp(), *err = NULL;
	struct report *r = make_report("x", 1, 1), *got;

	ck_assert_int_eq(state_save(dir, r, &err), 0);
	tu_write(dir, "report.json.tmpAbC123", "{ half a rep", 0600);
	tu_write(dir, "report.json.tmp", "", 0600);
	tu_write(dir, "keep.txt", "a person's file", 0600);
	tu_write(dir, "report.json.corrupt-20260101T000000Z", "kept", 0600);
	got = state_load(dir, &err);
	ck_assert_ptr_nonnull(got);
	assert_dir_is(dir, "keep.txt report.json report.json.corrupt-20260101T000000Z");
	report_free(got);
	report_free(r);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_save_missing_dir)
{
	char *dir = tu_mkdtemp(), *err = NULL, *gone = path_in(dir, "nope");
	struct report *r = make_report("x", 1, 1);

	errno = 0;
	ck_assert_int_eq(state_save(gone, r, &err), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, gone) != NULL, "%s", err);
	ck_assert_msg(strstr(err, strerror(ENOENT)) != NULL, "%s", err);
	free(err);
	report_free(r);
	free(gone);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* Exit codes of the children below: 0 when every expectation held. */
static int
child_expect_failure(const char *dir, const struct report *r, int want_errno, const char *word)
{
	char *err = NULL;
	int rc;

	errno = 0;
	rc = state_save(dir, r, &err);
	if (rc != -1)
		return 10;
	if (errno != want_errno)
		return 11;
	if (err == NULL || strstr(err, dir) == NULL)
		return 12;
	if (strstr(err, strerror(want_errno)) == NULL)
		return 13;
	if (word && strstr(err, word) == NULL)
		return 14;
	free(err);
	return 0;
}

static void
wait_child(pid_t pid)
{
	int status;

	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status), "child died of signal %d", WTERMSIG(status));
	ck_assert_msg(WEXITSTATUS(status) == 0, "child failed with %d", WEXITSTATUS(status));
}

START_TEST(test_unwritable_dir)
{
	char *dir = tu_mkdtemp(), *err = NULL, *file = path_in(dir, "report.json"), *before, *after;
	struct report *old = make_report("old", 3, 3), *new = make_report("new", 4, 3);
	pid_t pid;

	if (geteuid() != 0) {
		fprintf(stderr, "test_unwritable_dir: needs root to drop privileges; skipped\n");
		goto out;
	}
	ck_assert_int_eq(chown(dir, 0, 0), 0);
	ck_assert_int_eq(chmod(dir, 0755), 0);
	ck_assert_int_eq(state_save(dir, old, &err), 0);
	before = tu_slurp(file);
	pid = fork();
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setgid(NOBODY) < 0 || setuid(NOBODY) < 0)
			_exit(20);
		_exit(child_expect_failure(dir, new, EACCES, NULL));
	}
	wait_child(pid);
	after = tu_slurp(file);
	ck_assert_str_eq(after, before);
	assert_dir_is(dir, "report.json");
	free(before);
	free(after);
out:
	report_free(old);
	report_free(new);
	free(file);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* A write that fails half-way (file size limit: EFBIG) leaves the old file
 * and no temporary. */
START_TEST(test_write_fails)
{
	char *dir = tu_mkdtemp(), *err = NULL, *file = path_in(dir, "report.json"), *before, *after;
	struct report *old = make_report("old", 3, 3), *big = make_report("big", 200, 200);
	pid_t pid;

	ck_assert_int_eq(state_save(dir, old, &err), 0);
	before = tu_slurp(file);
	pid = fork();
	if (pid == 0) {
		struct rlimit rl = {.rlim_cur = 16384, .rlim_max = 16384};

		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
			_exit(20);
		_exit(child_expect_failure(dir, big, EFBIG, "write"));
	}
	wait_child(pid);
	after = tu_slurp(file);
	ck_assert_str_eq(after, before);
	assert_dir_is(dir, "report.json");
	free(before);
	free(after);
	report_free(old);
	report_free(big);
	free(file);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* ---- the crash test ---- */

#define CRASH_ITERATIONS 200
#define CRASH_BUDGET_S 120 /* under valgrind fewer iterations run; never fails on time */
#define NVARIANTS 4

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(test_crash)
{
	char *dir = tu_mkdtemp(), *err = NULL;
	struct report *v[NVARIANTS];
	char *json[NVARIANTS];
	size_t seen[NVARIANTS] = {0};
	double start = now_s();
	int it;

	/* small, a real node (131 results), about 1 MB, medium */
	v[0] = make_report("variant-0", 1, 10);
	v[1] = make_report("variant-1", 131, 200);
	v[2] = make_report("variant-2", 250, 4000);
	v[3] = make_report("variant-3", 300, 50);
	for (int k = 0; k < NVARIANTS; k++)
		json[k] = report_to_json(v[k]);
	ck_assert_msg(strlen(json[2]) > 900000, "%zu bytes", strlen(json[2]));
	/* a state file exists before the first kill: every load must succeed */
	ck_assert_int_eq(state_save(dir, v[0], &err), 0);
	srand((unsigned)getpid());

	for (it = 0; it < CRASH_ITERATIONS && now_s() - start < CRASH_BUDGET_S; it++) {
		struct report *got;
		char *gj, done[4096];
		ssize_t ndone = 0, n;
		pid_t pid;
		int status, k, p[2];
		unsigned first = (unsigned)it % NVARIANTS, last, next;
		struct pollfd pfd;

		ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			/* bounded even if the parent never kills it */
			alarm(60);
			close(p[0]);
			for (unsigned i = first;; i++) {
				char *e = NULL, c = (char)(i % NVARIANTS);

				if (state_save(dir, v[i % NVARIANTS], &e) < 0)
					_exit(3);
				/* tells the parent which save completed */
				if (write(p[1], &c, 1) != 1)
					_exit(4);
			}
		}
		close(p[1]);
		/* The kill falls 0-20 ms after the child's first completed save,
		 * so that saves of every size (a 1 MB one takes longer than 20
		 * ms with its fsync) are both completed and cut short. */
		pfd.fd = p[0];
		pfd.events = POLLIN;
		ck_assert_msg(poll(&pfd, 1, 30000) == 1, "no save completed in 30 s");
		usleep((useconds_t)(rand() % 20001));
		ck_assert_int_eq(kill(pid, SIGKILL), 0);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
			      "saving child ended with status %#x", status);
		while ((n = read(p[0], done + ndone, sizeof(done) - (size_t)ndone)) > 0)
			ndone += n;
		close(p[0]);
		ck_assert_int_ge(ndone, 1);
		/* the last save it reported, or the next one if the kill came
		 * between its rename and its report */
		last = (unsigned char)done[ndone - 1];
		next = (last + 1) % NVARIANTS;
		ck_assert_uint_eq(last, (first + (unsigned)ndone - 1) % NVARIANTS);

		got = state_load(dir, &err);
		ck_assert_msg(got != NULL, "iteration %d: %s", it, err ? err : strerror(errno));
		for (k = 0; k < NVARIANTS; k++)
			if (strcmp(got->hostname, v[k]->hostname) == 0)
				break;
		ck_assert_msg(k < NVARIANTS, "unknown report %s", got->hostname);
		ck_assert_msg((unsigned)k == last || (unsigned)k == next,
			      "iteration %d: loaded %s, the child last wrote variant-%u", it,
			      got->hostname, last);
		ck_assert_uint_eq(got->nresults, v[k]->nresults);
		gj = report_to_json(got);
		ck_assert_msg(strcmp(gj, json[k]) == 0, "iteration %d: %s differs", it,
			      got->hostname);
		seen[k]++;
		free(gj);
		report_free(got);
		/* the load removed what the killed save left */
		assert_dir_is(dir, "report.json");
	}
	fprintf(stderr, "test_crash: %d kills in %.1f s; loaded variants %zu %zu %zu %zu\n", it,
		now_s() - start, seen[0], seen[1], seen[2], seen[3]);
	ck_assert_int_ge(it, 10);
	for (int k = 0; k < NVARIANTS; k++) {
		free(json[k]);
		report_free(v[k]);
	}
	tu_rmtree(dir);
	free(dir);
}
END_TEST

static Suite *
state_suite(void)
{
	Suite *s = suite_create("state");
	TCase *tc = tcase_create("core");
	TCase *tcrash = tcase_create("crash");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_replace);
	tcase_add_test(tc, test_missing);
	tcase_add_loop_test(tc, test_corrupt, 0,
			    (int)(sizeof(corrupt_cases) / sizeof(corrupt_cases[0])));
	tcase_add_test(tc, test_corrupt_suffix);
	tcase_add_test(tc, test_corrupt_odd_files);
	tcase_add_test(tc, test_stale_temporaries);
	tcase_add_test(tc, test_save_missing_dir);
	tcase_add_test(tc, test_unwritable_dir);
	tcase_add_test(tc, test_write_fails);
	suite_add_tcase(s, tc);
	/* CRASH_BUDGET_S plus the last iteration and the clean-up */
	tcase_set_timeout(tcrash, CRASH_BUDGET_S + 120);
	tcase_add_test(tcrash, test_crash);
	suite_add_tcase(s, tcrash);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(state_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
