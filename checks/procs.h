/* procs.h - discovery of the audited components' processes through libproc2.
 *
 * A process is component C when the basename of its argv[0], or of the
 * target of /proc/PID/exe, is one of C's names. The kernel's comm (15 bytes)
 * is never used. Threads are not visited. A process that disappears between
 * listing and reading is skipped quietly.
 *
 * Ownership: procs_scan fills a struct proclist that owns every struct proc
 * in it; proclist_free releases them.
 */
#ifndef KA_PROCS_H
#define KA_PROCS_H

#include <sys/types.h>

#include "util.h"

struct proc {
	pid_t pid;
	int comp;		       /* index into the names table given to procs_scan */
	struct strv argv;	       /* full argv, bytes as read (not sanitized) */
	char *exe;		       /* readlink /proc/PID/exe, or NULL when hidden */
	unsigned long long start_time; /* stat field 22, clock ticks since boot */
	uid_t euid;
	int other_mntns; /* 1: runs in another mount namespace than the auditor:
	                    its paths are read through /proc/PID/root */
	int container;	 /* 1: runs in another mount namespace than init (pid 1):
	                    a container's files are not host files */
	/* environ, read only on demand by procs_read_environ */
	struct strv env;
	int env_loaded;
	int env_err; /* errno when environ could not be read */
};

struct proclist {
	struct proc *procs;
	size_t nprocs;
	int hidepid;  /* /proc is mounted with hidepid=1/2 or subset=pid
	                         and we are not privileged: other users' processes
	                         may be invisible */
	int nvisited; /* processes looked at (for diagnostics and bench) */
};

/* names[i] is a NULL-terminated list of process names for component i;
 * ncomps components. Fills pl. Returns 0, or -1 with errno when /proc
 * cannot be read at all. */
int procs_scan(struct proclist *pl, const char *const *const *names, int ncomps);
void proclist_free(struct proclist *pl);

/* Reads /proc/PID/environ into p->env (once). Returns 0 or -1 (p->env_err). */
int procs_read_environ(struct proc *p);
/* Value of NAME in p->env (after procs_read_environ), or NULL. */
const char *procs_getenv(const struct proc *p, const char *name);

/* A cheap way to notice a component that starts between two scans (the
 * daemon's pid check): each poll lists /proc's process directories and
 * looks only at PIDs it did not see at the previous poll, judging them as
 * procs_scan does (argv[0] or exe basename, never comm). The first poll
 * only learns what runs. */
struct procs_watch {
	pid_t *pids; /* sorted, from the last poll */
	size_t n;
	int primed;
};
/* Returns the number of new component processes (the first one's PID and
 * component index in *found and *comp), 0 when none, -1 with errno when
 * /proc cannot be listed. */
int procs_watch_poll(struct procs_watch *w, const char *const *const *names, int ncomps,
		     pid_t *found, int *comp);
void procs_watch_free(struct procs_watch *w);

/* Detects hidepid on /proc (by mount options in /proc/self/mountinfo). */
int procs_hidepid(void);

#endif
