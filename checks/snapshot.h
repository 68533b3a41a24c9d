/* snapshot.h - the facts of one node: which components run, how they were
 * started, what their settings effectively are and where each came from.
 *
 * The snapshot gathers facts; it never decides PASS or FAIL. Settings and
 * config files are resolved on first use and cached, so a scan reads only
 * what its checks need.
 *
 * Ownership: snap_new returns a snapshot that owns its processes, parsed
 * flags, config documents and cached settings; snap_free releases them. A
 * struct setting returned by snap_setting belongs to the snapshot.
 */
#ifndef KA_SNAPSHOT_H
#define KA_SNAPSHOT_H

#include <sys/types.h>

#include "files.h"
#include "pflag.h"
#include "procs.h"
#include "profile.h"
#include "report.h"
#include "yamlcfg.h"

struct cfgfile {	  /* a config file a component reads */
	char *path;	  /* as named (absolute, in the view below) */
	pid_t view_pid;	  /* 0: the --root view; else read through /proc/PID/root */
	struct ydoc *doc; /* NULL when it could not be read/parsed */
	char *error;	  /* why, "FILE:LINE:COL: ..." or "FILE: No such file or directory" */
	int is_dropin;
};

struct comp { /* one component definition and, when found, its process */
	const struct compdef *def;
	struct snapshot *snap; /* back pointer */
	struct proc *proc;     /* NULL: not running on this node */
	int nprocs;	       /* how many processes matched (first one is used) */
	struct flagset flags;
	/* config layers, loaded on first use */
	int cfg_loaded;
	int config_mode; /* kubelet: started with --config; others: a config file decides */
	const struct cfgfile *cfg;	/* the main config file, or NULL */
	const struct cfgfile **dropins; /* kubelet --config-dir *.conf, lexical order */
	size_t ndropins;
	char *cfg_error;	/* a layer could not be read: settings resolve to ERROR */
	struct setting **cache; /* resolved settings (pointers stay valid) */
	size_t ncache;
};

enum setting_status {
	SET_OK = 0,	 /* value below is the effective value (maybe unset) */
	SET_NOT_RUNNING, /* the component does not run here */
	SET_ERROR,	 /* could not be resolved: see error */
};

struct setting {
	char *name;
	enum setting_status status;
	char *error;
	enum vtype type;
	int has_value; /* 0: unset (no value and no default) */
	struct value val;
	int from_default;		/* the value is the component's default */
	int explicit;			/* set by a flag, env, config file or drop-in */
	const struct cfgfile *from_cfg; /* the config layer that decided, or NULL */
	/* for path settings: where to read the file */
	char *path;	     /* absolute path in the view */
	pid_t view_pid;	     /* 0: --root view; else /proc/PID/root */
	struct evidence *ev; /* what decided the value, in order */
	size_t nev;
};

struct snapshot {
	struct froot *root;
	char *root_real; /* the root's canonical absolute path */
	const struct profile *prof;
	struct proclist procs;
	struct comp *comps; /* one per profile component, same order */
	size_t ncomps;
	char *hostname;
	struct strv notes; /* scan-wide diagnostics for the report */
	/* private caches */
	struct cfgfile **cfgs; /* every config file read, by (view, path) */
	size_t ncfgs;
	struct snap_view *views; /* /proc/PID/root views opened */
	size_t nviews;
};

struct snap_view {
	pid_t pid;
	struct froot *root;
};

/* Collects the processes and opens the root. Returns NULL with *err
 * (caller frees) when the root or /proc cannot be opened. */
struct snapshot *snap_new(const struct profile *prof, const char *rootdir, char **err);
/* For tests: a snapshot with the given processes instead of /proc.
 * procs[i].comp must index prof->comps; the snapshot takes the procs. */
struct snapshot *snap_new_fake(const struct profile *prof, const char *rootdir, struct proc *procs,
			       size_t nprocs, char **err);
void snap_free(struct snapshot *s);

struct comp *snap_comp(struct snapshot *s, const char *name); /* NULL: unknown name */

/* The effective setting `name` of component `comp` (a flag, config key or
 * derived setting). Unknown names return NULL. */
const struct setting *snap_setting(struct snapshot *s, const char *comp, const char *name);

/* Copies the setting's evidence into a result. */
void snap_add_setting_evidence(struct result *res, const struct setting *st);

/* Reads a config file a component names (YAML/JSON), as that component sees
 * it. path absolute in the view. Caches by (view, path). */
const struct cfgfile *snap_config(struct snapshot *s, pid_t view_pid, const char *path);

#endif
