/* state.c - the latest report persisted atomically in the state directory.
 *
 * A save never touches DIR/report.json until the new file is complete and
 * on disk: temporary file in the same directory, every byte written,
 * fsync, rename over the old one (atomic on POSIX file systems), then an
 * fsync of the directory so the rename itself survives a power loss. A
 * SIGKILL or a crash at any point leaves the old report or the new one and
 * at worst a stray temporary, which the next load removes.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "state.h"

#define STATE_FILE "report.json"
#define STATE_TMP_PREFIX STATE_FILE ".tmp"
#define STATE_CORRUPT_PREFIX STATE_FILE ".corrupt-"
#define STATE_MODE 0640
/* Far above any real report (~100 KiB for 131 results); a bigger file is
 * damage, and reading it whole would cost the daemon that memory. */
#define STATE_MAX_SIZE (64L << 20)
#define STATE_MAX_ASIDE 1000 /* report.json.corrupt-...-N tried before giving up */

static int
write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
fsync_retry(int fd)
{
	int rc;

	do
		rc = fsync(fd);
	while (rc < 0 && errno == EINTR);
	return rc;
}

int
state_save(const char *dir, const struct report *r, char **err)
{
	char *path = xasprintf("%s/%s", dir, STATE_FILE);
	char *tmp = xasprintf("%s/%sXXXXXX", dir, STATE_TMP_PREFIX);
	char *json = report_to_json(r);
	const char *what = NULL, *where = tmp;
	int fd = -1, dfd = -1, ret = -1, saved = 0, created = 0;

	if (err)
		*err = NULL;
	/* opened first so that nothing fails between the rename and its fsync
	 * for a reason other than the disk itself */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		where = dir;
		what = "cannot open the state directory";
		goto out;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		what = "cannot create";
		goto out;
	}
	created = 1;
	/* mkostemp makes it 0600; the umask does not apply to fchmod */
	if (fchmod(fd, STATE_MODE) < 0) {
		what = "chmod";
		goto out;
	}
	if (write_all(fd, json, strlen(json)) < 0 || write_all(fd, "\n", 1) < 0) {
		what = "write";
		goto out;
	}
	if (fsync_retry(fd) < 0) {
		what = "fsync";
		goto out;
	}
	{
		int rc = close(fd);

		fd = -1;
		/* a deferred write error (NFS) shows only here */
		if (rc < 0 && errno != EINTR) {
			what = "close";
			goto out;
		}
	}
	if (rename(tmp, path) < 0) {
		what = "cannot rename it to " STATE_FILE;
		goto out;
	}
	created = 0;
	/* The new report is in place; without this fsync a power loss could
	 * still bring back the old one. Some file systems cannot fsync a
	 * directory (EINVAL): they have nothing more to flush. */
	if (fsync_retry(dfd) < 0 && errno != EINVAL) {
		where = dir;
		what = "fsync of the directory (" STATE_FILE " was replaced)";
		goto out;
	}
	ret = 0;
out:
	if (ret < 0) {
		saved = errno;
		if (err)
			*err = xasprintf("%s: %s: %s", where, what, strerror(saved));
	}
	if (fd >= 0)
		close(fd);
	if (created)
		unlink(tmp);
	if (dfd >= 0)
		close(dfd);
	free(json);
	free(tmp);
	free(path);
	if (ret < 0)
		errno = saved;
	return ret;
}

/* A temporary is only ever left by a save that died; no save runs while the
 * daemon loads its state at start. */
static void
remove_temporaries(const char *dir)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;
	struct dirent *de;

	if (dfd < 0)
		return;
	d = fdopendir(dfd);
	if (d == NULL) {
		close(dfd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (!str_has_prefix(de->d_name, STATE_TMP_PREFIX))
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0)
			log_debug("%s/%s: removed a temporary left by an interrupted save", dir,
				  de->d_name);
	}
	closedir(d);
}

/* Renames DIR/report.json aside for a person to look at; returns the new
 * name (caller frees) or NULL with errno. Never replaces an earlier one. */
