/* scan.h - one whole scan: snapshot, evaluation, report. The same function
 * serves --once and, later, every periodic scan of the daemon.
 *
 * Ownership: scan_run returns a report the caller frees with report_free.
 */
#ifndef KA_SCAN_H
#define KA_SCAN_H

#include "eval.h"
#include "profile.h"
#include "report.h"

/* Scans the node whose files are under root ("/" when NULL). Returns NULL
 * with *err (caller frees) when the root or /proc cannot be read. */
struct report *scan_run(const struct profile *p, const char *root, const struct eval_opts *o,
			char **err);

#endif
