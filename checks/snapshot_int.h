/* snapshot_int.h - helpers shared by snapshot.c, settings.c, eval.c and
 * builtins.c; not part of the snapshot's public contract. */
#ifndef KA_SNAPSHOT_INT_H
#define KA_SNAPSHOT_INT_H

#include "snapshot.h"

void setting_free(struct setting *st);
int snap_has_role(struct snapshot *s, const char *role);
/* The file view of a process (pid != 0: /proc/PID/root) or the --root view. */
struct froot *snap_view(struct snapshot *s, pid_t pid);
char *snap_view_name(pid_t pid); /* "root" or "proc:PID"; caller frees */
/* files_stat in a view, owner names from the node's passwd/group. */
int snap_stat(struct snapshot *s, pid_t view, const char *path, struct ffacts *f);
void evidence_add_file(struct result *res, const struct ffacts *f, pid_t view);
/* Resolves a path value the way the component reads it: relative to the
 * process's cwd (through /proc/PID/root) or to base_dir when given. Sets
 * *path (caller frees) and *view. Returns 0, or -1 with *err. */
int snap_resolve_path(struct snapshot *s, const struct comp *c, const char *value,
		      const char *base_dir, pid_t base_view, char **path, pid_t *view, char **err);
/* Loads the component's config layers once (kubelet --config and
 * --config-dir, scheduler/proxy --config, etcd --config-file). */
void comp_load_config(struct snapshot *s, struct comp *c);

const struct setting *snap_setting_c(struct snapshot *s, struct comp *c, const char *name);
void derived_resolve(struct snapshot *s, struct comp *c, const struct deriveddef *dd,
		     struct setting *st);
void snap_copy_evidence(struct setting *dst, const struct setting *src);

#endif
