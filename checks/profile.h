/* profile.h - component definitions (profiles/components.yaml) and benchmark
 * profiles (every *.yaml file of profiles/<benchmark>), loaded into plain data.
 *
 * Profiles are data, never code: nothing in them is executed. The schema is
 * documented in kube-auditd-profile(5); this header is its C mirror.
 *
 * Ownership: profile_load returns a struct profile that owns its component
 * definitions and checks; profile_free releases everything.
 */
#ifndef KA_PROFILE_H
#define KA_PROFILE_H

#include <regex.h>

#include "pflag.h"
#include "value.h"

/* ---- components.yaml ---- */

/* How a component resolves its settings (DESIGN 4). */
enum comp_model {
	MODEL_FLAGS = 0,  /* flag > default (kube-apiserver, kube-controller-manager) */
	MODEL_KUBELET,	  /* flag > --config-dir drop-ins > --config file > mode default */
	MODEL_CONFIGFILE, /* with --config that file decides (flags ignored unless
	                     with_config), else flag > default (scheduler, proxy) */
	MODEL_ETCD,	  /* with --config-file (or ETCD_CONFIG_FILE) that file alone,
	                     else flag > ETCD_* environment > default */
};

struct flagdef {
	char *name; /* flag name without dashes; also the setting's name */
	enum vtype type;
	char *key;	  /* dotted key in the component's config file, or NULL */
	char *env;	  /* environment variable (etcd), or NULL */
	char *def;	  /* default as text (flag-mode for the kubelet), NULL = unset */
	char *def_config; /* kubelet: default when started with --config, if different */
	char *def_note;	  /* why that default applies (shown in evidence), or NULL */
	int with_config;  /* MODEL_CONFIGFILE: the flag still applies with --config */
	int is_path;	  /* the value names a file: relative paths are resolved */
};

/* Settings computed from others with a fixed, named rule (implemented in
 * settings.c, parameterised here). */
enum derived_kind {
	DERIVED_ADMISSION_PLUGINS, /* (default_on + enable) - disable, or exactly `replace` */
	DERIVED_AUTHZ_MODES, /* flag list, or authorizers[].type of the file named by file_flag */
	DERIVED_APISERVER_ANONYMOUS, /* anonymous.enabled of the --authentication-config file
	                                when it has an anonymous section, else the bool flag */
};

struct deriveddef {
	char *name;
	enum derived_kind kind;
	char *flag;	      /* ADMISSION: enable flag; AUTHZ: mode flag; ANONYMOUS: bool flag */
	char *flag2;	      /* ADMISSION: disable flag; AUTHZ/ANONYMOUS: file flag */
	char *flag3;	      /* ADMISSION: replacing flag (deprecated --admission-control) */
	struct strv defaults; /* ADMISSION: default-on plugins; AUTHZ: default modes */
};

struct compdef {
	char *name;	   /* "kube-apiserver" */
	struct strv names; /* process names (argv[0] / exe basenames) */
	char *target;	   /* "master", "etcd", "node" */
	char *role;	   /* node role it implies: "control-plane", "etcd", "worker" */
	enum pflag_dialect dialect;
	enum comp_model model;
	char *config_flag;     /* KUBELET/CONFIGFILE: "config"; ETCD: "config-file" */
	char *config_dir_flag; /* KUBELET: "config-dir" */
	char *config_env;      /* ETCD: "ETCD_CONFIG_FILE" */
	struct flagdef *flags;
	size_t nflags;
	struct deriveddef *derived;
	size_t nderived;
};

const struct flagdef *compdef_flag(const struct compdef *c, const char *name);
const struct deriveddef *compdef_derived(const struct compdef *c, const char *name);

/* ---- benchmark checks ---- */

enum test_kind {
	T_ALL = 0,
	T_ANY,
	T_NOT,	   /* combinations */
	T_SETTING, /* compare a component setting */
	T_FILE,	   /* facts of a set of files */
	T_BUILTIN, /* a named rule implemented in C (see eval.h) */
};