static char *
move_aside(const char *dir)
{
	char stamp[32], *name = NULL;
	struct tm tm;
	time_t now = time(NULL);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), saved = 0;

	if (dfd < 0)
		return NULL;
	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm) == 0) {
		saved = EOVERFLOW;
		goto out;
	}
	for (int i = 0; i < STATE_MAX_ASIDE; i++) {
		struct stat st;
		int rc;

		free(name);
		name = i == 0 ? xasprintf("%s%s", STATE_CORRUPT_PREFIX, stamp)
			      : xasprintf("%s%s-%d", STATE_CORRUPT_PREFIX, stamp, i);
		rc = renameat2(dfd, STATE_FILE, dfd, name, RENAME_NOREPLACE);
		if (rc == 0)
			goto out;
		if (errno == EEXIST)
			continue;
		if (errno != EINVAL && errno != ENOSYS) {
			saved = errno;
			goto out;
		}
		/* no RENAME_NOREPLACE on this file system: check, then rename */
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		if (renameat(dfd, STATE_FILE, dfd, name) == 0)
			goto out;
		saved = errno;
		goto out;
	}
	saved = EEXIST;
out:
	close(dfd);
	if (saved) {
		free(name);
		name = NULL;
		errno = saved;
	}
	return name;
}

/* Reports a corrupt state file and sets it aside; always returns NULL with
 * errno EINVAL. */
static struct report *
corrupt(const char *dir, const char *path, const char *why, char **err)
{
	char *clean = str_sanitize(why);
	char *aside = move_aside(dir);

	if (err) {
		if (aside)
			*err = xasprintf("%s: corrupt (%s); moved to %s", path, clean, aside);
		else
			*err = xasprintf("%s: corrupt (%s); could not move it aside: %s", path,
					 clean, strerror(errno));
	}
	free(aside);
	free(clean);
	errno = EINVAL;
	return NULL;
}

/* Reads fd whole into *out (NUL-terminated). Returns its length, -1 with
 * errno on a read error, or -2 when it exceeds STATE_MAX_SIZE. */
static ssize_t
read_capped(int fd, char **out)
{
	size_t len;
	int more;
	char *buf = fd_read_max(fd, (size_t)STATE_MAX_SIZE, &len, &more);

	if (buf == NULL)
		return -1;
	if (more) {
		free(buf);
		return -2;
	}
	*out = buf;
	return (ssize_t)len;
}

struct report *
state_load(const char *dir, char **err)
{
	char *path = xasprintf("%s/%s", dir, STATE_FILE);
	char *buf = NULL, *perr = NULL;
	struct report *r = NULL;
	struct stat st;
	ssize_t len;
	int fd = -1, saved = 0;

	if (err)
		*err = NULL;
	remove_temporaries(dir);
	/* O_NONBLOCK: a FIFO planted under the name must not hang the start */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		saved = errno;
		if (saved == ELOOP)
			corrupt(dir, path, "a symbolic link", err);
		else if (saved != ENOENT && err)
			*err = xasprintf("%s: %s", path, strerror(saved));
		if (saved == ELOOP)
			saved = EINVAL;
		goto out;
	}
	if (fstat(fd, &st) < 0) {
		saved = errno;
		if (err)
			*err = xasprintf("%s: fstat: %s", path, strerror(saved));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		corrupt(dir, path, "not a regular file", err);
		saved = EINVAL;
		goto out;
	}
	len = st.st_size > STATE_MAX_SIZE ? -2 : read_capped(fd, &buf);
	if (len == -1) {
		saved = errno;
		if (err)
			*err = xasprintf("%s: read: %s", path, strerror(saved));
		goto out;
	}
	if (len == -2) {
		corrupt(dir, path, "larger than 64 MiB", err);
		saved = EINVAL;
		goto out;
	}
	if (memchr(buf, '\0', (size_t)len) != NULL) {
		char *why = xasprintf("a NUL byte at offset %zu",
				      (size_t)((char *)memchr(buf, '\0', (size_t)len) - buf));

		corrupt(dir, path, why, err);
		free(why);
		saved = EINVAL;
		goto out;
	}
	r = report_from_json(buf, &perr);
	if (r == NULL) {
		corrupt(dir, path, perr ? perr : "not a report", err);
		saved = EINVAL;
	}
out:
	if (fd >= 0)
		close(fd);
	free(perr);
	free(buf);
	free(path);
	if (r == NULL)
		errno = saved;
	return r;
}
