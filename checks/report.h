/* report.h - the result of one scan and its output formats.
 *
 * A report is one in-memory structure; every format is a pure function of it.
 * Ownership: the report owns every string, result and evidence in it;
 * report_free releases it all. report_* adders copy their arguments.
 */
#ifndef KA_REPORT_H
#define KA_REPORT_H

#include <stdio.h>
#include <sys/types.h>

#include "util.h"

enum result_state { RS_PASS = 0, RS_FAIL, RS_WARN, RS_SKIP, RS_ERROR, RS__COUNT };

const char *result_state_name(enum result_state s); /* "PASS", ... */

enum ev_source { EV_ARGV = 0, EV_ENVIRON, EV_CONFIG, EV_DROPIN, EV_DEFAULT, EV_FILE, EV_NOTE };

const char *ev_source_name(enum ev_source s); /* "argv", "environ", ..., "note" */

struct evidence {
	enum ev_source source;
	pid_t pid;  /* argv, environ */
	int index;  /* argv index, -1 when none */
	char *text; /* argv/environ text, config "key: value", default description, note */
	char *file; /* config, dropin: the file; file: the path */
	int line;   /* config, dropin: 1-based line, 0 when none */
	/* EV_FILE facts */
	int has_stat;  /* mode/uid/gid below are meaningful */
	unsigned mode; /* permission and type bits */
	unsigned uid, gid;
	char *owner, *group; /* names from the node's passwd/group, or NULL */
	char *link;	     /* symlink target inside the root, or NULL */
	char *view;	     /* "root" (the --root view) or "proc:PID" (the process's own root) */
};

struct result {
	char *id, *section, *title;
	enum result_state state;
	int automated;
	char *component; /* "kube-apiserver", ..., "(files)", "cluster" */
	char *expected;
	char *actual;
	char *reason;
	char *remediation;
	struct evidence *ev;
	size_t nev;
};

/* res->state, or ERROR for a state outside the enum: a bug upstream must
 * never read as a pass. */
enum result_state result_state_of(const struct result *res);

struct report_comp {
	char *name;
	pid_t pid;
	char *exe; /* may be NULL */
};

struct report {
	char *tool; /* "kube-auditd" */
	char *version;
	char *benchmark; /* "cis-1.12" */
	char *hostname;
	struct strv roles; /* "control-plane", "etcd", "worker" */
	struct report_comp *comps;
	size_t ncomps;
	char *started_at; /* RFC 3339 UTC */
	double duration_ms;
	struct strv notes; /* scan-wide diagnostics (e.g. hidepid) */
	struct result *results;
	size_t nresults;
	size_t counts[RS__COUNT];
};

struct result *report_add_result(struct report *r); /* zeroed, appended */
void evidence_free(struct evidence *e);		    /* its strings, not e */
/* Appends one evidence item as one line ("argv pid 812 [7]: ...", "config
 * FILE:LINE: key: value", "file PATH mode 0644 owner ..."), its strings
 * sanitized (str_sanitize) or as they are. */
void report_evidence_line(struct sbuf *b, const struct evidence *e, int sanitize);
/* XML 1.0 text and attributes (name="value") from raw text: sanitized, then
 * escaped (JUnit output of reports and of fleet summaries). NULL is "". */
void report_xml_add(struct sbuf *b, const char *s);
void report_xml_attr(struct sbuf *b, const char *name, const char *value);
void evidence_copy(struct evidence *dst, const struct evidence *src); /* deep copy */
struct evidence *result_add_evidence(struct result *res); /* zeroed, index -1, appended */
void report_count(struct report *r);			  /* fills counts */
void report_free(struct report *r);

/* Exit status of --once (DESIGN 3.1): 0 no FAIL and no ERROR, 1 a FAIL, 2 an ERROR. */
int report_exit_status(const struct report *r);

enum report_format { FMT_TEXT = 0, FMT_JSON, FMT_JUNIT, FMT_PROMETHEUS };
int report_format_from_name(const char *name, enum report_format *out); /* 0 / -1 */

/* Writes the report to out in the given format. Text flags: REPORT_COLOR
 * (ANSI colours), REPORT_DETAILS (evidence of PASS results too; otherwise
 * only results that are not PASS are explained). Returns 0 or -1 with errno
 * on a write error. */
#define REPORT_COLOR 1
#define REPORT_DETAILS 2
int report_write(const struct report *r, enum report_format fmt, FILE *out, int flags);

/* JSON is the contract of DESIGN 3.3; report_from_json parses it back
 * (used by tests, the state file and later the fleet summary). Returns NULL
 * and *err (caller frees) on invalid input. */
char *report_to_json(const struct report *r); /* caller frees */
struct report *report_from_json(const char *text, char **err);

#endif
