/* check_files.c - unit tests of checks/files.c on real trees: real modes,
 * owners set at run time, links inside and out of the root. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "files.h"
#include "testutil.h"

/* Ids that should not exist on the host: their names can only come from
 * the tree's own passwd and group. */
#define ETCD_UID 4242
#define ETCD_GID 4243
#define NOBODY 65534

static const char *fake_passwd = "# the node's users\n"
				 "superuser:x:0:0:not the host's root:/root:/bin/sh\n"
				 "ka-etcd:x:4242:4243:etcd:/var/lib/etcd:/bin/false\n";
static const char *fake_group = "wheelish:x:0:\n"
				"ka-etcdgrp:x:4243:ka-etcd\n";

static char *tmp; /* the root, as a host path */
static struct froot *root;

static void
setup(void)
{
	tmp = tu_mkdtemp();
	/* mkdtemp makes 0700: nobody must be able to walk into it */
	ck_assert_int_eq(chmod(tmp, 0755), 0);
	tu_write(tmp, "etc/passwd", fake_passwd, 0644);
	tu_write(tmp, "etc/group", fake_group, 0644);
	root = froot_open(tmp);
	ck_assert_msg(root != NULL, "froot_open %s: %s", tmp, strerror(errno));
}

static void
teardown(void)
{
	froot_close(root);
	root = NULL;
	tu_rmtree(tmp);
	free(tmp);
	tmp = NULL;
}

static char *
hostpath(const char *rel)
{
	char *p = NULL;

	ck_assert_int_ge(asprintf(&p, "%s/%s", tmp, rel), 0);
	return p;
}

static void
mklink(const char *target, const char *rel)
{
	char *p = hostpath(rel);

	ck_assert_msg(symlink(target, p) == 0, "symlink %s: %s", p, strerror(errno));
	free(p);
}

static void
mkfifo_at(const char *rel)
{
	char *p = hostpath(rel);

	ck_assert_int_eq(mkfifo(p, 0644), 0);
	free(p);
}

static void
do_chown(const char *rel, uid_t uid, gid_t gid)
{
	char *p = hostpath(rel);

	ck_assert_msg(lchown(p, uid, gid) == 0, "chown %s: %s", p, strerror(errno));
	free(p);
}

static off_t
hostsize(const char *rel)
{
	char *p = hostpath(rel);
	struct stat st;

	ck_assert_int_eq(stat(p, &st), 0);
	free(p);
	return st.st_size;
}

/* Stats path and checks the errno-level outcome. */
static void
stat_expect(const char *path, int exists, int err, struct ffacts *f)
{
	ck_assert_int_eq(files_stat(root, path, f), 0);
	ck_assert_str_eq(f->path, path);
	ck_assert_msg(f->exists == exists && f->err == err,
		      "%s: exists=%d err=%d (%s), wanted %d/%d", path, f->exists, f->err,
		      strerror(f->err), exists, err);
}

static char *
read_fd(int fd)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	return strdup(buf);
}

/* ---- modes and owners ---- */

START_TEST(test_modes)
{
	static const mode_t modes[] = {0600, 0640, 0400, 0577, 04755, 0000};
	char buf[8], want[8];

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		char rel[32], path[40];
		struct ffacts f;

		snprintf(rel, sizeof(rel), "etc/kubernetes/f%zu", i);
		snprintf(path, sizeof(path), "/%s", rel);
		tu_write(tmp, rel, "data\n", modes[i]);
		stat_expect(path, 1, 0, &f);
		ck_assert_msg(S_ISREG(f.mode), "%s: not regular", path);
		ck_assert_uint_eq(f.mode & 07777, modes[i]);
		snprintf(want, sizeof(want), "%04o", (unsigned)modes[i]);
		ck_assert_str_eq(files_mode_str(f.mode, buf), want);
		ck_assert_int_eq(f.size, 5);
		ck_assert_ptr_null(f.link);
		ffacts_free(&f);
	}
}
END_TEST

START_TEST(test_dir_mode)
{
	struct ffacts f;

	tu_mkdirs(tmp, "var/lib/etcd");
	{
		char *p = hostpath("var/lib/etcd");

		ck_assert_int_eq(chmod(p, 0700), 0);
		free(p);
	}
	stat_expect("/var/lib/etcd", 1, 0, &f);
	ck_assert(S_ISDIR(f.mode));
	ck_assert_uint_eq(f.mode & 07777, 0700);
	ffacts_free(&f);
	/* the root itself */
	stat_expect("/", 1, 0, &f);
	ck_assert(S_ISDIR(f.mode));
	ck_assert_uint_eq(f.mode & 07777, 0755);
	ffacts_free(&f);
}
END_TEST

START_TEST(test_mode_str)
{
	char buf[8];

	ck_assert_str_eq(files_mode_str(S_IFREG | 0644, buf), "0644");
	ck_assert_str_eq(files_mode_str(S_IFDIR | 01777, buf), "1777");
	ck_assert_str_eq(files_mode_str(0, buf), "0000");
	ck_assert_str_eq(files_mode_str(06755, buf), "6755");
}
END_TEST

