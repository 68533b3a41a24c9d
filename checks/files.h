/* files.h - files of the audited node, reached from a root directory
 * descriptor without ever leaving it.
 *
 * Every path is walked one component at a time with
 * openat(dirfd, name, O_PATH|O_NOFOLLOW|O_CLOEXEC). A symbolic link met on
 * the way (or at the end, when following) is read with readlinkat and
 * resolved inside the root: an absolute target restarts at the root, ".."
 * never climbs above it. At most 40 links are followed (ELOOP after that).
 * A link whose target would leave the root is refused with EXDEV.
 *
 * Ownership: struct froot is created by froot_open and freed by froot_close.
 * struct ffacts owns its strings (ffacts_free). files_list fills a caller's
 * struct strv with new strings.
 */
#ifndef KA_FILES_H
#define KA_FILES_H

#include <sys/types.h>

#include "util.h"

struct idmap { /* one /etc/passwd or /etc/group entry */
	char *name;
	unsigned id;
};

struct froot {
	int fd;	    /* O_PATH|O_DIRECTORY descriptor of the root */
	char *path; /* as given, for messages ("/" by default) */
	struct idmap *users;
	size_t nusers;
	struct idmap *groups;
	size_t ngroups;
	int ids_loaded; /* passwd/group read (lazily, on first lookup) */
};

/* Opens root (a directory). Returns NULL with errno set. */
struct froot *froot_open(const char *path);
void froot_close(struct froot *r);

/* Name lookups in the node's own /etc/passwd and /etc/group (under the root).
 * Return the name or NULL when the id has no entry (never the auditor's own
 * NSS). */
const char *froot_user_name(struct froot *r, unsigned uid);
const char *froot_group_name(struct froot *r, unsigned gid);
/* 0 and *id on success, -1 when no such name. */
int froot_user_id(struct froot *r, const char *name, unsigned *id);
int froot_group_id(struct froot *r, const char *name, unsigned *id);

struct ffacts {
	char *path; /* the path asked for, as given (absolute, in the root's view) */
	int exists; /* 0: ENOENT on the final component or a directory on the way */
	int err; /* errno when the facts could not be read (EACCES, ELOOP, EXDEV...), 0 otherwise */
	char *link;  /* when path (the last component) is a symlink: its final
	                    target, resolved inside the root; NULL otherwise */
	mode_t mode; /* st_mode of the file itself (after following links) */
	uid_t uid;
	gid_t gid;
	const char *owner; /* from the node's passwd, or NULL (points into froot) */
	const char *group; /* from the node's group, or NULL */
	off_t size;
};

/* Stats path (absolute, root-relative) following links inside the root.
 * Always fills f (exists/err say what happened) and returns 0; returns -1
 * only for an invalid argument (a relative path). */
int files_stat(struct froot *r, const char *path, struct ffacts *f);
void ffacts_free(struct ffacts *f);

/* Opens path for reading (following links inside the root). Returns a
 * descriptor (O_RDONLY|O_CLOEXEC) or -1 with errno. */
int files_open(struct froot *r, const char *path);

/* The same, for a path as seen by process pid through /proc/PID/root (a
 * process in another mount namespace, or a path relative to a process's
 * working directory once joined to the cwd's target). The walk never leaves
 * /proc/PID/root; names still come from the node's passwd/group under r. */
int files_stat_proc(struct froot *r, pid_t pid, const char *path, struct ffacts *f);
int files_open_proc(pid_t pid, const char *path);

/* Lists entries under the directory dir (absolute, root-relative), sorted,
 * as absolute root-relative paths appended to out:
 *   pattern: NULL for all, else an fnmatch(3) pattern matched against the
 *            entry's name (e.g. "*.key");
 *   recursive: descend into subdirectories (never through a symlinked
 *            directory);
 *   flags: FILES_LIST_DIRS to include directories themselves (and, with
 *          recursive, dir itself first), FILES_LIST_REGULAR_ONLY to keep
 *          only regular files and links to them.
 * Returns 0 (also for an empty result), -1 with errno when dir cannot be
 * opened (ENOENT when it does not exist). At most 100,000 entries. */
#define FILES_LIST_DIRS 1
#define FILES_LIST_REGULAR_ONLY 2
int files_list(struct froot *r, const char *dir, const char *pattern, int recursive, int flags,
	       struct strv *out);

/* strerror(3), with the walker's own errors spelled out: EXDEV is "a
 * symbolic link leads outside the audited root", ELOOP names the link limit. */
const char *files_strerror(int err);

/* Formats mode bits as "0644". Returns a pointer to a static buffer of buf. */
const char *files_mode_str(mode_t mode, char buf[8]);

#endif
