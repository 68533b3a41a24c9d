/* testutil.h - small helpers shared by the Check suites (header-only).
 *
 * Temporary trees are made under $TMPDIR (or /tmp) and removed by the caller
 * with tu_rmtree. Git stores no modes or owners: tests set them here.
 */
#ifndef KA_TESTUTIL_H
#define KA_TESTUTIL_H

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif

static inline char *
tu_mkdtemp(void)
{
	const char *t = getenv("TMPDIR");
	char buf[PATH_MAX];
	char *d;

	snprintf(buf, sizeof(buf), "%s/ka-test-XXXXXX", t && *t ? t : "/tmp");
	d = mkdtemp(buf);
	ck_assert_msg(d != NULL, "mkdtemp: %s", strerror(errno));
	return strdup(d);
}

/* Creates every directory of dir/rel (like mkdir -p), mode 0755. */
static inline void
tu_mkdirs(const char *dir, const char *rel)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s/%s", dir, rel);
	for (char *p = buf + strlen(dir) + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(buf, 0755);
			*p = '/';
		}
	}
	mkdir(buf, 0755);
}

/* Writes content to dir/rel (parents created), then chmods it to mode. */
static inline void
tu_write(const char *dir, const char *rel, const char *content, mode_t mode)
{
	char buf[PATH_MAX];
	FILE *f;
	char *slash;

	snprintf(buf, sizeof(buf), "%s/%s", dir, rel);
	slash = strrchr(buf, '/');
	if (slash && slash > buf + strlen(dir)) {
		*slash = '\0';
		tu_mkdirs(dir, buf + strlen(dir) + 1);
		*slash = '/';
	}
	f = fopen(buf, "w");
	ck_assert_msg(f != NULL, "fopen %s: %s", buf, strerror(errno));
	fputs(content, f);
	fclose(f);
	ck_assert_int_eq(chmod(buf, mode), 0);
}

static inline int
tu_rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	/* chmod follows links: a test's link to "/" or "/tmp" must never
	 * change the mode of the host's directories */
	if (flag == FTW_D || flag == FTW_DP || flag == FTW_DNR)
		chmod(path, 0700);
	return remove(path);
}

static inline void
tu_rmtree(const char *dir)
{
	if (dir)
		nftw(dir, tu_rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

/* Reads a whole file into a new string (NULL on error). */
static inline char *
tu_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (f == NULL)
		return NULL;
	FILE *m = open_memstream(&buf, &len);
	int c;
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(m);
	fclose(f);
	return buf;
}

/* Runs one suite (fork mode unless CK_FORK=no); the exit status of main. */
static inline int
tu_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