START_TEST(test_owners_from_node)
{
	struct ffacts f;
	unsigned id;

	if (geteuid() != 0) {
		fprintf(stderr, "test_owners_from_node: not root, chown part skipped\n");
		return;
	}
	tu_write(tmp, "var/lib/etcd/member", "x", 0600);
	do_chown("var/lib/etcd/member", ETCD_UID, ETCD_GID);
	stat_expect("/var/lib/etcd/member", 1, 0, &f);
	ck_assert_uint_eq(f.uid, ETCD_UID);
	ck_assert_uint_eq(f.gid, ETCD_GID);
	ck_assert_ptr_nonnull(f.owner);
	ck_assert_ptr_nonnull(f.group);
	ck_assert_str_eq(f.owner, "ka-etcd");
	ck_assert_str_eq(f.group, "ka-etcdgrp");
	ffacts_free(&f);

	/* uid 0 is named by the node's passwd, not by the host's */
	tu_write(tmp, "etc/kubernetes/admin.conf", "x", 0600);
	do_chown("etc/kubernetes/admin.conf", 0, 0);
	stat_expect("/etc/kubernetes/admin.conf", 1, 0, &f);
	ck_assert_uint_eq(f.uid, 0);
	ck_assert_str_eq(f.owner, "superuser");
	ck_assert_str_eq(f.group, "wheelish");
	ffacts_free(&f);

	/* an id the node does not name: numeric only, even if the host knows it */
	do_chown("etc/kubernetes/admin.conf", NOBODY, NOBODY);
	stat_expect("/etc/kubernetes/admin.conf", 1, 0, &f);
	ck_assert_uint_eq(f.uid, NOBODY);
	ck_assert_ptr_null(f.owner);
	ck_assert_ptr_null(f.group);
	ffacts_free(&f);

	ck_assert_int_eq(froot_user_id(root, "ka-etcd", &id), 0);
	ck_assert_uint_eq(id, ETCD_UID);
	ck_assert_int_eq(froot_group_id(root, "ka-etcdgrp", &id), 0);
	ck_assert_uint_eq(id, ETCD_GID);
	ck_assert_int_eq(froot_user_id(root, "root", &id), -1);
	ck_assert_int_eq(froot_group_id(root, "ka-etcd", &id), -1);
}
END_TEST

START_TEST(test_idfile_robust)
{
	struct froot *r;
	unsigned id;
	char *dir = hostpath("node2");
	static const char passwd[] = "# comment\n"
				     "\n"
				     "+nisuser::::::\n"
				     "noidfield\n"
				     "onecolon:x\n"
				     ":x:77:77::/:/bin/sh\n"
				     "negative:x:-5:0::/:/bin/sh\n"
				     "alpha:x:12ab:0::/:/bin/sh\n"
				     "toolarge:x:4294967296:0::/:/bin/sh\n"
				     "maxid:x:4294967295:0::/:/bin/sh\n"
				     "crlf:x:501:501::/:/bin/sh\r\n"
				     "short:x:502\n"
				     "\xff\xfeweird:x:503:503::/:/bin/sh\n"
				     "first:x:600:600::/:/bin/sh\n"
				     "second:x:600:600::/:/bin/sh\n"
				     "nonl:x:700:700::/:/bin/sh";
	static const char group[] = "g1:x:900:\n"
				    "broken\n"
				    "g2:x:901\r\n"
				    "g3:x:abc:\n";

	tu_mkdirs(tmp, "node2/etc");
	{
		char *p = hostpath("node2/etc/passwd");
		FILE *fp = fopen(p, "w");

		ck_assert_ptr_nonnull(fp);
		/* a line with a NUL byte in it is skipped */
		fwrite("nul\0x:x:800:800::/:/bin/sh\n", 1, 27, fp);
		fwrite(passwd, 1, sizeof(passwd) - 1, fp);
		fclose(fp);
		free(p);
	}
	tu_write(dir, "etc/group", group, 0644);
	r = froot_open(dir);
	ck_assert_ptr_nonnull(r);

	ck_assert_ptr_null(froot_user_name(r, 77));
	ck_assert_ptr_null(froot_user_name(r, 0));
	ck_assert_int_eq(froot_user_id(r, "negative", &id), -1);
	ck_assert_int_eq(froot_user_id(r, "alpha", &id), -1);
	ck_assert_int_eq(froot_user_id(r, "toolarge", &id), -1);
	ck_assert_int_eq(froot_user_id(r, "onecolon", &id), -1);
	ck_assert_int_eq(froot_user_id(r, "+nisuser", &id), -1);
	ck_assert_int_eq(froot_user_id(r, "maxid", &id), 0);
	ck_assert_uint_eq(id, 4294967295u);
	ck_assert_str_eq(froot_user_name(r, 501), "crlf");
	ck_assert_str_eq(froot_user_name(r, 502), "short");
	/* not valid UTF-8: escaped, never copied raw into a report */
	ck_assert_str_eq(froot_user_name(r, 503), "\\xff\\xfeweird");
	ck_assert_str_eq(froot_user_name(r, 600), "first");
	ck_assert_int_eq(froot_user_id(r, "second", &id), 0);
	ck_assert_uint_eq(id, 600);
	ck_assert_str_eq(froot_user_name(r, 700), "nonl");
	ck_assert_ptr_null(froot_user_name(r, 800));

	ck_assert_str_eq(froot_group_name(r, 900), "g1");
	ck_assert_str_eq(froot_group_name(r, 901), "g2");
	ck_assert_int_eq(froot_group_id(r, "g3", &id), -1);
	ck_assert_int_eq(froot_group_id(r, "broken", &id), -1);
	froot_close(r);
	free(dir);
}
END_TEST

