/* profile-cache.c - ka-profile-cache: writes FILE.yaml.cache beside every
 * profile file of a profiles directory (components.yaml and each DIR/NAME/ *.yaml),
 * so that kube-auditd loads the parsed trees instead of running libyaml's
 * scanner (checks/ycache.h). Run by `make install` on the installed
 * profiles; a cache never changes a verdict, it is used only for the exact
 * bytes it was made from.
 *
 *   ka-profile-cache DIR
 *
 * Exit status: 0 when every file was cached, 1 when one could not be (a
 * YAML error, an I/O error: named on stderr), 2 for a usage error.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "yamlcfg.h"
#include "ycache.h"

/* Writes PATH.cache for PATH (a .yaml file); 0, or -1 after a message. */
static int
cache_one(const char *path)
{
	char *err = NULL, *src, *out = NULL, *dst = NULL, *tmp = NULL;
	struct ydoc *d = NULL;
	size_t srclen = 0, outlen = 0;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		fprintf(stderr, "ka-profile-cache: %s: %s\n", path, strerror(errno));
		return -1;
	}
	src = yaml_read_fd(fd, &srclen, path, &err);
	close(fd);
	if (src == NULL)
		goto out;
	d = yaml_parse_buf(src, srclen, path, &err);
	if (d == NULL)
		goto out;
	out = ycache_encode(d, src, srclen, &outlen);
	dst = xasprintf("%s%s", path, YCACHE_SUFFIX);
	tmp = xasprintf("%s.tmpXXXXXX", dst);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err = xasprintf("%s: %s", dst, strerror(errno));
		goto out;
	}
	if (fchmod(fd, 0644) < 0 || write(fd, out, outlen) != (ssize_t)outlen || fsync(fd) < 0) {
		err = xasprintf("%s: %s", dst, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, dst) < 0) {
		err = xasprintf("%s: %s", dst, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		fprintf(stderr, "ka-profile-cache: %s\n", err ? err : path);
	free(err);
	free(src);
	free(out);
	free(dst);
	free(tmp);
	ydoc_free(d);
	return rc;
}

/* Every *.yaml directly in dir (names starting with a dot left out). */
static int
cache_dir(const char *dir, int *nfiles)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (dh == NULL) {
		fprintf(stderr, "ka-profile-cache: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(dh)) != NULL) {
		char *p;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (cache_dir(p, nfiles) < 0)
				rc = -1;
		} else if (S_ISREG(st.st_mode) && str_has_suffix(de->d_name, ".yaml")) {
			if (cache_one(p) < 0)
				rc = -1;
			else
				(*nfiles)++;
		}
		free(p);
	}
	closedir(dh);
	return rc;
}

int
main(int argc, char **argv)
{
	int n = 0, rc;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: ka-profile-cache DIR\n"
				"Writes FILE.yaml.cache beside every profile file under DIR.\n");
		return 2;
	}
	rc = cache_dir(argv[1], &n);
	printf("ka-profile-cache: %s: %d file(s) cached\n", argv[1], n);
	return rc < 0 ? 1 : 0;
}
