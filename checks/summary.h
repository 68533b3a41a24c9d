/* summary.h - the fleet summary: many kube-auditd JSON reports, one per
 * host, folded into per-host counts and per-recommendation host lists
 * (kube-auditctl summarize).
 *
 * Reports are added one at a time and not kept: a summary holds, per host,
 * its counts, roles and one compact cell per result (for JUnit), and, per
 * recommendation, the hosts where it FAILs, WARNs or ERRORs, so a thousand
 * reports cost a few megabytes.
 *
 * Acceptance rule: a report is accepted when it parses as a kube-auditd
 * report (report_from_json), its "version" has the same major.minor as the
 * program's version (the JSON schema changes only with major.minor), its
 * "benchmark" equals the summary's benchmark (the one given to summary_init,
 * otherwise the first accepted report's), and its host name was not seen
 * before. A report that is rejected and a host added with
 * summary_add_unreachable are listed under "not audited" with the reason.
 *
 * Ownership: a struct summary owns every string in it; summary_add_* copy
 * their arguments; summary_free releases it all. summary_to_* return new
 * strings the caller frees.
 */
#ifndef KA_SUMMARY_H
#define KA_SUMMARY_H

#include <stddef.h>

#include "report.h"
#include "util.h"

/* One result of one host: what JUnit needs. reason is NULL for PASS. */
struct summary_cell {
	size_t rec; /* index into summary.recs */
	enum result_state state;
	char *reason;
};

struct summary_host {
	char *name;	/* the file name stem (HOST.json), else the node's hostname */
	char *hostname; /* node.hostname, "" when the report has none */
	struct strv roles;
	size_t counts[RS__COUNT];
	struct summary_cell *cells;
	size_t ncells;
};

struct summary_rec {
	char *id, *title;
	/* host names where the result is FAIL, WARN, ERROR (indexed by state;
	 * the PASS and SKIP vectors stay empty) */
	struct strv hosts[RS__COUNT];
};

struct summary_bad {
	char *name;   /* host (file name stem, or the file's path) */
	char *file;   /* the report file, NULL for an unreachable host */
	char *reason; /* one line */
};

struct summary_index {
	size_t *slots; /* entry index + 1, 0 when empty */
	size_t cap;    /* power of two */
	size_t n;
};

struct summary {
	char *version;	 /* the program's version: "major.minor" is compared */
	char *benchmark; /* NULL until given or set by the first accepted report */
	struct summary_host *hosts;
	size_t nhosts, hosts_cap;
	struct summary_rec *recs; /* in first-seen order; outputs sort by id */
	size_t nrecs, recs_cap;
	struct summary_bad *bad;
	size_t nbad, bad_cap;
	struct summary_index rec_ix, host_ix;
};

/* benchmark may be NULL (the first accepted report chooses); version is the
 * program's PACKAGE_VERSION. */
void summary_init(struct summary *s, const char *version, const char *benchmark);
void summary_free(struct summary *s);

/* The host name a report file stands for: "HOST" for ".../HOST.json", NULL
 * when the name does not end in ".json" (or is just ".json"). Caller frees. */
char *summary_name_from_path(const char *path);

/* Adds one parsed report under name (NULL: the report's hostname). Returns 0,
 * or -1 when it is rejected: then *err (caller frees, may be NULL) says why
 * and nothing was added. */
int summary_add_report(struct summary *s, const char *name, const struct report *r, char **err);
/* Reads, parses and adds one report file. A rejected file (unreadable, not a
 * report, another version or benchmark, a duplicate host) is recorded under
 * "not audited"; returns 0 when accepted, -1 when rejected. */
int summary_add_file(struct summary *s, const char *path);
/* Same for a report held in memory; file is only used in messages. */
int summary_add_json(struct summary *s, const char *name, const char *file, const char *text);
/* Records a host that could not be audited at all. */
void summary_add_unreachable(struct summary *s, const char *name, const char *reason);
/* Parses "HOST=REASON" (the --unreachable argument) and records it. Returns
 * -1 with errno EINVAL when HOST is empty or there is no '='. An empty REASON
 * becomes "unreachable". */
int summary_add_unreachable_arg(struct summary *s, const char *arg);

/* 0: every report accepted, no FAIL, no ERROR; 1: a FAIL and no ERROR;
 * 2: an ERROR, a rejected report or an unreachable host. */
int summary_exit_status(const struct summary *s);

/* JSON (schema in kube-auditctl(1)):
 * {"tool":"kube-auditctl","version":V,"benchmark":B,
 *  "totals":{"hosts":N,"not_audited":N,"pass":N,"fail":N,"warn":N,"skip":N,"error":N},
 *  "hosts":[{"name","hostname","roles":[...],"summary":{"pass",...}}],
 *  "recommendations":[{"id","title","fail":[hosts],"warn":[...],"error":[...]}],
 *  "not_audited":[{"name","file"?,"reason"}]}
 * recommendations lists only those with a FAIL, WARN or ERROR, sorted by id. */
char *summary_to_json(const struct summary *s);
/* Markdown: a hosts table, the recommendations with a FAIL, ERROR or WARN,
 * the hosts not audited, and the totals. */
char *summary_to_markdown(const struct summary *s);
/* JUnit XML: one testsuite per host, one testcase per host and
 * recommendation (classname host, name "ID TITLE"), and a "not audited"
 * testsuite with one error testcase per host not audited. */
char *summary_to_junit(const struct summary *s);

#endif