START_TEST(test_idfile_huge)
{
	char *dir = hostpath("big");
	char *p = hostpath("big/etc/passwd");
	struct froot *r;
	FILE *fp;
	size_t written = 0;
	unsigned id;

	tu_mkdirs(tmp, "big/etc");
	fp = fopen(p, "w");
	ck_assert_ptr_nonnull(fp);
	written += (size_t)fprintf(fp, "early:x:1001:1001::/:/bin/sh\n");
	while (written < (5u << 20))
		written += (size_t)fprintf(fp, "filler%zu:x:%zu:1::/:/bin/sh\n", written,
					   20000 + written % 100000);
	fprintf(fp, "late:x:1002:1002::/:/bin/sh\n");
	fclose(fp);
	r = froot_open(dir);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(froot_user_name(r, 1001), "early");
	/* past the 4 MiB cap: not read */
	ck_assert_ptr_null(froot_user_name(r, 1002));
	ck_assert_int_eq(froot_user_id(r, "late", &id), -1);
	ck_assert_int_eq(froot_user_id(r, "early", &id), 0);
	ck_assert_uint_eq(id, 1001);
	/* no group file at all: no names, no crash */
	ck_assert_ptr_null(froot_group_name(r, 0));
	froot_close(r);
	free(p);
	free(dir);
}
END_TEST

/* The node's passwd is itself a link: resolved inside the root too. */
START_TEST(test_idfile_via_link)
{
	char *dir = hostpath("node3");
	struct froot *r;

	tu_write(tmp, "node3/nix/static/passwd", "linked:x:4444:4444::/:/bin/sh\n", 0644);
	tu_mkdirs(dir, "etc");
	mklink("/nix/static/passwd", "node3/etc/passwd");
	r = froot_open(dir);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(froot_user_name(r, 4444), "linked");
	froot_close(r);
	free(dir);
}
END_TEST

/* ---- links ---- */

START_TEST(test_link_relative)
{
	struct ffacts f;

	tu_write(tmp, "data/pki/ca.key", "key", 0600);
	tu_mkdirs(tmp, "etc/kubernetes/pki");
	mklink("../../../data/pki/ca.key", "etc/kubernetes/pki/ca.key");
	stat_expect("/etc/kubernetes/pki/ca.key", 1, 0, &f);
	/* judged by its target */
	ck_assert(S_ISREG(f.mode));
	ck_assert_uint_eq(f.mode & 07777, 0600);
	ck_assert_int_eq(f.size, 3);
	ck_assert_ptr_nonnull(f.link);
	ck_assert_str_eq(f.link, "/data/pki/ca.key");
	ffacts_free(&f);

	/* a chain: the final target is reported */
	mklink("ca.key", "etc/kubernetes/pki/hop1");
	mklink("hop1", "etc/kubernetes/pki/hop2");
	stat_expect("/etc/kubernetes/pki/hop2", 1, 0, &f);
	ck_assert_str_eq(f.link, "/data/pki/ca.key");
	ck_assert_uint_eq(f.mode & 07777, 0600);
	ffacts_free(&f);

	/* a link on the way is followed but the file is not a link */
	mklink("/data", "etc/d");
	stat_expect("/etc/d/pki/ca.key", 1, 0, &f);
	ck_assert_ptr_null(f.link);
	ck_assert_uint_eq(f.mode & 07777, 0600);
	ffacts_free(&f);

	/* a link to a directory, as the last component */
	stat_expect("/etc/d", 1, 0, &f);
	ck_assert(S_ISDIR(f.mode));
	ck_assert_str_eq(f.link, "/data");
	ffacts_free(&f);
}
END_TEST

START_TEST(test_link_absolute_inside_root)
{
	struct ffacts f;
	char name[64], target[80], rel[96];
	struct stat hst;

	/* a target name that cannot exist on the host */
	snprintf(name, sizeof(name), "ka-test-only-%ld", (long)getpid());
	snprintf(target, sizeof(target), "/%s/admin.conf", name);
	ck_assert_int_ne(stat(target, &hst), 0);
	snprintf(rel, sizeof(rel), "%s/admin.conf", name);
	tu_write(tmp, rel, "apiVersion: v1\n", 0640);
	tu_mkdirs(tmp, "etc/kubernetes");
	mklink(target, "etc/kubernetes/admin.conf");
	stat_expect("/etc/kubernetes/admin.conf", 1, 0, &f);
	ck_assert_uint_eq(f.mode & 07777, 0640);
	ck_assert_str_eq(f.link, target);
	ffacts_free(&f);

	/* /etc/passwd through an absolute link is the tree's, not the host's */
	mklink("/etc/passwd", "etc/kubernetes/pw");
	stat_expect("/etc/kubernetes/pw", 1, 0, &f);
	ck_assert_int_eq(f.size, (off_t)strlen(fake_passwd));
	ck_assert_int_eq(f.size, hostsize("etc/passwd"));
	ck_assert_str_eq(f.link, "/etc/passwd");
	ffacts_free(&f);
	{
		int fd = files_open(root, "/etc/kubernetes/pw");
		char *s;

		ck_assert_int_ge(fd, 0);
		s = read_fd(fd);
		ck_assert_str_eq(s, fake_passwd);
		free(s);
		close(fd);
	}
}
END_TEST

