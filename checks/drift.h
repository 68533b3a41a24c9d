/* drift.h - what changed between two reports, and how it is said to syslog.
 *
 * Messages are stable key=value pairs a SIEM can parse:
 *   event=drift benchmark=cis-1.12 node=cp1 id=1.2.6 old=PASS new=FAIL
 *   title="Ensure ..." why="argv pid 812 [7]: --authorization-mode=AlwaysAllow"
 * Values with spaces, quotes, '=' or backslashes are double-quoted with \" and
 * \\ escapes; control bytes and invalid UTF-8 are \xNN (as str_sanitize).
 * Nothing secret reaches a message: only what the report already holds.
 *
 * Ownership: drift_compare fills a struct drift that points into both
 * reports (keep them alive while it is used) and is freed by drift_free.
 * Message functions return new strings the caller frees.
 */
#ifndef KA_DRIFT_H
#define KA_DRIFT_H

#include "report.h"

struct drift_change {
	const struct result *old; /* NULL: a check that the previous scan did not have */
	const struct result *new; /* NULL: a check no longer in the report */
};

struct drift {
	struct drift_change *v;
	size_t n;
};

/* Changes of state between old (may be NULL: the first scan) and new, in
 * new's order, then checks that disappeared. With old == NULL every result
 * that is FAIL, WARN or ERROR counts as a change (the first scan after start
 * logs every non-compliant state once). */
void drift_compare(const struct report *old, const struct report *new, struct drift *out);
void drift_free(struct drift *d);

/* One line per change (no trailing newline). */
char *drift_message(const struct report *new, const struct drift_change *c);
/* One summary line per scan that changed anything:
 *   event=scan benchmark=... node=... changed=N pass=.. fail=.. warn=.. skip=.. error=.. duration_ms=.. */
char *drift_summary(const struct report *new, const struct drift *d);
/* The decisive evidence of a result, in short (first argv/config/file item),
 * or "" when none. */
char *drift_why(const struct result *res);

#endif