enum test_op {
	OP_PRESENT = 0, /* set explicitly (not by default) */
	OP_ABSENT,	/* not set explicitly */
	OP_NONEMPTY,	/* effective value is non-empty */
	OP_EMPTY,
	OP_EQ,
	OP_NE, /* by the setting's type: Go bool, integer, duration, string */
	OP_IN, /* effective value is one of `values` */
	OP_HAS,
	OP_LACKS,  /* list contains / does not contain `value` (element match) */
	OP_SUBSET, /* every element of the list is one of `values` (and list non-empty) */
	OP_GT,
	OP_GE,
	OP_LT,
	OP_LE,	     /* integer, float or duration by the setting's type */
	OP_REGEX,    /* POSIX extended regex on the effective text */
	OP_LOOPBACK, /* host part of an address (or address:port) is a loopback IP,
	                   or the value is empty (server disabled) */
	OP__COUNT
};

const char *test_op_name(enum test_op op);

struct filesel {	 /* one source of files for a T_FILE test */
	char *path;	 /* literal absolute path, or NULL */
	char *setting;	 /* or: a path-valued setting ... */
	char *component; /* ... of this component (default: the check's) */
	char *def;	 /* path used when the setting is unset or its component absent */
	char *join;	 /* appended to the path ("kube-apiserver.yaml") */
	char *glob;	 /* fnmatch pattern for entries under the path (a directory) */
	int recursive;	 /* with glob or dir_all: descend */
	int dir_all; /* "tree: true": every entry under the path, recursively, the directory itself included */
	char *units;	  /* systemd unit name ("kubelet"): its drop-ins, else its unit file */
	int missing;	  /* MISSING_AUTO / SKIP / ERROR */
	int host_ns_only; /* "host_namespace: true": the setting counts only when the
	                       component runs in the auditor's mount namespace;
	                       otherwise `def` (a host file) is judged */
};
enum { MISSING_AUTO = 0, MISSING_SKIP, MISSING_ERROR };

struct test {
	enum test_kind kind;
	int line, col; /* in the profile file, for messages */
	/* T_ALL / T_ANY / T_NOT */
	struct test **sub;
	size_t nsub;
	/* T_SETTING */
	char *component; /* NULL: the check's component */
	char *setting;
	char *key; /* map entry for VT_MAP settings */
	enum test_op op;
	char *value;	    /* scalar operand */
	struct strv values; /* list operand (in, subset) */
	regex_t re;	    /* OP_REGEX, compiled */
	int has_re;
	/* T_FILE */
	struct filesel *files;
	size_t nfiles;
	int has_mode_max;
	unsigned mode_max; /* permission bits allowed */
	int has_owner;
	int owner_by_name; /* owner given as user/group names, looked up on the node */
	unsigned uid, gid;
	char *user, *group;
	/* T_BUILTIN */
	char *builtin;	  /* "encryption-secrets", "etcd-ca-unique", ... */
	struct strv args; /* builtin parameters (e.g. allowed providers) */
};

struct check {
	char *id;      /* "1.2.15" */
	char *section; /* "1.2" */
	char *title;
	char *target;	 /* master, controlplane, etcd, node, policies */
	char *component; /* component name, "(files)" or "cluster" */
	char *role;	 /* SKIP unless the node has this role, or NULL */
	int automated;
	int cluster_scope;    /* policies judged only in the cluster: WARN "cluster scope" */
	char *expected;	      /* human text of what holds when compliant */
	char *manual_reason;  /* no test: why a person must judge */
	struct test *test;    /* NULL: manual, no automated test */
	struct test *skip_if; /* when true: SKIP with skip_reason */
	char *skip_reason;
	struct test *evidence; /* context only, never the verdict: node-local evidence of
	                          cluster-scope and manual checks, or context beside a test */
	char *remediation;
	char *file; /* profile file and line, for messages */
	int line;
};

struct profile {
	char *benchmark; /* "cis-1.12" */
	char *title;
	char *dir; /* the directory it was loaded from */
	struct compdef *comps;
	size_t ncomps;
	struct check *checks; /* in benchmark order */
	size_t nchecks;
	size_t nfiles, ncached; /* YAML files loaded; of those, read from FILE.cache */
};

/* Loads <profile_dir>/components.yaml and the benchmark <profile_dir>/<name>/
 * (every *.yaml in lexical order; an overlay names its base benchmark).
 * Refuses a file or directory that is group- or world-writable or owned by a
 * user other than root or the caller. Returns NULL with *err set to
 * "FILE:LINE:COL: message" (caller frees). */
struct profile *profile_load(const char *profile_dir, const char *benchmark, char **err);
void profile_free(struct profile *p);

const struct compdef *profile_comp(const struct profile *p, const char *name);
int profile_comp_index(const struct profile *p, const char *name);
const struct check *profile_check(const struct profile *p, const char *id);

#endif