START_TEST(test_link_escape)
{
	struct ffacts f;

	tu_mkdirs(tmp, "a/b");
	mklink("../../../../etc/passwd", "a/b/esc");
	stat_expect("/a/b/esc", 1, EXDEV, &f);
	ck_assert_ptr_null(f.link);
	ffacts_free(&f);
	errno = 0;
	ck_assert_int_eq(files_open(root, "/a/b/esc"), -1);
	ck_assert_int_eq(errno, EXDEV);

	/* one ".." too many, just above the root */
	mklink("../../../etc/passwd", "a/b/esc1");
	stat_expect("/a/b/esc1", 1, EXDEV, &f);
	ffacts_free(&f);
	/* exactly up to the root is fine */
	mklink("../../etc/passwd", "a/b/ok");
	stat_expect("/a/b/ok", 1, 0, &f);
	ck_assert_str_eq(f.link, "/etc/passwd");
	ffacts_free(&f);

	/* an absolute target climbing above the root */
	mklink("/../../etc/passwd", "a/abs-esc");
	stat_expect("/a/abs-esc", 1, EXDEV, &f);
	ffacts_free(&f);

	/* an escaping link on the way, not at the end */
	mklink("../..", "a/up");
	stat_expect("/a/up/etc/passwd", 1, EXDEV, &f);
	ffacts_free(&f);

	/* the caller's own ".." stops at the root, as "/.." does */
	stat_expect("/../../etc/passwd", 1, 0, &f);
	ck_assert_int_eq(f.size, (off_t)strlen(fake_passwd));
	ffacts_free(&f);
}
END_TEST

START_TEST(test_link_loops)
{
	struct ffacts f;
	char name[32], target[32];

	tu_mkdirs(tmp, "l");
	mklink("b", "l/a");
	mklink("a", "l/b");
	stat_expect("/l/a", 1, ELOOP, &f);
	ffacts_free(&f);
	mklink("self", "l/self");
	stat_expect("/l/self", 1, ELOOP, &f);
	ffacts_free(&f);
	mklink("/l/self/x", "l/through");
	stat_expect("/l/through", 1, ELOOP, &f);
	ffacts_free(&f);
	errno = 0;
	ck_assert_int_eq(files_open(root, "/l/a"), -1);
	ck_assert_int_eq(errno, ELOOP);

	/* 40 links are followed, the 41st is one too many */
	tu_write(tmp, "l/end", "end", 0600);
	for (int i = 1; i <= 41; i++) {
		snprintf(name, sizeof(name), "l/c%d", i);
		if (i == 1)
			snprintf(target, sizeof(target), "end");
		else
			snprintf(target, sizeof(target), "c%d", i - 1);
		mklink(target, name);
	}
	stat_expect("/l/c40", 1, 0, &f);
	ck_assert_str_eq(f.link, "/l/end");
	ffacts_free(&f);
	stat_expect("/l/c41", 1, ELOOP, &f);
	ffacts_free(&f);
}
END_TEST

/* ---- absence ---- */

START_TEST(test_missing)
{
	struct ffacts f;

	stat_expect("/etc/kubernetes/nope.conf", 0, 0, &f);
	ck_assert_ptr_null(f.link);
	ffacts_free(&f);
	/* a directory missing on the way */
	stat_expect("/no/such/dir/file", 0, 0, &f);
	ffacts_free(&f);
	/* a file used as a directory */
	stat_expect("/etc/passwd/x", 0, 0, &f);
	ffacts_free(&f);
	stat_expect("/etc/passwd/", 0, 0, &f);
	ffacts_free(&f);
	stat_expect("/etc/passwd/.", 0, 0, &f);
	ffacts_free(&f);
	errno = 0;
	ck_assert_int_eq(files_open(root, "/etc/passwd/x"), -1);
	ck_assert_int_eq(errno, ENOTDIR);
	errno = 0;
	ck_assert_int_eq(files_open(root, "/nope"), -1);
	ck_assert_int_eq(errno, ENOENT);

	/* a dangling link: absent, but where it points is said */
	tu_mkdirs(tmp, "etc/kubernetes");
	mklink("../../var/missing/./x.conf", "etc/kubernetes/dangling");
	stat_expect("/etc/kubernetes/dangling", 0, 0, &f);
	ck_assert_ptr_nonnull(f.link);
	ck_assert_str_eq(f.link, "/var/missing/x.conf");
	ffacts_free(&f);
}
END_TEST

START_TEST(test_odd_paths)
{
	struct ffacts f;
	char longname[NAME_MAX + 40];

	tu_write(tmp, "etc/kubernetes/kubelet.conf", "k", 0644);
	stat_expect("//etc///kubernetes", 1, 0, &f);
	ck_assert(S_ISDIR(f.mode));
	ffacts_free(&f);
	stat_expect("//etc///kubernetes//kubelet.conf", 1, 0, &f);
	ck_assert(S_ISREG(f.mode));
	ffacts_free(&f);
	stat_expect("/./etc/./kubernetes/../kubernetes/kubelet.conf", 1, 0, &f);
	ck_assert(S_ISREG(f.mode));
	ffacts_free(&f);

	/* not absolute: an invalid argument, still a filled f */
	errno = 0;
	ck_assert_int_eq(files_stat(root, "etc/passwd", &f), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(f.err, EINVAL);
	ffacts_free(&f);
	ck_assert_int_eq(files_stat(root, "", &f), -1);
	ffacts_free(&f);
	errno = 0;
	ck_assert_int_eq(files_open(root, "etc/passwd"), -1);
	ck_assert_int_eq(errno, EINVAL);

	/* a component longer than NAME_MAX */
	memset(longname, 'n', sizeof(longname));
	longname[0] = '/';
	longname[sizeof(longname) - 1] = '\0';
	stat_expect(longname, 1, ENAMETOOLONG, &f);
	ffacts_free(&f);
}
END_TEST

/* Deeper than the walker keeps descriptors for, and back up with "..". */
START_TEST(test_deep_paths)
{
	enum { DEPTH = 300 };
	struct ffacts f;
	struct sbuf p = {0};
	int fd;

	fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	for (int i = 0; i < DEPTH; i++) {
		int nfd;

		ck_assert_int_eq(mkdirat(fd, "d", 0755), 0);
		nfd = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		ck_assert_int_ge(nfd, 0);
		close(fd);
		fd = nfd;
		if (i == DEPTH / 2 - 1) {
			int ffd = openat(fd, "mid", O_WRONLY | O_CREAT | O_CLOEXEC, 0604);

			ck_assert_int_ge(ffd, 0);
			close(ffd);
		}
	}
	{
		int ffd = openat(fd, "bottom", O_WRONLY | O_CREAT | O_CLOEXEC, 0610);

		ck_assert_int_ge(ffd, 0);
		ck_assert_int_eq(fchmod(ffd, 0610), 0);
		close(ffd);
	}
	close(fd);

	for (int i = 0; i < DEPTH; i++)
		sbuf_add(&p, "/d");
	sbuf_add(&p, "/bottom");
	stat_expect(sbuf_str(&p), 1, 0, &f);
	ck_assert_uint_eq(f.mode & 07777, 0610);
	ffacts_free(&f);

	/* down to the bottom, then back up half way */
	p.len -= strlen("/bottom");
	p.s[p.len] = '\0';
	for (int i = 0; i < DEPTH / 2; i++)
		sbuf_add(&p, "/..");
	sbuf_add(&p, "/mid");
	stat_expect(sbuf_str(&p), 1, 0, &f);
	ck_assert_uint_eq(f.mode & 07777, 0604);
	ffacts_free(&f);

	/* all the way up and beyond: the caller's ".." stays at the root */
	p.len = 0;
	for (int i = 0; i < DEPTH; i++)
		sbuf_add(&p, "/d");
	for (int i = 0; i < DEPTH + 5; i++)
		sbuf_add(&p, "/..");
	sbuf_add(&p, "/etc/passwd");
	stat_expect(sbuf_str(&p), 1, 0, &f);
	ck_assert_int_eq(f.size, (off_t)strlen(fake_passwd));
	ffacts_free(&f);
	sbuf_free(&p);
}
END_TEST

/* ---- opening ---- */

START_TEST(test_open)
{
	char *s;
	int fd;

	tu_write(tmp, "etc/kubernetes/manifests/etcd.yaml", "kind: Pod\n", 0600);
	mklink("/etc/kubernetes/manifests/etcd.yaml", "etc/kubernetes/etcd-link");
	fd = files_open(root, "/etc/kubernetes/etcd-link");
	ck_assert_int_ge(fd, 0);
	ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	ck_assert_int_eq(fcntl(fd, F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_RDONLY);
	s = read_fd(fd);
	ck_assert_str_eq(s, "kind: Pod\n");
	free(s);
	close(fd);

	errno = 0;
	ck_assert_int_eq(files_open(root, "/etc/kubernetes"), -1);
	ck_assert_int_eq(errno, EISDIR);
	errno = 0;
	ck_assert_int_eq(files_open(root, "/"), -1);
	ck_assert_int_eq(errno, EISDIR);
}
END_TEST

/* A FIFO would block a read-only open forever: refused at once (the
 * alarm turns a hang into a failure). */
START_TEST(test_open_fifo)
{
	struct ffacts f;

	mkfifo_at("etc/fifo");
	mklink("fifo", "etc/fifo-link");
	alarm(3);
	errno = 0;
	ck_assert_int_eq(files_open(root, "/etc/fifo"), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(files_open(root, "/etc/fifo-link"), -1);
	ck_assert_int_eq(errno, EINVAL);
	alarm(0);
	/* stat still reports it */
	stat_expect("/etc/fifo", 1, 0, &f);
	ck_assert(S_ISFIFO(f.mode));
	ffacts_free(&f);
}
END_TEST

/* ---- through /proc/PID/root ---- */

START_TEST(test_proc_view)
{
	struct ffacts f;
	char *host = hostpath("etc/kubernetes/proc.conf");
	char *s;
	int fd;

	tu_write(tmp, "etc/kubernetes/proc.conf", "proc view\n", 0640);
	if (geteuid() == 0)
		do_chown("etc/kubernetes/proc.conf", ETCD_UID, ETCD_GID);
	/* our own root is the host's /: the path is the host path */
	ck_assert_int_eq(files_stat_proc(root, getpid(), host, &f), 0);
	ck_assert_int_eq(f.exists, 1);
	ck_assert_int_eq(f.err, 0);
	ck_assert_uint_eq(f.mode & 07777, 0640);
	ck_assert_int_eq(f.size, 10);
	if (geteuid() == 0) {
		/* names from the tree's passwd, not from the process's view */
		ck_assert_uint_eq(f.uid, ETCD_UID);
		ck_assert_str_eq(f.owner, "ka-etcd");
		ck_assert_str_eq(f.group, "ka-etcdgrp");
	}
	ffacts_free(&f);

	fd = files_open_proc(getpid(), host);
	ck_assert_int_ge(fd, 0);
	s = read_fd(fd);
	ck_assert_str_eq(s, "proc view\n");
	free(s);
	close(fd);

	ck_assert_int_eq(files_stat_proc(root, getpid(), "/no/such/file/here", &f), 0);
	ck_assert_int_eq(f.exists, 0);
	ck_assert_int_eq(f.err, 0);
	ffacts_free(&f);

	/* a process that is gone: could not check, not absent */
	ck_assert_int_eq(files_stat_proc(root, 0x3fffffff, host, &f), 0);
	ck_assert_int_eq(f.exists, 1);
	ck_assert_int_eq(f.err, ESRCH);
	ffacts_free(&f);
	errno = 0;
	ck_assert_int_eq(files_open_proc(0x3fffffff, host), -1);
	ck_assert_int_eq(errno, ESRCH);
	ck_assert_int_eq(files_stat_proc(root, getpid(), "relative", &f), -1);
	ffacts_free(&f);
	free(host);
}
END_TEST

/* A child with another root: /proc/PID/root is that root, and its links
 * stay inside it. */
START_TEST(test_proc_other_root)
{
	struct ffacts f;
	int pfd[2];
	pid_t pid;
	char c;

	if (geteuid() != 0) {
		fprintf(stderr, "test_proc_other_root: not root, skipped\n");
		return;
	}
	tu_write(tmp, "jail/etc/kubernetes/kubelet.conf", "jailed\n", 0600);
	tu_mkdirs(tmp, "jail/etc/k");
	mklink("/etc/kubernetes/kubelet.conf", "jail/etc/k/abs");
	mklink("../../../../etc/passwd", "jail/etc/k/esc");
	ck_assert_int_eq(pipe(pfd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char *j = hostpath("jail");

		close(pfd[0]);
		if (chroot(j) < 0 || chdir("/") < 0)
			_exit(1);
		(void)!write(pfd[1], "r", 1);
		alarm(60); /* never outlive a failed test */
		pause();
		_exit(0);
	}
	close(pfd[1]);
	ck_assert_int_eq(read(pfd[0], &c, 1), 1);
	close(pfd[0]);

	files_stat_proc(root, pid, "/etc/k/abs", &f);
	ck_assert_int_eq(f.err, 0);
	ck_assert_int_eq(f.exists, 1);
	ck_assert_int_eq(f.size, 7);
	ck_assert_str_eq(f.link, "/etc/kubernetes/kubelet.conf");
	ffacts_free(&f);
	files_stat_proc(root, pid, "/etc/k/esc", &f);
	ck_assert_int_eq(f.err, EXDEV);
	ffacts_free(&f);
	/* the jail has no /etc/passwd: absent in its view */
	files_stat_proc(root, pid, "/etc/passwd", &f);
	ck_assert_int_eq(f.exists, 0);
	ffacts_free(&f);

	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}
END_TEST

/* ---- permissions (as nobody) ---- */

/* Runs in a forked child that dropped to nobody; returns a bitmask of the
 * expectations that failed (ck_assert cannot be used from a grandchild). */
static int
eacces_child(void)
{
	struct ffacts f;
	struct strv out = {0};
	int bad = 0;

	if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
	    setresuid(NOBODY, NOBODY, NOBODY) < 0)
		return 0x80;
	if (files_stat(root, "/secret/key", &f) < 0 || f.err != EACCES || f.exists != 1)
		bad |= 0x1;
	ffacts_free(&f);
	/* the directory itself can still be stat'ed */
	if (files_stat(root, "/secret", &f) < 0 || f.err != 0 || (f.mode & 07777) != 0700)
		bad |= 0x2;
	ffacts_free(&f);
	errno = 0;
	if (files_list(root, "/secret", NULL, 0, 0, &out) != -1 || errno != EACCES || out.n != 0)
		bad |= 0x4;
	/* an unreadable subdirectory fails the whole listing: no partial
	 * result that could hide an offending file */
	errno = 0;
	if (files_list(root, "/pub", NULL, 1, 0, &out) != -1 || errno != EACCES || out.n != 0)
		bad |= 0x8;
	if (files_list(root, "/pub", NULL, 0, 0, &out) != 0 || out.n != 1)
		bad |= 0x10;
	strv_free(&out);
	errno = 0;
	if (files_open(root, "/pub/unreadable") != -1 || errno != EACCES)
		bad |= 0x20;
	return bad;
}

START_TEST(test_eacces)
{
	pid_t pid;
	int status;

	if (geteuid() != 0) {
		fprintf(stderr, "test_eacces: not root, skipped\n");
		return;
	}
	tu_write(tmp, "secret/key", "k", 0600);
	tu_write(tmp, "pub/unreadable", "u", 0600);
	tu_write(tmp, "pub/closed/inner", "i", 0644);
	{
		char *p = hostpath("secret");

		ck_assert_int_eq(chmod(p, 0700), 0);
		free(p);
		p = hostpath("pub/closed");
		ck_assert_int_eq(chmod(p, 0700), 0);
		free(p);
	}
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(eacces_child());
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_msg(WEXITSTATUS(status) == 0, "failed expectations: 0x%x", WEXITSTATUS(status));
}
END_TEST

/* ---- listing ---- */

static void
make_pki(void)
{
	tu_write(tmp, "etc/kubernetes/pki/ca.crt", "c", 0644);
	tu_write(tmp, "etc/kubernetes/pki/ca.key", "k", 0600);
	tu_write(tmp, "etc/kubernetes/pki/apiserver.key", "k", 0600);
	tu_write(tmp, "etc/kubernetes/pki/etcd/peer.key", "k", 0600);
	tu_write(tmp, "etc/kubernetes/pki/etcd/server.crt", "c", 0644);
	tu_write(tmp, "etc/kubernetes/pki/etcd/deeper/x.key", "k", 0600);
	tu_write(tmp, "elsewhere/outside.key", "k", 0600);
	mklink("ca.key", "etc/kubernetes/pki/link.key");
	mklink("etcd", "etc/kubernetes/pki/dlink.key");
	mklink("/elsewhere", "etc/kubernetes/pki/else");
	mklink("nowhere", "etc/kubernetes/pki/dangling.key");
	mklink("../../../../../etc/shadow", "etc/kubernetes/pki/escape.key");
	mkfifo_at("etc/kubernetes/pki/fifo.key");
}

static void
expect_list(const struct strv *got, const char *const *want)
{
	size_t n = 0;

	while (want[n])
		n++;
	for (size_t i = 0; i < n && i < got->n; i++)
		ck_assert_msg(strcmp(got->v[i], want[i]) == 0, "entry %zu: got %s, wanted %s", i,
			      got->v[i], want[i]);
	ck_assert_msg(got->n == n, "got %zu entries, wanted %zu (first extra: %s)", got->n, n,
		      got->n > n ? got->v[n] : "-");
	ck_assert_ptr_null(got->v ? got->v[got->n] : NULL);
}

START_TEST(test_list_glob)
{
	struct strv out = {0};
	static const char *const all_keys[] = {
		"/etc/kubernetes/pki/apiserver.key", "/etc/kubernetes/pki/ca.key",
		"/etc/kubernetes/pki/dangling.key",  "/etc/kubernetes/pki/dlink.key",
		"/etc/kubernetes/pki/escape.key",    "/etc/kubernetes/pki/fifo.key",
		"/etc/kubernetes/pki/link.key",	     NULL};
	static const char *const regular_keys[] = {"/etc/kubernetes/pki/apiserver.key",
						   "/etc/kubernetes/pki/ca.key",
						   "/etc/kubernetes/pki/link.key", NULL};
	static const char *const crts[] = {"/etc/kubernetes/pki/ca.crt", NULL};

	make_pki();
	ck_assert_int_eq(files_list(root, "/etc/kubernetes/pki", "*.key", 0, 0, &out), 0);
	expect_list(&out, all_keys);
	strv_clear(&out);
	ck_assert_int_eq(
		files_list(root, "/etc/kubernetes/pki", "*.key", 0, FILES_LIST_REGULAR_ONLY, &out),
		0);
	expect_list(&out, regular_keys);
	strv_clear(&out);
	/* slashes as the caller may write them */
	ck_assert_int_eq(files_list(root, "//etc//kubernetes/pki//", "*.crt", 0, 0, &out), 0);
	expect_list(&out, crts);
	strv_clear(&out);
	/* a pattern matching nothing: an empty result, not an error */
	ck_assert_int_eq(files_list(root, "/etc/kubernetes/pki", "*.pem", 1, 0, &out), 0);
	ck_assert_uint_eq(out.n, 0);
	strv_free(&out);
}
END_TEST

START_TEST(test_list_recursive)
{
	struct strv out = {0};
	static const char *const keys[] = {
		"/etc/kubernetes/pki/apiserver.key",	 "/etc/kubernetes/pki/ca.key",
		"/etc/kubernetes/pki/etcd/deeper/x.key", "/etc/kubernetes/pki/etcd/peer.key",
		"/etc/kubernetes/pki/link.key",		 NULL};
	static const char *const dirs[] = {"/etc/kubernetes/pki",
					   "/etc/kubernetes/pki/apiserver.key",
					   "/etc/kubernetes/pki/ca.crt",
					   "/etc/kubernetes/pki/ca.key",
					   "/etc/kubernetes/pki/dangling.key",
					   "/etc/kubernetes/pki/dlink.key",
					   "/etc/kubernetes/pki/else",
					   "/etc/kubernetes/pki/escape.key",
					   "/etc/kubernetes/pki/etcd",
					   "/etc/kubernetes/pki/etcd/deeper",
					   "/etc/kubernetes/pki/etcd/deeper/x.key",
					   "/etc/kubernetes/pki/etcd/peer.key",
					   "/etc/kubernetes/pki/etcd/server.crt",
					   "/etc/kubernetes/pki/fifo.key",
					   "/etc/kubernetes/pki/link.key",
					   NULL};
	static const char *const nodirs[] = {
		"/etc/kubernetes/pki/apiserver.key", "/etc/kubernetes/pki/ca.crt",
		"/etc/kubernetes/pki/ca.key",	     "/etc/kubernetes/pki/etcd/deeper/x.key",
		"/etc/kubernetes/pki/etcd/peer.key", "/etc/kubernetes/pki/etcd/server.crt",
		"/etc/kubernetes/pki/link.key",	     NULL};

	make_pki();
	/* dlink.key and else are links to directories: never entered */
	ck_assert_int_eq(
		files_list(root, "/etc/kubernetes/pki", "*.key", 1, FILES_LIST_REGULAR_ONLY, &out),
		0);
	expect_list(&out, keys);
	strv_clear(&out);
	ck_assert_int_eq(files_list(root, "/etc/kubernetes/pki", NULL, 1, FILES_LIST_DIRS, &out),
			 0);
	expect_list(&out, dirs);
	strv_clear(&out);
	ck_assert_int_eq(
		files_list(root, "/etc/kubernetes/pki", NULL, 1, FILES_LIST_REGULAR_ONLY, &out), 0);
	expect_list(&out, nodirs);
	/* appends to what is already there */
	ck_assert_int_eq(files_list(root, "/etc/kubernetes/pki/etcd", "*.crt", 0, 0, &out), 0);
	ck_assert_uint_eq(out.n, 8);
	ck_assert_str_eq(out.v[0], nodirs[0]);
	ck_assert_str_eq(out.v[7], "/etc/kubernetes/pki/etcd/server.crt");
	strv_free(&out);
}
END_TEST

/* strcmp order over whole paths, not per directory: '-' sorts before '/'. */
START_TEST(test_list_sort)
{
	struct strv out = {0};
	static const char *const want[] = {"/s",     "/s/B",   "/s/a",	 "/s/a-c",
					   "/s/a.d", "/s/a/b", "/s/a/z", NULL};
	static const char *const flat[] = {"/s/B", "/s/a-c", "/s/a.d", NULL};

	tu_write(tmp, "s/a/z", "", 0644);
	tu_write(tmp, "s/a/b", "", 0644);
	tu_write(tmp, "s/a-c", "", 0644);
	tu_write(tmp, "s/B", "", 0644);
	tu_write(tmp, "s/a.d", "", 0644);
	ck_assert_int_eq(files_list(root, "/s", NULL, 1, FILES_LIST_DIRS, &out), 0);
	expect_list(&out, want);
	strv_clear(&out);
	ck_assert_int_eq(files_list(root, "/s", NULL, 0, 0, &out), 0);
	expect_list(&out, flat);
	strv_free(&out);
}
END_TEST

START_TEST(test_list_errors)
{
	struct strv out = {0};
	static const char *const via_link[] = {"/etc/pki-link/ca.crt", NULL};
	static const char *const top[] = {"/elsewhere", "/etc", NULL};

	make_pki();
	errno = 0;
	ck_assert_int_eq(files_list(root, "/no/such", NULL, 0, 0, &out), -1);
	ck_assert_int_eq(errno, ENOENT);
	errno = 0;
	ck_assert_int_eq(files_list(root, "/etc/passwd", NULL, 0, 0, &out), -1);
	ck_assert_int_eq(errno, ENOTDIR);
	errno = 0;
	ck_assert_int_eq(files_list(root, "etc", NULL, 0, 0, &out), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(files_list(root, "/etc/kubernetes/pki/escape.key", NULL, 0, 0, &out), -1);
	ck_assert_int_eq(errno, EXDEV);
	ck_assert_uint_eq(out.n, 0);

	/* the directory itself may be reached through a link (inside the root) */
	mklink("/etc/kubernetes/pki", "etc/pki-link");
	ck_assert_int_eq(files_list(root, "/etc/pki-link", "*.crt", 0, 0, &out), 0);
	expect_list(&out, via_link);
	strv_clear(&out);

	/* the root itself */
	ck_assert_int_eq(files_list(root, "/", NULL, 0, FILES_LIST_DIRS, &out), 0);
	expect_list(&out, top);
	strv_free(&out);
}
END_TEST

/* 100,001 files: made on tmpfs when there is one, a disk takes seconds. */
START_TEST(test_list_cap)
{
	struct strv out = {0};
	char name[32], dir[] = "/dev/shm/ka-test-XXXXXX";
	char *base, *many;
	struct froot *r;
	int dfd;

	base = mkdtemp(dir) ? strdup(dir) : tu_mkdtemp();
	ck_assert_int_ge(asprintf(&many, "%s/many", base), 0);
	ck_assert_int_eq(mkdir(many, 0755), 0);
	dfd = open(many, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(dfd, 0);
	for (int i = 0; i <= 100000; i++) {
		snprintf(name, sizeof(name), "f%06d", i);
		ck_assert_int_eq(mknodat(dfd, name, S_IFREG | 0644, 0), 0);
	}
	close(dfd);
	r = froot_open(base);
	ck_assert_ptr_nonnull(r);
	strv_push(&out, "kept");
	errno = 0;
	ck_assert_int_eq(files_list(r, "/many", NULL, 0, 0, &out), -1);
	ck_assert_int_eq(errno, E2BIG);
	/* nothing half-done is left behind */
	ck_assert_uint_eq(out.n, 1);
	ck_assert_str_eq(out.v[0], "kept");
	ck_assert_ptr_null(out.v[1]);
	/* one fewer fits */
	strv_clear(&out);
	ck_assert_int_eq(files_list(r, "/many", "f0*", 0, 0, &out), 0);
	ck_assert_uint_eq(out.n, 100000);
	ck_assert_str_eq(out.v[0], "/many/f000000");
	ck_assert_str_eq(out.v[99999], "/many/f099999");
	strv_free(&out);
	froot_close(r);
	tu_rmtree(base);
	free(many);
	free(base);
}
END_TEST

static Suite *
files_suite(void)
{
	Suite *s = suite_create("files");
	TCase *tc = tcase_create("facts");
	TCase *tl = tcase_create("list");
	TCase *tb = tcase_create("big");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_modes);
	tcase_add_test(tc, test_dir_mode);
	tcase_add_test(tc, test_mode_str);
	tcase_add_test(tc, test_owners_from_node);
	tcase_add_test(tc, test_idfile_robust);
	tcase_add_test(tc, test_idfile_via_link);
	tcase_add_test(tc, test_link_relative);
	tcase_add_test(tc, test_link_absolute_inside_root);
	tcase_add_test(tc, test_link_escape);
	tcase_add_test(tc, test_link_loops);
	tcase_add_test(tc, test_missing);
	tcase_add_test(tc, test_odd_paths);
	tcase_add_test(tc, test_deep_paths);
	tcase_add_test(tc, test_open);
	tcase_add_test(tc, test_open_fifo);
	tcase_add_test(tc, test_proc_view);
	tcase_add_test(tc, test_proc_other_root);
	tcase_add_test(tc, test_eacces);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(tl, setup, teardown);
	tcase_add_test(tl, test_list_glob);
	tcase_add_test(tl, test_list_recursive);
	tcase_add_test(tl, test_list_sort);
	tcase_add_test(tl, test_list_errors);
	suite_add_tcase(s, tl);

	/* big files: slow under valgrind, hence the longer timeout */
	tcase_add_checked_fixture(tb, setup, teardown);
	tcase_set_timeout(tb, 300);
	tcase_add_test(tb, test_idfile_huge);
	tcase_add_test(tb, test_list_cap);
	suite_add_tcase(s, tb);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(files_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
